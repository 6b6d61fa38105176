//! Storage for the daily jobs: their runs, and (in `bulk`) the set-based reads and multi-row
//! writes that let a batch touch thousands of ledger rows in a handful of statements.

mod bulk;

pub(crate) use bulk::{member_texts, record_inserts, relation_inserts, select_in};

use crate::members::rows::tier_record;
use crate::reads::{all, optional, page, page_rows, ListSpec, ReadConn, SqlReader};
use crate::row::Row;
use crate::rows::tenant;
use crate::sql::{sql, Arg};
use crate::writes::SqlTx;
use async_trait::async_trait;
use chrono::NaiveDate;
use patron_app::jobs::model::JobRun;
use patron_app::members::model::{PointAccount, TierRecord};
use patron_app::model::{ListQuery, Page, Tenant};
use patron_app::points::model::PointRecord;
use patron_app::ports::{JobsReads, JobsWrites, RetentionCounters};
use patron_app::{AppError, AppResult};
use patron_domain::ids::{JobRunId, MemberId, TenantId};
use patron_domain::jobs::{Job, RunStatus, Trigger};
use patron_domain::points::{Balances, Earning};

fn corrupt(what: &str, value: &str) -> AppError {
    AppError::Store(format!("stored {what} '{value}' is not valid"))
}

fn job_run(row: &Row) -> AppResult<JobRun> {
    let id = row.text("id")?;
    let job = row.text("job")?;
    let date = row.text("business_date")?;
    let status = row.text("status")?;
    let trigger = row.text("trigger_kind")?;
    Ok(JobRun {
        tenant_id: TenantId::new(row.i64("tenant_id")?),
        id: JobRunId::parse(&id).ok_or_else(|| corrupt("id", &id))?,
        job: Job::parse(&job).map_err(|_| corrupt("job", &job))?,
        business_date: NaiveDate::parse_from_str(&date, "%Y-%m-%d")
            .map_err(|_| corrupt("business_date", &date))?,
        status: RunStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
        processed: row.i64("processed")?,
        changed: row.i64("changed")?,
        summary: row
            .opt_text("summary")?
            .and_then(|s| serde_json::from_str(&s).ok()),
        error: row.opt_text("error")?,
        trigger: Trigger::parse(&trigger).ok_or_else(|| corrupt("trigger_kind", &trigger))?,
        triggered_by: row.text("triggered_by")?,
        attempts: row.i64("attempts")?,
        started_at_ms: row.i64("started_at_ms")?,
        heartbeat_at_ms: row.i64("heartbeat_at_ms")?,
        finished_at_ms: row.opt_i64("finished_at_ms")?,
    })
}

fn summary_text(run: &JobRun) -> Option<String> {
    run.summary.as_ref().map(ToString::to_string)
}

macro_rules! impl_jobs_reads {
    ($ty:ty) => {
        #[async_trait]
        impl JobsReads for $ty {
            async fn job_run(
                &mut self,
                t: TenantId,
                job: Job,
                date: NaiveDate,
            ) -> AppResult<Option<JobRun>> {
                let sql = sql!(
                    "SELECT * FROM job_runs WHERE tenant_id = $1 AND job = $2 AND business_date = $3",
                    t.get(),
                    job.name(),
                    date.to_string()
                );
                optional(&mut self.read_conn()?, &sql)
                    .await?
                    .as_ref()
                    .map(job_run)
                    .transpose()
            }
            async fn job_runs(
                &mut self,
                t: TenantId,
                job: Option<Job>,
                q: &ListQuery,
            ) -> AppResult<Page<JobRun>> {
                let spec = ListSpec {
                    table: "job_runs",
                    tenant: Some(t.get()),
                    search_columns: &["business_date", "triggered_by"],
                    integer_id: false,
                    newest_first: true,
                    filters: job
                        .map(|j| vec![("job = ", Arg::Text(j.name().into()))])
                        .unwrap_or_default(),
                };
                let (found, more, total) = page_rows(&mut self.read_conn()?, spec, q).await?;
                let items = found.iter().map(job_run).collect::<AppResult<Vec<_>>>()?;
                Ok(page(items, more, total, |r| r.id.to_string()))
            }
            async fn active_tenants(&mut self) -> AppResult<Vec<Tenant>> {
                let sql = sql!("SELECT * FROM tenants WHERE status = $1 ORDER BY id", "active");
                all(&mut self.read_conn()?, &sql).await?.iter().map(tenant).collect()
            }
            async fn accounts_with_expired_points(
                &mut self,
                t: TenantId,
                before_ms: i64,
                limit: u32,
            ) -> AppResult<Vec<String>> {
                // The partial index on (tenant, expiry) WHERE remaining > 0 serves the scan;
                // expired sources leave it, so each batch finds the next due ones. No ORDER BY:
                // any due records will do, and a sort would make a planner that prefers the
                // (tenant, account) index sort every open record for each batch.
                let sql = sql!(
                    "SELECT DISTINCT account_id FROM (SELECT account_id FROM point_records \
                     WHERE tenant_id = $1 AND remaining > 0 AND expires_at_ms < $2 LIMIT $3) due",
                    t.get(),
                    before_ms,
                    limit
                );
                all(&mut self.read_conn()?, &sql)
                    .await?
                    .iter()
                    .map(|r| r.text("account_id"))
                    .collect()
            }
            async fn point_accounts_in(
                &mut self,
                t: TenantId,
                ids: &[String],
            ) -> AppResult<Vec<PointAccount>> {
                bulk::point_accounts_in(&mut self.read_conn()?, t, ids).await
            }
            async fn open_earnings_in(
                &mut self,
                t: TenantId,
                accounts: &[String],
            ) -> AppResult<Vec<(String, Earning<String>)>> {
                bulk::open_earnings_in(&mut self.read_conn()?, t, accounts).await
            }
            async fn open_debts_in(
                &mut self,
                t: TenantId,
                accounts: &[String],
            ) -> AppResult<Vec<PointRecord>> {
                bulk::open_debts_in(&mut self.read_conn()?, t, accounts).await
            }
            async fn expired_tier_records(
                &mut self,
                t: TenantId,
                before_ms: i64,
                limit: u32,
            ) -> AppResult<Vec<TierRecord>> {
                let sql = sql!(
                    "SELECT * FROM tier_records WHERE tenant_id = $1 AND status = 'active' \
                     AND expires_at_ms IS NOT NULL AND expires_at_ms < $2 \
                     ORDER BY expires_at_ms, id LIMIT $3",
                    t.get(),
                    before_ms,
                    limit
                );
                all(&mut self.read_conn()?, &sql).await?.iter().map(tier_record).collect()
            }
            async fn active_tier_records_in(
                &mut self,
                t: TenantId,
                members: &[MemberId],
            ) -> AppResult<Vec<TierRecord>> {
                bulk::active_tier_records_in(&mut self.read_conn()?, t, members).await
            }
            async fn retention_counters_in(
                &mut self,
                t: TenantId,
                members: &[MemberId],
            ) -> AppResult<Vec<(MemberId, RetentionCounters)>> {
                bulk::retention_counters_in(&mut self.read_conn()?, t, members).await
            }
        }
    };
}

impl_jobs_reads!(SqlReader);
impl_jobs_reads!(SqlTx);

#[async_trait]
impl JobsWrites for SqlTx {
    async fn claim_job_run(&mut self, r: &JobRun) -> AppResult<bool> {
        let changed = self
            .exec(&sql!(
                "INSERT INTO job_runs (tenant_id, id, job, business_date, status, processed, changed, \
                 summary, error, trigger_kind, triggered_by, attempts, started_at_ms, heartbeat_at_ms, \
                 finished_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
                 ON CONFLICT (tenant_id, job, business_date) DO NOTHING",
                r.tenant_id.get(),
                r.id.to_string(),
                r.job.name(),
                r.business_date.to_string(),
                r.status.as_str(),
                r.processed,
                r.changed,
                summary_text(r),
                r.error.clone(),
                r.trigger.as_str(),
                &r.triggered_by,
                r.attempts,
                r.started_at_ms,
                r.heartbeat_at_ms,
                r.finished_at_ms
            ))
            .await?;
        Ok(changed == 1)
    }

    async fn reclaim_job_run(&mut self, r: &JobRun, stale_before_ms: i64) -> AppResult<bool> {
        let changed = self
            .exec(&sql!(
                "UPDATE job_runs SET status = 'running', processed = 0, changed = 0, summary = NULL, \
                 error = NULL, trigger_kind = $1, triggered_by = $2, attempts = attempts + 1, \
                 started_at_ms = $3, heartbeat_at_ms = $3, finished_at_ms = NULL \
                 WHERE tenant_id = $4 AND job = $5 AND business_date = $6 \
                 AND (status = 'failed' OR (status = 'running' AND heartbeat_at_ms < $7))",
                r.trigger.as_str(),
                &r.triggered_by,
                r.started_at_ms,
                r.tenant_id.get(),
                r.job.name(),
                r.business_date.to_string(),
                stale_before_ms
            ))
            .await?;
        Ok(changed == 1)
    }

    async fn job_progress(&mut self, r: &JobRun) -> AppResult<()> {
        self.exec(&sql!(
            "UPDATE job_runs SET processed = $1, changed = $2, summary = $3, heartbeat_at_ms = $4 \
             WHERE tenant_id = $5 AND id = $6",
            r.processed,
            r.changed,
            summary_text(r),
            r.heartbeat_at_ms,
            r.tenant_id.get(),
            r.id.to_string()
        ))
        .await?;
        Ok(())
    }

    async fn finish_job_run(&mut self, r: &JobRun) -> AppResult<()> {
        self.exec(&sql!(
            "UPDATE job_runs SET status = $1, processed = $2, changed = $3, summary = $4, error = $5, \
             heartbeat_at_ms = $6, finished_at_ms = $7 WHERE tenant_id = $8 AND id = $9",
            r.status.as_str(),
            r.processed,
            r.changed,
            summary_text(r),
            r.error.clone(),
            r.heartbeat_at_ms,
            r.finished_at_ms,
            r.tenant_id.get(),
            r.id.to_string()
        ))
        .await?;
        Ok(())
    }

    async fn refresh_job_statistics(&mut self, job: Job) -> AppResult<()> {
        if let SqlTx::Sqlx(..) = self {
            let tables = match job {
                Job::ExpirePoints => "point_records, point_relations, point_accounts",
                Job::TierRetention => "tier_records, member_accounts",
                Job::ExpireCoupons => "coupons, coupon_transfers",
            };
            self.exec(&sql!(&format!("ANALYZE {tables}"))).await?;
        }
        Ok(())
    }

    async fn lock_point_accounts_in(&mut self, t: TenantId, ids: &[String]) -> AppResult<()> {
        // As `lock_point_account`: a no-op update takes the row locks on PostgreSQL.
        let head = "UPDATE point_accounts SET updated_at_ms = updated_at_ms WHERE tenant_id = ";
        self.exec_in(head, t, "id", ids).await
    }

    async fn set_remaining_many(&mut self, t: TenantId, values: &[(String, i64)]) -> AppResult<()> {
        self.set_many("point_records", "remaining", t, values).await
    }

    async fn set_point_balances_many(
        &mut self,
        t: TenantId,
        values: &[(String, Balances)],
        now_ms: i64,
    ) -> AppResult<()> {
        self.set_balances(t, values, now_ms).await
    }

    async fn lock_members_in(&mut self, t: TenantId, members: &[MemberId]) -> AppResult<()> {
        let head = "UPDATE member_accounts SET updated_at_ms = updated_at_ms WHERE tenant_id = ";
        self.exec_in(head, t, "id", &member_texts(members)).await
    }

    async fn deactivate_tier_record(&mut self, t: TenantId, id: &str) -> AppResult<bool> {
        let changed = self
            .exec(&sql!(
                "UPDATE tier_records SET status = 'inactive' \
                 WHERE tenant_id = $1 AND id = $2 AND status = 'active'",
                t.get(),
                id
            ))
            .await?;
        Ok(changed == 1)
    }

    async fn reset_retention_in(
        &mut self,
        t: TenantId,
        members: &[MemberId],
        now_ms: i64,
    ) -> AppResult<()> {
        self.reset_counters(t, members, now_ms).await
    }
}
