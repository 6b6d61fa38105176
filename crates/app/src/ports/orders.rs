//! Store ports for the transaction center: orders, their lines, payments and discounts, the
//! figures the tier engine reads from them, and the outbox.

use crate::error::AppResult;
use crate::members::model::{MemberAccount, PointAccount};
use crate::model::{ListQuery, Page};
use crate::orders::model::{
    IssuedPoints, OrderFilter, OutboxEvent, StoredDiscount, StoredLine, StoredOrder, StoredPayment,
};
use crate::points::model::PointRecord;
use crate::ports::RetentionCounters;
use async_trait::async_trait;
use patron_domain::channel::Channel;
use patron_domain::ids::{CustomerId, MemberId, TenantId};

#[async_trait]
pub trait OrdersReads: Send {
    async fn order(&mut self, t: TenantId, id: &str) -> AppResult<Option<StoredOrder>>;
    async fn order_by_external(
        &mut self,
        t: TenantId,
        channel: Channel,
        external_no: &str,
    ) -> AppResult<Option<StoredOrder>>;
    /// Newest first.
    async fn orders(
        &mut self,
        t: TenantId,
        f: &OrderFilter,
        q: &ListQuery,
    ) -> AppResult<Page<StoredOrder>>;
    /// The orders and refunds of the customer's member accounts (every program), newest
    /// first.
    async fn customer_orders(
        &mut self,
        t: TenantId,
        customer: CustomerId,
        q: &ListQuery,
    ) -> AppResult<Page<StoredOrder>>;
    async fn order_lines(&mut self, t: TenantId, order: &str) -> AppResult<Vec<StoredLine>>;
    async fn order_payments(&mut self, t: TenantId, order: &str) -> AppResult<Vec<StoredPayment>>;
    async fn order_discounts(&mut self, t: TenantId, order: &str)
        -> AppResult<Vec<StoredDiscount>>;
    /// The point records an order produced, oldest first.
    async fn order_point_records(
        &mut self,
        t: TenantId,
        order: &str,
    ) -> AppResult<Vec<PointRecord>>;
    /// The refunds of an order, oldest first.
    async fn refunds_of(&mut self, t: TenantId, order: &str) -> AppResult<Vec<StoredOrder>>;
    /// Up to `limit` normal orders of members of `program`, ordered in `[from_ms, to_ms)`, oldest
    /// first by (ordered at, id), after `after` in that order: keyset pages of a window.
    async fn member_orders_page(
        &mut self,
        t: TenantId,
        program: &str,
        from_ms: i64,
        to_ms: i64,
        after: (i64, &str),
        limit: u32,
    ) -> AppResult<Vec<StoredOrder>>;
    /// The lines of these orders, by order and line number (one statement for a page).
    async fn lines_of_orders(
        &mut self,
        t: TenantId,
        orders: &[String],
    ) -> AppResult<Vec<StoredLine>>;
    /// The payments of these orders, by order and sequence.
    async fn payments_of_orders(
        &mut self,
        t: TenantId,
        orders: &[String],
    ) -> AppResult<Vec<StoredPayment>>;
    /// The transaction points these normal orders issued, net of what their refunds reversed,
    /// per order and the records' cost center.
    async fn points_issued_to_orders(
        &mut self,
        t: TenantId,
        orders: &[String],
    ) -> AppResult<Vec<IssuedPoints>>;
    /// Σ signed points of the member's upgradeable records (§7.2: counts for upgrade, of the
    /// accumulating types) in a point group, effective in `[from_ms, to_ms]`.
    async fn upgradeable_points(
        &mut self,
        t: TenantId,
        member: MemberId,
        point_group: &str,
        from_ms: i64,
        to_ms: i64,
    ) -> AppResult<i64>;
    /// Σ paid (refunds negative) and the number of normal orders not refunded in full, of the
    /// member's orders in `[from_ms, to_ms]`.
    async fn spend_and_purchases(
        &mut self,
        t: TenantId,
        member: MemberId,
        from_ms: i64,
        to_ms: i64,
    ) -> AppResult<(i64, i64)>;
    /// [`OrdersReads::upgradeable_points`] for many (member, point group, from, to), in their
    /// order.
    async fn upgradeable_points_many(
        &mut self,
        t: TenantId,
        windows: &[(MemberId, String, i64, i64)],
    ) -> AppResult<Vec<i64>>;
    /// [`OrdersReads::spend_and_purchases`] for many (member, from, to), in their order.
    async fn spend_and_purchases_many(
        &mut self,
        t: TenantId,
        windows: &[(MemberId, i64, i64)],
    ) -> AppResult<Vec<(i64, i64)>>;
}

#[async_trait]
pub trait OrdersWrites: Send {
    /// `false` when the tenant already has an order with this channel and external number.
    async fn insert_order(&mut self, o: &StoredOrder) -> AppResult<bool>;
    async fn insert_order_lines(&mut self, lines: &[StoredLine]) -> AppResult<()>;
    async fn insert_order_payments(&mut self, payments: &[StoredPayment]) -> AppResult<()>;
    async fn insert_order_discounts(&mut self, discounts: &[StoredDiscount]) -> AppResult<()>;
    /// An order's lines, payments and discounts together (one round trip where the database
    /// allows).
    async fn insert_order_documents(
        &mut self,
        lines: &[StoredLine],
        payments: &[StoredPayment],
        discounts: &[StoredDiscount],
    ) -> AppResult<()>;
    /// Takes the order for this transaction (PostgreSQL: its row lock), so refunds of one order
    /// happen one after another. `false` when there is no such order.
    async fn lock_order(&mut self, t: TenantId, id: &str) -> AppResult<bool>;
    /// Adds a refund's units and fen to an original line.
    async fn add_refunded(
        &mut self,
        t: TenantId,
        order: &str,
        line_no: i64,
        quantity: i64,
        fen: i64,
    ) -> AppResult<()>;
    async fn set_refund_status(&mut self, t: TenantId, order: &str, status: &str) -> AppResult<()>;
    async fn set_points_change(&mut self, t: TenantId, order: &str, change: i64) -> AppResult<()>;
    /// Moves the member's first and last purchase times to include `at_ms` and returns the
    /// member as it stands; also takes the member's row for this transaction, so one member's
    /// orders are processed one at a time.
    async fn record_purchase(
        &mut self,
        t: TenantId,
        member: MemberId,
        at_ms: i64,
    ) -> AppResult<Option<MemberAccount>>;
    async fn insert_outbox(&mut self, events: &[OutboxEvent]) -> AppResult<()>;
    /// The last writes of an accepted order, together (one round trip where the database
    /// allows): its points change when there is one, the member's retention counters, its
    /// events.
    async fn finish_order(
        &mut self,
        t: TenantId,
        order: &str,
        points_change: Option<i64>,
        retention: Option<(MemberId, RetentionCounters, i64)>,
        events: &[OutboxEvent],
    ) -> AppResult<()>;

    /// Orders accepted together (`orders::together`): inserts those the tenant does not have
    /// yet (by channel and external number) and returns their ids.
    async fn insert_new_orders(&mut self, orders: &[StoredOrder]) -> AppResult<Vec<String>>;
    /// [`OrdersWrites::record_purchase`] for each (member, order time), one member once;
    /// returns the members found.
    async fn record_purchases(
        &mut self,
        t: TenantId,
        purchases: &[(MemberId, i64)],
    ) -> AppResult<Vec<MemberAccount>>;
    /// Every point account of these members, taken for this transaction.
    async fn lock_point_accounts_of(
        &mut self,
        t: TenantId,
        members: &[MemberId],
    ) -> AppResult<Vec<PointAccount>>;
    /// [`OrdersWrites::finish_order`] for many orders: their points changes, their members'
    /// retention counters (with the time of the change), their events.
    async fn finish_orders(
        &mut self,
        t: TenantId,
        points_changes: &[(String, i64)],
        retention: &[(MemberId, RetentionCounters, i64)],
        events: &[OutboxEvent],
    ) -> AppResult<()>;
}
