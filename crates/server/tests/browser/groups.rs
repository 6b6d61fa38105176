//! Store groups in a real browser: creating a group, picking two stores in the editor's
//! candidates pane, importing codes in bulk (an unknown one is said and kept in the box),
//! removing a member, enabling the group, and seeing it enabled and frozen.
//!
//! Slow, so only on SQLite. `PATRON_SKIP_BROWSER=1` skips these tests where Chromium is missing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::driver::{with_browser, Browser};
use patron_testkit::{spawn_app, Client, Db};
use serde_json::json;
use std::time::{Duration, Instant};

const ADMIN_PASSWORD: &str = "acme-admin-password";

async fn seed(admin: &Client) {
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
}

/// Clicks a button of a `data-confirm` form and accepts the browser's confirmation dialog.
async fn click_and_confirm(b: &Browser, css: &str) {
    b.click(css).await;
    let started = Instant::now();
    while b.client.accept_alert().await.is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no confirmation dialog after clicking {css}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_group_is_created_picked_enabled_and_listed() {
    let app = spawn_app(Db::Sqlite).await;
    let admin = app.tenant_admin("acme").await;
    seed(&admin).await;
    let api = &admin;
    with_browser("groups", &app.base, |b| async move {
        b.log_in("acme", "admin", ADMIN_PASSWORD).await;
        b.click("[data-test=nav-store_groups]").await;
        b.wait_for_path("/console/store-groups").await;
        assert_eq!(b.text("h1").await, "Store groups");
        assert_eq!(b.count("[data-test=groups-table]").await, 0);

        // Create: name, description; members come after the first save.
        b.click("[data-test=new]").await;
        b.wait_for_path("/console/store-groups/new").await;
        assert_eq!(
            b.text("[data-test=after-save]").await,
            "Stores can be added after the first save."
        );
        b.fill("#name", "线下门店").await;
        b.fill("#description", "上海的实体门店").await;
        b.click("[data-test=save]").await;
        b.wait_for_text(
            "[data-test=flash]",
            "Group created. Add its members, then enable it.",
        )
        .await;
        let id = api.get("/api/v1/store-groups").await.body["items"][0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let editor = format!("/console/store-groups/{id}");
        assert_eq!(b.path().await, editor);
        assert_eq!(b.text("[data-test=status]").await, "Not enabled");
        assert_eq!(b.text("[data-test=no-members]").await, "No members yet.");

        // Pick two stores among the candidates found by code.
        assert_eq!(
            b.text("[data-test=candidates] [data-test=pager-summary]")
                .await,
            "Showing 1–4 of 4"
        );
        b.fill("[data-test=candidate-search-input]", "cnsha").await;
        b.click("[data-test=candidate-search]").await;
        b.wait_for_text(
            "[data-test=candidates] [data-test=pager-summary]",
            "Showing 1–2 of 2",
        )
        .await;
        let row = b.text("[data-test=candidate-CNSHA001]").await;
        assert!(
            row.contains("上海南京西路店") && row.contains("Open"),
            "{row}"
        );
        b.click("[data-test=pick-CNSHA001]").await;
        b.click("[data-test=pick-CNSHA002]").await;
        b.click("[data-test=add-selected]").await;
        b.wait_for_text("[data-test=flash]", "Members added.").await;
        assert_eq!(b.text("[data-test=member-count]").await, "2");
        assert_eq!(b.count("[data-test=members-table] tbody tr").await, 2);
        assert!(b
            .text("[data-test=member-CNSHA002]")
            .await
            .contains("上海淮海中路店"));
        assert_eq!(b.count("[data-test=candidate-CNSHA001]").await, 0);
        assert_eq!(b.count("[data-test=candidates-table] tbody tr").await, 2);

        // The import box: one known code, one unknown (said, and kept in the box).
        b.fill("[data-test=import]", "WX01\nNOPE01").await;
        b.click("[data-test=import-submit]").await;
        b.wait_for_text("[data-test=notice]", "Added 1; 0 were members already.")
            .await;
        assert_eq!(
            b.text("[data-test=error-codes]").await,
            "Unknown codes, not added: NOPE01"
        );
        assert_eq!(b.value("[data-test=import]").await, "NOPE01");
        assert_eq!(b.text("[data-test=member-count]").await, "3");

        // Remove one again: only before enabling.
        b.click("[data-test=unpick-WX01]").await;
        b.click("[data-test=remove-selected]").await;
        b.wait_for_text("[data-test=flash]", "Members removed.")
            .await;
        assert_eq!(b.text("[data-test=member-count]").await, "2");
        assert_eq!(b.count("[data-test=member-WX01]").await, 0);

        // Enable: the members freeze; the pickers go away.
        click_and_confirm(&b, "[data-test=enable]").await;
        b.wait_for_text("[data-test=flash]", "Group enabled.").await;
        assert_eq!(b.text("[data-test=status]").await, "Enabled");
        assert!(b
            .text("[data-test=frozen-note]")
            .await
            .contains("the members are frozen"));
        assert_eq!(b.count("[data-test=candidates]").await, 0);
        assert_eq!(b.count("[data-test=remove-selected]").await, 0);
        assert_eq!(b.count("[data-test=members-table] tbody tr").await, 2);

        // The list shows it enabled, with edit and delete but no enable.
        b.click("[data-test=nav-store_groups]").await;
        b.wait_for_path("/console/store-groups").await;
        let row = "[data-test='group-row-线下门店']";
        assert_eq!(
            b.text(&format!("{row} [data-test=status]")).await,
            "Enabled"
        );
        assert_eq!(
            b.text(&format!("{row} [data-test=condition]")).await,
            "Static"
        );
        assert_eq!(b.text(&format!("{row} [data-test=all-items]")).await, "No");
        assert_eq!(
            b.text(&format!("{row} [data-test=description]")).await,
            "上海的实体门店"
        );
        assert_eq!(b.count(&format!("{row} [data-test=edit]")).await, 1);
        assert_eq!(b.count(&format!("{row} [data-test=delete]")).await, 1);
        assert_eq!(b.count(&format!("{row} [data-test=enable]")).await, 0);

        let g = api.get(&format!("/api/v1/store-groups/{id}")).await.body;
        assert_eq!(
            (g["enabled"].as_bool(), g["member_count"].as_u64()),
            (Some(true), Some(2))
        );
        let members = api
            .get(&format!("/api/v1/store-groups/{id}/members"))
            .await
            .body;
        let codes: Vec<&str> = members["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, ["CNSHA001", "CNSHA002"]);

        // The same list in Chinese.
        b.click("[data-test=lang-zh]").await;
        b.wait_for_text("h1", "门店组").await;
        assert_eq!(b.text(&format!("{row} [data-test=status]")).await, "已启用");
        assert_eq!(
            b.text(&format!("{row} [data-test=condition]")).await,
            "静态"
        );
    })
    .await;
}
