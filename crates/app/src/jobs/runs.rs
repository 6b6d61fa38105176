//! Runs of the daily jobs: claiming the one run of a (job, tenant, business date), executing it
//! batch by batch, recording the outcome; listing runs; asking for one as a user or key.
//!
//! A run is claimed in a short transaction of its own (the unique key decides between two
//! claimants), then the job works in batches, each its own transaction that also moves the run's
//! counts and heartbeat. So an interrupted run leaves finished batches committed and a stale
//! heartbeat; the next attempt takes the run over and carries on where the data says (each job
//! selects only what is still to do, so no batch is applied twice).

use super::model::JobRun;
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::model::{ListQuery, Page};
use crate::ports::{Store, Tx};
use crate::secrets::new_uuid;
use chrono::NaiveDate;
use patron_domain::ids::{JobRunId, TenantId};
use patron_domain::jobs::{self, Job, RunStatus, Trigger};
use patron_domain::rbac::Permission;

/// A running run whose heartbeat is older than this was interrupted and may be taken over.
/// Batches take well under a second; five minutes leaves room for a slow disk.
pub const STALE_AFTER_MS: i64 = 5 * 60_000;

/// A run that wrote at least this many records refreshes the statistics of the tables it grew.
const BULK_ROWS: i64 = 10_000;

/// The clock of a run that outlives its request.
pub type Now = dyn Fn() -> i64 + Send + Sync;

/// The answer to "run this job for this date".
#[derive(Debug, Clone)]
pub struct Claim {
    pub run: JobRun,
    /// `true`: this caller started (or took over) the run and must execute it. `false`: the
    /// run exists already (succeeded, or running elsewhere) and nothing was started.
    pub fresh: bool,
}

/// A run asked for through the API or the console.
#[derive(Debug, Clone, Default)]
pub struct RunRequest {
    pub job: String,
    /// `YYYY-MM-DD`, the business date in the tenant's zone.
    pub as_of: String,
}

/// Claims the run of `job` for `date` in `tx`, or finds the earlier one.
async fn claim_in(
    tx: &mut dyn Tx,
    t: TenantId,
    job: Job,
    date: NaiveDate,
    trigger: Trigger,
    by: &str,
    now_ms: i64,
) -> AppResult<Claim> {
    let run = JobRun {
        tenant_id: t,
        id: JobRunId::from_uuid(new_uuid()),
        job,
        business_date: date,
        status: RunStatus::Running,
        processed: 0,
        changed: 0,
        summary: None,
        error: None,
        trigger,
        triggered_by: by.to_string(),
        attempts: 1,
        started_at_ms: now_ms,
        heartbeat_at_ms: now_ms,
        finished_at_ms: None,
    };
    let fresh =
        tx.claim_job_run(&run).await? || tx.reclaim_job_run(&run, now_ms - STALE_AFTER_MS).await?;
    let stored = tx
        .job_run(t, job, date)
        .await?
        .ok_or_else(|| AppError::Store("the claimed job run is missing".into()))?;
    Ok(Claim { run: stored, fresh })
}

/// The tenant's business date `as_of`, refused when malformed or after the tenant's today.
pub async fn business_date(
    r: &mut dyn crate::ports::Reads,
    t: TenantId,
    as_of: &str,
    now_ms: i64,
) -> AppResult<NaiveDate> {
    let tz = crate::tenants::zone(r, t).await?;
    let today = jobs::local_date(now_ms, tz)
        .ok_or_else(|| AppError::Store(format!("no local date for instant {now_ms}")))?;
    Ok(jobs::parse_business_date(as_of, today)?)
}

/// A user or key asks for a run of their tenant: claimed in the caller's transaction (with its
/// audit entry when it starts one). The caller executes a fresh claim after committing.
pub async fn request(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    input: &RunRequest,
    trigger: Trigger,
) -> AppResult<Claim> {
    ctx.principal.require(Permission::JobsRun)?;
    let t = ctx.principal.tenant()?;
    let job = Job::parse(&input.job)?;
    let date = business_date(&mut *tx, t, &input.as_of, ctx.now_ms).await?;
    let by = ctx.principal.actor.name().to_string();
    let claim = claim_in(tx, t, job, date, trigger, &by, ctx.now_ms).await?;
    if claim.fresh {
        audit::record(
            tx,
            ctx,
            Some(t),
            Change {
                action: "job_run.start",
                object_type: "job_run",
                object_id: claim.run.id.to_string(),
                before: None,
                after: Some(serde_json::json!({
                    "job": job.name(),
                    "business_date": date.to_string(),
                    "attempts": claim.run.attempts,
                })),
            },
        )
        .await?;
    }
    Ok(claim)
}

/// Runs `job` for `date` unless it ran already: claims it, executes it, and returns the run as
/// it ended (`true`), or the earlier run untouched (`false`).
pub async fn run(
    store: &dyn Store,
    t: TenantId,
    job: Job,
    date: NaiveDate,
    trigger: Trigger,
    by: &str,
    now: &Now,
) -> AppResult<(JobRun, bool)> {
    let mut tx = store.begin().await?;
    let claim = claim_in(&mut *tx, t, job, date, trigger, by, now()).await?;
    tx.commit().await?;
    if !claim.fresh {
        return Ok((claim.run, false));
    }
    Ok((execute(store, claim.run, now).await, true))
}

/// Works a claimed run to its end and records the outcome. A failure becomes the run's status
/// and error rather than this function's.
pub async fn execute(store: &dyn Store, mut run: JobRun, now: &Now) -> JobRun {
    let mut result = match run.job {
        Job::ExpirePoints => super::expire::run(store, &mut run, now).await,
        Job::TierRetention => super::retention::run(store, &mut run, now).await,
        Job::ExpireCoupons => super::expire_coupons::run(store, &mut run, now).await,
    };
    if result.is_ok() && run.changed >= BULK_ROWS {
        result = async {
            let mut tx = store.begin().await?;
            tx.refresh_job_statistics(run.job).await?;
            tx.commit().await
        }
        .await;
    }
    let at = now();
    run.heartbeat_at_ms = at;
    run.finished_at_ms = Some(at);
    match result {
        Ok(()) => {
            run.status = RunStatus::Succeeded;
            run.error = None;
        }
        Err(e) => {
            tracing::error!(tenant = %run.tenant_id, job = run.job.name(), date = %run.business_date, error = %e, "job run failed");
            run.status = RunStatus::Failed;
            run.error = Some(e.to_string().chars().take(500).collect());
        }
    }
    let saved = async {
        let mut tx = store.begin().await?;
        tx.finish_job_run(&run).await?;
        tx.commit().await
    }
    .await;
    if let Err(e) = saved {
        // The heartbeat goes stale, so the run can be taken over and run again.
        tracing::error!(tenant = %run.tenant_id, job = run.job.name(), error = %e, "job run outcome not saved");
    }
    run
}

/// Stores the counts so far with the batch that produced them.
pub(crate) async fn progress(tx: &mut dyn Tx, run: &mut JobRun, now_ms: i64) -> AppResult<()> {
    run.heartbeat_at_ms = now_ms;
    tx.job_progress(run).await
}

/// The tenant's runs, newest first; `job` (a job name) filters.
pub async fn list(
    store: &dyn Store,
    ctx: &Ctx,
    job: Option<&str>,
    q: &ListQuery,
) -> AppResult<Page<JobRun>> {
    ctx.principal.require(Permission::JobsRead)?;
    let t = ctx.principal.tenant()?;
    let job = match job.map(str::trim).filter(|j| !j.is_empty()) {
        Some(name) => Some(Job::parse(name)?),
        None => None,
    };
    store.reader().await?.job_runs(t, job, q).await
}

/// Executes a fresh claim in the background (a request that started it answers at once).
pub fn spawn(store: std::sync::Arc<dyn Store>, run: JobRun, now: std::sync::Arc<Now>) {
    tokio::spawn(async move {
        execute(&*store, run, &*now).await;
    });
}

/// Asks for a run as `request` does, in a transaction of its own, and starts a fresh one in the
/// background: what the console does.
pub async fn start(
    store: std::sync::Arc<dyn Store>,
    ctx: &Ctx,
    input: &RunRequest,
    trigger: Trigger,
    now: std::sync::Arc<Now>,
) -> AppResult<Claim> {
    let mut tx = store.begin().await?;
    let claim = request(&mut *tx, ctx, input, trigger).await?;
    tx.commit().await?;
    if claim.fresh {
        spawn(store, claim.run.clone(), now);
    }
    Ok(claim)
}
