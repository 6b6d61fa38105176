//! `/api/v1/roles` and the permission catalogue.

use crate::auth::{perm, Auth, Authenticated};
use crate::body::ApiJson;
use crate::mutate::{mutate, stored};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::state::AppState;
use crate::views::{ListParams, RolePage, RoleView};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use patron_app::roles::{self, RoleInput, RolePatch};
use patron_domain::ids::RoleId;
use patron_domain::rbac::{Area, Permission};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/roles", get(list).post(create))
        .route("/api/v1/roles/{id}", get(show).patch(update).delete(remove))
        .route("/api/v1/permissions", get(permissions))
}

fn parse_id(raw: &str) -> ApiResult<RoleId> {
    RoleId::parse(raw)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", "role not found"))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRoleRequest {
    /// Unique in the tenant: lowercase letters, digits, `-`, `_`.
    pub key: String,
    pub name: String,
    pub description: Option<String>,
    /// Permission keys, e.g. `users:read`.
    #[serde(default)]
    pub permissions: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRoleRequest {
    pub name: Option<String>,
    pub description: Option<String>,
    /// Replaces the role's permissions.
    pub permissions: Option<Vec<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PermissionView {
    pub key: String,
    pub resource: String,
    pub action: String,
    pub description: String,
    pub description_zh: String,
}

/// List roles.
#[utoipa::path(get, path = "/api/v1/roles", tag = "roles", params(ListParams),
    security(("api_key" = ["roles:read"]), ("session" = ["roles:read"])),
    responses((status = 200, body = RolePage), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth<perm::RolesRead>,
    Query(params): Query<ListParams>,
) -> ApiResult<Json<RolePage>> {
    let page = roles::list(&*state.store, &auth.ctx, &params.query()).await?;
    Ok(Json(RolePage::from_page(&page)))
}

/// Create a role. You can only grant permissions you hold.
#[utoipa::path(post, path = "/api/v1/roles", tag = "roles", request_body = CreateRoleRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    security(("api_key" = ["roles:create"]), ("session" = ["roles:create"])),
    responses((status = 201, body = RoleView), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth<perm::RolesCreate>,
    headers: HeaderMap,
    body: ApiJson<CreateRoleRequest>,
) -> ApiResult<Response> {
    let r = body.value;
    let input = RoleInput {
        key: r.key,
        name: r.name,
        description: r.description,
        permissions: r.permissions,
    };
    let ctx = auth.ctx.clone();
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let role = roles::create(tx, &ctx, input).await?;
            Ok(stored(StatusCode::CREATED, &RoleView::from(&role)))
        })
    })
    .await
}

/// Get a role.
#[utoipa::path(get, path = "/api/v1/roles/{id}", tag = "roles", params(("id" = String, Path)),
    security(("api_key" = ["roles:read"]), ("session" = ["roles:read"])),
    responses((status = 200, body = RoleView), (status = 404, body = Problem)))]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth<perm::RolesRead>,
    Path(id): Path<String>,
) -> ApiResult<Json<RoleView>> {
    let role = roles::get(&*state.store, &auth.ctx, parse_id(&id)?).await?;
    Ok(Json(RoleView::from(&role)))
}

/// Change a role's name, description or permissions.
#[utoipa::path(patch, path = "/api/v1/roles/{id}", tag = "roles", params(("id" = String, Path)), request_body = UpdateRoleRequest,
    security(("api_key" = ["roles:update"]), ("session" = ["roles:update"])),
    responses((status = 200, body = RoleView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth<perm::RolesUpdate>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: ApiJson<UpdateRoleRequest>,
) -> ApiResult<Response> {
    let id = parse_id(&id)?;
    let r = body.value;
    let patch = RolePatch {
        name: r.name,
        description: r.description,
        permissions: r.permissions,
    };
    let ctx = auth.ctx.clone();
    let keys = state.keys.clone();
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let role = roles::update(tx, &ctx, &keys, id, patch).await?;
            Ok(stored(StatusCode::OK, &RoleView::from(&role)))
        })
    })
    .await
}

/// Delete a role no user or key holds.
#[utoipa::path(delete, path = "/api/v1/roles/{id}", tag = "roles", params(("id" = String, Path)),
    security(("api_key" = ["roles:delete"]), ("session" = ["roles:delete"])),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn remove(
    State(state): State<AppState>,
    auth: Auth<perm::RolesDelete>,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = parse_id(&id)?;
    let mut tx = state.store.begin().await?;
    roles::delete(&mut *tx, &auth.ctx, id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The permissions a tenant role can hold.
#[utoipa::path(get, path = "/api/v1/permissions", tag = "roles",
    security(("api_key" = []), ("session" = [])),
    responses((status = 200, body = [PermissionView]), (status = 401, body = Problem)))]
pub async fn permissions(_auth: Auth<Authenticated>) -> Json<Vec<PermissionView>> {
    let items = Permission::ALL
        .iter()
        .filter(|p| p.area() != Area::Platform)
        .map(|p| {
            let (en, zh) = p.describe();
            PermissionView {
                key: p.key().into(),
                resource: p.resource().into(),
                action: p.action().into(),
                description: en.into(),
                description_zh: zh.into(),
            }
        })
        .collect();
    Json(items)
}
