//! Console login: sessions, logout, throttling, password change, suspended tenants.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patron_testkit::both_databases;
use serde_json::json;

both_databases! {
    async fn five_failed_logins_lock_the_name_for_fifteen_minutes(app) {
        let _admin = app.tenant_admin("acme").await;
        let mut c = app.anonymous();
        for _ in 0..5 {
            let r = c.try_login("acme", "admin", "wrong-password").await;
            assert_eq!((r.status, r.code()), (401, "bad_credentials"));
        }
        let r = c.try_login("acme", "admin", "acme-admin-password").await;
        assert_eq!((r.status, r.code()), (429, "login_locked"), "{}", r.text);
        let retry = r.body["retry_at_ms"].as_i64().unwrap();
        assert_eq!(retry - app.clock_now(), 15 * 60 * 1000);
        app.clock.advance_ms(15 * 60 * 1000);
        assert_eq!(c.try_login("acme", "admin", "acme-admin-password").await.status, 200);
        let platform = app.platform_admin().await;
        let locks = platform.get("/api/v1/audit?action=login.locked").await;
        assert_eq!(locks.body["total"], 0, "tenant lock events belong to the tenant's log");
    }

    async fn an_unknown_tenant_or_user_looks_like_a_wrong_password(app) {
        let _admin = app.tenant_admin("acme").await;
        let mut c = app.anonymous();
        assert_eq!(c.try_login("nope", "admin", "acme-admin-password").await.code(), "bad_credentials");
        assert_eq!(c.try_login("acme", "nobody", "acme-admin-password").await.code(), "bad_credentials");
    }

    async fn logout_ends_the_session(app) {
        let admin = app.tenant_admin("acme").await;
        assert_eq!(admin.get("/api/v1/me").await.status, 200);
        assert_eq!(admin.delete("/api/v1/session").await.status, 204);
        assert_eq!(admin.get("/api/v1/me").await.status, 401);
    }

    async fn an_idle_session_expires(app) {
        let admin = app.tenant_admin("acme").await;
        app.clock.advance_ms(8 * 60 * 60 * 1000);
        assert_eq!(admin.get("/api/v1/me").await.status, 401);
    }

    async fn a_password_change_needs_the_old_password_and_a_matching_confirmation(app) {
        let admin = app.tenant_admin("acme").await;
        let r = admin.put("/api/v1/me/password", &json!({"old_password": "wrong-one-123", "new_password": "new-password-99", "confirm_password": "new-password-99"})).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (422, "wrong_password", Some("old_password")));
        let r = admin.put("/api/v1/me/password", &json!({"old_password": "acme-admin-password", "new_password": "new-password-99", "confirm_password": "new-password-98"})).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (422, "password_mismatch", Some("confirm_password")));
        let r = admin.put("/api/v1/me/password", &json!({"old_password": "acme-admin-password", "new_password": "new-password-99", "confirm_password": "new-password-99"})).await;
        assert_eq!(r.status, 204, "{}", r.text);
        let mut c = app.anonymous();
        assert_eq!(c.try_login("acme", "admin", "acme-admin-password").await.status, 401);
        assert_eq!(c.try_login("acme", "admin", "new-password-99").await.status, 200);
    }

    async fn a_suspended_tenant_is_locked_out(app) {
        let admin = app.tenant_admin("acme").await;
        let key = app.key_with(&admin, &["users:read"]).await;
        let platform = app.platform_admin().await;
        let r = platform.patch("/api/v1/platform/tenants/1", &json!({"status": "suspended"})).await;
        assert_eq!((r.status, r.body["status"].as_str()), (200, Some("suspended")));
        assert_eq!(key.get("/api/v1/users").await.status, 401);
        assert_eq!(admin.get("/api/v1/me").await.status, 401);
        assert_eq!(app.anonymous().try_login("acme", "admin", "acme-admin-password").await.status, 401);
        platform.patch("/api/v1/platform/tenants/1", &json!({"status": "active"})).await;
        assert_eq!(key.get("/api/v1/users").await.status, 200);
    }

    async fn a_user_chooses_their_language(app) {
        let admin = app.tenant_admin("acme").await;
        let r = admin.patch("/api/v1/me", &json!({"locale": "zh-CN"})).await;
        assert_eq!(r.body["locale"], "zh-CN");
        assert_eq!(admin.get("/api/v1/me").await.body["locale"], "zh-CN");
        let r = admin.patch("/api/v1/me", &json!({"locale": "fr"})).await;
        assert_eq!((r.status, r.code()), (422, "invalid_locale"));
    }
}
