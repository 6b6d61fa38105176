//! Coupons at the till: checking coupons against a draft order (what each takes off, or why
//! not), redeeming them inside the order's transaction, and giving them back when the order is
//! refunded in full and the rule says so (§11.6).

use super::model::Move;
use super::model::{Coupon, CouponRule, Usage};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::ports::{Reads, Tx};
use patron_domain::coupons::code;
use patron_domain::coupons::status::CouponStatus;
use patron_domain::coupons::usage::{self, Candidate, Line, Refused};
use patron_domain::coupons::validity;
use patron_domain::ids::TenantId;
use std::collections::HashMap;

/// What one presented code comes to.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The code as presented.
    pub code: String,
    pub coupon: Option<Coupon>,
    /// The discount in fen, or why the coupon does not apply.
    pub result: Result<i64, Refused>,
}

fn refused(code: &'static str, message: &str) -> Refused {
    Refused {
        code,
        message: message.to_string(),
    }
}

/// The order as coupons see it.
pub struct Draft<'a> {
    pub store: &'a str,
    /// The order's customer; `None` for a non-member sale.
    pub customer_id: Option<&'a str>,
    pub lines: Vec<Line>,
    pub at_ms: i64,
    pub tz: chrono_tz::Tz,
}

/// Coupons and their rules, read once for the drafts of several orders (a batch of them).
#[derive(Debug, Default)]
pub struct Known {
    /// By normalised code.
    coupons: HashMap<String, Coupon>,
    /// By id, read as the coupons need them.
    rules: HashMap<String, CouponRule>,
}

impl Known {
    /// Reads the coupons of `codes` (as presented) in one statement.
    pub async fn read(r: &mut dyn Reads, t: TenantId, codes: &[String]) -> AppResult<Self> {
        let wanted: Vec<String> = codes.iter().filter_map(|c| code::normalise(c)).collect();
        let coupons = if wanted.is_empty() {
            HashMap::new()
        } else {
            r.coupons_by_codes(t, &wanted)
                .await?
                .into_iter()
                .map(|c| (c.code.clone(), c))
                .collect()
        };
        Ok(Self {
            coupons,
            rules: HashMap::new(),
        })
    }
}

/// Checks `codes` against the draft. Reads only.
pub async fn evaluate(
    r: &mut dyn Reads,
    t: TenantId,
    draft: &Draft<'_>,
    codes: &[String],
) -> AppResult<Vec<Outcome>> {
    let mut known = Known::read(&mut *r, t, codes).await?;
    evaluate_known(r, t, draft, codes, &mut known).await
}

/// [`evaluate`] with the coupons read already (`known` holds every code of `codes`).
pub async fn evaluate_known(
    r: &mut dyn Reads,
    t: TenantId,
    draft: &Draft<'_>,
    codes: &[String],
    known: &mut Known,
) -> AppResult<Vec<Outcome>> {
    let normalised: Vec<Option<String>> = codes.iter().map(|c| code::normalise(c)).collect();
    let found = &known.coupons;
    let rules = &mut known.rules;
    let skus: Vec<String> = draft.lines.iter().map(|l| l.sku.clone()).collect();
    // Candidates for the coupons that exist; the others are refused up front.
    let mut candidates = Vec::new();
    let mut early: Vec<Option<Refused>> = Vec::new();
    for n in &normalised {
        let coupon = n.as_ref().and_then(|c| found.get(c));
        let Some(coupon) = coupon else {
            early.push(Some(match n {
                None => refused(
                    "coupon_code_invalid",
                    "this is not a coupon code: check the digits",
                ),
                Some(_) => refused("coupon_unknown", "no coupon has this code"),
            }));
            continue;
        };
        if !rules.contains_key(&coupon.rule_id) {
            let rule = r.coupon_rule(t, &coupon.rule_id).await?.ok_or_else(|| {
                AppError::Store(format!("coupon rule {} missing", coupon.rule_id))
            })?;
            rules.insert(coupon.rule_id.clone(), rule);
        }
        let terms = rules[&coupon.rule_id].terms().clone();
        let store_in_scope = match &terms.store_group {
            None => true,
            Some(g) => !r
                .group_members_among(t, g, &[draft.store.to_string()])
                .await?
                .is_empty(),
        };
        let eligible = match &terms.product_group {
            None => vec![true; skus.len()],
            Some(g) => {
                let mut distinct = skus.clone();
                distinct.sort();
                distinct.dedup();
                let members = r.group_members_among(t, g, &distinct).await?;
                skus.iter().map(|s| members.contains(s)).collect()
            }
        };
        candidates.push(Candidate {
            code: coupon.code.clone(),
            status: coupon.status,
            owned: draft.customer_id == Some(coupon.customer_id.as_str()),
            window: coupon.window,
            terms,
            store_in_scope,
            eligible,
        });
        early.push(None);
    }
    let mut applied = usage::apply(&candidates, &draft.lines, draft.at_ms, draft.tz).into_iter();
    Ok(codes
        .iter()
        .zip(normalised)
        .zip(early)
        .map(|((raw, n), early)| {
            let coupon = n.and_then(|c| found.get(&c).cloned());
            let result = match early {
                Some(refusal) => Err(refusal),
                None => applied
                    .next()
                    .unwrap_or_else(|| Err(refused("coupon_unknown", "no coupon has this code"))),
            };
            Outcome {
                code: raw.clone(),
                coupon,
                result,
            }
        })
        .collect())
}

/// Redeems `codes` on a member's order being accepted in `tx`: every coupon must apply, or the
/// order is refused with the first coupon's reason. `first_purchase`: the order is the member's
/// first. Returns the coupons used and their discounts.
pub async fn redeem(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    draft: &Draft<'_>,
    codes: &[String],
    order_id: &str,
    order_paid_fen: i64,
    first_purchase: bool,
) -> AppResult<Vec<(Coupon, i64)>> {
    let t = ctx.principal.tenant()?;
    let outcomes = evaluate(&mut *tx, t, draft, codes).await?;
    use_all(tx, ctx, outcomes, order_id, order_paid_fen, first_purchase).await
}

/// Why the order is refused: the first coupon of `outcomes` that does not apply.
fn refusal(outcomes: &[Outcome]) -> Option<AppError> {
    outcomes.iter().find_map(|o| {
        o.result.as_ref().err().map(|r| {
            AppError::conflict(
                r.code,
                Some("coupons"),
                format!("coupon {}: {}", o.code, r.message),
            )
        })
    })
}

/// Uses the coupons of `outcomes` ([`evaluate`]d in `tx`) on the order, or refuses it as
/// [`redeem`] does.
pub async fn use_all(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    outcomes: Vec<Outcome>,
    order_id: &str,
    order_paid_fen: i64,
    first_purchase: bool,
) -> AppResult<Vec<(Coupon, i64)>> {
    let t = ctx.principal.tenant()?;
    if let Some(refused) = refusal(&outcomes) {
        return Err(refused);
    }
    let mut used = Vec::with_capacity(outcomes.len());
    for o in outcomes {
        let (Some(coupon), Ok(deduction)) = (o.coupon, o.result) else {
            return Err(AppError::NotFound("coupon"));
        };
        let usage = Usage {
            used_at_ms: ctx.now_ms,
            order_id: order_id.to_string(),
            order_paid_fen,
            deduction_fen: deduction,
            first_purchase,
        };
        // From `issued` only: of two orders racing for one coupon, one wins.
        if !tx.use_coupon(t, &coupon.id, &usage).await? {
            return Err(AppError::conflict(
                "coupon_used",
                Some("coupons"),
                format!("coupon {}: used by another order meanwhile", o.code),
            ));
        }
        used.push((coupon, deduction));
    }
    Ok(used)
}

/// A refund that leaves nothing of order `order_id`: its coupons whose rule returns them are
/// the member's again, valid for the rule's days from the refund.
pub async fn give_back(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    order_id: &str,
    tz: chrono_tz::Tz,
) -> AppResult<Vec<Coupon>> {
    let t = ctx.principal.tenant()?;
    let mut returned = Vec::new();
    for coupon in tx.coupons_of_order(t, order_id).await? {
        if coupon.status != CouponStatus::Used {
            continue;
        }
        let rule = super::issue::rule_of(tx, t, &coupon.rule_id).await?;
        let Some(days) = rule.terms().refund_returns_days else {
            continue;
        };
        let window = validity::returned_window(ctx.now_ms, days, tz)
            .ok_or_else(|| AppError::Store("the clock is outside the calendar".into()))?;
        if tx
            .move_coupon(
                t,
                &Move {
                    id: &coupon.id,
                    from: CouponStatus::Used,
                    to: CouponStatus::Issued,
                    owner: None,
                    window: Some(window),
                },
                ctx.now_ms,
            )
            .await?
        {
            returned.push(Coupon {
                status: CouponStatus::Issued,
                window,
                usage: None,
                ..coupon
            });
        }
    }
    Ok(returned)
}

/// The lines of an order as coupons see them.
pub fn lines_of(lines: &[patron_domain::orders::input::NewLine]) -> Vec<Line> {
    lines
        .iter()
        .map(|l| Line {
            sku: l.product_code.clone(),
            quantity: l.quantity,
            receivable_fen: l.receivable_fen,
        })
        .collect()
}

/// Checks the coupons of an order not yet sent (the till asks before it takes payment).
pub async fn check_order(
    store: &dyn crate::ports::Store,
    ctx: &Ctx,
    p: &crate::orders::resolve::Prepared,
) -> AppResult<Vec<Outcome>> {
    ctx.principal
        .require(patron_domain::rbac::Permission::OrdersWrite)?;
    let t = ctx.principal.tenant()?;
    let customer = p.member.as_ref().map(|m| m.customer_id.to_string());
    let draft = Draft {
        store: &p.order.store,
        customer_id: customer.as_deref(),
        lines: lines_of(&p.order.lines),
        at_ms: p.order.ordered_at_ms,
        tz: p.tz,
    };
    evaluate(&mut *store.reader().await?, t, &draft, &p.order.coupons).await
}
