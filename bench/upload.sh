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

# Benchmark (not a test: it prints rates and ratios, it never fails on a time). Uploads of the
# image service against nginx's WebDAV PUT, side by side in one run, on this machine:
#
#   service    PUT /images/{id} of distinct 100 KiB PNGs (bench/UploadBench.java: every request a
#              valid PNG with its own SHA-256, under its content id), the real jar (`serve`, config
#              in bench/.work), first on embedded H2, then on PostgreSQL (tools/postgres/ensure.sh,
#              a database of its own); each upload is fsynced before it is acknowledged;
#   nginx      `dav_methods PUT` into a directory on the same disk, the same bodies from the same
#              client with the same connections (nginx writes a temporary file and renames it; it
#              does not fsync);
#   the disk   new 100 KiB files per second from as many threads, with and without fsync
#              (bench/FileWriteCeiling.java): what the fsync alone costs on this disk.
#
# For each database: both are warmed up (BENCH_UPLOAD_WARMUP, 30 s, each), then they take turns
# for BENCH_UPLOAD_ROUNDS rounds (5) of BENCH_UPLOAD_SECONDS (10 s) each, the order swapped every
# round, at BENCH_UPLOAD_CONNECTIONS connections (32). Each round prints uploads/s, p50/p99
# latency, errors, the service's CPU per upload (utime + stime from /proc) and the ratio
# service / nginx; then the median of the ratios. nginx's files are removed after each of its
# turns (untimed). BENCH_UPLOAD_DATABASES ("h2 postgres") picks the databases; BENCH_JAVA_OPTS
# adds JVM options to the service (a JFR recording, say).
#
# BENCH_CEILING=1 adds a third side, "jetty alone" (bench/JettyCeiling.java receive: the
# service's Jetty, configured as the service configures it, streaming each body into a file while
# hashing it with SHA-256, then the service's own LocalBlobStore.put: linked into place under its
# hash, file and directory fsynced; 201; no database, PNG check or authentication), taking turns
# with the other two in the same rounds of each database (the order rotates each round), printed
# in the same table with its ratio to nginx. Its files are removed after each of its turns
# (untimed), its directories kept, as the service's store keeps them. Unset: the output is the
# two-sided one. BENCH_CEILING_JAVA_OPTS adds JVM options to Jetty alone.
#
# Goal (issue 14): uploads at least 0.5× nginx's PUT, 0 errors, on H2 and on PostgreSQL.
#
# Usage: bench/upload.sh   (quick: BENCH_UPLOAD_ROUNDS=1 BENCH_UPLOAD_SECONDS=3 BENCH_UPLOAD_WARMUP=3)
set -euo pipefail
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

ROUNDS="${BENCH_UPLOAD_ROUNDS:-5}"
SECONDS_PER_RUN="${BENCH_UPLOAD_SECONDS:-10}"
WARMUP="${BENCH_UPLOAD_WARMUP:-30}"
CONNECTIONS="${BENCH_UPLOAD_CONNECTIONS:-32}"
DATABASES="${BENCH_UPLOAD_DATABASES:-h2 postgres}"
CEILING="${BENCH_CEILING:-}"
RUN=""
SERVICE_PID=""
NGINX_PID=""
CEILING_PID=""
PG_DB=""

drop_pg_db() {
  [ -n "$PG_DB" ] || return 0
  pg_psql -c "DROP DATABASE IF EXISTS $PG_DB" >/dev/null 2>&1 || true
  PG_DB=""
}
cleanup() {
  bench_stop "$SERVICE_PID"
  bench_stop "$NGINX_PID"
  bench_stop "$CEILING_PID"
  drop_pg_db
  [ -z "$RUN" ] || [ -n "${BENCH_KEEP:-}" ] || rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bench_tools nginx
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
"$NGINX" -V 2>&1 | grep -q http_dav_module || bench_fail "this nginx has no dav module"

LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
bench_build_service
mkdir -p "$BENCH_WORK"
RUN="$(mktemp -d "$BENCH_WORK/upload.XXXXXX")"
# nginx's workers drop to an unprivileged user when started as root: let them in.
chmod a+rx "$RUN"

bench_log "generating 64 PNGs of 100 KiB (each request makes its own distinct copy)..."
"$JAVA_HOME/bin/java" -Djava.awt.headless=true "$BENCH_ROOT/bench/MakeNoisePngs.java" "$RUN/pngs" 64 100 2
# The first PNG by glob, not `ls | head`: with pipefail, ls dies of SIGPIPE when its output
# (64 long paths) needs a second write after head has gone, and the bench with it.
PNGS=("$RUN/pngs"/*.png)
SIZE="$(stat -c %s "${PNGS[0]}")"

# --- nginx: WebDAV PUT into a directory on the same disk ---
# A body is written to a temporary file in $RUN/nginx/tmp, then renamed into place (same file system).
mkdir -p "$RUN/nginx/root/images"
bench_start_nginx "$RUN/nginx" "client_body_buffer_size 128k; client_max_body_size 64m;" \
  "location /images/ { dav_methods PUT; create_full_put_path on; dav_access user:rw group:r all:r; }"
PROBE="${PNGS[0]}"
for _ in $(seq 100); do
  status="$(curl -sS -o /dev/null -w '%{http_code}' -X PUT --data-binary "@$PROBE" "${NGINX_URL}images/probe" 2>/dev/null || true)"
  [ "$status" = 201 ] && break
  sleep 0.1
done
[ "$status" = 201 ] || { cat "$RUN/nginx/out.log" "$RUN/nginx/error.log" >&2 2>/dev/null; bench_fail "nginx's PUT answered $status"; }
cmp -s "$PROBE" "$RUN/nginx/root/images/probe" || bench_fail "nginx did not store the PUT body"
rm -f "$RUN/nginx/root/images/probe"

# --- Jetty alone: the body hashed, stored and fsynced as the service's blob store does (BENCH_CEILING) ---
if [ -n "$CEILING" ]; then
  mkdir -p "$RUN/ceiling"
  bench_start_ceiling "$RUN/ceiling.log" receive "$RUN/ceiling"
  status="$(curl -sS -o /dev/null -w '%{http_code}' -X PUT --data-binary "@$PROBE" "${CEILING_URL}images/probe")"
  [ "$status" = 201 ] || bench_fail "JettyCeiling's PUT answered $status"
  sum="$(sha256sum "$PROBE" | cut -c1-64)"
  cmp -s "$PROBE" "$RUN/ceiling/${sum:0:2}/${sum:2:2}/$sum" || bench_fail "JettyCeiling did not store the PUT body"
  find "$RUN/ceiling" -type f -delete
fi

# --- PostgreSQL: the shared loopback server, a database of our own ---
PG_URL_BASE=""
pg_psql() {
  PGPASSWORD="$IMAGESTORE_TEST_PG_PASSWORD" psql -h "$PG_HOST" -p "$PG_PORT" -U "$IMAGESTORE_TEST_PG_USER" \
    -d "$PG_ADMIN_DB" -qAt -v ON_ERROR_STOP=1 "$@"
}
pg_setup() {
  eval "$("$BENCH_ROOT/tools/postgres/ensure.sh")"
  [ -n "${IMAGESTORE_TEST_PG_PASSWORD:-}" ] || . "${IMAGESTORE_TEST_PG_DIR:-/tmp/imagestore-test-pg}/env"
  # jdbc:postgresql://HOST:PORT/DB
  local rest="${IMAGESTORE_TEST_PG_URL#jdbc:postgresql://}"
  PG_HOST="${rest%%:*}"
  rest="${rest#*:}"
  PG_PORT="${rest%%/*}"
  PG_ADMIN_DB="${rest#*/}"
  PG_ADMIN_DB="${PG_ADMIN_DB%%\?*}"
  PG_URL_BASE="jdbc:postgresql://$PG_HOST:$PG_PORT/"
}

# --- measuring ---
service_ticks() { bench_cpu_ticks "$SERVICE_PID"; }
nginx_ticks() { bench_cpu_ticks "$NGINX_PID"; }
ceiling_ticks() { bench_cpu_ticks "$CEILING_PID"; }

# put URL TAG SECONDS TICKS_FN: runs UploadBench; prints "rate p50 p99 created errors cpu_us".
put() {
  local url="$1" tag="$2" seconds="$3" ticks="$4" before out created
  before="$($ticks)"
  out="$("$JAVA_HOME/bin/java" "$BENCH_ROOT/bench/UploadBench.java" "$url" bench "$RUN/pngs" \
    "$CONNECTIONS" "$seconds" "$tag")"
  local spent=$(($($ticks) - before))
  r() { sed -n "s/^result $1 //p" <<<"$out"; }
  created="$(r uploads_created)"
  echo "$(r uploads_per_s) $(r p50_ms) $(r p99_ms) $created $(r uploads_errors) $(bench_cpu_us_per "$spent" "$created")"
}
clear_nginx() { find "$RUN/nginx/root/images" -mindepth 1 -delete; }
clear_ceiling() { find "$RUN/ceiling" -type f -delete; }

REPORT=()
GOALS=()
TOTAL_ERRORS=0
TAG=0
for db in $DATABASES; do
  config=""
  case "$db" in
    h2) ;;
    postgres)
      pg_setup
      PG_DB="bench_upload_$$_$RANDOM"
      pg_psql -c "CREATE DATABASE $PG_DB" >/dev/null
      config="$RUN/service-$db.properties"
      (
        umask 077
        printf 'db-url=%s\ndb-user=%s\ndb-password=%s\n' "$PG_URL_BASE$PG_DB" \
          "$IMAGESTORE_TEST_PG_USER" "$IMAGESTORE_TEST_PG_PASSWORD" >"$config"
      )
      ;;
    *) bench_fail "unknown database $db (h2, postgres)" ;;
  esac
  # shellcheck disable=SC2086
  BENCH_SERVICE_CONFIG="$config" bench_start_service uploader "$RUN/service-$db" "$RUN/service-$db.log" \
    ${BENCH_JAVA_OPTS:-}
  bench_log "$db: service pid $SERVICE_PID at $SERVICE_URL; nginx at $NGINX_URL"

  bench_log "$db: warming up the service and nginx, ${WARMUP}s each..."
  TAG=$((TAG + 1))
  put "$SERVICE_URL" "$((TAG * 100))" "$WARMUP" service_ticks >/dev/null
  put "$NGINX_URL" "$((TAG * 100 + 1))" "$WARMUP" nginx_ticks >/dev/null
  clear_nginx
  if [ -n "$CEILING" ]; then
    bench_log "$db: warming up Jetty alone (at $CEILING_URL), ${WARMUP}s..."
    put "$CEILING_URL" "$((TAG * 100 + 99))" "$WARMUP" ceiling_ticks >/dev/null
    clear_ceiling
  fi

  RATIOS=()
  JETTY_RATIOS=()
  LINES=()
  for round in $(seq "$ROUNDS"); do
    order=(service nginx)
    [ $((round % 2)) = 1 ] || order=(nginx service)
    if [ -n "$CEILING" ]; then
      # Each of the three goes first, second and third in turn.
      case $((round % 3)) in
        1) order=(service nginx jetty) ;;
        2) order=(nginx jetty service) ;;
        0) order=(jetty service nginx) ;;
      esac
    fi
    for side in "${order[@]}"; do
      bench_log "$db round $round of $ROUNDS: $side, ${SECONDS_PER_RUN}s (load $(cut -d' ' -f1 /proc/loadavg))..."
      case "$side" in
        service) ours="$(put "$SERVICE_URL" "$((TAG * 100 + round * 3))" "$SECONDS_PER_RUN" service_ticks)" ;;
        nginx)
          theirs="$(put "$NGINX_URL" "$((TAG * 100 + round * 3 + 1))" "$SECONDS_PER_RUN" nginx_ticks)"
          clear_nginx
          ;;
        jetty)
          jetty="$(put "$CEILING_URL" "$((TAG * 100 + round * 3 + 2))" "$SECONDS_PER_RUN" ceiling_ticks)"
          clear_ceiling
          ;;
      esac
    done
    read -r o_rate o_p50 o_p99 _ o_err o_cpu <<<"$ours"
    read -r t_rate t_p50 t_p99 _ t_err t_cpu <<<"$theirs"
    TOTAL_ERRORS=$((TOTAL_ERRORS + o_err + t_err))
    ratio="$(bench_ratio "$o_rate" "$t_rate")"
    # A side that finished no request in its turn (a machine loaded far beyond its cores) measured
    # nothing: the round counts in no median.
    if [ "$(awk -v a="$o_rate" -v b="$t_rate" 'BEGIN { print (a + 0 > 0 && b + 0 > 0) }')" = 1 ]; then
      RATIOS+=("$ratio")
    else
      ratio="n/a"
    fi
    line="$(printf '  %-8s %2s  %8s %7s %7s %6s %8s  %8s %7s %7s %6s %8s  %6s' "$db" "$round" \
      "$o_rate" "$o_p50" "$o_p99" "$o_err" "$o_cpu" "$t_rate" "$t_p50" "$t_p99" "$t_err" "$t_cpu" "$ratio")"
    if [ -n "$CEILING" ]; then
      read -r j_rate j_p50 j_p99 _ j_err j_cpu <<<"$jetty"
      TOTAL_ERRORS=$((TOTAL_ERRORS + j_err))
      j_ratio="$(bench_ratio "$j_rate" "$t_rate")"
      if [ "$(awk -v a="$j_rate" -v b="$t_rate" 'BEGIN { print (a + 0 > 0 && b + 0 > 0) }')" = 1 ]; then
        JETTY_RATIOS+=("$j_ratio")
      else
        j_ratio="n/a"
      fi
      line+="$(printf '  %8s %7s %7s %6s %8s  %6s' "$j_rate" "$j_p50" "$j_p99" "$j_err" "$j_cpu" "$j_ratio")"
    fi
    LINES+=("$line")
  done
  median="$( ((${#RATIOS[@]})) && BENCH_MEDIAN_DECIMALS=2 bench_median "${RATIOS[@]}" || echo n/a)"
  REPORT+=("${LINES[@]}")
  REPORT+=("  $db: median ratio service / nginx $median (ratios: ${RATIOS[*]})")
  if [ -n "$CEILING" ]; then
    jetty_median="$( ((${#JETTY_RATIOS[@]})) && BENCH_MEDIAN_DECIMALS=2 bench_median "${JETTY_RATIOS[@]}" || echo n/a)"
    REPORT+=("  $db: median ratio jetty alone / nginx $jetty_median (ratios: ${JETTY_RATIOS[*]})")
  fi
  GOALS+=("$db $(awk -v m="$median" 'BEGIN { print (m == "n/a" ? "not measured" : m >= 0.5 ? "met" : "NOT met") }') ($median×)")

  bench_stop "$SERVICE_PID"
  SERVICE_PID=""
  [ "$db" != postgres ] || drop_pg_db
  rm -rf "$RUN/service-$db"
done

# What fsync alone costs on this disk: the floor under any durable upload.
bench_log "the disk alone: new 100 KiB files from $CONNECTIONS threads, ${SECONDS_PER_RUN}s without and with fsync..."
"$JAVA_HOME/bin/java" "$BENCH_ROOT/bench/FileWriteCeiling.java" "$RUN/files" "$CONNECTIONS" \
  "$SECONDS_PER_RUN" >"$RUN/files.out"
rm -rf "$RUN/files"
ceiling() { sed -n "s/^result $1 //p" "$RUN/files.out"; }

echo
echo "=== upload benchmark: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///')"
echo "distinct PNGs of ~$SIZE bytes; $CONNECTIONS connections; $ROUNDS rounds of ${SECONDS_PER_RUN}s after ${WARMUP}s of warm-up, taking turns"
echo "load average at the start: $LOAD_START, at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
echo
head1="$(printf '  %-8s %2s  %8s %7s %7s %6s %8s  %8s %7s %7s %6s %8s  %6s' "" "" "service" "" "" "" "" "nginx" "" "" "" "" "")"
head2="$(printf '  %-8s %2s  %8s %7s %7s %6s %8s  %8s %7s %7s %6s %8s  %6s' db round "PUT/s" "p50 ms" "p99 ms" errors "CPU µs" \
  "PUT/s" "p50 ms" "p99 ms" errors "CPU µs" "ratio")"
if [ -n "$CEILING" ]; then
  echo "jetty alone: bench/JettyCeiling.java receive ($(grep -m1 '^jetty ' "$RUN/ceiling.log")); ratios to nginx"
  head1+="$(printf '  %8s %7s %7s %6s %8s  %6s' "jetty" "" "" "" "" "")"
  head2+="$(printf '  %8s %7s %7s %6s %8s  %6s' "PUT/s" "p50 ms" "p99 ms" errors "CPU µs" "ratio")"
fi
printf '%s\n' "$head1" "$head2"
printf '%s\n' "${REPORT[@]}"
echo
printf '  %-52s %10s\n' "the disk: new 100 KiB files/s, no fsync" "$(ceiling files_per_s)"
printf '  %-52s %10s\n' "the disk: new 100 KiB files/s, each fsynced" "$(ceiling synced_files_per_s)"
echo "(CPU µs: the server's own CPU time per upload, from /proc; for nginx, its master and workers)"
echo "goal: service ≥ 0.50× nginx's PUT with 0 errors: ${GOALS[*]}; errors: $TOTAL_ERRORS"
[ "$TOTAL_ERRORS" = 0 ] || exit 1
