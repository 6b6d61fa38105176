//! Loyalty programs (spec §5.1): the code is unique in the tenant and never changes; a
//! program with configuration or members cannot be deleted.

use super::{program_of, refuse_in_use, Program};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::model::{ListQuery, Page};
use crate::ports::{Store, Tx};
use crate::secrets::new_uuid;
use patron_domain::ids::ProgramId;
use patron_domain::loyalty::{parse_program_code, parse_program_name};
use patron_domain::rbac::Permission;
use serde_json::json;

#[derive(Debug, Clone, Default)]
pub struct ProgramInput {
    pub code: String,
    pub name: String,
}

/// Changes to a program; `None` keeps a field.
#[derive(Debug, Clone, Default)]
pub struct ProgramPatch {
    pub name: Option<String>,
}

pub async fn create(tx: &mut dyn Tx, ctx: &Ctx, input: ProgramInput) -> AppResult<Program> {
    ctx.principal.require(Permission::LoyaltyManage)?;
    let t = ctx.principal.tenant()?;
    let code = parse_program_code(&input.code)?;
    let name = parse_program_name(&input.name)?;
    if tx.program_by_code(t, &code).await?.is_some() {
        return Err(AppError::conflict(
            "program_code_taken",
            Some("code"),
            format!("a program '{code}' exists"),
        ));
    }
    let program = Program {
        tenant_id: t,
        id: ProgramId::from_uuid(new_uuid()),
        code,
        name,
        created_at_ms: ctx.now_ms,
        updated_at_ms: ctx.now_ms,
    };
    tx.insert_program(&program).await?;
    let change = Change {
        action: "program.create",
        object_type: "program",
        object_id: program.id.to_string(),
        before: None,
        after: Some(snapshot(&program)),
    };
    audit::record(tx, ctx, Some(t), change).await?;
    Ok(program)
}

pub async fn update(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    id: ProgramId,
    patch: ProgramPatch,
) -> AppResult<Program> {
    ctx.principal.require(Permission::LoyaltyManage)?;
    let t = ctx.principal.tenant()?;
    let before = program_of(tx, t, id).await?;
    let mut after = before.clone();
    if let Some(n) = &patch.name {
        after.name = parse_program_name(n)?;
    }
    if after == before {
        return Ok(after);
    }
    after.updated_at_ms = ctx.now_ms;
    tx.update_program(&after).await?;
    let change = Change {
        action: "program.update",
        object_type: "program",
        object_id: id.to_string(),
        before: Some(snapshot(&before)),
        after: Some(snapshot(&after)),
    };
    audit::record(tx, ctx, Some(t), change).await?;
    Ok(after)
}

pub async fn delete(tx: &mut dyn Tx, ctx: &Ctx, id: ProgramId) -> AppResult<()> {
    ctx.principal.require(Permission::LoyaltyManage)?;
    let t = ctx.principal.tenant()?;
    let before = program_of(tx, t, id).await?;
    refuse_in_use("program_in_use", "program", tx.program_usage(t, id).await?)?;
    tx.delete_program(t, id).await?;
    let change = Change {
        action: "program.delete",
        object_type: "program",
        object_id: id.to_string(),
        before: Some(snapshot(&before)),
        after: None,
    };
    audit::record(tx, ctx, Some(t), change).await
}

pub async fn list(store: &dyn Store, ctx: &Ctx, q: &ListQuery) -> AppResult<Page<Program>> {
    ctx.principal.require(Permission::LoyaltyRead)?;
    let t = ctx.principal.tenant()?;
    store.reader().await?.programs(t, q).await
}

pub async fn get(store: &dyn Store, ctx: &Ctx, id: ProgramId) -> AppResult<Program> {
    ctx.principal.require(Permission::LoyaltyRead)?;
    let t = ctx.principal.tenant()?;
    program_of(&mut *store.reader().await?, t, id).await
}

/// Every program of the caller's tenant, oldest first (for the console's program choice).
pub async fn all(store: &dyn Store, ctx: &Ctx) -> AppResult<Vec<Program>> {
    ctx.principal.require(Permission::LoyaltyRead)?;
    let t = ctx.principal.tenant()?;
    store.reader().await?.all_programs(t).await
}

fn snapshot(p: &Program) -> serde_json::Value {
    json!({"code": p.code, "name": p.name})
}
