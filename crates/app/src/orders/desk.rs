//! Orders through the API, many to a transaction when they arrive together (ADR 0018).
//!
//! An order is some twenty statements when it is written alone; on PostgreSQL each is a round
//! trip whose fixed cost is far larger than its work, and on SQLite each holds the one writer.
//! Orders that arrive while earlier ones are being written wait in a queue; a worker takes
//! everything queued (up to [`MAX_BATCH`]) and accepts the orders of each tenant together
//! ([`accept_together`]), a few statements for the whole batch. An order of a member, or with
//! an external number, already in the batch waits for the next round: one member's orders are
//! still accepted one after another. Under light load a batch is a single order, accepted
//! alone as before.
//!
//! If a batch fails (a member deleted meanwhile, a point group without an account yet, a
//! database error), its transaction is rolled back and each order is accepted alone, so one
//! order's failure is never another's.

use super::accept::{self, Accepted};
use super::resolve::Prepared;
use super::together::{accept_together, external_key};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::ports::{Store, Tx};
use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, Mutex};

/// The most orders one transaction takes.
pub const MAX_BATCH: usize = 256;
/// Transactions of orders open at once where the database writes several at a time: one is
/// gathered while another is written. SQLite has one writer: a second worker's batch would only
/// wait for it, holding orders that could have joined the next.
const WORKERS: usize = 2;
/// A worker that finds fewer orders than this waiting gives others [`GATHER`] to arrive: a
/// lone order holds SQLite's writer about 0.9 ms, one of a batch of thirty about 0.4 ms, and on
/// PostgreSQL each transaction is a dozen round trips whatever its size (ADR 0018).
const FEW: usize = 16;
/// The wait for company (Tokio's timer rounds it up to its next millisecond tick).
const GATHER: Duration = Duration::from_millis(1);
/// Orders that may wait in the queue before callers wait to enter it.
const QUEUE: usize = 4096;

struct Job {
    ctx: Ctx,
    prepared: Prepared,
    reply: oneshot::Sender<AppResult<Accepted>>,
}

/// The queue of orders and its workers. Cheap to share; the workers stop when the last handle
/// is dropped.
#[derive(Clone)]
pub struct OrderDesk {
    queue: mpsc::Sender<Job>,
    counters: Arc<Counters>,
}

#[derive(Default)]
struct Counters {
    together: AtomicU64,
    failed: AtomicU64,
}

/// What the desk has done since the server started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeskStats {
    /// Orders accepted in a batch of more than one.
    pub accepted_together: u64,
    /// Batches that failed, whose orders were then accepted one by one.
    pub failed_batches: u64,
}

impl std::fmt::Debug for OrderDesk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OrderDesk").finish_non_exhaustive()
    }
}

impl OrderDesk {
    /// Starts the workers on the current Tokio runtime.
    pub fn start(store: Arc<dyn Store>) -> Self {
        let (queue, rx) = mpsc::channel(QUEUE);
        let rx = Arc::new(Mutex::new(rx));
        let counters = Arc::new(Counters::default());
        let workers = if store.backend() == "sqlite" {
            1
        } else {
            WORKERS
        };
        for _ in 0..workers {
            tokio::spawn(work(store.clone(), rx.clone(), counters.clone()));
        }
        Self { queue, counters }
    }

    pub fn stats(&self) -> DeskStats {
        DeskStats {
            accepted_together: self.counters.together.load(Ordering::Relaxed),
            failed_batches: self.counters.failed.load(Ordering::Relaxed),
        }
    }

    /// Accepts an [`eligible`](super::together::eligible) order, as [`accept::accept`] in a
    /// transaction of its own would. The order is accepted even if the caller stops waiting.
    pub async fn accept(&self, ctx: Ctx, prepared: Prepared) -> AppResult<Accepted> {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            ctx,
            prepared,
            reply,
        };
        self.queue
            .send(job)
            .await
            .map_err(|_| AppError::Store("the order queue is closed".into()))?;
        answer
            .await
            .map_err(|_| AppError::Store("the order was dropped".into()))?
    }
}

async fn work(store: Arc<dyn Store>, rx: Arc<Mutex<mpsc::Receiver<Job>>>, counters: Arc<Counters>) {
    let mut waiting: Vec<Job> = Vec::new();
    loop {
        if waiting.is_empty() {
            let mut rx = rx.lock().await;
            let Some(first) = rx.recv().await else { return };
            waiting.push(first);
        }
        // What is queued, a moment for company if that is little, then the transaction, then
        // everything queued by the time it began: what arrives while the last batch is written
        // (on SQLite, while this one waits for the writer) joins this batch rather than
        // waiting for the next. A failed begin leaves each order to begin its own and report
        // why it cannot.
        take_waiting(&rx, &mut waiting);
        if waiting.len() < FEW {
            tokio::time::sleep(GATHER).await;
        }
        let mut tx = store.begin().await.ok();
        take_waiting(&rx, &mut waiting);
        let jobs = std::mem::take(&mut waiting);
        // A transaction belongs to one tenant, and takes one order per member and external
        // number; later ones wait for the next round, in their order.
        let mut by_tenant: BTreeMap<i64, Vec<Job>> = BTreeMap::new();
        let mut seen = HashSet::new();
        for job in jobs {
            let tenant = job.ctx.principal.tenant.map_or(0, |t| t.get());
            let member = job.prepared.member.as_ref().map(|m| m.id);
            let first_of_member = seen.insert((tenant, Some(member), None));
            let first_of_number = seen.insert((tenant, None, Some(external_key(&job.prepared))));
            if first_of_member && first_of_number {
                by_tenant.entry(tenant).or_default().push(job);
            } else {
                waiting.push(job);
            }
        }
        // One tenant's batch after another: the next begins once the last has committed, as
        // SQLite's one writer requires.
        for (_, jobs) in by_tenant {
            // On a task of its own, so that a panic costs its batch (whose callers get an
            // error when their answers are dropped), not the worker.
            let (store, counters, tx) = (store.clone(), counters.clone(), tx.take());
            if let Err(e) =
                tokio::spawn(async move { run(&*store, &counters, tx, jobs).await }).await
            {
                tracing::error!(error = %e, "a batch of orders panicked");
            }
        }
    }
}

/// Moves what is queued into `jobs` unless the other worker holds the queue: it waits for
/// orders, so none are queued, and these must not wait for the ones that come next.
fn take_waiting(rx: &Mutex<mpsc::Receiver<Job>>, jobs: &mut Vec<Job>) {
    if let Ok(mut rx) = rx.try_lock() {
        take_queued(&mut rx, jobs);
    }
}

/// Moves what is queued into `jobs`, up to [`MAX_BATCH`].
fn take_queued(rx: &mut mpsc::Receiver<Job>, jobs: &mut Vec<Job>) {
    while jobs.len() < MAX_BATCH {
        match rx.try_recv() {
            Ok(job) => jobs.push(job),
            Err(_) => break,
        }
    }
}

/// Accepts the orders of one tenant together in `tx` (begun here when not given), or each on
/// its own if that fails.
async fn run(store: &dyn Store, counters: &Counters, tx: Option<Box<dyn Tx>>, mut jobs: Vec<Job>) {
    let tx = match tx {
        Some(tx) => tx,
        None => match store.begin().await {
            Ok(tx) => tx,
            Err(_) => {
                for job in jobs {
                    let _ = job.reply.send(alone(store, &job.ctx, job.prepared).await);
                }
                return;
            }
        },
    };
    if jobs.len() == 1 {
        let Some(job) = jobs.pop() else { return };
        let _ = job.reply.send(commit(tx, &job.ctx, job.prepared).await);
        return;
    }
    let (work, replies): (Vec<(Ctx, Prepared)>, Vec<_>) = jobs
        .into_iter()
        .map(|j| ((j.ctx, j.prepared), j.reply))
        .unzip();
    match together(tx, &work).await {
        Ok(done) => {
            let mut left_out = Vec::new();
            for ((job, reply), done) in work.into_iter().zip(replies).zip(done) {
                match done {
                    Some(done) => {
                        counters.together.fetch_add(1, Ordering::Relaxed);
                        // A caller that stopped waiting no longer needs the answer.
                        let _ = reply.send(Ok(done));
                    }
                    None => left_out.push((job, reply)),
                }
            }
            // Refused a coupon: alone, each is refused with the coupon's reason.
            for ((ctx, prepared), reply) in left_out {
                let _ = reply.send(alone(store, &ctx, prepared).await);
            }
        }
        Err(e) => {
            counters.failed.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(
                error = %e,
                size = work.len(),
                "a batch of orders failed; accepting each on its own"
            );
            for ((ctx, prepared), reply) in work.into_iter().zip(replies) {
                let _ = reply.send(alone(store, &ctx, prepared).await);
            }
        }
    }
}

async fn together(
    mut tx: Box<dyn Tx>,
    jobs: &[(Ctx, Prepared)],
) -> AppResult<Vec<Option<Accepted>>> {
    let done = accept_together(&mut *tx, jobs).await?;
    tx.commit().await?;
    Ok(done)
}

/// One order in `tx`, exactly as a request accepts it alone.
async fn commit(mut tx: Box<dyn Tx>, ctx: &Ctx, prepared: Prepared) -> AppResult<Accepted> {
    let done = accept::accept(&mut *tx, ctx, prepared).await?;
    tx.commit().await?;
    Ok(done)
}

async fn alone(store: &dyn Store, ctx: &Ctx, prepared: Prepared) -> AppResult<Accepted> {
    commit(store.begin().await?, ctx, prepared).await
}
