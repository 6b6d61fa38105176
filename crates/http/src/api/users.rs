//! `/api/v1/users`: console users of the caller's tenant.

use crate::auth::{perm, Auth};
use crate::body::ApiJson;
use crate::mutate::{mutate, stored};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::state::AppState;
use crate::views::{ListParams, UserPage, UserView};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use patron_app::users::{self, NewUser, UserPatch};
use patron_domain::ids::UserId;
use serde::Deserialize;
use utoipa::ToSchema;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/users", get(list).post(create))
        .route("/api/v1/users/{id}", get(show).patch(update).delete(remove))
        .route("/api/v1/users/{id}/password", post(reset_password))
}

pub(crate) fn parse_id(raw: &str) -> ApiResult<UserId> {
    UserId::parse(raw)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", "user not found"))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    pub login_name: String,
    pub display_name: String,
    pub email: Option<String>,
    /// `en` (default) or `zh-CN`.
    pub locale: Option<String>,
    /// At least 10 characters.
    pub password: String,
    #[serde(default)]
    pub role_ids: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    pub display_name: Option<String>,
    /// An empty string removes the address.
    pub email: Option<String>,
    pub locale: Option<String>,
    /// `active` or `disabled`; disabling ends the user's sessions.
    pub status: Option<String>,
    /// Replaces the user's roles.
    pub role_ids: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetPasswordRequest {
    pub password: String,
}

/// List users.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(ListParams),
    security(("api_key" = ["users:read"]), ("session" = ["users:read"])),
    responses((status = 200, body = UserPage), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth<perm::UsersRead>,
    Query(params): Query<ListParams>,
) -> ApiResult<Json<UserPage>> {
    let page = users::list(&*state.store, &auth.ctx, &params.query()).await?;
    Ok(Json(UserPage::from_page(&page)))
}

/// Create a user.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = CreateUserRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    security(("api_key" = ["users:create"]), ("session" = ["users:create"])),
    responses((status = 201, body = UserView), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth<perm::UsersCreate>,
    headers: HeaderMap,
    body: ApiJson<CreateUserRequest>,
) -> ApiResult<Response> {
    let r = body.value;
    let prepared = users::prepare(NewUser {
        login_name: r.login_name,
        display_name: r.display_name,
        email: r.email,
        locale: r.locale,
        password: r.password,
        role_ids: r.role_ids,
    })
    .await?;
    let ctx = auth.ctx.clone();
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let user = users::create(tx, &ctx, prepared).await?;
            Ok(stored(StatusCode::CREATED, &UserView::from(&user)))
        })
    })
    .await
}

/// Get a user.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = String, Path)),
    security(("api_key" = ["users:read"]), ("session" = ["users:read"])),
    responses((status = 200, body = UserView), (status = 404, body = Problem)))]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth<perm::UsersRead>,
    Path(id): Path<String>,
) -> ApiResult<Json<UserView>> {
    let user = users::get(&*state.store, &auth.ctx, parse_id(&id)?).await?;
    Ok(Json(UserView::from(&user)))
}

/// Change a user: names, language, status, roles.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", params(("id" = String, Path)), request_body = UpdateUserRequest,
    security(("api_key" = ["users:update"]), ("session" = ["users:update"])),
    responses((status = 200, body = UserView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth<perm::UsersUpdate>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: ApiJson<UpdateUserRequest>,
) -> ApiResult<Response> {
    let id = parse_id(&id)?;
    let r = body.value;
    let patch = UserPatch {
        display_name: r.display_name,
        email: r.email,
        locale: r.locale,
        status: r.status,
        role_ids: r.role_ids,
    };
    let ctx = auth.ctx.clone();
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let user = users::update(tx, &ctx, id, patch).await?;
            Ok(stored(StatusCode::OK, &UserView::from(&user)))
        })
    })
    .await
}

/// Delete a user. Their audit entries stay.
#[utoipa::path(delete, path = "/api/v1/users/{id}", tag = "users", params(("id" = String, Path)),
    security(("api_key" = ["users:delete"]), ("session" = ["users:delete"])),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn remove(
    State(state): State<AppState>,
    auth: Auth<perm::UsersDelete>,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = parse_id(&id)?;
    let mut tx = state.store.begin().await?;
    users::delete(&mut *tx, &auth.ctx, id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Set a new password for a user; ends their sessions.
#[utoipa::path(post, path = "/api/v1/users/{id}/password", tag = "users", params(("id" = String, Path)), request_body = ResetPasswordRequest,
    security(("api_key" = ["users:update"]), ("session" = ["users:update"])),
    responses((status = 204), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn reset_password(
    State(state): State<AppState>,
    auth: Auth<perm::UsersUpdate>,
    Path(id): Path<String>,
    body: ApiJson<ResetPasswordRequest>,
) -> ApiResult<StatusCode> {
    let id = parse_id(&id)?;
    let user = users::get(&*state.store, &auth.ctx, id).await?;
    let hash = users::prepare_password(body.value.password, &user.login_name).await?;
    let mut tx = state.store.begin().await?;
    users::reset_password(&mut *tx, &auth.ctx, id, &hash).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
