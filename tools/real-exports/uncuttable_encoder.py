#!/usr/bin/env python3
"""Writes test-models/real/variants/vae-encoder-sampling-uncut.onnx: diffusers' script's sd15 VAE encoder
(test-models/real/sd15/diffusers-script/vae_encoder/model.onnx) with its RandomNormalLike draw passed
through a Mul by 1.0 before `std * eps`, so that the output is still mean + std * eps but not in the shape
diffuse4j recognises to cut the graph to its moments (RealExportsLoadErrorsTest: the not-reproducible
warning). Only onnx (Debian python3-onnx) is needed:

    /usr/bin/python3 tools/real-exports/uncuttable_encoder.py
"""
import os

import numpy as np
import onnx
from onnx import helper, numpy_helper

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test-models", "real")
src = os.path.join(ROOT, "sd15", "diffusers-script", "vae_encoder", "model.onnx")
out = os.path.join(ROOT, "variants", "vae-encoder-sampling-uncut.onnx")

m = onnx.load(src)
g = m.graph
rnd = next(n for n in g.node if n.op_type == "RandomNormalLike")
eps = rnd.output[0]
scaled = eps + "_times_one"
for n in g.node:
    for i, name in enumerate(n.input):
        if name == eps:
            n.input[i] = scaled
g.initializer.append(numpy_helper.from_array(np.array(1.0, dtype=np.float32), "d4j_one"))
idx = list(g.node).index(rnd)
g.node.insert(idx + 1, helper.make_node("Mul", [eps, "d4j_one"], [scaled], name="d4j_times_one"))
onnx.checker.check_model(m)
os.makedirs(os.path.dirname(out), exist_ok=True)
onnx.save(m, out)
print("wrote", out, os.path.getsize(out))
