#!/usr/bin/env bash
# Long-run soak: 100,000 predictions on one loaded model, then 1,000 loads + predict + close,
# sampling resident native memory (RSS minus committed heap) and the Java heap in use after a GC.
# Exit 0 when both stay flat (floor rise < 20 MB native, < 5 MB heap), 1 when not.
# Writes OUT_DIR/soak.csv (every sample) and OUT_DIR/soak.json (the summary).
#
#   bash bench/soak.sh                                  # mlp_classifier, 100000 / 1000
#   PREDICTIONS=5000 LOADS=100 bash bench/soak.sh       # a quick run
#   MODEL=models/mnist_cnn/model.keras INPUT=models/mnist_cnn/input_0.npy bash bench/soak.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
MODEL="${MODEL:-models/mlp_classifier/model.keras}"
INPUT="${INPUT:-models/mlp_classifier/input_0.npy}"
OUT_DIR="${OUT_DIR:-target/soak}"
# the soak class lives in test scope, outside the library's runtime jar
mvn -B -q -o -DskipTests package test-compile
# run from a copy, so rebuilding the checkout during the (long) run cannot change its classes
CP="$OUT_DIR/classpath"
rm -rf "$CP" && mkdir -p "$CP"
cp -r target/classes "$CP/classes" && cp -r target/test-classes "$CP/test-classes"
cp -r target/lib "$CP/lib"
exec java -Xmx1g -cp "$CP/classes:$CP/test-classes:$CP/lib/*" \
  org.kerasbridge.bench.SoakBenchmark "$MODEL" "$INPUT" "$OUT_DIR" \
  "${PREDICTIONS:-100000}" "${LOADS:-1000}"
