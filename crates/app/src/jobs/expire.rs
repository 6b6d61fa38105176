//! `expire-points` (loyalty-core §7.5, §10.7): for business date `D`, every earning record with
//! points remaining whose expiry came before `D` began gets an Expiry record (change = −what
//! remained) with a relation to it; the source's remaining goes to 0; the account's available
//! goes down and expired up by as much, accumulated unchanged (§10.5).
//!
//! The ledger decides (`Ledger::expire`, `points::ledger::collect`), exactly as for a single
//! posting; only the reads and writes are set-based. Each round reads the accounts of the next
//! due records and splits them between [`WORKERS`] batches that run at once; a batch locks its
//! accounts, loads their open state in three statements, expires everything due in each, and
//! writes all records, relations, remaining points and balances in a few multi-row statements,
//! in one transaction. The run's counts and heartbeat follow each round in a short transaction
//! of their own. Expired sources leave the `remaining > 0` index the batches
//! select from, so a source is expired once however often the job runs.
//!
//! Points of frozen or cancelled members expire too: expiry is the passing of time, not an act
//! of the member.

use super::model::JobRun;
use super::runs::{progress, Now};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::members::model::PointAccount;
use crate::points::ledger;
use crate::ports::Store;
use crate::secrets::new_uuid;
use futures::future::try_join_all;
use patron_domain::ids::TenantId;
use patron_domain::jobs::day_start_ms;
use std::collections::HashMap;

/// Due records looked at per batch (their accounts are expired whole).
const BATCH_RECORDS: u32 = 2_000;
/// Batches run at once, on disjoint accounts. On PostgreSQL each has its own connection and
/// server process, and the server's work per record is what a run waits for; on SQLite they
/// queue on the one writer.
const WORKERS: usize = 2;

/// Groups (account, item) pairs by account.
fn by_account<T>(items: impl IntoIterator<Item = (String, T)>) -> HashMap<String, Vec<T>> {
    let mut out: HashMap<String, Vec<T>> = HashMap::new();
    for (account, item) in items {
        out.entry(account).or_default().push(item);
    }
    out
}

/// What one batch did.
#[derive(Default)]
struct Done {
    records: i64,
    accounts: i64,
    points: i64,
}

/// Expires everything due before `before` in `ids` (accounts with due records), in one
/// transaction: locks them, reads their open state under the locks, lets the ledger decide,
/// writes.
async fn expire_accounts(
    store: &dyn Store,
    t: TenantId,
    ids: &[String],
    before: i64,
    reason: &str,
    now_ms: i64,
) -> AppResult<Done> {
    let mut tx = store.begin().await?;
    tx.lock_point_accounts_in(t, ids).await?;
    // Read under the locks, so no concurrent posting is missed.
    let accounts: Vec<PointAccount> = tx.point_accounts_in(t, ids).await?;
    let mut earnings = by_account(tx.open_earnings_in(t, ids).await?);
    let mut debts = by_account(
        tx.open_debts_in(t, ids)
            .await?
            .into_iter()
            .map(|r| (r.account_id.clone(), ledger::debt(r))),
    );
    let ctx = Ctx::system(Some(t), now_ms);
    let mut bulk = ledger::Bulk::default();
    for account in &accounts {
        let mut book = ledger::book(
            account,
            earnings.remove(&account.id).unwrap_or_default(),
            debts.remove(&account.id).unwrap_or_default(),
        );
        let postings: Vec<_> = book
            .expire(before, || new_uuid().to_string())
            .into_iter()
            .map(|posting| {
                let record = ledger::new_record(&ctx, account, Some(reason.to_string()));
                (posting, record)
            })
            .collect();
        if !postings.is_empty() {
            bulk.add(
                &account.id,
                ledger::collect(&book, &postings, now_ms),
                book.balances,
            );
        }
    }
    let done = Done {
        records: bulk.records.len() as i64,
        accounts: bulk.balances.len() as i64,
        points: -bulk.records.iter().map(|r| r.change).sum::<i64>(),
    };
    bulk.write(&mut *tx, t, now_ms).await?;
    tx.commit().await?;
    Ok(done)
}

pub(crate) async fn run(store: &dyn Store, run: &mut JobRun, now: &Now) -> AppResult<()> {
    let t = run.tenant_id;
    let tz = crate::tenants::zone(&mut *store.reader().await?, t).await?;
    let before = day_start_ms(run.business_date, tz)
        .ok_or_else(|| AppError::Store(format!("no start for day {}", run.business_date)))?;
    let reason = format!("expire-points {}", run.business_date);
    let (mut accounts_done, mut points) = (0i64, 0i64);
    loop {
        let now_ms = now();
        let ids = store
            .reader()
            .await?
            .accounts_with_expired_points(t, before, BATCH_RECORDS * WORKERS as u32)
            .await?;
        if ids.is_empty() {
            break;
        }
        // The accounts are disjoint, so the parts never wait for each other's locks.
        let parts = ids.chunks(ids.len().div_ceil(WORKERS));
        let done = try_join_all(
            parts.map(|part| expire_accounts(store, t, part, before, &reason, now_ms)),
        )
        .await?;
        let written: i64 = done.iter().map(|d| d.records).sum();
        if written == 0 {
            // The scan found due records the ledger does not see as due: stop rather than loop.
            return Err(AppError::Store(format!(
                "{} account(s) have expired points the ledger cannot expire",
                ids.len()
            )));
        }
        accounts_done += done.iter().map(|d| d.accounts).sum::<i64>();
        points += done.iter().map(|d| d.points).sum::<i64>();
        run.processed += written;
        run.changed += written;
        run.summary = Some(serde_json::json!({"accounts": accounts_done, "points": points}));
        let mut tx = store.begin().await?;
        progress(&mut *tx, run, now_ms).await?;
        tx.commit().await?;
    }
    run.summary = Some(serde_json::json!({"accounts": accounts_done, "points": points}));
    Ok(())
}
