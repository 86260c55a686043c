//! Commands against a case and the portal's answers to them.
//!
//! A command carries a client-generated `command_id` (UUIDv7) that makes it idempotent,
//! the case it targets and the case version the sender last saw (`base_version`). On the
//! wire it is `{command_id, case_id, base_version, kind, payload}`; unknown fields are
//! refused so a typo never silently drops data.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::aggregate::{
    CaseAggregate, DocumentMeta, ItemAnswer, NoticeKind, Priority, RequestedItem, Verdict,
};
use crate::delivery::DeliveryChannel;
use crate::lifecycle::{CaseStatus, Outcome};

/// The id of a command the portal sends itself (its jobs): name-based (UUID
/// version 5) from what the command is about, so every portal process derives the
/// same id for the same work and applies it once. Nobody else may send such an id
/// ([`is_system_command_id`]): a citizen who sees a request's id could otherwise
/// take the expiry job's id first and keep the request from ever expiring.
pub fn system_command_id(about: &Uuid, what: &[u8]) -> Uuid {
    Uuid::new_v5(about, what)
}

/// Whether `id` has the form of [`system_command_id`]; the portal refuses such ids
/// from clients (desktops and the citizen API use random or time-ordered ids).
pub fn is_system_command_id(id: &Uuid) -> bool {
    id.get_version_num() == 5
}

/// One command as sent by a client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(try_from = "RawCommand", into = "RawCommand")]
pub struct Command {
    pub command_id: Uuid,
    pub case_id: Uuid,
    pub base_version: i64,
    /// On the wire `kind` and `payload` sit beside the other fields (see [`RawCommand`]).
    #[cfg_attr(feature = "ts", ts(flatten))]
    pub kind: CommandKind,
}

/// The literal wire form. serde cannot combine `flatten` with `deny_unknown_fields`,
/// so [`Command`] goes through this struct to refuse unknown top-level fields too.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCommand {
    command_id: Uuid,
    case_id: Uuid,
    base_version: i64,
    kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    payload: Option<serde_json::Value>,
}

impl TryFrom<RawCommand> for Command {
    type Error = serde_json::Error;

    fn try_from(raw: RawCommand) -> Result<Self, Self::Error> {
        let mut tagged = serde_json::Map::new();
        tagged.insert("kind".into(), serde_json::Value::String(raw.kind));
        if let Some(payload) = raw.payload {
            tagged.insert("payload".into(), payload);
        }
        Ok(Command {
            command_id: raw.command_id,
            case_id: raw.case_id,
            base_version: raw.base_version,
            kind: serde_json::from_value(serde_json::Value::Object(tagged))?,
        })
    }
}

impl From<Command> for RawCommand {
    fn from(command: Command) -> Self {
        let (kind, payload) = match serde_json::to_value(&command.kind) {
            Ok(serde_json::Value::Object(mut tagged)) => (
                tagged
                    .remove("kind")
                    .and_then(|k| k.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                tagged.remove("payload"),
            ),
            // An adjacently tagged enum always serialises to an object.
            _ => (command.kind.name().to_owned(), None),
        };
        RawCommand {
            command_id: command.command_id,
            case_id: command.case_id,
            base_version: command.base_version,
            kind,
            payload,
        }
    }
}

/// What the command does. Staff commands first, then citizen and system ones; the
/// portal only accepts citizen and system commands from its own citizen API and jobs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(
    tag = "kind",
    content = "payload",
    rename_all = "snake_case",
    deny_unknown_fields
)]
pub enum CommandKind {
    Claim,
    Release,
    Assign {
        assignee: Uuid,
    },
    SetStatus {
        status: CaseStatus,
        #[serde(default)]
        reason: Option<String>,
    },
    AddNote {
        text: String,
    },
    ReviewDocument {
        document_id: Uuid,
        verdict: Verdict,
        #[serde(default)]
        reason: Option<String>,
    },
    RequestItems {
        items: Vec<RequestedItem>,
        reason: String,
        answer_due: NaiveDate,
        message: String,
        /// The items-request letter, uploaded before the command.
        #[serde(default)]
        letter_sha256: Option<String>,
    },
    /// Hear the citizen before a burdensome decision (§28 VwVfG NRW): the case waits
    /// for a statement until `answer_due`, a working day.
    StartHearing {
        /// What the office intends to decide, and on which facts.
        intended: String,
        answer_due: NaiveDate,
        message: String,
        /// The hearing letter, uploaded before the command.
        #[serde(default)]
        letter_sha256: Option<String>,
    },
    SendMessage {
        text: String,
    },
    /// Give the citizen until a new day to answer an open request, or reopen one
    /// whose deadline passed (the citizen sees the new date).
    ExtendRequest {
        request_id: Uuid,
        answer_due: NaiveDate,
    },
    /// Close an open request unanswered; the citizen reads the reason.
    WithdrawRequest {
        request_id: Uuid,
        reason: String,
    },
    /// Take a partial answer as the answer: the request is answered as it is.
    AcceptAnswer {
        request_id: Uuid,
    },
    RecordDecision {
        outcome: Outcome,
        #[serde(default)]
        letter_sha256: Option<String>,
        fee_cents: i64,
        /// The caseworker's reasons for this case; required to refuse anything.
        #[serde(default)]
        reasons: Option<String>,
        /// How the decision reaches the citizen.
        channel: DeliveryChannel,
    },
    /// A notice after the decision: a separate fee notice or a tax notice.
    IssueNotice {
        kind: NoticeKind,
        #[serde(default)]
        letter_sha256: Option<String>,
        amount_cents: i64,
        channel: DeliveryChannel,
    },
    /// The decision (`notice_id` none) or a notice was handed to the post on `on`, or
    /// formally served on `on`; also how a decision not retrieved from the portal is
    /// sent by post instead.
    RecordDispatch {
        #[serde(default)]
        notice_id: Option<Uuid>,
        channel: DeliveryChannel,
        on: NaiveDate,
    },
    SetPriority {
        priority: Priority,
    },
    SetDueDate {
        due_date: NaiveDate,
        reason: String,
    },
    TransferOffice {
        office_id: Uuid,
    },
    /// Citizen: withdraw the application.
    Withdraw {
        #[serde(default)]
        reason: Option<String>,
    },
    /// Citizen: answer a request with documents and an optional message. `items`
    /// says which documents answer which item; a document it leaves out answers the
    /// request's only item, or the item asking for its kind. The request is answered
    /// once every item has a document (a hearing: once the citizen says anything);
    /// until then the answer is partial and the case keeps waiting.
    AnswerRequest {
        request_id: Uuid,
        documents: Vec<DocumentMeta>,
        #[serde(default)]
        message: Option<String>,
        #[serde(default)]
        items: Vec<ItemAnswer>,
    },
    /// Citizen: write to the office.
    CitizenMessage {
        text: String,
    },
    /// System: the answer deadline of a request passed without an answer.
    ExpireRequest {
        request_id: Uuid,
    },
    /// Citizen (the portal, on the first download): the decision (`notice_id` none)
    /// or a notice was retrieved from the portal mailbox.
    RecordRetrieval {
        #[serde(default)]
        notice_id: Option<Uuid>,
    },
    /// System: ten days passed without a retrieval (§41(2a) S. 4).
    LapseRetrieval {
        #[serde(default)]
        notice_id: Option<Uuid>,
    },
    /// System or payment provider: the fee's payment status changed.
    RecordPayment {
        status: crate::aggregate::PaymentStatus,
    },
}

impl CommandKind {
    /// The stable name used on the wire and in logs.
    pub fn name(&self) -> &'static str {
        match self {
            CommandKind::Claim => "claim",
            CommandKind::Release => "release",
            CommandKind::Assign { .. } => "assign",
            CommandKind::SetStatus { .. } => "set_status",
            CommandKind::AddNote { .. } => "add_note",
            CommandKind::ReviewDocument { .. } => "review_document",
            CommandKind::RequestItems { .. } => "request_items",
            CommandKind::StartHearing { .. } => "start_hearing",
            CommandKind::SendMessage { .. } => "send_message",
            CommandKind::ExtendRequest { .. } => "extend_request",
            CommandKind::WithdrawRequest { .. } => "withdraw_request",
            CommandKind::AcceptAnswer { .. } => "accept_answer",
            CommandKind::RecordDecision { .. } => "record_decision",
            CommandKind::IssueNotice { .. } => "issue_notice",
            CommandKind::RecordDispatch { .. } => "record_dispatch",
            CommandKind::SetPriority { .. } => "set_priority",
            CommandKind::SetDueDate { .. } => "set_due_date",
            CommandKind::TransferOffice { .. } => "transfer_office",
            CommandKind::Withdraw { .. } => "withdraw",
            CommandKind::AnswerRequest { .. } => "answer_request",
            CommandKind::CitizenMessage { .. } => "citizen_message",
            CommandKind::ExpireRequest { .. } => "expire_request",
            CommandKind::RecordRetrieval { .. } => "record_retrieval",
            CommandKind::LapseRetrieval { .. } => "lapse_retrieval",
            CommandKind::RecordPayment { .. } => "record_payment",
        }
    }

    /// The German name of the change this command makes, as the outbox and a refused
    /// change are listed (a noun: "Übernahme", not the button's "Übernehmen").
    pub fn german(&self) -> &'static str {
        match self {
            CommandKind::Claim => "Übernahme",
            CommandKind::Release => "Freigabe",
            CommandKind::Assign { .. } => "Zuweisung",
            CommandKind::SetStatus { .. } => "Statusänderung",
            CommandKind::AddNote { .. } => "Notiz",
            CommandKind::ReviewDocument { .. } => "Dokumentprüfung",
            CommandKind::RequestItems { .. } => "Nachforderung",
            CommandKind::StartHearing { .. } => "Anhörung",
            CommandKind::SendMessage { .. } => "Nachricht",
            CommandKind::ExtendRequest { .. } => "Fristverlängerung",
            CommandKind::WithdrawRequest { .. } => "Rücknahme der Nachforderung",
            CommandKind::AcceptAnswer { .. } => "Annahme der Antwort",
            CommandKind::RecordDecision { .. } => "Entscheidung",
            CommandKind::IssueNotice { .. } => "Bescheid nach der Entscheidung",
            CommandKind::RecordDispatch { .. } => "Versand",
            CommandKind::SetPriority { .. } => "Priorität",
            CommandKind::SetDueDate { .. } => "Friständerung",
            CommandKind::TransferOffice { .. } => "Abgabe an Dienststelle",
            CommandKind::Withdraw { .. } => "Rücknahme des Antrags",
            CommandKind::AnswerRequest { .. } => "Antwort auf Nachforderung",
            CommandKind::CitizenMessage { .. } => "Nachricht der Antragsteller/in",
            CommandKind::ExpireRequest { .. } => "Ablauf der Antwortfrist",
            CommandKind::RecordRetrieval { .. } => "Abruf im Bürgerportal",
            CommandKind::LapseRetrieval { .. } => "Ablauf der Abruffrist",
            CommandKind::RecordPayment { .. } => "Zahlung",
        }
    }

    /// The facts beyond its case this command needs in its [`DecideContext`], which
    /// the portal's store and the desktop's local store each look up their own way.
    ///
    /// [`DecideContext`]: crate::aggregate::DecideContext
    pub fn needs(&self) -> Needs<'_> {
        match self {
            CommandKind::Assign { assignee } => Needs {
                assignee: Some(*assignee),
                ..Needs::default()
            },
            CommandKind::TransferOffice { office_id } => Needs {
                target_office: Some(*office_id),
                ..Needs::default()
            },
            CommandKind::RecordDecision { letter_sha256, .. }
            | CommandKind::IssueNotice { letter_sha256, .. } => Needs {
                letter: letter_sha256.as_deref(),
                law: true,
                ..Needs::default()
            },
            CommandKind::RequestItems { letter_sha256, .. }
            | CommandKind::StartHearing { letter_sha256, .. } => Needs {
                letter: letter_sha256.as_deref(),
                ..Needs::default()
            },
            _ => Needs::default(),
        }
    }

    /// Whether staff may send this command through the office API.
    pub fn is_staff_command(&self) -> bool {
        !matches!(
            self,
            CommandKind::Withdraw { .. }
                | CommandKind::AnswerRequest { .. }
                | CommandKind::CitizenMessage { .. }
                | CommandKind::ExpireRequest { .. }
                | CommandKind::RecordRetrieval { .. }
                | CommandKind::LapseRetrieval { .. }
                | CommandKind::RecordPayment { .. }
        )
    }
}

/// What a command needs to be decided beyond its case ([`CommandKind::needs`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Needs<'a> {
    /// `assign`: whether this user is staff of the case's office who can take
    /// cases, and their name (`DecideContext::assignee`).
    pub assignee: Option<Uuid>,
    /// `transfer_office`: whether the actor may move the case to this office
    /// (`DecideContext::target_office_allowed`).
    pub target_office: Option<Uuid>,
    /// A letter the command names: whether its blob is stored
    /// (`DecideContext::letter_stored`).
    pub letter: Option<&'a str>,
    /// The law of the case's service and the tenant's fee period
    /// (`DecideContext::law`, `DecideContext::fee_due_after`).
    pub law: bool,
}

/// A stable reason code a client can branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RejectionCode {
    UnknownCase,
    NotPermitted,
    InvalidTransition,
    NotAssignee,
    AlreadyAssigned,
    NotAssigned,
    UnknownDocument,
    ReviewedMeanwhile,
    UnknownRequest,
    UnknownUser,
    UnknownOffice,
    CaseClosed,
    Invalid,
}

/// Why a command cannot apply: a code and a German sentence for the caseworker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[error("{message}")]
pub struct Rejection {
    pub code: RejectionCode,
    pub message: String,
}

impl Rejection {
    pub fn new(code: RejectionCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

/// The portal's answer to one command of a batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum CommandAnswer {
    /// The command changed the case; `version` is the case's new version and `seq` the
    /// change's position in the global order. A command with nothing left to do (a
    /// second claim by the same person) is applied without a new version.
    Applied {
        command_id: Uuid,
        case_id: Uuid,
        version: i64,
        seq: i64,
    },
    /// The command was seen before; `first` is the answer it got then.
    Duplicate {
        command_id: Uuid,
        #[cfg_attr(feature = "openapi", schema(no_recursion))]
        first: Box<CommandAnswer>,
    },
    /// The command cannot apply; `current` is the case as it stands now, when the
    /// sender may see it.
    Rejected {
        command_id: Uuid,
        case_id: Uuid,
        #[serde(flatten)]
        rejection: Rejection,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        current: Option<Box<CaseAggregate>>,
    },
}

impl CommandAnswer {
    pub fn command_id(&self) -> Uuid {
        match self {
            CommandAnswer::Applied { command_id, .. }
            | CommandAnswer::Duplicate { command_id, .. }
            | CommandAnswer::Rejected { command_id, .. } => *command_id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_wire_shape() {
        let json = r#"{"command_id":"0190b6a4-0000-7000-8000-000000000001",
            "case_id":"0190b6a4-0000-7000-8000-000000000002","base_version":3,
            "kind":"add_note","payload":{"text":"Rückruf vereinbart"}}"#;
        let command: Command = serde_json::from_str(json).unwrap();
        assert_eq!(
            command.kind,
            CommandKind::AddNote {
                text: "Rückruf vereinbart".into()
            }
        );
        let claim = r#"{"command_id":"0190b6a4-0000-7000-8000-000000000001",
            "case_id":"0190b6a4-0000-7000-8000-000000000002","base_version":3,"kind":"claim"}"#;
        assert_eq!(
            serde_json::from_str::<Command>(claim).unwrap().kind,
            CommandKind::Claim
        );
    }

    #[test]
    fn refuses_unknown_payload_fields_and_kinds() {
        let extra = r#"{"command_id":"0190b6a4-0000-7000-8000-000000000001",
            "case_id":"0190b6a4-0000-7000-8000-000000000002","base_version":3,
            "kind":"add_note","payload":{"text":"x","colour":"red"}}"#;
        assert!(serde_json::from_str::<Command>(extra).is_err());
        let extra_top = r#"{"command_id":"0190b6a4-0000-7000-8000-000000000001",
            "case_id":"0190b6a4-0000-7000-8000-000000000002","base_version":3,
            "kind":"claim","force":true}"#;
        assert!(serde_json::from_str::<Command>(extra_top).is_err());
        let unknown = r#"{"command_id":"0190b6a4-0000-7000-8000-000000000001",
            "case_id":"0190b6a4-0000-7000-8000-000000000002","base_version":3,"kind":"delete_case"}"#;
        assert!(serde_json::from_str::<Command>(unknown).is_err());
    }

    #[test]
    fn commands_name_the_facts_they_need() {
        let letter = "ab".repeat(32);
        let decision = CommandKind::RecordDecision {
            outcome: Outcome::Approved,
            letter_sha256: Some(letter.clone()),
            fee_cents: 0,
            reasons: None,
            channel: DeliveryChannel::Post,
        };
        assert_eq!(
            decision.needs(),
            Needs {
                letter: Some(letter.as_str()),
                law: true,
                ..Needs::default()
            }
        );
        let someone = Uuid::from_u128(5);
        assert_eq!(
            CommandKind::Assign { assignee: someone }.needs().assignee,
            Some(someone)
        );
        assert_eq!(
            CommandKind::TransferOffice { office_id: someone }
                .needs()
                .target_office,
            Some(someone)
        );
        assert_eq!(CommandKind::Claim.needs(), Needs::default());
    }

    #[test]
    fn answers_round_trip() {
        let applied = CommandAnswer::Applied {
            command_id: Uuid::nil(),
            case_id: Uuid::nil(),
            version: 4,
            seq: 99,
        };
        let duplicate = CommandAnswer::Duplicate {
            command_id: Uuid::nil(),
            first: Box::new(applied.clone()),
        };
        let text = serde_json::to_string(&duplicate).unwrap();
        assert_eq!(
            serde_json::from_str::<CommandAnswer>(&text).unwrap(),
            duplicate
        );
    }
}
