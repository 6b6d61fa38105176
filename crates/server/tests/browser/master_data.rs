//! The master data pages in a real browser, in English and in Chinese: filtering the stores by
//! kind and channel, and setting a payment method's earns-points flag.
//!
//! Slow, so only on SQLite. `PATRON_SKIP_BROWSER=1` skips these tests where Chromium is missing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

// Shared with `browser.rs`; this file uses only part of it.
use crate::driver::{with_browser, Browser};
use patron_testkit::{spawn_app, Client, Db};
use serde_json::json;

const ADMIN_PASSWORD: &str = "acme-admin-password";

async fn seed(admin: &Client) {
    let r = admin
        .put(
            "/api/v1/stores",
            &json!({"items": [
                {"code": "CNSHA001", "name": "上海南京西路店", "province": "上海", "city": "上海"},
                {"code": "TMALL001", "name": "天猫旗舰店", "kind": "virtual", "channel": "tmall"},
                {"code": "JD001", "name": "京东旗舰店", "kind": "virtual", "channel": "jd"},
            ]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = admin
        .put(
            "/api/v1/payment-methods",
            &json!({"items": [{"code": "3035", "name": "30元赠品代金券", "category": "4"}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

/// Chooses `value` in the filter `name` and submits the filter form.
async fn filter(b: &Browser, name: &str, value: &str) {
    b.click(&format!("#{name} option[value='{value}']")).await;
    b.click("[data-test=search]").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stores_are_filtered_and_a_payment_method_is_edited_in_both_languages() {
    let app = spawn_app(Db::Sqlite).await;
    let admin = app.tenant_admin("acme").await;
    seed(&admin).await;
    let api = &admin;
    with_browser("master-data", &app.base, |b| async move {
        b.log_in("acme", "admin", ADMIN_PASSWORD).await;

        // Stores, in English.
        b.click("[data-test=nav-stores]").await;
        b.wait_for_path("/console/master-data/stores").await;
        assert_eq!(b.text("h1").await, "Stores");
        assert_eq!(
            b.text("[data-test=pager-summary]").await,
            "Showing 1–3 of 3"
        );
        assert!(b
            .text("[data-test=sync-hint]")
            .await
            .contains("PUT /api/v1/stores"));
        assert_eq!(
            b.count("[data-test=new]").await,
            0,
            "no New button: data arrives by API"
        );
        filter(&b, "kind", "virtual").await;
        b.wait_for_text("[data-test=pager-summary]", "Showing 1–2 of 2")
            .await;
        assert_eq!(
            b.text("[data-test=row-TMALL001] [data-test=channel]").await,
            "Tmall"
        );
        assert_eq!(
            b.text("[data-test=row-TMALL001] [data-test=kind]").await,
            "Virtual (online)"
        );
        filter(&b, "channel", "jd").await;
        b.wait_for_text("[data-test=pager-summary]", "Showing 1–1 of 1")
            .await;
        assert_eq!(
            b.path().await,
            "/console/master-data/stores?search=&kind=virtual&channel=jd"
        );
        assert_eq!(
            b.text("[data-test=row-JD001] [data-test=channel]").await,
            "JD"
        );
        filter(&b, "channel", "pos").await;
        b.wait_for_text(
            "[data-test=empty]",
            "No records yet. They arrive from your systems through the API.",
        )
        .await;

        // The earns-points flag, in English.
        b.click("[data-test=nav-payment_methods]").await;
        b.wait_for_path("/console/master-data/payment-methods")
            .await;
        assert_eq!(
            b.text("[data-test=row-3035] [data-test=earns_points]")
                .await,
            "No"
        );
        b.click("[data-test=edit-3035]").await;
        b.wait_for_path("/console/master-data/payment-methods/3035")
            .await;
        assert_eq!(b.text("h1").await, "Edit payment method");
        assert!(!b.is_checked("[data-test=earns-points]").await);
        b.click("[data-test=earns-points]").await;
        b.click("[data-test=save]").await;
        b.wait_for_path("/console/master-data/payment-methods")
            .await;
        assert_eq!(b.text("[data-test=flash]").await, "Payment method saved.");
        assert_eq!(
            b.text("[data-test=row-3035] [data-test=earns_points]")
                .await,
            "Yes"
        );
        assert_eq!(
            api.get("/api/v1/payment-methods/3035").await.body["earns_points"],
            true
        );

        // The same in Chinese.
        b.click("[data-test=lang-zh]").await;
        b.wait_for_text("h1", "付款方式").await;
        assert_eq!(
            b.text("[data-test=row-3035] [data-test=earns_points]")
                .await,
            "是"
        );
        b.click("[data-test=edit-3035]").await;
        b.wait_for_text("h1", "编辑付款方式").await;
        assert!(b.is_checked("[data-test=earns-points]").await);
        b.click("[data-test=earns-points]").await;
        b.click("[data-test=save]").await;
        b.wait_for_path("/console/master-data/payment-methods")
            .await;
        assert_eq!(b.text("[data-test=flash]").await, "付款方式已保存。");
        assert_eq!(
            b.text("[data-test=row-3035] [data-test=earns_points]")
                .await,
            "否"
        );
        assert_eq!(
            api.get("/api/v1/payment-methods/3035").await.body["earns_points"],
            false
        );
        let log = api
            .get("/api/v1/audit?action=payment_method.update")
            .await
            .body;
        assert_eq!(log["total"], 2);

        b.click("[data-test=nav-stores]").await;
        b.wait_for_text("h1", "门店").await;
        assert_eq!(
            b.text("[data-test=pager-summary]").await,
            "显示第 1 至 3 项，共 3 项"
        );
        filter(&b, "kind", "virtual").await;
        b.wait_for_text("[data-test=pager-summary]", "显示第 1 至 2 项，共 2 项")
            .await;
        assert_eq!(
            b.text("[data-test=row-TMALL001] [data-test=channel]").await,
            "天猫"
        );
        assert_eq!(
            b.text("[data-test=row-TMALL001] [data-test=kind]").await,
            "线上虚拟门店"
        );
        filter(&b, "channel", "tmall").await;
        b.wait_for_text("[data-test=pager-summary]", "显示第 1 至 1 项，共 1 项")
            .await;
        assert_eq!(
            b.text("[data-test=row-TMALL001] [data-test=name]").await,
            "天猫旗舰店"
        );
        assert_eq!(b.text("label[for=channel]").await, "渠道");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_sees_the_lists_without_the_edit_action() {
    let app = spawn_app(Db::Sqlite).await;
    let admin = app.tenant_admin("acme").await;
    seed(&admin).await;
    let roles = admin.get("/api/v1/roles?limit=100").await.body;
    let viewer = roles["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "viewer")
        .unwrap()["id"]
        .clone();
    let r = admin
        .post(
            "/api/v1/users",
            &json!({"login_name": "lin", "display_name": "林", "locale": "zh-CN", "password": "lin-password-1", "role_ids": [viewer]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    with_browser("master-data-reader", &app.base, |b| async move {
        b.log_in("acme", "lin", "lin-password-1").await;
        b.goto("/console/master-data/payment-methods").await;
        b.wait_for_text("h1", "付款方式").await;
        assert_eq!(
            b.text("[data-test=row-3035] [data-test=name]").await,
            "30元赠品代金券"
        );
        assert_eq!(b.count("[data-test=edit-3035]").await, 0);
        b.goto("/console/master-data/payment-methods/3035").await;
        assert_eq!(b.text("h1").await, "无权访问");
    })
    .await;
}
