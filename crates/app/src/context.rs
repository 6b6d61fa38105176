//! Who is asking, for which tenant, from where, at what time.

use crate::error::{AppError, AppResult};
use patron_domain::ids::{ApiKeyId, PlatformAdminId, TenantId, UserId};
use patron_domain::rbac::{Permission, PermissionSet};
use patron_domain::user::Locale;

/// The authenticated party behind a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    User {
        id: UserId,
        login_name: String,
    },
    ApiKey {
        id: ApiKeyId,
        name: String,
    },
    PlatformAdmin {
        id: PlatformAdminId,
        login_name: String,
    },
    /// Patron itself: start-up, the demo seed, scheduled jobs.
    System,
}

impl Actor {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::User { .. } => "user",
            Self::ApiKey { .. } => "api_key",
            Self::PlatformAdmin { .. } => "platform_admin",
            Self::System => "system",
        }
    }

    pub fn id(&self) -> Option<String> {
        match self {
            Self::User { id, .. } => Some(id.to_string()),
            Self::ApiKey { id, .. } => Some(id.to_string()),
            Self::PlatformAdmin { id, .. } => Some(id.to_string()),
            Self::System => None,
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Self::User { login_name, .. } | Self::PlatformAdmin { login_name, .. } => login_name,
            Self::ApiKey { name, .. } => name,
            Self::System => "system",
        }
    }
}

/// An authenticated principal: an actor, the tenant it acts in (none for the platform
/// administrator) and what it may do.
#[derive(Debug, Clone)]
pub struct Principal {
    pub actor: Actor,
    pub tenant: Option<TenantId>,
    pub permissions: PermissionSet,
    pub locale: Locale,
}

impl Principal {
    /// Refuses unless the principal holds `permission`.
    pub fn require(&self, permission: Permission) -> AppResult<()> {
        if self.permissions.contains(permission) {
            Ok(())
        } else {
            Err(AppError::Forbidden(permission))
        }
    }

    /// Refuses unless the principal holds every permission of `set`: nobody hands out more
    /// than they have (a key bound to a role, a role given to a user, a role's permissions).
    pub fn require_all(&self, set: PermissionSet) -> AppResult<()> {
        match set.iter().find(|p| !self.permissions.contains(*p)) {
            Some(missing) => Err(AppError::Escalation(missing)),
            None => Ok(()),
        }
    }

    /// The tenant a tenant-scoped request acts in. A platform administrator has none and so
    /// cannot reach tenant data through tenant routes.
    pub fn tenant(&self) -> AppResult<TenantId> {
        self.tenant.ok_or(AppError::TenantRequired)
    }
}

/// The context every use case receives.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub principal: Principal,
    /// Unix milliseconds UTC.
    pub now_ms: i64,
    pub ip: Option<String>,
    pub request_id: Option<String>,
}

impl Ctx {
    /// A context for Patron's own work (bootstrap, demo seed).
    pub fn system(tenant: Option<TenantId>, now_ms: i64) -> Self {
        Self {
            principal: Principal {
                actor: Actor::System,
                tenant,
                permissions: PermissionSet::empty(),
                locale: Locale::En,
            },
            now_ms,
            ip: None,
            request_id: None,
        }
    }
}
