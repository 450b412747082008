#!/usr/bin/env bash
# Runs the diffuse4j benchmark on CUDA in one command: builds the SD-1.5-shaped random-weight model
# (fp32, and an fp16 copy converted end to end), then `./diffuse bench --device cuda` at 512x512 for 20
# and 50 steps, fp32 and fp16, printing pipeline/floor ratios and writing JSON next to the models.
# Needs an NVIDIA GPU with CUDA 12 + cuDNN 9 libraries on the library path (the onnxruntime_gpu jar is
# the project's default), /usr/bin/python3 with torch and onnx.
#   tools/gpu-bench.sh [OUT_DIR]        (default target/gpu-bench)
# Extra bench options: GPU_BENCH_OPTS="--repeat 3 --images 5" tools/gpu-bench.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$here/target/gpu-bench}"
mkdir -p "$out"
if [ ! -f "$out/sd15-shaped/unet/model.onnx" ]; then
  /usr/bin/python3 "$here/tools/perf/make_sd_shaped.py" --out "$out/sd15-shaped"
fi
if [ ! -f "$out/sd15-shaped-fp16/unet/model.onnx" ]; then
  rm -rf "$out/sd15-shaped-fp16"
  cp -r "$out/sd15-shaped" "$out/sd15-shaped-fp16"
  for part in text_encoder unet vae_decoder vae_encoder; do
    /usr/bin/python3 "$here/tools/perf/to_fp16.py" "$out/sd15-shaped/$part/model.onnx" \
      "$out/sd15-shaped-fp16/$part/model.onnx"
  done
fi
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv || true
for model in sd15-shaped sd15-shaped-fp16; do
  for steps in 20 50; do
    echo "== $model, 512x512, $steps steps, cuda =="
    # shellcheck disable=SC2086
    "$here/diffuse" bench --device cuda --model "$out/$model" --size 512x512 --steps "$steps" --scheduler lms \
      --images 3 --repeat 1 ${GPU_BENCH_OPTS:-} --json "$out/$model-$steps.json"
  done
done
