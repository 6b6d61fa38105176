//! Start-up: open and migrate the store, bootstrap the platform administrator (and the demo),
//! then serve HTTP until interrupted.

use crate::config::Config;
use anyhow::Context;
use patron_app::bootstrap;
use patron_app::clock::{Clock, SystemClock};
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

pub async fn serve(config: Config, demo: bool) -> anyhow::Result<()> {
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
        let d = bootstrap::seed_demo(&store, now).await?;
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
    let state = AppState::new(Arc::new(store.clone()), Arc::new(clock), settings);
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
