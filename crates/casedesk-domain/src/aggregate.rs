//! The case aggregate: everything a case holds, and the rules for changing it.
//!
//! [`CaseAggregate::decide`] checks a command against the current state and returns the
//! events it produces, or a [`Rejection`] saying why not; [`CaseAggregate::apply`] folds
//! an event into the state. The portal runs both inside the transaction that stores the
//! result; the desktop runs them on its cache to show a command's effect at once.
//!
//! Concurrency rule: commands are judged on their preconditions, not on
//! `base_version`. A note or a message always applies; reviewing a document applies
//! unless someone else reviewed that document differently after the sender's version;
//! everything that needs the assignment (review, request items, decide, set status)
//! is rejected once the case belongs to someone else.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::catalog::ServiceDefinition;
use crate::command::{Rejection, RejectionCode};
use crate::deadline::{self, Pause, Period};
pub use crate::delivery::Delivery;
use crate::event::{EventKind, HistoryEntry};
use crate::law::ServiceLaw;
use crate::lifecycle::{self, ActorRef, CaseStatus};
use crate::{Aktenzeichen, kassenzeichen};

mod parts;
pub use parts::*;

/// A whole case as both APIs and both stores see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseAggregate {
    pub id: Uuid,
    pub aktenzeichen: String,
    pub office_id: Uuid,
    pub service_id: String,
    pub status: CaseStatus,
    pub assignee: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee_name: Option<String>,
    pub priority: Priority,
    /// Increases by one with every command that changed the case.
    pub version: i64,
    /// The global order position of the case's latest change.
    pub seq: i64,
    pub received_at: DateTime<Utc>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "14d"))]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub processing_period: Period,
    /// Times the processing deadline stood still while waiting for the citizen.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub pauses: Vec<Pause>,
    /// A due date a team lead set by hand; wins over the computed one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date_override: Option<NaiveDate>,
    /// The processing deadline as of the last change (an open pause counted up to then).
    pub due_date: NaiveDate,
    pub applicant: Applicant,
    /// What the applicant agreed to when applying.
    #[serde(default)]
    pub consents: Consents,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub form_data: serde_json::Map<String, serde_json::Value>,
    pub documents: Vec<DocumentMeta>,
    pub requests: Vec<ItemsRequest>,
    pub messages: Vec<Message>,
    pub notes: Vec<Note>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    /// Notices issued after the decision, each an administrative act of its own with
    /// its own delivery: a fee notice, a tax notice.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<Notice>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee: Option<Fee>,
    pub history: Vec<HistoryEntry>,
}

/// Facts the aggregate cannot know by itself, looked up by the store before deciding.
#[derive(Debug, Clone)]
pub struct DecideContext {
    pub now: DateTime<Utc>,
    /// The German local date of `now`.
    pub today: NaiveDate,
    /// For `record_decision` and `issue_notice`: the law of the case's service.
    pub law: Option<ServiceLaw>,
    /// How long after its announcement a fee falls due (tenant setting).
    pub fee_due_after: Period,
    /// For `assign`: the target user's name, if they are staff of the case's office
    /// who can take cases.
    pub assignee: Option<AssigneeInfo>,
    /// For `transfer_office`: whether the target office exists and the actor is a
    /// member of it.
    pub target_office_allowed: bool,
    /// For `record_decision` with a letter: whether the blob is stored.
    pub letter_stored: bool,
    /// The command being decided. Ids of what it creates (a note, a request, a
    /// message, a notice) derive from it, so the desktop's optimistic copy and the
    /// portal give them the same id and a follow-up queued offline finds them.
    pub command_id: Option<Uuid>,
}

impl DecideContext {
    pub fn at(now: DateTime<Utc>) -> Self {
        Self {
            now,
            today: deadline::local_date(now),
            law: None,
            fee_due_after: DEFAULT_FEE_DUE_AFTER,
            assignee: None,
            target_office_allowed: false,
            letter_stored: false,
            command_id: None,
        }
    }

    /// The id of the `what` this command creates: derived from the command id (the
    /// same on every replay of the command), or a fresh one without it.
    pub fn new_id(&self, what: &str) -> Uuid {
        match self.command_id {
            Some(command_id) => Uuid::new_v5(&command_id, what.as_bytes()),
            None => Uuid::now_v7(),
        }
    }
}

/// Fees fall due two weeks after their announcement unless the tenant sets otherwise.
pub const DEFAULT_FEE_DUE_AFTER: Period = Period::Weeks(2);

#[derive(Debug, Clone)]
pub struct AssigneeInfo {
    pub user_id: Uuid,
    pub name: String,
}

const MAX_TEXT: usize = 20_000;

fn invalid(message: impl Into<String>) -> Rejection {
    Rejection::new(RejectionCode::Invalid, message)
}

fn check_text(text: &str, what: &str) -> Result<(), Rejection> {
    if text.trim().is_empty() {
        return Err(invalid(format!("{what} darf nicht leer sein")));
    }
    if text.len() > MAX_TEXT {
        return Err(invalid(format!(
            "{what} ist zu lang (höchstens {MAX_TEXT} Zeichen)"
        )));
    }
    Ok(())
}

fn refusal(refusal: lifecycle::Refusal) -> Rejection {
    let code = match refusal {
        lifecycle::Refusal::NotInThisStatus { .. } => RejectionCode::InvalidTransition,
        lifecycle::Refusal::NotThisParty { .. } => RejectionCode::NotPermitted,
    };
    Rejection::new(code, refusal.to_string())
}

/// What a new application consists of before the portal files it.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub id: Uuid,
    pub aktenzeichen: String,
    pub office_id: Uuid,
    pub service_id: String,
    pub received_at: DateTime<Utc>,
    pub processing_period: Period,
    pub applicant: Applicant,
    pub consents: Consents,
    pub form_data: serde_json::Map<String, serde_json::Value>,
    pub documents: Vec<DocumentMeta>,
    pub fee: Option<Fee>,
}

impl NewCase {
    /// The case an application becomes once the portal has chosen its office and
    /// numbered it: its fee assessed by the service's rule (none when it comes to
    /// nothing), payable under the Kassenzeichen derived from the Aktenzeichen.
    ///
    /// Eight arguments on purpose: each is one fact of the filing, from a different
    /// source (catalog, citizen, clock, routing, numbering); a struct would only
    /// rename them at every call.
    #[allow(clippy::too_many_arguments)]
    pub fn from_application(
        service: &ServiceDefinition,
        form: serde_json::Map<String, serde_json::Value>,
        documents: Vec<DocumentMeta>,
        received_at: DateTime<Utc>,
        applicant: Applicant,
        consents: Consents,
        office_id: Uuid,
        aktenzeichen: &Aktenzeichen,
    ) -> NewCase {
        let fee_cents = service.fee_cents(&form);
        NewCase {
            id: Uuid::now_v7(),
            aktenzeichen: aktenzeichen.to_string(),
            office_id,
            service_id: service.id.clone(),
            received_at,
            processing_period: service.processing_period,
            applicant,
            consents,
            form_data: form,
            documents,
            fee: (fee_cents > 0).then(|| Fee {
                amount_cents: fee_cents,
                kassenzeichen: kassenzeichen::of(aktenzeichen),
                status: PaymentStatus::Open,
            }),
        }
    }
}

impl CaseAggregate {
    /// Files a new application: version 1, status `submitted`, one `submitted` event.
    pub fn submit(new: NewCase, actor: &ActorRef, seq: i64) -> (Self, HistoryEntry) {
        let received = new.received_at;
        let received_on = deadline::local_date(received);
        let due_date =
            deadline::processing_due(received_on, new.processing_period, 0).unwrap_or(received_on);
        let entry = HistoryEntry {
            seq,
            version: 1,
            at: received,
            actor: actor.clone(),
            command_id: None,
            event: EventKind::Submitted {
                service_id: new.service_id.clone(),
            },
        };
        let case = CaseAggregate {
            id: new.id,
            aktenzeichen: new.aktenzeichen,
            office_id: new.office_id,
            service_id: new.service_id,
            status: CaseStatus::Submitted,
            assignee: None,
            assignee_name: None,
            priority: Priority::Normal,
            version: 1,
            seq,
            received_at: received,
            processing_period: new.processing_period,
            pauses: Vec::new(),
            due_date_override: None,
            due_date,
            applicant: new.applicant,
            consents: new.consents,
            form_data: new.form_data,
            documents: new.documents,
            requests: Vec::new(),
            messages: Vec::new(),
            notes: Vec::new(),
            decision: None,
            notices: Vec::new(),
            fee: new.fee,
            history: vec![entry.clone()],
        };
        (case, entry)
    }

    /// The open requests whose answer deadline passed before `today`: the system's
    /// job expires them (`ExpireRequest`), which returns the case to review.
    pub fn overdue_requests(&self, today: NaiveDate) -> impl Iterator<Item = Uuid> + '_ {
        self.requests
            .iter()
            .filter(move |r| r.status == RequestStatus::Open && r.answer_period_over(today))
            .map(|r| r.id)
    }

    /// The delivery of the decision (`None`) or of notice `notice_id`.
    pub fn delivery_of(&self, notice_id: Option<Uuid>) -> Option<&Delivery> {
        match notice_id {
            None => self.decision.as_ref().map(|d| &d.delivery),
            Some(id) => self
                .notices
                .iter()
                .find(|n| n.id == id)
                .map(|n| &n.delivery),
        }
    }

    fn delivery_mut(&mut self, notice_id: Option<Uuid>) -> Option<&mut Delivery> {
        match notice_id {
            None => self.decision.as_mut().map(|d| &mut d.delivery),
            Some(id) => self
                .notices
                .iter_mut()
                .find(|n| n.id == id)
                .map(|n| &mut n.delivery),
        }
    }

    /// The decision (`None`) and notices left unretrieved in the portal mailbox for
    /// longer than §41(2a) allows by `today`: the system's job marks them lapsed
    /// (`LapseRetrieval`), which flags the case for delivery by post.
    pub fn lapsed_retrievals(&self, today: NaiveDate) -> Vec<Option<Uuid>> {
        let decision = self
            .decision
            .as_ref()
            .filter(|d| d.delivery.retrieval_overdue(today))
            .map(|_| None);
        decision
            .into_iter()
            .chain(
                self.notices
                    .iter()
                    .filter(|n| n.delivery.retrieval_overdue(today))
                    .map(|n| Some(n.id)),
            )
            .collect()
    }

    /// The processing deadline given the pauses up to `today`.
    pub fn computed_due_date(&self, today: NaiveDate) -> NaiveDate {
        if let Some(due) = self.due_date_override {
            return due;
        }
        let paused = deadline::paused_days(&self.pauses, today);
        deadline::processing_due(
            deadline::local_date(self.received_at),
            self.processing_period,
            paused,
        )
        .unwrap_or(self.due_date)
    }

    /// Folds one event into the state. Version, seq and due date are set by
    /// [`CaseAggregate::record`], which calls this for every event of a command.
    ///
    /// Over 100 lines on purpose: one short arm per event kind, so the whole fold
    /// reads in one place and a new event kind cannot be forgotten (the match is
    /// exhaustive).
    pub fn apply(&mut self, entry: &HistoryEntry) {
        let at = entry.at;
        let today = deadline::local_date(at);
        match &entry.event {
            EventKind::Submitted { .. } => {}
            EventKind::Claimed => {
                if let ActorRef::Staff { user_id, name, .. } = &entry.actor {
                    self.assignee = Some(*user_id);
                    self.assignee_name = Some(name.clone());
                }
            }
            EventKind::Released { .. } => {
                self.assignee = None;
                self.assignee_name = None;
            }
            EventKind::Assigned {
                assignee,
                assignee_name,
                ..
            } => {
                self.assignee = Some(*assignee);
                self.assignee_name = Some(assignee_name.clone());
            }
            EventKind::StatusChanged { to, .. } => self.set_status(*to, today),
            EventKind::NoteAdded { note_id, text } => {
                let (author_id, author) = match &entry.actor {
                    ActorRef::Staff { user_id, name, .. } => (*user_id, name.clone()),
                    _ => (Uuid::nil(), "System".to_owned()),
                };
                self.notes.push(Note {
                    id: *note_id,
                    author_id,
                    author,
                    text: text.clone(),
                    at,
                });
            }
            EventKind::DocumentAdded { document } => self.documents.push(document.clone()),
            EventKind::DocumentReviewed {
                document_id,
                verdict,
                reason,
            } => {
                let by = entry.actor.staff_id().unwrap_or_default();
                if let Some(document) = self.documents.iter_mut().find(|d| d.id == *document_id) {
                    document.review = Some(Review {
                        verdict: *verdict,
                        reason: reason.clone(),
                        by,
                        at,
                        version: entry.version,
                    });
                }
            }
            EventKind::ItemsRequested {
                request_id,
                items,
                reason,
                answer_due,
                message,
                letter_sha256,
            } => self.requests.push(ItemsRequest {
                id: *request_id,
                purpose: RequestPurpose::Items,
                items: items.clone(),
                reason: reason.clone(),
                message: message.clone(),
                answer_due: *answer_due,
                requested_at: at,
                requested_by: entry.actor.staff_id().unwrap_or_default(),
                status: RequestStatus::Open,
                answered_at: None,
                letter_sha256: letter_sha256.clone(),
                answers: Vec::new(),
                last_answer_at: None,
                closed_reason: None,
            }),
            EventKind::HearingStarted {
                request_id,
                intended,
                answer_due,
                message,
                letter_sha256,
            } => self.requests.push(ItemsRequest {
                id: *request_id,
                purpose: RequestPurpose::Hearing,
                items: Vec::new(),
                reason: intended.clone(),
                message: message.clone(),
                answer_due: *answer_due,
                requested_at: at,
                requested_by: entry.actor.staff_id().unwrap_or_default(),
                status: RequestStatus::Open,
                answered_at: None,
                letter_sha256: letter_sha256.clone(),
                answers: Vec::new(),
                last_answer_at: None,
                closed_reason: None,
            }),
            EventKind::RequestAnswered {
                request_id,
                message,
                items,
                complete,
                ..
            } => {
                if let Some(request) = self.requests.iter_mut().find(|r| r.id == *request_id) {
                    request.answers.extend(items.iter().cloned());
                    request.last_answer_at = Some(at);
                    if *complete {
                        request.status = RequestStatus::Answered;
                        request.answered_at = Some(at);
                    }
                }
                if let Some(text) = message {
                    let author = match &entry.actor {
                        ActorRef::Citizen { name, .. } => name.clone(),
                        _ => self.applicant.full_name(),
                    };
                    // One message per answer: a request may be answered in parts.
                    self.messages.push(Message {
                        id: Uuid::new_v5(request_id, format!("answer {}", entry.seq).as_bytes()),
                        from_citizen: true,
                        author,
                        text: text.clone(),
                        at,
                    });
                }
            }
            EventKind::AnswerDeadlinePassed { request_id } => {
                if let Some(request) = self.requests.iter_mut().find(|r| r.id == *request_id) {
                    request.status = RequestStatus::Expired;
                }
            }
            EventKind::RequestExtended {
                request_id,
                answer_due,
            } => {
                if let Some(request) = self.requests.iter_mut().find(|r| r.id == *request_id) {
                    request.answer_due = *answer_due;
                    request.status = RequestStatus::Open;
                }
            }
            EventKind::RequestWithdrawn { request_id, reason } => {
                if let Some(request) = self.requests.iter_mut().find(|r| r.id == *request_id) {
                    request.status = RequestStatus::Withdrawn;
                    request.closed_reason = Some(reason.clone());
                }
            }
            EventKind::AnswerAccepted { request_id } => {
                if let Some(request) = self.requests.iter_mut().find(|r| r.id == *request_id) {
                    request.status = RequestStatus::Answered;
                    request.answered_at = Some(at);
                }
            }
            EventKind::MessageSent {
                message_id,
                text,
                from_citizen,
            } => {
                let author = match &entry.actor {
                    ActorRef::Staff { name, .. } | ActorRef::Citizen { name, .. } => name.clone(),
                    ActorRef::System => "System".to_owned(),
                };
                self.messages.push(Message {
                    id: *message_id,
                    from_citizen: *from_citizen,
                    author,
                    text: text.clone(),
                    at,
                });
            }
            EventKind::DecisionRecorded {
                outcome,
                letter_sha256,
                fee_cents,
                reasons,
                delivery,
            } => {
                self.decision = Some(Decision {
                    outcome: *outcome,
                    decided_at: at,
                    decided_by: entry.actor.staff_id().unwrap_or_default(),
                    letter_sha256: letter_sha256.clone(),
                    fee_cents: *fee_cents,
                    reasons: reasons.clone(),
                    delivery: delivery.clone(),
                });
                self.set_fee(*fee_cents);
            }
            EventKind::NoticeIssued {
                notice_id,
                kind,
                letter_sha256,
                amount_cents,
                delivery,
            } => {
                self.notices.push(Notice {
                    id: *notice_id,
                    kind: *kind,
                    issued_at: at,
                    issued_by: entry.actor.staff_id().unwrap_or_default(),
                    letter_sha256: letter_sha256.clone(),
                    amount_cents: *amount_cents,
                    delivery: delivery.clone(),
                });
                if *kind == NoticeKind::Fee {
                    self.set_fee(*amount_cents);
                }
            }
            EventKind::Dispatched {
                notice_id,
                channel,
                on,
                dates,
            } => {
                if let Some(delivery) = self.delivery_mut(*notice_id) {
                    delivery.channel = *channel;
                    delivery.dispatched_on = Some(*on);
                    delivery.dates = Some(*dates);
                }
            }
            EventKind::Retrieved { notice_id, dates } => {
                if let Some(delivery) = self.delivery_mut(*notice_id) {
                    delivery.retrieved_at = Some(at);
                    delivery.dates = Some(*dates);
                }
            }
            EventKind::RetrievalLapsed { notice_id } => {
                if let Some(delivery) = self.delivery_mut(*notice_id) {
                    delivery.lapsed = true;
                }
            }
            EventKind::PriorityChanged { priority } => self.priority = *priority,
            EventKind::DueDateChanged { due_date, .. } => self.due_date_override = Some(*due_date),
            EventKind::TransferredOffice { to, .. } => {
                self.office_id = *to;
                self.assignee = None;
                self.assignee_name = None;
            }
            EventKind::Withdrawn { .. } => self.set_status(CaseStatus::Withdrawn, today),
            EventKind::PaymentChanged { status } => {
                if let Some(fee) = &mut self.fee {
                    fee.status = *status;
                }
            }
        }
    }

    /// The fee becomes `cents`: a new amount on the existing Kassenzeichen, or a
    /// Kassenzeichen derived from the Aktenzeichen for a case that had no fee.
    fn set_fee(&mut self, cents: i64) {
        match &mut self.fee {
            Some(fee) => fee.amount_cents = cents,
            None if cents > 0 => {
                self.fee = self
                    .aktenzeichen
                    .parse::<Aktenzeichen>()
                    .ok()
                    .map(|az| Fee {
                        amount_cents: cents,
                        kassenzeichen: kassenzeichen::of(&az),
                        status: PaymentStatus::Open,
                    });
            }
            None => {}
        }
    }

    fn set_status(&mut self, to: CaseStatus, today: NaiveDate) {
        // The processing deadline stands still exactly while the office waits.
        if self.status == CaseStatus::AwaitingCitizen && to != CaseStatus::AwaitingCitizen {
            if let Some(open) = self.pauses.iter_mut().find(|p| p.to.is_none()) {
                open.to = Some(today);
            }
        }
        if to == CaseStatus::AwaitingCitizen && self.status != CaseStatus::AwaitingCitizen {
            self.pauses.push(Pause {
                from: today,
                to: None,
            });
        }
        if !to.is_open() {
            self.assignee = self.assignee.filter(|_| to == CaseStatus::Decided);
        }
        self.status = to;
    }

    /// Records the events of one command: new version, `seq`, history and due date.
    /// Returns the history entries written, for the event log.
    pub fn record(
        &mut self,
        events: Vec<EventKind>,
        actor: &ActorRef,
        command_id: Option<Uuid>,
        now: DateTime<Utc>,
        seq: i64,
    ) -> Vec<HistoryEntry> {
        if events.is_empty() {
            return Vec::new();
        }
        self.version += 1;
        self.seq = seq;
        let entries: Vec<HistoryEntry> = events
            .into_iter()
            .map(|event| HistoryEntry {
                seq,
                version: self.version,
                at: now,
                actor: actor.clone(),
                command_id,
                event,
            })
            .collect();
        for entry in &entries {
            self.apply(entry);
        }
        self.history.extend(entries.iter().cloned());
        self.due_date = self.computed_due_date(deadline::local_date(now));
        entries
    }
}

mod decide;

#[cfg(test)]
mod law_tests;
#[cfg(test)]
mod request_tests;
#[cfg(test)]
pub(crate) mod tests;
