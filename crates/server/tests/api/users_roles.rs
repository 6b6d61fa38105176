//! Users, roles and API keys through the API: the rules an administrator relies on.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patron_testkit::both_databases;
use serde_json::json;

both_databases! {
    async fn a_user_is_created_listed_changed_and_deleted(app) {
        let admin = app.tenant_admin("acme").await;
        let roles = admin.get("/api/v1/roles").await.body;
        let viewer = roles["items"].as_array().unwrap().iter().find(|r| r["key"] == "viewer").unwrap()["id"].as_str().unwrap().to_string();
        let r = admin.post("/api/v1/users", &json!({"login_name": "Feng", "display_name": "冯", "email": "feng@brand.cn", "locale": "zh-CN", "password": "feng-password-1", "role_ids": [viewer]})).await;
        assert_eq!(r.status, 201, "{}", r.text);
        assert_eq!(r.body["login_name"], "feng");
        assert_eq!(r.body["locale"], "zh-CN");
        let id = r.body["id"].as_str().unwrap().to_string();

        let dup = admin.post("/api/v1/users", &json!({"login_name": "FENG", "display_name": "x", "password": "feng-password-2"})).await;
        assert_eq!((dup.status, dup.code(), dup.body["field"].as_str()), (409, "login_name_taken", Some("login_name")));

        let page = admin.get("/api/v1/users?search=%E5%86%AF").await.body;
        assert_eq!(page["total"], 1);
        assert_eq!(page["items"][0]["id"], id.as_str());

        let r = admin.patch(&format!("/api/v1/users/{id}"), &json!({"display_name": "Feng Jin", "role_ids": []})).await;
        assert_eq!((r.status, r.body["display_name"].as_str(), r.body["role_ids"].as_array().map(Vec::len)), (200, Some("Feng Jin"), Some(0)));

        // The new user logs in; disabling them ends their session.
        let mut feng = app.anonymous();
        feng.login("acme", "feng", "feng-password-1").await;
        assert_eq!(feng.get("/api/v1/me").await.status, 200);
        admin.patch(&format!("/api/v1/users/{id}"), &json!({"status": "disabled"})).await;
        assert_eq!(feng.get("/api/v1/me").await.status, 401);
        assert_eq!(feng.try_login("acme", "feng", "feng-password-1").await.status, 401);

        assert_eq!(admin.delete(&format!("/api/v1/users/{id}")).await.status, 204);
        assert_eq!(admin.get(&format!("/api/v1/users/{id}")).await.status, 404);
        assert_eq!(admin.get("/api/v1/users").await.body["total"], 1);
    }

    async fn the_last_administrator_cannot_be_removed(app) {
        let admin = app.tenant_admin("acme").await;
        let me = admin.get("/api/v1/me").await.body;
        let id = me["actor_id"].as_str().unwrap();
        let r = admin.patch(&format!("/api/v1/users/{id}"), &json!({"role_ids": []})).await;
        assert_eq!((r.status, r.code()), (409, "last_administrator"));
        let r = admin.patch(&format!("/api/v1/users/{id}"), &json!({"status": "disabled"})).await;
        assert_eq!((r.status, r.code()), (409, "last_administrator"));
        let r = admin.delete(&format!("/api/v1/users/{id}")).await;
        assert_eq!((r.status, r.code()), (409, "cannot_delete_self"));
        assert_eq!(admin.get("/api/v1/me").await.status, 200);
    }

    async fn roles_hold_exactly_their_permissions(app) {
        let admin = app.tenant_admin("acme").await;
        let r = admin.post("/api/v1/roles", &json!({"key": "auditor", "name": "Auditor 审计员", "permissions": ["audit:read", "users:read"]})).await;
        assert_eq!(r.status, 201, "{}", r.text);
        assert_eq!(r.body["permissions"], json!(["users:read", "audit:read"]));
        let id = r.body["id"].as_str().unwrap().to_string();
        let dup = admin.post("/api/v1/roles", &json!({"key": "auditor", "name": "x"})).await;
        assert_eq!((dup.status, dup.code()), (409, "role_key_taken"));
        let bad = admin.post("/api/v1/roles", &json!({"key": "x", "name": "x", "permissions": ["users:fly"]})).await;
        assert_eq!((bad.status, bad.code(), bad.body["field"].as_str()), (422, "unknown_permission", Some("permissions")));
        let platform = admin.post("/api/v1/roles", &json!({"key": "x", "name": "x", "permissions": ["tenants:create"]})).await;
        assert_eq!((platform.status, platform.code()), (422, "permission_not_assignable"));

        let auditor_user = admin.post("/api/v1/users", &json!({"login_name": "aud", "display_name": "Aud", "password": "auditor-pass-1", "role_ids": [id]})).await;
        assert_eq!(auditor_user.status, 201);
        let mut aud = app.anonymous();
        aud.login("acme", "aud", "auditor-pass-1").await;
        assert_eq!(aud.get("/api/v1/audit").await.status, 200);
        assert_eq!(aud.get("/api/v1/roles").await.status, 403);

        // Taking a permission away takes effect on the next request.
        admin.patch(&format!("/api/v1/roles/{id}"), &json!({"permissions": ["users:read"]})).await;
        assert_eq!(aud.get("/api/v1/audit").await.status, 403);

        let r = admin.delete(&format!("/api/v1/roles/{id}")).await;
        assert_eq!((r.status, r.code()), (409, "role_in_use"));

        let builtin = admin.get("/api/v1/roles?search=administrator").await.body["items"][0]["id"].as_str().unwrap().to_string();
        let r = admin.patch(&format!("/api/v1/roles/{builtin}"), &json!({"name": "Boss"})).await;
        assert_eq!((r.status, r.code()), (409, "builtin_role_readonly"));
        let r = admin.delete(&format!("/api/v1/roles/{builtin}")).await;
        assert_eq!((r.status, r.code()), (409, "builtin_role_readonly"));
    }

    async fn nobody_grants_more_than_they_hold(app) {
        let admin = app.tenant_admin("acme").await;
        let key = app.key_with(&admin, &["roles:create", "roles:read", "api_keys:create", "users:update", "users:read"]).await;
        let r = key.post("/api/v1/roles", &json!({"key": "boss", "name": "Boss", "permissions": ["users:delete"]})).await;
        assert_eq!((r.status, r.code(), r.body["permission"].as_str()), (403, "permission_escalation", Some("users:delete")));
        let roles = admin.get("/api/v1/roles").await.body;
        let administrator = roles["items"].as_array().unwrap().iter().find(|r| r["key"] == "administrator").unwrap()["id"].clone();
        let r = key.post("/api/v1/api-keys", &json!({"name": "escalate", "role_id": administrator})).await;
        assert_eq!((r.status, r.code()), (403, "permission_escalation"));
        let me = admin.get("/api/v1/me").await.body;
        let r = key.patch(&format!("/api/v1/users/{}", me["actor_id"].as_str().unwrap()), &json!({"role_ids": [administrator]})).await;
        assert_eq!((r.status, r.code()), (403, "permission_escalation"));
        assert_eq!(admin.get("/api/v1/roles").await.body["total"], 5);
    }

    async fn lists_page_with_a_cursor_and_count_everything(app) {
        let admin = app.tenant_admin("acme").await;
        for i in 0..7 {
            let r = admin.post("/api/v1/roles", &json!({"key": format!("role-{i}"), "name": format!("Role {i}")})).await;
            assert_eq!(r.status, 201);
        }
        let mut seen = Vec::new();
        let mut path = "/api/v1/roles?limit=3".to_string();
        loop {
            let page = admin.get(&path).await.body;
            assert_eq!(page["total"], 11);
            for item in page["items"].as_array().unwrap() {
                seen.push(item["key"].as_str().unwrap().to_string());
            }
            match page["next_cursor"].as_str() {
                Some(c) => path = format!("/api/v1/roles?limit=3&after={c}"),
                None => break,
            }
        }
        assert_eq!(seen.len(), 11);
        seen.dedup();
        assert_eq!(seen.len(), 11);
        let r = admin.get("/api/v1/roles?after=!!!").await;
        assert_eq!((r.status, r.code()), (422, "invalid_cursor"));
    }

    async fn an_api_key_token_is_shown_once_and_works(app) {
        let admin = app.tenant_admin("acme").await;
        let roles = admin.get("/api/v1/roles").await.body;
        let viewer = roles["items"].as_array().unwrap().iter().find(|r| r["key"] == "viewer").unwrap()["id"].clone();
        let r = admin.post("/api/v1/api-keys", &json!({"name": "POS", "role_id": viewer})).await;
        assert_eq!(r.status, 201);
        let token = r.body["token"].as_str().unwrap().to_string();
        assert!(token.starts_with("ptk_1_"));
        let list = admin.get("/api/v1/api-keys").await;
        assert!(!list.text.contains(&token[20..]), "secret leaked in list");
        let key = patron_testkit::Client::with_key(admin.base(), &token);
        assert_eq!(key.get("/api/v1/settings").await.body["code"], "acme");
        assert_eq!(key.get("/api/v1/users").await.status, 403);
    }
}
