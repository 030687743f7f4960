#!/usr/bin/env bash
# Side-by-side training speed: KerasBridge fit vs Python Keras fit, same model file, same real
# MNIST batches, same batch size and number of steps, on this machine, one after the other.
# Prints steps per second for each side and the Java/Keras ratio.
#
#   bash bench/run.sh            # mlp_classifier and mnist_cnn
#   STEPS=200 bash bench/run.sh  # more steps
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export MNIST_DIR="${MNIST_DIR:-$ROOT/../shared/data/mnist}"
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
PY="$(bash python-reference/venv.sh)"
mvn -B -q -DskipTests package
JAR=target/kerasbridge.jar

run() { # name layout batch steps warmup
  local name=$1 layout=$2 batch=$3 steps=$4 warmup=$5 model="models/$1/model.keras"
  local j k
  j=$(java -cp "$JAR" org.kerasbridge.bench.FitBenchmark "$model" "$layout" "$batch" "$steps" "$warmup" 2>/dev/null | tail -1)
  k=$("$PY" bench/keras_fit.py "$model" "$layout" "$batch" "$steps" "$warmup" 2>/dev/null | tail -1)
  "$PY" - "$name" "$j" "$k" <<'PY'
import json, sys
name, j, k = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
r = j["steps_per_second"] / k["steps_per_second"]
print(f"{name:16s} batch {j['batch']:4d}  steps {j['steps']:5d}  "
      f"java {j['steps_per_second']:8.2f} steps/s  keras {k['steps_per_second']:8.2f} steps/s  "
      f"java/keras {r:5.2f}")
PY
}

echo "KerasBridge fit vs Keras $("$PY" -c 'import keras; print(keras.__version__)') fit, $(nproc) cores"
run mlp_classifier flat 128 "${STEPS:-400}" 20
run mnist_cnn nhwc 128 "${CNN_STEPS:-60}" 5
