//! Console users of a tenant: create, edit, assign roles, disable, reset or change a password,
//! delete. A tenant always keeps at least one active administrator.

use crate::audit::{self, Change};
use crate::context::{Actor, Ctx};
use crate::error::{AppError, AppResult};
use crate::model::{ListQuery, Page, Role, User};
use crate::ports::{Store, Tx};
use crate::secrets::{self, new_uuid};
use patron_domain::ids::{RoleId, TenantId, UserId};
use patron_domain::rbac::{BuiltinRole, Permission, PermissionSet};
use patron_domain::user::{self, Locale, UserStatus};
use serde_json::json;

#[derive(Debug, Clone, Default)]
pub struct NewUser {
    pub login_name: String,
    pub display_name: String,
    pub email: Option<String>,
    pub locale: Option<String>,
    pub password: String,
    pub role_ids: Vec<String>,
}

/// A validated new user with the password hashed.
pub struct PreparedUser {
    login_name: String,
    display_name: String,
    email: Option<String>,
    locale: Locale,
    role_ids: Vec<RoleId>,
    password_hash: String,
}

pub async fn prepare(input: NewUser) -> AppResult<PreparedUser> {
    let login_name = user::parse_login_name(&input.login_name)?;
    let display_name = user::parse_display_name(&input.display_name)?;
    let email = user::parse_email(input.email.as_deref().unwrap_or_default())?;
    let locale = match input.locale.as_deref() {
        Some(l) if !l.trim().is_empty() => Locale::parse(l)?,
        _ => Locale::En,
    };
    let role_ids = parse_role_ids(&input.role_ids)?;
    user::check_new_password("password", &input.password, &login_name)?;
    let password_hash = secrets::hash_password(input.password).await?;
    Ok(PreparedUser {
        login_name,
        display_name,
        email,
        locale,
        role_ids,
        password_hash,
    })
}

fn parse_role_ids(raw: &[String]) -> AppResult<Vec<RoleId>> {
    let mut ids = Vec::with_capacity(raw.len());
    for r in raw {
        let id = RoleId::parse(r.trim()).ok_or_else(|| {
            patron_domain::ValidationError::new(
                "role_ids",
                "unknown_role",
                format!("'{r}' is not a role id"),
            )
        })?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// Checks the roles exist in the tenant and that the caller holds every permission they grant.
async fn check_roles(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    t: TenantId,
    ids: &[RoleId],
) -> AppResult<Vec<Role>> {
    let all = tx.all_roles(t).await?;
    let mut chosen = Vec::with_capacity(ids.len());
    for id in ids {
        let role = all.iter().find(|r| r.id == *id).ok_or_else(|| {
            patron_domain::ValidationError::new(
                "role_ids",
                "unknown_role",
                format!("role {id} does not exist"),
            )
        })?;
        chosen.push(role.clone());
    }
    let granted = chosen
        .iter()
        .fold(PermissionSet::empty(), |s, r| s.union(r.permissions));
    ctx.principal.require_all(granted)?;
    Ok(chosen)
}

pub async fn create(tx: &mut dyn Tx, ctx: &Ctx, p: PreparedUser) -> AppResult<User> {
    ctx.principal.require(Permission::UsersCreate)?;
    let t = ctx.principal.tenant()?;
    check_roles(tx, ctx, t, &p.role_ids).await?;
    if tx.user_credentials(t, &p.login_name).await?.is_some() {
        return Err(AppError::conflict(
            "login_name_taken",
            Some("login_name"),
            format!("a user '{}' exists", p.login_name),
        ));
    }
    let user = User {
        tenant_id: t,
        id: UserId::from_uuid(new_uuid()),
        login_name: p.login_name,
        display_name: p.display_name,
        email: p.email,
        locale: p.locale,
        status: UserStatus::Active,
        role_ids: p.role_ids,
        created_at_ms: ctx.now_ms,
        updated_at_ms: ctx.now_ms,
        last_login_at_ms: None,
    };
    tx.insert_user(&user, &p.password_hash).await?;
    tx.set_user_roles(t, user.id, &user.role_ids).await?;
    let change = Change {
        action: "user.create",
        object_type: "user",
        object_id: user.id.to_string(),
        before: None,
        after: Some(snapshot(&user)),
    };
    audit::record(tx, ctx, Some(t), change).await?;
    Ok(user)
}

/// Changes to a user; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserPatch {
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub locale: Option<String>,
    pub status: Option<String>,
    pub role_ids: Option<Vec<String>>,
}

pub async fn update(tx: &mut dyn Tx, ctx: &Ctx, id: UserId, patch: UserPatch) -> AppResult<User> {
    ctx.principal.require(Permission::UsersUpdate)?;
    let t = ctx.principal.tenant()?;
    let before = tx.user(t, id).await?.ok_or(AppError::NotFound("user"))?;
    let mut after = before.clone();
    if let Some(v) = &patch.display_name {
        after.display_name = user::parse_display_name(v)?;
    }
    if let Some(v) = &patch.email {
        after.email = user::parse_email(v)?;
    }
    if let Some(v) = &patch.locale {
        after.locale = Locale::parse(v)?;
    }
    if let Some(v) = &patch.status {
        after.status = UserStatus::parse(v)?;
    }
    if let Some(v) = &patch.role_ids {
        after.role_ids = parse_role_ids(v)?;
        check_roles(tx, ctx, t, &after.role_ids).await?;
    }
    if after == before {
        return Ok(after);
    }
    after.updated_at_ms = ctx.now_ms;
    tx.update_user(&after).await?;
    if after.role_ids != before.role_ids {
        tx.set_user_roles(t, id, &after.role_ids).await?;
    }
    if after.status == UserStatus::Disabled && before.status == UserStatus::Active {
        tx.delete_user_sessions(t, id).await?;
    }
    ensure_an_administrator_remains(tx, t).await?;
    let change = Change {
        action: "user.update",
        object_type: "user",
        object_id: id.to_string(),
        before: Some(snapshot(&before)),
        after: Some(snapshot(&after)),
    };
    audit::record(tx, ctx, Some(t), change).await?;
    Ok(after)
}

/// A user may set their own display name and language without `users:update`.
pub async fn update_own_preferences(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    locale: Option<String>,
    display_name: Option<String>,
) -> AppResult<User> {
    let t = ctx.principal.tenant()?;
    let Actor::User { id, .. } = &ctx.principal.actor else {
        return Err(AppError::NotFound("user"));
    };
    let before = tx.user(t, *id).await?.ok_or(AppError::NotFound("user"))?;
    let mut after = before.clone();
    if let Some(l) = locale {
        after.locale = Locale::parse(&l)?;
    }
    if let Some(n) = display_name {
        after.display_name = user::parse_display_name(&n)?;
    }
    if after != before {
        after.updated_at_ms = ctx.now_ms;
        tx.update_user(&after).await?;
    }
    Ok(after)
}

/// Refuses a change that would leave the tenant without an active administrator: nobody could
/// then manage its users.
async fn ensure_an_administrator_remains(tx: &mut dyn Tx, t: TenantId) -> AppResult<()> {
    let Some(admin) = tx.role_by_key(t, BuiltinRole::Administrator.key()).await? else {
        return Ok(());
    };
    if tx.active_users_with_role(t, admin.id).await? == 0 {
        return Err(AppError::conflict(
            "last_administrator",
            None,
            "the tenant must keep at least one active administrator",
        ));
    }
    Ok(())
}

/// An administrator sets a new password for a user (who forgot theirs).
pub async fn prepare_password(password: String, login_name: &str) -> AppResult<String> {
    user::check_new_password("password", &password, login_name)?;
    secrets::hash_password(password).await
}

pub async fn reset_password(tx: &mut dyn Tx, ctx: &Ctx, id: UserId, hash: &str) -> AppResult<()> {
    ctx.principal.require(Permission::UsersUpdate)?;
    let t = ctx.principal.tenant()?;
    tx.user(t, id).await?.ok_or(AppError::NotFound("user"))?;
    tx.set_password_hash(t, id, hash, ctx.now_ms).await?;
    tx.delete_user_sessions(t, id).await?;
    let change = Change {
        action: "user.reset_password",
        object_type: "user",
        object_id: id.to_string(),
        before: None,
        after: None,
    };
    audit::record(tx, ctx, Some(t), change).await
}

/// A verified password change of the caller's own account (old password checked, new hashed).
pub struct PreparedPasswordChange {
    user: UserId,
    hash: String,
}

/// Checks the old password and the new one with its confirmation (spec §12.4), then hashes it.
pub async fn prepare_password_change(
    store: &dyn Store,
    ctx: &Ctx,
    old_password: String,
    new_password: String,
    confirm_password: String,
) -> AppResult<PreparedPasswordChange> {
    let t = ctx.principal.tenant()?;
    let Actor::User { id, login_name } = &ctx.principal.actor else {
        return Err(AppError::NotFound("user"));
    };
    user::check_password_change(&old_password, &new_password, &confirm_password, login_name)?;
    let creds = store
        .reader()
        .await?
        .user_credentials(t, login_name)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    if !secrets::verify_password(old_password, creds.password_hash).await? {
        return Err(patron_domain::ValidationError::new(
            "old_password",
            "wrong_password",
            "is not your current password",
        )
        .into());
    }
    let hash = secrets::hash_password(new_password).await?;
    Ok(PreparedPasswordChange { user: *id, hash })
}

pub async fn change_own_password(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    p: PreparedPasswordChange,
) -> AppResult<()> {
    let t = ctx.principal.tenant()?;
    tx.set_password_hash(t, p.user, &p.hash, ctx.now_ms).await?;
    let change = Change {
        action: "user.change_password",
        object_type: "user",
        object_id: p.user.to_string(),
        before: None,
        after: None,
    };
    audit::record(tx, ctx, Some(t), change).await
}

pub async fn delete(tx: &mut dyn Tx, ctx: &Ctx, id: UserId) -> AppResult<()> {
    ctx.principal.require(Permission::UsersDelete)?;
    let t = ctx.principal.tenant()?;
    if matches!(&ctx.principal.actor, Actor::User { id: me, .. } if *me == id) {
        return Err(AppError::conflict(
            "cannot_delete_self",
            None,
            "you cannot delete your own account",
        ));
    }
    let before = tx.user(t, id).await?.ok_or(AppError::NotFound("user"))?;
    tx.delete_user_sessions(t, id).await?;
    tx.delete_user(t, id).await?;
    ensure_an_administrator_remains(tx, t).await?;
    let change = Change {
        action: "user.delete",
        object_type: "user",
        object_id: id.to_string(),
        before: Some(snapshot(&before)),
        after: None,
    };
    audit::record(tx, ctx, Some(t), change).await
}

pub async fn list(store: &dyn Store, ctx: &Ctx, q: &ListQuery) -> AppResult<Page<User>> {
    ctx.principal.require(Permission::UsersRead)?;
    let t = ctx.principal.tenant()?;
    store.reader().await?.users(t, q).await
}

pub async fn get(store: &dyn Store, ctx: &Ctx, id: UserId) -> AppResult<User> {
    ctx.principal.require(Permission::UsersRead)?;
    let t = ctx.principal.tenant()?;
    store
        .reader()
        .await?
        .user(t, id)
        .await?
        .ok_or(AppError::NotFound("user"))
}

fn snapshot(u: &User) -> serde_json::Value {
    json!({
        "login_name": u.login_name, "display_name": u.display_name, "email": u.email,
        "locale": u.locale.tag(), "status": u.status.as_str(),
        "role_ids": u.role_ids.iter().map(ToString::to_string).collect::<Vec<_>>(),
    })
}
