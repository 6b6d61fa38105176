//! Coupon rules (§11.2–11.4): writing them, their approval and publication, copies and extra
//! stock. Every change is audited with the rule before and after, in its transaction; approval
//! steps and extra issuance also leave their own records, shown on the rule's tabs.

use super::check;
use super::model::{ApprovalRecord, CouponRule, IssuanceRecord, RuleFilter, RuleTotals};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::model::{ListQuery, Page};
use crate::ports::{Store, Tx};
use crate::secrets::new_uuid;
use patron_domain::coupons::rule_input::{self, RuleInput, MAX_STOCK};
use patron_domain::coupons::status::{ApprovalStatus, Refusal, RuleState};
use patron_domain::ids::TenantId;
use patron_domain::jobs::local_date;
use patron_domain::money::parse_yuan;
use patron_domain::rbac::Permission;
use patron_domain::text::bounded;
use serde_json::json;

fn snapshot(r: &CouponRule) -> serde_json::Value {
    let s = &r.spec;
    json!({
        "rule_no": r.rule_no,
        "name": s.name,
        "type": s.terms.benefit.kind(),
        "benefit": s.terms.describe(None).0,
        "total_stock": s.total_stock,
        "cost_fen": s.cost_fen,
        "approval_status": r.approval.as_str(),
        "rule_status": r.status.as_str(),
    })
}

fn refused((code, message): Refusal) -> AppError {
    AppError::conflict(code, None, message)
}

async fn load(tx: &mut dyn Tx, t: TenantId, id: &str) -> AppResult<CouponRule> {
    tx.coupon_rule(t, id)
        .await?
        .ok_or(AppError::NotFound("coupon rule"))
}

async fn audit_change(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    action: &'static str,
    before: Option<&CouponRule>,
    after: &CouponRule,
) -> AppResult<()> {
    let change = Change {
        action,
        object_type: "coupon_rule",
        object_id: after.id.clone(),
        before: before.map(snapshot),
        after: Some(snapshot(after)),
    };
    audit::record(tx, ctx, Some(after.tenant_id), change).await
}

/// A new rule number: the tenant's local date and its daily sequence, `2021060900005`.
async fn rule_no(tx: &mut dyn Tx, ctx: &Ctx, t: TenantId) -> AppResult<String> {
    let tz = crate::tenants::zone(&mut *tx, t).await?;
    let day = local_date(ctx.now_ms, tz)
        .ok_or_else(|| AppError::Store("the clock is outside the calendar".into()))?
        .format("%Y%m%d")
        .to_string();
    let seq = tx.next_coupon_rule_seq(t, &day).await?;
    Ok(format!("{day}{seq:05}"))
}

/// Saves a new rule as a draft (保存为草稿).
pub async fn create(tx: &mut dyn Tx, ctx: &Ctx, input: &RuleInput) -> AppResult<CouponRule> {
    ctx.principal.require(Permission::CouponsManage)?;
    let t = ctx.principal.tenant()?;
    let spec = rule_input::parse(input)?;
    let spec = check::references(&mut *tx, t, spec).await?;
    let state = RuleState::new_draft();
    let rule = CouponRule {
        tenant_id: t,
        id: new_uuid().to_string(),
        rule_no: rule_no(tx, ctx, t).await?,
        spec,
        approval: state.approval,
        status: state.status,
        issued: 0,
        created_by: ctx.principal.actor.name().to_string(),
        created_at_ms: ctx.now_ms,
        updated_at_ms: ctx.now_ms,
    };
    tx.insert_coupon_rule(&rule).await?;
    audit_change(tx, ctx, "coupon_rule.create", None, &rule).await?;
    Ok(rule)
}

/// Replaces a draft's (or an unused unpublished rule's) terms; it goes back to draft.
pub async fn update(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    id: &str,
    input: &RuleInput,
) -> AppResult<CouponRule> {
    ctx.principal.require(Permission::CouponsManage)?;
    let t = ctx.principal.tenant()?;
    let before = load(tx, t, id).await?;
    let state = before.state().edit().map_err(refused)?;
    let spec = rule_input::parse(input)?;
    if spec.total_stock < before.issued {
        return Err(patron_domain::ValidationError::new(
            "total_stock",
            "below_issued",
            format!("{} coupons were handed out already", before.issued),
        )
        .into());
    }
    let spec = check::references(&mut *tx, t, spec).await?;
    let mut rule = before.clone();
    rule.spec = spec;
    rule.set_state(state);
    rule.updated_at_ms = ctx.now_ms;
    tx.update_coupon_rule(&rule).await?;
    audit_change(tx, ctx, "coupon_rule.update", Some(&before), &rule).await?;
    Ok(rule)
}

/// A step of the lifecycle that only changes the states (§11.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Submit,
    Approve,
    Reject,
    Unpublish,
    Publish,
    Delete,
}

impl Step {
    fn permission(self) -> Permission {
        match self {
            Self::Approve | Self::Reject => Permission::CouponsApprove,
            _ => Permission::CouponsManage,
        }
    }

    fn action(self) -> &'static str {
        match self {
            Self::Submit => "coupon_rule.submit",
            Self::Approve => "coupon_rule.approve",
            Self::Reject => "coupon_rule.reject",
            Self::Unpublish => "coupon_rule.unpublish",
            Self::Publish => "coupon_rule.publish",
            Self::Delete => "coupon_rule.delete",
        }
    }

    /// The approval record a step writes, if any.
    fn decision(self) -> Option<&'static str> {
        match self {
            Self::Submit => Some("submitted"),
            Self::Approve => Some("approved"),
            Self::Reject => Some("rejected"),
            _ => None,
        }
    }
}

/// Takes a lifecycle step; `comment` goes on the approval record (required to reject, so the
/// author knows what to change).
pub async fn step(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    id: &str,
    step: Step,
    comment: Option<&str>,
) -> AppResult<CouponRule> {
    ctx.principal.require(step.permission())?;
    let t = ctx.principal.tenant()?;
    let comment = match comment.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => bounded("comment", c, 1, 500)?,
        None if step == Step::Reject => {
            return Err(patron_domain::ValidationError::new(
                "comment",
                "required",
                "say why the rule is rejected",
            )
            .into())
        }
        None => String::new(),
    };
    let before = load(tx, t, id).await?;
    let s = before.state();
    let next = match step {
        Step::Submit => s.submit(),
        Step::Approve => s.approve(),
        Step::Reject => s.reject(),
        Step::Unpublish => s.unpublish(),
        Step::Publish => s.publish(),
        Step::Delete => s.delete(),
    }
    .map_err(refused)?;
    let mut rule = before.clone();
    rule.set_state(next);
    rule.updated_at_ms = ctx.now_ms;
    tx.update_coupon_rule(&rule).await?;
    if let Some(decision) = step.decision() {
        let record = ApprovalRecord {
            id: new_uuid().to_string(),
            rule_id: rule.id.clone(),
            decision: decision.to_string(),
            actor: ctx.principal.actor.name().to_string(),
            comment,
            at_ms: ctx.now_ms,
        };
        tx.insert_coupon_approval(t, &record).await?;
    }
    audit_change(tx, ctx, step.action(), Some(&before), &rule).await?;
    Ok(rule)
}

/// A new draft with the same terms (复制), named "… (copy)" so the list tells them apart.
pub async fn copy(tx: &mut dyn Tx, ctx: &Ctx, id: &str) -> AppResult<CouponRule> {
    ctx.principal.require(Permission::CouponsManage)?;
    let t = ctx.principal.tenant()?;
    let source = load(tx, t, id).await?;
    let state = RuleState::new_draft();
    let mut spec = source.spec.clone();
    let name: String = spec.name.chars().take(53).collect();
    spec.name = format!("{name} (copy)");
    let rule = CouponRule {
        tenant_id: t,
        id: new_uuid().to_string(),
        rule_no: rule_no(tx, ctx, t).await?,
        spec,
        approval: state.approval,
        status: state.status,
        issued: 0,
        created_by: ctx.principal.actor.name().to_string(),
        created_at_ms: ctx.now_ms,
        updated_at_ms: ctx.now_ms,
    };
    tx.insert_coupon_rule(&rule).await?;
    audit_change(tx, ctx, "coupon_rule.copy", Some(&source), &rule).await?;
    Ok(rule)
}

/// Extra issuance (增发, §11.4).
#[derive(Debug, Clone, Default)]
pub struct ExtraStock {
    pub quantity: i64,
    /// Per coupon, yuan.
    pub cost: Option<String>,
    pub reason: String,
}

pub async fn add_stock(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    id: &str,
    input: &ExtraStock,
) -> AppResult<(CouponRule, IssuanceRecord)> {
    ctx.principal.require(Permission::CouponsManage)?;
    let t = ctx.principal.tenant()?;
    let reason = bounded("reason", &input.reason, 1, 500)?;
    let cost_fen = match input
        .cost
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        Some(raw) => parse_yuan("cost", raw)?,
        None => 0,
    };
    let before = load(tx, t, id).await?;
    before.state().published().map_err(refused)?;
    if input.quantity < 1 || before.spec.total_stock + input.quantity > MAX_STOCK {
        return Err(patron_domain::ValidationError::new(
            "quantity",
            "out_of_range",
            format!("must be at least 1, and the stock at most {MAX_STOCK}"),
        )
        .into());
    }
    tx.add_coupon_stock(t, id, input.quantity).await?;
    let record = IssuanceRecord {
        id: new_uuid().to_string(),
        rule_id: id.to_string(),
        quantity: input.quantity,
        cost_fen: cost_fen * input.quantity,
        reason,
        actor: ctx.principal.actor.name().to_string(),
        at_ms: ctx.now_ms,
    };
    tx.insert_coupon_issuance(t, &record).await?;
    let after = load(tx, t, id).await?;
    audit_change(tx, ctx, "coupon_rule.add_stock", Some(&before), &after).await?;
    Ok((after, record))
}

pub async fn get(store: &dyn Store, ctx: &Ctx, id: &str) -> AppResult<CouponRule> {
    ctx.principal.require(Permission::CouponsRead)?;
    let t = ctx.principal.tenant()?;
    store
        .reader()
        .await?
        .coupon_rule(t, id)
        .await?
        .ok_or(AppError::NotFound("coupon rule"))
}

pub async fn list(
    store: &dyn Store,
    ctx: &Ctx,
    f: &RuleFilter,
    q: &ListQuery,
) -> AppResult<Page<CouponRule>> {
    ctx.principal.require(Permission::CouponsRead)?;
    let t = ctx.principal.tenant()?;
    store.reader().await?.coupon_rules(t, f, q).await
}

/// The approval queue: rules awaiting approval, newest first like every list. Approvers
/// see it with `coupons:approve` alone, since deciding on a rule does not need reading the
/// others.
pub async fn pending(store: &dyn Store, ctx: &Ctx, q: &ListQuery) -> AppResult<Page<CouponRule>> {
    ctx.principal.require(Permission::CouponsApprove)?;
    let t = ctx.principal.tenant()?;
    let f = RuleFilter {
        approval: Some(ApprovalStatus::Pending),
        ..RuleFilter::default()
    };
    store.reader().await?.coupon_rules(t, &f, q).await
}

pub async fn approvals(store: &dyn Store, ctx: &Ctx, id: &str) -> AppResult<Vec<ApprovalRecord>> {
    let rule = get(store, ctx, id).await?;
    store
        .reader()
        .await?
        .coupon_rule_approvals(rule.tenant_id, id)
        .await
}

pub async fn issuances(store: &dyn Store, ctx: &Ctx, id: &str) -> AppResult<Vec<IssuanceRecord>> {
    let rule = get(store, ctx, id).await?;
    store
        .reader()
        .await?
        .coupon_rule_issuances(rule.tenant_id, id)
        .await
}

/// The data-analysis tab (§11.5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dashboard {
    pub total_stock: i64,
    /// Stock minus coupons handed out.
    pub remaining: i64,
    pub totals: RuleTotals,
    /// Order total ÷ what the used coupons took off, to two decimals as hundredths (1900 =
    /// 19.00); `None` before any coupon was used.
    pub roi_hundredths: Option<i64>,
}

pub async fn dashboard(store: &dyn Store, ctx: &Ctx, id: &str) -> AppResult<Dashboard> {
    let rule = get(store, ctx, id).await?;
    let totals = store
        .reader()
        .await?
        .coupon_rule_totals(rule.tenant_id, id)
        .await?;
    Ok(Dashboard {
        total_stock: rule.spec.total_stock,
        remaining: rule.remaining(),
        roi_hundredths: roi_hundredths(totals.order_total_fen, totals.deduction_fen),
        totals,
    })
}

/// §11.5: ROI = net paid amount of the orders ÷ the coupon amount, rounded down to hundredths.
pub fn roi_hundredths(order_total_fen: i64, deduction_fen: i64) -> Option<i64> {
    (deduction_fen > 0).then(|| {
        i64::try_from(i128::from(order_total_fen) * 100 / i128::from(deduction_fen))
            .unwrap_or(i64::MAX)
    })
}

#[cfg(test)]
mod tests {
    use super::roi_hundredths;

    #[test]
    fn roi_of_the_manual() {
        // §11.5: ¥9,500 of orders, 50 coupons × ¥10 → 19.
        assert_eq!(roi_hundredths(950_000, 50 * 1000), Some(1900));
        assert_eq!(roi_hundredths(1000, 300), Some(333));
        assert_eq!(roi_hundredths(1000, 0), None);
    }
}
