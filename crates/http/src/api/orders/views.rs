//! The orders API's requests and answers. Amounts travel as decimal yuan text ("12.50") with
//! the same value in fen beside it in answers.

use crate::api::points::PointRecordView;
use crate::views::rfc3339;
use patron_app::members::model::TierRecord;
use patron_app::orders::model::{StoredDiscount, StoredLine, StoredOrder, StoredPayment};
use patron_app::orders::read::OrderDetails;
use patron_domain::money::format_fen;
use patron_domain::orders::input::MemberRef;
use patron_domain::orders::{DiscountInput, LineInput, OrderInput, PaymentInput};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Who the order belongs to; the first given is used. None: a non-member sale.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberRequest {
    pub card_no: Option<String>,
    pub phone: Option<String>,
    /// The buyer's account id in the order's channel (an openid, a shop's buyer id).
    pub channel_id: Option<String>,
    pub customer_id: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineRequest {
    pub product_code: String,
    pub product_title: Option<String>,
    pub quantity: i64,
    pub unit_price: Option<String>,
    pub original_amount: Option<String>,
    pub receivable_amount: Option<String>,
    pub coupon_amount: Option<String>,
    pub discount_amount: Option<String>,
    /// The amount received. Required on a normal order; a refund line without it returns the
    /// original line's amounts in proportion to the quantity.
    pub net_amount: Option<String>,
    pub net_amount_ex_tax: Option<String>,
    /// The amount counted for points (defaults to the net amount).
    pub points_amount: Option<String>,
    /// Refunds: the original line returned (else matched by product).
    pub original_line_no: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentRequest {
    /// A payment method's code (master data).
    pub method: String,
    pub method_name: Option<String>,
    pub amount: String,
    pub received_amount: Option<String>,
    pub coupon_code: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DiscountRequest {
    pub kind: String,
    pub code: Option<String>,
    pub amount: String,
    pub reference: Option<String>,
}

/// Points the member pays with: taken from the point group's account (FIFO) with the order, and
/// given back in proportion when it is refunded.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PointsUsedRequest {
    /// The point group's id.
    pub point_group: String,
    pub points: i64,
}

/// An order or a refund as a channel sends it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderRequest {
    /// `normal` (default) or `refund`.
    pub direction: Option<String>,
    pub channel: String,
    /// The order's number in its channel; unique per channel.
    pub external_no: String,
    /// Refunds: the original order's number in the same channel.
    pub original_order_no: Option<String>,
    /// The store's code.
    pub store: String,
    #[serde(default)]
    pub member: Option<MemberRequest>,
    pub order_type: Option<String>,
    /// RFC 3339.
    pub ordered_at: String,
    pub paid_at: Option<String>,
    pub employee: Option<String>,
    pub salesperson: Option<String>,
    pub guest_count: Option<i64>,
    pub remark: Option<String>,
    pub total: Option<String>,
    pub receivable: Option<String>,
    pub discount: Option<String>,
    pub paid: Option<String>,
    #[serde(default)]
    pub lines: Vec<LineRequest>,
    #[serde(default)]
    pub payments: Vec<PaymentRequest>,
    #[serde(default)]
    pub discounts: Vec<DiscountRequest>,
    /// Normal orders of members: points spent on the order.
    pub points_used: Option<PointsUsedRequest>,
    /// Normal orders of members: codes of the member's coupons used on the order. Each is
    /// checked (validity, day and time, store, products, threshold, stacking) and redeemed with
    /// the order, or the order is refused naming the coupon's reason.
    #[serde(default)]
    pub coupons: Vec<String>,
}

impl OrderRequest {
    pub fn into_input(self, ordered_at_ms: i64, paid_at_ms: Option<i64>) -> OrderInput {
        let m = self.member.unwrap_or_default();
        OrderInput {
            direction: self.direction,
            channel: self.channel,
            external_no: self.external_no,
            original_order_no: self.original_order_no,
            store: self.store,
            member: MemberRef {
                card_no: m.card_no,
                phone: m.phone,
                channel_id: m.channel_id,
                customer_id: m.customer_id,
            },
            order_type: self.order_type,
            ordered_at_ms,
            paid_at_ms,
            employee: self.employee,
            salesperson: self.salesperson,
            guest_count: self.guest_count,
            remark: self.remark,
            total: self.total,
            receivable: self.receivable,
            discount: self.discount,
            paid: self.paid,
            lines: self
                .lines
                .into_iter()
                .map(|l| LineInput {
                    product_code: l.product_code,
                    product_title: l.product_title,
                    quantity: l.quantity,
                    unit_price: l.unit_price,
                    original_amount: l.original_amount,
                    receivable_amount: l.receivable_amount,
                    coupon_amount: l.coupon_amount,
                    discount_amount: l.discount_amount,
                    net_amount: l.net_amount,
                    net_amount_ex_tax: l.net_amount_ex_tax,
                    points_amount: l.points_amount,
                    original_line_no: l.original_line_no,
                })
                .collect(),
            payments: self
                .payments
                .into_iter()
                .map(|p| PaymentInput {
                    method: p.method,
                    method_name: p.method_name,
                    amount: p.amount,
                    received_amount: p.received_amount,
                    coupon_code: p.coupon_code,
                })
                .collect(),
            discounts: self
                .discounts
                .into_iter()
                .map(|d| DiscountInput {
                    kind: d.kind,
                    code: d.code,
                    amount: d.amount,
                    reference: d.reference,
                })
                .collect(),
            points_used: self.points_used.map(|x| (x.point_group, x.points)),
            coupons: self.coupons,
        }
    }
}

/// A signed amount as text: a refund's are negative.
pub(crate) fn money(fen: i64) -> String {
    if fen < 0 {
        format!("-{}", format_fen(-fen))
    } else {
        format_fen(fen)
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderView {
    pub id: String,
    pub direction: String,
    pub channel: String,
    pub external_no: String,
    pub original_order_id: Option<String>,
    pub store_id: String,
    pub member_id: Option<String>,
    pub customer_id: Option<String>,
    /// A non-member sale: the kind of identity it named, kept to match later.
    pub unmatched_identity: Option<String>,
    pub order_type: Option<String>,
    pub ordered_at: String,
    pub paid_at: Option<String>,
    pub item_quantity: i64,
    pub total: String,
    pub total_fen: i64,
    pub receivable_fen: i64,
    pub discount_fen: i64,
    pub paid: String,
    pub paid_fen: i64,
    /// The net points this order's records moved.
    pub points_change: i64,
    /// Lines whose product master data does not know yet.
    pub unknown_products: i64,
    /// Normal orders: `none`, `partial` or `full`.
    pub refund_status: String,
    pub status: String,
    pub created_at: String,
}

impl From<&StoredOrder> for OrderView {
    fn from(o: &StoredOrder) -> Self {
        Self {
            id: o.id.clone(),
            direction: o.direction.as_str().into(),
            channel: o.channel.code().into(),
            external_no: o.external_no.clone(),
            original_order_id: o.original_order_id.clone(),
            store_id: o.store_id.clone(),
            member_id: o.member_id.map(|m| m.to_string()),
            customer_id: o.customer_id.map(|c| c.to_string()),
            unmatched_identity: o.identity_kind.clone(),
            order_type: o.order_type.clone(),
            ordered_at: rfc3339(o.ordered_at_ms),
            paid_at: o.paid_at_ms.map(rfc3339),
            item_quantity: o.item_quantity,
            total: money(o.total_fen),
            total_fen: o.total_fen,
            receivable_fen: o.receivable_fen,
            discount_fen: o.discount_fen,
            paid: money(o.paid_fen),
            paid_fen: o.paid_fen,
            points_change: o.points_change,
            unknown_products: o.unknown_products,
            refund_status: o.refund_status.clone(),
            status: o.status.clone(),
            created_at: rfc3339(o.created_at_ms),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LineView {
    pub line_no: i64,
    pub product_code: String,
    pub product_title: Option<String>,
    pub product_known: bool,
    pub quantity: i64,
    pub unit_price_fen: i64,
    pub original_fen: i64,
    pub receivable_fen: i64,
    pub coupon_fen: i64,
    pub discount_fen: i64,
    pub net_amount: String,
    pub net_fen: i64,
    pub net_ex_tax_fen: Option<i64>,
    pub points_amount_fen: i64,
    pub original_line_no: Option<i64>,
    pub refunded_quantity: i64,
    pub refunded_fen: i64,
}

impl From<&StoredLine> for LineView {
    fn from(l: &StoredLine) -> Self {
        Self {
            line_no: l.line_no,
            product_code: l.product_code.clone(),
            product_title: l.product_title.clone(),
            product_known: l.product_known,
            quantity: l.quantity,
            unit_price_fen: l.unit_price_fen,
            original_fen: l.original_fen,
            receivable_fen: l.receivable_fen,
            coupon_fen: l.coupon_fen,
            discount_fen: l.discount_fen,
            net_amount: money(l.net_fen),
            net_fen: l.net_fen,
            net_ex_tax_fen: l.net_ex_tax_fen,
            points_amount_fen: l.points_amount_fen,
            original_line_no: l.original_line_no,
            refunded_quantity: l.refunded_quantity,
            refunded_fen: l.refunded_fen,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentView {
    pub seq: i64,
    pub method: String,
    pub method_name: Option<String>,
    pub paid_fen: i64,
    pub received_fen: i64,
    pub coupon_code: Option<String>,
}

impl From<&StoredPayment> for PaymentView {
    fn from(p: &StoredPayment) -> Self {
        Self {
            seq: p.seq,
            method: p.method_code.clone(),
            method_name: p.method_name.clone(),
            paid_fen: p.paid_fen,
            received_fen: p.received_fen,
            coupon_code: p.coupon_code.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DiscountView {
    pub seq: i64,
    pub kind: String,
    pub code: Option<String>,
    pub amount_fen: i64,
    pub reference: Option<String>,
}

impl From<&StoredDiscount> for DiscountView {
    fn from(d: &StoredDiscount) -> Self {
        Self {
            seq: d.seq,
            kind: d.kind.clone(),
            code: d.code.clone(),
            amount_fen: d.amount_fen,
            reference: d.reference.clone(),
        }
    }
}

/// A tier record an order created (an upgrade).
#[derive(Debug, Serialize, ToSchema)]
pub struct TierChangeView {
    pub id: String,
    pub tier_id: String,
    /// `upgrade`.
    pub record_type: String,
    pub tier_rule_id: Option<String>,
    pub effective_at: String,
    pub expires_at: Option<String>,
}

impl From<&TierRecord> for TierChangeView {
    fn from(r: &TierRecord) -> Self {
        Self {
            id: r.id.clone(),
            tier_id: r.tier_id.clone(),
            record_type: r.record_type.as_str().into(),
            tier_rule_id: r.tier_rule_id.clone(),
            effective_at: rfc3339(r.effective_at_ms),
            expires_at: r.expires_at_ms.map(rfc3339),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AcceptedView {
    pub order: OrderView,
    /// True when the order was there already and nothing changed.
    pub replayed: bool,
    pub point_records: Vec<PointRecordView>,
    pub tier_change: Option<TierChangeView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderPage {
    pub items: Vec<OrderView>,
    pub next_cursor: Option<String>,
    pub total: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderDetailView {
    pub order: OrderView,
    pub lines: Vec<LineView>,
    pub payments: Vec<PaymentView>,
    pub discounts: Vec<DiscountView>,
    pub point_records: Vec<PointRecordView>,
    pub refunds: Vec<OrderView>,
}

impl From<&OrderDetails> for OrderDetailView {
    fn from(d: &OrderDetails) -> Self {
        Self {
            order: (&d.order).into(),
            lines: d.lines.iter().map(Into::into).collect(),
            payments: d.payments.iter().map(Into::into).collect(),
            discounts: d.discounts.iter().map(Into::into).collect(),
            point_records: d.point_records.iter().map(Into::into).collect(),
            refunds: d.refunds.iter().map(Into::into).collect(),
        }
    }
}

/// Points one rule would give one line.
#[derive(Debug, Serialize, ToSchema)]
pub struct SimulatedEarning {
    pub line_no: i64,
    pub point_rule_id: String,
    pub point_group_id: String,
    pub cost_center_id: Option<String>,
    pub counts_for_upgrade: bool,
    pub points: i64,
}

/// What an order would do, with nothing written.
#[derive(Debug, Serialize, ToSchema)]
pub struct SimulationView {
    /// None: a non-member sale, which earns nothing.
    pub member_id: Option<String>,
    pub current_tier_id: Option<String>,
    pub earnings: Vec<SimulatedEarning>,
    pub total_points: i64,
    /// The tier the order would lift the member to, and the rule.
    pub upgrade_tier_id: Option<String>,
    pub upgrade_rule_id: Option<String>,
}
