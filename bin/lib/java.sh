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

# Sourced by the scripts in bin/: exports JAVA_HOME pointing at a JDK 21 or newer.
# Gerrit 3.13 jars are Java 21 bytecode; many machines still default to an older java.

imagestore_java_major() {
  # Prints the major version of the JDK at $1 ("" when it is not a JDK).
  [ -x "$1/bin/javac" ] || return 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}

imagestore_find_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" \
      $(ls -d /usr/lib/jvm/* /opt/java/* /opt/jdk* /Library/Java/JavaVirtualMachines/*/Contents/Home 2>/dev/null | sort -rV) \
      "$(dirname "$(dirname "$(readlink -f "$(command -v javac 2>/dev/null || echo /nonexistent)")")")"; do
    [ -n "$candidate" ] || continue
    major=$(imagestore_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if ! JAVA_HOME=$(imagestore_find_jdk); then
  echo "imagestore needs a JDK 21 or newer (Gerrit 3.13 is Java 21 bytecode) and found none." >&2
  echo "Install one (for example the Debian package openjdk-21-jdk-headless or a Temurin JDK 21+)" >&2
  echo "and set JAVA_HOME to it." >&2
  return 1 2>/dev/null || exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
