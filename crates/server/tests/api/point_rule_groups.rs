//! Point rules scoped by a store group and a product group, on both databases: what orders earn
//! inside and outside the groups (worked out by hand below), a group joining listed codes, the
//! description naming the groups, every refusal of a group with its code, the deletion guard,
//! the simulation of a group-scoped draft, and another tenant's group.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patron_testkit::fixtures::{member_club, MemberClub};
use patron_testkit::{both_databases, Client, Reply, TestApp};
use serde_json::{json, Value};

const DAY_MS: i64 = 86_400_000;

struct Setup {
    club: MemberClub,
    cost_center: String,
    /// Enabled store group 线上门店: WX01, TM01.
    online: String,
    /// Enabled product group 冰淇淋商品组: SKU1.
    ice_cream: String,
}

fn ok(r: Reply, status: u16) -> Value {
    assert_eq!(r.status, status, "{}", r.text);
    r.body
}

/// A group of `kind` ("store-groups" or "product-groups") with `codes`, enabled or not.
async fn group(admin: &Client, kind: &str, name: &str, codes: &[&str], enable: bool) -> String {
    let base = format!("/api/v1/{kind}");
    let g = ok(
        admin
            .post(
                &base,
                &json!({"name": name, "description": format!("{name}（测试）")}),
            )
            .await,
        201,
    );
    let id = g["id"].as_str().unwrap().to_string();
    let added = ok(
        admin
            .post(&format!("{base}/{id}/members"), &json!({"codes": codes}))
            .await,
        200,
    );
    assert_eq!(added["added"].as_array().unwrap().len(), codes.len());
    if enable {
        ok(
            admin.post(&format!("{base}/{id}/enable"), &json!({})).await,
            200,
        );
    }
    id
}

/// The club (stores POS001, WXMINI001) plus the virtual stores WX01 and TM01, the ice cream SKU1
/// and the bag SKU2, the earning method WXPAY, a cost center and the two enabled groups.
async fn setup(admin: &Client) -> Setup {
    let club = member_club(admin).await;
    let cc = ok(
        admin
            .post(
                &format!("/api/v1/programs/{}/cost-centers", club.program_id),
                &json!({"code": "marketing", "name": "营销成本中心"}),
            )
            .await,
        201,
    );
    let stores = json!({"items": [
        {"code": "WX01", "name": "微信商城", "kind": "virtual", "channel": "wechat_mall"},
        {"code": "TM01", "name": "天猫旗舰店", "kind": "virtual", "channel": "tmall"},
    ]});
    ok(admin.put("/api/v1/stores", &stores).await, 200);
    let products = json!({"items": [
        {"code": "SKU1", "name": "香草甜筒"},
        {"code": "SKU2", "name": "环保袋"},
    ]});
    ok(admin.put("/api/v1/products", &products).await, 200);
    let methods = json!({"items": [{"code": "WXPAY", "name": "微信支付", "earns_points": true}]});
    ok(admin.put("/api/v1/payment-methods", &methods).await, 200);
    let online = group(admin, "store-groups", "线上门店", &["WX01", "TM01"], true).await;
    let ice_cream = group(admin, "product-groups", "冰淇淋商品组", &["SKU1"], true).await;
    Setup {
        club,
        cost_center: cc["id"].as_str().unwrap().to_string(),
        online,
        ice_cream,
    }
}

fn rule(s: &Setup, name: &str, group: &str, award: &str, rate: &str) -> Value {
    json!({
        "program_id": s.club.program_id, "name": name, "status": "enabled",
        "point_group_id": group, "cost_center_id": s.cost_center,
        "award": award, "rate": rate, "counts_for_upgrade": false,
        "validity_type": "fixed_period", "validity_days": 365,
    })
}

/// 线上门店1元积1分 (points, ¥1 → 1, the online stores) and 冰淇淋1元2成长值 (growth, ¥1 → 2, the
/// ice cream).
async fn group_rules(admin: &Client, s: &Setup) -> (String, String) {
    let mut online = rule(
        s,
        "线上门店1元积1分",
        &s.club.points_group_id,
        "amount",
        "1",
    );
    online["store_group_id"] = json!(s.online);
    let online = ok(admin.post("/api/v1/point-rules", &online).await, 201);
    let mut ice = rule(
        s,
        "冰淇淋1元2成长值",
        &s.club.growth_group_id,
        "amount",
        "2",
    );
    ice["product_group_id"] = json!(s.ice_cream);
    let ice = ok(admin.post("/api/v1/point-rules", &ice).await, 201);
    (
        online["id"].as_str().unwrap().to_string(),
        ice["id"].as_str().unwrap().to_string(),
    )
}

async fn member(admin: &Client) -> (String, String) {
    let r = admin
        .post(
            "/api/v1/members",
            &json!({"program": "club", "channel": "pos", "phone": "13812345678"}),
        )
        .await;
    let m = ok(r, 201);
    (
        m["member"]["id"].as_str().unwrap().to_string(),
        m["member"]["card_no"].as_str().unwrap().to_string(),
    )
}

/// One ice cream for ¥25.00 and two bags for ¥40.00, paid ¥65.00 by WXPAY.
fn order(no: &str, card: &str, store: &str, ordered_at: &str) -> Value {
    json!({
        "channel": "pos", "external_no": no, "store": store, "member": {"card_no": card},
        "ordered_at": ordered_at,
        "lines": [
            {"product_code": "SKU1", "quantity": 1, "net_amount": "25.00"},
            {"product_code": "SKU2", "quantity": 2, "net_amount": "40.00"},
        ],
        "payments": [{"method": "WXPAY", "amount": "65.00"}],
    })
}

fn at(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap()
        .to_rfc3339()
}

/// (points, growth) accumulated by the member.
async fn accumulated(admin: &Client, s: &Setup, member: &str) -> (i64, i64) {
    let m = admin.get(&format!("/api/v1/members/{member}")).await.body;
    let of = |g: &str| {
        m["point_accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["point_group_id"] == g)
            .unwrap()["accumulated"]
            .as_i64()
            .unwrap()
    };
    (of(&s.club.points_group_id), of(&s.club.growth_group_id))
}

async fn verify_clean(app: &TestApp) {
    assert!(patron_app::points::verify::run(&app.store)
        .await
        .unwrap()
        .is_empty());
}

both_databases! {
    async fn orders_earn_under_group_scoped_rules_only_inside_the_groups(app) {
        let admin = app.tenant_admin("acme").await;
        let s = setup(&admin).await;
        let (online_rule, _) = group_rules(&admin, &s).await;
        let (member, card) = member(&admin).await;
        let when = at(app.clock_now() - DAY_MS);

        // At WX01 (in 线上门店): ¥25 + ¥40 → 25 + 40 = 65 points; the ice cream only → ¥25 × 2
        // = 50 growth.
        ok(admin.post("/api/v1/orders", &order("A", &card, "WX01", &when)).await, 201);
        assert_eq!(accumulated(&admin, &s, &member).await, (65, 50));
        // At POS001 (no group): no points; the ice cream still earns 50 growth.
        ok(admin.post("/api/v1/orders", &order("B", &card, "POS001", &when)).await, 201);
        assert_eq!(accumulated(&admin, &s, &member).await, (65, 100));

        // Listed stores join the group: with POS001 listed, POS001 earns 65 points too.
        let path = format!("/api/v1/point-rules/{online_rule}");
        let mut fields = admin.get(&path).await.body;
        for f in ["id", "program_id", "status", "description", "created_at", "updated_at"] {
            fields.as_object_mut().unwrap().remove(f);
        }
        fields["store_codes"] = json!(["POS001"]);
        ok(admin.put(&path, &fields).await, 200);
        ok(admin.post("/api/v1/orders", &order("C", &card, "POS001", &when)).await, 201);
        assert_eq!(accumulated(&admin, &s, &member).await, (130, 150));
        // TM01, in the group, still earns: 65 + 50.
        ok(admin.post("/api/v1/orders", &order("D", &card, "TM01", &when)).await, 201);
        assert_eq!(accumulated(&admin, &s, &member).await, (195, 200));
        verify_clean(&app).await;

        // The order's dry run agrees: at WXMINI001 (outside the group and the list) only growth.
        let r = admin.post("/api/v1/orders/simulate", &order("E", &card, "WXMINI001", &when)).await;
        let body = ok(r, 200);
        assert_eq!((body["total_points"].as_i64(), body["earnings"].as_array().unwrap().len()), (Some(50), 1), "{body}");
    }

    async fn a_rule_names_its_groups_and_refuses_groups_it_may_not_name(app) {
        let admin = app.tenant_admin("acme").await;
        let s = setup(&admin).await;
        let (online_rule, ice_rule) = group_rules(&admin, &s).await;
        let read = admin.get(&format!("/api/v1/point-rules/{online_rule}")).await.body;
        assert_eq!((read["store_group_id"].as_str(), read["product_group_id"].as_str()), (Some(s.online.as_str()), None));
        assert_eq!(read["description"]["en"], "1 point per ¥1 at stores of the group 线上门店, does not count for upgrade, expires 365 days after earning");
        assert_eq!(read["description"]["zh"], "每消费 ¥1 积 1 分（适用门店组 线上门店），不计入升级，获得后 365 天过期");
        let read = admin.get(&format!("/api/v1/point-rules/{ice_rule}")).await.body;
        assert_eq!(read["description"]["zh"], "每消费 ¥1 积 2 分（适用商品组 冰淇淋商品组），不计入升级，获得后 365 天过期");

        let open = group(&admin, "store-groups", "草稿门店组", &["POS001"], false).await;
        let other = app.tenant_admin("globex").await;
        ok(other.put("/api/v1/stores", &json!({"items": [{"code": "WX01", "name": "微信商城"}]})).await, 200);
        let foreign = group(&other, "store-groups", "线上门店", &["WX01"], true).await;
        let base = rule(&s, "新规则", &s.club.points_group_id, "amount", "1");
        let with = |field: &str, value: &str| {
            let mut b = base.clone();
            b[field] = json!(value);
            b
        };
        let cases = [
            (with("store_group_id", "01a20000-0000-7000-8000-000000000000"), "unknown_group", "store_group_id"),
            (with("store_group_id", &s.ice_cream), "unknown_group", "store_group_id"),
            (with("product_group_id", &s.online), "unknown_group", "product_group_id"),
            (with("store_group_id", &open), "group_not_enabled", "store_group_id"),
            (with("store_group_id", &foreign), "unknown_group", "store_group_id"),
            (with("store_group_id", &"x".repeat(65)), "too_long", "store_group_id"),
        ];
        for (body, code, field) in cases {
            let r = admin.post("/api/v1/point-rules", &body).await;
            assert_eq!((r.status, r.code(), r.body["field"].as_str()), (422, code, Some(field)), "{body}: {}", r.text);
        }
        assert_eq!(admin.get("/api/v1/point-rules").await.body["total"], 2, "nothing refused was saved");
        // A blank group is no group.
        let r = admin.post("/api/v1/point-rules", &with("store_group_id", " ")).await;
        assert_eq!(ok(r, 201)["store_group_id"], Value::Null);

        // A group a point rule names cannot be deleted, even once the rule is disabled; when no
        // rule names it any more, it can.
        let path = format!("/api/v1/store-groups/{}", s.online);
        let r = admin.delete(&path).await;
        assert_eq!((r.status, r.code()), (409, "group_in_use"), "{}", r.text);
        ok(admin.post(&format!("/api/v1/point-rules/{online_rule}/disable"), &json!({})).await, 200);
        assert_eq!(admin.delete(&path).await.code(), "group_in_use");
        let rule_path = format!("/api/v1/point-rules/{online_rule}");
        let mut fields = admin.get(&rule_path).await.body;
        for f in ["id", "program_id", "status", "description", "created_at", "updated_at"] {
            fields.as_object_mut().unwrap().remove(f);
        }
        fields["store_group_id"] = Value::Null;
        ok(admin.put(&rule_path, &fields).await, 200);
        assert_eq!(admin.delete(&path).await.status, 204);

        // The audit trail records the group a rule names.
        let log = admin.get(&format!("/api/v1/audit?object_id={ice_rule}")).await.body;
        assert_eq!(log["items"][0]["after"]["product_group_id"], s.ice_cream.as_str());
    }

    async fn a_group_scoped_draft_is_simulated_over_past_orders(app) {
        let admin = app.tenant_admin("acme").await;
        let s = setup(&admin).await;
        let (member, card) = member(&admin).await;
        let mut all = rule(&s, "全渠道1元积1分", &s.club.points_group_id, "amount", "1");
        all["counts_for_upgrade"] = json!(true);
        ok(admin.post("/api/v1/point-rules", &all).await, 201);
        let now = app.clock_now();
        for (no, store, days) in [("A", "WX01", 1), ("B", "POS001", 2), ("C", "TM01", 40)] {
            let o = order(no, &card, store, &at(now - days * DAY_MS));
            ok(admin.post("/api/v1/orders", &o).await, 201);
        }
        assert_eq!(accumulated(&admin, &s, &member).await, (195, 0));
        // The draft: ice cream at the online stores, ¥1 → 3 points. In the last 30 days A fires
        // (¥25 × 3 = 75); B is at a shop; C is older than 30 days.
        let mut draft = rule(&s, "线上冰淇淋1元3分", &s.club.points_group_id, "amount", "3");
        draft["status"] = json!("draft");
        draft["store_group_id"] = json!(s.online);
        draft["product_group_id"] = json!(s.ice_cream);
        let id = ok(admin.post("/api/v1/point-rules", &draft).await, 201)["id"].as_str().unwrap().to_string();
        let r = admin.post(&format!("/api/v1/point-rules/{id}/simulate"), &json!({"days": 30})).await;
        let sim = ok(r, 200);
        let totals = &sim["totals"];
        assert_eq!((totals["orders"].as_i64(), totals["fired_orders"].as_i64()), (Some(2), Some(1)), "{sim}");
        assert_eq!((totals["draft_points"].as_i64(), totals["current_points"].as_i64()), (Some(75), Some(130)), "{sim}");
        let stores: Vec<(String, i64)> = sim["stores"].as_array().unwrap().iter()
            .map(|x| (x["code"].as_str().unwrap().to_string(), x["draft_points"].as_i64().unwrap()))
            .collect();
        assert_eq!(stores, [("POS001".to_string(), 0), ("WX01".to_string(), 75)]);
        // Nothing was written.
        assert_eq!(accumulated(&admin, &s, &member).await, (195, 0));
    }
}
