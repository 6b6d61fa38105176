//! Tier up/down rules (spec §5.3). A rule names a non-base tier and, for accumulated points,
//! a point group, both of its own program. Enabled rules of one condition must not overlap and
//! must rise with the tier rank. A rule that produced tier records is kept for them: it can be
//! disabled, not deleted (changes apply to what happens next).

use super::{program_of, refuse_in_use, Tier, TierRule};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::model::{ListQuery, Page};
use crate::ports::{Store, Tx};
use crate::secrets::new_uuid;
use patron_domain::ids::{PointGroupId, ProgramId, TierId, TierRuleId};
use patron_domain::loyalty::rule::{self, check_rule, format_value, Condition, RankedRule};
use patron_domain::rbac::Permission;
use patron_domain::ValidationError;
use serde_json::json;

/// A rule as entered. Ids are text so that a wrong one is refused naming its field; range
/// bounds are text in the condition's unit (points, yuan, orders); no end is unbounded.
#[derive(Debug, Clone, Default)]
pub struct RuleInput {
    pub name: String,
    pub tier_id: String,
    pub point_group_id: Option<String>,
    pub condition: String,
    pub window_days: i64,
    pub range_start: String,
    pub range_end: Option<String>,
    pub enabled: bool,
}

/// Changes to a rule; `None` keeps a field, `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default)]
pub struct RulePatch {
    pub name: Option<String>,
    pub tier_id: Option<String>,
    pub point_group_id: Option<Option<String>>,
    pub condition: Option<String>,
    pub window_days: Option<i64>,
    pub range_start: Option<String>,
    pub range_end: Option<Option<String>>,
    pub enabled: Option<bool>,
}

impl RuleInput {
    /// A stored rule as input, to apply a patch to.
    fn of(r: &TierRule) -> Self {
        Self {
            name: r.name.clone(),
            tier_id: r.tier_id.to_string(),
            point_group_id: r.point_group_id.map(|g| g.to_string()),
            condition: r.condition.as_str().to_string(),
            window_days: r.window_days,
            range_start: format_value(r.condition, r.range.start),
            range_end: r.range.end.map(|e| format_value(r.condition, e)),
            enabled: r.enabled,
        }
    }

    fn patched(mut self, p: RulePatch) -> Self {
        if let Some(v) = p.name {
            self.name = v;
        }
        if let Some(v) = p.tier_id {
            self.tier_id = v;
        }
        if let Some(v) = p.point_group_id {
            self.point_group_id = v;
        }
        if let Some(v) = p.condition {
            self.condition = v;
        }
        if let Some(v) = p.window_days {
            self.window_days = v;
        }
        if let Some(v) = p.range_start {
            self.range_start = v;
        }
        if let Some(v) = p.range_end {
            self.range_end = v;
        }
        if let Some(v) = p.enabled {
            self.enabled = v;
        }
        self
    }
}

fn unknown(field: &'static str, code: &'static str, message: &str) -> AppError {
    ValidationError::new(field, code, message).into()
}

/// Checks `input` against the program's tiers, point groups and other rules, and fills `rule`.
async fn resolve(tx: &mut dyn Tx, mut rule: TierRule, input: RuleInput) -> AppResult<TierRule> {
    let (t, program) = (rule.tenant_id, rule.program_id);
    rule.name = rule::parse_name(&input.name)?;
    rule.condition = Condition::parse(&input.condition)?;
    let tiers = tx.tiers_of(t, program).await?;
    let tier: &Tier = TierId::parse(input.tier_id.trim())
        .and_then(|id| tiers.iter().find(|x| x.id == id))
        .ok_or_else(|| unknown("tier_id", "unknown_tier", "is not a tier of this program"))?;
    if tier.is_base {
        return Err(unknown(
            "tier_id",
            "base_tier_rule",
            "the base tier is given at enrolment and has no rule",
        ));
    }
    rule.tier_id = tier.id;
    rule.point_group_id = if rule.condition.needs_point_group() {
        let raw = input.point_group_id.as_deref().map(str::trim).unwrap_or("");
        if raw.is_empty() {
            return Err(unknown(
                "point_group_id",
                "point_group_required",
                "an accumulated-points rule needs a point group",
            ));
        }
        let groups = tx.point_groups_of(t, program).await?;
        let group = PointGroupId::parse(raw)
            .and_then(|id| groups.iter().find(|g| g.id == id))
            .ok_or_else(|| {
                unknown(
                    "point_group_id",
                    "unknown_point_group",
                    "is not a point group of this program",
                )
            })?;
        Some(group.id)
    } else {
        // Only points come from a point group.
        None
    };
    rule.window_days = rule::parse_window_days(input.window_days)?;
    rule.range = rule::parse_range(
        rule.condition,
        &input.range_start,
        input.range_end.as_deref(),
    )?;
    rule.enabled = input.enabled;

    let rank_of = |id: TierId| tiers.iter().find(|x| x.id == id).map_or(0, |x| x.rank);
    let ranked = |r: &TierRule| RankedRule {
        key: r.id,
        tier_rank: rank_of(r.tier_id),
        condition: r.condition,
        range: r.range,
        enabled: r.enabled,
    };
    let others: Vec<RankedRule<TierRuleId>> = tx
        .tier_rules_of(t, program)
        .await?
        .iter()
        .filter(|r| r.id != rule.id)
        .map(ranked)
        .collect();
    check_rule(&ranked(&rule), &others)
        .map_err(|e| AppError::conflict(e.code, Some(e.field), e.message))?;
    Ok(rule)
}

pub async fn create(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    program: ProgramId,
    input: RuleInput,
) -> AppResult<TierRule> {
    ctx.principal.require(Permission::LoyaltyManage)?;
    let t = ctx.principal.tenant()?;
    program_of(tx, t, program).await?;
    let blank = TierRule {
        tenant_id: t,
        id: TierRuleId::from_uuid(new_uuid()),
        program_id: program,
        name: String::new(),
        tier_id: TierId::from_uuid(uuid::Uuid::nil()),
        point_group_id: None,
        condition: Condition::AccumulatedPoints,
        window_days: 1,
        range: rule::Range {
            start: 0,
            end: None,
        },
        enabled: true,
        created_at_ms: ctx.now_ms,
        updated_at_ms: ctx.now_ms,
    };
    let rule = resolve(tx, blank, input).await?;
    tx.insert_tier_rule(&rule).await?;
    let change = Change {
        action: "tier_rule.create",
        object_type: "tier_rule",
        object_id: rule.id.to_string(),
        before: None,
        after: Some(snapshot(&rule)),
    };
    audit::record(tx, ctx, Some(t), change).await?;
    Ok(rule)
}

pub async fn update(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    id: TierRuleId,
    patch: RulePatch,
) -> AppResult<TierRule> {
    ctx.principal.require(Permission::LoyaltyManage)?;
    let t = ctx.principal.tenant()?;
    let before = tx
        .tier_rule(t, id)
        .await?
        .ok_or(AppError::NotFound("tier rule"))?;
    let input = RuleInput::of(&before).patched(patch);
    let mut after = resolve(tx, before.clone(), input).await?;
    if after == before {
        return Ok(after);
    }
    after.updated_at_ms = ctx.now_ms;
    tx.update_tier_rule(&after).await?;
    let change = Change {
        action: "tier_rule.update",
        object_type: "tier_rule",
        object_id: id.to_string(),
        before: Some(snapshot(&before)),
        after: Some(snapshot(&after)),
    };
    audit::record(tx, ctx, Some(t), change).await?;
    Ok(after)
}

pub async fn delete(tx: &mut dyn Tx, ctx: &Ctx, id: TierRuleId) -> AppResult<()> {
    ctx.principal.require(Permission::LoyaltyManage)?;
    let t = ctx.principal.tenant()?;
    let before = tx
        .tier_rule(t, id)
        .await?
        .ok_or(AppError::NotFound("tier rule"))?;
    // Tier records keep a reference to the rule that produced them.
    let usage = tx.tier_rule_usage(t, id).await?;
    refuse_in_use("tier_rule_in_use", "tier rule (disable it instead)", usage)?;
    tx.delete_tier_rule(t, id).await?;
    let change = Change {
        action: "tier_rule.delete",
        object_type: "tier_rule",
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
) -> AppResult<Page<TierRule>> {
    ctx.principal.require(Permission::LoyaltyRead)?;
    let t = ctx.principal.tenant()?;
    let mut reader = store.reader().await?;
    program_of(&mut *reader, t, program).await?;
    reader.tier_rules(t, program, q).await
}

pub async fn get(store: &dyn Store, ctx: &Ctx, id: TierRuleId) -> AppResult<TierRule> {
    ctx.principal.require(Permission::LoyaltyRead)?;
    let t = ctx.principal.tenant()?;
    store
        .reader()
        .await?
        .tier_rule(t, id)
        .await?
        .ok_or(AppError::NotFound("tier rule"))
}

fn snapshot(r: &TierRule) -> serde_json::Value {
    json!({
        "program_id": r.program_id.to_string(), "name": r.name, "tier_id": r.tier_id.to_string(),
        "point_group_id": r.point_group_id.map(|g| g.to_string()),
        "condition": r.condition.as_str(), "window_days": r.window_days,
        "range_start": r.range.start, "range_end": r.range.end, "enabled": r.enabled,
    })
}
