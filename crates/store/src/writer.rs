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
//! the committing transaction. That alone lets the WAL grow without bound under steady writes:
//! SQLite starts the WAL over only when a writer begins right after a checkpoint has copied
//! every frame, and a writer that is never idle never begins at such a moment. So once the WAL
//! is large, the checkpointer takes its turn on the writer between two transactions (committing
//! a batch that waits for company) and checkpoints once more, which copies only what was
//! committed since its last round; the next transaction starts the WAL from the beginning.
//! Every write waits during the turn, so the turn is kept short: each round syncs the pages it
//! copied (SQLite itself would leave them all to the turn), and right before the turn a few
//! quicker rounds leave it little to copy.

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

/// When checkpoints run.
#[derive(Clone, Copy)]
struct WalPolicy {
    /// How often the checkpointer copies committed pages back into the database file.
    checkpoint_every: Duration,
    /// A WAL of this many frames is started over (module docs).
    restart_after_frames: i64,
}

impl WalPolicy {
    /// Every 50 ms, so each round's sync is short; the WAL starts over at 32,768 frames (128 MiB
    /// at the default 4 KiB page): each start-over stalls every write for a turn, and at 64 MiB
    /// that was every 0.6 s at 1,000 orders/s.
    const DEFAULT: Self = Self {
        checkpoint_every: Duration::from_millis(50),
        restart_after_frames: 32_768,
    };
}

/// A WAL file that outgrew this (when starting over failed for a while) is cut back to it.
const WAL_SIZE_LIMIT: i64 = 128 << 20;

/// The writer connection's page cache, in KiB.
const WRITER_CACHE_KIB: i64 = 16 * 1024;
/// How long a statement waits for a lock another connection holds.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Rounds of checkpointing at most before the writer's turn to start the WAL over.
const EXTRA_ROUNDS: usize = 4;
/// How long the checkpointer, on the writer's turn, waits for readers of older snapshots.
const READERS_WAIT: Duration = Duration::from_millis(5);

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
    conn.execute_batch(&format!(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
         PRAGMA foreign_keys = ON; PRAGMA journal_size_limit = {WAL_SIZE_LIMIT};"
    ))
    .map_err(fail)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(fail)?;
    Ok(conn)
}

/// How full the WAL is after a checkpoint.
#[derive(Clone, Copy)]
struct Wal {
    frames: i64,
    /// Frames copied into the database file (all of them when the WAL has been started over).
    copied: i64,
}

/// The checkpointer's own connection, and the database file it syncs.
struct Checkpointer {
    conn: Connection,
    file: std::fs::File,
}

impl Checkpointer {
    fn checkpoint(&self, mode: &str) -> Wal {
        self.conn
            .query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |r| {
                Ok(Wal {
                    frames: r.get(1)?,
                    copied: r.get(2)?,
                })
            })
            // A checkpoint that failed copied nothing; the next round tries again.
            .unwrap_or(Wal {
                frames: 0,
                copied: 0,
            })
    }

    /// One round: copies what the readers allow into the database file, then syncs that file.
    /// SQLite syncs the database file only after a checkpoint that copied the whole WAL, which
    /// under steady writes never happens: the copied pages piled up unsynced, and the start-over
    /// had to sync all of them inside the writer's turn (160 ms measured at 1,000 orders/s).
    /// Synced every round, the turn finds one round's pages at most.
    fn round(&self) -> Wal {
        let wal = self.checkpoint("PASSIVE");
        if wal.copied > 0 {
            let _ = self.file.sync_data();
        }
        wal
    }

    /// Copies the rest of the WAL into the database file on the writer's turn, so the next
    /// transaction starts the WAL over (module docs). First, outside the turn, up to
    /// `EXTRA_ROUNDS` more rounds while each is shorter than the one before (it has less to
    /// copy): the turn copies and syncs only what was committed during the last one (the turn
    /// went from 60–70 ms to 7–16 ms at 1,000 orders/s). `RESTART` waits for readers still
    /// using the WAL, at most `READERS_WAIT` (they are short); one still busy leaves it to the
    /// next round.
    fn start_over(&self, mut wal: Wal, writer: &Mutex<Batch>) {
        let mut grew = i64::MAX;
        for _ in 0..EXTRA_ROUNDS {
            let next = self.round();
            // Frames committed since the previous round began: what a turn now would copy.
            let growth = next.frames - wal.frames;
            wal = next;
            if growth >= grew {
                break;
            }
            grew = growth;
        }
        let mut batch = writer.blocking_lock();
        if batch.open {
            // Transactions released into the batch wait for a commit that only a later turn on
            // the writer gives: this one.
            let _ = batch.finish();
        }
        self.checkpoint("RESTART");
    }
}

impl LiteWriter {
    pub fn open(url: &str) -> AppResult<Self> {
        Self::open_with(url, WalPolicy::DEFAULT)
    }

    fn open_with(url: &str, policy: WalPolicy) -> AppResult<Self> {
        let path = file_of(url)?;
        let conn = open(&path)?;
        // Checkpoints run on their own thread; each transaction's savepoint journal (the pages
        // as they were before it) stays in memory instead of a temporary file. A batch of
        // orders changes a few thousand pages: in SQLite's default 2 MB cache they were spilled
        // to the WAL mid-transaction and read back from the file, a fifth of the writer's time;
        // 16 MiB holds them (orders/s at saturation +4.5 %; 64 MiB and more was slower again,
        // every commit walking the larger cache).
        conn.execute_batch(&format!(
            "PRAGMA wal_autocheckpoint = 0; PRAGMA temp_store = MEMORY; \
             PRAGMA cache_size = -{WRITER_CACHE_KIB}"
        ))
        .map_err(fail)?;
        conn.set_prepared_statement_cache_capacity(256);
        let batch = Arc::new(Mutex::new(Batch {
            conn,
            open: false,
            generation: 0,
            began: Instant::now(),
            waiting: Vec::new(),
        }));
        let checkpoints = Checkpointer {
            conn: open(&path)?,
            file: std::fs::File::open(&path)
                .map_err(|e| AppError::Store(format!("cannot open {path}: {e}")))?,
        };
        checkpoints.conn.busy_timeout(READERS_WAIT).map_err(fail)?;
        let writer = Arc::clone(&batch);
        let (stop, stopped) = mpsc::channel::<()>();
        std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || {
                // Until the writer is dropped. A busy checkpoint is retried on the next round.
                while let Err(mpsc::RecvTimeoutError::Timeout) =
                    stopped.recv_timeout(policy.checkpoint_every)
                {
                    let wal = checkpoints.round();
                    if wal.frames >= policy.restart_after_frames {
                        checkpoints.start_over(wal, &writer);
                    }
                }
            })
            .map_err(|e| AppError::Store(format!("cannot start the checkpointer: {e}")))?;
        Ok(Self {
            batch,
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

#[cfg(test)]
mod tests {
    use super::{LiteWriter, WalPolicy};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    /// The WAL header's checkpoint sequence number (bytes 12–15, big-endian) counts the
    /// start-overs.
    fn restarts(wal: &std::path::Path) -> u32 {
        use std::io::Read;
        let mut header = [0u8; 16];
        std::fs::File::open(wal)
            .unwrap()
            .read_exact(&mut header)
            .unwrap();
        u32::from_be_bytes(header[12..16].try_into().unwrap())
    }

    /// Commits up to `commits` transactions back to back, with a reader always busy, as under
    /// sustained load, and stops early once the WAL has started over `enough` times; returns
    /// the size of the WAL file at the end and how often it started over.
    async fn steady_writes(
        name: &str,
        restart_after_frames: i64,
        commits: i64,
        enough: u32,
    ) -> (u64, u32) {
        let dir = std::env::temp_dir().join(format!("patron-wal-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("w.db");
        let wal = dir.join("w.db-wal");
        let url = format!("sqlite://{}", path.display());
        let policy = WalPolicy {
            checkpoint_every: Duration::from_millis(5),
            restart_after_frames,
        };
        let writer = LiteWriter::open_with(&url, policy).unwrap();
        {
            let mut tx = writer.begin().await.unwrap();
            tx.conn()
                .unwrap()
                .execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)")
                .unwrap();
            tx.commit().await.unwrap();
        }
        let done = Arc::new(AtomicBool::new(false));
        let reading = {
            let (done, path) = (Arc::clone(&done), path.clone());
            std::thread::spawn(move || {
                let conn = rusqlite::Connection::open(&path).unwrap();
                while !done.load(Ordering::Relaxed) {
                    let _: Option<i64> = conn
                        .query_row("SELECT max(id) FROM t", [], |r| r.get(0))
                        .unwrap();
                    // Leaves the checkpointer some of this machine's cores.
                    std::thread::sleep(Duration::from_micros(100));
                }
            })
        };
        for i in 0..commits {
            let mut tx = writer.begin().await.unwrap();
            tx.conn()
                .unwrap()
                .execute("INSERT INTO t (id, v) VALUES (?1, zeroblob(3000))", [i])
                .unwrap();
            tx.commit().await.unwrap();
            if i % 500 == 499 && restarts(&wal) >= enough {
                break;
            }
        }
        done.store(true, Ordering::Relaxed);
        reading.join().unwrap();
        let result = (std::fs::metadata(&wal).unwrap().len(), restarts(&wal));
        drop(writer);
        let _ = std::fs::remove_dir_all(&dir);
        result
    }

    #[tokio::test]
    async fn the_wal_stays_bounded_under_steady_writes() {
        // Each of the 6,000 commits appends a few frames of 4 KiB: about 72 MiB of WAL if it
        // never starts over.
        let (unbounded, never) = steady_writes("unbounded", i64::MAX, 6_000, u32::MAX).await;
        assert_eq!(never, 0);
        assert!(unbounded > 48 << 20, "without a restart: {unbounded} bytes");
        // With a start-over after 256 frames (1 MiB) the WAL starts over again and again: 3–7
        // times in the first 6,000 commits on this machine, fewer when other tests share its
        // cores and disk (a reader descheduled in its transaction makes the turn wait), so up
        // to ten times as many commits may be needed. (What is committed during the
        // checkpointer's rounds comes on top of the 256 frames, and the file keeps the largest
        // size it reached, from the first cycle, when a new file's first syncs are slow.)
        let (bounded, restarts) = steady_writes("bounded", 256, 60_000, 3).await;
        assert!(restarts >= 3, "the WAL started over {restarts} times");
        assert!(
            bounded < 128 << 20,
            "with a restart after 256 frames: {bounded} bytes"
        );
    }
}
