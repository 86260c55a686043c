//! Unit tests of the aggregate's rules; its fixtures (actors, a new case, `run`)
//! serve the other modules' tests too.

use super::*;
use crate::command::CommandKind;
use crate::delivery::{DeliveryChannel, DeliveryState};
use crate::lifecycle::Outcome;
use chrono::TimeZone;
use proptest::prelude::*;

pub(crate) fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, 9, 0, 0).unwrap()
}

/// A day of March 2026.
pub(crate) fn d(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, day).unwrap()
}

pub(crate) fn staff(n: u128, role: lifecycle::Role) -> ActorRef {
    ActorRef::Staff {
        user_id: Uuid::from_u128(n),
        role,
        name: format!("Person {n}"),
    }
}

pub(crate) fn anna() -> ActorRef {
    staff(1, lifecycle::Role::Caseworker)
}
pub(crate) fn bernd() -> ActorRef {
    staff(2, lifecycle::Role::Caseworker)
}
pub(crate) fn lead() -> ActorRef {
    staff(9, lifecycle::Role::TeamLead)
}
fn citizen() -> ActorRef {
    ActorRef::Citizen {
        citizen_id: Uuid::from_u128(100),
        name: "Erika Mustermann".into(),
    }
}

pub(crate) fn new_case() -> CaseAggregate {
    let document = DocumentMeta {
        id: Uuid::from_u128(500),
        sha256: "a".repeat(64),
        file_name: "versicherung.pdf".into(),
        media_type: "application/pdf".into(),
        size: 1000,
        kind: Some("insurance".into()),
        uploaded_at: at(2),
        from_citizen: true,
        review: None,
    };
    let (case, _) = CaseAggregate::submit(
        NewCase {
            id: Uuid::from_u128(42),
            aktenzeichen: "32-HU-2026-000001".into(),
            office_id: Uuid::from_u128(7),
            service_id: "HU".into(),
            received_at: at(2),
            processing_period: Period::Days(14),
            applicant: Applicant {
                citizen_id: Uuid::from_u128(100),
                given_name: "Erika".into(),
                family_name: "Mustermann".into(),
                street: "Hauptstraße 1".into(),
                postal_code: "32423".into(),
                city: "Minden".into(),
                email: "erika@example.org".into(),
                phone: None,
            },
            consents: Consents {
                portal_delivery: true,
            },
            form_data: serde_json::Map::new(),
            documents: vec![document],
            fee: None,
        },
        &citizen(),
        1,
    );
    case
}

/// The law of the test service: approval 30 € and rejection 10 € under the GebG
/// NRW, partial approval 20 € under a KAG bylaw; post or portal.
pub(crate) fn law() -> ServiceLaw {
    crate::catalog::tests::law_charging(crate::catalog::FeeRule::Fixed { cents: 3_000 })
}

/// Decides and records like the portal does; returns the events or the rejection.
pub(crate) fn run(
    case: &mut CaseAggregate,
    actor: &ActorRef,
    command: CommandKind,
    base_version: i64,
    now: DateTime<Utc>,
) -> Result<usize, Rejection> {
    let mut ctx = DecideContext::at(now);
    ctx.law = Some(law());
    ctx.letter_stored = true;
    if let CommandKind::Assign { assignee } = &command {
        ctx.assignee = Some(AssigneeInfo {
            user_id: *assignee,
            name: format!("Person {}", assignee.as_u128()),
        });
    }
    let events = case.decide(actor, &command, base_version, &ctx)?;
    let seq = case.seq + 1;
    Ok(case
        .record(events, actor, Some(Uuid::now_v7()), now, seq)
        .len())
}

#[test]
fn a_new_case_is_submitted_with_a_due_date() {
    let case = new_case();
    assert_eq!(case.status, CaseStatus::Submitted);
    assert_eq!(case.version, 1);
    // 2026-03-02 + 14 days = 2026-03-16, a Monday.
    assert_eq!(case.due_date, NaiveDate::from_ymd_opt(2026, 3, 16).unwrap());
}

#[test]
fn the_main_path_from_claim_to_close() {
    let mut case = new_case();
    run(&mut case, &anna(), CommandKind::Claim, 1, at(3)).unwrap();
    assert_eq!(case.status, CaseStatus::InReview);
    assert_eq!(case.assignee, Some(Uuid::from_u128(1)));
    run(
        &mut case,
        &anna(),
        CommandKind::ReviewDocument {
            document_id: Uuid::from_u128(500),
            verdict: Verdict::Accepted,
            reason: None,
        },
        2,
        at(3),
    )
    .unwrap();
    run(
        &mut case,
        &anna(),
        CommandKind::RecordDecision {
            outcome: Outcome::Approved,
            letter_sha256: None,
            fee_cents: 0,
            reasons: None,
            channel: DeliveryChannel::Post,
        },
        3,
        at(4),
    )
    .unwrap();
    assert_eq!(case.status, CaseStatus::Decided);
    // Nothing is announced before the letter is posted.
    let decision = case.decision.clone().unwrap();
    assert_eq!(decision.delivery.state(), DeliveryState::AwaitingDispatch);
    assert_eq!(decision.delivery.dates, None);
    // Posted on Wednesday 2026-03-04: the fourth day after is Sunday the 8th, which
    // stays (VwVfG); one month later is Wednesday 2026-04-08.
    run(
        &mut case,
        &anna(),
        CommandKind::RecordDispatch {
            notice_id: None,
            channel: DeliveryChannel::Post,
            on: d(4),
        },
        4,
        at(5),
    )
    .unwrap();
    let dates = case.decision.clone().unwrap().delivery.dates.unwrap();
    assert_eq!(dates.announced, d(8));
    assert_eq!(
        dates.remedy_deadline,
        NaiveDate::from_ymd_opt(2026, 4, 8).unwrap()
    );
    assert_eq!(dates.fee_due, None);
    run(
        &mut case,
        &anna(),
        CommandKind::SetStatus {
            status: CaseStatus::Closed,
            reason: None,
        },
        5,
        at(20),
    )
    .unwrap();
    assert_eq!(case.status, CaseStatus::Closed);
    assert_eq!(case.version, 6);
    assert_eq!(case.history.len(), 1 + 2 + 1 + 2 + 1 + 1);
}

#[test]
fn a_reassigned_case_rejects_the_former_assignees_work_but_keeps_notes() {
    let mut case = new_case();
    run(&mut case, &anna(), CommandKind::Claim, 1, at(3)).unwrap();
    // Anna goes offline at version 2; the team lead reassigns to Bernd.
    run(
        &mut case,
        &lead(),
        CommandKind::Assign {
            assignee: Uuid::from_u128(2),
        },
        2,
        at(4),
    )
    .unwrap();
    let rejection = run(
        &mut case,
        &anna(),
        CommandKind::ReviewDocument {
            document_id: Uuid::from_u128(500),
            verdict: Verdict::Accepted,
            reason: None,
        },
        2,
        at(5),
    )
    .unwrap_err();
    assert_eq!(rejection.code, RejectionCode::NotAssignee);
    assert_eq!(
        rejection.message,
        "Der Vorgang ist Person 2 zugewiesen, nicht Ihnen"
    );
    // A note commutes with everything.
    run(
        &mut case,
        &anna(),
        CommandKind::AddNote {
            text: "Unterlagen telefonisch angekündigt".into(),
        },
        2,
        at(5),
    )
    .unwrap();
    assert_eq!(case.notes.len(), 1);
}

#[test]
fn a_second_claim_is_refused_and_the_own_claim_is_a_no_op() {
    let mut case = new_case();
    run(&mut case, &anna(), CommandKind::Claim, 1, at(3)).unwrap();
    assert_eq!(run(&mut case, &anna(), CommandKind::Claim, 1, at(3)), Ok(0));
    let rejection = run(&mut case, &bernd(), CommandKind::Claim, 1, at(3)).unwrap_err();
    assert_eq!(rejection.code, RejectionCode::AlreadyAssigned);
    assert_eq!(case.version, 2);
}

#[test]
fn only_team_leads_assign_and_change_due_dates() {
    let mut case = new_case();
    let rejection = run(
        &mut case,
        &anna(),
        CommandKind::Assign {
            assignee: Uuid::from_u128(2),
        },
        1,
        at(3),
    )
    .unwrap_err();
    assert_eq!(rejection.code, RejectionCode::NotPermitted);
    let rejection = run(
        &mut case,
        &anna(),
        CommandKind::SetDueDate {
            due_date: NaiveDate::from_ymd_opt(2026, 5, 1).unwrap(),
            reason: "Urlaub".into(),
        },
        1,
        at(3),
    )
    .unwrap_err();
    assert_eq!(rejection.code, RejectionCode::NotPermitted);
}

#[test]
fn admins_and_citizens_cannot_send_staff_commands() {
    let mut case = new_case();
    let admin = staff(50, lifecycle::Role::Admin);
    assert_eq!(
        run(&mut case, &admin, CommandKind::Claim, 1, at(3))
            .unwrap_err()
            .code,
        RejectionCode::NotPermitted
    );
    assert_eq!(
        run(&mut case, &citizen(), CommandKind::Claim, 1, at(3))
            .unwrap_err()
            .code,
        RejectionCode::NotPermitted
    );
}

#[test]
fn waiting_for_the_citizen_moves_the_due_date_by_the_paused_days() {
    let mut case = new_case();
    run(&mut case, &anna(), CommandKind::Claim, 1, at(3)).unwrap();
    run(
        &mut case,
        &anna(),
        CommandKind::RequestItems {
            items: vec![RequestedItem {
                kind: Some("insurance".into()),
                description: "Aktuelle Versicherungsbestätigung".into(),
                replaces: None,
            }],
            reason: "Die Bestätigung ist abgelaufen".into(),
            answer_due: NaiveDate::from_ymd_opt(2026, 3, 20).unwrap(),
            message: "Bitte reichen Sie eine aktuelle Bestätigung nach.".into(),
            letter_sha256: None,
        },
        2,
        at(4),
    )
    .unwrap();
    assert_eq!(case.status, CaseStatus::AwaitingCitizen);
    let request_id = case.requests[0].id;
    let new_doc = DocumentMeta {
        id: Uuid::from_u128(501),
        sha256: "b".repeat(64),
        file_name: "neu.pdf".into(),
        media_type: "application/pdf".into(),
        size: 10,
        kind: Some("insurance".into()),
        uploaded_at: at(11),
        from_citizen: true,
        review: None,
    };
    run(
        &mut case,
        &citizen(),
        CommandKind::AnswerRequest {
            request_id,
            documents: vec![new_doc],
            message: Some("Anbei die neue Bestätigung".into()),
            items: Vec::new(),
        },
        3,
        at(11),
    )
    .unwrap();
    assert_eq!(case.status, CaseStatus::InReview);
    assert_eq!(case.documents.len(), 2);
    assert_eq!(case.requests[0].status, RequestStatus::Answered);
    // Paused from the 4th to the 11th: 7 days. 2026-03-16 + 7 = 2026-03-23 (Monday).
    assert_eq!(case.due_date, NaiveDate::from_ymd_opt(2026, 3, 23).unwrap());
}

#[test]
fn a_review_by_someone_else_after_the_base_version_conflicts() {
    let mut case = new_case();
    run(&mut case, &lead(), CommandKind::Claim, 1, at(3)).unwrap();
    run(
        &mut case,
        &lead(),
        CommandKind::ReviewDocument {
            document_id: Uuid::from_u128(500),
            verdict: Verdict::Rejected,
            reason: Some("unleserlich".into()),
        },
        2,
        at(3),
    )
    .unwrap();
    let second_lead = staff(10, lifecycle::Role::TeamLead);
    let rejection = run(
        &mut case,
        &second_lead,
        CommandKind::ReviewDocument {
            document_id: Uuid::from_u128(500),
            verdict: Verdict::Accepted,
            reason: None,
        },
        2,
        at(3),
    )
    .unwrap_err();
    assert_eq!(rejection.code, RejectionCode::ReviewedMeanwhile);
}

#[test]
fn a_rejection_needs_a_reason() {
    let mut case = new_case();
    run(&mut case, &anna(), CommandKind::Claim, 1, at(3)).unwrap();
    let rejection = run(
        &mut case,
        &anna(),
        CommandKind::ReviewDocument {
            document_id: Uuid::from_u128(500),
            verdict: Verdict::Rejected,
            reason: None,
        },
        2,
        at(3),
    )
    .unwrap_err();
    assert_eq!(rejection.code, RejectionCode::Invalid);
}

#[test]
fn withdrawal_by_the_applicant_only_and_only_while_open() {
    let mut case = new_case();
    let stranger = ActorRef::Citizen {
        citizen_id: Uuid::from_u128(101),
        name: "Max".into(),
    };
    assert_eq!(
        run(
            &mut case,
            &stranger,
            CommandKind::Withdraw { reason: None },
            1,
            at(3)
        )
        .unwrap_err()
        .code,
        RejectionCode::NotPermitted
    );
    run(
        &mut case,
        &citizen(),
        CommandKind::Withdraw { reason: None },
        1,
        at(3),
    )
    .unwrap();
    assert_eq!(case.status, CaseStatus::Withdrawn);
    assert_eq!(
        run(&mut case, &anna(), CommandKind::Claim, 2, at(3))
            .unwrap_err()
            .code,
        RejectionCode::InvalidTransition
    );
}

#[test]
fn the_aggregate_survives_json() {
    let mut case = new_case();
    run(&mut case, &anna(), CommandKind::Claim, 1, at(3)).unwrap();
    let text = serde_json::to_string(&case).unwrap();
    assert_eq!(serde_json::from_str::<CaseAggregate>(&text).unwrap(), case);
}

fn any_command() -> impl Strategy<Value = (u8, CommandKind)> {
    let review = (any::<bool>()).prop_map(|accept| CommandKind::ReviewDocument {
        document_id: Uuid::from_u128(500),
        verdict: if accept {
            Verdict::Accepted
        } else {
            Verdict::Rejected
        },
        reason: (!accept).then(|| "unvollständig".to_owned()),
    });
    let kinds = prop_oneof![
        Just(CommandKind::Claim),
        Just(CommandKind::Release),
        Just(CommandKind::Assign {
            assignee: Uuid::from_u128(2)
        }),
        Just(CommandKind::AddNote {
            text: "Notiz".into()
        }),
        review,
        Just(CommandKind::RequestItems {
            items: vec![RequestedItem {
                kind: None,
                description: "Nachweis".into(),
                replaces: None,
            }],
            reason: "fehlt".into(),
            answer_due: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            message: "Bitte nachreichen".into(),
            letter_sha256: None,
        }),
        Just(CommandKind::SetStatus {
            status: CaseStatus::InReview,
            reason: None
        }),
        Just(CommandKind::SetStatus {
            status: CaseStatus::Closed,
            reason: None
        }),
        Just(CommandKind::RecordDecision {
            outcome: Outcome::Partial,
            letter_sha256: None,
            fee_cents: 1000,
            reasons: Some("Nur teilweise".into()),
            channel: DeliveryChannel::Post,
        }),
        Just(CommandKind::RecordDispatch {
            notice_id: None,
            channel: DeliveryChannel::Post,
            on: NaiveDate::from_ymd_opt(2026, 3, 10).unwrap(),
        }),
        Just(CommandKind::Withdraw { reason: None }),
    ];
    (0u8..4, kinds)
}

proptest! {
    /// Whatever anyone sends in whatever order, the case stays consistent: versions
    /// count applied commands, history only grows, final states stay final, a closed
    /// or withdrawn case has no assignee and no open pause.
    #[test]
    fn random_command_sequences_keep_the_invariants(commands in prop::collection::vec(any_command(), 0..40)) {
        let mut case = new_case();
        let actors = [anna(), bernd(), lead(), citizen()];
        let mut applied_versions = 1;
        for (day, (who, command)) in commands.into_iter().enumerate() {
            let before = case.clone();
            let now = at(3) + chrono::Duration::days(day as i64);
            match run(&mut case, &actors[who as usize], command, before.version, now) {
                Ok(0) => prop_assert_eq!(&case, &before),
                Ok(_) => {
                    applied_versions += 1;
                    prop_assert_eq!(case.version, applied_versions);
                    prop_assert!(case.history.len() > before.history.len());
                    if !before.status.is_open() && before.status != CaseStatus::Decided {
                        prop_assert_eq!(case.status, before.status);
                    }
                }
                Err(_) => prop_assert_eq!(&case, &before),
            }
            if matches!(case.status, CaseStatus::Closed | CaseStatus::Withdrawn) {
                prop_assert!(case.assignee.is_none());
                prop_assert!(case.pauses.iter().all(|p| p.to.is_some()));
            }
            prop_assert_eq!(case.status == CaseStatus::AwaitingCitizen, case.pauses.iter().any(|p| p.to.is_none()));
        }
    }
}
