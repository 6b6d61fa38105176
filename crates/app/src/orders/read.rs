//! Reading orders: the list with filters, and one order with its documents, the points it
//! produced and its refunds.

use super::model::{OrderFilter, StoredDiscount, StoredLine, StoredOrder, StoredPayment};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::model::{ListQuery, Page};
use crate::points::model::PointRecord;
use crate::ports::Store;
use patron_domain::ids::CustomerId;
use patron_domain::rbac::Permission;

#[derive(Debug, Clone)]
pub struct OrderDetails {
    pub order: StoredOrder,
    pub lines: Vec<StoredLine>,
    pub payments: Vec<StoredPayment>,
    pub discounts: Vec<StoredDiscount>,
    pub point_records: Vec<PointRecord>,
    /// A normal order's refunds; a refund's original is `order.original_order_id`.
    pub refunds: Vec<StoredOrder>,
}

pub async fn list(
    store: &dyn Store,
    ctx: &Ctx,
    f: &OrderFilter,
    q: &ListQuery,
) -> AppResult<Page<StoredOrder>> {
    ctx.principal.require(Permission::OrdersRead)?;
    let t = ctx.principal.tenant()?;
    store.reader().await?.orders(t, f, q).await
}

/// The orders and refunds of all of a customer's member accounts, newest first (the customer
/// 360° view's transactions tab).
pub async fn of_customer(
    store: &dyn Store,
    ctx: &Ctx,
    customer: CustomerId,
    q: &ListQuery,
) -> AppResult<Page<StoredOrder>> {
    ctx.principal.require(Permission::OrdersRead)?;
    let t = ctx.principal.tenant()?;
    store.reader().await?.customer_orders(t, customer, q).await
}

pub async fn get(store: &dyn Store, ctx: &Ctx, id: &str) -> AppResult<OrderDetails> {
    ctx.principal.require(Permission::OrdersRead)?;
    let t = ctx.principal.tenant()?;
    let mut r = store.reader().await?;
    let order = r.order(t, id).await?.ok_or(AppError::NotFound("order"))?;
    Ok(OrderDetails {
        lines: r.order_lines(t, id).await?,
        payments: r.order_payments(t, id).await?,
        discounts: r.order_discounts(t, id).await?,
        point_records: r.order_point_records(t, id).await?,
        refunds: r.refunds_of(t, id).await?,
        order,
    })
}
