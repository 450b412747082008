import json
from gen import *
D, U, L = "DPMSolverMultistepScheduler", "UniPCMultistepScheduler", "LCMScheduler"
cfgs = []
for v in [dict(algorithm_type="dpmsolver3"), dict(algorithm_type="deis"), dict(algorithm_type="deis", final_sigmas_type="sigma_min"),
          dict(algorithm_type="sde-dpmsolver"), dict(solver_type="bh1"), dict(solver_type="euler"), dict(prediction_type="v"),
          dict(final_sigmas_type="sigma_max"), dict(timestep_spacing="foo"), dict(beta_schedule="sigmoid"), dict(solver_order=0),
          dict(solver_order=4), dict(solver_order=5, lower_order_final=False), dict(use_karras_sigmas=True, use_exponential_sigmas=True),
          dict(lambda_min_clipped=100.0), dict(lambda_min_clipped=-2.0), dict(variance_type="learned"), dict(variance_type="fixed_small"),
          dict(thresholding=True, algorithm_type="dpmsolver", final_sigmas_type="sigma_min", prediction_type="sample"),
          dict(prediction_type="flow_prediction", algorithm_type="dpmsolver", final_sigmas_type="sigma_min"),
          dict(time_shift_type="linear"), dict(use_dynamic_shifting=True), dict(use_flow_sigmas=True, use_karras_sigmas=True),
          dict(algorithm_type="sde-dpmsolver", solver_order=3, final_sigmas_type="sigma_min")]:
    cfgs.append((D, v))
for v in [dict(solver_type="midpoint"), dict(solver_type="bh3"), dict(solver_order=0), dict(solver_order=4), dict(solver_order=5),
          dict(prediction_type="flow_prediction", predict_x0=False), dict(final_sigmas_type="sigma_max"), dict(timestep_spacing="foo"),
          dict(shift_terminal=0.5), dict(use_dynamic_shifting=True), dict(use_karras_sigmas=True, use_exponential_sigmas=True),
          dict(sigma_min=0.1, sigma_max=10.0, use_karras_sigmas=True), dict(sigma_min=0.05, use_exponential_sigmas=True),
          dict(disable_corrector=[1, 3, 5]), dict(time_shift_type="linear"), dict(use_flow_sigmas=True, shift_terminal=0.1),
          dict(prediction_type="v")]:
    cfgs.append((U, v))
for v in [dict(original_inference_steps=2000), dict(prediction_type="flow_prediction"), dict(timestep_spacing="trailing"),
          dict(original_inference_steps=5), dict(clip_sample=True, clip_sample_range=0.5), dict(set_alpha_to_one=True)]:
    cfgs.append((L, v))
out = []
for i, (cls, v) in enumerate(cfgs):
    cfg = dict(SD); cfg.update(v)
    n = 10
    try:
        c = run_case("r%d" % i, cls, cfg, n, shape=(1, 4, 2, 2), seed=2000 + i)
        out.append(dict(cls=cls, cfg=cfg, n=n, strength=None, init=c["init_noise"], noise=c["step_noise"], ts=c["expected"]["timesteps"],
                        steps=[s["prev_sample"] for s in c["expected"]["steps"]]))
    except Exception as e:
        out.append(dict(cls=cls, cfg=cfg, n=n, strength=None, err=type(e).__name__ + ": " + str(e)[:80]))
open('/tmp/sched2/sweep3.json', 'w').write(json.dumps(out))
for o in out: print(o['cls'][:3], {k: v for k, v in o['cfg'].items() if k not in SD}, o.get('err', 'OK'))
