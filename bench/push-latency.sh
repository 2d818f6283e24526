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

# Benchmark (not a test: it prints times, it never fails on one): push-to-indexed latency through a
# real Gerrit. Starts a throwaway stack (tools/devstack/stack.sh: headless Gerrit 3.13.5 with the
# plugin, wired to the image service) in bench/.work/, on free ports, then as Gerrit's admin:
#
#   1. creates project "bench", enables the plugin in its project.config (a push to
#      refs/meta/config), and pushes master of the cached synthetic repository (bench/lib.sh:
#      10,000 commits, 30,000 .lnk files) over HTTP; reports how long until the plugin has indexed
#      the new branch (a full scan of its history, and a replace call to the service);
#   2. for each commit on refs/heads/bench-push (each changes 500 .lnk files; they are chained),
#      empties the branch's references in the service (so a poll is cheap), pushes the commit to
#      master over HTTP and polls GET /references?project=bench&branch=refs/heads/master every
#      ~10 ms until all of the commit's references are listed; reports the latency from the push's
#      start and from 'git push' returning;
#      each push is repeated to a control project without the plugin (push time alone);
#   3. asks Gerrit for a full rescan of the project (POST /config/server/imagestore~reindex) a few
#      times and reports how long until the outbox is drained: the reconcile inside Gerrit.
#
# Usage: bench/push-latency.sh
# Environment: bench/lib.sh's parameters (BENCH_COMMITS, BENCH_LINKS, BENCH_PUSH_LINKS,
# BENCH_PUSH_COMMITS: the number of measured pushes, BENCH_REPS), and
#   BENCH_CONTROL=0          skip the control project (the same pushes with the plugin disabled)
#   BENCH_GERRIT_RECONCILES  full rescans through Gerrit to time (3; 0 skips them)
#   BENCH_TIMEOUT            seconds to wait for any one indexing (600)
#   BENCH_KEEP=1             keep the stack directory (site, logs) afterwards
# A quick smoke run: BENCH_COMMITS=500 BENCH_LINKS=1500 BENCH_PUSH_LINKS=100 BENCH_PUSH_COMMITS=3 bench/push-latency.sh
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$BENCH_DIR/lib.sh"
. "$BENCH_ROOT/tools/devstack/stack.sh"

PROJECT=bench
# The same pushes to a project without the plugin enabled, to see what indexing adds to a push.
CONTROL=bench-control
[ "${BENCH_CONTROL:-1}" != 0 ] || CONTROL=""
TIMEOUT="${BENCH_TIMEOUT:-600}"
GERRIT_RECONCILES="${BENCH_GERRIT_RECONCILES:-3}"
WORK=""
OK=""

trap bench_devstack_finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM


LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
export IMAGESTORE_DEV_GERRIT_PORT=0 IMAGESTORE_DEV_SSH_PORT=0 IMAGESTORE_DEV_SERVICE_PORT=0
mkdir -p "$BENCH_WORK"
WORK="$(mktemp -d "$BENCH_WORK/push.XXXXXX")"
bench_repo
devstack_setup "$WORK/stack"
bench_devstack_build
devstack_prepare
# The throwaway site only: let one push carry the whole synthetic history (Gerrit's default
# receive.maxBatchCommits is 10,000).
git config -f "$DEVSTACK_SITE/etc/gerrit.config" receive.maxBatchCommits 1000000
devstack_start
G="${DEVSTACK_GERRIT_URL%/}"
S="${DEVSTACK_SERVICE_URL%/}"

# gerrit_json METHOD PATH [BODY]: as admin; prints the HTTP status, the body is in $WORK/body.
gerrit_json() {
  devstack_gerrit_curl -sS -o "$WORK/body" -w '%{http_code}' -X "$1" \
    -H 'Content-Type: application/json' ${3:+-d "$3"} "$G$2"
}
# service_put_references JSON: PUT /references as the plugin's service account.
service_put_references() {
  printf 'user = "%s:%s"\n' "$DEVSTACK_INDEXER_USER" "$DEVSTACK_INDEXER_PASSWORD" |
    curl -K - -fsS -o /dev/null -X PUT -H 'Content-Type: application/json' -d "$1" "$S/references"
}
clear_master_references() {
  service_put_references "{\"project\":\"$PROJECT\",\"branch\":\"refs/heads/master\",\"references\":[]}"
}

# Git as admin, the password from the environment through a credential helper (as bin/e2e does);
# the user's own git configuration stays out of the way.
export BENCH_GIT_PASSWORD="$DEVSTACK_ADMIN_PASSWORD"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_TERMINAL_PROMPT=0
# shellcheck disable=SC2016  # $1 and the password are expanded by the helper's shell
GITA=(git -c credential.helper=
  -c 'credential.helper=!f() { test "$1" = get && printf "username=admin\npassword=%s\n" "$BENCH_GIT_PASSWORD"; }; f'
  -c user.name=Administrator -c user.email=admin@example.com)
REMOTE="$G/a/$PROJECT"

rules='{"rules":{"Administrators":{"action":"ALLOW"}}}'
for p in "$PROJECT" ${CONTROL:+"$CONTROL"}; do
  bench_log "creating project $p"
  status="$(gerrit_json PUT "/a/projects/$p" '{}')"
  [ "$status" = 201 ] || bench_fail "creating project $p: HTTP $status $(cat "$WORK/body")"
  status="$(gerrit_json POST "/a/projects/$p/access" "{\"add\":{
    \"refs/heads/*\":{\"permissions\":{\"push\":$rules,\"forgeAuthor\":$rules,\"forgeCommitter\":$rules,
      \"forgeServerAsCommitter\":$rules,\"pushMerge\":$rules}},
    \"refs/meta/config\":{\"permissions\":{\"push\":$rules}}}}")"
  [ "$status" = 200 ] || bench_fail "granting push on $p: HTTP $status $(cat "$WORK/body")"
done

bench_log "enabling the plugin in $PROJECT's project.config"
git init -q "$WORK/meta"
(
  cd "$WORK/meta"
  "${GITA[@]}" fetch -q "$REMOTE" refs/meta/config
  "${GITA[@]}" checkout -q FETCH_HEAD
  git config -f project.config plugin.imagestore.enabled true
  "${GITA[@]}" add project.config
  "${GITA[@]}" commit -q -m "Enable imagestore"
  "${GITA[@]}" push -q "$REMOTE" HEAD:refs/meta/config 2>"$WORK/meta-push.err" ||
    bench_fail "pushing refs/meta/config: $(cat "$WORK/meta-push.err")"
)
status="$(gerrit_json GET "/a/projects/$PROJECT/imagestore~status")"
grep -q '"enabled": *true' "$WORK/body" || bench_fail "the plugin is not enabled: $(cat "$WORK/body")"

GIT=(git --git-dir="$BENCH_REPO")
MASTER="$("${GIT[@]}" rev-parse refs/heads/master)"

# wait_indexed COMMIT: until the plugin's status names COMMIT for master and the outbox is empty;
# polls every 50 ms.
wait_indexed() {
  local deadline=$((SECONDS + TIMEOUT)) body
  while :; do
    gerrit_json GET "/a/projects/$PROJECT/imagestore~status" >/dev/null || true
    body="$(tr -d ' \n' <"$WORK/body")"
    if [[ $body == *"\"refs/heads/master\":{\"commit\":\"$1\""* && $body == *'"outbox_depth":0'* ]]; then
      return 0
    fi
    if [[ $body == *'"last_error"'* ]]; then
      bench_log "plugin reports: $body"
    fi
    [ "$SECONDS" -lt "$deadline" ] || bench_fail "not indexed within $TIMEOUT s: $body"
    sleep 0.05
  done
}

bench_log "pushing master ($BENCH_COMMITS commits) to $REMOTE"
t0=$(bench_now_us)
"${GITA[@]}" --git-dir="$BENCH_REPO" push -q -o skip-validation "$REMOTE" \
  "$MASTER:refs/heads/master" 2>"$WORK/push.err" || bench_fail "push: $(cat "$WORK/push.err")"
t1=$(bench_now_us)
wait_indexed "$MASTER"
t2=$(bench_now_us)
INITIAL_PUSH_MS=$(bench_ms_between "$t0" "$t1")
INITIAL_INDEX_MS=$(bench_ms_between "$t1" "$t2")
bench_log "initial push: $INITIAL_PUSH_MS ms, branch indexed $INITIAL_INDEX_MS ms later"
if [ -n "$CONTROL" ]; then
  bench_log "pushing master to $G/a/$CONTROL (plugin not enabled there)"
  "${GITA[@]}" --git-dir="$BENCH_REPO" push -q -o skip-validation "$G/a/$CONTROL" \
    "$MASTER:refs/heads/master" 2>"$WORK/push.err" || bench_fail "push: $(cat "$WORK/push.err")"
fi
INITIAL_REFS="$(devstack_service_curl -fsS "$S/references?project=$PROJECT&branch=refs/heads/master" | grep -o '"uuid"' | wc -l)"

# --- push latency ------------------------------------------------------------------------------
mapfile -t PUSHES < <("${GIT[@]}" rev-list --reverse "refs/heads/master..refs/heads/bench-push")
[ "${#PUSHES[@]}" -gt 0 ] || bench_fail "no commits on refs/heads/bench-push above master"
AFTER_PUSH=()
FROM_START=()
PUSH_ONLY=()
POLLS=()
STATE_FROM_START=()
STATE_AFTER_PUSH=()
CONTROL_PUSH=()
for c in "${PUSHES[@]}"; do
  want="$("${GIT[@]}" diff-tree -r --no-renames --diff-filter=AM --name-only "$c^" "$c" -- '*.lnk' | wc -l)"
  clear_master_references
  t0=$(bench_now_us)
  "${GITA[@]}" --git-dir="$BENCH_REPO" push -q "$REMOTE" "$c:refs/heads/master" 2>"$WORK/push.err" ||
    bench_fail "push of $c: $(cat "$WORK/push.err")"
  t1=$(bench_now_us)
  bench_await_references "$S/references?project=$PROJECT&branch=refs/heads/master" "$c" "$want" "$TIMEOUT"
  t2=$BENCH_SEEN_US n_polls=$BENCH_POLLS
  PUSH_ONLY+=("$(bench_ms_between "$t0" "$t1")")
  AFTER_PUSH+=("$(bench_ms_between "$t1" "$t2")")
  FROM_START+=("$(bench_ms_between "$t0" "$t2")")
  POLLS+=("$n_polls")
  # The plugin's own record of when the service acknowledged the batch (same machine, same
  # clock): no polling error, and it may come before 'git push' returns.
  wait_indexed "$c"
  iso="$(tr -d ' \n' <"$WORK/body" |
    sed -n 's/.*"refs\/heads\/master":{"commit":"[0-9a-f]*","indexed_at":"\([^"]*\)".*/\1/p')"
  if [ -n "$iso" ] && t3=$(date -u -d "$iso" +%s%6N 2>/dev/null); then
    STATE_FROM_START+=("$(bench_ms_between "$t0" "$t3")")
    STATE_AFTER_PUSH+=("$(bench_ms_between "$t1" "$t3")")
  fi
  if [ -n "$CONTROL" ]; then
    t0=$(bench_now_us)
    "${GITA[@]}" --git-dir="$BENCH_REPO" push -q "$G/a/$CONTROL" "$c:refs/heads/master" \
      2>"$WORK/push.err" || bench_fail "push of $c to $CONTROL: $(cat "$WORK/push.err")"
    t1=$(bench_now_us)
    CONTROL_PUSH+=("$(bench_ms_between "$t0" "$t1")")
  fi
  bench_log "push ${c:0:8} ($want links): git push ${PUSH_ONLY[-1]} ms; seen by poll ${AFTER_PUSH[-1]} ms after it returned (${FROM_START[-1]} ms from its start, $n_polls polls); plugin's indexed_at ${STATE_AFTER_PUSH[-1]:-?} ms after return (${STATE_FROM_START[-1]:-?} ms from start)"
done
wait_indexed "${PUSHES[-1]}"

# --- full reconcile inside Gerrit ----------------------------------------------------------------
RECONCILES=()
for _ in $(seq "$GERRIT_RECONCILES"); do
  t0=$(bench_now_us)
  status="$(gerrit_json POST /a/config/server/imagestore~reindex "{\"project\":\"$PROJECT\"}")"
  [ "$status" = 202 ] || bench_fail "reindex: HTTP $status $(cat "$WORK/body")"
  # Drained when the outbox is empty again (the job file is written before the 202).
  deadline=$((SECONDS + TIMEOUT))
  while :; do
    gerrit_json GET "/a/projects/$PROJECT/imagestore~status" >/dev/null || true
    [[ "$(tr -d ' \n' <"$WORK/body")" != *'"outbox_depth":0'* ]] || break
    [ "$SECONDS" -lt "$deadline" ] || bench_fail "the rescan did not finish within $TIMEOUT s"
    sleep 0.05
  done
  t1=$(bench_now_us)
  RECONCILES+=("$(bench_ms_between "$t0" "$t1")")
  bench_log "rescan of $PROJECT through Gerrit: ${RECONCILES[-1]} ms"
done
FINAL_REFS="$(devstack_service_curl -fsS "$S/references?project=$PROJECT" | grep -o '"uuid"' | wc -l)"
OK=yes

# --- summary -------------------------------------------------------------------------------------
row() { printf '  %-58s %10s\n' "$1" "$2"; }
N=${#PUSHES[@]}
echo
echo "=== push-to-indexed benchmark: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, Gerrit 3.13.5 + imagestore plugin, image service (H2)"
echo "load average at the start: $LOAD_START, at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
echo "repository: $BENCH_COMMITS commits, $BENCH_LINKS .lnk paths; each measured push: 1 commit with $want changed .lnk files"
echo
row "initial push of master ($BENCH_COMMITS commits), git push" "$INITIAL_PUSH_MS ms"
row "  then branch indexed (plugin: full scan + replace, $INITIAL_REFS refs)" "$INITIAL_INDEX_MS ms"
echo
echo "one commit with $want .lnk changes, $N pushes (ms: median; then each push in order)"
row "git push (client, over HTTP)" "$(bench_median "${PUSH_ONLY[@]}") ms"
if [ "${#CONTROL_PUSH[@]}" -gt 0 ]; then
  row "  same push to a project without the plugin (control)" "$(bench_median "${CONTROL_PUSH[@]}") ms"
  echo "  each, plugin enabled:  ${PUSH_ONLY[*]}"
  echo "  each, control:         ${CONTROL_PUSH[*]}"
fi
row "indexed (seen by polling) after 'git push' returned" "$(bench_median "${AFTER_PUSH[@]}") ms"
row "indexed (seen by polling) after the push started" "$(bench_median "${FROM_START[@]}") ms"
echo "  each, after return: ${AFTER_PUSH[*]}"
echo "  each, from start:   ${FROM_START[*]}"
echo "  (curl every ~10 ms after 'git push' returns, so late by up to one poll; polls per push: ${POLLS[*]})"
if [ "${#STATE_FROM_START[@]}" -gt 0 ]; then
  row "plugin's indexed_at (service acknowledged), after return" "$(bench_median "${STATE_AFTER_PUSH[@]}") ms"
  row "plugin's indexed_at, after the push started" "$(bench_median "${STATE_FROM_START[@]}") ms"
  echo "  each, after return: ${STATE_AFTER_PUSH[*]}"
  echo "  each, from start:   ${STATE_FROM_START[*]}"
fi
echo "goal: ≤ 200 ms — median after 'git push' returned: $(bench_median "${AFTER_PUSH[@]}") ms (polled), from its start: $(bench_median "${FROM_START[@]}") ms (polled)"
if [ "${#RECONCILES[@]}" -gt 0 ]; then
  echo
  row "full rescan through Gerrit (POST reindex → outbox drained)" "$(bench_median "${RECONCILES[@]}") ms"
  echo "  each: ${RECONCILES[*]} (the first re-inserts the references the pushes above cleared; $FINAL_REFS refs after)"
fi
