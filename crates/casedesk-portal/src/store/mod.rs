//! Storage of the system of record, behind one [`Database`] trait.
//!
//! Two backends: SQLite (embedded default, a file in the data directory) and PostgreSQL
//! (production; several portal instances may share one database). Each has its own
//! append-only migrations under `migrations/<backend>/`. The SQL both understand lives
//! once in [`sql`]; the backend modules own connection set-up, writer serialisation and
//! change notification, which is where the two really differ.
//!
//! Architecture invariant: every change gets a position `seq` in one total order, and
//! commit order equals `seq` order. A writing transaction takes its `seq` by updating
//! the single row of `seq_counter`, which holds a write lock on that row until commit,
//! so no transaction with a smaller `seq` can commit after one with a larger `seq`.
//! SQLite serialises writers anyway; PostgreSQL serialises them on that row lock.

use std::sync::Arc;

use async_trait::async_trait;
use casedesk_domain::CaseAggregate;
use casedesk_domain::aggregate::{DocumentMeta, NewCase};
use casedesk_domain::command::{Command, CommandAnswer};
use casedesk_domain::deadline::DeliveryRule;
use casedesk_domain::lifecycle::{ActorRef, Role};
use casedesk_domain::wire::{ChangesPage, OfficeInfo, ServiceDefinition, UserInfo};
use chrono::{DateTime, Utc};
use futures::stream::BoxStream;
use uuid::Uuid;

pub mod frames;
pub mod postgres;
pub mod sql;
pub mod sqlite;

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

/// Who is asking: the store filters every query by this.
#[derive(Debug, Clone)]
pub enum Principal {
    Staff(StaffUser),
    Citizen(Citizen),
    /// Jobs inside the portal (expired answer deadlines, payment status).
    System,
}

impl Principal {
    pub fn actor(&self) -> ActorRef {
        match self {
            Principal::Staff(user) => ActorRef::Staff {
                user_id: user.id,
                role: user.role,
                name: user.display_name.clone(),
            },
            Principal::Citizen(citizen) => ActorRef::Citizen {
                citizen_id: citizen.id,
                name: format!("{} {}", citizen.given_name, citizen.family_name),
            },
            Principal::System => ActorRef::System,
        }
    }

    /// A stable key stored with command results so a command id cannot be replayed
    /// by someone else to read another person's answer.
    pub fn key(&self) -> String {
        match self {
            Principal::Staff(user) => format!("staff:{}", user.id),
            Principal::Citizen(citizen) => format!("citizen:{}", citizen.id),
            Principal::System => "system".to_owned(),
        }
    }
}

/// A staff member with the offices they belong to.
#[derive(Debug, Clone)]
pub struct StaffUser {
    pub id: Uuid,
    pub name: String,
    pub display_name: String,
    pub role: Role,
    pub offices: Vec<OfficeInfo>,
}

impl StaffUser {
    pub fn info(&self) -> UserInfo {
        UserInfo {
            id: self.id,
            name: self.name.clone(),
            display_name: self.display_name.clone(),
            role: self.role,
            offices: self.offices.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Citizen {
    pub id: Uuid,
    pub email: String,
    pub given_name: String,
    pub family_name: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub phone: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewOffice {
    pub code: String,
    pub name: String,
    /// Postal codes whose applications this office handles; the office with none is
    /// the fallback for everything else.
    pub postal_codes: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub name: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
    pub office_codes: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct NewCitizen {
    pub email: String,
    pub password_hash: String,
    pub given_name: String,
    pub family_name: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub phone: Option<String>,
}

/// Which kind of subject a session belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectKind {
    Staff,
    Citizen,
}

impl SubjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SubjectKind::Staff => "staff",
            SubjectKind::Citizen => "citizen",
        }
    }
}

/// A session as stored: only hashes of the tokens.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub id: Uuid,
    pub subject: SubjectKind,
    pub subject_id: Uuid,
    pub access_hash: String,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_hash: String,
    pub refresh_expires_at: DateTime<Utc>,
}

/// A file accepted into the blob store, to be recorded.
#[derive(Debug, Clone)]
pub struct BlobRecord {
    pub sha256: String,
    pub size: i64,
    pub media_type: String,
}

/// An application ready to be filed: the case minus what the store assigns
/// (Aktenzeichen, office, seq).
#[derive(Debug, Clone)]
pub struct Application {
    pub citizen_id: Uuid,
    pub service: ServiceDefinition,
    pub form: serde_json::Map<String, serde_json::Value>,
    pub documents: Vec<DocumentMeta>,
    pub received_at: DateTime<Utc>,
}

/// How a bootstrap hands out its cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BootstrapForm {
    /// Each case as its aggregate's JSON text.
    Json,
    /// Each case as a zstd frame (`casedesk_domain::frames`), made with its office's
    /// dictionary where the office has one.
    Frames,
}

/// The bootstrap snapshot: its position, its size and the cases.
pub struct Bootstrap {
    pub seq: i64,
    pub cases: i64,
    /// In [`BootstrapForm::Frames`]: the dictionaries of the user's offices (every
    /// one a frame may name). Empty in [`BootstrapForm::Json`].
    pub dictionaries: Vec<Vec<u8>>,
    /// Each item is one case in the requested form, in case id order.
    pub cases_stream: BoxStream<'static, StoreResult<Vec<u8>>>,
}

/// A page of changes with each aggregate as the JSON text the store wrote. The text
/// is passed through unparsed: re-validating megabytes of our own JSON on every page
/// would cost more than reading it.
pub type RawChangesPage = ChangesPage<String>;

/// A changes page as it is read, so the server can send (and compress) its first
/// cases while the store still reads the rest.
pub enum ChangesChunk {
    /// Aggregates' JSON texts, in `seq` order.
    Cases(Vec<String>),
    /// The last item: what follows the cases on the page.
    End {
        tombstones: Vec<casedesk_domain::wire::Tombstone>,
        next_cursor: i64,
        has_more: bool,
    },
}

/// A tenant's edited letter template, replacing the built-in one of that name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTemplate {
    pub name: String,
    pub source: String,
    pub updated_by_name: String,
    pub updated_at: DateTime<Utc>,
}

/// The tenant's letterhead: `casedesk_letters::Letterhead` as JSON plus the logo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLetterhead {
    pub json: String,
    pub logo_base64: Option<String>,
    pub updated_by_name: String,
    pub updated_at: DateTime<Utc>,
}

/// Everything the tenant stored about its letters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredLetters {
    /// In name order.
    pub templates: Vec<StoredTemplate>,
    pub letterhead: Option<StoredLetterhead>,
}

/// The system of record.
#[async_trait]
pub trait Database: Send + Sync + 'static {
    /// Which backend this is, for logs and `/healthz`.
    fn backend(&self) -> &'static str;

    /// The latest `seq` committed (by any portal instance sharing the database).
    async fn head_seq(&self) -> StoreResult<i64>;

    /// A receiver that sees every new head `seq`, including other instances' changes
    /// where the backend can signal them.
    fn subscribe(&self) -> tokio::sync::watch::Receiver<i64>;

    async fn is_empty(&self) -> StoreResult<bool>;
    async fn delivery_rule(&self) -> StoreResult<DeliveryRule>;
    async fn set_delivery_rule(&self, rule: DeliveryRule) -> StoreResult<()>;

    async fn create_office(&self, office: NewOffice) -> StoreResult<OfficeInfo>;
    async fn offices(&self) -> StoreResult<Vec<OfficeInfo>>;

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

    async fn upsert_service(&self, service: &ServiceDefinition) -> StoreResult<()>;
    async fn services(&self) -> StoreResult<Vec<ServiceDefinition>>;
    async fn service(&self, id: &str) -> StoreResult<Option<ServiceDefinition>>;

    async fn record_blob(&self, blob: &BlobRecord, uploaded_by: &Principal) -> StoreResult<()>;
    /// The media type of a blob if `principal` may read it.
    async fn readable_blob(
        &self,
        principal: &Principal,
        sha256: &str,
    ) -> StoreResult<Option<String>>;

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

    /// Applies commands in order, idempotently, each atomically (a savepoint) and
    /// committed in groups; returns one answer per command.
    async fn apply_commands(
        &self,
        principal: &Principal,
        commands: &[Command],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<CommandAnswer>>;

    /// Applies one command (see [`Database::apply_commands`]).
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

    /// [`Database::changes_stream`] read into one page.
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

    /// Open requests whose answer deadline has passed, for the expiry job.
    async fn expired_requests(
        &self,
        today: chrono::NaiveDate,
    ) -> StoreResult<Vec<(Uuid, Uuid, i64)>>;
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

/// An applicant record from a citizen.
pub fn applicant_of(citizen: &Citizen) -> casedesk_domain::aggregate::Applicant {
    casedesk_domain::aggregate::Applicant {
        citizen_id: citizen.id,
        given_name: citizen.given_name.clone(),
        family_name: citizen.family_name.clone(),
        street: citizen.street.clone(),
        postal_code: citizen.postal_code.clone(),
        city: citizen.city.clone(),
        email: citizen.email.clone(),
        phone: citizen.phone.clone(),
    }
}

/// Builds the case a new application becomes, given what the store assigned.
pub fn new_case_of(
    application: &Application,
    citizen: &Citizen,
    office_id: Uuid,
    aktenzeichen: String,
    kassenzeichen: String,
) -> NewCase {
    let fee_cents = application.service.fee_cents(&application.form);
    NewCase {
        id: Uuid::now_v7(),
        aktenzeichen,
        office_id,
        service_id: application.service.id.clone(),
        received_at: application.received_at,
        processing_period: application.service.processing_period,
        applicant: applicant_of(citizen),
        form_data: application.form.clone(),
        documents: application.documents.clone(),
        fee: (fee_cents > 0).then_some(casedesk_domain::aggregate::Fee {
            amount_cents: fee_cents,
            kassenzeichen,
            status: casedesk_domain::aggregate::PaymentStatus::Open,
        }),
    }
}

/// A Kassenzeichen derived from the Aktenzeichen: digits only, with a mod-10 check
/// digit (Luhn) so typing errors at the town's cash office are caught.
pub fn kassenzeichen_for(aktenzeichen: &casedesk_domain::Aktenzeichen) -> String {
    let service_digits: String = aktenzeichen
        .service_code
        .bytes()
        .map(|b| format!("{:02}", b - b'A' + 1))
        .collect();
    let body = format!(
        "{}{}{:04}{:06}",
        aktenzeichen.office_code, service_digits, aktenzeichen.year, aktenzeichen.number
    );
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}
