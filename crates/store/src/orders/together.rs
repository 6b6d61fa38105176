//! The statements of orders accepted together (`patron_app::orders::together`): many orders'
//! rows, their members' purchase times, point accounts and counters, a few statements a batch.
//! `VALUES` lists go in statements of [`row_counts`] sizes and `IN` lists are padded, so each
//! statement has a handful of texts, prepared once per connection whatever the batch's size.

use super::inserts::{order_inserts, outbox_insert};
use crate::jobs::{member_texts, select_in};
use crate::members::rows::{member, point_account};
use crate::reads::{all, Conn, ReadConn};
use crate::row::Row;
use crate::sql::{row_counts, Arg, Sql};
use crate::writes::SqlTx;
use patron_app::members::model::{MemberAccount, PointAccount};
use patron_app::orders::model::{OutboxEvent, StoredOrder};
use patron_app::ports::RetentionCounters;
use patron_app::AppResult;
use patron_domain::ids::{MemberId, TenantId};

/// `UPDATE {head} FROM (VALUES …) AS v {tail}` over `rows` (each `width` values) in statements
/// of [`row_counts`] sizes; the tenant is bound after the values, as `$t` in `tail`'s place.
fn updates_from_values(
    head: &str,
    tail: &str,
    t: TenantId,
    width: usize,
    rows: Vec<Vec<Arg>>,
) -> Vec<Sql> {
    let mut rows = rows.into_iter();
    let mut out = Vec::new();
    for n in row_counts(rows.len(), width) {
        let mut sql = Sql::new(head);
        sql.push(" FROM (VALUES ");
        sql.values(rows.by_ref().take(n));
        sql.push(") AS v WHERE ");
        sql.push(tail).bind(Arg::Int(t.get()));
        out.push(sql);
    }
    out
}

/// The rows of `{select} FROM (VALUES (k, …), …) AS v` over `rows`, each row's `k` its index
/// in `rows`, in statements of [`row_counts`] sizes: one row of window sums per window. The
/// sums are subqueries correlated with the window (`v.column2`…), so each is an index lookup of
/// its member's rows whatever the planner knows of the tables: a join with the `VALUES` list,
/// planned with a freshly loaded table's stale statistics, scanned all of it for every batch on
/// PostgreSQL.
pub(super) async fn window_rows(
    conn: &mut Conn<'_>,
    select: &str,
    rows: Vec<Vec<Arg>>,
) -> AppResult<Vec<Row>> {
    let width = rows.first().map_or(1, |r| r.len() + 1);
    let mut rows = rows.into_iter().enumerate();
    let mut out = Vec::new();
    for n in row_counts(rows.len(), width) {
        let mut sql = Sql::new(select);
        sql.push(" FROM (VALUES ");
        sql.values(rows.by_ref().take(n).map(|(k, row)| {
            let mut with_key = Vec::with_capacity(row.len() + 1);
            with_key.push(Arg::Int(i64::try_from(k).unwrap_or(i64::MAX)));
            with_key.extend(row);
            with_key
        }));
        sql.push(") AS v");
        out.extend(all(conn, &sql).await?);
    }
    Ok(out)
}

impl SqlTx {
    /// Inserts the orders the tenant does not have yet (by channel and external number);
    /// returns the ids of those inserted.
    pub(super) async fn insert_orders_new(
        &mut self,
        orders: &[StoredOrder],
    ) -> AppResult<Vec<String>> {
        let mut ids = Vec::with_capacity(orders.len());
        for sql in order_inserts(orders, " RETURNING id") {
            for row in self.fetch(&sql).await? {
                ids.push(row.text("id")?);
            }
        }
        Ok(ids)
    }

    /// As `record_purchase` for each (member, order time), taking the members' rows.
    pub(super) async fn record_purchases_of(
        &mut self,
        t: TenantId,
        purchases: &[(MemberId, i64)],
    ) -> AppResult<Vec<MemberAccount>> {
        let rows = purchases
            .iter()
            .map(|(m, at)| vec![Arg::Text(m.to_string()), Arg::Int(*at)])
            .collect();
        let statements = updates_from_values(
            "UPDATE member_accounts SET \
             first_purchase_at_ms = CASE WHEN first_purchase_at_ms IS NULL \
               OR first_purchase_at_ms > v.column2 THEN v.column2 ELSE first_purchase_at_ms END, \
             last_purchase_at_ms = CASE WHEN last_purchase_at_ms IS NULL \
               OR last_purchase_at_ms < v.column2 THEN v.column2 ELSE last_purchase_at_ms END",
            "member_accounts.id = v.column1 AND member_accounts.tenant_id = ",
            t,
            2,
            rows,
        );
        let mut out = Vec::with_capacity(purchases.len());
        for sql in statements {
            // `RETURNING *` also gives PostgreSQL's `v` columns; rows are read by name.
            let mut sql = sql;
            sql.push(" RETURNING *");
            for row in self.fetch(&sql).await? {
                out.push(member(&row)?);
            }
        }
        Ok(out)
    }

    /// Every point account of these members, taken for this transaction (as `lock_point_account`).
    pub(super) async fn lock_accounts_of_members(
        &mut self,
        t: TenantId,
        members: &[MemberId],
    ) -> AppResult<Vec<PointAccount>> {
        let head = "UPDATE point_accounts SET updated_at_ms = updated_at_ms WHERE tenant_id = ";
        let ids = member_texts(members);
        select_in(
            &mut self.read_conn()?,
            head,
            t,
            "member_id",
            &ids,
            " RETURNING *",
            point_account,
        )
        .await
    }

    /// The last writes of orders accepted together: each order's points change, each member's
    /// retention counters, the events.
    pub(super) async fn finish_orders_of(
        &mut self,
        t: TenantId,
        points: &[(String, i64)],
        retention: &[(MemberId, RetentionCounters, i64)],
        events: &[OutboxEvent],
    ) -> AppResult<()> {
        let mut parts = updates_from_values(
            "UPDATE orders SET points_change = v.column2",
            "orders.id = v.column1 AND orders.tenant_id = ",
            t,
            2,
            points
                .iter()
                .map(|(id, change)| vec![Arg::Text(id.clone()), Arg::Int(*change)])
                .collect(),
        );
        let counters = retention
            .iter()
            .map(|(m, c, now_ms)| {
                vec![
                    Arg::Text(m.to_string()),
                    Arg::Int(c.points),
                    Arg::Int(c.spend_fen),
                    Arg::Int(c.purchases),
                    Arg::Int(*now_ms),
                ]
            })
            .collect();
        parts.extend(updates_from_values(
            "UPDATE member_accounts SET retention_points = v.column2, \
             retention_spend_fen = v.column3, retention_purchase_count = v.column4, \
             updated_at_ms = v.column5",
            "member_accounts.id = v.column1 AND member_accounts.tenant_id = ",
            t,
            5,
            counters,
        ));
        parts.extend(outbox_insert(events));
        self.exec_together(parts).await
    }
}
