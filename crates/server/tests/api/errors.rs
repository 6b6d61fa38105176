//! Bad input: each gets a clear problem with a stable code, and changes nothing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patron_testkit::{both_databases, Client};
use serde_json::json;

async fn user_count(admin: &Client) -> u64 {
    admin.get("/api/v1/users").await.body["total"]
        .as_u64()
        .unwrap()
}

both_databases! {
    async fn malformed_json_is_a_400_naming_the_field(app) {
        let admin = app.tenant_admin("acme").await;
        let before = user_count(&admin).await;
        let r = admin.send(reqwest::Method::POST, "/api/v1/users", None, &[("content-type", "application/json")]).await;
        assert_eq!((r.status, r.code()), (400, "invalid_json"));
        let r = admin.post("/api/v1/users", &json!({"login_name": 5, "display_name": "x", "password": "long-enough-pw"})).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (400, "invalid_json", Some("login_name")));
        let r = admin.post("/api/v1/users", &json!({"display_name": "x", "password": "long-enough-pw"})).await;
        assert_eq!((r.status, r.body["field"].as_str()), (400, Some("login_name")));
        let r = admin.post("/api/v1/users", &json!({"login_name": "a", "display_name": "x", "password": "long-enough-pw", "colour": "red"})).await;
        assert_eq!((r.status, r.body["field"].as_str()), (400, Some("colour")), "{}", r.text);
        assert_eq!(user_count(&admin).await, before);
    }

    async fn invalid_values_are_a_422_naming_the_field(app) {
        let admin = app.tenant_admin("acme").await;
        let r = admin.post("/api/v1/users", &json!({"login_name": "feng", "display_name": "Feng", "password": "short"})).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (422, "password_too_short", Some("password")));
        let r = admin.post("/api/v1/users", &json!({"login_name": "feng", "display_name": "Feng", "email": "nope", "password": "long-enough-pw"})).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (422, "invalid_email", Some("email")));
        let r = admin.patch("/api/v1/settings", &json!({"time_zone": "Mars/Olympus"})).await;
        assert_eq!((r.status, r.code(), r.body["field"].as_str()), (422, "unknown_time_zone", Some("time_zone")));
        assert_eq!(admin.get("/api/v1/settings").await.body["time_zone"], "Asia/Shanghai");
        assert_eq!(user_count(&admin).await, 1);
    }

    async fn oversized_bodies_are_a_413(app) {
        let admin = app.tenant_admin("acme").await;
        let huge = "x".repeat(70 * 1024);
        let r = admin.post("/api/v1/roles", &json!({"key": "big", "name": huge})).await;
        assert_eq!((r.status, r.code()), (413, "body_too_large"));
        assert_eq!(admin.get("/api/v1/roles").await.body["total"], 4);
    }

    async fn unknown_routes_are_a_404_problem(app) {
        let r = app.anonymous().get("/api/v1/nothing-here").await;
        assert_eq!((r.status, r.code()), (404, "not_found"));
        assert_eq!(r.headers["content-type"], "application/problem+json");
        let r = app.anonymous().send(reqwest::Method::PUT, "/api/v1/users", None, &[]).await;
        assert_eq!((r.status, r.code()), (405, "method_not_allowed"));
    }

    async fn unknown_and_revoked_keys_are_a_401(app) {
        let admin = app.tenant_admin("acme").await;
        let fake = Client::with_key(admin.base(), "ptk_1_0123456789abcdef0123456789abcdef_nope");
        assert_eq!(fake.get("/api/v1/me").await.status, 401);
        let garbage = Client::with_key(admin.base(), "hello");
        assert_eq!(garbage.get("/api/v1/me").await.status, 401);

        let key = app.key_with(&admin, &["users:read"]).await;
        assert_eq!(key.get("/api/v1/users").await.status, 200);
        let keys = admin.get("/api/v1/api-keys").await.body;
        let id = keys["items"][0]["id"].as_str().unwrap().to_string();
        let r = admin.post(&format!("/api/v1/api-keys/{id}/revoke"), &json!({})).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert!(r.body["revoked_at"].is_string());
        let r = key.get("/api/v1/users").await;
        assert_eq!((r.status, r.code()), (401, "unauthenticated"));
    }

    async fn unsafe_session_calls_need_the_csrf_token(app) {
        let mut admin = app.tenant_admin("acme").await;
        let token = admin.csrf().unwrap().to_string();
        admin.forget_csrf();
        // The same cookie without the token, or with a wrong one: refused, nothing created.
        let r = admin.post("/api/v1/roles", &json!({"key": "k", "name": "K"})).await;
        assert_eq!((r.status, r.code()), (403, "csrf_token_invalid"));
        let r = admin.send(reqwest::Method::POST, "/api/v1/roles", Some(&json!({"key": "k", "name": "K"})), &[("x-csrf-token", "wrong")]).await;
        assert_eq!((r.status, r.code()), (403, "csrf_token_invalid"));
        // Reads need no token.
        assert_eq!(admin.get("/api/v1/roles").await.status, 200);
        let r = admin.send(reqwest::Method::POST, "/api/v1/roles", Some(&json!({"key": "k", "name": "K"})), &[("x-csrf-token", &token)]).await;
        assert_eq!(r.status, 201);
        admin.send(reqwest::Method::DELETE, &format!("/api/v1/roles/{}", r.body["id"].as_str().unwrap()), None, &[("x-csrf-token", &token)]).await;
        assert_eq!(admin.get("/api/v1/roles").await.body["total"], 4);
    }
}
