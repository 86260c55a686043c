//! Judging commands: [`CaseAggregate::decide`] dispatches each command to the
//! rule of its kind, one method per command, built on a few shared guards (the
//! lifecycle table, who processes the case, who applied for it, whether it is open).
//! The rules of requests to the citizen are in [`requests`].

use chrono::NaiveDate;
use uuid::Uuid;

use super::{
    CaseAggregate, DecideContext, NoticeKind, PaymentStatus, Priority, RequestStatus, Verdict,
    check_text, invalid, refusal,
};
use crate::command::{CommandKind, Rejection, RejectionCode};
use crate::deadline;
use crate::delivery::{self, AnnouncedDates, Delivery, DeliveryChannel};
use crate::event::EventKind;
use crate::law::{FeeRegime, Procedure, ServiceLaw};
use crate::lifecycle::{self, Action, ActorRef, CaseStatus, Outcome, Party};

mod requests;

use requests::RequestDraft;

/// What a command's rule answers: the events to record, or why not.
type Decided = Result<Vec<EventKind>, Rejection>;

/// A `record_decision` command's payload.
struct DecisionDraft<'a> {
    outcome: Outcome,
    letter_sha256: &'a Option<String>,
    fee_cents: i64,
    reasons: &'a Option<String>,
    channel: DeliveryChannel,
}

/// The law of the case's service, which deciding needs.
fn law(ctx: &DecideContext) -> Result<&ServiceLaw, Rejection> {
    ctx.law.as_ref().ok_or_else(|| {
        invalid("Für die Leistung dieses Vorgangs sind keine Rechtsgrundlagen hinterlegt")
    })
}

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
                letter_sha256,
            } => self.decide_request_items(
                j,
                &RequestDraft {
                    items,
                    reason,
                    answer_due,
                    message,
                    letter_sha256,
                },
            ),
            CommandKind::StartHearing {
                intended,
                answer_due,
                message,
                letter_sha256,
            } => self.decide_start_hearing(
                j,
                &RequestDraft {
                    items: &[],
                    reason: intended,
                    answer_due,
                    message,
                    letter_sha256,
                },
            ),
            CommandKind::SendMessage { text } => self.decide_send_message(j, text),
            CommandKind::RecordDecision {
                outcome,
                letter_sha256,
                fee_cents,
                reasons,
                channel,
            } => self.decide_record_decision(
                j,
                &DecisionDraft {
                    outcome: *outcome,
                    letter_sha256,
                    fee_cents: *fee_cents,
                    reasons,
                    channel: *channel,
                },
            ),
            CommandKind::IssueNotice {
                kind,
                letter_sha256,
                amount_cents,
                channel,
            } => self.decide_issue_notice(j, *kind, letter_sha256, *amount_cents, *channel),
            CommandKind::RecordDispatch {
                notice_id,
                channel,
                on,
            } => self.decide_record_dispatch(j, *notice_id, *channel, *on),
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
                items,
            } => self.decide_answer_request(j, request_id, documents, message, items),
            CommandKind::ExtendRequest {
                request_id,
                answer_due,
            } => self.decide_extend_request(j, request_id, answer_due),
            CommandKind::WithdrawRequest { request_id, reason } => {
                self.decide_withdraw_request(j, request_id, reason)
            }
            CommandKind::AcceptAnswer { request_id } => self.decide_accept_answer(j, request_id),
            CommandKind::CitizenMessage { text } => self.decide_citizen_message(j, text),
            CommandKind::ExpireRequest { request_id } => self.decide_expire_request(j, request_id),
            CommandKind::RecordRetrieval { notice_id } => {
                self.decide_record_retrieval(j, *notice_id)
            }
            CommandKind::LapseRetrieval { notice_id } => self.decide_lapse_retrieval(j, *notice_id),
            CommandKind::RecordPayment { status } => self.decide_record_payment(j, status),
        }
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
        // Resuming a waiting case closes what it waits for: the citizen is never
        // shown a request that can no longer be answered, and reads why.
        let open: Vec<Uuid> = self
            .requests
            .iter()
            .filter(|r| r.status == RequestStatus::Open)
            .map(|r| r.id)
            .collect();
        let mut events = Vec::new();
        if action == Action::Resume && !open.is_empty() {
            let reason = reason
                .as_deref()
                .filter(|r| !r.trim().is_empty())
                .ok_or_else(|| {
                    invalid(
                        "Bitte begründen Sie, warum die Bearbeitung ohne die Antwort fortgesetzt \
                         wird; die Antragstellerin oder der Antragsteller liest es",
                    )
                })?;
            events.extend(
                open.into_iter()
                    .map(|request_id| EventKind::RequestWithdrawn {
                        request_id,
                        reason: reason.to_owned(),
                    }),
            );
        }
        events.extend(self.status_change(to, reason.clone()));
        Ok(events)
    }

    /// An internal note.
    fn decide_add_note(&self, j: &Judging<'_>, text: &str) -> Decided {
        check_text(text, "Die Notiz")?;
        Ok(vec![EventKind::NoteAdded {
            note_id: j.ctx.new_id("note"),
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
            message_id: j.ctx.new_id("message"),
            text: text.to_owned(),
            from_citizen: false,
        }])
    }

    /// A stored letter, if one is named.
    fn check_letter(
        &self,
        j: &Judging<'_>,
        letter_sha256: &Option<String>,
    ) -> Result<(), Rejection> {
        if let Some(sha) = letter_sha256 {
            if !crate::digest::is_sha256_hex(sha) {
                return Err(invalid("Die Prüfsumme des Schreibens ist ungültig"));
            }
            if !j.ctx.letter_stored {
                return Err(invalid(
                    "Das Schreiben muss hochgeladen sein, bevor es erlassen wird",
                ));
            }
        }
        Ok(())
    }

    /// Whether the decision or a notice may go out on `channel` under `law`.
    fn check_channel(
        &self,
        law: &ServiceLaw,
        channel: DeliveryChannel,
        letter_sha256: &Option<String>,
    ) -> Result<(), Rejection> {
        if !law.delivery.allows(channel) {
            return Err(invalid(format!(
                "Bescheide dieser Leistung werden nicht auf dem Weg „{}“ bekannt gegeben",
                channel.german()
            )));
        }
        if channel == DeliveryChannel::Portal {
            if !self.consents.portal_delivery {
                return Err(invalid(
                    "Die antragstellende Person hat der Bekanntgabe über das Bürgerportal nicht \
                     zugestimmt (§ 41 Abs. 2a VwVfG NRW); bitte per Post versenden",
                ));
            }
            if letter_sha256.is_none() {
                return Err(invalid(
                    "Zum Abruf im Bürgerportal muss der Bescheid als Dokument vorliegen",
                ));
            }
        }
        Ok(())
    }

    /// The decision (Bescheid) with its letter, reasons, fee and delivery channel.
    fn decide_record_decision(&self, j: &Judging<'_>, draft: &DecisionDraft<'_>) -> Decided {
        let to = self.status_move(Action::Decide, j.party)?;
        self.require_processor(j.actor, j.party)?;
        let law = law(j.ctx)?;
        let Some(outcome_law) = law.outcome(draft.outcome) else {
            return Err(invalid(format!(
                "„{}“ ist für diese Leistung nicht vorgesehen",
                draft.outcome.bescheid_german()
            )));
        };
        if draft.fee_cents < 0 {
            return Err(invalid("Die Gebühr darf nicht negativ sein"));
        }
        let reasons = draft
            .reasons
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty());
        match reasons {
            Some(reasons) => check_text(reasons, "Die Begründung")?,
            None if draft.outcome.needs_reasons() => {
                return Err(invalid(format!(
                    "Eine {} braucht Ihre Begründung zu diesem Fall (§ 39 VwVfG NRW)",
                    draft.outcome.bescheid_german()
                )));
            }
            None => {}
        }
        self.check_letter(j, draft.letter_sha256)?;
        self.check_channel(law, draft.channel, draft.letter_sha256)?;
        // A fee under a KAG bylaw is a levy: its part of the letter is announced
        // under the AO, the decision itself under its own procedure.
        let mut delivery = Delivery::start(
            draft.channel,
            law.procedure,
            (draft.fee_cents > 0).then_some(j.ctx.fee_due_after),
            j.ctx.now,
        );
        if let Some(FeeRegime::KagSatzung) = outcome_law.fee.as_ref().map(|f| f.regime) {
            if draft.fee_cents > 0 {
                delivery = delivery.with_fee_procedure(Procedure::Abgaben);
            }
        }
        let mut events = vec![EventKind::DecisionRecorded {
            outcome: draft.outcome,
            letter_sha256: draft.letter_sha256.clone(),
            fee_cents: draft.fee_cents,
            reasons: reasons.map(str::to_owned),
            delivery,
        }];
        events.extend(self.status_change(to, None));
        Ok(events)
    }

    /// A fee or tax notice after the decision, with its own delivery.
    fn decide_issue_notice(
        &self,
        j: &Judging<'_>,
        kind: NoticeKind,
        letter_sha256: &Option<String>,
        amount_cents: i64,
        channel: DeliveryChannel,
    ) -> Decided {
        if self.status != CaseStatus::Decided {
            return Err(Rejection::new(
                RejectionCode::InvalidTransition,
                format!(
                    "Ein {} folgt der Entscheidung; der Vorgang ist „{}“",
                    kind.german(),
                    self.status.german()
                ),
            ));
        }
        self.require_processor(j.actor, j.party)?;
        let law = law(j.ctx)?;
        if amount_cents <= 0 {
            return Err(invalid(format!(
                "Ein {} setzt einen Betrag fest",
                kind.german()
            )));
        }
        self.check_letter(j, letter_sha256)?;
        let procedure = match kind {
            NoticeKind::Tax => {
                if law.tax.is_none() {
                    return Err(invalid("Diese Leistung führt zu keiner Steuer"));
                }
                // Tax notices follow the AO and go by post: portal retrieval under
                // the AO is not configured.
                if channel != DeliveryChannel::Post {
                    return Err(invalid("Steuerbescheide werden per Post bekannt gegeben"));
                }
                Procedure::Abgaben
            }
            NoticeKind::Fee => {
                self.check_channel(law, channel, letter_sha256)?;
                let regime = self
                    .decision
                    .as_ref()
                    .and_then(|d| law.outcome(d.outcome))
                    .and_then(|o| o.fee.as_ref())
                    .map(|f| f.regime);
                match regime {
                    Some(FeeRegime::KagSatzung) => Procedure::Abgaben,
                    _ => law.procedure,
                }
            }
        };
        Ok(vec![EventKind::NoticeIssued {
            notice_id: j.ctx.new_id("notice"),
            kind,
            letter_sha256: letter_sha256.clone(),
            amount_cents,
            delivery: Delivery::start(channel, procedure, Some(j.ctx.fee_due_after), j.ctx.now),
        }])
    }

    /// The delivery of the decision or notice `notice_id`, or why there is none.
    fn target_delivery(&self, notice_id: Option<Uuid>) -> Result<&Delivery, Rejection> {
        self.delivery_of(notice_id).ok_or_else(|| {
            invalid(match notice_id {
                None => "Zu diesem Vorgang ist noch nichts entschieden",
                Some(_) => "Diesen Bescheid gibt es in diesem Vorgang nicht",
            })
        })
    }

    /// Recording that the decision or a notice was posted or served.
    fn decide_record_dispatch(
        &self,
        j: &Judging<'_>,
        notice_id: Option<Uuid>,
        channel: DeliveryChannel,
        on: NaiveDate,
    ) -> Decided {
        self.require_processor(j.actor, j.party)?;
        let delivery = self.target_delivery(notice_id)?;
        if delivery.dates.is_some() {
            return Err(invalid("Der Bescheid ist bereits bekannt gegeben"));
        }
        let allowed = match delivery.channel {
            // A decision not retrieved from the portal in time goes by post.
            DeliveryChannel::Portal => delivery.lapsed && channel == DeliveryChannel::Post,
            issued => channel == issued,
        };
        if !allowed {
            return Err(invalid(match delivery.channel {
                DeliveryChannel::Portal => {
                    "Der Bescheid liegt im Bürgerportal zum Abruf bereit; per Post geht er erst, \
                     wenn er nicht innerhalb von zehn Tagen abgerufen wurde"
                        .to_owned()
                }
                issued => format!("Der Bescheid geht auf dem Weg „{}“ hinaus", issued.german()),
            }));
        }
        if on > j.ctx.today {
            return Err(invalid("Das Versanddatum darf nicht in der Zukunft liegen"));
        }
        let issued_on = match notice_id {
            None => self.decision.as_ref().map(|d| d.decided_at),
            Some(id) => self
                .notices
                .iter()
                .find(|n| n.id == id)
                .map(|n| n.issued_at),
        }
        .map(deadline::local_date);
        if issued_on.is_some_and(|issued| on < issued) {
            return Err(invalid("Das Versanddatum liegt vor dem Bescheid"));
        }
        let dates = delivery
            .dates_after_dispatch(channel, on)
            .map_err(|e| invalid(e.to_string()))?;
        Ok(vec![EventKind::Dispatched {
            notice_id,
            channel,
            on,
            dates,
        }])
    }

    /// The citizen's first retrieval from the portal mailbox announces the decision
    /// on the following day; later retrievals, and one after the provision lapsed,
    /// change nothing.
    fn decide_record_retrieval(&self, j: &Judging<'_>, notice_id: Option<Uuid>) -> Decided {
        self.require_applicant(j.actor)?;
        let delivery = self.target_delivery(notice_id)?;
        // A retrieval after the ten days announces nothing (§41(2a) S. 4), even
        // before the system's job has marked the provision lapsed.
        if delivery.channel != DeliveryChannel::Portal
            || delivery.retrieved_at.is_some()
            || delivery.lapsed
            || delivery.dates.is_some()
            || delivery.retrieval_overdue(j.ctx.today)
        {
            return Ok(Vec::new());
        }
        let announced =
            delivery::announced_by_retrieval(j.ctx.now).map_err(|e| invalid(e.to_string()))?;
        let dates = AnnouncedDates::from(announced, delivery.fee_due_after)
            .map_err(|e| invalid(e.to_string()))?;
        Ok(vec![EventKind::Retrieved { notice_id, dates }])
    }

    /// The system notes that ten days passed without a retrieval.
    fn decide_lapse_retrieval(&self, j: &Judging<'_>, notice_id: Option<Uuid>) -> Decided {
        if j.party != Party::System {
            return Err(Rejection::new(
                RejectionCode::NotPermitted,
                "Den Ablauf der Abruffrist stellt nur das System fest",
            ));
        }
        if !self
            .target_delivery(notice_id)?
            .retrieval_overdue(j.ctx.today)
        {
            return Err(invalid("Die Abruffrist läuft noch oder ist erledigt"));
        }
        Ok(vec![EventKind::RetrievalLapsed { notice_id }])
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
            message_id: j.ctx.new_id("message"),
            text: text.to_owned(),
            from_citizen: true,
        }])
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
