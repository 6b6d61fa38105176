//! Point groups (spec §5.4): the point-account types of a program, e.g. 积分 and 成长值. The
//! code is unique in the program and never changes; a group used by a tier rule or holding
//! point accounts cannot be deleted.

use super::{program_of, refuse_in_use, PointGroup};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::model::{ListQuery, Page};
use crate::ports::{Store, Tx};
use crate::secrets::new_uuid;
use patron_domain::ids::{PointGroupId, ProgramId};
use patron_domain::loyalty::{parse_entry_code, parse_entry_name};
use patron_domain::rbac::Permission;
use serde_json::json;

#[derive(Debug, Clone, Default)]
pub struct PointGroupInput {
    pub code: String,
    pub name: String,
}

/// Changes to a point group; `None` keeps a field.
#[derive(Debug, Clone, Default)]
pub struct PointGroupPatch {
    pub name: Option<String>,
}

pub async fn create(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    program: ProgramId,
    input: PointGroupInput,
) -> AppResult<PointGroup> {
    ctx.principal.require(Permission::LoyaltyManage)?;
    let t = ctx.principal.tenant()?;
    program_of(tx, t, program).await?;
    let code = parse_entry_code(&input.code)?;
    let name = parse_entry_name(&input.name)?;
    let existing = tx.point_groups_of(t, program).await?;
    if existing.iter().any(|g| g.code == code) {
        return Err(AppError::conflict(
            "point_group_code_taken",
            Some("code"),
            format!("the program has a point group '{code}'"),
        ));
    }
    let group = PointGroup {
        tenant_id: t,
        id: PointGroupId::from_uuid(new_uuid()),
        program_id: program,
        code,
        name,
        created_at_ms: ctx.now_ms,
        updated_at_ms: ctx.now_ms,
    };
    tx.insert_point_group(&group).await?;
    let change = Change {
        action: "point_group.create",
        object_type: "point_group",
        object_id: group.id.to_string(),
        before: None,
        after: Some(snapshot(&group)),
    };
    audit::record(tx, ctx, Some(t), change).await?;
    Ok(group)
}

pub async fn update(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    id: PointGroupId,
    patch: PointGroupPatch,
) -> AppResult<PointGroup> {
    ctx.principal.require(Permission::LoyaltyManage)?;
    let t = ctx.principal.tenant()?;
    let before = tx
        .point_group(t, id)
        .await?
        .ok_or(AppError::NotFound("point group"))?;
    let mut after = before.clone();
    if let Some(n) = &patch.name {
        after.name = parse_entry_name(n)?;
    }
    if after == before {
        return Ok(after);
    }
    after.updated_at_ms = ctx.now_ms;
    tx.update_point_group(&after).await?;
    let change = Change {
        action: "point_group.update",
        object_type: "point_group",
        object_id: id.to_string(),
        before: Some(snapshot(&before)),
        after: Some(snapshot(&after)),
    };
    audit::record(tx, ctx, Some(t), change).await?;
    Ok(after)
}

pub async fn delete(tx: &mut dyn Tx, ctx: &Ctx, id: PointGroupId) -> AppResult<()> {
    ctx.principal.require(Permission::LoyaltyManage)?;
    let t = ctx.principal.tenant()?;
    let before = tx
        .point_group(t, id)
        .await?
        .ok_or(AppError::NotFound("point group"))?;
    let usage = tx.point_group_usage(t, id).await?;
    refuse_in_use("point_group_in_use", "point group", usage)?;
    tx.delete_point_group(t, id).await?;
    let change = Change {
        action: "point_group.delete",
        object_type: "point_group",
        object_id: id.to_string(),
        before: Some(snapshot(&before)),
        after: None,
    };
    audit::record(tx, ctx, Some(t), change).await
}

pub async fn list(
    store: &dyn Store,
    ctx: &Ctx,
    program: ProgramId,
    q: &ListQuery,
) -> AppResult<Page<PointGroup>> {
    ctx.principal.require(Permission::LoyaltyRead)?;
    let t = ctx.principal.tenant()?;
    let mut reader = store.reader().await?;
    program_of(&mut *reader, t, program).await?;
    reader.point_groups(t, program, q).await
}

pub async fn get(store: &dyn Store, ctx: &Ctx, id: PointGroupId) -> AppResult<PointGroup> {
    ctx.principal.require(Permission::LoyaltyRead)?;
    let t = ctx.principal.tenant()?;
    store
        .reader()
        .await?
        .point_group(t, id)
        .await?
        .ok_or(AppError::NotFound("point group"))
}

/// Every point group of a program, for forms.
pub async fn all(store: &dyn Store, ctx: &Ctx, program: ProgramId) -> AppResult<Vec<PointGroup>> {
    ctx.principal.require(Permission::LoyaltyRead)?;
    let t = ctx.principal.tenant()?;
    store.reader().await?.point_groups_of(t, program).await
}

fn snapshot(g: &PointGroup) -> serde_json::Value {
    json!({"program_id": g.program_id.to_string(), "code": g.code, "name": g.name})
}
