//! Store groups and product groups through the API, on both databases: building a group by
//! code (exact added, already-member and unknown lists), removing, enabling (an all-items group
//! takes exactly the stores of that moment), the frozen state, names unique per kind, every
//! refusal with its code, deletion and its guard, the audit trail, tenant isolation and
//! permissions.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patron_testkit::{both_databases, Client, TestApp};
use serde_json::{json, Value};

const STORES: &str = "/api/v1/store-groups";
const PRODUCTS: &str = "/api/v1/product-groups";
const FAKE_ID: &str = "01a20000-0000-7000-8000-000000000000";

/// Four stores (one closed, one virtual) and two products.
async fn setup(admin: &Client) {
    let r = admin
        .put(
            "/api/v1/stores",
            &json!({"items": [
                {"code": "CNSHA001", "name": "上海南京西路店"},
                {"code": "CNSHA002", "name": "上海淮海中路店"},
                {"code": "CNBJS001", "name": "北京三里屯店", "status": "closed"},
                {"code": "WX01", "name": "微信商城", "kind": "virtual", "channel": "wechat_mall"},
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
            &json!({"items": [
                {"code": "SKU1", "name": "香草甜筒", "category_code": "C01"},
                {"code": "SKU2", "name": "巧克力甜筒", "category_code": "C01"},
            ]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

async fn create(c: &Client, base: &str, body: Value) -> String {
    let r = c.post(base, &body).await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["id"].as_str().unwrap().to_string()
}

fn codes(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect()
}

/// The codes of every member (or candidate) on the first page of `path`.
async fn listed(c: &Client, path: &str) -> Vec<String> {
    let body = c.get(path).await.body;
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["code"].as_str().unwrap().to_string())
        .collect()
}

async fn audit_actions(c: &Client, id: &str) -> Vec<String> {
    let log = c.get(&format!("/api/v1/audit?object_id={id}")).await.body;
    log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect()
}

/// A coupon rule naming `store_group` as its store scope. (Coupon rules have no API yet.)
async fn coupon_rule_naming(app: &TestApp, tenant_code: &str, store_group: &str) {
    app.execute_sql(&format!(
        "INSERT INTO coupon_rules (tenant_id, id, rule_no, name, coupon_type, program_id, cost_center_id, \
         cost_fen, total_stock, issued, public_claim, campaign_issue, instructions, validity_type, weekdays, \
         usable_from_s, usable_to_s, store_group_id, refund_returns, stackable, transferable, approval_status, \
         rule_status, created_by, created_at_ms, updated_at_ms) \
         SELECT id, 'rule-1', '2021060100001', '满100减20券', 'cash_off', 'p', 'c', 0, 100, 0, 1, 0, '', \
         'duration', 127, 0, 86399, '{store_group}', 0, 0, 0, 'approved', 'published', 'admin', 0, 0 \
         FROM tenants WHERE code = '{tenant_code}'"
    ))
    .await;
}

both_databases! {
    async fn a_store_group_is_built_by_code_enabled_and_then_frozen(app) {
        let admin = app.tenant_admin("acme").await;
        setup(&admin).await;
        let r = admin.post(STORES, &json!({"name": " 线下门店 ", "description": "全部实体门店"})).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let g = &r.body;
        assert_eq!((g["kind"].as_str(), g["name"].as_str(), g["description"].as_str()), (Some("store"), Some("线下门店"), Some("全部实体门店")));
        assert_eq!((g["all_items"].as_bool(), g["enabled"].as_bool(), g["condition_type"].as_str()), (Some(false), Some(false), Some("static")));
        assert_eq!((g["member_count"].as_u64(), g["enabled_at"].is_null()), (Some(0), true));
        let id = g["id"].as_str().unwrap().to_string();
        let path = format!("{STORES}/{id}");

        // Known codes are added, unknown ones reported; repeats and blanks are ignored.
        let r = admin.post(&format!("{path}/members"), &json!({"codes": ["CNSHA001", " CNSHA002 ", "NOPE01", "CNSHA001", "", "门店"]})).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(codes(&r.body["added"]), ["CNSHA001", "CNSHA002"]);
        assert_eq!(codes(&r.body["already_members"]), Vec::<String>::new());
        assert_eq!(codes(&r.body["unknown"]), ["NOPE01", "门店"]);
        // Adding members again changes nothing for them.
        let r = admin.post(&format!("{path}/members"), &json!({"codes": ["CNSHA002", "CNBJS001", "SKU1"]})).await;
        assert_eq!((codes(&r.body["added"]), codes(&r.body["already_members"]), codes(&r.body["unknown"])),
            (vec!["CNBJS001".to_string()], vec!["CNSHA002".to_string()], vec!["SKU1".to_string()]), "a product code is no store code");
        let r = admin.post(&format!("{path}/members"), &json!({"codes": ["CNSHA002"]})).await;
        assert_eq!((r.status, codes(&r.body["added"]), codes(&r.body["already_members"])), (200, vec![], vec!["CNSHA002".to_string()]));

        // Members by code, with names; searched by code or name; paged.
        let members = admin.get(&format!("{path}/members")).await.body;
        assert_eq!(members["total"], 3);
        assert_eq!(members["items"][0]["code"], "CNBJS001");
        assert_eq!(members["items"][0]["name"], "北京三里屯店");
        assert_eq!(listed(&admin, &format!("{path}/members")).await, ["CNBJS001", "CNSHA001", "CNSHA002"]);
        assert_eq!(listed(&admin, &format!("{path}/members?search=%E5%8D%97%E4%BA%AC")).await, ["CNSHA001"]); // 南京
        assert_eq!(listed(&admin, &format!("{path}/members?q=sha")).await, ["CNSHA001", "CNSHA002"]);
        let first = admin.get(&format!("{path}/members?limit=2")).await.body;
        assert_eq!((first["items"].as_array().unwrap().len(), first["total"].as_u64()), (2, Some(3)));
        let cursor = first["next_cursor"].as_str().unwrap();
        assert_eq!(listed(&admin, &format!("{path}/members?limit=2&after={cursor}")).await, ["CNSHA002"]);
        // The picker offers the others.
        assert_eq!(listed(&admin, &format!("{path}/candidates")).await, ["WX01"]);

        let r = admin.post(&format!("{path}/members/remove"), &json!({"codes": ["CNBJS001", "CNSHA009", "CNBJS001"]})).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!((codes(&r.body["removed"]), codes(&r.body["not_members"])), (vec!["CNBJS001".to_string()], vec!["CNSHA009".to_string()]));
        assert_eq!(admin.get(&path).await.body["member_count"], 2);
        let candidates = admin.get(&format!("{path}/candidates")).await.body;
        assert_eq!(candidates["total"], 2);
        assert_eq!((candidates["items"][0]["code"].as_str(), candidates["items"][0]["status"].as_str()), (Some("CNBJS001"), Some("closed")));
        assert!(candidates["items"][0].get("category_code").is_none());
        assert_eq!(listed(&admin, &format!("{path}/candidates?q=%E5%BE%AE%E4%BF%A1")).await, ["WX01"]); // 微信

        // Enabling freezes the members.
        let r = admin.post(&format!("{path}/enable"), &json!({})).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!((r.body["enabled"].as_bool(), r.body["member_count"].as_u64()), (Some(true), Some(2)));
        assert!(r.body["enabled_at"].is_string());
        let r = admin.post(&format!("{path}/enable"), &json!({})).await;
        assert_eq!((r.status, r.code()), (409, "group_enabled"));
        let r = admin.post(&format!("{path}/members/remove"), &json!({"codes": ["CNSHA001"]})).await;
        assert_eq!((r.status, r.code()), (409, "group_enabled"));
        let r = admin.post(&format!("{path}/members"), &json!({"codes": ["WX01"]})).await;
        assert_eq!((r.status, r.code()), (409, "group_enabled"));
        assert_eq!(listed(&admin, &format!("{path}/members")).await, ["CNSHA001", "CNSHA002"]);
        // Name and description stay editable; "all items" does not.
        let r = admin.patch(&path, &json!({"all_items": true})).await;
        assert_eq!((r.status, r.code()), (409, "group_enabled"));
        let r = admin.patch(&path, &json!({"name": "上海门店", "description": "上海的两家店", "all_items": false})).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!((r.body["name"].as_str(), r.body["enabled"].as_bool(), r.body["member_count"].as_u64()), (Some("上海门店"), Some(true), Some(2)));

        let list = admin.get(STORES).await.body;
        assert_eq!((list["total"].as_u64(), list["items"][0]["name"].as_str()), (Some(1), Some("上海门店")));
        assert!(list["items"][0].get("member_count").is_none());
        assert_eq!(admin.get(PRODUCTS).await.body["total"], 0, "a store group is no product group");

        // Every change is in the audit log, in order; repeats that changed nothing are not.
        assert_eq!(audit_actions(&admin, &id).await, [
            "store_group.update", "store_group.enable", "store_group.remove_members",
            "store_group.add_members", "store_group.add_members", "store_group.create",
        ]);
        let log = admin.get(&format!("/api/v1/audit?object_id={id}")).await.body;
        assert_eq!(log["items"][3]["after"]["added"], json!(["CNBJS001"]));
        assert_eq!(log["items"][4]["after"]["added"], json!(["CNSHA001", "CNSHA002"]));
        assert_eq!(log["items"][2]["after"]["removed"], json!(["CNBJS001"]));
        assert_eq!(log["items"][1]["after"]["member_count"], 2);
        assert_eq!(log["items"][0]["object_type"], "store_group");
        assert_eq!((log["items"][0]["before"]["name"].as_str(), log["items"][0]["after"]["name"].as_str()), (Some("线下门店"), Some("上海门店")));
    }

    async fn an_all_items_group_takes_exactly_the_stores_of_the_moment(app) {
        let admin = app.tenant_admin("acme").await;
        setup(&admin).await;
        // Another tenant's stores are not the tenant's.
        let rival = app.tenant_admin("rival").await;
        let r = rival.put("/api/v1/stores", &json!({"items": [{"code": "RIVAL01", "name": "对手门店"}]})).await;
        assert_eq!(r.status, 200, "{}", r.text);

        let id = create(&admin, STORES, json!({"name": "全部门店", "description": "所有门店", "all_items": true})).await;
        let path = format!("{STORES}/{id}");
        let r = admin.post(&format!("{path}/members"), &json!({"codes": ["CNSHA001"]})).await;
        assert_eq!((r.status, r.code()), (409, "group_all_items"));
        let r = admin.post(&format!("{path}/enable"), &json!({})).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!((r.body["all_items"].as_bool(), r.body["member_count"].as_u64()), (Some(true), Some(4)));
        assert_eq!(listed(&admin, &format!("{path}/members")).await, ["CNBJS001", "CNSHA001", "CNSHA002", "WX01"]);

        // A store created afterwards is not in the group.
        let r = admin.put("/api/v1/stores", &json!({"items": [{"code": "CNSZX001", "name": "深圳万象城店"}]})).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(admin.get(&path).await.body["member_count"], 4);
        assert_eq!(listed(&admin, &format!("{path}/members")).await, ["CNBJS001", "CNSHA001", "CNSHA002", "WX01"]);
        assert_eq!(admin.get(&format!("{path}/members?q=CNSZX")).await.body["total"], 0);
        let log = admin.get(&format!("/api/v1/audit?object_id={id}&action=store_group.enable")).await.body;
        assert_eq!((log["items"][0]["after"]["snapshot_added"].as_u64(), log["items"][0]["after"]["member_count"].as_u64()), (Some(4), Some(4)));

        // All items, switched on before enabling, then off again: a manual group, still empty.
        let other = create(&admin, STORES, json!({"name": "试点", "description": "试点门店"})).await;
        let r = admin.patch(&format!("{STORES}/{other}"), &json!({"all_items": true})).await;
        assert_eq!((r.status, r.body["all_items"].as_bool()), (200, Some(true)));
        let r = admin.patch(&format!("{STORES}/{other}"), &json!({"all_items": false})).await;
        assert_eq!((r.status, r.body["all_items"].as_bool()), (200, Some(false)));
        let r = admin.post(&format!("{STORES}/{other}/enable"), &json!({})).await;
        assert_eq!((r.status, r.code()), (409, "group_empty"));
        assert_eq!(admin.get(&format!("{STORES}/{other}")).await.body["enabled"], false, "nothing was enabled");
    }

    async fn product_groups_hold_product_codes_and_deletion_is_guarded(app) {
        let admin = app.tenant_admin("acme").await;
        setup(&admin).await;
        let id = create(&admin, PRODUCTS, json!({"name": "赠送积分商品组", "description": "赠送积分的商品"})).await;
        let path = format!("{PRODUCTS}/{id}");
        let r = admin.get(&path).await;
        assert_eq!((r.body["kind"].as_str(), r.body["member_count"].as_u64()), (Some("product"), Some(0)));
        let candidates = admin.get(&format!("{path}/candidates")).await.body;
        assert_eq!(candidates["items"][0], json!({"code": "SKU1", "name": "香草甜筒", "status": "active", "category_code": "C01"}));
        let r = admin.post(&format!("{path}/members"), &json!({"codes": ["SKU1", "CNSHA001"]})).await;
        assert_eq!((codes(&r.body["added"]), codes(&r.body["unknown"])), (vec!["SKU1".to_string()], vec!["CNSHA001".to_string()]));
        let members = admin.get(&format!("{path}/members")).await.body;
        assert_eq!((members["items"][0]["code"].as_str(), members["items"][0]["name"].as_str()), (Some("SKU1"), Some("香草甜筒")));
        assert_eq!(listed(&admin, &format!("{path}/candidates")).await, ["SKU2"]);
        // The other kind's routes do not know it.
        assert_eq!(admin.get(&format!("{STORES}/{id}")).await.status, 404);
        assert_eq!(admin.post(&format!("{STORES}/{id}/enable"), &json!({})).await.status, 404);
        assert_eq!(admin.delete(&format!("{STORES}/{id}")).await.status, 404);

        // A group a coupon rule names cannot be deleted.
        let used = create(&admin, STORES, json!({"name": "线上门店", "description": "线上渠道"})).await;
        coupon_rule_naming(&app, "acme", &used).await;
        let r = admin.delete(&format!("{STORES}/{used}")).await;
        assert_eq!((r.status, r.code()), (409, "group_in_use"));
        assert_eq!(admin.get(&format!("{STORES}/{used}")).await.status, 200);

        let r = admin.delete(&path).await;
        assert_eq!(r.status, 204, "{}", r.text);
        assert_eq!(admin.get(&path).await.status, 404);
        assert_eq!(admin.get(&format!("{path}/members")).await.status, 404);
        assert_eq!(admin.delete(&path).await.status, 404);
        assert_eq!(audit_actions(&admin, &id).await, ["product_group.delete", "product_group.add_members", "product_group.create"]);
        let log = admin.get(&format!("/api/v1/audit?object_id={id}&action=product_group.delete")).await.body;
        assert_eq!((log["items"][0]["before"]["name"].as_str(), log["items"][0]["before"]["member_count"].as_u64()), (Some("赠送积分商品组"), Some(1)));
        // A name is free again once its group is gone.
        create(&admin, PRODUCTS, json!({"name": "赠送积分商品组", "description": "再建"})).await;
    }

    async fn bad_input_is_refused_with_its_code_and_field(app) {
        let admin = app.tenant_admin("acme").await;
        setup(&admin).await;
        let r = admin.post(STORES, &json!({"name": "  ", "description": "x"})).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (422, "too_short", Some("name")));
        let r = admin.post(STORES, &json!({"name": "店".repeat(61), "description": "x"})).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (422, "too_long", Some("name")));
        let r = admin.post(STORES, &json!({"name": "线上门店", "description": ""})).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (422, "too_short", Some("description")));
        let r = admin.post(STORES, &json!({"name": "线上门店", "description": "x".repeat(201)})).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (422, "too_long", Some("description")));
        let r = admin.post(STORES, &json!({"name": "线上门店"})).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (400, "invalid_json", Some("description")));
        let r = admin.post(STORES, &json!({"name": "线上门店", "description": "x", "kind": "product"})).await;
        assert_eq!((r.status, r.body["field"].as_str()), (400, Some("kind")));
        assert_eq!(admin.get(STORES).await.body["total"], 0, "nothing was created");

        // Names are unique per kind: the same name is fine for a product group.
        let id = create(&admin, STORES, json!({"name": "线上门店", "description": "线上渠道"})).await;
        let r = admin.post(STORES, &json!({"name": "线上门店", "description": "again"})).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (409, "group_name_taken", Some("name")));
        create(&admin, PRODUCTS, json!({"name": "线上门店", "description": "同名商品组"})).await;
        let other = create(&admin, STORES, json!({"name": "线下门店", "description": "实体门店"})).await;
        let r = admin.patch(&format!("{STORES}/{other}"), &json!({"name": "线上门店"})).await;
        assert_eq!((r.status, r.code()), (409, "group_name_taken"));
        let r = admin.patch(&format!("{STORES}/{id}"), &json!({"name": "线上门店", "description": "线上渠道"})).await;
        assert_eq!(r.status, 200, "keeping its own name: {}", r.text);
        let r = admin.patch(&format!("{STORES}/{id}"), &json!({"description": " "})).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (422, "too_short", Some("description")));

        let path = format!("{STORES}/{id}");
        let r = admin.post(&format!("{path}/members"), &json!({"codes": []})).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (422, "codes_required", Some("codes")));
        let r = admin.post(&format!("{path}/members/remove"), &json!({"codes": [" ", ""]})).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (422, "codes_required", Some("codes")));
        let r = admin.post(&format!("{path}/members"), &json!({})).await;
        assert_eq!((r.status, r.body["field"].as_str()), (400, Some("codes")));
        let r = admin.post(&format!("{path}/enable"), &json!({})).await;
        assert_eq!((r.status, r.code()), (409, "group_empty"));
        let r = admin.get(&format!("{path}/members?after=!!!")).await;
        assert_eq!((r.status, r.code()), (422, "invalid_cursor"));

        for missing in [format!("{STORES}/{FAKE_ID}"), format!("{STORES}/not-an-id")] {
            assert_eq!(admin.get(&missing).await.code(), "not_found");
            assert_eq!(admin.patch(&missing, &json!({"name": "x"})).await.status, 404);
            assert_eq!(admin.post(&format!("{missing}/members"), &json!({"codes": ["CNSHA001"]})).await.status, 404);
            assert_eq!(admin.get(&format!("{missing}/candidates")).await.status, 404);
        }

        // The idempotency key replays a creation.
        let headers = [("idempotency-key", "create-1")];
        let body = json!({"name": "重放", "description": "一次"});
        let first = admin.send(reqwest::Method::POST, STORES, Some(&body), &headers).await;
        let again = admin.send(reqwest::Method::POST, STORES, Some(&body), &headers).await;
        assert_eq!((first.status, again.status, &first.body["id"]), (201, 201, &again.body["id"]));
        assert_eq!(again.headers["idempotent-replayed"], "true");
    }

    async fn another_tenant_sees_nothing_and_permissions_are_checked(app) {
        let admin = app.tenant_admin("acme").await;
        setup(&admin).await;
        let id = create(&admin, STORES, json!({"name": "线下门店", "description": "实体门店"})).await;
        let path = format!("{STORES}/{id}");
        admin.post(&format!("{path}/members"), &json!({"codes": ["CNSHA001"]})).await;

        let rival = app.tenant_admin("rival").await;
        let r = rival.put("/api/v1/stores", &json!({"items": [{"code": "CNSHA002", "name": "对手门店"}]})).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let key = app.key_with(&rival, &["groups:read", "groups:manage"]).await;
        assert_eq!(key.get(STORES).await.body["total"], 0);
        assert_eq!(key.get(&path).await.status, 404);
        assert_eq!(key.get(&format!("{path}/members")).await.status, 404);
        assert_eq!(key.get(&format!("{path}/candidates")).await.status, 404);
        assert_eq!(key.patch(&path, &json!({"name": "x"})).await.status, 404);
        assert_eq!(key.post(&format!("{path}/members"), &json!({"codes": ["CNSHA002"]})).await.status, 404);
        assert_eq!(key.post(&format!("{path}/members/remove"), &json!({"codes": ["CNSHA001"]})).await.status, 404);
        assert_eq!(key.post(&format!("{path}/enable"), &json!({})).await.status, 404);
        assert_eq!(key.delete(&path).await.status, 404);
        // The rival's own group cannot take the first tenant's stores.
        let theirs = create(&key, STORES, json!({"name": "线下门店", "description": "同名不冲突"})).await;
        let r = key.post(&format!("{STORES}/{theirs}/members"), &json!({"codes": ["CNSHA001", "CNSHA002"]})).await;
        assert_eq!((codes(&r.body["added"]), codes(&r.body["unknown"])), (vec!["CNSHA002".to_string()], vec!["CNSHA001".to_string()]));
        assert_eq!(listed(&key, &format!("{STORES}/{theirs}/candidates")).await, Vec::<String>::new());
        let members = admin.get(&format!("{path}/members")).await.body;
        assert_eq!((members["total"].as_u64(), admin.get(&path).await.body["name"].as_str()), (Some(1), Some("线下门店")), "untouched");

        let reader = app.key_with(&admin, &["groups:read"]).await;
        assert_eq!(reader.get(STORES).await.body["total"], 1);
        assert_eq!(reader.get(&format!("{path}/members")).await.body["total"], 1);
        for r in [
            reader.post(STORES, &json!({"name": "x", "description": "y"})).await,
            reader.patch(&path, &json!({"name": "x"})).await,
            reader.post(&format!("{path}/members"), &json!({"codes": ["CNSHA002"]})).await,
            reader.post(&format!("{path}/members/remove"), &json!({"codes": ["CNSHA001"]})).await,
            reader.post(&format!("{path}/enable"), &json!({})).await,
            reader.delete(&path).await,
        ] {
            assert_eq!((r.status, r.code(), r.body["permission"].as_str()), (403, "missing_permission", Some("groups:manage")));
        }
        let nobody = app.key_with(&admin, &["master_data:read"]).await;
        let r = nobody.get(PRODUCTS).await;
        assert_eq!((r.status, r.body["permission"].as_str()), (403, Some("groups:read")));
        assert_eq!(admin.get(&path).await.body["enabled"], false);
        assert_eq!(audit_actions(&admin, &id).await, ["store_group.add_members", "store_group.create"]);
    }

    async fn the_demo_tenant_has_enabled_groups_for_coupon_rules(app) {
        let pii = patron_app::pii::Pii::new(patron_testkit::TEST_PII_KEY);
        patron_app::bootstrap::seed_demo(&app.store, &pii, app.clock_now(), 20).await.unwrap();
        let mut admin = app.anonymous();
        admin.login("demo", "admin", "patron-demo-admin").await;
        let groups = admin.get(STORES).await.body;
        assert_eq!(groups["total"], 2);
        for g in groups["items"].as_array().unwrap() {
            assert_eq!((g["enabled"].as_bool(), g["all_items"].as_bool()), (Some(true), Some(false)), "{g}");
        }
        let id_of = |name: &str| groups["items"].as_array().unwrap().iter().find(|g| g["name"] == name).unwrap()["id"].as_str().unwrap().to_string();
        let online = format!("{STORES}/{}", id_of("线上门店"));
        assert_eq!(listed(&admin, &format!("{online}/members")).await, ["APP001", "JD001", "TMALL001", "WEB001", "WXMALL001", "WXMINI001"]);
        let offline = admin.get(&format!("{STORES}/{}", id_of("线下门店"))).await.body;
        assert_eq!(offline["member_count"], 20);
        let products = admin.get(PRODUCTS).await.body;
        assert_eq!((products["total"].as_u64(), products["items"][0]["name"].as_str()), (Some(1), Some("冰淇淋商品组")));
        let ice_cream = admin.get(&format!("{PRODUCTS}/{}", products["items"][0]["id"].as_str().unwrap())).await.body;
        assert_eq!((ice_cream["enabled"].as_bool(), ice_cream["member_count"].as_u64()), (Some(true), Some(80)));
    }
}
