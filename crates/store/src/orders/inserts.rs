//! The multi-row inserts of orders, their documents and outbox events: one column list and one
//! row builder per table, used for one order and for many.

use crate::sql::{inserts, Arg, Sql};
use patron_app::orders::model::{
    OutboxEvent, StoredDiscount, StoredLine, StoredOrder, StoredPayment,
};

const ORDER_COLUMNS: &str = "tenant_id, id, channel, external_no, direction, original_order_id, \
    store_id, member_id, customer_id, program_id, identity_kind, identity_value, order_type, \
    ordered_at_ms, paid_at_ms, employee, salesperson, guest_count, remark, item_quantity, \
    total_fen, receivable_fen, discount_fen, paid_fen, points_change, unknown_products, \
    refund_status, status, created_by, created_at_ms";
const ORDER_WIDTH: usize = 30;

fn order_args(o: &StoredOrder) -> Vec<Arg> {
    vec![
        Arg::Int(o.tenant_id.get()),
        Arg::from(&o.id),
        Arg::from(o.channel.code()),
        Arg::from(&o.external_no),
        Arg::from(o.direction.as_str()),
        Arg::from(o.original_order_id.clone()),
        Arg::from(&o.store_id),
        Arg::from(o.member_id.map(|m| m.to_string())),
        Arg::from(o.customer_id.map(|c| c.to_string())),
        Arg::from(o.program_id.clone()),
        Arg::from(o.identity_kind.clone()),
        Arg::from(o.identity_value.clone()),
        Arg::from(o.order_type.clone()),
        Arg::Int(o.ordered_at_ms),
        Arg::from(o.paid_at_ms),
        Arg::from(o.employee.clone()),
        Arg::from(o.salesperson.clone()),
        Arg::from(o.guest_count),
        Arg::from(o.remark.clone()),
        Arg::Int(o.item_quantity),
        Arg::Int(o.total_fen),
        Arg::Int(o.receivable_fen),
        Arg::Int(o.discount_fen),
        Arg::Int(o.paid_fen),
        Arg::Int(o.points_change),
        Arg::Int(o.unknown_products),
        Arg::from(&o.refund_status),
        Arg::from(&o.status),
        Arg::from(&o.created_by),
        Arg::Int(o.created_at_ms),
    ]
}

/// Orders, each kept only if the tenant has no order with its channel and external number;
/// `tail` follows the conflict clause (e.g. `RETURNING id`).
pub(super) fn order_inserts(orders: &[StoredOrder], tail: &str) -> Vec<Sql> {
    let tail = format!(" ON CONFLICT (tenant_id, channel, external_no) DO NOTHING{tail}");
    let rows = orders.iter().map(order_args).collect();
    inserts("orders", ORDER_COLUMNS, ORDER_WIDTH, rows, &tail)
}

pub(super) fn line_inserts(lines: &[StoredLine]) -> Vec<Sql> {
    let columns = "tenant_id, order_id, line_no, product_code, product_title, product_known, \
        quantity, unit_price_fen, original_fen, receivable_fen, coupon_fen, discount_fen, net_fen, \
        net_ex_tax_fen, points_amount_fen, original_line_no, refunded_quantity, refunded_fen";
    let rows = lines
        .iter()
        .map(|l| {
            vec![
                Arg::Int(l.tenant_id.get()),
                Arg::from(&l.order_id),
                Arg::Int(l.line_no),
                Arg::from(&l.product_code),
                Arg::from(l.product_title.clone()),
                Arg::from(l.product_known),
                Arg::Int(l.quantity),
                Arg::Int(l.unit_price_fen),
                Arg::Int(l.original_fen),
                Arg::Int(l.receivable_fen),
                Arg::Int(l.coupon_fen),
                Arg::Int(l.discount_fen),
                Arg::Int(l.net_fen),
                Arg::from(l.net_ex_tax_fen),
                Arg::Int(l.points_amount_fen),
                Arg::from(l.original_line_no),
                Arg::Int(l.refunded_quantity),
                Arg::Int(l.refunded_fen),
            ]
        })
        .collect();
    inserts("order_lines", columns, 18, rows, "")
}

pub(super) fn payment_insert(payments: &[StoredPayment]) -> Vec<Sql> {
    let columns =
        "tenant_id, order_id, seq, method_code, method_name, paid_fen, received_fen, coupon_code";
    let rows = payments
        .iter()
        .map(|p| {
            vec![
                Arg::Int(p.tenant_id.get()),
                Arg::from(&p.order_id),
                Arg::Int(p.seq),
                Arg::from(&p.method_code),
                Arg::from(p.method_name.clone()),
                Arg::Int(p.paid_fen),
                Arg::Int(p.received_fen),
                Arg::from(p.coupon_code.clone()),
            ]
        })
        .collect();
    inserts("order_payments", columns, 8, rows, "")
}

pub(super) fn discount_insert(discounts: &[StoredDiscount]) -> Vec<Sql> {
    let columns = "tenant_id, order_id, seq, kind, code, amount_fen, reference";
    let rows = discounts
        .iter()
        .map(|d| {
            vec![
                Arg::Int(d.tenant_id.get()),
                Arg::from(&d.order_id),
                Arg::Int(d.seq),
                Arg::from(&d.kind),
                Arg::from(d.code.clone()),
                Arg::Int(d.amount_fen),
                Arg::from(d.reference.clone()),
            ]
        })
        .collect();
    inserts("order_discounts", columns, 7, rows, "")
}

pub(super) fn outbox_insert(events: &[OutboxEvent]) -> Vec<Sql> {
    let columns = "tenant_id, id, topic, subject_id, payload, created_at_ms";
    let rows = events
        .iter()
        .map(|e| {
            vec![
                Arg::Int(e.tenant_id.get()),
                Arg::from(&e.id),
                Arg::from(e.topic),
                Arg::from(&e.subject_id),
                Arg::Text(e.payload.to_string()),
                Arg::Int(e.created_at_ms),
            ]
        })
        .collect();
    inserts("outbox", columns, 6, rows, "")
}
