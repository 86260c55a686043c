//! Judging commands: [`CaseAggregate::decide`] dispatches each command to the
//! rule of its kind, one method per command, built on a few shared guards (the
//! lifecycle table, who processes the case, who applied for it, whether it is open).

use chrono::NaiveDate;
use uuid::Uuid;

use super::{
    CaseAggregate, DecideContext, DocumentMeta, ItemsRequest, PaymentStatus, Priority,
    RequestStatus, RequestedItem, Verdict, check_text, invalid, refusal,
};
use crate::command::{CommandKind, Rejection, RejectionCode};
use crate::deadline;
use crate::event::EventKind;
use crate::lifecycle::{self, Action, ActorRef, CaseStatus, Outcome, Party};

/// What a command's rule answers: the events to record, or why not.
type Decided = Result<Vec<EventKind>, Rejection>;

/// Who judges what, passed to every command's rule.
struct Judging<'a> {
    actor: &'a ActorRef,
    party: Party,
    base_version: i64,
    ctx: &'a DecideContext,
}

impl CaseAggregate {
    /// Judges `command` by `actor` against the current state.
    ///
    /// Returns the events to record; an empty list means there is nothing to do (the
    /// command is applied without a new version).
    pub fn decide(
        &self,
        actor: &ActorRef,
        command: &CommandKind,
        base_version: i64,
        ctx: &DecideContext,
    ) -> Result<Vec<EventKind>, Rejection> {
        let Some(party) = actor.party() else {
            return Err(Rejection::new(
                RejectionCode::NotPermitted,
                "Administratoren bearbeiten keine Vorgänge",
            ));
        };
        if command.is_staff_command() && !matches!(party, Party::Caseworker | Party::TeamLead) {
            return Err(Rejection::new(
                RejectionCode::NotPermitted,
                "Dieser Befehl ist der Verwaltung vorbehalten",
            ));
        }
        let j = &Judging {
            actor,
            party,
            base_version,
            ctx,
        };
        match command {
            CommandKind::Claim => self.decide_claim(j),
            CommandKind::Release => self.decide_release(j),
            CommandKind::Assign { assignee } => self.decide_assign(j, assignee),
            CommandKind::SetStatus { status, reason } => self.decide_set_status(j, status, reason),
            CommandKind::AddNote { text } => self.decide_add_note(j, text),
            CommandKind::ReviewDocument {
                document_id,
                verdict,
                reason,
            } => self.decide_review_document(j, document_id, verdict, reason),
            CommandKind::RequestItems {
                items,
                reason,
                answer_due,
                message,
            } => self.decide_request_items(j, items, reason, answer_due, message),
            CommandKind::SendMessage { text } => self.decide_send_message(j, text),
            CommandKind::RecordDecision {
                outcome,
                letter_sha256,
                fee_cents,
            } => self.decide_record_decision(j, outcome, letter_sha256, fee_cents),
            CommandKind::SetPriority { priority } => self.decide_set_priority(j, priority),
            CommandKind::SetDueDate { due_date, reason } => {
                self.decide_set_due_date(j, due_date, reason)
            }
            CommandKind::TransferOffice { office_id } => self.decide_transfer_office(j, office_id),
            CommandKind::Withdraw { reason } => self.decide_withdraw(j, reason),
            CommandKind::AnswerRequest {
                request_id,
                documents,
                message,
            } => self.decide_answer_request(j, request_id, documents, message),
            CommandKind::CitizenMessage { text } => self.decide_citizen_message(j, text),
            CommandKind::ExpireRequest { request_id } => self.decide_expire_request(j, request_id),
            CommandKind::RecordPayment { status } => self.decide_record_payment(j, status),
        }
    }

    /// The open request `id`, or why a command about it cannot apply.
    fn open_request(&self, id: &Uuid) -> Result<&ItemsRequest, Rejection> {
        self.requests
            .iter()
            .find(|r| r.id == *id && r.status == RequestStatus::Open)
            .ok_or_else(|| {
                Rejection::new(
                    RejectionCode::UnknownRequest,
                    "Diese Nachforderung ist nicht (mehr) offen",
                )
            })
    }

    /// The status event of a move, if the status changes at all.
    fn status_change(&self, to: CaseStatus, reason: Option<String>) -> Vec<EventKind> {
        if to == self.status {
            Vec::new()
        } else {
            vec![EventKind::StatusChanged {
                from: self.status,
                to,
                reason,
            }]
        }
    }

    fn status_move(&self, action: Action, party: Party) -> Result<CaseStatus, Rejection> {
        lifecycle::transition(self.status, action, party).map_err(refusal)
    }

    /// Staff who hold the case, or any team lead, may process it.
    fn require_processor(&self, actor: &ActorRef, party: Party) -> Result<(), Rejection> {
        match party {
            Party::TeamLead => Ok(()),
            Party::Caseworker if self.assignee == actor.staff_id() && self.assignee.is_some() => {
                Ok(())
            }
            Party::Caseworker => Err(Rejection::new(
                RejectionCode::NotAssignee,
                match &self.assignee_name {
                    Some(name) => format!("Der Vorgang ist {name} zugewiesen, nicht Ihnen"),
                    None => "Der Vorgang ist Ihnen nicht zugewiesen".to_owned(),
                },
            )),
            _ => Err(Rejection::new(
                RejectionCode::NotPermitted,
                "Nur die Sachbearbeitung darf den Vorgang bearbeiten",
            )),
        }
    }

    fn require_applicant(&self, actor: &ActorRef) -> Result<(), Rejection> {
        match actor {
            ActorRef::Citizen { citizen_id, .. } if *citizen_id == self.applicant.citizen_id => {
                Ok(())
            }
            _ => Err(Rejection::new(
                RejectionCode::NotPermitted,
                "Nur die Antragsteller/in selbst kann das tun",
            )),
        }
    }

    fn require_open(&self) -> Result<(), Rejection> {
        if self.status.is_open() {
            Ok(())
        } else {
            Err(Rejection::new(
                RejectionCode::CaseClosed,
                format!("Der Vorgang ist bereits „{}“", self.status.german()),
            ))
        }
    }

    /// Taking an unassigned case.
    fn decide_claim(&self, j: &Judging<'_>) -> Decided {
        let me = j.actor.staff_id();
        if self.assignee.is_some() && self.assignee == me {
            return Ok(Vec::new());
        }
        let to = self.status_move(Action::Claim, j.party)?;
        if self.assignee.is_some() {
            return Err(Rejection::new(
                RejectionCode::AlreadyAssigned,
                format!(
                    "Der Vorgang ist bereits {} zugewiesen",
                    self.assignee_name.as_deref().unwrap_or("jemand anderem")
                ),
            ));
        }
        let mut events = vec![EventKind::Claimed];
        events.extend(self.status_change(to, None));
        Ok(events)
    }

    /// Giving one's case back to the office.
    fn decide_release(&self, j: &Judging<'_>) -> Decided {
        let to = self.status_move(Action::Release, j.party)?;
        let Some(previous) = self.assignee else {
            return Err(Rejection::new(
                RejectionCode::NotAssigned,
                "Der Vorgang ist niemandem zugewiesen",
            ));
        };
        if j.party == Party::Caseworker && Some(previous) != j.actor.staff_id() {
            return Err(Rejection::new(
                RejectionCode::NotAssignee,
                "Nur eigene Vorgänge können freigegeben werden",
            ));
        }
        let mut events = vec![EventKind::Released { previous }];
        events.extend(self.status_change(to, None));
        Ok(events)
    }

    /// A team lead gives the case to someone of its office.
    fn decide_assign(&self, j: &Judging<'_>, assignee: &Uuid) -> Decided {
        let to = self.status_move(Action::Assign, j.party)?;
        if self.assignee == Some(*assignee) {
            return Ok(Vec::new());
        }
        let Some(info) = j.ctx.assignee.as_ref().filter(|a| a.user_id == *assignee) else {
            return Err(Rejection::new(
                RejectionCode::UnknownUser,
                "Die Person gehört nicht zur Dienststelle des Vorgangs",
            ));
        };
        let mut events = vec![EventKind::Assigned {
            assignee: *assignee,
            assignee_name: info.name.clone(),
            previous: self.assignee,
        }];
        events.extend(self.status_change(to, None));
        Ok(events)
    }

    /// Resuming a waiting case or closing a decided one.
    fn decide_set_status(
        &self,
        j: &Judging<'_>,
        status: &CaseStatus,
        reason: &Option<String>,
    ) -> Decided {
        let action = match status {
            CaseStatus::InReview => Action::Resume,
            CaseStatus::Closed => Action::Close,
            other => {
                return Err(Rejection::new(
                    RejectionCode::InvalidTransition,
                    format!(
                        "Der Status „{}“ wird nicht direkt gesetzt, sondern ergibt sich aus Nachforderung, Entscheidung oder Rücknahme",
                        other.german()
                    ),
                ));
            }
        };
        let to = self.status_move(action, j.party)?;
        self.require_processor(j.actor, j.party)?;
        if let Some(reason) = reason {
            check_text(reason, "Die Begründung")?;
        }
        Ok(self.status_change(to, reason.clone()))
    }

    /// An internal note.
    fn decide_add_note(&self, _j: &Judging<'_>, text: &str) -> Decided {
        check_text(text, "Die Notiz")?;
        Ok(vec![EventKind::NoteAdded {
            note_id: Uuid::now_v7(),
            text: text.to_owned(),
        }])
    }

    /// Accepting or rejecting a document; commutes with other reviews unless someone else judged it differently since the sender's version.
    fn decide_review_document(
        &self,
        j: &Judging<'_>,
        document_id: &Uuid,
        verdict: &Verdict,
        reason: &Option<String>,
    ) -> Decided {
        self.require_open()?;
        self.require_processor(j.actor, j.party)?;
        let Some(document) = self.documents.iter().find(|d| d.id == *document_id) else {
            return Err(Rejection::new(
                RejectionCode::UnknownDocument,
                "Das Dokument gehört nicht zu diesem Vorgang",
            ));
        };
        if *verdict == Verdict::Rejected {
            match reason {
                Some(reason) => check_text(reason, "Der Ablehnungsgrund")?,
                None => {
                    return Err(invalid("Eine Ablehnung braucht einen Grund"));
                }
            }
        }
        if let Some(review) = &document.review {
            if review.verdict == *verdict && review.reason == *reason {
                return Ok(Vec::new());
            }
            if review.version > j.base_version && Some(review.by) != j.actor.staff_id() {
                return Err(Rejection::new(
                    RejectionCode::ReviewedMeanwhile,
                    "Das Dokument wurde inzwischen von jemand anderem anders geprüft",
                ));
            }
        }
        Ok(vec![EventKind::DocumentReviewed {
            document_id: *document_id,
            verdict: *verdict,
            reason: reason.clone(),
        }])
    }

    /// Asking the citizen for missing or better items.
    fn decide_request_items(
        &self,
        j: &Judging<'_>,
        items: &[RequestedItem],
        reason: &str,
        answer_due: &NaiveDate,
        message: &str,
    ) -> Decided {
        let to = self.status_move(Action::RequestItems, j.party)?;
        self.require_processor(j.actor, j.party)?;
        if items.is_empty() {
            return Err(invalid("Eine Nachforderung nennt mindestens ein Dokument"));
        }
        for item in items {
            check_text(&item.description, "Die Beschreibung")?;
        }
        check_text(reason, "Die Begründung")?;
        check_text(message, "Die Nachricht")?;
        if *answer_due <= j.ctx.today {
            return Err(invalid("Die Antwortfrist muss in der Zukunft liegen"));
        }
        let mut events = vec![EventKind::ItemsRequested {
            request_id: Uuid::now_v7(),
            items: items.to_vec(),
            reason: reason.to_owned(),
            answer_due: *answer_due,
            message: message.to_owned(),
        }];
        events.extend(self.status_change(to, None));
        Ok(events)
    }

    /// A message from the office to the citizen.
    fn decide_send_message(&self, j: &Judging<'_>, text: &str) -> Decided {
        if !(self.status.is_open() || self.status == CaseStatus::Decided) {
            return Err(Rejection::new(
                RejectionCode::CaseClosed,
                format!("Der Vorgang ist bereits „{}“", self.status.german()),
            ));
        }
        self.require_processor(j.actor, j.party)?;
        check_text(text, "Die Nachricht")?;
        Ok(vec![EventKind::MessageSent {
            message_id: Uuid::now_v7(),
            text: text.to_owned(),
            from_citizen: false,
        }])
    }

    /// The decision (Bescheid) with its letter and fee.
    fn decide_record_decision(
        &self,
        j: &Judging<'_>,
        outcome: &Outcome,
        letter_sha256: &Option<String>,
        fee_cents: &i64,
    ) -> Decided {
        let to = self.status_move(Action::Decide, j.party)?;
        self.require_processor(j.actor, j.party)?;
        if *fee_cents < 0 {
            return Err(invalid("Die Gebühr darf nicht negativ sein"));
        }
        if let Some(sha) = letter_sha256 {
            if !crate::digest::is_sha256_hex(sha) {
                return Err(invalid("Die Prüfsumme des Bescheids ist ungültig"));
            }
            if !j.ctx.letter_stored {
                return Err(invalid(
                    "Der Bescheid muss vor der Entscheidung hochgeladen werden",
                ));
            }
        }
        let deemed = deadline::deemed_delivery(j.ctx.today, j.ctx.delivery_rule)
            .map_err(|e| invalid(e.to_string()))?;
        let appeal = deadline::appeal_deadline(deemed).map_err(|e| invalid(e.to_string()))?;
        let mut events = vec![EventKind::DecisionRecorded {
            outcome: *outcome,
            letter_sha256: letter_sha256.clone(),
            fee_cents: *fee_cents,
            made_available: j.ctx.today,
            deemed_delivery: deemed,
            appeal_deadline: appeal,
        }];
        events.extend(self.status_change(to, None));
        Ok(events)
    }

    /// The processor's priority.
    fn decide_set_priority(&self, j: &Judging<'_>, priority: &Priority) -> Decided {
        self.require_open()?;
        self.require_processor(j.actor, j.party)?;
        if *priority == self.priority {
            return Ok(Vec::new());
        }
        Ok(vec![EventKind::PriorityChanged {
            priority: *priority,
        }])
    }

    /// A team lead moves the processing deadline, with a reason.
    fn decide_set_due_date(&self, j: &Judging<'_>, due_date: &NaiveDate, reason: &str) -> Decided {
        self.require_open()?;
        if j.party != Party::TeamLead {
            return Err(Rejection::new(
                RejectionCode::NotPermitted,
                "Nur die Teamleitung kann die Bearbeitungsfrist ändern",
            ));
        }
        check_text(reason, "Die Begründung")?;
        Ok(vec![EventKind::DueDateChanged {
            due_date: *due_date,
            reason: reason.to_owned(),
        }])
    }

    /// A team lead hands the case to another of their offices.
    fn decide_transfer_office(&self, j: &Judging<'_>, office_id: &Uuid) -> Decided {
        self.require_open()?;
        if j.party != Party::TeamLead {
            return Err(Rejection::new(
                RejectionCode::NotPermitted,
                "Nur die Teamleitung kann Vorgänge an eine andere Dienststelle abgeben",
            ));
        }
        if *office_id == self.office_id {
            return Ok(Vec::new());
        }
        if !j.ctx.target_office_allowed {
            return Err(Rejection::new(
                RejectionCode::UnknownOffice,
                "Abgabe nur an eine eigene Dienststelle möglich",
            ));
        }
        Ok(vec![EventKind::TransferredOffice {
            from: self.office_id,
            to: *office_id,
        }])
    }

    /// The citizen withdraws the application.
    fn decide_withdraw(&self, j: &Judging<'_>, reason: &Option<String>) -> Decided {
        self.require_applicant(j.actor)?;
        self.status_move(Action::Withdraw, j.party)?;
        Ok(vec![EventKind::Withdrawn {
            reason: reason.clone(),
        }])
    }

    /// The citizen answers an open request with documents and/or a message.
    fn decide_answer_request(
        &self,
        j: &Judging<'_>,
        request_id: &Uuid,
        documents: &[DocumentMeta],
        message: &Option<String>,
    ) -> Decided {
        self.require_applicant(j.actor)?;
        let to = self.status_move(Action::CitizenAnswer, j.party)?;
        let request = self.open_request(request_id)?;
        if documents.is_empty() && message.as_deref().is_none_or(|m| m.trim().is_empty()) {
            return Err(invalid(
                "Bitte laden Sie Dokumente hoch oder schreiben Sie eine Nachricht",
            ));
        }
        if let Some(message) = message {
            check_text(message, "Die Nachricht")?;
        }
        let mut events: Vec<EventKind> = documents
            .iter()
            .map(|d| EventKind::DocumentAdded {
                document: d.clone(),
            })
            .collect();
        events.push(EventKind::RequestAnswered {
            request_id: request.id,
            document_ids: documents.iter().map(|d| d.id).collect(),
            message: message.clone(),
        });
        events.extend(self.status_change(to, None));
        Ok(events)
    }

    /// A message from the citizen.
    fn decide_citizen_message(&self, j: &Judging<'_>, text: &str) -> Decided {
        self.require_applicant(j.actor)?;
        if !(self.status.is_open() || self.status == CaseStatus::Decided) {
            return Err(Rejection::new(
                RejectionCode::CaseClosed,
                format!("Der Vorgang ist bereits „{}“", self.status.german()),
            ));
        }
        check_text(text, "Die Nachricht")?;
        Ok(vec![EventKind::MessageSent {
            message_id: Uuid::now_v7(),
            text: text.to_owned(),
            from_citizen: true,
        }])
    }

    /// The system notes that an answer deadline passed.
    fn decide_expire_request(&self, j: &Judging<'_>, request_id: &Uuid) -> Decided {
        let to = self.status_move(Action::AnswerDeadlinePassed, j.party)?;
        let request = self.open_request(request_id)?;
        if request.answer_due >= j.ctx.today {
            return Err(invalid("Die Antwortfrist läuft noch"));
        }
        let mut events = vec![EventKind::AnswerDeadlinePassed {
            request_id: request.id,
        }];
        events.extend(self.status_change(to, Some("Antwortfrist abgelaufen".to_owned())));
        Ok(events)
    }

    /// The payment service reports the fee's state.
    fn decide_record_payment(&self, j: &Judging<'_>, status: &PaymentStatus) -> Decided {
        if j.party != Party::System {
            return Err(Rejection::new(
                RejectionCode::NotPermitted,
                "Zahlungen meldet nur der Zahlungsdienst",
            ));
        }
        match &self.fee {
            Some(fee) if fee.status == *status => Ok(Vec::new()),
            Some(_) => Ok(vec![EventKind::PaymentChanged { status: *status }]),
            None => Err(invalid("Für diesen Vorgang ist keine Gebühr festgesetzt")),
        }
    }
}
