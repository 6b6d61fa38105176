//! Master data through the API: bulk upserts by code (all or nothing, idempotent), the category
//! tree rules, reads with search and filters, the local edits, permissions and tenant isolation.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patron_testkit::{both_databases, Client, TestApp};
use serde_json::{json, Value};

fn counts(r: &patron_testkit::Reply) -> (u16, u64, u64, u64) {
    (
        r.status,
        r.body["created"].as_u64().unwrap_or(99),
        r.body["updated"].as_u64().unwrap_or(99),
        r.body["unchanged"].as_u64().unwrap_or(99),
    )
}

/// (index, field, code) of each fault of a refused batch.
fn faults(r: &patron_testkit::Reply) -> Vec<(u64, String, String)> {
    r.body["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors: {}", r.text))
        .iter()
        .map(|e| {
            (
                e["index"].as_u64().unwrap(),
                e["field"].as_str().unwrap().to_string(),
                e["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn codes(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap().to_string())
        .collect()
}

async fn tree(admin: &Client) {
    let r = admin
        .put(
            "/api/v1/categories",
            &json!({"items": [
                {"code": "C01", "name": "冰淇淋 Ice cream", "level": 1},
                {"code": "C0101", "name": "甜筒", "level": 2, "parent_code": "C01"},
                {"code": "C010101", "name": "经典甜筒", "level": 3, "parent_code": "C0101"},
                {"code": "C02", "name": "饮品 Drinks", "level": 1, "source": "ERP"},
            ]}),
        )
        .await;
    assert_eq!(counts(&r), (200, 4, 0, 0), "{}", r.text);
}

async fn operator_key(app: &TestApp, admin: &Client) -> Client {
    let roles = admin.get("/api/v1/roles?limit=100").await.body;
    let operator = roles["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "operator")
        .unwrap()["id"]
        .clone();
    let key = admin
        .post(
            "/api/v1/api-keys",
            &json!({"name": "pos sync", "role_id": operator}),
        )
        .await;
    assert_eq!(key.status, 201, "{}", key.text);
    Client::with_key(&app.base, key.body["token"].as_str().unwrap())
}

both_databases! {
    async fn products_are_created_updated_and_left_unchanged_by_code(app) {
        let admin = app.tenant_admin("acme").await;
        tree(&admin).await;
        let batch = json!({"items": [
            {"code": "SKU000001", "name": "香草经典甜筒", "brand": "悦冰", "category_code": "C010101", "price": "12.5"},
            {"code": "SKU000002", "name": "芒果雪芭雪泥77.5g球冰", "price": 9.9, "source": "POS"},
            {"code": "sku-low.case_3", "name": "冰淇淋123", "price": 0.01},
        ]});
        let r = admin.put("/api/v1/products", &batch).await;
        assert_eq!(counts(&r), (200, 3, 0, 0), "{}", r.text);
        let first = admin.get("/api/v1/products/SKU000001").await.body;
        assert_eq!((first["price"].as_str(), first["price_fen"].as_i64(), first["status"].as_str(), first["source"].as_str()),
            (Some("12.50"), Some(1250), Some("active"), Some("api")));
        let third = admin.get("/api/v1/products/sku-low.case_3").await.body;
        assert_eq!(third["price_fen"], 1);

        // The same batch again changes nothing, not even updated_at.
        app.clock.advance_ms(60_000);
        let r = admin.put("/api/v1/products", &batch).await;
        assert_eq!(counts(&r), (200, 0, 0, 3), "{}", r.text);
        assert_eq!(admin.get("/api/v1/products/SKU000001").await.body["updated_at"], first["updated_at"]);

        // One changed, one new, one identical.
        let r = admin.put("/api/v1/products", &json!({"items": [
            {"code": "SKU000001", "name": "香草经典甜筒", "brand": "悦冰", "category_code": "C010101", "price": "13.00"},
            {"code": "SKU000002", "name": "芒果雪芭雪泥77.5g球冰", "price": 9.9, "source": "POS"},
            {"code": "SKU000004", "name": "抹茶拿铁"},
        ]})).await;
        assert_eq!(counts(&r), (200, 1, 1, 1), "{}", r.text);
        let after = admin.get("/api/v1/products/SKU000001").await.body;
        assert_eq!((after["price_fen"].as_i64(), after["created_at"].clone()), (Some(1300), first["created_at"].clone()));
        assert_ne!(after["updated_at"], first["updated_at"]);
        assert_eq!(admin.get("/api/v1/products").await.body["total"], 4);

        // One audit entry per batch that changed something, with counts and codes.
        let log = admin.get("/api/v1/audit?action=products.upsert").await.body;
        assert_eq!(log["total"], 2, "{log}");
        assert_eq!(log["items"][0]["after"], json!({"created": 1, "updated": 1, "unchanged": 1, "created_codes": ["SKU000004"], "updated_codes": ["SKU000001"]}));
    }

    async fn a_bad_item_anywhere_refuses_the_whole_batch(app) {
        let admin = app.tenant_admin("acme").await;
        tree(&admin).await;
        let r = admin.put("/api/v1/products", &json!({"items": [
            {"code": "SKU000001", "name": "ok"},
            {"code": "SKU000002", "name": "bad price", "price": "1.234"},
            {"code": "SKU000003", "name": "neg", "price": -1},
            {"code": "SKU000001", "name": "again"},
            {"code": "SKU 5", "name": "", "category_code": "C010101"},
            {"code": "SKU000006", "name": "x", "category_code": "NOPE"},
            {"code": "SKU000007", "name": "x", "status": "sold_out"},
        ]})).await;
        assert_eq!((r.status, r.code()), (422, "invalid_items"), "{}", r.text);
        assert_eq!(r.headers["content-type"], "application/problem+json");
        let expected: Vec<(u64, String, String)> = [
            (1, "price", "too_many_decimals"),
            (2, "price", "negative_amount"),
            (3, "code", "duplicate_code"),
            (4, "code", "invalid_master_code"),
            (4, "name", "too_short"),
            (5, "category_code", "unknown_category"),
            (6, "status", "invalid_status"),
        ].iter().map(|(i, f, c)| (*i, f.to_string(), c.to_string())).collect();
        assert_eq!(faults(&r), expected);
        assert_eq!(admin.get("/api/v1/products").await.body["total"], 0);
        assert_eq!(admin.get("/api/v1/audit?action=products.upsert").await.body["total"], 0);

        let too_many: Vec<Value> = (0..1001).map(|i| json!({"code": format!("P{i}"), "name": "x"})).collect();
        let r = admin.put("/api/v1/payment-methods", &json!({"items": too_many})).await;
        assert_eq!((r.status, r.code()), (422, "too_many_items"), "{}", r.text);
    }

    async fn categories_keep_to_three_levels_under_the_right_parent(app) {
        let admin = app.tenant_admin("acme").await;
        tree(&admin).await;
        let r = admin.put("/api/v1/categories", &json!({"items": [
            {"code": "CS99904", "name": "004分类", "level": 3, "parent_code": "C010101"},
            {"code": "X1", "name": "orphan", "level": 2},
            {"code": "X2", "name": "rooted", "level": 1, "parent_code": "C01"},
            {"code": "X3", "name": "nowhere", "level": 2, "parent_code": "MISSING"},
            {"code": "X4", "name": "deep", "level": 4, "parent_code": "C010101"},
            {"code": "X5", "name": "skips", "level": 3, "parent_code": "C02"},
        ]})).await;
        assert_eq!(r.status, 422, "{}", r.text);
        let expected: Vec<(u64, String, String)> = [
            (0, "parent_code", "invalid_parent"),
            (1, "parent_code", "invalid_parent"),
            (2, "parent_code", "invalid_parent"),
            (3, "parent_code", "unknown_parent"),
            (4, "level", "invalid_level"),
            (5, "parent_code", "invalid_parent"),
        ].iter().map(|(i, f, c)| (*i, f.to_string(), c.to_string())).collect();
        assert_eq!(faults(&r), expected);

        // Parents may come later in the same batch than their children.
        let r = admin.put("/api/v1/categories", &json!({"items": [
            {"code": "C0301", "name": "蛋糕", "level": 2, "parent_code": "C03"},
            {"code": "C03", "name": "烘焙", "level": 1},
            {"code": "C0201", "name": "奶昔", "level": 2, "parent_code": "C02"},
        ]})).await;
        assert_eq!(counts(&r), (200, 3, 0, 0), "{}", r.text);
        let c = admin.get("/api/v1/categories/C0301").await.body;
        assert_eq!((c["level"].as_u64(), c["parent_code"].as_str()), (Some(2), Some("C03")));
        let page = admin.get("/api/v1/categories?search=c03").await.body;
        assert_eq!(codes(&page), ["C03", "C0301"]);
    }

    async fn virtual_stores_need_an_online_channel(app) {
        let admin = app.tenant_admin("acme").await;
        let r = admin.put("/api/v1/stores", &json!({"items": [
            {"code": "91000001", "name": "有赞门店测试1", "kind": "virtual"},
            {"code": "91000002", "name": "x", "kind": "virtual", "channel": "pos"},
            {"code": "91000003", "name": "x", "kind": "virtual", "channel": "fax"},
            {"code": "91000004", "name": "x", "kind": "cloud"},
        ]})).await;
        assert_eq!(r.status, 422, "{}", r.text);
        let expected: Vec<(u64, String, String)> = [
            (0, "channel", "virtual_store_needs_online_channel"),
            (1, "channel", "virtual_store_needs_online_channel"),
            (2, "channel", "unknown_channel"),
            (3, "kind", "invalid_kind"),
        ].iter().map(|(i, f, c)| (*i, f.to_string(), c.to_string())).collect();
        assert_eq!(faults(&r), expected);
        assert_eq!(admin.get("/api/v1/stores").await.body["total"], 0);
    }

    async fn stores_are_searched_and_filtered(app) {
        let admin = app.tenant_admin("acme").await;
        let r = admin.put("/api/v1/stores", &json!({"items": [
            {"code": "CNSHA001", "name": "上海南京西路店", "parent_code": "HDCN", "province": "上海", "city": "上海"},
            {"code": "CNSHA002", "name": "上海淮海中路店", "status": "closed"},
            {"code": "CNBJS001", "name": "北京三里屯店", "channel": "distributor"},
            {"code": "TMALL001", "name": "天猫旗舰店", "kind": "virtual", "channel": "tmall"},
            {"code": "JD001", "name": "京东旗舰店", "kind": "virtual", "channel": "jd", "source": "京东"},
        ]})).await;
        assert_eq!(counts(&r), (200, 5, 0, 0), "{}", r.text);
        let s = admin.get("/api/v1/stores/CNSHA001").await.body;
        assert_eq!((s["kind"].as_str(), s["channel"].as_str(), s["status"].as_str(), s["parent_code"].as_str()),
            (Some("physical"), Some("pos"), Some("open"), Some("HDCN")));
        assert_eq!(codes(&admin.get("/api/v1/stores?kind=virtual").await.body), ["TMALL001", "JD001"]);
        assert_eq!(codes(&admin.get("/api/v1/stores?kind=physical&channel=pos").await.body), ["CNSHA001", "CNSHA002"]);
        assert_eq!(codes(&admin.get("/api/v1/stores?status=closed").await.body), ["CNSHA002"]);
        assert_eq!(codes(&admin.get("/api/v1/stores?search=%E4%B8%8A%E6%B5%B7").await.body), ["CNSHA001", "CNSHA002"]);
        assert_eq!(codes(&admin.get("/api/v1/stores?search=cnbjs").await.body), ["CNBJS001"]);
        let r = admin.get("/api/v1/stores?channel=fax").await;
        assert_eq!((r.status, r.code()), (422, "unknown_channel"));

        // Paging with a cursor.
        let p1 = admin.get("/api/v1/stores?limit=2").await.body;
        assert_eq!((codes(&p1), p1["total"].as_u64()), (vec!["CNSHA001".to_string(), "CNSHA002".into()], Some(5)));
        let after = p1["next_cursor"].as_str().unwrap();
        let p2 = admin.get(&format!("/api/v1/stores?limit=2&after={after}")).await.body;
        assert_eq!(codes(&p2), ["CNBJS001", "TMALL001"]);

        // Closing a store is audited; a later sync without a status keeps it closed.
        app.clock.advance_ms(1000);
        let r = admin.patch("/api/v1/stores/CNSHA001", &json!({"status": "closed"})).await;
        assert_eq!((r.status, r.body["status"].as_str()), (200, Some("closed")), "{}", r.text);
        let r = admin.put("/api/v1/stores", &json!({"items": [
            {"code": "CNSHA001", "name": "上海南京西路店", "parent_code": "HDCN", "province": "上海", "city": "上海"},
        ]})).await;
        assert_eq!(counts(&r), (200, 0, 0, 1));
        let log = admin.get("/api/v1/audit?action=store.update").await.body;
        assert_eq!((log["total"].as_u64(), log["items"][0]["object_id"].as_str()), (Some(1), Some("CNSHA001")));
        assert_eq!(admin.patch("/api/v1/stores/NOPE", &json!({"status": "open"})).await.status, 404);
        let r = admin.patch("/api/v1/stores/CNSHA001", &json!({"status": "gone"})).await;
        assert_eq!((r.status, r.code()), (422, "invalid_status"));
    }

    async fn products_are_filtered_by_category_and_status_can_change(app) {
        let admin = app.tenant_admin("acme").await;
        tree(&admin).await;
        let r = admin.put("/api/v1/products", &json!({"items": [
            {"code": "A1", "name": "香草甜筒", "category_code": "C010101"},
            {"code": "A2", "name": "巧克力甜筒", "category_code": "C010101"},
            {"code": "B1", "name": "美式咖啡", "category_code": "C02"},
            {"code": "N1", "name": "no category"},
        ]})).await;
        assert_eq!(counts(&r), (200, 4, 0, 0), "{}", r.text);
        let page = admin.get("/api/v1/products?category=C010101").await.body;
        assert_eq!((codes(&page), page["total"].as_u64()), (vec!["A1".to_string(), "A2".into()], Some(2)));
        assert_eq!(codes(&admin.get("/api/v1/products?category=C02&search=%E5%92%96%E5%95%A1").await.body), ["B1"]);
        assert_eq!(admin.get("/api/v1/products?search=zzz").await.body["total"], 0);
        let r = admin.patch("/api/v1/products/A2", &json!({"status": "inactive"})).await;
        assert_eq!((r.status, r.body["status"].as_str()), (200, Some("inactive")));
        assert_eq!(admin.get("/api/v1/audit?action=product.update").await.body["total"], 1);
        assert_eq!(admin.get("/api/v1/products/a1").await.status, 404, "codes keep their case");
    }

    async fn earns_points_is_a_local_flag_that_is_audited(app) {
        let admin = app.tenant_admin("acme").await;
        let r = admin.put("/api/v1/payment-methods", &json!({"items": [
            {"code": "moneyTest", "name": "现金支付", "earns_points": true, "category": "现金", "source": "POS"},
            {"code": "3035", "name": "30元赠品代金券", "category": "4"},
        ]})).await;
        assert_eq!(counts(&r), (200, 2, 0, 0), "{}", r.text);
        assert_eq!(admin.get("/api/v1/payment-methods/3035").await.body["earns_points"], false);

        let r = admin.patch("/api/v1/payment-methods/3035", &json!({"earns_points": true})).await;
        assert_eq!((r.status, r.body["earns_points"].as_bool()), (200, Some(true)), "{}", r.text);
        let log = admin.get("/api/v1/audit?action=payment_method.update").await.body;
        assert_eq!(log["total"], 1);
        assert_eq!((log["items"][0]["object_id"].clone(), log["items"][0]["before"].clone(), log["items"][0]["after"].clone()),
            (json!("3035"), json!({"earns_points": false}), json!({"earns_points": true})));
        // The same value again is no change and no entry.
        admin.patch("/api/v1/payment-methods/3035", &json!({"earns_points": true})).await;
        assert_eq!(admin.get("/api/v1/audit?action=payment_method.update").await.body["total"], 1);

        // A sync that leaves the flag out keeps the local choice.
        let r = admin.put("/api/v1/payment-methods", &json!({"items": [{"code": "3035", "name": "30元赠品代金券", "category": "4"}]})).await;
        assert_eq!(counts(&r), (200, 0, 0, 1));
        assert_eq!(admin.get("/api/v1/payment-methods/3035").await.body["earns_points"], true);
        assert_eq!(codes(&admin.get("/api/v1/payment-methods?search=%E7%8E%B0%E9%87%91").await.body), ["moneyTest"]);
        assert_eq!(admin.patch("/api/v1/payment-methods/nope", &json!({"earns_points": true})).await.status, 404);
    }

    async fn reading_needs_read_and_changing_needs_manage(app) {
        let admin = app.tenant_admin("acme").await;
        tree(&admin).await;
        admin.put("/api/v1/payment-methods", &json!({"items": [{"code": "cash", "name": "现金支付"}]})).await;
        let reader = app.key_with(&admin, &["master_data:read"]).await;
        assert_eq!(reader.get("/api/v1/categories").await.body["total"], 4);
        assert_eq!(reader.get("/api/v1/payment-methods/cash").await.status, 200);
        for (path, body) in [
            ("/api/v1/categories", json!({"items": []})),
            ("/api/v1/products", json!({"items": []})),
            ("/api/v1/stores", json!({"items": []})),
            ("/api/v1/payment-methods", json!({"items": []})),
        ] {
            let r = reader.put(path, &body).await;
            assert_eq!((r.status, r.body["permission"].as_str()), (403, Some("master_data:manage")), "{path}");
        }
        let r = reader.patch("/api/v1/payment-methods/cash", &json!({"earns_points": true})).await;
        assert_eq!((r.status, r.body["permission"].as_str()), (403, Some("master_data:manage")));

        // Ordinary roles keep query permission only (spec loyalty-core §4.2).
        let operator = operator_key(&app, &admin).await;
        assert_eq!(operator.get("/api/v1/categories/C01").await.status, 200);
        let r = operator.put("/api/v1/stores", &json!({"items": []})).await;
        assert_eq!((r.status, r.body["permission"].as_str()), (403, Some("master_data:manage")));
        let r = operator.patch("/api/v1/payment-methods/cash", &json!({"earns_points": true})).await;
        assert_eq!(r.status, 403);

        let nobody = app.key_with(&admin, &[]).await;
        let r = nobody.get("/api/v1/stores").await;
        assert_eq!((r.status, r.body["permission"].as_str()), (403, Some("master_data:read")));
    }

    async fn another_tenant_sees_nothing(app) {
        let acme = app.tenant_admin("acme").await;
        tree(&acme).await;
        acme.put("/api/v1/stores", &json!({"items": [{"code": "CNSHA001", "name": "上海南京西路店"}]})).await;
        acme.put("/api/v1/products", &json!({"items": [{"code": "SKU000001", "name": "甜筒"}]})).await;
        acme.put("/api/v1/payment-methods", &json!({"items": [{"code": "cash", "name": "现金支付"}]})).await;
        let other = app.tenant_admin("globex").await;
        for list in ["categories", "products", "stores", "payment-methods"] {
            assert_eq!(other.get(&format!("/api/v1/{list}")).await.body["total"], 0, "{list}");
        }
        for one in ["categories/C01", "products/SKU000001", "stores/CNSHA001", "payment-methods/cash"] {
            let r = other.get(&format!("/api/v1/{one}")).await;
            assert_eq!((r.status, r.code()), (404, "not_found"), "{one}");
        }
        assert_eq!(other.patch("/api/v1/payment-methods/cash", &json!({"earns_points": true})).await.status, 404);
        // The same codes are free in the other tenant, and unknown parents stay unknown there.
        let r = other.put("/api/v1/categories", &json!({"items": [{"code": "C0101", "name": "甜筒", "level": 2, "parent_code": "C01"}]})).await;
        assert_eq!(faults(&r), [(0, "parent_code".to_string(), "unknown_parent".to_string())]);
        let r = other.put("/api/v1/stores", &json!({"items": [{"code": "CNSHA001", "name": "另一家"}]})).await;
        assert_eq!(counts(&r), (200, 1, 0, 0));
        assert_eq!(acme.get("/api/v1/stores/CNSHA001").await.body["name"], "上海南京西路店");
    }

    async fn an_idempotency_key_replays_the_answer(app) {
        let admin = app.tenant_admin("acme").await;
        let body = json!({"items": [{"code": "cash", "name": "现金支付"}]});
        let first = admin.send(reqwest::Method::PUT, "/api/v1/payment-methods", Some(&body), &[("idempotency-key", "sync-1")]).await;
        let again = admin.send(reqwest::Method::PUT, "/api/v1/payment-methods", Some(&body), &[("idempotency-key", "sync-1")]).await;
        assert_eq!((counts(&first), counts(&again)), ((200, 1, 0, 0), (200, 1, 0, 0)));
        assert_eq!(again.headers["idempotent-replayed"], "true");
    }

    async fn the_console_lists_filter_and_page(app) {
        let admin = app.tenant_admin("acme").await;
        let empty = admin.get("/console/master-data/stores").await;
        assert_eq!(empty.status, 200);
        assert!(empty.text.contains("data-test=\"empty\""), "{}", empty.text);
        assert!(empty.text.contains("PUT /api/v1/stores"));
        let stores: Vec<Value> = (1..=35).map(|i| json!({"code": format!("CNSHA{i:03}"), "name": format!("上海{i}号店")}))
            .chain([json!({"code": "TMALL001", "name": "天猫旗舰店", "kind": "virtual", "channel": "tmall"})])
            .collect();
        assert_eq!(counts(&admin.put("/api/v1/stores", &json!({"items": stores})).await), (200, 36, 0, 0));
        let page = admin.get("/console/master-data/stores").await.text;
        assert!(page.contains("Showing 1–30 of 36"), "{page}");
        let page = admin.get("/console/master-data/stores?kind=virtual&channel=tmall").await.text;
        assert!(page.contains("data-test=\"row-TMALL001\"") && !page.contains("row-CNSHA001"), "{page}");
        assert!(page.contains(">Tmall<"));
        for path in ["categories", "products", "payment-methods"] {
            let r = admin.get(&format!("/console/master-data/{path}")).await;
            assert_eq!(r.status, 200, "{path}");
        }
        let reader = app.key_with(&admin, &["master_data:read"]).await;
        assert_eq!(reader.get("/api/v1/stores?limit=1").await.body["total"], 36);
    }

    async fn the_demo_tenant_has_master_data(app) {
        let demo = patron_app::bootstrap::seed_demo(&app.store, &patron_app::pii::Pii::new(patron_testkit::TEST_PII_KEY), app.clock_now(), 40).await.unwrap();
        assert!(demo.created);
        let mut admin = app.anonymous();
        admin.login("demo", "admin", "patron-demo-admin").await;
        assert_eq!(admin.get("/api/v1/categories").await.body["total"], 44);
        assert_eq!(admin.get("/api/v1/products").await.body["total"], 300);
        assert_eq!(admin.get("/api/v1/stores").await.body["total"], 26);
        assert_eq!(admin.get("/api/v1/stores?kind=virtual").await.body["total"], 6);
        assert_eq!(admin.get("/api/v1/stores?status=closed").await.body["total"], 3);
        assert_eq!(admin.get("/api/v1/payment-methods").await.body["total"], 7);
        let p = admin.get("/api/v1/products/SKU000001").await.body;
        assert_eq!((p["name"].as_str(), p["category_code"].as_str(), p["price"].as_str()), (Some("香草经典甜筒"), Some("C010101"), Some("9.90")));
        assert_eq!(admin.get("/api/v1/stores/WXMINI001").await.body["channel"], "wechat_mini");
        assert_eq!(admin.get("/api/v1/payment-methods/gift_card").await.body["earns_points"], false);
        let c = admin.get("/api/v1/categories/C050202").await.body;
        assert_eq!((c["name"].as_str(), c["level"].as_u64()), (Some("礼品卡套装"), Some(3)));
    }
}
