//! The JSON body extractor of the API. Unlike axum's `Json` it names the field at fault in its
//! 400 answer (`serde_path_to_error`), answers 413 for oversized bodies in the same problem
//! format, and keeps a digest of the request for idempotency.

use crate::problem::ApiError;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, StatusCode};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

pub struct ApiJson<T> {
    pub value: T,
    /// SHA-256 over method, path and body: what "the same request" means for idempotency.
    pub request_hash: Vec<u8>,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        let mut hasher = Sha256::new();
        hasher.update(req.method().as_str());
        hasher.update(b" ");
        hasher.update(req.uri().path());
        hasher.update(b"\n");
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "body_too_large",
                    format!(
                        "the body is larger than {} bytes",
                        state.settings.max_body_bytes
                    ),
                )
            } else {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "body_unreadable",
                    "the request body could not be read",
                )
            }
        })?;
        if !json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "json_required",
                "send the body as Content-Type: application/json",
            ));
        }
        hasher.update(&bytes);
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        let value = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let detail = inner.to_string();
            let error = ApiError::new(StatusCode::BAD_REQUEST, "invalid_json", detail.clone());
            if path.is_empty() || path == "." {
                // serde reports a missing field at the parent; its name is in the message.
                match missing_field(&detail) {
                    Some(field) => error.field(field),
                    None => error,
                }
            } else {
                error.field(path)
            }
        })?;
        Ok(Self {
            value,
            request_hash: hasher.finalize().to_vec(),
        })
    }
}

/// The field name in serde's "missing field `x`" message.
fn missing_field(message: &str) -> Option<String> {
    let rest = message.split_once("missing field `")?.1;
    Some(rest.split_once('`')?.0.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn missing_fields_are_named() {
        assert_eq!(
            super::missing_field("missing field `login_name` at line 1 column 2").as_deref(),
            Some("login_name")
        );
        assert_eq!(super::missing_field("expected value"), None);
    }
}
