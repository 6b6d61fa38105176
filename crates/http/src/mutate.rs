//! Every mutating API call goes through [`mutate`]: it honours `Idempotency-Key`, runs the use
//! case in one transaction and turns the result into the response (the same one on replay).

use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::future::BoxFuture;
use patron_app::idempotency::{self, Scope};
use patron_app::model::StoredResponse;
use patron_app::{AppResult, Ctx, Tx};
use patron_domain::idempotency::IdempotencyKey;
use serde::Serialize;

pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";

/// A response to store: status and JSON body.
pub fn stored<T: Serialize>(status: StatusCode, body: &T) -> StoredResponse {
    StoredResponse {
        status: status.as_u16(),
        body: serde_json::to_string(body).unwrap_or_default(),
    }
}

/// Runs `op` once per idempotency key (if the client sent one) and answers with its response.
pub async fn mutate<F>(
    state: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    request_hash: &[u8],
    op: F,
) -> ApiResult<Response>
where
    F: for<'a> FnOnce(&'a mut dyn Tx) -> BoxFuture<'a, AppResult<StoredResponse>> + Send,
{
    let key = match headers.get(IDEMPOTENCY_HEADER) {
        Some(v) => Some(
            v.to_str()
                .ok()
                .and_then(|s| IdempotencyKey::parse(s).ok())
                .ok_or_else(|| {
                    ApiError::new(
                        StatusCode::BAD_REQUEST,
                        "invalid_idempotency_key",
                        "Idempotency-Key must be 1 to 200 printable ASCII characters",
                    )
                    .field("Idempotency-Key")
                })?,
        ),
        None => None,
    };
    let scope = Scope::of(&ctx.principal);
    let outcome = idempotency::run(
        &*state.store,
        &scope,
        key.as_ref(),
        request_hash,
        ctx.now_ms,
        op,
    )
    .await?;
    let mut response = respond(outcome.response);
    if outcome.replayed {
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(response)
}

/// The HTTP response of a use case's answer.
pub fn respond(answer: StoredResponse) -> Response {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    // A use case may keep what it did and still answer with a problem (a lapsed transfer).
    let content_type = if status.is_client_error() {
        "application/problem+json"
    } else {
        "application/json"
    };
    (status, [(header::CONTENT_TYPE, content_type)], answer.body).into_response()
}
