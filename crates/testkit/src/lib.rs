//! Test support. `spawn_app(Db::Sqlite)` starts the whole application on a random port with a
//! fresh database (a temporary SQLite file, or a new PostgreSQL database on the server named by
//! `PATRON_TEST_POSTGRES_URL`), and `both_databases!` writes each test once for both.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod client;
pub mod fixtures;

pub use client::{Client, Reply};

use patron_app::clock::FixedClock;
use patron_app::Store;
use patron_http::{AppState, HttpSettings};
use patron_store::{SqlStore, StoreOptions};
use serde_json::json;
use std::net::SocketAddr;
use std::sync::Arc;

/// The key sealing personal data in tests.
pub const TEST_PII_KEY: [u8; 32] = [42u8; 32];

/// The platform administrator's password in tests.
pub const PLATFORM_PASSWORD: &str = "platform-password-1";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub base: String,
    /// The server's state, for what only it can tell (the order desk's counters).
    pub state: patron_http::AppState,
    pub store: SqlStore,
    pub clock: FixedClock,
    pub db: Db,
    /// The database's URL (the SQLite file, or the PostgreSQL database).
    pub database_url: String,
    _dir: Option<TempDir>,
}

/// A temporary folder removed on drop.
struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Whether PostgreSQL tests should be skipped (only when asked for explicitly).
pub fn skip_postgres() -> bool {
    std::env::var("PATRON_SKIP_POSTGRES").is_ok_and(|v| v == "1")
}

async fn postgres_url() -> String {
    let admin = std::env::var("PATRON_TEST_POSTGRES_URL").expect(
        "PATRON_TEST_POSTGRES_URL is not set: run `eval \"$(scripts/start-postgres.sh)\"` first, or PATRON_SKIP_POSTGRES=1 to skip PostgreSQL tests",
    );
    let name = format!("patron_test_{}", uuid::Uuid::now_v7().simple());
    let pool = sqlx::PgPool::connect(&admin)
        .await
        .expect("cannot reach the PostgreSQL test server");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let (base, _) = admin.rsplit_once('/').unwrap();
    format!("{base}/{name}")
}

/// Opens a fresh, migrated store.
pub async fn fresh_store(db: Db) -> (SqlStore, Option<TempDirHandle>) {
    let (store, dir, _) = fresh_store_with_url(db).await;
    (store, dir)
}

/// Opens a fresh, migrated store and says where it is.
pub async fn fresh_store_with_url(db: Db) -> (SqlStore, Option<TempDirHandle>, String) {
    let (url, dir) = match db {
        Db::Sqlite => {
            let dir =
                std::env::temp_dir().join(format!("patron-test-{}", uuid::Uuid::now_v7().simple()));
            std::fs::create_dir_all(&dir).unwrap();
            (
                format!("sqlite://{}?mode=rwc", dir.join("patron.db").display()),
                Some(TempDirHandle(TempDir(dir))),
            )
        }
        Db::Postgres => (postgres_url().await, None),
    };
    let store = SqlStore::connect(&StoreOptions {
        url: url.clone(),
        max_connections: 8,
    })
    .await
    .unwrap();
    store.migrate().await.unwrap();
    (store, dir, url)
}

/// Keeps a test's temporary folder alive.
pub struct TempDirHandle(TempDir);

/// Starts Patron on a random port with a fresh database and a platform administrator.
pub async fn spawn_app(db: Db) -> TestApp {
    let (store, dir, database_url) = fresh_store_with_url(db).await;
    // A fixed clock at the real time: tests move it explicitly.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let clock = FixedClock::at(now);
    patron_app::bootstrap::ensure_platform_admin(&store, Some(PLATFORM_PASSWORD.into()), now)
        .await
        .unwrap();
    let settings = HttpSettings {
        secure_cookies: false,
        max_body_bytes: 64 * 1024,
    };
    let pii = Arc::new(patron_app::pii::Pii::new(TEST_PII_KEY));
    let state = AppState::new(
        Arc::new(store.clone()),
        Arc::new(clock.clone()),
        pii,
        settings,
    );
    let app = patron_http::router(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    TestApp {
        base: format!("http://{addr}"),
        state,
        store,
        clock,
        db,
        database_url,
        _dir: dir.map(|d| d.0),
    }
}

impl TestApp {
    /// A client with no credentials.
    pub fn anonymous(&self) -> Client {
        Client::new(&self.base)
    }

    /// A client logged in as the platform administrator.
    pub async fn platform_admin(&self) -> Client {
        let mut c = Client::new(&self.base);
        c.login("", "admin", PLATFORM_PASSWORD).await;
        c
    }

    /// Creates a tenant and returns a client logged in as its administrator.
    pub async fn tenant_admin(&self, code: &str) -> Client {
        let platform = self.platform_admin().await;
        let password = format!("{code}-admin-password");
        let r = platform
            .post(
                "/api/v1/platform/tenants",
                &json!({"code": code, "name": format!("Tenant {code}"), "admin_login_name": "admin", "admin_password": password}),
            )
            .await;
        assert_eq!(r.status, 201, "creating tenant {code}: {}", r.body);
        let mut c = Client::new(&self.base);
        c.login(code, "admin", &password).await;
        c
    }

    /// Creates a role with exactly `permissions` and an API key bound to it; returns a client
    /// using the key.
    pub async fn key_with(&self, admin: &Client, permissions: &[&str]) -> Client {
        let key = format!("r{}", uuid::Uuid::now_v7().simple());
        let role = admin
            .post(
                "/api/v1/roles",
                &json!({"key": key, "name": key, "permissions": permissions}),
            )
            .await;
        assert_eq!(role.status, 201, "{}", role.body);
        let created = admin
            .post(
                "/api/v1/api-keys",
                &json!({"name": key, "role_id": role.body["id"]}),
            )
            .await;
        assert_eq!(created.status, 201, "{}", created.body);
        Client::with_key(&self.base, created.body["token"].as_str().unwrap())
    }

    /// The test clock's current instant (unix milliseconds).
    pub fn clock_now(&self) -> i64 {
        use patron_app::clock::Clock;
        self.clock.now_ms()
    }

    pub fn backend(&self) -> &'static str {
        self.store.backend()
    }

    /// Runs one statement on the app's database directly: for rows that no API writes yet
    /// (e.g. a coupon rule naming a group, to see the group refuse deletion).
    pub async fn execute_sql(&self, statement: &str) {
        match self.db {
            Db::Sqlite => {
                let pool = sqlx::SqlitePool::connect(&self.database_url).await.unwrap();
                sqlx::query(statement).execute(&pool).await.unwrap();
                pool.close().await;
            }
            Db::Postgres => {
                let pool = sqlx::PgPool::connect(&self.database_url).await.unwrap();
                sqlx::query(statement).execute(&pool).await.unwrap();
                pool.close().await;
            }
        }
    }
}

/// Writes each test twice: in `mod sqlite` and in `mod postgres`.
#[macro_export]
macro_rules! both_databases {
    ($(async fn $name:ident($app:ident) $body:block)*) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let $app = $crate::spawn_app($crate::Db::Sqlite).await;
                    $body
                }
            )*
        }
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if $crate::skip_postgres() {
                        eprintln!("PATRON_SKIP_POSTGRES=1: skipped");
                        return;
                    }
                    let $app = $crate::spawn_app($crate::Db::Postgres).await;
                    $body
                }
            )*
        }
    };
}
