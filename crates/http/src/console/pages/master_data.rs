//! Console pages of product categories, products, stores and payment methods.

use crate::state::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
}
