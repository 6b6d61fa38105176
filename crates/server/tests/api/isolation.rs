//! Tenant isolation: tenant A's key and users cannot see or change tenant B's users, roles,
//! keys or audit entries. Another tenant's object answers exactly like a missing one.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patron_testkit::both_databases;
use serde_json::json;

both_databases! {
    async fn one_tenant_sees_nothing_of_another(app) {
        let a = app.tenant_admin("alpha").await;
        let b = app.tenant_admin("beta").await;
        let b_user = b.post("/api/v1/users", &json!({"login_name": "bob", "display_name": "Bob", "password": "beta-password-1"})).await;
        assert_eq!(b_user.status, 201);
        let b_user_id = b_user.body["id"].as_str().unwrap().to_string();
        let b_role = b.post("/api/v1/roles", &json!({"key": "beta-role", "name": "Beta role", "permissions": ["users:read"]})).await;
        let b_role_id = b_role.body["id"].as_str().unwrap().to_string();
        let b_key = b.post("/api/v1/api-keys", &json!({"name": "beta key", "role_id": b_role_id})).await;
        let b_key_id = b_key.body["id"].as_str().unwrap().to_string();

        let a_key = app.key_with(&a, &["users:read", "users:update", "users:delete", "roles:read", "roles:update", "roles:delete", "api_keys:read", "api_keys:revoke", "audit:read"]).await;
        for client in [&a, &a_key] {
            // Lists hold only A's own rows.
            let users = client.get("/api/v1/users").await.body;
            assert_eq!(users["total"], 1, "{users}");
            assert!(users["items"].as_array().unwrap().iter().all(|u| u["login_name"] == "admin"));
            assert_eq!(client.get("/api/v1/roles").await.body["total"], 5);
            assert!(!client.get("/api/v1/api-keys").await.text.contains(&b_key_id));
            let audit = client.get("/api/v1/audit?limit=200").await;
            assert!(!audit.text.contains(&b_user_id) && !audit.text.contains("beta"), "{}", audit.text);

            // B's objects by id are not found, and cannot be changed.
            assert_eq!(client.get(&format!("/api/v1/users/{b_user_id}")).await.status, 404);
            assert_eq!(client.patch(&format!("/api/v1/users/{b_user_id}"), &json!({"status": "disabled"})).await.status, 404);
            assert_eq!(client.delete(&format!("/api/v1/users/{b_user_id}")).await.status, 404);
            assert_eq!(client.get(&format!("/api/v1/roles/{b_role_id}")).await.status, 404);
            assert_eq!(client.patch(&format!("/api/v1/roles/{b_role_id}"), &json!({"name": "taken"})).await.status, 404);
            assert_eq!(client.delete(&format!("/api/v1/roles/{b_role_id}")).await.status, 404);
            assert_eq!(client.post(&format!("/api/v1/api-keys/{b_key_id}/revoke"), &json!({})).await.status, 404);
        }
        // A cannot give its users B's roles, nor bind a key to one.
        let r = a.post("/api/v1/users", &json!({"login_name": "mallory", "display_name": "M", "password": "alpha-password-1", "role_ids": [b_role_id]})).await;
        assert_eq!((r.status, r.code()), (422, "unknown_role"));
        let r = a.post("/api/v1/api-keys", &json!({"name": "x", "role_id": b_role_id})).await;
        assert_eq!((r.status, r.code()), (422, "unknown_role"));

        // Nothing of B changed.
        let user = b.get(&format!("/api/v1/users/{b_user_id}")).await.body;
        assert_eq!(user["status"], "active");
        assert_eq!(b.get(&format!("/api/v1/roles/{b_role_id}")).await.body["name"], "Beta role");
        assert!(b.get("/api/v1/api-keys").await.body["items"][0]["revoked_at"].is_null());
    }

    async fn a_key_for_one_tenant_cannot_be_replayed_against_another(app) {
        let a = app.tenant_admin("alpha").await;
        let _b = app.tenant_admin("beta").await;
        let key = app.key_with(&a, &["users:read"]).await;
        let token = key.get("/api/v1/me").await;
        assert_eq!(token.body["tenant_id"], 1);
        // Rewrite the tenant part of the token: the digest no longer matches anything.
        let keys = a.get("/api/v1/api-keys").await.body;
        let id = keys["items"][0]["id"].as_str().unwrap().replace('-', "");
        let forged = patron_testkit::Client::with_key(a.base(), &format!("ptk_2_{id}_whatever"));
        assert_eq!(forged.get("/api/v1/users").await.status, 401);
    }
}
