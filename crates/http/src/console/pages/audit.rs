//! `/console/audit`: the audit log, newest first, with filters. Dates are days in the tenant's
//! time zone (UTC for the platform); each entry opens to show its state before and after.

use crate::auth::perm;
use crate::console::form::Errors;
use crate::console::guard::Console;
use crate::console::layout::Layout;
use crate::console::list::{Pager, PER_PAGE};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use chrono::{NaiveDate, TimeZone};
use chrono_tz::Tz;
use patron_app::audit;
use patron_app::model::{AuditEntry, AuditFilter, ListQuery};

pub fn router() -> Router<AppState> {
    Router::new().route("/console/audit", get(list))
}

#[derive(Debug, Default, serde::Deserialize)]
struct Filters {
    search: Option<String>,
    actor: Option<String>,
    action: Option<String>,
    object_type: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<String>,
}

fn text(v: &Option<String>) -> String {
    v.as_deref().unwrap_or_default().trim().to_string()
}

/// The first instant of `day` in `tz` (the earliest, if the clocks change at midnight).
fn day_start(day: NaiveDate, tz: Tz) -> Option<i64> {
    let midnight = day.and_hms_opt(0, 0, 0)?;
    tz.from_local_datetime(&midnight)
        .earliest()
        .map(|t| t.timestamp_millis())
}

/// A `YYYY-MM-DD` filter: the start of that day, or of the next one for the inclusive "to".
pub(crate) fn parse_day(raw: &str, tz: Tz, next_day: bool) -> Result<Option<i64>, ()> {
    if raw.is_empty() {
        return Ok(None);
    }
    let day = NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| ())?;
    let day = if next_day {
        day.succ_opt().ok_or(())?
    } else {
        day
    };
    day_start(day, tz).map(Some).ok_or(())
}

struct Entry {
    at: String,
    actor_name: String,
    actor_kind: &'static str,
    actor_id: String,
    action: String,
    object_type: String,
    object_id: String,
    ip: String,
    request_id: String,
    before: String,
    after: String,
}

fn pretty(v: &Option<serde_json::Value>) -> String {
    v.as_ref()
        .and_then(|v| serde_json::to_string_pretty(v).ok())
        .unwrap_or_default()
}

fn entry(c: &Console<perm::AuditRead>, e: &AuditEntry) -> Entry {
    let kind = match e.actor_kind.as_str() {
        "user" => "actor.user",
        "api_key" => "actor.api_key",
        "platform_admin" => "actor.platform_admin",
        _ => "actor.system",
    };
    Entry {
        at: c.when(e.at_ms),
        actor_name: e.actor_name.clone(),
        actor_kind: c.t(kind),
        actor_id: e.actor_id.clone().unwrap_or_default(),
        action: e.action.clone(),
        object_type: e.object_type.clone(),
        object_id: e.object_id.clone(),
        ip: e.ip.clone().unwrap_or_default(),
        request_id: e.request_id.clone().unwrap_or_default(),
        before: pretty(&e.before),
        after: pretty(&e.after),
    }
}

#[derive(Template)]
#[template(path = "audit/list.html")]
struct ListPage {
    l: Layout,
    entries: Vec<Entry>,
    search: String,
    actor: String,
    action: String,
    object_type: String,
    from: String,
    to: String,
    zone: String,
    pager: Pager,
    errors: Errors,
}

async fn list(
    State(state): State<AppState>,
    c: Console<perm::AuditRead>,
    Query(q): Query<Filters>,
) -> Response {
    let tz = c.tz();
    let (search, actor, action) = (text(&q.search), text(&q.actor), text(&q.action));
    let (object_type, from, to) = (text(&q.object_type), text(&q.from), text(&q.to));
    let page_no = crate::console::list::ListParams {
        search: None,
        page: q.page.clone(),
    }
    .page();
    let from_ms = parse_day(&from, tz, false);
    let to_ms = parse_day(&to, tz, true);
    let mut errors = Errors::none();
    let bad_day = c.t("err.invalid_date").to_string();
    if from_ms.is_err() {
        errors = Errors::field("from", bad_day.clone());
    } else if to_ms.is_err() {
        errors = Errors::field("to", bad_day);
    }
    let mut entries = Vec::new();
    let mut total = 0;
    if !errors.any() {
        let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
        let filter = AuditFilter {
            actor: some(&actor),
            action: some(&action),
            object_type: some(&object_type),
            object_id: None,
            from_ms: from_ms.unwrap_or_default(),
            to_ms: to_ms.unwrap_or_default(),
        };
        let query = ListQuery {
            search: some(&search),
            after: None,
            offset: (page_no - 1) * PER_PAGE,
            limit: PER_PAGE,
        };
        match audit::list(&*state.store, &c.ctx, &filter, &query).await {
            Ok(page) => {
                entries = page.items.iter().map(|e| entry(&c, e)).collect();
                total = page.total;
            }
            Err(e) => return c.fail(e),
        }
    }
    let pager = Pager::new(
        c.tr,
        "/console/audit",
        &[
            ("search", &search),
            ("actor", &actor),
            ("action", &action),
            ("object_type", &object_type),
            ("from", &from),
            ("to", &to),
        ],
        page_no,
        entries.len(),
        total,
    );
    let page = ListPage {
        l: c.layout("audit.title", "audit"),
        entries,
        search,
        actor,
        action,
        object_type,
        from,
        to,
        zone: tz.name().to_string(),
        pager,
        errors,
    };
    c.page(StatusCode::OK, &page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_read_in_the_tenants_time_zone_and_to_is_inclusive() {
        let tz: Tz = "Asia/Shanghai".parse().unwrap();
        // 2026-03-01 00:00 in Shanghai is 2026-02-28 16:00 UTC.
        let from = parse_day("2026-03-01", tz, false).unwrap().unwrap();
        assert_eq!(from, 1_772_294_400_000);
        let to = parse_day("2026-03-01", tz, true).unwrap().unwrap();
        assert_eq!(to - from, 86_400_000);
        assert_eq!(parse_day("", tz, false), Ok(None));
        assert!(parse_day("01/03/2026", tz, false).is_err());
    }
}
