//! Walks every operation of the OpenAPI document (which lists every API route) and proves that
//! each refuses an unauthenticated call with 401 and a principal without its permission with
//! 403 naming exactly the permission the document declares; and that the declared permission
//! is enough to get past the check.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patron_testkit::{both_databases, Client, TestApp};
use serde_json::{json, Value};

const FAKE_UUID: &str = "01a20000-0000-7000-8000-000000000000";

/// (method, path with ids filled in, required permission) for every operation.
async fn operations(app: &TestApp) -> Vec<(String, String, Option<String>, bool)> {
    let doc = app.anonymous().get("/api/openapi.json").await.body;
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let security = op["security"].as_array().cloned().unwrap_or_default();
            let public = security.is_empty();
            let scope = security
                .iter()
                .flat_map(|s| s.as_object().unwrap().values())
                .flat_map(|v| v.as_array().unwrap().iter())
                .map(|v| v.as_str().unwrap().to_string())
                .next();
            let concrete = path.replace(
                "{id}",
                if path.contains("tenants") {
                    "1"
                } else {
                    FAKE_UUID
                },
            );
            ops.push((method.to_uppercase(), concrete, scope, public));
        }
    }
    ops
}

async fn call(c: &Client, method: &str, path: &str) -> patron_testkit::Reply {
    let body: Option<Value> = (method != "GET" && method != "DELETE").then(|| json!({}));
    c.send(method.parse().unwrap(), path, body.as_ref(), &[])
        .await
}

both_databases! {
    async fn every_route_refuses_anonymous_callers(app) {
        let ops = operations(&app).await;
        assert!(ops.len() >= 27, "only {} operations documented", ops.len());
        let anonymous = app.anonymous();
        for (method, path, _, public) in &ops {
            if *public { continue; }
            let r = call(&anonymous, method, path).await;
            assert_eq!(r.status, 401, "{method} {path}: {}", r.text);
            assert_eq!(r.code(), "unauthenticated");
            assert_eq!(r.headers["content-type"], "application/problem+json");
        }
    }

    async fn every_route_refuses_a_key_without_its_permission(app) {
        let admin = app.tenant_admin("acme").await;
        let powerless = app.key_with(&admin, &[]).await;
        let mut checked = 0;
        for (method, path, scope, _) in operations(&app).await {
            let Some(permission) = scope else { continue };
            let r = call(&powerless, &method, &path).await;
            assert_eq!(r.status, 403, "{method} {path}: {}", r.text);
            assert_eq!(r.code(), "missing_permission", "{method} {path}");
            assert_eq!(r.body["permission"], permission.as_str(), "{method} {path}");
            checked += 1;
        }
        assert!(checked >= 20, "checked {checked}");
    }

    async fn the_declared_permission_is_enough_to_pass_the_check(app) {
        let admin = app.tenant_admin("acme").await;
        for (method, path, scope, _) in operations(&app).await {
            let Some(permission) = scope else { continue };
            if permission.starts_with("tenants:") { continue; }
            let key = app.key_with(&admin, &[&permission]).await;
            let r = call(&key, &method, &path).await;
            assert!(r.status != 401 && r.status != 403, "{method} {path} with {permission}: {} {}", r.status, r.text);
        }
    }

    async fn platform_routes_refuse_tenant_users(app) {
        let admin = app.tenant_admin("acme").await;
        let r = admin.get("/api/v1/platform/tenants").await;
        assert_eq!((r.status, r.body["permission"].as_str()), (403, Some("tenants:read")));
        let r = admin.post("/api/v1/platform/tenants", &json!({"code": "evil", "name": "x", "admin_login_name": "a"})).await;
        assert_eq!((r.status, r.body["permission"].as_str()), (403, Some("tenants:create")));
        let platform = app.platform_admin().await;
        assert_eq!(platform.get("/api/v1/platform/tenants").await.status, 200);
        // The platform administrator has no tenant: tenant routes are refused, not empty.
        let r = platform.get("/api/v1/audit").await;
        assert_eq!(r.status, 200, "platform audit log: {}", r.text);
        let r = platform.get("/api/v1/users").await;
        assert_eq!(r.status, 403);
    }
}
