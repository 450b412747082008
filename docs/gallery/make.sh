#!/usr/bin/env bash
# Regenerates the gallery from the bundled model: ./docs/gallery/make.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/../../diffuse" generate --prompt-file "$here/prompts.txt" --output-dir "$here" --seed 1 --steps 20 --scheduler ddim
