//! `/api/v1/stores`: physical stores and the virtual stores of online channels.

use super::views::{StorePage, StoreView};
use super::{batch_answer, problem_type};
use crate::auth::{perm, Auth};
use crate::body::ApiJson;
use crate::mutate::{mutate, stored};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::state::AppState;
use crate::views::ListParams;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use patron_app::master_data::{self as md, StoreFilter};
use patron_domain::channel::Channel;
use patron_domain::master_data::{StoreInput, StoreKind, StoreStatus};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/stores", get(list).put(upsert))
        .route("/api/v1/stores/{code}", get(show).patch(update))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StoreItem {
    /// External code, e.g. `CNSHA001`.
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    /// `physical` (default) or `virtual`.
    pub kind: Option<String>,
    /// A channel code. Physical stores default to `pos`; a virtual store needs an online channel.
    pub channel: Option<String>,
    /// The org unit above (上级部门), e.g. `HDCN`.
    pub parent_code: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    /// `open` or `closed`; when absent a stored store keeps its status (new: `open`).
    pub status: Option<String>,
    /// The source system; `api` when absent.
    pub source: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StoreBatch {
    /// Up to 1000 stores.
    pub items: Vec<StoreItem>,
}

impl From<StoreItem> for StoreInput {
    fn from(i: StoreItem) -> Self {
        Self {
            code: i.code,
            name: i.name,
            kind: i.kind,
            channel: i.channel,
            parent_code: i.parent_code,
            province: i.province,
            city: i.city,
            status: i.status,
            source: i.source,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StorePatch {
    /// `open` or `closed`.
    pub status: String,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StoreParams {
    pub search: Option<String>,
    pub after: Option<String>,
    pub limit: Option<u32>,
    /// `physical` or `virtual`.
    pub kind: Option<String>,
    /// A channel code.
    pub channel: Option<String>,
    /// `open` or `closed`.
    pub status: Option<String>,
}

fn blank(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The filters of `?kind=&channel=&status=`; an unknown value is a 422, not an empty list.
pub fn filter(
    kind: &Option<String>,
    channel: &Option<String>,
    status: &Option<String>,
) -> ApiResult<StoreFilter> {
    let invalid = |e: patron_domain::ValidationError| ApiError::from(patron_app::AppError::from(e));
    Ok(StoreFilter {
        kind: blank(kind)
            .map(StoreKind::parse)
            .transpose()
            .map_err(invalid)?,
        channel: blank(channel)
            .map(|c| Channel::parse_field("channel", c))
            .transpose()
            .map_err(invalid)?,
        status: blank(status)
            .map(StoreStatus::parse)
            .transpose()
            .map_err(invalid)?,
    })
}

/// List stores (search by code or name; filter by kind, channel and status).
#[utoipa::path(get, path = "/api/v1/stores", tag = "master data", params(StoreParams),
    security(("api_key" = ["master_data:read"]), ("session" = ["master_data:read"])),
    responses((status = 200, body = StorePage), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth<perm::MasterDataRead>,
    Query(p): Query<StoreParams>,
) -> ApiResult<Json<StorePage>> {
    let filter = filter(&p.kind, &p.channel, &p.status)?;
    let q = ListParams {
        search: p.search,
        after: p.after,
        limit: p.limit,
    }
    .query();
    let page = md::stores(&*state.store, &auth.ctx, &filter, &q).await?;
    Ok(Json(StorePage::from(&page)))
}

/// Get a store by code.
#[utoipa::path(get, path = "/api/v1/stores/{code}", tag = "master data", params(("code" = String, Path)),
    security(("api_key" = ["master_data:read"]), ("session" = ["master_data:read"])),
    responses((status = 200, body = StoreView), (status = 404, body = Problem)))]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth<perm::MasterDataRead>,
    Path(code): Path<String>,
) -> ApiResult<Json<StoreView>> {
    let s = md::store_by_code(&*state.store, &auth.ctx, &code).await?;
    Ok(Json(StoreView::from(&s)))
}

/// Create or update stores by code, all or nothing.
#[utoipa::path(put, path = "/api/v1/stores", tag = "master data", request_body = StoreBatch,
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    security(("api_key" = ["master_data:manage"]), ("session" = ["master_data:manage"])),
    responses((status = 200, body = super::views::UpsertResult), (status = 422, body = super::views::BatchProblem)))]
pub async fn upsert(
    State(state): State<AppState>,
    auth: Auth<perm::MasterDataManage>,
    headers: HeaderMap,
    body: ApiJson<StoreBatch>,
) -> ApiResult<Response> {
    let items: Vec<StoreInput> = body.value.items.into_iter().map(Into::into).collect();
    let ctx = auth.ctx.clone();
    let response = mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move { Ok(batch_answer(md::upsert_stores(tx, &ctx, &items).await?)) })
    })
    .await?;
    Ok(problem_type(response))
}

/// Open or close a store.
#[utoipa::path(patch, path = "/api/v1/stores/{code}", tag = "master data", params(("code" = String, Path)), request_body = StorePatch,
    security(("api_key" = ["master_data:manage"]), ("session" = ["master_data:manage"])),
    responses((status = 200, body = StoreView), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth<perm::MasterDataManage>,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: ApiJson<StorePatch>,
) -> ApiResult<Response> {
    let status = body.value.status;
    let ctx = auth.ctx.clone();
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let s = md::set_store_status(tx, &ctx, &code, &status).await?;
            Ok(stored(StatusCode::OK, &StoreView::from(&s)))
        })
    })
    .await
}
