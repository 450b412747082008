#!/usr/bin/python3
"""Reference cases (format `ldm-scheduler-case/1`) for diffusers' KDPM2DiscreteScheduler.

diffusers cannot be installed on the build machine, so the values are derived two ways and
cross-checked:

1. `--diffusers SRC`: the genuine `scheduling_k_dpm_2_discrete.py` of a diffusers checkout
   (SRC = its `src` folder) is executed unchanged with PyTorch, behind a few-line stand-in
   for diffusers' ConfigMixin/register_to_config/BaseOutput (the only imports it needs).
   The case files are written from this run.
2. Always: an independent NumPy transliteration below (float32 like torch), written from the
   diffusers source and k-diffusion's `sample_dpm_2`. Its results must agree with run 1 to
   1e-5 relative, else the script stops.

Without `--diffusers` the files are written from the transliteration (and say so).

Regenerate (from the repository root; torch and numpy from Debian's /usr/bin/python3):
  git clone https://github.com/huggingface/diffusers /tmp/diffusers  # or any checkout
  /usr/bin/python3 plugins/example-kdpm2-scheduler/tools/kdpm2_reference.py \
      --diffusers /tmp/diffusers/src \
      --out plugins/example-kdpm2-scheduler/src/test/resources/conformance
"""
import argparse
import importlib.util
import inspect
import json
import math
import os
import subprocess
import sys
import types

import numpy as np

F32 = np.float32

# ----------------------------------------------------------------------------------------------
# Cases: (file name, config overrides, steps, shape, seed, model a/b/c)
# ----------------------------------------------------------------------------------------------
SD_CONFIG = {"beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012, "steps_offset": 1}
CASES = [
    ("kdpm2.json", dict(SD_CONFIG), 12, [1, 4, 4, 4], 20, (0.5, 0.1, -0.02)),
    ("kdpm2-karras-vpred-leading.json",
     dict(SD_CONFIG, use_karras_sigmas=True, prediction_type="v_prediction", timestep_spacing="leading"),
     8, [1, 2, 4, 4], 21, (0.3, -0.2, 0.05)),
    ("kdpm2-exponential-trailing-linear.json",
     {"beta_schedule": "linear", "beta_start": 0.0001, "beta_end": 0.02, "use_exponential_sigmas": True,
      "timestep_spacing": "trailing"},
     6, [2, 2, 2, 2], 22, (0.7, 0.3, 0.0)),
    ("kdpm2-cosine-leading.json",
     {"beta_schedule": "squaredcos_cap_v2", "timestep_spacing": "leading", "steps_offset": 1},
     5, [1, 1, 4, 4], 23, (0.4, 0.05, 0.01)),
]

DEFAULTS = {  # KDPM2DiscreteScheduler.__init__ defaults
    "num_train_timesteps": 1000, "beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "linear",
    "trained_betas": None, "use_karras_sigmas": False, "use_exponential_sigmas": False,
    "use_beta_sigmas": False, "prediction_type": "epsilon", "timestep_spacing": "linspace", "steps_offset": 0,
}


# ----------------------------------------------------------------------------------------------
# 2. Independent NumPy transliteration (float32 where torch computes in float32)
# ----------------------------------------------------------------------------------------------
def torch_linspace_f32(start, end, n):
    """torch.linspace(start, end, n, dtype=float32): float32 steps, filled from both ends."""
    start, end = F32(start), F32(end)
    step = F32((end - start) / F32(n - 1))
    out = np.empty(n, dtype=F32)
    half = n // 2
    for i in range(n):
        out[i] = start + step * F32(i) if i < half else end - step * F32(n - 1 - i)
    return out


def sigma_to_t(sigma, log_sigmas):
    """Timestep of a sigma by linear interpolation in log-sigma (k-diffusion's sigma_to_t)."""
    log_sigma = np.log(max(sigma, 1e-10))
    dists = log_sigma - log_sigmas
    low = min(int(np.cumsum(dists >= 0).argmax()), len(log_sigmas) - 2)
    lo, hi = float(log_sigmas[low]), float(log_sigmas[low + 1])
    w = min(max((lo - log_sigma) / (lo - hi), 0.0), 1.0)
    return (1 - w) * low + w * (low + 1)


class NumpyKdpm2:
    """KDPM2 (k-diffusion's sample_dpm_2 with gamma = 0) as diffusers arranges it in steps."""

    def __init__(self, cfg):
        self.cfg = cfg
        n = cfg["num_train_timesteps"]
        if cfg["trained_betas"] is not None:
            betas = np.asarray(cfg["trained_betas"], dtype=F32)
        elif cfg["beta_schedule"] == "linear":
            betas = torch_linspace_f32(cfg["beta_start"], cfg["beta_end"], n)
        elif cfg["beta_schedule"] == "scaled_linear":
            b = torch_linspace_f32(cfg["beta_start"] ** 0.5, cfg["beta_end"] ** 0.5, n)
            betas = (b * b).astype(F32)
        elif cfg["beta_schedule"] == "squaredcos_cap_v2":
            def bar(t):
                return math.cos((t + 0.008) / 1.008 * math.pi / 2) ** 2
            betas = np.array([min(1 - bar((i + 1) / n) / bar(i / n), 0.999) for i in range(n)], dtype=F32)
        else:
            raise ValueError(cfg["beta_schedule"])
        alphas = (F32(1) - betas).astype(F32)
        self.alphas_cumprod = np.cumprod(alphas.astype(np.float64)).astype(F32)  # torch accumulates in double

    def set_timesteps(self, steps):
        cfg, n = self.cfg, self.cfg["num_train_timesteps"]
        if cfg["timestep_spacing"] == "linspace":
            ts = np.linspace(0, n - 1, steps, dtype=F32)[::-1].copy()
        elif cfg["timestep_spacing"] == "leading":
            ratio = n // steps
            ts = (np.arange(0, steps) * ratio).round()[::-1].astype(F32) + F32(cfg["steps_offset"])
        elif cfg["timestep_spacing"] == "trailing":
            ts = np.arange(n, 0, -n / steps).round().astype(F32) - F32(1)
        else:
            raise ValueError(cfg["timestep_spacing"])
        ac = self.alphas_cumprod
        full = np.sqrt(((F32(1) - ac) / ac).astype(F32)).astype(F32)
        log_sigmas = np.log(full).astype(F32)
        sig = np.interp(ts.astype(np.float64), np.arange(n, dtype=np.float64), full.astype(np.float64))
        if cfg["use_karras_sigmas"] or cfg["use_exponential_sigmas"]:
            lo, hi = float(sig[-1]), float(sig[0])
            if cfg["use_karras_sigmas"]:
                rho = 7.0
                ramp = np.linspace(0, 1, steps)
                sig = (hi ** (1 / rho) + ramp * (lo ** (1 / rho) - hi ** (1 / rho))) ** rho
                ts = np.array([sigma_to_t(s, log_sigmas) for s in sig]).round()
            else:
                sig = np.exp(np.linspace(math.log(hi), math.log(lo), steps))
                ts = np.array([sigma_to_t(s, log_sigmas) for s in sig])
        s = np.concatenate([sig, [0.0]]).astype(F32)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_s = np.log(s)
            prev = np.roll(log_s, 1)
            # torch.lerp(start, end, 0.5) = end - (end - start) * 0.5
            interp = np.exp((prev - (prev - log_s) * F32(0.5)).astype(F32)).astype(F32)
        self.sigmas = np.concatenate([s[:1], np.repeat(s[1:], 2), s[-1:]])
        self.sigmas_interpol = np.concatenate([interp[:1], np.repeat(interp[1:], 2), interp[-1:]])
        ts_dtype = np.float64 if ts.dtype == np.float64 else F32
        t_interp = np.array([sigma_to_t(float(x), log_sigmas) for x in interp[1:-1]], dtype=ts_dtype)
        inter = np.stack([t_interp, ts[1:].astype(ts_dtype)], axis=-1).reshape(-1)
        self.timesteps = np.concatenate([ts[:1].astype(ts_dtype), inter])
        self.prev = None
        self.index = None

    @property
    def init_noise_sigma(self):
        m = F32(self.sigmas.max())
        return m if self.cfg["timestep_spacing"] in ("linspace", "trailing") else F32(np.sqrt(m * m + F32(1)))

    def _init_index(self, t):
        hits = np.nonzero(self.timesteps == t)[0]
        self.index = int(hits[1] if len(hits) > 1 else hits[0])

    def scale_model_input(self, x, t):
        if self.index is None:
            self._init_index(t)
        sigma = self.sigmas[self.index] if self.prev is None else self.sigmas_interpol[self.index]
        return (x / np.sqrt(sigma * sigma + F32(1))).astype(F32)

    def step(self, eps, t, x):
        if self.index is None:
            self._init_index(t)
        first = self.prev is None
        if first:
            sigma, s_mid, s_next = self.sigmas[self.index], self.sigmas_interpol[self.index + 1], self.sigmas[self.index + 1]
        else:
            sigma, s_mid, s_next = self.sigmas[self.index - 1], self.sigmas_interpol[self.index], self.sigmas[self.index]
        s_in = sigma if first else s_mid
        if self.cfg["prediction_type"] == "epsilon":
            x0 = x - s_in * eps
        elif self.cfg["prediction_type"] == "v_prediction":
            x0 = eps * (-s_in / np.sqrt(s_in * s_in + F32(1))) + x / (s_in * s_in + F32(1))
        else:
            raise ValueError(self.cfg["prediction_type"])
        if first:
            d = (x - x0) / sigma          # dx/dsigma at sigma
            dt = s_mid - sigma            # Euler half step to the midpoint sigma
            self.prev = x
            base = x
        else:
            d = (x - x0) / s_mid          # dx/dsigma at the midpoint
            dt = s_next - sigma           # full step from sigma, with the midpoint slope
            base = self.prev
            self.prev = None
        self.index += 1
        return (base + d * dt).astype(F32)


# ----------------------------------------------------------------------------------------------
# 1. The genuine diffusers file, behind a minimal stand-in for its imports
# ----------------------------------------------------------------------------------------------
def load_diffusers_class(src):
    path = os.path.join(src, "diffusers", "schedulers", "scheduling_k_dpm_2_discrete.py")
    pkg = types.ModuleType("diffusers")
    pkg.__path__ = []
    sched_pkg = types.ModuleType("diffusers.schedulers")
    sched_pkg.__path__ = []
    cfg_mod = types.ModuleType("diffusers.configuration_utils")
    utils_mod = types.ModuleType("diffusers.utils")
    su_mod = types.ModuleType("diffusers.schedulers.scheduling_utils")

    class ConfigMixin:
        pass

    def register_to_config(init):
        sig = inspect.signature(init)

        def wrapped(self, *args, **kwargs):
            bound = sig.bind(self, *args, **kwargs)
            bound.apply_defaults()
            self.config = types.SimpleNamespace(**{k: v for k, v in bound.arguments.items() if k != "self"})
            init(self, *args, **kwargs)
        return wrapped

    class BaseOutput:
        pass

    class KarrasDiffusionSchedulers:  # iterated for _compatibles only
        def __iter__(self):
            return iter([])

    cfg_mod.ConfigMixin = ConfigMixin
    cfg_mod.register_to_config = register_to_config
    utils_mod.BaseOutput = BaseOutput
    utils_mod.is_scipy_available = lambda: False
    su_mod.KarrasDiffusionSchedulers = []
    su_mod.SchedulerMixin = type("SchedulerMixin", (), {})
    for name, mod in [("diffusers", pkg), ("diffusers.schedulers", sched_pkg),
                      ("diffusers.configuration_utils", cfg_mod), ("diffusers.utils", utils_mod),
                      ("diffusers.schedulers.scheduling_utils", su_mod)]:
        sys.modules[name] = mod
    spec = importlib.util.spec_from_file_location("diffusers.schedulers.scheduling_k_dpm_2_discrete", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.KDPM2DiscreteScheduler


def commit_of(src):
    try:
        return subprocess.check_output(["git", "-C", src, "rev-parse", "HEAD"], text=True).strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


# ----------------------------------------------------------------------------------------------
# The conformance loop
# ----------------------------------------------------------------------------------------------
def flat(a):
    return [float(v) for v in np.asarray(a, dtype=F32).reshape(-1)]


def run_numpy(cfg, steps, noise, model):
    a, b, c = model
    s = NumpyKdpm2(cfg)
    s.set_timesteps(steps)
    sample = (noise * s.init_noise_sigma).astype(F32)
    out = {"init_noise_sigma": float(s.init_noise_sigma), "timesteps": [float(t) for t in s.timesteps],
           "latents_start": flat(sample), "steps": []}
    for t in s.timesteps:
        x = s.scale_model_input(sample, t)
        eps = (F32(a) * x + F32(b * (float(t) / 1000.0) + c)).astype(F32)
        sample = s.step(eps, t, sample)
        out["steps"].append({"t": float(t), "model_input": flat(x), "model_output": flat(eps),
                             "prev_sample": flat(sample)})
    out["final"] = flat(sample)
    return out


def run_diffusers(cls, cfg, steps, noise, model):
    import torch
    a, b, c = model
    s = cls(**cfg)
    s.set_timesteps(steps)
    sample = torch.from_numpy(noise) * s.init_noise_sigma
    out = {"init_noise_sigma": float(s.init_noise_sigma), "timesteps": [float(t) for t in s.timesteps],
           "latents_start": flat(sample.numpy()), "steps": []}
    for t in s.timesteps:
        x = s.scale_model_input(sample, t)
        eps = a * x + (b * (float(t) / 1000.0) + c)
        sample = s.step(eps, t, sample).prev_sample
        out["steps"].append({"t": float(t), "model_input": flat(x.numpy()), "model_output": flat(eps.numpy()),
                             "prev_sample": flat(sample.numpy())})
    out["final"] = flat(sample.numpy())
    return out


def add_noise_numpy(cfg, steps, strength, original, noise):
    """img2img start as diffusers' pipeline does it: get_timesteps, set_begin_index, add_noise."""
    s = NumpyKdpm2(cfg)
    s.set_timesteps(steps)
    t_start = max(steps - min(int(steps * strength), steps), 0)
    begin = t_start * 2  # order 2
    ts = s.timesteps[begin:]
    sigma = s.sigmas[begin]
    return {"timesteps": [float(t) for t in ts], "noisy": flat(original + noise * sigma)}


def add_noise_diffusers(cls, cfg, steps, strength, original, noise):
    import torch
    s = cls(**cfg)
    s.set_timesteps(steps)
    t_start = max(steps - min(int(steps * strength), steps), 0)
    ts = s.timesteps[t_start * s.order:]
    s.set_begin_index(t_start * s.order)
    noisy = s.add_noise(torch.from_numpy(original), torch.from_numpy(noise), ts[:1])
    return {"timesteps": [float(t) for t in ts], "noisy": flat(noisy.numpy())}


def max_rel_diff(x, y):
    """Largest |x - y| / max(1, max|y|) over every number of two expected blocks."""
    worst = 0.0

    def walk(p, q):
        nonlocal worst
        if isinstance(q, dict):
            for k in q:
                walk(p[k], q[k])
        elif isinstance(q, list):
            if len(p) != len(q):
                raise SystemExit(f"length mismatch {len(p)} != {len(q)}")
            if q and not isinstance(q[0], (dict, list)):
                pa, qa = np.array(p), np.array(q)
                worst = max(worst, float(np.max(np.abs(pa - qa)) / max(1.0, float(np.max(np.abs(qa))))))
            else:
                for u, v in zip(p, q):
                    walk(u, v)
        else:
            worst = max(worst, abs(p - q) / max(1.0, abs(q)))
    walk(x, y)
    return worst


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--diffusers", help="path to a diffusers checkout's src folder")
    ap.add_argument("--commit", help="the diffusers commit, when SRC is not a git work tree")
    ap.add_argument("--out", required=True, help="folder for the case files (schedulers/ and add-noise/ inside)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    import torch
    cls = load_diffusers_class(args.diffusers) if args.diffusers else None
    commit = args.commit or (commit_of(args.diffusers) if args.diffusers else "none (NumPy transliteration)")
    for fname, overrides, steps, shape, seed, model in CASES:
        cfg = dict(DEFAULTS, **overrides)
        g = torch.Generator().manual_seed(seed)
        noise = torch.randn(shape, generator=g, dtype=torch.float32).numpy()
        mine = run_numpy(cfg, steps, noise, model)
        if cls is not None:
            expected = run_diffusers(cls, cfg, steps, noise, model)
            diff = max_rel_diff(mine, expected)
            print(f"{fname}: NumPy transliteration vs diffusers source: max rel diff {diff:.3g}")
            if diff > 1e-5:
                raise SystemExit(f"{fname}: transliteration disagrees with diffusers ({diff})")
            source = ("diffusers " + commit + " scheduling_k_dpm_2_discrete.py run with torch "
                      + torch.__version__ + " (stand-in config classes), cross-checked by the NumPy transliteration"
                      + f" (max rel diff {diff:.2g}); tools/kdpm2_reference.py")
        else:
            expected = mine
            source = "NumPy transliteration in tools/kdpm2_reference.py (diffusers not run)"
        config = dict(cfg, _class_name="KDPM2DiscreteScheduler", _diffusers_version="0.40.0.dev0")
        case = {"format": "ldm-scheduler-case/1", "name": fname[:-5], "diffusers_commit": commit,
                "generated_by": source,
                "scheduler_config": dict(sorted(config.items())), "num_inference_steps": steps, "shape": shape,
                "init_noise": flat(noise), "model": {"a": model[0], "b": model[1], "c": model[2]},
                "step_noise": [], "expected": expected}
        path = os.path.join(args.out, "schedulers", fname)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            json.dump(case, f, separators=(",", ":"))
        print("wrote", path)
    # image-to-image start (format ldm-add-noise-case/1)
    cfg = dict(DEFAULTS, **SD_CONFIG)
    steps, strength, shape = 30, 0.6, [1, 4, 4, 4]
    g = torch.Generator().manual_seed(24)
    original = torch.randn(shape, generator=g, dtype=torch.float32).numpy()
    noise = torch.randn(shape, generator=g, dtype=torch.float32).numpy()
    expected = add_noise_numpy(cfg, steps, strength, original, noise)
    if cls is not None:
        theirs = add_noise_diffusers(cls, cfg, steps, strength, original, noise)
        diff = max_rel_diff(expected, theirs)
        print(f"add-noise: NumPy transliteration vs diffusers source: max rel diff {diff:.3g}")
        if diff > 1e-5:
            raise SystemExit(f"add-noise: transliteration disagrees with diffusers ({diff})")
        expected = theirs
    config = dict(cfg, _class_name="KDPM2DiscreteScheduler", _diffusers_version="0.40.0.dev0")
    case = {"format": "ldm-add-noise-case/1", "name": "add-noise-kdpm2-0.6", "diffusers_commit": commit,
            "scheduler_config": dict(sorted(config.items())), "num_inference_steps": steps, "strength": strength,
            "shape": shape, "original": flat(original), "noise": flat(noise), "expected": expected}
    path = os.path.join(args.out, "add-noise", "add-noise-kdpm2-0.6.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(case, f, separators=(",", ":"))
    print("wrote", path)


if __name__ == "__main__":
    main()
