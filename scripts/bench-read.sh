#!/usr/bin/env bash
# Benchmark: an authenticated, tenant-scoped read (GET /api/v1/users/{id} with an API key) against
# a release build on SQLite (default) or PostgreSQL (PATRON_DATABASE_URL=postgres://...).
# Usage: scripts/bench-read.sh [rate] [duration_s] [connections]
# Prints the load generator's summary. The server and generator share this machine's cores.
set -euo pipefail
rate="${1:-5000}"; duration="${2:-20}"; conns="${3:-64}"
root=$(cd "$(dirname "$0")/.." && pwd)
target="${CARGO_TARGET_DIR:-$root/target}"
cargo build --release -q -p patron-server -p patron-bench --manifest-path "$root/Cargo.toml"
work=$(mktemp -d); port="${PATRON_BENCH_PORT:-18777}"
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"
PATRON_LOG=warn "$target/release/patron" serve --demo --listen "127.0.0.1:$port" > server.log 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
base="http://127.0.0.1:$port"
curl -sf -c jar -H 'content-type: application/json' \
  -d '{"tenant_code":"demo","login_name":"admin","password":"patron-demo-admin"}' "$base/api/v1/session" > me.json
csrf=$(python3 -c 'import json;print(json.load(open("me.json"))["csrf_token"])')
user=$(python3 -c 'import json;print(json.load(open("me.json"))["actor_id"])')
role=$(curl -sf -b jar "$base/api/v1/roles?search=viewer" | python3 -c 'import json,sys;print(json.load(sys.stdin)["items"][0]["id"])')
# The viewer role cannot read users; give the key a role that can.
role=$(curl -sf -b jar -H "x-csrf-token: $csrf" -H 'content-type: application/json' \
  -d '{"key":"bench","name":"Bench","permissions":["users:read","settings:read"]}' "$base/api/v1/roles" \
  | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
token=$(curl -sf -b jar -H "x-csrf-token: $csrf" -H 'content-type: application/json' \
  -d "{\"name\":\"bench\",\"role_id\":\"$role\"}" "$base/api/v1/api-keys" \
  | python3 -c 'import json,sys;print(json.load(sys.stdin)["token"])')
"$target/release/patron-bench" --url "$base/api/v1/users/$user" --api-key "$token" \
  --rate "$rate" --duration "$duration" --connections "$conns" --warmup 3
