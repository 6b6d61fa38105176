//! `/api/v1/products`.

use super::views::{Price, ProductPage, ProductView};
use super::{batch_answer, problem_type};
use crate::auth::{perm, Auth};
use crate::body::ApiJson;
use crate::mutate::{mutate, stored};
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use crate::views::ListParams;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use patron_app::master_data::{self as md, ProductFilter};
use patron_domain::master_data::ProductInput;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/products", get(list).put(upsert))
        .route("/api/v1/products/{code}", get(show).patch(update))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductItem {
    /// External code, e.g. `SKU000123`.
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    pub brand: Option<String>,
    /// A stored category's code.
    pub category_code: Option<String>,
    /// Yuan, at most two decimals, as a string (`"12.50"`) or a number (`12.5`).
    #[schema(value_type = Option<String>, example = "12.50")]
    pub price: Option<Price>,
    /// `active` or `inactive`; when absent a stored product keeps its status (new: `active`).
    pub status: Option<String>,
    /// The source system; `api` when absent.
    pub source: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductBatch {
    /// Up to 1000 products.
    pub items: Vec<ProductItem>,
}

impl From<ProductItem> for ProductInput {
    fn from(i: ProductItem) -> Self {
        Self {
            code: i.code,
            name: i.name,
            brand: i.brand,
            category_code: i.category_code,
            price: i.price.map(|p| p.0),
            status: i.status,
            source: i.source,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductPatch {
    /// `active` or `inactive`.
    pub status: String,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProductParams {
    pub search: Option<String>,
    pub after: Option<String>,
    pub limit: Option<u32>,
    /// Only products of this category code.
    pub category: Option<String>,
}

/// List products (search by code or name, filter by category).
#[utoipa::path(get, path = "/api/v1/products", tag = "master data", params(ProductParams),
    security(("api_key" = ["master_data:read"]), ("session" = ["master_data:read"])),
    responses((status = 200, body = ProductPage), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth<perm::MasterDataRead>,
    Query(p): Query<ProductParams>,
) -> ApiResult<Json<ProductPage>> {
    let q = ListParams {
        search: p.search,
        after: p.after,
        limit: p.limit,
    }
    .query();
    let filter = ProductFilter {
        category: p.category.filter(|c| !c.trim().is_empty()),
    };
    let page = md::products(&*state.store, &auth.ctx, &filter, &q).await?;
    Ok(Json(ProductPage::from(&page)))
}

/// Get a product by code.
#[utoipa::path(get, path = "/api/v1/products/{code}", tag = "master data", params(("code" = String, Path)),
    security(("api_key" = ["master_data:read"]), ("session" = ["master_data:read"])),
    responses((status = 200, body = ProductView), (status = 404, body = Problem)))]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth<perm::MasterDataRead>,
    Path(code): Path<String>,
) -> ApiResult<Json<ProductView>> {
    let p = md::product(&*state.store, &auth.ctx, &code).await?;
    Ok(Json(ProductView::from(&p)))
}

/// Create or update products by code, all or nothing.
#[utoipa::path(put, path = "/api/v1/products", tag = "master data", request_body = ProductBatch,
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    security(("api_key" = ["master_data:manage"]), ("session" = ["master_data:manage"])),
    responses((status = 200, body = super::views::UpsertResult), (status = 422, body = super::views::BatchProblem)))]
pub async fn upsert(
    State(state): State<AppState>,
    auth: Auth<perm::MasterDataManage>,
    headers: HeaderMap,
    body: ApiJson<ProductBatch>,
) -> ApiResult<Response> {
    let items: Vec<ProductInput> = body.value.items.into_iter().map(Into::into).collect();
    let ctx = auth.ctx.clone();
    let response = mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move { Ok(batch_answer(md::upsert_products(tx, &ctx, &items).await?)) })
    })
    .await?;
    Ok(problem_type(response))
}

/// Activate or deactivate a product.
#[utoipa::path(patch, path = "/api/v1/products/{code}", tag = "master data", params(("code" = String, Path)), request_body = ProductPatch,
    security(("api_key" = ["master_data:manage"]), ("session" = ["master_data:manage"])),
    responses((status = 200, body = ProductView), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth<perm::MasterDataManage>,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: ApiJson<ProductPatch>,
) -> ApiResult<Response> {
    let status = body.value.status;
    let ctx = auth.ctx.clone();
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let p = md::set_product_status(tx, &ctx, &code, &status).await?;
            Ok(stored(StatusCode::OK, &ProductView::from(&p)))
        })
    })
    .await
}
