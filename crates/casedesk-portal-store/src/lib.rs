//! Storage of the Casedesk portal, the system of record: cases, accounts and tenant
//! settings in a database behind the [`Database`] trait, documents in the blob store
//! ([`blobs`]: local disk or S3), and password hashes ([`passwords`]). The portal's
//! server and the demo tenant both build on this crate, so neither needs the other.
//!
//! The database is one [`Database`] trait made of one trait
//! per topic: [`AccountStore`] (staff, citizens, sessions, login throttling),
//! [`CatalogStore`] (tenant settings, offices, services), [`LetterStore`] (letter
//! templates and letterhead), [`BlobIndex`] (which documents exist and who may read
//! them), [`CaseStore`] (filing applications, commands, reading cases) and
//! [`SyncStore`] (the bootstrap snapshot, changes pages and the case frames they are
//! served from). Callers bring the traits into scope with `use store::prelude::*`.
//!
//! Two backends: SQLite (embedded default, a file in the data directory) and PostgreSQL
//! (production; several portal instances may share one database). Each has its own
//! append-only migrations under `migrations/<backend>/`. The SQL both understand lives
//! once in [`sql`], one module per topic; every place where the two differ is a
//! method of [`dialect::Dialect`]; the backend modules ([`sqlite`], [`postgres`]) own
//! connection set-up and change notification. How a group of commands is decided is
//! a pure function in [`command_group`], tested without a database.
//!
//! Architecture invariant: every change gets a position `seq` in one total order, and
//! commit order equals `seq` order. A writing transaction takes its `seq` by updating
//! the single row of `seq_counter`, which holds a write lock on that row until commit,
//! so no transaction with a smaller `seq` can commit after one with a larger `seq`.
//! SQLite serialises writers anyway; PostgreSQL serialises them on that row lock.

use std::sync::Arc;

use async_trait::async_trait;
use casedesk_domain::CaseAggregate;
use casedesk_domain::command::{Command, CommandAnswer};
use casedesk_domain::deadline::Period;
use casedesk_domain::wire::{ChangesPage, OfficeInfo, ServiceDefinition, UserInfo};
use chrono::{DateTime, Utc};
use futures::stream::BoxStream;
use uuid::Uuid;

pub mod blobs;
pub mod command_group;
pub mod dialect;
mod model;
pub mod passwords;
pub mod postgres;
pub mod sql;
pub mod sqlite;

pub use model::*;
pub use sql::frames;

/// The store's traits, for callers that use a [`Database`]: `use store::prelude::*`.
pub mod prelude {
    pub use super::{
        AccountStore, BlobIndex, CaseStore, CatalogStore, Database, LetterStore, SyncStore,
    };
}

/// What can go wrong in storage. Callers map these to HTTP answers.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("already exists: {0}")]
    Conflict(String),
    #[error("invalid: {0}")]
    Invalid(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The system of record: every topic's operations plus the position of the total
/// order and its change signal.
#[async_trait]
pub trait Database:
    AccountStore + CatalogStore + LetterStore + BlobIndex + CaseStore + SyncStore + 'static
{
    /// Which backend this is, for logs and `/healthz`.
    fn backend(&self) -> &'static str;

    /// The latest `seq` committed (by any portal instance sharing the database).
    async fn head_seq(&self) -> StoreResult<i64>;

    /// A receiver that sees every new head `seq`, including other instances' changes
    /// where the backend can signal them.
    fn subscribe(&self) -> tokio::sync::watch::Receiver<i64>;

    /// Whether the tenant has no office yet (a fresh database).
    async fn is_empty(&self) -> StoreResult<bool>;
}

/// Staff accounts, citizen accounts, sessions and login throttling.
#[async_trait]
pub trait AccountStore: Send + Sync {
    async fn create_user(&self, user: NewUser) -> StoreResult<StaffUser>;
    /// The user and their password hash, for logging in. Inactive users are absent.
    async fn user_credentials(&self, name: &str) -> StoreResult<Option<(StaffUser, String)>>;
    async fn staff_user(&self, id: Uuid) -> StoreResult<Option<StaffUser>>;
    /// Active caseworkers and team leads who share an office with `user`: the people
    /// a team lead can assign cases to, and the names a desktop shows.
    async fn office_staff(&self, user: &StaffUser) -> StoreResult<Vec<UserInfo>>;

    async fn create_citizen(&self, citizen: NewCitizen) -> StoreResult<Citizen>;
    async fn citizen_credentials(&self, email: &str) -> StoreResult<Option<(Citizen, String)>>;
    async fn citizen(&self, id: Uuid) -> StoreResult<Option<Citizen>>;

    async fn create_session(&self, session: SessionRecord) -> StoreResult<()>;
    /// The live session whose access token hashes to `access_hash`.
    async fn session_by_access(
        &self,
        access_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<SessionRecord>>;
    /// Consumes a live refresh token (deleting its session) and says whose it was;
    /// `None` when it is unknown, expired or already used. Each refresh token works
    /// exactly once, even under concurrent use.
    async fn consume_refresh(
        &self,
        refresh_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(SubjectKind, Uuid)>>;
    async fn delete_session(&self, id: Uuid) -> StoreResult<()>;

    /// Records a failed login for each key and returns the failures per key since
    /// `since`, including this one.
    async fn record_login_failure(
        &self,
        keys: &[String],
        now: DateTime<Utc>,
        since: DateTime<Utc>,
    ) -> StoreResult<Vec<i64>>;
    async fn login_failures(&self, keys: &[String], since: DateTime<Utc>) -> StoreResult<Vec<i64>>;
    async fn clear_login_failures(&self, key: &str) -> StoreResult<()>;
}

/// The tenant's settings, offices and service catalog.
#[async_trait]
pub trait CatalogStore: Send + Sync {
    /// How long after its announcement a fee falls due (§17 GebG NRW lets the office
    /// set the due date): the tenant's setting, or
    /// [`DEFAULT_FEE_DUE_AFTER`](casedesk_domain::aggregate::DEFAULT_FEE_DUE_AFTER).
    async fn fee_due_after(&self) -> StoreResult<Period>;
    async fn set_fee_due_after(&self, period: Period) -> StoreResult<()>;

    async fn create_office(&self, office: NewOffice) -> StoreResult<OfficeInfo>;
    async fn offices(&self) -> StoreResult<Vec<OfficeInfo>>;

    async fn upsert_service(&self, service: &ServiceDefinition) -> StoreResult<()>;
    async fn services(&self) -> StoreResult<Vec<ServiceDefinition>>;
    async fn service(&self, id: &str) -> StoreResult<Option<ServiceDefinition>>;
}

/// The tenant's letter templates and letterhead, with an append-only record of every
/// change.
#[async_trait]
pub trait LetterStore: Send + Sync {
    /// The tenant's letter template overrides and letterhead. Validating them is the
    /// caller's job (the API renders a sample letter before storing).
    async fn letters(&self) -> StoreResult<StoredLetters>;
    /// Stores the tenant's version of template `name`, recorded as changed by `by`.
    async fn put_letter_template(
        &self,
        name: &str,
        source: &str,
        by: &StaffUser,
    ) -> StoreResult<()>;
    /// Stores the tenant's letterhead, recorded as changed by `by`.
    async fn put_letterhead(
        &self,
        json: &str,
        logo_base64: Option<&str>,
        by: &StaffUser,
    ) -> StoreResult<()>;
}

/// Which blobs exist and who may read them. The bytes live in the blob store
/// ([`blobs`]); this is the record of them.
#[async_trait]
pub trait BlobIndex: Send + Sync {
    async fn record_blob(&self, blob: &BlobRecord, uploaded_by: &Principal) -> StoreResult<()>;
    /// The media type of a blob if `principal` may read it.
    async fn readable_blob(
        &self,
        principal: &Principal,
        sha256: &str,
    ) -> StoreResult<Option<String>>;
}

/// Cases: filing applications, applying commands, reading cases.
#[async_trait]
pub trait CaseStore: Send + Sync {
    /// Files an application: assigns office and Aktenzeichen, writes the case.
    async fn submit_application(&self, application: Application) -> StoreResult<CaseAggregate>;
    /// Files many prepared cases at once (seeding and benchmarks). Each case keeps
    /// its history; the store assigns `seq`.
    async fn import_cases(&self, cases: Vec<(CaseAggregate, Uuid)>) -> StoreResult<()>;
    /// Brings the query planner's statistics up to date after a bulk import, so the
    /// first queries on the new data are planned as later ones will be.
    async fn refresh_statistics(&self) -> StoreResult<()>;
    /// Reserves `count` consecutive Aktenzeichen numbers of a series (office code,
    /// service, year) and returns the first.
    async fn reserve_case_numbers(
        &self,
        office_code: &str,
        service_id: &str,
        year: i32,
        count: u32,
    ) -> StoreResult<u32>;

    /// Applies commands in order, idempotently, each atomically and committed in
    /// groups; returns one answer per command.
    async fn apply_commands(
        &self,
        principal: &Principal,
        commands: &[Command],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<CommandAnswer>>;

    /// Applies one command (see [`CaseStore::apply_commands`]).
    async fn apply_command(
        &self,
        principal: &Principal,
        command: &Command,
        now: DateTime<Utc>,
    ) -> StoreResult<CommandAnswer> {
        let mut answers = self
            .apply_commands(principal, std::slice::from_ref(command), now)
            .await?;
        answers
            .pop()
            .ok_or_else(|| StoreError::Corrupt("no answer for a command".into()))
    }

    /// One case if `principal` may see it.
    async fn case(&self, principal: &Principal, id: Uuid) -> StoreResult<Option<CaseAggregate>>;
    /// A citizen's own cases, newest first.
    async fn citizen_cases(&self, citizen_id: Uuid) -> StoreResult<Vec<CaseAggregate>>;

    /// Open requests whose answer deadline has passed, for the expiry job: the
    /// case, the request and the case's version.
    async fn expired_requests(
        &self,
        today: chrono::NaiveDate,
    ) -> StoreResult<Vec<(Uuid, Uuid, i64)>>;

    /// Decisions (`None`) and notices left unretrieved in the portal mailbox past
    /// their ten days by `today` (§41(2a) VwVfG NRW), for the lapse job: the case,
    /// the notice and the case's version. Reads only the cases whose earliest
    /// pending retrieval ended before `today` (an indexed column), never all cases.
    async fn lapsed_retrievals(
        &self,
        today: chrono::NaiveDate,
    ) -> StoreResult<Vec<(Uuid, Option<Uuid>, i64)>>;
}

/// What desktops sync from: the bootstrap snapshot, changes pages, and the case
/// frames the bootstrap is served from.
#[async_trait]
pub trait SyncStore: Send + Sync {
    /// Every case of the user's offices at one consistent `seq`, in id order,
    /// starting after `after` (to resume an interrupted bootstrap).
    async fn bootstrap(
        &self,
        user: &StaffUser,
        after: Option<Uuid>,
        form: BootstrapForm,
    ) -> StoreResult<Bootstrap>;

    /// Trains the dictionaries of offices that have enough cases and none yet, and
    /// writes the case frames that are missing (see [`frames`]).
    async fn maintain_frames(&self) -> StoreResult<frames::FrameReport>;

    /// The cases of the user's offices changed after `after`, at most `limit`, as
    /// they are read from one consistent snapshot: [`ChangesChunk::Cases`] items, then
    /// one [`ChangesChunk::End`]. A stream that ends without `End` failed.
    async fn changes_stream(
        &self,
        user: &StaffUser,
        after: i64,
        limit: i64,
    ) -> StoreResult<BoxStream<'static, StoreResult<ChangesChunk>>>;

    /// [`SyncStore::changes_stream`] read into one page.
    async fn changes(
        &self,
        user: &StaffUser,
        after: i64,
        limit: i64,
    ) -> StoreResult<RawChangesPage> {
        use futures::StreamExt;
        let mut stream = self.changes_stream(user, after, limit).await?;
        let mut changes = Vec::new();
        while let Some(chunk) = stream.next().await {
            match chunk? {
                ChangesChunk::Cases(cases) => changes.extend(cases),
                ChangesChunk::End {
                    tombstones,
                    next_cursor,
                    has_more,
                } => {
                    return Ok(ChangesPage {
                        changes,
                        tombstones,
                        next_cursor,
                        has_more,
                    });
                }
            }
        }
        Err(StoreError::Corrupt("changes page ended early".into()))
    }
}

/// Opens the backend the URL names (`sqlite://…` or `postgres://…`) and migrates it.
pub async fn open(url: &str) -> StoreResult<Arc<dyn Database>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(postgres::open(url).await?))
    } else if url.starts_with("sqlite:") {
        Ok(Arc::new(sqlite::open(url).await?))
    } else {
        Err(StoreError::Invalid(
            "database URL must start with sqlite: or postgres://".into(),
        ))
    }
}

/// Aggregates read back from storage must parse; a row that does not is reported,
/// never silently skipped.
pub(crate) fn parse_aggregate(text: &str) -> StoreResult<CaseAggregate> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("case aggregate: {e}")))
}
