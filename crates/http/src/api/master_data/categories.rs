//! `/api/v1/categories`: the three-level product category tree.

use super::views::{CategoryPage, CategoryView};
use super::{batch_answer, problem_type};
use crate::auth::{perm, Auth};
use crate::body::ApiJson;
use crate::mutate::mutate;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use crate::views::ListParams;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use patron_app::master_data as md;
use patron_domain::master_data::CategoryInput;
use serde::Deserialize;
use utoipa::ToSchema;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/categories", get(list).put(upsert))
        .route("/api/v1/categories/{code}", get(show))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryItem {
    /// External code, e.g. `CS99904`: letters, digits, `-`, `_`, `.`; case is kept.
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    /// 1, 2 or 3.
    #[serde(default)]
    pub level: i64,
    /// Required for levels 2 and 3: a category one level up, stored or in the same batch.
    pub parent_code: Option<String>,
    /// The source system; `api` when absent.
    pub source: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryBatch {
    /// Up to 1000 categories; parents may come in the same batch.
    pub items: Vec<CategoryItem>,
}

impl From<CategoryItem> for CategoryInput {
    fn from(i: CategoryItem) -> Self {
        Self {
            code: i.code,
            name: i.name,
            level: i.level,
            parent_code: i.parent_code,
            source: i.source,
        }
    }
}

/// List categories (search by code or name).
#[utoipa::path(get, path = "/api/v1/categories", tag = "master data", params(ListParams),
    security(("api_key" = ["master_data:read"]), ("session" = ["master_data:read"])),
    responses((status = 200, body = CategoryPage), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth<perm::MasterDataRead>,
    Query(params): Query<ListParams>,
) -> ApiResult<Json<CategoryPage>> {
    let page = md::categories(&*state.store, &auth.ctx, &params.query()).await?;
    Ok(Json(CategoryPage::from(&page)))
}

/// Get a category by code.
#[utoipa::path(get, path = "/api/v1/categories/{code}", tag = "master data", params(("code" = String, Path)),
    security(("api_key" = ["master_data:read"]), ("session" = ["master_data:read"])),
    responses((status = 200, body = CategoryView), (status = 404, body = Problem)))]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth<perm::MasterDataRead>,
    Path(code): Path<String>,
) -> ApiResult<Json<CategoryView>> {
    let c = md::category(&*state.store, &auth.ctx, &code).await?;
    Ok(Json(CategoryView::from(&c)))
}

/// Create or update categories by code, all or nothing.
#[utoipa::path(put, path = "/api/v1/categories", tag = "master data", request_body = CategoryBatch,
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    security(("api_key" = ["master_data:manage"]), ("session" = ["master_data:manage"])),
    responses((status = 200, body = super::views::UpsertResult), (status = 422, body = super::views::BatchProblem)))]
pub async fn upsert(
    State(state): State<AppState>,
    auth: Auth<perm::MasterDataManage>,
    headers: HeaderMap,
    body: ApiJson<CategoryBatch>,
) -> ApiResult<Response> {
    let items: Vec<CategoryInput> = body.value.items.into_iter().map(Into::into).collect();
    let ctx = auth.ctx.clone();
    let response = mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move { Ok(batch_answer(md::upsert_categories(tx, &ctx, &items).await?)) })
    })
    .await?;
    Ok(problem_type(response))
}
