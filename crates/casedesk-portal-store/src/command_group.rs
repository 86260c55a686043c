//! How a group of commands is decided, without a database.
//!
//! The command path reads what a group needs (the answers stored for its command ids,
//! the cases it names, the facts in [`GroupFacts`]), hands them to [`decide_group`],
//! and writes the [`GroupOutcome`] in the same transaction (`sql::commands`). Keeping
//! the decisions here makes the rules of the command path readable and testable on
//! their own:
//!
//! - A command id answers once. A repeat from the same sender is a `duplicate` that
//!   carries the first answer (a first rejection with the case as it is now); a repeat
//!   from anyone else is refused, so a command id cannot be used to read another
//!   person's answer.
//! - A command on a case the sender may not see is refused exactly like one on a case
//!   that does not exist.
//! - Each command is decided against the cases as the group's earlier commands left
//!   them, so a group applies atomically per command: a rejected command changes
//!   nothing, and its neighbours' changes stand.
//! - Every command that changes a case takes the next position of the total order.
//!
//! Architecture invariant: nothing here does I/O; everything a decision depends on is
//! in the arguments.

use std::collections::{HashMap, HashSet};

use casedesk_domain::CaseAggregate;
use casedesk_domain::aggregate::{
    AssigneeInfo, DEFAULT_FEE_DUE_AFTER, DecideContext, Decision, DocumentMeta, Fee, Notice,
};
use casedesk_domain::command::{
    Command, CommandAnswer, Rejection, RejectionCode, is_system_command_id,
};
use casedesk_domain::deadline::Period;
use casedesk_domain::delivery::{self, DeliveryChannel};
use casedesk_domain::event::{EventKind, HistoryEntry};
use casedesk_domain::law::ServiceLaw;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::Principal;

/// Answers stored by earlier groups, by command id: the key of the principal who sent
/// the command (see [`Principal::key`]) and the answer as stored.
pub type StoredAnswers = HashMap<Uuid, (String, CommandAnswer)>;

/// What the store knows beyond the cases that a group's commands may ask about. They
/// cannot change while the group is decided: the group runs in one transaction, and
/// no command creates a user, a membership, a blob, a service or a setting.
#[derive(Debug, Clone)]
pub struct GroupFacts {
    /// Active caseworkers and team leads among the group's assignees: their display
    /// name and the offices they belong to.
    pub assignable: HashMap<Uuid, (String, Vec<Uuid>)>,
    /// Letters among those the group's decisions and notices name that are in the
    /// blob store.
    pub stored_letters: HashSet<String>,
    /// The law of each service whose cases the group decides or issues notices on,
    /// by service id.
    pub laws: HashMap<String, ServiceLaw>,
    /// How long after its announcement a fee falls due (the tenant's setting; read
    /// only for groups that decide or issue notices).
    pub fee_due_after: Period,
}

impl Default for GroupFacts {
    fn default() -> Self {
        Self {
            assignable: HashMap::new(),
            stored_letters: HashSet::new(),
            laws: HashMap::new(),
            fee_due_after: DEFAULT_FEE_DUE_AFTER,
        }
    }
}

impl GroupFacts {
    /// The users the group assigns cases to and the letters its decisions and notices
    /// name: what the store must look up to fill in the facts.
    pub fn wanted(commands: &[Command]) -> (Vec<Uuid>, Vec<String>) {
        let mut assignees = Vec::new();
        let mut letters = Vec::new();
        for command in commands {
            let needs = command.kind.needs();
            assignees.extend(needs.assignee);
            letters.extend(needs.letter.map(str::to_owned));
        }
        assignees.sort_unstable();
        assignees.dedup();
        letters.sort_unstable();
        letters.dedup();
        (assignees, letters)
    }

    /// The services whose law the group needs: those of the loaded cases that its
    /// decisions and notices name. A command cannot change a case's service, so the
    /// cases as loaded tell.
    pub fn services_wanted(
        commands: &[Command],
        cases: &HashMap<Uuid, CaseAggregate>,
    ) -> Vec<String> {
        let mut services: Vec<String> = commands
            .iter()
            .filter(|command| command.kind.needs().law)
            .filter_map(|command| cases.get(&command.case_id))
            .map(|case| case.service_id.clone())
            .collect();
        services.sort_unstable();
        services.dedup();
        services
    }

    /// What the domain needs to decide `command` on `case` as it is now.
    fn context(
        &self,
        principal: &Principal,
        case: &CaseAggregate,
        command: &Command,
        now: DateTime<Utc>,
    ) -> DecideContext {
        let mut ctx = DecideContext::at(now);
        ctx.command_id = Some(command.command_id);
        ctx.fee_due_after = self.fee_due_after;
        let needs = command.kind.needs();
        if needs.law {
            ctx.law = self.laws.get(&case.service_id).cloned();
        }
        if let Some(assignee) = needs.assignee {
            // The assignee must belong to the case's office as the group's earlier
            // commands left it (a transfer may precede the assignment).
            ctx.assignee = self
                .assignable
                .get(&assignee)
                .filter(|(_, offices)| offices.contains(&case.office_id))
                .map(|(name, _)| AssigneeInfo {
                    user_id: assignee,
                    name: name.clone(),
                });
        }
        if let (Some(office_id), Principal::Staff(user)) = (needs.target_office, principal) {
            ctx.target_office_allowed = user.offices.iter().any(|o| o.id == office_id);
        }
        if let Some(sha) = needs.letter {
            ctx.letter_stored = self.stored_letters.contains(sha);
        }
        ctx
    }
}

/// Whether the principal may see a case. Staff are checked against the offices
/// loaded with their session (the request's authorisation), so a command group needs
/// no membership query per command.
pub fn may_see(principal: &Principal, case: &CaseAggregate) -> bool {
    match principal {
        Principal::Staff(user) => user.offices.iter().any(|o| o.id == case.office_id),
        Principal::Citizen(citizen) => case.applicant.citizen_id == citizen.id,
        Principal::System => true,
    }
}

/// The cases a group must load: those its new commands name, and for a repeated
/// rejection the case it named (its duplicate answer carries the case as it is now).
pub fn cases_to_load(commands: &[Command], stored: &StoredAnswers) -> Vec<Uuid> {
    let mut wanted: Vec<Uuid> = commands
        .iter()
        .filter_map(|command| match stored.get(&command.command_id) {
            Some((_, CommandAnswer::Rejected { case_id, .. })) => Some(*case_id),
            Some(_) => None,
            None => Some(command.case_id),
        })
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    wanted
}

/// What a decided group leaves to write.
#[derive(Debug, Default)]
pub struct GroupOutcome {
    /// One answer per command, in order, as the sender gets it.
    pub answers: Vec<CommandAnswer>,
    /// The cases the group changed, in the order of their first change; the case map
    /// holds their latest state, which is the only one written.
    pub changed: Vec<Uuid>,
    /// The rows that mirror what the changes added to the aggregates.
    pub mirror: MirrorRows,
    /// The answers to store for idempotency, each with its command's case. Rejections
    /// are stored without the case: a duplicate gets the case as it is then.
    pub to_store: Vec<(CommandAnswer, Uuid)>,
    /// The last position handed out; equal to the group's start when nothing changed.
    pub last_seq: i64,
}

/// Decides `commands` in order against `cases` (changed in place). `start_seq` is the
/// head of the total order when the group began; each change takes the next position.
pub fn decide_group(
    principal: &Principal,
    commands: &[Command],
    mut answered: StoredAnswers,
    cases: &mut HashMap<Uuid, CaseAggregate>,
    facts: &GroupFacts,
    now: DateTime<Utc>,
    start_seq: i64,
) -> GroupOutcome {
    let key = principal.key();
    let actor = principal.actor();
    let mut outcome = GroupOutcome {
        last_seq: start_seq,
        ..GroupOutcome::default()
    };
    for command in commands {
        // The portal's own commands have ids nobody else may take (M4 of the
        // security review): refused, and not stored, so the job's id stays free.
        if is_system_command_id(&command.command_id) && !matches!(principal, Principal::System) {
            outcome.answers.push(CommandAnswer::Rejected {
                command_id: command.command_id,
                case_id: command.case_id,
                rejection: Rejection::new(
                    RejectionCode::Invalid,
                    "Befehls-IDs dieser Form (UUID Version 5) vergibt nur das Portal",
                ),
                current: None,
            });
            continue;
        }
        if let Some((owner, first)) = answered.get(&command.command_id) {
            let repeat = if *owner == key {
                duplicate(principal, command, first, cases)
            } else {
                CommandAnswer::Rejected {
                    command_id: command.command_id,
                    case_id: command.case_id,
                    rejection: Rejection::new(
                        RejectionCode::Invalid,
                        "Diese Befehls-ID wurde bereits für einen anderen Auftrag verwendet",
                    ),
                    current: None,
                }
            };
            outcome.answers.push(repeat);
            continue;
        }
        let answer = match cases.get_mut(&command.case_id) {
            Some(case) if may_see(principal, case) => {
                let ctx = facts.context(principal, case, command, now);
                match case.decide(&actor, &command.kind, command.base_version, &ctx) {
                    Err(rejection) => CommandAnswer::Rejected {
                        command_id: command.command_id,
                        case_id: case.id,
                        rejection,
                        current: Some(Box::new(case.clone())),
                    },
                    Ok(events) if events.is_empty() => CommandAnswer::Applied {
                        command_id: command.command_id,
                        case_id: case.id,
                        version: case.version,
                        seq: case.seq,
                    },
                    Ok(events) => {
                        outcome.last_seq += 1;
                        let seq = outcome.last_seq;
                        let entries =
                            case.record(events, &actor, Some(command.command_id), now, seq);
                        outcome.mirror.collect(case, entries);
                        if !outcome.changed.contains(&case.id) {
                            outcome.changed.push(case.id);
                        }
                        CommandAnswer::Applied {
                            command_id: command.command_id,
                            case_id: case.id,
                            version: case.version,
                            seq,
                        }
                    }
                }
            }
            _ => CommandAnswer::Rejected {
                command_id: command.command_id,
                case_id: command.case_id,
                rejection: Rejection::new(
                    RejectionCode::UnknownCase,
                    "Diesen Vorgang gibt es nicht oder Sie dürfen ihn nicht sehen",
                ),
                current: None,
            },
        };
        let stored = without_case(&answer);
        // A command repeated within the group is a duplicate of its first answer too.
        answered.insert(command.command_id, (key.clone(), stored.clone()));
        outcome.to_store.push((stored, command.case_id));
        outcome.answers.push(answer);
    }
    outcome
}

/// The answer to a repeat of one's own command: the first answer, with a rejection's
/// case as it is now (this group's changes included), if still visible.
fn duplicate(
    principal: &Principal,
    command: &Command,
    first: &CommandAnswer,
    cases: &HashMap<Uuid, CaseAggregate>,
) -> CommandAnswer {
    let mut first = first.clone();
    if let CommandAnswer::Rejected {
        current, case_id, ..
    } = &mut first
    {
        *current = cases
            .get(case_id)
            .filter(|case| may_see(principal, case))
            .map(|case| Box::new(case.clone()));
    }
    CommandAnswer::Duplicate {
        command_id: command.command_id,
        first: Box::new(first),
    }
}

/// An answer as it is stored: a rejection without its case.
fn without_case(answer: &CommandAnswer) -> CommandAnswer {
    match answer {
        CommandAnswer::Rejected {
            command_id,
            case_id,
            rejection,
            ..
        } => CommandAnswer::Rejected {
            command_id: *command_id,
            case_id: *case_id,
            rejection: rejection.clone(),
            current: None,
        },
        other => other.clone(),
    }
}

/// Rows that mirror parts of aggregates for queries outside them (the event log,
/// documents, decisions, notices, payments and scope exits), collected while
/// commands are decided and written together.
#[derive(Debug, Default)]
pub struct MirrorRows {
    /// Event rows: the case, the event's index within its version, the entry.
    pub events: Vec<(Uuid, i64, HistoryEntry)>,
    /// Documents added to cases.
    pub documents: Vec<(Uuid, DocumentMeta)>,
    /// Decisions recorded.
    pub decisions: Vec<(Uuid, Decision)>,
    /// Notices issued after a decision.
    pub notices: Vec<(Uuid, Notice)>,
    /// Letters sent with a request: the case, the request, the letter.
    pub request_letters: Vec<(Uuid, Uuid, String)>,
    /// Fees set or changed (by a decision or a fee notice) and payment states
    /// changed: the case, its fee now, and when.
    pub payments: Vec<(Uuid, Fee, DateTime<Utc>)>,
    /// Cases that left an office: the position, the case, the office it left. The
    /// changes feed turns these into tombstones for that office's users.
    pub scope_exits: Vec<(i64, Uuid, Uuid)>,
}

impl MirrorRows {
    /// Takes the entries one change added to `case` (the case already holds them).
    pub fn collect(&mut self, case: &CaseAggregate, entries: Vec<HistoryEntry>) {
        for (idx, entry) in entries.into_iter().enumerate() {
            match &entry.event {
                EventKind::DocumentAdded { document } => {
                    self.documents.push((case.id, document.clone()));
                }
                EventKind::DecisionRecorded { .. } => {
                    if let Some(decision) = &case.decision {
                        self.decisions.push((case.id, decision.clone()));
                    }
                    self.payment(case, entry.at);
                }
                EventKind::NoticeIssued { notice_id, .. } => {
                    if let Some(notice) = case.notices.iter().find(|n| n.id == *notice_id) {
                        self.notices.push((case.id, notice.clone()));
                    }
                    self.payment(case, entry.at);
                }
                EventKind::ItemsRequested {
                    request_id,
                    letter_sha256: Some(letter),
                    ..
                }
                | EventKind::HearingStarted {
                    request_id,
                    letter_sha256: Some(letter),
                    ..
                } => {
                    self.request_letters
                        .push((case.id, *request_id, letter.clone()));
                }
                EventKind::PaymentChanged { .. } => self.payment(case, entry.at),
                EventKind::TransferredOffice { from, .. } => {
                    self.scope_exits.push((entry.seq, case.id, *from));
                }
                _ => {}
            }
            self.events.push((case.id, idx as i64, entry));
        }
    }

    /// The case's fee as it is now, if it has one.
    fn payment(&mut self, case: &CaseAggregate, at: DateTime<Utc>) {
        if let Some(fee) = &case.fee {
            self.payments.push((case.id, fee.clone(), at));
        }
    }
}

/// The last day the earliest pending portal retrieval of `case` may happen: its
/// decision's or a notice's, notified and neither retrieved, lapsed nor announced
/// otherwise (§41(2a) VwVfG NRW). The store keeps it beside the aggregate
/// (`cases.retrieval_open_until`) so the lapse job reads only cases whose day passed.
pub fn retrieval_open_until(case: &CaseAggregate) -> Option<NaiveDate> {
    let decision = case.decision.iter().map(|d| &d.delivery);
    let notices = case.notices.iter().map(|n| &n.delivery);
    decision
        .chain(notices)
        .filter(|d| {
            d.channel == DeliveryChannel::Portal
                && d.retrieved_at.is_none()
                && !d.lapsed
                && d.dates.is_none()
        })
        .filter_map(|d| d.notified_at)
        .filter_map(|notified| delivery::retrieval_lapses_after(notified).ok())
        .min()
}

#[cfg(test)]
mod tests;
