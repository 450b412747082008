import json, itertools, numpy as np, torch
from gen import *
out=[]
for cls in ("DPMSolverMultistepScheduler","UniPCMultistepScheduler"):
  for sched in ("scaled_linear","linear","squaredcos_cap_v2"):
    for zsnr in (False, True):
      for spacing in ("linspace","leading","trailing"):
        for sig in ("none","karras","exp","lu"):
          if sig=="lu" and cls!="DPMSolverMultistepScheduler": continue
          if sig!="none" and spacing!="linspace": continue
          for fst in ("zero","sigma_min"):
            for n in range(1,51):
              cfg=dict(beta_schedule=sched, rescale_betas_zero_snr=zsnr, timestep_spacing=spacing, final_sigmas_type=fst, steps_offset=1)
              if sched=="scaled_linear": cfg.update(beta_start=0.00085, beta_end=0.012)
              if sig=="karras": cfg["use_karras_sigmas"]=True
              if sig=="exp": cfg["use_exponential_sigmas"]=True
              if sig=="lu": cfg["use_lu_lambdas"]=True
              try:
                s=CLASSES[cls](**cfg); s.set_timesteps(n)
                out.append(dict(cls=cls,cfg=cfg,n=n,ts=s.timesteps.tolist(),sig=s.sigmas.tolist()))
              except Exception as e:
                out.append(dict(cls=cls,cfg=cfg,n=n,err=str(e)))
json.dump(out,open('/tmp/sched2/sweep.json','w'))
print(len(out), sum(1 for o in out if 'err' in o))
