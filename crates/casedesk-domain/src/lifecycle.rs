//! The case lifecycle as an explicit state machine.
//!
//! [`TRANSITIONS`] is the single table of every allowed move: from which status, by
//! which action, to which status, and which parties may trigger it. Everything that
//! changes a status goes through [`transition`], which explains a refusal in words a
//! caseworker understands. Assignment (claim, release, assign) is separate from status
//! but also appears in the table, because who may take a case depends on its status.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Where a case stands. `Submitted`, `InReview` and `AwaitingCitizen` are open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Submitted,
    InReview,
    AwaitingCitizen,
    Decided,
    Closed,
    Withdrawn,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 6] = [
        CaseStatus::Submitted,
        CaseStatus::InReview,
        CaseStatus::AwaitingCitizen,
        CaseStatus::Decided,
        CaseStatus::Closed,
        CaseStatus::Withdrawn,
    ];

    /// Whether work on the case is still ongoing.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            CaseStatus::Submitted | CaseStatus::InReview | CaseStatus::AwaitingCitizen
        )
    }

    /// The stable wire and database spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Submitted => "submitted",
            CaseStatus::InReview => "in_review",
            CaseStatus::AwaitingCitizen => "awaiting_citizen",
            CaseStatus::Decided => "decided",
            CaseStatus::Closed => "closed",
            CaseStatus::Withdrawn => "withdrawn",
        }
    }

    /// The German label the UI and refusal messages use.
    pub fn german(self) -> &'static str {
        match self {
            CaseStatus::Submitted => "Eingegangen",
            CaseStatus::InReview => "In Bearbeitung",
            CaseStatus::AwaitingCitizen => "Wartet auf Antragsteller/in",
            CaseStatus::Decided => "Entschieden",
            CaseStatus::Closed => "Abgeschlossen",
            CaseStatus::Withdrawn => "Zurückgezogen",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == s)
    }
}

/// The outcome of a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Approved,
    Rejected,
    Partial,
    /// A notice (Anzeige) received and certified as complete: the Gewerbeanzeige
    /// (§15(1) GewO), the registration of a dog for the dog tax. Nothing is granted
    /// or refused.
    Receipted,
}

impl Outcome {
    /// The German label of the outcome as it was decided ("Bewilligt").
    pub fn german(self) -> &'static str {
        match self {
            Outcome::Approved => "Bewilligt",
            Outcome::Rejected => "Abgelehnt",
            Outcome::Partial => "Teilweise bewilligt",
            Outcome::Receipted => "Bestätigt",
        }
    }

    /// The kind of Bescheid the outcome makes, as it is chosen ("Bewilligung").
    pub fn bescheid_german(self) -> &'static str {
        match self {
            Outcome::Approved => "Bewilligung",
            Outcome::Rejected => "Ablehnung",
            Outcome::Partial => "Teilbewilligung",
            Outcome::Receipted => "Bestätigung",
        }
    }

    /// Whether the decision refuses something, so that it needs the caseworker's own
    /// reasons for this case (§39(1) VwVfG NRW).
    pub fn needs_reasons(self) -> bool {
        matches!(self, Outcome::Rejected | Outcome::Partial)
    }

    /// The stable spelling in template names and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Approved => "approved",
            Outcome::Rejected => "rejected",
            Outcome::Partial => "partial",
            Outcome::Receipted => "receipted",
        }
    }
}

/// A staff member's role in the town hall.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Caseworker,
    TeamLead,
    /// Manages users, services and templates; does not process cases.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Caseworker => "caseworker",
            Role::TeamLead => "team_lead",
            Role::Admin => "admin",
        }
    }

    /// The German name of the role.
    pub fn german(self) -> &'static str {
        match self {
            Role::Caseworker => "Sachbearbeitung",
            Role::TeamLead => "Teamleitung",
            Role::Admin => "Administration",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Role::Caseworker, Role::TeamLead, Role::Admin]
            .into_iter()
            .find(|role| role.as_str() == s)
    }
}

/// Who may trigger a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    Caseworker,
    TeamLead,
    Citizen,
    System,
}

/// Who did something, as recorded in the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ActorRef {
    Staff {
        user_id: Uuid,
        role: Role,
        name: String,
    },
    Citizen {
        citizen_id: Uuid,
        name: String,
    },
    System,
}

impl ActorRef {
    /// The party this actor acts as; admins are no party to case work.
    pub fn party(&self) -> Option<Party> {
        match self {
            ActorRef::Staff {
                role: Role::Caseworker,
                ..
            } => Some(Party::Caseworker),
            ActorRef::Staff {
                role: Role::TeamLead,
                ..
            } => Some(Party::TeamLead),
            ActorRef::Staff {
                role: Role::Admin, ..
            } => None,
            ActorRef::Citizen { .. } => Some(Party::Citizen),
            ActorRef::System => Some(Party::System),
        }
    }

    pub fn staff_id(&self) -> Option<Uuid> {
        match self {
            ActorRef::Staff { user_id, .. } => Some(*user_id),
            _ => None,
        }
    }
}

/// Every action that moves a case through the lifecycle or changes its assignee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Claim,
    Release,
    Assign,
    RequestItems,
    /// Hearing the citizen before a burdensome decision (§28 VwVfG NRW).
    Hear,
    CitizenAnswer,
    AnswerDeadlinePassed,
    /// A caseworker resumes work without waiting for the citizen's answer.
    Resume,
    Decide,
    Close,
    Withdraw,
}

impl Action {
    /// The German words for the action, as a button and in refusals.
    pub fn german(self) -> &'static str {
        match self {
            Action::Claim => "Übernehmen",
            Action::Release => "Freigeben",
            Action::Assign => "Zuweisen",
            Action::RequestItems => "Nachfordern",
            Action::Hear => "Anhören",
            Action::CitizenAnswer => "Antwort der Antragsteller/in",
            Action::AnswerDeadlinePassed => "Ablauf der Antwortfrist",
            Action::Resume => "Bearbeitung fortsetzen",
            Action::Decide => "Entscheiden",
            Action::Close => "Abschließen",
            Action::Withdraw => "Zurückziehen",
        }
    }
}

/// One allowed move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub from: CaseStatus,
    pub action: Action,
    pub to: CaseStatus,
    pub by: &'static [Party],
}

const STAFF: &[Party] = &[Party::Caseworker, Party::TeamLead];
const LEAD: &[Party] = &[Party::TeamLead];
const CITIZEN: &[Party] = &[Party::Citizen];
const SYSTEM: &[Party] = &[Party::System];
const STAFF_OR_SYSTEM: &[Party] = &[Party::Caseworker, Party::TeamLead, Party::System];

const fn t(from: CaseStatus, action: Action, to: CaseStatus, by: &'static [Party]) -> Transition {
    Transition {
        from,
        action,
        to,
        by,
    }
}

use CaseStatus::{AwaitingCitizen, Closed, Decided, InReview, Submitted, Withdrawn};

/// Every allowed transition. Anything not listed is refused.
pub const TRANSITIONS: &[Transition] = &[
    // Taking work: claiming or assigning a new case starts its review.
    t(Submitted, Action::Claim, InReview, STAFF),
    t(InReview, Action::Claim, InReview, STAFF),
    t(AwaitingCitizen, Action::Claim, AwaitingCitizen, STAFF),
    t(Submitted, Action::Assign, InReview, LEAD),
    t(InReview, Action::Assign, InReview, LEAD),
    t(AwaitingCitizen, Action::Assign, AwaitingCitizen, LEAD),
    t(InReview, Action::Release, InReview, STAFF),
    t(AwaitingCitizen, Action::Release, AwaitingCitizen, STAFF),
    // Asking the citizen and getting an answer.
    t(InReview, Action::RequestItems, AwaitingCitizen, STAFF),
    t(InReview, Action::Hear, AwaitingCitizen, STAFF),
    t(AwaitingCitizen, Action::CitizenAnswer, InReview, CITIZEN),
    t(
        AwaitingCitizen,
        Action::AnswerDeadlinePassed,
        InReview,
        SYSTEM,
    ),
    t(AwaitingCitizen, Action::Resume, InReview, STAFF),
    // Deciding and closing.
    t(InReview, Action::Decide, Decided, STAFF),
    t(Decided, Action::Close, Closed, STAFF_OR_SYSTEM),
    // The citizen may withdraw while the case is open.
    t(Submitted, Action::Withdraw, Withdrawn, CITIZEN),
    t(InReview, Action::Withdraw, Withdrawn, CITIZEN),
    t(AwaitingCitizen, Action::Withdraw, Withdrawn, CITIZEN),
];

/// Why a transition was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("„{action}“ ist im Status „{status}“ nicht möglich")]
    NotInThisStatus {
        action: &'static str,
        status: &'static str,
    },
    #[error("„{action}“ darf in diesem Status nur {allowed} auslösen")]
    NotThisParty {
        action: &'static str,
        allowed: String,
    },
}

fn party_german(party: Party) -> &'static str {
    match party {
        Party::Caseworker => "Sachbearbeitung",
        Party::TeamLead => "Teamleitung",
        Party::Citizen => "die Antragsteller/in",
        Party::System => "das System",
    }
}

/// Looks up the move `action` from `from` by `party`.
pub fn transition(from: CaseStatus, action: Action, party: Party) -> Result<CaseStatus, Refusal> {
    let Some(found) = TRANSITIONS
        .iter()
        .find(|t| t.from == from && t.action == action)
    else {
        return Err(Refusal::NotInThisStatus {
            action: action.german(),
            status: from.german(),
        });
    };
    if !found.by.contains(&party) {
        let allowed = found
            .by
            .iter()
            .map(|p| party_german(*p))
            .collect::<Vec<_>>()
            .join(" oder ");
        return Err(Refusal::NotThisParty {
            action: action.german(),
            allowed,
        });
    }
    Ok(found.to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_one_entry_per_status_and_action() {
        for (i, a) in TRANSITIONS.iter().enumerate() {
            for b in &TRANSITIONS[i + 1..] {
                assert!(
                    !(a.from == b.from && a.action == b.action),
                    "duplicate {a:?}"
                );
            }
        }
    }

    #[test]
    fn no_transition_leaves_a_final_status_except_closing_a_decision() {
        for t in TRANSITIONS {
            if !t.from.is_open() {
                assert_eq!((t.from, t.action, t.to), (Decided, Action::Close, Closed));
            }
        }
    }

    #[test]
    fn every_open_status_can_be_withdrawn_by_the_citizen_only() {
        for status in CaseStatus::ALL.into_iter().filter(|s| s.is_open()) {
            assert_eq!(
                transition(status, Action::Withdraw, Party::Citizen),
                Ok(Withdrawn)
            );
            assert!(matches!(
                transition(status, Action::Withdraw, Party::Caseworker),
                Err(Refusal::NotThisParty { .. })
            ));
        }
        assert!(matches!(
            transition(Decided, Action::Withdraw, Party::Citizen),
            Err(Refusal::NotInThisStatus { .. })
        ));
    }

    #[test]
    fn only_team_leads_assign() {
        assert_eq!(
            transition(Submitted, Action::Assign, Party::TeamLead),
            Ok(InReview)
        );
        let refusal = transition(Submitted, Action::Assign, Party::Caseworker).unwrap_err();
        assert_eq!(
            refusal.to_string(),
            "„Zuweisen“ darf in diesem Status nur Teamleitung auslösen"
        );
    }

    #[test]
    fn the_documented_main_path_is_allowed() {
        let path = [
            (Action::Claim, Party::Caseworker, InReview),
            (Action::RequestItems, Party::Caseworker, AwaitingCitizen),
            (Action::CitizenAnswer, Party::Citizen, InReview),
            (Action::Decide, Party::Caseworker, Decided),
            (Action::Close, Party::System, Closed),
        ];
        let mut status = Submitted;
        for (action, party, expected) in path {
            status = transition(status, action, party).unwrap();
            assert_eq!(status, expected);
        }
    }

    #[test]
    fn refusals_name_the_status() {
        let refusal = transition(Closed, Action::Decide, Party::Caseworker).unwrap_err();
        assert_eq!(
            refusal.to_string(),
            "„Entscheiden“ ist im Status „Abgeschlossen“ nicht möglich"
        );
    }
}
