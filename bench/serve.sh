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

# Benchmark (not a test: it prints rates and ratios, it never fails on a time). Side by side in
# one run, on this machine:
#
#   download   GET /images/{uuid} of one 100 KiB PNG: the image service against nginx serving the
#              same file from disk (sendfile, access log off, same URL path), with wrk (2 threads,
#              BENCH_SERVE_CONNECTIONS connections, 32, --latency), BENCH_SERVE_ROUNDS rounds (5) of
#              BENCH_SERVE_SECONDS (10 s) each, the two servers taking turns (service first in odd
#              rounds, nginx first in even ones) so both see the same machine load. Per round:
#              requests/s, p50 and p99 latency, the ratio, and each server's own CPU time per
#              request from /proc (what the load generator sharing the cores does not blur),
#              after a warm-up of BENCH_SERVE_WARMUP_SECONDS (as long as a turn) for each;
#   upload     PUT /images/{uuid} of distinct 100 KiB PNGs (every request stores new bytes) with
#              the same number of connections (bench/UploadBench.java), after as long a warm-up,
#              against the download rate; and, as the reference, what the disk alone takes: new
#              100 KiB files per second, with and without fsync (bench/FileWriteCeiling.java).
#
# Goals (issues 6, 14): downloads at least nginx's requests per second, in every round; uploads at least half the
# download rate, without an error. Needs wrk and nginx (installed with apt-get when missing and
# root), a JDK 21+, curl. The service runs on embedded H2 and local disk in bench/.work/serve.*;
# BENCH_JAVA_OPTS adds JVM options to it (a JFR recording, say).
#
# BENCH_SERVE_PIN=1 gives each side a core of its own (taskset): wrk on CPU 0, the servers (every
# thread of the service's JVM; nginx's master and workers) on CPU 1. Then requests/s is what one
# core serves, not who wins the scheduler's shares of cores that the load generator uses too.
#
# BENCH_CEILING=1 adds a third side, "jetty alone" (bench/JettyCeiling.java serve: the service's
# Jetty, configured as the service configures it, answering the same bytes with the same headers
# from memory, no application code), taking turns with the other two in the same rounds (the
# order rotates each round); its requests/s, p50/p99, CPU per request and ratio to nginx are
# printed in the same table. BENCH_CEILING=selector declares its handler non-blocking, so Jetty
# may answer in its selector thread (the service's handlers are blocking). Unset: the output is
# the two-sided one. BENCH_CEILING_JAVA_OPTS adds JVM options to Jetty alone.
#
# Usage: bench/serve.sh      (quick: BENCH_SERVE_SECONDS=3 BENCH_SERVE_ROUNDS=1 bench/serve.sh)
set -euo pipefail
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

SECONDS_PER_RUN="${BENCH_SERVE_SECONDS:-10}"
CONNECTIONS="${BENCH_SERVE_CONNECTIONS:-32}"
ROUNDS="${BENCH_SERVE_ROUNDS:-5}"
WARMUP_SECONDS="${BENCH_SERVE_WARMUP_SECONDS:-$SECONDS_PER_RUN}"
PIN="${BENCH_SERVE_PIN:-}"
CEILING="${BENCH_CEILING:-}"
case "$CEILING" in
  "" | 1 | selector) ;;
  *) echo "BENCH_CEILING is 1 or selector, not $CEILING" >&2; exit 2 ;;
esac
WRK=(wrk)
[ -z "$PIN" ] || WRK=(taskset -c 0 wrk)
RUN=""
SERVICE_PID=""
NGINX_PID=""
CEILING_PID=""

cleanup() {
  bench_stop "$SERVICE_PID"
  bench_stop "$NGINX_PID"
  bench_stop "$CEILING_PID"
  [ -z "$RUN" ] || [ -n "${BENCH_KEEP:-}" ] || rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bench_tools wrk nginx

LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
bench_build_service
mkdir -p "$BENCH_WORK"
RUN="$(mktemp -d "$BENCH_WORK/serve.XXXXXX")"

bench_log "generating 1 + 64 PNGs of 100 KiB..."
"$JAVA_HOME/bin/java" -Djava.awt.headless=true "$BENCH_ROOT/bench/MakeNoisePngs.java" "$RUN/download" 1 100 1
# Uploads make each body distinct from these (bench/UploadBench.java).
"$JAVA_HOME/bin/java" -Djava.awt.headless=true "$BENCH_ROOT/bench/MakeNoisePngs.java" "$RUN/upload" 64 100 2
PNG="$(ls "$RUN/download"/*.png)"
UUID="$(basename "$PNG" .png)"
SIZE="$(stat -c %s "$PNG")"

# --- the image service --- (BENCH_JAVA_OPTS: e.g. a JFR recording)
# shellcheck disable=SC2086
bench_start_service uploader "$RUN/service" "$RUN/service.log" ${BENCH_JAVA_OPTS:-}
status="$(curl -sS -o /dev/null -w '%{http_code}' -u "bench:$BENCH_SERVICE_PASSWORD" -X PUT \
  -H 'Content-Type: image/png' --data-binary "@$PNG" "${SERVICE_URL}images/$UUID")"
[ "$status" = 201 ] || bench_fail "uploading the download image answered $status"

# --- nginx, serving the same file at the same path ---
mkdir -p "$RUN/nginx/root/images"
cp "$PNG" "$RUN/nginx/root/images/$UUID"
chmod a+x "$RUN"
bench_start_nginx "$RUN/nginx" "sendfile on; tcp_nopush on; types { image/png png; } default_type image/png;" ""
for _ in $(seq 100); do
  curl -fsS -o /dev/null "${NGINX_URL}images/$UUID" 2>/dev/null && break
  sleep 0.1
done
cmp -s <(curl -fsS "${NGINX_URL}images/$UUID") "$PNG" || bench_fail "nginx does not serve the file"
cmp -s <(curl -fsS "${SERVICE_URL}images/$UUID") "$PNG" || bench_fail "the service does not serve the image"
# --- Jetty alone, the same bytes from memory at the same path (BENCH_CEILING) ---
if [ -n "$CEILING" ]; then
  in_selector=()
  [ "$CEILING" != selector ] || in_selector=(--in-selector)
  bench_start_ceiling "$RUN/ceiling.log" serve "$PNG" "${in_selector[@]}"
  cmp -s <(curl -fsS "${CEILING_URL}images/$UUID") "$PNG" || bench_fail "JettyCeiling does not serve the file"
fi
if [ -n "$PIN" ]; then
  for pid in "$SERVICE_PID" "$NGINX_PID" $(pgrep -P "$NGINX_PID") $CEILING_PID; do
    taskset -a -cp 1 "$pid" >/dev/null || bench_fail "taskset could not pin $pid"
  done
fi

# CPU time so far (user + system, in clock ticks) of the service's JVM and of nginx (master and
# workers): what a request costs each server, whatever else runs on the machine (wrk and both
# servers share the cores, so requests per second also measure who got the CPU).
service_ticks() { bench_cpu_ticks "$SERVICE_PID"; }
nginx_ticks() { bench_cpu_ticks "$NGINX_PID"; }
ceiling_ticks() { bench_cpu_ticks "$CEILING_PID"; }

# wrk_turn NAME URL TICKS_FUNCTION: one turn of wrk (BENCH_SERVE_CONNECTIONS connections, 2
# threads, --latency) against a server; non-2xx answers fail the run. Sets TURN_RATE (requests/s),
# TURN_P50 and TURN_P99 (ms) and TURN_CPU (the server's CPU µs per request in the turn).
wrk_turn() {
  local out before ticks requests
  before="$($3)"
  out="$("${WRK[@]}" -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency "$2")"
  ticks=$(($($3) - before))
  if grep -q 'Non-2xx or 3xx responses' <<<"$out"; then
    echo "$out" >&2
    bench_fail "errors from $1 ($2)"
  fi
  printf '== %s\n%s\n' "$1" "$out" >>"$RUN/wrk.log"
  requests="$(awk '/requests in/ {print $1}' <<<"$out")"
  TURN_RATE="$(sed -n 's/^Requests\/sec: *//p' <<<"$out")"
  TURN_P50="$(wrk_percentile 50 <<<"$out")"
  TURN_P99="$(wrk_percentile 99 <<<"$out")"
  TURN_CPU="$(bench_cpu_us_per "$ticks" "$requests")"
}

# wrk_percentile P: wrk's --latency line of percentile P, in milliseconds.
wrk_percentile() {
  awk -v p="$1%" '$1 == p && NF == 2 {
    v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
    printf "%.2f\n", v * (u == "us" ? 0.001 : u == "s" ? 1000 : u == "m" ? 60000 : 1) }'
}

# Warm up both (JIT, page cache), as long as each turn: on a loaded machine the JIT needs that much
# (3 s left the first rounds measuring the compiler: 800 µs of CPU per request, 65 µs in the fifth).
"${WRK[@]}" -t2 -c"$CONNECTIONS" -d"${WARMUP_SECONDS}s" "${SERVICE_URL}images/$UUID" >/dev/null
"${WRK[@]}" -t2 -c"$CONNECTIONS" -d"${WARMUP_SECONDS}s" "${NGINX_URL}images/$UUID" >/dev/null
[ -z "$CEILING" ] || "${WRK[@]}" -t2 -c"$CONNECTIONS" -d"${WARMUP_SECONDS}s" "${CEILING_URL}images/$UUID" >/dev/null
OURS=()
THEIRS=()
RATIOS=()
OURS_P99=()
THEIRS_P99=()
OURS_CPU=()
THEIRS_CPU=()
ROUND_LINES=()
JETTY=()
JETTY_RATIOS=()
JETTY_P99=()
JETTY_CPU=()
for r in $(seq "$ROUNDS"); do
  # Odd rounds the service goes first, even rounds nginx: neither always follows the other. With
  # Jetty alone too, the three rotate: each goes first, second and third in turn.
  if [ -n "$CEILING" ]; then
    case $((r % 3)) in
      1) order="service nginx jetty" ;;
      2) order="nginx jetty service" ;;
      0) order="jetty service nginx" ;;
    esac
  elif ((r % 2)); then order="service nginx"; else order="nginx service"; fi
  bench_log "round $r of $ROUNDS: ${order// /, then }, ${SECONDS_PER_RUN}s each..."
  for who in $order; do
    case "$who" in
      service)
        wrk_turn service "${SERVICE_URL}images/$UUID" service_ticks
        o_rate="$TURN_RATE" o_p50="$TURN_P50" o_p99="$TURN_P99" o_cpu="$TURN_CPU"
        ;;
      nginx)
        wrk_turn nginx "${NGINX_URL}images/$UUID" nginx_ticks
        n_rate="$TURN_RATE" n_p50="$TURN_P50" n_p99="$TURN_P99" n_cpu="$TURN_CPU"
        ;;
      jetty)
        wrk_turn "jetty alone" "${CEILING_URL}images/$UUID" ceiling_ticks
        j_rate="$TURN_RATE" j_p50="$TURN_P50" j_p99="$TURN_P99" j_cpu="$TURN_CPU"
        ;;
    esac
  done
  ratio="$(bench_ratio "$o_rate" "$n_rate")"
  OURS+=("$o_rate") THEIRS+=("$n_rate") RATIOS+=("$ratio")
  OURS_P99+=("$o_p99") THEIRS_P99+=("$n_p99") OURS_CPU+=("$o_cpu") THEIRS_CPU+=("$n_cpu")
  if [ -n "$CEILING" ]; then
    j_ratio="$(bench_ratio "$j_rate" "$n_rate")"
    JETTY+=("$j_rate") JETTY_RATIOS+=("$j_ratio") JETTY_P99+=("$j_p99") JETTY_CPU+=("$j_cpu")
    ROUND_LINES+=("$(printf '  %5s %9.0f %6s %7s %9.0f %6s %7s %9.0f %6s %7s %6s× %6s× %5s %5s %5s' "$r" \
      "$o_rate" "$o_p50" "$o_p99" "$n_rate" "$n_p50" "$n_p99" "$j_rate" "$j_p50" "$j_p99" \
      "$ratio" "$j_ratio" "$o_cpu" "$n_cpu" "$j_cpu")")
  else
    ROUND_LINES+=("$(printf '  %5s %10.0f %7s %8s %10.0f %7s %8s %7s× %8s %8s' "$r" "$o_rate" "$o_p50" \
      "$o_p99" "$n_rate" "$n_p50" "$n_p99" "$ratio" "$o_cpu" "$n_cpu")")
  fi
done
OURS_MEDIAN="$(bench_median "${OURS[@]}")"
THEIRS_MEDIAN="$(bench_median "${THEIRS[@]}")"
RATIO_MEDIAN="$(BENCH_MEDIAN_DECIMALS=2 bench_median "${RATIOS[@]}")"
RATIO_MIN="$(printf '%s\n' "${RATIOS[@]}" | sort -g | head -n 1)"
if [ -n "$CEILING" ]; then
  JETTY_RATIO_MEDIAN="$(BENCH_MEDIAN_DECIMALS=2 bench_median "${JETTY_RATIOS[@]}")"
  JETTY_RATIO_MIN="$(printf '%s\n' "${JETTY_RATIOS[@]}" | sort -g | head -n 1)"
fi

bench_log "uploads: warming up ${SECONDS_PER_RUN}s, then $CONNECTIONS connections, ${SECONDS_PER_RUN}s..."
"$JAVA_HOME/bin/java" "$BENCH_ROOT/bench/UploadBench.java" "$SERVICE_URL" bench "$RUN/upload" \
  "$CONNECTIONS" "$SECONDS_PER_RUN" 1 >/dev/null
before="$(service_ticks)"
"$JAVA_HOME/bin/java" "$BENCH_ROOT/bench/UploadBench.java" "$SERVICE_URL" bench "$RUN/upload" \
  "$CONNECTIONS" "$SECONDS_PER_RUN" 2 >"$RUN/upload.out"
PUT_TICKS=$(($(service_ticks) - before))
result() { sed -n "s/^result $1 //p" "$RUN/upload.out"; }
UPLOADS="$(result uploads_per_s)"

# The disk's own ceiling for uploads: new 100 KiB files per second, plain and flushed, same threads.
bench_log "the disk alone: new 100 KiB files, $CONNECTIONS threads, ${SECONDS_PER_RUN}s twice..."
"$JAVA_HOME/bin/java" "$BENCH_ROOT/bench/FileWriteCeiling.java" "$RUN/files" "$CONNECTIONS" \
  "$SECONDS_PER_RUN" >"$RUN/files.out"
rm -rf "$RUN/files"
ceiling() { sed -n "s/^result $1 //p" "$RUN/files.out"; }

echo
echo "=== serve benchmark: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(wrk --version 2>&1 | head -n 1 | cut -d' ' -f1-2), nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///')"
echo "one PNG of $SIZE bytes; wrk -t2 -c$CONNECTIONS --latency on both; $ROUNDS rounds of ${SECONDS_PER_RUN}s, taking turns"
echo "nginx: sendfile on, tcp_nopush on, access_log off, worker_processes auto; the service logs no request either"
[ -z "$PIN" ] || echo "pinned: wrk on CPU 0, each server (all its threads or processes) on CPU 1"
echo "load average at the start: $LOAD_START, at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
echo
echo "GET /images/{uuid}: requests/s, latency p50 / p99 (ms), ratio of requests/s, each server's own CPU per request (µs, /proc)"
if [ -n "$CEILING" ]; then
  echo "jetty: bench/JettyCeiling.java serve${in_selector[*]:+ ${in_selector[*]}}, the service's Jetty alone ($(grep -m1 '^jetty ' "$RUN/ceiling.log"))"
  printf '  %5s %9s %6s %7s %9s %6s %7s %9s %6s %7s %7s %7s %5s %5s %5s\n' round service p50 p99 nginx p50 p99 \
    jetty p50 p99 svc/ngx jet/ngx "CPU s" "ngx" "jetty"
  printf '%s\n' "${ROUND_LINES[@]}"
  printf '  %5s %9.0f %6s %7s %9.0f %6s %7s %9.0f %6s %7s %6s× %6s× %5s %5s %5s\n' median "$OURS_MEDIAN" "" \
    "$(bench_median "${OURS_P99[@]}")" "$THEIRS_MEDIAN" "" "$(bench_median "${THEIRS_P99[@]}")" \
    "$(bench_median "${JETTY[@]}")" "" "$(bench_median "${JETTY_P99[@]}")" "$RATIO_MEDIAN" "$JETTY_RATIO_MEDIAN" \
    "$(bench_median "${OURS_CPU[@]}" | cut -d. -f1)" "$(bench_median "${THEIRS_CPU[@]}" | cut -d. -f1)" \
    "$(bench_median "${JETTY_CPU[@]}" | cut -d. -f1)"
  echo "  (median ratio = median of the per-round ratios; lowest round: service $RATIO_MIN×, jetty alone $JETTY_RATIO_MIN×)"
else
  printf '  %5s %10s %7s %8s %10s %7s %8s %8s %8s %8s\n' round service p50 p99 nginx p50 p99 ratio "CPU svc" "CPU ngx"
  printf '%s\n' "${ROUND_LINES[@]}"
  printf '  %5s %10.0f %7s %8s %10.0f %7s %8s %7s× %8s %8s\n' median "$OURS_MEDIAN" "" \
    "$(bench_median "${OURS_P99[@]}")" "$THEIRS_MEDIAN" "" "$(bench_median "${THEIRS_P99[@]}")" \
    "$RATIO_MEDIAN" "$(bench_median "${OURS_CPU[@]}" | cut -d. -f1)" "$(bench_median "${THEIRS_CPU[@]}" | cut -d. -f1)"
  echo "  (median ratio = median of the per-round ratios; lowest round $RATIO_MIN×)"
fi
echo
printf '  %-52s %12s %10s\n' "" "requests/s" "ratio"
printf '  %-52s %12s %10s\n' "PUT /images/{uuid}, distinct 100 KiB PNGs" "$UPLOADS" "$(bench_ratio "$UPLOADS" "$OURS_MEDIAN")× our GET"
echo "  the service's CPU per upload: $(bench_cpu_us_per "$PUT_TICKS" "$(result uploads_created)") µs"
printf '  %-52s %12s %10s\n' "new 100 KiB files + fsync, nothing else (the disk)" "$(ceiling synced_files_per_s)" "$(bench_ratio "$UPLOADS" "$(ceiling synced_files_per_s)")× (ours)"
printf '  %-52s %12s\n' "new 100 KiB files, no fsync" "$(ceiling files_per_s)"
echo "  uploads: $(result uploads_created) created, $(result uploads_errors) errors, $(result uploads_mb_per_s) MB/s"
echo "goals: downloads ≥ 1.00× nginx in every round; uploads ≥ 0.50× our downloads with 0 errors"
[ "$(result uploads_errors)" = 0 ] || exit 1
