//! Opening the database: which backend, the pools, the per-connection settings and migrations.
//!
//! SQLite allows one writer at a time. Rather than let concurrent writers collide and retry on
//! `SQLITE_BUSY`, transactions queue for one writer connection and reads use separate read-only
//! connections (WAL lets readers run beside the writer); both run inline (see `lite`). A small
//! sqlx pool runs the migrations and readiness pings. PostgreSQL uses one sqlx pool for all.

use crate::card_blocks::CardBlocks;
use crate::error::db;
use crate::lite::LitePool;
use crate::reads::SqlReader;
use crate::writer::LiteWriter;
use crate::writes::SqlTx;
use async_trait::async_trait;
use patron_app::{AppError, AppResult, Reads, Store, Tx};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Option<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Self::Postgres)
        } else if url.starts_with("sqlite:") {
            Some(Self::Sqlite)
        } else {
            None
        }
    }
}

#[derive(Debug, Clone)]
pub struct StoreOptions {
    pub url: String,
    /// Connections of the read pool (and of the only pool on PostgreSQL).
    pub max_connections: u32,
}

/// The SQL store.
#[derive(Clone)]
pub struct SqlStore {
    backend: Backend,
    read: AnyPool,
    write: AnyPool,
    /// SQLite only: the inline read path.
    lite: Option<Arc<LitePool>>,
    /// SQLite only: the inline writer (`write` then only runs the migrations).
    writer: Option<Arc<LiteWriter>>,
    /// PostgreSQL only: card numbers reserved in blocks.
    cards: Option<Arc<CardBlocks>>,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl SqlStore {
    /// Connects; does not migrate (see [`SqlStore::migrate`]).
    pub async fn connect(options: &StoreOptions) -> AppResult<Self> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(&options.url).ok_or_else(|| {
            AppError::Store(format!(
                "database_url must start with sqlite: or postgres:// (got '{}')",
                redact(&options.url)
            ))
        })?;
        let connect = AnyConnectOptions::from_str(&options.url).map_err(db)?;
        let store = match backend {
            Backend::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(options.max_connections)
                    .test_before_acquire(false)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(connect.clone())
                    .await
                    .map_err(db)?;
                let blocks = AnyPoolOptions::new()
                    .max_connections(1)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_lazy_with(connect);
                Self {
                    backend,
                    read: pool.clone(),
                    write: pool,
                    lite: None,
                    writer: None,
                    cards: Some(CardBlocks::new(blocks)),
                }
            }
            Backend::Sqlite => {
                let write = sqlite_pool(1)
                    .connect_with(connect.clone())
                    .await
                    .map_err(db)?;
                // WAL is a property of the file: set once, by the writer, before readers open.
                sqlx::query("PRAGMA journal_mode = WAL")
                    .execute(&write)
                    .await
                    .map_err(db)?;
                // Readiness pings and pool figures still use a small sqlx read pool; reads go
                // through the inline path.
                let read = sqlite_pool(1).connect_with(connect).await.map_err(db)?;
                let lite = Some(LitePool::for_url(&options.url, options.max_connections)?);
                let writer = Some(Arc::new(LiteWriter::open(&options.url)?));
                Self {
                    backend,
                    read,
                    write,
                    lite,
                    writer,
                    cards: None,
                }
            }
        };
        Ok(store)
    }

    /// Applies the migrations of this backend that have not run yet.
    pub async fn migrate(&self) -> AppResult<()> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator
            .run(&self.write)
            .await
            .map_err(|e| AppError::Store(format!("migration failed: {e}")))
    }

    pub fn backend_kind(&self) -> Backend {
        self.backend
    }

    /// Closes the pools (tests and shutdown).
    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
    }
}

fn sqlite_pool(max: u32) -> AnyPoolOptions {
    // No ping before each acquire: on SQLite it is a round trip to the connection's worker
    // thread, as costly as the query itself. A broken connection fails its query instead.
    AnyPoolOptions::new()
        .max_connections(max)
        .min_connections(1)
        .test_before_acquire(false)
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                // NORMAL is durable in WAL mode except for the last transactions on power loss,
                // which is the documented trade-off for a several-fold write speed-up.
                conn.execute("PRAGMA synchronous = NORMAL").await?;
                conn.execute("PRAGMA foreign_keys = ON").await?;
                conn.execute("PRAGMA busy_timeout = 10000").await?;
                Ok(())
            })
        })
}

/// The URL with any password replaced, for messages and `patron config`.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[async_trait]
impl Store for SqlStore {
    fn backend(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    async fn reader(&self) -> AppResult<Box<dyn Reads>> {
        match &self.lite {
            Some(lite) => Ok(Box::new(SqlReader::Lite(lite.get()?))),
            None => Ok(Box::new(SqlReader::Pool(
                self.read.acquire().await.map_err(db)?,
            ))),
        }
    }

    async fn snapshot(&self) -> AppResult<Box<dyn Reads>> {
        match &self.lite {
            Some(lite) => {
                let mut conn = lite.get()?;
                conn.begin_read()?;
                Ok(Box::new(SqlReader::Lite(conn)))
            }
            None => {
                let mut tx = begin_whole(&self.read).await?;
                sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                Ok(Box::new(SqlReader::Snapshot(tx)))
            }
        }
    }

    async fn begin(&self) -> AppResult<Box<dyn Tx>> {
        let tx = match &self.writer {
            Some(writer) => SqlTx::Lite(writer.begin().await?),
            None => SqlTx::Sqlx(
                begin_whole(&self.write).await?,
                self.cards
                    .clone()
                    .ok_or_else(|| AppError::Store("no card blocks".into()))?,
            ),
        };
        Ok(Box::new(tx))
    }

    async fn ping(&self) -> AppResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.read)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn refresh_statistics(&self) -> AppResult<()> {
        // PostgreSQL plans by statistics; stale ones right after a bulk load (a table counted
        // as nearly empty) can send a lookup through the wrong index of a tenant's rows. SQLite
        // plans by its indexes' shapes and has no statistics unless asked.
        if self.backend == Backend::Postgres {
            sqlx::query(
                "ANALYZE customers, member_accounts, channel_bindings, tier_records, point_accounts",
            )
            .execute(&self.write)
            .await
            .map_err(db)?;
        }
        Ok(())
    }

    fn pool_stats(&self) -> Vec<(&'static str, u32, u32)> {
        let idle = |p: &AnyPool| u32::try_from(p.num_idle()).unwrap_or(u32::MAX);
        match self.backend {
            Backend::Postgres => vec![("main", self.read.size(), idle(&self.read))],
            Backend::Sqlite => vec![
                ("read", self.read.size(), idle(&self.read)),
                ("write", self.write.size(), idle(&self.write)),
            ],
        }
    }
}

/// `pool.begin()`, on a task of its own so that it cannot be cancelled half-way. With sqlx 0.8
/// on PostgreSQL a `BEGIN` whose caller is dropped before the answer leaves the connection in a
/// transaction the driver does not track, and the pool hands it out again (ADR 0016). Run to
/// its end, a begun transaction whose caller has gone is dropped normally, and rolled back.
async fn begin_whole(pool: &AnyPool) -> AppResult<sqlx::Transaction<'static, sqlx::Any>> {
    let pool = pool.clone();
    tokio::spawn(async move { pool.begin().await })
        .await
        .map_err(|e| AppError::Store(format!("transaction start failed: {e}")))?
        .map_err(db)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted_from_urls() {
        assert_eq!(
            redact("postgres://patron:s3cret@db:5432/patron"),
            "postgres://patron:***@db:5432/patron"
        );
        assert_eq!(redact("postgres://db/patron"), "postgres://db/patron");
        assert_eq!(
            redact("sqlite://patron-data/patron.db"),
            "sqlite://patron-data/patron.db"
        );
    }
}
