//! Portal configuration: defaults, then a TOML file, then `CASEDESK_*` environment
//! variables, then command-line flags, each overriding the one before.
//!
//! Nested keys use a double underscore in the environment, e.g.
//! `CASEDESK_LIMITS__MAX_UPLOAD_BYTES=52428800` or `CASEDESK_BLOBS__KIND=s3`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

use crate::blobs::BlobConfig;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Where the SQLite file, the local blob store and the upload spool live.
    pub data_dir: PathBuf,
    /// `postgres://…` for PostgreSQL; unset means SQLite in the data directory.
    pub database_url: Option<String>,
    /// The address citizens and desktops use to reach the portal (printed by `--demo`).
    pub public_url: Option<String>,
    /// `text` or `json`.
    pub log_format: LogFormat,
    pub blobs: BlobConfig,
    pub limits: Limits,
    pub sessions: SessionConfig,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Largest JSON request body.
    pub max_json_bytes: usize,
    /// Largest single uploaded file.
    pub max_upload_bytes: u64,
    /// Most files in one application or answer.
    pub max_files_per_submission: usize,
    /// Most commands in one batch.
    pub max_commands_per_batch: usize,
    /// Largest changes page a client may ask for.
    pub max_changes_page: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionConfig {
    pub access_minutes: i64,
    pub refresh_days: i64,
    /// Failed logins per user name within the window before logins are refused.
    pub max_failures_per_user: i64,
    /// Failed logins per client address within the window.
    pub max_failures_per_address: i64,
    pub failure_window_minutes: i64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("data"),
            database_url: None,
            public_url: None,
            log_format: LogFormat::Text,
            blobs: BlobConfig::Local,
            limits: Limits {
                max_json_bytes: 2 * 1024 * 1024,
                max_upload_bytes: 25 * 1024 * 1024,
                max_files_per_submission: 20,
                max_commands_per_batch: 500,
                max_changes_page: 5000,
            },
            sessions: SessionConfig {
                access_minutes: 15,
                refresh_days: 30,
                max_failures_per_user: 5,
                max_failures_per_address: 30,
                failure_window_minutes: 15,
            },
        }
    }
}

/// The top-level keys of [`Config`], for picking them out of the environment.
const CONFIG_KEYS: &[&str] = &[
    "listen",
    "data_dir",
    "database_url",
    "public_url",
    "log_format",
    "blobs",
    "limits",
    "sessions",
];

impl Config {
    /// Loads defaults, the file (if given), then the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, Box<figment::Error>> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = file {
            figment = figment.merge(Toml::file_exact(file));
        }
        figment
            .merge(
                // Only variables that name a configuration key: the same prefix also
                // carries the CLI's `CASEDESK_PASSWORD`, `CASEDESK_SQLITE_SYNCHRONOUS`
                // and the test harness's variables, which are not configuration.
                Env::prefixed("CASEDESK_")
                    .filter(|key| {
                        let top = key.as_str().split("__").next().unwrap_or_default();
                        CONFIG_KEYS.iter().any(|k| top.eq_ignore_ascii_case(k))
                    })
                    .split("__"),
            )
            .extract()
            .map_err(Box::new)
    }

    /// The database URL in effect: PostgreSQL if configured, else the SQLite file.
    pub fn effective_database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}", self.data_dir.join("casedesk.db").display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: CI sets `CASEDESK_TEST_S3_SERVER`, which the portal once took for
    /// an unknown configuration key and refused to start.
    #[test]
    #[allow(
        clippy::result_large_err,
        reason = "figment::Jail's closure type is fixed"
    )]
    fn environment_overrides_nested_keys_and_ignores_other_variables() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("CASEDESK_LIMITS__MAX_UPLOAD_BYTES", "1234");
            jail.set_env("CASEDESK_LISTEN", "0.0.0.0:9000");
            jail.set_env("CASEDESK_TEST_S3_SERVER", "/usr/bin/moto_server");
            jail.set_env("CASEDESK_PASSWORD", "geheim");
            let config = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(config.limits.max_upload_bytes, 1234);
            assert_eq!(config.listen.port(), 9000);
            jail.set_env("CASEDESK_LIMITS__MAX_UPLOAD_BYTE", "1");
            assert!(
                Config::load(None).is_err(),
                "a misspelt nested key was accepted"
            );
            Ok(())
        });
    }
}
