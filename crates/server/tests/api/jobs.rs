//! The daily jobs on both databases: point expiry with exact records, relations and balances
//! (loyalty-core §10.7), with debt, run once per date; tier retention per worked example D
//! (§7.7) with exact tier records; the schedule; the API's refusals and tenant isolation; the
//! console page.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::TimeZone;
use chrono_tz::Asia::Shanghai;
use patron_app::members::model::TierRecord;
use patron_app::ports::RetentionCounters;
use patron_app::Store;
use patron_domain::ids::{MemberId, TenantId};
use patron_domain::member::TierRecordType;
use patron_testkit::fixtures::{member_club, MemberClub};
use patron_testkit::{both_databases, Client, TestApp};
use serde_json::{json, Value};

/// Unix milliseconds of a Shanghai wall-clock time.
fn sh(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> i64 {
    Shanghai
        .with_ymd_and_hms(y, mo, d, h, mi, s)
        .unwrap()
        .timestamp_millis()
}

fn set_clock(app: &TestApp, at_ms: i64) {
    app.clock.advance_ms(at_ms - app.clock_now());
}

async fn tenant_id(app: &TestApp, code: &str) -> TenantId {
    app.store
        .reader()
        .await
        .unwrap()
        .tenant_by_code(code)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn member(admin: &Client, phone: &str) -> String {
    let r = admin
        .post(
            "/api/v1/members",
            &json!({"program": "club", "channel": "pos", "phone": phone}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["member"]["id"].as_str().unwrap().to_string()
}

async fn earn(
    admin: &Client,
    m: &str,
    group: &str,
    points: i64,
    expires_on: Option<&str>,
) -> String {
    let r = admin
        .post(
            &format!("/api/v1/members/{m}/point-adjustments"),
            &json!({"point_group": group, "points": points, "reason": "gift", "expires_on": expires_on}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["record"]["id"].as_str().unwrap().to_string()
}

/// (accumulated, available, expired) of the member's points account.
async fn balances(admin: &Client, m: &str, club: &MemberClub) -> (i64, i64, i64) {
    let body = admin.get(&format!("/api/v1/members/{m}")).await.body;
    let a = body["point_accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["point_group_id"] == club.points_group_id.as_str())
        .unwrap()
        .clone();
    (
        a["accumulated"].as_i64().unwrap(),
        a["available"].as_i64().unwrap(),
        a["expired"].as_i64().unwrap(),
    )
}

/// Asks for a run and waits for it to end; returns (status of the answer, the run).
pub(crate) async fn run_job(c: &Client, job: &str, as_of: &str) -> (u16, Value) {
    let r = c
        .post("/api/v1/job-runs", &json!({"job": job, "as_of": as_of}))
        .await;
    assert!(
        r.status == 200 || r.status == 202,
        "{}: {}",
        r.status,
        r.text
    );
    for _ in 0..400 {
        let page = c.get(&format!("/api/v1/job-runs?job={job}")).await.body;
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

async fn verified(app: &TestApp) {
    assert_eq!(
        patron_app::points::verify::run(&app.store).await.unwrap(),
        vec![]
    );
}

/// (operation, change, remaining, reason) of the member's records, oldest first.
async fn records(admin: &Client, m: &str) -> Vec<(String, i64, Option<i64>, String)> {
    let page = admin
        .get(&format!("/api/v1/members/{m}/point-records"))
        .await
        .body;
    let mut out: Vec<_> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["operation"].as_str().unwrap().to_string(),
                r["change"].as_i64().unwrap(),
                r["remaining"].as_i64(),
                r["reason"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    out.reverse();
    out
}

/// Gold and platinum with the manual's rules: silver 300–1000, gold 1000–5000, platinum 5000+.
/// Returns the tier ids (base, silver, gold, platinum) and the rule ids (silver, gold, platinum).
async fn manual_tiers(admin: &Client, club: &MemberClub) -> (Vec<String>, Vec<String>) {
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
    let id = |code: &str| {
        tiers["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["code"] == code)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let ids: Vec<String> = ["base", "silver", "gold", "platinum"]
        .iter()
        .map(|c| id(c))
        .collect();
    let mut rules = Vec::new();
    for (tier, start, end) in [
        (&ids[1], 300, json!(1000)),
        (&ids[2], 1000, json!(5000)),
        (&ids[3], 5000, Value::Null),
    ] {
        let r = admin
            .post(&format!("{p}/tier-rules"), &json!({"name": format!("rule {start}"), "tier_id": tier,
                "point_group_id": club.points_group_id, "condition": "accumulated_points", "window_days": 365,
                "range_start": start, "range_end": end}))
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        rules.push(r.body["id"].as_str().unwrap().to_string());
    }
    (ids, rules)
}

/// Puts the member on `tier` from `effective_ms` (upgrade, 365 days) with `points` counted.
async fn put_on_tier(
    app: &TestApp,
    t: TenantId,
    m: &str,
    tier: &str,
    effective_ms: i64,
    points: i64,
) {
    let member = MemberId::parse(m).unwrap();
    let mut tx = app.store.begin().await.unwrap();
    let current = tx.active_tier_record(t, member).await.unwrap().unwrap();
    let validity = patron_domain::loyalty::tier::Validity::FixedPeriod { days: 365 };
    tx.deactivate_tier_records(t, member).await.unwrap();
    tx.insert_tier_record(&TierRecord {
        id: patron_app::secrets::new_uuid().to_string(),
        tier_id: tier.to_string(),
        record_type: TierRecordType::Upgrade,
        effective_at_ms: effective_ms,
        expires_at_ms: patron_domain::loyalty::tier::expiry_ms(effective_ms, &validity, Shanghai),
        active: true,
        ..current
    })
    .await
    .unwrap();
    tx.set_retention(
        t,
        member,
        RetentionCounters {
            points,
            spend_fen: 0,
            purchases: 0,
        },
        effective_ms,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

/// The member's tier records, oldest first, and its retention points.
async fn tiers_of(app: &TestApp, t: TenantId, m: &str) -> (Vec<TierRecord>, i64) {
    let member = MemberId::parse(m).unwrap();
    let mut r = app.store.reader().await.unwrap();
    let mut records = r.tier_records_of(t, member).await.unwrap();
    records.sort_by_key(|x| (x.effective_at_ms, x.created_at_ms));
    let points = r.member(t, member).await.unwrap().unwrap().retention_points;
    (records, points)
}

both_databases! {
    async fn expiry_follows_the_manuals_example_and_runs_once_per_date(app) {
        let admin = app.tenant_admin("acme").await;
        let club = member_club(&admin).await;
        let g = club.points_group_id.as_str();
        // §10.7: Transaction +30 effective 2021-03-23 14:52:00, expires 2024-01-01 23:59:59.
        set_clock(&app, sh(2021, 3, 23, 14, 52, 0));
        let m = member(&admin, "13812345678").await;
        let a = earn(&admin, &m, g, 30, Some("2024-01-01")).await;
        let b = earn(&admin, &m, g, 50, Some("2024-01-02")).await;
        earn(&admin, &m, g, 20, None).await;
        // 10 spent: taken from A, which expires first.
        let r = admin.post(&format!("/api/v1/members/{m}/point-adjustments"), &json!({"point_group": g, "points": -10, "reason": "merge"})).await;
        assert_eq!(r.status, 201, "{}", r.text);
        assert_eq!(balances(&admin, &m, &club).await, (90, 90, 0));

        // The early morning of 2024-01-02: A has expired, B expires tonight.
        set_clock(&app, sh(2024, 1, 2, 0, 30, 0));
        let (status, run) = run_job(&admin, "expire-points", "2024-01-02").await;
        assert_eq!(status, 202);
        assert_eq!((run["status"].as_str(), run["processed"].as_i64(), run["changed"].as_i64()), (Some("succeeded"), Some(1), Some(1)));
        assert_eq!(run["summary"], json!({"accounts": 1, "points": 20}));
        assert_eq!((run["trigger"].as_str(), run["attempts"].as_i64(), run["business_date"].as_str()), (Some("api"), Some(1), Some("2024-01-02")));
        assert_eq!(balances(&admin, &m, &club).await, (90, 70, 20));
        let after = records(&admin, &m).await;
        assert_eq!(after.last().unwrap(), &("expiry".to_string(), -20, None, "expire-points 2024-01-02".to_string()));
        assert_eq!(after.len(), 5);
        let expiry = admin.get(&format!("/api/v1/members/{m}/point-records")).await.body["items"][0]["id"].as_str().unwrap().to_string();
        let detail = admin.get(&format!("/api/v1/point-records/{expiry}")).await.body;
        let rel = &detail["relations"].as_array().unwrap();
        assert_eq!(rel.len(), 1);
        assert_eq!((rel[0]["source_record_id"].as_str(), rel[0]["points"].as_i64()), (Some(a.as_str()), Some(20)));
        assert_eq!(admin.get(&format!("/api/v1/point-records/{a}")).await.body["record"]["remaining"], 0);
        assert_eq!(admin.get(&format!("/api/v1/point-records/{b}")).await.body["record"]["remaining"], 50);
        verified(&app).await;

        // The same date again: the earlier run, nothing changes.
        let again = admin.post("/api/v1/job-runs", &json!({"job": "expire-points", "as_of": "2024-01-02"})).await;
        assert_eq!((again.status, &again.body["id"]), (200, &run["id"]));
        assert_eq!(records(&admin, &m).await.len(), 5);
        // Tomorrow is not a business date yet.
        let r = admin.post("/api/v1/job-runs", &json!({"job": "expire-points", "as_of": "2024-01-03"})).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (422, "as_of_in_future", Some("as_of")));

        // The next day B expires; A is not expired again.
        set_clock(&app, sh(2024, 1, 3, 0, 30, 0));
        let (_, run) = run_job(&admin, "expire-points", "2024-01-03").await;
        assert_eq!((run["processed"].as_i64(), run["summary"]["points"].as_i64()), (Some(1), Some(50)));
        assert_eq!(balances(&admin, &m, &club).await, (90, 20, 70));
        let ops: Vec<(String, i64)> = records(&admin, &m).await.into_iter().map(|r| (r.0, r.1)).collect();
        assert_eq!(ops, vec![
            ("manual_increase".into(), 30), ("manual_increase".into(), 50), ("manual_increase".into(), 20),
            ("manual_decrease".into(), -10), ("expiry".into(), -20), ("expiry".into(), -50),
        ]);
        verified(&app).await;
        let list = admin.get("/api/v1/job-runs").await.body;
        assert_eq!(list["total"], 2);
    }

    async fn expiry_leaves_debt_owed_and_lowers_what_is_available(app) {
        let admin = app.tenant_admin("acme").await;
        let club = member_club(&admin).await;
        let g = club.points_group_id.clone();
        set_clock(&app, sh(2024, 1, 1, 10, 0, 0));
        let m = member(&admin, "13812345678").await;
        earn(&admin, &m, &g, 100, Some("2024-01-01")).await;
        // A refund after the expiry but before the job: the expired points cannot cover it.
        set_clock(&app, sh(2024, 1, 2, 0, 10, 0));
        let t = tenant_id(&app, "acme").await;
        {
            use patron_app::points::ledger;
            let mut tx = app.store.begin().await.unwrap();
            let now = app.clock_now();
            let (account, mut book) = ledger::open(&mut *tx, t, MemberId::parse(&m).unwrap(), &g, now).await.unwrap();
            let posting = book.reverse(patron_app::secrets::new_uuid().to_string(), 300, &[], now);
            assert_eq!(posting.uncovered, 300);
            let ctx = patron_app::Ctx::system(Some(t), now);
            ledger::write(&mut *tx, &book, &posting, ledger::new_record(&ctx, &account, Some("refund".into())), now).await.unwrap();
            tx.commit().await.unwrap();
        }
        assert_eq!(balances(&admin, &m, &club).await, (-200, -200, 0));
        let (_, run) = run_job(&admin, "expire-points", "2024-01-02").await;
        assert_eq!((run["status"].as_str(), run["summary"]["points"].as_i64()), (Some("succeeded"), Some(100)));
        assert_eq!(balances(&admin, &m, &club).await, (-200, -300, 100));
        let page = admin.get(&format!("/api/v1/members/{m}/point-records")).await.body;
        assert_eq!(page["items"][1]["debt"], 300, "the refund's debt is still owed");
        verified(&app).await;
    }

    async fn retention_keeps_gold_or_downgrades_per_worked_example_d(app) {
        let admin = app.tenant_admin("acme").await;
        let club = member_club(&admin).await;
        let (tiers, rules) = manual_tiers(&admin, &club).await;
        let t = tenant_id(&app, "acme").await;
        // Gold since 2021-04-14 19:07:31; the record expires 2022-04-14 23:59:59.999.
        let since = sh(2021, 4, 14, 19, 7, 31);
        set_clock(&app, since - 60_000);
        let mut ms = Vec::new();
        for (i, (tier, points)) in [(2, 1600), (2, 450), (2, 120), (3, 450)].into_iter().enumerate() {
            let m = member(&admin, &format!("1381234567{i}")).await;
            put_on_tier(&app, t, &m, &tiers[tier], since, points).await;
            ms.push(m);
        }
        let expired = sh(2022, 4, 14, 23, 59, 59) + 999;
        assert_eq!(tiers_of(&app, t, &ms[0]).await.0.last().unwrap().expires_at_ms, Some(expired));

        // The expiry day itself is too early: the record is still valid.
        set_clock(&app, sh(2022, 4, 15, 0, 30, 0));
        let (_, run) = run_job(&admin, "tier-retention", "2022-04-14").await;
        assert_eq!((run["processed"].as_i64(), run["changed"].as_i64()), (Some(0), Some(0)));
        let (status, run) = run_job(&admin, "tier-retention", "2022-04-15").await;
        assert_eq!(status, 202);
        assert_eq!((run["status"].as_str(), run["processed"].as_i64(), run["changed"].as_i64()), (Some("succeeded"), Some(4), Some(4)));
        assert_eq!(run["summary"], json!({"retained": 1, "downgraded": 3, "skipped": 0}));

        let next = sh(2022, 4, 15, 0, 0, 0);
        let next_expiry = Some(sh(2023, 4, 15, 23, 59, 59) + 999);
        let expect = [
            (TierRecordType::Retention, &tiers[2], Some(&rules[1]), next_expiry),
            (TierRecordType::Downgrade, &tiers[1], Some(&rules[0]), next_expiry),
            (TierRecordType::Downgrade, &tiers[0], None, None),
            (TierRecordType::Downgrade, &tiers[1], Some(&rules[0]), next_expiry),
        ];
        for (m, (kind, tier, rule, expires)) in ms.iter().zip(expect) {
            let (records, points) = tiers_of(&app, t, m).await;
            assert_eq!(records.len(), 3, "base, upgrade, then the job's record");
            assert_eq!(records.iter().filter(|r| r.active).count(), 1);
            let last = records.last().unwrap();
            assert!(last.active);
            assert_eq!((last.record_type, &last.tier_id, last.tier_rule_id.as_ref()), (kind, tier, rule));
            assert_eq!((last.effective_at_ms, last.expires_at_ms, last.change_mode.as_str()), (next, expires, "automatic"));
            assert_eq!(points, 0, "the counters restart");
        }

        // Asked again: the earlier run, nothing new.
        let again = admin.post("/api/v1/job-runs", &json!({"job": "tier-retention", "as_of": "2022-04-15"})).await;
        assert_eq!((again.status, &again.body["id"]), (200, &run["id"]));
        assert_eq!(tiers_of(&app, t, &ms[0]).await.0.len(), 3);
    }

    async fn the_schedule_runs_expiry_retention_and_coupon_expiry_once_a_day(app) {
        let admin = app.tenant_admin("acme").await;
        member_club(&admin).await;
        let at = patron_domain::jobs::parse_daily_at("00:30").unwrap().unwrap();
        let clock = app.clock.clone();
        let now = move || { use patron_app::clock::Clock; clock.now_ms() };
        set_clock(&app, sh(2024, 1, 2, 0, 29, 0));
        assert_eq!(patron_app::jobs::schedule::tick(&app.store, at, &now).await.unwrap(), 0);
        set_clock(&app, sh(2024, 1, 2, 0, 30, 0));
        assert_eq!(patron_app::jobs::schedule::tick(&app.store, at, &now).await.unwrap(), 3);
        assert_eq!(patron_app::jobs::schedule::tick(&app.store, at, &now).await.unwrap(), 0);
        let runs = admin.get("/api/v1/job-runs").await.body;
        let seen: Vec<(&str, &str, &str, &str)> = runs["items"].as_array().unwrap().iter()
            .map(|r| (r["job"].as_str().unwrap(), r["business_date"].as_str().unwrap(), r["status"].as_str().unwrap(), r["trigger"].as_str().unwrap()))
            .collect();
        assert_eq!(seen, vec![
            ("expire-coupons", "2024-01-02", "succeeded", "schedule"),
            ("tier-retention", "2024-01-02", "succeeded", "schedule"),
            ("expire-points", "2024-01-02", "succeeded", "schedule"),
        ]);
    }

    async fn a_failed_run_is_run_again(app) {
        let admin = app.tenant_admin("acme").await;
        let t = tenant_id(&app, "acme").await;
        let now = app.clock_now();
        let today = patron_domain::jobs::local_date(now, Shanghai).unwrap();
        let mut tx = app.store.begin().await.unwrap();
        let failed = patron_app::jobs::model::JobRun {
            tenant_id: t,
            id: patron_domain::ids::JobRunId::from_uuid(patron_app::secrets::new_uuid()),
            job: patron_domain::jobs::Job::ExpirePoints,
            business_date: today,
            status: patron_domain::jobs::RunStatus::Failed,
            processed: 0, changed: 0, summary: None, error: Some("disk full".into()),
            trigger: patron_domain::jobs::Trigger::Schedule, triggered_by: "scheduler".into(),
            attempts: 1, started_at_ms: now, heartbeat_at_ms: now, finished_at_ms: Some(now),
        };
        assert!(tx.claim_job_run(&failed).await.unwrap());
        tx.commit().await.unwrap();
        let (status, run) = run_job(&admin, "expire-points", &today.to_string()).await;
        assert_eq!(status, 202);
        assert_eq!((run["id"].as_str(), run["status"].as_str(), run["attempts"].as_i64(), run["error"].as_str()),
            (Some(failed.id.to_string().as_str()), Some("succeeded"), Some(2), None));
        assert_eq!(run["trigger"], "api");
    }

    async fn runs_are_refused_without_permission_and_stay_in_their_tenant(app) {
        let acme = app.tenant_admin("acme").await;
        let globex = app.tenant_admin("globex").await;
        let today = patron_domain::jobs::local_date(app.clock_now(), Shanghai).unwrap().to_string();
        run_job(&acme, "expire-points", &today).await;
        let reader = app.key_with(&acme, &["jobs:read"]).await;
        let r = reader.post("/api/v1/job-runs", &json!({"job": "expire-points", "as_of": today})).await;
        assert_eq!((r.status, r.code(), r.body["permission"].as_str()), (403, "missing_permission", Some("jobs:run")));
        assert_eq!(reader.get("/api/v1/job-runs").await.body["total"], 1);
        let nobody = app.key_with(&acme, &[]).await;
        assert_eq!(nobody.get("/api/v1/job-runs").await.body["permission"], "jobs:read");
        // Another tenant sees none of acme's runs, and its own run is its own.
        assert_eq!(globex.get("/api/v1/job-runs").await.body["total"], 0);
        let (status, _) = run_job(&globex, "expire-points", &today).await;
        assert_eq!(status, 202);
        assert_eq!(acme.get("/api/v1/job-runs").await.body["total"], 1);
        let r = acme.post("/api/v1/job-runs", &json!({"job": "birthday", "as_of": today})).await;
        assert_eq!((r.status, r.code()), (422, "unknown_job"));
        let r = acme.post("/api/v1/job-runs", &json!({"job": "expire-points", "as_of": "2024/01/02"})).await;
        assert_eq!((r.status, r.code()), (422, "invalid_date"));
        let r = acme.get("/api/v1/job-runs?job=birthday").await;
        assert_eq!((r.status, r.code()), (422, "unknown_job"));
    }

    async fn the_console_lists_runs_and_runs_one(app) {
        let admin = app.tenant_admin("acme").await;
        let today = patron_domain::jobs::local_date(app.clock_now(), Shanghai).unwrap().to_string();
        let page = admin.get("/console/job-runs").await;
        assert_eq!(page.status, 200);
        assert!(page.text.contains(r#"data-test="run-form""#) && page.text.contains(r#"data-test="empty""#));
        assert!(page.text.contains(r#"href="/console/job-runs""#), "the sidebar links the page");
        run_job(&admin, "tier-retention", &today).await;
        let page = admin.get("/console/job-runs?job=tier-retention").await;
        assert_eq!(page.text.matches(r#"data-test="job-run""#).count(), 1);
        assert!(page.text.contains("Tier retention") && page.text.contains("Succeeded"));
        assert_eq!(admin.get("/console/job-runs?job=expire-points").await.text.matches(r#"data-test="job-run""#).count(), 0);
    }
}
