//! Behaviour points (§10.3 types 7 and 8): points for what a member does (a check-in, a review,
//! completing a profile), sent by an integration. An increase may count towards tiers, and then
//! runs the upgrade check in the same transaction (§7.2); a decrease is taken FIFO and never
//! beyond what is available.

use super::adjust::{Adjusted, AdjustmentInput};
use super::ledger;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::members::model::TierRecord;
use crate::ports::{RetentionCounters, Tx};
use crate::secrets::new_uuid;
use chrono::NaiveDate;
use patron_domain::ids::MemberId;
use patron_domain::points::Operation;
use patron_domain::rbac::Permission;
use patron_domain::ValidationError;

#[derive(Debug, Clone, Default)]
pub struct BehaviorInput {
    pub point_group: String,
    /// Signed: positive awards, negative deducts.
    pub points: i64,
    /// What the member did, e.g. `check_in`.
    pub behavior: String,
    pub counts_for_upgrade: bool,
    pub expires_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Behavior {
    pub point_group: String,
    pub points: i64,
    pub behavior: String,
    pub counts_for_upgrade: bool,
    pub expires_on: Option<NaiveDate>,
}

impl BehaviorInput {
    /// The same checks as a manual adjustment, with the behaviour as its reason.
    pub fn parse(&self) -> Result<Behavior, ValidationError> {
        let behavior = patron_domain::text::bounded("behavior", &self.behavior, 1, 64)?;
        let a = AdjustmentInput {
            point_group: self.point_group.clone(),
            points: self.points,
            reason: behavior.clone(),
            expires_on: self.expires_on.clone(),
        }
        .parse()?;
        Ok(Behavior {
            point_group: a.point_group,
            points: a.points,
            behavior,
            counts_for_upgrade: self.counts_for_upgrade && self.points > 0,
            expires_on: a.expires_on,
        })
    }
}

/// The record, the account after it and any upgrade it caused.
#[derive(Debug, Clone)]
pub struct Awarded {
    pub posted: Adjusted,
    pub tier_change: Option<TierRecord>,
}

pub async fn award(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    member: MemberId,
    b: Behavior,
) -> AppResult<Awarded> {
    ctx.principal.require(Permission::PointsEarn)?;
    let t = ctx.principal.tenant()?;
    if b.counts_for_upgrade {
        // The counters are read here and written back after the upgrade check.
        tx.lock_member(t, member).await?;
    }
    let m = tx
        .member(t, member)
        .await?
        .ok_or(AppError::NotFound("member"))?;
    ledger::require_active(m.status)?;
    let tz = crate::tenants::zone(&mut *tx, t).await?;
    let expires_at_ms = match b.expires_on {
        Some(day) => Some(
            patron_domain::loyalty::tier::end_of_day_ms(day, tz)
                .filter(|end| *end >= ctx.now_ms)
                .ok_or_else(|| {
                    ValidationError::new(
                        "expires_on",
                        "expiry_in_the_past",
                        "the expiry day has passed",
                    )
                })?,
        ),
        None => None,
    };
    let (account, mut book) = ledger::open(tx, t, member, &b.point_group, ctx.now_ms).await?;
    let id = new_uuid().to_string();
    let posting = if b.points > 0 {
        book.earn(
            id,
            Operation::BehaviorIncrease,
            b.points,
            expires_at_ms,
            ctx.now_ms,
        )
    } else {
        book.spend(id, Operation::BehaviorDecrease, -b.points, ctx.now_ms)
            .map_err(ledger::insufficient)?
    };
    let mut record = ledger::new_record(ctx, &account, Some(b.behavior.clone()));
    record.expires_at_ms = expires_at_ms;
    record.counts_for_upgrade = b.counts_for_upgrade;
    let record = ledger::write(tx, &book, &posting, record, ctx.now_ms).await?;
    let mut tier_change = None;
    if b.counts_for_upgrade {
        let rules = crate::orders::resolve::program_rules(&mut *tx, t, &m.program_id).await?;
        let counted = crate::tiers::upgrade::counted_group(&rules);
        let points = if counted.as_ref().is_none_or(|g| *g == b.point_group) {
            b.points
        } else {
            0
        };
        let add = RetentionCounters {
            points,
            ..RetentionCounters::default()
        };
        let current = tx.active_tier_record(t, m.id).await?;
        tier_change = crate::tiers::upgrade::after_event(
            tx,
            &m,
            current.as_ref(),
            &rules,
            ctx.now_ms,
            ctx.now_ms,
            add,
            tz,
        )
        .await?;
    }
    Ok(Awarded {
        posted: Adjusted {
            record,
            account: ledger::with_balances(account, &book, ctx.now_ms),
        },
        tier_change,
    })
}
