//! Accepting a normal order (§9, §10.1): it is stored whole, once per (channel, external number);
//! a member's order earns transaction points per line and rule, keeps the purchase times current
//! and runs the upgrade check, all in the one transaction.

use super::earn;
use super::model::{OutboxEvent, StoredDiscount, StoredLine, StoredOrder, StoredPayment};
use super::resolve::Prepared;
use crate::context::Ctx;
use crate::coupons::redeem::Draft;
use crate::error::{AppError, AppResult};
use crate::members::model::TierRecord;
use crate::points::model::PointRecord;
use crate::ports::Tx;
use crate::secrets::new_uuid;
use patron_domain::ids::TenantId;
use patron_domain::member::MemberStatus;
use patron_domain::orders::input::NewOrder;
use patron_domain::orders::Direction;
use patron_domain::rbac::Permission;
use patron_domain::ValidationError;

/// The order as stored, and whether it was there already (a repeat changes nothing).
#[derive(Debug, Clone)]
pub struct Accepted {
    pub order: StoredOrder,
    pub replayed: bool,
    pub tier_change: Option<TierRecord>,
    /// The point records the order wrote, when the use case has them at hand (a new normal
    /// order); `None` asks the caller to read them.
    pub point_records: Option<Vec<PointRecord>>,
}

/// The order's header as a row; amounts signed by direction.
pub fn header(
    ctx: &Ctx,
    t: TenantId,
    p: &Prepared,
    o: &NewOrder,
    original: Option<String>,
) -> StoredOrder {
    let sign = o.direction.sign();
    let unknown = o
        .lines
        .iter()
        .filter(|l| !p.products.contains_key(&l.product_code))
        .count();
    StoredOrder {
        tenant_id: t,
        id: new_uuid().to_string(),
        channel: o.channel,
        external_no: o.external_no.clone(),
        direction: o.direction,
        original_order_id: original,
        store_id: p.store.id.clone(),
        member_id: p.member.as_ref().map(|m| m.id),
        customer_id: p.member.as_ref().map(|m| m.customer_id),
        program_id: p.member.as_ref().map(|m| m.program_id.clone()),
        identity_kind: p.identity.as_ref().map(|i| i.0.clone()),
        identity_value: p.identity.as_ref().map(|i| i.1.clone()),
        order_type: o.order_type.clone(),
        ordered_at_ms: o.ordered_at_ms,
        paid_at_ms: o.paid_at_ms,
        employee: o.employee.clone(),
        salesperson: o.salesperson.clone(),
        guest_count: o.guest_count,
        remark: o.remark.clone(),
        item_quantity: sign * o.item_quantity(),
        total_fen: sign * o.total_fen,
        receivable_fen: sign * o.receivable_fen,
        discount_fen: sign * o.discount_fen,
        paid_fen: sign * o.paid_fen,
        points_change: 0,
        unknown_products: i64::try_from(unknown).unwrap_or(i64::MAX),
        refund_status: "none".into(),
        status: "completed".into(),
        created_by: ctx.principal.actor.name().to_string(),
        created_at_ms: ctx.now_ms,
    }
}

/// The order's lines, payments and discounts as rows.
pub type Documents = (Vec<StoredLine>, Vec<StoredPayment>, Vec<StoredDiscount>);

/// The order's lines, payments and discounts as rows; amounts signed by direction.
pub fn documents(p: &Prepared, order: &StoredOrder, o: &NewOrder) -> Documents {
    let sign = o.direction.sign();
    let t = order.tenant_id;
    let lines: Vec<StoredLine> = o
        .lines
        .iter()
        .map(|l| StoredLine {
            tenant_id: t,
            order_id: order.id.clone(),
            line_no: l.line_no,
            product_code: l.product_code.clone(),
            product_title: l.product_title.clone(),
            product_known: p.products.contains_key(&l.product_code),
            quantity: sign * l.quantity,
            unit_price_fen: l.unit_price_fen,
            original_fen: sign * l.original_fen,
            receivable_fen: sign * l.receivable_fen,
            coupon_fen: sign * l.coupon_fen,
            discount_fen: sign * l.discount_fen,
            net_fen: sign * l.net_fen,
            net_ex_tax_fen: l.net_ex_tax_fen.map(|v| sign * v),
            points_amount_fen: sign * l.points_amount_fen,
            original_line_no: l.original_line_no,
            refunded_quantity: 0,
            refunded_fen: 0,
        })
        .collect();
    let seq = |i: usize| i64::try_from(i).unwrap_or(i64::MAX) + 1;
    let payments: Vec<StoredPayment> = o
        .payments
        .iter()
        .enumerate()
        .map(|(i, x)| StoredPayment {
            tenant_id: t,
            order_id: order.id.clone(),
            seq: seq(i),
            method_code: x.method.clone(),
            method_name: x.method_name.clone(),
            paid_fen: sign * x.paid_fen,
            received_fen: sign * x.received_fen,
            coupon_code: x.coupon_code.clone(),
        })
        .collect();
    let discounts: Vec<StoredDiscount> = o
        .discounts
        .iter()
        .enumerate()
        .map(|(i, x)| StoredDiscount {
            tenant_id: t,
            order_id: order.id.clone(),
            seq: seq(i),
            kind: x.kind.clone(),
            code: x.code.clone(),
            amount_fen: sign * x.amount_fen,
            reference: x.reference.clone(),
        })
        .collect();
    (lines, payments, discounts)
}

/// Writes the order's [`documents`]; returns its lines.
pub async fn write_documents(
    tx: &mut dyn Tx,
    p: &Prepared,
    order: &StoredOrder,
    o: &NewOrder,
) -> AppResult<Vec<StoredLine>> {
    let (lines, payments, discounts) = documents(p, order, o);
    tx.insert_order_documents(&lines, &payments, &discounts)
        .await?;
    Ok(lines)
}

/// The stored order a repeat refers to.
pub async fn existing(tx: &mut dyn Tx, t: TenantId, o: &NewOrder) -> AppResult<StoredOrder> {
    tx.order_by_external(t, o.channel, &o.external_no)
        .await?
        .ok_or(AppError::NotFound("order"))
}

pub fn event(order: &StoredOrder, topic: &'static str, payload: serde_json::Value) -> OutboxEvent {
    OutboxEvent {
        tenant_id: order.tenant_id,
        id: new_uuid().to_string(),
        topic,
        subject_id: order.id.clone(),
        payload,
        created_at_ms: order.created_at_ms,
    }
}

/// The events of an accepted order: `order.completed`, and `tier.changed` when it moved the
/// member up.
pub fn completion_events(
    order: &StoredOrder,
    tier_change: Option<&TierRecord>,
) -> Vec<OutboxEvent> {
    let mut events = vec![event(
        order,
        "order.completed",
        serde_json::json!({
            "member_id": order.member_id.map(|m| m.to_string()),
            "paid_fen": order.paid_fen,
            "points": order.points_change,
        }),
    )];
    if let Some(r) = tier_change {
        events.push(event(
            order,
            "tier.changed",
            serde_json::json!({"member_id": r.member_id.to_string(), "tier_id": r.tier_id, "type": r.record_type.as_str()}),
        ));
    }
    events
}

/// The order as its coupons see it, bought by `customer_id`.
pub fn coupon_draft<'a>(p: &'a Prepared, customer_id: &'a str) -> Draft<'a> {
    Draft {
        store: &p.order.store,
        customer_id: Some(customer_id),
        lines: crate::coupons::redeem::lines_of(&p.order.lines),
        at_ms: p.order.ordered_at_ms,
        tz: p.tz,
    }
}

/// Whether the order opens its member's purchase history, as read before it (a "new customer"
/// for the coupons it uses, §11.5).
pub fn opens_history(p: &Prepared) -> bool {
    p.member
        .as_ref()
        .is_some_and(|m| m.first_purchase_at_ms.is_none())
}

/// Accepts a normal order; a refund goes through [`super::refund::refund`].
pub async fn accept(tx: &mut dyn Tx, ctx: &Ctx, p: Prepared) -> AppResult<Accepted> {
    ctx.principal.require(Permission::OrdersWrite)?;
    let t = ctx.principal.tenant()?;
    debug_assert_eq!(p.order.direction, Direction::Normal);
    let o = &p.order;
    if p.member.is_none() && o.points_used.is_some() {
        return Err(ValidationError::new(
            "points_used",
            "points_need_member",
            "only a member's order can be paid with points",
        )
        .into());
    }
    if p.member.is_none() && !o.coupons.is_empty() {
        return Err(ValidationError::new(
            "coupons",
            "coupons_need_member",
            "only a member's order can use coupons",
        )
        .into());
    }
    let mut order = header(ctx, t, &p, o, None);
    if !tx.insert_order(&order).await? {
        return Ok(Accepted {
            order: existing(tx, t, o).await?,
            replayed: true,
            tier_change: None,
            point_records: None,
        });
    }
    write_documents(tx, &p, &order, o).await?;
    let mut events = Vec::new();
    let mut tier_change = None;
    let mut point_records = Vec::new();
    // Written with the events at the end, in one round trip where the database allows.
    let mut points_change = None;
    let mut retention = None;
    if let Some(member) = &p.member {
        // Takes the member's row first: one member's orders are processed one at a time.
        let member = tx
            .record_purchase(t, member.id, o.ordered_at_ms)
            .await?
            .ok_or(AppError::NotFound("member"))?;
        if !o.coupons.is_empty() {
            let customer = member.customer_id.to_string();
            crate::coupons::redeem::redeem(
                tx,
                ctx,
                &coupon_draft(&p, &customer),
                &o.coupons,
                &order.id,
                o.paid_fen,
                opens_history(&p),
            )
            .await?;
        }
        // Paying with points comes first, so an order's own points never pay for it.
        if let Some(used) = &o.points_used {
            point_records.push(super::points_used::spend(tx, ctx, &member, &order, used).await?);
        }
        if member.status == MemberStatus::Normal {
            let current = tx.active_tier_record(t, member.id).await?;
            let tier = current.as_ref().map(|r| r.tier_id.as_str());
            let earned =
                earn::transaction_points(tx, ctx, &p, &member, tier.unwrap_or_default(), &order)
                    .await?;
            order.points_change = earned.total;
            points_change = (earned.total != 0).then_some(earned.total);
            point_records.extend(earned.records);
            let add = crate::ports::RetentionCounters {
                points: earned.upgradeable,
                spend_fen: o.paid_fen,
                purchases: 1,
            };
            let (counters, change) = crate::tiers::upgrade::check(
                tx,
                &member,
                current.as_ref(),
                &p.rules,
                o.ordered_at_ms,
                ctx.now_ms,
                add,
                p.tz,
            )
            .await?;
            tier_change = change;
            retention = Some((member.id, counters, ctx.now_ms));
        }
    }
    events.extend(completion_events(&order, tier_change.as_ref()));
    tx.finish_order(t, &order.id, points_change, retention, &events)
        .await?;
    Ok(Accepted {
        order,
        replayed: false,
        tier_change,
        point_records: Some(point_records),
    })
}
