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

# Benchmark (not a test: it prints figures, it never fails on one): the plugin's full reconcile of
# many projects through a real Gerrit, with pushes during it. Starts a throwaway stack
# (tools/devstack/stack.sh: headless Gerrit 3.13.5 with the plugin, the image service) in
# bench/.work/, on free ports, Gerrit with a GC log, then:
#
#   1. waits for the plugin's first reconcile (the site is new), creates project "bench-push" over
#      REST and pushes its master (a few hundred .lnk files);
#   2. puts BENCH_PROJECTS bare repositories bench/p0001 … into Gerrit's git directory (made once
#      by bench/GenRepo.java --projects and cached in bench/.work/), and flushes Gerrit's
#      project_list cache: Gerrit now has them all as projects, enabled through All-Projects;
#   3. BENCH_RECONCILES times: POST /config/server/imagestore~reindex (the ReconcileAll job, as the
#      schedule and the first start queue it) and waits until the outbox is empty; meanwhile
#      pushes BENCH_PUSHES commits to bench-push, one at a time, each changing BENCH_PUSH_LINKS
#      links, and times each until the image service lists all of its references (polled every
#      ~10 ms, as bench/push-latency.sh does) and until the plugin's own indexed_at;
#   4. reports the reconcile's time, the push latencies of the pushes made while it ran (p50,
#      max), and Gerrit's memory: heap after each GC during the reconcile against the heap after a
#      full GC before it (the GC log), the heap after a full GC once it is done (jcmd GC.heap_info),
#      and the resident set size (peak during the reconcile, from /proc/PID/status VmHWM, reset
#      through /proc/PID/clear_refs before it).
#
# Usage: bench/reconcile-projects.sh
# Environment:
#   BENCH_PROJECTS       projects (1000)
#   BENCH_BRANCHES       tracked branches per project: master and rel-1 … (3)
#   BENCH_BRANCH_LINKS   .lnk files on each branch (300), added over BENCH_PROJECT_COMMITS commits
#   BENCH_PROJECT_COMMITS commits on master of each project (10)
#   BENCH_PUSHES         pushes to time during each reconcile (8)
#   BENCH_PROJECTS_PUSH_LINKS  .lnk files each push changes (20)
#   BENCH_PUSH_GAP       seconds between one push being indexed and the next push (1)
#   BENCH_RECONCILES     reconciles to run (2: the first loads every project into Gerrit's caches)
#   BENCH_GERRIT_JAVA_OPTS  extra JVM options for Gerrit (e.g. -Xmx512m)
#   BENCH_PLUGIN_JAR     the plugin jar to run (default: this tree's, built when stale)
#   BENCH_TIMEOUT        seconds to wait for one reconcile or one push to be indexed (1800)
#   BENCH_SEED, BENCH_NO_BUILD, BENCH_KEEP=1 (keep the stack directory): as in bench/lib.sh
# A quick smoke run: BENCH_PROJECTS=30 BENCH_PUSHES=3 bench/reconcile-projects.sh
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$BENCH_DIR/lib.sh"
. "$BENCH_ROOT/tools/devstack/stack.sh"

PROJECTS="${BENCH_PROJECTS:-1000}"
BRANCHES="${BENCH_BRANCHES:-3}"
BRANCH_LINKS="${BENCH_BRANCH_LINKS:-300}"
PROJECT_COMMITS="${BENCH_PROJECT_COMMITS:-10}"
PUSHES="${BENCH_PUSHES:-8}"
PUSH_LINKS="${BENCH_PROJECTS_PUSH_LINKS:-20}"
PUSH_GAP="${BENCH_PUSH_GAP:-1}"
RECONCILES="${BENCH_RECONCILES:-2}"
TIMEOUT="${BENCH_TIMEOUT:-1800}"
PUSH_PROJECT=bench-push
# Bump when GenRepo.java changes what --projects generates, so cached projects are not reused.
PROJECTS_GEN_VERSION=1
PROJECTS_CACHE="$BENCH_WORK/projects-n$PROJECTS-b$BRANCHES-c$PROJECT_COMMITS-l$BRANCH_LINKS-s$BENCH_SEED-v$PROJECTS_GEN_VERSION"
WORK=""
OK=""

trap bench_devstack_finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM


# percentile P V...: the nearest-rank percentile of the numbers ("n/a" for none).
percentile() {
  local p="$1"
  shift
  printf '%s\n' "$@" | sort -g | awk -v p="$p" '{v[NR] = $1} END {
    if (NR == 0) { print "n/a"; exit }
    r = int(p / 100 * NR + 0.999999); if (r < 1) r = 1; print v[r] }'
}

# Makes the projects once (cached by parameters): bench/GenRepo.java --projects.
projects_repos() {
  if [ -f "$PROJECTS_CACHE/bench-complete" ]; then
    bench_log "reusing $PROJECTS_CACHE"
    return 0
  fi
  rm -rf "$PROJECTS_CACHE"
  bench_log "generating $PROJECTS projects ($BRANCHES branches of $BRANCH_LINKS links) in $PROJECTS_CACHE..."
  local t0=$SECONDS
  "$JAVA_HOME/bin/java" "$BENCH_ROOT/bench/GenRepo.java" --projects "$PROJECTS_CACHE" \
    "$PROJECTS" "$BRANCHES" "$PROJECT_COMMITS" "$BRANCH_LINKS" "$BENCH_SEED"
  touch "$PROJECTS_CACHE/bench-complete"
  bench_log "projects ready in $((SECONDS - t0)) s ($(du -sh "$PROJECTS_CACHE" | cut -f1))"
}

LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
export IMAGESTORE_DEV_GERRIT_PORT=0 IMAGESTORE_DEV_SSH_PORT=0 IMAGESTORE_DEV_SERVICE_PORT=0
mkdir -p "$BENCH_WORK"
WORK="$(mktemp -d "$BENCH_WORK/projects.XXXXXX")"
projects_repos
# A Gerrit site initialised and never started, kept between runs (Init takes minutes here).
SITE_TEMPLATE="$BENCH_WORK/devstack-template"
if [ -f "$SITE_TEMPLATE/gerrit/.devstack-initialized" ] &&
    [ -z "$(find "$BENCH_ROOT/pom.xml" "$BENCH_ROOT/plugin.pom.xml" -newer "$SITE_TEMPLATE/gerrit/.devstack-initialized")" ]; then
  bench_log "copying the initialised site from $SITE_TEMPLATE"
  cp -a "$SITE_TEMPLATE" "$WORK/stack"
  rm -f "$WORK/stack/stack.pid"
fi
devstack_setup "$WORK/stack"
if [ -n "${BENCH_PLUGIN_JAR:-}" ]; then
  [ -f "$BENCH_PLUGIN_JAR" ] || bench_fail "no $BENCH_PLUGIN_JAR"
  BENCH_NO_BUILD=1
fi
bench_devstack_build
devstack_prepare
if [ ! -f "$SITE_TEMPLATE/gerrit/.devstack-initialized" ]; then
  rm -rf "$SITE_TEMPLATE" "$SITE_TEMPLATE.tmp"
  cp -a "$WORK/stack" "$SITE_TEMPLATE.tmp"
  mv "$SITE_TEMPLATE.tmp" "$SITE_TEMPLATE"
fi
if [ -n "${BENCH_PLUGIN_JAR:-}" ]; then
  cp "$BENCH_PLUGIN_JAR" "$DEVSTACK_SITE/plugins/imagestore.jar"
fi
PLUGIN_SHA="$(sha1sum "$DEVSTACK_SITE/plugins/imagestore.jar" | cut -c1-12)"
GC_LOG="$WORK/gerrit-gc.log"
# shellcheck disable=SC2206  # options are words
DEVSTACK_GERRIT_JAVA=("${DEVSTACK_GERRIT_JAVA[0]}" "-Xlog:gc:file=$GC_LOG:uptime"
  ${BENCH_GERRIT_JAVA_OPTS:-} "${DEVSTACK_GERRIT_JAVA[@]:1}")
devstack_start
G="${DEVSTACK_GERRIT_URL%/}"
S="${DEVSTACK_SERVICE_URL%/}"
GERRIT_PID="$DEVSTACK_GERRIT_PID"

gerrit_json() { devstack_gerrit_json "$WORK/body" "$@"; }
status_body() {
  gerrit_json GET "/a/projects/$PUSH_PROJECT/imagestore~status" >/dev/null || true
  tr -d ' \n' <"$WORK/body"
}
outbox_depth() { status_body | sed -n 's/.*"outbox_depth":\([0-9]*\).*/\1/p'; }

# wait_drained WHAT: until the plugin's outbox is empty; polls every 200 ms.
wait_drained() {
  local deadline=$((SECONDS + TIMEOUT)) depth
  while :; do
    depth="$(outbox_depth)"
    [ "$depth" != 0 ] || return 0
    [ "$SECONDS" -lt "$deadline" ] || bench_fail "$1: the outbox still holds $depth jobs after $TIMEOUT s"
    sleep 0.2
  done
}

# --- the push project ----------------------------------------------------------------------------
bench_log "waiting for the plugin's first reconcile (a new site)"
deadline=$((SECONDS + 300))
until gerrit_json GET /a/projects/All-Projects/imagestore~status >/dev/null &&
    grep -q '"last_reconcile"' "$WORK/body"; do
  [ "$SECONDS" -lt "$deadline" ] || bench_fail "no first reconcile: $(cat "$WORK/body")"
  sleep 0.5
done

rules='{"rules":{"Administrators":{"action":"ALLOW"}}}'
status="$(gerrit_json PUT "/a/projects/$PUSH_PROJECT" '{}')"
[ "$status" = 201 ] || bench_fail "creating $PUSH_PROJECT: HTTP $status $(cat "$WORK/body")"
status="$(gerrit_json POST "/a/projects/$PUSH_PROJECT/access" "{\"add\":{
  \"refs/heads/*\":{\"permissions\":{\"push\":$rules,\"forgeAuthor\":$rules,\"forgeCommitter\":$rules,
    \"forgeServerAsCommitter\":$rules}}}}")"
[ "$status" = 200 ] || bench_fail "granting push on $PUSH_PROJECT: HTTP $status $(cat "$WORK/body")"
wait_drained "creating $PUSH_PROJECT"

devstack_git_as_admin
REMOTE="$G/a/$PUSH_PROJECT"
PUSH_REPO="$WORK/push.git"
git init -q --bare "$PUSH_REPO"
# Master like a generated project's, and the chain of commits to push on refs/heads/bench-push.
"$JAVA_HOME/bin/java" "$BENCH_ROOT/bench/GenRepo.java" "$PROJECT_COMMITS" "$BRANCH_LINKS" \
  "$PUSH_LINKS" $((PUSHES * RECONCILES)) "$BENCH_SEED" |
  git --git-dir="$PUSH_REPO" fast-import --quiet
GIT=(git --git-dir="$PUSH_REPO")
MASTER="$("${GIT[@]}" rev-parse refs/heads/master)"
"${DEVSTACK_GIT[@]}" --git-dir="$PUSH_REPO" push -q "$REMOTE" "$MASTER:refs/heads/master" \
  2>"$WORK/push.err" || bench_fail "push of master: $(cat "$WORK/push.err")"
wait_drained "indexing $PUSH_PROJECT's master"
mapfile -t CHAIN < <("${GIT[@]}" rev-list --reverse refs/heads/master..refs/heads/bench-push)

# --- the projects --------------------------------------------------------------------------------
bench_log "copying $PROJECTS projects into the site"
t0=$SECONDS
mkdir -p "$DEVSTACK_SITE/git/bench"
cp -a "$PROJECTS_CACHE"/p*.git "$DEVSTACK_SITE/git/bench/"
status="$(gerrit_json POST /a/config/server/caches/project_list/flush '{}')"
[ "$status" = 200 ] || bench_fail "flushing project_list: HTTP $status $(cat "$WORK/body")"
gerrit_json GET "/a/projects/?p=bench/&n=$((PROJECTS + 10))" >/dev/null
listed="$(grep -o '"id":' "$WORK/body" | wc -l)"
[ "$listed" = "$PROJECTS" ] || bench_fail "Gerrit lists $listed projects under bench/, not $PROJECTS"
bench_log "$PROJECTS projects in place in $((SECONDS - t0)) s"

# --- memory probes -------------------------------------------------------------------------------
# heap_after_full_gc: a full GC (jcmd GC.run), then the heap's use after it, in MiB (its line in
# the GC log; GC.heap_info's format differs between JDKs).
heap_after_full_gc() {
  local before
  before="$(gc_lines)"
  "$JAVA_HOME/bin/jcmd" "$GERRIT_PID" GC.run >/dev/null 2>&1 || return 0
  tail -n +"$((before + 1))" "$GC_LOG" | grep 'Pause Full' | tail -n 1 |
    grep -o '[0-9]*[KMG]->[0-9]*[KMG]([0-9]*[KMG])' | sed 's/.*->\([0-9]*\)\([KMG]\)(.*/\1 \2/' |
    awk '{ v = $1; if ($2 == "K") v /= 1024; if ($2 == "G") v *= 1024; printf "%.0f\n", v }'
}
rss_mb() { awk '/^VmRSS:/ { printf "%.0f\n", $2 / 1024 }' "/proc/$GERRIT_PID/status"; }
hwm_mb() { awk '/^VmHWM:/ { printf "%.0f\n", $2 / 1024 }' "/proc/$GERRIT_PID/status"; }
# gc_after_mb FROM_LINE: the heap after each GC logged after line FROM_LINE of the GC log, in MiB.
gc_after_mb() {
  tail -n +"$(($1 + 1))" "$GC_LOG" | grep -o '[0-9]*[KMG]->[0-9]*[KMG]([0-9]*[KMG])' |
    sed 's/.*->\([0-9]*\)\([KMG]\)(.*/\1 \2/' |
    awk '{ v = $1; if ($2 == "K") v /= 1024; if ($2 == "G") v *= 1024; printf "%.0f\n", v }'
}
gc_lines() { wc -l <"$GC_LOG"; }
MAX_HEAP="$("$JAVA_HOME/bin/jcmd" "$GERRIT_PID" VM.flags 2>/dev/null |
  grep -o ' -XX:MaxHeapSize=[0-9]*' | head -n 1 | awk -F= '{ printf "%.0f\n", $2 / 1048576 }')"

# --- reconciles with pushes ----------------------------------------------------------------------
# push_and_time COMMIT: pushes it to master of the push project; sets LAT_POLL (ms after 'git
# push' returned until the service lists all of the commit's references), LAT_STATE (until the
# plugin's indexed_at) and PUSH_MS.
push_and_time() {
  local c="$1" want t0 t1 t2 body iso t3
  want="$("${GIT[@]}" diff-tree -r --no-renames --diff-filter=AM --name-only "$c^" "$c" -- '*.lnk' | wc -l)"
  t0=$(bench_now_us)
  "${DEVSTACK_GIT[@]}" --git-dir="$PUSH_REPO" push -q "$REMOTE" "$c:refs/heads/master" \
    2>"$WORK/push.err" || bench_fail "push of $c: $(cat "$WORK/push.err")"
  t1=$(bench_now_us)
  bench_await_references "$S/references?project=$PUSH_PROJECT&branch=refs/heads/master" \
    "$c" "$want" "$TIMEOUT"
  t2=$BENCH_SEEN_US
  PUSH_MS="$(bench_ms_between "$t0" "$t1")"
  LAT_POLL="$(bench_ms_between "$t1" "$t2")"
  LAT_STATE="?"
  body="$(status_body)"
  iso="$(sed -n 's/.*"refs\/heads\/master":{"commit":"'"$c"'","indexed_at":"\([^"]*\)".*/\1/p' <<<"$body")"
  if [ -n "$iso" ] && t3=$(date -u -d "$iso" +%s%6N 2>/dev/null); then
    LAT_STATE="$(bench_ms_between "$t1" "$t3")"
  fi
}

RECONCILE_MS=()
DURING_POLL=()
DURING_STATE=()
DURING_PUSH=()
NOT_MADE=0
HEAP_BEFORE=()
HEAP_GC_MAX=()
HEAP_GC_MEDIAN=()
GC_COUNT=()
HEAP_AFTER=()
RSS_BEFORE=()
RSS_PEAK=()
next_push=0
for r in $(seq "$RECONCILES"); do
  HEAP_BEFORE+=("$(heap_after_full_gc)")
  RSS_BEFORE+=("$(rss_mb)")
  echo 5 >"/proc/$GERRIT_PID/clear_refs" 2>/dev/null || true # VmHWM := VmRSS
  from_line="$(gc_lines)"
  bench_log "reconcile $r of $RECONCILES: $PROJECTS projects + $PUSH_PROJECT and the site's own"
  t0=$(bench_now_us)
  status="$(gerrit_json POST /a/config/server/imagestore~reindex '{}')"
  [ "$status" = 202 ] || bench_fail "reindex: HTTP $status $(cat "$WORK/body")"
  done_us=""
  deadline=$((SECONDS + TIMEOUT))
  pushes_left="$PUSHES"
  sleep 1
  # Pushes while the reconcile runs (the outbox holds its jobs: nothing else is queued between
  # two pushes), until the outbox is empty.
  while :; do
    depth="$(outbox_depth)"
    if [ "$depth" = 0 ]; then
      done_us=$(bench_now_us)
      break
    fi
    if [ "$pushes_left" -gt 0 ]; then
      c="${CHAIN[$next_push]}"
      next_push=$((next_push + 1))
      pushes_left=$((pushes_left - 1))
      push_and_time "$c"
      DURING_POLL+=("$LAT_POLL")
      DURING_STATE+=("$LAT_STATE")
      DURING_PUSH+=("$PUSH_MS")
      bench_log "  push ${c:0:8} during the reconcile: git push $PUSH_MS ms; indexed $LAT_POLL ms after it returned (plugin's indexed_at: $LAT_STATE ms)"
      sleep "$PUSH_GAP"
      continue
    fi
    [ "$SECONDS" -lt "$deadline" ] || bench_fail "the reconcile did not finish within $TIMEOUT s"
    sleep 0.2
  done
  RECONCILE_MS+=("$(bench_ms_between "$t0" "$done_us")")
  NOT_MADE=$((NOT_MADE + pushes_left))
  RSS_PEAK+=("$(hwm_mb)")
  mapfile -t after < <(gc_after_mb "$from_line")
  GC_COUNT+=("${#after[@]}")
  HEAP_GC_MAX+=("$(percentile 100 "${after[@]}")")
  HEAP_GC_MEDIAN+=("$(percentile 50 "${after[@]}")")
  HEAP_AFTER+=("$(heap_after_full_gc)")
  bench_log "reconcile $r: ${RECONCILE_MS[-1]} ms; heap after GCs during it: median ${HEAP_GC_MEDIAN[-1]} MiB, max ${HEAP_GC_MAX[-1]} MiB (${GC_COUNT[-1]} GCs); peak RSS ${RSS_PEAK[-1]} MiB"
done
REFS_ONE="$(devstack_service_curl -fsS "$S/references?project=bench%2Fp0001" | grep -o '"uuid"' | wc -l)"
STATE_BYTES="$(stat -c %s "$DEVSTACK_SITE/data/imagestore/state.json" 2>/dev/null || echo '?')"
OK=yes

# --- summary -------------------------------------------------------------------------------------
row() { printf '  %-66s %12s\n' "$1" "$2"; }
echo
echo "=== many-projects reconcile benchmark: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, Gerrit 3.13.5 + imagestore plugin ($PLUGIN_SHA), image service (H2)"
echo "load average at the start: $LOAD_START, at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$PROJECTS projects × $BRANCHES tracked branches × $BRANCH_LINKS links ($PROJECT_COMMITS commits on master, a release branch re-records a tenth); bench/p0001 has $REFS_ONE references in the service, so ~$((REFS_ONE * PROJECTS)) in all"
echo "Gerrit JVM: max heap $MAX_HEAP MiB ${BENCH_GERRIT_JAVA_OPTS:+($BENCH_GERRIT_JAVA_OPTS)}; state.json at the end: $STATE_BYTES bytes"
echo
for i in "${!RECONCILE_MS[@]}"; do
  echo "reconcile $((i + 1)) (POST reindex → outbox drained)"
  row "time" "${RECONCILE_MS[$i]} ms"
  row "per project" "$(awk -v t="${RECONCILE_MS[$i]}" -v n="$PROJECTS" 'BEGIN { printf "%.1f", t / n }') ms"
  row "heap after a full GC before it" "${HEAP_BEFORE[$i]} MiB"
  row "heap after each GC during it: median / max (${GC_COUNT[$i]} GCs)" "${HEAP_GC_MEDIAN[$i]} / ${HEAP_GC_MAX[$i]} MiB"
  row "heap after a full GC after it" "${HEAP_AFTER[$i]} MiB"
  row "RSS before / peak during it" "${RSS_BEFORE[$i]} / ${RSS_PEAK[$i]} MiB"
done
echo
echo "pushes of $PUSH_LINKS changed links to $PUSH_PROJECT made while a reconcile ran: ${#DURING_POLL[@]} (not made, the reconcile ended first: $NOT_MADE)"
if [ "${#DURING_POLL[@]}" -gt 0 ]; then
  row "git push (client, over HTTP): p50 / max" "$(percentile 50 "${DURING_PUSH[@]}") / $(percentile 100 "${DURING_PUSH[@]}") ms"
  row "indexed (service lists all) after 'git push' returned: p50 / max" "$(percentile 50 "${DURING_POLL[@]}") / $(percentile 100 "${DURING_POLL[@]}") ms"
  echo "  each: ${DURING_POLL[*]}"
  echo "  plugin's indexed_at after 'git push' returned, each: ${DURING_STATE[*]}"
  echo "goal: indexed ≤ 200 ms after 'git push' returned while the reconcile runs — max $(percentile 100 "${DURING_POLL[@]}") ms (polled every ~10 ms)"
fi
