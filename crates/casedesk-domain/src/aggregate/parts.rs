//! The parts a case is made of: applicant and consents, documents and their
//! reviews, requests for items and hearings, messages, notes, the decision and the
//! notices after it, the fee. Plain data with their German labels; the rules that
//! change them are in the aggregate.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::delivery::Delivery;
use crate::lifecycle::Outcome;

/// What the applicant agreed to when applying.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Consents {
    /// Decisions may be announced by retrieval from the portal mailbox
    /// (§41(2a) VwVfG NRW).
    #[serde(default)]
    pub portal_delivery: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    #[default]
    Normal,
    High,
    Urgent,
}

impl Priority {
    pub fn german(self) -> &'static str {
        match self {
            Priority::Low => "Niedrig",
            Priority::Normal => "Normal",
            Priority::High => "Hoch",
            Priority::Urgent => "Dringend",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Applicant {
    pub citizen_id: Uuid,
    pub given_name: String,
    pub family_name: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

impl Applicant {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }
}

/// Metadata of an attached document; the bytes live in the blob store under `sha256`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DocumentMeta {
    pub id: Uuid,
    /// Lower-case hex SHA-256 of the content.
    pub sha256: String,
    pub file_name: String,
    pub media_type: String,
    pub size: i64,
    /// The required-document key of the service this document answers, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    pub uploaded_at: DateTime<Utc>,
    pub from_citizen: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<Review>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Accepted,
    Rejected,
}

impl Verdict {
    pub fn german(self) -> &'static str {
        match self {
            Verdict::Accepted => "Angenommen",
            Verdict::Rejected => "Abgelehnt",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Review {
    pub verdict: Verdict,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub by: Uuid,
    pub at: DateTime<Utc>,
    /// The case version at which this review was recorded.
    pub version: i64,
}

/// One item a request for missing documents asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct RequestedItem {
    /// The service's required-document key, when the item is one of them.
    #[serde(default)]
    pub kind: Option<String>,
    /// What the citizen reads: which document, and why.
    pub description: String,
    /// The document this item asks to replace: one rejected in review, whose
    /// reason the description carries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<Uuid>,
}

/// The documents an answer gives for one item of a request (by its position in
/// the request's `items`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ItemAnswer {
    pub item: u32,
    pub document_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    /// Waiting for the citizen; some items may be answered already.
    Open,
    /// Every item answered, the statement given, or the answer accepted as it is.
    Answered,
    /// The answer deadline passed without a complete answer.
    Expired,
    /// Closed by the office before it was answered (`closed_reason` says why).
    Withdrawn,
}

impl RequestStatus {
    pub fn german(self) -> &'static str {
        match self {
            RequestStatus::Open => "Offen",
            RequestStatus::Answered => "Beantwortet",
            RequestStatus::Expired => "Frist abgelaufen",
            RequestStatus::Withdrawn => "Zurückgenommen",
        }
    }
}

/// What the office waits for from the citizen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RequestPurpose {
    /// Missing or better items (Nachforderung).
    #[default]
    Items,
    /// A statement on an intended decision (Anhörung, §28 VwVfG NRW); `reason` holds
    /// what the office intends and why.
    Hearing,
}

impl RequestPurpose {
    pub fn german(self) -> &'static str {
        match self {
            RequestPurpose::Items => "Nachforderung",
            RequestPurpose::Hearing => "Anhörung",
        }
    }
}

/// A Nachforderung or an Anhörung: the office waits for the citizen until a deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ItemsRequest {
    pub id: Uuid,
    #[serde(default)]
    pub purpose: RequestPurpose,
    pub items: Vec<RequestedItem>,
    pub reason: String,
    pub message: String,
    pub answer_due: NaiveDate,
    pub requested_at: DateTime<Utc>,
    pub requested_by: Uuid,
    pub status: RequestStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_at: Option<DateTime<Utc>>,
    /// The letter that went out with it (the items-request or hearing letter), which
    /// the citizen downloads from the portal and a citizen using post receives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub letter_sha256: Option<String>,
    /// What the citizen's answers gave for each item so far, in the order received.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answers: Vec<ItemAnswer>,
    /// When the citizen last answered it (also a partial answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_answer_at: Option<DateTime<Utc>>,
    /// Why the office withdrew it, as the citizen reads it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_reason: Option<String>,
}

impl ItemsRequest {
    /// The documents answered for item `item` so far.
    pub fn documents_for(&self, item: u32) -> impl Iterator<Item = &Uuid> {
        self.answers
            .iter()
            .filter(move |a| a.item == item)
            .flat_map(|a| a.document_ids.iter())
    }

    /// Whether every item has at least one document.
    pub fn every_item_answered(&self) -> bool {
        (0..self.items.len() as u32).all(|i| self.documents_for(i).next().is_some())
    }

    /// Whether the citizen answered some but not all of it yet.
    pub fn partly_answered(&self) -> bool {
        self.status == RequestStatus::Open && self.last_answer_at.is_some()
    }

    /// Whether the answer period is over on `today`. A deadline on a Saturday,
    /// Sunday or holiday runs to the end of the next working day (§31(3) VwVfG NRW),
    /// so a request expires only after that day.
    pub fn answer_period_over(&self, today: NaiveDate) -> bool {
        crate::holidays::next_working_day_on_or_after(self.answer_due) < today
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Message {
    pub id: Uuid,
    pub from_citizen: bool,
    pub author: String,
    pub text: String,
    pub at: DateTime<Utc>,
}

/// An internal note; never shown to the citizen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Note {
    pub id: Uuid,
    pub author_id: Uuid,
    pub author: String,
    pub text: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Decision {
    pub outcome: Outcome,
    pub decided_at: DateTime<Utc>,
    pub decided_by: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub letter_sha256: Option<String>,
    pub fee_cents: i64,
    /// The caseworker's reasons for this case (§39 VwVfG NRW); required for a
    /// rejection or partial approval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasons: Option<String>,
    /// How the decision reaches the citizen and, once certain, when it counts as
    /// announced.
    #[serde(default)]
    pub delivery: Delivery,
}

/// The kind of a notice issued after the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// Gebührenbescheid: the fee assessed separately.
    Fee,
    /// Steuerbescheid: the tax a registration leads to (the dog tax).
    Tax,
}

impl NoticeKind {
    pub fn german(self) -> &'static str {
        match self {
            NoticeKind::Fee => "Gebührenbescheid",
            NoticeKind::Tax => "Steuerbescheid",
        }
    }
}

/// A notice issued after the decision, with its own delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Notice {
    pub id: Uuid,
    pub kind: NoticeKind,
    pub issued_at: DateTime<Utc>,
    pub issued_by: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub letter_sha256: Option<String>,
    pub amount_cents: i64,
    pub delivery: Delivery,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    Open,
    Paid,
    Failed,
}

impl PaymentStatus {
    pub fn german(self) -> &'static str {
        match self {
            PaymentStatus::Open => "Offen",
            PaymentStatus::Paid => "Bezahlt",
            PaymentStatus::Failed => "Fehlgeschlagen",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Fee {
    pub amount_cents: i64,
    pub kassenzeichen: String,
    pub status: PaymentStatus,
}
