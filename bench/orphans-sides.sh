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
# listing of two service jars (before and after a change) on one or more kept bench/scale.sh stores
# on PostgreSQL (BENCH_KEEP=1), e.g. the 10k and the 1M one, all services at once, the calls taking
# turns (the side that goes first rotates each round), so every side sees the same load:
#
#   orphans_first_ms      GET /orphans?limit=1000 with scale.sh's filters (minAge, runtime, spec)
#   orphans_deep_ms       the same from scale.sh's token at 90% of the filtered orphans
#   orphans_filtered_1000_ms  the filtered listing followed (Link rel="next") until 1000 entries or
#                         its end
#   orphans_unfiltered_deep_ms  GET /orphans?limit=1000 from the token at 90% of all orphans
#   admin_orphans_ms      GET /orphans?limit=60 (the management page's first call)
#   orphans_first_10_ms   the filtered first page with limit=10, and
#   orphans_unfiltered_first_ms  GET /orphans?limit=1000: pages of the same size on every store
#                         (the filtered listing of the 10k store holds ~18 orphans, its deep
#                         pages fewer: a 1000-entry page at 1M is not the same answer)
#   orphans_spec_first_ms GET /orphans?limit=1000&minAge=14d&spec=spec-1: the spec filter without
#                         a runtime (none of the 10k store's orphans has that spec: empty there)
#   orphans_spec_100_ms   GET /orphans?limit=100&minAge=14d&spec=lib-1: the same with a spec that
#                         ~22 % of the orphans of every store match, a full page on every store
#   recompute_orphans_ms  POST /orphans (it changes nothing on a store whose marks are right),
#                         BENCH_SIDES_RECOMPUTE rounds (default 0: a minute a call at 1M)
#
# Each jar serves a copy of the store's database of its own (the after jar migrates its copy; the
# before jar keeps the schema it knows): STOREDB_sides_before and STOREDB_sides_after, made with
# CREATE DATABASE ... TEMPLATE (nobody may be connected to the store's database then; ~1 min at 1M),
# reused when they exist, dropped at the end unless BENCH_KEEP=1. Prints medians of BENCH_REPS (7)
# rounds, after/before per store, and each side's largest store over its smallest (the goal of
# issue 14: at most 1.2).
#
# Usage: bench/orphans-sides.sh BEFORE_JAR STORE... 
#   BEFORE_JAR  the service jar to compare with, e.g. built from main in a clone
#   STORE       a kept scale.sh store directory on PostgreSQL: bench/.work/scale.*/pg-N (its
#               imagestore.config and out/ with the paging tokens); the smallest first
#   AFTER_JAR   env BENCH_SERVICE_JAR, default this tree's (built when stale)
set -euo pipefail
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

[ $# -ge 2 ] || bench_fail "usage: bench/orphans-sides.sh BEFORE_JAR STORE..."
BEFORE_JAR="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
shift
[ -f "$BEFORE_JAR" ] || bench_fail "no jar $BEFORE_JAR"
STORES=()
for s in "$@"; do
  s="$(cd "$s" && pwd)"
  [ -f "$s/imagestore.config" ] || bench_fail "no imagestore.config in $s"
  grep -q '^db-url = jdbc:postgresql:' "$s/imagestore.config" || bench_fail "$s is not on PostgreSQL"
  STORES+=("$s")
done
bench_build_service
AFTER_JAR="$BENCH_SERVICE_JAR"
REPS="${BENCH_REPS:-7}"
RECOMPUTES="${BENCH_SIDES_RECOMPUTE:-0}"
RUN="$(mktemp -d "${TMPDIR:-/tmp}/orphans-sides.XXXXXX")"
PIDS=()
CREATED=()
CLEAN=(env -u IMAGESTORE_CONFIG -u IMAGESTORE_DB_URL -u IMAGESTORE_DB_USER -u IMAGESTORE_DB_PASSWORD
  -u IMAGESTORE_BIND -u IMAGESTORE_DATA -u IMAGESTORE_PORT)
USER_NAME="sides$$"
PASSWORD="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"

setting() { sed -n "s/^$1 = //p" "$2" | head -n 1; }

# psql_on CONFIG SQL: runs SQL on the maintenance database of CONFIG's server as CONFIG's user.
psql_on() {
  local url hostport
  url="$(setting db-url "$1")"
  hostport="${url#jdbc:postgresql://}"
  hostport="${hostport%%/*}"
  PGPASSWORD="$(setting db-password "$1")" psql -h "${hostport%:*}" -p "${hostport##*:}" \
    -U "$(setting db-user "$1")" -d postgres -qAt -v ON_ERROR_STOP=1 -c "$2"
}

cleanup() {
  local p
  for p in "${PIDS[@]}"; do bench_stop "$p"; done
  if [ -z "${BENCH_KEEP:-}" ]; then
    for p in "${CREATED[@]}"; do
      psql_on "${p%%|*}" "DROP DATABASE IF EXISTS ${p#*|} WITH (FORCE)" || true
    done
  fi
  rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# side NAME STORE JAR COPY: a copy of STORE's database (made unless it exists), a config for it with
# a data directory of the side's own (the listing reads no bytes), an admin user, a service on it.
SIDES=()
declare -A URLS JARS
side() {
  local name="$1" store="$2" jar="$3" copy url db log
  url="$(setting db-url "$store/imagestore.config")"
  db="${url##*/}"
  db="${db%%\?*}"
  copy="${db}_sides_$4"
  if [ -z "$(psql_on "$store/imagestore.config" "SELECT 1 FROM pg_database WHERE datname = '$copy'")" ]; then
    bench_log "copying database $db to $copy..."
    psql_on "$store/imagestore.config" "CREATE DATABASE $copy TEMPLATE $db" ||
      bench_fail "could not copy $db (is someone connected to it?)"
    CREATED+=("$store/imagestore.config|$copy")
  fi
  mkdir -p "$RUN/$name"
  sed -e "s#^data = .*#data = $RUN/$name/data#" -e "s#^\(db-url = .*/\)$db\([?].*\)\?\$#\1$copy\2#" \
    "$store/imagestore.config" >"$RUN/$name/imagestore.config"
  chmod 600 "$RUN/$name/imagestore.config"
  printf '%s\n' "$PASSWORD" | "${CLEAN[@]}" "$JAVA_HOME/bin/java" -jar "$jar" user add "$USER_NAME" \
    --role admin --config "$RUN/$name/imagestore.config" >"$RUN/$name/user.log" 2>&1 ||
    { cat "$RUN/$name/user.log" >&2; bench_fail "user add failed on $name"; }
  bench_log "starting $name ($jar on $copy)..."
  log="$RUN/$name/service.log"
  "${CLEAN[@]}" "$JAVA_HOME/bin/java" -Xmx1g -jar "$jar" serve --port 0 \
    --config "$RUN/$name/imagestore.config" </dev/null >"$log" 2>&1 &
  PIDS+=($!)
  url=""
  for _ in $(seq 3000); do
    url="$(sed -n 's/^imagestore listening on //p' "$log" | head -n 1)"
    [ -z "$url" ] || break
    kill -0 "${PIDS[-1]}" 2>/dev/null || { cat "$log" >&2; bench_fail "$name exited"; }
    sleep 0.1
  done
  [ -n "$url" ] || bench_fail "$name did not start"
  URLS[$name]="${url%/}"
  JARS[$name]="$jar"
  SIDES+=("$name")
}

LABELS=()
declare -A STORE_OF
for s in "${STORES[@]}"; do
  label="$(basename "$s")"
  LABELS+=("$label")
  STORE_OF[$label]="$s"
  side "before@$label" "$s" "$BEFORE_JAR" before
  side "after@$label" "$s" "$AFTER_JAR" after
done

# call URL PATH: prints "ms next-path" of one GET (fails unless 200).
call() {
  local out code ms next
  out="$(curl -sS -o "$RUN/answer" -D "$RUN/headers" -w '%{http_code} %{time_total}' \
    -u "$USER_NAME:$PASSWORD" "$1$2")"
  code="${out%% *}"
  [ "$code" = 200 ] || { head -c 600 "$RUN/answer" >&2; bench_fail "GET $2 answered $code"; }
  ms="$(awk -v t="${out#* }" 'BEGIN { printf "%.1f\n", t * 1000 }')"
  next="$(sed -n 's/^[Ll]ink: *<\([^>]*\)>; *rel="next".*/\1/p' "$RUN/headers" | tr -d '\r')"
  echo "$ms ${next:--}"
}

# follow URL PATH WANT: follows the next links until WANT entries or the end; prints the total ms.
follow() {
  local url="$1" path="$2" want="$3" total=0 got=0 out
  while :; do
    out="$(call "$url" "$path")"
    total="$(awk -v a="$total" -v b="${out%% *}" 'BEGIN { printf "%.1f\n", a + b }')"
    got=$((got + $({ grep -o '"uuid"' "$RUN/answer" || true; } | wc -l)))
    path="${out#* }"
    [ "$path" != - ] && [ "$got" -lt "$want" ] || break
    path="${path#"${path%%/orphans*}"}"
  done
  echo "$total"
}

# token STORE NAME: "&after=" and scale.sh's paging token NAME of STORE (nothing when empty).
token() {
  local t
  t="$(cat "$1/out/$2.txt")"
  [ -z "$t" ] || echo "&after=$t"
}

FILTERS="minAge=14d&runtime=00000000000000a1&spec=spec-1"
NAMES=(orphans_first_ms orphans_deep_ms orphans_filtered_1000_ms orphans_unfiltered_deep_ms admin_orphans_ms
  orphans_first_10_ms orphans_unfiltered_first_ms orphans_spec_first_ms orphans_spec_100_ms)

declare -A TIMES ANSWERS ENTRIES
# measure SIDE NAME: one timed call; the answers of both jars on a store must be the same.
measure() {
  local side="$1" name="$2" url="${URLS[$1]}" store="${STORE_OF[${1#*@}]}" t path
  case "$name" in
    recompute_orphans_ms)
      t="$(curl -sS -o "$RUN/answer" -w '%{http_code} %{time_total}' -X POST \
        -u "$USER_NAME:$PASSWORD" "$url/orphans")"
      [ "${t%% *}" = 200 ] || { cat "$RUN/answer" >&2; bench_fail "POST /orphans answered ${t%% *}"; }
      t="$(awk -v t="${t#* }" 'BEGIN { printf "%.1f\n", t * 1000 }')"
      TIMES[$side.$name]="${TIMES[$side.$name]:-} $t"
      return
      ;;
    orphans_filtered_1000_ms) t="$(follow "$url" "/orphans?limit=1000&$FILTERS" 1000)" ;;
    *)
      case "$name" in
        orphans_first_ms) path="/orphans?limit=1000&$FILTERS" ;;
        orphans_deep_ms) path="/orphans?limit=1000&$FILTERS$(token "$store" orphans-filtered-deep)" ;;
        orphans_unfiltered_deep_ms) path="/orphans?limit=1000$(token "$store" orphans-deep)" ;;
        admin_orphans_ms) path="/orphans?limit=60" ;;
        orphans_first_10_ms) path="/orphans?limit=10&$FILTERS" ;;
        orphans_unfiltered_first_ms) path="/orphans?limit=1000" ;;
        orphans_spec_first_ms) path="/orphans?limit=1000&minAge=14d&spec=spec-1" ;;
        orphans_spec_100_ms) path="/orphans?limit=100&minAge=14d&spec=lib-1" ;;
      esac
      t="$(call "$url" "$path")"
      t="${t%% *}"
      ;;
  esac
  TIMES[$side.$name]="${TIMES[$side.$name]:-} $t"
  local ids key="${side#*@}.$name"
  ENTRIES[$key]="$({ grep -o '"uuid": *"[0-9a-f]*"' "$RUN/answer" || true; } | wc -l)"
  ids="$({ grep -o '"uuid": *"[0-9a-f]*"' "$RUN/answer" || true; } | md5sum | cut -c1-12)"
  if [ -z "${ANSWERS[$key]:-}" ]; then
    ANSWERS[$key]="$ids"
  elif [ "${ANSWERS[$key]}" != "$ids" ]; then
    bench_fail "$name: $side answered other orphans than the other side on ${side#*@}"
  fi
}

# round I NAME: NAME once on every side, starting at side I mod sides (reversed every other round).
round() {
  local i="$1" name="$2" n="${#SIDES[@]}" k order=()
  for k in $(seq 0 $((n - 1))); do order+=("${SIDES[$(((i + k) % n))]}"); done
  if [ $((i % 2)) = 1 ]; then
    for ((k = n - 1; k >= 0; k--)); do measure "${order[$k]}" "$name"; done
  else
    for k in "${order[@]}"; do measure "$k" "$name"; done
  fi
}

bench_log "warming up (one call of each on every side)..."
for name in "${NAMES[@]}"; do round 0 "$name"; done
for k in "${!TIMES[@]}"; do unset "TIMES[$k]"; done
bench_log "measuring $REPS rounds..."
for i in $(seq "$REPS"); do
  for name in "${NAMES[@]}"; do round "$i" "$name"; done
done
for i in $(seq "$RECOMPUTES"); do
  bench_log "recompute round $i of $RECOMPUTES..."
  round "$i" recompute_orphans_ms
done
[ "$RECOMPUTES" = 0 ] || NAMES+=(recompute_orphans_ms)

med() {
  # shellcheck disable=SC2086
  bench_median ${TIMES[$1.$2]}
}
echo
echo "=== orphan listing, before and after, side by side: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores"
echo "before: $BEFORE_JAR; after: $AFTER_JAR; $REPS rounds"
echo "load average at the start: $LOAD_START, at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
header="$(printf '  %-27s' metric)"
for l in "${LABELS[@]}"; do header+="$(printf ' %14s %14s %8s' "before@$l" "after@$l" "a/b")"; done
if [ "${#LABELS[@]}" -ge 2 ]; then
  header+="$(printf ' %12s %12s' "before:${LABELS[-1]}/${LABELS[0]}" "after:${LABELS[-1]}/${LABELS[0]}")"
fi
echo "$header"
for name in "${NAMES[@]}"; do
  row="$(printf '  %-27s' "$name")"
  for l in "${LABELS[@]}"; do
    b="$(med "before@$l" "$name")"
    a="$(med "after@$l" "$name")"
    row+="$(printf ' %14s %14s %8s' "$b" "$a" "$(bench_ratio "$a" "$b")")"
  done
  if [ "${#LABELS[@]}" -ge 2 ]; then
    row+="$(printf ' %12s %12s' \
      "$(bench_ratio "$(med "before@${LABELS[-1]}" "$name")" "$(med "before@${LABELS[0]}" "$name")")" \
      "$(bench_ratio "$(med "after@${LABELS[-1]}" "$name")" "$(med "after@${LABELS[0]}" "$name")")")"
  fi
  echo "$row"
done
echo "times are medians of $REPS calls in ms (the recompute: of $RECOMPUTES); a/b: after/before on one store"
echo "entries in the (last) answer per store:"
for name in "${NAMES[@]}"; do
  [ "$name" != recompute_orphans_ms ] || continue
  row="$(printf '  %-27s' "$name")"
  for l in "${LABELS[@]}"; do row+="$(printf ' %14s' "${ENTRIES[$l.$name]:-?}")"; done
  echo "$row"
done
