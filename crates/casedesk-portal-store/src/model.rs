//! What the store takes and gives: who is asking ([`Principal`]), accounts, sessions,
//! applications, the bootstrap and changes pages, and the tenant's letter settings.
//! Plain data; the operations on it are the traits in the parent module.

use casedesk_domain::aggregate::{Applicant, Consents, DocumentMeta};
use casedesk_domain::lifecycle::{ActorRef, Role};
use casedesk_domain::wire::{ChangesPage, OfficeInfo, ServiceDefinition, UserInfo};
use chrono::{DateTime, Utc};
use futures::stream::BoxStream;
use uuid::Uuid;

use super::StoreResult;

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

/// A citizen's account: who they are and where they live.
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

impl Citizen {
    /// The applicant record a case of theirs carries.
    pub fn applicant(&self) -> Applicant {
        Applicant {
            citizen_id: self.id,
            given_name: self.given_name.clone(),
            family_name: self.family_name.clone(),
            street: self.street.clone(),
            postal_code: self.postal_code.clone(),
            city: self.city.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
        }
    }
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
    /// What the applicant agreed to (portal delivery, §41(2a) VwVfG NRW).
    pub consents: Consents,
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
