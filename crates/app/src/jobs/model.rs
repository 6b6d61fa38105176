//! A run of a daily job, as stored in `job_runs`.

use chrono::NaiveDate;
use patron_domain::ids::{JobRunId, TenantId};
use patron_domain::jobs::{Job, RunStatus, Trigger};

/// One run of a job for a tenant and a business date; the only one of that (job, date).
#[derive(Debug, Clone, PartialEq)]
pub struct JobRun {
    pub tenant_id: TenantId,
    pub id: JobRunId,
    pub job: Job,
    pub business_date: NaiveDate,
    pub status: RunStatus,
    /// What the job looked at: expired point records, expired tier records.
    pub processed: i64,
    /// What it wrote: expiry records, new tier records.
    pub changed: i64,
    /// Job-specific figures (points expired, members retained and downgraded…).
    pub summary: Option<serde_json::Value>,
    pub error: Option<String>,
    pub trigger: Trigger,
    /// The user, key or process that started the (last) attempt.
    pub triggered_by: String,
    pub attempts: i64,
    pub started_at_ms: i64,
    /// Moves with every batch; a running run whose heartbeat stopped was interrupted.
    pub heartbeat_at_ms: i64,
    pub finished_at_ms: Option<i64>,
}

impl JobRun {
    /// Milliseconds from start to finish (or to the last heartbeat while running).
    pub fn duration_ms(&self) -> i64 {
        self.finished_at_ms.unwrap_or(self.heartbeat_at_ms) - self.started_at_ms
    }
}
