//! The errors a use case can end with. The HTTP layer maps each to a status and a stable code
//! once (`docs/errors.md`); internal causes stay in the log.

use patron_domain::rbac::Permission;
use patron_domain::ValidationError;

pub type AppResult<T> = Result<T, AppError>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Input refused by a domain rule; names the field.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// No credentials, or credentials that are unknown, revoked or expired.
    #[error("authentication required")]
    Unauthenticated,
    /// Login name and password do not match. Deliberately the same for an unknown name.
    #[error("login name or password is wrong")]
    BadCredentials,
    /// Too many failed logins; locked until the given instant.
    #[error("too many failed attempts")]
    LoginLocked { until_ms: i64 },
    /// The principal lacks the permission.
    #[error("missing permission {}", .0.key())]
    Forbidden(Permission),
    /// A tenant route was called by a principal that acts in no tenant (the platform administrator).
    #[error("this request needs a tenant")]
    TenantRequired,
    /// The principal tried to hand out permissions it does not hold itself.
    #[error("cannot grant {} without holding it", .0.key())]
    Escalation(Permission),
    /// The thing does not exist in this tenant (or does, in another: the answer is the same).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The request conflicts with the current state (a duplicate code, a role still in use...).
    #[error("{message}")]
    Conflict {
        code: &'static str,
        field: Option<&'static str>,
        message: String,
    },
    /// The idempotency key was used before with a different request.
    #[error("idempotency key reused with a different request")]
    IdempotencyMismatch,
    /// A request with this idempotency key is still being processed.
    #[error("a request with this idempotency key is in progress")]
    IdempotencyInProgress,
    /// The storage failed; the cause is logged, never shown.
    #[error("storage failure: {0}")]
    Store(String),
}

impl AppError {
    pub fn conflict(
        code: &'static str,
        field: Option<&'static str>,
        message: impl Into<String>,
    ) -> Self {
        Self::Conflict {
            code,
            field,
            message: message.into(),
        }
    }
}
