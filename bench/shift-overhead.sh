#!/usr/bin/env bash
# Copyright (C) 2026 The imagestore Authors
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
# http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.

# Benchmark (prints ratios, never fails on a time): the moved-content detection's cost to the plain
# diff. Builds the diff engine of BENCH_BASE_REF (default: the commit before the detection) with
# javac (the engine is JDK-only), and times it against this tree's engine on bench/diff.sh's pairs,
# paired and interleaved in one JVM by the calling thread's CPU time (bench/ShiftOverhead.java).
#
# Usage: bench/shift-overhead.sh
# Environment: BENCH_REPS (31) measured rounds, BENCH_WARMUP (10), BENCH_BASE_REF,
#   BENCH_NO_BUILD=1 (use target/ as it is).
set -euo pipefail
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

REPS="${BENCH_REPS_OVERHEAD:-31}"
WARMUP="${BENCH_WARMUP:-10}"
# The last commit whose engine has no ShiftDetector.
BASE_REF="${BENCH_BASE_REF:-$(git -C "$BENCH_ROOT" log -n1 --format=%H --diff-filter=A -- \
  imagestore-service/diff/src/main/java/com/googlesource/gerrit/plugins/imagestore/diff/ShiftDetector.java)^}"

NEW_JAR="$BENCH_ROOT/imagestore-service/diff/target/imagestore-diff-1.0.0-SNAPSHOT.jar"
if [ "${BENCH_NO_BUILD:-}" != 1 ]; then
  (cd "$BENCH_ROOT" && bin/mvn -B -ntp -q -pl imagestore-service/diff package -DskipTests \
    -Dimagestore.npm.skip=true)
fi

BASE_DIR="$BENCH_WORK/shift-base-$(git -C "$BENCH_ROOT" rev-parse --short "$BASE_REF")"
if [ ! -f "$BASE_DIR/engine.jar" ]; then
  bench_log "building the engine of $BASE_REF into $BASE_DIR..."
  rm -rf "$BASE_DIR" && mkdir -p "$BASE_DIR/src" "$BASE_DIR/classes"
  git -C "$BENCH_ROOT" archive "$BASE_REF" imagestore-service/diff/src/main/java | tar -x -C "$BASE_DIR/src"
  "$JAVA_HOME/bin/javac" -d "$BASE_DIR/classes" $(find "$BASE_DIR/src" -name '*.java')
  "$JAVA_HOME/bin/jar" --create --file "$BASE_DIR/engine.jar" -C "$BASE_DIR/classes" .
fi

PAIRS="$BENCH_WORK/diff-pairs-${BENCH_DIFF_SIZE:-1920x1080}-v1"
if [ ! -f "$PAIRS/other.png" ]; then
  bench_log "generating the pairs into $PAIRS..."
  "$JAVA_HOME/bin/java" -cp "$NEW_JAR" "$BENCH_ROOT/bench/DiffBench.java" generate "$PAIRS"
fi

bench_log "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA_HOME/bin/java" -XX:ActiveProcessorCount=1 -Xmx2g "$BENCH_ROOT/bench/ShiftOverhead.java" \
  "$BASE_DIR/engine.jar" "$NEW_JAR" "$PAIRS" "$REPS" "$WARMUP"
bench_log "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
