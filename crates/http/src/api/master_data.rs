//! The API of product categories, products, stores and payment methods.

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
