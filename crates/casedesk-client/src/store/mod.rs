//! The local SQLite store: the office inbox's case aggregates, the outbox, sync state,
//! the service catalog and the blob cache index, in one database file so that a local
//! change and its outbox entry commit together.
//!
//! One writer connection (SQLite allows one writer at a time anyway, and a single
//! connection never hits the lock-upgrade deadlock of two deferred transactions) and a
//! small pool of read-only connections that never block on it in WAL mode.
//! `synchronous = FULL` by default: a command the user saw accepted survives a power
//! cut. Portal data, which the portal can send again, commits with `NORMAL` (see
//! `sync::in_cache_transaction`).
//!
//! This module opens the store and runs an initial load's checkpointing; the tables
//! are written by its parts: `state` (the `sync_state` facts), `directory` (services
//! and staff), `case_row` (the inbox columns read from an aggregate), `server_cases`
//! (the portal's case states) and `local_view` (what the user sees: the portal's state
//! plus the outbox). The inbox's queries are in `crate::inbox`, the outbox's writes in
//! `crate::outbox`.

mod case_row;
mod directory;
mod local_view;
mod server_cases;
mod state;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::SqliteConnection;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use uuid::Uuid;

use crate::codec::{Codec, Dictionary};
use crate::error::{ClientError, Result};

pub(crate) use directory::put_staff;
pub use local_view::Me;
pub(crate) use local_view::{apply_locally, cases_in_outbox, effective_case, rebase};
pub(crate) use server_cases::{
    Freshness, ServerCase, create_case_indexes, put_dictionary, remove_cases, write_server_cases,
};
pub(crate) use state::{delete_state, keys, set_state};

/// The migrations of the local cache, from the workspace's top-level `migrations/`.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

/// Page cache of the writer connection (KiB, as SQLite's negative `cache_size`).
const WRITER_CACHE: &str = "-32768";
/// Page cache of each reading connection (KiB). Two connections of 16 MB answer the
/// full-text queries of a 100,000-case store about as fast as memory-mapped reads did
/// (BENCHMARKS.md, desktop engine), in a bounded 32 MB.
const READER_CACHE: &str = "-16384";
/// Reading connections: the UI asks for a list page and its count at once.
const READERS: u32 = 2;
/// The size the write-ahead log's file is cut back to after a checkpoint (bytes).
const WAL_SIZE_LIMIT: &str = "67108864";
/// SQLite's default automatic checkpoint (pages), restored after an initial load.
const WAL_AUTOCHECKPOINT: &str = "1000";

#[derive(Debug, Clone)]
pub struct LocalStore {
    pub(crate) writer: SqlitePool,
    pub(crate) reader: SqlitePool,
    path: PathBuf,
    /// How to open a writable connection of its own (the background checkpoint).
    options: SqliteConnectOptions,
    /// The checkpoint that follows an initial load, while it runs.
    checkpoint: Arc<std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>>,
    /// How `case_json` packs aggregates, with the store's dictionaries.
    codec: Codec,
}

impl LocalStore {
    /// Opens (creating if needed) the store at `path` and applies pending migrations.
    pub async fn open(path: &Path) -> Result<Self> {
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent).await?;
        }
        // Memory: the desktop app keeps this store open all day beside a webview, so
        // page caches are sized for the work each connection does. The writer's is
        // large for bulk loads and given back after them (`release_memory`); readers
        // answer the UI's indexed queries from small caches over the OS's file cache
        // (no `mmap_size`: mapped pages would count as the app's resident memory).
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30))
            .pragma("temp_store", "memory")
            // After the log was copied into the database, its file is cut back to
            // this size instead of keeping the size of the largest load.
            .pragma("journal_size_limit", WAL_SIZE_LIMIT);
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options.clone().pragma("cache_size", WRITER_CACHE))
            .await?;
        MIGRATOR.run(&writer).await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(READERS)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(
                options
                    .clone()
                    .read_only(true)
                    .pragma("cache_size", READER_CACHE)
                    .pragma("query_only", "1"),
            )
            .await?;
        let codec = Codec::default();
        let stored: Vec<(Vec<u8>,)> =
            sqlx::query_as("SELECT dictionary FROM case_dictionaries ORDER BY position")
                .fetch_all(&writer)
                .await?;
        for (bytes,) in stored {
            let dictionary = Dictionary::from_bytes(bytes).ok_or_else(|| {
                ClientError::Protocol("stored compression dictionary damaged".into())
            })?;
            codec.make_current(Arc::new(dictionary));
        }
        Ok(Self {
            writer,
            reader,
            path: path.to_owned(),
            options,
            checkpoint: Arc::default(),
            codec,
        })
    }

    /// Ends an initial load ([`begin_initial_load`]), whether it finished or not:
    /// copies the write-ahead log into the database file on a connection of its own,
    /// then gives the writer its automatic checkpoints back.
    ///
    /// An initial load leaves hundreds of megabytes in the log; syncing and copying
    /// them takes a second or more of disk time the user should not wait for. So the
    /// writer stays without automatic checkpoints until this one is done: otherwise
    /// its next commit would start a checkpoint of its own and wait for the disk
    /// (the sync of the whole log) in the middle of the user's work. A `PASSIVE`
    /// checkpoint never blocks writers or readers; frames written while it runs are
    /// left for the writer's automatic checkpoints.
    pub(crate) fn finish_initial_load_in_background(&self) {
        let options = self.options.clone();
        let writer = self.writer.clone();
        // A previous load's checkpoint (a wiped and reloaded store) finishes first:
        // each ends by restoring the writer's setting, which must not be skipped.
        let previous = self.checkpoint.lock().expect("checkpoint slot").take();
        let task = tokio::spawn(async move {
            if let Some(previous) = previous {
                let _ = previous.await;
            }
            let result = async {
                use sqlx::Connection;
                let mut conn = SqliteConnection::connect_with(&options).await?;
                sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                    .execute(&mut conn)
                    .await?;
                conn.close().await?;
                Ok::<_, sqlx::Error>(())
            }
            .await;
            match result {
                Ok(()) => tracing::debug!("log checkpointed after the initial load"),
                // Not a failure of anything the user did: the writer's automatic
                // checkpoints copy the log later.
                Err(error) => tracing::warn!(%error, "background checkpoint failed"),
            }
            if let Err(error) = end_initial_load(&writer).await {
                // Only a closed store gets here; a reopened one starts with the
                // default setting.
                tracing::warn!(%error, "automatic checkpoints not restored");
            }
        });
        *self.checkpoint.lock().expect("checkpoint slot") = Some(task);
    }

    /// Gives the writer's page cache back to the allocator after a bulk load; it
    /// grows again only as far as later writes need.
    pub(crate) async fn release_memory(&self) -> Result<()> {
        sqlx::query("PRAGMA shrink_memory")
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// Packs and unpacks the aggregates in `case_json`.
    pub(crate) fn codec(&self) -> &Codec {
        &self.codec
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Waits for a background checkpoint to finish, if one runs.
    pub(crate) async fn checkpointed(&self) {
        let checkpoint = self.checkpoint.lock().expect("checkpoint slot").take();
        if let Some(checkpoint) = checkpoint {
            let _ = checkpoint.await;
        }
    }

    pub async fn close(&self) {
        self.checkpointed().await;
        self.reader.close().await;
        self.writer.close().await;
    }

    /// Empties every table: a fresh start for another user or after `logout --wipe`.
    pub(crate) async fn wipe(&self) -> Result<()> {
        let mut tx = self.writer.begin().await?;
        for table in [
            // The dictionaries hold fragments of the cases: they go with them.
            "DELETE FROM case_dictionaries",
            "DELETE FROM case_search",
            "DELETE FROM case_json",
            "DELETE FROM cases",
            "DELETE FROM outbox",
            "DELETE FROM sync_state",
            "DELETE FROM services",
            "DELETE FROM blobs",
            "DELETE FROM staff",
        ] {
            sqlx::query(table).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        self.codec.clear();
        Ok(())
    }
}

/// Prepares the writer connection for loading a snapshot into an empty store: no
/// automatic checkpoints until [`LocalStore::finish_initial_load_in_background`] has
/// copied the log, so nothing waits for the disk while the load runs or just after.
///
/// Batches commit with `synchronous = NORMAL` and the log is never copied into the
/// database meanwhile, so the load writes only into the OS's file cache. That costs
/// no safety: WAL commits stay atomic and in order, so after a power cut the store is
/// the snapshot up to some batch together with the resume point of that batch (the
/// rest is fetched again), and the next `FULL` commit (any outbox entry) syncs the
/// whole log before it, the snapshot included. A killed process loses nothing: the
/// log is in the file cache.
pub(crate) async fn begin_initial_load(conn: &mut SqliteConnection) -> Result<()> {
    sqlx::query("PRAGMA wal_autocheckpoint = 0")
        .execute(&mut *conn)
        .await?;
    server_cases::drop_case_indexes(conn).await
}

/// Restores the writer's automatic checkpoints after [`begin_initial_load`] (the
/// pool has one connection, so this reaches the one that loaded).
async fn end_initial_load(writer: &SqlitePool) -> Result<()> {
    sqlx::query(&format!("PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT}"))
        .execute(writer)
        .await?;
    Ok(())
}

pub(crate) fn parse_uuid(text: &str) -> Result<Uuid> {
    Uuid::from_str(text).map_err(|e| ClientError::Protocol(format!("{text}: {e}")))
}

#[cfg(test)]
mod tests {
    use sqlx::{QueryBuilder, Sqlite};

    use super::*;

    async fn autocheckpoint(conn: &mut SqliteConnection) -> i64 {
        sqlx::query_scalar("PRAGMA wal_autocheckpoint")
            .fetch_one(conn)
            .await
            .unwrap()
    }

    /// An initial load writes only into the log; afterwards the background checkpoint
    /// copies the log into the database file, and then automatic checkpoints are back.
    #[tokio::test]
    async fn an_initial_load_defers_checkpoints_and_copies_the_log_afterwards() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("casedesk.db");
        let size = |name: &str| std::fs::metadata(dir.path().join(name)).unwrap().len();
        let store = LocalStore::open(&path).await.unwrap();
        let mut conn = store.writer.acquire().await.unwrap();
        begin_initial_load(&mut conn).await.unwrap();
        assert_eq!(autocheckpoint(&mut conn).await, 0);
        // Ten megabytes, ten times one automatic checkpoint's worth, in batches.
        for batch in 0..20 {
            let mut insert = QueryBuilder::<Sqlite>::new("INSERT INTO sync_state (key, value) ");
            insert.push_values(0..500, |mut values, i| {
                values
                    .push_bind(format!("filler-{batch}-{i}"))
                    .push_bind("x".repeat(1000));
            });
            insert.build().execute(&mut *conn).await.unwrap();
        }
        assert!(
            size("casedesk.db-wal") > 10_000_000,
            "the load is in the log"
        );
        assert!(
            size("casedesk.db") < 1_000_000,
            "and not yet in the database"
        );

        drop(conn);
        store.finish_initial_load_in_background();
        store.checkpointed().await;
        assert!(size("casedesk.db") > 10_000_000, "the log was copied");
        // Only then the writer checkpoints by itself again.
        let mut conn = store.writer.acquire().await.unwrap();
        assert_eq!(
            autocheckpoint(&mut conn).await,
            WAL_AUTOCHECKPOINT.parse::<i64>().unwrap()
        );
        drop(conn);
        let filler: i64 =
            sqlx::query_scalar("SELECT count(*) FROM sync_state WHERE key LIKE 'filler-%'")
                .fetch_one(&store.reader)
                .await
                .unwrap();
        assert_eq!(filler, 10_000);
        store.close().await;
    }
}
