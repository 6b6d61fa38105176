//! Console pages: Store groups and product groups (marketing-analytics-admin §3–4).

use crate::state::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
}
