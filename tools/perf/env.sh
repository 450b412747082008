# Puts the fetched diffusers v0.31 / transformers / huggingface_hub sources (the environment the "exports"
# helper builds at /work/pyenv; fetched code is never committed) on PYTHONPATH for tools/perf/*.py, with the
# package metadata transformers and diffusers check for and a source checkout lacks (the dist-info of
# huggingface-hub and transformers). Source it: . tools/perf/env.sh
PYENV="${PYENV:-/work/pyenv}"
_shim="${TMPDIR:-/tmp}/diffuse4j-pyshim"
mkdir -p "$_shim/huggingface_hub-0.24.7.dist-info"
printf 'Metadata-Version: 2.1\nName: huggingface-hub\nVersion: 0.24.7\n' > "$_shim/huggingface_hub-0.24.7.dist-info/METADATA"
mkdir -p "$_shim/transformers-4.38.0.dev0.dist-info"
printf 'Metadata-Version: 2.1\nName: transformers\nVersion: 4.38.0.dev0\n' > "$_shim/transformers-4.38.0.dev0.dist-info/METADATA"
export PYTHONPATH="$PYENV/site:$_shim:$PYENV/src/diffusers-0.31.0/src:$PYENV/src/huggingface_hub-0.24.7/src:$PYENV/src/transformers-4.38.0.dev0/src${PYTHONPATH:+:$PYTHONPATH}"
unset _shim
