//! Tiers (spec §5.2). Exactly one base tier per program, given at enrolment, ranked below every
//! other tier and never expiring; codes and ranks are unique in the program. A tier that rules
//! or tier records refer to cannot be deleted.

use super::{program_of, refuse_in_use, Tier};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::model::{ListQuery, Page};
use crate::ports::{Store, Tx};
use crate::secrets::new_uuid;
use patron_domain::ids::{ProgramId, TierId};
use patron_domain::loyalty::rule::{check_rule, RankedRule};
use patron_domain::loyalty::tier::{self, Validity, ValidityInput};
use patron_domain::rbac::Permission;
use serde_json::json;

#[derive(Debug, Clone, Default)]
pub struct TierInput {
    pub code: String,
    pub name: String,
    pub rank: i64,
    pub is_base: bool,
    pub validity: ValidityInput,
}

/// Changes to a tier; `None` keeps a field. Code and base flag never change. A given
/// `validity` replaces the tier's validity as a whole.
#[derive(Debug, Clone, Default)]
pub struct TierPatch {
    pub name: Option<String>,
    pub rank: Option<i64>,
    pub validity: Option<ValidityInput>,
}

/// The tier's validity as form or API input.
pub fn validity_input(v: &Validity) -> ValidityInput {
    let mut input = ValidityInput {
        kind: v.kind().map(str::to_string),
        ..ValidityInput::default()
    };
    match *v {
        Validity::Never => {}
        Validity::FixedPeriod { days } => input.days = Some(i64::from(days)),
        Validity::FixedDate { years, month, day } => {
            input.years = Some(i64::from(years));
            input.month = Some(i64::from(month));
            input.day = Some(i64::from(day));
        }
    }
    input
}

/// Ranks are unique, and the base tier ranks below every other tier of the program.
fn check_rank(tier: &Tier, others: &[Tier]) -> AppResult<()> {
    if others.iter().any(|o| o.rank == tier.rank) {
        return Err(AppError::conflict(
            "tier_rank_taken",
            Some("rank"),
            format!("another tier of the program has rank {}", tier.rank),
        ));
    }
    let misplaced = others
        .iter()
        .any(|o| (tier.is_base && o.rank < tier.rank) || (o.is_base && o.rank > tier.rank));
    if misplaced {
        return Err(AppError::conflict(
            "base_tier_rank",
            Some("rank"),
            "the base tier must rank below every other tier",
        ));
    }
    Ok(())
}

pub async fn create(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    program: ProgramId,
    input: TierInput,
) -> AppResult<Tier> {
    ctx.principal.require(Permission::LoyaltyManage)?;
    let t = ctx.principal.tenant()?;
    program_of(tx, t, program).await?;
    let code = tier::parse_code(&input.code)?;
    let name = tier::parse_name(&input.name)?;
    let rank = tier::parse_rank(input.rank)?;
    let validity = tier::parse_validity(input.is_base, &input.validity)?;
    let others = tx.tiers_of(t, program).await?;
    if others.iter().any(|o| o.code == code) {
        return Err(AppError::conflict(
            "tier_code_taken",
            Some("code"),
            format!("the program has a tier '{code}'"),
        ));
    }
    if input.is_base && others.iter().any(|o| o.is_base) {
        return Err(AppError::conflict(
            "base_tier_exists",
            Some("is_base"),
            "the program has a base tier already",
        ));
    }
    let tier = Tier {
        tenant_id: t,
        id: TierId::from_uuid(new_uuid()),
        program_id: program,
        code,
        name,
        rank,
        is_base: input.is_base,
        validity,
        created_at_ms: ctx.now_ms,
        updated_at_ms: ctx.now_ms,
    };
    check_rank(&tier, &others)?;
    tx.insert_tier(&tier).await?;
    let change = Change {
        action: "tier.create",
        object_type: "tier",
        object_id: tier.id.to_string(),
        before: None,
        after: Some(snapshot(&tier)),
    };
    audit::record(tx, ctx, Some(t), change).await?;
    Ok(tier)
}

pub async fn update(tx: &mut dyn Tx, ctx: &Ctx, id: TierId, patch: TierPatch) -> AppResult<Tier> {
    ctx.principal.require(Permission::LoyaltyManage)?;
    let t = ctx.principal.tenant()?;
    let before = tx.tier(t, id).await?.ok_or(AppError::NotFound("tier"))?;
    let mut after = before.clone();
    if let Some(n) = &patch.name {
        after.name = tier::parse_name(n)?;
    }
    if let Some(v) = &patch.validity {
        after.validity = tier::parse_validity(before.is_base, v)?;
    }
    if let Some(rank) = patch.rank {
        after.rank = tier::parse_rank(rank)?;
    }
    if after == before {
        return Ok(after);
    }
    if after.rank != before.rank {
        let others: Vec<Tier> = tx
            .tiers_of(t, before.program_id)
            .await?
            .into_iter()
            .filter(|o| o.id != id)
            .collect();
        check_rank(&after, &others)?;
        check_rules_with_rank(tx, &after, &others).await?;
    }
    after.updated_at_ms = ctx.now_ms;
    tx.update_tier(&after).await?;
    let change = Change {
        action: "tier.update",
        object_type: "tier",
        object_id: id.to_string(),
        before: Some(snapshot(&before)),
        after: Some(snapshot(&after)),
    };
    audit::record(tx, ctx, Some(t), change).await?;
    Ok(after)
}

/// A new rank must keep the program's rules in order: a better tier starts higher.
async fn check_rules_with_rank(tx: &mut dyn Tx, tier: &Tier, others: &[Tier]) -> AppResult<()> {
    let rank_of = |tier_id: TierId| {
        if tier_id == tier.id {
            tier.rank
        } else {
            others
                .iter()
                .find(|o| o.id == tier_id)
                .map_or(0, |o| o.rank)
        }
    };
    let rules: Vec<RankedRule<TierId>> = tx
        .tier_rules_of(tier.tenant_id, tier.program_id)
        .await?
        .into_iter()
        .map(|r| RankedRule {
            key: r.tier_id,
            tier_rank: rank_of(r.tier_id),
            condition: r.condition,
            range: r.range,
            enabled: r.enabled,
        })
        .collect();
    for (i, rule) in rules.iter().enumerate().filter(|(_, r)| r.key == tier.id) {
        let mut rest = rules.clone();
        rest.remove(i);
        check_rule(rule, &rest).map_err(|e| AppError::conflict(e.code, Some("rank"), e.message))?;
    }
    Ok(())
}

pub async fn delete(tx: &mut dyn Tx, ctx: &Ctx, id: TierId) -> AppResult<()> {
    ctx.principal.require(Permission::LoyaltyManage)?;
    let t = ctx.principal.tenant()?;
    let before = tx.tier(t, id).await?.ok_or(AppError::NotFound("tier"))?;
    refuse_in_use("tier_in_use", "tier", tx.tier_usage(t, id).await?)?;
    tx.delete_tier(t, id).await?;
    let change = Change {
        action: "tier.delete",
        object_type: "tier",
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
) -> AppResult<Page<Tier>> {
    ctx.principal.require(Permission::LoyaltyRead)?;
    let t = ctx.principal.tenant()?;
    let mut reader = store.reader().await?;
    program_of(&mut *reader, t, program).await?;
    reader.tiers(t, program, q).await
}

pub async fn get(store: &dyn Store, ctx: &Ctx, id: TierId) -> AppResult<Tier> {
    ctx.principal.require(Permission::LoyaltyRead)?;
    let t = ctx.principal.tenant()?;
    store
        .reader()
        .await?
        .tier(t, id)
        .await?
        .ok_or(AppError::NotFound("tier"))
}

/// Every tier of a program by rank, for forms.
pub async fn all(store: &dyn Store, ctx: &Ctx, program: ProgramId) -> AppResult<Vec<Tier>> {
    ctx.principal.require(Permission::LoyaltyRead)?;
    let t = ctx.principal.tenant()?;
    store.reader().await?.tiers_of(t, program).await
}

fn snapshot(tier: &Tier) -> serde_json::Value {
    let v = validity_input(&tier.validity);
    json!({
        "program_id": tier.program_id.to_string(), "code": tier.code, "name": tier.name,
        "rank": tier.rank, "is_base": tier.is_base, "validity_type": v.kind,
        "validity_days": v.days, "validity_years": v.years, "validity_month": v.month,
        "validity_day": v.day,
    })
}
