//! `Idempotency-Key`: the same key and request replays the stored answer; the same key with a
//! different request is refused; concurrent duplicates create exactly one object.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patron_testkit::both_databases;
use serde_json::json;

both_databases! {
    async fn a_repeated_request_replays_the_stored_answer(app) {
        let admin = app.tenant_admin("acme").await;
        let body = json!({"key": "stores", "name": "Store managers", "permissions": ["users:read"]});
        let h = [("idempotency-key", "create-role-1")];
        let first = admin.send(reqwest::Method::POST, "/api/v1/roles", Some(&body), &h).await;
        assert_eq!(first.status, 201);
        assert!(first.headers.get("idempotent-replayed").is_none());
        let second = admin.send(reqwest::Method::POST, "/api/v1/roles", Some(&body), &h).await;
        assert_eq!(second.status, 201);
        assert_eq!(second.body, first.body);
        assert_eq!(second.headers["idempotent-replayed"], "true");
        assert_eq!(admin.get("/api/v1/roles").await.body["total"], 5);
        // One audit entry, not two.
        assert_eq!(admin.get("/api/v1/audit?action=role.create").await.body["total"], 1);
    }

    async fn the_same_key_with_another_request_is_refused(app) {
        let admin = app.tenant_admin("acme").await;
        let h = [("idempotency-key", "k-1")];
        let a = admin.send(reqwest::Method::POST, "/api/v1/roles", Some(&json!({"key": "a", "name": "A"})), &h).await;
        assert_eq!(a.status, 201);
        let b = admin.send(reqwest::Method::POST, "/api/v1/roles", Some(&json!({"key": "b", "name": "B"})), &h).await;
        assert_eq!((b.status, b.code()), (409, "idempotency_key_reused"));
        assert_eq!(admin.get("/api/v1/roles?search=b").await.body["items"].as_array().unwrap().iter().filter(|r| r["key"] == "b").count(), 0);
        let bad = admin.send(reqwest::Method::POST, "/api/v1/roles", Some(&json!({"key": "c", "name": "C"})), &[("idempotency-key", "has space")]).await;
        assert_eq!((bad.status, bad.code()), (400, "invalid_idempotency_key"));
    }

    async fn a_failed_request_does_not_burn_its_key(app) {
        let admin = app.tenant_admin("acme").await;
        let h = [("idempotency-key", "retry-me")];
        let bad = admin.send(reqwest::Method::POST, "/api/v1/roles", Some(&json!({"key": "Bad Key", "name": "x"})), &h).await;
        assert_eq!(bad.status, 422);
        let bad_again = admin.send(reqwest::Method::POST, "/api/v1/roles", Some(&json!({"key": "Bad Key", "name": "x"})), &h).await;
        assert_eq!(bad_again.status, 422);
    }

    async fn keys_of_different_principals_do_not_collide(app) {
        let admin = app.tenant_admin("acme").await;
        let key = app.key_with(&admin, &["roles:create"]).await;
        let h = [("idempotency-key", "same")];
        let a = admin.send(reqwest::Method::POST, "/api/v1/roles", Some(&json!({"key": "a", "name": "A"})), &h).await;
        let b = key.send(reqwest::Method::POST, "/api/v1/roles", Some(&json!({"key": "b", "name": "B"})), &h).await;
        assert_eq!((a.status, b.status), (201, 201));
    }

    async fn concurrent_duplicates_create_exactly_one(app) {
        let admin = app.tenant_admin("acme").await;
        let body = json!({"key": "racer", "name": "Racer"});
        let h = [("idempotency-key", "race-1")];
        let requests = (0..8).map(|_| admin.send(reqwest::Method::POST, "/api/v1/roles", Some(&body), &h));
        let replies = futures::future::join_all(requests).await;
        let ids: Vec<_> = replies.iter().map(|r| {
            assert_eq!(r.status, 201, "{}", r.text);
            r.body["id"].as_str().unwrap().to_string()
        }).collect();
        assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
        assert_eq!(admin.get("/api/v1/roles").await.body["total"], 5);
        assert_eq!(admin.get("/api/v1/audit?action=role.create").await.body["total"], 1);
    }

    async fn concurrent_creations_without_a_key_still_never_duplicate(app) {
        let admin = app.tenant_admin("acme").await;
        let body = json!({"login_name": "twin", "display_name": "Twin", "password": "twin-password-1"});
        let replies = futures::future::join_all((0..6).map(|_| admin.post("/api/v1/users", &body))).await;
        let created = replies.iter().filter(|r| r.status == 201).count();
        let refused = replies.iter().filter(|r| r.status == 409 && r.code() == "login_name_taken").count();
        assert_eq!((created, refused), (1, 5), "{:?}", replies.iter().map(|r| &r.text).collect::<Vec<_>>());
        assert_eq!(admin.get("/api/v1/users").await.body["total"], 2);
    }
}
