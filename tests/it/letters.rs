//! Decision letters in the desktop app: a caseworker previews, edits and issues a
//! Bescheid; a team lead issues letters for several cases at once. The letters are
//! checked where the citizen gets them: on the portal, with real PDF tools.

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

fn in_review_of(cases: &[Value], assignee: Option<&str>, office: &str) -> Vec<Value> {
    cases
        .iter()
        .filter(|c| {
            c["status"] == "in_review"
                && c["office_id"] == office
                && assignee.is_none_or(|a| c["assignee"] == a)
        })
        .cloned()
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caseworker_edits_and_issues_a_bescheid() {
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

    let installation = Installation::new(&portal.base);
    let app = installation.launch().await;
    app.log_in(&user, &password).await;
    app.open_case(&az).await;

    // The preview of the template's letter, automatically produced.
    app.click("[data-testid=letter-open]").await;
    app.find("[data-testid=letter-panel]").await;
    app.find("[data-testid=letter-outcome]")
        .await
        .select_by_value("approved")
        .await
        .unwrap();
    app.wait_until("the preview is rendered", || async {
        preview_pages(&app).await >= 1
    })
    .await;
    assert_eq!(
        app.attr("[data-testid=letter-preview]", "data-signature")
            .await
            .as_deref(),
        Some("automated")
    );
    app.screenshot("letter").await;
    let violations = app.accessibility_violations().await;
    assert!(violations.is_empty(), "{violations:?}");

    // A changed fee is what the letter assesses and what the decision records.
    let has_fee = !case["fee"].is_null();
    if has_fee {
        app.set_value("[data-testid=letter-fee]", "31,00").await;
    }

    // Editing the text switches the signature rule.
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
    let added = "Bitte bringen Sie den Bescheid zum Termin mit.";
    let edited = format!("{}\n\n{added}", text.prop("value").await.unwrap().unwrap());
    app.set_value("[data-testid=letter-text]", &edited).await;
    app.wait_until("the preview follows the edit", || async {
        app.attr("[data-testid=letter-preview]", "data-signature")
            .await
            .as_deref()
            == Some("responsible")
            && preview_pages(&app).await >= 1
    })
    .await;

    // Issued: the decision reaches the portal with the letter, as edited.
    app.click("[data-testid=letter-finalise]").await;
    app.click("[data-testid=letter-confirm]").await;
    let case_id = case["id"].as_str().unwrap().to_owned();
    app.wait_until("the portal has the decision", || async {
        me.case(&case_id).await["status"] == "decided"
    })
    .await;
    let decided = me.case(&case_id).await;
    assert_eq!(decided["decision"]["outcome"], "approved");
    let sha256 = decided["decision"]["letter_sha256"]
        .as_str()
        .expect("the decision refers to its letter")
        .to_owned();
    let text = letter_text(&me, &sha256).await;
    assert!(text.contains(added), "{text}");
    if has_fee {
        assert_eq!(decided["decision"]["fee_cents"], 3100);
        assert!(text.contains("31,00 €"), "{text}");
    }
    assert!(text.contains(&az), "{text}");
    let name = me.user["display_name"].as_str().unwrap();
    assert!(
        text.contains(name),
        "an edited letter names the responsible person: {text}"
    );

    // The citizen sees the decision on their application, with the day the letter
    // counts as delivered and the end of the appeal period, and downloads the same
    // letter.
    let email = decided["applicant"]["email"].as_str().unwrap();
    let citizen = citizen_token(&portal.base, email, &portal.citizen_password()).await;
    let application = format!("{}/api/v1/citizen/applications/{case_id}", portal.base);
    let view = expect_json(http().get(&application).bearer_auth(&citizen)).await;
    let decision = &view["decision"];
    assert_eq!(decision["letter_sha256"], sha256.as_str(), "{view}");
    let decided_on = decision["decided_at"].as_str().unwrap()[..10].to_owned();
    let deemed = decision["deemed_delivery"]
        .as_str()
        .expect("deemed delivery");
    let appeal = decision["appeal_deadline"]
        .as_str()
        .expect("appeal deadline");
    assert!(
        decided_on.as_str() < deemed && deemed < appeal,
        "decided {decided_on}, delivered {deemed}, appeal until {appeal}"
    );
    let letter = http()
        .get(format!("{application}/letter"))
        .bearer_auth(&citizen);
    let letter = letter.send().await.unwrap().error_for_status().unwrap();
    assert_eq!(
        letter.headers()["content-type"].to_str().unwrap(),
        "application/pdf"
    );
    assert!(
        letter.bytes().await.unwrap() == me.blob(&sha256).await,
        "the citizen's letter is the one issued"
    );
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
        app.click(&format!(
            "[data-testid=inbox-row][data-aktenzeichen='{az}'] [data-testid=row-select]"
        ))
        .await;
    }
    app.click("[data-testid=batch-letters]").await;
    app.find("[data-testid=batch-outcome]")
        .await
        .select_by_value("rejected")
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
        assert_eq!(current["decision"]["outcome"], "rejected");
        let sha256 = current["decision"]["letter_sha256"].as_str().unwrap();
        let text = letter_text(&lead, sha256).await;
        assert!(text.contains(case["aktenzeichen"].as_str().unwrap()));
        assert!(text.contains("Verwaltungsgericht Minden"), "{text}");
    }
    app.quit().await;
}
