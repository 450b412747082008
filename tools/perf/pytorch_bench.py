"""diffusers' StableDiffusionPipeline (PyTorch, CPU) on the same random weights diffuse4j runs as ONNX
(tools/perf/make_sd_diffusers.py writes both), printing the same figures as `./diffuse bench` and, given
that command's --json output, the ratio.

    . tools/perf/env.sh
    /usr/bin/python3 tools/perf/pytorch_bench.py --model target/sd15-shaped/diffusers --size 512 --steps 20 \
        --scheduler lms --images 3 --threads 2 [--diffuse4j-json bench.json]

Load = StableDiffusionPipeline.from_pretrained; per image = pipe(prompt, ...) with output_type="pil"
(decode and conversion included, PNG encoding timed apart); peak RSS = ru_maxrss. One warm-up image first.
"""
import argparse
import io
import json
import resource
import statistics
import time

import torch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--size", type=int, default=512)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--scheduler", default="lms", choices=["lms", "ddim", "pndm", "euler"])
    ap.add_argument("--guidance", type=float, default=7.5)
    ap.add_argument("--images", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--prompt", default="a photograph of an astronaut riding a horse")
    ap.add_argument("--diffuse4j-json", help="`./diffuse bench --json` output to compare with")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    t0 = time.perf_counter()
    import hf_shims  # noqa: F401  (tools/perf/hf_shims.py)
    from diffusers import (DDIMScheduler, EulerDiscreteScheduler, LMSDiscreteScheduler, PNDMScheduler,
                           StableDiffusionPipeline)
    pipe = StableDiffusionPipeline.from_pretrained(a.model, safety_checker=None, requires_safety_checker=False)
    cls = {"lms": LMSDiscreteScheduler, "ddim": DDIMScheduler, "pndm": PNDMScheduler,
           "euler": EulerDiscreteScheduler}[a.scheduler]
    pipe.scheduler = cls.from_config(pipe.scheduler.config)
    pipe.set_progress_bar_config(disable=True)
    load = time.perf_counter() - t0

    def one(seed):
        g = torch.Generator().manual_seed(seed)
        s = time.perf_counter()
        with torch.no_grad():
            img = pipe(a.prompt, height=a.size, width=a.size, num_inference_steps=a.steps,
                       guidance_scale=a.guidance, generator=g).images[0]
        gen = time.perf_counter() - s
        s = time.perf_counter()
        img.save(io.BytesIO(), format="PNG")
        return gen, time.perf_counter() - s

    one(999)
    totals, pngs = [], []
    for i in range(a.images):
        gen, png = one(i)
        totals.append(gen + png)
        pngs.append(png)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"pytorch {torch.__version__}, {a.threads} threads, {a.size}x{a.size}, {a.steps} steps {a.scheduler}, "
          f"guidance {a.guidance}, {a.images} images after 1 warm-up")
    print(f"load (s)              {load:.3f}")
    print(f"per image total (s)   {statistics.median(totals):.3f} [{min(totals):.3f}-{max(totals):.3f}]")
    print(f"PNG encode (ms)       {statistics.median(pngs) * 1000:.1f}")
    print(f"images/s              {1 / statistics.median(totals):.3f}")
    print(f"peak RSS (MB)         {rss:.0f}")
    if a.diffuse4j_json:
        with open(a.diffuse4j_json) as f:
            d = json.load(f)
        ours = [im["total_ms"] / 1000 for r in d["pipeline"] for im in r["images"]]
        ours_load = [r["load_ms"] / 1000 for r in d["pipeline"]]
        ours_rss = [r["peak_rss_mb_after_images"] for r in d["pipeline"]]
        m = statistics.median(ours)
        print(f"diffuse4j per image   {m:.3f} s -> PyTorch / diffuse4j = {statistics.median(totals) / m:.2f}x")
        print(f"diffuse4j load        {statistics.median(ours_load):.3f} s -> ratio {load / statistics.median(ours_load):.2f}x")
        print(f"diffuse4j peak RSS    {statistics.median(ours_rss):.0f} MB")


if __name__ == "__main__":
    main()
