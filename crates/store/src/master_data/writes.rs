//! Writes of the master data: inserts of many rows per statement, updates by id.

use crate::error::db;
use patron_app::master_data::{Category, PaymentMethod, Product, StoreRecord};
use patron_app::AppResult;
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AnyConnection};

/// Rows per multi-row `INSERT`: 100 rows of 13 columns stay far below every bind limit.
const ROWS_PER_INSERT: usize = 100;

type Q<'q> = Query<'q, Any, AnyArguments<'q>>;

/// `INSERT INTO table (columns) VALUES (...), (...)` with `$n` placeholders for `rows` rows.
fn insert_text(table: &str, columns: &[&str], rows: usize) -> String {
    let mut text = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    let mut n = 0;
    for r in 0..rows {
        if r > 0 {
            text.push_str(", ");
        }
        text.push('(');
        for c in 0..columns.len() {
            if c > 0 {
                text.push_str(", ");
            }
            n += 1;
            text.push_str(&format!("${n}"));
        }
        text.push(')');
    }
    text
}

/// Inserts `rows` in chunks; `bind` binds one row's values in `columns` order.
pub(crate) async fn insert_many<R>(
    conn: &mut AnyConnection,
    table: &str,
    columns: &[&str],
    rows: &[R],
    bind: for<'q> fn(Q<'q>, &'q R) -> Q<'q>,
) -> AppResult<()> {
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let text = insert_text(table, columns, chunk.len());
        let mut query = sqlx::query(&text);
        for row in chunk {
            query = bind(query, row);
        }
        query.execute(&mut *conn).await.map_err(db)?;
    }
    Ok(())
}

pub(crate) const CATEGORY_COLUMNS: &[&str] = &[
    "tenant_id",
    "id",
    "code",
    "name",
    "level",
    "parent_code",
    "source",
    "created_at_ms",
    "updated_at_ms",
];

pub(crate) fn bind_category<'q>(q: Q<'q>, r: &'q Category) -> Q<'q> {
    q.bind(r.tenant_id.get())
        .bind(r.id.to_string())
        .bind(r.code.as_str())
        .bind(r.name.as_str())
        .bind(i64::from(r.level))
        .bind(r.parent_code.as_deref())
        .bind(r.source.as_str())
        .bind(r.created_at_ms)
        .bind(r.updated_at_ms)
}

pub(crate) const PRODUCT_COLUMNS: &[&str] = &[
    "tenant_id",
    "id",
    "code",
    "name",
    "brand",
    "category_code",
    "price_fen",
    "status",
    "source",
    "created_at_ms",
    "updated_at_ms",
];

pub(crate) fn bind_product<'q>(q: Q<'q>, r: &'q Product) -> Q<'q> {
    q.bind(r.tenant_id.get())
        .bind(r.id.to_string())
        .bind(r.code.as_str())
        .bind(r.name.as_str())
        .bind(r.brand.as_deref())
        .bind(r.category_code.as_deref())
        .bind(r.price_fen)
        .bind(r.status.as_str())
        .bind(r.source.as_str())
        .bind(r.created_at_ms)
        .bind(r.updated_at_ms)
}

pub(crate) const STORE_COLUMNS: &[&str] = &[
    "tenant_id",
    "id",
    "code",
    "name",
    "kind",
    "channel",
    "parent_code",
    "province",
    "city",
    "status",
    "source",
    "created_at_ms",
    "updated_at_ms",
];

pub(crate) fn bind_store<'q>(q: Q<'q>, r: &'q StoreRecord) -> Q<'q> {
    q.bind(r.tenant_id.get())
        .bind(r.id.to_string())
        .bind(r.code.as_str())
        .bind(r.name.as_str())
        .bind(r.kind.as_str())
        .bind(r.channel.code())
        .bind(r.parent_code.as_deref())
        .bind(r.province.as_deref())
        .bind(r.city.as_deref())
        .bind(r.status.as_str())
        .bind(r.source.as_str())
        .bind(r.created_at_ms)
        .bind(r.updated_at_ms)
}

pub(crate) const PAYMENT_METHOD_COLUMNS: &[&str] = &[
    "tenant_id",
    "id",
    "code",
    "name",
    "earns_points",
    "category",
    "source",
    "created_at_ms",
    "updated_at_ms",
];

pub(crate) fn bind_payment_method<'q>(q: Q<'q>, r: &'q PaymentMethod) -> Q<'q> {
    q.bind(r.tenant_id.get())
        .bind(r.id.to_string())
        .bind(r.code.as_str())
        .bind(r.name.as_str())
        .bind(i64::from(r.earns_points))
        .bind(r.category.as_deref())
        .bind(r.source.as_str())
        .bind(r.created_at_ms)
        .bind(r.updated_at_ms)
}

/// `UPDATE table SET col = $1, ... WHERE tenant_id = $k AND id = $k+1` over `columns` minus the key.
pub(crate) fn update_text(table: &str, columns: &[&str]) -> String {
    let set: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{c} = ${}", i + 1))
        .collect();
    format!(
        "UPDATE {table} SET {} WHERE tenant_id = ${} AND id = ${}",
        set.join(", "),
        columns.len() + 1,
        columns.len() + 2
    )
}

/// Runs an update built with `update_text`: `bind` binds every column but the key (tenant_id,
/// id, created_at_ms stay), then the key.
pub(crate) async fn update_one<'q>(conn: &mut AnyConnection, query: Q<'q>) -> AppResult<()> {
    query.execute(conn).await.map_err(db)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_number_their_placeholders() {
        assert_eq!(
            insert_text("t", &["a", "b"], 2),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)"
        );
        assert_eq!(
            update_text("t", &["a", "b"]),
            "UPDATE t SET a = $1, b = $2 WHERE tenant_id = $3 AND id = $4"
        );
    }
}
