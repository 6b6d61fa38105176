//! The API of customers, members, channel bindings and imports.

use crate::state::AppState;
use axum::Router;
use utoipa::OpenApi;

pub fn router() -> Router<AppState> {
    Router::new()
}

/// This module's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi()]
pub struct Doc;
