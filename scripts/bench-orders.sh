#!/usr/bin/env bash
# Orders through the whole path (API → rules → ledger → tier check → outbox → commit) against a
# release build with the demo data, on SQLite (default) or PostgreSQL (PATRON_DATABASE_URL=...):
#   1. three-line member orders at RATE/s for DURATION s (the sustained-throughput target);
#   2. the same at LATENCY_RATE/s, 1,000 by default (the latency target);
#   3. `patron verify` over every account touched.
# Orders go to the demo's members by card number, scattered over the first 9,999.
# Usage: scripts/bench-orders.sh [rate] [duration_s] [latency_rate]   (PATRON_BENCH_CONNECTIONS, default 256)
set -euo pipefail
rate="${1:-2000}"; duration="${2:-20}"; latency_rate="${3:-1000}"
# Orders come from many tills at once; each connection waits for its answer before it sends again.
conns="${PATRON_BENCH_CONNECTIONS:-256}"
root=$(cd "$(dirname "$0")/.." && pwd)
target="${CARGO_TARGET_DIR:-$root/target}"
cargo build --release -q -p patron-server -p patron-bench --manifest-path "$root/Cargo.toml"
work=$(mktemp -d); port="${PATRON_BENCH_PORT:-18779}"
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"
PATRON_LOG=warn "$target/release/patron" serve --demo --listen "127.0.0.1:$port" > server.log 2>&1 &
server=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 1200); do curl -sf "$base/readyz" >/dev/null && grep -q "listening" server.log && break; sleep 0.2; done
curl -sf -c jar -H 'content-type: application/json' \
  -d '{"tenant_code":"demo","login_name":"admin","password":"patron-demo-admin"}' "$base/api/v1/session" > me.json
csrf=$(python3 -c 'import json;print(json.load(open("me.json"))["csrf_token"])')
role=$(curl -sf -b jar -H "x-csrf-token: $csrf" -H 'content-type: application/json' \
  -d '{"key":"bench","name":"Bench","permissions":["orders:read","orders:write"]}' "$base/api/v1/roles" \
  | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
token=$(curl -sf -b jar -H "x-csrf-token: $csrf" -H 'content-type: application/json' \
  -d "{\"name\":\"bench\",\"role_id\":\"$role\"}" "$base/api/v1/api-keys" \
  | python3 -c 'import json,sys;print(json.load(sys.stdin)["token"])')
count() { curl -sf -H "authorization: Bearer $token" "$base/api/v1/orders?limit=1" | python3 -c 'import json,sys;print(json.load(sys.stdin)["total"])'; }
echo "orders after the demo seed: $(count)"

order() { # $1 = order number prefix
  printf '%s' '{"channel":"pos","external_no":"'"$1"'-{n}","store":"CNSHA001","member":{"card_no":"10{r}"},"ordered_at":"2026-11-23T10:00:00+08:00","lines":[{"product_code":"SKU000001","quantity":2,"unit_price":"19.90","net_amount":"39.80"},{"product_code":"SKU000002","quantity":1,"net_amount":"128.00"},{"product_code":"SKU000003","quantity":1,"net_amount":"66.50"}],"payments":[{"method":"wechat_pay","amount":"234.30"}]}'
}
echo "== orders of three lines at $rate/s for ${duration}s"
"$target/release/patron-bench" --method POST --url "$base/api/v1/orders" --api-key "$token" \
  --body "$(order sustained)" --range 10000 --rate "$rate" --duration "$duration" --warmup 2 --connections "$conns"
echo "== orders of three lines at $latency_rate/s for ${duration}s"
"$target/release/patron-bench" --method POST --url "$base/api/v1/orders" --api-key "$token" \
  --body "$(order latency)" --range 10000 --seq-start 50000000 --rate "$latency_rate" --duration "$duration" --warmup 2 --connections "$conns"
echo "orders now: $(count)"
kill $server; wait $server 2>/dev/null || true
echo "== patron verify"
"$target/release/patron" verify
