//! Start-up: open and migrate the store, bootstrap the platform administrator (and the demo),
//! then serve HTTP until interrupted.

use crate::config::Config;
use anyhow::Context;
use patron_app::bootstrap;
use patron_app::clock::{Clock, SystemClock};
use patron_app::pii::Pii;
use patron_http::{AppState, HttpSettings};
use patron_store::{SqlStore, StoreOptions};
use std::net::SocketAddr;
use std::sync::Arc;
use tracing_subscriber::EnvFilter;

pub fn init_tracing(filter: &str) {
    let filter = EnvFilter::try_from_env("RUST_LOG").unwrap_or_else(|_| EnvFilter::new(filter));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
}

pub async fn open_store(config: &Config) -> anyhow::Result<SqlStore> {
    if config.database_url.starts_with("sqlite:") {
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("cannot create {}", config.data_dir.display()))?;
    }
    let options = StoreOptions {
        url: config.database_url.clone(),
        max_connections: config.max_connections,
    };
    Ok(SqlStore::connect(&options).await?)
}

/// The key that seals personal data: configured, or (demo only) a local key file made on the
/// first start. Outside the demo Patron refuses to start without one rather than store PII
/// under a key nobody chose or backed up.
pub fn pii_key(config: &Config, demo: bool) -> anyhow::Result<Pii> {
    if let Some(text) = &config.pii_key {
        return Ok(Pii::new(Pii::parse_key(text)?));
    }
    if let Some(path) = &config.pii_key_file {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the PII key file {}", path.display()))?;
        return Ok(Pii::new(Pii::parse_key(&text)?));
    }
    if !demo {
        anyhow::bail!(
            "no key to encrypt personal data: set pii_key_file (or PATRON_PII_KEY_FILE) to a file \
             holding a key made by `patron keygen`, or run `patron serve --demo` for a demo"
        );
    }
    let path = config.data_dir.join("pii.key");
    if !path.exists() {
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("cannot create {}", config.data_dir.display()))?;
        write_private(&path, &Pii::generate_key())?;
        println!("Created the demo's PII key in {}", path.display());
    }
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    Ok(Pii::new(Pii::parse_key(&text)?))
}

/// Writes a file only its owner can read.
fn write_private(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    writeln!(file, "{text}")?;
    Ok(())
}

pub async fn serve(config: Config, demo: bool) -> anyhow::Result<()> {
    let pii = Arc::new(pii_key(&config, demo)?);
    let store = open_store(&config).await?;
    store.migrate().await?;
    let clock = SystemClock;
    let now = clock.now_ms();
    if let Some(password) =
        bootstrap::ensure_platform_admin(&store, config.platform_admin_password.clone(), now)
            .await?
    {
        println!(
            "Created the platform administrator. Log in at {}/console/login",
            config.public_url()
        );
        println!(
            "  organisation: (leave empty)   login: {}   password: {password}",
            bootstrap::PLATFORM_ADMIN_LOGIN
        );
        println!("  This password is shown only now.");
    }
    if demo {
        let d = bootstrap::seed_demo(&store, &pii, now, bootstrap::DEMO_CUSTOMERS).await?;
        println!(
            "Demo tenant {} at {}/console/login",
            if d.created { "created" } else { "ready" },
            config.public_url()
        );
        println!(
            "  organisation: {}   login: {}   password: {}-admin   (administrator)",
            d.tenant_code, d.admin_login, d.password
        );
        println!(
            "  organisation: {}   login: {}   password: {}-operator   (operator)",
            d.tenant_code, d.operator_login, d.password
        );
    }
    let settings = HttpSettings {
        secure_cookies: config.secure_cookies,
        max_body_bytes: config.max_body_bytes,
    };
    let resumed = patron_app::members::imports::resume_unfinished(
        Arc::new(store.clone()),
        pii.clone(),
        Arc::new(move || SystemClock.now_ms()),
    )
    .await?;
    if resumed > 0 {
        println!("Resumed {resumed} interrupted import(s)");
    }
    match patron_domain::jobs::parse_daily_at(&config.jobs_daily_at) {
        Ok(Some(at)) => {
            tokio::spawn(patron_app::jobs::schedule::daily(
                Arc::new(store.clone()),
                at,
                Arc::new(|| SystemClock.now_ms()),
            ));
            println!(
                "Daily jobs run at {} in each tenant's time zone",
                at.format("%H:%M")
            );
        }
        Ok(None) => println!("Daily jobs are off (jobs_daily_at = \"off\")"),
        Err(e) => anyhow::bail!("jobs_daily_at: {}", e.message),
    }
    let state = AppState::new(Arc::new(store.clone()), Arc::new(clock), pii, settings);
    let app = patron_http::router(state);
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    tracing::info!(listen = %config.listen, backend = patron_app::Store::backend(&store), "patron is serving");
    println!(
        "Patron is listening on {} (console: {}/console)",
        config.listen,
        config.public_url()
    );
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await?;
    store.close().await;
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    tracing::info!("shutting down");
}
