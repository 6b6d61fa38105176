//! `/api/v1/job-runs`: the runs of the daily jobs, and running one for a business date.

use crate::auth::{perm, Auth};
use crate::body::ApiJson;
use crate::mutate::{mutate, stored};
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;
use crate::views::rfc3339;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use patron_app::jobs::model::JobRun;
use patron_app::jobs::runs::{self, RunRequest};
use patron_app::model::ListQuery;
use patron_domain::jobs::Trigger;
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};
use utoipa::{IntoParams, OpenApi, ToSchema};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/job-runs", get(list).post(run))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct JobRunView {
    pub id: String,
    /// `expire-points` or `tier-retention`.
    pub job: String,
    /// `YYYY-MM-DD` in the tenant's time zone.
    pub business_date: String,
    /// `running`, `succeeded` or `failed`.
    pub status: String,
    /// expire-points: point records expired; tier-retention: tier records judged.
    pub processed: i64,
    /// expire-points: expiry records written; tier-retention: tier records written.
    pub changed: i64,
    /// expire-points: `accounts`, `points`; tier-retention: `retained`, `downgraded`, `skipped`.
    #[schema(value_type = Object)]
    pub summary: Option<serde_json::Value>,
    pub error: Option<String>,
    /// `cli`, `schedule`, `console` or `api`.
    pub trigger: String,
    pub triggered_by: String,
    pub attempts: i64,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub duration_ms: i64,
}

impl From<&JobRun> for JobRunView {
    fn from(r: &JobRun) -> Self {
        Self {
            id: r.id.to_string(),
            job: r.job.name().to_string(),
            business_date: r.business_date.to_string(),
            status: r.status.as_str().to_string(),
            processed: r.processed,
            changed: r.changed,
            summary: r.summary.clone(),
            error: r.error.clone(),
            trigger: r.trigger.as_str().to_string(),
            triggered_by: r.triggered_by.clone(),
            attempts: r.attempts,
            started_at: rfc3339(r.started_at_ms),
            finished_at: r.finished_at_ms.map(rfc3339),
            duration_ms: r.duration_ms(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct JobRunPage {
    pub items: Vec<JobRunView>,
    pub next_cursor: Option<String>,
    pub total: u64,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct JobRunParams {
    /// Only runs of this job.
    pub job: Option<String>,
    /// The `next_cursor` of the previous page.
    pub after: Option<String>,
    /// Rows per page, 1 to 200 (default 30).
    pub limit: Option<u32>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RunJobRequest {
    /// `expire-points` or `tier-retention`.
    pub job: String,
    /// The business date, `YYYY-MM-DD` in the tenant's time zone, not after today: the run
    /// processes what expired before that day began.
    pub as_of: String,
}

/// The runs of the caller's tenant, newest first.
#[utoipa::path(get, path = "/api/v1/job-runs", tag = "jobs", params(JobRunParams),
    security(("api_key" = ["jobs:read"]), ("session" = ["jobs:read"])),
    responses((status = 200, body = JobRunPage), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth<perm::JobsRead>,
    Query(params): Query<JobRunParams>,
) -> ApiResult<Json<JobRunPage>> {
    let q = ListQuery {
        search: None,
        after: params.after.clone(),
        offset: 0,
        limit: params.limit.unwrap_or(0),
    };
    let page = runs::list(&*state.store, &auth.ctx, params.job.as_deref(), &q).await?;
    Ok(Json(JobRunPage {
        items: page.items.iter().map(JobRunView::from).collect(),
        next_cursor: page.next_cursor,
        total: page.total,
    }))
}

/// Run a job for a business date of the caller's tenant. A (job, date) runs once: 202 with the
/// run started in the background (follow it in the list), or 200 with the earlier run, which
/// is not run again unless it failed.
#[utoipa::path(post, path = "/api/v1/job-runs", tag = "jobs", request_body = RunJobRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    security(("api_key" = ["jobs:run"]), ("session" = ["jobs:run"])),
    responses((status = 202, body = JobRunView), (status = 200, body = JobRunView), (status = 422, body = Problem)))]
pub async fn run(
    State(state): State<AppState>,
    auth: Auth<perm::JobsRun>,
    headers: HeaderMap,
    body: ApiJson<RunJobRequest>,
) -> ApiResult<Response> {
    let input = RunRequest {
        job: body.value.job.clone(),
        as_of: body.value.as_of.clone(),
    };
    let ctx = auth.ctx.clone();
    // The claim commits with the answer; the work starts only after that commit.
    let started: Arc<Mutex<Option<JobRun>>> = Arc::default();
    let slot = started.clone();
    let response = mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let claim = runs::request(tx, &ctx, &input, Trigger::Api).await?;
            let status = if claim.fresh {
                if let Ok(mut s) = slot.lock() {
                    *s = Some(claim.run.clone());
                }
                StatusCode::ACCEPTED
            } else {
                StatusCode::OK
            };
            Ok(stored(status, &JobRunView::from(&claim.run)))
        })
    })
    .await?;
    let fresh = started.lock().ok().and_then(|mut s| s.take());
    if let Some(run) = fresh {
        let clock = state.clock.clone();
        runs::spawn(state.store.clone(), run, Arc::new(move || clock.now_ms()));
    }
    Ok(response)
}

/// This module's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(list, run),
    components(schemas(JobRunView, JobRunPage, RunJobRequest))
)]
pub struct Doc;
