//! Console pages of customers and members: the customer list, the 360° view with its actions,
//! the profile form and PII erasure.

mod customers;
mod imports;
mod portrait;
mod transactions;

use crate::state::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(customers::router())
        .merge(portrait::router())
        .merge(imports::router())
}
