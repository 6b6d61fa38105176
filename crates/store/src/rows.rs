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

fn get_i64(row: &Row, col: &str) -> AppResult<i64> {
    row.i64(col)
}

fn get_str(row: &Row, col: &str) -> AppResult<String> {
    row.text(col)
}

fn get_opt_str(row: &Row, col: &str) -> AppResult<Option<String>> {
    row.opt_text(col)
}

fn get_opt_i64(row: &Row, col: &str) -> AppResult<Option<i64>> {
    row.opt_i64(col)
}

fn get_bytes(row: &Row, col: &str) -> AppResult<Vec<u8>> {
    row.bytes(col)
}

macro_rules! parse_id {
    ($ty:ty, $row:expr, $col:expr) => {{
        let raw = get_str($row, $col)?;
        <$ty>::parse(&raw).ok_or_else(|| corrupt($col, &raw))?
    }};
}

pub(crate) fn tenant(row: &Row) -> AppResult<Tenant> {
    let status = get_str(row, "status")?;
    Ok(Tenant {
        id: TenantId::new(get_i64(row, "id")?),
        code: get_str(row, "code")?,
        name: get_str(row, "name")?,
        time_zone: get_str(row, "time_zone")?,
        currency: get_str(row, "currency")?,
        status: TenantStatus::parse(&status).map_err(|_| corrupt("status", &status))?,
        created_at_ms: get_i64(row, "created_at_ms")?,
        updated_at_ms: get_i64(row, "updated_at_ms")?,
    })
}

/// A user without roles; the caller fills `role_ids` from `user_roles`.
pub(crate) fn user(row: &Row) -> AppResult<User> {
    let status = get_str(row, "status")?;
    let locale = get_str(row, "locale")?;
    Ok(User {
        tenant_id: TenantId::new(get_i64(row, "tenant_id")?),
        id: parse_id!(UserId, row, "id"),
        login_name: get_str(row, "login_name")?,
        display_name: get_str(row, "display_name")?,
        email: get_opt_str(row, "email")?,
        locale: Locale::parse(&locale).map_err(|_| corrupt("locale", &locale))?,
        status: UserStatus::parse(&status).map_err(|_| corrupt("status", &status))?,
        role_ids: Vec::new(),
        created_at_ms: get_i64(row, "created_at_ms")?,
        updated_at_ms: get_i64(row, "updated_at_ms")?,
        last_login_at_ms: get_opt_i64(row, "last_login_at_ms")?,
    })
}

pub(crate) fn role(row: &Row) -> AppResult<Role> {
    let builtin = match get_opt_str(row, "builtin")? {
        Some(b) => Some(BuiltinRole::parse(&b).ok_or_else(|| corrupt("builtin", &b))?),
        None => None,
    };
    let permissions = match builtin {
        Some(b) => b.permissions(),
        // A key that a later version dropped is ignored rather than failing the read.
        None => PermissionSet::of(
            get_str(row, "permissions")?
                .split(',')
                .filter_map(Permission::parse),
        ),
    };
    Ok(Role {
        tenant_id: TenantId::new(get_i64(row, "tenant_id")?),
        id: parse_id!(RoleId, row, "id"),
        key: get_str(row, "role_key")?,
        name: get_str(row, "name")?,
        description: get_str(row, "description")?,
        builtin,
        permissions,
        created_at_ms: get_i64(row, "created_at_ms")?,
        updated_at_ms: get_i64(row, "updated_at_ms")?,
    })
}

pub(crate) fn permissions_text(set: PermissionSet) -> String {
    set.keys().join(",")
}

pub(crate) fn api_key(row: &Row) -> AppResult<ApiKey> {
    Ok(ApiKey {
        tenant_id: TenantId::new(get_i64(row, "tenant_id")?),
        id: parse_id!(ApiKeyId, row, "id"),
        name: get_str(row, "name")?,
        role_id: parse_id!(RoleId, row, "role_id"),
        secret_hash: get_bytes(row, "secret_hash")?,
        created_at_ms: get_i64(row, "created_at_ms")?,
        revoked_at_ms: get_opt_i64(row, "revoked_at_ms")?,
    })
}

pub(crate) fn platform_admin(row: &Row) -> AppResult<PlatformAdmin> {
    Ok(PlatformAdmin {
        id: parse_id!(PlatformAdminId, row, "id"),
        login_name: get_str(row, "login_name")?,
        password_hash: get_str(row, "password_hash")?,
        created_at_ms: get_i64(row, "created_at_ms")?,
    })
}

pub(crate) fn session(row: &Row) -> AppResult<Session> {
    let subject = match (
        get_opt_i64(row, "tenant_id")?,
        get_opt_str(row, "user_id")?,
        get_opt_str(row, "platform_admin_id")?,
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
        token_hash: get_bytes(row, "token_hash")?,
        subject,
        csrf_token: get_str(row, "csrf_token")?,
        created_at_ms: get_i64(row, "created_at_ms")?,
        seen_at_ms: get_i64(row, "seen_at_ms")?,
    })
}

pub(crate) fn audit(row: &Row) -> AppResult<AuditEntry> {
    let json = |col: &str| -> AppResult<Option<serde_json::Value>> {
        Ok(get_opt_str(row, col)?.and_then(|s| serde_json::from_str(&s).ok()))
    };
    let tenant = get_i64(row, "tenant_id")?;
    Ok(AuditEntry {
        tenant_id: (tenant != 0).then(|| TenantId::new(tenant)),
        id: parse_id!(AuditId, row, "id"),
        at_ms: get_i64(row, "at_ms")?,
        actor_kind: get_str(row, "actor_kind")?,
        actor_id: get_opt_str(row, "actor_id")?,
        actor_name: get_str(row, "actor_name")?,
        action: get_str(row, "action")?,
        object_type: get_str(row, "object_type")?,
        object_id: get_str(row, "object_id")?,
        before: json("before_json")?,
        after: json("after_json")?,
        ip: get_opt_str(row, "ip")?,
        request_id: get_opt_str(row, "request_id")?,
    })
}
