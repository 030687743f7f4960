#!/usr/bin/env bash
# Fuzzing outside JUnit: mutates the fixtures in models/ (and with CORPUS=1 the real-world files in
# ../shared/keras-corpus), loads every case in-process, predicts and takes one training step on
# what loads. Cases run in child JVMs, CHUNK at a time, so a native crash is detected and counted
# instead of ending the run. Writes OUT/tally.txt (cases, successes, typed refusals by type,
# crashes, hangs, untyped errors) and keeps every failing case in OUT/failures/.
#
#   bash bench/fuzz.sh                      # 100,000 cases, seed 1
#   COUNT=5000 SEED=7 bash bench/fuzz.sh    # another sample
#   START=40000 COUNT=10000 bash bench/fuzz.sh   # resume a run where it stopped
#   CORPUS=1 ...                            # also mutate ../shared/keras-corpus
# Every seed file first runs once unmutated: a seed needing over half the 10 s limit is left out
# of the mutation pool and named in the tally ("left out"), since its own cost hides any hang a
# mutation could cause.
# Exit status 0 only with 0 crashes, 0 hangs and 0 untyped errors.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
OUT="${OUT:-target/fuzz}"
mvn -B -q -o -DskipTests test-compile
mvn -B -q -o dependency:build-classpath -Dmdep.outputFile=target/fuzz.classpath >/dev/null
# the run uses a copy of the classes, so rebuilding during a long run does not change them
mkdir -p "$OUT"
rm -rf "$OUT/classes" "$OUT/test-classes"
cp -r target/classes "$OUT/classes"
cp -r target/test-classes "$OUT/test-classes"
CP="$OUT/test-classes:$OUT/classes:$(cat target/fuzz.classpath)"
ARGS=(--seed "${SEED:-1}" --count "${COUNT:-100000}" --start "${START:-0}" --chunk "${CHUNK:-2000}"
  --out "$OUT" --root "$ROOT")
if [ "${CORPUS:-0}" = 1 ]; then ARGS+=(--corpus); fi
# seeds over the time limit unmutated are measured and left out (named in the tally); EXCLUDE=a,b
# names them instead, e.g. for a second instance running another START range in parallel
if [ -n "${EXCLUDE+x}" ]; then ARGS+=(--exclude "$EXCLUDE"); fi
exec java -Xmx1g -cp "$CP" org.kerasbridge.fuzz.FuzzMain "${ARGS[@]}"
