//! The JSON API under `/api/v1`, one module per resource.

pub mod api_keys;
pub mod audit;
pub mod behavior;
pub mod coupons;
pub mod groups;
pub mod jobs;
pub mod loyalty;
pub mod master_data;
pub mod members;
pub mod orders;
pub mod point_rules;
pub mod points;
pub mod roles;
pub mod session;
pub mod tenants;
pub mod users;

use crate::state::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(session::router())
        .merge(tenants::router())
        .merge(users::router())
        .merge(roles::router())
        .merge(api_keys::router())
        .merge(audit::router())
        .merge(loyalty::router())
        .merge(master_data::router())
        .merge(members::router())
        .merge(orders::router())
        .merge(behavior::router())
        .merge(points::router())
        .merge(point_rules::router())
        .merge(jobs::router())
        .merge(groups::router())
        .merge(coupons::router())
}
