//! Configuration: built-in defaults, then `patron.toml` (or the file named by `--config`), then
//! `PATRON_…` environment variables, each overriding the one before.

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Config {
    /// Address the HTTP server listens on.
    pub listen: String,
    /// `sqlite://…` (default, under `data_dir`) or `postgres://user:password@host/db`.
    pub database_url: String,
    /// Where the embedded database and other local files live.
    pub data_dir: PathBuf,
    /// Connections of the database pool.
    pub max_connections: u32,
    /// Password for the platform administrator created on first start. When absent a password
    /// is generated and printed once.
    pub platform_admin_password: Option<String>,
    /// Mark cookies `Secure` (serve over HTTPS).
    pub secure_cookies: bool,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Log filter, e.g. `info` or `patron=debug,info`.
    pub log: String,
    /// Address printed for people to open (defaults to `http://{listen}`).
    pub public_url: Option<String>,
    /// The key that encrypts personal data at rest: 32 bytes as base64 or 64 hex digits
    /// (`patron keygen` makes one). Prefer `pii_key_file` outside tests.
    pub pii_key: Option<String>,
    /// A file holding the PII key. Required (or `pii_key`) unless serving the demo, which
    /// creates `<data_dir>/pii.key`.
    pub pii_key_file: Option<PathBuf>,
    /// Local time of day (`HH:MM`, in each tenant's time zone) at which `patron serve` runs the
    /// daily jobs (point expiry, then tier retention) for the tenant's date; `off` disables the
    /// schedule.
    pub jobs_daily_at: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            database_url: String::new(),
            data_dir: PathBuf::from("patron-data"),
            max_connections: 8,
            platform_admin_password: None,
            secure_cookies: false,
            max_body_bytes: 1024 * 1024,
            log: "info".into(),
            public_url: None,
            pii_key: None,
            pii_key_file: None,
            jobs_daily_at: "00:30".into(),
        }
    }
}

impl Config {
    /// Loads the configuration. A missing default file is fine; a missing named file is not.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) => {
                anyhow::ensure!(
                    path.exists(),
                    "configuration file {} does not exist",
                    path.display()
                );
                figment = figment.merge(Toml::file(path));
            }
            None => figment = figment.merge(Toml::file("patron.toml")),
        }
        let mut config: Config = figment.merge(Env::prefixed("PATRON_")).extract()?;
        patron_domain::jobs::parse_daily_at(&config.jobs_daily_at)
            .map_err(|e| anyhow::anyhow!("jobs_daily_at: {}", e.message))?;
        if config.database_url.is_empty() {
            config.database_url = format!(
                "sqlite://{}?mode=rwc",
                config.data_dir.join("patron.db").display()
            );
        }
        Ok(config)
    }

    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.listen))
    }

    /// The configuration as TOML with secrets replaced, for `patron config`.
    pub fn redacted_toml(&self) -> anyhow::Result<String> {
        let mut shown = self.clone();
        shown.database_url = patron_store::redact(&shown.database_url);
        if shown.platform_admin_password.is_some() {
            shown.platform_admin_password = Some("***".into());
        }
        if shown.pii_key.is_some() {
            shown.pii_key = Some("***".into());
        }
        Ok(toml::to_string_pretty(&shown)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_keep_data_in_patron_data() {
        let c = Config::load(Some(Path::new("/nonexistent.toml")));
        assert!(c.is_err());
        let c = Figment::from(Serialized::defaults(Config::default()))
            .extract::<Config>()
            .unwrap();
        assert_eq!(c.listen, "127.0.0.1:8080");
        assert_eq!(c.data_dir, PathBuf::from("patron-data"));
        assert_eq!(c.jobs_daily_at, "00:30");
    }

    #[test]
    fn secrets_are_redacted() {
        let c = Config {
            database_url: "postgres://patron:hunter2@db/patron".into(),
            platform_admin_password: Some("very-secret-pass".into()),
            ..Config::default()
        };
        let shown = c.redacted_toml().unwrap();
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(!shown.contains("very-secret-pass"), "{shown}");
        assert!(shown.contains("postgres://patron:***@db/patron"));
    }
}
