import json, math, sys, os
sys.path.insert(0, '/tmp/zoo')
import numpy as np, torch
import dsched.scheduling_pndm as mp, dsched.scheduling_euler_discrete as me, dsched.scheduling_euler_ancestral_discrete as mea
import dsched.scheduling_lms_discrete as ml, dsched.scheduling_heun_discrete as mh
COMMIT = "58eb52c0803ea9af3abec60841c2a093bdf1f951"
CLASSES = {c.__name__: c for c in (mp.PNDMScheduler, me.EulerDiscreteScheduler, mea.EulerAncestralDiscreteScheduler, ml.LMSDiscreteScheduler, mh.HeunDiscreteScheduler)}
SD = dict(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", steps_offset=1)

def r9(v):
    return [float('%.9g' % x) if math.isfinite(x) else x for x in v]

def run_case(name, cls_name, cfg, steps, shape=(1, 4, 4, 4), model=(0.5, 0.1, -0.02), seed=0):
    s = CLASSES[cls_name](**cfg)
    s.set_timesteps(steps)
    g = torch.Generator().manual_seed(seed)
    init = torch.randn(shape, generator=g, dtype=torch.float32)
    sample = init * s.init_noise_sigma
    a, b, c = model
    drawn = []
    ng = torch.Generator().manual_seed(seed + 1)
    def rt(shape, generator=None, device=None, dtype=None):
        n = torch.randn(shape, generator=ng, dtype=torch.float32)
        drawn.append(r9(n.flatten().tolist()))
        return n
    me.randn_tensor = rt; mea.randn_tensor = rt
    out_steps = []
    latents_start = r9(sample.flatten().tolist())
    for t in s.timesteps:
        x = s.scale_model_input(sample, t)
        eps = (np.float32(a) * x + float(b * (float(t) / 1000.0) + c)).to(torch.float32)
        sample = s.step(eps, t, sample).prev_sample
        out_steps.append(dict(t=float(t), model_input=r9(x.flatten().tolist()), prev_sample=r9(sample.flatten().tolist())))
    full = {"_class_name": cls_name}
    for k, v in s.config.items():
        full[k] = v
    return {"format": "ldm-scheduler-case/1", "name": name, "diffusers_commit": COMMIT,
            "scheduler_config": full, "num_inference_steps": steps, "shape": list(shape),
            "init_noise": r9(init.flatten().tolist()), "model": {"a": a, "b": b, "c": c}, "step_noise": drawn,
            "expected": {"init_noise_sigma": float(s.init_noise_sigma), "timesteps": [float(t) for t in s.timesteps],
                         "latents_start": latents_start, "steps": out_steps, "final": r9(sample.flatten().tolist())}}

def add_noise_case(name, cls_name, cfg, steps, strength, shape=(1, 4, 4, 4), seed=0):
    s = CLASSES[cls_name](**cfg)
    s.set_timesteps(steps)
    init_timestep = min(int(steps * strength), steps)
    t_start = max(steps - init_timestep, 0)
    ts = s.timesteps[t_start * s.order:]
    if hasattr(s, "set_begin_index"):
        s.set_begin_index(t_start * s.order)
    g = torch.Generator().manual_seed(seed)
    orig = torch.randn(shape, generator=g); noise = torch.randn(shape, generator=g)
    full = {"_class_name": cls_name}
    for k, v in s.config.items():
        full[k] = v
    exp = {"timesteps": [float(t) for t in ts]}
    if len(ts):
        noisy = s.add_noise(orig, noise, ts[:1])
        exp["noisy"] = r9(noisy.flatten().tolist())
    return {"format": "ldm-add-noise-case/1", "name": name, "diffusers_commit": COMMIT, "scheduler_config": full,
            "num_inference_steps": steps, "strength": strength, "shape": list(shape),
            "original": r9(orig.flatten().tolist()), "noise": r9(noise.flatten().tolist()), "expected": exp}

def dump(out, case):
    def fix(o):
        if isinstance(o, float) and math.isinf(o):
            return "__NEGINF__" if o < 0 else "__POSINF__"
        if isinstance(o, float) and math.isnan(o):
            return "__NAN__"
        if isinstance(o, dict):
            return {k: fix(x) for k, x in o.items()}
        if isinstance(o, (list, tuple)):
            return [fix(x) for x in o]
        if isinstance(o, np.ndarray):
            return fix(o.tolist())
        return o
    txt = json.dumps(fix(case), separators=(",", ":"))
    txt = txt.replace('"__NEGINF__"', "-Infinity").replace('"__POSINF__"', "Infinity").replace('"__NAN__"', "NaN")
    open(os.path.join(out, case["name"] + ".json"), "w").write(txt)

def check_shared(path):
    d = json.load(open(path))
    cfg = {k: v for k, v in d["scheduler_config"].items() if not k.startswith("_")}
    s = CLASSES[d["scheduler_config"]["_class_name"]](**cfg)
    s.set_timesteps(d["num_inference_steps"])
    shape = d["shape"]
    sample = torch.tensor(d["init_noise"], dtype=torch.float32).reshape(shape) * s.init_noise_sigma
    it = iter([torch.tensor(n, dtype=torch.float32).reshape(shape) for n in d["step_noise"]])
    me.randn_tensor = mea.randn_tensor = lambda *a, **k: next(it)
    a, b, c = d["model"]["a"], d["model"]["b"], d["model"]["c"]
    for t in s.timesteps:
        x = s.scale_model_input(sample, t)
        eps = (np.float32(a) * x + float(b * (float(t) / 1000.0) + c)).to(torch.float32)
        sample = s.step(eps, t, sample).prev_sample
    err = (sample.flatten() - torch.tensor(d["expected"]["final"])).abs().max().item()
    print(path, "harness max err", err)

P, E, EA, L, H = "PNDMScheduler", "EulerDiscreteScheduler", "EulerAncestralDiscreteScheduler", "LMSDiscreteScheduler", "HeunDiscreteScheduler"
def variants():
    v = []
    # PNDM
    v += [("pndm-prk-leading", P, dict(SD), 10), ("pndm-prk-linear-4", P, dict(), 4),
          ("pndm-skip-1", P, dict(SD, skip_prk_steps=True), 1), ("pndm-skip-2-trailing", P, dict(SD, skip_prk_steps=True, timestep_spacing="trailing"), 2),
          ("pndm-skip-v-linspace-alpha1", P, dict(SD, skip_prk_steps=True, prediction_type="v_prediction", timestep_spacing="linspace", set_alpha_to_one=True), 15),
          ("pndm-prk-cos-trailing-v", P, dict(beta_schedule="squaredcos_cap_v2", timestep_spacing="trailing", prediction_type="v_prediction"), 7),
          ("pndm-skip-50", P, dict(SD, skip_prk_steps=True), 50), ("pndm-prk-linspace-13", P, dict(SD, timestep_spacing="linspace"), 13),
          ("pndm-skip-3-cos", P, dict(beta_schedule="squaredcos_cap_v2", skip_prk_steps=True), 3)]
    # Euler
    v += [("euler-karras-leading", E, dict(SD, use_karras_sigmas=True, timestep_spacing="leading"), 12),
          ("euler-v-zsnr-trailing", E, dict(SD, prediction_type="v_prediction", rescale_betas_zero_snr=True, timestep_spacing="trailing"), 10),
          ("euler-loglinear-sigmamin", E, dict(SD, interpolation_type="log_linear", final_sigmas_type="sigma_min"), 8),
          ("euler-exp-sample", E, dict(SD, use_exponential_sigmas=True, prediction_type="sample"), 9),
          ("euler-beta-sigmas", E, dict(SD, use_beta_sigmas=True), 11),
          ("euler-karras-sigmaminmax", E, dict(SD, use_karras_sigmas=True, sigma_min=0.1, sigma_max=10.0), 6),
          ("euler-continuous-v", E, dict(SD, prediction_type="v_prediction", timestep_type="continuous"), 7),
          ("euler-cos-1", E, dict(beta_schedule="squaredcos_cap_v2"), 1), ("euler-linear-50", E, dict(), 50),
          ("euler-karras-zsnr-2", E, dict(SD, use_karras_sigmas=True, rescale_betas_zero_snr=True), 2),
          ("euler-leading-orig", E, dict(SD, timestep_spacing="leading", prediction_type="original_sample"), 5),
          ("euler-loglinear-karras", E, dict(SD, interpolation_type="log_linear", use_karras_sigmas=True), 6)]
    # Euler a
    v += [("euler-a-v-leading", EA, dict(SD, prediction_type="v_prediction", timestep_spacing="leading"), 12),
          ("euler-a-zsnr-trailing", EA, dict(SD, rescale_betas_zero_snr=True, timestep_spacing="trailing"), 9),
          ("euler-a-cos-1", EA, dict(beta_schedule="squaredcos_cap_v2"), 1), ("euler-a-linear-30", EA, dict(), 30)]
    # LMS
    v += [("lms-karras", L, dict(SD, use_karras_sigmas=True), 15), ("lms-exp-v", L, dict(SD, use_exponential_sigmas=True, prediction_type="v_prediction"), 10),
          ("lms-beta-flag", L, dict(SD, use_beta_sigmas=True), 8), ("lms-leading-sample", L, dict(SD, timestep_spacing="leading", prediction_type="sample"), 7),
          ("lms-trailing-cos-2", L, dict(beta_schedule="squaredcos_cap_v2", timestep_spacing="trailing"), 2), ("lms-1", L, dict(SD), 1),
          ("lms-linear-50", L, dict(), 50)]
    # Heun
    v += [("heun-karras-v", H, dict(SD, use_karras_sigmas=True, prediction_type="v_prediction"), 10),
          ("heun-exp-betas-sample-clip", H, dict(beta_schedule="exp", prediction_type="sample", clip_sample=True, clip_sample_range=0.5), 6),
          ("heun-beta-sigmas-leading", H, dict(SD, use_beta_sigmas=True, timestep_spacing="leading"), 8),
          ("heun-expsig-trailing", H, dict(SD, use_exponential_sigmas=True, timestep_spacing="trailing"), 5),
          ("heun-1", H, dict(SD), 1), ("heun-2-cos", H, dict(beta_schedule="squaredcos_cap_v2"), 2), ("heun-linear-default-25", H, dict(), 25)]
    v += [("euler-loglinear-continuous-v", E, dict(SD, interpolation_type="log_linear", prediction_type="v_prediction", timestep_type="continuous"), 5),
          ("euler-timestep-type-other", E, dict(SD, timestep_type="other"), 4),
          ("euler-a-trained-betas", EA, dict(trained_betas=[float(x) for x in np.linspace(0.0001, 0.02, 1000)]), 6),
          ("heun-leading-v-17", H, dict(SD, timestep_spacing="leading", prediction_type="v_prediction"), 17),
          ("lms-zsnr-ignored-trailing-v", L, dict(SD, timestep_spacing="trailing", prediction_type="v_prediction"), 13),
          ("euler-sigmamin-trailing-zsnr-sample", E, dict(SD, final_sigmas_type="sigma_min", timestep_spacing="trailing", rescale_betas_zero_snr=True, prediction_type="sample"), 9)]
    return v

def add_noise_variants():
    return [("an-pndm-skip-0.6", P, dict(SD, skip_prk_steps=True), 30, 0.6), ("an-euler-karras-0.45", E, dict(SD, use_karras_sigmas=True), 20, 0.45),
            ("an-euler-a-leading-0.8", EA, dict(SD, timestep_spacing="leading"), 25, 0.8), ("an-lms-0.3", L, dict(SD), 20, 0.3),
            ("an-heun-0.5", H, dict(SD), 15, 0.5), ("an-heun-karras-0.7", H, dict(SD, use_karras_sigmas=True), 12, 0.7),
            ("an-euler-zsnr-trailing-1.0", E, dict(SD, rescale_betas_zero_snr=True, timestep_spacing="trailing"), 10, 1.0)]

if __name__ == "__main__":
    if sys.argv[1] == "check":
        for p in sys.argv[2:]:
            check_shared(p)
        sys.exit()
    out = sys.argv[1]; os.makedirs(out + "/cases", exist_ok=True); os.makedirs(out + "/add-noise", exist_ok=True)
    for i, (name, cls, cfg, steps) in enumerate(variants()):
        try:
            dump(out + "/cases", run_case(name, cls, cfg, steps, seed=200 + i))
        except Exception as e:
            print("FAILED", name, type(e).__name__, e)
    for i, (name, cls, cfg, steps, st) in enumerate(add_noise_variants()):
        try:
            dump(out + "/add-noise", add_noise_case(name, cls, cfg, steps, st, seed=300 + i))
        except Exception as e:
            print("FAILED", name, type(e).__name__, e)
