#!/usr/bin/env bash
# Side-by-side benchmark: KerasBridge against Keras 3 (fit, predict, model(x), load), against the
# raw TF Java limit (SavedModelBundle + Session.run on the same network's SavedModel) and against
# DL4J 1.0.0-M2.1 (load, in its own JVM). Writes RESULTS.md, ratios.csv and ratios.png.
#
#   bash bench/run.sh                 # everything: 11 seed models, scaling, 3 reps of >= 10 s
#   bash bench/run.sh --quick         # smoke test (2 models, 1 rep, 2 s, 200 calls): minutes
#   bash bench/run.sh --device gpu    # every figure on GPU 0 (both sides)
#   options: --reps N --seconds S --calls N --models "mlp_classifier mnist_cnn" --out DIR
#            --no-scaling --no-load --no-predict --no-fit
#            --scaling-only batch|lstm  only that half of the scaling runs (batch 32/512, or the LSTM)
#            --session-config 'TEXT'  extra ConfigProto for the Java side (kerasbridge.session.config)
#            --append  add to target/bench/results.jsonl instead of starting over (e.g. fit first,
#                      then --no-fit for predict and load; the report covers both)
#
# Each ratio is the median over reps of (Java run, reference run) pairs taken back to back, so
# both sides of a pair see the same machine load; the min..max spread is printed beside it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
SEED_MODELS="mlp_classifier mnist_cnn cnn_channels_first ae_simple ae_deep ae_denoising ae_sparse ae_2d linear_regressor rnn_classifier lstm_regressor"
ARGS="$*"
REPS=3 SECONDS_=10 CALLS=1000 DEVICE=cpu MODELS="$SEED_MODELS" OUT=bench SCALING=1 QUICK=0
DO_LOAD=1 DO_PREDICT=1 DO_FIT=1 SESSION_CONFIG="" APPEND=0 SCALING_PARTS="batch lstm"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 REPS=1 SECONDS_=2 CALLS=200 MODELS="mlp_classifier mnist_cnn" OUT=target/bench/quick SCALING=0 ;;
    --reps) REPS=$2; shift ;;
    --seconds) SECONDS_=$2; shift ;;
    --calls) CALLS=$2; shift ;;
    --device) DEVICE=$2; shift ;;
    --models) MODELS=$2; shift ;;
    --out) OUT=$2; shift ;;
    --no-scaling) SCALING=0 ;;
    --scaling-only)
      case "$2" in batch|lstm) SCALING=1 SCALING_PARTS=$2 ;; *) echo "--scaling-only takes batch or lstm, not '$2'" >&2; exit 2 ;; esac
      shift ;;
    --no-load) DO_LOAD=0 ;;
    --no-predict) DO_PREDICT=0 ;;
    --no-fit) DO_FIT=0 ;;
    --session-config) SESSION_CONFIG=$2; shift ;;
    --append) APPEND=1 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
PY="$(bash python-reference/venv.sh)"
WORK=target/bench
mkdir -p "$WORK" "$OUT"
MVN_FLAGS="-B -q ${MVN_OFFLINE:+-o}"
mvn $MVN_FLAGS -DskipTests test-compile
mvn $MVN_FLAGS dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" -Dmdep.includeScope=test >/dev/null
# the run uses a copy of the classes, so rebuilding during a long run does not change them
rm -rf "$WORK/classes" "$WORK/test-classes"
cp -r target/classes "$WORK/classes"
cp -r target/test-classes "$WORK/test-classes"
CP="$WORK/classes:$WORK/test-classes:$(cat "$WORK/cp.txt")"
JAVA=(java -Xmx4g -cp "$CP")
# DL4J's JVM: no TF Java, and the javacpp DL4J was built with (TF Java brings a newer one, so
# Maven's test class path never resolves 1.5.7: fetch it on a fresh machine)
JAVACPP_DL4J=~/.m2/repository/org/bytedeco/javacpp/1.5.7/javacpp-1.5.7.jar
[ -f "$JAVACPP_DL4J" ] || mvn $MVN_FLAGS dependency:get -Dartifact=org.bytedeco:javacpp:1.5.7 -Dtransitive=false >/dev/null
DL4J_CP="$WORK/classes:$WORK/test-classes:$(tr ':' '\n' < "$WORK/cp.txt" | grep -v -E 'tensorflow|/javacpp-[0-9.]+\.jar$' | paste -sd:):$JAVACPP_DL4J"
[ -n "$SESSION_CONFIG" ] && JAVA+=("-Dkerasbridge.session.config=$SESSION_CONFIG")
RESULTS="$WORK/results.jsonl"
[ "$APPEND" = 1 ] || : > "$RESULTS" # --append: keep earlier runs' results in the report
LOG="$WORK/run.log"
: > "$LOG"

# rec KEY REP CMD...: runs CMD, appends its JSON lines tagged with key, rep and the load average
rec() {
  local key=$1 rep=$2; shift 2
  local la; la="$(cut -d' ' -f1-3 /proc/loadavg)"
  "$@" 2>>"$LOG" | grep '^{' | KEY="$key" REP="$rep" LA="$la" "$PY" -c '
import json, os, sys
for line in sys.stdin:
    d = json.loads(line)
    d.update(key=os.environ["KEY"], rep=int(os.environ["REP"]), loadavg=os.environ["LA"])
    print(json.dumps(d))' | tee -a "$RESULTS" | cut -c1-220 || echo "  (failed: $key rep $rep; see $LOG)"
}

batch_of() { [ "$1" = lstm_regressor ] && echo 50 || echo "${2:-128}"; }

prep() { # model_file data_dir rows
  [ -f "$2/x.npy" ] || "$PY" bench/keras_bench.py prep "$1" "$2" "$3" 2>>"$LOG" >/dev/null
}

fit_pair() { # name model_file batch
  local name=$1 file=$2 b=$3 data="$WORK/data/$1/b$3"
  prep "$file" "$data" $((b * 20))
  for rep in $(seq 1 "$REPS"); do
    rec "fit/$name/b$b" "$rep" "${JAVA[@]}" org.kerasbridge.bench.Bench fit "$file" "$data" "$b" "$SECONDS_" "$DEVICE"
    rec "fit/$name/b$b" "$rep" "$PY" bench/keras_bench.py fit "$file" "$data" "$b" "$SECONDS_" "$DEVICE"
  done
}

{
  echo "# KerasBridge benchmark results"
  echo
  echo "Made by \`bash bench/run.sh $ARGS\` at $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with uncommitted changes)')."
  echo
  echo "- machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores visible, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo) RAM, $(uname -sr)"
  echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (every row below lists the load averages seen during its runs)"
  echo "- Java: $(java -version 2>&1 | head -1); TensorFlow Java 1.1.0 (TF 2.18.0 natives)"
  echo "- Python: $("$PY" -c 'import sys, keras, tensorflow as tf; print(sys.version.split()[0], "| keras", keras.__version__, "| tensorflow", tf.__version__)' 2>/dev/null)"
  echo "- settings: device $DEVICE, $REPS reps, >= $SECONDS_ s timed per fit/throughput run, $CALLS batch-1 calls per latency run, fit batch 128 (lstm_regressor: 50, its fixed batch), shuffle off, verbose off; Java session config: ${SESSION_CONFIG:-default}; TF_CPP_MIN_LOG_LEVEL=$TF_CPP_MIN_LOG_LEVEL"
  echo "- data: uniform random inputs of each model's input shape; targets are the model's own predictions on other random inputs (same .npy files for both sides)"
  [ "$QUICK" = 1 ] && echo "- **quick mode: a smoke test, the numbers are not meaningful**"
} > "$WORK/header.md"
cat "$WORK/header.md"

if [ "$DO_FIT" = 1 ]; then
  for m in $MODELS; do
    fit_pair "$m" "models/$m/model.keras" "$(batch_of "$m")"
  done
  if [ "$SCALING" = 1 ]; then
    if [[ " $SCALING_PARTS " == *" batch "* ]]; then
      for b in 32 512; do
        for m in mlp_classifier mnist_cnn; do fit_pair "$m" "models/$m/model.keras" "$b"; done
      done
    fi
    if [[ " $SCALING_PARTS " == *" lstm "* ]]; then
      for L in 10 100 1000; do
        f="$WORK/lstm_seq$L/model.keras"
        [ -f "$f" ] || { mkdir -p "$(dirname "$f")"; "$PY" bench/keras_bench.py lstm "$WORK" "$L" "$f" 2>>"$LOG" >/dev/null; }
        fit_pair "lstm_seq$L" "$f" 32
      done
    fi
  fi
fi

if [ "$DO_PREDICT" = 1 ]; then
  for m in $MODELS; do
    [ "$m" = lstm_regressor ] && continue # stateful, fixed batch 50: no batch-1/128 predict
    data="$WORK/data/$m/b128"; prep "models/$m/model.keras" "$data" 2560
    for rep in $(seq 1 "$REPS"); do
      # raw right after KerasBridge: their ratio is the tightest goal (within 10%), and the Keras
      # run between them (about two minutes) had moved it by up to 25%
      rec "predict/$m" "$rep" "${JAVA[@]}" org.kerasbridge.bench.Bench predict "models/$m/model.keras" "$data" "$SECONDS_" "$CALLS" "$DEVICE"
      rec "predict/$m" "$rep" "${JAVA[@]}" org.kerasbridge.bench.Bench raw "models/$m/saved_model" "$data" "$SECONDS_" "$CALLS" "$DEVICE"
      rec "predict/$m" "$rep" "$PY" bench/keras_bench.py predict "models/$m/model.keras" "$data" "$SECONDS_" "$CALLS" "$DEVICE"
    done
  done
fi

if [ "$DO_LOAD" = 1 ]; then
  for m in $MODELS; do
    [ "$m" = lstm_regressor ] && continue
    data="$WORK/data/$m/b128"; prep "models/$m/model.keras" "$data" 2560
    for rep in $(seq 1 "$REPS"); do
      rec "load/$m/model.keras" "$rep" "${JAVA[@]}" org.kerasbridge.bench.Bench load "models/$m/model.keras" "$data" "$DEVICE"
      rec "load/$m/model.keras" "$rep" "$PY" bench/keras_bench.py load "models/$m/model.keras" "$data" "$DEVICE"
      # DL4J imports Keras 2 HDF5 files: compare on the same file, DL4J in its own JVM
      rec "load/$m/model_keras2.h5" "$rep" "${JAVA[@]}" org.kerasbridge.bench.Bench load "models/$m/model_keras2.h5" "$data" "$DEVICE"
      rec "load/$m/model_keras2.h5" "$rep" java -Xmx4g -cp "$DL4J_CP" org.kerasbridge.bench.Dl4jLoad "models/$m/model_keras2.h5" "$data"
    done
  done
fi

"$PY" bench/report.py "$RESULTS" "$WORK/header.md" "$OUT/RESULTS.md" "$OUT/ratios.csv"
[ -f bench/FINDINGS.md ] && { echo; cat bench/FINDINGS.md; } >> "$OUT/RESULTS.md"
"${JAVA[@]}" -Djava.awt.headless=true org.kerasbridge.bench.RatioChart "$OUT/ratios.csv" "$OUT/ratios.png" \
  "KerasBridge vs Keras / raw TF Java / DL4J (> 1: KerasBridge faster; device $DEVICE)"
cp "$RESULTS" "$OUT/results.jsonl"
echo "wrote $OUT/RESULTS.md, $OUT/ratios.png, $OUT/results.jsonl"
