//! `/console`: the start page. A welcome, a few counts and the modules the user can open.

use crate::auth::Authenticated;
use crate::console::guard::Console;
use crate::console::layout::Layout;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use patron_app::model::ListQuery;
use patron_app::{api_keys, roles, tenants, users, AppResult};
use patron_domain::rbac::Permission;

pub fn router() -> Router<AppState> {
    Router::new().route("/console", get(home))
}

struct Stat {
    label: &'static str,
    value: u64,
    href: &'static str,
    test: &'static str,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    l: Layout,
    welcome: String,
    stats: Vec<Stat>,
}

/// Lists' totals are all the page needs, so each count asks for a single row.
fn one() -> ListQuery {
    ListQuery {
        limit: 1,
        ..ListQuery::default()
    }
}

async fn counts(state: &AppState, c: &Console<Authenticated>) -> AppResult<Vec<Stat>> {
    let store = &*state.store;
    let mut stats = Vec::new();
    if c.may(Permission::TenantsRead) {
        stats.push(Stat {
            label: c.t("nav.tenants"),
            value: tenants::list(store, &c.ctx, &one()).await?.total,
            href: "/console/tenants",
            test: "count-tenants",
        });
    }
    if c.is_platform() {
        return Ok(stats);
    }
    if c.may(Permission::UsersRead) {
        stats.push(Stat {
            label: c.t("nav.users"),
            value: users::list(store, &c.ctx, &one()).await?.total,
            href: "/console/users",
            test: "count-users",
        });
    }
    if c.may(Permission::RolesRead) {
        stats.push(Stat {
            label: c.t("nav.roles"),
            value: roles::list(store, &c.ctx, &one()).await?.total,
            href: "/console/roles",
            test: "count-roles",
        });
    }
    if c.may(Permission::ApiKeysRead) {
        stats.push(Stat {
            label: c.t("nav.api_keys"),
            value: api_keys::list(store, &c.ctx, &one()).await?.total,
            href: "/console/api-keys",
            test: "count-api-keys",
        });
    }
    Ok(stats)
}

async fn home(State(state): State<AppState>, c: Console<Authenticated>) -> Response {
    let stats = match counts(&state, &c).await {
        Ok(s) => s,
        Err(e) => return c.fail(e),
    };
    let l = c.layout("home.title", "home");
    let welcome = c.tr.tf(
        "home.welcome",
        &[("name", &l.user_name), ("org", &l.org_name)],
    );
    c.page(StatusCode::OK, &HomePage { l, welcome, stats })
}
