//! Reads of the master data: by code, by many codes at once, and paged lists.

use super::rows;
use crate::reads::{all, one_in_tenant, page, page_rows, Conn, ListSpec};
use crate::row::Row;
use crate::sql::{Arg, Sql};
use patron_app::master_data::{ProductFilter, StoreFilter};
use patron_app::model::{ListQuery, Page};
use patron_app::AppResult;
use patron_domain::ids::TenantId;

/// Codes per `IN (...)` list: well under the bind limits of both databases.
const CODES_PER_QUERY: usize = 500;

pub(crate) async fn by_code<T>(
    conn: &mut Conn<'_>,
    table: &str,
    t: TenantId,
    code: &str,
    map: fn(&Row) -> AppResult<T>,
) -> AppResult<Option<T>> {
    one_in_tenant(conn, table, t, "code", Arg::Text(code.to_string()), map).await
}

/// The rows of `table` whose code is one of `codes`: one query per 500 codes.
pub(crate) async fn by_codes<T>(
    conn: &mut Conn<'_>,
    table: &str,
    t: TenantId,
    codes: &[String],
    map: fn(&Row) -> AppResult<T>,
) -> AppResult<Vec<T>> {
    let mut out = Vec::with_capacity(codes.len());
    for chunk in codes.chunks(CODES_PER_QUERY) {
        let mut sql = Sql::new(&format!("SELECT * FROM {table} WHERE tenant_id = "));
        sql.bind(Arg::Int(t.get())).push(" AND code IN (");
        for (i, code) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind(Arg::Text(code.clone()));
        }
        sql.push(")");
        for row in all(conn, &sql).await? {
            out.push(map(&row)?);
        }
    }
    Ok(out)
}

/// A paged list searched by code or name.
pub(crate) async fn list<T>(
    conn: &mut Conn<'_>,
    table: &str,
    t: TenantId,
    filters: Vec<(&str, Arg)>,
    q: &ListQuery,
    map: fn(&Row) -> AppResult<T>,
    id_of: fn(&T) -> String,
) -> AppResult<Page<T>> {
    let spec = ListSpec {
        table,
        tenant: Some(t.get()),
        search_columns: &["code", "name"],
        integer_id: false,
        newest_first: false,
        filters,
    };
    let (found, more, total) = page_rows(conn, spec, q).await?;
    let items = found.iter().map(map).collect::<AppResult<Vec<_>>>()?;
    Ok(page(items, more, total, id_of))
}

pub(crate) fn product_filters(f: &ProductFilter) -> Vec<(&'static str, Arg)> {
    f.category
        .iter()
        .map(|c| ("category_code = ", Arg::Text(c.clone())))
        .collect()
}

pub(crate) fn store_filters(f: &StoreFilter) -> Vec<(&'static str, Arg)> {
    let mut out = Vec::new();
    if let Some(k) = f.kind {
        out.push(("kind = ", Arg::Text(k.as_str().into())));
    }
    if let Some(c) = f.channel {
        out.push(("channel = ", Arg::Text(c.code().into())));
    }
    if let Some(s) = f.status {
        out.push(("status = ", Arg::Text(s.as_str().into())));
    }
    out
}

pub(crate) use rows::{category, payment_method, product, store};
