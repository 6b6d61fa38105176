//! Console pages of the points center: base point rules (with a live plain-language preview
//! and a simulation over past orders), and a member's point records, their relations and manual adjustments, reached from the
//! customer 360° view.

pub mod member;
mod rule_form;
mod rules;
mod simulate;

use crate::state::AppState;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(rules::router())
        .merge(simulate::router())
        .merge(member::router())
        .route("/console/static/point_rules.js", get(preview_js))
}

/// The rule form's preview script. Pages may only run scripts of our own origin (CSP), so it is
/// a file rather than inline; versioned with the binary like the other assets.
const PREVIEW_JS: &str = include_str!("../../../../static/point_rules.js");

async fn preview_js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        PREVIEW_JS,
    )
        .into_response()
}
