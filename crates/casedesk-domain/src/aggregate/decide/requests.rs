//! The rules of requests to the citizen: requesting items and hearing (each with an
//! answer deadline on a working day and, optionally, its letter), the citizen's
//! answer per item, partial answers, extending, withdrawing and accepting a request,
//! and the expiry of its deadline.

use chrono::NaiveDate;
use uuid::Uuid;

use super::{Decided, Judging};
use crate::aggregate::{
    CaseAggregate, DocumentMeta, ItemAnswer, ItemsRequest, RequestPurpose, RequestStatus,
    RequestedItem, check_text, invalid,
};
use crate::command::{Rejection, RejectionCode};
use crate::event::EventKind;
use crate::holidays::{is_working_day, next_working_day_on_or_after};
use crate::lifecycle::{Action, CaseStatus};

/// A `request_items` or `start_hearing` command's payload (a hearing names no
/// items; its reason is what the office intends).
pub(super) struct RequestDraft<'a> {
    pub(super) items: &'a [RequestedItem],
    pub(super) reason: &'a str,
    pub(super) answer_due: &'a NaiveDate,
    pub(super) message: &'a str,
    pub(super) letter_sha256: &'a Option<String>,
}

/// An answer deadline must be a working day, so that the date the citizen reads is
/// the date the period really ends (§31(3) VwVfG NRW would move it otherwise).
fn check_answer_due(answer_due: NaiveDate, today: NaiveDate) -> Result<(), Rejection> {
    if answer_due <= today {
        return Err(invalid("Die Antwortfrist muss in der Zukunft liegen"));
    }
    if !is_working_day(answer_due) {
        return Err(invalid(format!(
            "Die Antwortfrist muss an einem Werktag enden; der {} ist ein Wochenende oder \
             Feiertag (nächster Werktag: {})",
            answer_due.format("%d.%m.%Y"),
            next_working_day_on_or_after(answer_due).format("%d.%m.%Y")
        )));
    }
    Ok(())
}

impl CaseAggregate {
    /// The open request `id`, or why a command about it cannot apply.
    pub(super) fn open_request(&self, id: &Uuid) -> Result<&ItemsRequest, Rejection> {
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

    /// Asking the citizen for missing or better items.
    pub(super) fn decide_request_items(
        &self,
        j: &Judging<'_>,
        draft: &RequestDraft<'_>,
    ) -> Decided {
        let to = self.status_move(Action::RequestItems, j.party)?;
        self.require_processor(j.actor, j.party)?;
        if draft.items.is_empty() {
            return Err(invalid("Eine Nachforderung nennt mindestens ein Dokument"));
        }
        for item in draft.items {
            check_text(&item.description, "Die Beschreibung")?;
        }
        check_text(draft.reason, "Die Begründung")?;
        check_text(draft.message, "Die Nachricht")?;
        check_answer_due(*draft.answer_due, j.ctx.today)?;
        self.check_letter(j, draft.letter_sha256)?;
        let mut events = vec![EventKind::ItemsRequested {
            request_id: j.ctx.new_id("request"),
            items: draft.items.to_vec(),
            reason: draft.reason.to_owned(),
            answer_due: *draft.answer_due,
            message: draft.message.to_owned(),
            letter_sha256: draft.letter_sha256.clone(),
        }];
        events.extend(self.status_change(to, None));
        Ok(events)
    }

    /// An Anhörung: what the office intends, and until when the citizen may say
    /// something about it.
    pub(super) fn decide_start_hearing(
        &self,
        j: &Judging<'_>,
        draft: &RequestDraft<'_>,
    ) -> Decided {
        let to = self.status_move(Action::Hear, j.party)?;
        self.require_processor(j.actor, j.party)?;
        check_text(draft.reason, "Die beabsichtigte Entscheidung")?;
        check_text(draft.message, "Die Nachricht")?;
        check_answer_due(*draft.answer_due, j.ctx.today)?;
        self.check_letter(j, draft.letter_sha256)?;
        let mut events = vec![EventKind::HearingStarted {
            request_id: j.ctx.new_id("request"),
            intended: draft.reason.to_owned(),
            answer_due: *draft.answer_due,
            message: draft.message.to_owned(),
            letter_sha256: draft.letter_sha256.clone(),
        }];
        events.extend(self.status_change(to, None));
        Ok(events)
    }

    /// The citizen answers an open request with documents and/or a message.
    pub(super) fn decide_answer_request(
        &self,
        j: &Judging<'_>,
        request_id: &Uuid,
        documents: &[DocumentMeta],
        message: &Option<String>,
        items: &[ItemAnswer],
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
        let items = assign_to_items(request, documents, items)?;
        let mut answered = request.clone();
        answered.answers.extend(items.iter().cloned());
        // A hearing asks for a statement: anything the citizen says answers it.
        let complete = match request.purpose {
            RequestPurpose::Hearing => true,
            RequestPurpose::Items => answered.every_item_answered(),
        };
        // A document answering an item is of the kind the item asks for, when the
        // upload did not say.
        let kind_of = |id: Uuid| {
            items
                .iter()
                .find(|a| a.document_ids.contains(&id))
                .and_then(|a| request.items.get(a.item as usize))
                .and_then(|i| i.kind.clone())
        };
        let mut events: Vec<EventKind> = documents
            .iter()
            .map(|d| {
                let mut document = d.clone();
                if document.kind.is_none() {
                    document.kind = kind_of(d.id);
                }
                EventKind::DocumentAdded { document }
            })
            .collect();
        events.push(EventKind::RequestAnswered {
            request_id: request.id,
            document_ids: documents.iter().map(|d| d.id).collect(),
            message: message.clone(),
            items,
            complete,
        });
        // A partial answer leaves the case waiting for the rest; the caseworker
        // sees it arrive and decides whether to wait.
        if complete && self.open_requests_besides(request.id) == 0 {
            events.extend(self.status_change(to, None));
        }
        Ok(events)
    }

    /// The open requests other than `id`.
    pub(super) fn open_requests_besides(&self, id: Uuid) -> usize {
        self.requests
            .iter()
            .filter(|r| r.id != id && r.status == RequestStatus::Open)
            .count()
    }

    /// A request of this case, open or with its deadline passed.
    pub(super) fn request_to_manage(&self, id: &Uuid) -> Result<&ItemsRequest, Rejection> {
        self.requests
            .iter()
            .find(|r| {
                r.id == *id && matches!(r.status, RequestStatus::Open | RequestStatus::Expired)
            })
            .ok_or_else(|| {
                Rejection::new(
                    RejectionCode::UnknownRequest,
                    "Diese Nachforderung ist bereits beantwortet oder zurückgenommen",
                )
            })
    }

    /// A new answer deadline for an open request, or a request whose deadline
    /// passed, which opens again and the case waits once more.
    pub(super) fn decide_extend_request(
        &self,
        j: &Judging<'_>,
        request_id: &Uuid,
        answer_due: &NaiveDate,
    ) -> Decided {
        self.require_processor(j.actor, j.party)?;
        let request = self.request_to_manage(request_id)?;
        check_answer_due(*answer_due, j.ctx.today)?;
        if *answer_due == request.answer_due && request.status == RequestStatus::Open {
            return Ok(Vec::new());
        }
        let mut events = vec![EventKind::RequestExtended {
            request_id: request.id,
            answer_due: *answer_due,
        }];
        // A request whose deadline had passed opens again: the case waits once more.
        if self.status != CaseStatus::AwaitingCitizen {
            let to = self.status_move(Action::RequestItems, j.party)?;
            events.extend(self.status_change(to, None));
        }
        Ok(events)
    }

    /// The office closes a request unanswered; the citizen reads why. The case
    /// goes back to review once nothing else is awaited.
    pub(super) fn decide_withdraw_request(
        &self,
        j: &Judging<'_>,
        request_id: &Uuid,
        reason: &str,
    ) -> Decided {
        self.require_processor(j.actor, j.party)?;
        let request = self.open_request(request_id)?;
        check_text(reason, "Die Begründung")?;
        self.closing(
            j,
            request.id,
            EventKind::RequestWithdrawn {
                request_id: request.id,
                reason: reason.to_owned(),
            },
        )
    }

    /// The office takes what the citizen sent so far as the answer.
    pub(super) fn decide_accept_answer(&self, j: &Judging<'_>, request_id: &Uuid) -> Decided {
        self.require_processor(j.actor, j.party)?;
        let request = self.open_request(request_id)?;
        if request.last_answer_at.is_none() {
            return Err(invalid(
                "Es liegt noch keine Antwort vor; die Nachforderung kann zurückgenommen werden",
            ));
        }
        self.closing(
            j,
            request.id,
            EventKind::AnswerAccepted {
                request_id: request.id,
            },
        )
    }

    /// `event`, which closes request `id`, and the case back in review once nothing
    /// else is awaited.
    fn closing(&self, j: &Judging<'_>, id: Uuid, event: EventKind) -> Decided {
        let mut events = vec![event];
        if self.open_requests_besides(id) == 0 {
            let to = self.status_move(Action::Resume, j.party)?;
            events.extend(self.status_change(to, None));
        }
        Ok(events)
    }

    /// The system notes that an answer deadline passed.
    pub(super) fn decide_expire_request(&self, j: &Judging<'_>, request_id: &Uuid) -> Decided {
        let to = self.status_move(Action::AnswerDeadlinePassed, j.party)?;
        let request = self.open_request(request_id)?;
        if !request.answer_period_over(j.ctx.today) {
            return Err(invalid("Die Antwortfrist läuft noch"));
        }
        let mut events = vec![EventKind::AnswerDeadlinePassed {
            request_id: request.id,
        }];
        events.extend(self.status_change(to, Some("Antwortfrist abgelaufen".to_owned())));
        Ok(events)
    }
}

/// Which documents of an answer answer which item of `request`: as `given` says, and
/// a document it leaves out answers the request's only item or the item that asks
/// for its kind (documents that fit no item are kept on the case, answering none).
fn assign_to_items(
    request: &ItemsRequest,
    documents: &[DocumentMeta],
    given: &[ItemAnswer],
) -> Result<Vec<ItemAnswer>, Rejection> {
    let count = request.items.len() as u32;
    let mut assigned: Vec<ItemAnswer> = Vec::new();
    let mut used: Vec<Uuid> = Vec::new();
    for answer in given {
        if answer.item >= count {
            return Err(invalid(format!(
                "Die Nachforderung hat {count} Punkte; Punkt {} gibt es nicht",
                answer.item + 1
            )));
        }
        for id in &answer.document_ids {
            if !documents.iter().any(|d| d.id == *id) {
                return Err(invalid("Ein zugeordnetes Dokument fehlt in der Antwort"));
            }
            if used.contains(id) {
                return Err(invalid("Ein Dokument ist mehreren Punkten zugeordnet"));
            }
            used.push(*id);
        }
        if !answer.document_ids.is_empty() {
            push_answer(&mut assigned, answer.item, &answer.document_ids);
        }
    }
    for document in documents.iter().filter(|d| !used.contains(&d.id)) {
        let item = if count == 1 {
            Some(0)
        } else {
            request
                .items
                .iter()
                .position(|i| i.kind.is_some() && i.kind == document.kind)
                .map(|i| i as u32)
        };
        if let Some(item) = item {
            push_answer(&mut assigned, item, &[document.id]);
        }
    }
    Ok(assigned)
}

fn push_answer(answers: &mut Vec<ItemAnswer>, item: u32, documents: &[Uuid]) {
    match answers.iter_mut().find(|a| a.item == item) {
        Some(answer) => answer.document_ids.extend_from_slice(documents),
        None => answers.push(ItemAnswer {
            item,
            document_ids: documents.to_vec(),
        }),
    }
}
