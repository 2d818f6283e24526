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

# Benchmark (prints figures, never fails on them): the precision and recall of the diff engine's
# moved-content detection on generated screenshot pairs (bench/ShiftPrecision.java).
#
# Usage: bench/shifts.sh
# Environment: BENCH_SHIFT_PAIRS (10) pairs per kind and screenshot, BENCH_SHIFT_SEEDS (3)
#   screenshots, BENCH_VERBOSE=1 (print every miss), BENCH_NO_BUILD=1 (use target/ as it is).
set -euo pipefail
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

TARGET="$BENCH_ROOT/imagestore-service/diff/target"
if [ "${BENCH_NO_BUILD:-}" != 1 ]; then
  (cd "$BENCH_ROOT" && bin/mvn -B -ntp -q -pl imagestore-service/diff package -DskipTests \
    -Dimagestore.npm.skip=true)
fi
"$JAVA_HOME/bin/java" -cp "$TARGET/imagestore-diff-1.0.0-SNAPSHOT.jar:$TARGET/imagestore-diff-1.0.0-SNAPSHOT-tests.jar" \
  "$BENCH_ROOT/bench/ShiftPrecision.java" "${BENCH_SHIFT_PAIRS:-10}" "${BENCH_SHIFT_SEEDS:-3}"
