"""Regenerates the extra scheduler conformance cases next to this file.

Run with a Python that has torch, numpy, scipy and diffusers' src on the path, e.g.
    PYTHONPATH=/path/to/diffusers/src python generate_cases.py
The cases follow /work/shared/conformance/README.md (ldm-scheduler-case/1, ldm-add-noise-case/1);
a small shape keeps the files small. Optional key "eta" is passed to DDIM's step().
"""
import json, os, sys, types
import numpy as np
import torch

for name in ["xpu", "mps"]:
    if not hasattr(torch, name):
        setattr(torch, name, types.SimpleNamespace(empty_cache=lambda: None, device_count=lambda: 0,
                is_available=lambda: False, manual_seed=lambda s: None, synchronize=lambda: None))

import diffusers
from diffusers.utils import torch_utils

HERE = os.path.dirname(os.path.abspath(__file__))
SHAPE = [1, 2, 4, 4]
DRAWS = []

def recording_randn(shape, generator=None, device=None, dtype=None, layout=None):
    t = torch.randn(shape, generator=generator, dtype=dtype or torch.float32)
    DRAWS.append(t.flatten().tolist())
    return t

def patch():
    import importlib
    for mod in ["scheduling_ddpm", "scheduling_ddim", "scheduling_euler_ancestral_discrete"]:
        m = importlib.import_module("diffusers.schedulers." + mod)
        m.randn_tensor = recording_randn

def make(cls, cfg):
    return getattr(diffusers.schedulers, cls)(**cfg)

def scheduler_case(name, cls, cfg, steps, seed, eta=None, model=(0.5, 0.1, -0.02)):
    DRAWS.clear()
    s = make(cls, cfg)
    g = torch.Generator().manual_seed(seed)
    init = torch.randn(SHAPE, generator=g, dtype=torch.float32)
    s.set_timesteps(steps)
    a, b, c = model
    sample = init * s.init_noise_sigma
    exp = {"init_noise_sigma": float(s.init_noise_sigma), "timesteps": [float(t) for t in s.timesteps],
           "latents_start": sample.flatten().tolist(), "steps": []}
    for t in s.timesteps:
        x = s.scale_model_input(sample, t)
        eps = a * x + (b * (float(t) / 1000.0) + c)
        kw = {"generator": g} if cls in ("DDPMScheduler", "DDIMScheduler", "EulerAncestralDiscreteScheduler", "EulerDiscreteScheduler") else {}
        if eta is not None:
            kw["eta"] = eta
        sample = s.step(eps, t, sample, **kw).prev_sample
        exp["steps"].append({"t": float(t), "model_input": x.flatten().tolist(),
                             "model_output": eps.flatten().tolist(), "prev_sample": sample.flatten().tolist()})
    exp["final"] = sample.flatten().tolist()
    case = {"format": "ldm-scheduler-case/1", "name": name, "scheduler_config": dict(s.config) | {"_class_name": cls},
            "num_inference_steps": steps, "shape": SHAPE, "init_noise": init.flatten().tolist(),
            "model": {"a": a, "b": b, "c": c}, "step_noise": list(DRAWS), "expected": exp}
    if eta is not None:
        case["eta"] = eta
    write("schedulers", name, case)

def add_noise_case(name, cls, cfg, steps, strength, seed):
    s = make(cls, cfg)
    g = torch.Generator().manual_seed(seed)
    original = torch.randn(SHAPE, generator=g)
    noise = torch.randn(SHAPE, generator=g)
    s.set_timesteps(steps)
    init_timestep = min(int(steps * strength), steps)
    t_start = max(steps - init_timestep, 0)
    ts = s.timesteps[t_start * s.order:]
    if hasattr(s, "set_begin_index"):
        s.set_begin_index(t_start * s.order)
    noisy = s.add_noise(original, noise, ts[:1]) if len(ts) else original
    write("add-noise", name, {"format": "ldm-add-noise-case/1", "name": name,
          "scheduler_config": dict(s.config) | {"_class_name": cls}, "num_inference_steps": steps,
          "strength": strength, "shape": SHAPE, "original": original.flatten().tolist(),
          "noise": noise.flatten().tolist(),
          "expected": {"timesteps": [float(t) for t in ts], "noisy": noisy.flatten().tolist()}})

def write(kind, name, case):
    def clean(o):
        if isinstance(o, (np.floating, np.integer)):
            return o.item()
        if isinstance(o, (list, tuple)):
            return [clean(x) for x in o]
        if isinstance(o, dict):
            return {k: clean(v) for k, v in o.items() if not k.startswith("_") or k == "_class_name"}
        return o
    with open(os.path.join(HERE, kind, name + ".json"), "w") as f:
        json.dump(clean(case), f)

SD = {"beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear"}

def main():
    patch()
    c = scheduler_case
    c("ddim-trailing-vpred-zerosnr", "DDIMScheduler", SD | {"timestep_spacing": "trailing", "prediction_type": "v_prediction", "rescale_betas_zero_snr": True, "set_alpha_to_one": True, "clip_sample": False}, 7, 1)
    c("ddim-linspace-cos-threshold-eta", "DDIMScheduler", {"beta_schedule": "squaredcos_cap_v2", "timestep_spacing": "linspace", "thresholding": True, "sample_max_value": 1.5}, 10, 2, eta=0.5)
    c("ddim-sample-clip-1step", "DDIMScheduler", {"prediction_type": "sample", "clip_sample": True}, 1, 3)
    c("ddim-leading-50", "DDIMScheduler", SD | {"steps_offset": 1, "clip_sample": False, "set_alpha_to_one": False}, 50, 4)
    c("ddpm-fixedlarge-vpred-trailing", "DDPMScheduler", SD | {"variance_type": "fixed_large", "prediction_type": "v_prediction", "timestep_spacing": "trailing", "clip_sample": False}, 13, 5)
    c("ddpm-smalllog-sample-clip", "DDPMScheduler", {"variance_type": "fixed_small_log", "prediction_type": "sample", "timestep_spacing": "linspace"}, 5, 6)
    c("ddpm-cos-threshold-zerosnr", "DDPMScheduler", {"beta_schedule": "squaredcos_cap_v2", "thresholding": True, "rescale_betas_zero_snr": True, "prediction_type": "v_prediction"}, 25, 7)
    c("ddpm-sigmoid", "DDPMScheduler", {"beta_schedule": "sigmoid", "clip_sample": False}, 8, 8)
    c("euler-karras-leading", "EulerDiscreteScheduler", SD | {"use_karras_sigmas": True, "timestep_spacing": "leading", "steps_offset": 1}, 15, 9)
    c("euler-loglinear", "EulerDiscreteScheduler", SD | {"interpolation_type": "log_linear"}, 9, 10)
    c("euler-zerosnr-trailing-vpred-sigmamin", "EulerDiscreteScheduler", SD | {"rescale_betas_zero_snr": True, "timestep_spacing": "trailing", "prediction_type": "v_prediction", "final_sigmas_type": "sigma_min"}, 11, 11)
    c("euler-exponential", "EulerDiscreteScheduler", SD | {"use_exponential_sigmas": True}, 12, 12)
    c("euler-continuous-vpred-karras", "EulerDiscreteScheduler", SD | {"timestep_type": "continuous", "prediction_type": "v_prediction", "use_karras_sigmas": True, "sigma_min": 0.002, "sigma_max": 80.0}, 8, 13)
    c("euler-1step-linear", "EulerDiscreteScheduler", {}, 1, 14)
    c("euler-a-leading-vpred", "EulerAncestralDiscreteScheduler", SD | {"timestep_spacing": "leading", "prediction_type": "v_prediction", "steps_offset": 1}, 10, 15)
    c("euler-a-trailing-zerosnr", "EulerAncestralDiscreteScheduler", SD | {"timestep_spacing": "trailing", "rescale_betas_zero_snr": True, "prediction_type": "v_prediction"}, 6, 16)
    c("heun-karras-vpred", "HeunDiscreteScheduler", SD | {"use_karras_sigmas": True, "prediction_type": "v_prediction"}, 10, 17)
    c("heun-leading-sample-clip", "HeunDiscreteScheduler", SD | {"timestep_spacing": "leading", "steps_offset": 1, "prediction_type": "sample", "clip_sample": True}, 7, 18)
    c("heun-1step", "HeunDiscreteScheduler", {}, 1, 19)
    c("heun-exponential-trailing", "HeunDiscreteScheduler", SD | {"use_exponential_sigmas": True, "timestep_spacing": "trailing"}, 5, 20)
    c("lms-karras", "LMSDiscreteScheduler", SD | {"use_karras_sigmas": True}, 25, 21)
    c("lms-vpred-leading", "LMSDiscreteScheduler", SD | {"prediction_type": "v_prediction", "timestep_spacing": "leading", "steps_offset": 1}, 6, 22)
    c("lms-2steps-cos", "LMSDiscreteScheduler", {"beta_schedule": "squaredcos_cap_v2"}, 2, 23)
    c("pndm-prk-10", "PNDMScheduler", SD | {"skip_prk_steps": False, "steps_offset": 1}, 10, 24)
    c("pndm-prk-vpred-linspace", "PNDMScheduler", SD | {"skip_prk_steps": False, "prediction_type": "v_prediction", "timestep_spacing": "linspace"}, 20, 25)
    c("pndm-plms-trailing-alpha1", "PNDMScheduler", SD | {"skip_prk_steps": True, "timestep_spacing": "trailing", "set_alpha_to_one": True}, 9, 26)
    c("pndm-plms-1step", "PNDMScheduler", SD | {"skip_prk_steps": True}, 1, 27)
    # cosine schedule: sigmas up to 2e4, float32 cancellation and repeated timesteps near t = T
    COS = {"beta_schedule": "squaredcos_cap_v2"}
    c("euler-cos-sample-linspace", "EulerDiscreteScheduler", COS | {"prediction_type": "sample"}, 10, 40)
    c("euler-a-cos-zerosnr-trailing-vpred", "EulerAncestralDiscreteScheduler", COS | {"rescale_betas_zero_snr": True, "timestep_spacing": "trailing", "prediction_type": "v_prediction"}, 7, 41)
    c("heun-cos-trailing-clip", "HeunDiscreteScheduler", COS | {"timestep_spacing": "trailing", "clip_sample": True, "steps_offset": 1}, 33, 42)
    c("heun-cos-exponential-trailing-50", "HeunDiscreteScheduler", COS | {"timestep_spacing": "trailing", "use_exponential_sigmas": True}, 50, 43)
    c("pndm-cos-trailing-vpred", "PNDMScheduler", COS | {"timestep_spacing": "trailing", "prediction_type": "v_prediction", "skip_prk_steps": True}, 4, 44)
    c("ddim-cos-vpred-eta", "DDIMScheduler", COS | {"prediction_type": "v_prediction", "clip_sample": False}, 17, 45, eta=1.0)
    c("ddpm-laplace-vpred", "DDPMScheduler", {"beta_schedule": "laplace", "prediction_type": "v_prediction", "clip_sample": False}, 12, 46)
    a = add_noise_case
    a("add-noise-heun-0.5", "HeunDiscreteScheduler", SD, 20, 0.5, 30)
    a("add-noise-pndm-0.3", "PNDMScheduler", SD | {"skip_prk_steps": True, "steps_offset": 1}, 25, 0.3, 31)
    a("add-noise-euler-karras-0.75", "EulerDiscreteScheduler", SD | {"use_karras_sigmas": True}, 16, 0.75, 32)
    a("add-noise-lms-1.0", "LMSDiscreteScheduler", SD, 10, 1.0, 33)
    a("add-noise-euler-a-0.05", "EulerAncestralDiscreteScheduler", SD, 30, 0.05, 34)
    a("add-noise-ddim-trailing-0.9", "DDIMScheduler", SD | {"timestep_spacing": "trailing"}, 12, 0.9, 35)

if __name__ == "__main__":
    main()
