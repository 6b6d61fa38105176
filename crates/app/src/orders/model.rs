//! Orders as the store keeps them (§9): amounts in fen, signed by direction (a refund's are
//! negative), so sums over orders need no case analysis.

use patron_domain::channel::Channel;
use patron_domain::ids::{CustomerId, MemberId, TenantId};
use patron_domain::orders::Direction;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredOrder {
    pub tenant_id: TenantId,
    pub id: String,
    pub channel: Channel,
    pub external_no: String,
    pub direction: Direction,
    pub original_order_id: Option<String>,
    pub store_id: String,
    pub member_id: Option<MemberId>,
    pub customer_id: Option<CustomerId>,
    pub program_id: Option<String>,
    /// A non-member sale: the identity it named (`card_no`, `phone` as its blind index in hex,
    /// `channel_id`, `customer_id`), kept to match later.
    pub identity_kind: Option<String>,
    pub identity_value: Option<String>,
    pub order_type: Option<String>,
    pub ordered_at_ms: i64,
    pub paid_at_ms: Option<i64>,
    pub employee: Option<String>,
    pub salesperson: Option<String>,
    pub guest_count: Option<i64>,
    pub remark: Option<String>,
    pub item_quantity: i64,
    pub total_fen: i64,
    pub receivable_fen: i64,
    pub discount_fen: i64,
    pub paid_fen: i64,
    pub points_change: i64,
    pub unknown_products: i64,
    /// `none`, `partial` or `full` (normal orders).
    pub refund_status: String,
    pub status: String,
    pub created_by: String,
    pub created_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLine {
    pub tenant_id: TenantId,
    pub order_id: String,
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
    pub net_fen: i64,
    pub net_ex_tax_fen: Option<i64>,
    pub points_amount_fen: i64,
    pub original_line_no: Option<i64>,
    pub refunded_quantity: i64,
    pub refunded_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPayment {
    pub tenant_id: TenantId,
    pub order_id: String,
    pub seq: i64,
    pub method_code: String,
    pub method_name: Option<String>,
    pub paid_fen: i64,
    pub received_fen: i64,
    pub coupon_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDiscount {
    pub tenant_id: TenantId,
    pub order_id: String,
    pub seq: i64,
    pub kind: String,
    pub code: Option<String>,
    pub amount_fen: i64,
    pub reference: Option<String>,
}

/// Net points an order's records issued against one cost center (`None`: records without one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedPoints {
    pub order_id: String,
    pub cost_center_id: Option<String>,
    pub points: i64,
}

/// Filters of the order list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderFilter {
    pub member_id: Option<MemberId>,
    pub store_id: Option<String>,
    pub direction: Option<Direction>,
    pub channel: Option<Channel>,
    /// Orders at or after / before these times.
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
}

/// A domain event written with the change it announces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEvent {
    pub tenant_id: TenantId,
    pub id: String,
    pub topic: &'static str,
    pub subject_id: String,
    pub payload: serde_json::Value,
    pub created_at_ms: i64,
}
