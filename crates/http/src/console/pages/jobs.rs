//! `/console/job-runs`: the runs of the daily jobs (point expiry, tier retention), filtered by
//! job, with their counts, status and duration; holders of `jobs:run` may run one for a date.
//! The page refreshes itself while a run is in progress.

use super::Choice;
use crate::auth::perm;
use crate::console::form::{is_form_error, CsrfForm, Errors};
use crate::console::guard::Console;
use crate::console::layout::Layout;
use crate::console::list::{Pager, PER_PAGE};
use crate::console::render::redirect_with_flash;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use patron_app::jobs::runs::{self, RunRequest};
use patron_app::model::ListQuery;
use patron_app::AppError;
use patron_domain::jobs::{local_date, Job, RunStatus, Trigger};
use patron_domain::rbac::Permission;
use std::sync::Arc;

pub fn router() -> Router<AppState> {
    Router::new().route("/console/job-runs", get(list).post(run))
}

#[derive(Debug, Default, serde::Deserialize)]
struct Filters {
    job: Option<String>,
    page: Option<String>,
}

struct Row {
    job: String,
    date: String,
    status: &'static str,
    status_label: String,
    processed: i64,
    changed: i64,
    summary: String,
    error: String,
    trigger: String,
    by: String,
    /// "attempt 2" after a retry; empty on the first.
    attempts: String,
    started: String,
    duration: String,
}

#[derive(Template)]
#[template(path = "jobs/list.html")]
struct ListPage {
    l: Layout,
    jobs: Vec<Choice>,
    filter_jobs: Vec<Choice>,
    rows: Vec<Row>,
    pager: Pager,
    running: bool,
    can_run: bool,
    as_of: String,
    errors: Errors,
}

fn job_label(c: &Console<perm::JobsRead>, job: Job) -> String {
    c.t(&format!("jobs.job_{}", job.name().replace('-', "_")))
        .to_string()
}

/// Figures of the summary in words: "accounts 3 · points 80".
fn summary(c: &Console<perm::JobsRead>, s: &Option<serde_json::Value>) -> String {
    let Some(serde_json::Value::Object(map)) = s else {
        return String::new();
    };
    map.iter()
        .map(|(k, v)| format!("{} {v}", c.t(&format!("jobs.summary_{k}"))))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn seconds(ms: i64) -> String {
    format!("{:.1} s", ms as f64 / 1000.0)
}

async fn page(
    state: &AppState,
    c: &Console<perm::JobsRead>,
    filters: &Filters,
    as_of: String,
    errors: Errors,
) -> Result<ListPage, AppError> {
    let chosen = filters.job.clone().unwrap_or_default();
    let page_no = filters
        .page
        .as_deref()
        .and_then(|p| p.trim().parse::<u32>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let q = ListQuery {
        search: None,
        after: None,
        offset: (page_no - 1) * PER_PAGE,
        limit: PER_PAGE,
    };
    let found = runs::list(&*state.store, &c.ctx, Some(chosen.as_str()), &q).await?;
    let rows: Vec<Row> = found
        .items
        .iter()
        .map(|r| Row {
            job: job_label(c, r.job),
            date: r.business_date.to_string(),
            status: r.status.as_str(),
            status_label: c
                .t(&format!("jobs.status_{}", r.status.as_str()))
                .to_string(),
            processed: r.processed,
            changed: r.changed,
            summary: summary(c, &r.summary),
            error: r.error.clone().unwrap_or_default(),
            trigger: c
                .t(&format!("jobs.trigger_{}", r.trigger.as_str()))
                .to_string(),
            by: r.triggered_by.clone(),
            attempts: if r.attempts > 1 {
                c.tr.tf("jobs.attempt", &[("n", &r.attempts.to_string())])
            } else {
                String::new()
            },
            started: c.when(r.started_at_ms),
            duration: seconds(r.duration_ms()),
        })
        .collect();
    let running = found.items.iter().any(|r| r.status == RunStatus::Running);
    let pager = Pager::new(
        c.tr,
        "/console/job-runs",
        &[("job", chosen.as_str())],
        page_no,
        rows.len(),
        found.total,
    );
    let choices = |selected: &str| -> Vec<Choice> {
        Job::ALL
            .into_iter()
            .map(|j| Choice::new(j.name(), job_label(c, j), j.name() == selected))
            .collect()
    };
    let mut filter_jobs = vec![Choice::new("", c.t("jobs.all_jobs"), chosen.is_empty())];
    filter_jobs.extend(choices(&chosen));
    Ok(ListPage {
        l: c.layout("jobs.title", "job_runs"),
        jobs: choices(""),
        filter_jobs,
        rows,
        pager,
        running,
        can_run: c.may(Permission::JobsRun),
        as_of,
        errors,
    })
}

/// Today in the tenant's zone, the date the form offers.
fn today(c: &Console<perm::JobsRead>, now_ms: i64) -> String {
    local_date(now_ms, c.tz())
        .map(|d| d.to_string())
        .unwrap_or_default()
}

async fn list(
    State(state): State<AppState>,
    c: Console<perm::JobsRead>,
    Query(filters): Query<Filters>,
) -> Response {
    let as_of = today(&c, state.now_ms());
    match page(&state, &c, &filters, as_of, Errors::none()).await {
        Ok(p) => c.page(StatusCode::OK, &p),
        Err(e) => c.fail(e),
    }
}

async fn run(
    State(state): State<AppState>,
    c: Console<perm::JobsRead>,
    CsrfForm(f): CsrfForm,
) -> Response {
    let input = RunRequest {
        job: f.get("job"),
        as_of: f.get("as_of"),
    };
    let clock = state.clock.clone();
    let now = Arc::new(move || clock.now_ms());
    // `request` checks jobs:run itself: a reader without it gets the refusal page.
    match runs::start(state.store.clone(), &c.ctx, &input, Trigger::Console, now).await {
        Ok(claim) => {
            let flash = if claim.fresh {
                "flash.job_started"
            } else {
                "flash.job_ran_before"
            };
            let to = format!("/console/job-runs?job={}", claim.run.job.name());
            redirect_with_flash(&to, flash)
        }
        Err(e) if is_form_error(&e) => {
            let errors = Errors::from_app(c.tr, &e, &["job", "as_of"]);
            match page(&state, &c, &Filters::default(), input.as_of, errors).await {
                Ok(p) => c.page(StatusCode::UNPROCESSABLE_ENTITY, &p),
                Err(e) => c.fail(e),
            }
        }
        Err(e) => c.fail(e),
    }
}
