//! Requests for missing items end to end: a caseworker rejects a document, requests
//! it again (linked to the rejection) and one more item while offline, the request
//! reaches the portal once back online, the citizen answers one item over the real
//! HTTP API and the desktop shows the partial answer live, the citizen answers the
//! rest, and the caseworker reviews the new document and decides; then messages go
//! both ways between the desktop and the citizen API. A waiting case's request is
//! extended (the citizen sees the new date) and the case resumed without the answer,
//! which needs a reason the citizen reads.

use casedesk_tests::desktop::Installation;
use casedesk_tests::portal::{Portal, PortalUser, citizen_token, http};
use serde_json::Value;

use crate::world::{assert_accessible, case_to_review, world};

/// A small PDF no other upload shares (blobs are kept by content).
fn scan(what: &str) -> Vec<u8> {
    format!(
        "%PDF-1.4\n% {what} {}\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n",
        uuid::Uuid::now_v7()
    )
    .into_bytes()
}

/// The citizen answers item `item` of request `request_id` with one PDF.
async fn answer_item(base: &str, token: &str, case_id: &str, request_id: &str, item: u32) -> Value {
    let form = reqwest::multipart::Form::new().part(
        format!("item.{item}"),
        reqwest::multipart::Part::bytes(scan("Antwort")).file_name(format!("antwort-{item}.pdf")),
    );
    let reply = http()
        .post(format!(
            "{base}/api/v1/citizen/applications/{case_id}/requests/{request_id}/answer"
        ))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert!(reply.status().is_success(), "{}", reply.status());
    reply.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_document_is_requested_again_answered_in_parts_and_the_case_decided() {
    let _one_at_a_time = casedesk_tests::desktop::one_at_a_time().await;
    let mut w = world().await;
    // The demo's citizen password is printed on the portal's first start only.
    let citizen_password = w.portal.citizen_password();
    let me = PortalUser::login(&w.portal.base, &w.user, &w.password).await;
    let office = me.user["offices"][0]["id"].as_str().unwrap().to_owned();
    let (case, _, other) = case_to_review(&me.cases().await, &office);
    let az = case["aktenzeichen"].as_str().unwrap().to_owned();
    let case_id = case["id"].as_str().unwrap().to_owned();

    let installation = Installation::new(&w.proxy.base);
    let app = installation.launch().await;
    app.log_in(&w.user, &w.password).await;
    app.open_case(&az).await;
    app.claim_open_case().await;

    // The caseworker rejects a document with a reason.
    let rejected = format!("[data-testid=document][data-document-id='{other}']");
    app.click(&rejected).await;
    app.keys("r").await;
    app.fill("[data-testid=reject-reason]", "Unterschrift fehlt")
        .await;
    app.find("[data-testid=reject-reason]")
        .await
        .send_keys("\u{E007}")
        .await
        .unwrap();
    app.wait_until("the document is rejected", || async {
        app.attr(&rejected, "data-verdict").await.as_deref() == Some("rejected")
    })
    .await;

    // "Unterlagen nachfordern" offers the rejected document again, with its reason.
    app.keys("\u{E00C}").await;
    app.wait_until("the document viewer is closed", || async {
        app.find_all(".document-viewer").await.is_empty()
    })
    .await;
    app.keys("u").await;
    app.find("[data-testid=request-panel]").await;
    let offered = app
        .find("[data-testid=request-item-text]")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(offered.contains("Unterschrift fehlt"), "{offered}");
    app.click("[data-testid=request-item-add]").await;
    let texts = app.find_all("[data-testid=request-item-text]").await;
    assert!(texts.len() >= 2);
    app.eval(
        "const fields = document.querySelectorAll('[data-testid=request-item-text]');\
         const field = fields[fields.length - 1];\
         Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(field, 'Kopie des Personalausweises');\
         field.dispatchEvent(new Event('input', { bubbles: true })); return null;",
    )
    .await;
    app.set_value(
        "[data-testid=request-reason]",
        "Ohne die unterschriebene Fassung können wir den Antrag nicht prüfen.",
    )
    .await;
    app.wait_until("the request letter is previewed", || async {
        app.attr("[data-testid=request-preview]", "data-pages")
            .await
            .and_then(|p| p.parse::<u32>().ok())
            .is_some_and(|p| p >= 1)
    })
    .await;
    app.screenshot("request").await;
    assert_accessible(app.accessibility_violations().await, "the request panel");

    // The portal goes away; offline, the request is queued like every change.
    w.portal.kill();
    app.wait_for_connection("offline").await;
    app.click("[data-testid=request-send]").await;
    app.click("[data-testid=request-confirm]").await;
    app.wait_until("the case waits for the citizen, pending", || async {
        app.find_all("[data-testid=request-panel]").await.is_empty()
            && app
                .attr("[data-testid=case-view]", "data-pending")
                .await
                .as_deref()
                != Some("0")
            && app
                .text("[data-testid=case-view] .case-facts")
                .await
                .contains("Wartet")
    })
    .await;

    // Back online, the request reaches the portal with its letter, linked to the
    // rejected document.
    let portal = Portal::start(w.portal_dir.path());
    w.proxy.set_backend(portal.addr);
    w.portal = portal;
    let me = PortalUser::login(&w.portal.base, &w.user, &w.password).await;
    app.wait_until("the portal has the request", || async {
        me.case(&case_id).await["status"] == "awaiting_citizen"
    })
    .await;
    let waiting = me.case(&case_id).await;
    let request = waiting["requests"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|r| r["status"] == "open")
        .unwrap_or_else(|| panic!("no open request: {waiting}"))
        .clone();
    let request_id = request["id"].as_str().unwrap().to_owned();
    assert_eq!(request["items"][0]["replaces"], other.as_str(), "{request}");
    assert_eq!(
        request["items"][1]["description"],
        "Kopie des Personalausweises"
    );
    assert!(request["letter_sha256"].is_string(), "{request}");

    // The citizen answers the second item; the desktop shows the partial answer.
    let email = waiting["applicant"]["email"].as_str().unwrap();
    let citizen = citizen_token(&w.portal.base, email, &citizen_password).await;
    let view = answer_item(&w.portal.base, &citizen, &case_id, &request_id, 1).await;
    assert_eq!(view["status"], "awaiting_citizen", "{view}");
    let entry = "[data-testid=request][data-status=open]";
    app.wait_until("the desktop shows the partial answer", || async {
        app.attr(entry, "data-partial").await.as_deref() == Some("true")
    })
    .await;
    let answered = app
        .attrs(
            &format!("{entry} [data-testid=request-item-state]"),
            "data-answered",
        )
        .await;
    assert_eq!(answered, ["false", "true"]);
    app.screenshot("request-partial").await;

    // The rest arrives: the request is answered, the case back in review.
    answer_item(&w.portal.base, &citizen, &case_id, &request_id, 0).await;
    app.wait_until("the case is back in review", || async {
        app.find_all("[data-testid=request][data-status=open]")
            .await
            .is_empty()
            && !app
                .text("[data-testid=case-view] .case-facts")
                .await
                .contains("Wartet")
    })
    .await;

    // The caseworker opens the new document from its item, accepts it and decides.
    let documents = app
        .find_all("[data-testid=request][data-status=answered] [data-testid=request-item-document]")
        .await;
    assert_eq!(documents.len(), 2);
    // The requests are below the case's first screen: scrolled to, as a person would.
    app.eval(
        "document.querySelector('[data-testid=request][data-status=answered] \
         [data-testid=request-item-document]').scrollIntoView(); return null;",
    )
    .await;
    app.click("[data-testid=request][data-status=answered] [data-testid=request-item-document]")
        .await;
    app.wait_until("the document is shown", || async {
        app.attr(".document-viewer", "data-document-id")
            .await
            .is_some()
    })
    .await;
    let shown = app
        .attr(".document-viewer", "data-document-id")
        .await
        .unwrap();
    app.keys("a").await;
    let reviewed = format!("[data-testid=document][data-document-id='{shown}']");
    app.wait_until("the new document is accepted", || async {
        app.attr(&reviewed, "data-verdict").await.as_deref() == Some("accepted")
    })
    .await;
    app.keys("\u{E00C}").await;
    app.wait_until("the document viewer is closed", || async {
        app.find_all(".document-viewer").await.is_empty()
    })
    .await;
    app.keys("b").await;
    app.wait_until("the Bescheid is previewed", || async {
        app.attr("[data-testid=letter-preview]", "data-pages")
            .await
            .and_then(|p| p.parse::<u32>().ok())
            .is_some_and(|p| p >= 1)
    })
    .await;
    app.click("[data-testid=letter-finalise]").await;
    app.click("[data-testid=letter-confirm]").await;
    app.wait_until("the portal has the decision", || async {
        me.case(&case_id).await["status"] == "decided"
    })
    .await;

    // Messages both ways: the caseworker writes, the citizen reads it in the portal
    // and answers; the answer appears in the desktop, marked as the citizen's.
    app.eval(
        "document.querySelector('[data-testid=message-input]').scrollIntoView(); return null;",
    )
    .await;
    app.fill("[data-testid=message-input]", "Ihr Bescheid ist unterwegs.")
        .await;
    app.click("[data-testid=message-submit]").await;
    let application = format!("{}/api/v1/citizen/applications/{case_id}", w.portal.base);
    app.wait_until("the citizen reads the message", || async {
        let view: Value = http()
            .get(&application)
            .bearer_auth(&citizen)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        view["messages"]
            .as_array()
            .is_some_and(|m| m.iter().any(|m| m["text"] == "Ihr Bescheid ist unterwegs."))
    })
    .await;
    let reply = http()
        .post(format!("{application}/messages"))
        .bearer_auth(&citizen)
        .json(&serde_json::json!({"text": "Vielen Dank!"}))
        .send()
        .await
        .unwrap();
    assert!(reply.status().is_success(), "{}", reply.status());
    app.wait_until("the desktop shows the citizen's reply", || async {
        !app.find_all("[data-testid=message][data-from-citizen=true]")
            .await
            .is_empty()
            && app
                .text("[data-testid=messages]")
                .await
                .contains("Vielen Dank!")
    })
    .await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caseworker_extends_a_request_then_resumes_without_the_answer() {
    let _one_at_a_time = casedesk_tests::desktop::one_at_a_time().await;
    let w = world().await;
    let citizen_password = w.portal.citizen_password();
    let me = PortalUser::login(&w.portal.base, &w.user, &w.password).await;
    let office = me.user["offices"][0]["id"].as_str().unwrap().to_owned();
    let case = me
        .cases()
        .await
        .into_iter()
        .find(|c| {
            c["status"] == "in_review"
                && c["office_id"] == office.as_str()
                && c["assignee"] == me.id()
        })
        .expect("a case in review of the caseworker");
    let case_id = case["id"].as_str().unwrap().to_owned();
    let az = case["aktenzeichen"].as_str().unwrap().to_owned();
    // The caseworker asked for an item earlier (from another desktop).
    let due = casedesk_domain::deadline::local_date(chrono::Utc::now()) + chrono::Days::new(21);
    let due = (0..7)
        .map(|n| due + chrono::Days::new(n))
        .find(|d| casedesk_domain::holidays::is_working_day(*d))
        .unwrap();
    let answer = me
        .command(
            &case,
            "request_items",
            serde_json::json!({"items": [{"description": "Meldebescheinigung"}],
                               "reason": "Der Wohnsitz ist nicht belegt.",
                               "answer_due": due, "message": "Bitte reichen Sie sie nach."}),
        )
        .await;
    assert_eq!(answer["result"], "applied", "{answer}");

    let installation = Installation::new(&w.proxy.base);
    let app = installation.launch().await;
    app.log_in(&w.user, &w.password).await;
    app.open_case(&az).await;

    // A week more: the citizen sees the new date.
    let later = due + chrono::Days::new(7);
    let later = (0..7)
        .map(|n| later + chrono::Days::new(n))
        .find(|d| casedesk_domain::holidays::is_working_day(*d))
        .unwrap();
    app.click("[data-testid=request-extend-open]").await;
    app.set_value("[data-testid=request-extend-due]", &later.to_string())
        .await;
    app.click("[data-testid=request-move-submit]").await;
    let email = case["applicant"]["email"].as_str().unwrap().to_owned();
    let citizen = citizen_token(&w.portal.base, &email, &citizen_password).await;
    let application = format!("{}/api/v1/citizen/applications/{case_id}", w.portal.base);
    let view = || async {
        http()
            .get(&application)
            .bearer_auth(&citizen)
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap()
    };
    app.wait_until("the citizen sees the new date", || async {
        view().await["open_requests"][0]["answer_due"] == later.to_string()
    })
    .await;

    // Resuming without the answer needs a reason, which closes the request for the
    // citizen.
    app.click("[data-testid=set-status-in_review]").await;
    assert!(
        !app.find("[data-testid=resume-submit]")
            .await
            .is_enabled()
            .await
            .unwrap(),
        "no resuming without a reason"
    );
    app.fill(
        "[data-testid=resume-reason]",
        "Wir entscheiden nach Aktenlage.",
    )
    .await;
    app.click("[data-testid=resume-submit]").await;
    app.wait_until("the portal has the case back in review", || async {
        me.case(&case_id).await["status"] == "in_review"
    })
    .await;
    let resumed = me.case(&case_id).await;
    let request = resumed["requests"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|r| r["status"] == "withdrawn")
        .unwrap_or_else(|| panic!("no withdrawn request: {resumed}"))
        .clone();
    assert_eq!(request["closed_reason"], "Wir entscheiden nach Aktenlage.");
    assert_eq!(view().await["open_requests"], serde_json::json!([]));
    app.wait_until("the desktop shows the request withdrawn", || async {
        app.text("[data-testid=request-closed-reason]")
            .await
            .contains("Aktenlage")
    })
    .await;
    app.quit().await;
}
