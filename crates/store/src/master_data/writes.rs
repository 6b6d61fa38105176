//! Writes of the master data: inserts of many rows per statement, updates by id.

use crate::sql::{Arg, Sql};
use crate::writes::SqlTx;
use patron_app::master_data::{Category, PaymentMethod, Product, StoreRecord};
use patron_app::AppResult;

/// Rows per multi-row `INSERT`: 100 rows of 13 columns stay far below every bind limit.
const ROWS_PER_INSERT: usize = 100;

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

/// Inserts `rows` in chunks; `args` gives one row's values in `columns` order.
pub(crate) async fn insert_many<R>(
    tx: &mut SqlTx,
    table: &str,
    columns: &[&str],
    rows: &[R],
    args: fn(&R) -> Vec<Arg>,
) -> AppResult<()> {
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let text = insert_text(table, columns, chunk.len());
        let values = chunk.iter().flat_map(args).collect();
        tx.exec(&Sql::with(text, values)).await?;
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

pub(crate) fn category_args(r: &Category) -> Vec<Arg> {
    vec![
        Arg::from(r.tenant_id.get()),
        Arg::from(r.id.to_string()),
        Arg::from(r.code.as_str()),
        Arg::from(r.name.as_str()),
        Arg::from(i64::from(r.level)),
        Arg::from(r.parent_code.as_deref()),
        Arg::from(r.source.as_str()),
        Arg::from(r.created_at_ms),
        Arg::from(r.updated_at_ms),
    ]
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

pub(crate) fn product_args(r: &Product) -> Vec<Arg> {
    vec![
        Arg::from(r.tenant_id.get()),
        Arg::from(r.id.to_string()),
        Arg::from(r.code.as_str()),
        Arg::from(r.name.as_str()),
        Arg::from(r.brand.as_deref()),
        Arg::from(r.category_code.as_deref()),
        Arg::from(r.price_fen),
        Arg::from(r.status.as_str()),
        Arg::from(r.source.as_str()),
        Arg::from(r.created_at_ms),
        Arg::from(r.updated_at_ms),
    ]
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

pub(crate) fn store_args(r: &StoreRecord) -> Vec<Arg> {
    vec![
        Arg::from(r.tenant_id.get()),
        Arg::from(r.id.to_string()),
        Arg::from(r.code.as_str()),
        Arg::from(r.name.as_str()),
        Arg::from(r.kind.as_str()),
        Arg::from(r.channel.code()),
        Arg::from(r.parent_code.as_deref()),
        Arg::from(r.province.as_deref()),
        Arg::from(r.city.as_deref()),
        Arg::from(r.status.as_str()),
        Arg::from(r.source.as_str()),
        Arg::from(r.created_at_ms),
        Arg::from(r.updated_at_ms),
    ]
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

pub(crate) fn payment_method_args(r: &PaymentMethod) -> Vec<Arg> {
    vec![
        Arg::from(r.tenant_id.get()),
        Arg::from(r.id.to_string()),
        Arg::from(r.code.as_str()),
        Arg::from(r.name.as_str()),
        Arg::from(i64::from(r.earns_points)),
        Arg::from(r.category.as_deref()),
        Arg::from(r.source.as_str()),
        Arg::from(r.created_at_ms),
        Arg::from(r.updated_at_ms),
    ]
}

/// `UPDATE table SET col = $1, ... WHERE tenant_id = $k AND id = $k+1` over `columns` minus the key.
fn update_text(table: &str, columns: &[&str]) -> String {
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

/// The columns an update rewrites: all but the key and the creation time.
fn updatable<'a>(columns: &'a [&'a str]) -> Vec<&'a str> {
    columns
        .iter()
        .copied()
        .filter(|c| !matches!(*c, "tenant_id" | "id" | "created_at_ms"))
        .collect()
}

/// The update of one row from the values its insert takes (`args` in `columns` order): every
/// column but the key and the creation time, found by tenant and id.
pub(crate) fn update_row(table: &str, columns: &[&str], args: Vec<Arg>) -> Sql {
    let (mut values, mut tenant, mut id) = (Vec::new(), None, None);
    for (column, arg) in columns.iter().zip(args) {
        match *column {
            "tenant_id" => tenant = Some(arg),
            "id" => id = Some(arg),
            "created_at_ms" => {}
            _ => values.push(arg),
        }
    }
    values.extend(tenant);
    values.extend(id);
    Sql::with(update_text(table, &updatable(columns)), values)
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
        let q = update_row(
            "t",
            &["tenant_id", "id", "a", "created_at_ms"],
            vec![Arg::Int(7), Arg::from("x"), Arg::Int(1), Arg::Int(2)],
        );
        assert_eq!(
            q.text,
            "UPDATE t SET a = $1 WHERE tenant_id = $2 AND id = $3"
        );
        assert!(matches!(q.arg_list(), [Arg::Int(1), Arg::Int(7), Arg::Text(x)] if x == "x"));
    }
}
