//! `/api/v1/programs/{id}/point-groups`, `/api/v1/point-groups/{id}` and the same for cost
//! centers: two lists of code and name inside a program.

use super::views::{EntryPage, EntryView};
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
use patron_app::loyalty::{cost_centers, point_groups};
use patron_domain::ids::{CostCenterId, PointGroupId, ProgramId};
use serde::Deserialize;
use utoipa::ToSchema;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/programs/{id}/point-groups",
            get(list_point_groups).post(create_point_group),
        )
        .route(
            "/api/v1/point-groups/{id}",
            get(show_point_group)
                .patch(update_point_group)
                .delete(remove_point_group),
        )
        .route(
            "/api/v1/programs/{id}/cost-centers",
            get(list_cost_centers).post(create_cost_center),
        )
        .route(
            "/api/v1/cost-centers/{id}",
            get(show_cost_center)
                .patch(update_cost_center)
                .delete(remove_cost_center),
        )
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEntryRequest {
    /// Unique in the program: lowercase letters, digits, `-`, `_`; at most 32. Never changes.
    pub code: String,
    /// 1 to 64 characters, e.g. 积分.
    pub name: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateEntryRequest {
    pub name: Option<String>,
}

/// List the point groups of a program.
#[utoipa::path(get, path = "/api/v1/programs/{id}/point-groups", tag = "loyalty", params(("id" = String, Path), ListParams),
    security(("api_key" = ["loyalty:read"]), ("session" = ["loyalty:read"])),
    responses((status = 200, body = EntryPage), (status = 404, body = Problem)))]
pub async fn list_point_groups(
    State(state): State<AppState>,
    auth: Auth<perm::LoyaltyRead>,
    Path(id): Path<String>,
    Query(params): Query<ListParams>,
) -> ApiResult<Json<EntryPage>> {
    let program = path_id(&id, ProgramId::parse, "program")?;
    let page = point_groups::list(&*state.store, &auth.ctx, program, &params.query()).await?;
    Ok(Json(EntryPage::from_page(&page)))
}

/// Create a point group in a program.
#[utoipa::path(post, path = "/api/v1/programs/{id}/point-groups", tag = "loyalty", request_body = CreateEntryRequest,
    params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    security(("api_key" = ["loyalty:manage"]), ("session" = ["loyalty:manage"])),
    responses((status = 201, body = EntryView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_point_group(
    State(state): State<AppState>,
    auth: Auth<perm::LoyaltyManage>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: ApiJson<CreateEntryRequest>,
) -> ApiResult<Response> {
    let program = path_id(&id, ProgramId::parse, "program")?;
    let r = body.value;
    let input = point_groups::PointGroupInput {
        code: r.code,
        name: r.name,
    };
    let ctx = auth.ctx.clone();
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let g = point_groups::create(tx, &ctx, program, input).await?;
            Ok(stored(StatusCode::CREATED, &EntryView::from(&g)))
        })
    })
    .await
}

/// Get a point group.
#[utoipa::path(get, path = "/api/v1/point-groups/{id}", tag = "loyalty", params(("id" = String, Path)),
    security(("api_key" = ["loyalty:read"]), ("session" = ["loyalty:read"])),
    responses((status = 200, body = EntryView), (status = 404, body = Problem)))]
pub async fn show_point_group(
    State(state): State<AppState>,
    auth: Auth<perm::LoyaltyRead>,
    Path(id): Path<String>,
) -> ApiResult<Json<EntryView>> {
    let id = path_id(&id, PointGroupId::parse, "point group")?;
    let g = point_groups::get(&*state.store, &auth.ctx, id).await?;
    Ok(Json(EntryView::from(&g)))
}

/// Rename a point group.
#[utoipa::path(patch, path = "/api/v1/point-groups/{id}", tag = "loyalty", params(("id" = String, Path)), request_body = UpdateEntryRequest,
    security(("api_key" = ["loyalty:manage"]), ("session" = ["loyalty:manage"])),
    responses((status = 200, body = EntryView), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_point_group(
    State(state): State<AppState>,
    auth: Auth<perm::LoyaltyManage>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: ApiJson<UpdateEntryRequest>,
) -> ApiResult<Response> {
    let id = path_id(&id, PointGroupId::parse, "point group")?;
    let patch = point_groups::PointGroupPatch {
        name: body.value.name,
    };
    let ctx = auth.ctx.clone();
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let g = point_groups::update(tx, &ctx, id, patch).await?;
            Ok(stored(StatusCode::OK, &EntryView::from(&g)))
        })
    })
    .await
}

/// Delete a point group that no rule or point account uses.
#[utoipa::path(delete, path = "/api/v1/point-groups/{id}", tag = "loyalty", params(("id" = String, Path)),
    security(("api_key" = ["loyalty:manage"]), ("session" = ["loyalty:manage"])),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn remove_point_group(
    State(state): State<AppState>,
    auth: Auth<perm::LoyaltyManage>,
    Path(id): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> ApiResult<Response> {
    let id = path_id(&id, PointGroupId::parse, "point group")?;
    let ctx = auth.ctx.clone();
    delete_with(&state, &auth.ctx, &headers, &uri, move |tx| {
        Box::pin(async move { point_groups::delete(tx, &ctx, id).await })
    })
    .await
}

/// List the cost centers of a program.
#[utoipa::path(get, path = "/api/v1/programs/{id}/cost-centers", tag = "loyalty", params(("id" = String, Path), ListParams),
    security(("api_key" = ["loyalty:read"]), ("session" = ["loyalty:read"])),
    responses((status = 200, body = EntryPage), (status = 404, body = Problem)))]
pub async fn list_cost_centers(
    State(state): State<AppState>,
    auth: Auth<perm::LoyaltyRead>,
    Path(id): Path<String>,
    Query(params): Query<ListParams>,
) -> ApiResult<Json<EntryPage>> {
    let program = path_id(&id, ProgramId::parse, "program")?;
    let page = cost_centers::list(&*state.store, &auth.ctx, program, &params.query()).await?;
    Ok(Json(EntryPage::from_page(&page)))
}

/// Create a cost center in a program.
#[utoipa::path(post, path = "/api/v1/programs/{id}/cost-centers", tag = "loyalty", request_body = CreateEntryRequest,
    params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    security(("api_key" = ["loyalty:manage"]), ("session" = ["loyalty:manage"])),
    responses((status = 201, body = EntryView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_cost_center(
    State(state): State<AppState>,
    auth: Auth<perm::LoyaltyManage>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: ApiJson<CreateEntryRequest>,
) -> ApiResult<Response> {
    let program = path_id(&id, ProgramId::parse, "program")?;
    let r = body.value;
    let input = cost_centers::CostCenterInput {
        code: r.code,
        name: r.name,
    };
    let ctx = auth.ctx.clone();
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let g = cost_centers::create(tx, &ctx, program, input).await?;
            Ok(stored(StatusCode::CREATED, &EntryView::from(&g)))
        })
    })
    .await
}

/// Get a cost center.
#[utoipa::path(get, path = "/api/v1/cost-centers/{id}", tag = "loyalty", params(("id" = String, Path)),
    security(("api_key" = ["loyalty:read"]), ("session" = ["loyalty:read"])),
    responses((status = 200, body = EntryView), (status = 404, body = Problem)))]
pub async fn show_cost_center(
    State(state): State<AppState>,
    auth: Auth<perm::LoyaltyRead>,
    Path(id): Path<String>,
) -> ApiResult<Json<EntryView>> {
    let id = path_id(&id, CostCenterId::parse, "cost center")?;
    let g = cost_centers::get(&*state.store, &auth.ctx, id).await?;
    Ok(Json(EntryView::from(&g)))
}

/// Rename a cost center.
#[utoipa::path(patch, path = "/api/v1/cost-centers/{id}", tag = "loyalty", params(("id" = String, Path)), request_body = UpdateEntryRequest,
    security(("api_key" = ["loyalty:manage"]), ("session" = ["loyalty:manage"])),
    responses((status = 200, body = EntryView), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_cost_center(
    State(state): State<AppState>,
    auth: Auth<perm::LoyaltyManage>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: ApiJson<UpdateEntryRequest>,
) -> ApiResult<Response> {
    let id = path_id(&id, CostCenterId::parse, "cost center")?;
    let patch = cost_centers::CostCenterPatch {
        name: body.value.name,
    };
    let ctx = auth.ctx.clone();
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let g = cost_centers::update(tx, &ctx, id, patch).await?;
            Ok(stored(StatusCode::OK, &EntryView::from(&g)))
        })
    })
    .await
}

/// Delete a cost center.
#[utoipa::path(delete, path = "/api/v1/cost-centers/{id}", tag = "loyalty", params(("id" = String, Path)),
    security(("api_key" = ["loyalty:manage"]), ("session" = ["loyalty:manage"])),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn remove_cost_center(
    State(state): State<AppState>,
    auth: Auth<perm::LoyaltyManage>,
    Path(id): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> ApiResult<Response> {
    let id = path_id(&id, CostCenterId::parse, "cost center")?;
    let ctx = auth.ctx.clone();
    delete_with(&state, &auth.ctx, &headers, &uri, move |tx| {
        Box::pin(async move { cost_centers::delete(tx, &ctx, id).await })
    })
    .await
}
