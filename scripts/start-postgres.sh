#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server for the tests and prints its URL.
# Usage: eval "$(scripts/start-postgres.sh)"   # exports PATRON_TEST_POSTGRES_URL
# Needs Debian's postgresql package. Data lives in a temporary folder, the server listens on
# 127.0.0.1 only, and the superuser 'patron' has password 'patron'.
set -euo pipefail
port="${PATRON_PG_PORT:-55432}"
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
data="${PATRON_PG_DATA:-/tmp/patron-pg-$port}"
if ! "$bin/pg_isready" -h 127.0.0.1 -p "$port" -q 2>/dev/null; then
  rm -rf "$data"
  mkdir -p "$data"
  chown postgres:postgres "$data" 2>/dev/null || true
  as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  pwfile=$(mktemp); echo patron > "$pwfile"; chmod 644 "$pwfile"
  as_pg "$bin/initdb" -D "$data" -U patron --pwfile="$pwfile" -A scram-sha-256 >/dev/null
  rm -f "$pwfile"
  as_pg "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
    -o "-h 127.0.0.1 -p $port -k /tmp -c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
fi
echo "export PATRON_TEST_POSTGRES_URL=postgres://patron:patron@127.0.0.1:$port/postgres"
