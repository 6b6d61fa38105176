//! The points ledger under random histories, through the API, on both databases.
//!
//! Each case is a sequence of 10–25 operations on two members: orders of random lines, full or
//! partial refunds of earlier orders, redemptions (refused when above what is available),
//! manual and behaviour increases and decreases, cancelling an earlier redemption, days passing
//! with the point-expiry and tier-retention jobs run for the new day, and repeats of earlier
//! requests (same `Idempotency-Key`, or the same external order number).
//!
//! A model beside the system computes every figure on its own from the operations that went
//! through (§10.5), which requests must be refused, and which earning each deduction takes
//! (FIFO, §10.6: a refund from the order's own record first; debt when nothing covers it, paid
//! back by the next points earned). After every step the API must show the model's balances,
//! record count and exactly one active tier per member. After every case the records must add
//! up: available = Σ changes = Σ remaining − Σ debt, accumulated and expired per §10.5, every
//! remaining between 0 and its record's value and equal to the model's, the relations of every
//! record matching what it gave or received, and `patron verify` finding nothing.
//!
//! Each case runs in a tenant of its own on the test's one server, so a case costs a few hundred
//! requests rather than a new database (`PATRON_LEDGER_CASES` asks for more cases than the
//! default 12 on SQLite and 6 on PostgreSQL). On failure proptest shrinks to the shortest sequence
//! that still fails and prints it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{NaiveDate, TimeZone};
use chrono_tz::Asia::Shanghai;
use patron_app::Store;
use patron_domain::ids::TenantId;
use patron_testkit::fixtures::member_club;
use patron_testkit::{both_databases, Client, Db, Reply, TestApp};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};

const DAY: i64 = 86_400_000;
const PRODUCTS: [&str; 3] = ["CN01836", "CN02000", "NEW0001"];
/// Validity in days of the points (index 0) and growth (index 1) rules.
const VALIDITY_DAYS: [i64; 2] = [30, 90];
/// The operation types §10.5 counts in `accumulated`.
const ACCUMULATED: [&str; 6] = [
    "transaction",
    "transaction_promotion",
    "manual_increase",
    "manual_decrease",
    "return_reversal",
    "behavior_increase",
];

/// One step of a history. Indexes into earlier orders, redemptions and requests wrap around.
#[derive(Debug, Clone)]
enum Op {
    /// (product index, units, unit price in fen) per line, no payments: every line earns
    /// ⌊fen ÷ 100⌋ points and one growth point per unit.
    Order {
        who: usize,
        lines: Vec<(usize, i64, i64)>,
    },
    /// `part`: (line, units); none returns everything that remains.
    Refund {
        order: usize,
        part: Option<(usize, i64)>,
    },
    Redeem {
        who: usize,
        points: i64,
    },
    /// Signed; an increase may expire after `expires_in` days.
    Adjust {
        who: usize,
        points: i64,
        expires_in: Option<i64>,
    },
    Behavior {
        who: usize,
        points: i64,
        expires_in: Option<i64>,
        counts: bool,
    },
    CancelRedemption {
        pick: usize,
    },
    /// The clock moves on; then both daily jobs run for the new day.
    Advance {
        days: i64,
    },
    /// An earlier request again; an order by its external number (no key) when `by_number`.
    Replay {
        pick: usize,
        by_number: bool,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let who = 0..2usize;
    let line = (0..3usize, 1..=3i64, 100..=60_000i64);
    let signed = prop_oneof![1..=800i64, -800..=-1i64];
    let expiry = prop::option::of(0..=45i64);
    prop_oneof![
        4 => (who.clone(), prop::collection::vec(line, 1..=3))
            .prop_map(|(who, lines)| Op::Order { who, lines }),
        3 => (0..8usize, prop::option::of((0..3usize, 1..=3i64)))
            .prop_map(|(order, part)| Op::Refund { order, part }),
        3 => (who.clone(), 1..=1_500i64).prop_map(|(who, points)| Op::Redeem { who, points }),
        2 => (who.clone(), signed.clone(), expiry.clone())
            .prop_map(|(who, points, expires_in)| Op::Adjust { who, points, expires_in }),
        2 => (who, signed, expiry, any::<bool>()).prop_map(|(who, points, expires_in, counts)| {
            Op::Behavior { who, points, expires_in, counts }
        }),
        2 => (0..8usize).prop_map(|pick| Op::CancelRedemption { pick }),
        2 => prop_oneof![3 => 1..=20i64, 1 => 60..=400i64].prop_map(|days| Op::Advance { days }),
        2 => (0..16usize, any::<bool>()).prop_map(|(pick, by_number)| Op::Replay { pick, by_number }),
    ]
}

// ---------------------------------------------------------------------------------------------
// Time, in the tenant's zone (Shanghai, no daylight saving).

/// Where every case starts: a Monday, 10:00 in Shanghai.
fn start_ms() -> i64 {
    Shanghai
        .with_ymd_and_hms(2030, 1, 7, 10, 0, 0)
        .unwrap()
        .timestamp_millis()
}

fn local_date(ms: i64) -> NaiveDate {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap()
        .with_timezone(&Shanghai)
        .date_naive()
}

/// 23:59:59.999 of `day`.
fn end_of(day: NaiveDate) -> i64 {
    Shanghai
        .from_local_datetime(&day.and_hms_milli_opt(23, 59, 59, 999).unwrap())
        .unwrap()
        .timestamp_millis()
}

fn day_start(day: NaiveDate) -> i64 {
    Shanghai
        .from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap())
        .unwrap()
        .timestamp_millis()
}

fn plus_days(day: NaiveDate, days: i64) -> NaiveDate {
    day + chrono::Duration::days(days)
}

fn local_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap()
        .with_timezone(&Shanghai)
        .to_rfc3339()
}

fn parse_ms(v: &Value) -> Option<i64> {
    v.as_str().map(|s| {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .timestamp_millis()
    })
}

fn money(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

/// A refund's share of `v` for `q` more units after `before`, of `total` (rounded down on the
/// running total, so the parts of a line add up to the whole).
fn part(v: i64, before: i64, q: i64, total: i64) -> i64 {
    v * (before + q) / total - v * before / total
}

// ---------------------------------------------------------------------------------------------
// The model.

/// An increase record as the model sees it.
#[derive(Debug, Clone)]
struct Lot {
    id: String,
    remaining: i64,
    expires: Option<i64>,
    created: i64,
}

/// One point account: its earnings, its debt and the §10.5 figures.
#[derive(Debug, Clone, Default)]
struct Account {
    lots: Vec<Lot>,
    debt: i64,
    accumulated: i64,
    available: i64,
    expired: i64,
}

impl Account {
    fn usable(l: &Lot, at: i64) -> bool {
        l.remaining > 0 && l.expires.is_none_or(|x| x >= at)
    }

    /// An increase: it pays the debt back first; the rest remains to be spent.
    fn earn(&mut self, id: &str, points: i64, accumulates: bool, expires: Option<i64>, at: i64) {
        let repaid = self.debt.min(points);
        self.debt -= repaid;
        self.lots.push(Lot {
            id: id.to_string(),
            remaining: points - repaid,
            expires,
            created: at,
        });
        self.available += points;
        if accumulates {
            self.accumulated += points;
        }
    }

    fn spendable(&self, at: i64) -> i64 {
        let held: i64 = self
            .lots
            .iter()
            .filter(|l| Self::usable(l, at))
            .map(|l| l.remaining)
            .sum();
        (held - self.debt).min(self.available)
    }

    /// Takes `points` from `own` first, then by earliest expiry (none last), earliest created,
    /// and (created together) in the order written. Returns what was taken and what was not.
    fn take(&mut self, points: i64, at: i64, own: Option<&str>) -> (Vec<(String, i64)>, i64) {
        let mut order: Vec<usize> = (0..self.lots.len())
            .filter(|&i| Self::usable(&self.lots[i], at))
            .collect();
        order.sort_by_key(|&i| {
            let l = &self.lots[i];
            (l.expires.unwrap_or(i64::MAX), l.created, l.id.clone())
        });
        if let Some(p) = own.and_then(|own| order.iter().position(|&i| self.lots[i].id == own)) {
            let first = order.remove(p);
            order.insert(0, first);
        }
        let mut left = points;
        let mut taken = Vec::new();
        for i in order {
            if left == 0 {
                break;
            }
            let t = self.lots[i].remaining.min(left);
            self.lots[i].remaining -= t;
            left -= t;
            taken.push((self.lots[i].id.clone(), t));
        }
        (taken, left)
    }

    /// A deduction covered in full, or none at all (refused).
    fn spend(&mut self, points: i64, at: i64, accumulates: bool) -> Option<Vec<(String, i64)>> {
        if points > self.spendable(at) {
            return None;
        }
        let (taken, left) = self.take(points, at, None);
        assert_eq!(left, 0, "the model covers what it found spendable");
        self.available -= points;
        if accumulates {
            self.accumulated -= points;
        }
        Some(taken)
    }

    /// A refund's reversal: what nothing covers becomes debt.
    fn reverse(&mut self, points: i64, at: i64, own: Option<&str>) {
        let (_, uncovered) = self.take(points, at, own);
        self.debt += uncovered;
        self.available -= points;
        self.accumulated -= points;
    }

    /// The expiry job for a day starting at `before`: (records written, points expired).
    fn expire(&mut self, before: i64) -> (usize, i64) {
        let (mut n, mut points) = (0, 0);
        for l in &mut self.lots {
            if l.remaining > 0 && l.expires.is_some_and(|x| x < before) {
                n += 1;
                points += l.remaining;
                self.available -= l.remaining;
                self.expired += l.remaining;
                l.remaining = 0;
            }
        }
        (n, points)
    }
}

#[derive(Debug, Clone)]
struct Line {
    product: &'static str,
    units: i64,
    refunded: i64,
    /// Points earned in each group, and the record that holds them.
    earned: [i64; 2],
    records: [Option<String>; 2],
}

#[derive(Debug, Clone)]
struct Order {
    who: usize,
    no: String,
    lines: Vec<Line>,
}

#[derive(Debug, Clone)]
struct Redemption {
    who: usize,
    id: String,
    taken: Vec<(String, i64)>,
    cancelled: bool,
}

/// A request that went through, to be sent again.
#[derive(Debug, Clone)]
struct Sent {
    path: String,
    body: Value,
    key: Option<String>,
    status: u16,
    text: String,
    order_id: Option<String>,
    job_run: Option<String>,
}

struct Case<'a> {
    app: &'a TestApp,
    key: Client,
    t: TenantId,
    /// (member id, card number).
    members: Vec<(String, String)>,
    /// Point group ids: points, growth.
    groups: [String; 2],
    now: i64,
    accounts: Vec<[Account; 2]>,
    records: Vec<usize>,
    orders: Vec<Order>,
    redemptions: Vec<Redemption>,
    sent: Vec<Sent>,
    n: usize,
}

fn fail(message: String) -> TestCaseError {
    TestCaseError::fail(message)
}

// ---------------------------------------------------------------------------------------------
// Setting a case up.

/// A tenant with the club, gold and platinum (silver 300–1000, gold 1000–5000, platinum 5000+),
/// ¥1 → 1 point for 30 days (counts for upgrade) and 1 unit → 1 growth point for 90 days at
/// POS001, two members and an API key that can do everything the operations need.
async fn setup(app: &TestApp, case: usize) -> Case<'_> {
    app.clock.advance_ms(start_ms() - app.clock_now());
    let code = format!("prop{case}");
    let admin = app.tenant_admin(&code).await;
    let club = member_club(&admin).await;
    let p = format!("/api/v1/programs/{}", club.program_id);
    for (code, rank) in [("gold", 3), ("platinum", 4)] {
        let r = admin
            .post(
                &format!("{p}/tiers"),
                &json!({"code": code, "name": code, "rank": rank, "is_base": false,
                "validity_type": "fixed_period", "validity_days": 365}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    let tiers = admin.get(&format!("{p}/tiers")).await.body;
    let tier = |code: &str| {
        tiers["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["code"] == code)
            .unwrap()["id"]
            .clone()
    };
    for (code, start, end) in [
        ("silver", 300, json!(1000)),
        ("gold", 1000, json!(5000)),
        ("platinum", 5000, Value::Null),
    ] {
        let r = admin
            .post(
                &format!("{p}/tier-rules"),
                &json!({"name": code, "tier_id": tier(code),
                "point_group_id": club.points_group_id, "condition": "accumulated_points",
                "window_days": 365, "range_start": start, "range_end": end}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    let r = admin
        .post(
            &format!("{p}/cost-centers"),
            &json!({"code": "marketing", "name": "营销成本中心"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let cost_center = r.body["id"].clone();
    let r = admin
        .put(
            "/api/v1/products",
            &json!({"items": [
                {"code": "CN01836", "name": "浓情时刻切片", "price": "250.00"},
                {"code": "CN02000", "name": "杏仁糖粒酥条", "price": "600.50"},
            ]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    for (name, group, award, counts, days) in [
        (
            "线下门店1元1积分",
            &club.points_group_id,
            "amount",
            true,
            VALIDITY_DAYS[0],
        ),
        (
            "线下门店1个数量积1成长值",
            &club.growth_group_id,
            "quantity",
            false,
            VALIDITY_DAYS[1],
        ),
    ] {
        let r = admin
            .post("/api/v1/point-rules", &json!({"program_id": club.program_id, "name": name, "status": "enabled",
                "point_group_id": group, "cost_center_id": cost_center, "award": award, "rate": "1",
                "counts_for_upgrade": counts, "validity_type": "fixed_period", "validity_days": days,
                "store_codes": ["POS001"]}))
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    let mut members = Vec::new();
    for i in 0..2 {
        let r = admin
            .post(
                "/api/v1/members",
                &json!({"program": "club", "channel": "pos", "phone": format!("1381234567{i}")}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        members.push((
            r.body["member"]["id"].as_str().unwrap().to_string(),
            r.body["member"]["card_no"].as_str().unwrap().to_string(),
        ));
    }
    // A key, not a session: sessions lapse over idle days, and the clock jumps.
    let key = app
        .key_with(
            &admin,
            &[
                "customers:read",
                "points:read",
                "points:adjust",
                "points:redeem",
                "points:earn",
                "orders:read",
                "orders:write",
                "jobs:read",
                "jobs:run",
            ],
        )
        .await;
    let t = app
        .store
        .reader()
        .await
        .unwrap()
        .tenant_by_code(&code)
        .await
        .unwrap()
        .unwrap()
        .id;
    Case {
        app,
        key,
        t,
        members,
        groups: [club.points_group_id, club.growth_group_id],
        now: start_ms(),
        accounts: vec![Default::default(), Default::default()],
        records: vec![0, 0],
        orders: Vec::new(),
        redemptions: Vec::new(),
        sent: Vec::new(),
        n: 0,
    }
}

// ---------------------------------------------------------------------------------------------
// Running the operations.

impl Case<'_> {
    fn next_key(&mut self) -> String {
        self.n += 1;
        format!("k{}", self.n)
    }

    async fn send(&mut self, path: &str, body: Value) -> (Reply, Sent) {
        let key = self.next_key();
        let r = self
            .key
            .send(
                reqwest::Method::POST,
                path,
                Some(&body),
                &[("idempotency-key", &key)],
            )
            .await;
        let sent = Sent {
            path: path.to_string(),
            body,
            key: Some(key),
            status: r.status,
            text: r.text.clone(),
            order_id: None,
            job_run: None,
        };
        (r, sent)
    }

    fn expect(r: &Reply, status: u16, code: &str) -> Result<(), TestCaseError> {
        if (r.status, r.code()) != (status, code) {
            return Err(fail(format!(
                "expected {status} {code:?}, got {}: {}",
                r.status, r.text
            )));
        }
        Ok(())
    }

    fn group_of(&self, id: &str) -> usize {
        self.groups.iter().position(|g| g == id).unwrap()
    }

    async fn apply(&mut self, op: &Op) -> Result<(), TestCaseError> {
        match op {
            Op::Order { who, lines } => self.order(*who, lines).await,
            Op::Refund { order, part } => self.refund(*order, *part).await,
            Op::Redeem { who, points } => self.redeem(*who, *points).await,
            Op::Adjust {
                who,
                points,
                expires_in,
            } => self.adjust(*who, *points, *expires_in, None).await,
            Op::Behavior {
                who,
                points,
                expires_in,
                counts,
            } => self.adjust(*who, *points, *expires_in, Some(*counts)).await,
            Op::CancelRedemption { pick } => self.cancel(*pick).await,
            Op::Advance { days } => self.advance(*days).await,
            Op::Replay { pick, by_number } => self.replay(*pick, *by_number).await,
        }
    }

    async fn order(
        &mut self,
        who: usize,
        lines: &[(usize, i64, i64)],
    ) -> Result<(), TestCaseError> {
        self.n += 1;
        let no = format!("o{}", self.n);
        let body = json!({
            "channel": "pos", "external_no": no, "store": "POS001",
            "member": {"card_no": self.members[who].1}, "ordered_at": local_time(self.now),
            "lines": lines.iter().map(|&(p, units, unit_fen)| json!({
                "product_code": PRODUCTS[p], "product_title": "商品", "quantity": units,
                "unit_price": money(unit_fen), "net_amount": money(units * unit_fen),
            })).collect::<Vec<_>>(),
        });
        let (r, mut sent) = self.send("/api/v1/orders", body).await;
        Self::expect(&r, 201, "")?;
        let mut model: Vec<Line> = lines
            .iter()
            .map(|&(p, units, unit_fen)| Line {
                product: PRODUCTS[p],
                units,
                refunded: 0,
                earned: [units * unit_fen / 100, units],
                records: [None, None],
            })
            .collect();
        let total: i64 = model.iter().map(|l| l.earned[0] + l.earned[1]).sum();
        prop_assert_eq!(r.body["order"]["points_change"].as_i64(), Some(total));
        let order_id = r.body["order"]["id"].as_str().unwrap().to_string();
        // Which record holds which line's points: read through the store (the API does not
        // show a record's line).
        let records = self
            .app
            .store
            .reader()
            .await
            .unwrap()
            .order_point_records(self.t, &order_id)
            .await
            .unwrap();
        prop_assert_eq!(records.len(), 2 * lines.len());
        let today = local_date(self.now);
        for rec in records {
            let line: usize = rec
                .order_line_id
                .as_deref()
                .unwrap()
                .parse::<usize>()
                .unwrap()
                - 1;
            let g = self.group_of(&rec.point_group_id);
            let expires = end_of(plus_days(today, VALIDITY_DAYS[g]));
            prop_assert_eq!(
                (rec.operation.code(), rec.change, rec.expires_at_ms),
                ("transaction", model[line].earned[g], Some(expires)),
                "line {} group {}",
                line + 1,
                g
            );
            self.accounts[who][g].earn(&rec.id, rec.change, true, Some(expires), self.now);
            model[line].records[g] = Some(rec.id.clone());
        }
        self.records[who] += 2 * lines.len();
        self.orders.push(Order {
            who,
            no,
            lines: model,
        });
        sent.order_id = Some(order_id);
        self.sent.push(sent);
        Ok(())
    }

    async fn refund(
        &mut self,
        pick: usize,
        part_of: Option<(usize, i64)>,
    ) -> Result<(), TestCaseError> {
        if self.orders.is_empty() {
            return Ok(());
        }
        let i = pick % self.orders.len();
        let o = self.orders[i].clone();
        // (line, units refunded before, units now)
        let (taken, lines): (Vec<(usize, i64, i64)>, Value) = match part_of {
            None => (
                o.lines
                    .iter()
                    .enumerate()
                    .filter(|(_, l)| l.refunded < l.units)
                    .map(|(k, l)| (k, l.refunded, l.units - l.refunded))
                    .collect(),
                json!([]),
            ),
            Some((line, units)) => {
                let k = line % o.lines.len();
                let l = &o.lines[k];
                let taken = if units <= l.units - l.refunded {
                    vec![(k, l.refunded, units)]
                } else {
                    vec![]
                };
                (
                    taken,
                    json!([{"product_code": l.product, "quantity": units, "original_line_no": k + 1}]),
                )
            }
        };
        self.n += 1;
        let body = json!({
            "direction": "refund", "channel": "pos", "external_no": format!("r{}", self.n),
            "original_order_no": o.no, "store": "POS001", "ordered_at": local_time(self.now),
            "lines": lines,
        });
        let (r, mut sent) = self.send("/api/v1/orders", body).await;
        if taken.is_empty() {
            return Self::expect(&r, 422, "refund_exceeds_remaining");
        }
        Self::expect(&r, 201, "")?;
        // Reversals per point group (in the order of their ids), per line returned, from the
        // line's own record first.
        let mut groups = [0usize, 1];
        groups.sort_by_key(|&g| self.groups[g].clone());
        let mut expected = Vec::new();
        for g in groups {
            for &(k, before, units) in &taken {
                let l = &o.lines[k];
                let points = part(l.earned[g], before, units, l.units);
                if points > 0 {
                    self.accounts[o.who][g].reverse(points, self.now, l.records[g].as_deref());
                    expected.push(-points);
                }
            }
        }
        let mut got: Vec<i64> = r.body["point_records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["change"].as_i64().unwrap())
            .collect();
        got.sort_unstable();
        let total: i64 = expected.iter().sum();
        expected.sort_unstable();
        prop_assert_eq!(&got, &expected, "{}", r.text);
        prop_assert_eq!(r.body["order"]["points_change"].as_i64(), Some(total));
        self.records[o.who] += expected.len();
        for (k, _, units) in taken {
            self.orders[i].lines[k].refunded += units;
        }
        sent.order_id = r.body["order"]["id"].as_str().map(str::to_string);
        self.sent.push(sent);
        Ok(())
    }

    async fn redeem(&mut self, who: usize, points: i64) -> Result<(), TestCaseError> {
        let path = format!("/api/v1/members/{}/redemptions", self.members[who].0);
        let body = json!({"point_group": self.groups[0], "points": points, "gift": "保温杯"});
        let predicted = self.accounts[who][0].spend(points, self.now, false);
        let (r, sent) = self.send(&path, body).await;
        let Some(taken) = predicted else {
            return Self::expect(&r, 409, "insufficient_points");
        };
        Self::expect(&r, 201, "")?;
        let record = &r.body["records"][0];
        prop_assert_eq!(
            (record["operation"].as_str(), record["change"].as_i64()),
            (Some("redeem_gift"), Some(-points))
        );
        self.redemptions.push(Redemption {
            who,
            id: record["id"].as_str().unwrap().to_string(),
            taken,
            cancelled: false,
        });
        self.records[who] += 1;
        self.sent.push(sent);
        Ok(())
    }

    /// A manual adjustment, or behaviour points when `behavior` says whether they count for
    /// upgrade.
    async fn adjust(
        &mut self,
        who: usize,
        points: i64,
        expires_in: Option<i64>,
        behavior: Option<bool>,
    ) -> Result<(), TestCaseError> {
        let m = &self.members[who].0;
        let expires_on = expires_in
            .filter(|_| points > 0)
            .map(|d| plus_days(local_date(self.now), d));
        let (path, body) = match behavior {
            None => (
                format!("/api/v1/members/{m}/point-adjustments"),
                json!({"point_group": self.groups[0], "points": points, "reason": "goodwill",
                    "expires_on": expires_on.map(|d| d.to_string())}),
            ),
            Some(counts) => (
                format!("/api/v1/members/{m}/behavior-points"),
                json!({"point_group": self.groups[0], "points": points, "behavior": "check_in",
                    "counts_for_upgrade": counts, "expires_on": expires_on.map(|d| d.to_string())}),
            ),
        };
        // Manual decreases count against accumulated; behaviour decreases do not (§10.3).
        let predicted = points > 0
            || self.accounts[who][0]
                .spend(-points, self.now, behavior.is_none())
                .is_some();
        let (r, sent) = self.send(&path, body).await;
        if !predicted {
            return Self::expect(&r, 409, "insufficient_points");
        }
        Self::expect(&r, 201, "")?;
        let record = &r.body["record"];
        let expires = expires_on.map(end_of);
        prop_assert_eq!(record["change"].as_i64(), Some(points));
        prop_assert_eq!(parse_ms(&record["expires_at"]), expires);
        if points > 0 {
            let id = record["id"].as_str().unwrap();
            self.accounts[who][0].earn(id, points, true, expires, self.now);
        }
        self.records[who] += 1;
        self.sent.push(sent);
        Ok(())
    }

    async fn cancel(&mut self, pick: usize) -> Result<(), TestCaseError> {
        if self.redemptions.is_empty() {
            return Ok(());
        }
        let i = pick % self.redemptions.len();
        let red = self.redemptions[i].clone();
        let path = format!("/api/v1/point-records/{}/cancel", red.id);
        let (r, sent) = self.send(&path, json!({"reason": "out of stock"})).await;
        if red.cancelled {
            return Self::expect(&r, 409, "redemption_cancelled");
        }
        Self::expect(&r, 200, "")?;
        // Each portion back with its source's expiry, or a day's grace once that has passed.
        let grace = end_of(plus_days(local_date(self.now), 1));
        let account = &self.accounts[red.who][0];
        let mut expected: Vec<(i64, Option<i64>)> = red
            .taken
            .iter()
            .map(|(source, points)| {
                let lot = account.lots.iter().find(|l| &l.id == source).unwrap();
                let expires = match lot.expires {
                    Some(x) if x < self.now => Some(grace),
                    other => other,
                };
                (*points, expires)
            })
            .collect();
        let back: Vec<(String, i64, Option<i64>)> = r.body["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                (
                    x["id"].as_str().unwrap().to_string(),
                    x["change"].as_i64().unwrap(),
                    parse_ms(&x["expires_at"]),
                )
            })
            .collect();
        let mut got: Vec<(i64, Option<i64>)> = back.iter().map(|x| (x.1, x.2)).collect();
        got.sort_unstable();
        expected.sort_unstable();
        prop_assert_eq!(got, expected, "{}", r.text);
        // Written one after another: each pays back what debt the previous left.
        for (id, points, expires) in back {
            self.accounts[red.who][0].earn(&id, points, false, expires, self.now);
            self.records[red.who] += 1;
        }
        self.redemptions[i].cancelled = true;
        self.sent.push(sent);
        Ok(())
    }

    async fn advance(&mut self, days: i64) -> Result<(), TestCaseError> {
        self.app.clock.advance_ms(days * DAY);
        self.now += days * DAY;
        let today = local_date(self.now);
        let mut points = 0;
        for (who, accounts) in self.accounts.iter_mut().enumerate() {
            for a in accounts.iter_mut() {
                let (n, p) = a.expire(day_start(today));
                self.records[who] += n;
                points += p;
            }
        }
        for job in ["expire-points", "tier-retention"] {
            let body = json!({"job": job, "as_of": today.to_string()});
            let (status, run) = run_job(&self.key, &body).await;
            prop_assert_eq!(
                (status, run["status"].as_str()),
                (202, Some("succeeded")),
                "{}",
                run
            );
            if job == "expire-points" {
                prop_assert_eq!(run["summary"]["points"].as_i64(), Some(points), "{}", run);
            }
            self.sent.push(Sent {
                path: "/api/v1/job-runs".into(),
                body,
                key: None,
                status,
                text: String::new(),
                order_id: None,
                job_run: run["id"].as_str().map(str::to_string),
            });
        }
        Ok(())
    }

    async fn replay(&mut self, pick: usize, by_number: bool) -> Result<(), TestCaseError> {
        if self.sent.is_empty() {
            return Ok(());
        }
        let s = self.sent[pick % self.sent.len()].clone();
        if let Some(run) = &s.job_run {
            // The same job and date: the earlier run, nothing runs again.
            let r = self.key.post(&s.path, &s.body).await;
            prop_assert_eq!(
                (r.status, r.body["id"].as_str()),
                (200, Some(run.as_str())),
                "{}",
                r.text
            );
        } else if let (Some(order), true) = (&s.order_id, by_number) {
            // The same external number without a key: the stored order, marked replayed.
            let r = self.key.post(&s.path, &s.body).await;
            prop_assert_eq!(
                (
                    r.status,
                    r.body["replayed"].as_bool(),
                    r.body["order"]["id"].as_str()
                ),
                (200, Some(true), Some(order.as_str())),
                "{}",
                r.text
            );
        } else {
            let key = s.key.clone().unwrap();
            let r = self
                .key
                .send(
                    reqwest::Method::POST,
                    &s.path,
                    Some(&s.body),
                    &[("idempotency-key", &key)],
                )
                .await;
            prop_assert_eq!((r.status, &r.text), (s.status, &s.text));
            prop_assert_eq!(
                r.headers
                    .get("idempotent-replayed")
                    .and_then(|v| v.to_str().ok()),
                Some("true")
            );
        }
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Checks.

    /// After every step: the model's balances and record count, one active tier.
    async fn check_balances(&self) -> Result<(), TestCaseError> {
        for (who, (m, _)) in self.members.iter().enumerate() {
            let detail = self.key.get(&format!("/api/v1/members/{m}")).await;
            prop_assert_eq!(detail.status, 200, "{}", detail.text);
            for g in 0..2 {
                let a = detail.body["point_accounts"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|a| a["point_group_id"] == self.groups[g].as_str())
                    .unwrap();
                let model = &self.accounts[who][g];
                prop_assert_eq!(
                    (
                        a["accumulated"].as_i64(),
                        a["available"].as_i64(),
                        a["expired"].as_i64()
                    ),
                    (
                        Some(model.accumulated),
                        Some(model.available),
                        Some(model.expired)
                    ),
                    "member {} group {}",
                    who,
                    g
                );
            }
            let active = detail.body["tier_records"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| r["status"] == "active")
                .count();
            prop_assert_eq!(active, 1, "active tier records of member {}", who);
            let page = self
                .key
                .get(&format!("/api/v1/members/{m}/point-records?limit=1"))
                .await;
            prop_assert_eq!(
                page.body["total"].as_u64(),
                Some(self.records[who] as u64),
                "records of member {}",
                who
            );
        }
        Ok(())
    }

    async fn all_records(&self, m: &str) -> Vec<Value> {
        let mut out = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let path = match &after {
                Some(c) => format!("/api/v1/members/{m}/point-records?limit=200&after={c}"),
                None => format!("/api/v1/members/{m}/point-records?limit=200"),
            };
            let page = self.key.get(&path).await;
            assert_eq!(page.status, 200, "{}", page.text);
            out.extend(page.body["items"].as_array().unwrap().iter().cloned());
            match page.body["next_cursor"].as_str() {
                Some(c) => after = Some(c.to_string()),
                None => return out,
            }
        }
    }

    /// After every case: the records add up (§10.5, §10.6) and verify finds nothing.
    async fn check_ledger(&self) -> Result<(), TestCaseError> {
        for (who, (m, _)) in self.members.iter().enumerate() {
            let records = self.all_records(m).await;
            prop_assert_eq!(records.len(), self.records[who]);
            for g in 0..2 {
                let model = &self.accounts[who][g];
                let mine: Vec<&Value> = records
                    .iter()
                    .filter(|r| r["point_group_id"] == self.groups[g].as_str())
                    .collect();
                let change = |r: &&Value| r["change"].as_i64().unwrap();
                let op = |r: &&Value| r["operation"].as_str().unwrap().to_string();
                let available: i64 = mine.iter().map(change).sum();
                let accumulated: i64 = mine
                    .iter()
                    .filter(|r| ACCUMULATED.contains(&op(r).as_str()))
                    .map(change)
                    .sum();
                let expired: i64 = -mine
                    .iter()
                    .filter(|r| op(r) == "expiry")
                    .map(change)
                    .sum::<i64>();
                prop_assert_eq!(
                    (accumulated, available, expired),
                    (model.accumulated, model.available, model.expired),
                    "figures from the records of member {} group {}",
                    who,
                    g
                );
                let mut held = 0;
                let mut debt = 0;
                let mut earnings = 0;
                for r in &mine {
                    let id = r["id"].as_str().unwrap();
                    let value = change(r);
                    let detail = self.key.get(&format!("/api/v1/point-records/{id}")).await;
                    let relations = detail.body["relations"].as_array().unwrap();
                    let given: i64 = relations
                        .iter()
                        .filter(|x| x["source_record_id"] == id)
                        .map(|x| x["points"].as_i64().unwrap())
                        .sum();
                    let received: i64 = relations
                        .iter()
                        .filter(|x| x["target_record_id"] == id)
                        .map(|x| x["points"].as_i64().unwrap())
                        .sum();
                    if value > 0 {
                        earnings += 1;
                        let remaining = r["remaining"].as_i64().unwrap();
                        prop_assert!(
                            (0..=value).contains(&remaining),
                            "remaining {} of {}: {}",
                            remaining,
                            value,
                            r
                        );
                        prop_assert_eq!(
                            (given, received),
                            (value - remaining, 0),
                            "relations of {}",
                            r
                        );
                        let lot = model.lots.iter().find(|l| l.id == id);
                        prop_assert_eq!(
                            lot.map(|l| l.remaining),
                            Some(remaining),
                            "the model's remaining of {}",
                            r
                        );
                        held += remaining;
                    } else {
                        let owed = r["debt"].as_i64().unwrap();
                        prop_assert!(r["remaining"].is_null());
                        prop_assert!(
                            (0..=-value).contains(&owed),
                            "debt {} of {}: {}",
                            owed,
                            value,
                            r
                        );
                        prop_assert_eq!(
                            (given, received),
                            (0, -value - owed),
                            "relations of {}",
                            r
                        );
                        debt += owed;
                    }
                }
                prop_assert_eq!(earnings, model.lots.len());
                prop_assert_eq!(
                    (held - debt, debt),
                    (available, model.debt),
                    "remaining less debt of member {} group {}",
                    who,
                    g
                );
            }
        }
        let found: Vec<_> = patron_app::points::verify::run(&self.app.store)
            .await
            .unwrap()
            .into_iter()
            .filter(|d| d.tenant_id == self.t)
            .collect();
        prop_assert!(found.is_empty(), "verify: {:?}", found);
        Ok(())
    }
}

/// Asks for a job run and waits for it to end: (status of the answer, the run).
async fn run_job(c: &Client, body: &Value) -> (u16, Value) {
    let r = c.post("/api/v1/job-runs", body).await;
    assert!(
        r.status == 200 || r.status == 202,
        "{}: {}",
        r.status,
        r.text
    );
    let job = body["job"].as_str().unwrap();
    for _ in 0..800 {
        let page = c
            .get(&format!("/api/v1/job-runs?job={job}&limit=200"))
            .await
            .body;
        let run = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == r.body["id"])
            .cloned()
            .unwrap();
        if run["status"] != "running" {
            return (r.status, run);
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("the run did not end");
}

async fn run_case(app: &TestApp, case: usize, ops: &[Op]) -> Result<(), TestCaseError> {
    let mut c = setup(app, case).await;
    for (i, op) in ops.iter().enumerate() {
        c.apply(op)
            .await
            .map_err(|e| fail(format!("step {i} {op:?}: {e}")))?;
        c.check_balances()
            .await
            .map_err(|e| fail(format!("after step {i} {op:?}: {e}")))?;
    }
    c.check_ledger().await
}

/// Runs `cases` random histories (and, on failure, the shrunk ones), each in a new tenant.
async fn property(app: &TestApp, cases: u32) {
    let config = Config {
        cases,
        max_shrink_iters: 300,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let handle = tokio::runtime::Handle::current();
    let counter = AtomicUsize::new(0);
    let strategy = prop::collection::vec(op(), 10..=25);
    let result = tokio::task::block_in_place(|| {
        runner.run(&strategy, |ops| {
            let case = counter.fetch_add(1, Ordering::Relaxed);
            handle.block_on(run_case(app, case, &ops))
        })
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

both_databases! {
    async fn random_histories_keep_every_balance_exact(app) {
        let default = match app.db { Db::Sqlite => 12, Db::Postgres => 6 };
        // More for a longer search: PATRON_LEDGER_CASES=200.
        let cases = std::env::var("PATRON_LEDGER_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default);
        property(&app, cases).await;
    }
}

/// Histories the property found failing, kept as they are.
mod found {
    use super::*;

    both_databases! {
        // Two orders written at the same instant earn records of the same expiry and creation
        // time. The first redemption takes from the older record; so must the second, though
        // the first one updated it (PostgreSQL then returned it after its untouched peer, and
        // the second redemption took from the newer record).
        async fn ties_are_spent_in_the_order_the_records_were_written(app) {
            let ops = [
                Op::Order { who: 0, lines: vec![(0, 1, 20_000)] },
                Op::Order { who: 0, lines: vec![(0, 1, 30_000)] },
                Op::Redeem { who: 0, points: 100 },
                Op::Redeem { who: 0, points: 50 },
            ];
            let mut c = setup(&app, 0).await;
            for op in &ops {
                c.apply(op).await.unwrap();
            }
            let m = c.members[0].0.clone();
            let mut earned: Vec<(String, i64, i64)> = c.all_records(&m).await.iter()
                .filter(|r| r["operation"] == "transaction" && r["point_group_id"] == c.groups[0].as_str())
                .map(|r| (r["id"].as_str().unwrap().to_string(), r["change"].as_i64().unwrap(), r["remaining"].as_i64().unwrap()))
                .collect();
            earned.sort();
            let left: Vec<(i64, i64)> = earned.iter().map(|e| (e.1, e.2)).collect();
            assert_eq!(left, vec![(200, 50), (300, 300)]);
            c.check_ledger().await.unwrap();
        }
    }
}

/// Keeps the model honest: its own FIFO on §10.6's worked example.
#[test]
fn the_model_follows_the_worked_fifo_example() {
    let mut a = Account::default();
    let end = end_of(NaiveDate::from_ymd_opt(2021, 12, 31).unwrap());
    a.earn("A", 200, true, Some(end), 5);
    a.earn("B", 300, true, Some(end), 3);
    a.earn("C", 500, true, Some(end + 60 * DAY), 1);
    let taken = a.spend(400, 10, false).unwrap();
    assert_eq!(taken, vec![("B".to_string(), 300), ("A".to_string(), 100)]);
    assert_eq!((a.available, a.accumulated), (600, 1000));
    // A refund of 700 from A: A's 100, then C's 500, then 100 owed.
    a.reverse(700, 11, Some("A"));
    assert_eq!((a.available, a.debt), (-100, 100));
    a.earn("D", 150, true, None, 12);
    assert_eq!((a.available, a.debt, a.lots[3].remaining), (50, 0, 50));
}
