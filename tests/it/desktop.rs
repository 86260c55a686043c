//! A caseworker's day in the desktop app: log in, find cases, read and review their
//! documents, write notes, lose the portal and keep working, and see what the portal
//! refused. Every check goes through the UI the way a person would use it.

use casedesk_tests::desktop::Installation;
use casedesk_tests::portal::{Portal, PortalUser};
use serde_json::{Value, json};

use crate::world::{assert_accessible, case_to_review, world};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caseworker_reviews_documents_and_writes_a_note() {
    let _one_at_a_time = casedesk_tests::desktop::one_at_a_time().await;
    let w = world().await;
    let me = PortalUser::login(&w.portal.base, &w.user, &w.password).await;
    let office = me.user["offices"][0]["id"].as_str().unwrap().to_owned();
    let cases = me.cases().await;
    let (case, pdf, other) = case_to_review(&cases, &office);
    let az = case["aktenzeichen"].as_str().unwrap().to_owned();
    let case_id = case["id"].as_str().unwrap().to_owned();

    let installation = Installation::new(&w.proxy.base);
    let app = installation.launch().await;

    // The login form offers the configured portal; a wrong password says so.
    assert_eq!(
        app.find("#portal")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some(w.proxy.base.as_str())
    );
    assert_accessible(app.accessibility_violations().await, "the login form");
    app.screenshot("login").await;
    app.fill("#user", &w.user).await;
    app.fill("#password", "falsch").await;
    app.click("button[type=submit]").await;
    app.wait_until("the form says the password is wrong", || async {
        app.text("[data-testid=login-error]")
            .await
            .contains("Passwort")
    })
    .await;
    app.log_in(&w.user, &w.password).await;

    // The inbox shows the seeded cases once the bootstrap is through.
    let expected = cases.len() as i64;
    app.wait_until(
        "the inbox holds every case of the user's offices",
        || async { app.number("[data-testid=inbox-count]").await == expected },
    )
    .await;
    assert!(!app.find_all("[data-testid=inbox-row]").await.is_empty());
    app.screenshot("inbox").await;
    assert_accessible(app.accessibility_violations().await, "the inbox");

    // A saved view and a status filter narrow the list.
    app.click("[data-testid=view-unassigned]").await;
    let unassigned = cases.iter().filter(|c| c["assignee"].is_null()).count() as i64;
    app.wait_until("the unassigned view shows its cases", || async {
        app.number("[data-testid=inbox-count]").await == unassigned
    })
    .await;
    app.click("[data-testid=view-open]").await;
    let select = app.find("[data-testid=filter-status]").await;
    select.select_by_value("submitted").await.unwrap();
    let submitted = cases.iter().filter(|c| c["status"] == "submitted").count() as i64;
    app.wait_until("the status filter applies", || async {
        app.number("[data-testid=inbox-count]").await == submitted
    })
    .await;
    for status in app.attrs("[data-testid=inbox-row]", "data-status").await {
        assert_eq!(status, "submitted");
    }

    // Full-text search finds the applicant by name.
    let applicant = case["applicant"]["family_name"]
        .as_str()
        .or(case["applicant"]["name"].as_str())
        .unwrap_or_default()
        .to_owned();
    app.fill("[data-testid=search]", &applicant).await;
    app.wait_until("the search finds the applicant", || async {
        app.attrs("[data-testid=inbox-row]", "data-aktenzeichen")
            .await
            .contains(&az)
    })
    .await;

    // Open the case and its PDF.
    app.open_case(&az).await;
    app.claim_open_case().await;
    let documents = app
        .attrs("[data-testid=document]", "data-document-id")
        .await;
    assert_eq!(documents.len(), case["documents"].as_array().unwrap().len());
    let first = format!("[data-testid=document][data-document-id='{pdf}']");
    let second = format!("[data-testid=document][data-document-id='{other}']");
    app.click(&first).await;
    app.wait_until("the PDF is rendered", || async {
        app.attr("[data-testid=pdf-viewer]", "data-pages")
            .await
            .and_then(|p| p.parse::<u32>().ok())
            .is_some_and(|pages| pages >= 1)
    })
    .await;
    app.screenshot("case").await;
    assert_accessible(
        app.accessibility_violations().await,
        "the case with its PDF",
    );

    // Accept the PDF with one key, reject the next document with a reason.
    app.keys("a").await;
    app.wait_until("the first document is accepted", || async {
        app.attr(&first, "data-verdict").await.as_deref() == Some("accepted")
    })
    .await;
    app.click(&second).await;
    app.keys("r").await;
    app.fill("[data-testid=reject-reason]", "Unterschrift fehlt")
        .await;
    app.find("[data-testid=reject-reason]")
        .await
        .send_keys("\u{E007}")
        .await
        .unwrap();
    app.wait_until("the second document is rejected", || async {
        app.attr(&second, "data-verdict").await.as_deref() == Some("rejected")
    })
    .await;

    // A note.
    app.fill(
        "[data-testid=note-input]",
        "Bitte Original nachreichen lassen.",
    )
    .await;
    app.click("[data-testid=note-submit]").await;
    app.wait_until("the note is confirmed by the portal", || async {
        let notes = app.find_all("[data-testid=note]").await;
        let mut confirmed = false;
        for note in notes {
            let text = note.text().await.unwrap_or_default();
            let pending = note.attr("data-pending").await.ok().flatten();
            confirmed |= text.contains("Bitte Original nachreichen lassen.")
                && pending.as_deref() == Some("false");
        }
        confirmed
            && app
                .text("[data-testid=pending-count]")
                .await
                .trim_start()
                .starts_with('0')
    })
    .await;

    // The portal holds all of it, once.
    let on_portal = me.case(&case_id).await;
    assert_eq!(on_portal["assignee"], me.id());
    let review = |id: &str| {
        on_portal["documents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == id)
            .unwrap()["review"]
            .clone()
    };
    assert_eq!(review(&pdf)["verdict"], "accepted");
    assert_eq!(review(&other)["verdict"], "rejected");
    assert_eq!(review(&other)["reason"], "Unterschrift fehlt");
    let notes: Vec<&Value> = on_portal["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["text"] == "Bitte Original nachreichen lassen.")
        .collect();
    assert_eq!(notes.len(), 1);

    // The shortcut overview.
    app.keys("?").await;
    app.find("[data-testid=shortcuts]").await;
    app.screenshot("shortcuts").await;
    app.keys("\u{E00C}").await;

    // Restarted, the app is still signed in (token from the keyring) and shows the
    // inbox without a login.
    app.quit().await;
    let app = installation.launch().await;
    app.find("[data-testid=inbox-list]").await;
    app.wait_until("the restarted app shows the cases", || async {
        app.number("[data-testid=inbox-count]").await > 0
    })
    .await;

    // Logging out returns to the form, with the portal and user remembered.
    app.click("[data-testid=logout]").await;
    app.find("#password").await;
    assert_eq!(
        app.find("#user")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some(w.user.as_str())
    );
    assert_eq!(
        app.find("#portal")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some(w.proxy.base.as_str())
    );
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_work_syncs_later_and_a_reassigned_case_shows_its_refusal() {
    let _one_at_a_time = casedesk_tests::desktop::one_at_a_time().await;
    let mut w = world().await;
    let me = PortalUser::login(&w.portal.base, &w.user, &w.password).await;
    let office = me.user["offices"][0]["id"].as_str().unwrap().to_owned();
    let cases = me.cases().await;
    let (taken, document, _) = case_to_review(&cases, &office);
    let free: Value = cases
        .iter()
        .find(|c| {
            c["status"] == "submitted"
                && c["assignee"].is_null()
                && c["office_id"] == office.as_str()
                && c["id"] != taken["id"]
        })
        .expect("a second unassigned case")
        .clone();
    let taken_az = taken["aktenzeichen"].as_str().unwrap().to_owned();
    let free_az = free["aktenzeichen"].as_str().unwrap().to_owned();

    let installation = Installation::new(&w.proxy.base);
    let app = installation.launch().await;
    app.log_in(&w.user, &w.password).await;

    // Online, the caseworker takes a case.
    app.open_case(&taken_az).await;
    app.claim_open_case().await;

    // The portal stops. The status bar says so; work goes on.
    w.portal.kill();
    app.wait_for_connection("offline").await;
    app.screenshot("offline").await;
    app.click(&format!(
        "[data-testid=document][data-document-id='{document}']"
    ))
    .await;
    app.keys("a").await;
    let reviewed = format!("[data-testid=document][data-document-id='{document}']");
    app.wait_until("the review shows as pending", || async {
        app.attr(&reviewed, "data-verdict").await.as_deref() == Some("accepted")
            && app.attr(&reviewed, "data-pending").await.as_deref() == Some("true")
    })
    .await;
    app.open_case(&free_az).await;
    app.click("[data-testid=claim]").await;
    app.fill("[data-testid=note-input]", "Offline erfasst.")
        .await;
    app.click("[data-testid=note-submit]").await;
    app.wait_until("three changes wait", || async {
        app.text("[data-testid=pending-count]")
            .await
            .trim_start()
            .starts_with('3')
    })
    .await;

    // While the caseworker is offline, the team lead takes the first case over.
    let portal = Portal::start(w.portal_dir.path());
    // The demo logins are printed on the first start only.
    let (lead, lead_password) = w.portal.login_of("team_lead", 0);
    let lead = PortalUser::login(&portal.base, &lead, &lead_password).await;
    let current = lead.case(taken["id"].as_str().unwrap()).await;
    let answer = lead
        .command(&current, "assign", json!({"assignee": lead.id()}))
        .await;
    assert_eq!(answer["result"], "applied", "{answer}");

    // The portal is reachable again: the free case's work lands, the review on the
    // reassigned case comes back refused and stays visible until dealt with.
    w.proxy.set_backend(portal.addr);
    w.portal = portal;
    let me = PortalUser::login(&w.portal.base, &w.user, &w.password).await;
    app.wait_until("the outbox is through", || async {
        app.attr("[data-testid=sync-status]", "data-connection")
            .await
            .as_deref()
            == Some("online")
            && app
                .text("[data-testid=pending-count]")
                .await
                .trim_start()
                .starts_with('0')
            && app
                .text("[data-testid=rejected-count]")
                .await
                .trim_start()
                .starts_with('1')
    })
    .await;
    let on_portal = me.case(free["id"].as_str().unwrap()).await;
    assert_eq!(on_portal["assignee"], me.id());
    assert_eq!(
        on_portal["notes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["text"] == "Offline erfasst.")
            .count(),
        1
    );

    app.open_case(&taken_az).await;
    let refusal = app.text("[data-testid=rejected-command]").await;
    assert!(!refusal.trim().is_empty());
    app.screenshot("rejected").await;
    assert_accessible(
        app.accessibility_violations().await,
        "a case with a refused command",
    );
    app.click("[data-testid=discard]").await;
    app.wait_until("the refusal is dealt with", || async {
        app.find_all("[data-testid=rejected-command]")
            .await
            .is_empty()
            && app
                .text("[data-testid=rejected-count]")
                .await
                .trim_start()
                .starts_with('0')
    })
    .await;
    assert!(
        app.attr(&reviewed, "data-verdict")
            .await
            .unwrap_or_default()
            .is_empty(),
        "after discarding, the case shows the portal's state: no review"
    );
    app.quit().await;
}
