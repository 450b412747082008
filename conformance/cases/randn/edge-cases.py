"""Regenerates edge-cases.json (format ldm-randn-cases/1) next to this script.

Run with PyTorch 1.13 (CPU, x86-64 with AVX2) and NumPy:
    /usr/bin/python3 edge-cases.py
It was produced with the same torch 1.13 build that reproduces ../../cases.json bit for bit.
Covers: every tensor size 0..40 in one stream (scalar path < 16, blocks of 16, redrawn tails),
small draws interleaved with large ones (the cached second normal survives the large ones),
negative and > 2^32 seeds, and NumPy draws of odd sizes.
"""
import json

import numpy as np
import torch


def torch_case(name, seed, shapes):
    g = torch.Generator().manual_seed(seed)
    draws = [{"shape": list(s),
              "values": torch.randn(s, generator=g, dtype=torch.float32).flatten().tolist()}
             for s in shapes]
    return {"name": name, "kind": "torch_cpu_randn", "seed": seed, "draws": draws}


def numpy_case(name, seed, shapes):
    r = np.random.RandomState(seed)
    draws = [{"shape": list(s), "values": r.randn(*s).astype(np.float32).flatten().tolist()}
             for s in shapes]
    return {"name": name, "kind": "numpy_randomstate_randn_f32", "seed": seed, "draws": draws}


cases = [
    torch_case("torch_sizes_0_to_40", 3, [[n] for n in range(0, 41)]),
    torch_case("torch_edge_1_15_16_17_33", 2023, [[1], [15], [16], [17], [33]]),
    torch_case("torch_cache_across_large_draws", 5,
               [[3], [1, 4, 8, 8], [1], [2], [17], [5], [33], [7], [], [1, 1, 1]]),
    torch_case("torch_seed_minus_1", -1, [[1, 4, 4, 4], [3]]),
    torch_case("torch_seed_2pow32_plus_5", 2**32 + 5, [[1, 4, 4, 4], [3]]),
    torch_case("torch_seed_2pow64_minus_1", 2**64 - 1, [[1, 4, 4, 4], [3]]),
    torch_case("torch_seed_min_long", -(2**63), [[20], [1]]),
    torch_case("torch_latent_72x88", 987654321, [[1, 4, 9, 11]]),
    numpy_case("numpy_sizes_0_to_20", 0, [[n] for n in range(0, 21)]),
    numpy_case("numpy_max_seed", 2**32 - 1, [[1, 4, 4, 4], [3]]),
]
with open("edge-cases.json", "w") as f:
    json.dump({"format": "ldm-randn-cases/1", "torch_version": torch.__version__,
               "numpy_version": np.__version__, "cases": cases}, f)
