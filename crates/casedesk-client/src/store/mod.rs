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

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use casedesk_domain::CaseAggregate;
use casedesk_domain::aggregate::{AssigneeInfo, DecideContext};
use casedesk_domain::command::Command;
use casedesk_domain::lifecycle::{ActorRef, CaseStatus};
use casedesk_domain::wire::UserInfo;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use uuid::Uuid;

use crate::codec::{self, Codec, Dictionary};
use crate::error::{ClientError, Result};

/// The migrations of the local cache, from the workspace's top-level `migrations/`.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

/// Rows per multi-row statement: 19 parameters each stays far below SQLite's limit.
const ROWS_PER_STATEMENT: usize = 200;

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

/// Keys of `sync_state`.
pub(crate) mod keys {
    pub const PORTAL: &str = "portal";
    pub const USER_NAME: &str = "user_name";
    pub const USER: &str = "user";
    pub const CURSOR: &str = "cursor";
    pub const BOOTSTRAP_SEQ: &str = "bootstrap_seq";
    pub const BOOTSTRAP_AFTER: &str = "bootstrap_after";
    pub const BOOTSTRAP_DONE: &str = "bootstrap_done";
    pub const LAST_SYNC: &str = "last_sync";
    /// When the portal was last found unreachable (RFC 3339) and why, while it is.
    pub const OFFLINE_SINCE: &str = "offline_since";
    pub const OFFLINE_REASON: &str = "offline_reason";
    /// Set while the portal refuses the session (expired or logged out) until the
    /// next login, so a restarted app says so at once.
    pub const LOGIN_REQUIRED: &str = "login_required";
}

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

    pub(crate) async fn state(&self, key: &str) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT value FROM sync_state WHERE key = ?")
                .bind(key)
                .fetch_optional(&self.reader)
                .await?,
        )
    }

    pub(crate) async fn state_i64(&self, key: &str) -> Result<Option<i64>> {
        self.state(key)
            .await?
            .map(|v| {
                v.parse()
                    .map_err(|_| ClientError::Protocol(format!("sync_state {key} = {v}")))
            })
            .transpose()
    }

    pub(crate) async fn set_state(&self, key: &str, value: &str) -> Result<()> {
        set_state(&mut *self.writer.acquire().await?, key, value).await
    }

    /// The signed-in user as the portal described them at login.
    pub async fn user(&self) -> Result<Option<UserInfo>> {
        match self.state(keys::USER).await? {
            Some(json) => Ok(Some(serde_json::from_str(&json)?)),
            None => Ok(None),
        }
    }

    /// Replaces the service catalog.
    pub(crate) async fn put_services(
        &self,
        services: &[casedesk_domain::wire::ServiceDefinition],
    ) -> Result<()> {
        let mut tx = self.writer.begin().await?;
        sqlx::query("DELETE FROM services")
            .execute(&mut *tx)
            .await?;
        for service in services {
            sqlx::query("INSERT INTO services (id, definition) VALUES (?, ?)")
                .bind(&service.id)
                .bind(serde_json::to_string(service)?)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn services(&self) -> Result<Vec<casedesk_domain::wire::ServiceDefinition>> {
        let rows: Vec<String> = sqlx::query_scalar("SELECT definition FROM services ORDER BY id")
            .fetch_all(&self.reader)
            .await?;
        rows.iter()
            .map(|json| Ok(serde_json::from_str(json)?))
            .collect()
    }

    /// Staff of the user's offices, as last fetched.
    pub async fn staff(&self) -> Result<Vec<UserInfo>> {
        let rows: Vec<(String, String, String, String, String)> = sqlx::query_as(
            "SELECT id, name, display_name, role, offices FROM staff ORDER BY display_name",
        )
        .fetch_all(&self.reader)
        .await?;
        rows.into_iter()
            .map(|(id, name, display_name, role, offices)| {
                Ok(UserInfo {
                    id: parse_uuid(&id)?,
                    name,
                    display_name,
                    role: casedesk_domain::Role::parse(&role)
                        .ok_or_else(|| ClientError::Protocol(format!("role {role}")))?,
                    offices: serde_json::from_str(&offices)?,
                })
            })
            .collect()
    }

    /// Every case aggregate's JSON as the portal last sent it, by case id (for
    /// diagnostics and tests that compare stores).
    pub async fn server_states(&self) -> Result<std::collections::BTreeMap<String, String>> {
        let rows: Vec<(String, Vec<u8>)> = sqlx::query_as(
            "SELECT cases.id, case_json.server FROM cases \
             JOIN case_json ON case_json.row = cases.row",
        )
        .fetch_all(&self.reader)
        .await?;
        rows.into_iter()
            .map(|(id, packed)| Ok((id, codec::unpack(&self.codec, &packed)?)))
            .collect()
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

pub(crate) async fn set_state(conn: &mut SqliteConnection, key: &str, value: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO sync_state (key, value) VALUES (?, ?) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(conn)
    .await?;
    Ok(())
}

pub(crate) async fn delete_state(conn: &mut SqliteConnection, key: &str) -> Result<()> {
    sqlx::query("DELETE FROM sync_state WHERE key = ?")
        .bind(key)
        .execute(conn)
        .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------
// Case rows.

/// The part of an aggregate the inbox indexes, read straight from its JSON without
/// building the whole aggregate (documents, requests, messages and most of the history
/// are skipped by the parser).
#[derive(Deserialize)]
struct IndexView<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    aktenzeichen: Cow<'a, str>,
    #[serde(borrow)]
    office_id: Cow<'a, str>,
    #[serde(borrow)]
    service_id: Cow<'a, str>,
    #[serde(borrow)]
    status: Cow<'a, str>,
    #[serde(default, borrow)]
    assignee: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    assignee_name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    priority: Cow<'a, str>,
    version: i64,
    seq: i64,
    #[serde(borrow)]
    received_at: Cow<'a, str>,
    #[serde(borrow)]
    due_date: Cow<'a, str>,
    #[serde(borrow)]
    applicant: ApplicantView<'a>,
    #[serde(default)]
    form_data: serde_json::Map<String, serde_json::Value>,
    #[serde(default, borrow)]
    notes: Vec<TextView<'a>>,
    #[serde(default, borrow)]
    history: Vec<HistoryView<'a>>,
}

#[derive(Deserialize)]
struct ApplicantView<'a> {
    #[serde(borrow)]
    given_name: Cow<'a, str>,
    #[serde(borrow)]
    family_name: Cow<'a, str>,
    #[serde(borrow)]
    street: Cow<'a, str>,
    #[serde(borrow)]
    postal_code: Cow<'a, str>,
    #[serde(borrow)]
    city: Cow<'a, str>,
}

#[derive(Deserialize)]
struct TextView<'a> {
    #[serde(borrow)]
    text: Cow<'a, str>,
}

#[derive(Deserialize)]
struct HistoryView<'a> {
    #[serde(borrow)]
    actor: ActorView<'a>,
}

#[derive(Deserialize)]
struct ActorView<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
}

/// The indexed columns and search text of one case.
#[derive(Debug, Clone)]
pub(crate) struct CaseRow {
    pub id: String,
    pub aktenzeichen: String,
    pub office_id: String,
    pub service_id: String,
    pub status: String,
    pub open: bool,
    pub assignee: Option<String>,
    pub assignee_name: Option<String>,
    pub priority: String,
    pub version: i64,
    pub seq: i64,
    pub received_at: String,
    pub due_date: String,
    pub applicant_sort: String,
    pub applicant_name: String,
    /// The citizen acted last (answered a request, wrote) on an open case.
    pub answered: bool,
    pub search_applicant: String,
    pub search_address: String,
    pub search_form: String,
    pub search_notes: String,
}

impl CaseRow {
    pub fn from_json(json: &str) -> Result<Self> {
        let view: IndexView<'_> = serde_json::from_str(json)?;
        let open = CaseStatus::parse(&view.status).is_some_and(CaseStatus::is_open);
        let answered = open
            && view
                .history
                .last()
                .is_some_and(|entry| entry.actor.kind == "citizen");
        let applicant = &view.applicant;
        let mut form = String::new();
        for value in view.form_data.values() {
            match value {
                serde_json::Value::String(s) => push_word(&mut form, s),
                serde_json::Value::Number(n) => push_word(&mut form, &n.to_string()),
                _ => {}
            }
        }
        let mut notes = String::new();
        for note in &view.notes {
            push_word(&mut notes, &note.text);
        }
        Ok(CaseRow {
            id: view.id.into_owned(),
            aktenzeichen: view.aktenzeichen.to_string(),
            office_id: view.office_id.into_owned(),
            service_id: view.service_id.into_owned(),
            status: view.status.into_owned(),
            open,
            assignee: view.assignee.map(Cow::into_owned),
            assignee_name: view.assignee_name.map(Cow::into_owned),
            priority: view.priority.into_owned(),
            version: view.version,
            seq: view.seq,
            received_at: view.received_at.into_owned(),
            due_date: view.due_date.into_owned(),
            applicant_sort: format!("{} {}", applicant.family_name, applicant.given_name)
                .to_lowercase(),
            applicant_name: format!("{} {}", applicant.given_name, applicant.family_name),
            answered,
            search_applicant: format!("{} {}", applicant.given_name, applicant.family_name),
            search_address: format!(
                "{} {} {}",
                applicant.street, applicant.postal_code, applicant.city
            ),
            search_form: form,
            search_notes: notes,
        })
    }
}

fn push_word(buffer: &mut String, text: &str) {
    if !buffer.is_empty() {
        buffer.push(' ');
    }
    buffer.push_str(text);
}

/// The inbox's secondary indexes on `cases`, exactly as the migrations leave them
/// (0001, and 0004 for the sort indexes, which break ties by the implicit rowid).
/// An initial bootstrap drops them and builds them once at the end: building an
/// index from sorted data is several times faster than updating it row by row.
pub(crate) const CASE_INDEXES: &[&str] = &[
    "CREATE INDEX cases_due ON cases (due_date)",
    "CREATE INDEX cases_received ON cases (received_at)",
    "CREATE INDEX cases_aktenzeichen ON cases (aktenzeichen)",
    "CREATE INDEX cases_applicant ON cases (applicant_sort)",
    "CREATE INDEX cases_open_due ON cases (open, due_date)",
    "CREATE INDEX cases_open_received ON cases (open, received_at)",
    "CREATE INDEX cases_open_applicant ON cases (open, applicant_sort)",
    "CREATE INDEX cases_status_due ON cases (status, due_date)",
    "CREATE INDEX cases_assignee_due ON cases (assignee, due_date)",
    "CREATE INDEX cases_flags ON cases (pending, rejected) WHERE pending > 0 OR rejected > 0",
];

fn index_name(statement: &str) -> &str {
    statement
        .split_whitespace()
        .nth(2)
        .expect("CREATE INDEX name ON …")
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
    drop_case_indexes(conn).await
}

/// Restores the writer's automatic checkpoints after [`begin_initial_load`] (the
/// pool has one connection, so this reaches the one that loaded).
async fn end_initial_load(writer: &SqlitePool) -> Result<()> {
    sqlx::query(&format!("PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT}"))
        .execute(writer)
        .await?;
    Ok(())
}

/// Drops the inbox indexes (before an initial bootstrap into an empty store).
async fn drop_case_indexes(conn: &mut SqliteConnection) -> Result<()> {
    for statement in CASE_INDEXES {
        sqlx::query(&format!("DROP INDEX IF EXISTS {}", index_name(statement)))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Creates whichever inbox indexes are missing.
pub(crate) async fn create_case_indexes(conn: &mut SqliteConnection) -> Result<()> {
    for statement in CASE_INDEXES {
        let statement = statement.replacen("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1);
        sqlx::query(&statement).execute(&mut *conn).await?;
    }
    Ok(())
}

/// A case state as the portal sent it: the row parsed from it and its JSON as stored.
#[derive(Debug, Clone)]
pub(crate) struct ServerCase {
    pub row: CaseRow,
    pub packed: Vec<u8>,
}

impl ServerCase {
    /// A case the portal sent as JSON, packed with the newest dictionary.
    pub fn parse(json: &str, codec: &Codec) -> Result<Self> {
        Ok(Self {
            row: CaseRow::from_json(json)?,
            packed: codec.pack(json),
        })
    }

    /// A case the portal sent as a frame, kept as it is once it unpacked and parsed.
    pub fn from_frame(frame: &[u8], codec: &Codec) -> Result<Self> {
        let row = codec
            .read(frame, CaseRow::from_json)
            .map_err(|e| ClientError::Protocol(format!("bootstrap: {e}")))??;
        Ok(Self {
            row,
            packed: frame.to_vec(),
        })
    }
}

/// Keeps `dictionary` in the store, in the transaction of the first cases packed with
/// it (once: the same dictionary trained again is the same row).
pub(crate) async fn put_dictionary(
    conn: &mut SqliteConnection,
    dictionary: &Dictionary,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO case_dictionaries (dict_id, dictionary) VALUES (?, ?) \
         ON CONFLICT (dict_id) DO NOTHING",
    )
    .bind(i64::from(dictionary.id()))
    .bind(dictionary.bytes())
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether cases being written may be in the store already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Freshness {
    /// They cannot be: an initial bootstrap into an empty store, whose snapshot
    /// holds every case once.
    New,
    /// They may be (changes pages, resumed bootstraps, a rejected command's case).
    MaybeStored,
}

/// Writes portal states, never replacing a newer one with an older one, so applying
/// a page twice (or an old snapshot after a newer change) is harmless. Cases with
/// outbox entries must be rebased afterwards ([`rebase`]).
pub(crate) async fn write_server_cases(
    conn: &mut SqliteConnection,
    cases: &[ServerCase],
    fresh: Freshness,
) -> Result<()> {
    if fresh == Freshness::New {
        return insert_new_cases(conn, cases).await;
    }
    for chunk in cases.chunks(ROWS_PER_STATEMENT) {
        // Full chunks share their SQL text, so their prepared statements are kept;
        // a shorter last chunk is prepared once and dropped.
        let keep = chunk.len() == ROWS_PER_STATEMENT;
        let mut insert = QueryBuilder::<Sqlite>::new(
            "INSERT INTO cases (id, aktenzeichen, office_id, service_id, status, open, \
             assignee, assignee_name, priority, version, server_version, seq, received_at, \
             due_date, applicant_sort, applicant_name, answered) ",
        );
        insert.push_values(chunk, |mut values, case| {
            bind_case_columns(&mut values, &case.row)
        });
        insert.push(
            " ON CONFLICT (id) DO UPDATE SET aktenzeichen = excluded.aktenzeichen, \
             office_id = excluded.office_id, service_id = excluded.service_id, \
             status = excluded.status, open = excluded.open, assignee = excluded.assignee, \
             assignee_name = excluded.assignee_name, priority = excluded.priority, \
             version = excluded.version, server_version = excluded.server_version, \
             seq = excluded.seq, \
             received_at = excluded.received_at, due_date = excluded.due_date, \
             applicant_sort = excluded.applicant_sort, applicant_name = excluded.applicant_name, \
             answered = excluded.answered WHERE excluded.seq > cases.seq \
             RETURNING row, id",
        );
        // The rows just written; an older state than the stored one was skipped and
        // is not among them, so its JSON and search text are skipped too.
        let written: Vec<(i64, String)> = insert
            .build_query_as()
            .persistent(keep)
            .fetch_all(&mut *conn)
            .await?;
        if written.is_empty() {
            continue;
        }
        let by_id: HashMap<&str, &ServerCase> =
            chunk.iter().map(|c| (c.row.id.as_str(), c)).collect();
        let rows: Vec<(i64, &ServerCase)> = written
            .iter()
            .filter_map(|(row, id)| by_id.get(id.as_str()).map(|case| (*row, *case)))
            .collect();
        let keep = rows.len() == ROWS_PER_STATEMENT;

        let mut json =
            QueryBuilder::<Sqlite>::new("INSERT OR REPLACE INTO case_json (row, server, local) ");
        json.push_values(&rows, |mut values, (row, case)| {
            values
                .push_bind(*row)
                .push_bind(case.packed.as_slice())
                .push("NULL");
        });
        json.build().persistent(keep).execute(&mut *conn).await?;

        let mut search = QueryBuilder::<Sqlite>::new(
            "INSERT OR REPLACE INTO case_search \
             (rowid, aktenzeichen, applicant, address, form, notes) ",
        );
        push_search_values(&mut search, &rows);
        search.build().persistent(keep).execute(&mut *conn).await?;
    }
    Ok(())
}

fn push_search_values<'a>(query: &mut QueryBuilder<'a, Sqlite>, rows: &[(i64, &'a ServerCase)]) {
    query.push_values(rows, |mut values, (row, case)| {
        let case = &case.row;
        values
            .push_bind(*row)
            .push_bind(case.aktenzeichen.as_str())
            .push_bind(case.search_applicant.as_str())
            .push_bind(case.search_address.as_str())
            .push_bind(case.search_form.as_str())
            .push_bind(case.search_notes.as_str());
    });
}

/// The inbox columns of `cases` after `id`, in the order the inserts name them.
fn bind_case_columns<'a>(
    values: &mut sqlx::query_builder::Separated<'_, 'a, Sqlite, &'static str>,
    case: &'a CaseRow,
) {
    // Borrowed `&str` binds without a copy (sqlx copies an owned `String` it is
    // handed by reference; SQLite copies once anyway).
    values
        .push_bind(case.id.as_str())
        .push_bind(case.aktenzeichen.as_str())
        .push_bind(case.office_id.as_str())
        .push_bind(case.service_id.as_str())
        .push_bind(case.status.as_str())
        .push_bind(case.open)
        .push_bind(case.assignee.as_deref())
        .push_bind(case.assignee_name.as_deref())
        .push_bind(case.priority.as_str())
        .push_bind(case.version)
        .push_bind(case.version)
        .push_bind(case.seq)
        .push_bind(case.received_at.as_str())
        .push_bind(case.due_date.as_str())
        .push_bind(case.applicant_sort.as_str())
        .push_bind(case.applicant_name.as_str())
        .push_bind(case.answered);
}

/// [`write_server_cases`] for cases known not to be stored (an initial bootstrap):
/// plain inserts with row numbers assigned here, so the row, its JSON and its search
/// text go to SQLite as one multi-statement request per chunk. Each request is a
/// round trip to sqlx's worker thread; with both cores busy, waiting for those round
/// trips cost the writer more than a third of its time.
async fn insert_new_cases(conn: &mut SqliteConnection, cases: &[ServerCase]) -> Result<()> {
    let last: i64 = sqlx::query_scalar("SELECT coalesce(max(row), 0) FROM cases")
        .fetch_one(&mut *conn)
        .await?;
    let rows: Vec<(i64, &ServerCase)> = (last + 1..).zip(cases).collect();
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let keep = chunk.len() == ROWS_PER_STATEMENT;
        let mut query = QueryBuilder::<Sqlite>::new(
            "INSERT INTO cases (row, id, aktenzeichen, office_id, service_id, status, open, \
             assignee, assignee_name, priority, version, server_version, seq, received_at, \
             due_date, applicant_sort, applicant_name, answered) ",
        );
        query.push_values(chunk, |mut values, (row, case)| {
            values.push_bind(*row);
            bind_case_columns(&mut values, &case.row);
        });
        query.push("; INSERT INTO case_json (row, server, local) ");
        query.push_values(chunk, |mut values, (row, case)| {
            values
                .push_bind(*row)
                .push_bind(case.packed.as_slice())
                .push("NULL");
        });
        query.push(
            "; INSERT INTO case_search (rowid, aktenzeichen, applicant, address, form, notes) ",
        );
        push_search_values(&mut query, chunk);
        query.build().persistent(keep).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Removes cases that left the user's scope. Their outbox entries stay: the portal's
/// answers to them are still owed to the user.
pub(crate) async fn remove_cases(conn: &mut SqliteConnection, ids: &[String]) -> Result<()> {
    for id in ids {
        for table in ["case_search WHERE rowid", "case_json WHERE row"] {
            sqlx::query(&format!(
                "DELETE FROM {table} = (SELECT row FROM cases WHERE id = ?)"
            ))
            .bind(id)
            .execute(&mut *conn)
            .await?;
        }
        sqlx::query("DELETE FROM cases WHERE id = ?")
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Ids of cases that have outbox entries in any state.
pub(crate) async fn cases_in_outbox(
    conn: &mut SqliteConnection,
) -> Result<std::collections::HashSet<String>> {
    let ids: Vec<String> = sqlx::query_scalar("SELECT DISTINCT case_id FROM outbox")
        .fetch_all(conn)
        .await?;
    Ok(ids.into_iter().collect())
}

/// The signed-in user as actor of local commands.
#[derive(Debug, Clone)]
pub struct Me {
    pub info: UserInfo,
    pub actor: ActorRef,
}

impl Me {
    pub fn new(info: UserInfo) -> Self {
        let actor = ActorRef::Staff {
            user_id: info.id,
            role: info.role,
            name: info.display_name.clone(),
        };
        Self { info, actor }
    }
}

/// Recomputes what the user sees of one case: the portal's state with the user's
/// unconfirmed commands applied on top, in order. Drops applied entries the portal
/// state has caught up with. A command that no longer applies locally stays in the
/// outbox untouched; the portal's answer to it decides.
pub(crate) async fn rebase(
    conn: &mut SqliteConnection,
    codec: &Codec,
    case_id: &str,
    me: &Me,
) -> Result<()> {
    let Some((server, seq)) = sqlx::query_as::<_, (Vec<u8>, i64)>(
        "SELECT case_json.server, cases.seq FROM cases \
             JOIN case_json ON case_json.row = cases.row WHERE cases.id = ?",
    )
    .bind(case_id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(());
    };
    sqlx::query("DELETE FROM outbox WHERE case_id = ? AND state = 'applied' AND answer_seq <= ?")
        .bind(case_id)
        .bind(seq)
        .execute(&mut *conn)
        .await?;
    let entries: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT command, created_at, state FROM outbox \
         WHERE case_id = ? AND state IN ('pending', 'applied') ORDER BY position",
    )
    .bind(case_id)
    .fetch_all(&mut *conn)
    .await?;
    let rejected: i64 =
        sqlx::query_scalar("SELECT count(*) FROM outbox WHERE case_id = ? AND state = 'rejected'")
            .bind(case_id)
            .fetch_one(&mut *conn)
            .await?;
    let pending = entries.iter().filter(|(_, _, s)| s == "pending").count() as i64;
    let server = codec::unpack(codec, &server)?;
    let (row, local) = if entries.is_empty() {
        (CaseRow::from_json(&server)?, None)
    } else {
        let mut case: CaseAggregate = serde_json::from_str(&server)?;
        for (command, created_at, _) in &entries {
            let command: Command = serde_json::from_str(command)?;
            let at = DateTime::parse_from_rfc3339(created_at)
                .map_err(|e| ClientError::Protocol(e.to_string()))?
                .with_timezone(&Utc);
            if let Err(rejection) = apply_locally(conn, &mut case, &command, at, me).await? {
                tracing::debug!(command_id = %command.command_id, reason = %rejection.message,
                    "an unconfirmed command no longer applies locally; the portal decides");
            }
        }
        let json = serde_json::to_string(&case)?;
        (CaseRow::from_json(&json)?, Some(json))
    };
    write_effective(
        conn,
        &row,
        local.as_deref().map(|json| codec.pack(json)),
        pending,
        rejected,
    )
    .await
}

/// Judges and applies one command to `case` as the portal would, with the facts the
/// local store knows. `Ok(Err(rejection))` when the command does not apply.
pub(crate) async fn apply_locally(
    conn: &mut SqliteConnection,
    case: &mut CaseAggregate,
    command: &Command,
    at: DateTime<Utc>,
    me: &Me,
) -> Result<Result<(), casedesk_domain::Rejection>> {
    let ctx = local_context(conn, &command.kind, at, me).await?;
    match case.decide(&me.actor, &command.kind, command.base_version, &ctx) {
        Ok(events) => {
            let seq = case.seq;
            case.record(events, &me.actor, Some(command.command_id), at, seq);
            Ok(Ok(()))
        }
        Err(rejection) => Ok(Err(rejection)),
    }
}

/// The facts `decide` needs that the aggregate does not hold.
async fn local_context(
    conn: &mut SqliteConnection,
    kind: &casedesk_domain::CommandKind,
    at: DateTime<Utc>,
    me: &Me,
) -> Result<DecideContext> {
    use casedesk_domain::CommandKind;
    let mut ctx = DecideContext::at(at);
    match kind {
        CommandKind::Assign { assignee } => {
            let name: Option<String> = if *assignee == me.info.id {
                Some(me.info.display_name.clone())
            } else {
                sqlx::query_scalar("SELECT display_name FROM staff WHERE id = ?")
                    .bind(assignee.to_string())
                    .fetch_optional(&mut *conn)
                    .await?
            };
            ctx.assignee = name.map(|name| AssigneeInfo {
                user_id: *assignee,
                name,
            });
        }
        CommandKind::TransferOffice { office_id } => {
            ctx.target_office_allowed = me.info.offices.iter().any(|o| o.id == *office_id);
        }
        CommandKind::RecordDecision {
            letter_sha256: Some(sha256),
            ..
        } => {
            ctx.letter_stored = sqlx::query_scalar::<_, i64>(
                "SELECT count(*) FROM blobs WHERE sha256 = ? AND state IN ('complete', 'outgoing')",
            )
            .bind(sha256)
            .fetch_one(&mut *conn)
            .await?
                > 0;
        }
        _ => {}
    }
    Ok(ctx)
}

/// Writes the effective (local) state of a case into its indexed columns and the
/// search index.
async fn write_effective(
    conn: &mut SqliteConnection,
    row: &CaseRow,
    local: Option<Vec<u8>>,
    pending: i64,
    rejected: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE cases SET status = ?, assignee = ?, assignee_name = ?, priority = ?, \
         version = ?, due_date = ?, office_id = ?, answered = ?, pending = ?, rejected = ?, \
         open = ? WHERE id = ?",
    )
    .bind(&row.status)
    .bind(&row.assignee)
    .bind(&row.assignee_name)
    .bind(&row.priority)
    .bind(row.version)
    .bind(&row.due_date)
    .bind(&row.office_id)
    .bind(row.answered)
    .bind(pending)
    .bind(rejected)
    .bind(row.open)
    .bind(&row.id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE case_json SET local = ? WHERE row = (SELECT row FROM cases WHERE id = ?)")
        .bind(local)
        .bind(&row.id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT OR REPLACE INTO case_search (rowid, aktenzeichen, applicant, address, form, notes) \
         SELECT row, ?, ?, ?, ?, ? FROM cases WHERE id = ?",
    )
    .bind(&row.aktenzeichen)
    .bind(&row.search_applicant)
    .bind(&row.search_address)
    .bind(&row.search_form)
    .bind(&row.search_notes)
    .bind(&row.id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The case as the user sees it (local state if any, else the portal's).
pub(crate) async fn effective_case(
    conn: &mut SqliteConnection,
    codec: &Codec,
    case_id: &str,
) -> Result<Option<(CaseAggregate, i64)>> {
    let row: Option<(Option<Vec<u8>>, Vec<u8>, i64)> = sqlx::query_as(
        "SELECT case_json.local, case_json.server, cases.server_version FROM cases \
         JOIN case_json ON case_json.row = cases.row WHERE cases.id = ?",
    )
    .bind(case_id)
    .fetch_optional(conn)
    .await?;
    match row {
        Some((local, server, server_version)) => Ok(Some((
            serde_json::from_str(&codec::unpack(codec, local.as_deref().unwrap_or(&server))?)?,
            server_version,
        ))),
        None => Ok(None),
    }
}

/// Replaces the staff directory.
pub(crate) async fn put_staff(conn: &mut SqliteConnection, staff: &[UserInfo]) -> Result<()> {
    sqlx::query("DELETE FROM staff").execute(&mut *conn).await?;
    for user in staff {
        sqlx::query(
            "INSERT INTO staff (id, name, display_name, role, offices) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(user.id.to_string())
        .bind(&user.name)
        .bind(&user.display_name)
        .bind(user.role.as_str())
        .bind(serde_json::to_string(&user.offices)?)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub(crate) fn parse_uuid(text: &str) -> Result<Uuid> {
    Uuid::from_str(text).map_err(|e| ClientError::Protocol(format!("{text}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The indexes a bootstrap rebuilds are the ones the migration made.
    #[tokio::test]
    async fn case_indexes_match_the_migration() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(&dir.path().join("casedesk.db"))
            .await
            .unwrap();
        let mut made: Vec<String> = sqlx::query_scalar(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases' \
             AND sql IS NOT NULL ORDER BY name",
        )
        .fetch_all(&store.reader)
        .await
        .unwrap();
        made.sort();
        let mut ours: Vec<String> = CASE_INDEXES.iter().map(|s| s.to_string()).collect();
        ours.sort();
        assert_eq!(made, ours);

        let mut conn = store.writer.acquire().await.unwrap();
        drop_case_indexes(&mut conn).await.unwrap();
        create_case_indexes(&mut conn).await.unwrap();
        create_case_indexes(&mut conn).await.unwrap();
        let count: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases' \
             AND sql IS NOT NULL",
        )
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        assert_eq!(count as usize, CASE_INDEXES.len());
    }

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

    fn server_case(seq: i64, family_name: &str) -> ServerCase {
        server_case_with_id("01a24d0b-15a5-7219-8f25-8d77117bc212", seq, family_name)
    }

    fn server_case_with_id(id: &str, seq: i64, family_name: &str) -> ServerCase {
        let json = serde_json::json!({
            "id": id,
            "aktenzeichen": "32-BP-2025-000025",
            "office_id": "01a24d0b-0854-72cb-bbe2-d9900bd414b0",
            "service_id": "BP",
            "status": "submitted",
            "priority": "normal",
            "version": seq,
            "seq": seq,
            "received_at": "2025-12-07T13:02:03Z",
            "due_date": "2025-12-22",
            "applicant": {"given_name": "Dariusz", "family_name": family_name,
                "street": "Rodenbecker Straße 77", "postal_code": "32423", "city": "Minden"},
        });
        ServerCase::parse(&json.to_string(), &Codec::default()).unwrap()
    }

    /// A portal state older than the stored one changes nothing: not the row, not
    /// its JSON, not its search text.
    #[tokio::test]
    async fn an_older_state_never_replaces_a_newer_one() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(&dir.path().join("casedesk.db"))
            .await
            .unwrap();
        let mut conn = store.writer.acquire().await.unwrap();
        write_server_cases(&mut conn, &[server_case(5, "Koch")], Freshness::MaybeStored)
            .await
            .unwrap();
        write_server_cases(&mut conn, &[server_case(3, "Alt")], Freshness::MaybeStored)
            .await
            .unwrap();
        write_server_cases(&mut conn, &[server_case(5, "Koch")], Freshness::MaybeStored)
            .await
            .unwrap();
        let (seq, applicant, packed): (i64, String, Vec<u8>) = sqlx::query_as(
            "SELECT cases.seq, cases.applicant_name, case_json.server FROM cases \
             JOIN case_json ON case_json.row = cases.row",
        )
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        assert_eq!((seq, applicant.as_str()), (5, "Dariusz Koch"));
        assert!(
            codec::unpack(store.codec(), &packed)
                .unwrap()
                .contains("\"Koch\"")
        );
        let found = |word: &'static str| {
            sqlx::query_scalar::<_, i64>(
                "SELECT count(*) FROM case_search WHERE case_search MATCH ?",
            )
            .bind(word)
        };
        assert_eq!(found("Koch").fetch_one(&mut *conn).await.unwrap(), 1);
        assert_eq!(found("Alt").fetch_one(&mut *conn).await.unwrap(), 0);

        write_server_cases(&mut conn, &[server_case(7, "Neu")], Freshness::MaybeStored)
            .await
            .unwrap();
        assert_eq!(found("Neu").fetch_one(&mut *conn).await.unwrap(), 1);
        assert_eq!(found("Koch").fetch_one(&mut *conn).await.unwrap(), 0);
        let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM case_json")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert_eq!(rows, 1);
    }

    /// The initial bootstrap's path writes the same rows, JSON and search text as
    /// the general one, across chunk boundaries, and the rows it numbers itself are
    /// the ones SQLite would have given.
    #[tokio::test]
    async fn new_cases_are_written_like_any_other_with_their_own_row_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(&dir.path().join("casedesk.db"))
            .await
            .unwrap();
        let mut conn = store.writer.acquire().await.unwrap();
        let count = ROWS_PER_STATEMENT + 7;
        let cases: Vec<ServerCase> = (0..count)
            .map(|i| {
                let id = format!("01a24d0b-15a5-7219-8f25-{i:012x}");
                server_case_with_id(&id, 1, &format!("Name{i}"))
            })
            .collect();
        write_server_cases(&mut conn, &cases[..10], Freshness::New)
            .await
            .unwrap();
        write_server_cases(&mut conn, &cases[10..], Freshness::New)
            .await
            .unwrap();
        let rows: Vec<(i64, String, Vec<u8>)> = sqlx::query_as(
            "SELECT cases.row, cases.id, case_json.server FROM cases \
             JOIN case_json ON case_json.row = cases.row ORDER BY cases.row",
        )
        .fetch_all(&mut *conn)
        .await
        .unwrap();
        assert_eq!(rows.len(), count);
        for (i, (row, id, packed)) in rows.iter().enumerate() {
            assert_eq!(*row, i as i64 + 1);
            assert_eq!(id, &cases[i].row.id);
            assert_eq!(packed, &cases[i].packed);
        }
        let found = |word: String| {
            sqlx::query_scalar::<_, i64>("SELECT rowid FROM case_search WHERE case_search MATCH ?")
                .bind(word)
        };
        for i in [0, 9, 10, count - 1] {
            let row = found(format!("Name{i}"))
                .fetch_one(&mut *conn)
                .await
                .unwrap();
            assert_eq!(row, i as i64 + 1);
        }
        // Later states of the same cases go the general way and replace them.
        let newer = server_case_with_id(&cases[3].row.id, 2, "Umbenannt");
        write_server_cases(&mut conn, &[newer], Freshness::MaybeStored)
            .await
            .unwrap();
        assert_eq!(
            found("Umbenannt".into())
                .fetch_one(&mut *conn)
                .await
                .unwrap(),
            4
        );
        assert!(
            found("Name3".into())
                .fetch_optional(&mut *conn)
                .await
                .unwrap()
                .is_none()
        );
        let total: i64 = sqlx::query_scalar("SELECT count(*) FROM cases")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert_eq!(total as usize, count);
    }

    /// A bootstrap frame is refused, with the reason, when its dictionary did not
    /// come first or it is no frame at all; a good one is kept byte for byte.
    #[test]
    fn bootstrap_frames_are_read_with_the_sent_dictionaries_only() {
        use casedesk_domain::frames::Dictionary;
        let samples: Vec<String> = (0..64)
            .map(|i| {
                let id = format!("01a24d0b-15a5-7219-8f25-{i:012x}");
                let case = server_case_with_id(&id, i, &format!("Name{i}"));
                codec::unpack(&Codec::default(), &case.packed).unwrap()
            })
            .collect();
        let dictionary = std::sync::Arc::new(Dictionary::train(&samples).unwrap());
        let frame = dictionary.pack(&samples[5]);
        let known = Codec::with(dictionary.clone());
        let case = ServerCase::from_frame(&frame, &known).unwrap();
        assert_eq!(case.packed, frame);
        assert_eq!(case.row.applicant_name, "Dariusz Name5");

        // A frame of an office without a dictionary is plain zstd.
        let plain = Codec::default().pack(&samples[6]);
        let case = ServerCase::from_frame(&plain, &known).unwrap();
        assert_eq!(
            (case.packed, case.row.applicant_name.as_str()),
            (plain, "Dariusz Name6")
        );

        let error = ServerCase::from_frame(&frame, &Codec::default())
            .unwrap_err()
            .to_string();
        assert!(
            error.contains(&format!("dictionary {}", dictionary.id())),
            "{error}"
        );
        let error = ServerCase::from_frame(samples[5].as_bytes(), &known)
            .unwrap_err()
            .to_string();
        assert!(error.contains("not a zstd frame"), "{error}");
        // A frame of something other than a case is refused as such.
        let error = ServerCase::from_frame(&known.pack("[1, 2]"), &known).unwrap_err();
        assert!(matches!(error, ClientError::Protocol(_)), "{error}");
    }
}
