//! Store ports for the daily jobs: their runs, and the set-based reads and writes that let one
//! transaction expire the points of many accounts or judge the tiers of many members.

use crate::error::AppResult;
use crate::jobs::model::JobRun;
use crate::members::model::{PointAccount, TierRecord};
use crate::model::{ListQuery, Page, Tenant};
use crate::points::model::PointRecord;
use crate::ports::RetentionCounters;
use async_trait::async_trait;
use chrono::NaiveDate;
use patron_domain::ids::{MemberId, TenantId};
use patron_domain::jobs::Job;
use patron_domain::points::{Balances, Earning};

#[async_trait]
pub trait JobsReads: Send {
    /// The run of `job` for the business date, if there is one.
    async fn job_run(
        &mut self,
        t: TenantId,
        job: Job,
        date: NaiveDate,
    ) -> AppResult<Option<JobRun>>;
    /// Runs newest first, of one job or all.
    async fn job_runs(
        &mut self,
        t: TenantId,
        job: Option<Job>,
        q: &ListQuery,
    ) -> AppResult<Page<JobRun>>;
    /// Every active tenant, by id: whom the schedule and `patron jobs run` serve.
    async fn active_tenants(&mut self) -> AppResult<Vec<Tenant>>;

    /// Accounts with earning records whose expiry is before `before_ms` and which still have
    /// points, taken from the first `limit` such records by expiry.
    async fn accounts_with_expired_points(
        &mut self,
        t: TenantId,
        before_ms: i64,
        limit: u32,
    ) -> AppResult<Vec<String>>;
    async fn point_accounts_in(
        &mut self,
        t: TenantId,
        ids: &[String],
    ) -> AppResult<Vec<PointAccount>>;
    /// The increase records with points remaining of these accounts, as (account id, what
    /// the ledger needs of each): the expiry job reads millions, so only those columns.
    async fn open_earnings_in(
        &mut self,
        t: TenantId,
        accounts: &[String],
    ) -> AppResult<Vec<(String, Earning<String>)>>;
    /// The decrease records with debt left of these accounts, oldest first.
    async fn open_debts_in(
        &mut self,
        t: TenantId,
        accounts: &[String],
    ) -> AppResult<Vec<PointRecord>>;

    /// Up to `limit` active tier records that expired before `before_ms`, earliest first.
    async fn expired_tier_records(
        &mut self,
        t: TenantId,
        before_ms: i64,
        limit: u32,
    ) -> AppResult<Vec<TierRecord>>;
    /// The active tier records of these members.
    async fn active_tier_records_in(
        &mut self,
        t: TenantId,
        members: &[MemberId],
    ) -> AppResult<Vec<TierRecord>>;
    /// The retention counters of these members.
    async fn retention_counters_in(
        &mut self,
        t: TenantId,
        members: &[MemberId],
    ) -> AppResult<Vec<(MemberId, RetentionCounters)>>;
}

#[async_trait]
pub trait JobsWrites: Send {
    /// Inserts the run unless the (tenant, job, date) has one; `false` then.
    async fn claim_job_run(&mut self, run: &JobRun) -> AppResult<bool>;
    /// Takes over the existing run of the (tenant, job, date) when it failed, or when it is
    /// running but its heartbeat is older than `stale_before_ms` (its process died): `run`'s
    /// trigger, start and heartbeat replace the old ones, counts restart, `attempts` grows.
    /// `false` when the run is neither.
    async fn reclaim_job_run(&mut self, run: &JobRun, stale_before_ms: i64) -> AppResult<bool>;
    /// Stores the counts so far and the heartbeat.
    async fn job_progress(&mut self, run: &JobRun) -> AppResult<()>;
    /// Stores the outcome: status, counts, summary, error, finish time.
    async fn finish_job_run(&mut self, run: &JobRun) -> AppResult<()>;
    /// Refreshes the planner's statistics of the tables `job` grew, after a run that wrote
    /// many rows (PostgreSQL; SQLite keeps none unless asked), as imports do for members: with
    /// statistics from before, a table that doubled still counts as it was, and the joins of
    /// `patron verify` turn quadratic.
    async fn refresh_job_statistics(&mut self, job: Job) -> AppResult<()>;

    /// Takes these accounts for the transaction (PostgreSQL: their row locks), as
    /// `lock_point_account` does for one.
    async fn lock_point_accounts_in(&mut self, t: TenantId, ids: &[String]) -> AppResult<()>;
    /// (record id, remaining) pairs.
    async fn set_remaining_many(&mut self, t: TenantId, values: &[(String, i64)]) -> AppResult<()>;
    /// (account id, balances) pairs.
    async fn set_point_balances_many(
        &mut self,
        t: TenantId,
        values: &[(String, Balances)],
        now_ms: i64,
    ) -> AppResult<()>;

    /// Takes these member accounts for the transaction, so an order's counter update waits for
    /// the retention decision (and the reset) instead of being lost under it.
    async fn lock_members_in(&mut self, t: TenantId, members: &[MemberId]) -> AppResult<()>;
    /// Sets one tier record inactive if it still is active; `false` when it was not.
    async fn deactivate_tier_record(&mut self, t: TenantId, id: &str) -> AppResult<bool>;
    /// Sets the retention counters of these members to 0.
    async fn reset_retention_in(
        &mut self,
        t: TenantId,
        members: &[MemberId],
        now_ms: i64,
    ) -> AppResult<()>;
}
