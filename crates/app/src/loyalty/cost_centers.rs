//! Cost centers (spec §5.5): what the cost of points and coupons is reported against, e.g.
//! 会员成本中心 and 营销成本中心. The code is unique in the program and never changes.

use super::{program_of, CostCenter};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::model::{ListQuery, Page};
use crate::ports::{Store, Tx};
use crate::secrets::new_uuid;
use patron_domain::ids::{CostCenterId, ProgramId};
use patron_domain::loyalty::{parse_entry_code, parse_entry_name};
use patron_domain::rbac::Permission;
use serde_json::json;

#[derive(Debug, Clone, Default)]
pub struct CostCenterInput {
    pub code: String,
    pub name: String,
}

/// Changes to a cost center; `None` keeps a field.
#[derive(Debug, Clone, Default)]
pub struct CostCenterPatch {
    pub name: Option<String>,
}

pub async fn create(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    program: ProgramId,
    input: CostCenterInput,
) -> AppResult<CostCenter> {
    ctx.principal.require(Permission::LoyaltyManage)?;
    let t = ctx.principal.tenant()?;
    program_of(tx, t, program).await?;
    let code = parse_entry_code(&input.code)?;
    let name = parse_entry_name(&input.name)?;
    let existing = tx.cost_centers_of(t, program).await?;
    if existing.iter().any(|g| g.code == code) {
        return Err(AppError::conflict(
            "cost_center_code_taken",
            Some("code"),
            format!("the program has a cost center '{code}'"),
        ));
    }
    let group = CostCenter {
        tenant_id: t,
        id: CostCenterId::from_uuid(new_uuid()),
        program_id: program,
        code,
        name,
        created_at_ms: ctx.now_ms,
        updated_at_ms: ctx.now_ms,
    };
    tx.insert_cost_center(&group).await?;
    let change = Change {
        action: "cost_center.create",
        object_type: "cost_center",
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
    id: CostCenterId,
    patch: CostCenterPatch,
) -> AppResult<CostCenter> {
    ctx.principal.require(Permission::LoyaltyManage)?;
    let t = ctx.principal.tenant()?;
    let before = tx
        .cost_center(t, id)
        .await?
        .ok_or(AppError::NotFound("cost center"))?;
    let mut after = before.clone();
    if let Some(n) = &patch.name {
        after.name = parse_entry_name(n)?;
    }
    if after == before {
        return Ok(after);
    }
    after.updated_at_ms = ctx.now_ms;
    tx.update_cost_center(&after).await?;
    let change = Change {
        action: "cost_center.update",
        object_type: "cost_center",
        object_id: id.to_string(),
        before: Some(snapshot(&before)),
        after: Some(snapshot(&after)),
    };
    audit::record(tx, ctx, Some(t), change).await?;
    Ok(after)
}

pub async fn delete(tx: &mut dyn Tx, ctx: &Ctx, id: CostCenterId) -> AppResult<()> {
    ctx.principal.require(Permission::LoyaltyManage)?;
    let t = ctx.principal.tenant()?;
    let before = tx
        .cost_center(t, id)
        .await?
        .ok_or(AppError::NotFound("cost center"))?;
    // Nothing refers to cost centers yet; point and coupon rules will, and check it here.
    tx.delete_cost_center(t, id).await?;
    let change = Change {
        action: "cost_center.delete",
        object_type: "cost_center",
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
) -> AppResult<Page<CostCenter>> {
    ctx.principal.require(Permission::LoyaltyRead)?;
    let t = ctx.principal.tenant()?;
    let mut reader = store.reader().await?;
    program_of(&mut *reader, t, program).await?;
    reader.cost_centers(t, program, q).await
}

pub async fn get(store: &dyn Store, ctx: &Ctx, id: CostCenterId) -> AppResult<CostCenter> {
    ctx.principal.require(Permission::LoyaltyRead)?;
    let t = ctx.principal.tenant()?;
    store
        .reader()
        .await?
        .cost_center(t, id)
        .await?
        .ok_or(AppError::NotFound("cost center"))
}

/// Every cost center of a program, for forms.
pub async fn all(store: &dyn Store, ctx: &Ctx, program: ProgramId) -> AppResult<Vec<CostCenter>> {
    ctx.principal.require(Permission::LoyaltyRead)?;
    let t = ctx.principal.tenant()?;
    store.reader().await?.cost_centers_of(t, program).await
}

fn snapshot(g: &CostCenter) -> serde_json::Value {
    json!({"program_id": g.program_id.to_string(), "code": g.code, "name": g.name})
}
