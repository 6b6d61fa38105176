//! Signing in, switching language, roles and users, form errors and refusals, in the browser.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::driver::with_browser;
use patron_testkit::{spawn_app, Db};
use serde_json::{json, Value};

const ADMIN_PASSWORD: &str = "acme-admin-password";

/// The id of the tenant role `key`, through the API.
async fn role_id(admin: &patron_testkit::Client, key: &str) -> String {
    let roles = admin.get("/api/v1/roles?limit=100").await.body;
    roles["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == key)
        .unwrap_or_else(|| panic!("no role {key}: {roles}"))["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The user `login` as the API lists it.
async fn api_user(admin: &patron_testkit::Client, login: &str) -> Value {
    let users = admin.get("/api/v1/users?limit=100").await.body;
    users["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["login_name"] == login)
        .unwrap_or_else(|| panic!("no user {login}: {users}"))
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_logs_in_and_switches_to_chinese_and_back() {
    let app = spawn_app(Db::Sqlite).await;
    let admin = app.tenant_admin("acme").await;
    with_browser("switch-language", &app.base, |b| async move {
        b.goto("/console/login").await;
        assert_eq!(b.lang().await, "en");
        assert_eq!(b.text("h1").await, "Log in");
        b.fill("#tenant_code", "acme").await;
        b.fill("#login_name", "admin").await;
        b.fill("#password", ADMIN_PASSWORD).await;
        b.click("[data-test=login]").await;
        b.wait_for_path("/console").await;
        assert_eq!(b.title().await, "Home · Patron");
        assert_eq!(b.text("h1").await, "Home");
        assert_eq!(
            b.text("[data-test=welcome]").await,
            "Welcome, admin — Tenant acme."
        );
        assert_eq!(b.text("[data-test=nav-users]").await, "Users");
        assert_eq!(b.text("[data-test=logout]").await, "Log out");

        b.click("[data-test=lang-zh]").await;
        b.wait_for_text("h1", "首页").await;
        assert_eq!(
            b.path().await,
            "/console",
            "the switch returns to the same page"
        );
        assert_eq!(b.lang().await, "zh-CN");
        assert_eq!(b.title().await, "首页 · Patron");
        assert_eq!(b.text("[data-test=nav-users]").await, "用户");
        assert_eq!(b.text("[data-test=nav-roles]").await, "角色");
        assert_eq!(
            b.text("[data-test=welcome]").await,
            "欢迎，admin — Tenant acme。"
        );
        assert_eq!(b.text("[data-test=logout]").await, "退出登录");
        // Saved with the account, not only in the browser: without the language cookie the
        // page is still Chinese.
        assert_eq!(api_user(&admin, "admin").await["locale"], "zh-CN");
        b.client.delete_cookie("patron_locale").await.unwrap();
        b.reload().await;
        b.wait_for_text("h1", "首页").await;
        assert_eq!(b.text("[data-test=nav-users]").await, "用户");

        // Other pages follow the choice too.
        b.goto("/console/users").await;
        assert_eq!(b.text("h1").await, "用户");
        b.click("[data-test=lang-en]").await;
        b.wait_for_text("h1", "Users").await;
        assert_eq!(b.path().await, "/console/users");
        assert_eq!(b.lang().await, "en");
        assert_eq!(b.text("[data-test=nav-roles]").await, "Roles");
        assert_eq!(
            b.text("[data-test=pager-summary]").await,
            "Showing 1–1 of 1"
        );

        b.reload().await;
        b.wait_for_text("h1", "Users").await;
        assert_eq!(b.text("[data-test=nav-users]").await, "Users");
        assert_eq!(api_user(&admin, "admin").await["locale"], "en");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_explained_on_the_login_form() {
    let app = spawn_app(Db::Sqlite).await;
    let _admin = app.tenant_admin("acme").await;
    with_browser("wrong-password", &app.base, |b| async move {
        b.goto("/console/login").await;
        b.fill("#tenant_code", "acme").await;
        b.fill("#login_name", "admin").await;
        b.fill("#password", "not-the-password").await;
        b.click("[data-test=login]").await;
        b.wait_for_text(
            "[data-test=form-error]",
            "The organisation, login name or password is wrong.",
        )
        .await;
        assert_eq!(b.path().await, "/console/login");
        assert_eq!(b.text("h1").await, "Log in");
        // What was typed is kept, except the password.
        assert_eq!(b.value("#tenant_code").await, "acme");
        assert_eq!(b.value("#login_name").await, "admin");
        assert_eq!(b.value("#password").await, "");
        // Still not logged in.
        b.goto("/console").await;
        b.wait_for_path("/console/login?next=%2Fconsole").await;

        // The right password then works from the same form.
        b.fill("#tenant_code", "acme").await;
        b.fill("#login_name", "admin").await;
        b.fill("#password", ADMIN_PASSWORD).await;
        b.click("[data-test=login]").await;
        b.wait_for_path("/console").await;
        assert_eq!(b.text("h1").await, "Home");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_creates_a_role_and_a_user_with_it() {
    let app = spawn_app(Db::Sqlite).await;
    let admin = app.tenant_admin("acme").await;
    let api = &admin;
    with_browser("create-role-and-user", &app.base, |b| async move {
        b.log_in("acme", "admin", ADMIN_PASSWORD).await;

        b.goto("/console/roles").await;
        b.click("[data-test=new-role]").await;
        b.wait_for_path("/console/roles/new").await;
        assert_eq!(b.text("h1").await, "New role");
        b.fill("#name", "Auditor").await;
        b.fill("#key", "auditor").await;
        b.fill("#description", "Reads users and the audit log")
            .await;
        b.click(r#"[data-test="perm-users:read"]"#).await;
        b.click(r#"[data-test="perm-audit:read"]"#).await;
        assert!(b.is_checked(r#"[data-test="perm-users:read"]"#).await);
        assert!(b.is_checked(r#"[data-test="perm-audit:read"]"#).await);
        assert_eq!(
            b.count("[data-test=permission-matrix] input[type=checkbox]:checked")
                .await,
            2
        );
        b.click("[data-test=save]").await;
        b.wait_for_path("/console/roles").await;
        assert_eq!(b.text("[data-test=flash]").await, "Role created.");
        let row = "[data-test=role-row-auditor]";
        assert_eq!(b.text(&format!("{row} td:nth-child(1)")).await, "Auditor");
        assert_eq!(b.text(&format!("{row} td:nth-child(4)")).await, "2");

        b.goto("/console/users").await;
        b.click("[data-test=new-user]").await;
        b.wait_for_path("/console/users/new").await;
        b.fill("#login_name", "feng").await;
        b.fill("#display_name", "Feng Jin").await;
        b.fill("#email", "feng@brand.cn").await;
        b.fill("#password", "feng-password-1").await;
        b.click("[data-test=role-auditor]").await;
        assert!(b.is_checked("[data-test=role-auditor]").await);
        assert_eq!(b.count("input[name=role_ids]:checked").await, 1);
        b.click("[data-test=save]").await;
        b.wait_for_path("/console/users").await;
        assert_eq!(b.text("[data-test=flash]").await, "User created.");
        let row = "[data-test=user-row-feng]";
        assert_eq!(b.text(&format!("{row} td:nth-child(1)")).await, "feng");
        assert_eq!(b.text(&format!("{row} td:nth-child(2)")).await, "Feng Jin");
        assert_eq!(
            b.text(&format!("{row} td:nth-child(3)")).await,
            "feng@brand.cn"
        );
        assert_eq!(b.text(&format!("{row} td:nth-child(4)")).await, "Auditor");
        assert_eq!(
            b.text("[data-test=pager-summary]").await,
            "Showing 1–2 of 2"
        );

        // The API agrees: the user holds exactly that role, which holds exactly two permissions.
        let role = role_id(api, "auditor").await;
        let user = api_user(api, "feng").await;
        assert_eq!(user["role_ids"], json!([role]));
        assert_eq!(user["display_name"], "Feng Jin");
        assert_eq!(user["email"], "feng@brand.cn");
        let r = api.get(&format!("/api/v1/roles/{role}")).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.body["name"], "Auditor");
        assert_eq!(r.body["permissions"], json!(["users:read", "audit:read"]));
        assert_eq!(api.get("/api/v1/users").await.body["total"], 2);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_error_is_shown_next_to_the_field() {
    let app = spawn_app(Db::Sqlite).await;
    let admin = app.tenant_admin("acme").await;
    let api = &admin;
    with_browser("form-error", &app.base, |b| async move {
        b.log_in("acme", "admin", ADMIN_PASSWORD).await;
        b.goto("/console/users/new").await;
        b.fill("#login_name", "li.wei").await;
        b.fill("#display_name", "Li Wei").await;
        b.fill("#email", "li.wei@brand.cn").await;
        b.find("#locale")
            .await
            .select_by_value("zh-CN")
            .await
            .unwrap();
        b.fill("#password", "short").await;
        b.click("[data-test=role-viewer]").await;
        b.click("[data-test=save]").await;

        // The message sits in the password's own field, and it is the only one.
        b.wait_for_text(
            ".field:has(#password) > [data-test=error-password]",
            "Must have at least 10 characters",
        )
        .await;
        assert_eq!(b.count(".field-error").await, 1);
        assert_eq!(b.count("[data-test=form-error]").await, 0);
        assert_eq!(b.path().await, "/console/users/new");
        assert_eq!(b.text("h1").await, "New user");
        // Everything else typed is kept; the password is not echoed back.
        assert_eq!(b.value("#login_name").await, "li.wei");
        assert_eq!(b.value("#display_name").await, "Li Wei");
        assert_eq!(b.value("#email").await, "li.wei@brand.cn");
        assert_eq!(b.value("#locale").await, "zh-CN");
        assert_eq!(b.value("#password").await, "");
        assert!(b.is_checked("[data-test=role-viewer]").await);
        assert_eq!(b.count("input[name=role_ids]:checked").await, 1);
        assert_eq!(
            api.get("/api/v1/users").await.body["total"],
            1,
            "nothing was created"
        );

        // Correcting the password is enough.
        b.fill("#password", "li-wei-password-1").await;
        b.click("[data-test=save]").await;
        b.wait_for_path("/console/users").await;
        assert_eq!(b.text("[data-test=flash]").await, "User created.");
        assert_eq!(
            b.text(r#"[data-test="user-row-li.wei"] td:nth-child(4)"#)
                .await,
            "Viewer"
        );
        assert_eq!(api_user(api, "li.wei").await["locale"], "zh-CN");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_without_the_permission_sees_a_refusal() {
    let app = spawn_app(Db::Sqlite).await;
    let admin = app.tenant_admin("acme").await;
    let viewer = role_id(&admin, "viewer").await;
    let r = admin
        .post(
            "/api/v1/users",
            &json!({"login_name": "vera", "display_name": "Vera", "password": "vera-password-1", "role_ids": [viewer]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);

    // The status, which a browser does not show.
    let mut vera = app.anonymous();
    vera.login("acme", "vera", "vera-password-1").await;
    let page = vera.get("/console/users").await;
    assert_eq!(page.status, 403);
    assert!(
        page.text.contains("You need the permission users:read."),
        "{}",
        page.text
    );

    with_browser("refusal", &app.base, |b| async move {
        b.log_in("acme", "vera", "vera-password-1").await;
        // The sidebar offers what Vera may open, and not the users page.
        assert_eq!(b.count("[data-test=nav-users]").await, 0);
        assert_eq!(b.text("[data-test=nav-settings]").await, "Tenant settings");

        b.goto("/console/users").await;
        assert_eq!(b.path().await, "/console/users");
        assert_eq!(b.title().await, "Access denied · Patron");
        assert_eq!(b.text("[data-test=error-title]").await, "Access denied");
        assert_eq!(
            b.text("[data-test=error-message]").await,
            "You need the permission users:read."
        );
        assert_eq!(b.text(".error-card .muted").await, "See users");
        assert_eq!(b.count("[data-test=users-table]").await, 0);

        // A page Vera may open still works.
        b.click("[data-test=nav-settings]").await;
        b.wait_for_path("/console/settings").await;
        assert_eq!(b.text("h1").await, "Tenant settings");
    })
    .await;
}
