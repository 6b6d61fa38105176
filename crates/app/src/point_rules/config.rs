//! Configuring base point rules (§10.1): create (as a draft or enabled), replace, enable and
//! disable, each audited in its own transaction; and reading them with their description.
//!
//! A rule is never deleted: point records keep a reference to the rule that produced them, so
//! a rule that should stop earning is disabled. Changes apply to orders processed afterwards.

use super::check;
use super::model::StoredPointRule;
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::model::{ListQuery, Page};
use crate::ports::{Reads, Store, Tx};
use crate::secrets::new_uuid;
use patron_domain::ids::{ProgramId, TenantId};
use patron_domain::loyalty::tier::Validity;
use patron_domain::points::describe::{describe, Terms};
use patron_domain::points::rule::{RuleStatus, Scope};
use patron_domain::points::rule_input::{award_kind, award_rate, CheckedRule, PointRuleInput};
use patron_domain::rbac::Permission;
use patron_domain::user::Locale;
use patron_domain::ValidationError;
use serde_json::json;
use std::collections::HashMap;

/// A rule with its plain-language description in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DescribedRule {
    pub rule: StoredPointRule,
    pub description_en: String,
    pub description_zh: String,
}

/// The description of `rule`, naming its tiers and groups by `name` (their id when unknown).
pub fn description(
    rule: &StoredPointRule,
    name: impl Fn(&str) -> Option<String>,
    locale: Locale,
) -> String {
    let named = |id: &String| name(id).unwrap_or_else(|| id.clone());
    let scope = Scope {
        tiers: rule.scope.tiers.iter().map(named).collect(),
        store_group: rule.scope.store_group.as_ref().map(named),
        product_group: rule.scope.product_group.as_ref().map(named),
        ..rule.scope.clone()
    };
    let terms = Terms {
        award: rule.award,
        counts_for_upgrade: rule.counts_for_upgrade,
        validity: rule.validity,
        scope: &scope,
    };
    describe(&terms, locale)
}

/// Describes rules, reading the tiers of each programme they belong to, and each group they
/// name, once.
async fn described<R: Reads + ?Sized>(
    reads: &mut R,
    t: TenantId,
    rules: Vec<StoredPointRule>,
) -> AppResult<Vec<DescribedRule>> {
    let mut tiers: Vec<(String, Vec<(String, String)>)> = Vec::new();
    let mut groups: HashMap<String, String> = HashMap::new();
    let mut out = Vec::with_capacity(rules.len());
    for rule in rules {
        for id in rule
            .scope
            .store_group
            .iter()
            .chain(&rule.scope.product_group)
        {
            if !groups.contains_key(id) {
                if let Some(g) = reads.group(t, id).await? {
                    groups.insert(id.clone(), g.name);
                }
            }
        }
        if !tiers.iter().any(|(p, _)| *p == rule.program_id) {
            let names = match ProgramId::parse(&rule.program_id) {
                Some(p) => reads
                    .tiers_of(t, p)
                    .await?
                    .into_iter()
                    .map(|x| (x.id.to_string(), x.name))
                    .collect(),
                None => Vec::new(),
            };
            tiers.push((rule.program_id.clone(), names));
        }
        let names = tiers
            .iter()
            .find(|(p, _)| *p == rule.program_id)
            .map(|(_, n)| n.as_slice())
            .unwrap_or_default();
        let name = |id: &str| {
            let tier = names.iter().find(|(i, _)| i == id).map(|(_, n)| n.clone());
            tier.or_else(|| groups.get(id).cloned())
        };
        out.push(DescribedRule {
            description_en: description(&rule, name, Locale::En),
            description_zh: description(&rule, name, Locale::ZhCn),
            rule,
        });
    }
    Ok(out)
}

async fn described_one(tx: &mut dyn Tx, rule: StoredPointRule) -> AppResult<DescribedRule> {
    let t = rule.tenant_id;
    let mut all = described(tx, t, vec![rule]).await?;
    all.pop().ok_or(AppError::NotFound("point rule"))
}

/// Checks `input` whole, references included, for rule `id` of `program` (a new rule's id is
/// not stored yet, so it never clashes with itself).
async fn resolve(
    tx: &mut dyn Tx,
    t: TenantId,
    program: &str,
    id: &str,
    input: &PointRuleInput,
) -> AppResult<CheckedRule> {
    let program_id = ProgramId::parse(program).ok_or(AppError::NotFound("program"))?;
    let checked = input.check()?;
    let checked = check::references(tx, t, program_id, checked).await?;
    if let Some(other) = tx.point_rule_named(t, program, &checked.name).await? {
        if other.id != id {
            return Err(name_taken(&checked.name));
        }
    }
    Ok(checked)
}

/// `rule` with the checked fields.
fn apply(mut rule: StoredPointRule, checked: CheckedRule) -> StoredPointRule {
    rule.name = checked.name;
    rule.point_group_id = checked.point_group_id;
    rule.cost_center_id = Some(checked.cost_center_id);
    rule.award = checked.award;
    rule.counts_for_upgrade = checked.counts_for_upgrade;
    rule.validity = checked.validity;
    rule.scope = checked.scope;
    rule
}

fn name_taken(name: &str) -> AppError {
    AppError::conflict(
        "point_rule_name_taken",
        Some("name"),
        format!("the program has a point rule named '{name}'"),
    )
}

/// The status a rule is created in: a draft unless asked otherwise.
pub fn parse_initial_status(raw: Option<&str>) -> Result<RuleStatus, ValidationError> {
    match raw.map(str::trim) {
        None | Some("") | Some("draft") => Ok(RuleStatus::Draft),
        Some("enabled") => Ok(RuleStatus::Enabled),
        Some(_) => Err(ValidationError::new(
            "status",
            "invalid_status",
            "a new rule is 'draft' or 'enabled'",
        )),
    }
}

pub async fn create(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    program: &str,
    input: &PointRuleInput,
    status: RuleStatus,
) -> AppResult<DescribedRule> {
    ctx.principal.require(Permission::LoyaltyManage)?;
    let t = ctx.principal.tenant()?;
    let unknown = || {
        AppError::from(ValidationError::new(
            "program_id",
            "unknown_program",
            "is not a loyalty program of this tenant",
        ))
    };
    let program = ProgramId::parse(program.trim()).ok_or_else(unknown)?;
    tx.program(t, program).await?.ok_or_else(unknown)?;
    let id = new_uuid().to_string();
    let program = program.to_string();
    let checked = resolve(tx, t, &program, &id, input).await?;
    let rule = StoredPointRule {
        tenant_id: t,
        id,
        program_id: program,
        name: checked.name,
        point_group_id: checked.point_group_id,
        cost_center_id: Some(checked.cost_center_id),
        award: checked.award,
        counts_for_upgrade: checked.counts_for_upgrade,
        validity: checked.validity,
        scope: checked.scope,
        status,
        created_at_ms: ctx.now_ms,
        updated_at_ms: ctx.now_ms,
    };
    tx.insert_point_rule(&rule).await?;
    let change = Change {
        action: "point_rule.create",
        object_type: "point_rule",
        object_id: rule.id.clone(),
        before: None,
        after: Some(snapshot(&rule)),
    };
    audit::record(tx, ctx, Some(t), change).await?;
    described_one(tx, rule).await
}

async fn stored(tx: &mut dyn Tx, t: TenantId, id: &str) -> AppResult<StoredPointRule> {
    tx.point_rule(t, id)
        .await?
        .ok_or(AppError::NotFound("point rule"))
}

/// Replaces every field of the rule but its programme and status.
pub async fn update(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    id: &str,
    input: &PointRuleInput,
) -> AppResult<DescribedRule> {
    ctx.principal.require(Permission::LoyaltyManage)?;
    let t = ctx.principal.tenant()?;
    let before = stored(tx, t, id).await?;
    let checked = resolve(tx, t, &before.program_id, &before.id, input).await?;
    let mut after = apply(before.clone(), checked);
    if after != before {
        after.updated_at_ms = ctx.now_ms;
        tx.update_point_rule(&after).await?;
        let change = Change {
            action: "point_rule.update",
            object_type: "point_rule",
            object_id: after.id.clone(),
            before: Some(snapshot(&before)),
            after: Some(snapshot(&after)),
        };
        audit::record(tx, ctx, Some(t), change).await?;
    }
    described_one(tx, after).await
}

/// Enables (`Enabled`) or disables (`Disabled`) a rule; asking for its current status changes
/// nothing and writes no audit entry.
pub async fn set_status(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    id: &str,
    status: RuleStatus,
) -> AppResult<DescribedRule> {
    ctx.principal.require(Permission::LoyaltyManage)?;
    let t = ctx.principal.tenant()?;
    let before = stored(tx, t, id).await?;
    if before.status == status {
        return described_one(tx, before).await;
    }
    let mut after = before.clone();
    after.status = status;
    after.updated_at_ms = ctx.now_ms;
    tx.update_point_rule(&after).await?;
    let action = match status {
        RuleStatus::Enabled => "point_rule.enable",
        RuleStatus::Disabled => "point_rule.disable",
        RuleStatus::Draft => "point_rule.draft",
    };
    let change = Change {
        action,
        object_type: "point_rule",
        object_id: after.id.clone(),
        before: Some(json!({"status": before.status.as_str()})),
        after: Some(json!({"status": after.status.as_str()})),
    };
    audit::record(tx, ctx, Some(t), change).await?;
    described_one(tx, after).await
}

pub async fn get(store: &dyn Store, ctx: &Ctx, id: &str) -> AppResult<DescribedRule> {
    ctx.principal.require(Permission::LoyaltyRead)?;
    let t = ctx.principal.tenant()?;
    let mut r = store.reader().await?;
    let rule = r
        .point_rule(t, id)
        .await?
        .ok_or(AppError::NotFound("point rule"))?;
    let mut all = described(&mut *r, t, vec![rule]).await?;
    all.pop().ok_or(AppError::NotFound("point rule"))
}

/// The tenant's rules, newest first, optionally of one status; searched by name.
pub async fn list(
    store: &dyn Store,
    ctx: &Ctx,
    status: Option<RuleStatus>,
    q: &ListQuery,
) -> AppResult<Page<DescribedRule>> {
    ctx.principal.require(Permission::LoyaltyRead)?;
    let t = ctx.principal.tenant()?;
    let mut r = store.reader().await?;
    let page = r.point_rules(t, status, q).await?;
    Ok(Page {
        items: described(&mut *r, t, page.items).await?,
        next_cursor: page.next_cursor,
        total: page.total,
    })
}

/// A stored rule as the input that would produce it (to edit it).
pub fn as_input(r: &StoredPointRule) -> PointRuleInput {
    let (kind, days, years, month, day) = match r.validity {
        Validity::Never => (None, None, None, None, None),
        Validity::FixedPeriod { days } => (Some("fixed_period"), Some(days), None, None, None),
        Validity::FixedDate { years, month, day } => (
            Some("fixed_date"),
            None,
            Some(years),
            Some(month),
            Some(day),
        ),
    };
    PointRuleInput {
        name: r.name.clone(),
        point_group_id: r.point_group_id.clone(),
        cost_center_id: r.cost_center_id.clone().unwrap_or_default(),
        award: award_kind(r.award).to_string(),
        rate: award_rate(r.award).to_string(),
        counts_for_upgrade: r.counts_for_upgrade,
        validity: patron_domain::loyalty::tier::ValidityInput {
            kind: kind.map(str::to_string),
            days: days.map(i64::from),
            years: years.map(i64::from),
            month: month.map(i64::from),
            day: day.map(i64::from),
        },
        tier_ids: r.scope.tiers.clone(),
        store_codes: r.scope.stores.clone(),
        product_codes: r.scope.products.clone(),
        category_codes: r.scope.categories.clone(),
        payment_method_codes: r.scope.payment_methods.clone(),
        store_group_id: r.scope.store_group.clone(),
        product_group_id: r.scope.product_group.clone(),
    }
}

fn snapshot(r: &StoredPointRule) -> serde_json::Value {
    let input = as_input(r);
    json!({
        "program_id": r.program_id, "name": r.name, "point_group_id": r.point_group_id,
        "cost_center_id": r.cost_center_id, "award": input.award, "rate": input.rate,
        "counts_for_upgrade": r.counts_for_upgrade, "validity_type": input.validity.kind,
        "validity_days": input.validity.days, "validity_years": input.validity.years,
        "validity_month": input.validity.month, "validity_day": input.validity.day,
        "tier_ids": r.scope.tiers, "store_codes": r.scope.stores,
        "product_codes": r.scope.products, "category_codes": r.scope.categories,
        "payment_method_codes": r.scope.payment_methods,
        "store_group_id": r.scope.store_group, "product_group_id": r.scope.product_group,
        "status": r.status.as_str(),
    })
}
