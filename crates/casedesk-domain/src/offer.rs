//! What a staff member is offered to do with a case as it stands: the buttons and
//! shortcuts of the desktop's case view. The answer comes from the same rules that
//! decide the commands ([`CaseAggregate::decide`] over the [`lifecycle`] table), so
//! the desktop never offers what the portal would refuse and never hides what it
//! would accept. The UI only draws it.
//!
//! [`lifecycle`]: crate::lifecycle

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use uuid::Uuid;

use crate::aggregate::{
    CaseAggregate, DecideContext, Delivery, DocumentMeta, RequestStatus, RequestedItem, Verdict,
};
use crate::catalog::ServiceDefinition;
use crate::command::CommandKind;
use crate::delivery::{DeliveryChannel, DeliveryState};
use crate::lifecycle::{self, Action, ActorRef, CaseStatus, Party};

/// A status a processor sets directly, with the words of its button.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StatusMove {
    pub status: CaseStatus,
    pub label: String,
    /// The move needs a reason the citizen reads: resuming a case that waits for
    /// them closes their open request with it.
    pub reason_required: bool,
}

/// The actions a case offers to one staff member.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OfferedActions {
    /// Take the case (nobody works on it yet).
    pub claim: bool,
    /// Give the case back to the office (one's own, or any as team lead).
    pub release: bool,
    /// Assign the case to someone of its office (team leads).
    pub assign: bool,
    /// Status changes set directly: resuming a case that waits for the citizen,
    /// closing a decided one.
    pub status_moves: Vec<StatusMove>,
    /// Review documents, request items, set priority: the case's processor's work.
    pub process: bool,
    /// Prepare a Bescheid: any open case. Recording the decision also needs the
    /// user to be the processor ([`OfferedActions::process`]); the engine refuses
    /// otherwise, with the reason.
    pub prepare_decision: bool,
    /// Write to the citizen (the case's processor, while it is open or decided).
    pub message: bool,
    /// Request missing or better items from the citizen (Nachforderung).
    pub request_items: bool,
    /// Hear the citizen before a burdensome decision (Anhörung).
    pub hear: bool,
    /// What the user can do with each request that is open or whose deadline
    /// passed, in the case's order.
    pub request_moves: Vec<RequestMoves>,
    /// Issue a fee or tax notice after the decision.
    pub issue_notice: bool,
    /// Deliveries whose dispatch the user can record now: a letter by post or
    /// Zustellung not yet recorded, or one not retrieved from the portal in time.
    pub record_dispatch: Vec<PendingDispatch>,
}

/// What can be done with one request of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RequestMoves {
    pub request_id: Uuid,
    /// Give a new answer deadline (reopening a request whose deadline passed).
    pub extend: bool,
    /// Close it unanswered, with a reason the citizen reads.
    pub withdraw: bool,
    /// Take the partial answer received as the answer.
    pub accept: bool,
}

/// A decision or notice waiting for its dispatch to be recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PendingDispatch {
    /// `None` for the decision.
    pub notice_id: Option<Uuid>,
    /// "Bescheid", "Gebührenbescheid".
    pub title: String,
    /// The channel to record: post, or Zustellung for a served letter.
    pub channel: DeliveryChannel,
    pub state: DeliveryState,
}

impl PendingDispatch {
    fn of(notice_id: Option<Uuid>, title: &str, delivery: &Delivery) -> Option<PendingDispatch> {
        let state = delivery.state();
        let channel = match state {
            DeliveryState::AwaitingDispatch => delivery.channel,
            DeliveryState::RetrievalLapsed => DeliveryChannel::Post,
            DeliveryState::AwaitingRetrieval | DeliveryState::Announced => return None,
        };
        Some(PendingDispatch {
            notice_id,
            title: title.to_owned(),
            channel,
            state,
        })
    }
}

impl CaseAggregate {
    /// What `actor` is offered to do with the case at `now`.
    pub fn offered_actions(&self, actor: &ActorRef, now: DateTime<Utc>) -> OfferedActions {
        let Some(party) = actor
            .party()
            .filter(|p| matches!(p, Party::Caseworker | Party::TeamLead))
        else {
            return OfferedActions::default();
        };
        let ctx = DecideContext::at(now);
        // A command is offered when the domain would apply it and it would change
        // something (claiming one's own case changes nothing).
        let applies = |command: CommandKind| {
            self.decide(actor, &command, self.version, &ctx)
                .is_ok_and(|events| !events.is_empty())
        };
        let status_moves = [
            (CaseStatus::InReview, Action::Resume),
            (CaseStatus::Closed, Action::Close),
        ]
        .into_iter()
        .filter(|(status, _)| {
            applies(CommandKind::SetStatus {
                status: *status,
                reason: Some("Prüfung".to_owned()),
            })
        })
        .map(|(status, action)| StatusMove {
            status,
            label: action.german().to_owned(),
            reason_required: action == Action::Resume
                && self
                    .requests
                    .iter()
                    .any(|r| r.status == RequestStatus::Open),
        })
        .collect();
        let processor = party == Party::TeamLead
            || (self.assignee.is_some() && self.assignee == actor.staff_id());
        OfferedActions {
            claim: applies(CommandKind::Claim),
            release: applies(CommandKind::Release),
            // Whom to assign is chosen afterwards; the table says whether this party
            // may assign in this status at all.
            assign: lifecycle::transition(self.status, Action::Assign, party).is_ok(),
            status_moves,
            process: self.status.is_open() && processor,
            prepare_decision: self.status.is_open(),
            message: applies(CommandKind::SendMessage {
                text: "Nachricht".to_owned(),
            }),
            request_items: processor
                && lifecycle::transition(self.status, Action::RequestItems, party).is_ok(),
            hear: processor && lifecycle::transition(self.status, Action::Hear, party).is_ok(),
            request_moves: if processor {
                self.request_moves()
            } else {
                Vec::new()
            },
            issue_notice: processor && self.status == CaseStatus::Decided,
            record_dispatch: if processor {
                self.pending_dispatches()
            } else {
                Vec::new()
            },
        }
    }

    /// The items a caseworker is offered to request (Nachforderung) under `service`:
    /// each document the application must include that the case lacks (none of its
    /// kind, or only rejected ones), and each document rejected in review that no
    /// open request asks to replace yet, linked to it and with its rejection reason.
    /// A free item can always be added besides.
    pub fn request_candidates(&self, service: &ServiceDefinition) -> Vec<RequestedItem> {
        let asked: Vec<&RequestedItem> = self
            .requests
            .iter()
            .filter(|r| r.status == RequestStatus::Open)
            .flat_map(|r| &r.items)
            .collect();
        let rejected = |d: &DocumentMeta| {
            d.review
                .as_ref()
                .is_some_and(|r| r.verdict == Verdict::Rejected)
        };
        let mut items: Vec<RequestedItem> = self
            .documents
            .iter()
            .filter(|d| rejected(d) && !asked.iter().any(|i| i.replaces == Some(d.id)))
            .map(|d| {
                let name = d
                    .kind
                    .as_deref()
                    .and_then(|k| service.required_documents.iter().find(|r| r.key == k))
                    .map_or_else(|| d.file_name.clone(), |r| r.label.clone());
                let reason = d.review.as_ref().and_then(|r| r.reason.as_deref());
                RequestedItem {
                    kind: d.kind.clone(),
                    description: match reason {
                        Some(reason) => format!("{name} – erneut einreichen: {reason}"),
                        None => format!("{name} – erneut einreichen"),
                    },
                    replaces: Some(d.id),
                }
            })
            .collect();
        for required in service.required_documents_for(&self.form_data) {
            let key = Some(required.key.as_str());
            let present = self
                .documents
                .iter()
                .any(|d| d.kind.as_deref() == key && !rejected(d));
            let covered = items
                .iter()
                .chain(asked.iter().copied())
                .any(|i| i.kind.as_deref() == key);
            if !present && !covered {
                items.push(RequestedItem {
                    kind: Some(required.key.clone()),
                    description: required.label.clone(),
                    replaces: None,
                });
            }
        }
        items
    }

    fn request_moves(&self) -> Vec<RequestMoves> {
        let open_case = self.status.is_open();
        self.requests
            .iter()
            .filter(|r| matches!(r.status, RequestStatus::Open | RequestStatus::Expired))
            .map(|r| {
                let open = r.status == RequestStatus::Open;
                RequestMoves {
                    request_id: r.id,
                    extend: open_case,
                    withdraw: open,
                    accept: r.partly_answered(),
                }
            })
            .filter(|m| m.extend || m.withdraw || m.accept)
            .collect()
    }

    fn pending_dispatches(&self) -> Vec<PendingDispatch> {
        let decision = self
            .decision
            .as_ref()
            .and_then(|d| PendingDispatch::of(None, "Bescheid", &d.delivery));
        decision
            .into_iter()
            .chain(
                self.notices
                    .iter()
                    .filter_map(|n| PendingDispatch::of(Some(n.id), n.kind.german(), &n.delivery)),
            )
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::tests::{anna, at, bernd, lead, new_case, run, staff};
    use crate::lifecycle::{Outcome, Role};

    fn now() -> DateTime<Utc> {
        at(4)
    }

    #[test]
    fn a_new_case_offers_claiming_to_staff_and_assigning_to_team_leads() {
        let case = new_case();
        let offer = case.offered_actions(&anna(), now());
        assert!(offer.claim && !offer.release && !offer.assign && !offer.process);
        assert!(offer.prepare_decision);
        assert!(offer.status_moves.is_empty());
        let offer = case.offered_actions(&lead(), now());
        assert!(offer.claim && offer.assign && offer.process);
        // Admins do no case work.
        assert_eq!(
            case.offered_actions(&staff(3, Role::Admin), now()),
            OfferedActions::default()
        );
    }

    #[test]
    fn a_claimed_case_is_its_processors_and_a_team_leads() {
        let mut case = new_case();
        run(&mut case, &anna(), CommandKind::Claim, 1, now()).unwrap();
        let mine = case.offered_actions(&anna(), now());
        assert!(!mine.claim && mine.release && mine.process);
        let theirs = case.offered_actions(&bernd(), now());
        assert!(!theirs.claim && !theirs.release && !theirs.process);
        assert!(theirs.prepare_decision);
        // A team lead releases and reassigns, but claims through assigning.
        let lead = case.offered_actions(&lead(), now());
        assert!(!lead.claim && lead.release && lead.assign && lead.process);
    }

    #[test]
    fn resuming_and_closing_are_offered_to_the_processor_in_their_status() {
        let mut case = new_case();
        run(&mut case, &anna(), CommandKind::Claim, 1, now()).unwrap();
        let request = CommandKind::RequestItems {
            items: vec![crate::aggregate::RequestedItem {
                kind: None,
                description: "Impfpass".into(),
                replaces: None,
            }],
            reason: "Fehlt".into(),
            answer_due: chrono::NaiveDate::from_ymd_opt(2026, 3, 20).unwrap(),
            message: "Bitte nachreichen".into(),
            letter_sha256: None,
        };
        let version = case.version;
        run(&mut case, &anna(), request, version, now()).unwrap();
        let moves = case.offered_actions(&anna(), now()).status_moves;
        assert_eq!(
            moves,
            [StatusMove {
                status: CaseStatus::InReview,
                label: "Bearbeitung fortsetzen".into(),
                reason_required: true,
            }]
        );
        assert!(
            case.offered_actions(&bernd(), now())
                .status_moves
                .is_empty()
        );

        let resume = CommandKind::SetStatus {
            status: CaseStatus::InReview,
            reason: Some("Der Impfpass liegt uns vor.".into()),
        };
        let version = case.version;
        run(&mut case, &anna(), resume, version, now()).unwrap();
        let decide = CommandKind::RecordDecision {
            outcome: Outcome::Approved,
            letter_sha256: None,
            fee_cents: 0,
            reasons: None,
            channel: crate::delivery::DeliveryChannel::Post,
        };
        let version = case.version;
        run(&mut case, &anna(), decide, version, now()).unwrap();
        let decided = case.offered_actions(&anna(), now());
        assert_eq!(decided.status_moves[0].status, CaseStatus::Closed);
        assert_eq!(decided.status_moves[0].label, "Abschließen");
        assert!(!decided.claim && !decided.release && !decided.process);
        assert!(!decided.prepare_decision);
    }
}
