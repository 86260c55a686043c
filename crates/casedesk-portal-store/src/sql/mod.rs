//! The store's SQL, run through sqlx's `Any` driver on SQLite and PostgreSQL alike,
//! one module per topic of the store's traits.
//!
//! Keeping one copy of the queries is deliberate: two copies would drift, and the
//! conformance suite runs every query here against both databases. Where the two
//! databases differ, a module asks the store's [`Dialect`].
//!
//! - [`accounts`]: staff, citizens, sessions and login failures
//! - [`catalog`]: tenant settings, offices and the service catalog
//! - [`letters`]: letter templates and letterhead
//! - [`blobs`]: the record of blobs and who may read them
//! - [`cases`]: filing applications and bulk imports, reading cases, the queries of
//!   the portal's jobs, and the rows that mirror parts of aggregates (events,
//!   documents, decisions, notices, request letters, payments)
//! - [`commands`]: the command path's reads and writes around the pure
//!   [`command_group`](super::command_group)
//! - [`sync`]: the bootstrap snapshot and changes pages
//! - [`frames`]: the offices' dictionaries and the case frames the bootstrap serves

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{Any, AnyPool, Transaction};
use tokio::sync::watch;
use uuid::Uuid;

use super::dialect::Dialect;
use super::{Database, StoreError, StoreResult};

mod accounts;
mod blobs;
mod cases;
mod catalog;
mod commands;
pub mod frames;
mod letters;
mod sync;

/// The store over one writer pool and one reader pool. SQLite gets a writer pool of
/// one connection (SQLite has one writer anyway; queueing in-process beats busy
/// retries); PostgreSQL uses one pool for both.
pub struct SqlStore {
    pub(crate) dialect: Dialect,
    pub(crate) writer: AnyPool,
    pub(crate) reader: AnyPool,
    pub(crate) live: watch::Sender<i64>,
    /// The offices' compression dictionaries for case frames.
    pub(crate) dictionaries: frames::OfficeDictionaries,
    /// Keeps backend helpers (the PostgreSQL listener task) alive with the store.
    pub(crate) _guard: Option<Arc<dyn std::any::Any + Send + Sync>>,
}

/// Ids per `IN (…)` list, rows per multi-row insert and cases per multi-row update.
/// Statements stay below about 1,000 parameters: sqlx resolves each numbered SQLite
/// parameter with a linear scan, so binding cost grows with the square of the count.
const IN_LIST_CHUNK: usize = 100;
const ROWS_PER_INSERT: usize = 100;
const CASES_PER_UPDATE: usize = 50;

impl SqlStore {
    pub(crate) async fn new(
        dialect: Dialect,
        writer: AnyPool,
        reader: AnyPool,
        guard: Option<Arc<dyn std::any::Any + Send + Sync>>,
    ) -> StoreResult<Self> {
        let head: i64 = sqlx::query_scalar("SELECT value FROM seq_counter WHERE id = 1")
            .fetch_one(&reader)
            .await?;
        let (live, _) = watch::channel(head);
        let store = Self {
            dialect,
            writer,
            reader,
            live,
            dictionaries: Default::default(),
            _guard: guard,
        };
        store.load_dictionaries().await?;
        Ok(store)
    }

    /// Tells this process's subscribers about a new head `seq`.
    fn publish(&self, seq: i64) {
        self.live.send_if_modified(|head| {
            if seq > *head {
                *head = seq;
                true
            } else {
                false
            }
        });
    }
}

/// Takes the next `count` positions of the total order and returns the last.
/// Holding the counter row's write lock until commit is what makes commit order
/// equal `seq` order.
async fn take_seq(tx: &mut Transaction<'static, Any>, count: i64) -> StoreResult<i64> {
    let last: i64 = sqlx::query_scalar(
        "UPDATE seq_counter SET value = value + $1 WHERE id = 1 RETURNING value",
    )
    .bind(count)
    .fetch_one(&mut **tx)
    .await?;
    Ok(last)
}

#[async_trait]
impl Database for SqlStore {
    fn backend(&self) -> &'static str {
        self.dialect.name()
    }

    async fn head_seq(&self) -> StoreResult<i64> {
        let head: i64 = sqlx::query_scalar("SELECT value FROM seq_counter WHERE id = 1")
            .fetch_one(&self.reader)
            .await?;
        self.publish(head);
        Ok(head)
    }

    fn subscribe(&self) -> watch::Receiver<i64> {
        self.live.subscribe()
    }

    async fn is_empty(&self) -> StoreResult<bool> {
        let offices: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM offices")
            .fetch_one(&self.reader)
            .await?;
        Ok(offices == 0)
    }
}

/// Formats a timestamp the way every table stores it: sortable as text.
pub fn ts(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

fn parse_ts(s: &str) -> StoreResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("timestamp {s:?}: {e}")))
}

fn parse_uuid(s: &str) -> StoreResult<Uuid> {
    Uuid::parse_str(s).map_err(|e| StoreError::Corrupt(format!("uuid {s:?}: {e}")))
}

fn json<T: serde::Serialize>(value: &T) -> String {
    // Serialising our own plain data types cannot fail.
    serde_json::to_string(value).expect("domain types serialise to JSON")
}

/// A unit enum's wire name (`"approved"`), as the mirror tables store it.
fn wire_name<T: serde::Serialize>(value: &T) -> String {
    json(value).trim_matches('"').to_owned()
}

fn is_unique_violation(error: &StoreError) -> bool {
    matches!(error, StoreError::Database(sqlx::Error::Database(e)) if e.is_unique_violation())
}

/// Appends `count` numbered placeholders from `$first` on, separated by commas.
pub(crate) fn placeholders(sql: &mut String, first: usize, count: usize) {
    for n in first..first + count {
        if n > first {
            sql.push_str(", ");
        }
        sql.push('$');
        sql.push_str(&n.to_string());
    }
}

/// Appends `rows` rows of `width` numbered placeholders to `sql`.
pub(crate) fn values_clause(sql: &mut String, rows: usize, width: usize) {
    let mut n = 0;
    for r in 0..rows {
        sql.push_str(if r == 0 { " (" } else { ", (" });
        for c in 0..width {
            n += 1;
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push('$');
            sql.push_str(&n.to_string());
        }
        sql.push(')');
    }
}
