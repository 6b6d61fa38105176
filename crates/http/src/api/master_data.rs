//! The API of product categories, products, stores and payment methods (spec §11). Records
//! arrive from the brand's systems by bulk upsert (`PUT` with `{"items": [...]}`), keyed by
//! external code; reads are by code; the few local edits are `PATCH`es.

mod categories;
mod payment_methods;
mod products;
mod stores;
pub mod views;

use crate::mutate::stored;
use crate::state::AppState;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Router;
use patron_app::master_data::BatchOutcome;
use patron_app::model::StoredResponse;
use utoipa::OpenApi;
use views::{BatchProblem, ItemErrorView, UpsertResult};

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(categories::router())
        .merge(products::router())
        .merge(stores::router())
        .merge(payment_methods::router())
}

/// The stored answer to a bulk upsert: the counts, or 422 with every fault.
fn batch_answer(outcome: BatchOutcome) -> StoredResponse {
    match outcome {
        Ok(c) => stored(
            StatusCode::OK,
            &UpsertResult {
                created: c.created,
                updated: c.updated,
                unchanged: c.unchanged,
            },
        ),
        Err(errors) => stored(
            StatusCode::UNPROCESSABLE_ENTITY,
            &BatchProblem {
                kind: "/problems/invalid_items".into(),
                title: "Unprocessable Entity".into(),
                status: 422,
                code: "invalid_items".into(),
                detail: format!(
                    "{} fault(s) in the items; nothing was written",
                    errors.len()
                ),
                errors: errors.iter().map(ItemErrorView::from).collect(),
            },
        ),
    }
}

/// A refused batch is a problem document like every other error.
fn problem_type(mut response: Response) -> Response {
    if response.status() == StatusCode::UNPROCESSABLE_ENTITY {
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
    }
    response
}

/// This module's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(
        categories::list,
        categories::show,
        categories::upsert,
        products::list,
        products::show,
        products::upsert,
        products::update,
        stores::list,
        stores::show,
        stores::upsert,
        stores::update,
        payment_methods::list,
        payment_methods::show,
        payment_methods::upsert,
        payment_methods::update,
    ),
    components(schemas(
        views::CategoryView,
        views::CategoryPage,
        views::ProductView,
        views::ProductPage,
        views::StoreView,
        views::StorePage,
        views::PaymentMethodView,
        views::PaymentMethodPage,
        views::UpsertResult,
        views::ItemErrorView,
        views::BatchProblem,
        categories::CategoryBatch,
        categories::CategoryItem,
        products::ProductBatch,
        products::ProductItem,
        products::ProductPatch,
        stores::StoreBatch,
        stores::StoreItem,
        stores::StorePatch,
        payment_methods::PaymentMethodBatch,
        payment_methods::PaymentMethodItem,
        payment_methods::PaymentMethodPatch,
    ))
)]
pub struct Doc;
