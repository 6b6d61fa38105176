//! The API's JSON shapes. Kept apart from the app's records so a column rename never changes
//! the API. Instants are RFC 3339 UTC strings.

use patron_app::model::{ApiKey, AuditEntry, Page, Role, Tenant, User};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Unix milliseconds to RFC 3339 (UTC, millisecond precision).
pub fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TenantView {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// IANA time zone in which business dates are computed.
    pub time_zone: String,
    /// ISO 4217 code; money is in its minor units.
    pub currency: String,
    /// `active` or `suspended`.
    pub status: String,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&Tenant> for TenantView {
    fn from(t: &Tenant) -> Self {
        Self {
            id: t.id.get(),
            code: t.code.clone(),
            name: t.name.clone(),
            time_zone: t.time_zone.clone(),
            currency: t.currency.clone(),
            status: t.status.as_str().to_string(),
            created_at: rfc3339(t.created_at_ms),
            updated_at: rfc3339(t.updated_at_ms),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: String,
    pub login_name: String,
    pub display_name: String,
    pub email: Option<String>,
    /// `en` or `zh-CN`.
    pub locale: String,
    /// `active` or `disabled`.
    pub status: String,
    pub role_ids: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
    pub last_login_at: Option<String>,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        Self {
            id: u.id.to_string(),
            login_name: u.login_name.clone(),
            display_name: u.display_name.clone(),
            email: u.email.clone(),
            locale: u.locale.tag().to_string(),
            status: u.status.as_str().to_string(),
            role_ids: u.role_ids.iter().map(ToString::to_string).collect(),
            created_at: rfc3339(u.created_at_ms),
            updated_at: rfc3339(u.updated_at_ms),
            last_login_at: u.last_login_at_ms.map(rfc3339),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RoleView {
    pub id: String,
    /// Unique in the tenant (角色标识).
    pub key: String,
    pub name: String,
    pub description: String,
    /// Built-in roles cannot be changed or deleted.
    pub builtin: bool,
    pub permissions: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&Role> for RoleView {
    fn from(r: &Role) -> Self {
        Self {
            id: r.id.to_string(),
            key: r.key.clone(),
            name: r.name.clone(),
            description: r.description.clone(),
            builtin: r.builtin.is_some(),
            permissions: r
                .permissions
                .keys()
                .into_iter()
                .map(str::to_string)
                .collect(),
            created_at: rfc3339(r.created_at_ms),
            updated_at: rfc3339(r.updated_at_ms),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyView {
    pub id: String,
    pub name: String,
    pub role_id: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

impl From<&ApiKey> for ApiKeyView {
    fn from(k: &ApiKey) -> Self {
        Self {
            id: k.id.to_string(),
            name: k.name.clone(),
            role_id: k.role_id.to_string(),
            created_at: rfc3339(k.created_at_ms),
            revoked_at: k.revoked_at_ms.map(rfc3339),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditView {
    pub id: String,
    pub at: String,
    /// `user`, `api_key`, `platform_admin` or `system`.
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

impl From<&AuditEntry> for AuditView {
    fn from(e: &AuditEntry) -> Self {
        Self {
            id: e.id.to_string(),
            at: rfc3339(e.at_ms),
            actor_kind: e.actor_kind.clone(),
            actor_id: e.actor_id.clone(),
            actor_name: e.actor_name.clone(),
            action: e.action.clone(),
            object_type: e.object_type.clone(),
            object_id: e.object_id.clone(),
            before: e.before.clone(),
            after: e.after.clone(),
            ip: e.ip.clone(),
            request_id: e.request_id.clone(),
        }
    }
}

macro_rules! page_view {
    ($name:ident, $item:ty) => {
        /// One page of a list. Pass `next_cursor` as `after` to get the next page.
        #[derive(Debug, Serialize, ToSchema)]
        pub struct $name {
            pub items: Vec<$item>,
            pub next_cursor: Option<String>,
            /// Rows matching the search, on all pages.
            pub total: u64,
        }

        impl $name {
            pub fn from_page<T>(page: &Page<T>) -> Self
            where
                for<'a> $item: From<&'a T>,
            {
                Self {
                    items: page.items.iter().map(<$item>::from).collect(),
                    next_cursor: page.next_cursor.clone(),
                    total: page.total,
                }
            }
        }
    };
}

page_view!(TenantPage, TenantView);
page_view!(UserPage, UserView);
page_view!(RolePage, RoleView);
page_view!(ApiKeyPage, ApiKeyView);
page_view!(AuditPage, AuditView);

/// Paging and search of every list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Case-insensitive text to look for.
    pub search: Option<String>,
    /// The `next_cursor` of the previous page.
    pub after: Option<String>,
    /// Rows per page, 1 to 200 (default 30).
    pub limit: Option<u32>,
}

impl ListParams {
    pub fn query(&self) -> patron_app::model::ListQuery {
        patron_app::model::ListQuery {
            search: self.search.clone(),
            after: self.after.clone(),
            offset: 0,
            limit: self.limit.unwrap_or(0),
        }
    }
}
