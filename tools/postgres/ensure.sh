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

# Makes sure a PostgreSQL server for the tests answers on loopback, and prints how to reach it as
# shell exports (for `eval "$(tools/postgres/ensure.sh)"`):
#   IMAGESTORE_TEST_PG_URL       jdbc:postgresql://127.0.0.1:PORT/imagestore_test
#   IMAGESTORE_TEST_PG_USER      a role that may create databases (each test class makes its own)
#   IMAGESTORE_TEST_PG_PASSWORD  its password (random, made once; kept in a mode-600 file)
#
# When IMAGESTORE_TEST_PG_URL is set already, that server is used and nothing is started.
# Otherwise it installs Debian's postgresql if no server binaries are found (root only), and runs
# a private cluster of its own (initdb into $IMAGESTORE_TEST_PG_DIR, default
# /tmp/imagestore-test-pg; pg_ctl, no systemd needed) on a free loopback port, as the postgres
# user when run as root. Later calls reuse the running cluster. The same values are written to
# $IMAGESTORE_TEST_PG_DIR/env, where the tests look when the variables are not set.
# `tools/postgres/ensure.sh --stop` stops that cluster.
set -euo pipefail

say() { echo "postgres: $*" >&2; }

if [ -n "${IMAGESTORE_TEST_PG_URL:-}" ] && [ "${1:-}" != "--stop" ]; then
  say "using IMAGESTORE_TEST_PG_URL as given"
  printf 'export IMAGESTORE_TEST_PG_URL=%q\n' "$IMAGESTORE_TEST_PG_URL"
  exit 0
fi

STATE="${IMAGESTORE_TEST_PG_DIR:-/tmp/imagestore-test-pg}"
DATA="$STATE/data"
ROLE=imagestore_test
DB=imagestore_test

pg_bin() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  [ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}

BIN="$(pg_bin || true)"
if [ -z "$BIN" ]; then
  if [ "$(id -u)" != 0 ]; then
    say "no PostgreSQL server binaries (/usr/lib/postgresql/*/bin); install Debian's postgresql" \
      "or set IMAGESTORE_TEST_PG_URL"
    exit 1
  fi
  say "installing Debian's postgresql"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  BIN="$(pg_bin)"
fi

# The server refuses to run as root: run it as postgres then, in a directory that user owns.
if [ "$(id -u)" = 0 ]; then
  as_pg() { runuser -u postgres -- "$@"; }
  OWNER=postgres
else
  as_pg() { "$@"; }
  OWNER="$(id -un)"
fi

mkdir -p "$STATE"
chown "$OWNER" "$STATE"
chmod 700 "$STATE"

# One caller at a time sets the cluster up (other clones on the machine share it).
exec 9>"$STATE.lock"
flock 9

if [ "${1:-}" = "--stop" ]; then
  if [ -f "$DATA/PG_VERSION" ]; then
    as_pg "$BIN/pg_ctl" -D "$DATA" -m fast stop >&2 || true
  fi
  exit 0
fi

if [ ! -f "$DATA/PG_VERSION" ]; then
  say "creating a cluster in $DATA"
  # Local socket connections (the superuser, for setup) trust; TCP needs a password.
  as_pg "$BIN/initdb" -D "$DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >"$STATE/initdb.log" 2>&1 || {
    cat "$STATE/initdb.log" >&2
    exit 1
  }
fi

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  PORT="$(cat "$STATE/port" 2>/dev/null || echo 55432)"
  while ! port_free "$PORT"; do PORT=$((PORT + 1)); done
  echo "$PORT" >"$STATE/port"
  say "starting on 127.0.0.1:$PORT (log: $STATE/postgres.log)"
  # The server must not inherit the lock (fd 9) or our output: it outlives this script.
  as_pg "$BIN/pg_ctl" -D "$DATA" -l "$STATE/postgres.log" -w -t 60 \
    -o "-p $PORT -k $STATE -c listen_addresses=127.0.0.1" start </dev/null >"$STATE/pg_ctl.log" 2>&1 9>&- || {
    cat "$STATE/pg_ctl.log" "$STATE/postgres.log" >&2
    exit 1
  }
fi
PORT="$(cat "$STATE/port")"

psql_admin() { as_pg "$BIN/psql" -h "$STATE" -p "$PORT" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1 "$@"; }

PWFILE="$STATE/password"
if [ ! -s "$PWFILE" ]; then
  (umask 077 && head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$PWFILE")
fi
PASSWORD="$(cat "$PWFILE")"

# The password goes to psql on standard input, never on a command line.
if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" != 1 ]; then
  printf "CREATE ROLE %s LOGIN CREATEDB PASSWORD '%s';\n" "$ROLE" "$PASSWORD" | psql_admin
else
  printf "ALTER ROLE %s LOGIN CREATEDB PASSWORD '%s';\n" "$ROLE" "$PASSWORD" | psql_admin
fi
# Benchmarks end a bulk fill with a CHECKPOINT, so that the measurements after it do not pay for
# flushing the fill's pages (PostgreSQL 15 and later have the role; older ones skip it).
psql_admin -c "GRANT pg_checkpoint TO $ROLE" >/dev/null 2>&1 || true
if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != 1 ]; then
  psql_admin -c "CREATE DATABASE $DB OWNER $ROLE"
fi

URL="jdbc:postgresql://127.0.0.1:$PORT/$DB"
(
  umask 077
  {
    printf 'IMAGESTORE_TEST_PG_URL=%s\n' "$URL"
    printf 'IMAGESTORE_TEST_PG_USER=%s\n' "$ROLE"
    printf 'IMAGESTORE_TEST_PG_PASSWORD=%s\n' "$PASSWORD"
  } >"$STATE/env"
)
say "ready: $URL (user $ROLE; settings in $STATE/env)"
printf 'export IMAGESTORE_TEST_PG_URL=%q IMAGESTORE_TEST_PG_USER=%q IMAGESTORE_TEST_PG_PASSWORD=%q\n' \
  "$URL" "$ROLE" "$PASSWORD"
