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

# Benchmark (not a test: it prints ratios, it never fails on a time). Compares image pairs with our
# diff engine and with the reference tools, side by side in one run, in rounds, so that all see the
# same machine load:
#
#   ours           ImageDiffer in a warm JVM (bench/DiffBench.java): read both files, decode,
#                  compare, encode the diff picture, write it (identical bytes: nothing decoded, a
#                  blank picture); and the figures alone for identical bytes, in microseconds;
#   odiff CLI      odiff-bin 4.5.0 (npm), one process per pair, --antialiasing --threshold=0.1;
#   odiff server   the same binary in its server mode (--server), driven by odiff-bin's node API
#                  (ODiffServer: one process kept running, a JSON request per pair);
#   pixelmatch     pixelmatch 7.2.0 in a warm node process (bench/diff-helper.mjs), with pngjs 7.0.0
#                  decoding both files and encoding the diff picture.
#
# The pairs (1920x1080 RGBA screenshots of a UI-like page, generated once into bench/.work/):
# 1 % of the pixels changed; identical bytes (a copy of the file); a completely different screen.
# It checks that our mismatch counts and diff pictures equal pixelmatch's (on identical bytes: the
# count, and that our picture is blank).
#
# Usage: bench/diff.sh
# Environment: BENCH_REPS (7) measured rounds, BENCH_WARMUP (10) uncounted rounds first,
#   BENCH_DIFF_SIZE (1920x1080), BENCH_NO_BUILD=1 (use target/ as it is), BENCH_JAVA_OPTS.
set -euo pipefail
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

# 10: a fresh JVM compiles the engine's loops during its first ~10 diffs (the process's CPU per
# diff of the 1 % pair falls from ~110 ms to 30-50 ms there, the JIT's threads included); with 3
# rounds (6 decoded diffs) the measured rounds timed the compiler too. Every tool gets the same rounds.
BENCH_WARMUP="${BENCH_WARMUP:-10}"
BENCH_DIFF_SIZE="${BENCH_DIFF_SIZE:-1920x1080}"
export BENCH_DIFF_SIZE
ODIFF_VERSION=4.5.0
PIXELMATCH_VERSION=7.2.0
PNGJS_VERSION=7.0.0
# Bump when DiffBench.java changes what it generates, so cached pairs are not reused.
DIFF_GEN_VERSION=1

LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
command -v node >/dev/null || bench_fail "node is needed (for odiff's node API and pixelmatch)"
command -v npm >/dev/null || bench_fail "npm is needed"
bench_build_service

# --- the reference tools, from npm -----------------------------------------------------------
NPM_DIR="$BENCH_WORK/diff-npm"
installed() { node -p "require('$NPM_DIR/node_modules/$1/package.json').version" 2>/dev/null || true; }
if [ "$(installed odiff-bin)" != "$ODIFF_VERSION" ] || [ "$(installed pixelmatch)" != "$PIXELMATCH_VERSION" ] ||
    [ "$(installed pngjs)" != "$PNGJS_VERSION" ]; then
  bench_log "installing odiff-bin $ODIFF_VERSION, pixelmatch $PIXELMATCH_VERSION, pngjs $PNGJS_VERSION into $NPM_DIR..."
  mkdir -p "$NPM_DIR"
  echo '{"private": true}' >"$NPM_DIR/package.json"
  (cd "$NPM_DIR" && npm install --no-audit --no-fund --loglevel=error --save-exact \
    "odiff-bin@$ODIFF_VERSION" "pixelmatch@$PIXELMATCH_VERSION" "pngjs@$PNGJS_VERSION") >&2
fi
ODIFF="$(cd "$NPM_DIR" && node -p "require('odiff-bin/binary.js').findBinary()" 2>/dev/null || true)"
if [ -z "$ODIFF" ] || [ ! -x "$ODIFF" ]; then
  ODIFF="$(find "$NPM_DIR/node_modules/@odiff" -type f -name odiff -perm -u+x | head -n 1)"
fi
[ -n "$ODIFF" ] && [ -x "$ODIFF" ] || bench_fail "no odiff binary for this platform in $NPM_DIR"

# --- the image pairs -------------------------------------------------------------------------
PAIRS="$BENCH_WORK/diff-pairs-$BENCH_DIFF_SIZE-v$DIFF_GEN_VERSION"
JAVA=("$JAVA_HOME/bin/java" -Djava.awt.headless=true)
if [ ! -f "$PAIRS/complete" ]; then
  bench_log "generating the image pairs into $PAIRS..."
  rm -rf "$PAIRS"
  "${JAVA[@]}" -cp "$BENCH_SERVICE_JAR" "$BENCH_ROOT/bench/DiffBench.java" generate "$PAIRS"
  touch "$PAIRS/complete"
fi
RUN="$(mktemp -d "$BENCH_WORK/diff-run.XXXXXX")"
trap '[ -n "${BENCH_KEEP:-}" ] || rm -rf "$RUN"' EXIT

# --- our command line, in a fresh JVM each time (for reference: what a shell script pays) -------
CLI_RUNS=()
for _ in 1 2 3; do
  t0=$(bench_now_ns)
  status=0
  "${JAVA[@]}" -jar "$BENCH_SERVICE_JAR" diff "$PAIRS/base.png" "$PAIRS/changed.png" \
    --out "$RUN/cli.png" >"$RUN/cli.out" 2>&1 || status=$?
  [ "$status" -le 1 ] || { cat "$RUN/cli.out" >&2; bench_fail "imagestore diff failed"; }
  CLI_RUNS+=("$(( ($(bench_now_ns) - t0) / 1000000 ))")
done

# --- everything else, interleaved, from one JVM ------------------------------------------------
bench_log "running $BENCH_WARMUP warm-up + $BENCH_REPS measured rounds of 3 pairs x 4 tools..."
# shellcheck disable=SC2086
BENCH_NPM_DIR="$NPM_DIR" "${JAVA[@]}" ${BENCH_JAVA_OPTS:-} -cp "$BENCH_SERVICE_JAR" \
  "$BENCH_ROOT/bench/DiffBench.java" run "$PAIRS" --reps "$BENCH_REPS" --warmup "$BENCH_WARMUP" \
  --odiff "$ODIFF" --node node --helper "$BENCH_ROOT/bench/diff-helper.mjs" --out "$RUN/out" \
  >"$RUN/java.out"
result() { sed -n "s/^result $1 //p" "$RUN/java.out"; }

# --- summary ---------------------------------------------------------------------------------
row() { printf '  %-44s %10s %9s %9s %12s\n' "$1" "$2" "$3" "$4" "$5"; }
CHECK="same mismatch counts and diff pictures as pixelmatch"
echo
echo "=== diff benchmark: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, Java $("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.version = //p'), node $(node --version)"
echo "pairs: $BENCH_DIFF_SIZE RGBA screenshots ($(result png_bytes) bytes each); medians of $BENCH_REPS rounds after $BENCH_WARMUP warm-up rounds"
echo "paired ×: the median over the rounds of (the tool's time / ours in the same round)"
echo "load average at the start: $LOAD_START, at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
for pair in changed identical different; do
  case $pair in
    changed) title="1 % of the pixels changed" ;;
    identical) title="identical bytes (a copy of the file)" ;;
    different) title="a completely different screen" ;;
  esac
  OURS=$(result "${pair}_ours_median_ms")
  echo
  echo "$title"
  row "tool" "median ms" "× ours" "paired ×" "mismatched"
  row "ours: ImageDiffer, warm JVM (read+diff+write)" "$OURS" "1.00" "1.00" "$(result "${pair}_ours_count")"
  for tool in odiff_cli odiff_server pixelmatch; do
    case $tool in
      odiff_cli) name="odiff $ODIFF_VERSION CLI (a process per pair)" ;;
      odiff_server) name="odiff $ODIFF_VERSION server mode (node API)" ;;
      pixelmatch) name="pixelmatch $PIXELMATCH_VERSION + pngjs, warm node" ;;
    esac
    T=$(result "${pair}_${tool}_median_ms")
    row "$name" "$T" "$(bench_ratio "$T" "$OURS")" "$(result "${pair}_${tool}_paired_ratio")" \
      "$(result "${pair}_${tool}_count")"
  done
  if [ "$(result "${pair}_ours_count")" != "$(result "${pair}_pixelmatch_count")" ] ||
      [ "$(result "${pair}_picture_same")" != true ]; then
    CHECK="MISMATCH with pixelmatch on the pair '$pair' (counts or pictures differ)"
  fi
done
echo
echo "per pair, ours against odiff's server mode (goal: ≥ 2× faster on every pair):"
for pair in changed identical different; do
  printf '  %-10s ours %9s ms, odiff server %9s ms: odiff server ÷ ours %5s (paired %s)\n' "$pair" \
    "$(result "${pair}_ours_median_ms")" "$(result "${pair}_odiff_server_median_ms")" \
    "$(bench_ratio "$(result "${pair}_odiff_server_median_ms")" "$(result "${pair}_ours_median_ms")")" \
    "$(result "${pair}_odiff_server_paired_ratio")"
done
echo
echo "identical bytes, figures only (no decoding; what GET /diff/{a}/{b}/info and the CLI without --out do):"
echo "  $(result fast_path_median_us) µs (median of 1000 calls, bytes in memory)"
echo "our CLI in a fresh JVM (java -jar … diff base.png changed.png --out …), 3 runs: ${CLI_RUNS[*]} ms"
echo
echo "goals (paired): ≥ 2× faster than odiff's server — it takes $(result changed_odiff_server_paired_ratio)× our time" \
  "on the 1 % pair, $(result identical_odiff_server_paired_ratio)× on identical bytes," \
  "$(result different_odiff_server_paired_ratio)× on a different screen;" \
  "≥ 5× faster than pixelmatch — $(result changed_pixelmatch_paired_ratio)×;" \
  "identical bytes < 1 ms — $(result fast_path_median_us) µs"
echo "odiff writes no diff picture when the images match; ours writes a blank one for identical bytes" \
  "(not decoded), pixelmatch's harness the faded image"
echo "check: $CHECK"
[[ $CHECK != MISMATCH* ]] || exit 1
