"""ldm-add-noise-case/1 files for DPM-Solver, UniPC and LCM from diffusers' sources (see README)."""
import json, sys, os, torch, math
from gen import CLASSES, SD, COMMIT
out = sys.argv[1]; os.makedirs(out, exist_ok=True)
cases = [("add-noise-unipc-0.6", "UniPCMultistepScheduler", dict(SD), 30, 0.6),
         ("add-noise-unipc-karras-0.35", "UniPCMultistepScheduler", dict(SD, use_karras_sigmas=True), 20, 0.35),
         ("add-noise-dpm-karras-zsnr-0.8", "DPMSolverMultistepScheduler", dict(SD, use_karras_sigmas=True, rescale_betas_zero_snr=True, timestep_spacing="trailing"), 12, 0.8),
         ("add-noise-lcm-0.5", "LCMScheduler", dict(SD), 8, 0.5)]
for i, (name, cls, cfg, n, strength) in enumerate(cases):
    s = CLASSES[cls](**cfg); s.set_timesteps(n)
    init = min(int(n * strength), n); t_start = max(n - init, 0)
    ts = s.timesteps[t_start * s.order:]
    if hasattr(s, "set_begin_index"): s.set_begin_index(t_start * s.order)
    g = torch.Generator().manual_seed(500 + i)
    orig = torch.randn((1, 4, 4, 4), generator=g); noise = torch.randn((1, 4, 4, 4), generator=g)
    noisy = s.add_noise(orig, noise, ts[:1])
    full = dict(cfg); full["_class_name"] = cls
    for k, v in s.config.items(): full.setdefault(k, v)
    case = {"format": "ldm-add-noise-case/1", "name": name, "diffusers_commit": COMMIT, "scheduler_config": full,
            "num_inference_steps": n, "strength": strength, "shape": [1, 4, 4, 4], "original": orig.flatten().tolist(),
            "noise": noise.flatten().tolist(), "expected": {"timesteps": [float(t) for t in ts], "noisy": noisy.flatten().tolist()}}
    txt = json.dumps(case, separators=(",", ":")).replace("-Infinity", "-Infinity")
    open(os.path.join(out, name + ".json"), "w").write(txt)
print("ok")
