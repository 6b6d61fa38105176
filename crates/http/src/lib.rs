//! Patron's HTTP surfaces: `/api/v1` (JSON, documented at `/api/openapi.json`), `/console`
//! (server-rendered HTML), and `/healthz`, `/readyz`, `/metrics`.

pub mod api;
pub mod auth;
pub mod body;
pub mod complete;
pub mod console;
pub mod mutate;
pub mod observe;
pub mod openapi;
pub mod problem;
pub mod state;
pub mod views;

pub use state::{AppState, HttpSettings};

use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::{middleware, Json, Router};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

/// The whole application.
pub fn router(state: AppState) -> Router {
    observe::prometheus();
    let max_body = state.settings.max_body_bytes;
    Router::new()
        .merge(api::router())
        .merge(console::router())
        .route(
            "/api/openapi.json",
            get(|| async { Json(openapi::document()) }),
        )
        .route("/healthz", get(observe::healthz))
        .route("/readyz", get(observe::readyz))
        .route("/metrics", get(observe::metrics))
        .route_layer(middleware::from_fn(observe::track))
        .fallback(observe::not_found)
        .method_not_allowed_fallback(observe::method_not_allowed)
        .layer(middleware::from_fn(complete::run_to_completion))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}
