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

# Benchmark (not a test: it prints ratios, it never fails on a time). Over a synthetic repository
# (by default 10,000 commits on master adding 30,000 distinct .lnk files, cached in bench/.work/),
# measures side by side in one run:
#
#   C git        git log --raw over master limited to '*.lnk' | dedupe blob ids | git cat-file --batch:
#                every (commit, path, blob) introduction listed, every distinct blob read once;
#   scan         the plugin's LnkScanner over the same branch in a JVM (JGit), cold and warm;
#   reconcile    the scan plus the client library's replaceReferences(project, null, all) against a
#                real image service (imagestore-service.jar on a throwaway data directory), first
#                into an empty project, then with the set unchanged (a scheduled reconcile: the
#                digests match, the set is not sent), then after a stray reference was added (only
#                the stray one's bucket is sent and repaired; the whole set to a service without
#                buckets, as BENCH_BEFORE_JAR from before them);
#   database alone (BENCH_CEILING=1) for each database of BENCH_DB: the same scan streaming each
#                reference straight into that database's image_references from the bench JVM (no
#                HTTP, no JSON, no service; the service's own Database.open on an empty database of
#                its own), one transaction per import: the floor of a first import on it;
#   push         for each of BENCH_PUSH_COMMITS commits changing BENCH_PUSH_LINKS links: what the
#                plugin does on a fast-forward (scan the new commit, addReferences), in the warm JVM.
#
# It checks that C git and the scanner find the same (path, uuid) pairs.
#
# Usage: bench/reconcile.sh
# Environment: see bench/lib.sh (BENCH_COMMITS, BENCH_LINKS, BENCH_REPS, ...), and
#   BENCH_WARMUP            uncounted warm-up scans after the cold one (3)
#   BENCH_SERVICE=0         skip the image service (no reconcile row, push without the add call)
#   BENCH_DB                the service's database: h2 (embedded, the default), pg (a fresh database
#                           on the shared loopback PostgreSQL of tools/postgres/ensure.sh), or h2,pg
#                           (one service on each, measured one after the other in the same run)
#   BENCH_BEFORE_JAR        another build of imagestore-service.jar: each database is then measured
#                           with it too (label "<db>-before"), in the same run, for before/after
#   BENCH_CEILING=1         also the first import by the database alone (bench/ReconcileBench.java
#                           DatabaseAlone), taking turns with the services' first imports, each run
#                           right after a C git run; not for BENCH_BEFORE_JAR's services, nothing
#                           with BENCH_SERVICE=0
#   BENCH_CEILING_WAYS      how the database alone writes, comma-separated, to compare ways in one
#                           run: copy (PostgreSQL only), inserts, unnest, each from the scan's
#                           callback or with -thread (a writer thread fed by a bounded queue),
#                           taking turns on the same database (each import a new project); by
#                           default the fastest measured: copy-thread on PostgreSQL, inserts-thread
#                           on H2
#   BENCH_JAVA_OPTS         extra JVM options for the scanner's JVM (e.g. -Xmx1g)
#   BENCH_SERVICE_JAVA_OPTS extra JVM options for the image service (e.g. -XX:StartFlightRecording=...)
#   BENCH_IMAGES_EXIST=1    store the images the references name before the first imports (each
#                           import then clears their orphan marks; the previous import's project
#                           is emptied, untimed, before the next)
#   BENCH_PACKED_GIT_LIMIT, BENCH_DELTA_BASE_CACHE_LIMIT
#                           JGit cache sizes in bytes (default 10 MiB each, as Gerrit's defaults)
#   BENCH_VARIANTS=1        also time variants of the scanner's loop (bench/ScanVariants.java):
#                           tree diff alone, a tree-caching reader, two threads
# A quick smoke run: BENCH_COMMITS=500 BENCH_LINKS=1500 BENCH_PUSH_LINKS=100 BENCH_REPS=3 bench/reconcile.sh
set -euo pipefail
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

BENCH_SERVICE="${BENCH_SERVICE:-1}"
BENCH_WARMUP="${BENCH_WARMUP:-3}"
BENCH_DB="${BENCH_DB:-h2}"
CEILING="${BENCH_CEILING:-}"
ALONE_ARGS=()
RUN=""
SERVICE_PIDS=()
PG_URLS=()

cleanup() {
  local pid url
  for pid in "${SERVICE_PIDS[@]}"; do bench_stop "$pid"; done
  for url in "${PG_URLS[@]}"; do BENCH_DB_URL="$url" bench_pg_drop; done
  [ -z "$RUN" ] || [ -n "${BENCH_KEEP:-}" ] || rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
bench_build
# The service jar last (H2, pgjdbc, HikariCP, Flyway and the service's Database for the database
# alone): every class the JVM finds before it comes from where it came from without it.
CP="$(bench_classpath):$BENCH_SERVICE_JAR"
bench_repo
RUN="$(mktemp -d "$BENCH_WORK/run.XXXXXX")"
GIT=(git --git-dir="$BENCH_REPO")

# --- (a) C git -------------------------------------------------------------------------------
GIT_LOG=("${GIT[@]}" log --format=%H --raw --no-abbrev --no-renames --diff-filter=AM
  refs/heads/master -- '*.lnk')

# The timed pipeline: list the introductions, read each distinct blob once. The JVM runs it (and
# git log alone) right before each measured scan, so both sides see the same load.
printf -v GIT_LOG_CMD '%q ' "${GIT_LOG[@]}"
GIT_CMD="$GIT_LOG_CMD | awk '/^:/ && !seen[\$4]++ { print \$4 }' | git --git-dir=$(printf '%q' "$BENCH_REPO") cat-file --batch >/dev/null"
GIT_LOG_CMD="$GIT_LOG_CMD >/dev/null"

# The same listing, untimed, turned into sorted "path<TAB>uuid" pairs to compare with ours.
"${GIT_LOG[@]}" >"$RUN/raw.txt"
awk '/^:/ && !seen[$4]++ { print $4 }' "$RUN/raw.txt" | "${GIT[@]}" cat-file --batch >"$RUN/blobs.txt"
awk -F'\t' '
  FNR == NR { if (FNR % 2) { split($0, h, " "); sha = h[1] } else { content[sha] = $0 }; next }
  /^:/ { split($1, f, " "); c = content[f[4]]; sub(/^uuid=/, "", c); print $2 "\t" c }
' "$RUN/blobs.txt" "$RUN/raw.txt" >"$RUN/git-entries.txt"
GIT_ENTRIES=$(wc -l <"$RUN/git-entries.txt")
LC_ALL=C sort -u "$RUN/git-entries.txt" >"$RUN/git-pairs.txt"
GIT_PAIRS=$(wc -l <"$RUN/git-pairs.txt")
GIT_BLOBS=$(grep -c ' blob ' "$RUN/blobs.txt" || true)
bench_log "C git lists $GIT_ENTRIES introductions of $GIT_BLOBS distinct blobs, $GIT_PAIRS (path, uuid) pairs"

# --- (c) the image service, one per database ----------------------------------------------------
SERVICE_URL=""
SERVICE_ARGS=()
DBS=()
BOTH=()
BUILT_JAR="$BENCH_SERVICE_JAR"
if [ "$BENCH_SERVICE" != 0 ]; then
  IFS=, read -r -a DBS <<<"$BENCH_DB"
  if [ -n "${BENCH_BEFORE_JAR:-}" ]; then
    # Each database twice: the jar given (label "<db>-before") and this build, taking turns.
    for db in "${DBS[@]}"; do BOTH+=("$db-before" "$db"); done
    DBS=("${BOTH[@]}")
  fi
  for k in "${!DBS[@]}"; do
    db="${DBS[$k]}"
    BENCH_SERVICE_JAR="$BUILT_JAR"
    if [[ $db == *-before ]]; then
      BENCH_SERVICE_JAR="$BENCH_BEFORE_JAR"
    fi
    case "${db%-before}" in
      h2) unset BENCH_DB_URL ;;
      pg)
        bench_pg_database
        PG_URLS+=("$BENCH_DB_URL")
        ;;
      *) bench_fail "BENCH_DB: h2, pg or both comma-separated, not '$db'" ;;
    esac
    # shellcheck disable=SC2086
    bench_start_service indexer,admin "$RUN/service-$db" "$RUN/service-$db.log" \
      ${BENCH_SERVICE_JAVA_OPTS:-}
    SERVICE_PIDS+=("$SERVICE_PID")
    export "BENCH_SERVICE_PASSWORD_$k=$BENCH_SERVICE_PASSWORD"
    bench_log "image service on $db at $SERVICE_URL"
    SERVICE_ARGS+=(--service "$db=$SERVICE_URL")
    # The database alone (BENCH_CEILING=1): an empty database of its own, written by the bench JVM.
    if [ -n "$CEILING" ] && [[ $db != *-before ]]; then
      j=$((${#ALONE_ARGS[@]} / 2))
      case "$db" in
        h2) ALONE_ARGS+=(--database "h2=h2:$RUN/alone-h2") ;;
        pg)
          bench_pg_database
          PG_URLS+=("$BENCH_DB_URL")
          export "BENCH_DATABASE_USER_$j=$BENCH_DB_USER" "BENCH_DATABASE_PASSWORD_$j=$BENCH_DB_PASSWORD"
          ALONE_ARGS+=(--database "pg=$BENCH_DB_URL")
          ;;
      esac
      bench_log "database alone on $db"
    fi
  done
  [ -z "$CEILING" ] || [ -z "${BENCH_CEILING_WAYS:-}" ] ||
    ALONE_ARGS+=(--database-ways "$BENCH_CEILING_WAYS")
  unset BENCH_DB_URL
  SERVICE_ARGS+=(--user bench)
fi

# --- (b) + (c) + push, one JVM ---------------------------------------------------------------
bench_log "running LnkScanner in a JVM: 1 cold + $BENCH_WARMUP warm-up + $BENCH_REPS runs, each after a C git run..."
# Not shown: SLF4J's and log4j's complaints of no configuration (log4j: the plugin API's Flogger
# backend, once the service's Database logs for the database alone).
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" ${BENCH_JAVA_OPTS:-} -cp "$CP" "$BENCH_ROOT/bench/ReconcileBench.java" \
  --git-dir "$BENCH_REPO" --reps "$BENCH_REPS" --warmup "$BENCH_WARMUP" \
  --git-cmd "$GIT_CMD" --git-log-cmd "$GIT_LOG_CMD" --pairs-out "$RUN/java-pairs.txt" \
  --push-ref refs/heads/bench-push "${SERVICE_ARGS[@]}" "${ALONE_ARGS[@]}" \
  ${BENCH_IMAGES_EXIST:+--images-exist} \
  >"$RUN/java.out" 2> >(grep -v -e '^SLF4J:' -e '^log4j:WARN' >&2)
result() { sed -n "s/^result $1 //p" "$RUN/java.out"; }

# Optional diagnostics: variants of the scanner's loop (bench/ScanVariants.java).
if [ -n "${BENCH_VARIANTS:-}" ]; then
  bench_log "running bench/ScanVariants.java (BENCH_VARIANTS=1)..."
  # shellcheck disable=SC2086
  "$JAVA_HOME/bin/java" ${BENCH_JAVA_OPTS:-} -cp "$CP" "$BENCH_ROOT/bench/ScanVariants.java" \
    "$BENCH_REPO" "$BENCH_REPS" 2>/dev/null | grep '^variant' >"$RUN/variants.txt" || true
fi

# --- check -----------------------------------------------------------------------------------
JAVA_REFS=$(result refs)
JAVA_PAIRS=$(result pairs)
if [ "$JAVA_REFS" = "$GIT_ENTRIES" ] && cmp -s "$RUN/git-pairs.txt" "$RUN/java-pairs.txt"; then
  CHECK="same $GIT_PAIRS (path, uuid) pairs from $GIT_ENTRIES introductions"
else
  CHECK="MISMATCH: C git $GIT_ENTRIES introductions / $GIT_PAIRS pairs, LnkScanner $JAVA_REFS references / $JAVA_PAIRS pairs"
  diff "$RUN/git-pairs.txt" "$RUN/java-pairs.txt" | head -n 10 >&2 || true
fi

# --- summary ---------------------------------------------------------------------------------
GIT_MS=$(result git_median_ms)
LOG_MS=$(result git_log_median_ms)
row() { printf '  %-60s %10s %9s\n' "$1" "$2" "$3"; }
ratio() { bench_ratio "$1" "$GIT_MS"; }
SCAN_WARM=$(result scan_warm_median_ms)
echo
echo "=== reconcile benchmark: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(git --version), Java $("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.version = //p')"
echo "repository: $BENCH_COMMITS commits, $BENCH_LINKS .lnk paths; $GIT_ENTRIES introductions ($(du -sh "$BENCH_REPO" | cut -f1) packed)"
echo "load average at the start: $LOAD_START, at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
echo "medians of $BENCH_REPS runs; each scan right after a C git run (warm page cache, warm JVM after $BENCH_WARMUP warm-up runs)"
echo
row "tool" "median ms" "× C git"
row "C git: log --raw '*.lnk' | cat-file --batch" "$GIT_MS" "1.00"
row "  (git log --raw alone, no blobs read)" "$LOG_MS" "$(ratio "$LOG_MS")"
row "LnkScanner, warm JVM" "$SCAN_WARM" "$(ratio "$SCAN_WARM")"
row "LnkScanner, cold JVM (run 1)" "$(result scan_cold_ms)" "$(ratio "$(result scan_cold_ms)")"
for db in "${DBS[@]}"; do
  name="$(case "${db%-before}" in h2) echo "embedded H2" ;; pg) echo PostgreSQL ;; esac)"
  [[ $db != *-before ]] || name="$name, BENCH_BEFORE_JAR"
  echo
  echo "  reconcile = scan + replaceReferences, service on $name; each run right after a C git run:"
  echo "  median ms, its C git run's median, and the median of the per-pair ratios"
  printf '  %-60s %10s %9s %9s\n' "" "ms" "C git ms" "× C git"
  for kind in initial:"first import into an empty project (all inserted)" \
      steady:"set unchanged (digest matched, nothing sent)" \
      changed:"after drift (digest differs, its buckets sent, repaired)"; do
    k="$db.${kind%%:*}"
    printf '  %-60s %10s %9s %9s\n' "${kind#*:}" "$(result "${k}_median_ms")" \
      "$(result "${k}_git_median_ms")" "$(result "${k}_ratio_median")"
    printf '  %-60s %10s\n' "  of which the replace call" "$(result "${k}_replace_median_ms")"
  done
  for way in $(result "$db.alone_ways"); do
    k="$db.alone.$way"
    printf '  %-60s %10s %9s %9s\n' "first import, database alone ($(result "${k}_title"))" \
      "$(result "${k}_median_ms")" "$(result "${k}_git_median_ms")" "$(result "${k}_ratio_median")"
    printf '  %-60s %10s\n' "  of which after the scan (rest of the writes, commit)" \
      "$(result "${k}_replace_median_ms")"
  done
done
echo
echo "  C git runs (ms):      $(result git_runs)"
echo "  LnkScanner runs (ms): $(result scan_runs)"
echo "  median of the per-pair ratios: $(result paired_ratio_median)×"
echo "goal: ≤ 1.5× C git — LnkScanner warm: $(ratio "$SCAN_WARM")×"
for db in "${DBS[@]}"; do
  floor=""
  for way in $(result "$db.alone_ways"); do
    floor="$floor; database alone ($(result "$db.alone.${way}_title")) $(result "$db.alone.${way}_ratio_median")×"
  done
  echo "goal ($db): first import ≤ 1.5×: $(result "$db.initial_ratio_median")×;" \
    "unchanged and after drift ≤ 1.0×: $(result "$db.steady_ratio_median")×," \
    "$(result "$db.changed_ratio_median")×$floor"
done
echo "check: $CHECK"
if [ -s "$RUN/variants.txt" ]; then
  echo
  echo "diagnostics (BENCH_VARIANTS=1): LnkScanner's loop with one change each, medians, same JVM"
  while IFS=$'\t' read -r _ name ms links; do
    [ "$links" = 0 ] || name="$name ($links links)"
    row "$name" "$ms" "$(ratio "$ms")"
  done <"$RUN/variants.txt"
fi
echo
PUSH_N=$(result push_refs)
echo "push, in the JVM (no Gerrit): one commit with $PUSH_N .lnk changes, medians of commits 2..$(result push_commits)"
row "scan the commit (LnkScanner, parent excluded)" "$(result push_scan_median_ms)" ""
if [ -n "$SERVICE_URL" ]; then
  row "addReferences ($PUSH_N references)" "$(result push_add_median_ms)" ""
fi
row "total" "$(result push_total_median_ms)" ""
row "total, first commit" "$(result push_first_total_ms)" ""
echo "goal: ≤ 200 ms push-to-indexed (end to end through Gerrit: bench/push-latency.sh)"
[[ $CHECK != MISMATCH* ]] || exit 1
