#!/usr/bin/env python3
"""Converts an ONNX export folder to float16 weights and float16 inputs/outputs, the way fp16 ONNX
exports of Stable Diffusion look (``optimum-cli export onnx --fp16`` and diffusers' ``--fp16`` need a
CUDA device, which this generator does not have): every float initializer, constant and Cast target
becomes float16, graph inputs/outputs too; operators whose inputs must stay float32 (Resize scales,
Range, random draws) run in float32 between Cast nodes, as onnxconverter-common's float16 conversion
keeps them.

    to_fp16.py SRC_FOLDER DST_FOLDER
"""
import os
import shutil
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

BLOCKED = {"Resize", "Upsample", "Range", "RandomNormalLike", "RandomNormal", "RandomUniformLike", "RandomUniform",
           "Multinomial", "NonMaxSuppression", "TopK"}
F32, F16 = TensorProto.FLOAT, TensorProto.FLOAT16


def convert_model(src, dst):
    model = onnx.load(src)
    inferred = onnx.shape_inference.infer_shapes(model)
    types = {}
    for vi in list(inferred.graph.value_info) + list(inferred.graph.input) + list(inferred.graph.output):
        types[vi.name] = vi.type.tensor_type.elem_type
    g = model.graph
    for init in g.initializer:
        types[init.name] = init.data_type
    keep32 = set()
    for n in g.node:
        if n.op_type in BLOCKED:
            keep32.update(i for i in n.input if i)
    # initializers and constants
    for init in g.initializer:
        if init.data_type == F32 and init.name not in keep32:
            arr = numpy_helper.to_array(init).astype(np.float16)
            init.CopyFrom(numpy_helper.from_array(arr, init.name))
    new_nodes = []
    for n in g.node:
        if n.op_type == "Constant" and n.output[0] not in keep32:
            for a in n.attribute:
                if a.name == "value" and a.t.data_type == F32:
                    arr = numpy_helper.to_array(a.t).astype(np.float16)
                    a.t.CopyFrom(numpy_helper.from_array(arr))
        if n.op_type == "ConstantOfShape" and n.output[0] not in keep32:
            for a in n.attribute:
                if a.name == "value" and a.t.data_type == F32:
                    arr = numpy_helper.to_array(a.t).astype(np.float16)
                    a.t.CopyFrom(numpy_helper.from_array(arr))
        if n.op_type == "Cast" and n.output[0] not in keep32:
            for a in n.attribute:
                if a.name == "to" and a.i == F32:
                    a.i = F16
        if n.op_type in BLOCKED:
            for k, name in enumerate(n.input):
                # activations (float16 after conversion) go in as float32; kept constants already are
                if name and types.get(name) == F32 and not is_constant(g, name):
                    cast_out = name + "__to_fp32_" + n.name.replace("/", "_")
                    new_nodes.append(helper.make_node("Cast", [name], [cast_out], to=F32))
                    n.input[k] = cast_out
            outs = list(n.output)
            for k, name in enumerate(outs):
                if types.get(name) == F32 or n.op_type.startswith("Random"):
                    raw = name + "__fp32"
                    n.output[k] = raw
                    new_nodes.append(n)
                    new_nodes.append(helper.make_node("Cast", [raw], [name], to=F16))
                    break
            else:
                new_nodes.append(n)
            continue
        new_nodes.append(n)
    del g.node[:]
    g.node.extend(new_nodes)
    for vi in list(g.input) + list(g.output):
        if vi.type.tensor_type.elem_type == F32:
            vi.type.tensor_type.elem_type = F16
    del g.value_info[:]
    onnx.save(model, dst)


def is_constant(g, name):
    return any(i.name == name for i in g.initializer) or any(
        n.op_type == "Constant" and n.output[0] == name for n in g.node)


def convert_folder(src, dst):
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("model.onnx", "*.onnx_data", "weights.pb"))
    for part in sorted(os.listdir(src)):
        f = os.path.join(src, part, "model.onnx")
        if os.path.isfile(f):
            convert_model(f, os.path.join(dst, part, "model.onnx"))
            print("fp16", os.path.join(dst, part, "model.onnx"), flush=True)


if __name__ == "__main__":
    convert_folder(sys.argv[1], sys.argv[2])
