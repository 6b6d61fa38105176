//! Storage of the points ledger: point records, relations and account balances.

use crate::members::rows::point_account;
use crate::reads::{all, optional, Conn, ReadConn, SqlReader};
use crate::row::Row;
use crate::sql::{sql, Arg, Sql};
use crate::writes::SqlTx;
use async_trait::async_trait;
use patron_app::members::model::PointAccount;
use patron_app::model::{ListQuery, Page};
use patron_app::points::model::{Discrepancy, PointRecord, PointRelation};
use patron_app::ports::{PointsReads, PointsWrites};
use patron_app::{AppError, AppResult};
use patron_domain::ids::{CustomerId, MemberId, TenantId};
use patron_domain::points::{Balances, Operation};

fn corrupt(what: &str, value: &str) -> AppError {
    AppError::Store(format!("stored {what} '{value}' is not valid"))
}

pub(crate) fn record(row: &Row) -> AppResult<PointRecord> {
    let op = row.text("operation")?;
    let member = row.text("member_id")?;
    let customer = row.text("customer_id")?;
    Ok(PointRecord {
        tenant_id: TenantId::new(row.i64("tenant_id")?),
        id: row.text("id")?,
        account_id: row.text("account_id")?,
        member_id: MemberId::parse(&member).ok_or_else(|| corrupt("member_id", &member))?,
        customer_id: CustomerId::parse(&customer)
            .ok_or_else(|| corrupt("customer_id", &customer))?,
        point_group_id: row.text("point_group_id")?,
        operation: Operation::parse(&op).map_err(|_| corrupt("operation", &op))?,
        change: row.i64("change")?,
        remaining: row.opt_i64("remaining")?,
        debt: row.i64("debt")?,
        effective_at_ms: row.i64("effective_at_ms")?,
        expires_at_ms: row.opt_i64("expires_at_ms")?,
        counts_for_upgrade: row.bool("counts_for_upgrade")?,
        source_channel: row.opt_text("source_channel")?,
        point_rule_id: row.opt_text("point_rule_id")?,
        cost_center_id: row.opt_text("cost_center_id")?,
        order_id: row.opt_text("order_id")?,
        order_line_id: row.opt_text("order_line_id")?,
        reason: row.opt_text("reason")?,
        cancels_record_id: row.opt_text("cancels_record_id")?,
        created_by: row.text("created_by")?,
        created_at_ms: row.i64("created_at_ms")?,
    })
}

/// The columns of `point_records` in insert order (the daily jobs insert many rows at once).
pub(crate) const RECORD_COLUMNS: &str = "tenant_id, id, account_id, member_id, customer_id, \
    point_group_id, operation, change, remaining, debt, effective_at_ms, expires_at_ms, \
    counts_for_upgrade, source_channel, point_rule_id, cost_center_id, order_id, order_line_id, \
    reason, cancels_record_id, created_by, created_at_ms";
pub(crate) const RECORD_COLUMN_COUNT: usize = 22;

/// One record's values for [`RECORD_COLUMNS`].
pub(crate) fn record_args(r: &PointRecord) -> Vec<Arg> {
    vec![
        Arg::from(r.tenant_id.get()),
        Arg::from(&r.id),
        Arg::from(&r.account_id),
        Arg::from(r.member_id.to_string()),
        Arg::from(r.customer_id.to_string()),
        Arg::from(&r.point_group_id),
        Arg::from(r.operation.code()),
        Arg::from(r.change),
        Arg::from(r.remaining),
        Arg::from(r.debt),
        Arg::from(r.effective_at_ms),
        Arg::from(r.expires_at_ms),
        Arg::from(r.counts_for_upgrade),
        Arg::from(r.source_channel.clone()),
        Arg::from(r.point_rule_id.clone()),
        Arg::from(r.cost_center_id.clone()),
        Arg::from(r.order_id.clone()),
        Arg::from(r.order_line_id.clone()),
        Arg::from(r.reason.clone()),
        Arg::from(r.cancels_record_id.clone()),
        Arg::from(&r.created_by),
        Arg::from(r.created_at_ms),
    ]
}

fn relation(row: &Row) -> AppResult<PointRelation> {
    Ok(PointRelation {
        tenant_id: TenantId::new(row.i64("tenant_id")?),
        id: row.text("id")?,
        target_record_id: row.text("target_record_id")?,
        source_record_id: row.text("source_record_id")?,
        points: row.i64("points")?,
        created_at_ms: row.i64("created_at_ms")?,
    })
}

async fn records(conn: &mut Conn<'_>, sql: &Sql) -> AppResult<Vec<PointRecord>> {
    all(conn, sql).await?.iter().map(record).collect()
}

const FIELDS: [&str; 5] = ["accumulated", "available", "expired", "remaining", "debt"];

/// One query per recomputed figure, each listing the rows where stored and recomputed differ.
fn discrepancy_queries(limit: u32) -> Vec<(&'static str, Sql)> {
    // PostgreSQL sums BIGINTs as NUMERIC; the casts keep every figure a BIGINT.
    let sums = "SELECT tenant_id, account_id, \
        CAST(SUM(change) AS BIGINT) AS available, \
        CAST(SUM(CASE WHEN operation IN ('transaction', 'transaction_promotion', 'manual_increase', \
            'manual_decrease', 'behavior_increase', 'return_reversal') THEN change ELSE 0 END) AS BIGINT) AS accumulated, \
        CAST(SUM(CASE WHEN operation = 'expiry' THEN -change ELSE 0 END) AS BIGINT) AS expired \
        FROM point_records GROUP BY tenant_id, account_id";
    let mut out = Vec::new();
    for field in ["accumulated", "available", "expired"] {
        out.push((
            "point_account",
            Sql::with(
                format!(
                    "SELECT a.tenant_id, a.id, '{field}' AS field, a.{field} AS stored, \
                     COALESCE(s.{field}, 0) AS from_records FROM point_accounts a \
                     LEFT JOIN ({sums}) s ON s.tenant_id = a.tenant_id AND s.account_id = a.id \
                     WHERE a.{field} <> COALESCE(s.{field}, 0) LIMIT {limit}"
                ),
                vec![],
            ),
        ));
    }
    out.push((
        "point_record",
        Sql::with(
            format!(
                "SELECT r.tenant_id, r.id, 'remaining' AS field, COALESCE(r.remaining, 0) AS stored, \
                 r.change - COALESCE(t.points, 0) AS from_records FROM point_records r \
                 LEFT JOIN (SELECT tenant_id, source_record_id, CAST(SUM(points) AS BIGINT) AS points FROM point_relations \
                   GROUP BY tenant_id, source_record_id) t \
                   ON t.tenant_id = r.tenant_id AND t.source_record_id = r.id \
                 WHERE r.change > 0 AND COALESCE(r.remaining, 0) <> r.change - COALESCE(t.points, 0) LIMIT {limit}"
            ),
            vec![],
        ),
    ));
    out.push((
        "point_record",
        Sql::with(
            format!(
                "SELECT r.tenant_id, r.id, 'debt' AS field, r.debt AS stored, \
                 -r.change - COALESCE(t.points, 0) AS from_records FROM point_records r \
                 LEFT JOIN (SELECT tenant_id, target_record_id, CAST(SUM(points) AS BIGINT) AS points FROM point_relations \
                   GROUP BY tenant_id, target_record_id) t \
                   ON t.tenant_id = r.tenant_id AND t.target_record_id = r.id \
                 WHERE r.change < 0 AND r.debt <> -r.change - COALESCE(t.points, 0) LIMIT {limit}"
            ),
            vec![],
        ),
    ));
    out
}

macro_rules! impl_points_reads {
    ($ty:ty) => {
        #[async_trait]
        impl PointsReads for $ty {
            async fn point_account(
                &mut self,
                t: TenantId,
                member: MemberId,
                point_group: &str,
            ) -> AppResult<Option<PointAccount>> {
                let sql = sql!(
                    "SELECT * FROM point_accounts WHERE tenant_id = $1 AND member_id = $2 AND point_group_id = $3",
                    t.get(),
                    member.to_string(),
                    point_group
                );
                optional(&mut self.read_conn()?, &sql)
                    .await?
                    .as_ref()
                    .map(point_account)
                    .transpose()
            }
            async fn point_records(
                &mut self,
                t: TenantId,
                member: MemberId,
                q: &ListQuery,
            ) -> AppResult<Page<PointRecord>> {
                let spec = crate::reads::ListSpec {
                    table: "point_records",
                    tenant: Some(t.get()),
                    search_columns: &["operation"],
                    integer_id: false,
                    newest_first: true,
                    filters: vec![("member_id = ", Arg::Text(member.to_string()))],
                };
                let mut conn = self.read_conn()?;
                let (found, more, total) = crate::reads::page_rows(&mut conn, spec, q).await?;
                let items = found.iter().map(record).collect::<AppResult<Vec<_>>>()?;
                Ok(crate::reads::page(items, more, total, |r| r.id.clone()))
            }
            async fn point_record(
                &mut self,
                t: TenantId,
                id: &str,
            ) -> AppResult<Option<PointRecord>> {
                let sql = sql!(
                    "SELECT * FROM point_records WHERE tenant_id = $1 AND id = $2",
                    t.get(),
                    id
                );
                optional(&mut self.read_conn()?, &sql)
                    .await?
                    .as_ref()
                    .map(record)
                    .transpose()
            }
            async fn relations_of(
                &mut self,
                t: TenantId,
                id: &str,
            ) -> AppResult<Vec<PointRelation>> {
                let sql = sql!(
                    "SELECT * FROM point_relations WHERE tenant_id = $1 AND target_record_id = $2 \
                     UNION ALL SELECT * FROM point_relations WHERE tenant_id = $1 AND source_record_id = $2 \
                     ORDER BY created_at_ms, id",
                    t.get(),
                    id
                );
                all(&mut self.read_conn()?, &sql)
                    .await?
                    .iter()
                    .map(relation)
                    .collect()
            }
            async fn cancellations_of(
                &mut self,
                t: TenantId,
                redemption: &str,
            ) -> AppResult<Vec<PointRecord>> {
                let sql = sql!(
                    "SELECT * FROM point_records WHERE tenant_id = $1 AND cancels_record_id = $2 ORDER BY id",
                    t.get(),
                    redemption
                );
                records(&mut self.read_conn()?, &sql).await
            }
            async fn open_earnings(
                &mut self,
                t: TenantId,
                account: &str,
            ) -> AppResult<Vec<PointRecord>> {
                let sql = sql!(
                    "SELECT * FROM point_records WHERE tenant_id = $1 AND account_id = $2 AND remaining > 0",
                    t.get(),
                    account
                );
                records(&mut self.read_conn()?, &sql).await
            }
            async fn point_discrepancies(&mut self, limit: u32) -> AppResult<Vec<Discrepancy>> {
                let mut conn = self.read_conn()?;
                let mut out = Vec::new();
                for (kind, sql) in discrepancy_queries(limit) {
                    for row in all(&mut conn, &sql).await? {
                        let field = row.text("field")?;
                        out.push(Discrepancy {
                            tenant_id: TenantId::new(row.i64("tenant_id")?),
                            kind,
                            id: row.text("id")?,
                            field: FIELDS.iter().find(|f| **f == field).copied().unwrap_or("?"),
                            stored: row.i64("stored")?,
                            from_records: row.i64("from_records")?,
                        });
                    }
                }
                out.truncate(limit as usize);
                Ok(out)
            }
            async fn open_debts(
                &mut self,
                t: TenantId,
                account: &str,
            ) -> AppResult<Vec<PointRecord>> {
                let sql = sql!(
                    "SELECT * FROM point_records WHERE tenant_id = $1 AND account_id = $2 AND debt > 0 \
                     ORDER BY created_at_ms, id",
                    t.get(),
                    account
                );
                records(&mut self.read_conn()?, &sql).await
            }
        }
    };
}

impl_points_reads!(SqlReader);
impl_points_reads!(SqlTx);

#[async_trait]
impl PointsWrites for SqlTx {
    async fn lock_point_account(
        &mut self,
        t: TenantId,
        member: MemberId,
        point_group: &str,
    ) -> AppResult<Option<PointAccount>> {
        // A no-op update takes the row lock on PostgreSQL until the commit (SQLite has one
        // writer, so the transaction holds everything already); RETURNING reads the row under
        // that lock in the same statement.
        let rows = self
            .fetch(&sql!(
                "UPDATE point_accounts SET updated_at_ms = updated_at_ms \
                 WHERE tenant_id = $1 AND member_id = $2 AND point_group_id = $3 RETURNING *",
                t.get(),
                member.to_string(),
                point_group
            ))
            .await?;
        rows.first().map(point_account).transpose()
    }

    async fn open_point_account(&mut self, a: &PointAccount) -> AppResult<()> {
        self.exec(&sql!(
            "INSERT INTO point_accounts (tenant_id, id, member_id, customer_id, point_group_id, \
             accumulated, available, expired, created_at_ms, updated_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (tenant_id, member_id, point_group_id) DO NOTHING",
            a.tenant_id.get(),
            &a.id,
            a.member_id.to_string(),
            a.customer_id.to_string(),
            &a.point_group_id,
            a.accumulated,
            a.available,
            a.expired,
            a.created_at_ms,
            a.updated_at_ms
        ))
        .await?;
        Ok(())
    }

    async fn insert_point_records(&mut self, rs: &[PointRecord]) -> AppResult<()> {
        self.insert_records(rs).await
    }

    async fn insert_point_relations(&mut self, rs: &[PointRelation]) -> AppResult<()> {
        self.insert_relations(rs).await
    }

    async fn set_remaining(&mut self, t: TenantId, record: &str, remaining: i64) -> AppResult<()> {
        self.exec(&remaining_sql(t, record, remaining)).await?;
        Ok(())
    }

    async fn set_debt(&mut self, t: TenantId, record: &str, debt: i64) -> AppResult<()> {
        self.exec(&debt_sql(t, record, debt)).await?;
        Ok(())
    }

    async fn set_point_balances(
        &mut self,
        t: TenantId,
        account: &str,
        b: Balances,
        now_ms: i64,
    ) -> AppResult<()> {
        self.exec(&balances_sql(t, account, b, now_ms)).await?;
        Ok(())
    }

    async fn post_points(
        &mut self,
        t: TenantId,
        account: &str,
        records: &[PointRecord],
        relations: &[PointRelation],
        remaining: &[(String, i64)],
        debts: &[(String, i64)],
        b: Balances,
        now_ms: i64,
    ) -> AppResult<()> {
        // New records and relations, updates of distinct older records (sources are earnings,
        // debts decreases) and the account's row: no part reads what another writes. A record
        // written now already holds its final remaining points and debt, so it is not updated.
        let new = |id: &String| records.iter().any(|r| &r.id == id);
        let mut parts = crate::jobs::record_inserts(records);
        parts.extend(crate::jobs::relation_inserts(relations));
        parts.extend(
            remaining
                .iter()
                .filter(|(r, _)| !new(r))
                .map(|(r, v)| remaining_sql(t, r, *v)),
        );
        parts.extend(
            debts
                .iter()
                .filter(|(r, _)| !new(r))
                .map(|(r, v)| debt_sql(t, r, *v)),
        );
        parts.push(balances_sql(t, account, b, now_ms));
        self.exec_together(parts).await
    }
}

fn remaining_sql(t: TenantId, record: &str, remaining: i64) -> Sql {
    sql!(
        "UPDATE point_records SET remaining = $1 WHERE tenant_id = $2 AND id = $3",
        remaining,
        t.get(),
        record
    )
}

fn debt_sql(t: TenantId, record: &str, debt: i64) -> Sql {
    sql!(
        "UPDATE point_records SET debt = $1 WHERE tenant_id = $2 AND id = $3",
        debt,
        t.get(),
        record
    )
}

fn balances_sql(t: TenantId, account: &str, b: Balances, now_ms: i64) -> Sql {
    sql!(
        "UPDATE point_accounts SET accumulated = $1, available = $2, expired = $3, updated_at_ms = $4 \
         WHERE tenant_id = $5 AND id = $6",
        b.accumulated,
        b.available,
        b.expired,
        now_ms,
        t.get(),
        account
    )
}
