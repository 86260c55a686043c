//! Requests to the citizen over HTTP: the letter that goes out with a hearing or a
//! request for items is in the citizen's view and downloads for that citizen alone;
//! a request naming a letter that was never uploaded is refused; answers arrive per
//! item, a partial one keeps the case waiting; strangers, unknown items and hostile
//! files are refused; nobody can take the expiry job's command id.

use casedesk_domain::deadline::local_date;
use casedesk_domain::holidays::next_working_day_on_or_after;
use chrono::{Duration, NaiveDate, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::served::{Served, letter_pdf, serve};
use crate::support::{TestStore, dog_form, parking_form};

on_both_backends!(
    a_hearing_letter_reaches_the_citizens_mailbox,
    a_request_naming_a_letter_never_uploaded_is_refused,
    answers_arrive_per_item_and_a_partial_answer_keeps_the_case_waiting,
    answers_from_strangers_of_unknown_items_or_with_hostile_files_are_refused,
    the_expiry_jobs_command_id_cannot_be_taken_first,
);

/// An answer deadline two weeks ahead, on a working day.
fn answer_due() -> NaiveDate {
    next_working_day_on_or_after(local_date(Utc::now()) + Duration::days(14))
}

async fn a_hearing_letter_reaches_the_citizens_mailbox(store: TestStore) {
    let s = serve(store).await;
    let erika = s.citizen_token("erika@example.org").await;
    let anna = s.staff_token("anna").await;
    let case_id = s.file(&erika, "BP", parking_form(), None).await;
    s.applied(&anna, case_id, "claim", Value::Null).await;
    let (sha, pdf) = s.upload_letter(&anna).await;
    let hearing = json!({"intended": "Wir beabsichtigen, den Antrag abzulehnen.",
                         "answer_due": answer_due(), "message": "Bitte äußern Sie sich.",
                         "letter_sha256": sha});
    s.applied(&anna, case_id, "start_hearing", hearing).await;

    let view = s.view(&erika, case_id).await;
    let request = &view["open_requests"][0];
    assert_eq!(request["purpose"], "hearing", "{view}");
    assert_eq!(request["letter_sha256"], sha.as_str());
    let url = request["letter_url"].as_str().unwrap().to_owned();
    let reply = s.download(&erika, Method::GET, &url).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, pdf);
    // Downloading it announces nothing and changes nothing.
    assert_eq!(s.view(&erika, case_id).await, view);

    // Nobody else gets it, by the request's address or by a made-up one.
    let max = s.citizen_token("max@example.org").await;
    assert_eq!(
        s.download(&max, Method::GET, &url).await.status,
        StatusCode::NOT_FOUND
    );
    let unknown = format!(
        "/api/v1/citizen/applications/{case_id}/requests/{}/letter",
        uuid::Uuid::now_v7()
    );
    assert_eq!(
        s.download(&erika, Method::GET, &unknown).await.status,
        StatusCode::NOT_FOUND
    );

    // A request for items without a letter has no letter to download.
    let other = s.file(&erika, "HU", dog_form(), None).await;
    s.applied(&anna, other, "claim", Value::Null).await;
    let items = json!({"items": [{"kind": null, "description": "Nachweis der Haftpflichtversicherung"}],
                       "reason": "Der Nachweis fehlt.", "answer_due": answer_due(),
                       "message": "Bitte reichen Sie den Nachweis nach."});
    s.applied(&anna, other, "request_items", items).await;
    let view = s.view(&erika, other).await;
    let request = &view["open_requests"][0];
    assert_eq!(request["purpose"], "items", "{view}");
    assert!(request.get("letter_url").is_none(), "{view}");
    let id = request["id"].as_str().unwrap();
    let url = format!("/api/v1/citizen/applications/{other}/requests/{id}/letter");
    assert_eq!(
        s.download(&erika, Method::GET, &url).await.status,
        StatusCode::NOT_FOUND
    );
}

async fn a_request_naming_a_letter_never_uploaded_is_refused(store: TestStore) {
    let s = serve(store).await;
    let erika = s.citizen_token("erika@example.org").await;
    let anna = s.staff_token("anna").await;
    let case_id = s.file(&erika, "BP", parking_form(), None).await;
    s.applied(&anna, case_id, "claim", Value::Null).await;
    let hearing = json!({"intended": "Wir beabsichtigen, den Antrag abzulehnen.",
                         "answer_due": answer_due(), "message": "Bitte äußern Sie sich.",
                         "letter_sha256": "d".repeat(64)});
    let answer = s.command(&anna, case_id, "start_hearing", hearing).await;
    assert_eq!(answer["result"], "rejected", "{answer}");
    assert!(
        answer["message"].as_str().unwrap().contains("hochgeladen"),
        "{answer}"
    );
    assert_eq!(s.view(&erika, case_id).await["open_requests"], json!([]));
}

/// Erika's dog registration, claimed by Anna, waiting for two items: the insurance
/// certificate (by its kind) and a photo (a free item). Returns the case and the
/// request's id.
async fn waiting_for_two_items(s: &Served, erika: &str) -> (uuid::Uuid, String) {
    let anna = s.staff_token("anna").await;
    let case_id = s.file(erika, "HU", dog_form(), None).await;
    s.applied(&anna, case_id, "claim", Value::Null).await;
    let items = json!({"items": [{"kind": "insurance", "description": "Gültiger Versicherungsnachweis"},
                                 {"kind": null, "description": "Ein Foto des Hundes"}],
                       "reason": "Der Nachweis ist abgelaufen; das Foto fehlt.",
                       "answer_due": answer_due(), "message": "Bitte reichen Sie beides nach."});
    s.applied(&anna, case_id, "request_items", items).await;
    let view = s.view(erika, case_id).await;
    let id = view["open_requests"][0]["id"].as_str().unwrap().to_owned();
    (case_id, id)
}

async fn answers_arrive_per_item_and_a_partial_answer_keeps_the_case_waiting(store: TestStore) {
    let s = serve(store).await;
    let erika = s.citizen_token("erika@example.org").await;
    let (case_id, request_id) = waiting_for_two_items(&s, &erika).await;

    // The photo first, named by its item, with a message.
    let photo = vec![("item.1", "bello.pdf", letter_pdf())];
    let reply = s
        .answer(
            &erika,
            case_id,
            &request_id,
            photo,
            Some("Das Foto anbei."),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json());
    let view = reply.json();
    assert_eq!(view["status"], "awaiting_citizen", "{view}");
    let request = &view["open_requests"][0];
    assert_eq!(request["status"], "open");
    assert_eq!(request["answers"][0]["item"], 1, "{request}");
    assert!(request["last_answer_at"].is_string());
    assert_eq!(
        view["messages"].as_array().unwrap().last().unwrap()["text"],
        "Das Foto anbei."
    );

    // The insurance certificate by its kind completes the request.
    let insurance = vec![("doc.insurance", "versicherung.pdf", letter_pdf())];
    let reply = s
        .answer(&erika, case_id, &request_id, insurance, None, None)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json());
    let view = reply.json();
    assert_eq!(view["status"], "in_review", "{view}");
    assert_eq!(view["open_requests"], json!([]));
    // A request no longer open cannot be answered.
    let late = vec![("item.0", "noch-einer.pdf", letter_pdf())];
    let reply = s
        .answer(&erika, case_id, &request_id, late, None, None)
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.json());
}

async fn answers_from_strangers_of_unknown_items_or_with_hostile_files_are_refused(
    store: TestStore,
) {
    let s = serve(store).await;
    let erika = s.citizen_token("erika@example.org").await;
    let (case_id, request_id) = waiting_for_two_items(&s, &erika).await;
    let pdf = || vec![("item.0", "nachweis.pdf", letter_pdf())];

    // Someone else's case does not exist for them.
    let max = s.citizen_token("max@example.org").await;
    let reply = s
        .answer(&max, case_id, &request_id, pdf(), None, None)
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    // An item the request does not have.
    let unknown = vec![("item.7", "nachweis.pdf", letter_pdf())];
    let reply = s
        .answer(&erika, case_id, &request_id, unknown, None, None)
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(
        reply.json()["message"]
            .as_str()
            .unwrap()
            .contains("Punkt 8")
    );
    // Not a number, and a part of another name.
    for name in ["item.zwei", "anything"] {
        let odd = vec![(name, "nachweis.pdf", letter_pdf())];
        let reply = s
            .answer(&erika, case_id, &request_id, odd, None, None)
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{name}");
        assert_eq!(reply.json()["code"], "unknown_part");
    }
    // A program dressed as a PDF, with a hostile name.
    let hostile = vec![(
        "item.0",
        "../../etc/passwd.pdf",
        b"MZ\x90\x00 not a pdf at all".to_vec(),
    )];
    let reply = s
        .answer(&erika, case_id, &request_id, hostile, None, None)
        .await;
    assert!(reply.status.is_client_error(), "{}", reply.status);
    // Nothing of it was recorded.
    let view = s.view(&erika, case_id).await;
    assert_eq!(view["status"], "awaiting_citizen");
    assert!(view["open_requests"][0].get("answers").is_none(), "{view}");
    assert!(view["open_requests"][0].get("last_answer_at").is_none());
}

async fn the_expiry_jobs_command_id_cannot_be_taken_first(store: TestStore) {
    let s = serve(store).await;
    let erika = s.citizen_token("erika@example.org").await;
    let (case_id, request_id) = waiting_for_two_items(&s, &erika).await;
    let request: uuid::Uuid = request_id.parse().unwrap();
    // The citizen knows the request's id and so the job's command id: using it as
    // the key of a message is refused, and nothing is stored under it.
    let taken = casedesk_domain::command::system_command_id(&request, b"expire");
    let reply = s
        .answer(
            &erika,
            case_id,
            &request_id,
            vec![],
            Some("Hallo"),
            Some(taken),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.json());
    assert!(
        reply.json()["message"]
            .as_str()
            .unwrap()
            .contains("vergibt nur das Portal")
    );
    // Once the deadline has passed, the job expires the request as usual.
    let after = (answer_due() + Duration::days(3))
        .and_hms_opt(10, 0, 0)
        .unwrap()
        .and_utc();
    let expired = casedesk_portal::jobs::expire_answer_deadlines(&*s.state.db, after)
        .await
        .unwrap();
    assert_eq!(expired, 1);
    let view = s.view(&erika, case_id).await;
    assert_eq!(view["status"], "in_review", "{view}");
    assert_eq!(view["open_requests"], json!([]));
}
