//! `patron jobs run|list`: the daily jobs from the command line, for one tenant or all.

use clap::Subcommand;
use patron_app::clock::{Clock, SystemClock};
use patron_app::jobs::model::JobRun;
use patron_app::jobs::runs;
use patron_app::model::{ListQuery, Tenant};
use patron_app::Store;
use patron_domain::jobs::{Job, RunStatus, Trigger};

#[derive(Subcommand)]
pub enum JobsCommand {
    /// Run a job for a business date, for one tenant or for every active tenant, and print
    /// its counts. A (job, tenant, date) runs once: asking again prints the earlier run and
    /// changes nothing; a failed (or interrupted) run is run again. Exits with status 1 if a
    /// run failed.
    Run {
        /// `expire-points`: every earning record with points left whose expiry came before the
        /// business date began gets an expiry record. `tier-retention`: every active tier
        /// record that expired before the business date began is retained or downgraded on
        /// the member's retention counters, which restart at 0. `expire-coupons`: issued
        /// coupons whose validity ended before the business date began expire, and transfers
        /// not accepted in time go back to their givers.
        job: String,
        /// The business date, YYYY-MM-DD, a day in each tenant's time zone, not after its
        /// today. The schedule of `patron serve` uses the tenant's local date.
        #[arg(long = "as-of", value_name = "YYYY-MM-DD")]
        as_of: String,
        /// Only the tenant with this code (default: every active tenant).
        #[arg(long, value_name = "CODE")]
        tenant: Option<String>,
    },
    /// List the latest runs, newest first.
    List {
        /// Only the tenant with this code (default: every active tenant).
        #[arg(long, value_name = "CODE")]
        tenant: Option<String>,
        /// Only runs of this job (`expire-points` or `tier-retention`).
        #[arg(long)]
        job: Option<String>,
        /// Runs per tenant.
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
}

async fn tenants(store: &dyn Store, code: Option<&str>) -> anyhow::Result<Vec<Tenant>> {
    let mut reader = store.reader().await?;
    Ok(match code {
        Some(code) => vec![reader
            .tenant_by_code(code)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no tenant with code '{code}'"))?],
        None => reader.active_tenants().await?,
    })
}

fn line(tenant: &Tenant, r: &JobRun) -> String {
    let summary = r
        .summary
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    let error = r
        .error
        .as_deref()
        .map(|e| format!("  error: {e}"))
        .unwrap_or_default();
    format!(
        "{:<16} {:<15} {}  {:<9}  processed {:>9}  changed {:>9}  {:>8.2} s  {} by {} ({}){}{}",
        tenant.code,
        r.job.name(),
        r.business_date,
        r.status.as_str(),
        r.processed,
        r.changed,
        r.duration_ms() as f64 / 1000.0,
        r.trigger.as_str(),
        r.triggered_by,
        if r.attempts > 1 {
            format!("attempt {}", r.attempts)
        } else {
            "first attempt".into()
        },
        if summary.is_empty() {
            String::new()
        } else {
            format!("  {summary}")
        },
        error,
    )
}

/// Runs the command; `Ok(false)` when a run failed.
pub async fn command(store: &dyn Store, cmd: JobsCommand) -> anyhow::Result<bool> {
    match cmd {
        JobsCommand::Run { job, as_of, tenant } => {
            let job = Job::parse(&job)?;
            let by = std::env::var("USER").unwrap_or_else(|_| "cli".into());
            let now = || SystemClock.now_ms();
            let mut ok = true;
            for t in tenants(store, tenant.as_deref()).await? {
                let date = {
                    let mut reader = store.reader().await?;
                    runs::business_date(&mut *reader, t.id, &as_of, now()).await
                };
                let date = match date {
                    Ok(d) => d,
                    Err(e) => {
                        eprintln!("{:<16} {}: {e}", t.code, job.name());
                        ok = false;
                        continue;
                    }
                };
                let (run, fresh) =
                    runs::run(store, t.id, job, date, Trigger::Cli, &by, &now).await?;
                let prefix = if fresh { "ran    " } else { "earlier" };
                println!("{prefix} {}", line(&t, &run));
                ok &= run.status != RunStatus::Failed;
            }
            Ok(ok)
        }
        JobsCommand::List { tenant, job, limit } => {
            let job = job.as_deref().map(Job::parse).transpose()?;
            let q = ListQuery {
                search: None,
                after: None,
                offset: 0,
                limit,
            };
            for t in tenants(store, tenant.as_deref()).await? {
                let page = store.reader().await?.job_runs(t.id, job, &q).await?;
                for r in &page.items {
                    println!("{}", line(&t, r));
                }
            }
            Ok(true)
        }
    }
}
