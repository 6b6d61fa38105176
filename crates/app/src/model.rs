//! The records use cases read and write. Storage maps them to rows; the HTTP layer maps them to
//! its own views, so neither a column nor a JSON field leaks into the other.

use patron_domain::ids::{ApiKeyId, AuditId, PlatformAdminId, RoleId, TenantId, UserId};
use patron_domain::rbac::{BuiltinRole, PermissionSet};
use patron_domain::tenant::TenantStatus;
use patron_domain::user::{Locale, UserStatus};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    pub id: TenantId,
    pub code: String,
    pub name: String,
    pub time_zone: String,
    pub currency: String,
    pub status: TenantStatus,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
    /// Bumped by the database on every change to the configuration orders read (migration
    /// 0009), so cached copies of it know when they are stale.
    pub config_version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub tenant_id: TenantId,
    pub id: UserId,
    pub login_name: String,
    pub display_name: String,
    pub email: Option<String>,
    pub locale: Locale,
    pub status: UserStatus,
    pub role_ids: Vec<RoleId>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
    pub last_login_at_ms: Option<i64>,
}

/// What login needs to know about a user: the record, its password hash and its throttle.
#[derive(Debug, Clone)]
pub struct UserCredentials {
    pub user: User,
    pub password_hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub tenant_id: TenantId,
    pub id: RoleId,
    pub key: String,
    pub name: String,
    pub description: String,
    /// Set on the built-in roles, whose permissions come from code.
    pub builtin: Option<BuiltinRole>,
    pub permissions: PermissionSet,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub tenant_id: TenantId,
    pub id: ApiKeyId,
    pub name: String,
    pub role_id: RoleId,
    pub secret_hash: Vec<u8>,
    pub created_at_ms: i64,
    pub revoked_at_ms: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformAdmin {
    pub id: PlatformAdminId,
    pub login_name: String,
    pub password_hash: String,
    pub created_at_ms: i64,
}

/// Who a console session belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionSubject {
    User { tenant: TenantId, user: UserId },
    PlatformAdmin(PlatformAdminId),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// SHA-256 of the cookie's token: a stolen database does not yield live sessions.
    pub token_hash: Vec<u8>,
    pub subject: SessionSubject,
    pub csrf_token: String,
    pub created_at_ms: i64,
    pub seen_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    /// `None` for platform-level entries (tenants).
    pub tenant_id: Option<TenantId>,
    pub id: AuditId,
    pub at_ms: i64,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub actor_name: String,
    /// `{object}.{verb}`, e.g. `user.create`.
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub ip: Option<String>,
    pub request_id: Option<String>,
}

/// Paging and search for lists. API clients page with `after` (an opaque cursor, stable while
/// rows are added); the console pages with `offset` to show "1–30 of 112".
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub search: Option<String>,
    pub after: Option<String>,
    pub offset: u32,
    pub limit: u32,
}

impl ListQuery {
    pub const DEFAULT_LIMIT: u32 = 30;
    pub const MAX_LIMIT: u32 = 200;

    /// The limit clamped to 1..=MAX_LIMIT.
    pub fn limit(&self) -> u32 {
        match self.limit {
            0 => Self::DEFAULT_LIMIT,
            n => n.min(Self::MAX_LIMIT),
        }
    }

    /// The search text, trimmed, if any.
    pub fn search(&self) -> Option<&str> {
        self.search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
}

/// Filters of the audit log.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
}

/// One page of a list.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Present when more rows follow.
    pub next_cursor: Option<String>,
    /// All rows matching the search.
    pub total: u64,
}

/// A stored answer to an idempotent request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    pub body: String,
}
