"""Beta-sigma cases (needs scipy) for DPM-Solver and UniPC; same harness as gen.py."""
import sys, os, json
from gen import run_case, SD
out = sys.argv[1]; os.makedirs(out, exist_ok=True)
D, U = "DPMSolverMultistepScheduler", "UniPCMultistepScheduler"
for i, (name, cls, cfg, n) in enumerate([
        ("dpm-beta-sigmas", D, dict(SD, use_beta_sigmas=True), 15),
        ("dpm-beta-sigmas-o3-sigmamin", D, dict(SD, use_beta_sigmas=True, solver_order=3, final_sigmas_type="sigma_min"), 9),
        ("unipc-beta-sigmas", U, dict(SD, use_beta_sigmas=True), 12),
        ("unipc-beta-sigmas-sigmamin-cfg", U, dict(SD, use_beta_sigmas=True, final_sigmas_type="sigma_min", sigma_min=0.05, sigma_max=12.0), 10)]):
    c = run_case(name, cls, cfg, n, seed=700 + i)
    for s in c["expected"]["steps"]:
        s.pop("model_input"); s.pop("model_output")
    c["expected"].pop("latents_start")
    open(os.path.join(out, name + ".json"), "w").write(json.dumps(c, separators=(",", ":")))
print("ok")
