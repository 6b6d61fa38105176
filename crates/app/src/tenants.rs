//! Tenants: created and managed by the platform administrator; a tenant's own administrators
//! change its settings (name, time zone, currency).

use crate::api_keys::KeyCache;
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::model::{ListQuery, Page, Role, Tenant, User};
use crate::ports::{Store, Tx};
use crate::secrets::{self, new_uuid};
use patron_domain::ids::{RoleId, TenantId, UserId};
use patron_domain::rbac::{BuiltinRole, Permission, PermissionSet};
use patron_domain::tenant::{self, Currency, TenantCode, TenantStatus, TimeZone};
use patron_domain::user::{self, Locale, UserStatus};
use serde_json::json;

/// The form to create a tenant with its first administrator.
#[derive(Debug, Clone, Default)]
pub struct NewTenant {
    pub code: String,
    pub name: String,
    pub time_zone: Option<String>,
    pub currency: Option<String>,
    pub admin_login_name: String,
    /// When absent a password is generated and returned once.
    pub admin_password: Option<String>,
}

/// A validated new tenant with the administrator's password already hashed (outside the
/// transaction: hashing is slow).
pub struct PreparedTenant {
    code: TenantCode,
    name: String,
    time_zone: TimeZone,
    currency: Currency,
    admin_login_name: String,
    admin_password_hash: String,
    /// The generated password, to show once.
    pub generated_password: Option<String>,
}

pub async fn prepare(input: NewTenant) -> AppResult<PreparedTenant> {
    let code = TenantCode::parse(&input.code)?;
    let name = tenant::parse_name(&input.name)?;
    let time_zone = match input.time_zone.as_deref().map(str::trim) {
        Some(tz) if !tz.is_empty() => TimeZone::parse(tz)?,
        _ => TimeZone::default(),
    };
    let currency = match input.currency.as_deref().map(str::trim) {
        Some(c) if !c.is_empty() => Currency::parse(c)?,
        _ => Currency::default(),
    };
    let admin_login_name = user::parse_login_name(&input.admin_login_name).map_err(|e| {
        patron_domain::ValidationError {
            field: "admin_login_name",
            ..e
        }
    })?;
    let (password, generated_password) = match input.admin_password.filter(|p| !p.is_empty()) {
        Some(p) => (p, None),
        None => {
            let p = secrets::random_password();
            (p.clone(), Some(p))
        }
    };
    user::check_new_password("admin_password", &password, &admin_login_name)?;
    let admin_password_hash = secrets::hash_password(password).await?;
    Ok(PreparedTenant {
        code,
        name,
        time_zone,
        currency,
        admin_login_name,
        admin_password_hash,
        generated_password,
    })
}

/// Creates the tenant, its built-in roles and its first administrator.
pub async fn create(tx: &mut dyn Tx, ctx: &Ctx, p: PreparedTenant) -> AppResult<Tenant> {
    ctx.principal.require(Permission::TenantsCreate)?;
    if tx.tenant_by_code(p.code.as_str()).await?.is_some() {
        return Err(AppError::conflict(
            "tenant_code_taken",
            Some("code"),
            format!("a tenant with code '{}' exists", p.code.as_str()),
        ));
    }
    let mut tenant = Tenant {
        id: TenantId::new(0),
        code: p.code.as_str().to_string(),
        name: p.name,
        time_zone: p.time_zone.as_str().to_string(),
        currency: p.currency.as_str().to_string(),
        status: TenantStatus::Active,
        created_at_ms: ctx.now_ms,
        updated_at_ms: ctx.now_ms,
        config_version: 0,
    };
    tenant.id = tx.insert_tenant(&tenant).await?;
    let mut admin_role = None;
    for builtin in BuiltinRole::ALL {
        let role = builtin_role(tenant.id, builtin, ctx.now_ms);
        tx.insert_role(&role).await?;
        if builtin == BuiltinRole::Administrator {
            admin_role = Some(role.id);
        }
    }
    let admin = User {
        tenant_id: tenant.id,
        id: UserId::from_uuid(new_uuid()),
        login_name: p.admin_login_name,
        display_name: "Administrator".to_string(),
        email: None,
        locale: Locale::En,
        status: UserStatus::Active,
        role_ids: admin_role.into_iter().collect(),
        created_at_ms: ctx.now_ms,
        updated_at_ms: ctx.now_ms,
        last_login_at_ms: None,
    };
    tx.insert_user(&admin, &p.admin_password_hash).await?;
    tx.set_user_roles(tenant.id, admin.id, &admin.role_ids)
        .await?;
    let change = Change {
        action: "tenant.create",
        object_type: "tenant",
        object_id: tenant.id.to_string(),
        before: None,
        after: Some(snapshot(&tenant)),
    };
    audit::record(tx, ctx, None, change).await?;
    Ok(tenant)
}

/// A built-in role record for a new tenant.
pub fn builtin_role(tenant: TenantId, builtin: BuiltinRole, now_ms: i64) -> Role {
    let (name, _) = builtin.names();
    Role {
        tenant_id: tenant,
        id: RoleId::from_uuid(new_uuid()),
        key: builtin.key().to_string(),
        name: name.to_string(),
        description: String::new(),
        builtin: Some(builtin),
        permissions: PermissionSet::empty(),
        created_at_ms: now_ms,
        updated_at_ms: now_ms,
    }
}

/// Changes to a tenant. `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct TenantPatch {
    pub name: Option<String>,
    pub time_zone: Option<String>,
    pub currency: Option<String>,
    pub status: Option<String>,
}

fn apply_patch(tenant: &mut Tenant, patch: &TenantPatch) -> AppResult<()> {
    if let Some(name) = &patch.name {
        tenant.name = tenant::parse_name(name)?;
    }
    if let Some(tz) = &patch.time_zone {
        tenant.time_zone = TimeZone::parse(tz)?.as_str().to_string();
    }
    if let Some(c) = &patch.currency {
        tenant.currency = Currency::parse(c)?.as_str().to_string();
    }
    if let Some(s) = &patch.status {
        tenant.status = TenantStatus::parse(s)?;
    }
    Ok(())
}

/// The platform administrator edits or suspends a tenant.
pub async fn update(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    keys: &KeyCache,
    id: TenantId,
    patch: TenantPatch,
) -> AppResult<Tenant> {
    ctx.principal.require(Permission::TenantsUpdate)?;
    let before = tx.tenant(id).await?.ok_or(AppError::NotFound("tenant"))?;
    let mut tenant = before.clone();
    apply_patch(&mut tenant, &patch)?;
    // A suspended tenant's keys stop working now, not when their cache entries expire.
    keys.clear();
    save(tx, ctx, None, before, tenant, "tenant.update").await
}

/// A tenant's administrator changes its settings. The status is the platform's to change.
pub async fn update_settings(tx: &mut dyn Tx, ctx: &Ctx, patch: TenantPatch) -> AppResult<Tenant> {
    ctx.principal.require(Permission::SettingsUpdate)?;
    let id = ctx.principal.tenant()?;
    let before = tx.tenant(id).await?.ok_or(AppError::NotFound("tenant"))?;
    let mut tenant = before.clone();
    apply_patch(
        &mut tenant,
        &TenantPatch {
            status: None,
            ..patch
        },
    )?;
    save(tx, ctx, Some(id), before, tenant, "settings.update").await
}

async fn save(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    audit_tenant: Option<TenantId>,
    before: Tenant,
    mut tenant: Tenant,
    action: &str,
) -> AppResult<Tenant> {
    if tenant == before {
        return Ok(tenant);
    }
    tenant.updated_at_ms = ctx.now_ms;
    tx.update_tenant(&tenant).await?;
    let change = Change {
        action,
        object_type: "tenant",
        object_id: tenant.id.to_string(),
        before: Some(snapshot(&before)),
        after: Some(snapshot(&tenant)),
    };
    audit::record(tx, ctx, audit_tenant, change).await?;
    Ok(tenant)
}

pub async fn list(store: &dyn Store, ctx: &Ctx, q: &ListQuery) -> AppResult<Page<Tenant>> {
    ctx.principal.require(Permission::TenantsRead)?;
    store.reader().await?.tenants(q).await
}

pub async fn get(store: &dyn Store, ctx: &Ctx, id: TenantId) -> AppResult<Tenant> {
    ctx.principal.require(Permission::TenantsRead)?;
    store
        .reader()
        .await?
        .tenant(id)
        .await?
        .ok_or(AppError::NotFound("tenant"))
}

/// The caller's own tenant.
pub async fn settings(store: &dyn Store, ctx: &Ctx) -> AppResult<Tenant> {
    ctx.principal.require(Permission::SettingsRead)?;
    let id = ctx.principal.tenant()?;
    store
        .reader()
        .await?
        .tenant(id)
        .await?
        .ok_or(AppError::NotFound("tenant"))
}

fn snapshot(t: &Tenant) -> serde_json::Value {
    json!({
        "code": t.code, "name": t.name, "time_zone": t.time_zone,
        "currency": t.currency, "status": t.status.as_str(),
    })
}

/// The caller's own tenant, whatever the caller's permissions: its name and time zone frame
/// every console page. `None` for the platform administrator.
pub async fn current(store: &dyn Store, ctx: &Ctx) -> AppResult<Option<Tenant>> {
    match ctx.principal.tenant {
        Some(t) => store.reader().await?.tenant(t).await,
        None => Ok(None),
    }
}

/// The time zone of the tenant with this code, if there is one (to tell a locked-out user when
/// to try again in their own time).
pub async fn time_zone_of(store: &dyn Store, code: &str) -> AppResult<Option<String>> {
    let code = code.trim().to_lowercase();
    if code.is_empty() {
        return Ok(None);
    }
    Ok(store
        .reader()
        .await?
        .tenant_by_code(&code)
        .await?
        .map(|t| t.time_zone))
}

/// The tenant's time zone, for days that end at local midnight (Asia/Shanghai if unreadable).
pub async fn zone(r: &mut dyn crate::ports::Reads, t: TenantId) -> AppResult<chrono_tz::Tz> {
    Ok(r.tenant(t)
        .await?
        .and_then(|tenant| tenant.time_zone.parse().ok())
        .unwrap_or(chrono_tz::Tz::Asia__Shanghai))
}
