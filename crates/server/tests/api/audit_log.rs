//! The audit log records who changed what, with before and after, and can be filtered.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patron_testkit::both_databases;
use serde_json::json;

both_databases! {
    async fn changes_are_recorded_with_before_and_after(app) {
        let admin = app.tenant_admin("acme").await;
        let r = admin.post("/api/v1/roles", &json!({"key": "cashier", "name": "Cashier", "permissions": ["users:read"]})).await;
        let id = r.body["id"].as_str().unwrap().to_string();
        admin.patch(&format!("/api/v1/roles/{id}"), &json!({"name": "Cashier 收银员"})).await;
        admin.patch("/api/v1/settings", &json!({"currency": "HKD"})).await;

        let log = admin.get(&format!("/api/v1/audit?object_id={id}")).await.body;
        assert_eq!(log["total"], 2);
        let update = &log["items"][0];
        assert_eq!(update["action"], "role.update");
        assert_eq!(update["actor_kind"], "user");
        assert_eq!(update["actor_name"], "admin");
        assert_eq!(update["before"]["name"], "Cashier");
        assert_eq!(update["after"]["name"], "Cashier 收银员");
        assert_eq!(update["ip"], "127.0.0.1");
        assert!(update["request_id"].as_str().is_some_and(|r| r.len() == 36));
        assert_eq!(log["items"][1]["action"], "role.create");

        let settings = admin.get("/api/v1/audit?action=settings.update").await.body;
        assert_eq!(settings["items"][0]["before"]["currency"], "CNY");
        assert_eq!(settings["items"][0]["after"]["currency"], "HKD");

        // A change through a key names the key.
        let key = app.key_with(&admin, &["roles:create"]).await;
        key.post("/api/v1/roles", &json!({"key": "by-key", "name": "By key"})).await;
        let by_key = admin.get("/api/v1/audit?action=role.create").await.body;
        let entry = by_key["items"].as_array().unwrap().iter().find(|e| e["after"]["key"] == "by-key").unwrap().clone();
        assert_eq!(entry["actor_kind"], "api_key");

        // Passwords never reach the log.
        let all = admin.get("/api/v1/audit?limit=200").await.text;
        assert!(!all.contains("acme-admin-password") && !all.contains("argon2"));
    }

    async fn the_log_filters_by_time(app) {
        let admin = app.tenant_admin("acme").await;
        let before = app.clock_now();
        app.clock.advance_ms(60_000);
        admin.post("/api/v1/roles", &json!({"key": "late", "name": "Late"})).await;
        let from = patron_http::views::rfc3339(before + 30_000);
        let r = admin.get(&format!("/api/v1/audit?from={from}")).await.body;
        assert_eq!(r["total"], 1, "{r}");
        let r = admin.get("/api/v1/audit?from=yesterday").await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (400, "invalid_instant", Some("from")));
    }

    async fn tenant_creation_is_in_the_platform_log(app) {
        let _ = app.tenant_admin("acme").await;
        let platform = app.platform_admin().await;
        let log = platform.get("/api/v1/audit?action=tenant.create").await.body;
        assert_eq!(log["total"], 1);
        assert_eq!(log["items"][0]["after"]["code"], "acme");
        assert_eq!(log["items"][0]["actor_kind"], "platform_admin");
    }
}
