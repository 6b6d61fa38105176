//! Redeeming points for a gift (§10.3 type 5) and cancelling a redemption (type 10).
//!
//! A redemption is taken FIFO and can never exceed the points available. Cancelling it gives
//! each portion back to the member as a new earning record with the expiry of the record it was
//! taken from, or, once that has passed, the end of the next day (§10.6); a redemption is
//! cancelled at most once.

use super::ledger;
use super::model::PointRecord;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::members::model::PointAccount;
use crate::ports::Tx;
use crate::secrets::new_uuid;
use patron_domain::ids::MemberId;
use patron_domain::points::ledger::{Ledger, Posting};
use patron_domain::points::{returned_expiry, Operation};
use patron_domain::rbac::Permission;
use patron_domain::ValidationError;

/// The most points one redemption may take.
const MAX_POINTS: i64 = 100_000_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redemption {
    pub point_group: String,
    pub points: i64,
    /// What was redeemed, as the record's reason.
    pub gift: String,
}

impl Redemption {
    pub fn parse(point_group: &str, points: i64, gift: &str) -> Result<Self, ValidationError> {
        if !(1..=MAX_POINTS).contains(&points) {
            return Err(ValidationError::new(
                "points",
                "invalid_points",
                "must be a whole number of points from 1 to 100,000,000",
            ));
        }
        Ok(Self {
            point_group: patron_domain::text::bounded("point_group", point_group, 1, 64)?,
            points,
            gift: patron_domain::text::bounded("gift", gift, 1, 200)?,
        })
    }
}

/// The records written and the account after them.
#[derive(Debug, Clone)]
pub struct Posted {
    pub records: Vec<PointRecord>,
    pub account: PointAccount,
}

pub async fn redeem(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    member: MemberId,
    r: Redemption,
) -> AppResult<Posted> {
    ctx.principal.require(Permission::PointsRedeem)?;
    let t = ctx.principal.tenant()?;
    let m = tx
        .member(t, member)
        .await?
        .ok_or(AppError::NotFound("member"))?;
    ledger::require_active(m.status)?;
    let (account, mut book) = ledger::open(tx, t, member, &r.point_group, ctx.now_ms).await?;
    let posting = book
        .spend(
            new_uuid().to_string(),
            Operation::RedeemGift,
            r.points,
            ctx.now_ms,
        )
        .map_err(ledger::insufficient)?;
    let record = ledger::new_record(ctx, &account, Some(r.gift));
    let record = ledger::write(tx, &book, &posting, record, ctx.now_ms).await?;
    Ok(Posted {
        records: vec![record],
        account: ledger::with_balances(account, &book, ctx.now_ms),
    })
}

/// Cancels redemption `id`: one return record per portion taken, as described above.
pub async fn cancel(tx: &mut dyn Tx, ctx: &Ctx, id: &str, reason: &str) -> AppResult<Posted> {
    ctx.principal.require(Permission::PointsRedeem)?;
    let t = ctx.principal.tenant()?;
    let reason = patron_domain::text::bounded("reason", reason, 1, 200)?;
    let redemption = tx
        .point_record(t, id)
        .await?
        .ok_or(AppError::NotFound("point record"))?;
    if !matches!(
        redemption.operation,
        Operation::RedeemGift | Operation::RedeemCoupon
    ) {
        return Err(AppError::conflict(
            "not_a_redemption",
            None,
            "only a redemption for a gift or a coupon can be cancelled",
        ));
    }
    if redemption.order_id.is_some() {
        return Err(AppError::conflict(
            "redemption_of_order",
            None,
            "these points paid for an order; they come back when the order is refunded",
        ));
    }
    let m = tx
        .member(t, redemption.member_id)
        .await?
        .ok_or(AppError::NotFound("member"))?;
    ledger::require_active(m.status)?;
    // Under the account's lock, so two cancellations of one redemption cannot both pass.
    let (account, mut book) = ledger::open(
        tx,
        t,
        redemption.member_id,
        &redemption.point_group_id,
        ctx.now_ms,
    )
    .await?;
    if !tx.cancellations_of(t, id).await?.is_empty() {
        return Err(AppError::conflict(
            "redemption_cancelled",
            None,
            "this redemption was cancelled already",
        ));
    }
    if redemption.operation == Operation::RedeemCoupon {
        crate::coupons::issue::void_bought(tx, ctx, id).await?;
    }
    let tz = crate::tenants::zone(&mut *tx, t).await?;
    let all = (0, -redemption.change);
    let postings = returns(tx, ctx, &account, &mut book, &redemption, all, &reason, tz).await?;
    let records = ledger::write_all(tx, &book, postings, ctx.now_ms).await?;
    crate::audit::record(
        tx,
        ctx,
        Some(t),
        crate::audit::Change {
            action: "points.cancel_redemption",
            object_type: "point_record",
            object_id: id.to_string(),
            before: None,
            after: Some(serde_json::json!({"returned": -redemption.change, "reason": reason})),
        },
    )
    .await?;
    Ok(Posted {
        records,
        account: ledger::with_balances(account, &book, ctx.now_ms),
    })
}

/// Giving back `[from, to)` of the points redemption `spent` took: one return posting per portion
/// of the records it took from, in the order taken, each with its source's expiry (or the end of
/// the next day once that has passed) and counts-for-upgrade flag. Posted on `book` (the
/// account's, opened under its lock), not written.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn returns(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    account: &PointAccount,
    book: &mut Ledger<String>,
    spent: &PointRecord,
    (from, to): (i64, i64),
    reason: &str,
    tz: chrono_tz::Tz,
) -> AppResult<Vec<(Posting<String>, PointRecord)>> {
    let t = spent.tenant_id;
    let taken: Vec<_> = tx
        .relations_of(t, &spent.id)
        .await?
        .into_iter()
        .filter(|r| r.target_record_id == spent.id)
        .collect();
    let mut postings = Vec::new();
    let mut start = 0;
    for portion in taken {
        let end = start + portion.points;
        let (lo, hi) = (start.max(from), end.min(to));
        start = end;
        if lo >= hi {
            continue;
        }
        let source = tx
            .point_record(t, &portion.source_record_id)
            .await?
            .ok_or(AppError::NotFound("point record"))?;
        let expires = returned_expiry(source.expires_at_ms, ctx.now_ms, tz);
        let posting = book.earn(
            new_uuid().to_string(),
            Operation::RedemptionCancelReturn,
            hi - lo,
            expires,
            ctx.now_ms,
        );
        let mut record = ledger::new_record(ctx, account, Some(reason.to_string()));
        record.expires_at_ms = expires;
        record.counts_for_upgrade = source.counts_for_upgrade;
        record.cancels_record_id = Some(spent.id.clone());
        postings.push((posting, record));
    }
    Ok(postings)
}
