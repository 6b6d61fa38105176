//! The points ledger through the API, on both databases: manual adjustments with FIFO
//! relations and exact balances, refusals that change nothing, idempotency, permissions,
//! tenant isolation, and concurrent deductions that never overdraw.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patron_testkit::both_databases;
use patron_testkit::fixtures::{member_club, MemberClub};
use patron_testkit::Client;
use serde_json::{json, Value};

/// A member of the club; returns its id.
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

async fn adjust(
    admin: &Client,
    member: &str,
    group: &str,
    points: i64,
    reason: &str,
) -> patron_testkit::Reply {
    admin
        .post(
            &format!("/api/v1/members/{member}/point-adjustments"),
            &json!({"point_group": group, "points": points, "reason": reason}),
        )
        .await
}

async fn balances(admin: &Client, member: &str, club: &MemberClub) -> (i64, i64, i64) {
    let m = admin.get(&format!("/api/v1/members/{member}")).await.body;
    let account = m["point_accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["point_group_id"] == club.points_group_id.as_str())
        .unwrap()
        .clone();
    (
        account["accumulated"].as_i64().unwrap(),
        account["available"].as_i64().unwrap(),
        account["expired"].as_i64().unwrap(),
    )
}

/// How many concurrent deductions went through; every other one was refused for want of points.
async fn granted(tasks: Vec<tokio::task::JoinHandle<patron_testkit::Reply>>) -> usize {
    let mut ok = 0;
    for t in tasks {
        let r = t.await.unwrap();
        match r.status {
            201 => ok += 1,
            409 => assert_eq!(r.code(), "insufficient_points"),
            other => panic!("{other}: {}", r.text),
        }
    }
    ok
}

fn changes(page: &Value) -> Vec<(String, i64, Option<i64>)> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["operation"].as_str().unwrap().to_string(),
                r["change"].as_i64().unwrap(),
                r["remaining"].as_i64(),
            )
        })
        .collect()
}

both_databases! {
    async fn verify_finds_every_figure_the_records_contradict(app) {
        use patron_app::Store;
        let admin = app.tenant_admin("acme").await;
        let club = member_club(&admin).await;
        let m = member(&admin, "13812345678").await;
        let g = club.points_group_id.as_str();
        adjust(&admin, &m, g, 300, "gift").await;
        let second = adjust(&admin, &m, g, 200, "gift").await.body;
        let taken = adjust(&admin, &m, g, -400, "merge").await.body;
        assert!(patron_app::points::verify::run(&app.store).await.unwrap().is_empty());

        // Two figures changed behind the ledger's back.
        let t = app.store.reader().await.unwrap().tenant_by_code("acme").await.unwrap().unwrap().id;
        let second_id = second["record"]["id"].as_str().unwrap();
        let account = taken["account"]["id"].as_str().unwrap();
        let mut tx = app.store.begin().await.unwrap();
        tx.set_remaining(t, second_id, 150).await.unwrap();
        tx.set_point_balances(t, account, patron_domain::points::Balances { accumulated: 100, available: 99, expired: 0 }, 1).await.unwrap();
        tx.commit().await.unwrap();
        let mut found: Vec<(&str, String, &str, i64, i64)> = patron_app::points::verify::run(&app.store).await.unwrap()
            .into_iter()
            .map(|d| (d.kind, d.id, d.field, d.stored, d.from_records))
            .collect();
        found.sort();
        assert_eq!(found, vec![
            ("point_account", account.to_string(), "available", 99, 100),
            ("point_record", second_id.to_string(), "remaining", 150, 100),
        ]);
    }

    async fn adjustments_post_records_relations_and_exact_balances(app) {
        let admin = app.tenant_admin("acme").await;
        let club = member_club(&admin).await;
        let m = member(&admin, "13812345678").await;
        let g = club.points_group_id.as_str();

        let first = adjust(&admin, &m, g, 300, "welcome gift").await;
        assert_eq!(first.status, 201, "{}", first.text);
        assert_eq!((first.body["record"]["operation"].as_str(), first.body["record"]["change"].as_i64(), first.body["record"]["remaining"].as_i64()),
            (Some("manual_increase"), Some(300), Some(300)));
        assert_eq!(first.body["record"]["name"], "人工积分调整增加");
        assert_eq!(first.body["account"]["available"], 300);
        let second = adjust(&admin, &m, g, 200, "service recovery").await;
        assert_eq!(second.status, 201);

        // 400 taken: all of the first (older) 300, then 100 of the second.
        let take = adjust(&admin, &m, g, -400, "duplicate account merged").await;
        assert_eq!(take.status, 201, "{}", take.text);
        assert_eq!((take.body["record"]["change"].as_i64(), take.body["record"]["remaining"].as_i64()), (Some(-400), None));
        // A manual decrease counts against accumulated and available (§10.5).
        assert_eq!(balances(&admin, &m, &club).await, (100, 100, 0));

        let page = admin.get(&format!("/api/v1/members/{m}/point-records")).await;
        assert_eq!(page.status, 200);
        assert_eq!(page.body["total"], 3);
        assert_eq!(changes(&page.body), vec![
            ("manual_decrease".to_string(), -400, None),
            ("manual_increase".to_string(), 200, Some(100)),
            ("manual_increase".to_string(), 300, Some(0)),
        ]);
        let detail = admin.get(&format!("/api/v1/point-records/{}", take.body["record"]["id"].as_str().unwrap())).await.body;
        let taken: Vec<(String, i64)> = detail["relations"].as_array().unwrap().iter()
            .map(|r| (r["source_record_id"].as_str().unwrap().to_string(), r["points"].as_i64().unwrap()))
            .collect();
        assert_eq!(taken, vec![
            (first.body["record"]["id"].as_str().unwrap().to_string(), 300),
            (second.body["record"]["id"].as_str().unwrap().to_string(), 100),
        ]);
        // The source sees the relation too.
        let source = admin.get(&format!("/api/v1/point-records/{}", second.body["record"]["id"].as_str().unwrap())).await.body;
        assert_eq!(source["relations"].as_array().unwrap().len(), 1);
        // The other group's account did not move.
        let other = adjust(&admin, &m, &club.growth_group_id, -1, "nothing to take").await;
        assert_eq!((other.status, other.code()), (409, "insufficient_points"));
        let audit = admin.get("/api/v1/audit?action=points.adjust").await.body;
        assert_eq!(audit["total"], 3);
    }

    async fn refusals_change_nothing_and_repeats_are_idempotent(app) {
        let admin = app.tenant_admin("acme").await;
        let club = member_club(&admin).await;
        let m = member(&admin, "13812345678").await;
        let g = club.points_group_id.as_str();
        assert_eq!(adjust(&admin, &m, g, 50, "gift").await.status, 201);
        for (body, status, code, field) in [
            (json!({"point_group": g, "points": -51, "reason": "too many"}), 409, "insufficient_points", Some("points")),
            (json!({"point_group": g, "points": 0, "reason": "zero"}), 422, "invalid_points", Some("points")),
            (json!({"point_group": g, "points": 5, "reason": "  "}), 422, "too_short", Some("reason")),
            (json!({"point_group": "nope", "points": 5, "reason": "x"}), 422, "unknown_point_group", Some("point_group")),
            (json!({"point_group": g, "points": 5, "reason": "x", "expires_on": "2020-01-01"}), 422, "expiry_in_the_past", Some("expires_on")),
            (json!({"point_group": g, "points": -5, "reason": "x", "expires_on": "2030-01-01"}), 422, "expiry_on_decrease", Some("expires_on")),
        ] {
            let r = admin.post(&format!("/api/v1/members/{m}/point-adjustments"), &body).await;
            assert_eq!((r.status, r.code(), r.body["field"].as_str()), (status, code, field), "{body}: {}", r.text);
        }
        assert_eq!(balances(&admin, &m, &club).await, (50, 50, 0));
        assert_eq!(admin.get(&format!("/api/v1/members/{m}/point-records")).await.body["total"], 1);

        // The same request with the same key posts once.
        let path = format!("/api/v1/members/{m}/point-adjustments");
        let body = json!({"point_group": g, "points": -20, "reason": "gift returned"});
        let a = admin.send(reqwest::Method::POST, &path, Some(&body), &[("idempotency-key", "adj-1")]).await;
        let b = admin.send(reqwest::Method::POST, &path, Some(&body), &[("idempotency-key", "adj-1")]).await;
        assert_eq!((a.status, b.status), (201, 201));
        assert_eq!(a.body["record"]["id"], b.body["record"]["id"]);
        assert_eq!(balances(&admin, &m, &club).await, (30, 30, 0));

        // A frozen member's points do not move.
        admin.post(&format!("/api/v1/members/{m}/freeze"), &json!({"reason": "fraud check"})).await;
        let r = adjust(&admin, &m, g, 10, "x").await;
        assert_eq!((r.status, r.code()), (409, "member_not_active"));
    }

    async fn points_need_their_permissions_and_stay_in_their_tenant(app) {
        let admin = app.tenant_admin("acme").await;
        let club = member_club(&admin).await;
        let m = member(&admin, "13812345678").await;
        let g = club.points_group_id.as_str();
        let record = adjust(&admin, &m, g, 10, "gift").await.body["record"]["id"].as_str().unwrap().to_string();

        let reader = app.key_with(&admin, &["points:read"]).await;
        assert_eq!(reader.get(&format!("/api/v1/members/{m}/point-records")).await.status, 200);
        let r = adjust(&reader, &m, g, 10, "x").await;
        assert_eq!((r.status, r.body["permission"].as_str()), (403, Some("points:adjust")));
        let nobody = app.key_with(&admin, &["customers:read"]).await;
        let r = nobody.get(&format!("/api/v1/members/{m}/point-records")).await;
        assert_eq!((r.status, r.body["permission"].as_str()), (403, Some("points:read")));
        assert_eq!(nobody.get(&format!("/api/v1/point-records/{record}")).await.status, 403);

        let other = app.tenant_admin("other").await;
        member_club(&other).await;
        assert_eq!(other.get(&format!("/api/v1/members/{m}/point-records")).await.status, 404);
        assert_eq!(other.get(&format!("/api/v1/point-records/{record}")).await.status, 404);
        assert_eq!(adjust(&other, &m, g, 10, "x").await.status, 404);
        assert_eq!(balances(&admin, &m, &club).await, (10, 10, 0));
    }

    async fn concurrent_deductions_never_overdraw(app) {
        let admin = app.tenant_admin("acme").await;
        let club = member_club(&admin).await;
        let m = member(&admin, "13812345678").await;
        let g = club.points_group_id.clone();
        assert_eq!(adjust(&admin, &m, &g, 100, "gift").await.status, 201);
        let mut tasks = Vec::new();
        for i in 0..20 {
            let (c, m, g) = (admin.clone(), m.clone(), g.clone());
            tasks.push(tokio::spawn(async move { adjust(&c, &m, &g, -10, &format!("take {i}")).await }));
        }
        assert_eq!(granted(tasks).await, 10);
        assert_eq!(balances(&admin, &m, &club).await, (0, 0, 0));
        let page = admin.get(&format!("/api/v1/members/{m}/point-records?limit=50")).await.body;
        assert_eq!(page["total"], 11);
        assert_eq!(changes(&page).iter().map(|c| c.1).sum::<i64>(), 0);
    }
}

const DAY: i64 = 86_400_000;

/// A day `days` after the test clock's now, in Shanghai, as `YYYY-MM-DD`.
fn day_after(now_ms: i64, days: i64) -> String {
    chrono::DateTime::from_timestamp_millis(now_ms + days * DAY)
        .unwrap()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .format("%Y-%m-%d")
        .to_string()
}

/// The end of that day (23:59:59.999, Shanghai) as the API writes it.
fn end_of(day: &str) -> String {
    use chrono::TimeZone;
    let d = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
    let end = chrono_tz::Asia::Shanghai
        .from_local_datetime(&d.and_hms_milli_opt(23, 59, 59, 999).unwrap())
        .unwrap()
        .with_timezone(&chrono::Utc);
    end.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

mod redemptions {
    use super::*;

    both_databases! {
        async fn a_redemption_takes_the_earliest_expiry_first_and_is_cancelled_back_once(app) {
            let admin = app.tenant_admin("acme").await;
            let club = member_club(&admin).await;
            let m = member(&admin, "13812345678").await;
            let g = club.points_group_id.as_str();
            let path = format!("/api/v1/members/{m}/point-adjustments");
            let far = admin.post(&path, &json!({"point_group": g, "points": 300, "reason": "gift", "expires_on": "2099-12-31"})).await;
            assert_eq!(far.status, 201, "{}", far.text);
            let near_day = day_after(app.clock_now(), 2);
            let near = admin.post(&path, &json!({"point_group": g, "points": 200, "reason": "gift", "expires_on": near_day})).await;
            assert_eq!(near.body["record"]["expires_at"], end_of(&near_day).as_str());

            let r = admin.post(&format!("/api/v1/members/{m}/redemptions"), &json!({"point_group": g, "points": 400, "gift": "保温杯"})).await;
            assert_eq!(r.status, 201, "{}", r.text);
            let redemption = r.body["records"][0].clone();
            assert_eq!((redemption["operation"].as_str(), redemption["change"].as_i64(), redemption["reason"].as_str()),
                (Some("redeem_gift"), Some(-400), Some("保温杯")));
            // A redemption is spending, not a correction: accumulated stays.
            assert_eq!((r.body["account"]["accumulated"].as_i64(), r.body["account"]["available"].as_i64()), (Some(500), Some(100)));
            let id = redemption["id"].as_str().unwrap();
            let detail = admin.get(&format!("/api/v1/point-records/{id}")).await.body;
            let taken: Vec<(String, i64)> = detail["relations"].as_array().unwrap().iter()
                .map(|r| (r["source_record_id"].as_str().unwrap().to_string(), r["points"].as_i64().unwrap()))
                .collect();
            let (near_id, far_id) = (near.body["record"]["id"].as_str().unwrap().to_string(), far.body["record"]["id"].as_str().unwrap().to_string());
            assert_eq!(taken, vec![(near_id, 200), (far_id, 200)]);
            let r = admin.post(&format!("/api/v1/members/{m}/redemptions"), &json!({"point_group": g, "points": 101, "gift": "too dear"})).await;
            assert_eq!((r.status, r.code()), (409, "insufficient_points"));

            // Five days on, the near record has expired: its 200 come back with a day's grace,
            // the far record's 200 with its own expiry.
            // (Sessions lapse over five idle days; an API key does not.)
            let ops = app.key_with(&admin, &["points:read", "points:redeem"]).await;
            let reader = app.key_with(&admin, &["points:read"]).await;
            app.clock.advance_ms(5 * DAY);
            let c = ops.post(&format!("/api/v1/point-records/{id}/cancel"), &json!({"reason": "out of stock"})).await;
            assert_eq!(c.status, 200, "{}", c.text);
            let back: Vec<(String, i64, String)> = c.body["records"].as_array().unwrap().iter()
                .map(|r| (r["operation"].as_str().unwrap().to_string(), r["change"].as_i64().unwrap(), r["expires_at"].as_str().unwrap().to_string()))
                .collect();
            let grace = end_of(&day_after(app.clock_now(), 1));
            assert_eq!(back, vec![
                ("redemption_cancel_return".to_string(), 200, grace),
                ("redemption_cancel_return".to_string(), 200, end_of("2099-12-31")),
            ]);
            assert_eq!((c.body["account"]["accumulated"].as_i64(), c.body["account"]["available"].as_i64()), (Some(500), Some(500)));

            let again = ops.post(&format!("/api/v1/point-records/{id}/cancel"), &json!({"reason": "again"})).await;
            assert_eq!((again.status, again.code()), (409, "redemption_cancelled"));
            let far_id = far.body["record"]["id"].as_str().unwrap();
            let wrong = ops.post(&format!("/api/v1/point-records/{far_id}/cancel"), &json!({"reason": "x"})).await;
            assert_eq!((wrong.status, wrong.code()), (409, "not_a_redemption"));
            assert!(patron_app::points::verify::run(&app.store).await.unwrap().is_empty());

            let r = reader.post(&format!("/api/v1/members/{m}/redemptions"), &json!({"point_group": g, "points": 1, "gift": "x"})).await;
            assert_eq!((r.status, r.body["permission"].as_str()), (403, Some("points:redeem")));
            let other = app.tenant_admin("other").await;
            assert_eq!(other.post(&format!("/api/v1/point-records/{id}/cancel"), &json!({"reason": "x"})).await.status, 404);
        }

        async fn concurrent_redemptions_never_overdraw(app) {
            let admin = app.tenant_admin("acme").await;
            let club = member_club(&admin).await;
            let m = member(&admin, "13812345678").await;
            let g = club.points_group_id.clone();
            assert_eq!(adjust(&admin, &m, &g, 100, "gift").await.status, 201);
            let mut tasks = Vec::new();
            for _ in 0..20 {
                let (c, m, g) = (admin.clone(), m.clone(), g.clone());
                tasks.push(tokio::spawn(async move {
                    c.post(&format!("/api/v1/members/{m}/redemptions"), &json!({"point_group": g, "points": 10, "gift": "coffee"})).await
                }));
            }
            assert_eq!(granted(tasks).await, 10);
            assert_eq!(balances(&admin, &m, &club).await, (100, 0, 0));
            assert!(patron_app::points::verify::run(&app.store).await.unwrap().is_empty());
        }
    }
}
