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

# Sourced by bin/e2e and bin/crash-gerrit after tools/devstack/stack.sh: the frame of a check
# against a throwaway stack. Set SUITE (the name every line starts with) first; then
#   suite_begin       # WORK: a new temporary directory; traps that always stop the stack
#   step "what now"   # said, and named if the check fails
#   fail "why"        # ends the check as failed
#   suite_passed "what passed"   # the last statement of a check that got through
# The last line is "$SUITE: 1 passed, 0 failed" or "$SUITE: 0 passed, 1 failed" (exit status 1).
# On failure WORK (logs, site) is kept and the ends of the logs are shown.

SUITE_STEP="setting up"
SUITE_PASSED=""

say() { echo "$SUITE: $*"; }
step() {
  SUITE_STEP="$*"
  say "$SUITE_STEP"
}
fail() {
  say "FAIL: $*"
  exit 1
}

suite_begin() {
  WORK="$(mktemp -d "${TMPDIR:-/tmp}/imagestore-$SUITE.XXXXXX")"
  trap suite_finish EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

suite_passed() {
  SUITE_PASSED="$*"
}

suite_finish() {
  local rc=$?
  trap - EXIT
  devstack_stop || true
  if [ -n "$SUITE_PASSED" ] && [ "$rc" = 0 ]; then
    rm -rf "$WORK"
    say "PASS: $SUITE_PASSED"
    say "1 passed, 0 failed"
    exit 0
  fi
  say "FAILED while $SUITE_STEP (exit status $rc)"
  local log
  for log in "${DEVSTACK_GERRIT_LOG:-}" "${DEVSTACK_SERVICE_LOG:-}"; do
    if [ -n "$log" ] && [ -s "$log" ]; then
      say "---- last lines of $log"
      tail -n 25 "$log" || true
    fi
  done
  if [ -n "${DEVSTACK_GERRIT_LOG:-}" ] && [ -s "$DEVSTACK_GERRIT_LOG" ]; then
    say "---- the plugin's last lines in $DEVSTACK_GERRIT_LOG"
    grep 'imagestore' "$DEVSTACK_GERRIT_LOG" | tail -n 15 || true
  fi
  say "kept $WORK for inspection"
  say "0 passed, 1 failed"
  exit 1
}
