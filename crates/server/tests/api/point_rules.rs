//! Base point rules through the API, on both databases: creation as a draft or enabled, every
//! refusal with its exact code and field, replacement, enabling and disabling, the description
//! in both languages, the audit trail, tenant isolation and permissions.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patron_testkit::both_databases;
use patron_testkit::fixtures::{member_club, MemberClub};
use patron_testkit::Client;
use serde_json::{json, Value};

/// The club plus a cost center, stores, products, categories and payment methods.
async fn setup(admin: &Client) -> (MemberClub, String) {
    let club = member_club(admin).await;
    let r = admin
        .post(
            &format!("/api/v1/programs/{}/cost-centers", club.program_id),
            &json!({"code": "marketing", "name": "营销成本中心"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let cost_center = r.body["id"].as_str().unwrap().to_string();
    let r = admin
        .put(
            "/api/v1/stores",
            &json!({"items": [
                {"code": "WX01", "name": "微信商城", "kind": "virtual", "channel": "wechat_mall"},
                {"code": "TM01", "name": "天猫旗舰店", "kind": "virtual", "channel": "tmall"},
            ]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = admin
        .put(
            "/api/v1/categories",
            &json!({"items": [{"code": "C01", "name": "冰淇淋", "level": 1}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = admin
        .put(
            "/api/v1/products",
            &json!({"items": [{"code": "SKU1", "name": "香草甜筒", "category_code": "C01"}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = admin
        .put(
            "/api/v1/payment-methods",
            &json!({"items": [
                {"code": "WXPAY", "name": "微信支付", "earns_points": true},
                {"code": "VOUCHER", "name": "代金券", "earns_points": false},
            ]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    (club, cost_center)
}

fn online_rule(club: &MemberClub, cost_center: &str) -> Value {
    json!({
        "program_id": club.program_id, "name": "线上门店1元积1分",
        "point_group_id": club.points_group_id, "cost_center_id": cost_center,
        "award": "amount", "rate": "1", "counts_for_upgrade": true,
        "validity_type": "fixed_period", "validity_days": 365,
        "store_codes": ["WX01", "TM01"],
    })
}

fn with(mut body: Value, field: &str, value: Value) -> Value {
    body[field] = value;
    body
}

both_databases! {
    async fn a_rule_is_created_described_listed_and_read(app) {
        let admin = app.tenant_admin("acme").await;
        let (club, cc) = setup(&admin).await;
        let r = admin.post("/api/v1/point-rules", &online_rule(&club, &cc)).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let rule = &r.body;
        assert_eq!((rule["status"].as_str(), rule["award"].as_str(), rule["rate"].as_str()), (Some("draft"), Some("amount"), Some("1")));
        assert_eq!(rule["store_codes"], json!(["WX01", "TM01"]));
        assert_eq!(rule["cost_center_id"], cc.as_str());
        assert_eq!(rule["description"]["en"], "1 point per ¥1 at stores WX01, TM01, counts for upgrade, expires 365 days after earning");
        assert_eq!(rule["description"]["zh"], "每消费 ¥1 积 1 分（适用门店 WX01、TM01），计入升级，获得后 365 天过期");
        let id = rule["id"].as_str().unwrap();
        let read = admin.get(&format!("/api/v1/point-rules/{id}")).await;
        assert_eq!((read.status, &read.body), (200, rule));

        // A quantity rule, enabled at once, with tiers named in its description.
        let tiers = admin.get(&format!("/api/v1/programs/{}/tiers", club.program_id)).await.body;
        let silver = tiers["items"].as_array().unwrap().iter().find(|t| t["code"] == "silver").unwrap()["id"].clone();
        let growth = json!({
            "program_id": club.program_id, "name": "线下门店1个数量积1成长值", "status": "enabled",
            "point_group_id": club.growth_group_id, "cost_center_id": cc, "award": "quantity", "rate": "0.5",
            "validity_type": "fixed_date", "validity_years": 1, "validity_month": 12, "validity_day": 31,
            "tier_ids": [silver], "product_codes": ["SKU1"], "category_codes": ["C01"], "payment_method_codes": ["WXPAY"],
        });
        let r = admin.post("/api/v1/point-rules", &growth).await;
        assert_eq!(r.status, 201, "{}", r.text);
        assert_eq!(r.body["status"], "enabled");
        assert_eq!(r.body["description"]["en"], "0.5 points per unit (2 units = 1 point) for products SKU1 in categories C01 paid by WXPAY for tiers 银卡会员, does not count for upgrade, expires on Dec 31 of the year after earning");
        assert_eq!(r.body["description"]["zh"], "每购买 1 件积 0.5 分，即 2 件积 1 分（适用商品 SKU1；适用品类 C01；适用支付方式 WXPAY；适用等级 银卡会员），不计入升级，获得后第 1 年的 12 月 31 日过期");

        let all = admin.get("/api/v1/point-rules").await.body;
        assert_eq!(all["total"], 2);
        assert_eq!(all["items"][0]["name"], "线下门店1个数量积1成长值", "newest first");
        let drafts = admin.get("/api/v1/point-rules?status=draft").await.body;
        assert_eq!((drafts["total"].as_i64(), drafts["items"][0]["id"].as_str()), (Some(1), Some(id)));
        let found = admin.get("/api/v1/point-rules?search=%E7%BA%BF%E4%B8%8A").await.body; // 线上
        assert_eq!(found["total"], 1);
        let r = admin.get("/api/v1/point-rules?status=paused").await;
        assert_eq!((r.status, r.code()), (422, "invalid_status"));
    }

    async fn bad_input_is_refused_with_its_code_and_field(app) {
        let admin = app.tenant_admin("acme").await;
        let (club, cc) = setup(&admin).await;
        let base = online_rule(&club, &cc);
        let other = admin.post("/api/v1/programs", &json!({"code": "other", "name": "Other"})).await.body["id"].as_str().unwrap().to_string();
        let foreign_group = admin.post(&format!("/api/v1/programs/{other}/point-groups"), &json!({"code": "p", "name": "P"})).await.body["id"].clone();
        let foreign_cc = admin.post(&format!("/api/v1/programs/{other}/cost-centers"), &json!({"code": "c", "name": "C"})).await.body["id"].clone();
        let cases: Vec<(Value, u16, &str, &str)> = vec![
            (with(base.clone(), "rate", json!("0")), 422, "invalid_rate", "rate"),
            (with(base.clone(), "rate", json!("1.23456")), 422, "invalid_rate", "rate"),
            (with(base.clone(), "rate", json!("abc")), 422, "invalid_rate", "rate"),
            (with(base.clone(), "name", json!(" ")), 422, "too_short", "name"),
            (with(base.clone(), "name", json!("名".repeat(101))), 422, "too_long", "name"),
            (with(base.clone(), "award", json!("both")), 422, "invalid_award", "award"),
            (with(base.clone(), "validity_days", json!(0)), 422, "invalid_days", "validity_days"),
            (with(base.clone(), "validity_type", json!("forever")), 422, "invalid_validity_type", "validity_type"),
            (with(base.clone(), "store_codes", json!(["WX01", "NOPE"])), 422, "unknown_store", "store_codes"),
            (with(base.clone(), "product_codes", json!(["SKU404"])), 422, "unknown_product", "product_codes"),
            (with(base.clone(), "category_codes", json!(["C99"])), 422, "unknown_category", "category_codes"),
            (with(base.clone(), "payment_method_codes", json!(["ALIPAY"])), 422, "unknown_payment_method", "payment_method_codes"),
            (with(base.clone(), "payment_method_codes", json!(["WXPAY", "VOUCHER"])), 422, "payment_method_not_earning", "payment_method_codes"),
            (with(base.clone(), "tier_ids", json!([club.base_tier_id, "01a20000-0000-7000-8000-000000000000"])), 422, "unknown_tier", "tier_ids"),
            (with(base.clone(), "point_group_id", foreign_group), 422, "unknown_point_group", "point_group_id"),
            (with(base.clone(), "cost_center_id", foreign_cc), 422, "unknown_cost_center", "cost_center_id"),
            (with(base.clone(), "cost_center_id", json!("")), 422, "too_short", "cost_center_id"),
            (with(base.clone(), "program_id", json!("nope")), 422, "unknown_program", "program_id"),
            (with(base.clone(), "status", json!("disabled")), 422, "invalid_status", "status"),
        ];
        for (body, status, code, field) in cases {
            let r = admin.post("/api/v1/point-rules", &body).await;
            assert_eq!((r.status, r.code(), r.body["field"].as_str()), (status, code, Some(field)), "{body}: {}", r.text);
        }
        let r = admin.post("/api/v1/point-rules", &with(base.clone(), "colour", json!("red"))).await;
        assert_eq!((r.status, r.code()), (400, "invalid_json"), "{}", r.text);
        assert_eq!(admin.get("/api/v1/point-rules").await.body["total"], 0, "nothing refused was saved");

        // Names are unique in a program, not across programs.
        assert_eq!(admin.post("/api/v1/point-rules", &base).await.status, 201);
        let r = admin.post("/api/v1/point-rules", &base).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (409, "point_rule_name_taken", Some("name")));
        let elsewhere = json!({
            "program_id": other, "name": "线上门店1元积1分", "point_group_id": admin.get(&format!("/api/v1/programs/{other}/point-groups")).await.body["items"][0]["id"],
            "cost_center_id": admin.get(&format!("/api/v1/programs/{other}/cost-centers")).await.body["items"][0]["id"],
            "award": "amount", "rate": "2", "validity_type": "fixed_period", "validity_days": 30,
        });
        let r = admin.post("/api/v1/point-rules", &elsewhere).await;
        assert_eq!(r.status, 201, "{}", r.text);
    }

    async fn rules_are_replaced_enabled_and_disabled_and_every_change_is_audited(app) {
        let admin = app.tenant_admin("acme").await;
        let (club, cc) = setup(&admin).await;
        let created = admin.post("/api/v1/point-rules", &online_rule(&club, &cc)).await.body;
        let id = created["id"].as_str().unwrap();
        let path = format!("/api/v1/point-rules/{id}");

        let mut fields = online_rule(&club, &cc);
        fields.as_object_mut().unwrap().remove("program_id");
        fields["rate"] = json!("0.1");
        fields["store_codes"] = json!(["TM01"]);
        let r = admin.put(&path, &fields).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!((r.body["rate"].as_str(), r.body["status"].as_str()), (Some("0.1"), Some("draft")));
        assert_eq!(r.body["description"]["en"], "0.1 points per ¥1 (¥10 = 1 point) at stores TM01, counts for upgrade, expires 365 days after earning");
        assert_eq!(r.body["description"]["zh"], "每消费 ¥1 积 0.1 分，即 ¥10 积 1 分（适用门店 TM01），计入升级，获得后 365 天过期");
        let r = admin.put(&path, &with(fields.clone(), "rate", json!("1.23456"))).await;
        assert_eq!((r.status, r.code()), (422, "invalid_rate"));
        // The same fields again change nothing and log nothing.
        assert_eq!(admin.put(&path, &fields).await.status, 200);

        let r = admin.post(&format!("{path}/enable"), &json!({})).await;
        assert_eq!((r.status, r.body["status"].as_str()), (200, Some("enabled")), "{}", r.text);
        assert_eq!(admin.post(&format!("{path}/enable"), &json!({})).await.body["status"], "enabled");
        let r = admin.post(&format!("{path}/disable"), &json!({})).await;
        assert_eq!((r.status, r.body["status"].as_str()), (200, Some("disabled")));
        let enabled = admin.get("/api/v1/point-rules?status=enabled").await.body;
        assert_eq!(enabled["total"], 0);

        let log = admin.get(&format!("/api/v1/audit?object_id={id}")).await.body;
        let actions: Vec<&str> = log["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions, vec!["point_rule.disable", "point_rule.enable", "point_rule.update", "point_rule.create"]);
        let update = &log["items"][2];
        assert_eq!((update["before"]["rate"].as_str(), update["after"]["rate"].as_str()), (Some("1"), Some("0.1")));
        assert_eq!(update["after"]["store_codes"], json!(["TM01"]));
        assert_eq!((log["items"][0]["before"]["status"].as_str(), log["items"][0]["after"]["status"].as_str()), (Some("enabled"), Some("disabled")));
        assert_eq!(log["items"][3]["object_type"], "point_rule");

        for p in [path.clone(), format!("{path}/enable")] {
            let missing = p.replace(id, "01a20000-0000-7000-8000-000000000000");
            let r = if p.ends_with("enable") { admin.post(&missing, &json!({})).await } else { admin.get(&missing).await };
            assert_eq!((r.status, r.code()), (404, "not_found"));
        }
    }

    async fn another_tenant_sees_nothing_and_permissions_are_checked(app) {
        let admin = app.tenant_admin("acme").await;
        let (club, cc) = setup(&admin).await;
        let id = admin.post("/api/v1/point-rules", &online_rule(&club, &cc)).await.body["id"].as_str().unwrap().to_string();
        let path = format!("/api/v1/point-rules/{id}");

        let rival = app.tenant_admin("rival").await;
        assert_eq!(rival.get("/api/v1/point-rules").await.body["total"], 0);
        assert_eq!(rival.get(&path).await.status, 404);
        assert_eq!(rival.post(&format!("{path}/enable"), &json!({})).await.status, 404);
        let mut fields = online_rule(&club, &cc);
        fields.as_object_mut().unwrap().remove("program_id");
        assert_eq!(rival.put(&path, &fields).await.status, 404);
        // Another tenant's program is no program.
        let r = rival.post("/api/v1/point-rules", &online_rule(&club, &cc)).await;
        assert_eq!((r.status, r.code()), (422, "unknown_program"));
        assert_eq!(admin.get(&path).await.body["status"], "draft", "untouched");

        let reader = app.key_with(&admin, &["loyalty:read"]).await;
        assert_eq!(reader.get(&path).await.status, 200);
        assert_eq!(reader.get("/api/v1/point-rules").await.body["total"], 1);
        let r = reader.post(&format!("{path}/disable"), &json!({})).await;
        assert_eq!((r.status, r.code(), r.body["permission"].as_str()), (403, "missing_permission", Some("loyalty:manage")));
        let r = reader.post("/api/v1/point-rules", &online_rule(&club, &cc)).await;
        assert_eq!((r.status, r.body["permission"].as_str()), (403, Some("loyalty:manage")));
        let r = reader.put(&path, &fields).await;
        assert_eq!((r.status, r.body["permission"].as_str()), (403, Some("loyalty:manage")));
        let nobody = app.key_with(&admin, &["points:read"]).await;
        let r = nobody.get("/api/v1/point-rules").await;
        assert_eq!((r.status, r.body["permission"].as_str()), (403, Some("loyalty:read")));
    }
}
