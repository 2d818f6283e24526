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

# Profile (not a test): where the service's CPU goes on the upload path. Starts the service jar
# (embedded H2, or PostgreSQL with BENCH_PROFILE_DB=postgres), warms it up with UploadBench
# (distinct 100 KiB PNGs, 32 connections, as bench/upload.sh), then records JFR (settings=profile)
# over BENCH_PROFILE_SECONDS (30) of the same load and prints bench/JfrTop.java's tables: samples
# per thread group, and per method of the request threads (inclusive and self); also the
# service's CPU per upload over the recorded run (utime + stime from /proc).
#
# Usage: bench/upload-profile.sh [JAR]   (default: this checkout's service jar, built when stale)
# Keeps the recording in bench/.work/upload-profile-<db>.jfr.
set -euo pipefail
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

[ $# -le 1 ] || bench_fail "usage: bench/upload-profile.sh [JAR]"
if [ $# = 1 ]; then
  BENCH_SERVICE_JAR="$(realpath "$1")"
else
  bench_build_service
fi
DB="${BENCH_PROFILE_DB:-h2}"
SECONDS_RECORDED="${BENCH_PROFILE_SECONDS:-30}"
WARMUP="${BENCH_PROFILE_WARMUP:-30}"
CONNECTIONS="${BENCH_PROFILE_CONNECTIONS:-32}"
PID=""
RUN=""

cleanup() {
  bench_stop "$PID"
  [ "$DB" != postgres ] || bench_pg_drop
  [ -z "$RUN" ] || [ -n "${BENCH_KEEP:-}" ] || rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$BENCH_WORK"
RUN="$(mktemp -d "$BENCH_WORK/upload-profile.XXXXXX")"
"$JAVA_HOME/bin/java" -Djava.awt.headless=true "$BENCH_ROOT/bench/MakeNoisePngs.java" "$RUN/upload" 64 100 2
[ "$DB" != postgres ] || bench_pg_database
bench_start_service uploader "$RUN/service" "$RUN/service.log" -XX:-UseDynamicNumberOfCompilerThreads
PID="$SERVICE_PID"
bench_log "service pid $PID at $SERVICE_URL ($DB); warming up for ${WARMUP}s..."

upload() {
  "$JAVA_HOME/bin/java" "$BENCH_ROOT/bench/UploadBench.java" "$SERVICE_URL" bench "$RUN/upload" \
    "$CONNECTIONS" "$1" "$2"
}
upload "$WARMUP" 1 >/dev/null
JFR="$BENCH_WORK/upload-profile-$DB.jfr"
rm -f "$JFR"
"$JAVA_HOME/bin/jcmd" "$PID" JFR.start name=upload settings=profile >/dev/null
# Each thread's utime + stime by thread name (digits dropped: one line per pool), from /proc.
thread_ticks() {
  cat /proc/"$PID"/task/*/stat 2>/dev/null | awk '{
    name = $0; sub(/^[0-9]+ \(/, "", name); sub(/\) .*$/, "", name); gsub(/[-#0-9 ]+$/, "", name)
    rest = $0; sub(/^.*\) /, "", rest); split(rest, f, " "); t[name] += f[12] + f[13] }
    END { for (n in t) print n "\t" t[n] }' | sort
}
threads_before="$(thread_ticks)"
read -r utime_before stime_before < <(awk '{print $14, $15}' "/proc/$PID/stat")
bench_log "recording ${SECONDS_RECORDED}s (load $(cut -d' ' -f1 /proc/loadavg))..."
out="$(upload "$SECONDS_RECORDED" 2)"
read -r utime_after stime_after < <(awk '{print $14, $15}' "/proc/$PID/stat")
threads_after="$(thread_ticks)"
"$JAVA_HOME/bin/jcmd" "$PID" JFR.stop name=upload filename="$JFR" >/dev/null
created="$(sed -n 's/^result uploads_created //p' <<<"$out")"
echo "=== upload profile: $(date -u '+%Y-%m-%d %H:%M UTC'), $DB, $CONNECTIONS connections, ${SECONDS_RECORDED}s after ${WARMUP}s of warm-up"
echo "$out" | grep '^result'
awk -v u="$((utime_after - utime_before))" -v s="$((stime_after - stime_before))" \
  -v hz="$(getconf CLK_TCK)" -v n="$created" 'BEGIN { if (n > 0) printf \
  "service CPU per upload: %.2f ms (user %.2f, system %.2f)\n", (u + s) / hz * 1000 / n, u / hz * 1000 / n, s / hz * 1000 / n }'
echo "service CPU per upload by thread (ms; threads still running at the end):"
join -t $'\t' -a 2 -e 0 -o 0,1.2,2.2 <(echo "$threads_before") <(echo "$threads_after") |
  awk -F'\t' -v hz="$(getconf CLK_TCK)" -v n="$created" '$3 - $2 > 0 {
    printf "%6.3f  %s\n", ($3 - $2) / hz * 1000 / n, $1 }' | sort -gr
"$JAVA_HOME/bin/java" "$BENCH_ROOT/bench/JfrTop.java" "$JFR" "${BENCH_PROFILE_TOP:-45}"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
