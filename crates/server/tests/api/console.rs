//! The console at the HTTP level, without a browser: redirects, the login form, CSRF, refusals,
//! languages, 404 pages, paging, search and tenant isolation.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use patron_testkit::both_databases;
use serde_json::json;

/// A console visitor: a cookie jar, no automatic redirects, forms posted urlencoded.
struct Visitor {
    base: String,
    http: reqwest::Client,
}

/// A console response.
struct Page {
    status: u16,
    location: Option<String>,
    set_cookies: Vec<String>,
    text: String,
}

impl Page {
    /// How often `needle` occurs in the page.
    fn count(&self, needle: &str) -> usize {
        self.text.matches(needle).count()
    }

    /// The CSRF token of the page's forms.
    fn csrf(&self) -> String {
        let marker = r#"name="_csrf" value=""#;
        let at = self
            .text
            .find(marker)
            .unwrap_or_else(|| panic!("no _csrf field in: {}", self.text))
            + marker.len();
        let end = self.text[at..].find('"').unwrap();
        self.text[at..at + end].to_string()
    }

    fn cookie(&self, name: &str) -> Option<&str> {
        self.set_cookies
            .iter()
            .find(|c| c.starts_with(&format!("{name}=")))
            .map(String::as_str)
    }
}

impl Visitor {
    fn new(base: &str) -> Self {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self {
            base: base.to_string(),
            http,
        }
    }

    /// Logs in through the login form; panics unless it succeeds.
    async fn logged_in(base: &str, tenant: &str, login: &str, password: &str) -> Self {
        let v = Self::new(base);
        let r = v
            .post(
                "/console/login",
                &[
                    ("next", "/console"),
                    ("tenant_code", tenant),
                    ("login_name", login),
                    ("password", password),
                ],
            )
            .await;
        assert_eq!(
            (r.status, r.location.as_deref()),
            (303, Some("/console")),
            "{}",
            r.text
        );
        v
    }

    async fn read(resp: reqwest::Response) -> Page {
        let status = resp.status().as_u16();
        let location = resp
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_string());
        let set_cookies = resp
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect();
        let text = resp.text().await.unwrap();
        Page {
            status,
            location,
            set_cookies,
            text,
        }
    }

    async fn get(&self, path: &str) -> Page {
        self.get_with(path, &[]).await
    }

    async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Page {
        let mut req = self.http.get(format!("{}{path}", self.base));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        Self::read(req.send().await.unwrap()).await
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> Page {
        self.post_with(path, form, &[]).await
    }

    async fn post_with(&self, path: &str, form: &[(&str, &str)], headers: &[(&str, &str)]) -> Page {
        let mut req = self.http.post(format!("{}{path}", self.base)).form(form);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        Self::read(req.send().await.unwrap()).await
    }
}

const ADMIN_PASSWORD: &str = "acme-admin-password";

/// Creates `n` users `member01`… through the API.
async fn create_members(admin: &patron_testkit::Client, n: usize) {
    for i in 1..=n {
        let r = admin
            .post(
                "/api/v1/users",
                &json!({"login_name": format!("member{i:02}"), "display_name": format!("Member {i}"), "password": "member-password-1"}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
}

/// The `data-test` marker of a users-list row.
fn row(login: &str) -> String {
    format!(r#"data-test="user-row-{login}""#)
}

fn summary(text: &str) -> String {
    format!(r#"data-test="pager-summary">{text}</span>"#)
}

both_databases! {
    async fn an_anonymous_visitor_is_sent_to_the_login_page_and_back(app) {
        let _admin = app.tenant_admin("acme").await;
        let v = Visitor::new(&app.base);
        let r = v.get("/console/users").await;
        assert_eq!((r.status, r.location.as_deref()), (303, Some("/console/login?next=%2Fconsole%2Fusers")));
        let r = v.get("/console/users?page=2").await;
        assert_eq!(r.location.as_deref(), Some("/console/login?next=%2Fconsole%2Fusers%3Fpage%3D2"));
        let r = v.get("/console").await;
        assert_eq!((r.status, r.location.as_deref()), (303, Some("/console/login?next=%2Fconsole")));
        // A form posted without a session resumes at the start page, not at a POST-only address.
        let r = v.post("/console/users/new", &[("login_name", "x")]).await;
        assert_eq!((r.status, r.location.as_deref()), (303, Some("/console/login?next=%2Fconsole")));

        // The login page carries the way back, and goes there after logging in.
        let page = v.get("/console/login?next=%2Fconsole%2Fusers%3Fpage%3D2").await;
        assert_eq!(page.status, 200);
        assert_eq!(page.count(r#"<input type="hidden" name="next" value="/console/users?page=2">"#), 1, "{}", page.text);
        let r = v.post("/console/login", &[("next", "/console/users?page=2"), ("tenant_code", "acme"), ("login_name", "admin"), ("password", ADMIN_PASSWORD)]).await;
        assert_eq!((r.status, r.location.as_deref()), (303, Some("/console/users?page=2")));
    }

    async fn logging_in_with_the_form_sets_the_session_cookie(app) {
        let _admin = app.tenant_admin("acme").await;
        let v = Visitor::new(&app.base);
        let r = v.post("/console/login", &[("next", "/console/users"), ("tenant_code", "acme"), ("login_name", "admin"), ("password", ADMIN_PASSWORD)]).await;
        assert_eq!((r.status, r.location.as_deref()), (303, Some("/console/users")));
        let session = r.cookie("patron_session").unwrap_or_else(|| panic!("no session cookie: {:?}", r.set_cookies));
        assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax") && session.contains("Path=/"), "{session}");
        assert_eq!(r.cookie("patron_locale").map(|c| c.split(';').next().unwrap()), Some("patron_locale=en"));
        let users = v.get("/console/users").await;
        assert_eq!(users.status, 200);
        assert_eq!(users.count(&row("admin")), 1);
        // Logged in already: the login page sends you on.
        let r = v.get("/console/login").await;
        assert_eq!((r.status, r.location.as_deref()), (303, Some("/console")));

        // Only console addresses are returned to.
        let other = Visitor::new(&app.base);
        let r = other.post("/console/login", &[("next", "https://evil.example/console"), ("tenant_code", "acme"), ("login_name", "admin"), ("password", ADMIN_PASSWORD)]).await;
        assert_eq!((r.status, r.location.as_deref()), (303, Some("/console")));

        // A wrong password: the form again, with the message and what was typed, no session.
        let stranger = Visitor::new(&app.base);
        let r = stranger.post("/console/login", &[("next", "/console"), ("tenant_code", "acme"), ("login_name", "admin"), ("password", "wrong-password")]).await;
        assert_eq!(r.status, 401);
        assert!(r.cookie("patron_session").is_none(), "{:?}", r.set_cookies);
        assert_eq!(r.count(r#"data-test="form-error">The organisation, login name or password is wrong.</div>"#), 1, "{}", r.text);
        assert_eq!(r.count(r#"name="tenant_code" value="acme""#), 1);
        assert_eq!(r.count(r#"name="login_name" value="admin""#), 1);
        assert_eq!(stranger.get("/console/users").await.status, 303);

        // Logging out ends the session.
        let csrf = users.csrf();
        let r = v.post("/console/logout", &[("_csrf", &csrf)]).await;
        assert_eq!((r.status, r.location.as_deref()), (303, Some("/console/login")));
        let r = v.get("/console/users").await;
        assert_eq!((r.status, r.location.as_deref()), (303, Some("/console/login?next=%2Fconsole%2Fusers")));
    }

    async fn a_form_without_the_right_csrf_token_is_refused_and_changes_nothing(app) {
        let admin = app.tenant_admin("acme").await;
        let v = Visitor::logged_in(&app.base, "acme", "admin", ADMIN_PASSWORD).await;
        let csrf = v.get("/console/users/new").await.csrf();
        // Another session of the same user has another token.
        let elsewhere = Visitor::logged_in(&app.base, "acme", "admin", ADMIN_PASSWORD).await;
        let foreign = elsewhere.get("/console/users/new").await.csrf();
        assert_ne!(csrf, foreign);
        let fields = [("login_name", "mallory"), ("display_name", "Mallory"), ("password", "mallory-password-1")];
        for token in [None, Some(""), Some("not-the-token"), Some(foreign.as_str())] {
            let mut form = fields.to_vec();
            if let Some(t) = token {
                form.push(("_csrf", t));
            }
            let r = v.post("/console/users/new", &form).await;
            assert_eq!(r.status, 403, "token {token:?}: {}", r.text);
            assert_eq!(r.count(r#"data-test="error-title">Form expired</h1>"#), 1, "{}", r.text);
            assert_eq!(r.count("This form is out of date or did not come from this console."), 1);
        }
        let r = v.post("/console/locale", &[("locale", "zh-CN"), ("back", "/console"), ("_csrf", "forged")]).await;
        assert_eq!(r.status, 403);
        let r = v.post("/console/logout", &[]).await;
        assert_eq!(r.status, 403);

        // Nothing changed: no user, the language is still English, the session still works.
        let users = admin.get("/api/v1/users").await.body;
        assert_eq!(users["total"], 1, "{users}");
        assert_eq!(users["items"][0]["locale"], "en");
        assert_eq!(v.get("/console/users").await.status, 200);

        // The same form with its own token goes through.
        let mut form = fields.to_vec();
        form.push(("_csrf", &csrf));
        let r = v.post("/console/users/new", &form).await;
        assert_eq!((r.status, r.location.as_deref()), (303, Some("/console/users")), "{}", r.text);
        let users = admin.get("/api/v1/users?search=mallory").await.body;
        assert_eq!(users["total"], 1, "{users}");
    }

    async fn a_user_without_users_read_is_refused_with_the_permission_named(app) {
        let admin = app.tenant_admin("acme").await;
        let role = admin.post("/api/v1/roles", &json!({"key": "settings-reader", "name": "Settings reader", "permissions": ["settings:read"]})).await;
        assert_eq!(role.status, 201, "{}", role.text);
        let r = admin.post("/api/v1/users", &json!({"login_name": "sam", "display_name": "Sam", "password": "sam-password-1", "role_ids": [role.body["id"]]})).await;
        assert_eq!(r.status, 201, "{}", r.text);

        let sam = Visitor::logged_in(&app.base, "acme", "sam", "sam-password-1").await;
        let r = sam.get("/console/users").await;
        assert_eq!(r.status, 403);
        assert_eq!(r.count(r#"data-test="error-title">Access denied</h1>"#), 1, "{}", r.text);
        assert_eq!(r.count(r#"data-test="error-message">You need the permission users:read.</p>"#), 1, "{}", r.text);
        assert_eq!(r.count(&row("admin")), 0);
        // Not offered in the sidebar either; the page Sam may open works.
        assert_eq!(r.count(r#"data-test="nav-users""#), 0);
        assert_eq!(r.count(r#"data-test="nav-settings""#), 1);
        assert_eq!(sam.get("/console/settings").await.status, 200);

        // Creating is refused even with a valid token, naming that permission.
        let csrf = sam.get("/console/settings").await.csrf();
        let r = sam.post("/console/users/new", &[("_csrf", &csrf), ("login_name", "eve"), ("display_name", "Eve"), ("password", "eve-password-12")]).await;
        assert_eq!(r.status, 403);
        assert_eq!(r.count("You need the permission users:create."), 1, "{}", r.text);
        assert_eq!(admin.get("/api/v1/users").await.body["total"], 2);
    }

    async fn the_login_page_speaks_the_visitors_language(app) {
        let _admin = app.tenant_admin("acme").await;
        let v = Visitor::new(&app.base);
        let zh = v.get_with("/console/login", &[("accept-language", "zh-CN,zh;q=0.9,en;q=0.8")]).await;
        assert_eq!(zh.status, 200);
        for text in [r#"<html lang="zh-CN">"#, "<title>登录 · Patron</title>", "<h1>登录</h1>", r#"<label for="tenant_code">组织代码</label>"#, r#"<label for="login_name">账号</label>"#] {
            assert_eq!(zh.count(text), 1, "{text} in {}", zh.text);
        }
        let en = v.get_with("/console/login", &[("accept-language", "fr-FR, en;q=0.5")]).await;
        for text in [r#"<html lang="en">"#, "<h1>Log in</h1>", r#"<label for="tenant_code">Organisation code</label>"#] {
            assert_eq!(en.count(text), 1, "{text} in {}", en.text);
        }
        assert_eq!(v.get("/console/login").await.count("<h1>Log in</h1>"), 1, "English without a preference");

        // A wrong password is explained in Chinese too.
        let r = v.post_with("/console/login", &[("next", "/console"), ("tenant_code", "acme"), ("login_name", "admin"), ("password", "wrong-password")], &[("accept-language", "zh-CN")]).await;
        assert_eq!(r.status, 401);
        assert_eq!(r.count(r#"data-test="form-error">组织代码、账号或密码错误。</div>"#), 1, "{}", r.text);

        // Choosing a language on the login page is remembered in a cookie.
        let r = v.get_with("/console/login?lang=zh-CN", &[("accept-language", "en")]).await;
        assert_eq!(r.count("<h1>登录</h1>"), 1);
        assert_eq!(r.cookie("patron_locale").map(|c| c.split(';').next().unwrap()), Some("patron_locale=zh-CN"));
        let r = v.get_with("/console/login", &[("accept-language", "en")]).await;
        assert_eq!(r.count("<h1>登录</h1>"), 1, "{}", r.text);
    }

    async fn an_unknown_console_path_is_a_404_page(app) {
        let admin = app.tenant_admin("acme").await;
        let anonymous = Visitor::new(&app.base);
        let r = anonymous.get("/console/no-such-page").await;
        assert_eq!(r.status, 404);
        assert_eq!(r.count(r#"data-test="error-title">Page not found</h1>"#), 1, "{}", r.text);
        assert_eq!(r.count(r#"data-test="error-message">There is nothing at this address, or it has been deleted.</p>"#), 1);
        assert_eq!(r.count(r#"data-test="nav-home""#), 0);
        let r = anonymous.get_with("/console/no-such-page", &[("accept-language", "zh-CN")]).await;
        assert_eq!((r.status, r.count(r#"data-test="error-title">页面不存在</h1>"#)), (404, 1), "{}", r.text);

        // Logged in: the same page inside the console's frame.
        let v = Visitor::logged_in(&app.base, "acme", "admin", ADMIN_PASSWORD).await;
        for path in ["/console/no-such-page", "/console/users/not-an-id", "/console/roles/not-an-id", "/console/users/new/extra"] {
            let r = v.get(path).await;
            assert_eq!(r.status, 404, "{path}");
            assert_eq!(r.count(r#"data-test="error-title">Page not found</h1>"#), 1, "{path}: {}", r.text);
            assert_eq!(r.count(r#"data-test="nav-home""#), 1, "{path}");
        }
        // A well-formed id that does not exist.
        let me = admin.get("/api/v1/me").await.body;
        let id = me["actor_id"].as_str().unwrap().to_string();
        let missing = format!("{}{}", &id[..id.len() - 4], if id.ends_with("0000") { "1111" } else { "0000" });
        let r = v.get(&format!("/console/users/{missing}")).await;
        assert_eq!(r.status, 404, "{missing}: {}", r.text);
    }

    async fn the_users_list_shows_thirty_a_page_with_exact_counts(app) {
        let admin = app.tenant_admin("acme").await;
        create_members(&admin, 35).await;
        let v = Visitor::logged_in(&app.base, "acme", "admin", ADMIN_PASSWORD).await;

        let first = v.get("/console/users").await;
        assert_eq!(first.status, 200);
        assert_eq!(first.count(&summary("Showing 1–30 of 36")), 1, "{}", first.text);
        assert_eq!(first.count(r#"data-test="user-row-"#), 30);
        // Oldest first: the administrator, then member01 to member29.
        assert_eq!(first.count(&row("admin")), 1);
        assert_eq!(first.count(&row("member29")), 1);
        assert_eq!(first.count(&row("member30")), 0);
        assert_eq!(first.count(r#"<a class="btn small" href="/console/users?page=2" data-test="next-page">"#), 1, "{}", first.text);
        assert_eq!(first.count(r#"data-test="prev-page""#), 0);

        let second = v.get("/console/users?page=2").await;
        assert_eq!(second.count(&summary("Showing 31–36 of 36")), 1, "{}", second.text);
        assert_eq!(second.count(r#"data-test="user-row-"#), 6);
        for i in 30..=35 {
            assert_eq!(second.count(&row(&format!("member{i}"))), 1);
        }
        assert_eq!(second.count(r#"<a class="btn small" href="/console/users" data-test="prev-page">"#), 1, "{}", second.text);
        assert_eq!(second.count(r#"data-test="next-page""#), 0);

        // Past the end: the empty state, no summary. A bad page number shows the first page.
        let third = v.get("/console/users?page=3").await;
        assert_eq!(third.count(r#"data-test="user-row-"#), 0);
        assert_eq!(third.count(r#"data-test="empty""#), 1);
        assert_eq!(third.count(&summary("")), 1);
        let bad = v.get("/console/users?page=zero").await;
        assert_eq!(bad.count(&summary("Showing 1–30 of 36")), 1);

        // In Chinese, the same numbers.
        let zh = admin.patch(&format!("/api/v1/users/{}", admin.get("/api/v1/me").await.body["actor_id"].as_str().unwrap()), &json!({"locale": "zh-CN"})).await;
        assert_eq!(zh.status, 200, "{}", zh.text);
        let second = v.get("/console/users?page=2").await;
        assert_eq!(second.count(&summary("显示第 31 至 36 项，共 36 项")), 1, "{}", second.text);

        // Paging through a search keeps the search.
        let found = v.get("/console/users?search=member").await;
        assert_eq!(found.count(&summary("显示第 1 至 30 项，共 35 项")), 1, "{}", found.text);
        assert_eq!(found.count(r#"href="/console/users?search=member&#38;page=2" data-test="next-page""#), 1, "{}", found.text);
        let rest = v.get("/console/users?search=member&page=2").await;
        assert_eq!(rest.count(&summary("显示第 31 至 35 项，共 35 项")), 1, "{}", rest.text);
        assert_eq!(rest.count(r#"data-test="user-row-"#), 5);
    }

    async fn search_narrows_the_users_list(app) {
        let admin = app.tenant_admin("acme").await;
        create_members(&admin, 12).await;
        let r = admin.post("/api/v1/users", &json!({"login_name": "feng", "display_name": "冯金泉", "email": "feng@brand.cn", "password": "feng-password-1"})).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let v = Visitor::logged_in(&app.base, "acme", "admin", ADMIN_PASSWORD).await;
        assert_eq!(v.get("/console/users").await.count(&summary("Showing 1–14 of 14")), 1);

        let r = v.get("/console/users?search=member1").await;
        assert_eq!(r.count(&summary("Showing 1–3 of 3")), 1, "{}", r.text);
        assert_eq!(r.count(r#"data-test="user-row-"#), 3);
        for login in ["member10", "member11", "member12"] {
            assert_eq!(r.count(&row(login)), 1, "{login}");
        }
        assert_eq!(r.count(r#"name="search" value="member1""#), 1, "the search box keeps the words");

        // Case-insensitive, and over display names and emails too.
        let r = v.get("/console/users?search=MEMBER07").await;
        assert_eq!((r.count(r#"data-test="user-row-"#), r.count(&row("member07"))), (1, 1));
        let r = v.get("/console/users?search=%E5%86%AF").await;
        assert_eq!((r.count(r#"data-test="user-row-"#), r.count(&row("feng"))), (1, 1), "{}", r.text);
        let r = v.get("/console/users?search=brand.cn").await;
        assert_eq!((r.count(r#"data-test="user-row-"#), r.count(&row("feng"))), (1, 1));

        let r = v.get("/console/users?search=nobody").await;
        assert_eq!(r.status, 200);
        assert_eq!(r.count(r#"data-test="user-row-"#), 0);
        assert_eq!(r.count(r#"data-test="empty">Nothing matches. Try another search, or create one with New.</div>"#), 1, "{}", r.text);
        assert_eq!(r.count(&summary("")), 1);
    }

    async fn another_tenants_user_is_not_found(app) {
        let acme = app.tenant_admin("acme").await;
        let beta = app.tenant_admin("beta").await;
        let r = beta.post("/api/v1/users", &json!({"login_name": "bob", "display_name": "Bob", "password": "bob-password-12"})).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let bob = r.body["id"].as_str().unwrap().to_string();
        let beta_role = beta.get("/api/v1/roles").await.body["items"][0]["id"].as_str().unwrap().to_string();

        let v = Visitor::logged_in(&app.base, "acme", "admin", ADMIN_PASSWORD).await;
        // The same pages work for acme's own user, so the 404 is about the tenant.
        let own = acme.get("/api/v1/me").await.body["actor_id"].as_str().unwrap().to_string();
        let mine = v.get(&format!("/console/users/{own}")).await;
        assert_eq!(mine.status, 200);
        assert_eq!(mine.count(r#"name="login_name" value="admin" disabled"#), 1, "{}", mine.text);
        let csrf = mine.csrf();

        for path in [format!("/console/users/{bob}"), format!("/console/users/{bob}/password"), format!("/console/users/{bob}/delete"), format!("/console/roles/{beta_role}")] {
            let r = v.get(&path).await;
            assert_eq!(r.status, 404, "{path}: {}", r.text);
            assert_eq!(r.count(r#"data-test="error-title">Page not found</h1>"#), 1, "{path}");
            assert_eq!(r.count("Bob"), 0, "{path}");
        }
        let r = v.post(&format!("/console/users/{bob}"), &[("_csrf", &csrf), ("display_name", "Hacked"), ("email", ""), ("locale", "en"), ("status", "disabled")]).await;
        assert_eq!(r.status, 404, "{}", r.text);
        let r = v.post(&format!("/console/users/{bob}/password"), &[("_csrf", &csrf), ("password", "hacked-password-1")]).await;
        assert_eq!(r.status, 404, "{}", r.text);
        let r = v.post(&format!("/console/users/{bob}/delete"), &[("_csrf", &csrf)]).await;
        assert_eq!(r.status, 404, "{}", r.text);

        // Bob is untouched and can still log in with his own password.
        let r = beta.get(&format!("/api/v1/users/{bob}")).await;
        assert_eq!((r.status, r.body["display_name"].as_str(), r.body["status"].as_str()), (200, Some("Bob"), Some("active")));
        let mut b = app.anonymous();
        assert_eq!(b.try_login("beta", "bob", "bob-password-12").await.status, 200);
    }
}
