//! `/api/v1/audit`: the audit log, newest first, with filters.

use crate::auth::{perm, Auth};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::state::AppState;
use crate::views::AuditPage;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use patron_app::audit;
use patron_app::model::{AuditFilter, ListQuery};
use serde::Deserialize;
use utoipa::IntoParams;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/audit", get(list))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Text in the action, object or actor name.
    pub search: Option<String>,
    /// Exact actor name (a login name or a key's name).
    pub actor: Option<String>,
    /// Exact action, e.g. `user.create`.
    pub action: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    /// Entries at or after this instant (RFC 3339).
    pub from: Option<String>,
    /// Entries before this instant (RFC 3339).
    pub to: Option<String>,
    pub after: Option<String>,
    pub limit: Option<u32>,
}

pub(crate) fn parse_instant(field: &'static str, raw: Option<&str>) -> ApiResult<Option<i64>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => chrono::DateTime::parse_from_rfc3339(s)
            .map(|t| Some(t.timestamp_millis()))
            .map_err(|_| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_instant",
                    format!(
                        "{field} must be an RFC 3339 instant such as 2026-11-22T08:00:00+08:00"
                    ),
                )
                .field(field)
            }),
    }
}

impl AuditParams {
    pub fn filter(&self) -> ApiResult<AuditFilter> {
        Ok(AuditFilter {
            actor: self.actor.clone(),
            action: self.action.clone(),
            object_type: self.object_type.clone(),
            object_id: self.object_id.clone(),
            from_ms: parse_instant("from", self.from.as_deref())?,
            to_ms: parse_instant("to", self.to.as_deref())?,
        })
    }
}

/// Read the audit log.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditParams),
    security(("api_key" = ["audit:read"]), ("session" = ["audit:read"])),
    responses((status = 200, body = AuditPage), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth<perm::AuditRead>,
    Query(params): Query<AuditParams>,
) -> ApiResult<Json<AuditPage>> {
    let q = ListQuery {
        search: params.search.clone(),
        after: params.after.clone(),
        offset: 0,
        limit: params.limit.unwrap_or(0),
    };
    let page = audit::list(&*state.store, &auth.ctx, &params.filter()?, &q).await?;
    Ok(Json(AuditPage::from_page(&page)))
}
