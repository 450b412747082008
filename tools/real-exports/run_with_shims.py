#!/usr/bin/env python3
"""Runs an exporter unmodified after d4j_torch113.prepare() (see shims/common/d4j_torch113.py).

    run_with_shims.py optimum-cli export onnx --model DIR OUT      (optimum's own CLI entry point)
    run_with_shims.py path/to/script.py ARGS...                     (e.g. diffusers' conversion script)
"""
import os
import runpy
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "shims", "common"))
import d4j_torch113  # noqa: E402

d4j_torch113.prepare()

if sys.argv[1] == "optimum-cli":
    from optimum.commands.optimum_cli import main

    sys.argv = ["optimum-cli"] + sys.argv[2:]
    sys.exit(main())
script = sys.argv[1]
sys.argv = sys.argv[1:]
runpy.run_path(script, run_name="__main__")
