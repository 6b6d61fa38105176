//! Orders and refunds through the API, on both databases: transaction points per line and rule,
//! the upgrade that follows, refunds that backtrack the original's points (with debt when they
//! were spent), idempotent repeats, refusals that write nothing, permissions, tenant isolation
//! and concurrent sends.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patron_app::point_rules::model::StoredPointRule;
use patron_app::Store;
use patron_domain::loyalty::tier::Validity;
use patron_domain::points::rate::Rate;
use patron_domain::points::rule::{Award, RuleStatus, Scope};
use patron_testkit::fixtures::{member_club, MemberClub};
use patron_testkit::{both_databases, Client, Reply, TestApp};
use serde_json::{json, Value};

struct Shop {
    club: MemberClub,
    gold_tier_id: String,
}

/// The club with gold and platinum, the manual's tier rules (silver 300–1000, gold 1000–5000,
/// platinum 5000+ over 365 days, in 积分), products, payment methods and two rules: ¥1 → 1
/// point (counts for upgrade) and 1 unit → 1 growth point (does not), at POS001.
async fn shop(app: &TestApp, admin: &Client) -> Shop {
    let club = member_club(admin).await;
    let p = format!("/api/v1/programs/{}", club.program_id);
    let tiers = admin.get(&format!("{p}/tiers")).await.body;
    let silver = tiers["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "silver")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut ids = vec![silver];
    for (code, name, rank) in [("gold", "金卡会员", 3), ("platinum", "铂金卡会员", 4)] {
        let r = admin.post(&format!("{p}/tiers"), &json!({"code": code, "name": name, "rank": rank, "is_base": false, "validity_type": "fixed_period", "validity_days": 365})).await;
        assert_eq!(r.status, 201, "{}", r.text);
        ids.push(r.body["id"].as_str().unwrap().to_string());
    }
    for (name, tier, start, end) in [
        ("银卡会员条件", 0, json!(300), json!(1000)),
        ("金卡会员条件", 1, json!(1000), json!(5000)),
        ("铂金卡会员条件", 2, json!(5000), Value::Null),
    ] {
        let r = admin.post(&format!("{p}/tier-rules"), &json!({"name": name, "tier_id": ids[tier], "point_group_id": club.points_group_id, "condition": "accumulated_points", "window_days": 365, "range_start": start, "range_end": end})).await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
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
    let r = admin
        .put(
            "/api/v1/payment-methods",
            &json!({"items": [
                {"code": "1001", "name": "现金", "earns_points": true},
                {"code": "2343", "name": "EBUY微信扫码支付", "earns_points": true},
                {"code": "GIFT", "name": "礼品卡", "earns_points": false},
            ]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let t = app
        .store
        .reader()
        .await
        .unwrap()
        .tenant_by_code("acme")
        .await
        .unwrap()
        .unwrap()
        .id;
    let mut tx = app.store.begin().await.unwrap();
    for (id, group, award, counts) in [
        (
            "01JOFFLINE0000000000000001",
            &club.points_group_id,
            Award::ByAmount(Rate::parse("rate", "1").unwrap()),
            true,
        ),
        (
            "01JOFFLINE0000000000000002",
            &club.growth_group_id,
            Award::ByQuantity(Rate::parse("rate", "1").unwrap()),
            false,
        ),
    ] {
        tx.insert_point_rule(&StoredPointRule {
            tenant_id: t,
            id: id.into(),
            program_id: club.program_id.clone(),
            name: id.into(),
            point_group_id: group.clone(),
            cost_center_id: None,
            award,
            counts_for_upgrade: counts,
            validity: Validity::FixedPeriod { days: 365 },
            scope: Scope {
                stores: vec!["POS001".into()],
                ..Scope::default()
            },
            status: RuleStatus::Enabled,
            created_at_ms: 0,
            updated_at_ms: 0,
        })
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    Shop {
        club,
        gold_tier_id: ids[1].clone(),
    }
}

/// A member of the club; returns (id, card number).
async fn member(admin: &Client, phone: &str) -> (String, String) {
    let r = admin
        .post(
            "/api/v1/members",
            &json!({"program": "club", "channel": "pos", "phone": phone}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    (
        r.body["member"]["id"].as_str().unwrap().to_string(),
        r.body["member"]["card_no"].as_str().unwrap().to_string(),
    )
}

/// The manual's offline order: two known products and one master data does not know yet.
fn offline_order(no: &str, card: &str) -> Value {
    json!({
        "channel": "pos", "external_no": no, "store": "POS001", "member": {"card_no": card},
        "order_type": "dine_in", "ordered_at": "2026-11-23T10:00:00+08:00",
        "lines": [
            {"product_code": "CN01836", "quantity": 2, "unit_price": "250.00", "net_amount": "500.00"},
            {"product_code": "CN02000", "quantity": 1, "unit_price": "600.50", "net_amount": "600.50"},
            {"product_code": "NEW0001", "product_title": "新品", "quantity": 1, "net_amount": "400.00"},
        ],
        "payments": [{"method": "2343", "amount": "1500.50"}],
    })
}

async fn accounts(admin: &Client, member: &str, shop: &Shop) -> ((i64, i64), (i64, i64), Value) {
    let m = admin.get(&format!("/api/v1/members/{member}")).await.body;
    let of = |g: &str| {
        let a = m["point_accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["point_group_id"] == g)
            .unwrap();
        (
            a["accumulated"].as_i64().unwrap(),
            a["available"].as_i64().unwrap(),
        )
    };
    (
        of(&shop.club.points_group_id),
        of(&shop.club.growth_group_id),
        m,
    )
}

fn active_tier(m: &Value) -> String {
    let active: Vec<&Value> = m["tier_records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "active")
        .collect();
    assert_eq!(active.len(), 1, "one active tier record");
    active[0]["tier_id"].as_str().unwrap().to_string()
}

async fn verify_clean(app: &TestApp) {
    assert!(patron_app::points::verify::run(&app.store)
        .await
        .unwrap()
        .is_empty());
}

/// Sends every order at once, each on its own task, and answers in the bodies' order.
async fn post_all_at_once(admin: &Client, bodies: Vec<Value>) -> Vec<Reply> {
    let tasks: Vec<_> = bodies
        .into_iter()
        .map(|body| {
            let c = admin.clone();
            tokio::spawn(async move { c.post("/api/v1/orders", &body).await })
        })
        .collect();
    let mut answers = Vec::with_capacity(tasks.len());
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    answers
}

/// The orders did go through batches, and no batch fell back to one by one.
fn assert_accepted_together(app: &TestApp) {
    let desk = app.state.orders.stats();
    assert!(desk.accepted_together >= 2, "{desk:?}");
    assert_eq!(desk.failed_batches, 0, "{desk:?}");
}

both_databases! {
    async fn an_order_earns_per_line_and_rule_and_jumps_to_gold(app) {
        let admin = app.tenant_admin("acme").await;
        let shop = shop(&app, &admin).await;
        let (m, card) = member(&admin, "13812345678").await;
        let r = admin.post("/api/v1/orders", &offline_order("roy202103230000000041", &card)).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let o = &r.body["order"];
        assert_eq!((o["points_change"].as_i64(), o["unknown_products"].as_i64(), o["paid_fen"].as_i64(), o["item_quantity"].as_i64()),
            (Some(1500 + 4), Some(1), Some(150_050), Some(4)));
        // Per line and rule: 500, 600 (600.50 rounded down), 400 points; 2, 1, 1 growth.
        let mut records: Vec<(String, i64)> = r.body["point_records"].as_array().unwrap().iter()
            .map(|x| (format!("{}:{}", x["point_group_id"].as_str().unwrap() == shop.club.points_group_id, x["order_id"].as_str().is_some()), x["change"].as_i64().unwrap()))
            .collect();
        records.sort();
        assert_eq!(records, vec![("false:true".into(), 1), ("false:true".into(), 1), ("false:true".into(), 2),
            ("true:true".into(), 400), ("true:true".into(), 500), ("true:true".into(), 600)]);
        // Earned on 2026-11-23 (Shanghai): expires at the end of 2027-11-23 there.
        let first = &r.body["point_records"][0];
        assert_eq!((first["operation"].as_str(), first["expires_at"].as_str()), (Some("transaction"), Some("2027-11-23T15:59:59.999Z")));
        // §7.7 A: base straight to gold (silver skipped); the counter restarts at 1500.
        assert_eq!(r.body["tier_change"]["tier_id"], shop.gold_tier_id.as_str());
        assert_eq!(r.body["tier_change"]["record_type"], "upgrade");
        let (points, growth, detail) = accounts(&admin, &m, &shop).await;
        assert_eq!((points, growth), ((1500, 1500), (4, 4)));
        assert_eq!(active_tier(&detail), shop.gold_tier_id);
        assert_eq!(detail["tier_records"].as_array().unwrap().len(), 2);
        assert_eq!(detail["member"]["retention_points"], 1500);
        assert_eq!(detail["member"]["first_purchase_at"], "2026-11-23T02:00:00.000Z");
        assert_eq!(detail["member"]["last_purchase_at"], "2026-11-23T02:00:00.000Z");

        // The same order again: the stored one, nothing new.
        let again = admin.post("/api/v1/orders", &offline_order("roy202103230000000041", &card)).await;
        assert_eq!((again.status, again.body["replayed"].as_bool()), (200, Some(true)), "{}", again.text);
        assert_eq!(again.body["order"]["id"], r.body["order"]["id"]);
        assert_eq!(accounts(&admin, &m, &shop).await.0, (1500, 1500));

        // Detail: lines, payments and the points each line produced.
        let id = r.body["order"]["id"].as_str().unwrap();
        let d = admin.get(&format!("/api/v1/orders/{id}")).await;
        assert_eq!(d.status, 200, "{}", d.text);
        assert_eq!(d.body["lines"].as_array().unwrap().len(), 3);
        assert_eq!((d.body["lines"][2]["product_known"].as_bool(), d.body["lines"][1]["net_fen"].as_i64()), (Some(false), Some(60_050)));
        assert_eq!(d.body["payments"][0]["paid_fen"], 150_050);
        assert_eq!(d.body["point_records"].as_array().unwrap().len(), 6);
        let list = admin.get(&format!("/api/v1/orders?member_id={m}")).await.body;
        assert_eq!(list["total"], 1);
        verify_clean(&app).await;
    }

    async fn refunds_backtrack_the_originals_points_and_leave_debt_when_spent(app) {
        let admin = app.tenant_admin("acme").await;
        let shop = shop(&app, &admin).await;
        let (m, card) = member(&admin, "13812345678").await;
        assert_eq!(admin.post("/api/v1/orders", &offline_order("o-41", &card)).await.status, 201);

        // One of the two CN01836 returned: half of line 1's 500 points and 2 growth, nothing else.
        let refund = |no: &str, lines: Value| json!({"direction": "refund", "channel": "pos", "external_no": no, "original_order_no": "o-41",
            "store": "POS001", "ordered_at": "2026-11-24T10:00:00+08:00", "lines": lines});
        let r = admin.post("/api/v1/orders", &refund("o-42", json!([{"product_code": "CN01836", "quantity": -1}]))).await;
        assert_eq!(r.status, 201, "{}", r.text);
        assert_eq!((r.body["order"]["paid_fen"].as_i64(), r.body["order"]["points_change"].as_i64(), r.body["order"]["item_quantity"].as_i64()), (Some(-25_000), Some(-251), Some(-1)));
        let mut changes: Vec<i64> = r.body["point_records"].as_array().unwrap().iter().map(|x| x["change"].as_i64().unwrap()).collect();
        changes.sort();
        assert_eq!(changes, vec![-250, -1]);
        assert_eq!(r.body["point_records"][0]["operation"], "return_reversal");
        let (points, growth, detail) = accounts(&admin, &m, &shop).await;
        assert_eq!((points, growth), ((1250, 1250), (3, 3)));
        // R-1: the counter shrinks, the tier stays.
        assert_eq!(detail["member"]["retention_points"], 1250);
        assert_eq!(active_tier(&detail), shop.gold_tier_id);

        // More than remains is refused and changes nothing.
        let r = admin.post("/api/v1/orders", &refund("o-43", json!([{"product_code": "CN01836", "quantity": 2}]))).await;
        assert_eq!((r.status, r.code()), (422, "refund_exceeds_remaining"), "{}", r.text);
        assert_eq!(admin.get("/api/v1/orders?direction=refund").await.body["total"], 1);

        // 1,200 points spent, then the rest refunded: 1,250 reversed, 50 covered, 1,200 in debt.
        let r = admin.post(&format!("/api/v1/members/{m}/redemptions"), &json!({"point_group": shop.club.points_group_id, "points": 1200, "gift": "保温杯"})).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let r = admin.post("/api/v1/orders", &refund("o-44", json!([]))).await;
        assert_eq!(r.status, 201, "{}", r.text);
        assert_eq!((r.body["order"]["paid_fen"].as_i64(), r.body["order"]["points_change"].as_i64()), (Some(-125_050), Some(-1250 - 3)));
        let debts: i64 = r.body["point_records"].as_array().unwrap().iter().map(|x| x["debt"].as_i64().unwrap()).sum();
        assert_eq!(debts, 1200);
        let (points, growth, detail) = accounts(&admin, &m, &shop).await;
        assert_eq!((points, growth), ((0, -1200), (0, 0)));
        assert_eq!(detail["member"]["retention_points"], 0);
        let original = admin.get("/api/v1/orders?direction=normal").await.body["items"][0].clone();
        assert_eq!(original["refund_status"], "full");
        let r = admin.post("/api/v1/orders", &refund("o-45", json!([]))).await;
        assert_eq!((r.status, r.code()), (422, "refund_exceeds_remaining"));

        // The debt is paid back first from the next points earned.
        let mut next = offline_order("o-46", &card);
        next["lines"] = json!([{"product_code": "CN01836", "quantity": 1, "net_amount": "1500.00"}]);
        assert_eq!(admin.post("/api/v1/orders", &next).await.status, 201);
        assert_eq!(accounts(&admin, &m, &shop).await.0, (1500, 300));
        verify_clean(&app).await;
    }

    async fn non_member_sales_keep_the_identity_and_bad_orders_write_nothing(app) {
        let admin = app.tenant_admin("acme").await;
        let _shop = shop(&app, &admin).await;
        let r = admin.post("/api/v1/orders", &offline_order("walk-in", "9999999999")).await;
        assert_eq!(r.status, 201, "{}", r.text);
        assert_eq!((r.body["order"]["member_id"].clone(), r.body["order"]["unmatched_identity"].as_str(), r.body["order"]["points_change"].as_i64()),
            (Value::Null, Some("card_no"), Some(0)));
        let (_, card) = member(&admin, "13812345678").await;
        let bad = |f: &dyn Fn(&mut Value)| { let mut o = offline_order("bad", &card); f(&mut o); o };
        for (body, status, code) in [
            (bad(&|o| o["store"] = json!("NOPE")), 422, "unknown_store"),
            (bad(&|o| o["lines"][0]["quantity"] = json!(-2)), 422, "negative_quantity"),
            (bad(&|o| o["lines"][0]["quantity"] = json!(0)), 422, "invalid_quantity"),
            (bad(&|o| o["lines"][1]["net_amount"] = json!("-600.50")), 422, "negative_amount"),
            (bad(&|o| o["lines"] = json!([])), 422, "lines_required"),
            (bad(&|o| o["payments"][0]["method"] = json!("BITCOIN")), 422, "unknown_payment_method"),
            (bad(&|o| o["channel"] = json!("fax")), 422, "unknown_channel"),
            (bad(&|o| o["ordered_at"] = json!("yesterday")), 422, "invalid_timestamp"),
            (bad(&|o| { o["direction"] = json!("refund"); o["original_order_no"] = json!("missing"); }), 422, "unknown_original_order"),
            (bad(&|o| { o["direction"] = json!("refund"); o["original_order_no"] = json!("walk-in"); o["external_no"] = json!("r-walk-in"); o["channel"] = json!("pos"); o["lines"] = json!([{"product_code": "CN01836", "quantity": 3}]); }), 422, "refund_exceeds_remaining"),
        ] {
            let r = admin.post("/api/v1/orders", &body).await;
            assert_eq!((r.status, r.code()), (status, code), "{}", r.text);
        }
        assert_eq!(admin.get("/api/v1/orders").await.body["total"], 1);
        verify_clean(&app).await;
    }

    async fn only_earning_payment_methods_earn(app) {
        let admin = app.tenant_admin("acme").await;
        let shop = shop(&app, &admin).await;
        let (m, card) = member(&admin, "13812345678").await;
        let mut o = offline_order("split", &card);
        o["lines"] = json!([{"product_code": "CN01836", "quantity": 1, "net_amount": "100.00"}]);
        o["payments"] = json!([{"method": "2343", "amount": "60.00"}, {"method": "GIFT", "amount": "40.00"}]);
        let r = admin.post("/api/v1/orders", &o).await;
        assert_eq!(r.status, 201, "{}", r.text);
        // ¥60 of ¥100 paid by an earning method: 60 points; growth counts units, 1.
        assert_eq!(accounts(&admin, &m, &shop).await.0, (60, 60));
        assert_eq!(accounts(&admin, &m, &shop).await.1, (1, 1));
    }

    async fn a_configuration_change_applies_to_the_next_order_at_once(app) {
        // Orders read their configuration from a cache; every change must reach the next order.
        let admin = app.tenant_admin("acme").await;
        let shop = shop(&app, &admin).await;
        let (m, card) = member(&admin, "13812345678").await;
        let send = |no: &'static str| {
            let mut o = offline_order(no, &card);
            o["lines"] = json!([{"product_code": "CN01836", "quantity": 1, "net_amount": "100.00"}]);
            o["payments"] = json!([{"method": "2343", "amount": "100.00"}]);
            o
        };
        let methods = |earns: bool| json!({"items": [{"code": "2343", "name": "EBUY微信扫码支付", "earns_points": earns}]});
        let r = admin.post("/api/v1/orders", &send("c1")).await;
        assert_eq!(r.status, 201, "{}", r.text);
        assert_eq!(accounts(&admin, &m, &shop).await.0, (100, 100));
        // The payment method stops earning: the next order earns nothing.
        assert_eq!(admin.put("/api/v1/payment-methods", &methods(false)).await.status, 200);
        let r = admin.post("/api/v1/orders", &send("c2")).await;
        assert_eq!(r.status, 201, "{}", r.text);
        assert_eq!(accounts(&admin, &m, &shop).await.0, (100, 100));
        // It earns again, but the ¥1 → 1 point rule is disabled: still nothing.
        assert_eq!(admin.put("/api/v1/payment-methods", &methods(true)).await.status, 200);
        let rule = "/api/v1/point-rules/01JOFFLINE0000000000000001";
        let r = admin.post(&format!("{rule}/disable"), &json!({})).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let r = admin.post("/api/v1/orders", &send("c3")).await;
        assert_eq!(r.status, 201, "{}", r.text);
        assert_eq!(accounts(&admin, &m, &shop).await.0, (100, 100));
        // Enabled again: the next order earns.
        let r = admin.post(&format!("{rule}/enable"), &json!({})).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let r = admin.post("/api/v1/orders", &send("c4")).await;
        assert_eq!(r.status, 201, "{}", r.text);
        assert_eq!(accounts(&admin, &m, &shop).await.0, (200, 200));
        // A store that did not exist is refused, and accepted once it is created.
        let mut o = send("c5");
        o["store"] = json!("POS777");
        let r = admin.post("/api/v1/orders", &o).await;
        assert_eq!(r.status, 422, "{}", r.text);
        assert!(r.text.contains("unknown_store"), "{}", r.text);
        let r = admin.put("/api/v1/stores", &json!({"items": [{"code": "POS777", "name": "新店", "kind": "physical"}]})).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let r = admin.post("/api/v1/orders", &o).await;
        assert_eq!(r.status, 201, "{}", r.text);
        verify_clean(&app).await;
    }

    async fn a_point_group_added_later_opens_each_account_at_its_first_points(app) {
        // Members who joined before a point group existed have no account in it: the first
        // points open it, once, and a group of another program is still refused.
        let admin = app.tenant_admin("acme").await;
        let shop = shop(&app, &admin).await;
        let (m, card) = member(&admin, "13812345678").await;
        let p = format!("/api/v1/programs/{}", shop.club.program_id);
        let r = admin.post(&format!("{p}/point-groups"), &json!({"code": "bonus", "name": "活动积分"})).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let bonus = r.body["id"].as_str().unwrap().to_string();
        let r = admin.post(&format!("{p}/cost-centers"), &json!({"code": "promo", "name": "促销成本中心"})).await;
        let cc = r.body["id"].as_str().unwrap().to_string();
        let rule = json!({
            "program_id": shop.club.program_id, "name": "门店活动1元0.5分", "status": "enabled",
            "point_group_id": bonus, "cost_center_id": cc, "award": "amount", "rate": "0.5",
            "validity_type": "fixed_period", "validity_days": 30, "store_codes": ["POS001"],
        });
        let r = admin.post("/api/v1/point-rules", &rule).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let bonus_of = |m: &Value| -> Option<(i64, i64)> {
            let accounts = m["point_accounts"].as_array().unwrap();
            accounts.iter().find(|a| a["point_group_id"] == bonus.as_str())
                .map(|a| (a["accumulated"].as_i64().unwrap(), a["available"].as_i64().unwrap()))
        };
        let before = admin.get(&format!("/api/v1/members/{m}")).await.body;
        assert_eq!((before["point_accounts"].as_array().unwrap().len(), bonus_of(&before)), (2, None));

        // ¥500 + ¥600.50 + ¥400 at POS001 earns ⌊0.5 × 500⌋ + ⌊0.5 × 600.50⌋ + ⌊0.5 × 400⌋ =
        // 250 + 300 + 200 = 750 in the new group, beside the points and growth as before.
        let r = admin.post("/api/v1/orders", &offline_order("b1", &card)).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let after = admin.get(&format!("/api/v1/members/{m}")).await.body;
        assert_eq!((after["point_accounts"].as_array().unwrap().len(), bonus_of(&after)), (3, Some((750, 750))));
        // The next order uses the same account.
        let r = admin.post("/api/v1/orders", &offline_order("b2", &card)).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let again = admin.get(&format!("/api/v1/members/{m}")).await.body;
        assert_eq!((again["point_accounts"].as_array().unwrap().len(), bonus_of(&again)), (3, Some((1500, 1500))));

        // A manual adjustment in a group of another program is refused and opens nothing.
        let r = admin.post("/api/v1/programs", &json!({"code": "other", "name": "Other"})).await;
        let other = r.body["id"].as_str().unwrap().to_string();
        let r = admin.post(&format!("/api/v1/programs/{other}/point-groups"), &json!({"code": "p", "name": "P"})).await;
        let foreign = r.body["id"].as_str().unwrap().to_string();
        let r = admin.post(&format!("/api/v1/members/{m}/point-adjustments"), &json!({"point_group": foreign, "points": 10, "reason": "gift"})).await;
        assert_eq!((r.status, r.code()), (422, "unknown_point_group"), "{}", r.text);
        let last = admin.get(&format!("/api/v1/members/{m}")).await.body;
        assert_eq!(last["point_accounts"].as_array().unwrap().len(), 3);
        verify_clean(&app).await;
    }

    async fn paying_with_points_spends_fifo_and_refunds_give_back_their_share(app) {
        let admin = app.tenant_admin("acme").await;
        let shop = shop(&app, &admin).await;
        let (m, card) = member(&admin, "13812345678").await;
        let group = shop.club.points_group_id.clone();
        let order = |no: &str, units: i64, used: Option<i64>| {
            let mut o = offline_order(no, &card);
            let amount = format!("{}.00", units * 100);
            o["lines"] = json!([{"product_code": "CN01836", "quantity": units, "net_amount": amount}]);
            o["payments"] = json!([{"method": "2343", "amount": amount}]);
            if let Some(points) = used {
                o["points_used"] = json!({"point_group": group, "points": points});
            }
            o
        };
        // p1 earns 100 points (¥100 at 1 point per ¥1).
        let r = admin.post("/api/v1/orders", &order("p1", 1, None)).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let earned = r.body["point_records"].as_array().unwrap().iter()
            .find(|x| x["point_group_id"] == group.as_str()).unwrap().clone();

        // p2 pays 50 points (taken from p1's record) and earns 400: available 100 − 50 + 400.
        let r = admin.post("/api/v1/orders", &order("p2", 4, Some(50))).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let spent = r.body["point_records"].as_array().unwrap().iter()
            .find(|x| x["operation"] == "redeem_gift").unwrap().clone();
        assert_eq!((spent["change"].as_i64(), spent["order_id"].clone()), (Some(-50), r.body["order"]["id"].clone()));
        assert_eq!(accounts(&admin, &m, &shop).await.0, (500, 450));

        // More than is available: refused, and neither the order nor any point moves.
        let r = admin.post("/api/v1/orders", &order("p3", 1, Some(10_000))).await;
        assert_eq!(r.status, 409, "{}", r.text);
        assert!(r.text.contains("insufficient_points"), "{}", r.text);
        assert_eq!(accounts(&admin, &m, &shop).await.0, (500, 450));
        assert_eq!(admin.get("/api/v1/orders?channel=pos").await.body["total"], 2);
        // No member, or a refund: nothing to spend from.
        let mut anonymous = order("p4", 1, Some(10));
        anonymous["member"] = json!({});
        let r = admin.post("/api/v1/orders", &anonymous).await;
        assert_eq!(r.status, 422, "{}", r.text);
        assert!(r.text.contains("points_need_member"), "{}", r.text);
        let refund = |no: &str, lines: Value| json!({"direction": "refund", "channel": "pos", "external_no": no, "original_order_no": "p2",
            "store": "POS001", "ordered_at": "2026-11-24T10:00:00+08:00", "lines": lines});
        let mut bad = refund("p2-r0", json!([]));
        bad["points_used"] = json!({"point_group": group, "points": 5});
        let r = admin.post("/api/v1/orders", &bad).await;
        assert_eq!(r.status, 422, "{}", r.text);
        assert!(r.text.contains("points_on_refund"), "{}", r.text);
        // The spending is the order's: it is not cancelled on its own.
        let id = spent["id"].as_str().unwrap();
        let r = admin.post(&format!("/api/v1/point-records/{id}/cancel"), &json!({"reason": "x"})).await;
        assert_eq!(r.status, 409, "{}", r.text);
        assert!(r.text.contains("redemption_of_order"), "{}", r.text);

        // One unit of four back: ⌊50 × 1/4⌋ = 12 points return, 100 earned are reversed.
        let r = admin.post("/api/v1/orders", &refund("p2-r1", json!([{"product_code": "CN01836", "quantity": 1}]))).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let returned: Vec<(i64, Value)> = r.body["point_records"].as_array().unwrap().iter()
            .filter(|x| x["operation"] == "redemption_cancel_return")
            .map(|x| (x["change"].as_i64().unwrap(), x["expires_at"].clone())).collect();
        // With the expiry of the record the points were taken from.
        assert_eq!(returned, vec![(12, earned["expires_at"].clone())]);
        assert_eq!(accounts(&admin, &m, &shop).await.0, (400, 362));
        // The rest: 50 − 12 = 38 return, 300 reversed; exactly p1's 100 remain.
        let r = admin.post("/api/v1/orders", &refund("p2-r2", json!([]))).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let back: i64 = r.body["point_records"].as_array().unwrap().iter()
            .filter(|x| x["operation"] == "redemption_cancel_return")
            .map(|x| x["change"].as_i64().unwrap()).sum();
        assert_eq!(back, 38);
        assert_eq!(accounts(&admin, &m, &shop).await.0, (100, 100));
        verify_clean(&app).await;
    }

    async fn orders_respect_permissions_and_tenants(app) {
        let admin = app.tenant_admin("acme").await;
        let _shop = shop(&app, &admin).await;
        let (_, card) = member(&admin, "13812345678").await;
        let reader = app.key_with(&admin, &["orders:read"]).await;
        let r = reader.post("/api/v1/orders", &offline_order("x-1", &card)).await;
        assert_eq!((r.status, r.code()), (403, "missing_permission"));
        let writer = app.key_with(&admin, &["orders:write"]).await;
        let r = writer.post("/api/v1/orders", &offline_order("x-1", &card)).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let id = r.body["order"]["id"].as_str().unwrap().to_string();
        assert_eq!(writer.get("/api/v1/orders").await.status, 403);
        assert_eq!(reader.get(&format!("/api/v1/orders/{id}")).await.status, 200);
        let other = app.tenant_admin("globex").await;
        assert_eq!(other.get(&format!("/api/v1/orders/{id}")).await.status, 404);
        assert_eq!(other.get("/api/v1/orders").await.body["total"], 0);
    }

    async fn concurrent_sends_earn_once_and_never_lose_points(app) {
        let admin = app.tenant_admin("acme").await;
        let shop = shop(&app, &admin).await;
        let (m, card) = member(&admin, "13812345678").await;
        // The same order ten times at once: one is new, nine are repeats.
        let mut tasks = Vec::new();
        for _ in 0..10 {
            let c = admin.clone();
            let body = offline_order("dup", &card);
            tasks.push(tokio::spawn(async move { c.post("/api/v1/orders", &body).await }));
        }
        let mut statuses = Vec::new();
        for t in tasks {
            let r = t.await.unwrap();
            statuses.push(r.status);
        }
        statuses.sort();
        assert_eq!(statuses, [vec![200; 9], vec![201]].concat());
        // Ten different orders of ¥100 at once for the same member.
        let mut tasks = Vec::new();
        for i in 0..10 {
            let c = admin.clone();
            let mut body = offline_order(&format!("many-{i}"), &card);
            body["lines"] = json!([{"product_code": "CN01836", "quantity": 1, "net_amount": "100.00"}]);
            tasks.push(tokio::spawn(async move { c.post("/api/v1/orders", &body).await }));
        }
        for t in tasks {
            let r = t.await.unwrap();
            assert_eq!(r.status, 201, "{}", r.text);
        }
        assert_eq!(accounts(&admin, &m, &shop).await.0, (2500, 2500));
        let detail = accounts(&admin, &m, &shop).await.2;
        assert_eq!(active_tier(&detail), shop.gold_tier_id);
        verify_clean(&app).await;
    }

    async fn orders_arriving_together_earn_what_each_would_alone(app) {
        let admin = app.tenant_admin("acme").await;
        let shop = shop(&app, &admin).await;
        let mut members = Vec::new();
        for i in 0..40 {
            members.push(member(&admin, &format!("1381000{i:04}")).await);
        }
        // Member 39 is frozen: the order is kept, without points or a tier check.
        let frozen = &members[39].0;
        let r = admin.post(&format!("/api/v1/members/{frozen}/freeze"), &json!({"reason": "audit"})).await;
        assert_eq!(r.status, 200, "{}", r.text);
        // Member 0 already has points, so it pays with some (an order accepted alone) while the
        // others arrive.
        let r = admin.post("/api/v1/orders", &offline_order("first-0", &members[0].1)).await;
        assert_eq!(r.status, 201, "{}", r.text);
        // At once: one order per member, each member's second order, the same order twice,
        // and member 0's order paying 100 points.
        let mut bodies = Vec::new();
        for (i, (_, card)) in members.iter().enumerate() {
            bodies.push(offline_order(&format!("burst-{i}"), card));
        }
        bodies.push(offline_order("burst-1", &members[1].1));
        let mut second = offline_order("second-2", &members[2].1);
        second["lines"] = json!([{"product_code": "CN01836", "quantity": 1, "net_amount": "100.00"}]);
        second["payments"] = json!([{"method": "2343", "amount": "100.00"}]);
        bodies.push(second);
        let mut paying = offline_order("paying-0", &members[0].1);
        paying["points_used"] = json!({"point_group": shop.club.points_group_id, "points": 100});
        bodies.push(paying);
        let answers = post_all_at_once(&admin, bodies).await;
        for (i, r) in answers.iter().enumerate().take(39).filter(|(i, _)| *i != 1) {
            assert_eq!(r.status, 201, "order {i}: {}", r.text);
            assert_eq!(r.body["order"]["points_change"], 1504, "order {i}");
            assert_eq!(r.body["point_records"].as_array().unwrap().len(), 6, "order {i}");
        }
        // Member 0 was gold already; the others went from base to gold with this order.
        assert!(answers[0].body["tier_change"].is_null());
        for r in &answers[2..39] {
            assert_eq!(r.body["tier_change"]["tier_id"], shop.gold_tier_id.as_str());
        }
        let frozen_answer = &answers[39];
        assert_eq!((frozen_answer.status, frozen_answer.body["order"]["points_change"].as_i64()), (201, Some(0)));
        // The same order twice: one accepted, the other its repeat.
        let (a, b) = (&answers[1], &answers[40]);
        let (new, repeat) = if a.status == 201 { (a, b) } else { (b, a) };
        assert_eq!((new.status, repeat.status, repeat.body["replayed"].as_bool()), (201, 200, Some(true)), "{}", repeat.text);
        assert_eq!(new.body["order"]["id"], repeat.body["order"]["id"]);
        assert_eq!(new.body["order"]["points_change"], 1504);
        assert_eq!(answers[41].status, 201, "{}", answers[41].text);
        assert_eq!(answers[41].body["order"]["points_change"], 101);
        assert_eq!(answers[42].status, 201, "{}", answers[42].text);

        // Member 0: three orders of 1,500 points and 4 growth, 100 points paid; member 2: one
        // order more of 100 and 1 (in either order); everyone else as after one order alone.
        let (points, growth, detail) = accounts(&admin, &members[0].0, &shop).await;
        assert_eq!((points, growth), ((4500, 4400), (12, 12)));
        assert_eq!(active_tier(&detail), shop.gold_tier_id);
        let (points, growth, detail) = accounts(&admin, &members[2].0, &shop).await;
        assert_eq!((points, growth), ((1600, 1600), (5, 5)));
        assert_eq!(active_tier(&detail), shop.gold_tier_id);
        for (m, _) in &members[3..39] {
            let (points, growth, detail) = accounts(&admin, m, &shop).await;
            assert_eq!((points, growth), ((1500, 1500), (4, 4)));
            assert_eq!(active_tier(&detail), shop.gold_tier_id);
            assert_eq!(detail["tier_records"].as_array().unwrap().len(), 2);
            assert_eq!(detail["member"]["retention_points"], 1500);
            assert_eq!(detail["member"]["last_purchase_at"], "2026-11-23T02:00:00.000Z");
        }
        let (points, growth, detail) = accounts(&admin, frozen, &shop).await;
        assert_eq!((points, growth), ((0, 0), (0, 0)));
        assert_eq!(detail["member"]["first_purchase_at"], "2026-11-23T02:00:00.000Z");
        let orders = admin.get("/api/v1/orders?limit=1").await.body;
        assert_eq!(orders["total"], 1 + 40 + 1 + 1);
        assert_accepted_together(&app);
        verify_clean(&app).await;
    }

    async fn orders_arriving_together_upgrade_by_spend_and_by_purchases(app) {
        let admin = app.tenant_admin("acme").await;
        let shop = shop(&app, &admin).await;
        let p = format!("/api/v1/programs/{}", shop.club.program_id);
        let tiers = admin.get(&format!("{p}/tiers")).await.body;
        let tier = |code: &str| tiers["items"].as_array().unwrap().iter().find(|t| t["code"] == code).unwrap()["id"].as_str().unwrap().to_string();
        let platinum = tier("platinum");
        let r = admin.post(&format!("{p}/tier-rules"), &json!({"name": "三次消费", "tier_id": platinum, "condition": "purchase_count", "window_days": 365, "range_start": 3})).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let r = admin.post(&format!("{p}/tier-rules"), &json!({"name": "消费满两千", "tier_id": shop.gold_tier_id, "condition": "spend_amount", "window_days": 365, "range_start": "2000.00"})).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let mut members = Vec::new();
        for i in 0..21 {
            members.push(member(&admin, &format!("1381100{i:04}")).await);
        }
        // At once: three orders of ¥100 from each of twenty members (one a batch per member, so
        // the third sees the first two), and ¥2,500 paid with a gift card (no points) from one.
        let mut bodies = Vec::new();
        for round in 0..3 {
            for (i, (_, card)) in members.iter().enumerate().take(20) {
                let mut o = offline_order(&format!("small-{round}-{i}"), card);
                o["lines"] = json!([{"product_code": "CN01836", "quantity": 1, "net_amount": "100.00"}]);
                o["payments"] = json!([{"method": "2343", "amount": "100.00"}]);
                bodies.push(o);
            }
        }
        let mut gift = offline_order("gift-20", &members[20].1);
        gift["lines"] = json!([{"product_code": "CN02000", "quantity": 1, "net_amount": "2500.00"}]);
        gift["payments"] = json!([{"method": "GIFT", "amount": "2500.00"}]);
        bodies.push(gift);
        for r in post_all_at_once(&admin, bodies).await {
            assert_eq!(r.status, 201, "{}", r.text);
        }
        // Three purchases of 100 points each: platinum by count (silver by points is lower).
        for (m, _) in &members[..20] {
            let (points, growth, detail) = accounts(&admin, m, &shop).await;
            assert_eq!((points, growth), ((300, 300), (3, 3)));
            assert_eq!(active_tier(&detail), platinum);
        }
        // No points, but ¥2,500 spent: gold by spend.
        let (points, _, detail) = accounts(&admin, &members[20].0, &shop).await;
        assert_eq!(points, (0, 0));
        assert_eq!(active_tier(&detail), shop.gold_tier_id);
        assert_accepted_together(&app);
        verify_clean(&app).await;
    }

    async fn a_dry_run_predicts_the_order_and_writes_nothing(app) {
        let admin = app.tenant_admin("acme").await;
        let shop = shop(&app, &admin).await;
        let (m, card) = member(&admin, "13812345678").await;
        let reader = app.key_with(&admin, &["orders:read"]).await;
        let r = reader.post("/api/v1/orders/simulate", &offline_order("sim", &card)).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!((r.body["total_points"].as_i64(), r.body["earnings"].as_array().unwrap().len()), (Some(1504), 6));
        assert_eq!(r.body["upgrade_tier_id"], shop.gold_tier_id.as_str());
        assert_eq!(r.body["current_tier_id"], shop.club.base_tier_id.as_str());
        assert_eq!(admin.get("/api/v1/orders").await.body["total"], 0);
        assert_eq!(accounts(&admin, &m, &shop).await.0, (0, 0));
        // The real order does what the dry run said.
        let real = admin.post("/api/v1/orders", &offline_order("sim", &card)).await;
        assert_eq!((real.body["order"]["points_change"].as_i64(), real.body["tier_change"]["tier_id"].as_str()), (Some(1504), Some(shop.gold_tier_id.as_str())));
    }

    async fn behaviour_points_award_deduct_and_can_upgrade(app) {
        let admin = app.tenant_admin("acme").await;
        let shop = shop(&app, &admin).await;
        let (m, _) = member(&admin, "13812345678").await;
        let key = app.key_with(&admin, &["points:earn"]).await;
        let path = format!("/api/v1/members/{m}/behavior-points");
        let g = shop.club.points_group_id.as_str();
        let r = key.post(&path, &json!({"point_group": g, "points": 400, "behavior": "check_in", "counts_for_upgrade": true})).await;
        assert_eq!(r.status, 201, "{}", r.text);
        assert_eq!((r.body["record"]["operation"].as_str(), r.body["account"]["available"].as_i64()), (Some("behavior_increase"), Some(400)));
        // §7.7 C: 400 points → silver.
        let silver = r.body["tier_change"]["tier_id"].as_str().unwrap().to_string();
        assert_ne!(silver, shop.club.base_tier_id);
        let r = key.post(&path, &json!({"point_group": g, "points": -500, "behavior": "review_removed"})).await;
        assert_eq!((r.status, r.code()), (409, "insufficient_points"));
        let r = key.post(&path, &json!({"point_group": g, "points": -100, "behavior": "review_removed"})).await;
        assert_eq!((r.status, r.body["account"]["available"].as_i64(), r.body["record"]["operation"].as_str()), (201, Some(300), Some("behavior_decrease")));
        let r = key.post(&path, &json!({"point_group": g, "points": 10, "behavior": " "})).await;
        assert_eq!((r.status, r.code()), (422, "too_short"));
        let reader = app.key_with(&admin, &["orders:read"]).await;
        assert_eq!(reader.post(&path, &json!({"point_group": g, "points": 1, "behavior": "x"})).await.status, 403);
        let other = app.tenant_admin("globex").await;
        assert_eq!(other.post(&path, &json!({"point_group": g, "points": 1, "behavior": "x"})).await.status, 404);
        let detail = accounts(&admin, &m, &shop).await.2;
        assert_eq!((active_tier(&detail), detail["member"]["retention_points"].as_i64()), (silver, Some(400)));
        verify_clean(&app).await;
    }

    async fn the_console_lists_orders_and_shows_what_each_line_earned(app) {
        let admin = app.tenant_admin("acme").await;
        let _shop = shop(&app, &admin).await;
        let (_, card) = member(&admin, "13812345678").await;
        let r = admin.post("/api/v1/orders", &offline_order("o-41", &card)).await;
        let id = r.body["order"]["id"].as_str().unwrap().to_string();
        let refund = json!({"direction": "refund", "channel": "pos", "external_no": "o-42", "original_order_no": "o-41",
            "store": "POS001", "ordered_at": "2026-11-24T10:00:00+08:00", "lines": [{"product_code": "CN01836", "quantity": 1}]});
        assert_eq!(admin.post("/api/v1/orders", &refund).await.status, 201);
        let page = admin.get("/console/orders").await;
        assert_eq!(page.status, 200, "{}", page.text);
        assert!(page.text.contains(r#"data-test="order-row-o-41""#) && page.text.contains(r#"data-test="order-row-o-42""#), "{}", page.text);
        let page = admin.get("/console/orders?direction=refund").await;
        assert!(!page.text.contains(r#"data-test="order-row-o-41""#) && page.text.contains(r#"data-test="order-row-o-42""#));
        let page = admin.get("/console/orders?from=2026-11-24").await;
        assert!(!page.text.contains(r#"data-test="order-row-o-41""#));
        let page = admin.get("/console/orders?from=yesterday").await;
        assert!(page.text.contains(r#"data-test="error-from""#));
        let detail = admin.get(&format!("/console/orders/{id}")).await;
        assert_eq!(detail.status, 200, "{}", detail.text);
        assert!(detail.text.contains(r#"data-test="line-1""#) && detail.text.contains("+500 +2"), "{}", detail.text);
        assert!(detail.text.contains(r#"data-test="refunds-table""#));
        assert_eq!(admin.get("/console/orders/nope").await.status, 404);
    }

    async fn the_demo_has_a_year_of_orders_with_refunds_and_every_tier(app) {
        let pii = patron_app::pii::Pii::new(patron_testkit::TEST_PII_KEY);
        let demo = patron_app::bootstrap::seed_demo(&app.store, &pii, app.clock_now(), 60).await.unwrap();
        let mut admin = Client::new(&app.base);
        admin.login(demo.tenant_code, demo.admin_login, &format!("{}-admin", demo.password)).await;
        let all = admin.get("/api/v1/orders?limit=1").await.body;
        let refunds = admin.get("/api/v1/orders?direction=refund&limit=1").await.body;
        assert!(all["total"].as_u64().unwrap() > 200, "{}", all);
        assert!(refunds["total"].as_u64().unwrap() > 5, "{}", refunds);
        verify_clean(&app).await;
        // Members reached silver, gold and platinum (ranks 2, 3, 4) through their orders.
        let t = app.store.reader().await.unwrap().tenant_by_code("demo").await.unwrap().unwrap().id;
        let mut r = app.store.reader().await.unwrap();
        let program = r.program_refs(t, "member-club").await.unwrap().unwrap();
        let pid = patron_domain::ids::ProgramId::parse(&program.program_id).unwrap();
        let tiers = r.tiers_of(t, pid).await.unwrap();
        let mut reached = std::collections::BTreeSet::new();
        for card in 1..=60 {
            let m = r.member_by_card(t, &format!("{}", 1_000_000_000 + card)).await.unwrap();
            if let Some(m) = m {
                let active = r.active_tier_record(t, m.id).await.unwrap().unwrap();
                reached.insert(tiers.iter().find(|x| x.id.to_string() == active.tier_id).unwrap().rank);
            }
        }
        assert_eq!(reached.into_iter().collect::<Vec<_>>(), vec![1, 2, 3, 4]);
    }
}

mod races {
    use super::*;

    both_databases! {
        async fn a_refund_racing_a_redemption_of_its_points_leaves_debt_or_a_refusal(app) {
            let admin = app.tenant_admin("acme").await;
            let shop = shop(&app, &admin).await;
            let g = shop.club.points_group_id.clone();
            let (mut redeemed_first, mut refunded_first) = (0, 0);
            for i in 0..10 {
                // A member holding exactly the 800 points (and 1 growth point) of one order.
                let (m, card) = member(&admin, &format!("139000000{i:02}")).await;
                let no = format!("race-{i}");
                let mut order = offline_order(&no, &card);
                order["lines"] = json!([{"product_code": "CN01836", "quantity": 1, "net_amount": "800.00"}]);
                let r = admin.post("/api/v1/orders", &order).await;
                assert_eq!(r.status, 201, "{}", r.text);
                assert_eq!(accounts(&admin, &m, &shop).await.0, (800, 800));

                // The whole order refunded while all 800 points are redeemed, at the same time.
                let refund = json!({"direction": "refund", "channel": "pos", "external_no": format!("{no}-r"),
                    "original_order_no": no, "store": "POS001", "ordered_at": "2026-11-24T10:00:00+08:00", "lines": []});
                let redemption = json!({"point_group": g, "points": 800, "gift": "保温杯"});
                let (a, b, path) = (admin.clone(), admin.clone(), format!("/api/v1/members/{m}/redemptions"));
                let (refunded, redeemed) = tokio::join!(
                    tokio::spawn(async move { a.post("/api/v1/orders", &refund).await }),
                    tokio::spawn(async move { b.post(&path, &redemption).await }),
                );
                let (refunded, redeemed) = (refunded.unwrap(), redeemed.unwrap());
                // The refund always goes through and reverses exactly what the order earned.
                assert_eq!(refunded.status, 201, "{}", refunded.text);
                assert_eq!(refunded.body["order"]["points_change"], -801);
                let debt: i64 = refunded.body["point_records"].as_array().unwrap().iter()
                    .map(|x| x["debt"].as_i64().unwrap()).sum();
                let (points, growth, detail) = accounts(&admin, &m, &shop).await;
                assert_eq!(growth, (0, 0));
                match redeemed.status {
                    // Redeemed first: the reversal found nothing left and owes all 800.
                    201 => {
                        redeemed_first += 1;
                        assert_eq!(redeemed.body["records"][0]["change"], -800);
                        assert_eq!((debt, points), (800, (0, -800)), "{}", refunded.text);
                    }
                    // Refunded first: nothing was left to redeem, and nothing is owed.
                    409 => {
                        refunded_first += 1;
                        assert_eq!(redeemed.code(), "insufficient_points", "{}", redeemed.text);
                        assert_eq!((debt, points), (0, (0, 0)), "{}", refunded.text);
                    }
                    other => panic!("{other}: {}", redeemed.text),
                }
                // The records say the same as the account.
                let page = admin.get(&format!("/api/v1/members/{m}/point-records?limit=50")).await.body;
                let of_points = |r: &&Value| r["point_group_id"] == g.as_str();
                let records: Vec<&Value> = page["items"].as_array().unwrap().iter().filter(of_points).collect();
                assert_eq!(records.iter().map(|r| r["change"].as_i64().unwrap()).sum::<i64>(), points.1);
                assert_eq!(records.iter().map(|r| r["debt"].as_i64().unwrap()).sum::<i64>(), debt);
                assert_eq!(records.iter().filter_map(|r| r["remaining"].as_i64()).sum::<i64>() - debt, points.1);
                active_tier(&detail);
            }
            assert_eq!(redeemed_first + refunded_first, 10);
            verify_clean(&app).await;
        }
    }
}
