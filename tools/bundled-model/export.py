"""Exports a trained checkpoint as a Stable Diffusion ONNX model folder (the layout the loader reads):

    /usr/bin/python3 tools/bundled-model/export.py --ckpt tools/work/bundled --out models/bundled-tiny --guidance 5

The latent scaling is baked in: the encoder outputs mean / (std * 0.18215) and the decoder multiplies its
input by std * 0.18215, so the pipeline's SD scaling factor 0.18215 gives unit-variance latents."""
import argparse
import json
import os
import shutil

import numpy as np
import torch

import tokenizer_files
import world
from models import Decoder, Encoder, TextEncoder, UNet
from train import SCHEDULE, render_batch

SD_SCALING = 0.18215


class TextWrap(torch.nn.Module):
    def __init__(self, te):
        super().__init__()
        self.te = te

    def forward(self, input_ids):
        return self.te(input_ids.long())


class UNetWrap(torch.nn.Module):
    def __init__(self, unet):
        super().__init__()
        self.unet = unet

    def forward(self, sample, timestep, encoder_hidden_states):
        return self.unet(sample, timestep, encoder_hidden_states)


class DecWrap(torch.nn.Module):
    def __init__(self, dec, k):
        super().__init__()
        self.dec = dec
        self.k = k

    def forward(self, latent_sample):
        return self.dec(latent_sample * self.k)


class EncWrap(torch.nn.Module):
    def __init__(self, enc, k):
        super().__init__()
        self.enc = enc
        self.k = k

    def forward(self, sample):
        return self.enc(sample).chunk(2, dim=1)[0] / self.k


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default="tools/work/bundled")
    ap.add_argument("--out", default="models/bundled-tiny")
    ap.add_argument("--guidance", type=float, default=5.0)
    args = ap.parse_args()
    ck = torch.load(os.path.join(args.ckpt, "ckpt-diffusion.pt"))
    vae = torch.load(os.path.join(args.ckpt, "ckpt-vae.pt"))
    te, unet, enc, dec = TextEncoder(ck["vocab_size"]), UNet(), Encoder(), Decoder()
    te.load_state_dict(ck["text_encoder"])
    unet.load_state_dict(ck["unet"])
    enc.load_state_dict(vae["encoder"])
    dec.load_state_dict(vae["decoder"])
    for m in (te, unet, enc, dec):
        m.eval()
    k = ck["latent_std"] * SD_SCALING
    out = args.out
    if os.path.exists(out):
        shutil.rmtree(out)
    for d in ("text_encoder", "unet", "vae_decoder", "vae_encoder", "scheduler", "tokenizer"):
        os.makedirs(os.path.join(out, d))
    tokenizer_files.write(os.path.join(out, "tokenizer"))
    b = 2
    ids = torch.full((b, 77), 1, dtype=torch.int32)
    torch.onnx.export(TextWrap(te), (ids,), os.path.join(out, "text_encoder", "model.onnx"), opset_version=14,
                      input_names=["input_ids"], output_names=["last_hidden_state", "pooler_output"],
                      dynamic_axes={"input_ids": {0: "batch", 1: "sequence"},
                                    "last_hidden_state": {0: "batch", 1: "sequence"}, "pooler_output": {0: "batch"}})
    torch.onnx.export(UNetWrap(unet), (torch.randn(b, 4, 16, 16), torch.tensor([500.0, 500.0]),
                                       torch.randn(b, 77, 64)),
                      os.path.join(out, "unet", "model.onnx"), opset_version=14,
                      input_names=["sample", "timestep", "encoder_hidden_states"], output_names=["out_sample"],
                      dynamic_axes={"sample": {0: "batch", 2: "height", 3: "width"}, "timestep": {0: "batch"},
                                    "encoder_hidden_states": {0: "batch", 1: "sequence"},
                                    "out_sample": {0: "batch", 2: "height", 3: "width"}})
    torch.onnx.export(DecWrap(dec, k), (torch.randn(1, 4, 16, 16),), os.path.join(out, "vae_decoder", "model.onnx"),
                      opset_version=14, input_names=["latent_sample"], output_names=["sample"],
                      dynamic_axes={"latent_sample": {0: "batch", 2: "height", 3: "width"},
                                    "sample": {0: "batch", 2: "height", 3: "width"}})
    torch.onnx.export(EncWrap(enc, k), (torch.randn(1, 3, 64, 64),), os.path.join(out, "vae_encoder", "model.onnx"),
                      opset_version=14, input_names=["sample"], output_names=["latent_sample"],
                      dynamic_axes={"sample": {0: "batch", 2: "height", 3: "width"},
                                    "latent_sample": {0: "batch", 2: "height", 3: "width"}})
    vae_cfg = {"_class_name": "AutoencoderKL", "scaling_factor": SD_SCALING, "latent_channels": 4,
               "block_out_channels": [32, 64, 64], "sample_size": 64, "in_channels": 3, "out_channels": 3}
    for d in ("vae_decoder", "vae_encoder"):
        json.dump(vae_cfg, open(os.path.join(out, d, "config.json"), "w"), indent=2)
    json.dump({"_class_name": "UNet2DConditionModel", "sample_size": 16, "in_channels": 4, "out_channels": 4,
               "block_out_channels": [64, 128, 128], "cross_attention_dim": 64},
              open(os.path.join(out, "unet", "config.json"), "w"), indent=2)
    json.dump({"_class_name": "CLIPTextModel", "hidden_size": 64, "num_hidden_layers": 2,
               "max_position_embeddings": 77, "vocab_size": ck["vocab_size"]},
              open(os.path.join(out, "text_encoder", "config.json"), "w"), indent=2)
    json.dump({"_class_name": "DDIMScheduler", "_diffusers_version": "0.21.0", "beta_start": SCHEDULE["beta_start"],
               "beta_end": SCHEDULE["beta_end"], "beta_schedule": "scaled_linear", "clip_sample": False,
               "num_train_timesteps": 1000, "prediction_type": "epsilon", "set_alpha_to_one": False,
               "steps_offset": 1, "timestep_spacing": "leading", "trained_betas": None},
              open(os.path.join(out, "scheduler", "scheduler_config.json"), "w"), indent=2)
    json.dump({"_class_name": "OnnxStableDiffusionPipeline", "_diffusers_version": "0.21.0",
               "feature_extractor": [None, None], "requires_safety_checker": False, "safety_checker": [None, None],
               "scheduler": ["diffusers", "DDIMScheduler"], "text_encoder": ["diffusers", "OnnxRuntimeModel"],
               "tokenizer": ["transformers", "CLIPTokenizer"], "unet": ["diffusers", "OnnxRuntimeModel"],
               "vae_decoder": ["diffusers", "OnnxRuntimeModel"], "vae_encoder": ["diffusers", "OnnxRuntimeModel"]},
              open(os.path.join(out, "model_index.json"), "w"), indent=2)
    # Latent-to-RGB preview: least squares from scaled latents to 4x4-pooled pixels.
    with torch.no_grad():
        _, x = render_batch(np.random.RandomState(5), 512)
        z = enc(x).chunk(2, dim=1)[0] / ck["latent_std"]
        px = torch.nn.functional.avg_pool2d(x, 4)
        a = torch.cat([z.permute(0, 2, 3, 1).reshape(-1, 4), torch.ones(z.numel() // 4, 1)], 1)
        y = px.permute(0, 2, 3, 1).reshape(-1, 3)
        sol = torch.linalg.lstsq(a, y).solution
    json.dump({"family": "bundled", "guidance_scale": args.guidance, "num_inference_steps": 20, "width": 64,
               "height": 64, "closed_vocabulary": True,
               "latent_rgb_factors": [[round(float(v), 5) for v in row] for row in sol[:4]],
               "latent_rgb_bias": [round(float(v), 5) for v in sol[4]],
               "trained_steps": ck["step"], "recipe": "tools/bundled-model (see its README)"},
              open(os.path.join(out, "diffuse4j.json"), "w"), indent=2)
    # The manifest diffuse4j verifies its unpacked copy against (BundledModelFiles): sha256sum's format.
    import hashlib
    files = []
    for root, _, names in os.walk(out):
        files += [os.path.relpath(os.path.join(root, n), out) for n in names if n != "SHA256SUMS"]
    with open(os.path.join(out, "SHA256SUMS"), "w") as f:
        for rel in sorted(files):
            f.write(hashlib.sha256(open(os.path.join(out, rel), "rb").read()).hexdigest() + "  " + rel + "\n")
    print("exported", out, "trained steps", ck["step"])


if __name__ == "__main__":
    main()
