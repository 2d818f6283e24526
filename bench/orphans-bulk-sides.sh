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

# Benchmark (not a test: it prints times and ratios; it fails only on a wrong answer). The orphan
# bulk calls before and after a change, side by side on one big store: two service jars serve the
# same PostgreSQL database (a kept bench/scale.sh store, BENCH_KEEP=1), and take turns (who goes
# first alternates), so both see the same load:
#
#   recompute_ms     POST /orphans (on a store whose marks are right it changes nothing but
#                    reads every image and reference), BENCH_RECOMPUTES pairs (3)
#   cleanup_dry_ms   POST /orphans/trash {"dryRun":true} (what a cleanup of all orphans past the
#                    grace period would move, at most 10 000), BENCH_REPS pairs (3)
#
# While the after jar recomputes, /metrics is sampled every second: the script prints the samples
# of imagestore_orphan_recompute_images{state="done"} (the progress an operator sees), and checks
# that a second POST /orphans meanwhile answers 409 recompute_running.
#
# With BENCH_K > 0 (2000 by default) each side gets a copy of its own of the store's database
# (CREATE DATABASE ... TEMPLATE; the store must be idle) and of its blobs (hard links; of an
# embedded H2 store: its database files, the blobs hard links), and the two copies then also take BENCH_ROUNDS (2) turns at changing the store the same way:
#
#   cleanup_ms       POST /orphans/trash {"uuids":[K orphans past the grace period]}: K moved
#   purge_ms         POST /trash/purge {"uuids":[K trash entries]}: K purged
#
# The K ids of a round are listed on the after side (the copies are alike at every round's
# start); both sides must answer count K. The copies are dropped at the end. BENCH_K=0 runs the
# read-only calls on the store itself, as before.
#
# Usage: bench/orphans-bulk-sides.sh STORE BEFORE_JAR [AFTER_JAR]
#   STORE       a kept scale.sh store directory (its imagestore.config): on PostgreSQL, or
#               embedded (H2) with BENCH_K > 0
#   BEFORE_JAR  the service jar to compare with, e.g. built from main in a clone
#   AFTER_JAR   default: this tree's (built when stale)
set -euo pipefail
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

[ $# -ge 2 ] || bench_fail "usage: bench/orphans-bulk-sides.sh STORE BEFORE_JAR [AFTER_JAR]"
STORE="$(cd "$1" && pwd)"
BEFORE_JAR="$2"
[ -f "$STORE/imagestore.config" ] || bench_fail "no imagestore.config in $STORE"
[ -f "$BEFORE_JAR" ] || bench_fail "no jar $BEFORE_JAR"
if [ -n "${3:-}" ]; then
  BENCH_SERVICE_JAR="$3"
else
  bench_build_service
fi
AFTER_JAR="$BENCH_SERVICE_JAR"
REPS="${BENCH_REPS:-3}"
RECOMPUTES="${BENCH_RECOMPUTES:-3}"
K="${BENCH_K:-2000}"
ROUNDS="${BENCH_ROUNDS:-2}"
[ "$K" -le 10000 ] || bench_fail "BENCH_K must be at most 10000 (a call's limit)"
# An embedded (H2) store has no db-url: one process at a time, so each side needs its copy.
grep -q '^db-url = jdbc:postgresql:' "$STORE/imagestore.config" || [ "$K" != 0 ] ||
  bench_fail "$STORE is not on PostgreSQL: an embedded store needs BENCH_K > 0 (a copy per side)"
RUN="$(mktemp -d "${TMPDIR:-/tmp}/orphans-bulk-sides.XXXXXX")"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do bench_stop "$p"; done
  [ ! -f "$RUN/user.log" ] || [ "$K" != 0 ] || "${CLEAN[@]}" "$JAVA_HOME/bin/java" -jar "$AFTER_JAR" \
    user remove "$USER_NAME" --config "$RUN/after/imagestore.config" >/dev/null 2>&1 || true
  for side in before after; do
    [ -z "${COPIES[$side]:-}" ] || store_psql -c "DROP DATABASE IF EXISTS ${COPIES[$side]} WITH (FORCE)" || true
  done
  rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

CLEAN=(env -u IMAGESTORE_CONFIG -u IMAGESTORE_DB_URL -u IMAGESTORE_DB_USER -u IMAGESTORE_DB_PASSWORD
  -u IMAGESTORE_BIND -u IMAGESTORE_DATA -u IMAGESTORE_PORT)
USER_NAME="bulk$$"
PASSWORD="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"

STORE_URL="$(sed -n 's/^db-url = //p' "$STORE/imagestore.config")"
STORE_DB="${STORE_URL##*/}"
STORE_DB="${STORE_DB%%\?*}"
# store_psql ARGS: psql on the store's server (its maintenance database), as the store's user.
store_psql() {
  local hostport="${STORE_URL#jdbc:postgresql://}"
  hostport="${hostport%%/*}"
  PGPASSWORD="$(sed -n 's/^db-password = //p' "$STORE/imagestore.config")" psql -h "${hostport%:*}" \
    -p "${hostport##*:}" -U "$(sed -n 's/^db-user = //p' "$STORE/imagestore.config")" -d postgres \
    -qAt -v ON_ERROR_STOP=1 "$@"
}
declare -A COPIES

# configure SIDE: the store's config with a data directory of the side's own (the read-only calls
# read no bytes, and the dry run writes none); with BENCH_K, on the side's copy of the database
# and of the blobs, made on the first call.
configure() {
  mkdir -p "$RUN/$1"
  local url="$STORE_URL"
  if [ "$K" != 0 ]; then
    local data
    data="$(sed -n 's/^data = //p' "$STORE/imagestore.config")"
    if [ -z "$STORE_URL" ]; then
      if [ ! -d "$RUN/$1/data" ]; then
        bench_log "copying the embedded store of $STORE..."
        mkdir -p "$RUN/$1/data"
        cp -a "$data/db" "$RUN/$1/data/db"
        cp -al "$data/blobs" "$RUN/$1/data/blobs"
      fi
    elif [ -z "${COPIES[$1]:-}" ]; then
      COPIES[$1]="${STORE_DB}_bulk_$1_$$"
      bench_log "copying database $STORE_DB to ${COPIES[$1]} and the blobs..."
      store_psql -c "CREATE DATABASE ${COPIES[$1]} TEMPLATE $STORE_DB" ||
        bench_fail "could not copy $STORE_DB (is a service still connected to it?)"
      cp -al "$data" "$RUN/$1/data"
    fi
    [ -z "$STORE_URL" ] || url="${STORE_URL/\/$STORE_DB/\/${COPIES[$1]}}"
  fi
  sed -e "s#^data = .*#data = $RUN/$1/data#" -e "s#^db-url = .*#db-url = ${url//&/\\&}#" \
    "$STORE/imagestore.config" >"$RUN/$1/imagestore.config"
  chmod 600 "$RUN/$1/imagestore.config"
}

# start SIDE JAR: a service on the store's database; sets URL.
start() {
  local side="$1" jar="$2"
  URL=""
  configure "$side"
  : >"$RUN/$side/service.log"
  "${CLEAN[@]}" "$JAVA_HOME/bin/java" -Xmx1g -jar "$jar" serve --port 0 \
    --config "$RUN/$side/imagestore.config" </dev/null >"$RUN/$side/service.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 3000); do
    URL="$(sed -n 's/^imagestore listening on //p' "$RUN/$side/service.log" | head -n 1)"
    [ -z "$URL" ] || break
    kill -0 "${PIDS[-1]}" 2>/dev/null || { cat "$RUN/$side/service.log" >&2; bench_fail "the $side service exited"; }
    sleep 0.1
  done
  [ -n "$URL" ] || bench_fail "the $side service did not start"
  URL="${URL%/}"
}

# The after jar first: it migrates the database (the before jar ignores a newer migration).
configure after
add_user() { # add_user SIDE
  printf '%s\n' "$PASSWORD" | "${CLEAN[@]}" "$JAVA_HOME/bin/java" -jar "$AFTER_JAR" user add \
    "$USER_NAME" --role admin --config "$RUN/$1/imagestore.config" >"$RUN/user.log" 2>&1 ||
    { cat "$RUN/user.log" >&2; bench_fail "user add failed"; }
}
add_user after
if [ "$K" != 0 ]; then
  configure before
  add_user before
fi
bench_log "starting the after service ($AFTER_JAR)..."
start after "$AFTER_JAR"
AFTER_URL="$URL"
bench_log "starting the before service ($BEFORE_JAR)..."
start before "$BEFORE_JAR"
BEFORE_URL="$URL"

# post URL PATH BODY: prints the ms of one POST (fails unless 200); the answer in $RUN/answer.
post() {
  local out
  out="$(curl -sS -o "$RUN/answer" -w '%{http_code} %{time_total}' -X POST \
    -H 'Content-Type: application/json' --data "$3" -u "$USER_NAME:$PASSWORD" "$1$2")"
  [ "${out%% *}" = 200 ] || { head -c 600 "$RUN/answer" >&2; bench_fail "POST $2 answered ${out%% *}"; }
  awk -v t="${out#* }" 'BEGIN { printf "%.1f\n", t * 1000 }'
}

# watch URL: while the recompute runs, samples /metrics every second into $RUN/progress and
# checks once that a second POST /orphans answers 409.
watch() {
  local url="$1" conflict=""
  : >"$RUN/progress"
  while :; do
    sleep 1
    curl -sS "$url/metrics" 2>/dev/null |
      sed -n 's/^imagestore_orphan_recompute_images{state="done"} //p' >>"$RUN/progress" || true
    if [ -z "$conflict" ]; then
      conflict="$(curl -sS -o /dev/null -w '%{http_code}' -X POST -u "$USER_NAME:$PASSWORD" "$url/orphans")"
      echo "$conflict" >"$RUN/conflict"
    fi
  done
}

declare -A TIMES
measure() { # measure SIDE URL NAME
  local t watcher=""
  case "$3" in
    recompute_ms)
      if [ "$1" = after ]; then
        watch "$2" &
        watcher=$!
      fi
      t="$(post "$2" /orphans '')"
      if [ -n "$watcher" ]; then
        kill "$watcher" 2>/dev/null || true
        wait "$watcher" 2>/dev/null || true
        echo "  after's progress samples (visits done, 1/s): $(tr '\n' ' ' <"$RUN/progress")" >>"$RUN/report"
        echo "  a second POST /orphans meanwhile answered: $(cat "$RUN/conflict" 2>/dev/null || echo 'none sent (too short)')" >>"$RUN/report"
      fi
      echo "  $1: $(cat "$RUN/answer")" >>"$RUN/report"
      ;;
    cleanup_dry_ms)
      t="$(post "$2" /orphans/trash '{"dryRun":true}')"
      ;;
    cleanup_ms | purge_ms)
      local path=/orphans/trash
      [ "$3" = cleanup_ms ] || path=/trash/purge
      t="$(post "$2" "$path" "{\"uuids\":$IDS}")"
      [ "$(jq .count "$RUN/answer")" = "$K" ] ||
        { head -c 600 "$RUN/answer" >&2; bench_fail "$1: $path handled $(jq .count "$RUN/answer") of $K"; }
      ;;
  esac
  TIMES[$1.$3]="${TIMES[$1.$3]:-} $t"
}

# pair NAME I: the I-th pair; before goes first when I is odd.
pair() {
  if [ $(($2 % 2)) = 1 ]; then
    measure before "$BEFORE_URL" "$1"
    measure after "$AFTER_URL" "$1"
  else
    measure after "$AFTER_URL" "$1"
    measure before "$BEFORE_URL" "$1"
  fi
}

# pairs NAME N: N pairs, who goes first alternating.
pairs() {
  for i in $(seq "$2"); do
    bench_log "$1 pair $i of $2..."
    pair "$1" "$i"
  done
}
: >"$RUN/report"
NAMES=()
[ "$RECOMPUTES" = 0 ] || { pairs recompute_ms "$RECOMPUTES"; NAMES+=(recompute_ms); }
[ "$REPS" = 0 ] || { pairs cleanup_dry_ms "$REPS"; NAMES+=(cleanup_dry_ms); }

# ids URL PATH: the uuids of a listing's first K entries, as a JSON array.
ids() {
  curl -sS -f -u "$USER_NAME:$PASSWORD" "$1$2" | jq -c '[.[].uuid]'
}
if [ "$K" != 0 ]; then
  for round in $(seq "$ROUNDS"); do
    # Orphans past the default grace period (14 days); the cleanup checks each again.
    IDS="$(ids "$AFTER_URL" "/orphans?limit=$K&minAge=14d")"
    [ "$(jq length <<<"$IDS")" = "$K" ] || bench_fail "fewer than $K orphans past the grace period"
    bench_log "round $round of $ROUNDS: cleanup of $K..."
    pair cleanup_ms "$round"
    IDS="$(ids "$AFTER_URL" "/trash?limit=$K")"
    [ "$(jq length <<<"$IDS")" = "$K" ] || bench_fail "fewer than $K trash entries"
    bench_log "round $round of $ROUNDS: purge of $K..."
    pair purge_ms "$round"
  done
  NAMES+=(cleanup_ms purge_ms)
fi

echo
echo "=== orphan bulk calls, before and after, side by side: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores"
echo "store: $STORE; load average at the start: $LOAD_START, at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
printf '  %-18s %12s %12s %12s   %s\n' metric before after after/before "pairs (before/after ms)"
for name in "${NAMES[@]}"; do
  # shellcheck disable=SC2086
  b="$(bench_median ${TIMES[before.$name]})"
  # shellcheck disable=SC2086
  a="$(bench_median ${TIMES[after.$name]})"
  printf '  %-18s %12s %12s %12s  %s /%s\n' "$name" "$b" "$a" "$(bench_ratio "$a" "$b")" \
    "${TIMES[before.$name]}" "${TIMES[after.$name]}"
done
echo "times are medians (ms)"
if [ "$K" != 0 ]; then
  for name in cleanup_ms purge_ms; do
    # shellcheck disable=SC2086
    b="$(bench_median ${TIMES[before.$name]})"
    # shellcheck disable=SC2086
    a="$(bench_median ${TIMES[after.$name]})"
    awk -v n="${name%_ms}" -v b="$b" -v a="$a" -v k="$K" \
      'BEGIN { printf "  %-18s per image: before %.2f ms, after %.2f ms (K = %d)\n", n, b / k, a / k, k }'
  done
fi
cat "$RUN/report"
grep -h 'orphan recompute' "$RUN/after/service.log" | tail -n 12 || true
