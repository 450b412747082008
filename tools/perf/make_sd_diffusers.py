"""Writes a Stable-Diffusion-1.5-shaped model with random, fixed-seed weights made by diffusers' and
transformers' own classes (UNet2DConditionModel, AutoencoderKL, CLIPTextModel), saved twice:
- DIR/diffusers: the PyTorch folder StableDiffusionPipeline.from_pretrained reads (tools/perf/pytorch_bench.py),
- DIR/onnx: the ONNX export as diffusers' scripts/convert_stable_diffusion_checkpoint_to_onnx.py writes it
  (same input/output names, dynamic axes, opset 14), which diffuse4j loads.
Not committed (about 600 MB). Needs diffusers v0.31 / transformers / huggingface_hub sources on PYTHONPATH
(the fetched copies in /work/pyenv, see tools/perf/env.sh) and Debian's torch 1.13 + onnx:

    . tools/perf/env.sh && /usr/bin/python3 tools/perf/make_sd_diffusers.py --out target/sd15-shaped

Shapes: CLIP text encoder as SD 1.5's (hidden 768, 12 layers, 12 heads, the real 49408-token vocabulary);
a 4-level U-Net with SD's block types (CrossAttnDownBlock2D x3 + DownBlock2D, cross-attention on 768-wide
text, latents 4x64x64 at 512^2) at channels (32, 64, 128, 128) instead of (320, 640, 1280, 1280); a VAE with
SD's structure at channels (32, 32, 64, 64) without the mid-block attention (whose 65536^2 attention matrix
over a 2048^2 image's latent would not fit this machine untiled).
"""
import argparse
import json
import os
import shutil

import torch
from diffusers import AutoencoderKL, PNDMScheduler, UNet2DConditionModel
from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

import hf_shims  # noqa: F401,E402  (tools/perf/hf_shims.py)

HERE = os.path.dirname(os.path.abspath(__file__))
TOKENIZER_DIRS = ["/work/shared/models/clip-tokenizer",
                  os.path.join(HERE, "..", "..", "text-encoder", "src", "test", "resources", "clip-tokenizer")]


def build(seed):
    torch.manual_seed(seed)
    text = CLIPTextModel(CLIPTextConfig(vocab_size=49408, hidden_size=768, intermediate_size=3072,
                                        num_hidden_layers=12, num_attention_heads=12, max_position_embeddings=77,
                                        hidden_act="quick_gelu", projection_dim=768))
    torch.manual_seed(seed + 1)
    unet = UNet2DConditionModel(sample_size=64, in_channels=4, out_channels=4, layers_per_block=1,
                                block_out_channels=(32, 64, 128, 128), norm_num_groups=8,
                                down_block_types=("CrossAttnDownBlock2D",) * 3 + ("DownBlock2D",),
                                up_block_types=("UpBlock2D",) + ("CrossAttnUpBlock2D",) * 3,
                                cross_attention_dim=768, attention_head_dim=8)
    torch.manual_seed(seed + 2)
    vae = AutoencoderKL(in_channels=3, out_channels=3, latent_channels=4, sample_size=512, layers_per_block=1,
                        block_out_channels=(32, 32, 64, 64), norm_num_groups=8,
                        down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4,
                        mid_block_add_attention=False)
    return text.eval(), unet.eval(), vae.eval()


def export(model, args, path, inputs, outputs, dynamic):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(model, args, path, opset_version=14, input_names=inputs, output_names=outputs,
                          dynamic_axes=dynamic, do_constant_folding=True)
    fix_channels(path)


def fix_channels(path):
    """diffusers' script declares the channel axis of sample / latent_sample dynamic ("channels"); diffuse4j's
    loaders need it fixed (they refuse a dynamic one), so the declared channel count is written in. The graph is
    unchanged."""
    import onnx
    m = onnx.load(path)
    for vi in m.graph.input:
        dims = vi.type.tensor_type.shape.dim
        if len(dims) == 4 and dims[1].dim_param == "channels":
            c = {"sample": 3 if "vae_encoder" in path else 4, "latent_sample": 4}[vi.name]
            dims[1].ClearField("dim_param")
            dims[1].dim_value = c
    onnx.save_model(m, path)


class VaeEncoderOnnx(torch.nn.Module):
    """As the conversion script: sample -> latent_dist.sample() -> latent_sample (here the mean, deterministic)."""

    def __init__(self, vae):
        super().__init__()
        self.vae = vae

    def forward(self, sample):
        return self.vae.encode(sample).latent_dist.mode()


class VaeDecoderOnnx(torch.nn.Module):
    def __init__(self, vae):
        super().__init__()
        self.vae = vae

    def forward(self, latent_sample):
        return self.vae.decode(latent_sample).sample


class UNetOnnx(torch.nn.Module):
    def __init__(self, unet):
        super().__init__()
        self.unet = unet

    def forward(self, sample, timestep, encoder_hidden_states):
        return self.unet(sample, timestep, encoder_hidden_states, return_dict=False)[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="target/sd15-shaped")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(2)
    if os.path.exists(a.out):
        shutil.rmtree(a.out)
    tok_src = next(p for p in TOKENIZER_DIRS if os.path.isfile(os.path.join(p, "vocab.json")))
    tokenizer = CLIPTokenizer(os.path.join(tok_src, "vocab.json"), os.path.join(tok_src, "merges.txt"),
                              model_max_length=77, pad_token="<|endoftext|>")
    text, unet, vae = build(a.seed)
    scheduler = PNDMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                              num_train_timesteps=1000, set_alpha_to_one=False, skip_prk_steps=True, steps_offset=1)
    pt = os.path.join(a.out, "diffusers")
    for name, m in (("text_encoder", text), ("unet", unet), ("vae", vae)):
        m.save_pretrained(os.path.join(pt, name), safe_serialization=False)
    tokenizer.save_pretrained(os.path.join(pt, "tokenizer"))
    scheduler.save_pretrained(os.path.join(pt, "scheduler"))
    with open(os.path.join(pt, "model_index.json"), "w") as f:
        json.dump({"_class_name": "StableDiffusionPipeline", "_diffusers_version": "0.31.0",
                   "feature_extractor": [None, None], "requires_safety_checker": False, "safety_checker": [None, None],
                   "scheduler": ["diffusers", "PNDMScheduler"], "text_encoder": ["transformers", "CLIPTextModel"],
                   "tokenizer": ["transformers", "CLIPTokenizer"], "unet": ["diffusers", "UNet2DConditionModel"],
                   "vae": ["diffusers", "AutoencoderKL"]}, f, indent=2)

    ox = os.path.join(a.out, "onnx")
    ids = torch.full((1, 77), 49407, dtype=torch.int32)
    export(text, (ids,), os.path.join(ox, "text_encoder", "model.onnx"), ["input_ids"],
           ["last_hidden_state", "pooler_output"],
           {"input_ids": {0: "batch", 1: "sequence"}, "last_hidden_state": {0: "batch", 1: "sequence"},
            "pooler_output": {0: "batch"}})
    export(UNetOnnx(unet), (torch.randn(2, 4, 64, 64), torch.tensor([500.0, 500.0]), torch.randn(2, 77, 768)),
           os.path.join(ox, "unet", "model.onnx"), ["sample", "timestep", "encoder_hidden_states"], ["out_sample"],
           {"sample": {0: "batch", 1: "channels", 2: "height", 3: "width"}, "timestep": {0: "batch"},
            "encoder_hidden_states": {0: "batch", 1: "sequence"}})
    export(VaeEncoderOnnx(vae), (torch.randn(1, 3, 512, 512),), os.path.join(ox, "vae_encoder", "model.onnx"),
           ["sample"], ["latent_sample"], {"sample": {0: "batch", 1: "channels", 2: "height", 3: "width"}})
    export(VaeDecoderOnnx(vae), (torch.randn(1, 4, 64, 64),), os.path.join(ox, "vae_decoder", "model.onnx"),
           ["latent_sample"], ["sample"], {"latent_sample": {0: "batch", 1: "channels", 2: "height", 3: "width"}})
    shutil.copytree(os.path.join(pt, "tokenizer"), os.path.join(ox, "tokenizer"))
    shutil.copytree(os.path.join(pt, "scheduler"), os.path.join(ox, "scheduler"))
    with open(os.path.join(ox, "model_index.json"), "w") as f:
        json.dump({"_class_name": "OnnxStableDiffusionPipeline", "_diffusers_version": "0.31.0",
                   "_name_or_path": "sd15-shaped-random", "scheduler": ["diffusers", "PNDMScheduler"],
                   "text_encoder": ["diffusers", "OnnxRuntimeModel"], "tokenizer": ["transformers", "CLIPTokenizer"],
                   "unet": ["diffusers", "OnnxRuntimeModel"], "vae_decoder": ["diffusers", "OnnxRuntimeModel"],
                   "vae_encoder": ["diffusers", "OnnxRuntimeModel"]}, f, indent=2)
    for part in ("text_encoder", "unet", "vae_decoder", "vae_encoder"):
        p = os.path.join(ox, part, "model.onnx")
        print(f"{p}: {os.path.getsize(p) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
