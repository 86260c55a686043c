//! The storage conformance suite: every test runs on SQLite and on PostgreSQL.

use std::collections::HashSet;

use casedesk_domain::aggregate::{RequestedItem, Verdict};
use casedesk_domain::command::{CommandAnswer, CommandKind, RejectionCode};
use casedesk_domain::deadline::local_date;
use casedesk_domain::holidays::next_working_day_on_or_after;
use casedesk_domain::lifecycle::CaseStatus;
use casedesk_domain::{Aktenzeichen, CaseAggregate};
use casedesk_portal::store::{
    BlobRecord, BootstrapForm, Principal, SessionRecord, StoreError, SubjectKind,
};
use chrono::{Duration, Utc};
use futures::StreamExt;
use uuid::Uuid;

use crate::on_both_backends;
use crate::support::{TestStore, command, fixture};

on_both_backends!(
    users_offices_and_sessions,
    applications_are_numbered_per_series_and_routed_by_postal_code,
    commands_apply_once_and_duplicates_repeat_the_first_answer,
    rejections_carry_the_current_case,
    staff_see_only_their_offices_cases,
    command_ids_belong_to_their_sender,
    concurrent_copies_of_a_command_apply_once,
    changes_come_in_seq_order_with_a_cursor,
    a_transfer_leaves_a_tombstone_for_the_old_office,
    bootstrap_is_one_snapshot_and_resumes_after_a_case,
    the_event_log_is_append_only,
    blobs_are_readable_only_through_visible_cases,
    login_failures_count_per_key_within_the_window,
    expired_answer_deadlines_return_the_case_to_review,
    staff_directories_show_only_shared_offices,
    a_batch_applies_around_a_rejection_and_answers_a_repeat_as_duplicate,
    letter_templates_and_letterhead_are_replaced_and_remembered,
    case_frames_follow_their_aggregates_with_their_offices_dictionary,
    a_service_stored_without_its_law_is_left_out_and_cannot_be_decided,
);

fn staff(user: &casedesk_portal::store::StaffUser) -> Principal {
    Principal::Staff(user.clone())
}

async fn users_offices_and_sessions(store: TestStore) {
    let fx = fixture(store.db.clone()).await;
    let db = &fx.db;
    assert_eq!(db.offices().await.unwrap().len(), 2);
    let duplicate = db
        .create_user(casedesk_portal::store::NewUser {
            name: "anna".into(),
            display_name: "Anna".into(),
            role: casedesk_domain::lifecycle::Role::Caseworker,
            password_hash: "x".into(),
            office_codes: vec!["10".into()],
        })
        .await;
    assert!(matches!(duplicate, Err(StoreError::Conflict(_))));
    let (user, hash) = db.user_credentials("lead").await.unwrap().unwrap();
    assert_eq!(user.offices.len(), 2);
    assert!(casedesk_portal::auth::verify_password(
        crate::support::PASSWORD,
        &hash
    ));

    let now = Utc::now();
    let session = SessionRecord {
        id: Uuid::now_v7(),
        subject: SubjectKind::Staff,
        subject_id: fx.anna.id,
        access_hash: "a".repeat(64),
        access_expires_at: now + Duration::minutes(15),
        refresh_hash: "r".repeat(64),
        refresh_expires_at: now + Duration::days(1),
    };
    db.create_session(session.clone()).await.unwrap();
    let found = db
        .session_by_access(&"a".repeat(64), now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.subject_id, fx.anna.id);
    assert!(
        db.session_by_access(&"a".repeat(64), now + Duration::minutes(16))
            .await
            .unwrap()
            .is_none()
    );
    // A refresh token works exactly once.
    assert_eq!(
        db.consume_refresh(&"r".repeat(64), now).await.unwrap(),
        Some((SubjectKind::Staff, fx.anna.id))
    );
    assert_eq!(
        db.consume_refresh(&"r".repeat(64), now).await.unwrap(),
        None
    );
}

async fn applications_are_numbered_per_series_and_routed_by_postal_code(store: TestStore) {
    let fx = fixture(store.db.clone()).await;
    let year = chrono::Datelike::year(&Utc::now());
    let mut numbers = Vec::new();
    for _ in 0..3 {
        let case = fx.submit(&fx.erika).await;
        assert_eq!(case.office_id, fx.office_a.id);
        assert_eq!(case.status, CaseStatus::Submitted);
        let az: Aktenzeichen = case.aktenzeichen.parse().unwrap();
        assert_eq!(
            (az.office_code.as_str(), az.service_code.as_str(), az.year),
            ("10", "HU", year)
        );
        numbers.push(az.number);
    }
    assert_eq!(numbers, [1, 2, 3]);
    let branch = fx.submit(&fx.max).await;
    assert_eq!(branch.office_id, fx.office_b.id);
    assert_eq!(branch.aktenzeichen, format!("20-HU-{year}-000001"));
    // Reserved blocks continue the series without gaps or overlaps.
    assert_eq!(
        fx.db
            .reserve_case_numbers("10", "HU", year, 10)
            .await
            .unwrap(),
        4
    );
    assert_eq!(
        fx.submit(&fx.erika).await.aktenzeichen,
        format!("10-HU-{year}-000014")
    );
}

async fn commands_apply_once_and_duplicates_repeat_the_first_answer(store: TestStore) {
    let fx = fixture(store.db.clone()).await;
    let case = fx.submit(&fx.erika).await;
    let claim = command(&case, CommandKind::Claim);
    let first = fx
        .db
        .apply_command(&staff(&fx.anna), &claim, Utc::now())
        .await
        .unwrap();
    let CommandAnswer::Applied { version, seq, .. } = first.clone() else {
        panic!("claim not applied: {first:?}");
    };
    assert_eq!(version, 2);
    let again = fx
        .db
        .apply_command(&staff(&fx.anna), &claim, Utc::now())
        .await
        .unwrap();
    assert_eq!(
        again,
        CommandAnswer::Duplicate {
            command_id: claim.command_id,
            first: Box::new(first)
        }
    );
    let stored = fx
        .db
        .case(&staff(&fx.anna), case.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.version, 2);
    assert_eq!(stored.seq, seq);
    assert_eq!(stored.status, CaseStatus::InReview);
    assert_eq!(stored.assignee, Some(fx.anna.id));
    assert_eq!(stored.history.len(), 3);
}

async fn rejections_carry_the_current_case(store: TestStore) {
    let fx = fixture(store.db.clone()).await;
    let case = fx.submit(&fx.erika).await;
    fx.db
        .apply_command(
            &staff(&fx.anna),
            &command(&case, CommandKind::Claim),
            Utc::now(),
        )
        .await
        .unwrap();
    let late = command(&case, CommandKind::Claim);
    let answer = fx
        .db
        .apply_command(&staff(&fx.bernd), &late, Utc::now())
        .await
        .unwrap();
    let CommandAnswer::Rejected {
        rejection, current, ..
    } = answer
    else {
        panic!("expected a rejection, got {answer:?}");
    };
    assert_eq!(rejection.code, RejectionCode::AlreadyAssigned);
    assert_eq!(current.unwrap().assignee, Some(fx.anna.id));
    // The duplicate of a rejection shows the case as it is now.
    fx.db
        .apply_command(
            &staff(&fx.anna),
            &command(
                &case,
                CommandKind::AddNote {
                    text: "Vermerk".into(),
                },
            ),
            Utc::now(),
        )
        .await
        .unwrap();
    let again = fx
        .db
        .apply_command(&staff(&fx.bernd), &late, Utc::now())
        .await
        .unwrap();
    let CommandAnswer::Duplicate { first, .. } = again else {
        panic!("expected duplicate");
    };
    let CommandAnswer::Rejected { current, .. } = *first else {
        panic!("expected the stored rejection");
    };
    assert_eq!(current.unwrap().version, 3);
}

async fn staff_see_only_their_offices_cases(store: TestStore) {
    let fx = fixture(store.db.clone()).await;
    let case = fx.submit(&fx.erika).await;
    assert!(
        fx.db
            .case(&staff(&fx.clara), case.id)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        fx.db
            .case(&staff(&fx.anna), case.id)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        fx.db
            .case(&staff(&fx.lead), case.id)
            .await
            .unwrap()
            .is_some()
    );
    let answer = fx
        .db
        .apply_command(
            &staff(&fx.clara),
            &command(&case, CommandKind::Claim),
            Utc::now(),
        )
        .await
        .unwrap();
    assert!(matches!(
        answer,
        CommandAnswer::Rejected { ref rejection, current: None, .. } if rejection.code == RejectionCode::UnknownCase
    ));
    let page = fx.db.changes(&fx.clara, 0, 100).await.unwrap();
    assert!(page.changes.is_empty());
    let snapshot = fx
        .db
        .bootstrap(&fx.clara, None, BootstrapForm::Json)
        .await
        .unwrap();
    assert_eq!(snapshot.cases, 0);
    // Citizens see their own cases only.
    assert!(
        fx.db
            .case(&Principal::Citizen(fx.max.clone()), case.id)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        fx.db
            .case(&Principal::Citizen(fx.erika.clone()), case.id)
            .await
            .unwrap()
            .is_some()
    );
}

async fn command_ids_belong_to_their_sender(store: TestStore) {
    let fx = fixture(store.db.clone()).await;
    let case = fx.submit(&fx.erika).await;
    let note = command(
        &case,
        CommandKind::AddNote {
            text: "intern".into(),
        },
    );
    fx.db
        .apply_command(&staff(&fx.anna), &note, Utc::now())
        .await
        .unwrap();
    let stolen = fx
        .db
        .apply_command(&staff(&fx.bernd), &note, Utc::now())
        .await
        .unwrap();
    assert!(matches!(
        stolen,
        CommandAnswer::Rejected { ref rejection, current: None, .. } if rejection.code == RejectionCode::Invalid
    ));
}

async fn concurrent_copies_of_a_command_apply_once(store: TestStore) {
    let fx = fixture(store.db.clone()).await;
    let case = fx.submit(&fx.erika).await;
    let note = command(
        &case,
        CommandKind::AddNote {
            text: "doppelt?".into(),
        },
    );
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let db = fx.db.clone();
        let principal = staff(&fx.anna);
        let note = note.clone();
        tasks.push(tokio::spawn(async move {
            db.apply_command(&principal, &note, Utc::now())
                .await
                .unwrap()
        }));
    }
    let mut applied = 0;
    for task in tasks {
        match task.await.unwrap() {
            CommandAnswer::Applied { .. } => applied += 1,
            CommandAnswer::Duplicate { first, .. } => {
                assert!(matches!(*first, CommandAnswer::Applied { .. }));
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(applied, 1);
    let stored = fx
        .db
        .case(&staff(&fx.anna), case.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.notes.len(), 1);
    assert_eq!(stored.version, 2);
}

/// A command group decides in memory and writes once: a rejected command in the
/// middle must not undo its neighbours, a later command sees an earlier one's change
/// to the same case, and a command repeated within the batch is a duplicate.
async fn a_batch_applies_around_a_rejection_and_answers_a_repeat_as_duplicate(store: TestStore) {
    let fx = fixture(store.db.clone()).await;
    let case = fx.submit(&fx.erika).await;
    let other = fx.submit(&fx.erika).await;
    let anna = staff(&fx.anna);
    let note = |text: &str| CommandKind::AddNote { text: text.into() };
    let first = command(&case, note("eins"));
    let mut unknown = command(&case, note("nirgends"));
    unknown.case_id = Uuid::now_v7();
    let second = command(&case, note("zwei"));
    let elsewhere = command(&other, CommandKind::Claim);
    let batch = vec![
        first.clone(),
        unknown.clone(),
        second.clone(),
        first.clone(),
        elsewhere.clone(),
    ];
    let answers = fx
        .db
        .apply_commands(&anna, &batch, Utc::now())
        .await
        .unwrap();
    assert_eq!(answers.len(), 5);
    let CommandAnswer::Applied {
        seq: seq1,
        version: v1,
        ..
    } = answers[0].clone()
    else {
        panic!("first note not applied: {:?}", answers[0]);
    };
    assert!(matches!(
        &answers[1],
        CommandAnswer::Rejected { rejection, .. } if rejection.code == RejectionCode::UnknownCase
    ));
    let CommandAnswer::Applied {
        seq: seq2,
        version: v2,
        ..
    } = answers[2].clone()
    else {
        panic!("second note not applied: {:?}", answers[2]);
    };
    assert_eq!((v1, v2), (case.version + 1, case.version + 2));
    assert!(seq2 > seq1);
    assert_eq!(
        answers[3],
        CommandAnswer::Duplicate {
            command_id: first.command_id,
            first: Box::new(answers[0].clone())
        }
    );
    let CommandAnswer::Applied { seq: seq3, .. } = answers[4].clone() else {
        panic!("claim not applied: {:?}", answers[4]);
    };
    assert!(seq3 > seq2);
    let stored = fx.db.case(&anna, case.id).await.unwrap().unwrap();
    assert_eq!(stored.notes.len(), 2);
    assert_eq!(stored.version, v2);
    assert_eq!(stored.seq, seq2);
    assert_eq!(fx.db.head_seq().await.unwrap(), seq3);
    // The stored answers make a resent batch all duplicates of the first answers.
    let again = fx
        .db
        .apply_commands(&anna, &batch, Utc::now())
        .await
        .unwrap();
    for (answer, first) in again.iter().zip(&answers) {
        match (answer, first) {
            (CommandAnswer::Duplicate { first: stored, .. }, CommandAnswer::Rejected { .. }) => {
                assert!(matches!(**stored, CommandAnswer::Rejected { .. }));
            }
            (CommandAnswer::Duplicate { first: stored, .. }, CommandAnswer::Applied { .. }) => {
                assert_eq!(**stored, *first);
            }
            (answer, CommandAnswer::Duplicate { .. }) => {
                assert!(matches!(answer, CommandAnswer::Duplicate { .. }));
            }
            other => panic!("unexpected answers {other:?}"),
        }
    }
}

fn parse(raw: &str) -> CaseAggregate {
    serde_json::from_str(raw).unwrap()
}

async fn changes_come_in_seq_order_with_a_cursor(store: TestStore) {
    let fx = fixture(store.db.clone()).await;
    let mut cases = Vec::new();
    for _ in 0..5 {
        cases.push(fx.submit(&fx.erika).await);
    }
    let first = fx.db.changes(&fx.anna, 0, 2).await.unwrap();
    assert_eq!(first.changes.len(), 2);
    assert!(first.has_more);
    assert_eq!(first.next_cursor, parse(&first.changes[1]).seq);
    let rest = fx
        .db
        .changes(&fx.anna, first.next_cursor, 10)
        .await
        .unwrap();
    assert_eq!(rest.changes.len(), 3);
    assert!(!rest.has_more);
    assert_eq!(rest.next_cursor, fx.db.head_seq().await.unwrap());
    let seqs: Vec<i64> = first
        .changes
        .iter()
        .chain(&rest.changes)
        .map(|c| parse(c).seq)
        .collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]));
    // A case changed twice appears once, in its latest state.
    let cursor = rest.next_cursor;
    for text in ["eins", "zwei"] {
        let current = fx
            .db
            .case(&staff(&fx.anna), cases[0].id)
            .await
            .unwrap()
            .unwrap();
        fx.db
            .apply_command(
                &staff(&fx.anna),
                &command(&current, CommandKind::AddNote { text: text.into() }),
                Utc::now(),
            )
            .await
            .unwrap();
    }
    let page = fx.db.changes(&fx.anna, cursor, 10).await.unwrap();
    assert_eq!(page.changes.len(), 1);
    assert_eq!(parse(&page.changes[0]).notes.len(), 2);
    // Nothing new: the cursor stays and the page is empty.
    let empty = fx.db.changes(&fx.anna, page.next_cursor, 10).await.unwrap();
    assert!(empty.changes.is_empty());
    assert_eq!(empty.next_cursor, page.next_cursor);
}

/// The lead moves `case` to office B.
async fn transfer_to_office_b(fx: &crate::support::Fixture, case: &CaseAggregate) {
    let answer = fx
        .db
        .apply_command(
            &staff(&fx.lead),
            &command(
                case,
                CommandKind::TransferOffice {
                    office_id: fx.office_b.id,
                },
            ),
            Utc::now(),
        )
        .await
        .unwrap();
    assert!(
        matches!(answer, CommandAnswer::Applied { .. }),
        "{answer:?}"
    );
}

async fn a_transfer_leaves_a_tombstone_for_the_old_office(store: TestStore) {
    let fx = fixture(store.db.clone()).await;
    let case = fx.submit(&fx.erika).await;
    let cursor = fx.db.head_seq().await.unwrap();
    transfer_to_office_b(&fx, &case).await;
    let anna = fx.db.changes(&fx.anna, cursor, 10).await.unwrap();
    assert!(anna.changes.is_empty());
    assert_eq!(anna.tombstones.len(), 1);
    assert_eq!(anna.tombstones[0].case_id, case.id);
    let clara = fx.db.changes(&fx.clara, cursor, 10).await.unwrap();
    assert_eq!(clara.changes.len(), 1);
    assert!(clara.tombstones.is_empty());
    // The lead belongs to both offices: the case just changed, no tombstone.
    let lead = fx.db.changes(&fx.lead, cursor, 10).await.unwrap();
    assert_eq!((lead.changes.len(), lead.tombstones.len()), (1, 0));
}

async fn bootstrap_is_one_snapshot_and_resumes_after_a_case(store: TestStore) {
    let fx = fixture(store.db.clone()).await;
    for _ in 0..5 {
        fx.submit(&fx.erika).await;
    }
    fx.submit(&fx.max).await;
    let snapshot = fx
        .db
        .bootstrap(&fx.anna, None, BootstrapForm::Json)
        .await
        .unwrap();
    assert_eq!(snapshot.seq, fx.db.head_seq().await.unwrap());
    assert_eq!(snapshot.cases, 5);
    // A change after the snapshot started is not in it.
    fx.submit(&fx.erika).await;
    let lines: Vec<String> = snapshot
        .cases_stream
        .map(|l| String::from_utf8(l.unwrap()).unwrap())
        .collect()
        .await;
    assert_eq!(lines.len(), 5);
    let ids: Vec<Uuid> = lines
        .iter()
        .map(|l| serde_json::from_str::<CaseAggregate>(l).unwrap().id)
        .collect();
    let mut sorted = ids.clone();
    sorted.sort_by_key(|id| id.to_string());
    assert_eq!(ids, sorted);
    let resumed = fx
        .db
        .bootstrap(&fx.anna, Some(ids[1]), BootstrapForm::Json)
        .await
        .unwrap();
    assert_eq!(resumed.cases, 4);
    let resumed_ids: HashSet<Uuid> = resumed
        .cases_stream
        .map(|l| {
            serde_json::from_slice::<CaseAggregate>(&l.unwrap())
                .unwrap()
                .id
        })
        .collect()
        .await;
    assert!(!resumed_ids.contains(&ids[0]) && !resumed_ids.contains(&ids[1]));
    assert!(resumed_ids.contains(&ids[2]));
}

async fn the_event_log_is_append_only(store: TestStore) {
    let fx = fixture(store.db.clone()).await;
    fx.submit(&fx.erika).await;
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&store.url).await.unwrap();
    let update = sqlx::query("UPDATE events SET kind = 'forged'")
        .execute(&pool)
        .await;
    assert!(update.is_err(), "events could be updated");
    let delete = sqlx::query("DELETE FROM events").execute(&pool).await;
    assert!(delete.is_err(), "events could be deleted");
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 1);
}

async fn blobs_are_readable_only_through_visible_cases(store: TestStore) {
    let fx = fixture(store.db.clone()).await;
    let sha = "ab".repeat(32);
    let erika = Principal::Citizen(fx.erika.clone());
    fx.db
        .record_blob(
            &BlobRecord {
                sha256: sha.clone(),
                size: 10,
                media_type: "application/pdf".into(),
            },
            &erika,
        )
        .await
        .unwrap();
    fx.submit_with(&fx.erika, &sha).await;
    let pdf = Some("application/pdf".to_owned());
    assert_eq!(
        fx.db.readable_blob(&staff(&fx.anna), &sha).await.unwrap(),
        pdf
    );
    assert_eq!(
        fx.db.readable_blob(&staff(&fx.lead), &sha).await.unwrap(),
        pdf
    );
    assert_eq!(fx.db.readable_blob(&erika, &sha).await.unwrap(), pdf);
    assert_eq!(
        fx.db.readable_blob(&staff(&fx.clara), &sha).await.unwrap(),
        None
    );
    assert_eq!(
        fx.db
            .readable_blob(&Principal::Citizen(fx.max.clone()), &sha)
            .await
            .unwrap(),
        None
    );
}

async fn login_failures_count_per_key_within_the_window(store: TestStore) {
    let fx = fixture(store.db.clone()).await;
    let now = Utc::now();
    let keys = vec!["staff:user:anna".to_owned(), "addr:127.0.0.1".to_owned()];
    let since = now - Duration::minutes(15);
    for expected in 1..=3 {
        let counts = fx.db.record_login_failure(&keys, now, since).await.unwrap();
        assert_eq!(counts, vec![expected, expected]);
    }
    fx.db.clear_login_failures(&keys[0]).await.unwrap();
    assert_eq!(
        fx.db.login_failures(&keys, since).await.unwrap(),
        vec![0, 3]
    );
    // Failures older than the window no longer count.
    let later = now + Duration::minutes(16);
    assert_eq!(
        fx.db
            .login_failures(&keys, later - Duration::minutes(15))
            .await
            .unwrap(),
        vec![0, 0]
    );
}

async fn expired_answer_deadlines_return_the_case_to_review(store: TestStore) {
    let fx = fixture(store.db.clone()).await;
    let case = fx.submit(&fx.erika).await;
    let anna = staff(&fx.anna);
    fx.db
        .apply_command(&anna, &command(&case, CommandKind::Claim), Utc::now())
        .await
        .unwrap();
    let case = fx.db.case(&anna, case.id).await.unwrap().unwrap();
    let today = local_date(Utc::now());
    // Answer deadlines end on working days (§31(3) VwVfG NRW).
    let answer_due = next_working_day_on_or_after(today + Duration::days(1));
    let answer = fx
        .db
        .apply_command(
            &anna,
            &command(
                &case,
                CommandKind::RequestItems {
                    items: vec![RequestedItem {
                        kind: Some("insurance".into()),
                        description: "Aktuelle Versicherungsbestätigung".into(),
                        replaces: None,
                    }],
                    reason: "abgelaufen".into(),
                    answer_due,
                    message: "Bitte nachreichen".into(),
                    letter_sha256: None,
                },
            ),
            Utc::now(),
        )
        .await
        .unwrap();
    assert!(
        matches!(answer, CommandAnswer::Applied { .. }),
        "{answer:?}"
    );
    assert!(fx.db.expired_requests(answer_due).await.unwrap().is_empty());
    let expired = fx
        .db
        .expired_requests(answer_due + Duration::days(1))
        .await
        .unwrap();
    assert_eq!(expired.len(), 1);
    let (case_id, request_id, version) = expired[0];
    let expire = casedesk_domain::command::Command {
        command_id: Uuid::now_v7(),
        case_id,
        base_version: version,
        kind: CommandKind::ExpireRequest { request_id },
    };
    let later = Utc::now() + (answer_due - today) + Duration::days(1);
    let answer = fx
        .db
        .apply_command(&Principal::System, &expire, later)
        .await
        .unwrap();
    assert!(
        matches!(answer, CommandAnswer::Applied { .. }),
        "{answer:?}"
    );
    let case = fx.db.case(&anna, case_id).await.unwrap().unwrap();
    assert_eq!(case.status, CaseStatus::InReview);
    // The document review still works on the resumed case.
    let review = command(
        &case,
        CommandKind::ReviewDocument {
            document_id: case.documents[0].id,
            verdict: Verdict::Accepted,
            reason: None,
        },
    );
    assert!(matches!(
        fx.db.apply_command(&anna, &review, later).await.unwrap(),
        CommandAnswer::Applied { .. }
    ));
}

/// With PostgreSQL, a change committed through one portal instance wakes the live
/// streams of another instance sharing the database.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_notifies_other_instances_of_changes() {
    let first = crate::support::postgres().await;
    let second = casedesk_portal::store::open(&first.url).await.unwrap();
    let mut heads = second.subscribe();
    let fx = fixture(first.db.clone()).await;
    let case = fx.submit(&fx.erika).await;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        if *heads.borrow_and_update() >= case.seq {
            break;
        }
        tokio::time::timeout_at(deadline, heads.changed())
            .await
            .expect("the other instance was not notified")
            .unwrap();
    }
}

async fn staff_directories_show_only_shared_offices(store: TestStore) {
    let fx = fixture(store.db.clone()).await;
    let names = |staff: Vec<casedesk_domain::wire::UserInfo>| -> Vec<(String, Vec<String>)> {
        let mut names: Vec<_> = staff
            .into_iter()
            .map(|u| (u.name, u.offices.into_iter().map(|o| o.code).collect()))
            .collect();
        names.sort();
        names
    };
    // Anna (office 10) sees her office's caseworkers and the team lead, with only the
    // office she shares with them; not Clara of office 20, not the admin.
    let seen = names(fx.db.office_staff(&fx.anna).await.unwrap());
    assert_eq!(
        seen,
        vec![
            ("anna".to_owned(), vec!["10".to_owned()]),
            ("bernd".to_owned(), vec!["10".to_owned()]),
            ("lead".to_owned(), vec!["10".to_owned()]),
        ]
    );
    // The lead of both offices sees everyone who can take cases in either.
    let seen = names(fx.db.office_staff(&fx.lead).await.unwrap());
    assert_eq!(
        seen.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
        vec!["anna", "bernd", "clara", "lead"]
    );
}

async fn letter_templates_and_letterhead_are_replaced_and_remembered(store: TestStore) {
    let fx = fixture(store.db.clone()).await;
    let db = &fx.db;
    let empty = db.letters().await.unwrap();
    assert!(empty.templates.is_empty());
    assert!(empty.letterhead.is_none());

    db.put_letter_template("hu_approved", "erste Fassung", &fx.admin)
        .await
        .unwrap();
    db.put_letter_template("_remedy", "Belehrung", &fx.admin)
        .await
        .unwrap();
    db.put_letter_template("hu_approved", "zweite Fassung – äöü ß", &fx.admin)
        .await
        .unwrap();
    let letters = db.letters().await.unwrap();
    let names: Vec<_> = letters
        .templates
        .iter()
        .map(|t| (t.name.as_str(), t.source.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("_remedy", "Belehrung"),
            ("hu_approved", "zweite Fassung – äöü ß")
        ]
    );
    assert!(
        letters
            .templates
            .iter()
            .all(|t| t.updated_by_name == fx.admin.display_name)
    );

    db.put_letterhead(r#"{"authority":"A"}"#, Some("bG9nbw=="), &fx.admin)
        .await
        .unwrap();
    db.put_letterhead(r#"{"authority":"B"}"#, None, &fx.admin)
        .await
        .unwrap();
    let letterhead = db.letters().await.unwrap().letterhead.unwrap();
    assert_eq!(letterhead.json, r#"{"authority":"B"}"#);
    assert_eq!(letterhead.logo_base64, None);
    assert_eq!(letterhead.updated_by_name, fx.admin.display_name);
    assert!(letterhead.updated_at <= chrono::Utc::now());
}

/// PostgreSQL keeps case aggregates lz4-compressed (migration 0004): pglz made
/// decompressing them most of a bootstrap's server time.
#[tokio::test]
async fn postgres_compresses_case_aggregates_with_lz4() {
    use sqlx::Connection;
    let store = crate::support::postgres().await;
    let mut connection = sqlx::PgConnection::connect(&store.url).await.unwrap();
    let method: String = sqlx::query_scalar(
        "SELECT attcompression::text FROM pg_attribute \
         WHERE attrelid = 'cases'::regclass AND attname = 'aggregate'",
    )
    .fetch_one(&mut connection)
    .await
    .unwrap();
    assert_eq!(method, "l", "cases.aggregate should be lz4-compressed");
}

/// Every case of a bootstrap as frames, unpacked with the dictionaries sent with it,
/// checked against the same bootstrap as JSON. Returns the dictionary ids sent and
/// each case's id with the dictionary its frame names.
async fn frames_match_json(
    fx: &crate::support::Fixture,
    user: &casedesk_portal::store::StaffUser,
) -> (Vec<u32>, Vec<(Uuid, Option<u32>)>) {
    use casedesk_domain::frames::{Codec, Dictionary, dictionary_of};
    let json: Vec<Vec<u8>> = fx
        .db
        .bootstrap(user, None, BootstrapForm::Json)
        .await
        .unwrap()
        .cases_stream
        .map(|item| item.unwrap())
        .collect()
        .await;
    let snapshot = fx
        .db
        .bootstrap(user, None, BootstrapForm::Frames)
        .await
        .unwrap();
    let codec = Codec::default();
    let mut dictionaries = Vec::new();
    for bytes in &snapshot.dictionaries {
        let dictionary = Dictionary::from_bytes(bytes.clone()).expect("a dictionary");
        dictionaries.push(dictionary.id());
        codec.register(std::sync::Arc::new(dictionary));
    }
    let frames: Vec<Vec<u8>> = snapshot
        .cases_stream
        .map(|item| item.unwrap())
        .collect()
        .await;
    assert_eq!(frames.len(), json.len());
    let mut cases = Vec::new();
    for (frame, json) in frames.iter().zip(&json) {
        assert_eq!(codec.unpack(frame).unwrap().as_bytes(), json.as_slice());
        let case: CaseAggregate = serde_json::from_slice(json).unwrap();
        cases.push((case.id, dictionary_of(frame)));
    }
    (dictionaries, cases)
}

async fn case_frames_follow_their_aggregates_with_their_offices_dictionary(store: TestStore) {
    use casedesk_portal::store::frames::TRAIN_AFTER_CASES;
    let fx = fixture(store.db.clone()).await;
    let mut first = None;
    for _ in 0..TRAIN_AFTER_CASES {
        let case = fx.submit(&fx.erika).await;
        first.get_or_insert(case);
    }
    let first = first.unwrap();
    fx.submit(&fx.max).await;

    // Before any office has a dictionary, frames are plain zstd.
    let (dictionaries, cases) = frames_match_json(&fx, &fx.anna).await;
    assert!(dictionaries.is_empty());
    assert_eq!(cases.len(), TRAIN_AFTER_CASES as usize);
    assert!(cases.iter().all(|(_, dictionary)| dictionary.is_none()));

    // Office A has enough cases for a dictionary, B has not; every case of A gets
    // its frame.
    let report = fx.db.maintain_frames().await.unwrap();
    assert_eq!(
        (report.trained, report.filled),
        (1, TRAIN_AFTER_CASES as u64)
    );
    let (dictionaries, cases) = frames_match_json(&fx, &fx.anna).await;
    assert_eq!(dictionaries.len(), 1);
    assert!(
        cases
            .iter()
            .all(|(_, dictionary)| *dictionary == Some(dictionaries[0]))
    );
    // Office B's caseworker never receives A's dictionary.
    let (clara_dictionaries, clara_cases) = frames_match_json(&fx, &fx.clara).await;
    assert!(clara_dictionaries.is_empty());
    assert_eq!(clara_cases.len(), 1);
    // The lead of both offices gets it with A's cases.
    let (lead_dictionaries, _) = frames_match_json(&fx, &fx.lead).await;
    assert_eq!(lead_dictionaries, dictionaries);
    // Nothing left to do.
    let again = fx.db.maintain_frames().await.unwrap();
    assert_eq!((again.trained, again.filled), (0, 0));

    // A change rewrites the frame with the change.
    let answer = fx
        .db
        .apply_command(
            &staff(&fx.anna),
            &command(&first, CommandKind::Claim),
            Utc::now(),
        )
        .await
        .unwrap();
    assert!(
        matches!(answer, CommandAnswer::Applied { .. }),
        "{answer:?}"
    );
    frames_match_json(&fx, &fx.anna).await;

    // A case moved to B (no dictionary) loses A's frame: B sees it as plain zstd,
    // and nothing of A's dictionary reaches B.
    let moved = fx
        .db
        .case(&staff(&fx.anna), first.id)
        .await
        .unwrap()
        .unwrap();
    transfer_to_office_b(&fx, &moved).await;
    let (clara_dictionaries, clara_cases) = frames_match_json(&fx, &fx.clara).await;
    assert!(clara_dictionaries.is_empty());
    assert!(clara_cases.contains(&(first.id, None)));
    let (_, cases) = frames_match_json(&fx, &fx.anna).await;
    assert_eq!(cases.len(), TRAIN_AFTER_CASES as usize - 1);
}

async fn a_service_stored_without_its_law_is_left_out_and_cannot_be_decided(store: TestStore) {
    // A catalog stored by a version before services carried their law: the catalog
    // still loads without that service, and deciding one of its cases is refused
    // with the reason instead of failing the request.
    let fx = fixture(store.db.clone()).await;
    let case = fx.submit(&fx.erika).await;
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&store.url).await.unwrap();
    let text: String = sqlx::query_scalar("SELECT definition FROM services WHERE id = $1")
        .bind(&case.service_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    let mut old: serde_json::Value = serde_json::from_str(&text).unwrap();
    old.as_object_mut().unwrap().remove("law");
    sqlx::query("UPDATE services SET definition = $1 WHERE id = $2")
        .bind(old.to_string())
        .bind(&case.service_id)
        .execute(&pool)
        .await
        .unwrap();
    let services = store.db.services().await.unwrap();
    assert!(!services.is_empty());
    assert!(services.iter().all(|s| s.id != case.service_id));
    let anna = staff(&fx.anna);
    let claimed = store
        .db
        .apply_commands(&anna, &[command(&case, CommandKind::Claim)], Utc::now())
        .await
        .unwrap();
    assert!(
        matches!(claimed[0], CommandAnswer::Applied { .. }),
        "{claimed:?}"
    );
    let decide = CommandKind::RecordDecision {
        outcome: casedesk_domain::Outcome::Receipted,
        letter_sha256: None,
        fee_cents: 0,
        reasons: None,
        channel: casedesk_domain::delivery::DeliveryChannel::Post,
    };
    let mut claimed_case = case.clone();
    claimed_case.version += 1;
    let answers = store
        .db
        .apply_commands(&anna, &[command(&claimed_case, decide)], Utc::now())
        .await
        .unwrap();
    match &answers[0] {
        CommandAnswer::Rejected { rejection, .. } => {
            assert!(
                rejection.message.contains("keine Rechtsgrundlagen"),
                "{rejection:?}"
            )
        }
        other => panic!("not refused: {other:?}"),
    }
}
