//! Console pages of programs, point groups, cost centers, tiers and tier rules.

use crate::state::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
}
