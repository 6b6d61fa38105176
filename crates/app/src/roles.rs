//! Roles of a tenant: bundles of permissions given to users and API keys. Built-in roles are
//! read-only; a role still held by a user or key cannot be deleted.

use crate::api_keys::KeyCache;
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::model::{ListQuery, Page, Role};
use crate::ports::{Store, Tx};
use crate::secrets::new_uuid;
use patron_domain::ids::RoleId;
use patron_domain::rbac::{self, Permission, PermissionSet};
use serde_json::json;

#[derive(Debug, Clone, Default)]
pub struct RoleInput {
    pub key: String,
    pub name: String,
    pub description: Option<String>,
    pub permissions: Vec<String>,
}

fn parse_description(raw: Option<&str>) -> AppResult<String> {
    let d = raw.unwrap_or_default().trim();
    if d.chars().count() > 200 {
        return Err(patron_domain::ValidationError::new(
            "description",
            "too_long",
            "must have at most 200 characters",
        )
        .into());
    }
    Ok(d.to_string())
}

pub async fn create(tx: &mut dyn Tx, ctx: &Ctx, input: RoleInput) -> AppResult<Role> {
    ctx.principal.require(Permission::RolesCreate)?;
    let t = ctx.principal.tenant()?;
    let key = rbac::parse_role_key(&input.key)?;
    let name = rbac::parse_role_name(&input.name)?;
    let description = parse_description(input.description.as_deref())?;
    let permissions = PermissionSet::parse_for_role(&input.permissions)?;
    ctx.principal.require_all(permissions)?;
    if tx.role_by_key(t, &key).await?.is_some() {
        return Err(AppError::conflict(
            "role_key_taken",
            Some("key"),
            format!("a role '{key}' exists"),
        ));
    }
    let role = Role {
        tenant_id: t,
        id: RoleId::from_uuid(new_uuid()),
        key,
        name,
        description,
        builtin: None,
        permissions,
        created_at_ms: ctx.now_ms,
        updated_at_ms: ctx.now_ms,
    };
    tx.insert_role(&role).await?;
    let change = Change {
        action: "role.create",
        object_type: "role",
        object_id: role.id.to_string(),
        before: None,
        after: Some(snapshot(&role)),
    };
    audit::record(tx, ctx, Some(t), change).await?;
    Ok(role)
}

/// Changes to a role; `None` leaves a field as it is. The key never changes.
#[derive(Debug, Clone, Default)]
pub struct RolePatch {
    pub name: Option<String>,
    pub description: Option<String>,
    pub permissions: Option<Vec<String>>,
}

pub async fn update(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    keys: &KeyCache,
    id: RoleId,
    patch: RolePatch,
) -> AppResult<Role> {
    ctx.principal.require(Permission::RolesUpdate)?;
    let t = ctx.principal.tenant()?;
    let before = tx.role(t, id).await?.ok_or(AppError::NotFound("role"))?;
    if before.builtin.is_some() {
        return Err(AppError::conflict(
            "builtin_role_readonly",
            None,
            "built-in roles cannot be changed",
        ));
    }
    let mut after = before.clone();
    if let Some(n) = &patch.name {
        after.name = rbac::parse_role_name(n)?;
    }
    if patch.description.is_some() {
        after.description = parse_description(patch.description.as_deref())?;
    }
    if let Some(p) = &patch.permissions {
        after.permissions = PermissionSet::parse_for_role(p)?;
        ctx.principal.require_all(after.permissions)?;
    }
    if after == before {
        return Ok(after);
    }
    after.updated_at_ms = ctx.now_ms;
    tx.update_role(&after).await?;
    let change = Change {
        action: "role.update",
        object_type: "role",
        object_id: id.to_string(),
        before: Some(snapshot(&before)),
        after: Some(snapshot(&after)),
    };
    audit::record(tx, ctx, Some(t), change).await?;
    // Keys bound to this role must not keep the old permissions.
    keys.clear();
    Ok(after)
}

pub async fn delete(tx: &mut dyn Tx, ctx: &Ctx, id: RoleId) -> AppResult<()> {
    ctx.principal.require(Permission::RolesDelete)?;
    let t = ctx.principal.tenant()?;
    let before = tx.role(t, id).await?.ok_or(AppError::NotFound("role"))?;
    if before.builtin.is_some() {
        return Err(AppError::conflict(
            "builtin_role_readonly",
            None,
            "built-in roles cannot be deleted",
        ));
    }
    let usage = tx.role_usage(t, id).await?;
    if usage > 0 {
        return Err(AppError::conflict(
            "role_in_use",
            None,
            format!("the role is held by {usage} users or API keys; take it away first"),
        ));
    }
    tx.delete_role(t, id).await?;
    let change = Change {
        action: "role.delete",
        object_type: "role",
        object_id: id.to_string(),
        before: Some(snapshot(&before)),
        after: None,
    };
    audit::record(tx, ctx, Some(t), change).await
}

pub async fn list(store: &dyn Store, ctx: &Ctx, q: &ListQuery) -> AppResult<Page<Role>> {
    ctx.principal.require(Permission::RolesRead)?;
    let t = ctx.principal.tenant()?;
    store.reader().await?.roles(t, q).await
}

pub async fn get(store: &dyn Store, ctx: &Ctx, id: RoleId) -> AppResult<Role> {
    ctx.principal.require(Permission::RolesRead)?;
    let t = ctx.principal.tenant()?;
    store
        .reader()
        .await?
        .role(t, id)
        .await?
        .ok_or(AppError::NotFound("role"))
}

fn snapshot(r: &Role) -> serde_json::Value {
    json!({
        "key": r.key, "name": r.name, "description": r.description,
        "permissions": r.permissions.keys(),
    })
}

/// Every role of the caller's tenant, to name the roles of users and keys and offer them in
/// forms: whoever may see or assign a user's roles must see their names, without `roles:read`.
pub async fn all(store: &dyn Store, ctx: &Ctx) -> AppResult<Vec<Role>> {
    let t = ctx.principal.tenant()?;
    store.reader().await?.all_roles(t).await
}
