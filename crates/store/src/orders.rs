//! Storage of the transaction center: orders with their lines, payments and discounts, the
//! window sums the tier engine reads, and the outbox.

mod inserts;
mod rows;
mod together;

use inserts::{discount_insert, line_inserts, order_inserts, outbox_insert, payment_insert};

use crate::points::record as point_record;
use crate::reads::{all, optional, page, page_rows, ListSpec, ReadConn, SqlReader};
use crate::sql::{sql, Arg, Sql};
use crate::writes::SqlTx;
use async_trait::async_trait;
use patron_app::members::model::{MemberAccount, PointAccount};
use patron_app::model::{ListQuery, Page};
use patron_app::orders::model::{
    IssuedPoints, OrderFilter, OutboxEvent, StoredDiscount, StoredLine, StoredOrder, StoredPayment,
};
use patron_app::points::model::PointRecord;
use patron_app::ports::{OrdersReads, OrdersWrites, RetentionCounters};
use patron_app::AppResult;
use patron_domain::channel::Channel;
use patron_domain::ids::{CustomerId, MemberId, TenantId};
use patron_domain::points::Operation;

/// The operations whose records count towards upgrades (§7.2 step 1).
fn upgrade_operations() -> String {
    [
        Operation::Transaction,
        Operation::TransactionPromotion,
        Operation::ManualIncrease,
        Operation::ManualDecrease,
        Operation::ReturnReversal,
        Operation::BehaviorIncrease,
    ]
    .iter()
    .map(|o| format!("'{}'", o.code()))
    .collect::<Vec<_>>()
    .join(", ")
}

/// The most ids bound in one `IN (…)` list.
const IDS_PER_QUERY: usize = 500;

/// Appends `(value, value, …)` bound as text.
fn in_list(sql: &mut Sql, values: &[String]) {
    sql.push("(");
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(Arg::Text(v.clone()));
    }
    sql.push(")");
}

/// The rows of `head … IN (ids) tail` for every chunk of `ids`, tenant bound as `$1`.
async fn rows_for_ids(
    conn: &mut crate::reads::Conn<'_>,
    t: TenantId,
    ids: &[String],
    head: &str,
    tail: &str,
) -> AppResult<Vec<crate::row::Row>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(IDS_PER_QUERY) {
        let mut sql = Sql::new(head);
        sql.bind(Arg::Int(t.get()));
        sql.push(" AND order_id IN ");
        in_list(&mut sql, chunk);
        sql.push(tail);
        out.extend(all(conn, &sql).await?);
    }
    Ok(out)
}

fn issued(row: &crate::row::Row) -> AppResult<IssuedPoints> {
    Ok(IssuedPoints {
        order_id: row.text("order_id")?,
        cost_center_id: row.opt_text("cost_center_id")?,
        points: row.i64("points")?,
    })
}

macro_rules! impl_orders_reads {
    ($ty:ty) => {
        #[async_trait]
        impl OrdersReads for $ty {
            async fn order(&mut self, t: TenantId, id: &str) -> AppResult<Option<StoredOrder>> {
                let row = optional(
                    &mut self.read_conn()?,
                    &sql!("SELECT * FROM orders WHERE tenant_id = $1 AND id = $2", t.get(), id),
                )
                .await?;
                row.as_ref().map(rows::order).transpose()
            }

            async fn order_by_external(
                &mut self,
                t: TenantId,
                channel: Channel,
                external_no: &str,
            ) -> AppResult<Option<StoredOrder>> {
                let row = optional(
                    &mut self.read_conn()?,
                    &sql!(
                        "SELECT * FROM orders WHERE tenant_id = $1 AND channel = $2 AND external_no = $3",
                        t.get(),
                        channel.code(),
                        external_no
                    ),
                )
                .await?;
                row.as_ref().map(rows::order).transpose()
            }

            async fn orders(
                &mut self,
                t: TenantId,
                f: &OrderFilter,
                q: &ListQuery,
            ) -> AppResult<Page<StoredOrder>> {
                let mut filters = Vec::new();
                if let Some(m) = f.member_id {
                    filters.push(("member_id = ", Arg::Text(m.to_string())));
                }
                if let Some(s) = &f.store_id {
                    filters.push(("store_id = ", Arg::Text(s.clone())));
                }
                if let Some(d) = f.direction {
                    filters.push(("direction = ", Arg::Text(d.as_str().to_string())));
                }
                if let Some(c) = f.channel {
                    filters.push(("channel = ", Arg::Text(c.code().to_string())));
                }
                if let Some(from) = f.from_ms {
                    filters.push(("ordered_at_ms >= ", Arg::Int(from)));
                }
                if let Some(to) = f.to_ms {
                    filters.push(("ordered_at_ms < ", Arg::Int(to)));
                }
                let spec = ListSpec {
                    table: "orders",
                    tenant: Some(t.get()),
                    search_columns: &["external_no"],
                    integer_id: false,
                    newest_first: true,
                    filters,
                };
                let (found, more, total) = page_rows(&mut self.read_conn()?, spec, q).await?;
                let items = found.iter().map(rows::order).collect::<AppResult<Vec<_>>>()?;
                Ok(page(items, more, total, |o| o.id.clone()))
            }

            async fn customer_orders(
                &mut self,
                t: TenantId,
                customer: CustomerId,
                q: &ListQuery,
            ) -> AppResult<Page<StoredOrder>> {
                // Through the customer's members: orders are indexed by member, not customer.
                let scope = |sql: &mut Sql| {
                    sql.push(" WHERE tenant_id = ")
                        .bind(Arg::Int(t.get()))
                        .push(" AND member_id IN (SELECT id FROM member_accounts WHERE tenant_id = ")
                        .bind(Arg::Int(t.get()))
                        .push(" AND customer_id = ")
                        .bind(Arg::Text(customer.to_string()))
                        .push(")");
                };
                let mut count = Sql::new("SELECT COUNT(*) AS n FROM orders");
                scope(&mut count);
                let total = optional(&mut self.read_conn()?, &count)
                    .await?
                    .map(|r| r.i64("n"))
                    .transpose()?
                    .unwrap_or(0);
                let mut sql = Sql::new("SELECT * FROM orders");
                scope(&mut sql);
                let limit = q.limit();
                sql.push(" ORDER BY id DESC LIMIT ")
                    .bind(Arg::Int(i64::from(limit) + 1));
                if q.offset > 0 {
                    sql.push(" OFFSET ").bind(Arg::Int(i64::from(q.offset)));
                }
                let mut found = all(&mut self.read_conn()?, &sql).await?;
                let more = found.len() > limit as usize;
                found.truncate(limit as usize);
                let items = found.iter().map(rows::order).collect::<AppResult<Vec<_>>>()?;
                Ok(page(items, more, u64::try_from(total).unwrap_or(0), |o| o.id.clone()))
            }

            async fn order_lines(&mut self, t: TenantId, order: &str) -> AppResult<Vec<StoredLine>> {
                all(
                    &mut self.read_conn()?,
                    &sql!(
                        "SELECT * FROM order_lines WHERE tenant_id = $1 AND order_id = $2 ORDER BY line_no",
                        t.get(),
                        order
                    ),
                )
                .await?
                .iter()
                .map(rows::line)
                .collect()
            }

            async fn order_payments(
                &mut self,
                t: TenantId,
                order: &str,
            ) -> AppResult<Vec<StoredPayment>> {
                all(
                    &mut self.read_conn()?,
                    &sql!(
                        "SELECT * FROM order_payments WHERE tenant_id = $1 AND order_id = $2 ORDER BY seq",
                        t.get(),
                        order
                    ),
                )
                .await?
                .iter()
                .map(rows::payment)
                .collect()
            }

            async fn order_discounts(
                &mut self,
                t: TenantId,
                order: &str,
            ) -> AppResult<Vec<StoredDiscount>> {
                all(
                    &mut self.read_conn()?,
                    &sql!(
                        "SELECT * FROM order_discounts WHERE tenant_id = $1 AND order_id = $2 ORDER BY seq",
                        t.get(),
                        order
                    ),
                )
                .await?
                .iter()
                .map(rows::discount)
                .collect()
            }

            async fn order_point_records(
                &mut self,
                t: TenantId,
                order: &str,
            ) -> AppResult<Vec<PointRecord>> {
                all(
                    &mut self.read_conn()?,
                    &sql!(
                        "SELECT * FROM point_records WHERE tenant_id = $1 AND order_id = $2 ORDER BY id",
                        t.get(),
                        order
                    ),
                )
                .await?
                .iter()
                .map(point_record)
                .collect()
            }

            async fn refunds_of(&mut self, t: TenantId, order: &str) -> AppResult<Vec<StoredOrder>> {
                all(
                    &mut self.read_conn()?,
                    &sql!(
                        "SELECT * FROM orders WHERE tenant_id = $1 AND original_order_id = $2 ORDER BY id",
                        t.get(),
                        order
                    ),
                )
                .await?
                .iter()
                .map(rows::order)
                .collect()
            }

            async fn member_orders_page(
                &mut self,
                t: TenantId,
                program: &str,
                from_ms: i64,
                to_ms: i64,
                after: (i64, &str),
                limit: u32,
            ) -> AppResult<Vec<StoredOrder>> {
                all(
                    &mut self.read_conn()?,
                    &sql!(
                        "SELECT * FROM orders WHERE tenant_id = $1 AND program_id = $2 \
                         AND direction = 'normal' AND member_id IS NOT NULL \
                         AND ordered_at_ms >= $3 AND ordered_at_ms < $4 \
                         AND (ordered_at_ms > $5 OR (ordered_at_ms = $5 AND id > $6)) \
                         ORDER BY ordered_at_ms, id LIMIT $7",
                        t.get(),
                        program,
                        from_ms,
                        to_ms,
                        after.0,
                        after.1,
                        i64::from(limit)
                    ),
                )
                .await?
                .iter()
                .map(rows::order)
                .collect()
            }

            async fn lines_of_orders(
                &mut self,
                t: TenantId,
                orders: &[String],
            ) -> AppResult<Vec<StoredLine>> {
                rows_for_ids(
                    &mut self.read_conn()?,
                    t,
                    orders,
                    "SELECT * FROM order_lines WHERE tenant_id = ",
                    " ORDER BY order_id, line_no",
                )
                .await?
                .iter()
                .map(rows::line)
                .collect()
            }

            async fn payments_of_orders(
                &mut self,
                t: TenantId,
                orders: &[String],
            ) -> AppResult<Vec<StoredPayment>> {
                rows_for_ids(
                    &mut self.read_conn()?,
                    t,
                    orders,
                    "SELECT * FROM order_payments WHERE tenant_id = ",
                    " ORDER BY order_id, seq",
                )
                .await?
                .iter()
                .map(rows::payment)
                .collect()
            }

            async fn points_issued_to_orders(
                &mut self,
                t: TenantId,
                orders: &[String],
            ) -> AppResult<Vec<IssuedPoints>> {
                let mut conn = self.read_conn()?;
                // The orders' own transaction records (point_records_order)…
                let mut found = rows_for_ids(
                    &mut conn,
                    t,
                    orders,
                    &format!(
                        "SELECT order_id, cost_center_id, CAST(SUM(change) AS BIGINT) AS points \
                         FROM point_records WHERE operation = '{}' AND tenant_id = ",
                        Operation::Transaction.code()
                    ),
                    " GROUP BY order_id, cost_center_id",
                )
                .await?;
                // …and the reversals written under their refunds (orders_original), which carry
                // the reversed record's cost center.
                for chunk in orders.chunks(IDS_PER_QUERY) {
                    let mut sql = Sql::new(&format!(
                        "SELECT o.original_order_id AS order_id, p.cost_center_id, \
                         CAST(SUM(p.change) AS BIGINT) AS points \
                         FROM orders o JOIN point_records p ON p.tenant_id = o.tenant_id AND p.order_id = o.id \
                         WHERE p.operation = '{}' AND o.tenant_id = ",
                        Operation::ReturnReversal.code()
                    ));
                    sql.bind(Arg::Int(t.get()));
                    sql.push(" AND o.original_order_id IN ");
                    in_list(&mut sql, chunk);
                    sql.push(" GROUP BY o.original_order_id, p.cost_center_id");
                    found.extend(all(&mut conn, &sql).await?);
                }
                found.iter().map(issued).collect()
            }

            async fn upgradeable_points(
                &mut self,
                t: TenantId,
                member: MemberId,
                point_group: &str,
                from_ms: i64,
                to_ms: i64,
            ) -> AppResult<i64> {
                let row = optional(
                    &mut self.read_conn()?,
                    &Sql::with(
                        format!(
                            "SELECT CAST(COALESCE(SUM(change), 0) AS BIGINT) AS v FROM point_records \
                             WHERE tenant_id = $1 AND member_id = $2 AND point_group_id = $3 \
                             AND counts_for_upgrade = 1 AND operation IN ({}) \
                             AND effective_at_ms >= $4 AND effective_at_ms <= $5",
                            upgrade_operations()
                        ),
                        vec![
                            Arg::Int(t.get()),
                            Arg::Text(member.to_string()),
                            Arg::Text(point_group.to_string()),
                            Arg::Int(from_ms),
                            Arg::Int(to_ms),
                        ],
                    ),
                )
                .await?;
                row.map_or(Ok(0), |r| r.i64("v"))
            }

            async fn spend_and_purchases(
                &mut self,
                t: TenantId,
                member: MemberId,
                from_ms: i64,
                to_ms: i64,
            ) -> AppResult<(i64, i64)> {
                let row = optional(
                    &mut self.read_conn()?,
                    &sql!(
                        "SELECT CAST(COALESCE(SUM(paid_fen), 0) AS BIGINT) AS spend, \
                         CAST(COALESCE(SUM(CASE WHEN direction = 'normal' AND refund_status <> 'full' \
                           THEN 1 ELSE 0 END), 0) AS BIGINT) AS purchases \
                         FROM orders WHERE tenant_id = $1 AND member_id = $2 \
                         AND ordered_at_ms >= $3 AND ordered_at_ms <= $4",
                        t.get(),
                        member.to_string(),
                        from_ms,
                        to_ms
                    ),
                )
                .await?;
                match row {
                    Some(r) => Ok((r.i64("spend")?, r.i64("purchases")?)),
                    None => Ok((0, 0)),
                }
            }

            async fn upgradeable_points_many(
                &mut self,
                t: TenantId,
                windows: &[(MemberId, String, i64, i64)],
            ) -> AppResult<Vec<i64>> {
                let rows = windows
                    .iter()
                    .map(|(m, g, from, to)| {
                        vec![
                            Arg::Text(m.to_string()),
                            Arg::Text(g.clone()),
                            Arg::Int(*from),
                            Arg::Int(*to),
                            Arg::Int(t.get()),
                        ]
                    })
                    .collect();
                // (k, member, group, from, to, tenant)
                let select = format!(
                    "SELECT v.column1 AS k, (SELECT CAST(COALESCE(SUM(r.change), 0) AS BIGINT) \
                     FROM point_records r WHERE r.tenant_id = v.column6 \
                     AND r.member_id = v.column2 AND r.point_group_id = v.column3 \
                     AND r.effective_at_ms >= v.column4 AND r.effective_at_ms <= v.column5 \
                     AND r.counts_for_upgrade = 1 AND r.operation IN ({})) AS total",
                    upgrade_operations()
                );
                let mut out = vec![0; windows.len()];
                for row in together::window_rows(&mut self.read_conn()?, &select, rows).await? {
                    let k = usize::try_from(row.i64("k")?).unwrap_or(usize::MAX);
                    if let Some(slot) = out.get_mut(k) {
                        *slot = row.i64("total")?;
                    }
                }
                Ok(out)
            }

            async fn spend_and_purchases_many(
                &mut self,
                t: TenantId,
                windows: &[(MemberId, i64, i64)],
            ) -> AppResult<Vec<(i64, i64)>> {
                let rows = windows
                    .iter()
                    .map(|(m, from, to)| {
                        vec![
                            Arg::Text(m.to_string()),
                            Arg::Int(*from),
                            Arg::Int(*to),
                            Arg::Int(t.get()),
                        ]
                    })
                    .collect();
                // (k, member, from, to, tenant); two subqueries of one index range each, as a
                // row value (spend, purchases) from one subquery is not portable.
                let window = "FROM orders o WHERE o.tenant_id = v.column5 AND o.member_id = v.column2 \
                              AND o.ordered_at_ms >= v.column3 AND o.ordered_at_ms <= v.column4";
                let sums = format!(
                    "SELECT v.column1 AS k, \
                     (SELECT CAST(COALESCE(SUM(o.paid_fen), 0) AS BIGINT) {window}) AS spend, \
                     (SELECT CAST(COALESCE(SUM(CASE WHEN o.direction = 'normal' \
                       AND o.refund_status <> 'full' THEN 1 ELSE 0 END), 0) AS BIGINT) {window}) \
                       AS purchases"
                );
                let mut out = vec![(0, 0); windows.len()];
                for row in together::window_rows(&mut self.read_conn()?, &sums, rows).await? {
                    let k = usize::try_from(row.i64("k")?).unwrap_or(usize::MAX);
                    if let Some(slot) = out.get_mut(k) {
                        *slot = (row.i64("spend")?, row.i64("purchases")?);
                    }
                }
                Ok(out)
            }
        }
    };
}

impl_orders_reads!(SqlReader);
impl_orders_reads!(SqlTx);

#[async_trait]
impl OrdersWrites for SqlTx {
    async fn insert_order(&mut self, o: &StoredOrder) -> AppResult<bool> {
        let mut changed = 0;
        for sql in order_inserts(std::slice::from_ref(o), "") {
            changed += self.exec(&sql).await?;
        }
        Ok(changed > 0)
    }

    async fn insert_order_lines(&mut self, lines: &[StoredLine]) -> AppResult<()> {
        self.exec_together(line_inserts(lines)).await
    }

    async fn insert_order_payments(&mut self, payments: &[StoredPayment]) -> AppResult<()> {
        self.exec_together(payment_insert(payments).into_iter().collect())
            .await
    }

    async fn insert_order_discounts(&mut self, discounts: &[StoredDiscount]) -> AppResult<()> {
        self.exec_together(discount_insert(discounts).into_iter().collect())
            .await
    }

    async fn insert_order_documents(
        &mut self,
        lines: &[StoredLine],
        payments: &[StoredPayment],
        discounts: &[StoredDiscount],
    ) -> AppResult<()> {
        // New rows of three tables: no part reads what another writes.
        let mut parts = line_inserts(lines);
        parts.extend(payment_insert(payments));
        parts.extend(discount_insert(discounts));
        self.exec_together(parts).await
    }

    async fn lock_order(&mut self, t: TenantId, id: &str) -> AppResult<bool> {
        // A no-op update takes the row lock on PostgreSQL until the commit.
        let changed = self
            .exec(&sql!(
                "UPDATE orders SET status = status WHERE tenant_id = $1 AND id = $2",
                t.get(),
                id
            ))
            .await?;
        Ok(changed > 0)
    }

    async fn add_refunded(
        &mut self,
        t: TenantId,
        order: &str,
        line_no: i64,
        quantity: i64,
        fen: i64,
    ) -> AppResult<()> {
        self.exec(&sql!(
            "UPDATE order_lines SET refunded_quantity = refunded_quantity + $4, refunded_fen = refunded_fen + $5 \
             WHERE tenant_id = $1 AND order_id = $2 AND line_no = $3",
            t.get(),
            order,
            line_no,
            quantity,
            fen
        ))
        .await?;
        Ok(())
    }

    async fn set_refund_status(&mut self, t: TenantId, order: &str, status: &str) -> AppResult<()> {
        self.exec(&sql!(
            "UPDATE orders SET refund_status = $3 WHERE tenant_id = $1 AND id = $2",
            t.get(),
            order,
            status
        ))
        .await?;
        Ok(())
    }

    async fn set_points_change(&mut self, t: TenantId, order: &str, change: i64) -> AppResult<()> {
        self.exec(&points_change_sql(t, order, change)).await?;
        Ok(())
    }

    async fn record_purchase(
        &mut self,
        t: TenantId,
        member: MemberId,
        at_ms: i64,
    ) -> AppResult<Option<MemberAccount>> {
        let rows = self
            .fetch(&sql!(
                "UPDATE member_accounts SET \
                 first_purchase_at_ms = CASE WHEN first_purchase_at_ms IS NULL OR first_purchase_at_ms > $3 \
                   THEN $3 ELSE first_purchase_at_ms END, \
                 last_purchase_at_ms = CASE WHEN last_purchase_at_ms IS NULL OR last_purchase_at_ms < $3 \
                   THEN $3 ELSE last_purchase_at_ms END \
                 WHERE tenant_id = $1 AND id = $2 RETURNING *",
                t.get(),
                member.to_string(),
                at_ms
            ))
            .await?;
        rows.first().map(crate::members::rows::member).transpose()
    }

    async fn insert_outbox(&mut self, events: &[OutboxEvent]) -> AppResult<()> {
        self.exec_together(outbox_insert(events).into_iter().collect())
            .await
    }

    async fn finish_order(
        &mut self,
        t: TenantId,
        order: &str,
        points_change: Option<i64>,
        retention: Option<(MemberId, RetentionCounters, i64)>,
        events: &[OutboxEvent],
    ) -> AppResult<()> {
        // The order's row, the member's row and new outbox rows: independent writes.
        let mut parts = Vec::new();
        if let Some(change) = points_change {
            parts.push(points_change_sql(t, order, change));
        }
        if let Some((member, counters, now_ms)) = retention {
            parts.push(crate::tiers::retention(t, member, counters, now_ms));
        }
        parts.extend(outbox_insert(events));
        self.exec_together(parts).await
    }

    async fn insert_new_orders(&mut self, orders: &[StoredOrder]) -> AppResult<Vec<String>> {
        self.insert_orders_new(orders).await
    }

    async fn record_purchases(
        &mut self,
        t: TenantId,
        purchases: &[(MemberId, i64)],
    ) -> AppResult<Vec<MemberAccount>> {
        self.record_purchases_of(t, purchases).await
    }

    async fn lock_point_accounts_of(
        &mut self,
        t: TenantId,
        members: &[MemberId],
    ) -> AppResult<Vec<PointAccount>> {
        self.lock_accounts_of_members(t, members).await
    }

    async fn finish_orders(
        &mut self,
        t: TenantId,
        points_changes: &[(String, i64)],
        retention: &[(MemberId, RetentionCounters, i64)],
        events: &[OutboxEvent],
    ) -> AppResult<()> {
        self.finish_orders_of(t, points_changes, retention, events)
            .await
    }
}

fn points_change_sql(t: TenantId, order: &str, change: i64) -> Sql {
    sql!(
        "UPDATE orders SET points_change = $3 WHERE tenant_id = $1 AND id = $2",
        t.get(),
        order,
        change
    )
}
