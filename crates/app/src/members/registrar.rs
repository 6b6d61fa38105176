//! Registrations through the API, many to a transaction when they arrive together.
//!
//! A registration is a handful of statements, and on PostgreSQL each is a round trip whose cost
//! (messages, executor start, wake-ups on both sides) is far larger than its work. Requests that
//! arrive while earlier ones are being written wait in a queue; a worker takes everything
//! queued (up to [`MAX_BATCH`]) and registers it in one transaction: it resolves each program
//! and store code once, registers the new people together through [`register_newcomers`], and
//! the rest one by one after them, exactly as they would have been alone. Under light load a
//! batch is a single request, so nothing waits for company.
//!
//! A request refused before it wrote anything (a channel account and a phone of two different
//! people) gets its refusal and the batch goes on. Any other failure (a channel account bound
//! meanwhile by another transaction, a database error) rolls the whole transaction back, and
//! each request runs again on its own, so one request's failure never becomes another's.

use super::newcomers::{register_newcomers, Newcomer};
use super::register::{self, register_resolved, Prepared, Registered, Resolved};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::pii::Pii;
use crate::ports::Store;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot, Mutex};

/// The most registrations one transaction takes.
pub const MAX_BATCH: usize = 256;
/// Transactions of registrations open at once. More than one, so that a batch is gathered
/// while another is written; few, since they share the database with everything else.
const WORKERS: usize = 2;
/// Requests that may wait in the queue before callers wait to enter it.
const QUEUE: usize = 4096;

struct Job {
    ctx: Ctx,
    prepared: Prepared,
    reply: oneshot::Sender<AppResult<Registered>>,
}

/// The queue of registrations and its workers. Cheap to share; the workers stop when the last
/// handle is dropped.
#[derive(Clone)]
pub struct Registrar {
    queue: mpsc::Sender<Job>,
}

impl std::fmt::Debug for Registrar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registrar").finish_non_exhaustive()
    }
}

impl Registrar {
    /// Starts the workers on the current Tokio runtime.
    pub fn start(store: Arc<dyn Store>, pii: Arc<Pii>) -> Self {
        let (queue, rx) = mpsc::channel(QUEUE);
        let rx = Arc::new(Mutex::new(rx));
        for _ in 0..WORKERS {
            tokio::spawn(work(store.clone(), pii.clone(), rx.clone()));
        }
        Self { queue }
    }

    /// Registers (or finds) the member, as [`register::register`] in a transaction of its own
    /// would. The registration runs to its end even if the caller stops waiting.
    pub async fn register(&self, ctx: Ctx, prepared: Prepared) -> AppResult<Registered> {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            ctx,
            prepared,
            reply,
        };
        self.queue
            .send(job)
            .await
            .map_err(|_| AppError::Store("the registration queue is closed".into()))?;
        answer
            .await
            .map_err(|_| AppError::Store("the registration was dropped".into()))?
    }
}

async fn work(store: Arc<dyn Store>, pii: Arc<Pii>, rx: Arc<Mutex<mpsc::Receiver<Job>>>) {
    loop {
        let jobs = {
            let mut rx = rx.lock().await;
            let Some(first) = rx.recv().await else { return };
            let mut jobs = vec![first];
            while jobs.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(job) => jobs.push(job),
                    Err(_) => break,
                }
            }
            jobs
        };
        // A transaction belongs to one tenant.
        let mut by_tenant: BTreeMap<i64, Vec<Job>> = BTreeMap::new();
        for job in jobs {
            let tenant = job.ctx.principal.tenant.map_or(0, |t| t.get());
            by_tenant.entry(tenant).or_default().push(job);
        }
        for (_, jobs) in by_tenant {
            // On a task of its own, so that a panic costs its batch (whose callers get an
            // error when their answers are dropped), not the worker.
            let (store, pii) = (store.clone(), pii.clone());
            if let Err(e) = tokio::spawn(async move { run(&*store, &pii, jobs).await }).await {
                tracing::error!(error = %e, "a batch of registrations panicked");
            }
        }
    }
}

/// Registers the jobs of one tenant together, or each on its own if that fails.
async fn run(store: &dyn Store, pii: &Pii, jobs: Vec<Job>) {
    if jobs.len() > 1 {
        match together(store, pii, &jobs).await {
            Ok(done) => {
                for (job, done) in jobs.into_iter().zip(done) {
                    // A caller that stopped waiting no longer needs the answer.
                    let _ = job.reply.send(done);
                }
                return;
            }
            Err(e) => tracing::debug!(
                error = %e,
                size = jobs.len(),
                "a batch of registrations failed; registering each on its own"
            ),
        }
    }
    for job in jobs {
        let done = alone(store, pii, &job).await;
        let _ = job.reply.send(done);
    }
}

async fn together(
    store: &dyn Store,
    pii: &Pii,
    jobs: &[Job],
) -> AppResult<Vec<AppResult<Registered>>> {
    let Some(first) = jobs.first() else {
        return Ok(Vec::new());
    };
    let t = first.ctx.principal.tenant()?;
    let mut tx = store.begin().await?;
    // The program and stores, once per distinct set of codes. A code that does not resolve is
    // the refusal of each request naming it; resolving reads only.
    let mut refs: HashMap<(&str, Option<&str>, Option<&str>), Resolved> = HashMap::new();
    let mut resolved: Vec<AppResult<Resolved>> = Vec::with_capacity(jobs.len());
    for job in jobs {
        let p = &job.prepared;
        let key = (
            p.program.as_str(),
            p.store.as_deref(),
            p.home_store.as_deref(),
        );
        if let Some(r) = refs.get(&key) {
            resolved.push(Ok(r.clone()));
            continue;
        }
        match register::resolve(&mut *tx, t, p).await {
            Ok(r) => {
                refs.insert(key, r.clone());
                resolved.push(Ok(r));
            }
            Err(e @ AppError::Store(_)) => return Err(e),
            Err(e) => resolved.push(Err(e)),
        }
    }
    let (places, people): (Vec<usize>, Vec<Newcomer>) = jobs
        .iter()
        .zip(&resolved)
        .enumerate()
        .filter_map(|(i, (j, r))| {
            let resolved = r.as_ref().ok()?;
            Some((
                i,
                Newcomer {
                    prepared: &j.prepared,
                    resolved,
                },
            ))
        })
        .unzip();
    let mut newcomers: Vec<Option<Registered>> = vec![None; jobs.len()];
    for (i, r) in places
        .into_iter()
        .zip(register_newcomers(&mut *tx, &first.ctx, pii, &people).await?)
    {
        newcomers[i] = r;
    }
    let mut done = Vec::with_capacity(jobs.len());
    for ((job, resolved), registered) in jobs.iter().zip(resolved).zip(newcomers) {
        done.push(match (registered, resolved) {
            (Some(r), _) => Ok(r),
            (None, Err(refused)) => Err(refused),
            (None, Ok(resolved)) => {
                let p = job.prepared.clone();
                match register_resolved(&mut *tx, &job.ctx, pii, p, &resolved).await {
                    Ok(r) => Ok(r),
                    Err(e) if refused_before_writing(&e) => Err(e),
                    Err(e) => return Err(e),
                }
            }
        });
    }
    tx.commit().await?;
    Ok(done)
}

/// One registration in its own transaction. Two first registrations of one channel account
/// (without a phone) can race; the loser's insert is refused by the unique index of bound
/// accounts and, run again, finds the winner's customer.
async fn alone(store: &dyn Store, pii: &Pii, job: &Job) -> AppResult<Registered> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let mut tx = store.begin().await?;
        let result = register::register(&mut *tx, &job.ctx, pii, job.prepared.clone()).await;
        match result {
            Ok(done) => {
                tx.commit().await?;
                return Ok(done);
            }
            Err(e) if attempt < 2 && raced(&e) => continue,
            Err(e) => return Err(e),
        }
    }
}

/// A refusal that [`register_resolved`] makes before its first write, so the transaction it ran
/// in is as it was. (A card number taken can also be found after the customer was written.)
fn refused_before_writing(e: &AppError) -> bool {
    matches!(
        e,
        AppError::Conflict {
            code: "identity_conflict",
            ..
        } | AppError::Validation(_)
    )
}

fn raced(e: &AppError) -> bool {
    matches!(e, AppError::Conflict { code, .. } if register::lost_race(code))
}
