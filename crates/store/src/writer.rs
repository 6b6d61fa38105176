//! The SQLite writer: one connection, inline statements, and group commit (ADR 0008).
//!
//! SQLite has one writer at a time, so transactions queue for the writer connection behind an
//! async mutex (fair, first come first served) instead of failing busy. Committing is the
//! dearest part of a short transaction: every changed page is appended to the WAL again. So a
//! transaction that finishes while others are queued does not commit on its own: it releases its
//! savepoint inside the open database transaction, hands the writer on, and waits; the last one
//! of the queue commits for all and tells each the outcome. A transaction that fails rolls back
//! to its savepoint and leaves the others' work intact. Nobody answers a client before the
//! commit that holds its change, so a batch is invisible from outside: either all of it is
//! durable or every caller sees the error.
//!
//! Checkpoints (copying the WAL back into the database file) run on their own thread, not in
//! the committing transaction.

use crate::error::lite as fail;
use crate::lite::file_of;
use patron_app::{AppError, AppResult};
use rusqlite::Connection;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};
use tokio::sync::{oneshot, Mutex, OwnedMutexGuard};

/// At most this many transactions share one commit...
const MAX_BATCH: usize = 64;
/// ...and a commit waits for company at most this long after the database transaction began.
const MAX_AGE: Duration = Duration::from_millis(5);
/// A transaction waiting for its batch's commit takes the commit on itself after this long (the
/// one that was to commit may have been cancelled while queued).
const LINGER: Duration = Duration::from_millis(20);
/// How often the checkpointer copies committed pages back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

type Outcome = Result<(), String>;

/// The writer connection and the database transaction open on it.
struct Batch {
    conn: Connection,
    /// A database transaction is open (`BEGIN` ran, `COMMIT` not yet).
    open: bool,
    /// Counts database transactions, so a late helper does not commit a newer batch.
    generation: u64,
    began: Instant,
    /// Transactions released into the open database transaction, waiting for its commit.
    waiting: Vec<oneshot::Sender<Outcome>>,
}

impl Batch {
    fn run(&mut self, sql: &str) -> AppResult<()> {
        self.conn
            .prepare_cached(sql)
            .and_then(|mut s| s.execute([]))
            .map(|_| ())
            .map_err(fail)
    }

    /// Commits the database transaction and tells every waiting transaction the outcome.
    fn finish(&mut self) -> Outcome {
        let outcome = if self.conn.is_autocommit() {
            // SQLite itself rolled the transaction back (a full disk, an I/O error).
            Err("the database rolled the transaction back".to_string())
        } else {
            self.run("COMMIT").map_err(|e| e.to_string())
        };
        if outcome.is_err() && !self.conn.is_autocommit() {
            let _ = self.run("ROLLBACK");
        }
        self.open = false;
        self.generation += 1;
        for w in self.waiting.drain(..) {
            // A waiter that has gone (its request was cancelled) needs no answer.
            let _ = w.send(outcome.clone());
        }
        outcome
    }

    /// Ends the database transaction when nobody is left to add to it.
    fn close_if_last(&mut self, queued: usize) {
        if !self.open || (queued > 0 && self.has_room()) {
            return;
        }
        if self.waiting.is_empty() {
            let _ = self.run("ROLLBACK");
            self.open = false;
            self.generation += 1;
        } else {
            let _ = self.finish();
        }
    }

    fn has_room(&self) -> bool {
        self.waiting.len() < MAX_BATCH && self.began.elapsed() < MAX_AGE
    }
}

/// The one writer connection to a SQLite file.
pub(crate) struct LiteWriter {
    batch: Arc<Mutex<Batch>>,
    /// Transactions waiting for the writer.
    queued: Arc<AtomicUsize>,
    /// Dropping it stops the checkpointer.
    _checkpointer: mpsc::Sender<()>,
}

/// Counts a transaction as queued until it holds the writer (or is cancelled).
struct Queued(Arc<AtomicUsize>);

impl Drop for Queued {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn open(path: &str) -> AppResult<Connection> {
    let conn = Connection::open(path).map_err(fail)?;
    // NORMAL is durable in WAL mode except for the last transactions on power loss, the
    // documented trade-off for a several-fold write speed-up (as on the sqlx connections).
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
         PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
    )
    .map_err(fail)?;
    Ok(conn)
}

impl LiteWriter {
    pub fn open(url: &str) -> AppResult<Self> {
        let path = file_of(url)?;
        let conn = open(&path)?;
        // Checkpoints run on their own thread; each transaction's savepoint journal (the pages
        // as they were before it) stays in memory instead of a temporary file.
        conn.execute_batch("PRAGMA wal_autocheckpoint = 0; PRAGMA temp_store = MEMORY")
            .map_err(fail)?;
        conn.set_prepared_statement_cache_capacity(256);
        let checkpoints = open(&path)?;
        let (stop, stopped) = mpsc::channel::<()>();
        std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || {
                // Until the writer is dropped. A busy checkpoint is retried on the next round.
                while let Err(mpsc::RecvTimeoutError::Timeout) =
                    stopped.recv_timeout(CHECKPOINT_EVERY)
                {
                    let _ = checkpoints.execute_batch("PRAGMA wal_checkpoint(PASSIVE)");
                }
            })
            .map_err(|e| AppError::Store(format!("cannot start the checkpointer: {e}")))?;
        Ok(Self {
            batch: Arc::new(Mutex::new(Batch {
                conn,
                open: false,
                generation: 0,
                began: Instant::now(),
                waiting: Vec::new(),
            })),
            queued: Arc::new(AtomicUsize::new(0)),
            _checkpointer: stop,
        })
    }

    /// Waits for the writer and begins a transaction on it.
    pub async fn begin(&self) -> AppResult<LiteTx> {
        self.queued.fetch_add(1, Ordering::SeqCst);
        let queued = Queued(Arc::clone(&self.queued));
        let mut batch = Arc::clone(&self.batch).lock_owned().await;
        drop(queued);
        if !batch.open {
            // IMMEDIATE takes the write lock now, so a transaction never fails half-way for want
            // of it (the sqlx pool that ran the migrations is the only other writer).
            batch.run("BEGIN IMMEDIATE")?;
            batch.open = true;
            batch.began = Instant::now();
        }
        if let Err(e) = batch.run("SAVEPOINT tx") {
            batch.close_if_last(self.queued.load(Ordering::SeqCst));
            return Err(e);
        }
        Ok(LiteTx {
            batch: Some(batch),
            shared: Arc::clone(&self.batch),
            queued: Arc::clone(&self.queued),
        })
    }
}

/// A transaction on the writer (a savepoint in the open database transaction); rolled back
/// when dropped before [`LiteTx::commit`].
pub(crate) struct LiteTx {
    batch: Option<OwnedMutexGuard<Batch>>,
    shared: Arc<Mutex<Batch>>,
    queued: Arc<AtomicUsize>,
}

impl LiteTx {
    pub fn conn(&mut self) -> AppResult<&mut Connection> {
        match &mut self.batch {
            Some(b) => Ok(&mut b.conn),
            None => Err(AppError::Store("the transaction has ended".into())),
        }
    }

    /// Commits: at once when nobody is queued, else together with the queue (module docs).
    pub async fn commit(mut self) -> AppResult<()> {
        let Some(mut batch) = self.batch.take() else {
            return Err(AppError::Store("the transaction has ended".into()));
        };
        if let Err(e) = batch.run("RELEASE tx") {
            let _ = batch.run("ROLLBACK TO tx");
            let _ = batch.run("RELEASE tx");
            batch.close_if_last(self.queued.load(Ordering::SeqCst));
            return Err(e);
        }
        if self.queued.load(Ordering::SeqCst) == 0 || !batch.has_room() {
            return batch.finish().map_err(AppError::Store);
        }
        let (tell, mut told) = oneshot::channel();
        batch.waiting.push(tell);
        let generation = batch.generation;
        drop(batch);
        if let Ok(outcome) = tokio::time::timeout(LINGER, &mut told).await {
            return outcome
                .unwrap_or_else(|_| Err("the writer has gone".into()))
                .map_err(AppError::Store);
        }
        // Whoever was to commit has not: do it (unless a newer batch is open by now).
        let mut batch = self.shared.lock().await;
        if batch.open && batch.generation == generation {
            batch.finish().map_err(AppError::Store)?;
        }
        drop(batch);
        told.await
            .unwrap_or_else(|_| Err("the writer has gone".into()))
            .map_err(AppError::Store)
    }
}

impl Drop for LiteTx {
    fn drop(&mut self) {
        if let Some(batch) = &mut self.batch {
            // Nothing to report to: the use case has already failed with its own error.
            if !batch.conn.is_autocommit() {
                let _ = batch.run("ROLLBACK TO tx");
                let _ = batch.run("RELEASE tx");
            }
            batch.close_if_last(self.queued.load(Ordering::SeqCst));
        }
    }
}
