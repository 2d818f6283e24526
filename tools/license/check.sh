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

# Fails when a tracked source file lacks the Apache-2.0 header. Exempt: data (JSON, PNG, fuzz
# corpora), Markdown, the Maven wrapper (its own ASF header), and the Flyway migrations, which
# must stay byte-for-byte as released (Flyway checksums them; a changed file fails validation on
# every existing database).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
missing=$(git ls-files \
  | grep -v -E '(\.(json|md|sql|gitignore|png|lnk|properties|cmd)$|Inputs/|^mvnw$|^\.bazelversion$|^LICENSE$)' \
  | while read -r f; do
      [ -f "$f" ] || continue
      head -c 2000 "$f" | grep -q 'Licensed under the Apache License, Version 2.0' || echo "$f"
    done)
if [ -n "$missing" ]; then
  echo "Files without the Apache-2.0 header:" >&2
  echo "$missing" >&2
  exit 1
fi
