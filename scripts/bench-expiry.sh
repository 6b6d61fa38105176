#!/usr/bin/env bash
# Benchmark of the point-expiry job against a release build, on SQLite (default: a fresh file in
# a temporary folder) or PostgreSQL (PATRON_DATABASE_URL=postgres://…/db, an empty database):
#   1. `patron migrate`, then by SQL a tenant (Asia/Shanghai), RECORDS/10 point accounts and
#      RECORDS earning records of 100 points each (10 per account), all expired at the end of
#      yesterday (local);
#   2. `patron jobs run expire-points --as-of TODAY --tenant bench`, timed;
#   3. `patron verify`, timed, and the expiry records counted.
# Usage: scripts/bench-expiry.sh [records]     (default 1000000)
# PATRON_BENCH_WRAP="perf record -g -o /tmp/expiry.perf" runs the job under a profiler.
set -euo pipefail
records="${1:-1000000}"
accounts=$(( (records + 9) / 10 ))
root=$(cd "$(dirname "$0")/.." && pwd)
target="${CARGO_TARGET_DIR:-$root/target}"
cargo build --release -q -p patron-server --manifest-path "$root/Cargo.toml"
patron="$target/release/patron"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PATRON_DATA_DIR="$work" PATRON_LOG=warn PATRON_JOBS_DAILY_AT=off
if [ -z "${PATRON_DATABASE_URL:-}" ]; then
  export PATRON_DATABASE_URL="sqlite://$work/patron.db?mode=rwc"
fi
url="$PATRON_DATABASE_URL"
as_of=$(TZ=Asia/Shanghai date +%F)
# The first instant of today in Shanghai, less 1 ms: yesterday's last millisecond.
expires=$(( $(TZ=Asia/Shanghai date -d "$as_of 00:00:00" +%s) * 1000 - 1 ))
now=$(( $(date +%s) * 1000 ))

"$patron" migrate
tenant_sql="INSERT INTO tenants (code, name, time_zone, currency, status, created_at_ms, updated_at_ms)
  VALUES ('bench', 'Bench', 'Asia/Shanghai', 'CNY', 'active', $now, $now);"
case "$url" in
  postgres*)
    run_sql() { psql -q -v ON_ERROR_STOP=1 "$url" -c "$1"; }
    series="generate_series(1, %s) AS n(i)"
    uuid_of() { echo "'00000000-0000-7000-8000-' || lpad(($1)::text, 12, '0')"; }
    ;;
  *)
    db="${url#sqlite://}"; db="${db%%\?*}"
    run_sql() { sqlite3 "$db" "PRAGMA journal_mode=WAL; $1" > /dev/null; }
    series="n"
    uuid_of() { echo "printf('00000000-0000-7000-8000-%012d', $1)"; }
    ;;
esac
with_series() { # $1 = count, $2 = INSERT … SELECT … FROM <series>
  case "$url" in
    postgres*) run_sql "${2//<series>/$(printf "$series" "$1")}" ;;
    *) run_sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) ${2//<series>/n}" ;;
  esac
}

start=$(date +%s.%N)
run_sql "$tenant_sql"
t=$(case "$url" in postgres*) psql -qtA "$url" -c "SELECT id FROM tenants WHERE code = 'bench'" ;;
  *) sqlite3 "$db" "SELECT id FROM tenants WHERE code = 'bench'" ;; esac)
with_series "$accounts" "INSERT INTO point_accounts (tenant_id, id, member_id, customer_id, point_group_id,
  accumulated, available, expired, created_at_ms, updated_at_ms)
  SELECT $t, 'acct-' || i, $(uuid_of i), $(uuid_of i), 'points', 1000, 1000, 0, $now, $now FROM <series>"
with_series "$records" "INSERT INTO point_records (tenant_id, id, account_id, member_id, customer_id,
  point_group_id, operation, change, remaining, debt, effective_at_ms, expires_at_ms, counts_for_upgrade,
  created_by, created_at_ms)
  SELECT $t, 'earn-' || i, 'acct-' || ((i - 1) / 10 + 1), $(uuid_of '(i - 1) / 10 + 1'), $(uuid_of '(i - 1) / 10 + 1'),
  'points', 'manual_increase', 100, 100, 0, $now, $expires, 0, 'bench', $now FROM <series>"
case "$url" in postgres*) run_sql "ANALYZE point_accounts; ANALYZE point_records" ;; *) run_sql "ANALYZE" ;; esac
echo "setup: $accounts accounts, $records earning records due ($(printf '%.1f' "$(echo "$(date +%s.%N) - $start" | bc)") s)"

echo "== patron jobs run expire-points --as-of $as_of --tenant bench"
start=$(date +%s.%N)
${PATRON_BENCH_WRAP:-} "$patron" jobs run expire-points --as-of "$as_of" --tenant bench
echo "expiry: $(printf '%.2f' "$(echo "$(date +%s.%N) - $start" | bc)") s wall clock (process start to exit)"

echo "== patron verify"
start=$(date +%s.%N)
"$patron" verify
echo "verify: $(printf '%.2f' "$(echo "$(date +%s.%N) - $start" | bc)") s"
count="SELECT COUNT(*) FROM point_records WHERE operation = 'expiry'"
case "$url" in postgres*) n=$(psql -qtA "$url" -c "$count") ;; *) n=$(sqlite3 "$db" "$count") ;; esac
echo "expiry records: $n"
echo "== again (the earlier run is reported, nothing changes)"
"$patron" jobs run expire-points --as-of "$as_of" --tenant bench
