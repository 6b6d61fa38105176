//! Row to record mapping. Columns are read by name so a reordered SELECT cannot mix them up.

use crate::row::Row;
use patron_app::model::{
    ApiKey, AuditEntry, PlatformAdmin, Role, Session, SessionSubject, Tenant, User,
};
use patron_app::{AppError, AppResult};
use patron_domain::ids::{ApiKeyId, AuditId, PlatformAdminId, RoleId, TenantId, UserId};
use patron_domain::rbac::{BuiltinRole, Permission, PermissionSet};
use patron_domain::tenant::TenantStatus;
use patron_domain::user::{Locale, UserStatus};

fn corrupt(what: &str, value: &str) -> AppError {
    AppError::Store(format!("stored {what} '{value}' is not valid"))
}

macro_rules! parse_id {
    ($ty:ty, $row:expr, $col:expr) => {{
        let raw = $row.text($col)?;
        <$ty>::parse(&raw).ok_or_else(|| corrupt($col, &raw))?
    }};
}

pub(crate) fn tenant(row: &Row) -> AppResult<Tenant> {
    let status = row.text("status")?;
    Ok(Tenant {
        id: TenantId::new(row.i64("id")?),
        code: row.text("code")?,
        name: row.text("name")?,
        time_zone: row.text("time_zone")?,
        currency: row.text("currency")?,
        status: TenantStatus::parse(&status).map_err(|_| corrupt("status", &status))?,
        created_at_ms: row.i64("created_at_ms")?,
        updated_at_ms: row.i64("updated_at_ms")?,
        config_version: row.i64("config_version")?,
    })
}

/// A user without roles; the caller fills `role_ids` from `user_roles`.
pub(crate) fn user(row: &Row) -> AppResult<User> {
    let status = row.text("status")?;
    let locale = row.text("locale")?;
    Ok(User {
        tenant_id: TenantId::new(row.i64("tenant_id")?),
        id: parse_id!(UserId, row, "id"),
        login_name: row.text("login_name")?,
        display_name: row.text("display_name")?,
        email: row.opt_text("email")?,
        locale: Locale::parse(&locale).map_err(|_| corrupt("locale", &locale))?,
        status: UserStatus::parse(&status).map_err(|_| corrupt("status", &status))?,
        role_ids: Vec::new(),
        created_at_ms: row.i64("created_at_ms")?,
        updated_at_ms: row.i64("updated_at_ms")?,
        last_login_at_ms: row.opt_i64("last_login_at_ms")?,
    })
}

pub(crate) fn role(row: &Row) -> AppResult<Role> {
    let builtin = match row.opt_text("builtin")? {
        Some(b) => Some(BuiltinRole::parse(&b).ok_or_else(|| corrupt("builtin", &b))?),
        None => None,
    };
    let permissions = match builtin {
        Some(b) => b.permissions(),
        // A key that a later version dropped is ignored rather than failing the read.
        None => PermissionSet::of(
            row.text("permissions")?
                .split(',')
                .filter_map(Permission::parse),
        ),
    };
    Ok(Role {
        tenant_id: TenantId::new(row.i64("tenant_id")?),
        id: parse_id!(RoleId, row, "id"),
        key: row.text("role_key")?,
        name: row.text("name")?,
        description: row.text("description")?,
        builtin,
        permissions,
        created_at_ms: row.i64("created_at_ms")?,
        updated_at_ms: row.i64("updated_at_ms")?,
    })
}

pub(crate) fn permissions_text(set: PermissionSet) -> String {
    set.keys().join(",")
}

pub(crate) fn api_key(row: &Row) -> AppResult<ApiKey> {
    Ok(ApiKey {
        tenant_id: TenantId::new(row.i64("tenant_id")?),
        id: parse_id!(ApiKeyId, row, "id"),
        name: row.text("name")?,
        role_id: parse_id!(RoleId, row, "role_id"),
        secret_hash: row.bytes("secret_hash")?,
        created_at_ms: row.i64("created_at_ms")?,
        revoked_at_ms: row.opt_i64("revoked_at_ms")?,
    })
}

pub(crate) fn platform_admin(row: &Row) -> AppResult<PlatformAdmin> {
    Ok(PlatformAdmin {
        id: parse_id!(PlatformAdminId, row, "id"),
        login_name: row.text("login_name")?,
        password_hash: row.text("password_hash")?,
        created_at_ms: row.i64("created_at_ms")?,
    })
}

pub(crate) fn session(row: &Row) -> AppResult<Session> {
    let subject = match (
        row.opt_i64("tenant_id")?,
        row.opt_text("user_id")?,
        row.opt_text("platform_admin_id")?,
    ) {
        (Some(t), Some(u), _) => SessionSubject::User {
            tenant: TenantId::new(t),
            user: UserId::parse(&u).ok_or_else(|| corrupt("user_id", &u))?,
        },
        (_, _, Some(a)) => SessionSubject::PlatformAdmin(
            PlatformAdminId::parse(&a).ok_or_else(|| corrupt("platform_admin_id", &a))?,
        ),
        _ => return Err(AppError::Store("session without subject".into())),
    };
    Ok(Session {
        token_hash: row.bytes("token_hash")?,
        subject,
        csrf_token: row.text("csrf_token")?,
        created_at_ms: row.i64("created_at_ms")?,
        seen_at_ms: row.i64("seen_at_ms")?,
    })
}

pub(crate) fn audit(row: &Row) -> AppResult<AuditEntry> {
    let json = |col: &str| -> AppResult<Option<serde_json::Value>> {
        Ok(row
            .opt_text(col)?
            .and_then(|s| serde_json::from_str(&s).ok()))
    };
    let tenant = row.i64("tenant_id")?;
    Ok(AuditEntry {
        tenant_id: (tenant != 0).then(|| TenantId::new(tenant)),
        id: parse_id!(AuditId, row, "id"),
        at_ms: row.i64("at_ms")?,
        actor_kind: row.text("actor_kind")?,
        actor_id: row.opt_text("actor_id")?,
        actor_name: row.text("actor_name")?,
        action: row.text("action")?,
        object_type: row.text("object_type")?,
        object_id: row.text("object_id")?,
        before: json("before_json")?,
        after: json("after_json")?,
        ip: row.opt_text("ip")?,
        request_id: row.opt_text("request_id")?,
    })
}
