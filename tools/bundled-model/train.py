"""Trains the bundled model: VAE first, then U-Net + text encoder together on VAE latents.

    /usr/bin/python3 tools/bundled-model/train.py --out tools/work/bundled --vae-steps 500 --dataset 16000 --steps 3000

Seeded and reproducible on the same machine and thread count (torch.set_num_threads(2)): the
same seed prints the same losses. Checkpoints go to OUT/ckpt-*.pt; export.py turns one into the
model folder."""
import argparse
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

import world
from models import CTX_TOKENS, Decoder, Encoder, TextEncoder, UNet
from tokenizer_files import Tokenizer

SCHEDULE = dict(beta_start=0.00085, beta_end=0.012, num_train_timesteps=1000)


def alphas_cumprod():
    betas = torch.linspace(SCHEDULE["beta_start"] ** 0.5, SCHEDULE["beta_end"] ** 0.5,
                           SCHEDULE["num_train_timesteps"], dtype=torch.float32) ** 2
    return torch.cumprod(1.0 - betas, dim=0)


def render_batch(rng, n, train=True, p_size=0.7, p_pos=0.8):
    specs = [world.sample_spec(rng, train, p_size, p_pos) for _ in range(n)]
    imgs = np.stack([world.render(s, rng) for s in specs])
    x = torch.from_numpy(imgs).permute(0, 3, 1, 2).float() / 127.5 - 1
    return specs, x


def train_vae(args, log):
    rng = np.random.RandomState(args.seed)
    torch.manual_seed(args.seed)
    enc, dec = Encoder(), Decoder()
    opt = torch.optim.AdamW(list(enc.parameters()) + list(dec.parameters()), lr=2e-3, weight_decay=0)
    for step in range(args.vae_steps):
        lr = 2e-3 * min(1, (step + 1) / 100) * (0.5 * (1 + math.cos(math.pi * step / args.vae_steps)))
        for g in opt.param_groups:
            g["lr"] = lr
        _, x = render_batch(rng, 32)
        moments = enc(x)
        mean, logvar = moments.chunk(2, dim=1)
        logvar = logvar.clamp(-30, 20)
        z = mean + torch.exp(0.5 * logvar) * torch.randn_like(mean)
        rec = dec(z)
        kl = 0.5 * (mean ** 2 + logvar.exp() - 1 - logvar).mean()
        loss = F.mse_loss(rec, x) + 0.5 * F.l1_loss(rec, x) + 1e-5 * kl
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 100 == 0 or step == args.vae_steps - 1:
            mse = F.mse_loss(rec, x).item()
            log(f"vae step {step} loss {loss.item():.4f} psnr {10 * math.log10(4 / max(mse, 1e-10)):.2f}")
    enc.eval()
    dec.eval()
    return enc, dec


@torch.no_grad()
def encode_dataset(enc, n, seed):
    rng = np.random.RandomState(seed)
    specs, lats = [], []
    for i in range(0, n, 256):
        s, x = render_batch(rng, min(256, n - i))
        specs += s
        lats.append(enc(x).chunk(2, dim=1)[0])
    return specs, torch.cat(lats)


def caption(spec, rng):
    size = spec["size"] if spec["size"] and rng.rand() < 0.8 else None
    pos = spec["pos"] if spec["pos"] and rng.rand() < 0.85 else None
    return world.make_prompt(spec["colour"], spec["shape"], spec["bg"], size, pos)


def train_diffusion(args, log, latents, specs, std):
    rng = np.random.RandomState(args.seed + 1)
    torch.manual_seed(args.seed + 1)
    tok = Tokenizer()
    te, unet = TextEncoder(len(tok.vocab)), UNet()
    ema = {k: v.detach().clone() for k, v in list(te.state_dict().items()) + [("unet." + k, v) for k, v in
                                                                           unet.state_dict().items()]}
    params = list(te.parameters()) + list(unet.parameters())
    log(f"unet params {sum(p.numel() for p in unet.parameters()) / 1e6:.3f}M, text encoder "
        f"{sum(p.numel() for p in te.parameters()) / 1e6:.3f}M")
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    ac = alphas_cumprod()
    z_all = latents / std
    n = z_all.shape[0]
    empty = tok.encode("", CTX_TOKENS)
    start = time.time()
    smooth = None
    last = args.stop_at if args.stop_at else args.steps
    for step in range(last):
        frac = step / args.steps
        lr = args.lr * min(1, (step + 1) / 200) * (0.5 * (1 + math.cos(math.pi * frac)) * 0.97 + 0.03)
        for g in opt.param_groups:
            g["lr"] = lr
        idx = rng.randint(0, n, size=args.batch)
        z0 = z_all[idx]
        ids = [empty if rng.rand() < 0.1 else tok.encode(caption(specs[i], rng), CTX_TOKENS) for i in idx]
        ids = torch.tensor(ids)
        t = torch.from_numpy(rng.randint(0, 1000, size=args.batch)).long()
        noise = torch.from_numpy(rng.randn(*z0.shape).astype(np.float32))
        a = ac[t].view(-1, 1, 1, 1)
        zt = a.sqrt() * z0 + (1 - a).sqrt() * noise
        hidden, _ = te(ids)
        eps = unet(zt, t.float(), hidden)
        snr = a.view(-1) / (1 - a.view(-1))
        weight = torch.clamp(snr, max=5.0) / snr  # min-SNR-5 weighting for epsilon prediction
        loss = (weight * ((eps - noise) ** 2).mean(dim=(1, 2, 3))).mean()
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        with torch.no_grad():
            d = min(args.ema, (1 + step) / (10 + step))
            for k, v in list(te.state_dict().items()) + [("unet." + k, v) for k, v in unet.state_dict().items()]:
                if v.dtype.is_floating_point:
                    ema[k].mul_(d).add_(v, alpha=1 - d)
                else:
                    ema[k].copy_(v)
        smooth = loss.item() if smooth is None else 0.98 * smooth + 0.02 * loss.item()
        if step % 50 == 0 or step == args.steps - 1:
            el = time.time() - start
            log(f"diffusion step {step} loss {loss.item():.4f} smooth {smooth:.4f} lr {lr:.2e} "
                f"{el / (step + 1):.2f}s/step elapsed {el / 60:.1f}min")
        if (step + 1) % args.ckpt_every == 0 or step == last - 1:
            save(args, te, unet, ema, step + 1, std, len(tok.vocab))


def save(args, te, unet, ema, step, std, vocab_size):
    te_sd = {k: v for k, v in ema.items() if not k.startswith("unet.")}
    unet_sd = {k[5:]: v for k, v in ema.items() if k.startswith("unet.")}
    torch.save(dict(text_encoder=te_sd, unet=unet_sd, step=step, latent_std=std, vocab_size=vocab_size),
               os.path.join(args.out, "ckpt-diffusion.pt.tmp"))
    os.replace(os.path.join(args.out, "ckpt-diffusion.pt.tmp"), os.path.join(args.out, "ckpt-diffusion.pt"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="tools/work/bundled")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--vae-steps", type=int, default=1500)
    ap.add_argument("--dataset", type=int, default=60000)
    ap.add_argument("--steps", type=int, default=4000)
    ap.add_argument("--stop-at", type=int, default=0,
                    help="stop after this many steps, learning-rate schedule unchanged (0: run all --steps)")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--ema", type=float, default=0.999)
    ap.add_argument("--ckpt-every", type=int, default=250)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    logf = open(os.path.join(args.out, "train.log"), "a")

    def log(msg):
        print(msg, flush=True)
        logf.write(msg + "\n")
        logf.flush()

    log(f"args {json.dumps(vars(args))}")
    t0 = time.time()
    vae_path = os.path.join(args.out, "ckpt-vae.pt")
    if os.path.exists(vae_path):
        ck = torch.load(vae_path)
        enc, dec = Encoder(), Decoder()
        enc.load_state_dict(ck["encoder"])
        dec.load_state_dict(ck["decoder"])
        enc.eval()
        dec.eval()
        log("vae loaded from checkpoint")
    else:
        enc, dec = train_vae(args, log)
        torch.save(dict(encoder=enc.state_dict(), decoder=dec.state_dict()), vae_path)
    log(f"vae done at {(time.time() - t0) / 60:.1f} min")
    specs, lat = encode_dataset(enc, args.dataset, args.seed + 2)
    std = lat.std().item()
    log(f"dataset {lat.shape[0]} latents, std {std:.4f}, mean {lat.mean().item():.4f} "
        f"at {(time.time() - t0) / 60:.1f} min")
    train_diffusion(args, log, lat, specs, std)
    log(f"all done in {(time.time() - t0) / 60:.1f} min")


if __name__ == "__main__":
    main()
