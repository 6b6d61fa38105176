//! Rows of the transaction center's tables as records.

use crate::row::Row;
use patron_app::orders::model::{StoredDiscount, StoredLine, StoredOrder, StoredPayment};
use patron_app::{AppError, AppResult};
use patron_domain::channel::Channel;
use patron_domain::ids::{CustomerId, MemberId, TenantId};
use patron_domain::orders::Direction;

fn corrupt(what: &str, value: &str) -> AppError {
    AppError::Store(format!("stored order {what} '{value}' is not valid"))
}

pub(crate) fn order(row: &Row) -> AppResult<StoredOrder> {
    let channel = row.text("channel")?;
    let direction = row.text("direction")?;
    let member = row
        .opt_text("member_id")?
        .map(|m| MemberId::parse(&m).ok_or_else(|| corrupt("member_id", &m)))
        .transpose()?;
    let customer = row
        .opt_text("customer_id")?
        .map(|c| CustomerId::parse(&c).ok_or_else(|| corrupt("customer_id", &c)))
        .transpose()?;
    Ok(StoredOrder {
        tenant_id: TenantId::new(row.i64("tenant_id")?),
        id: row.text("id")?,
        channel: Channel::parse(&channel).ok_or_else(|| corrupt("channel", &channel))?,
        external_no: row.text("external_no")?,
        direction: Direction::parse(&direction).ok_or_else(|| corrupt("direction", &direction))?,
        original_order_id: row.opt_text("original_order_id")?,
        store_id: row.text("store_id")?,
        member_id: member,
        customer_id: customer,
        program_id: row.opt_text("program_id")?,
        identity_kind: row.opt_text("identity_kind")?,
        identity_value: row.opt_text("identity_value")?,
        order_type: row.opt_text("order_type")?,
        ordered_at_ms: row.i64("ordered_at_ms")?,
        paid_at_ms: row.opt_i64("paid_at_ms")?,
        employee: row.opt_text("employee")?,
        salesperson: row.opt_text("salesperson")?,
        guest_count: row.opt_i64("guest_count")?,
        remark: row.opt_text("remark")?,
        item_quantity: row.i64("item_quantity")?,
        total_fen: row.i64("total_fen")?,
        receivable_fen: row.i64("receivable_fen")?,
        discount_fen: row.i64("discount_fen")?,
        paid_fen: row.i64("paid_fen")?,
        points_change: row.i64("points_change")?,
        unknown_products: row.i64("unknown_products")?,
        refund_status: row.text("refund_status")?,
        status: row.text("status")?,
        created_by: row.text("created_by")?,
        created_at_ms: row.i64("created_at_ms")?,
    })
}

pub(crate) fn line(row: &Row) -> AppResult<StoredLine> {
    Ok(StoredLine {
        tenant_id: TenantId::new(row.i64("tenant_id")?),
        order_id: row.text("order_id")?,
        line_no: row.i64("line_no")?,
        product_code: row.text("product_code")?,
        product_title: row.opt_text("product_title")?,
        product_known: row.bool("product_known")?,
        quantity: row.i64("quantity")?,
        unit_price_fen: row.i64("unit_price_fen")?,
        original_fen: row.i64("original_fen")?,
        receivable_fen: row.i64("receivable_fen")?,
        coupon_fen: row.i64("coupon_fen")?,
        discount_fen: row.i64("discount_fen")?,
        net_fen: row.i64("net_fen")?,
        net_ex_tax_fen: row.opt_i64("net_ex_tax_fen")?,
        points_amount_fen: row.i64("points_amount_fen")?,
        original_line_no: row.opt_i64("original_line_no")?,
        refunded_quantity: row.i64("refunded_quantity")?,
        refunded_fen: row.i64("refunded_fen")?,
    })
}

pub(crate) fn payment(row: &Row) -> AppResult<StoredPayment> {
    Ok(StoredPayment {
        tenant_id: TenantId::new(row.i64("tenant_id")?),
        order_id: row.text("order_id")?,
        seq: row.i64("seq")?,
        method_code: row.text("method_code")?,
        method_name: row.opt_text("method_name")?,
        paid_fen: row.i64("paid_fen")?,
        received_fen: row.i64("received_fen")?,
        coupon_code: row.opt_text("coupon_code")?,
    })
}

pub(crate) fn discount(row: &Row) -> AppResult<StoredDiscount> {
    Ok(StoredDiscount {
        tenant_id: TenantId::new(row.i64("tenant_id")?),
        order_id: row.text("order_id")?,
        seq: row.i64("seq")?,
        kind: row.text("kind")?,
        code: row.opt_text("code")?,
        amount_fen: row.i64("amount_fen")?,
        reference: row.opt_text("reference")?,
    })
}
