//! `/api/v1/api-keys`: keys for integrations. The token is shown once, on creation.

use crate::auth::{perm, Auth};
use crate::body::ApiJson;
use crate::mutate::{mutate, stored};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::state::AppState;
use crate::views::{ApiKeyPage, ApiKeyView, ListParams};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use patron_app::api_keys::{self, NewApiKey};
use patron_domain::ids::ApiKeyId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/api-keys", get(list).post(create))
        .route("/api/v1/api-keys/{id}/revoke", post(revoke))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApiKeyRequest {
    /// What the key is for, e.g. "POS integration".
    pub name: String,
    /// The role whose permissions the key has.
    pub role_id: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedApiKey {
    #[serde(flatten)]
    pub key: ApiKeyView,
    /// Send as `Authorization: Bearer <token>`. Shown only now.
    pub token: String,
}

/// List API keys (never their secrets).
#[utoipa::path(get, path = "/api/v1/api-keys", tag = "api-keys", params(ListParams),
    security(("api_key" = ["api_keys:read"]), ("session" = ["api_keys:read"])),
    responses((status = 200, body = ApiKeyPage), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth<perm::ApiKeysRead>,
    Query(params): Query<ListParams>,
) -> ApiResult<Json<ApiKeyPage>> {
    let page = api_keys::list(&*state.store, &auth.ctx, &params.query()).await?;
    Ok(Json(ApiKeyPage::from_page(&page)))
}

/// Create a key bound to a role. The role may not grant more than you hold.
#[utoipa::path(post, path = "/api/v1/api-keys", tag = "api-keys", request_body = CreateApiKeyRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    security(("api_key" = ["api_keys:create"]), ("session" = ["api_keys:create"])),
    responses((status = 201, body = CreatedApiKey), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth<perm::ApiKeysCreate>,
    headers: HeaderMap,
    body: ApiJson<CreateApiKeyRequest>,
) -> ApiResult<Response> {
    let input = NewApiKey {
        name: body.value.name,
        role_id: body.value.role_id,
    };
    let ctx = auth.ctx.clone();
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let (key, token) = api_keys::create(tx, &ctx, input).await?;
            Ok(stored(
                StatusCode::CREATED,
                &CreatedApiKey {
                    key: ApiKeyView::from(&key),
                    token,
                },
            ))
        })
    })
    .await
}

/// Revoke a key; it is refused from now on. Revoking twice is harmless.
#[utoipa::path(post, path = "/api/v1/api-keys/{id}/revoke", tag = "api-keys", params(("id" = String, Path)),
    security(("api_key" = ["api_keys:revoke"]), ("session" = ["api_keys:revoke"])),
    responses((status = 200, body = ApiKeyView), (status = 404, body = Problem)))]
pub async fn revoke(
    State(state): State<AppState>,
    auth: Auth<perm::ApiKeysRevoke>,
    Path(id): Path<String>,
) -> ApiResult<Json<ApiKeyView>> {
    let id = ApiKeyId::parse(&id)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", "api_key not found"))?;
    let mut tx = state.store.begin().await?;
    let key = api_keys::revoke(&mut *tx, &auth.ctx, &state.keys, id).await?;
    tx.commit().await?;
    Ok(Json(ApiKeyView::from(&key)))
}
