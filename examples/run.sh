#!/usr/bin/env bash
# Builds the examples against the installed org.kerasbridge:kerasbridge artifact (run
# `mvn install` in the parent first) and runs all four on small data. Each example checks its own
# results and exits non-zero on a failed check, and so does this script.
#   MNIST_DIR   directory of the four MNIST IDX files (default ../../shared/data/mnist if present)
#   LIMIT       training samples (default 500), EPOCHS (default 1)
set -euo pipefail
cd "$(dirname "$0")"
if [ -z "${MNIST_DIR:-}" ] && [ -d ../../shared/data/mnist ]; then
  MNIST_DIR="$(cd ../../shared/data/mnist && pwd)"
fi
mnist=()
[ -n "${MNIST_DIR:-}" ] && mnist=(--mnist "$MNIST_DIR")
limit="${LIMIT:-500}"
epochs="${EPOCHS:-1}"
mvn -B -q ${EXAMPLES_MAVEN_OPTS:-} package
cp="target/classes:$(cat target/classpath.txt)"
# What KerasBridge brings to a user's project: never its test, bench or CLI dependencies.
if tr ':' '\n' < target/classpath.txt | grep -E 'deeplearning4j|nd4j|junit|picocli|hdf5-1|openblas'; then
  echo "examples: the dependencies above leaked from org.kerasbridge:kerasbridge" >&2
  exit 1
fi
out="target/run"
rm -rf "$out" && mkdir -p "$out"

run() {
  local name="$1"; shift
  echo "== examples: $name $*"
  local start=$SECONDS
  # stderr is kept for the check below and still shown
  java -cp "$cp" "org.kerasbridge.examples.$name" "$@" 2> >(tee "$out/$name.stderr" >&2)
  wait # for tee
  echo "== examples: $name ok ($((SECONDS - start)) s)"
  # The library sets TF_CPP_MIN_LOG_LEVEL before TensorFlow loads: none of TensorFlow's
  # INFO/WARNING lines (2026-... I tensorflow/...) may reach a user's program.
  if grep -E '^[0-9-]+ [0-9:.]+: [IW] ' "$out/$name.stderr"; then
    echo "examples: $name: TensorFlow log lines above reached stderr" >&2
    exit 1
  fi
}

run PredictFromFile ../models/mnist_cnn/model.keras ../models/mnist_cnn/input_0.npy \
  ../models/mnist_cnn/output_0.npy
run PredictFromFile ../models/mnist_cnn/model.h5 ../models/mnist_cnn/input_0.npy \
  ../models/mnist_cnn/output_0.npy
run DenoisingAutoencoder "${mnist[@]}" --limit "$limit" --epochs "$epochs" \
  --out "$out/denoising.keras"
run FineTuneCnn ../models/mnist_cnn/model.keras "${mnist[@]}" --limit "$limit" \
  --epochs "$epochs" --out "$out/finetuned_saved_model"
run ServeSavedModel "$out/finetuned_saved_model" "${mnist[@]}" --threads 4 --requests 25
echo "examples: all ok"
