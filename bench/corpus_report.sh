#!/usr/bin/env bash
# The README corpus results table: KerasBridge vs Keras 3.15 (as-is) vs DL4J 1.0.0-M2.1 on every
# file of models/corpus. Each Java side runs in its own JVM (DL4J's natives clash with TF Java's);
# the Keras column comes from MANIFEST.json (python-reference/corpus.py records whether Keras 3.15
# loads each file as-is).
#
#   bash bench/corpus_report.sh      # writes bench/corpus_kerasbridge.json, bench/corpus_dl4j.json,
#                                    # prints the markdown table (python-reference/corpus_table.py)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
mvn -B -q -o -DskipTests test-compile
CPFILE="$(mktemp)"
mvn -B -q -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CPFILE"
CP="target/test-classes:target/classes:$(cat "$CPFILE")"
rm -f "$CPFILE"
[ -n "${SKIP_KERASBRIDGE:-}" ] || java -cp "$CP" org.kerasbridge.corpus.KerasBridgeCorpusReport models/corpus \
  >bench/corpus_kerasbridge.json 2>bench/corpus_kerasbridge.log
# DL4J's JVM: no TF Java, and the JavaCPP that DL4J's natives were built with (1.5.7; TF Java
# brings 1.5.11, with which ND4J's backend does not initialize).
mvn -B -q -o dependency:get -Dartifact=org.bytedeco:javacpp:1.5.7 >/dev/null 2>&1 \
  || mvn -B -q dependency:get -Dartifact=org.bytedeco:javacpp:1.5.7 >/dev/null
DL4J_CP="$(echo "$CP" | tr ':' '\n' | grep -v '/org/tensorflow/' \
  | sed "s#/org/bytedeco/javacpp/1.5.11/javacpp-1.5.11.jar#/org/bytedeco/javacpp/1.5.7/javacpp-1.5.7.jar#" \
  | paste -sd: -)"
java -cp "$DL4J_CP" org.kerasbridge.corpus.Dl4jCorpusImport models/corpus \
  >bench/corpus_dl4j.json 2>bench/corpus_dl4j.log
# Plain python3: the table script needs only the standard library.
"${PYTHON:-python3}" python-reference/corpus_table.py
