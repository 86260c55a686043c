//! The SQLite backend: the embedded default, one file in the data directory.
//!
//! One writer connection (SQLite allows one writer at a time; queueing writers in the
//! pool avoids `SQLITE_BUSY` retries) and a pool of read-only connections that read
//! concurrently thanks to WAL. The file is created on first start.

use std::str::FromStr;
use std::time::Duration;

use sqlx::Executor;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};

use super::StoreResult;
use super::dialect::Dialect;
use super::sql::SqlStore;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");

/// How durable a commit is. `Full` syncs the WAL on every commit (nothing committed is
/// lost on power failure); `Normal` syncs at checkpoints (safe against a crashed
/// process, may lose the last commits on power loss).
fn synchronous_pragma() -> &'static str {
    match std::env::var("CASEDESK_SQLITE_SYNCHRONOUS").as_deref() {
        Ok("normal") | Ok("NORMAL") => "NORMAL",
        _ => "FULL",
    }
}

/// Opens (creating if needed) and migrates the SQLite database at `url`
/// (`sqlite:///path/to/casedesk.db` or `sqlite:relative.db`).
pub async fn open(url: &str) -> StoreResult<SqlStore> {
    sqlx::any::install_default_drivers();
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    if let Some(parent) = std::path::Path::new(path).parent() {
        if !parent.as_os_str().is_empty() {
            std::fs::create_dir_all(parent).map_err(|e| {
                super::StoreError::Invalid(format!("cannot create {}: {e}", parent.display()))
            })?;
        }
    }
    let options = AnyConnectOptions::from_str(&format!("sqlite://{path}?mode=rwc"))?;
    let synchronous = synchronous_pragma();
    let writer = AnyPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(move |conn, _| {
            Box::pin(async move {
                conn.execute(
                    format!(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = {synchronous}; \
                         PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
                         PRAGMA cache_size = -32768;"
                    )
                    .as_str(),
                )
                .await?;
                Ok(())
            })
        })
        .connect_with(options.clone())
        .await?;
    MIGRATOR.run(&writer).await?;
    let readers = std::thread::available_parallelism().map_or(4, |n| n.get() as u32 * 2);
    let reader = AnyPoolOptions::new()
        .max_connections(readers.max(4))
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(|conn, _| {
            Box::pin(async move {
                conn.execute(
                    // Memory-mapped reads spare a copy per page when bootstrap streams
                    // hundreds of megabytes of aggregates. The map covers up to 2 GiB
                    // (SQLite's compile-time ceiling), a 100,000-case tenant is about
                    // 1.4 GB; pages beyond the map are read through the page cache.
                    "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA query_only = ON; \
                     PRAGMA mmap_size = 2147418112; PRAGMA cache_size = -32768;",
                )
                .await?;
                Ok(())
            })
        })
        .connect_with(options)
        .await?;
    SqlStore::new(Dialect::Sqlite, writer, reader, None).await
}
