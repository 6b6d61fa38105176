//! `/api/v1/platform/tenants`: the platform administrator's tenant management, and
//! `/api/v1/settings`: a tenant's own settings.

use crate::auth::{perm, Auth};
use crate::body::ApiJson;
use crate::mutate::{mutate, stored};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::state::AppState;
use crate::views::{ListParams, TenantPage, TenantView};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use patron_app::tenants::{self, NewTenant, TenantPatch};
use patron_domain::ids::TenantId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/platform/tenants", get(list).post(create))
        .route("/api/v1/platform/tenants/{id}", get(show).patch(update))
        .route("/api/v1/settings", get(settings).patch(update_settings))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTenantRequest {
    pub code: String,
    pub name: String,
    /// IANA time zone; default `Asia/Shanghai`.
    pub time_zone: Option<String>,
    /// ISO 4217; default `CNY`.
    pub currency: Option<String>,
    /// Login name of the tenant's first administrator.
    pub admin_login_name: String,
    /// When absent, a password is generated and returned once.
    pub admin_password: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedTenant {
    pub tenant: TenantView,
    /// The generated administrator password, if none was given. Shown only now.
    pub admin_password: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTenantRequest {
    pub name: Option<String>,
    pub time_zone: Option<String>,
    pub currency: Option<String>,
    /// `active` or `suspended`.
    pub status: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSettingsRequest {
    pub name: Option<String>,
    pub time_zone: Option<String>,
    pub currency: Option<String>,
}

fn parse_id(id: i64) -> TenantId {
    TenantId::new(id)
}

/// List tenants (platform administrator).
#[utoipa::path(get, path = "/api/v1/platform/tenants", tag = "platform", params(ListParams),
    security(("session" = ["tenants:read"])),
    responses((status = 200, body = TenantPage), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth<perm::TenantsRead>,
    Query(params): Query<ListParams>,
) -> ApiResult<Json<TenantPage>> {
    let page = tenants::list(&*state.store, &auth.ctx, &params.query()).await?;
    Ok(Json(TenantPage::from_page(&page)))
}

/// Create a tenant with its built-in roles and first administrator.
#[utoipa::path(post, path = "/api/v1/platform/tenants", tag = "platform", request_body = CreateTenantRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    security(("session" = ["tenants:create"])),
    responses((status = 201, body = CreatedTenant), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth<perm::TenantsCreate>,
    headers: HeaderMap,
    body: ApiJson<CreateTenantRequest>,
) -> ApiResult<Response> {
    let r = body.value;
    let prepared = tenants::prepare(NewTenant {
        code: r.code,
        name: r.name,
        time_zone: r.time_zone,
        currency: r.currency,
        admin_login_name: r.admin_login_name,
        admin_password: r.admin_password,
    })
    .await?;
    let ctx = auth.ctx.clone();
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let generated = prepared.generated_password.clone();
            let tenant = tenants::create(tx, &ctx, prepared).await?;
            Ok(stored(
                StatusCode::CREATED,
                &CreatedTenant {
                    tenant: TenantView::from(&tenant),
                    admin_password: generated,
                },
            ))
        })
    })
    .await
}

/// Get a tenant.
#[utoipa::path(get, path = "/api/v1/platform/tenants/{id}", tag = "platform", params(("id" = i64, Path)),
    security(("session" = ["tenants:read"])),
    responses((status = 200, body = TenantView), (status = 404, body = Problem)))]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth<perm::TenantsRead>,
    Path(id): Path<String>,
) -> ApiResult<Json<TenantView>> {
    let id = id
        .parse::<i64>()
        .map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "not_found", "tenant not found"))?;
    let tenant = tenants::get(&*state.store, &auth.ctx, parse_id(id)).await?;
    Ok(Json(TenantView::from(&tenant)))
}

/// Change or suspend a tenant. A suspended tenant's users and keys are refused.
#[utoipa::path(patch, path = "/api/v1/platform/tenants/{id}", tag = "platform", params(("id" = i64, Path)), request_body = UpdateTenantRequest,
    security(("session" = ["tenants:update"])),
    responses((status = 200, body = TenantView), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth<perm::TenantsUpdate>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: ApiJson<UpdateTenantRequest>,
) -> ApiResult<Response> {
    let id = id
        .parse::<i64>()
        .map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "not_found", "tenant not found"))?;
    let r = body.value;
    let patch = TenantPatch {
        name: r.name,
        time_zone: r.time_zone,
        currency: r.currency,
        status: r.status,
    };
    let ctx = auth.ctx.clone();
    let keys = state.keys.clone();
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let tenant = tenants::update(tx, &ctx, &keys, parse_id(id), patch).await?;
            Ok(stored(StatusCode::OK, &TenantView::from(&tenant)))
        })
    })
    .await
}

/// The caller's tenant: name, time zone, currency.
#[utoipa::path(get, path = "/api/v1/settings", tag = "settings",
    security(("api_key" = ["settings:read"]), ("session" = ["settings:read"])),
    responses((status = 200, body = TenantView), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn settings(
    State(state): State<AppState>,
    auth: Auth<perm::SettingsRead>,
) -> ApiResult<Json<TenantView>> {
    let tenant = tenants::settings(&*state.store, &auth.ctx).await?;
    Ok(Json(TenantView::from(&tenant)))
}

/// Change the caller's tenant settings.
#[utoipa::path(patch, path = "/api/v1/settings", tag = "settings", request_body = UpdateSettingsRequest,
    security(("api_key" = ["settings:update"]), ("session" = ["settings:update"])),
    responses((status = 200, body = TenantView), (status = 422, body = Problem)))]
pub async fn update_settings(
    State(state): State<AppState>,
    auth: Auth<perm::SettingsUpdate>,
    headers: HeaderMap,
    body: ApiJson<UpdateSettingsRequest>,
) -> ApiResult<Response> {
    let r = body.value;
    let patch = TenantPatch {
        name: r.name,
        time_zone: r.time_zone,
        currency: r.currency,
        status: None,
    };
    let ctx = auth.ctx.clone();
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let tenant = tenants::update_settings(tx, &ctx, patch).await?;
            Ok(stored(StatusCode::OK, &TenantView::from(&tenant)))
        })
    })
    .await
}
