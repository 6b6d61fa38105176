//! `/api/v1/programs`.

use super::views::{ProgramPage, ProgramView};
use super::{delete_with, path_id};
use crate::auth::{perm, Auth};
use crate::body::ApiJson;
use crate::mutate::{mutate, stored};
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use crate::views::ListParams;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use patron_app::loyalty::programs::{self, ProgramInput, ProgramPatch};
use patron_domain::ids::ProgramId;
use serde::Deserialize;
use utoipa::ToSchema;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/programs", get(list).post(create))
        .route(
            "/api/v1/programs/{id}",
            get(show).patch(update).delete(remove),
        )
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateProgramRequest {
    /// Unique in the tenant: lowercase letters, digits, `-`, `_`; at most 64. Never changes.
    pub code: String,
    /// 1 to 128 characters.
    pub name: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateProgramRequest {
    pub name: Option<String>,
}

/// List loyalty programs.
#[utoipa::path(get, path = "/api/v1/programs", tag = "loyalty", params(ListParams),
    security(("api_key" = ["loyalty:read"]), ("session" = ["loyalty:read"])),
    responses((status = 200, body = ProgramPage), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth<perm::LoyaltyRead>,
    Query(params): Query<ListParams>,
) -> ApiResult<Json<ProgramPage>> {
    let page = programs::list(&*state.store, &auth.ctx, &params.query()).await?;
    Ok(Json(ProgramPage::from_page(&page)))
}

/// Create a loyalty program.
#[utoipa::path(post, path = "/api/v1/programs", tag = "loyalty", request_body = CreateProgramRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    security(("api_key" = ["loyalty:manage"]), ("session" = ["loyalty:manage"])),
    responses((status = 201, body = ProgramView), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth<perm::LoyaltyManage>,
    headers: HeaderMap,
    body: ApiJson<CreateProgramRequest>,
) -> ApiResult<Response> {
    let r = body.value;
    let input = ProgramInput {
        code: r.code,
        name: r.name,
    };
    let ctx = auth.ctx.clone();
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let p = programs::create(tx, &ctx, input).await?;
            Ok(stored(StatusCode::CREATED, &ProgramView::from(&p)))
        })
    })
    .await
}

/// Get a loyalty program.
#[utoipa::path(get, path = "/api/v1/programs/{id}", tag = "loyalty", params(("id" = String, Path)),
    security(("api_key" = ["loyalty:read"]), ("session" = ["loyalty:read"])),
    responses((status = 200, body = ProgramView), (status = 404, body = Problem)))]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth<perm::LoyaltyRead>,
    Path(id): Path<String>,
) -> ApiResult<Json<ProgramView>> {
    let id = path_id(&id, ProgramId::parse, "program")?;
    let p = programs::get(&*state.store, &auth.ctx, id).await?;
    Ok(Json(ProgramView::from(&p)))
}

/// Rename a loyalty program.
#[utoipa::path(patch, path = "/api/v1/programs/{id}", tag = "loyalty", params(("id" = String, Path)), request_body = UpdateProgramRequest,
    security(("api_key" = ["loyalty:manage"]), ("session" = ["loyalty:manage"])),
    responses((status = 200, body = ProgramView), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth<perm::LoyaltyManage>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: ApiJson<UpdateProgramRequest>,
) -> ApiResult<Response> {
    let id = path_id(&id, ProgramId::parse, "program")?;
    let patch = ProgramPatch {
        name: body.value.name,
    };
    let ctx = auth.ctx.clone();
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let p = programs::update(tx, &ctx, id, patch).await?;
            Ok(stored(StatusCode::OK, &ProgramView::from(&p)))
        })
    })
    .await
}

/// Delete a loyalty program that has no configuration and no members.
#[utoipa::path(delete, path = "/api/v1/programs/{id}", tag = "loyalty", params(("id" = String, Path)),
    security(("api_key" = ["loyalty:manage"]), ("session" = ["loyalty:manage"])),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn remove(
    State(state): State<AppState>,
    auth: Auth<perm::LoyaltyManage>,
    Path(id): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> ApiResult<Response> {
    let id = path_id(&id, ProgramId::parse, "program")?;
    let ctx = auth.ctx.clone();
    delete_with(&state, &auth.ctx, &headers, &uri, move |tx| {
        Box::pin(async move { programs::delete(tx, &ctx, id).await })
    })
    .await
}
