//! Reads of tenants, the audit log and idempotency records.

use super::Conn;
use super::{optional, page, page_rows, ListSpec};
use crate::rows;
use crate::sql::{Arg, Sql};
use patron_app::model::{AuditEntry, AuditFilter, ListQuery, Page, StoredResponse, Tenant};
use patron_app::AppResult;
use patron_domain::ids::TenantId;

pub(crate) async fn tenant(conn: &mut Conn<'_>, id: TenantId) -> AppResult<Option<Tenant>> {
    let mut sql = Sql::new("SELECT * FROM tenants WHERE id = ");
    sql.bind(Arg::Int(id.get()));
    optional(conn, &sql)
        .await?
        .as_ref()
        .map(rows::tenant)
        .transpose()
}

pub(crate) async fn tenant_by_code(conn: &mut Conn<'_>, code: &str) -> AppResult<Option<Tenant>> {
    let mut sql = Sql::new("SELECT * FROM tenants WHERE code = ");
    sql.bind(Arg::Text(code.to_string()));
    optional(conn, &sql)
        .await?
        .as_ref()
        .map(rows::tenant)
        .transpose()
}

pub(crate) async fn tenants(conn: &mut Conn<'_>, q: &ListQuery) -> AppResult<Page<Tenant>> {
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
    conn: &mut Conn<'_>,
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
    conn: &mut Conn<'_>,
    tenant: i64,
    scope: &str,
    key: &str,
) -> AppResult<Option<(Vec<u8>, Option<StoredResponse>)>> {
    let mut sql = Sql::new("SELECT request_hash, response_status, response_body FROM idempotency_keys WHERE tenant_id = ");
    sql.bind(Arg::Int(tenant))
        .push(" AND scope = ")
        .bind(Arg::Text(scope.to_string()))
        .push(" AND idem_key = ")
        .bind(Arg::Text(key.to_string()));
    let row = optional(conn, &sql).await?;
    let Some(row) = row else { return Ok(None) };
    let hash = row.bytes("request_hash")?;
    let status: Option<i64> = row.opt_i64("response_status")?;
    let body: Option<String> = row.opt_text("response_body")?;
    let response = match (status, body) {
        (Some(s), Some(body)) => Some(StoredResponse {
            status: u16::try_from(s).unwrap_or(500),
            body,
        }),
        _ => None,
    };
    Ok(Some((hash, response)))
}
