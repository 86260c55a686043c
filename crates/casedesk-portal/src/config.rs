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

impl Config {
    /// Loads defaults, the file (if given), then the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, Box<figment::Error>> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = file {
            figment = figment.merge(Toml::file_exact(file));
        }
        figment
            .merge(Env::prefixed("CASEDESK_").split("__").ignore(&[
                "config",
                "sqlite_synchronous",
                "password",
                "test_pg_url",
            ]))
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
