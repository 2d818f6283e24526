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

# Benchmark (not a test: it prints times and ratios; it fails only on a wrong answer). How the
# image service behaves as the store grows: for each N of BENCH_SIZES (10000 100000 1000000) and
# each database of BENCH_DB (h2 pg), a store of N images is filled in bulk (bench/ScaleFill.java:
# COPY on PostgreSQL, JDBC batches on H2, straight into the schema the service migrated, with the
# bytes in the local blob store's layout), then the real service process (the runnable jar,
# `serve --config`) is measured:
#
#   GET /images/{uuid}     random ids (wrk + bench/scale-get.lua): requests/s, p50, p99; and
#                          once the service stopped, the database alone doing the same lookups
#                          through the service's data access (bench/LookupAlone.java)
#   upload                 PUT /images/{uuid} of distinct PNGs (bench/UploadBench.java)
#   /images, /orphans      the first page and a page at 90% of the keys (paging token), /orphans
#                          with the filters minAge, runtime and spec; the management page's call
#   references             GET /references/digest and PUT /references of the project of BIG
#                          references (100000; 1% changed each time)
#   bulk                   POST /orphans (recompute), POST /orphans/trash dry run (N/10 orphans),
#                          POST /trash/purge of PURGE named entries (2000; of the N/10 there)
#   memory                 the service's heap peak (-Xlog:gc) and its resident peak (VmHWM)
#
# The store: N images (90% referenced, 10% orphans past the grace), N/10 trash entries past their
# retention, 10·N references over max(2, N/1000) projects of two branches plus the big project.
# Each number is printed with its ratio to the first size. PostgreSQL: the loopback server of
# tools/postgres/ensure.sh, a database of the bench's own per size (dropped at the end).
#
# Knobs: BENCH_SIZES, BENCH_DB, BENCH_SCALE_SECONDS (10, wrk and upload runs), BENCH_SCALE_REPS
# (5, single requests), BENCH_SCALE_BIG (100000), BENCH_SCALE_PURGE (2000), BENCH_SCALE_HEAP (1g,
# the service's -Xmx), BENCH_SCALE_JAVA_OPTS (more options for the service's JVM, e.g. collector
# settings), BENCH_KEEP=1 keeps the work directory and the databases. --smoke: N=2000, BIG=5000,
# one-second runs, one repetition: checks that every call answers 2xx (CI; well under two minutes).
#
# Usage: bench/scale.sh [--smoke]
set -euo pipefail
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

SIZES="${BENCH_SIZES:-10000 100000 1000000}"
DBS="${BENCH_DB:-h2 pg}"
RUN_SECONDS="${BENCH_SCALE_SECONDS:-10}"
REPS="${BENCH_SCALE_REPS:-5}"
BIG="${BENCH_SCALE_BIG:-100000}"
HEAP="${BENCH_SCALE_HEAP:-1g}"
PURGE="${BENCH_SCALE_PURGE:-2000}"
if [ "${1:-}" = --smoke ]; then
  SIZES=2000 BIG=5000 RUN_SECONDS=1 REPS=1 PURGE=100
fi
RUN=""
SERVICE_PID=""
PG_DATABASES=()

pg_admin() {
  PGPASSWORD="$IMAGESTORE_TEST_PG_PASSWORD" psql -q -X -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" \
    -U "$IMAGESTORE_TEST_PG_USER" -d postgres "$@"
}

cleanup() {
  bench_stop "$SERVICE_PID"
  [ -n "${BENCH_KEEP:-}" ] || for d in "${PG_DATABASES[@]}"; do
    pg_admin -c "DROP DATABASE IF EXISTS $d" >/dev/null 2>&1 || true
  done
  [ -z "$RUN" ] || [ -n "${BENCH_KEEP:-}" ] || rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The smoke run checks GETs with curl where wrk is missing (CI installs no wrk).
# The others install it (as root) like serve.sh does, or fail saying what to install.
[ "$SIZES" = 2000 ] || bench_tools wrk
case " $DBS " in *" pg "*)
  command -v psql >/dev/null || bench_fail "psql is missing (apt-get install postgresql-client)"
  eval "$("$BENCH_ROOT/tools/postgres/ensure.sh")"
  PG_HOST="$(sed -E 's#^jdbc:postgresql://([^:/]+).*#\1#' <<<"$IMAGESTORE_TEST_PG_URL")"
  PG_PORT="$(sed -E 's#^jdbc:postgresql://[^:/]+:([0-9]+).*#\1#' <<<"$IMAGESTORE_TEST_PG_URL")"
  ;;
esac

LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
bench_build_service
mkdir -p "$BENCH_WORK"
RUN="$(mktemp -d "$BENCH_WORK/scale.XXXXXX")"
RESULTS="$RUN/results.tsv"
: >"$RESULTS"
"$JAVA_HOME/bin/java" -Djava.awt.headless=true "$BENCH_ROOT/bench/MakeNoisePngs.java" "$RUN/upload" 8 10 3

record() { printf '%s\t%s\t%s\t%s\n' "$DB" "$N" "$1" "$2" >>"$RESULTS"; }
AUTH=()

# call METHOD PATH [BODY_FILE]: one request; prints its time in ms; fails the run unless 2xx.
call() {
  local method="$1" path="$2" body="${3:-}" out
  local args=(-sS -o "$RUN/answer" -w '%{http_code} %{time_total}' -X "$method" "${AUTH[@]}")
  [ -z "$body" ] || args+=(-H 'Content-Type: application/json' --data-binary "@$body")
  out="$(curl "${args[@]}" "${SERVICE_URL%/}$path")"
  case "${out%% *}" in
    2??) ;;
    *) head -c 600 "$RUN/answer" >&2; echo >&2; bench_fail "$method $path answered ${out%% *}" ;;
  esac
  awk -v t="${out#* }" 'BEGIN { printf "%.1f\n", t * 1000 }'
}

# timed NAME METHOD PATH [BODY]: the median of REPS calls, recorded under NAME.
timed() {
  local name="$1" times=()
  shift
  for _ in $(seq "$REPS"); do times+=("$(call "$@")"); done
  record "$name" "$(bench_median "${times[@]}")"
}

# to_ms VALUE_WITH_UNIT (wrk's 812.00us, 1.20ms, 1.01s)
to_ms() {
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0;
    else if (v ~ /s$/) n *= 1000; printf "%.2f\n", n }'
}

# after NAME: the paging token of the page at 90% that ScaleFill wrote (none when nothing matched).
after() {
  local token
  token="$(cat "$RUN/$DB-$N/out/$1.txt")"
  [ -z "$token" ] || echo "&after=$token"
}

# measure_gets IDS [NAME]: wrk with bench/scale-get.lua (a warm-up, then the measured run),
# recorded as NAME_per_s, NAME_p50_ms, NAME_p99_ms (NAME: get).
measure_gets() {
  local out
  BENCH_IDS="$1" wrk -t2 -c16 -d"${RUN_SECONDS}s" -s "$BENCH_ROOT/bench/scale-get.lua" \
    "$SERVICE_URL" >/dev/null
  out="$(BENCH_IDS="$1" wrk -t2 -c16 -d"${RUN_SECONDS}s" --latency -s "$BENCH_ROOT/bench/scale-get.lua" "$SERVICE_URL")"
  printf '%s\n' "$out" >>"$RUN/wrk.log"
  if grep -q 'Non-2xx or 3xx responses' <<<"$out"; then
    echo "$out" >&2
    bench_fail "GET /images/{uuid} answered errors"
  fi
  record "${2:-get}_per_s" "$(sed -n 's/^Requests\/sec: *//p' <<<"$out")"
  record "${2:-get}_p50_ms" "$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")"
  record "${2:-get}_p99_ms" "$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")"
}

# measure_db_alone DB_URL IDS: the database alone, the service stopped: the downloads' lookup by id
# through the service's own data access (bench/LookupAlone.java) of the same ids as get_10k_ids,
# with as many threads as wrk has connections, recorded as db_alone_10k_ids_per_s, _p50_ms and
# _p99_ms. What the database itself does with the store's size, beside what the service does.
measure_db_alone() {
  local out="$RUN/$DB-$N/lookup-alone.out"
  "$JAVA_HOME/bin/java" -cp "$BENCH_SERVICE_JAR" "$BENCH_ROOT/bench/LookupAlone.java" "$1" "$2" 16 \
    "$RUN_SECONDS" >"$out" 2>&1 || { cat "$out" >&2; bench_fail "the lookups alone failed"; }
  local v
  for v in lookups_per_s:db_alone_10k_ids_per_s p50_ms:db_alone_10k_ids_p50_ms p99_ms:db_alone_10k_ids_p99_ms; do
    record "${v#*:}" "$(sed -n "s/^result ${v%%:*} //p" "$out")"
  done
}

measure() {
  local base="$RUN/$DB-$N"
  AUTH=(-u "bench:$BENCH_SERVICE_PASSWORD")
  local ids="$base/out/ids.txt"
  # GET /images/{uuid}, random ids. Then the same 10,000 ids at every size: as many repeats within
  # RecentLookups' second at each N, so the ratio is the store's size alone (the first: a sample of
  # up to 100,000 ids, nearly every request a lookup at 1M, most answered from the last second at 10k).
  head -n 10000 "$ids" >"$base/out/ids-10k.txt"
  if command -v wrk >/dev/null; then
    measure_gets "$ids"
    measure_gets "$base/out/ids-10k.txt" get_10k_ids
  else
    head -n 20 "$ids" | while read -r id; do call GET "/images/$id" >/dev/null; done
  fi

  # Uploads of distinct PNGs.
  "$JAVA_HOME/bin/java" "$BENCH_ROOT/bench/UploadBench.java" "$SERVICE_URL" bench "$RUN/upload" \
    8 "$((RUN_SECONDS < 3 ? 3 : RUN_SECONDS))" "$N" >"$base/upload.out"
  [ "$(sed -n 's/^result uploads_errors //p' "$base/upload.out")" = 0 ] ||
    bench_fail "uploads answered errors: $(cat "$base/upload.out")"
  record upload_per_s "$(sed -n 's/^result uploads_per_s //p' "$base/upload.out")"

  local filters="minAge=14d&runtime=00000000000000a1&spec=spec-1"
  timed images_first_ms GET "/images?limit=1000"
  timed images_deep_ms GET "/images?limit=1000$(after images-deep)"
  timed orphans_first_ms GET "/orphans?limit=1000&$filters"
  timed orphans_deep_ms GET "/orphans?limit=1000&$filters$(after orphans-filtered-deep)"
  timed orphans_unfiltered_deep_ms GET "/orphans?limit=1000$(after orphans-deep)"
  timed admin_orphans_ms GET "/orphans?limit=60"
  timed digest_ms GET "/references/digest?project=scale-big"
  local puts=() i
  for i in $(seq "$REPS"); do
    puts+=("$(call PUT /references "$base/out/put-$([ $((i % 2)) = 1 ] && echo b || echo a).json")")
  done
  record put_references_ms "$(bench_median "${puts[@]}")"
  # Back to the filled set, so the orphans below are the filled ones.
  [ $((REPS % 2)) = 0 ] || call PUT /references "$base/out/put-a.json" >/dev/null
  echo '{}' >"$RUN/empty.json"
  timed recompute_orphans_ms POST /orphans "$RUN/empty.json"
  echo '{"dryRun":true}' >"$RUN/dry.json"
  timed orphans_trash_dry_ms POST /orphans/trash "$RUN/dry.json"
  # Purge PURGE trash entries (named: the service purges at most 10000 a call, each its own
  # transaction, so all N/10 of 1M would take most of the run).
  local t0 purged
  t0="$(bench_now_ns)"
  call POST /trash/purge "$base/out/purge.json" >/dev/null
  local ms=$((($(bench_now_ns) - t0) / 1000000))
  purged="$(grep -o '"uuid"' "$RUN/answer" | wc -l)"
  record purge_ms "$ms"
  record purge_per_s "$(awk -v n="$purged" -v ms="$ms" 'BEGIN { printf "%.0f\n", ms ? n * 1000 / ms : 0 }')"
  [ "$purged" -ge "$(grep -o '"[0-9a-f]\{32\}"' "$base/out/purge.json" | wc -l)" ] ||
    bench_fail "purged $purged trash entries, fewer than named"
}

for N in $SIZES; do
  cache="$BENCH_WORK/scale-blobs-$N-$PURGE"
  for DB in $DBS; do
    base="$RUN/$DB-$N"
    mkdir -p "$base/data" "$cache"
    cfg="$base/imagestore.config"
    {
      echo "data = $base/data"
      echo "trash-purge-interval = 0s"
    } >"$cfg"
    if [ "$DB" = pg ]; then
      dbname="imagestore_scale_$N"
      pg_admin -c "DROP DATABASE IF EXISTS $dbname" -c "CREATE DATABASE $dbname" >/dev/null
      PG_DATABASES+=("$dbname")
      # A loaded machine may take longer than the service's 5 s to accept a connection.
      url="${IMAGESTORE_TEST_PG_URL%/*}/$dbname?connectTimeout=60&loginTimeout=60"
      {
        echo "db-url = $url"
        echo "db-user = $IMAGESTORE_TEST_PG_USER"
        echo "db-password = $IMAGESTORE_TEST_PG_PASSWORD"
      } >>"$cfg"
      export BENCH_DB_USER="$IMAGESTORE_TEST_PG_USER" BENCH_DB_PASSWORD="$IMAGESTORE_TEST_PG_PASSWORD"
    else
      url="jdbc:h2:file:$base/data/db/imagestore;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
    fi
    chmod 600 "$cfg"
    bench_log "$DB, N=$N: migrating (user add), filling..."
    t0="$(bench_now_ns)"
    # The service's own CLI migrates the empty database and adds the bench's account.
    BENCH_SERVICE_PASSWORD="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
    export BENCH_SERVICE_PASSWORD
    printf '%s\n' "$BENCH_SERVICE_PASSWORD" |
      env -u IMAGESTORE_CONFIG -u IMAGESTORE_DB_URL -u IMAGESTORE_DB_USER -u IMAGESTORE_DB_PASSWORD \
        "$JAVA_HOME/bin/java" -jar "$BENCH_SERVICE_JAR" user add bench --role admin,uploader,indexer \
        --config "$cfg" >"$base/user.log" 2>&1 || { cat "$base/user.log" >&2; bench_fail "user add failed"; }
    if [ "$DB" = h2 ]; then
      # The embedded database's own account, which the service made when it created it.
      BENCH_DB_USER="$(sed -n 's/^user=//p' "$base/data/db/credentials")"
      BENCH_DB_PASSWORD="$(sed -n 's/^password=//p' "$base/data/db/credentials")"
      export BENCH_DB_USER BENCH_DB_PASSWORD
    fi
    "$JAVA_HOME/bin/java" -Xmx2g -cp "$BENCH_SERVICE_JAR" "$BENCH_ROOT/bench/ScaleFill.java" \
      "$url" "$cache" "$N" "$BIG" "$PURGE" "$base/out" 2>&1 | tee "$base/fill.log" >&2
    # The bytes: hard links to the cache (the purge unlinks the store's names only).
    cp -al "$cache/." "$base/data/blobs/"
    rm -f "$base/data/blobs/complete"
    # The fill's pages written out now, not in the middle of the measurements (the role has
    # pg_checkpoint, tools/postgres/ensure.sh).
    if [ "$DB" = pg ] && ! pg_admin -c "CHECKPOINT" >/dev/null 2>&1; then
      bench_log "no CHECKPOINT allowed: the first measurements may pay for writing the fill's pages"
    fi
    record fill_s "$(awk -v ns=$(($(bench_now_ns) - t0)) 'BEGIN { printf "%.0f\n", ns / 1e9 }')"

    bench_log "$DB, N=$N: starting the service..."
    t0="$(bench_now_ns)"
    : >"$base/service.log"
    # shellcheck disable=SC2086 # BENCH_SCALE_JAVA_OPTS: one option per word
    env -u IMAGESTORE_CONFIG -u IMAGESTORE_DB_URL -u IMAGESTORE_DB_USER -u IMAGESTORE_DB_PASSWORD \
      -u IMAGESTORE_BIND -u IMAGESTORE_DATA -u IMAGESTORE_PORT \
      "$JAVA_HOME/bin/java" "-Xmx$HEAP" "-Xlog:gc:file=$base/gc.log" ${BENCH_SCALE_JAVA_OPTS:-} -jar "$BENCH_SERVICE_JAR" \
      serve --port 0 --config "$cfg" </dev/null >"$base/service.log" 2>&1 &
    SERVICE_PID=$!
    SERVICE_URL=""
    for _ in $(seq 3000); do
      SERVICE_URL="$(sed -n 's/^imagestore listening on //p' "$base/service.log" | head -n 1)"
      [ -z "$SERVICE_URL" ] || break
      kill -0 "$SERVICE_PID" 2>/dev/null || { cat "$base/service.log" >&2; bench_fail "the service exited"; }
      sleep 0.1
    done
    [ -n "$SERVICE_URL" ] || bench_fail "the service did not start"
    record start_ms $((($(bench_now_ns) - t0) / 1000000))
    count="$(curl -sS -u "bench:$BENCH_SERVICE_PASSWORD" "${SERVICE_URL}metrics" |
      sed -n 's/^imagestore_images{state="orphaned"} //p' | head -n 1)"
    bench_log "$DB, N=$N: measuring (metrics say ${count:-?} orphans)..."
    measure
    record rss_peak_mb "$(awk '/VmHWM/ {printf "%.0f\n", $2 / 1024}' "/proc/$SERVICE_PID/status")"
    bench_stop "$SERVICE_PID"
    SERVICE_PID=""
    measure_db_alone "$([ "$DB" = pg ] && echo "$url" || echo "h2:$base/data")" "$base/out/ids-10k.txt"
    record heap_peak_mb "$(grep -o '[0-9]*M->' "$base/gc.log" | sed 's/M->//' | sort -n | tail -n 1)"
    if [ -z "${BENCH_KEEP:-}" ]; then
      [ "$DB" != pg ] || pg_admin -c "DROP DATABASE IF EXISTS $dbname" >/dev/null
      rm -rf "$base/data"
    fi
  done
done

echo
echo "=== scale benchmark: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, service heap -Xmx$HEAP${BENCH_SCALE_JAVA_OPTS:+, JVM options: $BENCH_SCALE_JAVA_OPTS}"
echo "sizes: $SIZES; big project: $BIG references; load average at the start: $LOAD_START, at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
for DB in $DBS; do
  echo
  echo "$DB:"
  awk -F'\t' -v db="$DB" -v sizes="$SIZES" '
    BEGIN { ns = split(sizes, size, " ") }
    $1 == db { v[$3, $2] = $4; if (!($3 in seen)) { seen[$3] = 1; order[++m] = $3 } }
    END {
      printf "  %-28s", "metric"
      for (i = 1; i <= ns; i++) printf " %16s", "N=" size[i]
      printf "\n"
      for (k = 1; k <= m; k++) {
        name = order[k]; printf "  %-28s", name
        for (i = 1; i <= ns; i++) {
          x = v[name, size[i]]; b = v[name, size[1]]
          if (x == "") cell = "-"
          else if (i == 1 || b + 0 == 0) cell = x
          else cell = sprintf("%s (%.2f×)", x, x / b)
          printf " %16s", cell
        }
        printf "\n"
      }
    }' "$RESULTS"
done
echo
echo "ratios are to N=${SIZES%% *}; times are medians of $REPS calls (ms), rates per second"
