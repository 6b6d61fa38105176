//! Reads of tenants, the audit log and idempotency records.

use super::{optional, page, page_rows, ListSpec};
use crate::error::db;
use crate::rows;
use crate::sql::{Arg, Sql};
use patron_app::model::{AuditEntry, AuditFilter, ListQuery, Page, StoredResponse, Tenant};
use patron_app::AppResult;
use patron_domain::ids::TenantId;
use sqlx::AnyConnection;

pub(crate) async fn tenant(conn: &mut AnyConnection, id: TenantId) -> AppResult<Option<Tenant>> {
    let mut sql = Sql::new("SELECT * FROM tenants WHERE id = ");
    sql.bind(Arg::Int(id.get()));
    optional(conn, &sql)
        .await?
        .as_ref()
        .map(rows::tenant)
        .transpose()
}

pub(crate) async fn tenant_by_code(
    conn: &mut AnyConnection,
    code: &str,
) -> AppResult<Option<Tenant>> {
    let mut sql = Sql::new("SELECT * FROM tenants WHERE code = ");
    sql.bind(Arg::Text(code.to_string()));
    optional(conn, &sql)
        .await?
        .as_ref()
        .map(rows::tenant)
        .transpose()
}

pub(crate) async fn tenants(conn: &mut AnyConnection, q: &ListQuery) -> AppResult<Page<Tenant>> {
    let spec = ListSpec {
        table: "tenants",
        tenant: None,
        search_columns: &["code", "name"],
        integer_id: true,
        newest_first: false,
        filters: vec![],
    };
    let (found, more, total) = page_rows(conn, spec, q).await?;
    let items = found
        .iter()
        .map(rows::tenant)
        .collect::<AppResult<Vec<_>>>()?;
    Ok(page(items, more, total, |t| t.id.to_string()))
}

pub(crate) async fn audit(
    conn: &mut AnyConnection,
    t: Option<TenantId>,
    f: &AuditFilter,
    q: &ListQuery,
) -> AppResult<Page<AuditEntry>> {
    let mut filters = Vec::new();
    if let Some(actor) = f.actor.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        filters.push(("actor_name = ", Arg::Text(actor.to_string())));
    }
    if let Some(action) = f.action.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        filters.push(("action = ", Arg::Text(action.to_string())));
    }
    if let Some(v) = f
        .object_type
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        filters.push(("object_type = ", Arg::Text(v.to_string())));
    }
    if let Some(v) = f
        .object_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        filters.push(("object_id = ", Arg::Text(v.to_string())));
    }
    if let Some(v) = f.from_ms {
        filters.push(("at_ms >= ", Arg::Int(v)));
    }
    if let Some(v) = f.to_ms {
        filters.push(("at_ms < ", Arg::Int(v)));
    }
    let spec = ListSpec {
        table: "audit_log",
        tenant: Some(t.map_or(0, TenantId::get)),
        search_columns: &["action", "object_type", "actor_name", "object_id"],
        integer_id: false,
        newest_first: true,
        filters,
    };
    let (found, more, total) = page_rows(conn, spec, q).await?;
    let items = found
        .iter()
        .map(rows::audit)
        .collect::<AppResult<Vec<_>>>()?;
    Ok(page(items, more, total, |e| e.id.to_string()))
}

pub(crate) async fn idempotent_response(
    conn: &mut AnyConnection,
    tenant: i64,
    scope: &str,
    key: &str,
) -> AppResult<Option<(Vec<u8>, Option<StoredResponse>)>> {
    let row = sqlx::query("SELECT request_hash, response_status, response_body FROM idempotency_keys WHERE tenant_id = $1 AND scope = $2 AND idem_key = $3")
        .bind(tenant)
        .bind(scope)
        .bind(key)
        .fetch_optional(conn)
        .await
        .map_err(db)?;
    let Some(row) = row else { return Ok(None) };
    let hash = rows::get_bytes(&row, "request_hash")?;
    let status: Option<i64> = sqlx::Row::try_get(&row, "response_status").map_err(db)?;
    let body: Option<String> = sqlx::Row::try_get(&row, "response_body").map_err(db)?;
    let response = match (status, body) {
        (Some(s), Some(body)) => Some(StoredResponse {
            status: u16::try_from(s).unwrap_or(500),
            body,
        }),
        _ => None,
    };
    Ok(Some((hash, response)))
}
