"""Samples the trained model in PyTorch (DDIM, as diffusers' DDIMScheduler with SD 1.5's config:
leading spacing, steps_offset 1, set_alpha_to_one False) and measures it with the pixel judge.

    /usr/bin/python3 tools/bundled-model/sample.py --ckpt tools/work/bundled --n 96 --guidance 3 5 7.5
"""
import argparse
import os

import numpy as np
import torch

import judge
import world
from models import CTX_TOKENS, Decoder, TextEncoder, UNet
from tokenizer_files import Tokenizer
from train import alphas_cumprod


def load(ckpt_dir):
    ck = torch.load(os.path.join(ckpt_dir, "ckpt-diffusion.pt"))
    vae = torch.load(os.path.join(ckpt_dir, "ckpt-vae.pt"))
    te, unet, dec = TextEncoder(ck["vocab_size"]), UNet(), Decoder()
    te.load_state_dict(ck["text_encoder"])
    unet.load_state_dict(ck["unet"])
    dec.load_state_dict(vae["decoder"])
    for m in (te, unet, dec):
        m.eval()
    return te, unet, dec, ck["latent_std"], ck["step"]


@torch.no_grad()
def ddim(te, unet, dec, std, prompts, seeds, guidance, steps=20):
    tok = Tokenizer()
    ac = alphas_cumprod()
    ids = torch.tensor([tok.encode(p, CTX_TOKENS) for p in prompts])
    un = torch.tensor([tok.encode("", CTX_TOKENS)] * len(prompts))
    cond, _ = te(ids)
    unc, _ = te(un)
    z = torch.stack([torch.randn(4, 16, 16, generator=torch.Generator().manual_seed(s)) for s in seeds])
    ratio = 1000 // steps
    ts = (np.arange(0, steps) * ratio).round()[::-1].astype(np.int64) + 1
    for i, t in enumerate(ts):
        tt = torch.full((z.shape[0],), float(t))
        if guidance > 1:
            e = unet(torch.cat([z, z]), torch.cat([tt, tt]), torch.cat([unc, cond]))
            eu, ec = e.chunk(2)
            eps = eu + guidance * (ec - eu)
        else:
            eps = unet(z, tt, cond)
        prev = t - ratio
        a_t = ac[t]
        a_p = ac[prev] if prev >= 0 else ac[0]
        x0 = (z - (1 - a_t).sqrt() * eps) / a_t.sqrt()
        z = a_p.sqrt() * x0 + (1 - a_p).sqrt() * eps
    img = dec(z * std).clamp(-1, 1)
    return ((img + 1) * 127.5).round().byte().permute(0, 2, 3, 1).numpy()


def evaluate(te, unet, dec, std, n, guidance, held_out=False, seed=99):
    rng = np.random.RandomState(seed)
    specs = []
    while len(specs) < n:
        s = world.sample_spec(rng, train=False, p_size=0.5, p_pos=0.6)
        if held_out == ((s["colour"], s["shape"], s["bg"]) in world.HELD_OUT):
            specs.append(s)
    prompts = [world.spec_prompt(s) for s in specs]
    imgs = []
    for i in range(0, n, 32):
        imgs.append(ddim(te, unet, dec, std, prompts[i:i + 32], list(range(i, min(n, i + 32))), guidance))
    imgs = np.concatenate(imgs)
    acc = {}
    for s, im in zip(specs, imgs):
        for k, v in judge.score(s, judge.judge(im)).items():
            if v is not None:
                acc.setdefault(k, []).append(v)
    return {k: float(np.mean(v)) for k, v in acc.items()}, imgs, prompts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default="tools/work/bundled")
    ap.add_argument("--n", type=int, default=96)
    ap.add_argument("--guidance", type=float, nargs="+", default=[5.0])
    args = ap.parse_args()
    torch.set_num_threads(2)
    te, unet, dec, std, step = load(args.ckpt)
    for g in args.guidance:
        for ho in (False, True):
            acc, _, _ = evaluate(te, unet, dec, std, args.n, g, ho)
            print(f"step {step} guidance {g} {'held-out' if ho else 'in-dist '} " +
                  " ".join(f"{k} {v:.2f}" for k, v in acc.items()), flush=True)


if __name__ == "__main__":
    main()
