//! Console pages of customers, members, channel bindings and imports.

use crate::state::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
}
