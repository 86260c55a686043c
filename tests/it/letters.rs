//! Decision letters in the desktop app: a caseworker chooses a rejection, cannot issue
//! it before writing their reasons, edits the letter and issues it by post, records
//! its dispatch, then issues a separate fee notice; a hearing's letter reaches the
//! citizen's mailbox; a team lead issues approvals for several cases at once. The letters are checked where the citizen gets them: on
//! the portal, with real PDF tools; every one ends with "Im Auftrag" and the name of
//! the person who issued it.

use casedesk_tests::desktop::{DesktopApp, Installation};
use casedesk_tests::portal::{Portal, PortalUser, citizen_token, expect_json, http};
use serde_json::Value;

async fn preview_pages(app: &DesktopApp) -> u32 {
    app.attr("[data-testid=letter-preview]", "data-pages")
        .await
        .and_then(|p| p.parse().ok())
        .unwrap_or(0)
}

/// The text of a letter as the portal hands it out, through `pdftotext`, after
/// `qpdf --check` passed on it, as one line of words.
async fn letter_text(portal: &PortalUser, sha256: &str) -> String {
    let pdf = portal.blob(sha256).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bescheid.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let check = std::process::Command::new("qpdf")
        .arg("--check")
        .arg(&path)
        .output()
        .expect("qpdf");
    assert!(check.status.success(), "qpdf --check: {check:?}");
    let text = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext");
    // One line of words: hyphenation at line ends undone, whitespace collapsed.
    String::from_utf8(text.stdout)
        .unwrap()
        .replace("-\n", "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Cases in review of `office` (assigned to `assignee`, when given) of services whose
/// law knows approvals, rejections and post or portal delivery.
fn in_review_of(cases: &[Value], assignee: Option<&str>, office: &str) -> Vec<Value> {
    cases
        .iter()
        .filter(|c| {
            c["status"] == "in_review"
                && c["office_id"] == office
                && ["MB", "BP", "SN"].contains(&c["service_id"].as_str().unwrap_or(""))
                && assignee.is_none_or(|a| c["assignee"] == a)
        })
        .cloned()
        .collect()
}

/// The letter ends with "Im Auftrag" and `name` after everything it says (only the
/// page footer follows), and never carries the note of an automated letter.
fn assert_signed_by(text: &str, name: &str) {
    let at = text
        .rfind("Im Auftrag")
        .unwrap_or_else(|| panic!("no \"Im Auftrag\": {text}"));
    assert!(
        text[at + "Im Auftrag".len()..]
            .trim_start()
            .starts_with(name),
        "{name} follows Im Auftrag: {text}"
    );
    for body in ["Rechtsbehelfsbelehrung", "Mit freundlichen Grüßen"] {
        if let Some(found) = text.rfind(body) {
            assert!(found < at, "{body} comes before the closing: {text}");
        }
    }
    assert!(!text.contains("maschinell erstellt"), "{text}");
}

/// Over 100 lines on purpose: one caseworker's way through a rejection, from the
/// refusal without reasons to the dispatch, read as one story.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caseworker_writes_reasons_edits_and_issues_a_rejection() {
    let _one_at_a_time = casedesk_tests::desktop::one_at_a_time().await;
    let portal_dir = tempfile::tempdir().unwrap();
    let portal = Portal::start(portal_dir.path());
    let (user, password) = portal.login_of("caseworker", 0);
    let me = PortalUser::login(&portal.base, &user, &password).await;
    let office = me.user["offices"][0]["id"].as_str().unwrap().to_owned();
    let cases = me.cases().await;
    let case = in_review_of(&cases, Some(&me.id()), &office)
        .into_iter()
        .next()
        .expect("a case in review assigned to the caseworker");
    let az = case["aktenzeichen"].as_str().unwrap().to_owned();
    let name = me.user["display_name"].as_str().unwrap().to_owned();

    let installation = Installation::new(&portal.base);
    let app = installation.launch().await;
    app.log_in(&user, &password).await;
    app.open_case(&az).await;

    // A rejection without the caseworker's reasons has no letter and cannot be issued.
    app.click("[data-testid=letter-open]").await;
    app.find("[data-testid=letter-panel]").await;
    app.find("[data-testid=letter-outcome]")
        .await
        .select_by_value("rejected")
        .await
        .unwrap();
    app.wait_until("the panel asks for reasons", || async {
        app.attr("[data-testid=letter-preview]", "data-state")
            .await
            .as_deref()
            == Some("no-reasons")
    })
    .await;
    let missing = app.text("[data-testid=letter-reasons-missing]").await;
    assert!(missing.contains("§ 39 VwVfG NRW"), "{missing}");
    assert!(
        app.find_all("[data-testid=letter-preview] canvas")
            .await
            .is_empty()
    );
    for refused in ["letter-finalise", "letter-edit"] {
        let button = app.find(&format!("[data-testid={refused}]")).await;
        assert!(
            !button.is_enabled().await.unwrap(),
            "{refused} is disabled without reasons"
        );
    }
    app.screenshot("letter-no-reasons").await;

    // With reasons the letter exists; it goes by post.
    let reasons = "Der vorgelegte Nachweis ist nicht auf Sie ausgestellt.";
    app.set_value("[data-testid=letter-reasons]", reasons).await;
    app.click("[data-testid=letter-channel-post]").await;
    app.wait_until("the preview is rendered", || async {
        preview_pages(&app).await >= 1
    })
    .await;
    app.screenshot("letter").await;
    let violations = app.accessibility_violations().await;
    assert!(violations.is_empty(), "{violations:?}");

    // Editing: the text holds the reasons but no closing; the letter adds it.
    app.click("[data-testid=letter-edit]").await;
    let text = app.find("[data-testid=letter-text]").await;
    app.wait_until("the template text is loaded for editing", || async {
        text.prop("value")
            .await
            .ok()
            .flatten()
            .is_some_and(|v| !v.trim().is_empty())
    })
    .await;
    let template = text.prop("value").await.unwrap().unwrap();
    assert!(template.contains("nicht auf Sie ausgestellt"), "{template}");
    assert!(!template.contains("Im Auftrag"), "{template}");
    let added = "Bitte wenden Sie sich bei Fragen an das Bürgerbüro.";
    app.set_value(
        "[data-testid=letter-text]",
        &format!("{template}\n\n{added}"),
    )
    .await;
    app.wait_until("the preview follows the edit", || async {
        app.attr("[data-testid=letter-preview]", "data-state")
            .await
            .as_deref()
            == Some("ready")
            && preview_pages(&app).await >= 1
    })
    .await;
    app.screenshot("letter-edited").await;

    // Issued: the decision reaches the portal with the reasons and the letter as
    // edited, signed by the caseworker.
    app.click("[data-testid=letter-finalise]").await;
    app.find("[data-testid=letter-confirm-dialog]").await;
    app.screenshot("letter-confirm").await;
    app.click("[data-testid=letter-confirm]").await;
    let case_id = case["id"].as_str().unwrap().to_owned();
    app.wait_until("the portal has the decision", || async {
        me.case(&case_id).await["status"] == "decided"
    })
    .await;
    let decided = me.case(&case_id).await;
    assert_eq!(decided["decision"]["outcome"], "rejected");
    assert_eq!(decided["decision"]["reasons"], reasons);
    assert_eq!(decided["decision"]["delivery"]["channel"], "post");
    let sha256 = decided["decision"]["letter_sha256"]
        .as_str()
        .expect("the decision refers to its letter")
        .to_owned();
    let letter = letter_text(&me, &sha256).await;
    assert!(letter.contains(added), "{letter}");
    assert!(letter.contains("nicht auf Sie ausgestellt"), "{letter}");
    assert!(letter.contains(&az), "{letter}");
    assert_signed_by(&letter, &name);

    // Nothing is announced until the dispatch is recorded; then the case view shows
    // the Bekanntgabe and the Klagefrist (these services are sued over).
    app.wait_until("the case view waits for the dispatch", || async {
        app.find_all("[data-testid=dispatch-open]").await.len() == 1
    })
    .await;
    assert!(
        app.find_all("[data-testid=delivery-remedy-deadline]")
            .await
            .is_empty()
    );
    app.click("[data-testid=dispatch-open]").await;
    app.screenshot("dispatch").await;
    app.click("[data-testid=dispatch-submit]").await;
    app.wait_until("the portal has the dispatch", || async {
        !me.case(&case_id).await["decision"]["delivery"]["dates"].is_null()
    })
    .await;
    let dates = me.case(&case_id).await["decision"]["delivery"]["dates"].clone();
    let deadline = dates["remedy_deadline"].as_str().unwrap().to_owned();
    let german = |iso: &str| format!("{}.{}.{}", &iso[8..10], &iso[5..7], &iso[..4]);
    app.wait_until("the case view shows the Klagefrist", || async {
        app.find_all("[data-testid=delivery-remedy-deadline]")
            .await
            .len()
            == 1
    })
    .await;
    assert_eq!(
        app.text("[data-testid=delivery-remedy-deadline]").await,
        german(&deadline)
    );
    let decision = app.text("[data-testid=decision]").await;
    assert!(decision.contains("Klagefrist bis"), "{decision}");
    assert!(!decision.contains("Widerspruchsfrist"), "{decision}");
    app.screenshot("case-delivery").await;

    // The citizen sees the decision with the same dates and the Klagefrist, and
    // downloads the same letter.
    let email = decided["applicant"]["email"].as_str().unwrap();
    let citizen = citizen_token(&portal.base, email, &portal.citizen_password()).await;
    let application = format!("{}/api/v1/citizen/applications/{case_id}", portal.base);
    let view = expect_json(http().get(&application).bearer_auth(&citizen)).await;
    let delivery = &view["decision"]["delivery"];
    assert_eq!(delivery["announced"], dates["announced"], "{view}");
    assert_eq!(delivery["remedy"]["period_label"], "Klagefrist", "{view}");
    assert_eq!(delivery["remedy"]["deadline"], deadline.as_str(), "{view}");
    let download = http()
        .get(format!("{application}/letter"))
        .bearer_auth(&citizen);
    let download = download.send().await.unwrap().error_for_status().unwrap();
    assert_eq!(
        download.headers()["content-type"].to_str().unwrap(),
        "application/pdf"
    );
    assert!(
        download.bytes().await.unwrap() == me.blob(&sha256).await,
        "the citizen's letter is the one issued"
    );

    // A separate fee notice follows the decision: the caseworker sets the amount,
    // issues it by post and records its dispatch; the portal has it with its letter.
    app.click("[data-testid=notice-open]").await;
    app.find("[data-testid=notice-panel]").await;
    app.set_value("[data-testid=notice-amount]", "0").await;
    assert!(
        !app.find("[data-testid=notice-issue]")
            .await
            .is_enabled()
            .await
            .unwrap(),
        "nothing is assessed at zero"
    );
    app.set_value("[data-testid=notice-amount]", "15,00 €")
        .await;
    app.click("[data-testid=notice-channel-post]").await;
    app.wait_until("the notice's preview is rendered", || async {
        app.attr("[data-testid=notice-preview]", "data-pages")
            .await
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(0)
            >= 1
    })
    .await;
    let violations = app.accessibility_violations().await;
    assert!(violations.is_empty(), "{violations:?}");
    app.screenshot("fee-notice").await;
    app.click("[data-testid=notice-issue]").await;
    app.click("[data-testid=notice-confirm]").await;
    app.wait_until("the portal has the fee notice", || async {
        me.case(&case_id).await["notices"]
            .as_array()
            .is_some_and(|n| n.len() == 1)
    })
    .await;
    let notice = me.case(&case_id).await["notices"][0].clone();
    assert_eq!(notice["kind"], "fee", "{notice}");
    assert_eq!(notice["amount_cents"], 1500, "{notice}");
    assert_eq!(notice["delivery"]["channel"], "post", "{notice}");
    let notice_letter = letter_text(&me, notice["letter_sha256"].as_str().unwrap()).await;
    assert!(
        notice_letter.contains("Gebührenbescheid"),
        "{notice_letter}"
    );
    assert!(notice_letter.contains("15,00"), "{notice_letter}");
    assert_signed_by(&notice_letter, &name);
    let block = format!("[data-testid=delivery-{}]", notice["id"].as_str().unwrap());
    app.wait_until("the case view shows the notice's delivery", || async {
        app.find_all(&block).await.len() == 1
    })
    .await;
    assert!(app.text(&block).await.contains("Gebührenbescheid"));
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_lead_issues_letters_for_several_cases() {
    let _one_at_a_time = casedesk_tests::desktop::one_at_a_time().await;
    let portal_dir = tempfile::tempdir().unwrap();
    let portal = Portal::start(portal_dir.path());
    let (user, password) = portal.login_of("team_lead", 0);
    let lead = PortalUser::login(&portal.base, &user, &password).await;
    let office = lead.user["offices"][0]["id"].as_str().unwrap().to_owned();
    let cases = lead.cases().await;
    let chosen: Vec<Value> = in_review_of(&cases, None, &office)
        .into_iter()
        .take(2)
        .collect();
    assert_eq!(chosen.len(), 2, "two cases in review");
    let installation = Installation::new(&portal.base);
    let app = installation.launch().await;
    app.log_in(&user, &password).await;
    app.find("[data-testid=filter-status]")
        .await
        .select_by_value("in_review")
        .await
        .unwrap();
    for case in &chosen {
        let az = case["aktenzeichen"].as_str().unwrap();
        app.fill("[data-testid=search]", az).await;
        // A click on a row the search is still replacing lands on the row, not its
        // checkbox, as it would for a person, who looks and clicks again.
        let checkbox =
            format!("[data-testid=inbox-row][data-aktenzeichen='{az}'] [data-testid=row-select]");
        app.wait_until(&format!("{az} is selected"), || async {
            let element = app.find(&checkbox).await;
            if element.prop("checked").await.ok().flatten().as_deref() == Some("true") {
                return true;
            }
            let _ = element.click().await;
            false
        })
        .await;
    }
    assert_eq!(
        app.text("[data-testid=batch-count]").await,
        "2 Vorgänge ausgewählt",
        "{chosen:?}"
    );
    app.click("[data-testid=batch-letters]").await;
    // Rejections need reasons per case: the batch offers none.
    let offered = app
        .attrs("[data-testid=batch-outcome] option", "value")
        .await;
    assert!(!offered.contains(&"rejected".to_owned()), "{offered:?}");
    app.find("[data-testid=batch-outcome]")
        .await
        .select_by_value("approved")
        .await
        .unwrap();
    app.click("[data-testid=batch-confirm]").await;
    app.wait_until("a result per case", || async {
        app.find_all("[data-testid=batch-result]").await.len() == chosen.len()
    })
    .await;
    for ok in app.attrs("[data-testid=batch-result]", "data-ok").await {
        assert_eq!(ok, "true");
    }
    app.screenshot("batch").await;
    for case in &chosen {
        let id = case["id"].as_str().unwrap();
        app.wait_until("the portal has the decision", || async {
            lead.case(id).await["status"] == "decided"
        })
        .await;
        let current = lead.case(id).await;
        assert_eq!(current["decision"]["outcome"], "approved");
        // Each goes out the way its applicant consented to, else by post.
        let consented = current["consents"]["portal_delivery"] == true;
        let channel = if consented { "portal" } else { "post" };
        assert_eq!(current["decision"]["delivery"]["channel"], channel);
        let sha256 = current["decision"]["letter_sha256"].as_str().unwrap();
        let text = letter_text(&lead, sha256).await;
        assert!(text.contains(case["aktenzeichen"].as_str().unwrap()));
        assert!(text.contains("Verwaltungsgericht Minden"), "{text}");
        assert_signed_by(&text, lead.user["display_name"].as_str().unwrap());
    }
    app.quit().await;
}

/// A hearing before a burdensome decision: the answer date starts at the law's
/// period, a Saturday picked is moved to the next working day with a note, and the
/// portal waits for the citizen's statement until that day.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caseworker_hears_the_applicant_until_a_working_day() {
    use chrono::{Datelike, Days, NaiveDate, Weekday};
    let _one_at_a_time = casedesk_tests::desktop::one_at_a_time().await;
    let portal_dir = tempfile::tempdir().unwrap();
    let portal = Portal::start(portal_dir.path());
    let (user, password) = portal.login_of("caseworker", 0);
    let me = PortalUser::login(&portal.base, &user, &password).await;
    let office = me.user["offices"][0]["id"].as_str().unwrap().to_owned();
    let case = in_review_of(&me.cases().await, Some(&me.id()), &office)
        .into_iter()
        .next()
        .expect("a case in review assigned to the caseworker");
    let az = case["aktenzeichen"].as_str().unwrap().to_owned();
    let case_id = case["id"].as_str().unwrap().to_owned();

    let installation = Installation::new(&portal.base);
    let app = installation.launch().await;
    app.log_in(&user, &password).await;
    app.open_case(&az).await;
    app.click("[data-testid=hearing-open]").await;
    app.find("[data-testid=hearing-panel]").await;
    let due = |value: Option<String>| value.and_then(|v| v.parse::<NaiveDate>().ok());
    let default = due(app
        .find("[data-testid=hearing-due]")
        .await
        .prop("value")
        .await
        .unwrap())
    .expect("the law's answer date");
    let saturday = (1..=7)
        .map(|n| default + Days::new(n))
        .find(|d| d.weekday() == Weekday::Sat)
        .unwrap();
    app.set_value("[data-testid=hearing-due]", &saturday.to_string())
        .await;
    app.wait_until("the date moves to a working day", || async {
        due(app
            .find("[data-testid=hearing-due]")
            .await
            .prop("value")
            .await
            .unwrap())
        .is_some_and(|d| d > saturday)
    })
    .await;
    let moved = due(app
        .find("[data-testid=hearing-due]")
        .await
        .prop("value")
        .await
        .unwrap())
    .unwrap();
    assert!(!matches!(moved.weekday(), Weekday::Sat | Weekday::Sun));
    let note = app.text("[data-testid=hearing-due-note]").await;
    assert!(
        note.contains(&saturday.format("%d.%m.%Y").to_string()) && note.contains("Werktag"),
        "{note}"
    );
    app.set_value(
        "[data-testid=hearing-intended]",
        "Wir beabsichtigen, Ihren Antrag abzulehnen, weil der Nachweis fehlt.",
    )
    .await;
    app.wait_until("the hearing letter is previewed", || async {
        app.attr("[data-testid=hearing-preview]", "data-pages")
            .await
            .and_then(|p| p.parse::<u32>().ok())
            .is_some_and(|p| p >= 1)
    })
    .await;
    app.screenshot("hearing").await;
    let violations = app.accessibility_violations().await;
    assert!(violations.is_empty(), "{violations:?}");
    app.click("[data-testid=hearing-start]").await;
    app.click("[data-testid=hearing-confirm]").await;
    app.wait_until("the portal waits for the statement", || async {
        me.case(&case_id).await["status"] == "awaiting_citizen"
    })
    .await;
    let waiting = me.case(&case_id).await;
    let hearing = waiting["requests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["purpose"] == "hearing")
        .unwrap_or_else(|| panic!("no hearing: {waiting}"))
        .clone();
    assert_eq!(hearing["answer_due"], moved.to_string());
    assert!(
        hearing["reason"]
            .as_str()
            .unwrap()
            .contains("Nachweis fehlt")
    );
    // The hearing letter reaches the citizen's mailbox: the same PDF the office
    // keeps, naming what the office intends and signed by the caseworker.
    let sha256 = hearing["letter_sha256"]
        .as_str()
        .unwrap_or_else(|| panic!("the hearing names its letter: {hearing}"))
        .to_owned();
    let letter = letter_text(&me, &sha256).await;
    assert!(letter.contains("Nachweis fehlt"), "{letter}");
    assert_signed_by(&letter, me.user["display_name"].as_str().unwrap());
    let email = waiting["applicant"]["email"].as_str().unwrap();
    let citizen = citizen_token(&portal.base, email, &portal.citizen_password()).await;
    let application = format!("{}/api/v1/citizen/applications/{case_id}", portal.base);
    let view = expect_json(http().get(&application).bearer_auth(&citizen)).await;
    let url = view["open_requests"][0]["letter_url"]
        .as_str()
        .unwrap_or_else(|| panic!("no letter in the mailbox: {view}"))
        .to_owned();
    let download = http()
        .get(format!("{}{url}", portal.base))
        .bearer_auth(&citizen)
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    assert!(download.bytes().await.unwrap() == me.blob(&sha256).await);
    app.quit().await;
}
