"""Converts an fp32 ONNX model to fp16 end to end (weights, activations, inputs and outputs), the way
onnxconverter_common.float16.convert_float_to_float16(keep_io_types=False) does for the operators this
project's SD-shaped graphs use, so that a GPU session never computes in fp32 and has no fp32 round trip
inside. Integer inputs (input_ids, int64 timesteps) stay integers.

    /usr/bin/python3 tools/perf/to_fp16.py IN.onnx OUT.onnx

Untested on a GPU in this repository (see docs/PERFORMANCE.md, "GPU"): the CPU execution provider has no
fp16 kernels for Conv/MatMul, so it can only be checked with onnx.checker here.
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F32, F16 = TensorProto.FLOAT, TensorProto.FLOAT16


def to_fp16_tensor(t):
    arr = numpy_helper.to_array(t).astype(np.float16)
    return numpy_helper.from_array(arr, t.name)


def convert(m):
    g = m.graph
    for i, t in enumerate(g.initializer):
        if t.data_type == F32:
            g.initializer[i].CopyFrom(to_fp16_tensor(t))
    for vi in list(g.input) + list(g.output):
        if vi.type.tensor_type.elem_type == F32:
            vi.type.tensor_type.elem_type = F16
    del g.value_info[:]
    for node in g.node:
        for a in node.attribute:
            if a.type == onnx.AttributeProto.TENSOR and a.t.data_type == F32:
                a.t.CopyFrom(to_fp16_tensor(a.t))
            if node.op_type == "Cast" and a.name == "to" and a.i == F32:
                a.i = F16
            if node.op_type in ("ConstantOfShape",) and a.type == onnx.AttributeProto.TENSOR and a.t.data_type == F32:
                a.t.CopyFrom(to_fp16_tensor(a.t))
    return m


def main():
    m = onnx.load(sys.argv[1])
    m = convert(m)
    onnx.checker.check_model(m)
    onnx.save_model(m, sys.argv[2])


if __name__ == "__main__":
    main()
