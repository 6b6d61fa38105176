//! The set-based statements of the daily jobs: lists of ids become `IN ($2, $3, …)` and rows
//! become multi-row `VALUES`, in chunks that keep a statement under both databases' parameter
//! limits (PostgreSQL 65,535; SQLite 32,766).

use crate::members::rows::{point_account, tier_record};
use crate::points::{record, record_args, RECORD_COLUMNS, RECORD_COLUMN_COUNT};
use crate::reads::{all, Conn};
use crate::sql::{inserts, row_counts, Arg, Sql};
use crate::writes::SqlTx;
use patron_app::members::model::{PointAccount, TierRecord};
use patron_app::points::model::{PointRecord, PointRelation};
use patron_app::ports::RetentionCounters;
use patron_app::{AppError, AppResult};
use patron_domain::ids::{MemberId, TenantId};
use patron_domain::points::{Balances, Earning};
use std::collections::BTreeMap;

/// The sizes an `IN` list is padded to (by repeating its last id, which changes nothing), and
/// the largest is the chunk size: each query then has at most three texts, prepared once and
/// cached. (SQLite looks `$n` names up one by one while preparing, so a statement of n
/// parameters costs n² to prepare: a few cached texts of moderate size, not one per batch.)
const IN_SIZES: [usize; 3] = [16, 128, 1024];
const IDS_PER_STATEMENT: usize = 1024;

/// Appends `(id, id, …)`, each bound, padded to one of [`IN_SIZES`].
fn push_ids(sql: &mut Sql, ids: &[String]) {
    let size = IN_SIZES
        .into_iter()
        .find(|s| *s >= ids.len())
        .unwrap_or(ids.len());
    sql.push("(");
    for i in 0..size {
        if i > 0 {
            sql.push(", ");
        }
        let id = ids.get(i).or(ids.last()).cloned().unwrap_or_default();
        sql.bind(Arg::Text(id));
    }
    sql.push(")");
}

/// `{head}$1 AND {column} IN (…){tail}`, the tenant bound first.
fn in_list(head: &str, t: TenantId, column: &str, ids: &[String], tail: &str) -> Sql {
    let mut sql = Sql::new(head);
    sql.bind(Arg::Int(t.get()))
        .push(&format!(" AND {column} IN "));
    push_ids(&mut sql, ids);
    sql.push(tail);
    sql
}

/// The multi-row inserts of point records.
pub(crate) fn record_inserts(rs: &[PointRecord]) -> Vec<Sql> {
    let rows = rs.iter().map(record_args).collect();
    inserts(
        "point_records",
        RECORD_COLUMNS,
        RECORD_COLUMN_COUNT,
        rows,
        "",
    )
}

/// The multi-row inserts of point relations.
pub(crate) fn relation_inserts(rs: &[PointRelation]) -> Vec<Sql> {
    let rows = rs
        .iter()
        .map(|r| {
            vec![
                Arg::from(r.tenant_id.get()),
                Arg::from(&r.id),
                Arg::from(&r.target_record_id),
                Arg::from(&r.source_record_id),
                Arg::from(r.points),
                Arg::from(r.created_at_ms),
            ]
        })
        .collect();
    let columns = "tenant_id, id, target_record_id, source_record_id, points, created_at_ms";
    inserts("point_relations", columns, 6, rows, "")
}

pub(crate) fn member_texts(members: &[MemberId]) -> Vec<String> {
    members.iter().map(ToString::to_string).collect()
}

/// Every row of `head … IN (chunk) tail` over the chunks of `ids`, mapped.
pub(crate) async fn select_in<T>(
    conn: &mut Conn<'_>,
    head: &str,
    t: TenantId,
    column: &str,
    ids: &[String],
    tail: &str,
    map: fn(&crate::row::Row) -> AppResult<T>,
) -> AppResult<Vec<T>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(IDS_PER_STATEMENT) {
        for row in all(conn, &in_list(head, t, column, chunk, tail)).await? {
            out.push(map(&row)?);
        }
    }
    Ok(out)
}

pub(super) async fn point_accounts_in(
    conn: &mut Conn<'_>,
    t: TenantId,
    ids: &[String],
) -> AppResult<Vec<PointAccount>> {
    let head = "SELECT * FROM point_accounts WHERE tenant_id = ";
    select_in(conn, head, t, "id", ids, "", point_account).await
}

fn earning(row: &crate::row::Row) -> AppResult<(String, Earning<String>)> {
    Ok((
        row.text("account_id")?,
        Earning {
            id: row.text("id")?,
            remaining: row.i64("remaining")?,
            expires_at_ms: row.opt_i64("expires_at_ms")?,
            created_at_ms: row.i64("created_at_ms")?,
        },
    ))
}

/// The increase records with points remaining of these accounts, only what the ledger needs.
pub(super) async fn open_earnings_in(
    conn: &mut Conn<'_>,
    t: TenantId,
    accounts: &[String],
) -> AppResult<Vec<(String, Earning<String>)>> {
    let head = "SELECT account_id, id, remaining, expires_at_ms, created_at_ms FROM point_records \
                WHERE tenant_id = ";
    select_in(
        conn,
        head,
        t,
        "account_id",
        accounts,
        " AND remaining > 0",
        earning,
    )
    .await
}

/// The decrease records with debt left of these accounts, oldest first.
pub(super) async fn open_debts_in(
    conn: &mut Conn<'_>,
    t: TenantId,
    accounts: &[String],
) -> AppResult<Vec<PointRecord>> {
    let head = "SELECT * FROM point_records WHERE tenant_id = ";
    let tail = " AND debt > 0 ORDER BY created_at_ms, id";
    select_in(conn, head, t, "account_id", accounts, tail, record).await
}

pub(super) async fn active_tier_records_in(
    conn: &mut Conn<'_>,
    t: TenantId,
    members: &[MemberId],
) -> AppResult<Vec<TierRecord>> {
    let head = "SELECT * FROM tier_records WHERE tenant_id = ";
    let tail = " AND status = 'active' ORDER BY expires_at_ms, id";
    select_in(
        conn,
        head,
        t,
        "member_id",
        &member_texts(members),
        tail,
        tier_record,
    )
    .await
}

fn counters(row: &crate::row::Row) -> AppResult<(MemberId, RetentionCounters)> {
    let id = row.text("id")?;
    let member = MemberId::parse(&id)
        .ok_or_else(|| AppError::Store(format!("stored member id '{id}' is not valid")))?;
    Ok((
        member,
        RetentionCounters {
            points: row.i64("retention_points")?,
            spend_fen: row.i64("retention_spend_fen")?,
            purchases: row.i64("retention_purchase_count")?,
        },
    ))
}

pub(super) async fn retention_counters_in(
    conn: &mut Conn<'_>,
    t: TenantId,
    members: &[MemberId],
) -> AppResult<Vec<(MemberId, RetentionCounters)>> {
    let head = "SELECT id, retention_points, retention_spend_fen, retention_purchase_count \
                FROM member_accounts WHERE tenant_id = ";
    select_in(conn, head, t, "id", &member_texts(members), "", counters).await
}

impl SqlTx {
    /// Runs `{head}$1 AND {column} IN (chunk)` for every chunk of `ids`.
    pub(super) async fn exec_in(
        &mut self,
        head: &str,
        t: TenantId,
        column: &str,
        ids: &[String],
    ) -> AppResult<()> {
        for chunk in ids.chunks(IDS_PER_STATEMENT) {
            self.exec(&in_list(head, t, column, chunk, "")).await?;
        }
        Ok(())
    }

    pub(crate) async fn insert_records(&mut self, rs: &[PointRecord]) -> AppResult<()> {
        for sql in record_inserts(rs) {
            self.exec(&sql).await?;
        }
        Ok(())
    }

    pub(crate) async fn insert_relations(&mut self, rs: &[PointRelation]) -> AppResult<()> {
        for sql in relation_inserts(rs) {
            self.exec(&sql).await?;
        }
        Ok(())
    }

    /// Sets `column` of `table` to each value for its ids, one statement per value and chunk:
    /// an expiry leaves every source at 0, so that is one statement a chunk.
    pub(super) async fn set_many(
        &mut self,
        table: &str,
        column: &str,
        t: TenantId,
        values: &[(String, i64)],
    ) -> AppResult<()> {
        let mut by_value: BTreeMap<i64, Vec<String>> = BTreeMap::new();
        for (id, v) in values {
            by_value.entry(*v).or_default().push(id.clone());
        }
        for (v, ids) in by_value {
            for chunk in ids.chunks(IDS_PER_STATEMENT) {
                let mut sql = Sql::new(&format!("UPDATE {table} SET {column} = "));
                sql.bind(Arg::Int(v))
                    .push(" WHERE tenant_id = ")
                    .bind(Arg::Int(t.get()))
                    .push(" AND id IN ");
                push_ids(&mut sql, chunk);
                self.exec(&sql).await?;
            }
        }
        Ok(())
    }

    pub(super) async fn set_balances(
        &mut self,
        t: TenantId,
        values: &[(String, Balances)],
        now_ms: i64,
    ) -> AppResult<()> {
        // `VALUES` rows name their columns column1… in both databases.
        let mut values = values.iter();
        for n in row_counts(values.len(), 4) {
            let mut sql = Sql::new(
                "UPDATE point_accounts SET accumulated = v.column2, available = v.column3, \
                 expired = v.column4, updated_at_ms = ",
            );
            sql.bind(Arg::Int(now_ms)).push(" FROM (VALUES ");
            for (i, (id, b)) in values.by_ref().take(n).enumerate() {
                sql.push(if i > 0 { ", (" } else { "(" });
                sql.bind(Arg::Text(id.clone())).push(", ");
                sql.bind(Arg::Int(b.accumulated)).push(", ");
                sql.bind(Arg::Int(b.available)).push(", ");
                sql.bind(Arg::Int(b.expired)).push(")");
            }
            sql.push(") AS v WHERE point_accounts.tenant_id = ")
                .bind(Arg::Int(t.get()))
                .push(" AND point_accounts.id = v.column1");
            self.exec(&sql).await?;
        }
        Ok(())
    }

    pub(super) async fn reset_counters(
        &mut self,
        t: TenantId,
        members: &[MemberId],
        now_ms: i64,
    ) -> AppResult<()> {
        for chunk in member_texts(members).chunks(IDS_PER_STATEMENT) {
            let mut sql = Sql::new(
                "UPDATE member_accounts SET retention_points = 0, retention_spend_fen = 0, \
                 retention_purchase_count = 0, updated_at_ms = ",
            );
            sql.bind(Arg::Int(now_ms))
                .push(" WHERE tenant_id = ")
                .bind(Arg::Int(t.get()))
                .push(" AND id IN ");
            push_ids(&mut sql, chunk);
            self.exec(&sql).await?;
        }
        Ok(())
    }
}
