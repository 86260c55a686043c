//! Tests of requests to the citizen: answers per item, partial answers that keep the
//! case waiting, accepting a partial answer, extending and withdrawing a request,
//! resuming a waiting case (which closes its request with a reason), and answers
//! stored before partial answers existed.

use super::tests::{anna, at, d, new_case, run};
use super::*;
use crate::command::CommandKind;
use chrono::TimeZone;

fn citizen() -> ActorRef {
    ActorRef::Citizen {
        citizen_id: Uuid::from_u128(100),
        name: "Erika Mustermann".into(),
    }
}

fn item(kind: Option<&str>, description: &str) -> RequestedItem {
    RequestedItem {
        kind: kind.map(str::to_owned),
        description: description.into(),
        replaces: None,
    }
}

fn document(n: u128, kind: Option<&str>) -> DocumentMeta {
    DocumentMeta {
        id: Uuid::from_u128(n),
        sha256: format!("{n:064x}"),
        file_name: format!("scan-{n}.pdf"),
        media_type: "application/pdf".into(),
        size: 1000,
        kind: kind.map(str::to_owned),
        uploaded_at: at(5),
        from_citizen: true,
        review: None,
    }
}

/// A case claimed by Anna that waits for two items: an insurance certificate and a
/// photo of the dog.
fn waiting_for_two_items() -> (CaseAggregate, Uuid) {
    let mut case = new_case();
    run(&mut case, &anna(), CommandKind::Claim, 1, at(3)).unwrap();
    let request = CommandKind::RequestItems {
        items: vec![
            item(Some("insurance"), "Gültiger Versicherungsnachweis"),
            item(None, "Ein Foto des Hundes"),
        ],
        reason: "Der Nachweis ist abgelaufen; das Foto fehlt.".into(),
        answer_due: d(18),
        message: "Bitte reichen Sie beides bis zum 18.03.2026 nach.".into(),
        letter_sha256: None,
    };
    let version = case.version;
    run(&mut case, &anna(), request, version, at(4)).unwrap();
    let id = case.requests[0].id;
    (case, id)
}

fn answer(
    case: &mut CaseAggregate,
    request_id: Uuid,
    documents: Vec<DocumentMeta>,
    items: Vec<ItemAnswer>,
    day: u32,
) -> Result<usize, Rejection> {
    let version = case.version;
    let command = CommandKind::AnswerRequest {
        request_id,
        documents,
        message: None,
        items,
    };
    run(case, &citizen(), command, version, at(day))
}

fn staff_does(
    case: &mut CaseAggregate,
    command: CommandKind,
    day: u32,
) -> Result<usize, Rejection> {
    let version = case.version;
    run(case, &anna(), command, version, at(day))
}

#[test]
fn a_partial_answer_keeps_the_case_waiting_until_every_item_is_answered() {
    let (mut case, id) = waiting_for_two_items();
    // The insurance certificate arrives by its kind; the photo is still missing.
    answer(
        &mut case,
        id,
        vec![document(600, Some("insurance"))],
        vec![],
        5,
    )
    .unwrap();
    let request = &case.requests[0];
    assert_eq!(case.status, CaseStatus::AwaitingCitizen);
    assert_eq!(request.status, RequestStatus::Open);
    assert!(request.partly_answered());
    assert_eq!(
        request.documents_for(0).collect::<Vec<_>>(),
        [&Uuid::from_u128(600)]
    );
    assert_eq!(request.documents_for(1).count(), 0);
    // The photo, named by its item; its document takes no kind from an item without one.
    let photo = ItemAnswer {
        item: 1,
        document_ids: vec![Uuid::from_u128(601)],
    };
    answer(&mut case, id, vec![document(601, None)], vec![photo], 6).unwrap();
    let request = &case.requests[0];
    assert_eq!(request.status, RequestStatus::Answered);
    assert_eq!(request.answered_at, Some(at(6)));
    assert_eq!(case.status, CaseStatus::InReview);
    assert_eq!(case.documents.len(), 3);
}

#[test]
fn a_document_named_for_an_item_takes_the_items_kind() {
    let (mut case, id) = waiting_for_two_items();
    let named = ItemAnswer {
        item: 0,
        document_ids: vec![Uuid::from_u128(600)],
    };
    answer(&mut case, id, vec![document(600, None)], vec![named], 5).unwrap();
    let added = case.documents.iter().find(|d| d.id == Uuid::from_u128(600));
    assert_eq!(added.unwrap().kind.as_deref(), Some("insurance"));
}

#[test]
fn answers_naming_items_or_documents_that_do_not_exist_are_refused() {
    let (mut case, id) = waiting_for_two_items();
    let no_such_item = ItemAnswer {
        item: 2,
        document_ids: vec![Uuid::from_u128(600)],
    };
    let refused = answer(
        &mut case,
        id,
        vec![document(600, None)],
        vec![no_such_item],
        5,
    );
    assert!(refused.unwrap_err().message.contains("Punkt 3"));
    let no_such_document = ItemAnswer {
        item: 0,
        document_ids: vec![Uuid::from_u128(999)],
    };
    let refused = answer(
        &mut case,
        id,
        vec![document(600, None)],
        vec![no_such_document],
        5,
    );
    assert!(refused.is_err());
    let twice = vec![
        ItemAnswer {
            item: 0,
            document_ids: vec![Uuid::from_u128(600)],
        },
        ItemAnswer {
            item: 1,
            document_ids: vec![Uuid::from_u128(600)],
        },
    ];
    assert!(answer(&mut case, id, vec![document(600, None)], twice, 5).is_err());
    assert!(answer(&mut case, id, vec![], vec![], 5).is_err());
    assert_eq!(case.requests[0].last_answer_at, None);
}

#[test]
fn the_caseworker_may_accept_a_partial_answer_but_not_an_unanswered_request() {
    let (mut case, id) = waiting_for_two_items();
    let accept = CommandKind::AcceptAnswer { request_id: id };
    assert!(staff_does(&mut case, accept.clone(), 5).is_err());
    let offered = case.offered_actions(&anna(), at(5));
    assert!(!offered.request_moves[0].accept && offered.request_moves[0].withdraw);
    answer(
        &mut case,
        id,
        vec![document(600, Some("insurance"))],
        vec![],
        5,
    )
    .unwrap();
    assert!(case.offered_actions(&anna(), at(5)).request_moves[0].accept);
    staff_does(&mut case, accept, 6).unwrap();
    assert_eq!(case.requests[0].status, RequestStatus::Answered);
    assert_eq!(case.status, CaseStatus::InReview);
}

#[test]
fn an_extended_request_shows_its_new_date_and_an_expired_one_opens_again() {
    let (mut case, id) = waiting_for_two_items();
    // Saturday 28.03.2026 is refused; Monday 30.03. is the new deadline.
    let extend = |answer_due| CommandKind::ExtendRequest {
        request_id: id,
        answer_due,
    };
    assert!(staff_does(&mut case, extend(d(28)), 5).is_err());
    staff_does(&mut case, extend(d(30)), 5).unwrap();
    assert_eq!(case.requests[0].answer_due, d(30));
    assert_eq!(case.status, CaseStatus::AwaitingCitizen);
    // The deadline passes; the system expires it; the caseworker reopens it.
    let expire = CommandKind::ExpireRequest { request_id: id };
    let version = case.version;
    let system = ActorRef::System;
    let april = |day| Utc.with_ymd_and_hms(2026, 4, day, 9, 0, 0).unwrap();
    run(&mut case, &system, expire, version, april(1)).unwrap();
    assert_eq!(case.requests[0].status, RequestStatus::Expired);
    assert_eq!(case.status, CaseStatus::InReview);
    let moves = case.offered_actions(&anna(), april(1)).request_moves;
    assert!(moves[0].extend && !moves[0].withdraw && !moves[0].accept);
    let version = case.version;
    let reopen = CommandKind::ExtendRequest {
        request_id: id,
        answer_due: NaiveDate::from_ymd_opt(2026, 4, 15).unwrap(),
    };
    run(&mut case, &anna(), reopen, version, april(1)).unwrap();
    assert_eq!(case.requests[0].status, RequestStatus::Open);
    assert_eq!(case.status, CaseStatus::AwaitingCitizen);
}

#[test]
fn a_withdrawn_request_tells_the_citizen_why_and_ends_the_wait() {
    let (mut case, id) = waiting_for_two_items();
    let withdraw = |reason: &str| CommandKind::WithdrawRequest {
        request_id: id,
        reason: reason.into(),
    };
    assert!(staff_does(&mut case, withdraw("  "), 5).is_err());
    staff_does(
        &mut case,
        withdraw("Der Nachweis liegt uns inzwischen vor."),
        5,
    )
    .unwrap();
    let request = &case.requests[0];
    assert_eq!(request.status, RequestStatus::Withdrawn);
    assert_eq!(
        request.closed_reason.as_deref(),
        Some("Der Nachweis liegt uns inzwischen vor.")
    );
    assert_eq!(case.status, CaseStatus::InReview);
    // Nobody answers a withdrawn request.
    assert!(answer(&mut case, id, vec![document(600, None)], vec![], 6).is_err());
}

#[test]
fn resuming_a_waiting_case_closes_its_request_with_the_reason() {
    let (mut case, id) = waiting_for_two_items();
    let resume = |reason: Option<&str>| CommandKind::SetStatus {
        status: CaseStatus::InReview,
        reason: reason.map(str::to_owned),
    };
    let refused = staff_does(&mut case, resume(None), 5).unwrap_err();
    assert!(refused.message.contains("begründen"), "{refused:?}");
    staff_does(
        &mut case,
        resume(Some("Wir entscheiden nach Aktenlage.")),
        5,
    )
    .unwrap();
    assert_eq!(case.status, CaseStatus::InReview);
    let request = case.requests.iter().find(|r| r.id == id).unwrap();
    assert_eq!(request.status, RequestStatus::Withdrawn);
    assert_eq!(
        request.closed_reason.as_deref(),
        Some("Wir entscheiden nach Aktenlage.")
    );
}

#[test]
fn answers_stored_before_partial_answers_existed_still_complete_their_request() {
    let (mut case, id) = waiting_for_two_items();
    let old = serde_json::json!({
        "type": "request_answered",
        "request_id": id,
        "document_ids": [],
        "message": "Anbei alles."
    });
    let event: crate::event::EventKind = serde_json::from_value(old).unwrap();
    let version = case.version;
    case.record(vec![event], &citizen(), None, at(6), version + 1);
    assert_eq!(case.requests[0].status, RequestStatus::Answered);
    assert_eq!(case.messages.last().unwrap().text, "Anbei alles.");
}

#[test]
fn the_items_offered_are_missing_documents_and_rejected_ones_not_asked_for_yet() {
    let service = crate::catalog::tests::dog_registration();
    let mut case = new_case();
    run(&mut case, &anna(), CommandKind::Claim, 1, at(3)).unwrap();
    // The insurance certificate is there, the competence proof not required.
    assert!(case.request_candidates(&service).is_empty());
    let reject = CommandKind::ReviewDocument {
        document_id: Uuid::from_u128(500),
        verdict: Verdict::Rejected,
        reason: Some("abgelaufen".into()),
    };
    let version = case.version;
    run(&mut case, &anna(), reject, version, at(4)).unwrap();
    let offered = case.request_candidates(&service);
    assert_eq!(
        offered,
        vec![RequestedItem {
            kind: Some("insurance".into()),
            description: "Haftpflichtversicherung – erneut einreichen: abgelaufen".into(),
            replaces: Some(Uuid::from_u128(500)),
        }]
    );
    let request = CommandKind::RequestItems {
        items: offered,
        reason: "Der Nachweis ist abgelaufen.".into(),
        answer_due: d(18),
        message: "Bitte reichen Sie einen gültigen Nachweis nach.".into(),
        letter_sha256: None,
    };
    let version = case.version;
    run(&mut case, &anna(), request, version, at(4)).unwrap();
    assert!(case.request_candidates(&service).is_empty());
}

#[test]
fn each_partial_answer_keeps_its_own_message() {
    let (mut case, id) = waiting_for_two_items();
    for (day, text) in [(5, "Der Nachweis anbei."), (6, "Und das Foto.")] {
        let version = case.version;
        let command = CommandKind::AnswerRequest {
            request_id: id,
            documents: vec![document(600 + u128::from(day), None)],
            message: Some(text.into()),
            items: vec![ItemAnswer {
                item: day - 5,
                document_ids: vec![Uuid::from_u128(600 + u128::from(day))],
            }],
        };
        run(&mut case, &citizen(), command, version, at(day)).unwrap();
    }
    let texts: Vec<&str> = case.messages.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(texts, ["Der Nachweis anbei.", "Und das Foto."]);
    assert_ne!(case.messages[0].id, case.messages[1].id);
    assert_eq!(case.requests[0].status, RequestStatus::Answered);
}

#[test]
fn the_processor_may_write_to_the_citizen_others_may_not() {
    let (case, _) = waiting_for_two_items();
    assert!(case.offered_actions(&anna(), at(5)).message);
    assert!(!case.offered_actions(&super::tests::bernd(), at(5)).message);
}
