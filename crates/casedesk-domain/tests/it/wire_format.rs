//! Snapshots of every wire shape a client parses: commands, answers, the case
//! aggregate with its history, bootstrap markers, change pages and errors.

use casedesk_domain::CaseAggregate;
use casedesk_domain::aggregate::{
    Applicant, Consents, DocumentMeta, NewCase, Priority, RequestedItem, Verdict,
};
use casedesk_domain::command::{Command, CommandAnswer, CommandKind, Rejection, RejectionCode};
use casedesk_domain::deadline::Period;
use casedesk_domain::delivery::DeliveryChannel;
use casedesk_domain::event::EventKind;
use casedesk_domain::lifecycle::{ActorRef, CaseStatus, Outcome, Role};
use casedesk_domain::wire::{BootstrapMarker, ChangesPage, ErrorBody, FieldError, Tombstone};
use chrono::{NaiveDate, TimeZone, Utc};
use uuid::Uuid;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0000 + n)
}

fn case() -> CaseAggregate {
    let at = |h: u32| Utc.with_ymd_and_hms(2026, 11, 2, h, 15, 0).unwrap();
    let citizen = ActorRef::Citizen {
        citizen_id: id(100),
        name: "Jörg Weiß".into(),
    };
    let anna = ActorRef::Staff {
        user_id: id(1),
        role: Role::Caseworker,
        name: "Anna Becker".into(),
    };
    let (mut case, _) = CaseAggregate::submit(
        NewCase {
            id: id(42),
            aktenzeichen: "32-HU-2026-000123".into(),
            office_id: id(7),
            service_id: "HU".into(),
            received_at: at(8),
            processing_period: Period::Days(14),
            applicant: Applicant {
                citizen_id: id(100),
                given_name: "Jörg".into(),
                family_name: "Weiß".into(),
                street: "Marktstraße 5".into(),
                postal_code: "32423".into(),
                city: "Minden".into(),
                email: "joerg.weiss@example.org".into(),
                phone: None,
            },
            consents: Consents {
                portal_delivery: true,
            },
            form_data: serde_json::json!({"dog_name": "Bello", "listed_breed": false})
                .as_object()
                .unwrap()
                .clone(),
            documents: vec![DocumentMeta {
                id: id(500),
                sha256: "5f".repeat(32),
                file_name: "Versicherung.pdf".into(),
                media_type: "application/pdf".into(),
                size: 48_213,
                kind: Some("insurance".into()),
                uploaded_at: at(8),
                from_citizen: true,
                review: None,
            }],
            fee: None,
        },
        &citizen,
        11,
    );
    case.record(
        vec![
            EventKind::Claimed,
            EventKind::StatusChanged {
                from: CaseStatus::Submitted,
                to: CaseStatus::InReview,
                reason: None,
            },
        ],
        &anna,
        Some(id(900)),
        at(9),
        12,
    );
    case.record(
        vec![
            EventKind::DocumentReviewed {
                document_id: id(500),
                verdict: Verdict::Rejected,
                reason: Some("Die Bestätigung ist abgelaufen".into()),
            },
            EventKind::ItemsRequested {
                request_id: id(600),
                items: vec![RequestedItem {
                    kind: Some("insurance".into()),
                    description: "Aktuelle Versicherungsbestätigung".into(),
                    replaces: None,
                }],
                reason: "Nachweis abgelaufen".into(),
                answer_due: NaiveDate::from_ymd_opt(2026, 11, 16).unwrap(),
                message: "Bitte reichen Sie eine gültige Bestätigung nach.".into(),
                letter_sha256: None,
            },
            EventKind::StatusChanged {
                from: CaseStatus::InReview,
                to: CaseStatus::AwaitingCitizen,
                reason: None,
            },
        ],
        &anna,
        Some(id(901)),
        at(10),
        13,
    );
    case.record(
        vec![EventKind::PriorityChanged {
            priority: Priority::High,
        }],
        &anna,
        Some(id(902)),
        at(11),
        14,
    );
    case
}

#[test]
fn case_aggregate() {
    insta::assert_json_snapshot!(case());
}

#[test]
fn commands() {
    let commands = vec![
        Command {
            command_id: id(1000),
            case_id: id(42),
            base_version: 4,
            kind: CommandKind::Claim,
        },
        Command {
            command_id: id(1001),
            case_id: id(42),
            base_version: 4,
            kind: CommandKind::ReviewDocument {
                document_id: id(500),
                verdict: Verdict::Accepted,
                reason: None,
            },
        },
        Command {
            command_id: id(1002),
            case_id: id(42),
            base_version: 4,
            kind: CommandKind::RecordDecision {
                outcome: Outcome::Partial,
                letter_sha256: Some("ab".repeat(32)),
                fee_cents: 3000,
                reasons: Some("Die Steuerermäßigung steht nur Rettungshunden zu.".into()),
                channel: DeliveryChannel::Portal,
            },
        },
    ];
    insta::assert_json_snapshot!(commands);
}

#[test]
fn command_answers() {
    let applied = CommandAnswer::Applied {
        command_id: id(1000),
        case_id: id(42),
        version: 5,
        seq: 15,
    };
    let answers = vec![
        applied.clone(),
        CommandAnswer::Duplicate {
            command_id: id(1000),
            first: Box::new(applied),
        },
        CommandAnswer::Rejected {
            command_id: id(1001),
            case_id: id(42),
            rejection: Rejection::new(
                RejectionCode::NotAssignee,
                "Der Vorgang ist Bernd Krüger zugewiesen, nicht Ihnen",
            ),
            current: None,
        },
    ];
    insta::assert_json_snapshot!(answers);
}

#[test]
fn sync_envelopes_and_errors() {
    let page: ChangesPage<serde_json::Value> = ChangesPage {
        changes: vec![serde_json::json!({"id": id(42)})],
        tombstones: vec![Tombstone {
            case_id: id(43),
            seq: 20,
        }],
        next_cursor: 21,
        has_more: false,
    };
    let marker = BootstrapMarker {
        bootstrap: "begin".into(),
        seq: 21,
        cases: 1234,
    };
    let error = ErrorBody {
        code: "invalid_form".into(),
        message: "Bitte die markierten Angaben prüfen".into(),
        fields: vec![FieldError {
            field: "doc.insurance".into(),
            message: "„Nachweis der Haftpflichtversicherung“ fehlt".into(),
        }],
    };
    insta::assert_json_snapshot!((page, marker, error));
}
