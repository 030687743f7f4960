#!/usr/bin/env bash
# Scoring throughput on Spark: rows/s for the MNIST CNN (models/mnist_cnn/model.keras) on the
# 10,000 MNIST test images, single-JVM KerasModel.predict vs KerasModelTransformer on local[1]
# and local[2] (and the SQL function keras_predict). Prints `uptime` first: the machine may be
# shared, and the figures are only comparable within one run.
#
#   bash bench/spark.sh                   # 10000 rows, best of 3, batch 128
#   ROWS=2000 REPEATS=1 bash bench/spark.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export MNIST_DIR="${MNIST_DIR:-$ROOT/../shared/data/mnist}"
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
mvn -B -q -DskipTests install
cd spark
mvn -B -q -DskipTests test-compile
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/bench.classpath \
  -Dmdep.includeScope=test >/dev/null
# the JVM flags Spark needs on Java 17, as the pom gives them to the tests
OPENS="$(sed -n '/<spark.jvm.opens>/,/<\/spark.jvm.opens>/p' pom.xml | grep -o -- '-[^ <]*' | tr '\n' ' ')"
echo "uptime: $(uptime)"
echo "cores: $(nproc)"
# shellcheck disable=SC2086
java -Xmx4g $OPENS -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  org.kerasbridge.spark.SparkBench "$ROOT/models/mnist_cnn/model.keras" "${ROWS:-10000}" \
  "${REPEATS:-3}" "${BATCH:-128}" 2>/dev/null
echo "uptime: $(uptime)"
