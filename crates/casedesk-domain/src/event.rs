//! Events: what happened to a case, as recorded in the append-only audit trail.
//!
//! Every applied command yields one or more events; the portal stores each with the
//! case's new version and the transaction's `seq`, and the aggregate's `history` is the
//! list of them. Events are never updated or deleted.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::aggregate::{DocumentMeta, ItemAnswer, NoticeKind, Priority, RequestedItem, Verdict};
use crate::delivery::{AnnouncedDates, Delivery, DeliveryChannel};
use crate::lifecycle::{ActorRef, CaseStatus, Outcome};

/// One entry of a case's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HistoryEntry {
    /// The portal's global order position of the transaction that wrote this event.
    pub seq: i64,
    /// The case version this event produced.
    pub version: i64,
    pub at: DateTime<Utc>,
    pub actor: ActorRef,
    /// The command that caused the event, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command_id: Option<Uuid>,
    pub event: EventKind,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    Submitted {
        service_id: String,
    },
    Claimed,
    Released {
        previous: Uuid,
    },
    Assigned {
        assignee: Uuid,
        assignee_name: String,
        previous: Option<Uuid>,
    },
    StatusChanged {
        from: CaseStatus,
        to: CaseStatus,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    NoteAdded {
        note_id: Uuid,
        text: String,
    },
    DocumentAdded {
        document: DocumentMeta,
    },
    DocumentReviewed {
        document_id: Uuid,
        verdict: Verdict,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    ItemsRequested {
        request_id: Uuid,
        items: Vec<RequestedItem>,
        reason: String,
        answer_due: NaiveDate,
        message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        letter_sha256: Option<String>,
    },
    /// An Anhörung (§28 VwVfG NRW): the office waits for the citizen's statement on
    /// what it intends.
    HearingStarted {
        request_id: Uuid,
        intended: String,
        answer_due: NaiveDate,
        message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        letter_sha256: Option<String>,
    },
    RequestAnswered {
        request_id: Uuid,
        document_ids: Vec<Uuid>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
        /// Which documents answer which item.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        items: Vec<ItemAnswer>,
        /// Whether this answer completes the request. Answers recorded before
        /// partial answers existed always did.
        #[serde(default = "answered_completely", skip_serializing_if = "is_true")]
        complete: bool,
    },
    /// The answer deadline of a request moved (and a request whose deadline had
    /// passed is open again).
    RequestExtended {
        request_id: Uuid,
        answer_due: NaiveDate,
    },
    /// The office closed a request unanswered.
    RequestWithdrawn {
        request_id: Uuid,
        reason: String,
    },
    /// The office took a partial answer as the answer.
    AnswerAccepted {
        request_id: Uuid,
    },
    AnswerDeadlinePassed {
        request_id: Uuid,
    },
    MessageSent {
        message_id: Uuid,
        text: String,
        from_citizen: bool,
    },
    DecisionRecorded {
        outcome: Outcome,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        letter_sha256: Option<String>,
        fee_cents: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reasons: Option<String>,
        /// The delivery as it starts: channel, procedure, the portal notification.
        #[serde(default)]
        delivery: Delivery,
    },
    NoticeIssued {
        notice_id: Uuid,
        kind: NoticeKind,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        letter_sha256: Option<String>,
        amount_cents: i64,
        delivery: Delivery,
    },
    /// The decision (`notice_id` none) or a notice was handed to the post or served.
    Dispatched {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        notice_id: Option<Uuid>,
        channel: DeliveryChannel,
        on: NaiveDate,
        dates: AnnouncedDates,
    },
    /// The citizen first retrieved it from the portal mailbox.
    Retrieved {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        notice_id: Option<Uuid>,
        dates: AnnouncedDates,
    },
    /// Not retrieved within ten days: not announced.
    RetrievalLapsed {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        notice_id: Option<Uuid>,
    },
    PriorityChanged {
        priority: Priority,
    },
    DueDateChanged {
        due_date: NaiveDate,
        reason: String,
    },
    TransferredOffice {
        from: Uuid,
        to: Uuid,
    },
    Withdrawn {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    PaymentChanged {
        status: crate::aggregate::PaymentStatus,
    },
}

impl EventKind {
    /// The stable name stored in the event log's `kind` column.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::Submitted { .. } => "submitted",
            EventKind::Claimed => "claimed",
            EventKind::Released { .. } => "released",
            EventKind::Assigned { .. } => "assigned",
            EventKind::StatusChanged { .. } => "status_changed",
            EventKind::NoteAdded { .. } => "note_added",
            EventKind::DocumentAdded { .. } => "document_added",
            EventKind::DocumentReviewed { .. } => "document_reviewed",
            EventKind::ItemsRequested { .. } => "items_requested",
            EventKind::RequestAnswered { .. } => "request_answered",
            EventKind::RequestExtended { .. } => "request_extended",
            EventKind::RequestWithdrawn { .. } => "request_withdrawn",
            EventKind::AnswerAccepted { .. } => "answer_accepted",
            EventKind::AnswerDeadlinePassed { .. } => "answer_deadline_passed",
            EventKind::MessageSent { .. } => "message_sent",
            EventKind::HearingStarted { .. } => "hearing_started",
            EventKind::DecisionRecorded { .. } => "decision_recorded",
            EventKind::NoticeIssued { .. } => "notice_issued",
            EventKind::Dispatched { .. } => "dispatched",
            EventKind::Retrieved { .. } => "retrieved",
            EventKind::RetrievalLapsed { .. } => "retrieval_lapsed",
            EventKind::PriorityChanged { .. } => "priority_changed",
            EventKind::DueDateChanged { .. } => "due_date_changed",
            EventKind::TransferredOffice { .. } => "transferred_office",
            EventKind::Withdrawn { .. } => "withdrawn",
            EventKind::PaymentChanged { .. } => "payment_changed",
        }
    }
}

/// Answers recorded before partial answers existed completed their request.
fn answered_completely() -> bool {
    true
}

fn is_true(value: &bool) -> bool {
    *value
}
