//! The command path's rules, decided in memory.

use casedesk_domain::aggregate::{Applicant, Consents, NewCase, NoticeKind};
use casedesk_domain::command::CommandKind;
use casedesk_domain::deadline::Period;
use casedesk_domain::lifecycle::{ActorRef, CaseStatus, Outcome, Role};
use casedesk_domain::wire::OfficeInfo;
use chrono::TimeZone;

use super::*;
use crate::{Citizen, StaffUser};

const OFFICE: Uuid = Uuid::from_u128(7);
const OTHER_OFFICE: Uuid = Uuid::from_u128(8);
const CITIZEN: Uuid = Uuid::from_u128(100);

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 4, 9, 0, 0).unwrap()
}

fn office(id: Uuid) -> OfficeInfo {
    OfficeInfo {
        id,
        code: format!("{}", 30 + id.as_u128()),
        name: format!("Amt {}", id.as_u128()),
    }
}

fn staff(n: u128, role: Role, offices: &[Uuid]) -> Principal {
    Principal::Staff(StaffUser {
        id: Uuid::from_u128(n),
        name: format!("user{n}"),
        display_name: format!("Person {n}"),
        role,
        offices: offices.iter().map(|id| office(*id)).collect(),
    })
}

fn anna() -> Principal {
    staff(1, Role::Caseworker, &[OFFICE])
}

fn citizen(id: Uuid) -> Principal {
    Principal::Citizen(Citizen {
        id,
        email: "erika@example.org".into(),
        given_name: "Erika".into(),
        family_name: "Mustermann".into(),
        street: "Hauptstraße 1".into(),
        postal_code: "32423".into(),
        city: "Minden".into(),
        phone: None,
    })
}

fn case(n: u128, office_id: Uuid, seq: i64) -> CaseAggregate {
    let actor = ActorRef::Citizen {
        citizen_id: CITIZEN,
        name: "Erika Mustermann".into(),
    };
    CaseAggregate::submit(
        NewCase {
            id: Uuid::from_u128(n),
            aktenzeichen: format!("32-HU-2026-{n:06}"),
            office_id,
            service_id: "HU".into(),
            received_at: now(),
            processing_period: Period::Days(14),
            applicant: Applicant {
                citizen_id: CITIZEN,
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
            documents: Vec::new(),
            fee: None,
        },
        &actor,
        seq,
    )
    .0
}

fn cases(list: Vec<CaseAggregate>) -> HashMap<Uuid, CaseAggregate> {
    list.into_iter().map(|case| (case.id, case)).collect()
}

fn command(n: u128, case_id: Uuid, base_version: i64, kind: CommandKind) -> Command {
    Command {
        command_id: Uuid::from_u128(1000 + n),
        case_id,
        base_version,
        kind,
    }
}

fn note(n: u128, case_id: Uuid) -> Command {
    command(
        n,
        case_id,
        1,
        CommandKind::AddNote {
            text: format!("Notiz {n}"),
        },
    )
}

fn decide(
    principal: &Principal,
    commands: &[Command],
    stored: StoredAnswers,
    cases: &mut HashMap<Uuid, CaseAggregate>,
    facts: &GroupFacts,
) -> GroupOutcome {
    decide_group(principal, commands, stored, cases, facts, now(), 40)
}

#[test]
fn each_change_takes_the_next_position_and_a_case_changed_twice_is_written_once() {
    let id = Uuid::from_u128(1);
    let mut cases = cases(vec![case(1, OFFICE, 3), case(2, OFFICE, 4)]);
    let commands = [
        command(1, id, 1, CommandKind::Claim),
        note(2, Uuid::from_u128(2)),
        note(3, id),
    ];
    let outcome = decide(
        &anna(),
        &commands,
        StoredAnswers::new(),
        &mut cases,
        &GroupFacts::default(),
    );
    let seqs: Vec<i64> = outcome
        .answers
        .iter()
        .map(|answer| match answer {
            CommandAnswer::Applied { seq, .. } => *seq,
            other => panic!("not applied: {other:?}"),
        })
        .collect();
    assert_eq!(seqs, [41, 42, 43]);
    assert_eq!(outcome.last_seq, 43);
    assert_eq!(outcome.changed, [id, Uuid::from_u128(2)]);
    assert_eq!(cases[&id].status, CaseStatus::InReview);
    assert_eq!(cases[&id].seq, 43);
    assert_eq!(outcome.to_store.len(), 3);
    // One event row per recorded event, with the case it belongs to.
    assert!(
        outcome
            .mirror
            .events
            .iter()
            .all(|(case, _, _)| { *case == id || *case == Uuid::from_u128(2) })
    );
    // Every entry the changes added to the cases (each began with one).
    let added: usize = cases.values().map(|case| case.history.len() - 1).sum();
    assert_eq!(outcome.mirror.events.len(), added);
}

#[test]
fn a_rejection_changes_nothing_and_its_neighbours_stand() {
    let id = Uuid::from_u128(1);
    let mut cases = cases(vec![case(1, OFFICE, 3)]);
    let commands = [
        note(1, id),
        // Releasing a case nobody claimed is refused.
        command(2, id, 1, CommandKind::Release),
        note(3, id),
    ];
    let outcome = decide(
        &anna(),
        &commands,
        StoredAnswers::new(),
        &mut cases,
        &GroupFacts::default(),
    );
    assert!(matches!(
        outcome.answers[0],
        CommandAnswer::Applied { seq: 41, .. }
    ));
    let CommandAnswer::Rejected { current, .. } = &outcome.answers[1] else {
        panic!("{:?}", outcome.answers[1]);
    };
    // The sender sees the case as it is after the first note.
    assert_eq!(current.as_ref().unwrap().seq, 41);
    assert!(matches!(
        outcome.answers[2],
        CommandAnswer::Applied { seq: 42, .. }
    ));
    // Stored without the case.
    assert!(matches!(
        &outcome.to_store[1].0,
        CommandAnswer::Rejected { current: None, .. }
    ));
    assert_eq!(outcome.last_seq, 42);
}

#[test]
fn a_repeat_answers_as_duplicate_within_the_group_and_across_groups() {
    let id = Uuid::from_u128(1);
    let mut cases = cases(vec![case(1, OFFICE, 3)]);
    let first = note(1, id);
    let outcome = decide(
        &anna(),
        &[first.clone(), first.clone()],
        StoredAnswers::new(),
        &mut cases,
        &GroupFacts::default(),
    );
    let CommandAnswer::Duplicate { first: answer, .. } = &outcome.answers[1] else {
        panic!("{:?}", outcome.answers[1]);
    };
    assert_eq!(**answer, outcome.answers[0]);
    // Only the first is stored, and only one change happened.
    assert_eq!(outcome.to_store.len(), 1);
    assert_eq!(outcome.last_seq, 41);

    let stored: StoredAnswers = [(first.command_id, (anna().key(), outcome.answers[0].clone()))]
        .into_iter()
        .collect();
    let again = decide(
        &anna(),
        &[first],
        stored,
        &mut cases,
        &GroupFacts::default(),
    );
    assert!(matches!(again.answers[0], CommandAnswer::Duplicate { .. }));
    assert!(again.to_store.is_empty());
    assert!(again.changed.is_empty());
    assert_eq!(again.last_seq, 40);
}

#[test]
fn a_repeated_rejection_carries_the_case_as_it_is_now() {
    let id = Uuid::from_u128(1);
    let release = command(1, id, 1, CommandKind::Release);
    let rejected = CommandAnswer::Rejected {
        command_id: release.command_id,
        case_id: id,
        rejection: Rejection::new(RejectionCode::NotPermitted, "nein"),
        current: None,
    };
    let stored: StoredAnswers = [(release.command_id, (anna().key(), rejected))]
        .into_iter()
        .collect();
    assert_eq!(cases_to_load(std::slice::from_ref(&release), &stored), [id]);
    let mut cases = cases(vec![case(1, OFFICE, 17)]);
    let outcome = decide(
        &anna(),
        &[release],
        stored,
        &mut cases,
        &GroupFacts::default(),
    );
    let CommandAnswer::Duplicate { first, .. } = &outcome.answers[0] else {
        panic!("{:?}", outcome.answers[0]);
    };
    let CommandAnswer::Rejected { current, .. } = first.as_ref() else {
        panic!("{first:?}");
    };
    assert_eq!(current.as_ref().unwrap().seq, 17);
}

#[test]
fn a_command_id_of_someone_else_is_refused_without_their_answer() {
    let id = Uuid::from_u128(1);
    let first = note(1, id);
    let applied = CommandAnswer::Applied {
        command_id: first.command_id,
        case_id: id,
        version: 2,
        seq: 9,
    };
    let stored: StoredAnswers = [(first.command_id, (anna().key(), applied))]
        .into_iter()
        .collect();
    let bernd = staff(2, Role::Caseworker, &[OFFICE]);
    let mut cases = cases(vec![case(1, OFFICE, 3)]);
    let outcome = decide(&bernd, &[first], stored, &mut cases, &GroupFacts::default());
    let CommandAnswer::Rejected {
        rejection, current, ..
    } = &outcome.answers[0]
    else {
        panic!("{:?}", outcome.answers[0]);
    };
    assert_eq!(rejection.code, RejectionCode::Invalid);
    assert!(current.is_none());
    assert!(outcome.to_store.is_empty());
}

#[test]
fn a_case_out_of_sight_is_refused_like_a_missing_one() {
    let hidden = Uuid::from_u128(1);
    let missing = Uuid::from_u128(2);
    let mut cases = cases(vec![case(1, OTHER_OFFICE, 3)]);
    let outcome = decide(
        &anna(),
        &[note(1, hidden), note(2, missing)],
        StoredAnswers::new(),
        &mut cases,
        &GroupFacts::default(),
    );
    for answer in &outcome.answers {
        let CommandAnswer::Rejected {
            rejection, current, ..
        } = answer
        else {
            panic!("{answer:?}");
        };
        assert_eq!(rejection.code, RejectionCode::UnknownCase);
        assert!(current.is_none());
    }
    // A citizen sees only their own cases.
    let stranger = citizen(Uuid::from_u128(101));
    let outcome = decide(
        &stranger,
        &[command(
            3,
            hidden,
            1,
            CommandKind::CitizenMessage {
                text: "Hallo".into(),
            },
        )],
        StoredAnswers::new(),
        &mut cases,
        &GroupFacts::default(),
    );
    assert!(matches!(outcome.answers[0], CommandAnswer::Rejected { .. }));
    assert!(may_see(&citizen(CITIZEN), &cases[&hidden]));
}

#[test]
fn an_assignee_must_belong_to_the_office_the_case_is_in_at_that_point() {
    let id = Uuid::from_u128(1);
    let lead = staff(9, Role::TeamLead, &[OFFICE, OTHER_OFFICE]);
    let bernd = Uuid::from_u128(2);
    let facts = GroupFacts {
        assignable: [(bernd, ("Bernd".to_owned(), vec![OTHER_OFFICE]))]
            .into_iter()
            .collect(),
        ..GroupFacts::default()
    };
    let assign = |n| command(n, id, 0, CommandKind::Assign { assignee: bernd });
    let mut cases = cases(vec![case(1, OFFICE, 3)]);
    // Bernd is not staff of the case's office: refused.
    let outcome = decide(
        &lead,
        &[assign(1)],
        StoredAnswers::new(),
        &mut cases,
        &facts,
    );
    assert!(matches!(outcome.answers[0], CommandAnswer::Rejected { .. }));
    // After a transfer to his office in the same group, the assignment applies.
    let transfer = command(
        2,
        id,
        0,
        CommandKind::TransferOffice {
            office_id: OTHER_OFFICE,
        },
    );
    let outcome = decide(
        &lead,
        &[transfer, assign(3)],
        StoredAnswers::new(),
        &mut cases,
        &facts,
    );
    assert!(
        outcome
            .answers
            .iter()
            .all(|answer| matches!(answer, CommandAnswer::Applied { .. })),
        "{:?}",
        outcome.answers
    );
    assert_eq!(cases[&id].assignee, Some(bernd));
    assert_eq!(outcome.mirror.scope_exits, [(41, id, OFFICE)]);
}

#[test]
fn the_facts_wanted_are_the_assignees_and_letters_named() {
    let id = Uuid::from_u128(1);
    let commands = [
        command(
            1,
            id,
            0,
            CommandKind::Assign {
                assignee: Uuid::from_u128(3),
            },
        ),
        command(
            2,
            id,
            0,
            CommandKind::Assign {
                assignee: Uuid::from_u128(3),
            },
        ),
        command(
            3,
            id,
            0,
            CommandKind::RecordDecision {
                outcome: Outcome::Approved,
                letter_sha256: Some("b".repeat(64)),
                fee_cents: 0,
                reasons: None,
                channel: DeliveryChannel::Post,
            },
        ),
        note(4, id),
        command(
            5,
            Uuid::from_u128(2),
            0,
            CommandKind::IssueNotice {
                kind: NoticeKind::Fee,
                letter_sha256: Some("c".repeat(64)),
                amount_cents: 1_000,
                channel: DeliveryChannel::Post,
            },
        ),
        command(6, Uuid::from_u128(3), 0, CommandKind::Claim),
    ];
    let (assignees, letters) = GroupFacts::wanted(&commands);
    assert_eq!(assignees, [Uuid::from_u128(3)]);
    assert_eq!(letters, ["b".repeat(64), "c".repeat(64)]);
    // The law is wanted for the services of the cases that are decided or get a
    // notice, once each; not for a case that is only claimed.
    let mut second = case(2, OFFICE, 4);
    second.service_id = "BP".into();
    let mut third = case(3, OFFICE, 5);
    third.service_id = "SN".into();
    let cases = cases(vec![case(1, OFFICE, 3), second, third]);
    assert_eq!(GroupFacts::services_wanted(&commands, &cases), ["BP", "HU"]);
}

/// A service law with the outcomes approved (30 € under the GebG NRW) and rejected
/// (free), delivered by post or portal.
fn law() -> ServiceLaw {
    serde_json::from_value(serde_json::json!({
        "matter": "Antrag", "matter_genus": "masculine", "basis": "§ 1 Beispielgesetz", "remedy": "klage",
        "procedure": "verwaltungsverfahren", "delivery": "post_or_portal",
        "unanswered_request": {"type": "decide_on_record"}, "answer_period": "2w",
        "outcomes": [
            {"outcome": "approved", "fee": {"regime": "gebg_nrw", "title": "Verwaltungsgebühr",
             "basis": "Tarifstelle 1", "rule": {"type": "fixed", "cents": 3000}}},
            {"outcome": "rejected"}
        ]
    }))
    .unwrap()
}

/// Claims case 1 and decides it approved on `channel` with the facts given.
fn claimed_and_decided(
    facts: &GroupFacts,
    channel: DeliveryChannel,
) -> (CaseAggregate, GroupOutcome) {
    let id = Uuid::from_u128(1);
    let mut cases = cases(vec![case(1, OFFICE, 3)]);
    let decision = CommandKind::RecordDecision {
        outcome: Outcome::Approved,
        letter_sha256: Some("b".repeat(64)),
        fee_cents: 3_000,
        reasons: None,
        channel,
    };
    let outcome = decide(
        &anna(),
        &[
            command(1, id, 1, CommandKind::Claim),
            command(2, id, 2, decision),
        ],
        StoredAnswers::new(),
        &mut cases,
        facts,
    );
    (cases.remove(&id).unwrap(), outcome)
}

#[test]
fn a_decision_is_judged_by_its_services_law_and_the_tenants_fee_period() {
    let stored_letter = |facts: GroupFacts| GroupFacts {
        stored_letters: ["b".repeat(64)].into_iter().collect(),
        ..facts
    };
    // Without the law of the case's service nothing is decided.
    let (case, outcome) =
        claimed_and_decided(&stored_letter(GroupFacts::default()), DeliveryChannel::Post);
    assert!(
        matches!(&outcome.answers[1], CommandAnswer::Rejected { rejection, .. }
            if rejection.message.contains("keine Rechtsgrundlagen")),
        "{:?}",
        outcome.answers[1]
    );
    assert!(case.decision.is_none());

    let facts = stored_letter(GroupFacts {
        laws: [("HU".to_owned(), law())].into_iter().collect(),
        fee_due_after: Period::Weeks(3),
        ..GroupFacts::default()
    });
    let (case, outcome) = claimed_and_decided(&facts, DeliveryChannel::Portal);
    assert!(
        matches!(outcome.answers[1], CommandAnswer::Applied { .. }),
        "{:?}",
        outcome.answers[1]
    );
    let delivery = &case.decision.as_ref().unwrap().delivery;
    assert_eq!(delivery.fee_due_after, Some(Period::Weeks(3)));
    // The decision set the fee: its payment row is written with the decision.
    assert_eq!(outcome.mirror.decisions.len(), 1);
    assert_eq!(outcome.mirror.payments.len(), 1);
    assert_eq!(outcome.mirror.payments[0].1.amount_cents, 3_000);
    // Notified on Wednesday 04.03.2026: retrievable up to and including 14.03.
    assert_eq!(
        retrieval_open_until(&case),
        NaiveDate::from_ymd_opt(2026, 3, 14)
    );
}

#[test]
fn a_pending_retrieval_ends_with_the_retrieval_and_posted_letters_have_none() {
    let facts = GroupFacts {
        stored_letters: ["b".repeat(64)].into_iter().collect(),
        laws: [("HU".to_owned(), law())].into_iter().collect(),
        ..GroupFacts::default()
    };
    let (posted, _) = claimed_and_decided(&facts, DeliveryChannel::Post);
    assert_eq!(retrieval_open_until(&posted), None);

    let (case, _) = claimed_and_decided(&facts, DeliveryChannel::Portal);
    assert!(retrieval_open_until(&case).is_some());
    let mut cases = cases(vec![case]);
    let id = Uuid::from_u128(1);
    let retrieval = command(3, id, 3, CommandKind::RecordRetrieval { notice_id: None });
    let outcome = decide(
        &citizen(CITIZEN),
        &[retrieval],
        StoredAnswers::new(),
        &mut cases,
        &GroupFacts::default(),
    );
    assert!(
        matches!(outcome.answers[0], CommandAnswer::Applied { .. }),
        "{:?}",
        outcome.answers[0]
    );
    assert_eq!(retrieval_open_until(&cases[&id]), None);
}
