//! The web console under `/console`: server-rendered pages (askama templates compiled into the
//! binary) for tenants, users, roles, API keys, the audit log and settings, in English and
//! Simplified Chinese. Handlers are as thin as the API's and call the same use cases; they only
//! turn forms into use-case input and errors into messages next to the fields.

pub mod form;
pub mod guard;
pub mod i18n;
pub mod layout;
pub mod list;
pub mod pages;
pub mod render;

use crate::auth::Authenticated;
use crate::state::AppState;
use askama::Template;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::Router;
use guard::Console;
use layout::Layout;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(pages::login::router())
        .merge(pages::home::router())
        .merge(pages::tenants::router())
        .merge(pages::users::router())
        .merge(pages::roles::router())
        .merge(pages::api_keys::router())
        .merge(pages::audit::router())
        .merge(pages::orders::router())
        .merge(pages::settings::router())
        .merge(pages::account::router())
        .merge(pages::loyalty::router())
        .merge(pages::master_data::router())
        .merge(pages::members::router())
        .merge(pages::points::router())
        .merge(pages::jobs::router())
        .merge(pages::groups::router())
        .merge(pages::coupons::router())
        .route("/console/static/console.css", get(css))
        .route("/console/static/console.js", get(js))
        .route("/console/", get(|| async { render::redirect("/console") }))
        .route("/console/{*rest}", any(not_found))
}

/// An error inside the layout: refusals, unknown pages, failed actions.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub l: Layout,
    pub message: String,
    pub detail: String,
}

/// "Delete this user?": the confirmation step before a delete or a revoke, which posts to
/// `action`. A refusal (role still in use, last administrator) is shown on it.
#[derive(Template)]
#[template(path = "confirm.html")]
pub struct Confirm {
    pub l: Layout,
    pub message: String,
    pub action: String,
    pub button: &'static str,
    pub cancel: String,
    pub errors: form::Errors,
}

const CSS: &str = include_str!("../../static/console.css");
const JS: &str = include_str!("../../static/console.js");

/// Static files are versioned with the binary, so they may be cached for a day.
fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=86400"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body,
    )
        .into_response()
}

async fn css() -> Response {
    asset("text/css; charset=utf-8", CSS)
}

async fn js() -> Response {
    asset("text/javascript; charset=utf-8", JS)
}

/// Unknown console paths: a 404 page in the caller's language, inside the layout when logged in.
async fn not_found(
    headers: HeaderMap,
    console: Result<Console<Authenticated>, Response>,
) -> Response {
    match console {
        Ok(c) => c.not_found(),
        Err(_) => {
            let tr = i18n::Tr(i18n::visitor_locale(&headers));
            render::bare_error(
                StatusCode::NOT_FOUND,
                tr,
                "error.not_found_title",
                tr.t("error.not_found").to_string(),
            )
        }
    }
}
