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

# Benchmark (not a test: it prints numbers, it never fails on a time). The upload path of two
# builds of the image service, paired: both services run side by side (embedded H2, local disk,
# each its own data directory), each is warmed up, then they take turns, A then B, for
# BENCH_AB_PAIRS pairs (4) of BENCH_AB_SECONDS (15 s) of PUT /images/{uuid} of distinct 100 KiB
# PNGs at BENCH_AB_CONNECTIONS (32) connections (bench/UploadBench.java, as bench/serve.sh runs it).
#
# What counts is the service's own CPU time per upload (utime + stime of its JVM from /proc, before
# and after a run, divided by the uploads it created): the machine may be loaded by other work,
# which moves the rate much more than it moves what an upload costs the service. Also, apart, the
# part of it spent by the JIT compiler threads (C1/C2; the services run with a fixed number of them,
# so none exits with its time uncounted): compiling is a warm-up cost that still trickles in after
# a warm-up on a loaded machine, and the rest is the steady cost of an upload. Prints each pair,
# the ratio B/A of each pair and their median, with and without the compiler's part.
#
# BENCH_AB_DB=postgres: each service on a database of its own on the shared loopback PostgreSQL
# (tools/postgres/ensure.sh; dropped afterwards) instead of embedded H2. Then the CPU of the
# PostgreSQL backends serving each service (utime + stime of the server processes connected to its
# database, from /proc) is counted per upload too, and the ratio of service + backends is printed
# beside the service's: on a 2-core machine the backends compete for the same cores.
#
# Usage: bench/upload-ab.sh JAR_A JAR_B    (service jars, e.g. imagestore-service/target/
#        imagestore-service.jar of a `git worktree` of each version, built with
#        bin/mvn -pl imagestore-service -am package -DskipTests)
set -euo pipefail
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

[ $# = 2 ] || bench_fail "usage: bench/upload-ab.sh JAR_A JAR_B"
JARS=("$(realpath "$1")" "$(realpath "$2")")
PAIRS="${BENCH_AB_PAIRS:-4}"
SECONDS_PER_RUN="${BENCH_AB_SECONDS:-15}"
WARMUP="${BENCH_AB_WARMUP:-30}"
CONNECTIONS="${BENCH_AB_CONNECTIONS:-32}"
DB="${BENCH_AB_DB:-h2}"
NAMES=(A B)
DB_URLS=("" "")
DB_NAMES=("" "")
PIDS=("" "")
URLS=("" "")
PASSWORDS=("" "")
RUN=""

cleanup() {
  bench_stop "${PIDS[0]}"
  bench_stop "${PIDS[1]}"
  for url in "${DB_URLS[@]}"; do
    [ -z "$url" ] || BENCH_DB_URL="$url" bench_pg_drop
  done
  [ -z "$RUN" ] || [ -n "${BENCH_KEEP:-}" ] || rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$BENCH_WORK"
RUN="$(mktemp -d "$BENCH_WORK/upload-ab.XXXXXX")"
"$JAVA_HOME/bin/java" -Djava.awt.headless=true "$BENCH_ROOT/bench/MakeNoisePngs.java" "$RUN/upload" 64 100 2

for i in 0 1; do
  BENCH_SERVICE_JAR="${JARS[$i]}"
  if [ "$DB" = postgres ]; then
    bench_pg_database
    DB_URLS[i]="$BENCH_DB_URL"
    name="${BENCH_DB_URL##*/}"
    DB_NAMES[i]="${name%%\?*}"
  fi
  bench_start_service uploader "$RUN/service-$i" "$RUN/service-$i.log" \
    -XX:-UseDynamicNumberOfCompilerThreads
  PIDS[i]="$SERVICE_PID"
  URLS[i]="$SERVICE_URL"
  PASSWORDS[i]="$BENCH_SERVICE_PASSWORD"
  bench_log "${NAMES[$i]}: ${JARS[$i]} (pid ${PIDS[$i]}, $SERVICE_URL)"
done

service_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# The JIT compiler threads' part (the thread name is field 2, in parentheses, and has no space
# before "Compiler"; utime and stime are then fields 14 and 15 as in the process's stat).
compiler_ticks() {
  cat /proc/"$1"/task/*/stat 2>/dev/null | awk '/^[0-9]+ \(C[12] Compiler/ {
    sub(/^[0-9]+ \([^)]*\) /, ""); t += $12 + $13 } END { print t + 0 }'
}
# "pid ticks" of each PostgreSQL backend connected to database $1 (none on H2).
backend_ticks() {
  [ -n "$1" ] || return 0
  local pid
  for pid in $(pgrep -f "^postgres: [^ ]+ $1 " || true); do
    awk -v p="$pid" '{ sub(/^[0-9]+ \([^)]*\) /, ""); print p, $12 + $13 }' "/proc/$pid/stat" 2>/dev/null || true
  done
}
# Ticks between two backend_ticks listings (a backend started in between counts from 0).
backend_delta() {
  awk 'NR == FNR { before[$1] = $2; next } { t += $2 - before[$1] } END { print t + 0 }' \
    <(echo "$1") <(echo "$2")
}
TICKS_PER_SECOND="$(getconf CLK_TCK)"

# upload I TAG SECONDS: runs UploadBench against service I; prints "created errors ticks
# compiler_ticks backend_ticks".
upload() {
  local i="$1" before after out jit_before jit_after pg_before pg_after
  pg_before="$(backend_ticks "${DB_NAMES[$i]}")"
  jit_before="$(compiler_ticks "${PIDS[$i]}")"
  before="$(service_ticks "${PIDS[$i]}")"
  out="$(BENCH_SERVICE_PASSWORD="${PASSWORDS[$i]}" "$JAVA_HOME/bin/java" \
    "$BENCH_ROOT/bench/UploadBench.java" "${URLS[$i]}" bench "$RUN/upload" "$CONNECTIONS" "$3" "$2")"
  after="$(service_ticks "${PIDS[$i]}")"
  jit_after="$(compiler_ticks "${PIDS[$i]}")"
  pg_after="$(backend_ticks "${DB_NAMES[$i]}")"
  echo "$(sed -n 's/^result uploads_created //p' <<<"$out") $(sed -n 's/^result uploads_errors //p' <<<"$out") $((after - before)) $((jit_after - jit_before)) $(backend_delta "$pg_before" "$pg_after")"
}

# µs of service CPU per upload from "created errors ticks compiler_ticks"; cpu_us_net without the
# compiler's part.
cpu_us() { awk -v hz="$TICKS_PER_SECOND" '{ printf "%.0f", ($1 > 0 ? $3 / hz * 1e6 / $1 : 0) }' <<<"$1"; }
cpu_us_net() { awk -v hz="$TICKS_PER_SECOND" '{ printf "%.0f", ($1 > 0 ? ($3 - $4) / hz * 1e6 / $1 : 0) }' <<<"$1"; }
# µs of the PostgreSQL backends' CPU per upload.
backend_us() { awk -v hz="$TICKS_PER_SECOND" '{ printf "%.0f", ($1 > 0 ? $5 / hz * 1e6 / $1 : 0) }' <<<"$1"; }
median() {
  printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {
    printf "%.2f", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

for i in 0 1; do
  bench_log "warming up ${NAMES[$i]} for ${WARMUP}s..."
  upload "$i" "$((100 + i))" "$WARMUP" >/dev/null
done

RATIOS=()
NET_RATIOS=()
TOTAL_RATIOS=()
LINES=()
for p in $(seq "$PAIRS"); do
  results=()
  for i in 0 1; do
    bench_log "pair $p of $PAIRS: ${NAMES[$i]}, ${SECONDS_PER_RUN}s (load $(cut -d' ' -f1 /proc/loadavg))..."
    r="$(upload "$i" "$((p * 10 + i))" "$SECONDS_PER_RUN")"
    read -r created errors _ <<<"$r"
    backend=""
    [ "$DB" != postgres ] || backend=", PostgreSQL backends $(backend_us "$r") µs"
    results+=("$(cpu_us "$r") µs, $(cpu_us_net "$r") without JIT$backend ($created uploads, $errors errors, $(awk -v c="$created" -v s="$SECONDS_PER_RUN" 'BEGIN { printf "%.0f", c / s }')/s)")
    us[i]="$(cpu_us "$r")"
    net[i]="$(cpu_us_net "$r")"
    total[i]="$((us[i] + $(backend_us "$r")))"
  done
  ratio="$(bench_ratio "${us[1]}" "${us[0]}")"
  net_ratio="$(bench_ratio "${net[1]}" "${net[0]}")"
  RATIOS+=("$ratio")
  NET_RATIOS+=("$net_ratio")
  total_ratio=""
  if [ "$DB" = postgres ]; then
    TOTAL_RATIOS+=("$(bench_ratio "${total[1]}" "${total[0]}")")
    total_ratio=", with the backends ${TOTAL_RATIOS[-1]}"
  fi
  LINES+=("  pair $p: A ${results[0]}  B ${results[1]}  B/A $ratio, without JIT $net_ratio$total_ratio")
done

echo
echo "=== upload A/B: $(date -u '+%Y-%m-%d %H:%M UTC'), $DB, $(nproc) cores, $CONNECTIONS connections, ${SECONDS_PER_RUN}s per run after ${WARMUP}s of warm-up each"
echo "A: ${JARS[0]}"
echo "B: ${JARS[1]}"
echo "service CPU per upload (utime + stime / uploads created):"
printf '%s\n' "${LINES[@]}"
echo "median of the ratios B/A: $(median "${RATIOS[@]}")  (ratios: ${RATIOS[*]})"
echo "without the JIT compiler threads: $(median "${NET_RATIOS[@]}")  (ratios: ${NET_RATIOS[*]})"
[ "$DB" != postgres ] ||
  echo "service + PostgreSQL backends: $(median "${TOTAL_RATIOS[@]}")  (ratios: ${TOTAL_RATIOS[*]})"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
