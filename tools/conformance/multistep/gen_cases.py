"""Regenerates extra ldm-scheduler-case/1 files from diffusers' scheduler sources (commit in COMMIT),
run unchanged against small stubs of diffusers' config machinery. Usage: python3 gen.py OUTDIR"""
import json, math, sys, os
import numpy as np, torch
from dsched.scheduling_dpmsolver_multistep import DPMSolverMultistepScheduler
from dsched.scheduling_unipc_multistep import UniPCMultistepScheduler
from dsched.scheduling_lcm import LCMScheduler

COMMIT = "58eb52c0803ea9af3abec60841c2a093bdf1f951"
CLASSES = {c.__name__: c for c in (DPMSolverMultistepScheduler, UniPCMultistepScheduler, LCMScheduler)}
SD = dict(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", steps_offset=1)

def run_case(name, cls_name, cfg, steps, shape=(1, 4, 4, 4), model=(0.5, 0.1, -0.02), seed=0, strength=None):
    cls = CLASSES[cls_name]
    s = cls(**cfg)
    if strength is None:
        s.set_timesteps(steps)
    else:
        s.set_timesteps(steps, strength=strength)
    g = torch.Generator().manual_seed(seed)
    init = torch.randn(shape, generator=g, dtype=torch.float32)
    sample = init * s.init_noise_sigma
    a, b, c = model
    drawn = []
    ng = torch.Generator().manual_seed(seed + 1)
    import dsched.stubs as st
    def rt(shape, generator=None, device=None, dtype=None):
        n = torch.randn(shape, generator=ng, dtype=torch.float32)
        drawn.append(n.flatten().tolist())
        return n
    import dsched.scheduling_dpmsolver_multistep as m1, dsched.scheduling_lcm as m3
    m1.randn_tensor = rt; m3.randn_tensor = rt
    out_steps = []
    latents_start = sample.flatten().tolist()
    for t in s.timesteps:
        x = s.scale_model_input(sample, t)
        eps = np.float32(a) * x + float(b * (float(t) / 1000.0) + c)
        eps = eps.to(torch.float32)
        sample = s.step(eps, t, sample).prev_sample
        out_steps.append(dict(t=float(t), model_input=x.flatten().tolist(), model_output=eps.flatten().tolist(),
                              prev_sample=sample.flatten().tolist()))
    full = dict(cfg); full["_class_name"] = cls_name
    for k, v in s.config.items():
        full.setdefault(k, v)
    case = {"format": "ldm-scheduler-case/1", "name": name, "diffusers_commit": COMMIT,
            "scheduler_config": full, "num_inference_steps": steps, "shape": list(shape),
            "init_noise": init.flatten().tolist(), "model": {"a": a, "b": b, "c": c}, "step_noise": drawn,
            "expected": {"init_noise_sigma": float(s.init_noise_sigma), "timesteps": [float(t) for t in s.timesteps],
                         "latents_start": latents_start, "steps": out_steps, "final": sample.flatten().tolist()}}
    if strength is not None:
        case["strength"] = strength
    return case

def check_shared(path):
    d = json.load(open(path))
    cfg = {k: v for k, v in d["scheduler_config"].items() if not k.startswith("_")}
    cls = CLASSES[d["scheduler_config"]["_class_name"]](**cfg)
    cls.set_timesteps(d["num_inference_steps"])
    shape = d["shape"]
    sample = torch.tensor(d["init_noise"], dtype=torch.float32).reshape(shape) * cls.init_noise_sigma
    noise = [torch.tensor(n, dtype=torch.float32).reshape(shape) for n in d["step_noise"]]
    import dsched.scheduling_dpmsolver_multistep as m1, dsched.scheduling_lcm as m3
    it = iter(noise)
    m1.randn_tensor = m3.randn_tensor = lambda *a, **k: next(it)
    a, b, c = d["model"]["a"], d["model"]["b"], d["model"]["c"]
    for t in cls.timesteps:
        x = cls.scale_model_input(sample, t)
        eps = (np.float32(a) * x + float(b * (float(t) / 1000.0) + c)).to(torch.float32)
        sample = cls.step(eps, t, sample).prev_sample
    err = (sample.flatten() - torch.tensor(d["expected"]["final"])).abs().max().item()
    print(path, "harness max err", err)

if __name__ == "__main__":
    if sys.argv[1] == "check":
        for p in sys.argv[2:]:
            check_shared(p)

def variants():
    D, U, L = "DPMSolverMultistepScheduler", "UniPCMultistepScheduler", "LCMScheduler"
    v = []
    v.append(("dpm-o1-ddim", D, dict(SD, solver_order=1), 10))
    v.append(("dpm-o3-heun-trailing", D, dict(SD, solver_order=3, solver_type="heun", timestep_spacing="trailing"), 25))
    v.append(("dpm-o3-karras-lof", D, dict(SD, solver_order=3, use_karras_sigmas=True), 12))
    v.append(("dpm-o2-v-zsnr-trailing", D, dict(SD, prediction_type="v_prediction", rescale_betas_zero_snr=True, timestep_spacing="trailing"), 16))
    v.append(("dpm-o2-leading-sigmamin-euler", D, dict(SD, timestep_spacing="leading", final_sigmas_type="sigma_min", euler_at_final=True), 7))
    v.append(("dpm-dpmsolver-o3", D, dict(SD, algorithm_type="dpmsolver", solver_order=3, final_sigmas_type="sigma_min"), 20))
    v.append(("dpm-dpmsolver-heun-sample", D, dict(SD, algorithm_type="dpmsolver", solver_type="heun", final_sigmas_type="sigma_min", prediction_type="sample"), 9))
    v.append(("dpm-sde-pp-o2", D, dict(SD, algorithm_type="sde-dpmsolver++", use_karras_sigmas=True), 15))
    v.append(("dpm-sde-pp-o3-heun", D, dict(SD, algorithm_type="sde-dpmsolver++", solver_order=3, solver_type="heun"), 11))
    v.append(("dpm-sde-o2", D, dict(SD, algorithm_type="sde-dpmsolver", final_sigmas_type="sigma_min"), 10))
    v.append(("dpm-lambda-clip-cos", D, dict(beta_schedule="squaredcos_cap_v2", lambda_min_clipped=-5.1, solver_order=2), 30))
    v.append(("dpm-thresh-linear-1step", D, dict(thresholding=True, sample_max_value=1.5, prediction_type="sample"), 1))
    v.append(("dpm-lu-lambdas", D, dict(SD, use_lu_lambdas=True), 14))
    v.append(("dpm-exp-sigmas", D, dict(SD, use_exponential_sigmas=True, solver_order=3), 13))
    v.append(("dpm-karras-50-nolof", D, dict(SD, use_karras_sigmas=True, lower_order_final=False, final_sigmas_type="sigma_min"), 50))
    v.append(("dpm-flow", D, dict(use_flow_sigmas=True, prediction_type="flow_prediction", flow_shift=3.0), 8))
    v.append(("dpm-deis-sigmamin-2", D, dict(SD, algorithm_type="deis", final_sigmas_type="sigma_min", solver_type="bh2"), 2))
    v.append(("unipc-bh1-o3", U, dict(SD, solver_type="bh1", solver_order=3, final_sigmas_type="sigma_min"), 15))
    v.append(("unipc-bh2-o3-karras", U, dict(SD, solver_order=3, use_karras_sigmas=True), 20))
    v.append(("unipc-noX0-o2", U, dict(SD, predict_x0=False, final_sigmas_type="sigma_min"), 12))
    v.append(("unipc-noX0-bh1-v-zsnr-trailing", U, dict(SD, predict_x0=False, solver_type="bh1", prediction_type="v_prediction", rescale_betas_zero_snr=True, timestep_spacing="trailing", final_sigmas_type="sigma_min"), 10))
    v.append(("unipc-disable-corr-leading", U, dict(SD, disable_corrector=[0, 2], timestep_spacing="leading"), 8))
    v.append(("unipc-o1", U, dict(SD, solver_order=1), 6))
    v.append(("unipc-o3-nolof-sigmamin", U, dict(SD, solver_order=3, lower_order_final=False, final_sigmas_type="sigma_min"), 25))
    v.append(("unipc-karras-sigmamin-1", U, dict(SD, use_karras_sigmas=True, final_sigmas_type="sigma_min"), 1))
    v.append(("unipc-exp-thresh-sample", U, dict(SD, use_exponential_sigmas=True, thresholding=True, prediction_type="sample"), 9))
    v.append(("unipc-o4", U, dict(SD, solver_order=4), 12))
    v.append(("unipc-flow", U, dict(use_flow_sigmas=True, prediction_type="flow_prediction", flow_shift=3.0), 8))
    v.append(("lcm-8-v", L, dict(SD, prediction_type="v_prediction", timestep_scaling=5.0), 8))
    v.append(("lcm-1", L, dict(SD), 1))
    v.append(("lcm-orig25-sample-clip", L, dict(SD, original_inference_steps=25, prediction_type="sample", clip_sample=True, clip_sample_range=0.8), 6))
    v.append(("lcm-50", L, dict(SD), 50))
    v.append(("lcm-thresh", L, dict(SD, thresholding=True, sample_max_value=2.0), 5))
    v.append(("dpm-linear-defaults-3", D, dict(), 3))
    v.append(("dpm-o3-3steps", D, dict(SD, solver_order=3), 3))
    v.append(("dpm-o3-16steps-v-karras", D, dict(SD, solver_order=3, prediction_type="v_prediction", use_karras_sigmas=True), 16))
    v.append(("dpm-leading-offset0-o2-1", D, dict(beta_schedule="linear", timestep_spacing="leading"), 1))
    v.append(("dpm-cos-karras-heun", D, dict(beta_schedule="squaredcos_cap_v2", use_karras_sigmas=True, solver_type="heun"), 10))
    v.append(("dpm-zsnr-karras-trailing-sample", D, dict(SD, rescale_betas_zero_snr=True, use_karras_sigmas=True, prediction_type="sample", timestep_spacing="trailing"), 20))
    v.append(("unipc-cos-trailing-v", U, dict(beta_schedule="squaredcos_cap_v2", timestep_spacing="trailing", prediction_type="v_prediction"), 7))
    v.append(("unipc-linear-defaults-2", U, dict(), 2))
    v.append(("unipc-o3-3steps-bh1", U, dict(SD, solver_order=3, solver_type="bh1", final_sigmas_type="sigma_min"), 3))
    v.append(("unipc-karras-zsnr-sample-12", U, dict(SD, use_karras_sigmas=True, rescale_betas_zero_snr=True, prediction_type="sample"), 12))
    v.append(("lcm-linear-trained-ish", L, dict(beta_schedule="linear", beta_start=0.0001, beta_end=0.02, original_inference_steps=100), 10))
    return v

def strength_variants():
    L = "LCMScheduler"
    return [("lcm-strength-0.6", L, dict(SD), 4, 0.6), ("lcm-zsnr-strength-0.9", L, dict(SD, rescale_betas_zero_snr=True), 4, 0.9), ("lcm-strength-0.35", L, dict(SD, original_inference_steps=40), 3, 0.35)]

if __name__ == "__main__" and sys.argv[1] != "check":
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    def dump(case):
        def fix(o):
            if isinstance(o, float) and math.isinf(o):
                return "__NEGINF__" if o < 0 else "__POSINF__"
            if isinstance(o, dict):
                return {k: fix(x) for k, x in o.items()}
            if isinstance(o, list):
                return [fix(x) for x in o]
            return o
        txt = json.dumps(fix(case), separators=(",", ":"))
        txt = txt.replace('"__NEGINF__"', "-Infinity").replace('"__POSINF__"', "Infinity")
        open(os.path.join(out, case["name"] + ".json"), "w").write(txt)
    for i, (name, cls, cfg, steps) in enumerate(variants()):
        try:
            dump(run_case(name, cls, cfg, steps, seed=100 + i))
        except Exception as e:
            print("FAILED", name, type(e).__name__, e)
    for i, (name, cls, cfg, steps, strength) in enumerate(strength_variants()):
        dump(run_case(name, cls, cfg, steps, seed=300 + i, strength=strength))
    print("done")
