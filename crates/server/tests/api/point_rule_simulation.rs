//! Simulating a draft point rule over the last days of real orders, on both databases: exact
//! figures by store and by cost center beside what the enabled rule issued (earning share and
//! refunds included), orders outside the window or without a member left out, nothing written,
//! the window's bounds, the snapshot the pages are read on, tenant isolation, permissions, and
//! the console page.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patron_app::Store;
use patron_testkit::fixtures::{member_club, MemberClub};
use patron_testkit::{both_databases, Client, TestApp};
use serde_json::{json, Value};

const DAY_MS: i64 = 86_400_000;

struct Setup {
    club: MemberClub,
    member_id: String,
    draft_id: String,
}

fn at(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap()
        .to_rfc3339()
}

async fn cost_center(admin: &Client, club: &MemberClub, code: &str, name: &str) -> String {
    let r = admin
        .post(
            &format!("/api/v1/programs/{}/cost-centers", club.program_id),
            &json!({"code": code, "name": name}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["id"].as_str().unwrap().to_string()
}

/// An order of `card` at `store`, `days_ago` days before now: one line of SKU1.
fn order(
    no: &str,
    card: &str,
    store: &str,
    ordered_at: &str,
    qty: i64,
    net: &str,
    payments: Value,
) -> Value {
    json!({
        "channel": "pos", "external_no": no, "store": store, "member": {"card_no": card},
        "ordered_at": ordered_at,
        "lines": [{"product_code": "SKU1", "quantity": qty, "net_amount": net}],
        "payments": payments,
    })
}

/// The club with cost centers `marketing` and `promo`; an enabled rule (¥1 → 1 point, every
/// store, marketing) and a draft (¥1 → 2 points at POS001 for the base tier, promo); one member
/// and these orders, days before now:
///
/// | order | store | days ago | paid | enabled rule | draft |
/// |---|---|---|---|---|---|
/// | A | POS001 | 1 | ¥100.00 cash | 100 | 200 |
/// | B | WXMINI001 | 2 | ¥50.50 cash | 50 | 0 (store) |
/// | C | POS001 | 3 | ¥60 cash + ¥30 gift card, 3 units, 1 refunded | 60 − 20 = 40 | 120 − 40 = 80 |
/// | D | POS001 | 40 | ¥1000.00 cash | 1000 | 2000 |
/// | E | POS001 | 1 | ¥70.00, no member | — | — |
///
/// C: the gift card does not earn, so ¥60 of ¥90 counts; one of three units refunded reverses
/// ⌊60 / 3⌋ = 20 of the real points and would reverse ⌊120 / 3⌋ = 40 of the draft's.
async fn setup(app: &TestApp, admin: &Client) -> Setup {
    let club = member_club(admin).await;
    let marketing = cost_center(admin, &club, "marketing", "营销成本中心").await;
    let promo = cost_center(admin, &club, "promo", "促销成本中心").await;
    let r = admin
        .put(
            "/api/v1/products",
            &json!({"items": [{"code": "SKU1", "name": "香草甜筒", "price": "10.00"}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = admin
        .put(
            "/api/v1/payment-methods",
            &json!({"items": [
                {"code": "CASH", "name": "现金", "earns_points": true},
                {"code": "GIFT", "name": "礼品卡", "earns_points": false},
            ]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let rule = |name: &str, rate: &str, cc: &str, status: &str| {
        json!({
            "program_id": club.program_id, "name": name, "status": status,
            "point_group_id": club.points_group_id, "cost_center_id": cc,
            "award": "amount", "rate": rate, "counts_for_upgrade": true,
            "validity_type": "fixed_period", "validity_days": 365,
        })
    };
    let r = admin
        .post(
            "/api/v1/point-rules",
            &rule("1元积1分", "1", &marketing, "enabled"),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let mut draft = rule("南京西路店1元积2分", "2", &promo, "draft");
    draft["store_codes"] = json!(["POS001"]);
    draft["tier_ids"] = json!([club.base_tier_id]);
    let r = admin.post("/api/v1/point-rules", &draft).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let draft_id = r.body["id"].as_str().unwrap().to_string();

    let r = admin
        .post(
            "/api/v1/members",
            &json!({"program": "club", "channel": "pos", "phone": "13812345678"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let member_id = r.body["member"]["id"].as_str().unwrap().to_string();
    let card = r.body["member"]["card_no"].as_str().unwrap().to_string();

    let now = app.clock_now();
    let ago = |days: i64| at(now - days * DAY_MS);
    let cash = |amount: &str| json!([{"method": "CASH", "amount": amount}]);
    let orders = [
        order("A", &card, "POS001", &ago(1), 2, "100.00", cash("100.00")),
        order("B", &card, "WXMINI001", &ago(2), 1, "50.50", cash("50.50")),
        order(
            "C",
            &card,
            "POS001",
            &ago(3),
            3,
            "90.00",
            json!([{"method": "CASH", "amount": "60.00"}, {"method": "GIFT", "amount": "30.00"}]),
        ),
        order(
            "D",
            &card,
            "POS001",
            &ago(40),
            1,
            "1000.00",
            cash("1000.00"),
        ),
        json!({
            "channel": "pos", "external_no": "E", "store": "POS001", "member": {"phone": "13900000000"},
            "ordered_at": ago(1), "lines": [{"product_code": "SKU1", "quantity": 1, "net_amount": "70.00"}],
            "payments": cash("70.00"),
        }),
    ];
    let mut earned = Vec::new();
    for o in &orders {
        let r = admin.post("/api/v1/orders", o).await;
        assert_eq!(r.status, 201, "{}", r.text);
        earned.push(r.body["order"]["points_change"].as_i64().unwrap());
    }
    assert_eq!(
        earned,
        vec![100, 50, 60, 1000, 0],
        "what the enabled rule issued"
    );
    let refund = json!({"direction": "refund", "channel": "pos", "external_no": "C-R1", "original_order_no": "C",
        "store": "POS001", "ordered_at": at(now - DAY_MS / 2), "lines": [{"product_code": "SKU1", "quantity": -1}]});
    let r = admin.post("/api/v1/orders", &refund).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["order"]["points_change"], -20);
    Setup {
        club,
        member_id,
        draft_id,
    }
}

fn figures(v: &Value, keys: &[&str]) -> Vec<i64> {
    keys.iter()
        .map(|k| v[*k].as_i64().unwrap_or_else(|| panic!("{k} in {v}")))
        .collect()
}

both_databases! {
    async fn a_draft_rule_is_simulated_over_the_window_by_store_and_cost_center(app) {
        let admin = app.tenant_admin("acme").await;
        let s = setup(&app, &admin).await;
        let path = format!("/api/v1/point-rules/{}/simulate", s.draft_id);
        let rule_before = admin.get(&format!("/api/v1/point-rules/{}", s.draft_id)).await.body;
        let records = format!("/api/v1/members/{}/point-records", s.member_id);
        let records_before = admin.get(&records).await.body["total"].clone();
        let audit_before = admin.get("/api/v1/audit").await.body["total"].clone();

        let r = admin.post(&path, &json!({"days": 30})).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let b = &r.body;
        assert_eq!((b["rule_id"].as_str(), b["status"].as_str(), b["days"].as_i64()), (Some(s.draft_id.as_str()), Some("draft"), Some(30)));
        let keys = ["orders", "fired_orders", "current_points", "draft_points", "difference"];
        // A, B and C; D is older, E has no member. The draft fires on A and C.
        assert_eq!(figures(&b["totals"], &keys), vec![3, 2, 190, 280, 90]);
        let stores = b["stores"].as_array().unwrap();
        let codes: Vec<&str> = stores.iter().map(|x| x["code"].as_str().unwrap()).collect();
        assert_eq!(codes, vec!["POS001", "WXMINI001"]);
        assert_eq!(stores[0]["name"], "上海南京西路店");
        assert_eq!(figures(&stores[0], &keys), vec![2, 2, 140, 280, 140]);
        assert_eq!(figures(&stores[1], &keys), vec![1, 0, 50, 0, -50]);
        let centers = b["cost_centers"].as_array().unwrap();
        let codes: Vec<&str> = centers.iter().map(|x| x["code"].as_str().unwrap()).collect();
        assert_eq!(codes, vec!["marketing", "promo"]);
        assert_eq!(centers[0]["name"], "营销成本中心");
        let keys = ["current_points", "draft_points", "difference"];
        assert_eq!(figures(&centers[0], &keys), vec![190, 0, -190]);
        assert_eq!(figures(&centers[1], &keys), vec![0, 280, 280]);
        assert_eq!(centers[1]["cost_center_id"], rule_before["cost_center_id"]);

        // Sixty days take D in as well.
        let r = admin.post(&path, &json!({"days": 60})).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(figures(&r.body["totals"], &["orders", "fired_orders", "current_points", "draft_points"]), vec![4, 3, 1190, 2280]);
        assert_eq!(figures(&r.body["stores"][0], &["orders", "current_points", "draft_points"]), vec![3, 1140, 2280]);

        // Nothing was written: the rule is as it was, no point record or audit entry appeared.
        assert_eq!(admin.get(&format!("/api/v1/point-rules/{}", s.draft_id)).await.body, rule_before);
        assert_eq!(admin.get(&records).await.body["total"], records_before);
        assert_eq!(admin.get("/api/v1/audit").await.body["total"], audit_before);

        // The window is 1 to 90 days.
        for days in [0, 91, -3] {
            let r = admin.post(&path, &json!({"days": days})).await;
            assert_eq!((r.status, r.code(), r.body["field"].as_str()), (422, "invalid_days", Some("days")), "{days}: {}", r.text);
        }
        assert_eq!(admin.post(&path, &json!({"days": 1})).await.body["totals"]["orders"], 1, "A alone");
        assert_eq!(admin.post(&path, &json!({"days": 90})).await.status, 200);
        let r = admin.post(&path, &json!({"days": 30, "store": "POS001"})).await;
        assert_eq!((r.status, r.code()), (400, "invalid_json"), "{}", r.text);
        let r = admin.post("/api/v1/point-rules/01a20000-0000-7000-8000-000000000000/simulate", &json!({"days": 30})).await;
        assert_eq!((r.status, r.code()), (404, "not_found"));
        let _ = s.club;
    }

    async fn a_snapshot_keeps_seeing_the_moment_of_its_first_read(app) {
        let admin = app.tenant_admin("acme").await;
        let s = setup(&app, &admin).await;
        let t = app.store.reader().await.unwrap().tenant_by_code("acme").await.unwrap().unwrap().id;
        let mut snap = app.store.snapshot().await.unwrap();
        let before = snap.point_rule(t, &s.draft_id).await.unwrap().unwrap();
        let r = admin.post(&format!("/api/v1/point-rules/{}/enable", s.draft_id), &json!({})).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(snap.point_rule(t, &s.draft_id).await.unwrap().unwrap(), before, "still a draft in the snapshot");
        drop(snap);
        let now = app.store.reader().await.unwrap().point_rule(t, &s.draft_id).await.unwrap().unwrap();
        assert_eq!(now.status.as_str(), "enabled");
        // Its connection went back to the pool with the transaction ended: later reads see the change.
        for _ in 0..3 {
            let mut snap = app.store.snapshot().await.unwrap();
            assert_eq!(snap.point_rule(t, &s.draft_id).await.unwrap().unwrap().status.as_str(), "enabled");
        }
    }

    async fn another_tenant_gets_404_and_the_permission_is_loyalty_read(app) {
        let admin = app.tenant_admin("acme").await;
        let s = setup(&app, &admin).await;
        let path = format!("/api/v1/point-rules/{}/simulate", s.draft_id);
        let rival = app.tenant_admin("rival").await;
        let r = rival.post(&path, &json!({"days": 30})).await;
        assert_eq!((r.status, r.code()), (404, "not_found"));
        let rival_key = app.key_with(&rival, &["loyalty:read"]).await;
        assert_eq!(rival_key.post(&path, &json!({"days": 30})).await.status, 404);

        let reader = app.key_with(&admin, &["loyalty:read"]).await;
        let r = reader.post(&path, &json!({"days": 30})).await;
        assert_eq!((r.status, r.body["totals"]["draft_points"].as_i64()), (200, Some(280)), "{}", r.text);
        let nobody = app.key_with(&admin, &["points:read", "orders:read"]).await;
        let r = nobody.post(&path, &json!({"days": 30})).await;
        assert_eq!((r.status, r.code(), r.body["permission"].as_str()), (403, "missing_permission", Some("loyalty:read")));
    }

    async fn the_console_page_shows_the_figures_and_refuses_a_bad_window(app) {
        let admin = app.tenant_admin("acme").await;
        let s = setup(&app, &admin).await;
        let list = admin.get("/console/points/rules").await;
        assert_eq!(list.status, 200);
        let link = format!(r#"href="/console/points/rules/{}/simulate""#, s.draft_id);
        assert!(list.text.contains(&link), "{}", list.text);
        let form = admin.get(&format!("/console/points/rules/{}", s.draft_id)).await;
        assert!(form.text.contains(&link), "the rule page links to it too");

        let page = admin.get(&format!("/console/points/rules/{}/simulate", s.draft_id)).await;
        assert_eq!(page.status, 200, "{}", page.text);
        let t = &page.text;
        for needle in [
            r#"data-test="simulate-rule-name">南京西路店1元积2分<"#,
            r#"name="days" value="30""#,
            r#"data-test="total-orders">3<"#,
            r#"data-test="total-fired">2<"#,
            r#"data-test="total-current">190<"#,
            r#"data-test="total-draft">280<"#,
            r#"data-test="total-difference">+90<"#,
            r#"<span class="bar current w50"></span><span class="bar draft w100"></span>"#,
            r#"<span class="bar current w20"></span><span class="bar draft w0"></span>"#,
        ] {
            assert_eq!(t.matches(needle).count(), 1, "{needle} in {t}");
        }
        let row = |test: &str| {
            let start = t.find(&format!(r#"data-test="{test}""#)).unwrap_or_else(|| panic!("{test} in {t}"));
            let end = start + t[start..].find("</tr>").unwrap();
            t[start..end].to_string()
        };
        let pos = row("store-row-POS001");
        for needle in [r#"data-test="orders">2<"#, r#"data-test="current">140<"#, r#"data-test="draft">280<"#, r#"data-test="difference">+140<"#] {
            assert!(pos.contains(needle), "{needle} in {pos}");
        }
        let wx = row("store-row-WXMINI001");
        assert!(wx.contains(r#"data-test="current">50<"#) && wx.contains(r#"data-test="difference">-50<"#), "{wx}");
        let promo = row("center-row-promo");
        assert!(promo.contains(r#"data-test="current">0<"#) && promo.contains(r#"data-test="draft">280<"#), "{promo}");
        let marketing = row("center-row-marketing");
        assert!(marketing.contains(r#"data-test="current">190<"#) && marketing.contains(r#"data-test="difference">-190<"#), "{marketing}");

        let page = admin.get(&format!("/console/points/rules/{}/simulate?days=60", s.draft_id)).await;
        assert!(page.text.contains(r#"data-test="total-draft">2280<"#), "{}", page.text);
        for bad in ["91", "0", "abc"] {
            let page = admin.get(&format!("/console/points/rules/{}/simulate?days={bad}", s.draft_id)).await;
            assert_eq!(page.status, 422, "{bad}");
            assert!(page.text.contains(r#"data-test="error-days">Enter a whole number of days from 1 to 90<"#), "{}", page.text);
            assert!(page.text.contains(&format!(r#"name="days" value="{bad}""#)) && !page.text.contains("total-draft"));
        }
        let rival = app.tenant_admin("rival").await;
        assert_eq!(rival.get(&format!("/console/points/rules/{}/simulate", s.draft_id)).await.status, 404);
    }
}
