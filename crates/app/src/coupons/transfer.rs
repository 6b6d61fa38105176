//! Giving a coupon to a friend (§11.7). The giver starts a transfer: the coupon becomes
//! `transferring` (no order can use it) and the friend has the rule's claim window to accept,
//! after which the coupon is the friend's, with its code and validity unchanged. A transfer not
//! accepted in time is returned: the coupon is the giver's again. Every step is in the status
//! log. A coupon has at most one open transfer (its state, and a unique index, see to it).

use super::model::Move;
use super::model::{Transfer, TransferStep};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::ports::Tx;
use crate::secrets::new_uuid;
use patron_domain::coupons::status::{CouponStatus, TransferStatus};
use patron_domain::ids::MemberId;
use patron_domain::rbac::Permission;

const HOUR_MS: i64 = 3_600_000;

fn step(at_ms: i64, scene: &str, from: CouponStatus, to: CouponStatus) -> TransferStep {
    TransferStep {
        at_ms,
        scene: scene.to_string(),
        from: from.as_str().to_string(),
        to: to.as_str().to_string(),
    }
}

/// The giver starts a transfer of coupon `code`.
pub async fn start(tx: &mut dyn Tx, ctx: &Ctx, raw_code: &str) -> AppResult<Transfer> {
    ctx.principal.require(Permission::CouponsIssue)?;
    let t = ctx.principal.tenant()?;
    let coupon = super::read::coupon_of_code(&mut *tx, t, raw_code).await?;
    let rule = super::issue::rule_of(tx, t, &coupon.rule_id).await?;
    let Some(hours) = rule.terms().transfer_claim_hours else {
        return Err(AppError::conflict(
            "coupon_not_transferable",
            None,
            "this coupon cannot be given to a friend",
        ));
    };
    match coupon.status {
        CouponStatus::Issued => {}
        CouponStatus::Transferring => {
            return Err(AppError::conflict(
                "coupon_transferring",
                None,
                "the coupon is already being given to a friend",
            ))
        }
        CouponStatus::Used => {
            return Err(AppError::conflict(
                "coupon_used",
                None,
                "the coupon has been used",
            ))
        }
        CouponStatus::Expired | CouponStatus::Void => {
            return Err(AppError::conflict(
                "coupon_expired",
                None,
                "the coupon is no longer valid",
            ))
        }
    }
    if ctx.now_ms > coupon.window.to_ms {
        return Err(AppError::conflict(
            "coupon_expired",
            None,
            "the coupon is no longer valid",
        ));
    }
    // From the state read above only: an order using the coupon meanwhile wins.
    if !tx
        .move_coupon(
            t,
            &Move {
                id: &coupon.id,
                from: CouponStatus::Issued,
                to: CouponStatus::Transferring,
                owner: None,
                window: None,
            },
            ctx.now_ms,
        )
        .await?
    {
        return Err(AppError::conflict(
            "coupon_used",
            None,
            "the coupon changed state meanwhile (used or being transferred)",
        ));
    }
    let transfer = Transfer {
        tenant_id: t,
        id: new_uuid().to_string(),
        coupon_id: coupon.id.clone(),
        rule_id: coupon.rule_id.clone(),
        giver_id: coupon.customer_id.clone(),
        receiver_id: None,
        status: TransferStatus::Pending,
        started_at_ms: ctx.now_ms,
        expires_at_ms: ctx.now_ms + hours * HOUR_MS,
        received_at_ms: None,
        log: vec![step(
            ctx.now_ms,
            "initiate",
            CouponStatus::Issued,
            CouponStatus::Transferring,
        )],
    };
    tx.insert_coupon_transfer(&transfer).await?;
    Ok(transfer)
}

/// Returns a lapsed transfer's coupon to its giver.
pub(crate) async fn lapse(tx: &mut dyn Tx, ctx: &Ctx, mut x: Transfer) -> AppResult<Transfer> {
    x.status = TransferStatus::Returned;
    x.log.push(step(
        ctx.now_ms,
        "lapse",
        CouponStatus::Transferring,
        CouponStatus::Issued,
    ));
    if tx.finish_coupon_transfer(&x).await? {
        tx.move_coupon(
            x.tenant_id,
            &Move {
                id: &x.coupon_id,
                from: CouponStatus::Transferring,
                to: CouponStatus::Issued,
                owner: None,
                window: None,
            },
            ctx.now_ms,
        )
        .await?;
    }
    Ok(x)
}

/// The friend (a member of the rule's program) accepts. A transfer past its window is returned
/// to the giver instead; the caller then tells the friend it expired (status `returned`).
pub async fn accept(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    id: &str,
    receiver: MemberId,
) -> AppResult<Transfer> {
    ctx.principal.require(Permission::CouponsIssue)?;
    let t = ctx.principal.tenant()?;
    let mut x = tx
        .coupon_transfer(t, id)
        .await?
        .ok_or(AppError::NotFound("coupon transfer"))?;
    if x.status != TransferStatus::Pending {
        return Err(AppError::conflict(
            "transfer_closed",
            None,
            "the transfer was accepted or returned already",
        ));
    }
    if ctx.now_ms > x.expires_at_ms {
        return lapse(tx, ctx, x).await;
    }
    let rule = super::issue::rule_of(tx, t, &x.rule_id).await?;
    let m = super::issue::holder(tx, t, &rule, receiver).await?;
    let receiver_id = m.customer_id.to_string();
    if receiver_id == x.giver_id {
        return Err(AppError::conflict(
            "transfer_to_self",
            None,
            "a coupon cannot be given to its own holder",
        ));
    }
    x.status = TransferStatus::Succeeded;
    x.receiver_id = Some(receiver_id.clone());
    x.received_at_ms = Some(ctx.now_ms);
    x.log.push(step(
        ctx.now_ms,
        "accept",
        CouponStatus::Transferring,
        CouponStatus::Issued,
    ));
    if !tx.finish_coupon_transfer(&x).await? {
        return Err(AppError::conflict(
            "transfer_closed",
            None,
            "the transfer was accepted or returned already",
        ));
    }
    tx.move_coupon(
        t,
        &Move {
            id: &x.coupon_id,
            from: CouponStatus::Transferring,
            to: CouponStatus::Issued,
            owner: Some(&receiver_id),
            window: None,
        },
        ctx.now_ms,
    )
    .await?;
    Ok(x)
}
