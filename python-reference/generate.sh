#!/usr/bin/env bash
# Regenerate every reference fixture under <repo>/models/ and rewrite
# models/MANIFEST.sha256. Works from any cwd.
#
#   bash python-reference/generate.sh            # everything (wipes models/ first)
#   bash python-reference/generate.sh --only ae_simple adam_cce   # just these seeds (no layer fixtures)
#   "$(bash python-reference/venv.sh)" python-reference/layer_fixtures.py --only dense   # layer cases
#
# Env: MNIST_DIR (default <repo>/../shared/data/mnist), PYTHON (venv creator),
#      TF_ENABLE_ONEDNN_OPTS (default 1: see README.md).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$HERE")"
MODELS="$REPO/models"

PY="$(bash "$HERE/venv.sh")"

export TF_ENABLE_ONEDNN_OPTS="${TF_ENABLE_ONEDNN_OPTS:-1}"
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
export PYTHONHASHSEED=0
export PYTHONDONTWRITEBYTECODE=1

start=$(date +%s)
mkdir -p "$MODELS"
"$PY" "$HERE/generate.py" --out "$MODELS" "$@"
# Per-layer fixtures (models/layers/) and the Keras-2-style model_keras2.h5 of every seed model.
# generate.py empties models/ on a full run, so these always come after it.
if [ "$#" -eq 0 ]; then
  "$PY" "$HERE/layer_fixtures.py" --no-manifest
fi
# References for the public real-world corpus (models/corpus/: the files themselves are never
# regenerated; corpus.py rewrites their inputs/outputs/keras_ref.json and MANIFEST.json fields).
if [ "$#" -eq 0 ]; then
  "$PY" "$HERE/corpus.py"
  # Half-precision models: Keras's outputs with oneDNN's and with Eigen's float16/bfloat16
  # kernels, which differ by ulps (needs a CPU where oneDNN runs float16, e.g. AVX512-FP16)
  "$PY" "$HERE/half_kernels.py"
fi
# Empty directories (SavedModel assets/) do not survive git; remove them so a checkout and a
# fresh generation hold the same tree.
find "$MODELS" -type d -empty -delete

# Manifest: every file under models/ except itself, sorted by path (C locale),
# in sha256sum format ("<hex>  <path relative to models/>").
(
  cd "$MODELS"
  find . -type f ! -path ./MANIFEST.sha256 ! -path ./MANIFEST.sha256.tmp -printf '%P\0' \
    | LC_ALL=C sort -z \
    | xargs -0 -r sha256sum
) >"$MODELS/MANIFEST.sha256.tmp"
mv "$MODELS/MANIFEST.sha256.tmp" "$MODELS/MANIFEST.sha256"
(cd "$MODELS" && sha256sum --quiet -c MANIFEST.sha256)

end=$(date +%s)
echo "generate.sh: done in $((end - start))s; $(wc -l <"$MODELS/MANIFEST.sha256") files in MANIFEST.sha256; models/ is $(du -sh "$MODELS" | cut -f1)"
