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

# shellcheck shell=bash
# Sourced by the bench/*.sh scripts (which set 'set -euo pipefail'): parameters, the build, the
# JVM class path, the cached synthetic repository, and starting and stopping the image service.
#
# Parameters (environment):
#   BENCH_COMMITS       commits on master (10000)
#   BENCH_LINKS         distinct .lnk paths added over master's history (30000)
#   BENCH_PUSH_LINKS    .lnk files one pushed commit changes (500)
#   BENCH_PUSH_COMMITS  such commits, chained on refs/heads/bench-push above master (8)
#   BENCH_SEED          generator seed (42)
#   BENCH_REPS          repetitions of each measurement (7)
#   BENCH_NO_BUILD=1    do not rebuild stale jars (benchmark what is in target/)

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$BENCH_ROOT/bin/lib/java.sh"

BENCH_COMMITS="${BENCH_COMMITS:-10000}"
BENCH_LINKS="${BENCH_LINKS:-30000}"
BENCH_PUSH_LINKS="${BENCH_PUSH_LINKS:-500}"
BENCH_PUSH_COMMITS="${BENCH_PUSH_COMMITS:-8}"
BENCH_SEED="${BENCH_SEED:-42}"
BENCH_REPS="${BENCH_REPS:-7}"
BENCH_WORK="$BENCH_ROOT/bench/.work"
# A jar given from outside (another build, say; with BENCH_NO_BUILD=1) is used as it is.
BENCH_SERVICE_JAR="${BENCH_SERVICE_JAR:-$BENCH_ROOT/imagestore-service/target/imagestore-service.jar}"
# Bump when GenRepo.java changes what it generates, so cached repositories are not reused.
BENCH_GEN_VERSION=1
BENCH_REPO="$BENCH_WORK/repo-c$BENCH_COMMITS-l$BENCH_LINKS-p${BENCH_PUSH_LINKS}x$BENCH_PUSH_COMMITS-s$BENCH_SEED-v$BENCH_GEN_VERSION.git"

bench_log() { echo "bench: $*" >&2; }

bench_fail() {
  bench_log "ERROR: $*"
  exit 1
}

bench_now_ns() { date +%s%N; }

# bench_median V...: the median of the numbers (the mean of the middle two for an even count),
# with BENCH_MEDIAN_DECIMALS decimals (1).
bench_median() {
  printf '%s\n' "$@" | sort -g | awk -v d="${BENCH_MEDIAN_DECIMALS:-1}" '{v[NR] = $1} END {
    if (NR == 0) { print "nan"; exit }
    printf "%." d "f\n", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

# bench_ratio A B: A / B with two decimals ("n/a" when either is missing).
bench_ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0 || a == "n/a") print "n/a";
    else printf "%.2f\n", a / b }'
}

# Builds the plugin and the service when a jar is missing or older than its sources.
bench_build() {
  local stale=""
  if [ ! -f "$BENCH_SERVICE_JAR" ] || [ ! -f "$BENCH_ROOT/target/imagestore.jar" ] ||
      [ ! -d "$BENCH_ROOT/imagestore-service/client/target/classes" ]; then
    stale=yes
  elif [ -z "${BENCH_NO_BUILD:-}" ] &&
      [ -n "$(find "$BENCH_ROOT/pom.xml" "$BENCH_ROOT/plugin.pom.xml" "$BENCH_ROOT/src/main" \
        "$BENCH_ROOT/imagestore-service/pom.xml" "$BENCH_ROOT/imagestore-service/src/main" \
        "$BENCH_ROOT/imagestore-service/client/src/main" "$BENCH_ROOT/imagestore-service/diff/src/main" \
        "$BENCH_ROOT/imagestore-service/visual-test/src/main" \
        -newer "$BENCH_ROOT/target/imagestore.jar" -type f -print -quit 2>/dev/null)" ]; then
    stale=yes
  fi
  if [ -n "$stale" ]; then
    bench_log "building (bin/mvn package -DskipTests)..."
    mkdir -p "$BENCH_WORK"
    if ! "$BENCH_ROOT/bin/mvn" -B -q -ntp package -DskipTests >"$BENCH_WORK/build.log" 2>&1; then
      tail -n 40 "$BENCH_WORK/build.log" >&2
      bench_fail "the build failed (log: $BENCH_WORK/build.log)"
    fi
  fi
}

# Builds the jars like bench_build, for the scripts that run a devstack (tools/devstack/stack.sh,
# sourced, and devstack_setup called): devstack_build, with Gerrit's class path kept in bench/.work
# between runs. A stack directory is new on each run, and without a cached class path
# devstack_build runs the whole reactor build again to ask Maven for it.
bench_devstack_build() {
  local cached="$BENCH_WORK/gerrit-classpath.txt"
  [ ! -s "$cached" ] || cp -p "$cached" "$DEVSTACK_CLASSPATH_FILE"
  devstack_build
  cp -p "$DEVSTACK_CLASSPATH_FILE" "$cached"
}

# Builds only the service jar (the image service and its command line) when it is missing or older
# than its sources: what bench/diff.sh needs, without the Gerrit plugin.
bench_build_service() {
  if [ -f "$BENCH_SERVICE_JAR" ] && { [ -n "${BENCH_NO_BUILD:-}" ] ||
      [ -z "$(find "$BENCH_ROOT/pom.xml" "$BENCH_ROOT/imagestore-service/pom.xml" \
        "$BENCH_ROOT/imagestore-service/src/main" "$BENCH_ROOT/imagestore-service/client/src/main" \
        "$BENCH_ROOT/imagestore-service/diff/src/main" "$BENCH_ROOT/imagestore-service/visual-test/src/main" \
        -newer "$BENCH_SERVICE_JAR" -type f -print -quit 2>/dev/null)" ]; }; then
    return 0
  fi
  bench_log "building the service jar (bin/mvn -pl imagestore-service -am package -DskipTests)..."
  mkdir -p "$BENCH_WORK"
  if ! "$BENCH_ROOT/bin/mvn" -B -q -ntp -pl imagestore-service -am package -DskipTests \
      >"$BENCH_WORK/build-service.log" 2>&1; then
    tail -n 40 "$BENCH_WORK/build-service.log" >&2
    bench_fail "the build failed (log: $BENCH_WORK/build-service.log)"
  fi
}

# bench_pg_database: a fresh, empty PostgreSQL database on the shared loopback test server
# (tools/postgres/ensure.sh starts it when needed), for bench_start_service; sets BENCH_DB_URL,
# BENCH_DB_USER and BENCH_DB_PASSWORD. bench_pg_drop drops it again.
bench_pg_database() {
  local settings name
  settings="$("$BENCH_ROOT/tools/postgres/ensure.sh")" || bench_fail "no PostgreSQL (tools/postgres/ensure.sh)"
  eval "$settings"
  [ -f /tmp/imagestore-test-pg/env ] && [ -z "${IMAGESTORE_TEST_PG_PASSWORD:-}" ] &&
    . /tmp/imagestore-test-pg/env
  name="bench_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
  BENCH_DB_USER="${IMAGESTORE_TEST_PG_USER:-imagestore_test}"
  BENCH_DB_PASSWORD="${IMAGESTORE_TEST_PG_PASSWORD:-}"
  # Generous connection bounds: the service's defaults (5 s) fail its start on a busy machine.
  BENCH_DB_URL="${IMAGESTORE_TEST_PG_URL%/*}/$name?connectTimeout=60&loginTimeout=60"
  bench_psql -c "CREATE DATABASE $name" >/dev/null || bench_fail "could not create database $name"
}

bench_pg_drop() {
  [ -n "${BENCH_DB_URL:-}" ] || return 0
  local name="${BENCH_DB_URL##*/}"
  bench_psql -c "DROP DATABASE IF EXISTS ${name%%\?*} WITH (FORCE)" >/dev/null || true
}

# Runs psql against the test server's own database as the test role (password on the environment).
bench_psql() {
  local hostport="${BENCH_DB_URL#jdbc:postgresql://}"
  hostport="${hostport%%/*}"
  PGPASSWORD="$BENCH_DB_PASSWORD" psql -h "${hostport%:*}" -p "${hostport##*:}" -U "$BENCH_DB_USER" \
    -d "${IMAGESTORE_TEST_PG_URL##*/}" -qAt -v ON_ERROR_STOP=1 "$@"
}

# bench_start_service ROLES DATA_DIR LOG [JVM_OPTION...]: starts the image service jar on embedded
# H2 (or, when BENCH_DB_URL is set, on that PostgreSQL database: bench_pg_database) and local disk
# under DATA_DIR, on a free loopback port, with an account "bench" holding ROLES
# (e.g. uploader or indexer,admin) whose new random password is exported as
# BENCH_SERVICE_PASSWORD; sets SERVICE_PID (the JVM's) and SERVICE_URL. IMAGESTORE_* settings of
# the caller's environment do not reach it. JVM options go to the service, not to its CLI call.
# BENCH_SERVICE_CONFIG names a properties file both calls read (--config), e.g. with db-url,
# db-user and db-password for PostgreSQL.
bench_start_service() {
  local roles="$1" data="$2" log="$3"
  shift 3
  local config=()
  [ -z "${BENCH_SERVICE_CONFIG:-}" ] || config=(--config "$BENCH_SERVICE_CONFIG")
  local clean=(env -u IMAGESTORE_CONFIG -u IMAGESTORE_DB_URL -u IMAGESTORE_DB_USER
    -u IMAGESTORE_DB_PASSWORD -u IMAGESTORE_BIND -u IMAGESTORE_DATA -u IMAGESTORE_PORT)
  local db=()
  if [ -n "${BENCH_DB_URL:-}" ]; then
    clean+=(IMAGESTORE_DB_PASSWORD="$BENCH_DB_PASSWORD")
    db=(--db-url "$BENCH_DB_URL" --db-user "$BENCH_DB_USER")
  fi
  BENCH_SERVICE_PASSWORD="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
  export BENCH_SERVICE_PASSWORD
  mkdir -p "$data"
  printf '%s\n' "$BENCH_SERVICE_PASSWORD" |
    "${clean[@]}" "$JAVA_HOME/bin/java" -jar "$BENCH_SERVICE_JAR" user add bench --role "$roles" \
      --data "$data" "${config[@]}" "${db[@]}" >"${log%.log}-user.log" 2>&1 ||
    { cat "${log%.log}-user.log" >&2; bench_fail "user add failed"; }
  # Created before the JVM is started in the background, so polling it below cannot find it missing.
  : >"$log"
  "${clean[@]}" "$JAVA_HOME/bin/java" "$@" -jar "$BENCH_SERVICE_JAR" serve --port 0 --data "$data" \
    "${config[@]}" "${db[@]}" </dev/null >"$log" 2>&1 &
  SERVICE_PID=$!
  SERVICE_URL="$(bench_await_listening "$log" "$SERVICE_PID" "imagestore" 600 "the service")" || exit 1
}

# bench_await_listening LOG PID NAME TRIES WHAT: prints the URL from LOG's first line "NAME listening
# on URL", polled every 0.1 s up to TRIES times; fails when PID exits or the time is up.
bench_await_listening() {
  local log="$1" pid="$2" name="$3" tries="$4" what="$5" url
  for _ in $(seq "$tries"); do
    url="$(sed -n "s/^$name listening on //p" "$log" | head -n 1)"
    [ -z "$url" ] || { printf '%s\n' "$url"; return 0; }
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; bench_fail "$what exited"; }
    sleep 0.1
  done
  bench_fail "$what did not start (log: $log)"
}

# bench_start_ceiling LOG ARG...: starts bench/JettyCeiling.java (serve FILE or receive DIR) with
# the service jar on the class path, so it runs the service's own Jetty; sets CEILING_PID and
# CEILING_URL (ending in /) once it listens. BENCH_CEILING_JAVA_OPTS adds JVM options to it (a
# JFR recording, say; those of BENCH_JAVA_OPTS go to the service only).
bench_start_ceiling() {
  local log="$1"
  shift
  : >"$log"
  # shellcheck disable=SC2086
  "$JAVA_HOME/bin/java" ${BENCH_CEILING_JAVA_OPTS:-} -cp "$BENCH_SERVICE_JAR" \
    "$BENCH_ROOT/bench/JettyCeiling.java" "$@" </dev/null >"$log" 2>&1 &
  CEILING_PID=$!
  CEILING_URL="$(bench_await_listening "$log" "$CEILING_PID" "jetty-ceiling" 1200 "JettyCeiling")" ||
    exit 1
}

# bench_stop PID: stops a process this script started (TERM, then KILL after 10 s), if it runs.
bench_stop() {
  [ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 0
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# Prints the class path of the JVM programs: the plugin's classes, the client library's classes
# and gerrit-plugin-api (JGit, Guava, Gson, HttpClient, Flogger) of the version the build uses.
# Cached in bench/.work until a pom changes.
bench_classpath() {
  local file="$BENCH_WORK/classpath.txt" api=""
  mkdir -p "$BENCH_WORK"
  if [ -f "$file" ] && [ -z "$(find "$BENCH_ROOT/pom.xml" "$BENCH_ROOT/plugin.pom.xml" \
      -newer "$file" -print -quit)" ]; then
    api="$(cat "$file")"
  fi
  if [ -z "$api" ] || [ ! -f "$api" ]; then
    bench_log "asking Maven for the Gerrit plugin API jar..."
    # Only the API jar is needed (the classes come from target/): copying that one artifact needs
    # no reactor module resolved, so it works from a fresh clone and an empty local repository.
    local version
    if ! version="$(cd "$BENCH_ROOT" && ./mvnw -B -q -ntp -N help:evaluate \
        -Dexpression=gerrit.version -DforceStdout 2>"$BENCH_WORK/classpath.log")"; then
      bench_fail "Maven could not read gerrit.version (log: $BENCH_WORK/classpath.log)"
    fi
    if ! (cd "$BENCH_ROOT" && ./mvnw -B -q -ntp -N dependency:copy \
        -Dartifact="com.google.gerrit:gerrit-plugin-api:$version" \
        -DoutputDirectory="$BENCH_WORK/api") >>"$BENCH_WORK/classpath.log" 2>&1; then
      tail -n 30 "$BENCH_WORK/classpath.log" >&2
      bench_fail "Maven could not fetch the plugin API (log: $BENCH_WORK/classpath.log)"
    fi
    api="$BENCH_WORK/api/gerrit-plugin-api-$version.jar"
    [ -f "$api" ] || bench_fail "no $api after dependency:copy"
    echo "$api" >"$file"
  fi
  echo "$BENCH_ROOT/target/classes:$BENCH_ROOT/imagestore-service/client/target/classes:$api"
}

# Creates the synthetic repository (bench/GenRepo.java | git fast-import, then a normal gc) unless
# a repository of the same parameters is cached.
bench_repo() {
  if [ -f "$BENCH_REPO/bench-complete" ]; then
    bench_log "reusing $BENCH_REPO"
    return 0
  fi
  rm -rf "$BENCH_REPO"
  mkdir -p "$BENCH_WORK"
  bench_log "generating $BENCH_COMMITS commits with $BENCH_LINKS links (+ $BENCH_PUSH_COMMITS" \
    "push commits of $BENCH_PUSH_LINKS links) in $BENCH_REPO..."
  local t0=$SECONDS
  git init -q --bare "$BENCH_REPO"
  "$JAVA_HOME/bin/java" "$BENCH_ROOT/bench/GenRepo.java" "$BENCH_COMMITS" "$BENCH_LINKS" \
    "$BENCH_PUSH_LINKS" "$BENCH_PUSH_COMMITS" "$BENCH_SEED" |
    git --git-dir="$BENCH_REPO" fast-import --quiet
  # As a maintained server repository would be: one pack with deltas, packed refs, a commit-graph.
  git --git-dir="$BENCH_REPO" gc --quiet --prune=now
  git --git-dir="$BENCH_REPO" commit-graph write --reachable 2>/dev/null || true
  touch "$BENCH_REPO/bench-complete"
  bench_log "repository ready in $((SECONDS - t0)) s ($(du -sh "$BENCH_REPO" | cut -f1))"
}

# For the scripts that run a devstack stack (push-latency.sh, reconcile-projects.sh), as their EXIT
# trap: stops the stack and removes $WORK after a run that set OK (unless BENCH_KEEP is set);
# keeps it, and says where, after a failure.
bench_devstack_finish() {
  local rc=$?
  trap - EXIT
  devstack_stop || true
  if [ -n "${WORK:-}" ]; then
    if [ -n "${OK:-}" ] && [ -z "${BENCH_KEEP:-}" ]; then
      rm -rf "$WORK"
    else
      bench_log "kept $WORK (logs in $WORK/stack/logs)"
    fi
  fi
  exit "$rc"
}

# Microseconds since the epoch, without forking (bash 5), else from date.
bench_now_us() {
  if [ -n "${EPOCHREALTIME:-}" ]; then
    local t="$EPOCHREALTIME"
    echo "${t/./}"
  else
    echo $(($(date +%s%N) / 1000))
  fi
}
bench_ms_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f\n", (b - a) / 1000 }'; }

# Polls GET $1 (the service's /references of a branch) every ~10 ms until it lists $3 references
# of commit $2, failing after $4 s. Sets BENCH_SEEN_US (when the poll that first listed the
# commit returned) and BENCH_POLLS (how many polls). Needs devstack_service_curl (stack.sh).
bench_await_references() {
  local url="$1" commit="$2" want="$3" deadline=$((SECONDS + $4)) body got
  BENCH_POLLS=0
  while :; do
    body="$(devstack_service_curl -sS --max-time 5 "$url" 2>/dev/null)" || body=""
    BENCH_POLLS=$((BENCH_POLLS + 1))
    if [[ $body == *"\"commit\":\"$commit\""* ]]; then
      BENCH_SEEN_US=$(bench_now_us)
      got="$(grep -o "\"commit\":\"$commit\"" <<<"$body" | wc -l)"
      [ "$got" -lt "$want" ] || return 0
    fi
    [ "$SECONDS" -lt "$deadline" ] || bench_fail "commit $commit not indexed within $4 s"
    sleep 0.01
  done
}

# bench_tools TOOL...: makes sure wrk / nginx are there; as root, installs the missing ones with
# apt-get (nginx-core carries the dav module on Debian), otherwise fails saying what to install.
bench_tools() {
  local tool missing=()
  for tool in "$@"; do
    command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || missing+=("$tool")
  done
  [ ${#missing[@]} = 0 ] && return 0
  local packages="${missing[*]}"
  packages="${packages/nginx/nginx-core}"
  [ "$(id -u)" = 0 ] || bench_fail "missing: ${missing[*]} (apt-get install $packages)"
  bench_log "installing $packages (apt-get)..."
  # shellcheck disable=SC2086
  { apt-get install -y -qq $packages || { apt-get update -qq && apt-get install -y -qq $packages; }; } >/dev/null
}

# bench_start_nginx DIR HTTP_DIRECTIVES SERVER_DIRECTIVES: nginx with worker_processes auto and
# no access log, serving DIR/root on a free loopback port; its configuration, logs and temporary
# files in DIR. Sets NGINX (the binary), NGINX_PID and NGINX_URL (ending in /); the caller waits
# until it answers what it serves. The workers drop to an unprivileged user when started as root,
# so DIR and what they read or write are opened to everyone.
bench_start_nginx() {
  local dir="$1" port
  NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
  [ -x "$NGINX" ] || bench_fail "nginx is missing (Debian: apt-get install nginx-core)"
  mkdir -p "$dir/root" "$dir/tmp"
  chmod -R a+rwX "$dir"
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  cat >"$dir/nginx.conf" <<CONF
daemon off;
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $dir/tmp;
  proxy_temp_path $dir/tmp;
  fastcgi_temp_path $dir/tmp;
  uwsgi_temp_path $dir/tmp;
  scgi_temp_path $dir/tmp;
  $2
  server {
    listen 127.0.0.1:$port;
    root $dir/root;
    $3
  }
}
CONF
  "$NGINX" -c "$dir/nginx.conf" -p "$dir" >"$dir/out.log" 2>&1 &
  NGINX_PID=$!
  NGINX_URL="http://127.0.0.1:$port/"
}

# bench_cpu_ticks PID: CPU time so far (user + system, clock ticks) of PID and its children (the
# service's JVM; nginx's master and workers): what a request costs a server whatever else runs.
bench_cpu_ticks() {
  local pid total=0
  for pid in "$1" $(pgrep -P "$1" || true); do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}

# bench_cpu_us_per TICKS COUNT: microseconds of CPU per unit of work.
bench_cpu_us_per() {
  awk -v t="$1" -v n="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", (n > 0 ? t / hz * 1e6 / n : 0) }'
}
