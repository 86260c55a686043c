//! Requests to the citizen over HTTP: the letter that goes out with a hearing or a
//! request for items is in the citizen's view and downloads for that citizen alone;
//! a request naming a letter that was never uploaded is refused.

use casedesk_domain::deadline::local_date;
use casedesk_domain::holidays::next_working_day_on_or_after;
use chrono::{Duration, NaiveDate, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::served::serve;
use crate::support::{TestStore, dog_form, parking_form};

on_both_backends!(
    a_hearing_letter_reaches_the_citizens_mailbox,
    a_request_naming_a_letter_never_uploaded_is_refused,
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
