"""Writes a Stable-Diffusion-1.5-shaped ONNX model folder with random, fixed-seed weights, for the
benchmarks in docs/PERFORMANCE.md. Not committed (about 400 MB); generated on demand:

    /usr/bin/python3 tools/perf/make_sd_shaped.py --out target/sd15-shaped

"SD-1.5-shaped" means the interfaces and the costly shapes of SD 1.5 as diffusers' ONNX export script
writes them, at a width that a 2-core machine runs in seconds:
- text_encoder: the real CLIP vocabulary (49408 tokens, /work/shared/models/clip-tokenizer or
  text-encoder/src/test/resources/clip-tokenizer), hidden size 768, 12 causal attention layers, 77 positions;
  input_ids int32 [b, s] -> last_hidden_state [b, s, 768], pooler_output [b, 768].
- unet: sample [b, 4, h, w], timestep float [b], encoder_hidden_states [b, 77, 768] -> out_sample;
  a 4-level U-Net (64/32/16/8 for 512^2) with ResNet blocks, self- and cross-attention on 768-wide text
  at the top three levels (so attention over 4096 positions at 512^2, as SD's), downsampling 8.
- vae_decoder: latent_sample [b, 4, h, w] -> sample [b, 3, 8h, 8w]: ResNet blocks with GroupNorm,
  three nearest x2 upsamplings (channels 64, 64, 32, 32). SD's mid-block self-attention is left out: over a
  256^2 latent (2048^2 image) its attention matrix alone is 17 GB, which this machine cannot hold untiled.
- vae_encoder: sample [b, 3, H, W] -> latent_sample [b, 4, H/8, W/8] (mirror of the decoder).
No config.json files (as the diffusers script), PNDM scheduler config of SD 1.5.
"""
import argparse
import json
import math
import os
import shutil

import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
TOKENIZER_DIRS = ["/work/shared/models/clip-tokenizer",
                  os.path.join(HERE, "..", "..", "text-encoder", "src", "test", "resources", "clip-tokenizer")]
SD15_SCHED = {"_class_name": "PNDMScheduler", "_diffusers_version": "0.6.0", "beta_end": 0.012,
              "beta_schedule": "scaled_linear", "beta_start": 0.00085, "num_train_timesteps": 1000,
              "set_alpha_to_one": False, "skip_prk_steps": True, "steps_offset": 1, "trained_betas": None,
              "clip_sample": False}


class TextEncoder(nn.Module):
    def __init__(self, vocab=49408, h=768, layers=12, heads=12):
        super().__init__()
        self.tok = nn.Embedding(vocab, h)
        self.pos = nn.Parameter(torch.randn(77, h) * 0.02)
        self.attn = nn.ModuleList([nn.MultiheadAttention(h, heads, batch_first=True) for _ in range(layers)])
        self.ln1 = nn.ModuleList([nn.LayerNorm(h) for _ in range(layers)])
        self.ln2 = nn.ModuleList([nn.LayerNorm(h) for _ in range(layers)])
        self.fc1 = nn.ModuleList([nn.Linear(h, 4 * h) for _ in range(layers)])
        self.fc2 = nn.ModuleList([nn.Linear(4 * h, h) for _ in range(layers)])
        self.norm = nn.LayerNorm(h)

    def forward(self, input_ids):
        ids = input_ids.long()
        n = ids.shape[1]
        x = self.tok(ids) + self.pos[:n]
        mask = torch.full((n, n), float("-inf")).triu(1)
        for a, l1, l2, f1, f2 in zip(self.attn, self.ln1, self.ln2, self.fc1, self.fc2):
            h = l1(x)
            x = x + a(h, h, h, attn_mask=mask, need_weights=False)[0]
            h = l2(x)
            x = x + f2(F.gelu(f1(h)))
        last = self.norm(x)
        pooled = last[torch.arange(last.shape[0]), ids.argmax(-1)]
        return last, pooled


class Res(nn.Module):
    def __init__(self, cin, cout, temb=0):
        super().__init__()
        self.n1 = nn.GroupNorm(8, cin)
        self.c1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.t = nn.Linear(temb, cout) if temb else None
        self.n2 = nn.GroupNorm(8, cout)
        self.c2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, temb=None):
        h = self.c1(F.silu(self.n1(x)))
        if self.t is not None:
            h = h + self.t(F.silu(temb))[:, :, None, None]
        h = self.c2(F.silu(self.n2(h)))
        return self.skip(x) + h


class Attn(nn.Module):
    """SD's transformer block, one head: self-attention, cross-attention on the text, feed-forward."""

    def __init__(self, c, ctx=768):
        super().__init__()
        self.norm = nn.GroupNorm(8, c)
        self.pin = nn.Conv2d(c, c, 1)
        self.l1, self.l2, self.l3 = nn.LayerNorm(c), nn.LayerNorm(c), nn.LayerNorm(c)
        self.q1, self.k1, self.v1, self.o1 = (nn.Linear(c, c, bias=False) for _ in range(4))
        self.q2 = nn.Linear(c, c, bias=False)
        self.k2 = nn.Linear(ctx, c, bias=False)
        self.v2 = nn.Linear(ctx, c, bias=False)
        self.o2 = nn.Linear(c, c)
        self.ff1 = nn.Linear(c, 4 * c)
        self.ff2 = nn.Linear(4 * c, c)
        self.pout = nn.Conv2d(c, c, 1)
        self.scale = 1.0 / math.sqrt(c)

    def forward(self, x, ctx):
        b, c, hh, ww = x.shape
        h = self.pin(self.norm(x)).reshape(b, c, hh * ww).transpose(1, 2)
        n = self.l1(h)
        h = h + self.o1(torch.softmax(self.q1(n) @ self.k1(n).transpose(1, 2) * self.scale, -1) @ self.v1(n))
        n = self.l2(h)
        h = h + self.o2(torch.softmax(self.q2(n) @ self.k2(ctx).transpose(1, 2) * self.scale, -1) @ self.v2(ctx))
        h = h + self.ff2(F.gelu(self.ff1(self.l3(h))))
        return x + self.pout(h.transpose(1, 2).reshape(b, c, hh, ww))


class UNet(nn.Module):
    def __init__(self, chans=(32, 64, 128, 128), attn=(True, True, True, False), ctx=768):
        super().__init__()
        self.c0 = chans[0]
        temb = 4 * chans[0]
        self.t1 = nn.Linear(chans[0], temb)
        self.t2 = nn.Linear(temb, temb)
        self.inp = nn.Conv2d(4, chans[0], 3, padding=1)
        self.down_res, self.down_attn, self.downs = nn.ModuleList(), nn.ModuleList(), nn.ModuleList()
        prev = chans[0]
        for i, c in enumerate(chans):
            self.down_res.append(Res(prev, c, temb))
            self.down_attn.append(Attn(c, ctx) if attn[i] else nn.Identity())
            self.downs.append(nn.Conv2d(c, c, 3, stride=2, padding=1) if i < len(chans) - 1 else nn.Identity())
            prev = c
        self.mid1, self.mid_attn, self.mid2 = Res(prev, prev, temb), Attn(prev, ctx), Res(prev, prev, temb)
        self.up_res, self.up_attn = nn.ModuleList(), nn.ModuleList()
        for i, c in reversed(list(enumerate(chans))):
            self.up_res.append(Res(prev + c, c, temb))
            self.up_attn.append(Attn(c, ctx) if attn[i] else nn.Identity())
            prev = c
        self.out_norm = nn.GroupNorm(8, prev)
        self.out = nn.Conv2d(prev, 4, 3, padding=1)
        self.attn = attn

    def forward(self, sample, timestep, encoder_hidden_states):
        b = sample.shape[0]
        t = timestep.float().reshape(-1)
        t = t.expand(b) if t.shape[0] == 1 else t
        half = self.c0 // 2
        freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
        emb = torch.cat([torch.cos(t[:, None] * freqs), torch.sin(t[:, None] * freqs)], -1)
        temb = self.t2(F.silu(self.t1(emb)))
        h = self.inp(sample)
        skips = []
        n = len(self.down_res)
        for i in range(n):
            h = self.down_res[i](h, temb)
            if self.attn[i]:
                h = self.down_attn[i](h, encoder_hidden_states)
            skips.append(h)
            h = self.downs[i](h)
        h = self.mid2(self.mid_attn(self.mid1(h, temb), encoder_hidden_states), temb)
        for k in range(n):
            i = n - 1 - k
            if k > 0:
                h = F.interpolate(h, scale_factor=2.0, mode="nearest")
            h = self.up_res[k](torch.cat([h, skips[i]], 1), temb)
            if self.attn[i]:
                h = self.up_attn[k](h, encoder_hidden_states)
        return self.out(F.silu(self.out_norm(h)))


class VaeDecoder(nn.Module):
    def __init__(self, chans=(64, 64, 32, 32)):
        super().__init__()
        self.post_quant = nn.Conv2d(4, 4, 1)
        self.inp = nn.Conv2d(4, chans[0], 3, padding=1)
        self.mid = nn.ModuleList([Res(chans[0], chans[0]), Res(chans[0], chans[0])])
        self.blocks = nn.ModuleList()
        self.ups = nn.ModuleList()
        prev = chans[0]
        for i, c in enumerate(chans):
            self.blocks.append(nn.ModuleList([Res(prev, c), Res(c, c)]))
            self.ups.append(nn.Conv2d(c, c, 3, padding=1) if i < len(chans) - 1 else nn.Identity())
            prev = c
        self.norm = nn.GroupNorm(8, prev)
        self.out = nn.Conv2d(prev, 3, 3, padding=1)

    def forward(self, latent_sample):
        h = self.inp(self.post_quant(latent_sample))
        for r in self.mid:
            h = r(h)
        for i, blk in enumerate(self.blocks):
            for r in blk:
                h = r(h)
            if i < len(self.blocks) - 1:
                h = self.ups[i](F.interpolate(h, scale_factor=2.0, mode="nearest"))
        return self.out(F.silu(self.norm(h)))


class VaeEncoder(nn.Module):
    def __init__(self, chans=(32, 32, 64, 64)):
        super().__init__()
        self.inp = nn.Conv2d(3, chans[0], 3, padding=1)
        self.blocks = nn.ModuleList()
        self.downs = nn.ModuleList()
        prev = chans[0]
        for i, c in enumerate(chans):
            self.blocks.append(Res(prev, c))
            self.downs.append(nn.Conv2d(c, c, 3, stride=2, padding=1) if i < len(chans) - 1 else nn.Identity())
            prev = c
        self.norm = nn.GroupNorm(8, prev)
        self.out = nn.Conv2d(prev, 8, 3, padding=1)
        self.quant = nn.Conv2d(8, 8, 1)

    def forward(self, sample):
        h = self.inp(sample)
        for i, blk in enumerate(self.blocks):
            h = blk(h)
            if i < len(self.blocks) - 1:
                h = self.downs[i](h)
        moments = self.quant(self.out(F.silu(self.norm(h))))
        return moments[:, :4]  # the mean: diffusers' ONNX script exports latent_dist.mean-like latent_sample


def export(model, args, path, inputs, outputs, dynamic):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    model.eval()
    with torch.no_grad():
        torch.onnx.export(model, args, path, opset_version=14, input_names=inputs, output_names=outputs,
                          dynamic_axes=dynamic, do_constant_folding=True)
    m = onnx.load(path)
    m.producer_version = "sd-shaped"
    onnx.save_model(m, path)


def write_json(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="target/sd15-shaped")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--torch-weights", action="store_true",
                    help="also save the PyTorch modules' state dicts (torch/*.pt) for tools/perf/pytorch_bench.py")
    a = ap.parse_args()
    torch.set_num_threads(2)
    d = a.out
    if os.path.exists(d):
        shutil.rmtree(d)
    tok_src = next(p for p in TOKENIZER_DIRS if os.path.isfile(os.path.join(p, "vocab.json")))
    os.makedirs(os.path.join(d, "tokenizer"))
    for f in ("vocab.json", "merges.txt"):
        shutil.copy(os.path.join(tok_src, f), os.path.join(d, "tokenizer", f))
    write_json(os.path.join(d, "tokenizer", "tokenizer_config.json"),
               {"model_max_length": 77, "pad_token": "<|endoftext|>", "bos_token": "<|startoftext|>",
                "eos_token": "<|endoftext|>", "unk_token": "<|endoftext|>", "tokenizer_class": "CLIPTokenizer"})
    parts = {}
    torch.manual_seed(a.seed)
    parts["text_encoder"] = te = TextEncoder()
    export(te, (torch.full((1, 77), 49407, dtype=torch.int32),), os.path.join(d, "text_encoder", "model.onnx"),
           ["input_ids"], ["last_hidden_state", "pooler_output"],
           {"input_ids": {0: "batch", 1: "sequence"}, "last_hidden_state": {0: "batch", 1: "sequence"},
            "pooler_output": {0: "batch"}})
    torch.manual_seed(a.seed + 1000)
    parts["unet"] = unet = UNet()
    export(unet, (torch.randn(2, 4, 64, 64), torch.tensor([500.0, 500.0]), torch.randn(2, 77, 768)),
           os.path.join(d, "unet", "model.onnx"), ["sample", "timestep", "encoder_hidden_states"], ["out_sample"],
           {"sample": {0: "batch", 2: "height", 3: "width"}, "timestep": {0: "batch"},
            "encoder_hidden_states": {0: "batch", 1: "sequence"}, "out_sample": {0: "batch", 2: "height", 3: "width"}})
    torch.manual_seed(a.seed + 2000)
    parts["vae_decoder"] = dec = VaeDecoder()
    export(dec, (torch.randn(1, 4, 64, 64),), os.path.join(d, "vae_decoder", "model.onnx"), ["latent_sample"],
           ["sample"], {"latent_sample": {0: "batch", 2: "height", 3: "width"},
                        "sample": {0: "batch", 2: "height", 3: "width"}})
    torch.manual_seed(a.seed + 3000)
    parts["vae_encoder"] = enc = VaeEncoder()
    export(enc, (torch.randn(1, 3, 512, 512),), os.path.join(d, "vae_encoder", "model.onnx"), ["sample"],
           ["latent_sample"], {"sample": {0: "batch", 2: "height", 3: "width"},
                               "latent_sample": {0: "batch", 2: "height", 3: "width"}})
    write_json(os.path.join(d, "scheduler", "scheduler_config.json"), SD15_SCHED)
    write_json(os.path.join(d, "model_index.json"),
               {"_class_name": "OnnxStableDiffusionPipeline", "_diffusers_version": "0.6.0",
                "_name_or_path": "sd15-shaped-random",
                "scheduler": ["diffusers", "PNDMScheduler"], "text_encoder": ["diffusers", "OnnxRuntimeModel"],
                "tokenizer": ["transformers", "CLIPTokenizer"], "unet": ["diffusers", "OnnxRuntimeModel"],
                "vae_decoder": ["diffusers", "OnnxRuntimeModel"], "vae_encoder": ["diffusers", "OnnxRuntimeModel"]})
    if a.torch_weights:
        os.makedirs(os.path.join(d, "torch"))
        for name, m in parts.items():
            torch.save(m.state_dict(), os.path.join(d, "torch", name + ".pt"))
    for name in parts:
        p = os.path.join(d, name, "model.onnx")
        print(f"{p}: {os.path.getsize(p) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
