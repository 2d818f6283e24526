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

# Checks the Bazel files of the repository with buildifier: formatting (-mode=check) and lint
# warnings (-lint=warn). Exits non-zero when a file needs reformatting or has a warning.
#
# buildifier comes from the npm package @bazel/buildifier, pinned in package-lock.json next to
# this script; the package ships the binaries, so nothing is downloaded from GitHub. It is
# installed with `npm ci` into tools/buildifier/node_modules when missing or out of date.
#
# Usage: tools/buildifier/lint.sh [FILE...]   (default: every BUILD, WORKSPACE, MODULE.bazel and
#        *.bzl file of the repository outside node_modules/, target/ and bazel-*/)
set -euo pipefail

DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$DIR/../.." && pwd)"
BUILDIFIER="$DIR/node_modules/@bazel/buildifier/buildifier.js"
INSTALLED_LOCK="$DIR/node_modules/.package-lock.json"

if [ ! -f "$BUILDIFIER" ] || [ ! -f "$INSTALLED_LOCK" ] ||
    [ "$DIR/package-lock.json" -nt "$INSTALLED_LOCK" ]; then
  npm ci --prefix "$DIR" --no-audit --no-fund >&2
fi

cd "$ROOT"
if [ "$#" -gt 0 ]; then
  files=("$@")
else
  files=()
  while IFS= read -r -d '' f; do
    files+=("${f#./}")
  done < <(find . \
      \( -name .git -o -name node_modules -o -name target -o -name 'bazel-*' \) -prune -o \
      -type f \( -name BUILD -o -name BUILD.bazel -o -name WORKSPACE -o -name WORKSPACE.bazel \
        -o -name MODULE.bazel -o -name '*.bzl' \) -print0 | sort -z)
fi

if [ "${#files[@]}" -eq 0 ]; then
  echo "buildifier: no Bazel files found under $ROOT" >&2
  exit 1
fi

echo "buildifier $(node "$BUILDIFIER" --version | sed -n 's/^buildifier version: *\([^ ]*\).*/\1/p'): ${files[*]}" >&2
# Exit status: 0 clean, 4 reformatting needed or lint warnings, other values for errors.
node "$BUILDIFIER" -mode=check -lint=warn "${files[@]}"
