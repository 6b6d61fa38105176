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
use chrono_tz::Tz;
use patron_domain::ids::{MemberId, TenantId};
use patron_domain::member::MemberStatus;
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

fn active(status: MemberStatus) -> AppResult<()> {
    if status != MemberStatus::Normal {
        return Err(AppError::conflict(
            "member_not_active",
            None,
            format!("the member is {}; points cannot move", status.as_str()),
        ));
    }
    Ok(())
}

async fn tenant_zone(tx: &mut dyn Tx, t: TenantId) -> AppResult<Tz> {
    Ok(tx
        .tenant(t)
        .await?
        .and_then(|tenant| tenant.time_zone.parse().ok())
        .unwrap_or(Tz::Asia__Shanghai))
}

fn blank_record(ctx: &Ctx, account: &PointAccount, reason: Option<String>) -> PointRecord {
    PointRecord {
        tenant_id: account.tenant_id,
        id: String::new(),
        account_id: account.id.clone(),
        member_id: account.member_id,
        customer_id: account.customer_id,
        point_group_id: account.point_group_id.clone(),
        operation: Operation::RedeemGift,
        change: 0,
        remaining: None,
        debt: 0,
        effective_at_ms: ctx.now_ms,
        expires_at_ms: None,
        counts_for_upgrade: false,
        source_channel: None,
        point_rule_id: None,
        cost_center_id: None,
        order_id: None,
        order_line_id: None,
        reason,
        cancels_record_id: None,
        created_by: ctx.principal.actor.name().to_string(),
        created_at_ms: ctx.now_ms,
    }
}

fn with_balances(
    account: PointAccount,
    book: &patron_domain::points::Ledger<String>,
    now: i64,
) -> PointAccount {
    PointAccount {
        accumulated: book.balances.accumulated,
        available: book.balances.available,
        expired: book.balances.expired,
        updated_at_ms: now,
        ..account
    }
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
    active(m.status)?;
    let account = tx
        .point_account(t, member, &r.point_group)
        .await?
        .ok_or_else(|| {
            ValidationError::new(
                "point_group",
                "unknown_point_group",
                format!(
                    "the member has no account in point group '{}'",
                    r.point_group
                ),
            )
        })?;
    let (account, mut book) = ledger::load(tx, t, &account).await?;
    let posting = book
        .spend(
            new_uuid().to_string(),
            Operation::RedeemGift,
            r.points,
            ctx.now_ms,
        )
        .map_err(|s| {
            AppError::conflict(
                "insufficient_points",
                Some("points"),
                format!("only {} points are available", s.available),
            )
        })?;
    let record = blank_record(ctx, &account, Some(r.gift));
    let record = ledger::write(tx, &book, &posting, record, ctx.now_ms).await?;
    Ok(Posted {
        records: vec![record],
        account: with_balances(account, &book, ctx.now_ms),
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
    if redemption.operation != Operation::RedeemGift {
        return Err(AppError::conflict(
            "not_a_redemption",
            None,
            "only a redemption for a gift can be cancelled here",
        ));
    }
    let m = tx
        .member(t, redemption.member_id)
        .await?
        .ok_or(AppError::NotFound("member"))?;
    active(m.status)?;
    let account = tx
        .point_account(t, redemption.member_id, &redemption.point_group_id)
        .await?
        .ok_or(AppError::NotFound("point account"))?;
    // Under the account's lock, so two cancellations of one redemption cannot both pass.
    let (account, mut book) = ledger::load(tx, t, &account).await?;
    if !tx.cancellations_of(t, id).await?.is_empty() {
        return Err(AppError::conflict(
            "redemption_cancelled",
            None,
            "this redemption was cancelled already",
        ));
    }
    let tz = tenant_zone(tx, t).await?;
    let taken: Vec<_> = tx
        .relations_of(t, id)
        .await?
        .into_iter()
        .filter(|r| r.target_record_id == id)
        .collect();
    let mut records = Vec::new();
    for portion in taken {
        let source = tx
            .point_record(t, &portion.source_record_id)
            .await?
            .ok_or(AppError::NotFound("point record"))?;
        let expires = returned_expiry(source.expires_at_ms, ctx.now_ms, tz);
        let posting = book.earn(
            new_uuid().to_string(),
            Operation::RedemptionCancelReturn,
            portion.points,
            expires,
            ctx.now_ms,
        );
        let mut record = blank_record(ctx, &account, Some(reason.clone()));
        record.expires_at_ms = expires;
        record.counts_for_upgrade = source.counts_for_upgrade;
        record.cancels_record_id = Some(id.to_string());
        records.push(ledger::write(tx, &book, &posting, record, ctx.now_ms).await?);
    }
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
        account: with_balances(account, &book, ctx.now_ms),
    })
}
