//! Adding and removing members by code, in bulk, while a group is not enabled.

use super::model::{AddedMembers, Group, RemovedMembers};
use super::{action, enabled_conflict, of_kind};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::ports::Tx;
use patron_domain::groups::{self as rules, GroupKind};
use patron_domain::rbac::Permission;
use serde_json::json;
use std::collections::HashSet;

/// Holds the group against a concurrent enabling until the transaction ends: members only
/// change while it is not enabled.
async fn hold_open(tx: &mut dyn Tx, group: &Group) -> AppResult<()> {
    if group.enabled() || !tx.lock_open_group(group.tenant_id, &group.id).await? {
        return Err(enabled_conflict());
    }
    Ok(())
}

/// Records the change and marks the group as changed now.
async fn record(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    mut group: Group,
    verb: &str,
    after: serde_json::Value,
) -> AppResult<()> {
    group.updated_at_ms = ctx.now_ms;
    tx.update_group(&group).await?;
    let change = Change {
        action: &action(group.kind, verb),
        object_type: group.kind.object_type(),
        object_id: group.id.clone(),
        before: None,
        after: Some(after),
    };
    audit::record(tx, ctx, Some(group.tenant_id), change).await
}

/// Adds stores (products) by code. Each code must name a store code (product code) of the
/// tenant: unknown codes are answered back and the known ones added. Adding a member again
/// changes nothing, so a repeated call answers its codes as `already_members`.
pub async fn add_members(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    kind: GroupKind,
    id: &str,
    codes: &[String],
) -> AppResult<AddedMembers> {
    ctx.principal.require(Permission::GroupsManage)?;
    let t = ctx.principal.tenant()?;
    let group = of_kind(tx.group(t, id).await?, kind)?;
    let codes = rules::codes(codes)?;
    hold_open(tx, &group).await?;
    if group.all_items {
        return Err(AppError::conflict(
            "group_all_items",
            None,
            "an all-items group takes every item when it is enabled: nothing is added by hand",
        ));
    }
    let plausible: Vec<String> = codes
        .iter()
        .filter(|c| rules::plausible_code(c))
        .cloned()
        .collect();
    let known: HashSet<String> = tx
        .item_codes_among(t, kind, &plausible)
        .await?
        .into_iter()
        .collect();
    let known_in_order: Vec<String> = codes
        .iter()
        .filter(|c| known.contains(*c))
        .cloned()
        .collect();
    let inserted: HashSet<String> = tx
        .insert_group_members(t, id, &known_in_order, ctx.now_ms)
        .await?
        .into_iter()
        .collect();
    let mut out = AddedMembers::default();
    for code in codes {
        if inserted.contains(&code) {
            out.added.push(code);
        } else if known.contains(&code) {
            out.already_members.push(code);
        } else {
            out.unknown.push(code);
        }
    }
    if !out.added.is_empty() {
        let after = json!({ "added": out.added });
        record(tx, ctx, group, "add_members", after).await?;
    }
    Ok(out)
}

/// Removes members by code, only before the group is enabled. Codes that are not members are
/// answered back; removing them changes nothing.
pub async fn remove_members(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    kind: GroupKind,
    id: &str,
    codes: &[String],
) -> AppResult<RemovedMembers> {
    ctx.principal.require(Permission::GroupsManage)?;
    let t = ctx.principal.tenant()?;
    let group = of_kind(tx.group(t, id).await?, kind)?;
    let codes = rules::codes(codes)?;
    hold_open(tx, &group).await?;
    let removed: HashSet<String> = tx
        .delete_group_members(t, id, &codes)
        .await?
        .into_iter()
        .collect();
    let (removed, not_members): (Vec<String>, Vec<String>) =
        codes.into_iter().partition(|c| removed.contains(c));
    if !removed.is_empty() {
        let after = json!({ "removed": removed });
        record(tx, ctx, group, "remove_members", after).await?;
    }
    Ok(RemovedMembers {
        removed,
        not_members,
    })
}
