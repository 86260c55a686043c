//! Letters end to end: render from the local store to a PDF that qpdf accepts and
//! whose text names the case and ends with "Im Auftrag" and the caseworker's name; an
//! admin's template change reaches the desktop with the next sync; a broken template
//! is refused with its line and placeholder; a rejection needs reasons; a decision by
//! post is announced once its dispatch is recorded, with the period the law names;
//! the fee due period the operator sets reaches the desktop's letters.

use std::process::Command;

use serde_json::{Value, json};

use crate::support::{Desktop, Portal, PortalUser, http};

fn pdf_text(path: &std::path::Path) -> String {
    let check = Command::new("qpdf")
        .arg("--check")
        .arg(path)
        .output()
        .expect("qpdf installed");
    assert!(
        check.status.success(),
        "qpdf --check: {}",
        String::from_utf8_lossy(&check.stdout)
    );
    let text = Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext installed");
    assert!(text.status.success());
    String::from_utf8(text.stdout).unwrap()
}

async fn put_template(admin: &PortalUser, name: &str, source: &str) -> (u16, Value) {
    let reply = http()
        .put(format!(
            "{}/api/v1/office/letters/templates/{name}",
            admin.base
        ))
        .bearer_auth(&admin.token)
        .json(&json!({ "source": source }))
        .send()
        .await
        .unwrap();
    (reply.status().as_u16(), reply.json().await.unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn letters_render_offline_and_follow_the_admins_templates() {
    let portal_dir = tempfile::tempdir().unwrap();
    let portal = Portal::start(portal_dir.path());
    let (user, password) = portal.login_of("caseworker", 0);
    let desktop = Desktop::new();
    desktop.login(&portal.base, &user, &password);
    desktop.json(&["sync", "--once", "--no-prefetch"]);

    // The resident parking permit: its approval template has a reasons block.
    let inbox = desktop.json(&["inbox", "--limit", "1", "--service", "BP"]);
    let row = &inbox["cases"][0];
    let aktenzeichen = row["aktenzeichen"].as_str().unwrap().to_owned();
    let applicant = row["applicant_name"].as_str().unwrap().to_owned();
    let service = aktenzeichen.split('-').nth(1).unwrap().to_lowercase();
    let out = desktop.data_dir().join("bescheid.pdf");
    let out_arg = out.to_str().unwrap();

    let render = [
        "letter",
        "render",
        "--case",
        &aktenzeichen,
        "--outcome",
        "approved",
        "--out",
        out_arg,
    ];
    desktop.json(&render);
    let text = pdf_text(&out);
    assert!(text.contains(&aktenzeichen), "{text}");
    assert!(text.contains(&applicant), "{applicant} not in {text}");
    assert_signed_by(&text, &display_name(&portal, &user, &password).await);
    assert!(
        flat(&text).contains("innerhalb von zwei Wochen nach Bekanntgabe"),
        "{text}"
    );

    // The operator sets the tenant's fee due period; the desktop's letters print it
    // after the next sync.
    let set = Command::new(casedesk_tests::portal::portal_binary())
        .args(["tenant", "--fee-due-after", "3w", "--data-dir"])
        .arg(portal_dir.path())
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        set.status.success(),
        "{}",
        String::from_utf8_lossy(&set.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&set.stdout).trim(),
        "fee_due_after = 3w"
    );
    let refused = Command::new(casedesk_tests::portal::portal_binary())
        .args(["tenant", "--fee-due-after", "3x", "--data-dir"])
        .arg(portal_dir.path())
        .output()
        .unwrap();
    assert!(!refused.status.success());
    desktop.json(&render);
    assert!(flat(&pdf_text(&out)).contains("innerhalb von zwei Wochen nach Bekanntgabe"));
    desktop.json(&["sync", "--once", "--no-prefetch"]);
    desktop.json(&render);
    let text = pdf_text(&out);
    assert!(
        flat(&text).contains("innerhalb von drei Wochen nach Bekanntgabe"),
        "{text}"
    );

    // An admin changes the service's approval template on the portal.
    let (admin_user, admin_password) = portal.login_of("admin", 0);
    let admin = PortalUser::login(&portal.base, &admin_user, &admin_password).await;
    let settings: Value = http()
        .get(format!("{}/api/v1/office/letters", portal.base))
        .bearer_auth(&admin.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let name = format!("{service}_approved");
    let template = settings["templates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name.as_str())
        .unwrap_or_else(|| panic!("no template {name}"));
    let original = template["source"].as_str().unwrap();
    let changed = original.replace(
        "{% block reasons %}",
        "{% block reasons %}Zusatzsatz aus dem Test.\n\n",
    );
    assert_ne!(changed, original);
    let (status, body) = put_template(&admin, &name, &changed).await;
    assert_eq!(status, 200, "{body}");

    // Not yet synced: the desktop still renders the old text.
    desktop.json(&render);
    assert!(!pdf_text(&out).contains("Zusatzsatz aus dem Test."));
    desktop.json(&["sync", "--once", "--no-prefetch"]);
    desktop.json(&render);
    let text = pdf_text(&out);
    assert!(text.contains("Zusatzsatz aus dem Test."), "{text}");

    // A broken placeholder is refused and named with its line.
    let broken = changed.replace(
        "Zusatzsatz aus dem Test.",
        "Zusatzsatz {{ antrag.nicht_da }}.",
    );
    let (status, body) = put_template(&admin, &name, &broken).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["code"], "letter_template");
    let message = body["message"].as_str().unwrap();
    assert!(message.contains(&name), "{message}");
    assert!(message.contains("antrag.nicht_da"), "{message}");
    let line = broken
        .lines()
        .position(|l| l.contains("antrag.nicht_da"))
        .unwrap()
        + 1;
    assert!(message.contains(&format!("Zeile {line}")), "{message}");

    // The refused version never reached the desktop.
    desktop.json(&["sync", "--once", "--no-prefetch"]);
    desktop.json(&render);
    assert!(pdf_text(&out).contains("Zusatzsatz aus dem Test."));

    // `decide --render` renders the Bescheid, uploads it and records the decision; a
    // rejection without reasons is refused before anything is queued.
    let inbox = desktop.json(&[
        "inbox",
        "--limit",
        "1",
        "--service",
        "BP",
        "--status",
        "submitted",
        "--assignee",
        "unassigned",
    ]);
    let row = &inbox["cases"][0];
    let az = row["aktenzeichen"].as_str().unwrap().to_owned();
    let case_id = row["case_id"].as_str().unwrap().to_owned();
    assert_eq!(desktop.json(&["claim", &az])["state"], "applied");
    let refused = desktop.error(&["decide", &az, "--outcome", "rejected", "--render"]);
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("§ 39 VwVfG NRW"),
        "{refused}"
    );
    assert_eq!(desktop.json(&["outbox"]).as_array().unwrap().len(), 0);
    let reasons = "Das Fahrzeug ist nicht auf Sie zugelassen.";
    let decided = desktop.json(&[
        "decide",
        &az,
        "--outcome",
        "rejected",
        "--reasons",
        reasons,
        "--channel",
        "post",
        "--render",
    ]);
    assert_eq!(decided["state"], "applied", "{decided}");
    let caseworker = PortalUser::login(&portal.base, &user, &password).await;
    let on_portal = caseworker.case(&case_id).await;
    assert_eq!(on_portal["decision"]["reasons"], reasons);
    assert_eq!(on_portal["decision"]["delivery"]["channel"], "post");
    let sha = on_portal["decision"]["letter_sha256"]
        .as_str()
        .unwrap_or_else(|| panic!("no letter: {on_portal}"))
        .to_owned();
    let stored = caseworker.blob(&sha).await;
    let stored_path = desktop.data_dir().join("stored.pdf");
    std::fs::write(&stored_path, &stored).unwrap();
    let text = pdf_text(&stored_path);
    assert!(text.contains(&az), "{text}");
    assert!(
        text.contains("zugelassen"),
        "the reasons are in the letter: {text}"
    );
    let name = caseworker.user["display_name"].as_str().unwrap().to_owned();
    assert_signed_by(&text, &name);

    // Until the dispatch is recorded nothing is announced; then `show` names the
    // Klagefrist (a resident parking permit is sued over, never objected to).
    let shown = desktop.text(&["show", &az]);
    assert!(shown.contains("Versand noch nicht erfasst"), "{shown}");
    assert!(!shown.contains("Klagefrist bis"), "{shown}");
    let today = casedesk_domain::deadline::local_date(chrono::Utc::now());
    let dispatched = desktop.json(&["dispatch", &az, "--on", &today.to_string()]);
    assert_eq!(dispatched["state"], "applied", "{dispatched}");
    let shown = desktop.text(&["show", &az]);
    assert!(shown.contains("Klagefrist bis"), "{shown}");
    assert!(!shown.contains("Widerspruch"), "{shown}");
    let announced = casedesk_domain::delivery::announced_by_post(
        today,
        casedesk_domain::law::Procedure::Verwaltungsverfahren,
    )
    .unwrap();
    assert!(
        shown.contains(&format!("Bekanntgabe {}", announced.format("%d.%m.%Y"))),
        "{shown}"
    );
    let on_portal = caseworker.case(&case_id).await;
    assert_eq!(
        on_portal["decision"]["delivery"]["dates"]["announced"],
        announced.to_string()
    );
}

/// The text with every run of white space (line breaks too) as one space.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The closing of a letter the caseworker issued: "Im Auftrag" and their name after
/// everything the letter says (only the page footer follows), never the automation
/// note.
fn assert_signed_by(text: &str, name: &str) {
    let flat = flat(text);
    let at = flat
        .rfind("Im Auftrag")
        .unwrap_or_else(|| panic!("no \"Im Auftrag\": {flat}"));
    assert!(
        flat[at + "Im Auftrag".len()..]
            .trim_start()
            .starts_with(name),
        "{name} follows Im Auftrag: {flat}"
    );
    for body in ["Rechtsbehelfsbelehrung", "Mit freundlichen Grüßen"] {
        if let Some(found) = flat.rfind(body) {
            assert!(found < at, "{body} comes before the closing: {flat}");
        }
    }
    assert!(!flat.contains("maschinell erstellt"), "{flat}");
}

/// The display name of a staff user, as the portal knows it.
async fn display_name(portal: &Portal, user: &str, password: &str) -> String {
    let me = PortalUser::login(&portal.base, user, password).await;
    me.user["display_name"].as_str().unwrap().to_owned()
}
