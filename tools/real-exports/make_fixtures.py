#!/usr/bin/env python3
"""Builds tiny pipelines with diffusers' and transformers' own classes, exports each with the real exporters
(diffusers' conversion script, optimum 1.19.2 and 1.23.3) and draws reference images with diffusers' own
PyTorch pipelines on the same weights.  See README.md beside this file for the environment and commands.

    source /work/pyenv/env.sh
    /usr/bin/python3 tools/real-exports/make_fixtures.py --out test-models/real --work /tmp/real-exports-work

Every step is deterministic (fixed torch seeds, CPU); PyTorch weights live only in --work.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "shims", "common"))
import d4j_torch113  # noqa: E402

d4j_torch113.prepare()

import numpy as np  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402

import diffusers  # noqa: E402
from diffusers import (  # noqa: E402
    AutoencoderKL,
    DDIMScheduler,
    DDPMScheduler,
    DPMSolverMultistepScheduler,
    HeunDiscreteScheduler,
    EulerAncestralDiscreteScheduler,
    EulerDiscreteScheduler,
    LCMScheduler,
    LMSDiscreteScheduler,
    PNDMScheduler,
    UniPCMultistepScheduler,
    LatentConsistencyModelPipeline,
    StableDiffusionImg2ImgPipeline,
    StableDiffusionInpaintPipeline,
    StableDiffusionPipeline,
    StableDiffusionXLImg2ImgPipeline,
    StableDiffusionXLInpaintPipeline,
    StableDiffusionXLPipeline,
    UNet2DConditionModel,
)
from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection, CLIPTokenizer  # noqa: E402

CLIP_FILES = os.environ.get("CLIP_TOKENIZER", "/work/shared/models/clip-tokenizer")
MERGES = 500  # the first 500 merges of the real CLIP BPE: real tokenisation of common words, tiny vocab

SCALED_LINEAR = dict(num_train_timesteps=1000, beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear")
# case scheduler name -> (diffusers class, from_config overrides); RealExportsTest maps the same names to
# diffuse4j's scheduler names
SCHEDULERS = {
    "pndm": (PNDMScheduler, {}), "ddim": (DDIMScheduler, {}), "ddpm": (DDPMScheduler, {}),
    "euler": (EulerDiscreteScheduler, {}), "euler_a": (EulerAncestralDiscreteScheduler, {}),
    "heun": (HeunDiscreteScheduler, {}), "dpmpp": (DPMSolverMultistepScheduler, {}),
    "dpmpp_karras": (DPMSolverMultistepScheduler, dict(use_karras_sigmas=True)),
    "dpmpp_sde": (DPMSolverMultistepScheduler, dict(algorithm_type="sde-dpmsolver++")),
    "lms": (LMSDiscreteScheduler, {}), "unipc": (UniPCMultistepScheduler, {}), "lcm": (LCMScheduler, {}),
}


# ----------------------------------------------------------------------------------------------- tokenizer
def write_tokenizer(out, pad_token):
    """The real CLIP vocabulary cut to its bytes + the first MERGES merges (+ the two special tokens)."""
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(CLIP_FILES, "vocab.json"), encoding="utf-8") as f:
        full = json.load(f)
    with open(os.path.join(CLIP_FILES, "merges.txt"), encoding="utf-8") as f:
        lines = f.read().split("\n")
    merges = [line for line in lines[1:] if line][:MERGES]
    by_id = sorted(full.items(), key=lambda kv: kv[1])
    vocab = {tok: i for tok, i in by_id[:512]}
    for m in merges:
        tok = m.replace(" ", "")
        assert full[tok] == len(vocab), (tok, full[tok], len(vocab))
        vocab[tok] = len(vocab)
    vocab["<|startoftext|>"] = len(vocab)
    vocab["<|endoftext|>"] = len(vocab)
    with open(os.path.join(out, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False)
    with open(os.path.join(out, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n" + "\n".join(merges) + "\n")
    tok = CLIPTokenizer(os.path.join(out, "vocab.json"), os.path.join(out, "merges.txt"),
                        pad_token=pad_token, model_max_length=77)
    tok.save_pretrained(out)
    return tok


def text_encoder(seed, hidden, vocab, act, projection=None):
    torch.manual_seed(seed)
    cfg = CLIPTextConfig(vocab_size=vocab, hidden_size=hidden, intermediate_size=2 * hidden, num_hidden_layers=2,
                         num_attention_heads=2, max_position_embeddings=77, hidden_act=act,
                         bos_token_id=0, eos_token_id=2, pad_token_id=1, projection_dim=projection or hidden)
    model = CLIPTextModelWithProjection(cfg) if projection else CLIPTextModel(cfg)
    return model.eval()


def vae(seed, scaling_factor=0.18215, force_upcast=True, blocks=(8, 8, 16, 16)):
    torch.manual_seed(seed)
    return AutoencoderKL(in_channels=3, out_channels=3, latent_channels=4,
                         down_block_types=("DownEncoderBlock2D",) * len(blocks),
                         up_block_types=("UpDecoderBlock2D",) * len(blocks),
                         block_out_channels=blocks, layers_per_block=1, norm_num_groups=8,
                         sample_size=64, scaling_factor=scaling_factor, force_upcast=force_upcast).eval()


def unet(seed, cross, in_channels=4, sd2=False, time_cond=None, sdxl_text_embeds=None, deep=False):
    torch.manual_seed(seed)
    kw = dict(sample_size=8, in_channels=in_channels, out_channels=4, layers_per_block=1,
              block_out_channels=(8, 16), norm_num_groups=4, cross_attention_dim=cross,
              down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
              up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"), attention_head_dim=2)
    if deep:  # three levels (sizes multiple of 4 x 4 = 16 with a 3-block VAE)
        kw.update(sample_size=16, block_out_channels=(8, 16, 16),
                  down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
                  up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"))
    if sd2:
        kw.update(attention_head_dim=(2, 4), use_linear_projection=True, upcast_attention=True)
    if time_cond:
        kw.update(time_cond_proj_dim=time_cond)
    if sdxl_text_embeds:
        kw.update(down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
                  up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"), attention_head_dim=(2, 4),
                  use_linear_projection=True, transformer_layers_per_block=(1, 2),
                  addition_embed_type="text_time", addition_time_embed_dim=4,
                  projection_class_embeddings_input_dim=6 * 4 + sdxl_text_embeds)
    return UNet2DConditionModel(**kw).eval()


def noisy_weights(module, seed, std=0.05):
    """diffusers zero-initialises some output convolutions; fresh random weights everywhere make every layer matter."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            if p.dim() > 1 and float(p.abs().max()) == 0.0:
                p.copy_(torch.randn(p.shape, generator=g) * std)


# ----------------------------------------------------------------------------------------------- families
def build(family, work):
    """Builds and saves the PyTorch pipeline of one family; returns its folder."""
    out = os.path.join(work, family + "-pt")
    shutil.rmtree(out, ignore_errors=True)
    tmp_tok = os.path.join(work, "tok-" + family)
    if family in ("sd15", "sd15-inpaint", "lcm"):
        tok = write_tokenizer(tmp_tok, "<|endoftext|>")
        te = text_encoder(1, 16, len(tok), "quick_gelu")
        u = unet(2, 16, in_channels=9 if family == "sd15-inpaint" else 4, time_cond=8 if family == "lcm" else None)
        noisy_weights(u, 3)
        v = vae(4)
        if family == "lcm":
            sched = LCMScheduler(**SCALED_LINEAR, original_inference_steps=50, set_alpha_to_one=True,
                                 steps_offset=1, clip_sample=False, timestep_scaling=10.0)
            pipe = LatentConsistencyModelPipeline(vae=v, text_encoder=te, tokenizer=tok, unet=u, scheduler=sched,
                                                  safety_checker=None, feature_extractor=None,
                                                  requires_safety_checker=False)
        else:
            sched = PNDMScheduler(**SCALED_LINEAR, skip_prk_steps=True, steps_offset=1, set_alpha_to_one=False)
            cls = StableDiffusionInpaintPipeline if family == "sd15-inpaint" else StableDiffusionPipeline
            pipe = cls(vae=v, text_encoder=te, tokenizer=tok, unet=u, scheduler=sched, safety_checker=None,
                       feature_extractor=None, requires_safety_checker=False)
    elif family in VARIANTS:
        # SD 1.x architecture with other choices: the scheduler as its class defaults give it (outdated
        # steps_offset 0, DDIM's clip_sample true, PNDM's PRK warm-up), a deeper U-Net and a 3-block VAE
        tok = write_tokenizer(tmp_tok, "<|endoftext|>")
        te = text_encoder(31, 16, len(tok), "quick_gelu")
        deep = family == "v-deep"
        u = unet(32, 16, deep=deep)
        noisy_weights(u, 33)
        v = vae(34, scaling_factor=0.2, blocks=(8, 16, 16) if deep else (8, 8, 16, 16))
        sched = {"v-ddim-defaults": DDIMScheduler(**SCALED_LINEAR),
                 "v-pndm-defaults": PNDMScheduler(**SCALED_LINEAR),
                 "v-deep": DPMSolverMultistepScheduler(**SCALED_LINEAR, steps_offset=1)}[family]
        pipe = StableDiffusionPipeline(vae=v, text_encoder=te, tokenizer=tok, unet=u, scheduler=sched,
                                       safety_checker=None, feature_extractor=None, requires_safety_checker=False)
        # StableDiffusionPipeline's __init__ rewrote the scheduler's steps_offset / clip_sample; the folder
        # keeps the class defaults (as an older checkpoint's scheduler_config.json would)
        pipe.save_pretrained(out)
        type(sched)(**SCALED_LINEAR, **({"steps_offset": 1} if family == "v-deep" else {})).save_pretrained(
            os.path.join(out, "scheduler"))
        return out
    elif family in ("sd2-v", "sd-turbo"):
        tok = write_tokenizer(tmp_tok, "!")
        te = text_encoder(11, 16, len(tok), "gelu")
        u = unet(12, 16, sd2=True)
        noisy_weights(u, 13)
        v = vae(14)
        if family == "sd2-v":
            sched = DDIMScheduler(**SCALED_LINEAR, prediction_type="v_prediction", steps_offset=1, clip_sample=False,
                                  set_alpha_to_one=False)
        else:
            sched = EulerDiscreteScheduler(**SCALED_LINEAR, prediction_type="epsilon", steps_offset=1,
                                           timestep_spacing="trailing", interpolation_type="linear")
        pipe = StableDiffusionPipeline(vae=v, text_encoder=te, tokenizer=tok, unet=u, scheduler=sched,
                                       safety_checker=None, feature_extractor=None, requires_safety_checker=False)
    elif family == "sdxl":
        tok = write_tokenizer(tmp_tok, "<|endoftext|>")
        tok2 = write_tokenizer(tmp_tok + "-2", "!")
        te = text_encoder(21, 16, len(tok), "quick_gelu")
        te2 = text_encoder(22, 16, len(tok2), "gelu", projection=16)
        u = unet(23, 32, sdxl_text_embeds=16)
        noisy_weights(u, 24)
        v = vae(25, scaling_factor=0.13025)
        sched = EulerDiscreteScheduler(**SCALED_LINEAR, steps_offset=1, timestep_spacing="leading",
                                       interpolation_type="linear")
        pipe = StableDiffusionXLPipeline(vae=v, text_encoder=te, text_encoder_2=te2, tokenizer=tok, tokenizer_2=tok2,
                                         unet=u, scheduler=sched, force_zeros_for_empty_prompt=True)
    else:
        raise ValueError(family)
    pipe.save_pretrained(out)
    return out


FAMILIES = ["sd15", "sd2-v", "sd-turbo", "lcm", "sdxl", "sd15-inpaint"]
# not committed (--families v-...): other scheduler configs and sizes of the SD 1.x architecture
VARIANTS = ["v-ddim-defaults", "v-pndm-defaults", "v-deep"]
# diffusers' script exports OnnxStableDiffusionPipeline folders: no LCM (no timestep_cond) and no SDXL.
SCRIPT_FAMILIES = {"sd15", "sd2-v", "sd-turbo", "sd15-inpaint", *VARIANTS}
OPTIMUM_VERSIONS = ["1.19.2", "1.23.3"]


def pyenv(optimum):
    src = "/work/pyenv/src"
    shims = os.path.join(HERE, "shims")
    env = dict(os.environ)
    env["PYTHONPATH"] = ":".join([f"{shims}/common", f"{shims}/optimum-{optimum}", f"{src}/diffusers-0.31.0/src",
                                  f"{src}/transformers-4.38.0.dev0/src", f"{src}/huggingface_hub-0.24.7/src",
                                  f"{src}/optimum-{optimum}", "/work/pyenv/site"])
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", HF_HUB_DISABLE_TELEMETRY="1")
    return env


def run(cmd, env):
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, env=env, check=True)


def export(family, pt, out, exporter):
    shutil.rmtree(out, ignore_errors=True)
    if exporter == "diffusers-script":
        script = "/work/pyenv/src/diffusers-0.31.0/scripts/convert_stable_diffusion_checkpoint_to_onnx.py"
        run([sys.executable, os.path.join(HERE, "run_with_shims.py"), script, "--model_path", pt,
             "--output_path", out, "--opset", "14"], pyenv("1.23.3"))
    else:
        version = exporter.split("-", 1)[1]
        if version.startswith("1.19"):  # optimum 1.19's diffusers task names
            task = "stable-diffusion-xl" if family == "sdxl" else "stable-diffusion"
        else:
            task = "inpainting" if family == "sd15-inpaint" else "text-to-image"
        run([sys.executable, os.path.join(HERE, "run_with_shims.py"), "optimum-cli", "export", "onnx",
             "--model", pt, "--task", task, out], pyenv(version))
    # the exporters leave nothing else of use; drop files the Java side never reads to keep fixtures small
    for root, _, files in os.walk(out):
        for f in files:
            if f.endswith(".bin") or f.endswith(".safetensors"):
                os.remove(os.path.join(root, f))


# ----------------------------------------------------------------------------------------------- references
def image_to_png(img, path):
    img.save(path, optimize=False, compress_level=9)


def init_image(w, h):
    """A fixed picture (two colour fields and a disc) as img2img/inpainting input."""
    y, x = np.mgrid[0:h, 0:w]
    rgb = np.zeros((h, w, 3), np.uint8)
    rgb[..., 0] = (x * 255 // max(w - 1, 1)).astype(np.uint8)
    rgb[..., 2] = (y * 255 // max(h - 1, 1)).astype(np.uint8)
    disc = (x - w / 2) ** 2 + (y - h / 2) ** 2 < (min(w, h) / 4) ** 2
    rgb[disc] = (230, 200, 40)
    return Image.fromarray(rgb)


def mask_image(w, h):
    m = np.zeros((h, w), np.uint8)
    m[h // 4: 3 * h // 4, w // 2:] = 255
    return Image.fromarray(m)


CASES = {
    "sd15": [
        dict(id="txt2img-pndm-cfg", scheduler="pndm", steps=4, guidance=7.5, negative="blurry"),
        dict(id="txt2img-ddim-nocfg", scheduler="ddim", steps=3, guidance=1.0),
        dict(id="txt2img-euler_a-80x48", scheduler="euler_a", steps=4, guidance=5.0, width=80, height=48),
        dict(id="txt2img-dpmpp", scheduler="dpmpp", steps=5, guidance=7.5),
        dict(id="txt2img-lms", scheduler="lms", steps=4, guidance=3.0),
        dict(id="txt2img-unipc", scheduler="unipc", steps=4, guidance=7.5),
        dict(id="img2img-euler-0.6", mode="img2img", scheduler="euler", steps=5, guidance=7.5, strength=0.6),
        dict(id="img2img-ddim-0.8", mode="img2img", scheduler="ddim", steps=5, guidance=1.0, strength=0.8),
        dict(id="inpaint4-blend-0.75", mode="inpaint", scheduler="ddim", steps=4, guidance=7.5, strength=0.75),
        dict(id="inpaint4-blend-1.0", mode="inpaint", scheduler="pndm", steps=4, guidance=7.5, strength=1.0),
        dict(id="inpaint4-blend-0.5-euler_a-96x64", mode="inpaint", scheduler="euler_a", steps=6, guidance=7.5,
             strength=0.5, width=96, height=64, seed=8),
        dict(id="img2img-dpmpp-1.0", mode="img2img", scheduler="dpmpp", steps=4, guidance=7.5, strength=1.0),
        dict(id="img2img-heun-0.3-48x80", mode="img2img", scheduler="heun", steps=6, guidance=7.5, strength=0.3,
             width=48, height=80, seed=3),
        dict(id="txt2img-ddpm-48x80-s7", scheduler="ddpm", steps=4, guidance=7.5, width=48, height=80, seed=7),
        dict(id="txt2img-heun-nocfg-s123", scheduler="heun", steps=3, guidance=1.0, seed=123),
        dict(id="txt2img-dpmpp_karras-neg", scheduler="dpmpp_karras", steps=5, guidance=7.5, negative="ugly"),
        dict(id="txt2img-dpmpp_sde-s9", scheduler="dpmpp_sde", steps=4, guidance=6.0, seed=9),
        dict(id="txt2img-lcm", scheduler="lcm", steps=3, guidance=1.0),
    ],
    "sd2-v": [
        dict(id="txt2img-ddim-cfg", scheduler="ddim", steps=4, guidance=7.5, negative="ugly"),
        dict(id="txt2img-euler-nocfg", scheduler="euler", steps=3, guidance=1.0),
        dict(id="img2img-ddim-0.6", mode="img2img", scheduler="ddim", steps=5, guidance=7.5, strength=0.6),
        dict(id="txt2img-dpmpp_karras-96x64", scheduler="dpmpp_karras", steps=5, guidance=7.5, width=96, height=64),
        dict(id="txt2img-euler_a-s5", scheduler="euler_a", steps=4, guidance=7.5, seed=5),
        dict(id="inpaint4-blend-euler_a-1.0", mode="inpaint", scheduler="euler_a", steps=4, guidance=7.5,
             strength=1.0),
    ],
    "sd-turbo": [
        dict(id="txt2img-defaults", scheduler=None, steps=1, guidance=0.0, use_defaults=True),
        dict(id="txt2img-2steps", scheduler=None, steps=2, guidance=0.0, width=80, height=48),
        dict(id="img2img-0.5", mode="img2img", scheduler=None, steps=2, guidance=0.0, strength=0.5),
        dict(id="img2img-1.0-4", mode="img2img", scheduler=None, steps=4, guidance=0.0, strength=1.0),
        dict(id="txt2img-defaults-96x64-s3", scheduler=None, steps=1, guidance=0.0, use_defaults=True, width=96,
             height=64, seed=3),
    ],
    "lcm": [
        dict(id="txt2img-defaults", scheduler=None, steps=4, guidance=8.5, use_defaults=True),
        dict(id="txt2img-2steps", scheduler=None, steps=2, guidance=1.0),
        dict(id="img2img-0.5", mode="img2img", scheduler=None, steps=4, guidance=8.5, strength=0.5),
        dict(id="img2img-0.8-80x48", mode="img2img", scheduler=None, steps=4, guidance=1.5, strength=0.8,
             width=80, height=48, seed=9),
        dict(id="img2img-1.0", mode="img2img", scheduler=None, steps=2, guidance=8.5, strength=1.0),
    ],
    "sdxl": [
        dict(id="txt2img-euler-cfg", scheduler=None, steps=3, guidance=5.0, negative="dark"),
        dict(id="txt2img-euler-nocfg", scheduler=None, steps=3, guidance=1.0, width=80, height=48),
        dict(id="txt2img-ddim", scheduler="ddim", steps=3, guidance=5.0),
        dict(id="txt2img-dpmpp-96x64", scheduler="dpmpp", steps=4, guidance=5.0, width=96, height=64),
        dict(id="img2img-0.6", mode="img2img", scheduler=None, steps=5, guidance=5.0, strength=0.6),
        dict(id="img2img-ddim-1.0-nocfg", mode="img2img", scheduler="ddim", steps=3, guidance=1.0, strength=1.0),
        dict(id="inpaint4-0.75", mode="inpaint", scheduler=None, steps=4, guidance=5.0, strength=0.75),
        dict(id="inpaint4-1.0", mode="inpaint", scheduler=None, steps=4, guidance=5.0, strength=1.0),
    ],
    "sd15-inpaint": [
        dict(id="inpaint9-1.0", mode="inpaint", scheduler=None, steps=4, guidance=7.5, strength=1.0),
        dict(id="inpaint9-0.75", mode="inpaint", scheduler=None, steps=4, guidance=7.5, strength=0.75),
        dict(id="inpaint9-ddim-nocfg-1.0", mode="inpaint", scheduler="ddim", steps=3, guidance=1.0, strength=1.0),
        dict(id="inpaint9-0.5-euler-96x64", mode="inpaint", scheduler="euler", steps=6, guidance=7.5, strength=0.5,
             width=96, height=64, seed=5),
        dict(id="inpaint9-0.3-dpmpp", mode="inpaint", scheduler="dpmpp", steps=10, guidance=7.5, strength=0.3),
    ],
}
# Not committed: more schedulers, sizes, seeds and strengths, to run diffuse4j on folders and cases beyond the
# committed ones (make_fixtures.py --cases extra --steps references --out /tmp/real-extra; RealExportsTest with
# -Ddiffuse4j.realExports=/tmp/real-extra and the exports linked there, see README.md).
EXTRA_CASES = {
    "sd15": [
        dict(id="x-ddpm-48x80-s7", scheduler="ddpm", steps=4, guidance=7.5, width=48, height=80, seed=7),
        dict(id="x-heun-64x96-s123-nocfg", scheduler="heun", steps=3, guidance=1.0, width=64, height=96, seed=123),
        dict(id="x-dpmpp_karras-neg-s5", scheduler="dpmpp_karras", steps=5, guidance=7.5, negative="ugly", seed=5),
        dict(id="x-dpmpp_sde-s9", scheduler="dpmpp_sde", steps=4, guidance=6.0, seed=9),
        dict(id="x-lcm-3", scheduler="lcm", steps=3, guidance=1.0),
        dict(id="x-euler-96x64-6", scheduler="euler", steps=6, guidance=7.5, width=96, height=64, seed=1),
        dict(id="x-pndm-own-10", scheduler=None, steps=10, guidance=7.5, seed=2024),
        dict(id="x-ddim-20-s3", scheduler="ddim", steps=20, guidance=4.0, seed=3),
        dict(id="x-unipc-1", scheduler="unipc", steps=1, guidance=7.5),
        dict(id="x-euler_a-1-nocfg", scheduler="euler_a", steps=1, guidance=1.0, seed=77),
        dict(id="x-img2img-heun-0.3", mode="img2img", scheduler="heun", steps=6, guidance=7.5, strength=0.3),
        dict(id="x-img2img-dpmpp-1.0", mode="img2img", scheduler="dpmpp", steps=4, guidance=7.5, strength=1.0),
        dict(id="x-img2img-euler_a-96x64", mode="img2img", scheduler="euler_a", steps=5, guidance=5.0,
             strength=0.7, width=96, height=64, seed=11),
        dict(id="x-img2img-lms-0.5-nocfg", mode="img2img", scheduler="lms", steps=6, guidance=1.0, strength=0.5),
        dict(id="x-img2img-pndm-own-0.75", mode="img2img", scheduler=None, steps=8, guidance=7.5, strength=0.75),
        dict(id="x-inpaint4-euler-0.5", mode="inpaint", scheduler="euler", steps=6, guidance=7.5, strength=0.5),
        dict(id="x-inpaint4-dpmpp-1.0-96x64", mode="inpaint", scheduler="dpmpp", steps=4, guidance=7.5,
             strength=1.0, width=96, height=64, seed=8),
        dict(id="x-inpaint4-ddim-0.3-nocfg", mode="inpaint", scheduler="ddim", steps=10, guidance=1.0,
             strength=0.3),
    ],
    "sd2-v": [
        dict(id="x-euler_a-s5", scheduler="euler_a", steps=4, guidance=7.5, seed=5),
        dict(id="x-dpmpp-96x64", scheduler="dpmpp", steps=5, guidance=7.5, width=96, height=64),
        dict(id="x-dpmpp_karras", scheduler="dpmpp_karras", steps=5, guidance=7.5, negative="ugly"),
        dict(id="x-unipc-nocfg", scheduler="unipc", steps=4, guidance=1.0, seed=3),
        dict(id="x-lms", scheduler="lms", steps=4, guidance=7.5),
        dict(id="x-heun", scheduler="heun", steps=3, guidance=7.5),
        dict(id="x-pndm", scheduler="pndm", steps=5, guidance=7.5),
        dict(id="x-ddpm", scheduler="ddpm", steps=4, guidance=7.5, seed=17),
        dict(id="x-dpmpp_sde", scheduler="dpmpp_sde", steps=4, guidance=7.5),
        dict(id="x-own-ddim-48x96", scheduler=None, steps=6, guidance=7.5, width=48, height=96, seed=99),
        dict(id="x-img2img-euler-0.8", mode="img2img", scheduler="euler", steps=5, guidance=7.5, strength=0.8),
        dict(id="x-img2img-dpmpp-1.0", mode="img2img", scheduler="dpmpp", steps=4, guidance=7.5, strength=1.0),
        dict(id="x-inpaint4-ddim-0.6", mode="inpaint", scheduler=None, steps=5, guidance=7.5, strength=0.6),
        dict(id="x-inpaint4-euler_a-1.0", mode="inpaint", scheduler="euler_a", steps=4, guidance=7.5,
             strength=1.0),
    ],
    "sd-turbo": [
        dict(id="x-defaults-96x64-s3", scheduler=None, steps=1, guidance=0.0, use_defaults=True, width=96,
             height=64, seed=3),
        dict(id="x-4steps-cfg-neg", scheduler=None, steps=4, guidance=2.0, negative="dark"),
        dict(id="x-euler_a-2", scheduler="euler_a", steps=2, guidance=0.0),
        dict(id="x-ddim-1", scheduler="ddim", steps=1, guidance=0.0),
        dict(id="x-dpmpp-3", scheduler="dpmpp", steps=3, guidance=0.0),
        dict(id="x-lcm-2", scheduler="lcm", steps=2, guidance=0.0),
        dict(id="x-img2img-1.0-4", mode="img2img", scheduler=None, steps=4, guidance=0.0, strength=1.0),
        dict(id="x-img2img-0.5-2-80x48", mode="img2img", scheduler=None, steps=2, guidance=0.0, strength=0.5,
             width=80, height=48, seed=21),
        dict(id="x-inpaint4-0.75-4", mode="inpaint", scheduler=None, steps=4, guidance=0.0, strength=0.75),
    ],
    "lcm": [
        dict(id="x-1step", scheduler=None, steps=1, guidance=8.5),
        dict(id="x-8steps-96x64-s5", scheduler=None, steps=8, guidance=3.0, width=96, height=64, seed=5),
        dict(id="x-4steps-g1-s77", scheduler=None, steps=4, guidance=1.0, seed=77),
        dict(id="x-img2img-0.5", mode="img2img", scheduler=None, steps=4, guidance=8.5, strength=0.5),
        dict(id="x-img2img-0.8-80x48", mode="img2img", scheduler=None, steps=4, guidance=1.5, strength=0.8,
             width=80, height=48, seed=9),
        dict(id="x-img2img-1.0", mode="img2img", scheduler=None, steps=2, guidance=8.5, strength=1.0),
    ],
    "sdxl": [
        dict(id="x-euler_a-s5", scheduler="euler_a", steps=4, guidance=5.0, seed=5),
        dict(id="x-dpmpp-96x64", scheduler="dpmpp", steps=4, guidance=5.0, width=96, height=64),
        dict(id="x-dpmpp_karras-neg", scheduler="dpmpp_karras", steps=4, guidance=7.0, negative="ugly"),
        dict(id="x-unipc-nocfg", scheduler="unipc", steps=3, guidance=1.0, seed=3),
        dict(id="x-lms", scheduler="lms", steps=4, guidance=5.0),
        dict(id="x-heun", scheduler="heun", steps=3, guidance=5.0),
        dict(id="x-pndm", scheduler="pndm", steps=4, guidance=5.0),
        dict(id="x-ddpm", scheduler="ddpm", steps=4, guidance=5.0),
        dict(id="x-own-96x48-s99", scheduler=None, steps=5, guidance=5.0, width=96, height=48, seed=99),
        dict(id="x-img2img-0.6", mode="img2img", scheduler=None, steps=5, guidance=5.0, strength=0.6),
        dict(id="x-img2img-ddim-1.0-nocfg", mode="img2img", scheduler="ddim", steps=3, guidance=1.0, strength=1.0),
        dict(id="x-inpaint4-0.75", mode="inpaint", scheduler=None, steps=4, guidance=5.0, strength=0.75),
        dict(id="x-inpaint4-1.0", mode="inpaint", scheduler=None, steps=4, guidance=5.0, strength=1.0),
    ],
    "sd15-inpaint": [
        dict(id="x-inpaint9-0.5-euler", mode="inpaint", scheduler="euler", steps=6, guidance=7.5, strength=0.5),
        dict(id="x-inpaint9-0.3-dpmpp", mode="inpaint", scheduler="dpmpp", steps=10, guidance=7.5, strength=0.3),
        dict(id="x-inpaint9-1.0-euler_a-96x64", mode="inpaint", scheduler="euler_a", steps=4, guidance=7.5,
             strength=1.0, width=96, height=64, seed=5),
        dict(id="x-inpaint9-1.0-nocfg-neg", mode="inpaint", scheduler=None, steps=4, guidance=1.0, strength=1.0,
             seed=8),
        dict(id="x-inpaint9-0.9-unipc-neg", mode="inpaint", scheduler="unipc", steps=5, guidance=7.5,
             strength=0.9, negative="blurry"),
    ],
}
_VARIANT_CASES = [
    dict(id="v-own-cfg", scheduler=None, steps=5, guidance=7.5, negative="dark"),
    dict(id="v-own-nocfg-96x64", scheduler=None, steps=4, guidance=1.0, width=96, height=64, seed=4),
    dict(id="v-euler", scheduler="euler", steps=4, guidance=7.5),
    dict(id="v-ddim", scheduler="ddim", steps=4, guidance=7.5),
    dict(id="v-pndm", scheduler="pndm", steps=5, guidance=7.5),
    dict(id="v-img2img-own-0.7", mode="img2img", scheduler=None, steps=6, guidance=7.5, strength=0.7),
    dict(id="v-inpaint4-own-0.8", mode="inpaint", scheduler=None, steps=6, guidance=7.5, strength=0.8),
    dict(id="v-inpaint4-pndm-1.0", mode="inpaint", scheduler="pndm", steps=5, guidance=7.5, strength=1.0),
]
EXTRA_CASES.update({v: _VARIANT_CASES for v in VARIANTS})
PROMPT = "a red circle on a blue background"


def references(family, pt, out, case_set=None):
    os.makedirs(out, exist_ok=True)
    cases = []
    base = diffusers.DiffusionPipeline.from_pretrained(pt)
    base.set_progress_bar_config(disable=True)
    for case in (case_set or CASES)[family]:
        # use_defaults: diffuse4j runs the case without steps/guidance (the family's defaults, which are
        # the model card's / diffusers' pipeline defaults given here explicitly to diffusers)
        c = dict(prompt=PROMPT, negative=None, seed=42, width=64, height=64, mode="txt2img", strength=None,
                 use_defaults=False)
        c.update(case)
        comps = dict(base.components)
        kw = dict(prompt=c["prompt"], num_inference_steps=c["steps"], guidance_scale=c["guidance"],
                  generator=torch.Generator().manual_seed(c["seed"]), output_type="pil")
        if c["negative"]:
            kw["negative_prompt"] = c["negative"]
        if c["mode"] == "txt2img":
            pipe = base.__class__(**comps)
            kw.update(width=c["width"], height=c["height"])
        elif c["mode"] == "img2img":
            cls = {"lcm": diffusers.LatentConsistencyModelImg2ImgPipeline,
                   "sdxl": StableDiffusionXLImg2ImgPipeline}.get(family, StableDiffusionImg2ImgPipeline)
            pipe = cls(**comps)
            c["init_image"] = "init-%dx%d.png" % (c["width"], c["height"])
            kw.update(image=init_image(c["width"], c["height"]), strength=c["strength"])
        else:
            cls = {"sdxl": StableDiffusionXLInpaintPipeline}.get(family, StableDiffusionInpaintPipeline)
            pipe = cls(**comps)
            c["init_image"] = "init-%dx%d.png" % (c["width"], c["height"])
            c["mask_image"] = "mask-%dx%d.png" % (c["width"], c["height"])
            kw.update(image=init_image(c["width"], c["height"]), mask_image=mask_image(c["width"], c["height"]),
                      strength=c["strength"], width=c["width"], height=c["height"])
        if c["scheduler"]:
            # diffusers' idiom, after construction: pipe.scheduler = X.from_config(pipe.scheduler.config)
            # (the pipelines' __init__ rewrites some scheduler settings, e.g. DDIM's clip_sample, only for
            # the scheduler they are constructed with)
            cls, overrides = SCHEDULERS[c["scheduler"]]
            pipe.scheduler = cls.from_config(base.scheduler.config, **overrides)
        c["scheduler_class"] = pipe.scheduler.__class__.__name__
        pipe.set_progress_bar_config(disable=True)
        c["pipeline_class"] = pipe.__class__.__name__
        with torch.no_grad():
            img = pipe(**kw).images[0]
        c["image"] = c["id"] + ".png"
        image_to_png(img, os.path.join(out, c["image"]))
        if "init_image" in c:
            image_to_png(init_image(c["width"], c["height"]), os.path.join(out, c["init_image"]))
        if "mask_image" in c:
            image_to_png(mask_image(c["width"], c["height"]), os.path.join(out, c["mask_image"]))
        cases.append(c)
        print("reference", family, c["id"], flush=True)
    with open(os.path.join(out, "cases.json"), "w") as f:
        json.dump(dict(family=family, diffusers=diffusers.__version__, torch=torch.__version__, cases=cases), f,
                  indent=1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="test-models/real")
    ap.add_argument("--work", default="/tmp/real-exports-work")
    ap.add_argument("--families", default=",".join(FAMILIES))
    ap.add_argument("--cases", default="committed", choices=["committed", "extra"],
                    help="committed: CASES (test-models/real); extra: EXTRA_CASES, for a scratch --out")
    ap.add_argument("--exporters", default="diffusers-script,optimum-1.19.2,optimum-1.23.3")
    ap.add_argument("--steps", default="export,fp16,references",
                    help="export: run the exporters; fp16: convert optimum-1.23.3 to optimum-1.23.3-fp16 "
                         "(to_fp16.py); references: diffusers' PyTorch images")
    a = ap.parse_args()
    steps = set(a.steps.split(","))
    os.makedirs(a.work, exist_ok=True)
    for family in a.families.split(","):
        pt = build(family, a.work)
        if "export" in steps:
            for exporter in a.exporters.split(","):
                if exporter == "diffusers-script" and family not in SCRIPT_FAMILIES:
                    continue
                export(family, pt, os.path.join(a.out, family, exporter), exporter)
        if "fp16" in steps:
            run([sys.executable, os.path.join(HERE, "to_fp16.py"), os.path.join(a.out, family, "optimum-1.23.3"),
                 os.path.join(a.out, family, "optimum-1.23.3-fp16")], pyenv("1.23.3"))
        if "references" in steps:
            references(family, pt, os.path.join(a.out, family, "references"),
                       EXTRA_CASES if a.cases == "extra" else CASES)


if __name__ == "__main__":
    main()
