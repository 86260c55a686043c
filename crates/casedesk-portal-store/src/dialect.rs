//! Every place where SQLite and PostgreSQL need different SQL or set-up, in one enum.
//!
//! The queries in [`super::sql`] are written once in the SQL both understand
//! (numbered parameters, `RETURNING`, `ON CONFLICT`, text ids and RFC 3339 text
//! timestamps). What they cannot share (row locks, the isolation level of snapshot
//! reads, change notification, planner statistics and one planner hint) is asked of
//! the [`Dialect`] here, so a reader sees every difference between the backends side
//! by side.

use sqlx::{Any, AnyPool, Transaction};

use super::StoreResult;

/// Which database is behind the `Any` pools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// The cases of the offices user `$1` belongs to.
pub(crate) const SCOPE_OF_USER: &str =
    "office_id IN (SELECT office_id FROM memberships WHERE user_id = $1)";

/// [`SCOPE_OF_USER`] for SQLite queries that walk cases in the order of an index
/// (`id` for the bootstrap, `seq` for changes pages). The unary `+` keeps SQLite's
/// planner from reading the `(office_id, …)` index once per office and sorting every
/// matching row, aggregates included, in a temporary B-tree: walking the `id` or `seq`
/// index and filtering by office streams rows in order without a sort (about five
/// times faster for the bootstrap of a team lead). A test in `sql::sync` pins both
/// query plans.
const SCOPE_OF_USER_IN_ORDER_SQLITE: &str =
    "+office_id IN (SELECT office_id FROM memberships WHERE user_id = $1)";

impl Dialect {
    /// The name in logs and `/healthz`.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgres",
        }
    }

    /// Appended to a `SELECT` that reads rows the transaction will write. SQLite has
    /// one writer at a time, so its writing transactions need no row locks.
    pub fn for_update(self) -> &'static str {
        match self {
            Dialect::Sqlite => "",
            Dialect::Postgres => " FOR UPDATE",
        }
    }

    /// [`Dialect::for_update`] for a join where only the `cases` rows are written.
    pub fn for_update_of_cases(self) -> &'static str {
        match self {
            Dialect::Sqlite => "",
            Dialect::Postgres => " FOR UPDATE OF cases",
        }
    }

    /// The user's scope for queries that walk cases in index order; PostgreSQL plans
    /// these well as written.
    pub fn scope_in_order(self) -> &'static str {
        match self {
            Dialect::Sqlite => SCOPE_OF_USER_IN_ORDER_SQLITE,
            Dialect::Postgres => SCOPE_OF_USER,
        }
    }

    /// Starts a read transaction that sees one consistent snapshot.
    pub async fn begin_snapshot(self, pool: &AnyPool) -> StoreResult<Transaction<'static, Any>> {
        let mut tx = pool.begin().await?;
        match self {
            // A deferred transaction's snapshot starts at its first read, and WAL
            // keeps it stable until the end of the transaction.
            Dialect::Sqlite => {}
            Dialect::Postgres => {
                sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .execute(&mut *tx)
                    .await?;
            }
        }
        Ok(tx)
    }

    /// Announces the new head `seq` to other portal instances when `tx` commits.
    pub async fn notify(self, tx: &mut Transaction<'static, Any>, seq: i64) -> StoreResult<()> {
        match self {
            // One SQLite file has one portal process; it publishes in-process.
            Dialect::Sqlite => {}
            Dialect::Postgres => {
                // Delivered at commit to every portal instance listening.
                sqlx::query("SELECT 1 FROM (SELECT pg_notify('casedesk_seq', $1)) AS sent")
                    .bind(seq.to_string())
                    .execute(&mut **tx)
                    .await?;
            }
        }
        Ok(())
    }

    /// Brings the planner's statistics up to date after a bulk import.
    pub async fn refresh_statistics(self, pool: &AnyPool) -> StoreResult<()> {
        match self {
            // SQLite's queries are written for its planner without statistics (the
            // scope filters say which index to use), so there is nothing to refresh.
            Dialect::Sqlite => {}
            // Without statistics, PostgreSQL plans a changes page over freshly loaded
            // cases as a hash join over every case after the cursor instead of
            // walking the `seq` index (docs/performance.md). Autovacuum would get
            // there on its own, later.
            Dialect::Postgres => {
                sqlx::query("ANALYZE").execute(pool).await?;
            }
        }
        Ok(())
    }
}
