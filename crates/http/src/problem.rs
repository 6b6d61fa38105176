//! Errors as `application/problem+json` (RFC 9457) with a stable snake_case `code`. Every code
//! is listed in `docs/errors.md`. Server errors say nothing about their cause; it goes to the log.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use patron_app::AppError;
use serde::Serialize;
use utoipa::ToSchema;

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the problem type: `about:blank` or `/problems/{code}`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// Stable machine-readable code, e.g. `missing_permission`.
    pub code: String,
    pub detail: String,
    /// The input field at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The permission that was missing, for `missing_permission`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permission: Option<String>,
    /// When a locked login opens again (unix milliseconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_at_ms: Option<i64>,
}

/// An error on its way to becoming a response.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub detail: String,
    pub field: Option<String>,
    pub permission: Option<String>,
    pub retry_at_ms: Option<i64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            code,
            detail: detail.into(),
            field: None,
            permission: None,
            retry_at_ms: None,
        }
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "there is nothing at this address",
        )
    }

    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "a valid API key or session is required",
        )
    }

    pub fn problem(&self) -> Problem {
        Problem {
            kind: format!("/problems/{}", self.code),
            title: self
                .status
                .canonical_reason()
                .unwrap_or("Error")
                .to_string(),
            status: self.status.as_u16(),
            code: self.code.to_string(),
            detail: self.detail.clone(),
            field: self.field.clone(),
            permission: self.permission.clone(),
            retry_at_ms: self.retry_at_ms,
        }
    }
}

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        match err {
            AppError::Validation(v) => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                v.code,
                format!("{}: {}", v.field, v.message),
            )
            .field(v.field),
            AppError::Unauthenticated => Self::unauthenticated(),
            AppError::BadCredentials => Self::new(
                StatusCode::UNAUTHORIZED,
                "bad_credentials",
                "the organisation, login name or password is wrong",
            ),
            AppError::LoginLocked { until_ms } => Self {
                retry_at_ms: Some(until_ms),
                ..Self::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "login_locked",
                    "too many failed attempts; try again later",
                )
            },
            AppError::Forbidden(p) => Self {
                permission: Some(p.key().to_string()),
                ..Self::new(
                    StatusCode::FORBIDDEN,
                    "missing_permission",
                    format!("this needs the permission {}", p.key()),
                )
            },
            AppError::Escalation(p) => Self {
                permission: Some(p.key().to_string()),
                ..Self::new(
                    StatusCode::FORBIDDEN,
                    "permission_escalation",
                    format!("you cannot grant {} without holding it", p.key()),
                )
            },
            AppError::TenantRequired => Self::new(
                StatusCode::FORBIDDEN,
                "tenant_required",
                "this needs a tenant user or key; the platform administrator has none",
            ),
            AppError::NotFound(what) => Self::new(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("{what} not found"),
            ),
            AppError::Conflict {
                code,
                field,
                message,
            } => Self {
                field: field.map(str::to_string),
                ..Self::new(StatusCode::CONFLICT, code, message)
            },
            AppError::IdempotencyMismatch => Self::new(
                StatusCode::CONFLICT,
                "idempotency_key_reused",
                "this Idempotency-Key was used with a different request",
            ),
            AppError::IdempotencyInProgress => Self::new(
                StatusCode::CONFLICT,
                "idempotency_in_progress",
                "a request with this Idempotency-Key is being processed",
            ),
            AppError::Store(cause) => {
                tracing::error!(%cause, "storage failure");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal_error",
                    "something went wrong on our side; it has been logged",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_string(&self.problem()).unwrap_or_default();
        (
            self.status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
