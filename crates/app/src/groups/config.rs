//! Creating, changing, enabling and deleting groups.

use super::model::{Group, GroupDetail, GroupPatch, NewGroup};
use super::{action, enabled_conflict, of_kind, snapshot};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::ports::Tx;
use crate::secrets::new_uuid;
use patron_domain::groups::{self as rules, GroupKind};
use patron_domain::ids::{GroupId, TenantId};
use patron_domain::rbac::Permission;
use serde_json::json;

fn name_taken(name: &str) -> AppError {
    AppError::conflict(
        "group_name_taken",
        Some("name"),
        format!("a group named '{name}' exists"),
    )
}

/// Refuses `name` when another group of the kind has it. (The unique constraint answers the
/// same for a concurrent creation.)
async fn check_name(
    tx: &mut dyn Tx,
    t: TenantId,
    kind: GroupKind,
    name: &str,
    own_id: Option<&str>,
) -> AppResult<()> {
    match tx.group_named(t, kind, name).await? {
        Some(other) if Some(other.id.as_str()) != own_id => Err(name_taken(name)),
        _ => Ok(()),
    }
}

pub async fn create(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    kind: GroupKind,
    input: NewGroup,
) -> AppResult<GroupDetail> {
    ctx.principal.require(Permission::GroupsManage)?;
    let t = ctx.principal.tenant()?;
    let name = rules::name(&input.name)?;
    let description = rules::description(&input.description)?;
    check_name(tx, t, kind, &name, None).await?;
    let group = Group {
        tenant_id: t,
        id: GroupId::from_uuid(new_uuid()).to_string(),
        kind,
        name,
        all_items: input.all_items,
        description,
        enabled_at_ms: None,
        created_at_ms: ctx.now_ms,
        updated_at_ms: ctx.now_ms,
    };
    tx.insert_group(&group).await?;
    let change = Change {
        action: &action(kind, "create"),
        object_type: kind.object_type(),
        object_id: group.id.clone(),
        before: None,
        after: Some(snapshot(&group)),
    };
    audit::record(tx, ctx, Some(t), change).await?;
    Ok(GroupDetail {
        group,
        member_count: 0,
    })
}

pub async fn update(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    kind: GroupKind,
    id: &str,
    patch: GroupPatch,
) -> AppResult<GroupDetail> {
    ctx.principal.require(Permission::GroupsManage)?;
    let t = ctx.principal.tenant()?;
    let before = of_kind(tx.group(t, id).await?, kind)?;
    let mut after = before.clone();
    if let Some(n) = &patch.name {
        after.name = rules::name(n)?;
    }
    if let Some(d) = &patch.description {
        after.description = rules::description(d)?;
    }
    if let Some(all) = patch.all_items {
        // Enabled members are frozen, and "all items" decided what they are.
        if all != before.all_items && before.enabled() {
            return Err(enabled_conflict());
        }
        after.all_items = all;
    }
    if after != before {
        if after.name != before.name {
            check_name(tx, t, kind, &after.name, Some(&before.id)).await?;
        }
        after.updated_at_ms = ctx.now_ms;
        if !tx.update_group(&after).await? {
            return Err(enabled_conflict());
        }
        let change = Change {
            action: &action(kind, "update"),
            object_type: kind.object_type(),
            object_id: after.id.clone(),
            before: Some(snapshot(&before)),
            after: Some(snapshot(&after)),
        };
        audit::record(tx, ctx, Some(t), change).await?;
    }
    let member_count = tx.group_member_count(t, &after.id).await?;
    Ok(GroupDetail {
        group: after,
        member_count,
    })
}

/// Enables a group (启用): an "all items" group first takes every store (product) of the
/// tenant at this moment; items created later are not added. A group left without members is
/// refused. Enabling is done once: there is no way back (停用 has no effect in the source).
pub async fn enable(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    kind: GroupKind,
    id: &str,
) -> AppResult<GroupDetail> {
    ctx.principal.require(Permission::GroupsManage)?;
    let t = ctx.principal.tenant()?;
    let before = of_kind(tx.group(t, id).await?, kind)?;
    if before.enabled() {
        return Err(enabled_conflict());
    }
    // The conditional update holds the row first, so the flag and members read below are the
    // ones being frozen; an error afterwards rolls the enabling back with the transaction.
    let group = tx
        .enable_group(t, id, ctx.now_ms)
        .await?
        .ok_or_else(enabled_conflict)?;
    let snapshot_added = if group.all_items {
        Some(tx.snapshot_group_members(t, kind, id, ctx.now_ms).await?)
    } else {
        None
    };
    if !tx.group_has_members(t, id).await? {
        let items = match kind {
            GroupKind::Store => "stores",
            GroupKind::Product => "products",
        };
        return Err(AppError::conflict(
            "group_empty",
            None,
            format!("the group has no {items}: add some before enabling it"),
        ));
    }
    let member_count = tx.group_member_count(t, id).await?;
    let mut after = snapshot(&group);
    after["member_count"] = json!(member_count);
    if let Some(n) = snapshot_added {
        after["snapshot_added"] = json!(n);
    }
    let change = Change {
        action: &action(kind, "enable"),
        object_type: kind.object_type(),
        object_id: group.id.clone(),
        before: Some(snapshot(&before)),
        after: Some(after),
    };
    audit::record(tx, ctx, Some(t), change).await?;
    Ok(GroupDetail {
        group,
        member_count,
    })
}

/// Deletes a group and its members, unless a coupon rule or a point rule names it.
pub async fn delete(tx: &mut dyn Tx, ctx: &Ctx, kind: GroupKind, id: &str) -> AppResult<()> {
    ctx.principal.require(Permission::GroupsManage)?;
    let t = ctx.principal.tenant()?;
    let before = of_kind(tx.group(t, id).await?, kind)?;
    let used = tx.group_references(t, id).await?;
    if used > 0 {
        return Err(AppError::conflict(
            "group_in_use",
            None,
            format!("{used} coupon or point rule(s) refer to the group"),
        ));
    }
    let member_count = tx.group_member_count(t, id).await?;
    tx.delete_group(t, id).await?;
    let mut before_json = snapshot(&before);
    before_json["member_count"] = json!(member_count);
    let change = Change {
        action: &action(kind, "delete"),
        object_type: kind.object_type(),
        object_id: before.id.clone(),
        before: Some(before_json),
        after: None,
    };
    audit::record(tx, ctx, Some(t), change).await
}
