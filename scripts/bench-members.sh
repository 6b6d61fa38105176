#!/usr/bin/env bash
# Benchmarks of the members area against a release build, on SQLite (default) or PostgreSQL
# (PATRON_DATABASE_URL=postgres://...):
#   1. registration through the API at RATE requests/s for DURATION s (unique phones), from 256
#      connections (many clients: with few, each waits for its answer before it sends again);
#   2. import of a 100,000-row CSV file;
#   3. more imports of 100,000 rows until the tenant has MEMBERS members (default 1,000,000);
#   4. lookup by phone and by card number at 2,000 requests/s.
# Usage: scripts/bench-members.sh [rate] [duration_s] [members]
set -euo pipefail
rate="${1:-3000}"; duration="${2:-20}"; members="${3:-1000000}"
root=$(cd "$(dirname "$0")/.." && pwd)
target="${CARGO_TARGET_DIR:-$root/target}"
cargo build --release -q -p patron-server -p patron-bench --manifest-path "$root/Cargo.toml"
work=$(mktemp -d); port="${PATRON_BENCH_PORT:-18778}"
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"
PATRON_LOG=warn "$target/release/patron" serve --demo --listen "127.0.0.1:$port" > server.log 2>&1 &
server=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 600); do curl -sf "$base/readyz" >/dev/null && grep -q "listening" server.log && break; sleep 0.2; done
curl -sf -c jar -H 'content-type: application/json' \
  -d '{"tenant_code":"demo","login_name":"admin","password":"patron-demo-admin"}' "$base/api/v1/session" > me.json
csrf=$(python3 -c 'import json;print(json.load(open("me.json"))["csrf_token"])')
role=$(curl -sf -b jar -H "x-csrf-token: $csrf" -H 'content-type: application/json' \
  -d '{"key":"bench","name":"Bench","permissions":["customers:read","customers:register","customers:import"]}' "$base/api/v1/roles" \
  | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
token=$(curl -sf -b jar -H "x-csrf-token: $csrf" -H 'content-type: application/json' \
  -d "{\"name\":\"bench\",\"role_id\":\"$role\"}" "$base/api/v1/api-keys" \
  | python3 -c 'import json,sys;print(json.load(sys.stdin)["token"])')
count() { curl -sf -H "authorization: Bearer $token" "$base/api/v1/customers?limit=1" | python3 -c 'import json,sys;print(json.load(sys.stdin)["total"])'; }

echo "== registration: POST /api/v1/members at $rate/s for ${duration}s"
"$target/release/patron-bench" --method POST --url "$base/api/v1/members" --api-key "$token" \
  --body '{"program":"member-club","channel":"wechat_mini","store":"WXMINI001","phone":"139{n}","name":"压测会员","binding":{"external_id":"bench-{n}"}}' \
  --rate "$rate" --duration "$duration" --warmup 2 --connections 256
echo "customers now: $(count)"

# Imports of 100,000 rows each: phones 137/136/135… then a running number.
import_file() { # $1 = prefix digit block, $2 = rows
  python3 - "$1" "$2" > import.csv <<'PY'
import sys
prefix, rows = sys.argv[1], int(sys.argv[2])
print("phone,channel,name,gender,birthday,store,registered_at")
for i in range(rows):
    print(f"{prefix}{i:08d},pos,导入会员{i},{'female' if i % 3 else 'male'},19{70 + i % 30}-{1 + i % 12:02d}-{1 + i % 28:02d},CNSHA00{1 + i % 4},2024-0{1 + i % 9}-1{i % 10} 10:00:00")
PY
  id=$(curl -sf -H "authorization: Bearer $token" --data-binary @import.csv \
    "$base/api/v1/imports?program=member-club&file_name=bench-$1.csv" | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
  while :; do
    curl -sf -H "authorization: Bearer $token" "$base/api/v1/imports/$id" > job.json
    python3 -c 'import json,sys;j=json.load(open("job.json"));sys.exit(0 if j["status"] in ("done","failed") else 1)' && break
    sleep 0.5
  done
  python3 - <<'PY'
import json, datetime
j = json.load(open("job.json"))
t = lambda s: datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
secs = (t(j["finished_at"]) - t(j["created_at"])).total_seconds()
print("import %s: %s, %d rows, created %d, merged %d, failed %d, %.1f s from upload to done (%.0f rows/s)" % (
    j["file_name"], j["status"], j["total_rows"], j["created_rows"], j["merged_rows"], j["failed_rows"], secs, j["total_rows"] / secs))
PY
}
echo "== import of 100,000 rows"
import_file 137 100000
prefixes=(136 135 134 133 132 131 130 150 151 152 155 157 158 159 180 181 182 185 186 187)
i=0
while [ "$(count)" -lt "$members" ] && [ $i -lt ${#prefixes[@]} ]; do
  import_file "${prefixes[$i]}" 100000
  i=$((i + 1))
done
total=$(count); echo "customers now: $total"

echo "== lookup by phone at 2000/s (members: $total)"
"$target/release/patron-bench" --url "$base/api/v1/members/lookup?phone=137{r}" --range 100000 --api-key "$token" \
  --rate 2000 --duration "$duration" --warmup 2 --connections 32
echo "== lookup by card number at 2000/s"
"$target/release/patron-bench" --url "$base/api/v1/members/lookup?card_no=10{r}" --range "$total" --api-key "$token" \
  --rate 2000 --duration "$duration" --warmup 2 --connections 32
