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

# Fuzzes every @FuzzTest target with Jazzer (coverage-guided, in process) for a bounded time each:
# FUZZ_SECONDS per target (default 20; about 40 s each with Maven and Jazzer starting), one JVM per target (Jazzer fuzzes one target per run).
# A finding fails the run; Jazzer saves the input that caused it as crash-<sha1> in the target's
# inputs directory below src/test/resources, where the normal test run (bin/test, surefire) then
# replays it as a regression test: fix the bug and commit the input with the fix.
# Without JAZZER_FUZZ, the same tests only replay their checked-in corpus (every test run does).
# Builds what it fuzzes (test-compile of the target's modules, in the same Maven session).
# The plugin's inputs are below src/test/resources (the plugin's module is the repository root).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
. bin/lib/java.sh
seconds="${FUZZ_SECONDS:-20}"
# module test-class#method [instrumented packages]
# Jazzer instruments the project's own classes; a target whose input mostly exercises a library
# names the packages to instrument too (the project's among them), e.g. Gson's tokenizer for the
# import body: its coverage guides the fuzzer through JSON (436 edges against 106 without).
targets=(
  "imagestore-service/client LnkFileFuzzTest#readsWhatUiveri5Reads"
  "imagestore-service/client LnkFileFuzzTest#formatThenParseIsTheIdentity"
  "imagestore-service/client ComparisonConfigFuzzTest#parsesWithinBoundsOrRefusesWithAReason"
  "imagestore-service/client ComparisonConfigFuzzTest#resolvesOverHostileFiles"
  "imagestore-service/client,imagestore-service/diff,imagestore-service/visual-test,imagestore-service PngValidationFuzzTest#acceptsOnlyWellFormedPngs"
  "imagestore-service/diff PngCodecFuzzTest#decodesToItsHeaderSizeOrRefuses"
  "imagestore-service/diff ZlibInflaterFuzzTest#agreesWithZlib"
  "imagestore-service/diff ZlibInflaterFuzzTest#inflatesWhatDeflaterWrites"
  "imagestore-service/diff PictureDeflaterFuzzTest#zlibInflatesWhatItWrites"
  "imagestore-service/diff IgnoreMaskFuzzTest#spansAreTheUnionOfTheRegions"
  "imagestore-service/diff ShiftDetectorFuzzTest#reportsBoundedMovesThatExplainOnlyMismatches"
  "imagestore-service/client,imagestore-service/diff,imagestore-service/visual-test,imagestore-service MultipartUploadFuzzTest#answersEveryBodyWithAnUploadOrAClearRefusal"
  "imagestore-service/client,imagestore-service/diff,imagestore-service/visual-test,imagestore-service ReferenceImportFuzzTest#handsOverOneArrayOrRefusesAsBadInput com.googlesource.**:com.google.gson.**"
  # The plugin's review comment; the service modules only resolve the plugin's dependency on them.
  "imagestore-service/client,imagestore-service/diff,imagestore-service/visual-test,imagestore-service,plugin.pom.xml PreviewCommentFuzzTest#hostileTextCannotShapeTheComment"
)
logs="${FUZZ_LOG_DIR:-$ROOT/target/fuzz}"
# An input that hangs the target (say a backtracking regex) is caught by libFuzzer only after its
# default 1200 s per input, and Jazzer's JUnit mode takes no per-input timeout from Maven. So a run
# gets FUZZ_HANG_SECONDS past its budget (JVM start and instrumentation included); then the stacks
# of its JVMs go to the log (where it hung) and it is killed and counted as a finding.
hang_seconds="${FUZZ_HANG_SECONDS:-180}"

fuzz_one() { # module test log [instrumented packages]
  local deadline=$((SECONDS + seconds + hang_seconds))
  local includes=()
  [ -z "${4:-}" ] || includes=(JAZZER_INSTRUMENTATION_INCLUDES="$4")
  # test-compile first, in the same Maven session: only then does Maven take the reactor's own
  # modules from their target/ directories; surefire:test alone loads them from the local
  # repository, where an older install would be fuzzed instead of this tree.
  env "${includes[@]}" JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${seconds}s" setsid ./mvnw -B -ntp -o -q -pl "$1" \
    test-compile surefire:test -Dimagestore.npm.skip=true -Dtest="$2" -Dsurefire.failIfNoSpecifiedTests=false \
    -DargLine="-Xmx1g" >"$3" 2>&1 &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      {
        echo "HANG: still running $((seconds + hang_seconds)) s after the start; the stacks:"
        for jvm in $(pgrep -s "$pid" -f surefirebooter || true); do
          "$JAVA_HOME/bin/jstack" "$jvm" 2>&1 | grep -A60 '"main"' | head -60 || true
        done
      } >>"$3"
      kill -KILL -- "-$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
      grep -A40 '^HANG' "$3" >&2 || true
      return 1
    fi
    sleep 1
  done
  wait "$pid"
}
mkdir -p "$logs"
failed=()
summary=()
# FUZZ_ONLY: fuzz only the targets whose Class#method holds this text.
only="${FUZZ_ONLY:-}"
ran=0
for t in "${targets[@]}"; do
  read -r module test instrument <<<"$t"
  [[ -z "$only" || "$test" == *"$only"* ]] || continue
  ran=$((ran + 1))
  log="$logs/${test/\#/.}.log"
  echo "== fuzz $test (${seconds}s)"
  # surefire:test alone: the classes are built; the fuzzer's corpus goes to <module>/.cifuzz-corpus.
  if fuzz_one "$module" "$test" "$log" "$instrument"; then
    runs="$(grep -oE '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 || true)"
    summary+=("$test: ${runs:-no libFuzzer summary}")
  else
    failed+=("$test")
    summary+=("$test: FINDING or failure (log: $log)")
    grep -E 'crash-|FuzzTestFinding|Exception|Error' "$log" | head -20 || true
  fi
done
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing found problems in: ${failed[*]}" >&2
  echo "the inputs are saved as crash-* in the targets' *Inputs/ directories below src/test/resources" >&2
  # CI's clone goes away: print each new input too (base64), to recreate it with base64 -d.
  git ls-files --others --exclude-standard -- '*Inputs/*' | while read -r crash; do
    echo "== $crash ($(wc -c <"$crash") bytes, base64):" >&2
    head -c 65536 "$crash" | base64 >&2
  done
  exit 1
fi
echo "fuzzing: $ran targets, no findings"
