//! Paying with points (§10.6): an order may spend a member's points. The spending is a
//! redemption record (type 5) tied to the order, taken FIFO in the order's transaction, and
//! refused — with the whole order — when it is above what is available. A refund gives back the
//! share of those points that its units are of the order's units (so partial refunds add up to
//! exactly what was spent), portion by portion from the records the spending took, each with the
//! expiry of its record, or the end of the next day once that has passed (type 10).

use super::model::StoredOrder;
use crate::context::Ctx;
use crate::error::AppResult;
use crate::members::model::MemberAccount;
use crate::points::model::PointRecord;
use crate::points::{ledger, redeem};
use crate::ports::Tx;
use crate::secrets::new_uuid;
use patron_domain::orders::input::PointsUse;
use patron_domain::orders::refund::part;
use patron_domain::points::Operation;

/// Spends `used` from the member's account for `order`; the record written.
pub async fn spend(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    member: &MemberAccount,
    order: &StoredOrder,
    used: &PointsUse,
) -> AppResult<PointRecord> {
    ledger::require_active(member.status)?;
    let t = member.tenant_id;
    let (account, mut book) = ledger::open(tx, t, member.id, &used.point_group, ctx.now_ms).await?;
    let posting = book
        .spend(
            new_uuid().to_string(),
            Operation::RedeemGift,
            used.points,
            ctx.now_ms,
        )
        .map_err(ledger::insufficient)?;
    let mut record = ledger::new_record(
        ctx,
        &account,
        Some(format!("paid with points: order {}", order.external_no)),
    );
    record.source_channel = Some(order.channel.code().to_string());
    record.order_id = Some(order.id.clone());
    ledger::write(tx, &book, &posting, record, ctx.now_ms).await
}

/// Gives back, for a refund of `units` of the original's `total_units` after `before` units
/// were refunded already, that share of each spending record among `original_records`.
#[allow(clippy::too_many_arguments)]
pub async fn give_back(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    refund: &StoredOrder,
    original_records: &[PointRecord],
    before: i64,
    units: i64,
    total_units: i64,
    tz: chrono_tz::Tz,
) -> AppResult<Vec<PointRecord>> {
    let t = refund.tenant_id;
    let mut written = Vec::new();
    for spent in original_records
        .iter()
        .filter(|r| r.operation == Operation::RedeemGift)
    {
        let points = part(-spent.change, before, units, total_units);
        if points <= 0 {
            continue;
        }
        // Under the account's lock: what was given back already, then the next portions.
        let (account, mut book) =
            ledger::open(tx, t, spent.member_id, &spent.point_group_id, ctx.now_ms).await?;
        let already: i64 = tx
            .cancellations_of(t, &spent.id)
            .await?
            .iter()
            .map(|r| r.change)
            .sum();
        let range = (already, already + points);
        let reason = format!("refund {}", refund.external_no);
        let mut postings =
            redeem::returns(tx, ctx, &account, &mut book, spent, range, &reason, tz).await?;
        for (_, record) in &mut postings {
            record.source_channel = Some(refund.channel.code().to_string());
            record.order_id = Some(refund.id.clone());
        }
        written.extend(ledger::write_all(tx, &book, postings, ctx.now_ms).await?);
    }
    Ok(written)
}
