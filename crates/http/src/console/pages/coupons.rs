//! Console pages: The coupon center (loyalty-core §11).

use crate::state::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
}
