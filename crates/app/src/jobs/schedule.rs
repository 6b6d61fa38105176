//! The daily schedule of `patron serve`: once a tenant's local time reaches the configured time
//! of day, the jobs run for the tenant's local date, points expiry first, then tier retention
//! (which waits until the expiry of that date has succeeded). Runs are idempotent per (job,
//! tenant, date), so the schedule simply looks every half minute; a server that was down runs
//! the day's jobs when it comes back, and those catch up on earlier days by themselves (they
//! process everything expired before the date).
//!
//! A failed run is tried again after [`RETRY_AFTER_MS`], so a passing fault (the database
//! restarting) heals without flooding the log.

use super::runs::{self, Now};
use crate::error::AppResult;
use crate::ports::Store;
use chrono::NaiveTime;
use patron_domain::jobs::{scheduled_date, Job, RunStatus, Trigger};
use std::sync::Arc;
use std::time::Duration;

/// How often the schedule looks.
pub const TICK: Duration = Duration::from_secs(30);
/// How long after a failure the schedule tries a run again.
pub const RETRY_AFTER_MS: i64 = 15 * 60_000;
/// Who the schedule's runs name as their starter.
pub const SCHEDULER: &str = "scheduler";

/// Runs the schedule until the task is dropped.
pub async fn daily(store: Arc<dyn Store>, at: NaiveTime, now: Arc<Now>) {
    loop {
        if let Err(e) = tick(&*store, at, &*now).await {
            tracing::warn!(error = %e, "daily jobs: schedule check failed");
        }
        tokio::time::sleep(TICK).await;
    }
}

/// One look: runs what is due for every active tenant. Returns the runs it started.
pub async fn tick(store: &dyn Store, at: NaiveTime, now: &Now) -> AppResult<usize> {
    let tenants = store.reader().await?.active_tenants().await?;
    let mut started = 0;
    for tenant in tenants {
        let t = tenant.id;
        let tz: chrono_tz::Tz = tenant
            .time_zone
            .parse()
            .unwrap_or(chrono_tz::Tz::Asia__Shanghai);
        let Some(date) = scheduled_date(now(), tz, at) else {
            continue;
        };
        for job in Job::ALL {
            let existing = store.reader().await?.job_run(t, job, date).await?;
            let due = match &existing {
                None => true,
                Some(r) => {
                    r.status == RunStatus::Failed
                        && r.finished_at_ms
                            .is_some_and(|f| now() - f >= RETRY_AFTER_MS)
                }
            };
            let status = if due {
                let (run, fresh) =
                    runs::run(store, t, job, date, Trigger::Schedule, SCHEDULER, now).await?;
                started += usize::from(fresh);
                if fresh {
                    tracing::info!(tenant = %tenant.code, job = job.name(), %date, status = run.status.as_str(),
                        processed = run.processed, changed = run.changed, "daily job ran");
                }
                run.status
            } else {
                existing.map_or(RunStatus::Running, |r| r.status)
            };
            if status != RunStatus::Succeeded {
                // Tier retention judges the counters after the day's expiry, never before.
                break;
            }
        }
    }
    Ok(started)
}
