//! Console pages of the coupon center (loyalty-core §11): coupon rules (list, form with a live
//! preview, detail with its five tabs, extra stock), the approval queue, coupon search, transfer
//! records, and the coupons tab of the customer 360° view. Every page calls the coupon use cases;
//! nothing goes through the JSON API.

mod approvals;
mod choices;
mod detail;
mod instances;
pub mod member;
mod preview;
mod rows;
mod rule_form;
mod rules;
mod text;
mod transfers;

use crate::state::AppState;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

/// Where the rule pages live.
pub const RULES: &str = "/console/coupons/rules";

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(rules::router())
        .merge(rule_form::router())
        .merge(detail::router())
        .merge(approvals::router())
        .merge(instances::router())
        .merge(transfers::router())
        .route("/console/static/coupon_rules.js", get(preview_js))
}

/// The rule form's preview script: a file of our own origin, since pages may run no inline
/// script (CSP); versioned with the binary like the other assets.
const PREVIEW_JS: &str = include_str!("../../../../static/coupon_rules.js");

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
