#!/usr/bin/env bash
# Coupons against a release build with the demo data, on SQLite (default) or PostgreSQL
# (PATRON_DATABASE_URL=...):
#   1. a campaign issues 1,000,000 coupons: 100 requests of 10,000 demo members each, one after
#      the other (the issue target: under 60 s);
#   2. member orders of three lines, each redeeming one of those coupons, at 1,000/s and at
#      RATE/s (validate-and-redeem as part of the order: p99 under 20 ms at 1,000/s);
#   3. the coupons used are counted against the orders accepted, and `patron verify` runs.
# Usage: scripts/bench-coupons.sh [rate] [duration_s]
set -euo pipefail
rate="${1:-500}"; duration="${2:-20}"
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
  -d '{"key":"bench","name":"Bench","permissions":["coupons:read","coupons:manage","coupons:approve","coupons:issue","orders:read","orders:write","loyalty:read"]}' \
  "$base/api/v1/roles" | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
token=$(curl -sf -b jar -H "x-csrf-token: $csrf" -H 'content-type: application/json' \
  -d "{\"name\":\"bench\",\"role_id\":\"$role\"}" "$base/api/v1/api-keys" \
  | python3 -c 'import json,sys;print(json.load(sys.stdin)["token"])')

echo "== issuing 1,000,000 coupons: 100 requests of 10,000 members"
BASE="$base" TOKEN="$token" python3 - <<'EOF'
import json, os, time, urllib.request
base, token = os.environ["BASE"], os.environ["TOKEN"]
def call(method, path, body=None):
    req = urllib.request.Request(base + path, method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"authorization": "Bearer " + token, "content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=600) as r:
        return json.loads(r.read())
program = [p for p in call("GET", "/api/v1/programs")["items"] if p["code"] == "member-club"][0]["id"]
center = call("GET", f"/api/v1/programs/{program}/cost-centers")["items"][0]["id"]
rule = call("POST", "/api/v1/coupon-rules", {
    "name": "压测无门槛减5元", "coupon_type": "cash_off", "program_id": program,
    "cost_center_id": center, "total_stock": 1_100_000, "amount_off": "5",
    "campaign_issue": True, "validity_type": "duration", "valid_days": 30})["id"]
call("POST", f"/api/v1/coupon-rules/{rule}/submit", {})
call("POST", f"/api/v1/coupon-rules/{rule}/approve", {})
cards = [str(1_000_000_001 + i) for i in range(10_000)]
issued, pairs, slowest = 0, [], 0.0
start = time.monotonic()
for k in range(100):
    t0 = time.monotonic()
    r = call("POST", f"/api/v1/coupon-rules/{rule}/issue", {"cards": cards, "campaign": "bench"})
    slowest = max(slowest, time.monotonic() - t0)
    issued += r["issued"]
    if k < 4:
        known = [c for c in cards if c not in set(r["unknown_cards"])]
        pairs += list(zip(known, r["codes"]))
elapsed = time.monotonic() - start
print(f"issued {issued:,} coupons in {elapsed:.1f} s: {issued / elapsed:,.0f} coupons/s; "
      f"slowest request of 10,000 {slowest:.2f} s; unknown or inactive cards per request: {len(r['unknown_cards'])}")
# Orders take the pairs in an order that spreads members: pair i of member j.
with open("values.tsv", "w") as f:
    for card, code in pairs:
        f.write(f"{card}\t{code}\n")
print(f"{len(pairs):,} (card, code) pairs kept for the orders")
EOF
# Distinct coupons for each run (1,000/s × 22 s and rate × 22 s), none used twice.
head -n 25000 values.tsv > part-aa; tail -n +25001 values.tsv > part-ab
order() {
  printf '%s' '{"channel":"pos","external_no":"'"$1"'-{n}","store":"CNSHA001","member":{"card_no":"{v0}"},"coupons":["{v1}"],"ordered_at":"'"$(date -Iseconds)"'","lines":[{"product_code":"SKU000001","quantity":2,"unit_price":"19.90","net_amount":"39.80"},{"product_code":"SKU000002","quantity":1,"net_amount":"128.00"},{"product_code":"SKU000003","quantity":1,"net_amount":"66.50"}],"payments":[{"method":"wechat_pay","amount":"234.30"}]}'
}
echo "== orders redeeming a coupon each at 1000/s for ${duration}s"
"$target/release/patron-bench" --method POST --url "$base/api/v1/orders" --api-key "$token" \
  --body "$(order cpn-a)" --values part-aa --rate 1000 --duration "$duration" --warmup 2 --connections 64
echo "== orders redeeming a coupon each at ${rate}/s for ${duration}s"
"$target/release/patron-bench" --method POST --url "$base/api/v1/orders" --api-key "$token" \
  --body "$(order cpn-b)" --values part-ab --rate "$rate" --duration "$duration" --warmup 2 --connections 64
BASE="$base" TOKEN="$token" python3 - <<'EOF'
import json, os, urllib.request
base, token = os.environ["BASE"], os.environ["TOKEN"]
def get(path):
    req = urllib.request.Request(base + path, headers={"authorization": "Bearer " + token})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())
used = get("/api/v1/coupons?status=used&limit=1")["total"]
print(f"coupons used: {used:,} (the demo's 10 included); each must match a 201 above")
EOF
kill $server; wait $server 2>/dev/null || true
echo "== patron verify"
"$target/release/patron" verify
