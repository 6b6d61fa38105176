//! `patron`: the command line. It only parses arguments and wires crates together.

mod config;
mod jobs;
mod serve;

use clap::{Parser, Subcommand};
use config::Config;
use std::path::PathBuf;

/// mimalloc instead of the system allocator: a request allocates and frees many small objects
/// (rows, strings, JSON), and glibc's malloc and free took about 14 % of the server's time under
/// load (docs/BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Patron: loyalty CRM and customer data platform for retail brands.
#[derive(Parser)]
#[command(name = "patron", version, about, long_about = None)]
struct Cli {
    /// Configuration file (default: ./patron.toml if present). Environment variables
    /// PATRON_<FIELD> override it, e.g. PATRON_DATABASE_URL, PATRON_LISTEN.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP API and the web console. Applies pending migrations first. With no
    /// configuration it keeps its data in ./patron-data/ (SQLite) and listens on 127.0.0.1:8080.
    Serve {
        /// Create a demo tenant with logins (idempotent) and print how to sign in.
        #[arg(long)]
        demo: bool,
        /// Address to listen on, e.g. 0.0.0.0:8080 (overrides the configuration).
        #[arg(long)]
        listen: Option<String>,
    },
    /// Same as `serve --demo`.
    Demo {
        #[arg(long)]
        listen: Option<String>,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the effective configuration, with secrets redacted.
    Config,
    /// Print a new random key for encrypting personal data (for `pii_key` or `pii_key_file`).
    Keygen,
    /// Recompute every point account and open balance from the ledger's records and relations;
    /// list any difference and exit with status 1 if there is one.
    Verify,
    /// The daily jobs: point expiry and tier retention. `patron serve` runs both every day at
    /// `jobs_daily_at` (tenant's local time); these commands run one by hand or list runs.
    Jobs {
        #[command(subcommand)]
        command: jobs::JobsCommand,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let mut config = Config::load(cli.config.as_deref())?;
    serve::init_tracing(&config.log);
    match cli.command {
        Command::Serve { demo, listen } => {
            if let Some(l) = listen {
                config.listen = l;
            }
            serve::serve(config, demo).await
        }
        Command::Demo { listen } => {
            if let Some(l) = listen {
                config.listen = l;
            }
            serve::serve(config, true).await
        }
        Command::Migrate => {
            let store = serve::open_store(&config).await?;
            store.migrate().await?;
            println!(
                "migrations applied ({})",
                patron_app::Store::backend(&store)
            );
            Ok(())
        }
        Command::Config => {
            print!("{}", config.redacted_toml()?);
            Ok(())
        }
        Command::Verify => {
            let store = serve::open_store(&config).await?;
            // As `serve` does: a database from an older release gets its missing tables first.
            store.migrate().await?;
            let found = patron_app::points::verify::run(&store).await?;
            if found.is_empty() {
                println!("verify: every point account and balance agrees with its records");
                return Ok(());
            }
            for d in &found {
                println!(
                    "tenant {} {} {}: {} stored {}, records say {}",
                    d.tenant_id, d.kind, d.id, d.field, d.stored, d.from_records
                );
            }
            eprintln!("verify: {} difference(s)", found.len());
            std::process::exit(1);
        }
        Command::Jobs { command } => {
            let store = serve::open_store(&config).await?;
            store.migrate().await?;
            let ok = jobs::command(&store, command).await?;
            store.close().await;
            if !ok {
                std::process::exit(1);
            }
            Ok(())
        }
        Command::Keygen => {
            println!("{}", patron_app::pii::Pii::generate_key());
            Ok(())
        }
    }
}
