//! The desktop through its command line, plus the shared end-to-end support (portal
//! process, fault proxy) from the `casedesk-tests` crate.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

pub use casedesk_tests::keyring_available;
pub use casedesk_tests::portal::{Portal, PortalUser, http};
pub use casedesk_tests::proxy::{Fault, Proxy};

/// One desktop installation: a data directory and the `casedesk` binary.
pub struct Desktop {
    pub dir: tempfile::TempDir,
}

impl Desktop {
    pub fn new() -> Desktop {
        keyring_available();
        Desktop {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = self.command_for_people(&[]);
        command.arg("--json").args(args);
        command
    }

    /// `casedesk ARGS` printing for people (German text), not JSON.
    pub fn command_for_people(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_casedesk"));
        command
            .args(args)
            .env("CASEDESK_DATA_DIR", self.dir.path())
            .env("CASEDESK_KEYRING_SERVICE", "casedesk-test")
            .env("RUST_LOG", "warn")
            .env_remove("CASEDESK_PASSWORD");
        command
    }

    /// Runs `casedesk ARGS` for people and returns what it printed; panics with its
    /// stderr when it failed.
    pub fn text(&self, args: &[&str]) -> String {
        let output = self
            .command_for_people(args)
            .output()
            .expect("run casedesk");
        assert!(
            output.status.success(),
            "casedesk {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    /// Runs `casedesk --json ARGS` to the end.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run casedesk")
    }

    /// Runs and returns the JSON it printed; panics with its stderr when it failed.
    pub fn json(&self, args: &[&str]) -> Value {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "casedesk {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!(
                "casedesk {args:?} printed no JSON ({e}): {}",
                String::from_utf8_lossy(&output.stdout)
            )
        })
    }

    /// Runs and returns the `{code, message}` error it printed; panics if it succeeded.
    pub fn error(&self, args: &[&str]) -> Value {
        let output = self.run(args);
        assert!(
            !output.status.success(),
            "casedesk {args:?} should have failed: {}",
            String::from_utf8_lossy(&output.stdout)
        );
        // Log lines may come first; the error is the last line.
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        serde_json::from_str(last).unwrap_or_else(|e| {
            panic!(
                "casedesk {args:?} printed no JSON error ({e}): {}",
                String::from_utf8_lossy(&output.stderr)
            )
        })
    }

    pub fn login(&self, portal: &str, user: &str, password: &str) -> Value {
        let output = self
            .command(&["login", "--portal", portal, "--user", user])
            .env("CASEDESK_PASSWORD", password)
            .output()
            .expect("run casedesk login");
        assert!(
            output.status.success(),
            "login failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).unwrap()
    }

    /// One number from the local store, read directly.
    pub async fn scalar(&self, sql: &str) -> i64 {
        use sqlx::Connection;
        let url = format!(
            "sqlite://{}?mode=ro",
            self.dir.path().join("casedesk.db").display()
        );
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap()
    }

    /// Every case aggregate in the local store as the portal last sent it, by id.
    pub async fn server_states(&self) -> std::collections::BTreeMap<String, Value> {
        let store = casedesk_client::store::LocalStore::open(&self.dir.path().join("casedesk.db"))
            .await
            .unwrap();
        let states = store.server_states().await.unwrap();
        store.close().await;
        states
            .into_iter()
            .map(|(id, json)| (id, serde_json::from_str(&json).unwrap()))
            .collect()
    }
}
