//! The desktop engine against a live portal: bootstrap and incremental sync, offline
//! work, an expired session, a push killed midway, a reassignment while offline, a
//! cut-off bootstrap, a corrupted document, and two desktops converging.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::support::{Desktop, Fault, Portal, PortalUser, Proxy, http};

/// A portal with the demo tenant behind a proxy, and a caseworker's desktop logged
/// in through the proxy.
struct World {
    portal_dir: tempfile::TempDir,
    portal: Portal,
    proxy: Proxy,
    desktop: Desktop,
    user: String,
    password: String,
}

async fn world() -> World {
    let portal_dir = tempfile::tempdir().unwrap();
    let portal = Portal::start(portal_dir.path());
    let proxy = Proxy::start(portal.addr).await;
    let (user, password) = portal.login_of("caseworker", 0);
    let desktop = Desktop::new();
    let me = desktop.login(&proxy.base, &user, &password);
    assert_eq!(me["name"], user.as_str());
    World {
        portal_dir,
        portal,
        proxy,
        desktop,
        user,
        password,
    }
}

/// How many cases the portal's bootstrap gives this user.
async fn portal_case_count(base: &str, user: &str, password: &str) -> i64 {
    let session = PortalUser::login(base, user, password).await;
    let text = http()
        .get(format!("{base}/api/v1/office/sync/bootstrap"))
        .bearer_auth(&session.token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let begin: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    begin["cases"].as_i64().unwrap()
}

/// Syncs once, then the first submitted case nobody has claimed, with its
/// Aktenzeichen.
fn synced_unassigned_case(desktop: &Desktop) -> (Value, String) {
    desktop.json(&["sync", "--once", "--no-prefetch"]);
    let case = first_case(
        desktop,
        &["--status", "submitted", "--assignee", "unassigned"],
    );
    let az = case["aktenzeichen"].as_str().unwrap().to_owned();
    (case, az)
}

/// The first case matching inbox `filters`.
fn first_case(desktop: &Desktop, filters: &[&str]) -> Value {
    let mut args = vec!["inbox", "--limit", "1"];
    args.extend_from_slice(filters);
    let inbox = desktop.json(&args);
    inbox["cases"][0].clone()
}

/// The first case matching inbox `filters` that has documents.
fn first_case_with_documents(desktop: &Desktop, filters: &[&str]) -> Value {
    let mut args = vec!["inbox", "--limit", "100"];
    args.extend_from_slice(filters);
    let inbox = desktop.json(&args);
    inbox["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|case| {
            let shown = desktop.json(&["show", case["aktenzeichen"].as_str().unwrap()]);
            !shown["case"]["documents"].as_array().unwrap().is_empty()
        })
        .unwrap_or_else(|| panic!("no case with documents among {filters:?}"))
        .clone()
}

fn notes_with(case: &Value, text: &str) -> usize {
    case["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["text"] == text)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bootstrap_then_incremental_sync() {
    let w = world().await;
    let expected = portal_case_count(&w.portal.base, &w.user, &w.password).await;
    assert!(expected > 0);

    let synced = w.desktop.json(&["sync", "--once", "--no-prefetch"]);
    assert_eq!(synced["report"]["bootstrapped"], expected);
    assert_eq!(synced["status"]["connection"]["state"], "online");
    let all = w.desktop.json(&["inbox", "--all", "--limit", "1"]);
    assert_eq!(all["total"], expected);

    // Someone else works on a case of the office; the next sync brings it.
    let case = first_case(&w.desktop, &["--status", "in_review"]);
    let case_id = case["case_id"].as_str().unwrap();
    let (lead, lead_password) = w.portal.login_of("team_lead", 0);
    let lead = PortalUser::login(&w.portal.base, &lead, &lead_password).await;
    let current = lead.case(case_id).await;
    let answer = lead
        .command(
            &current,
            "add_note",
            json!({"text": "Rückruf Bürgerin 14 Uhr"}),
        )
        .await;
    assert_eq!(answer["result"], "applied", "{answer}");

    let synced = w.desktop.json(&["sync", "--once", "--no-prefetch"]);
    assert_eq!(synced["report"]["bootstrapped"], 0);
    assert!(synced["report"]["changed"].as_i64().unwrap() >= 1);
    assert_eq!(synced["report"]["cursor"], answer["seq"]);
    let shown = w
        .desktop
        .json(&["show", case["aktenzeichen"].as_str().unwrap()]);
    assert_eq!(notes_with(&shown["case"], "Rückruf Bürgerin 14 Uhr"), 1);

    // The note is searchable at once, and so is the Aktenzeichen.
    let found = w.desktop.json(&["search", "Rückruf Bürgerin"]);
    assert_eq!(found["cases"][0]["case_id"], case_id);
    let az = case["aktenzeichen"].as_str().unwrap();
    let found = w.desktop.json(&["search", az]);
    assert_eq!(found["cases"][0]["case_id"], case_id);
    // Its start, typed in small letters, lists its series in order.
    let prefix = &az[..az.len() - 3];
    let series = w.desktop.json(&["search", &prefix.to_lowercase()]);
    let listed: Vec<&str> = series["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["aktenzeichen"].as_str().unwrap())
        .collect();
    assert!(listed.contains(&az), "{az} in {listed:?}");
    assert!(listed.iter().all(|l| l.starts_with(prefix)), "{listed:?}");
    assert!(listed.windows(2).all(|w| w[0] < w[1]), "{listed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_work_is_replayed_when_the_portal_returns() {
    let mut w = world().await;
    let (case, az) = synced_unassigned_case(&w.desktop);

    // The portal goes away. Work goes on.
    w.portal.kill();
    let claimed = w.desktop.json(&["claim", &az]);
    assert_eq!(claimed["state"], "pending");
    assert_eq!(claimed["send_error"]["code"], "offline");
    let noted = w
        .desktop
        .json(&["note", &az, "Unterlagen telefonisch angekündigt"]);
    assert_eq!(noted["state"], "pending");

    let status = w.desktop.json(&["status"]);
    assert_eq!(status["pending"], 2);
    let shown = w.desktop.json(&["show", &az]);
    assert_eq!(
        shown["case"]["status"], "in_review",
        "claimed locally at once"
    );
    assert_eq!(shown["outbox"].as_array().unwrap().len(), 2);
    let waiting = w.desktop.json(&["inbox", "--outbox", "pending"]);
    assert_eq!(waiting["total"], 1);
    let failed = w.desktop.error(&["sync", "--once", "--no-prefetch"]);
    assert_eq!(failed["code"], "offline");
    let status = w.desktop.json(&["status"]);
    assert_eq!(status["connection"]["state"], "offline");

    // Logging out keeps the outbox; sync then asks for a login.
    w.desktop.json(&["logout"]);
    assert_eq!(w.desktop.json(&["outbox"]).as_array().unwrap().len(), 2);

    // The portal comes back on its data.
    let portal = Portal::start(w.portal_dir.path());
    w.proxy.set_backend(portal.addr);
    let refused = w.desktop.error(&["sync", "--once", "--no-prefetch"]);
    assert_eq!(refused["code"], "not_logged_in");
    w.desktop.login(&w.proxy.base, &w.user, &w.password);
    let synced = w.desktop.json(&["sync", "--once", "--no-prefetch"]);
    assert_eq!(synced["report"]["sent"], 2);
    assert_eq!(synced["report"]["rejected"], 0);
    assert_eq!(synced["status"]["pending"], 0);
    assert!(w.desktop.json(&["outbox"]).as_array().unwrap().is_empty());

    let lead = PortalUser::login(&portal.base, &w.user, &w.password).await;
    let on_portal = lead.case(case["case_id"].as_str().unwrap()).await;
    assert_eq!(on_portal["assignee"], lead.id());
    assert_eq!(
        notes_with(&on_portal, "Unterlagen telefonisch angekündigt"),
        1
    );
    let shown = w.desktop.json(&["show", &az]);
    assert_eq!(shown["case"]["version"], on_portal["version"]);
    assert_eq!(shown["server_version"], on_portal["version"]);
}

/// Every session on the portal expires, access and refresh token alike, as after
/// a caseworker's weeks away. The portal is stopped meanwhile (its store is written
/// directly) and started again on the same data.
async fn expire_every_session(w: &mut World) {
    use sqlx::Connection;
    w.portal.kill();
    let url = format!(
        "sqlite://{}",
        w.portal_dir.path().join("casedesk.db").display()
    );
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let expired = sqlx::query(
        "UPDATE sessions SET access_expires_at = '2000' || substr(access_expires_at, 5), \
         refresh_expires_at = '2000' || substr(refresh_expires_at, 5)",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    assert!(
        expired.rows_affected() > 0,
        "the desktop's session is there"
    );
    conn.close().await.unwrap();
    w.portal = Portal::start(w.portal_dir.path());
    w.proxy.set_backend(w.portal.addr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_session_asks_for_a_login_and_keeps_the_outbox() {
    let mut w = world().await;
    let (case, az) = synced_unassigned_case(&w.desktop);
    expire_every_session(&mut w).await;

    // The refresh token is refused: the user is asked to log in, nothing is lost.
    let noted = w.desktop.json(&["note", &az, "Rückruf am Montag"]);
    assert_eq!(noted["state"], "pending");
    assert_eq!(noted["send_error"]["code"], "login_required", "{noted}");
    let refused = w.desktop.error(&["sync", "--once", "--no-prefetch"]);
    assert_eq!(refused["code"], "login_required", "{refused}");
    let status = w.desktop.json(&["status"]);
    assert_eq!(status["connection"]["state"], "login_required", "{status}");
    assert_eq!(status["pending"], 1);
    let outbox = w.desktop.json(&["outbox"]);
    assert_eq!(outbox.as_array().unwrap().len(), 1, "{outbox}");

    // A new login sends what waited, once.
    w.desktop.login(&w.proxy.base, &w.user, &w.password);
    let synced = w.desktop.json(&["sync", "--once", "--no-prefetch"]);
    assert_eq!(synced["report"]["sent"], 1, "{synced}");
    assert_eq!(synced["status"]["pending"], 0);
    // A fresh process starts idle again: the login cleared the refusal.
    let status = w.desktop.json(&["status"]);
    assert_eq!(status["connection"]["state"], "idle", "{status}");
    let user = PortalUser::login(&w.portal.base, &w.user, &w.password).await;
    let on_portal = user.case(case["case_id"].as_str().unwrap()).await;
    assert_eq!(notes_with(&on_portal, "Rückruf am Montag"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_killed_midway_is_neither_lost_nor_doubled() {
    let w = world().await;
    w.desktop.json(&["sync", "--once", "--no-prefetch"]);
    let case = first_case(&w.desktop, &["--status", "in_review"]);
    let az = case["aktenzeichen"].as_str().unwrap().to_owned();
    let case_id = case["case_id"].as_str().unwrap().to_owned();
    let text = "genau einmal";

    // The portal receives the batch and applies it; its reply never arrives; the
    // desktop process is killed while it waits.
    w.proxy.set_fault(Fault::SwallowCommandReplies);
    let mut child = w.desktop.command(&["note", &az, text]).spawn().unwrap();
    let portal = PortalUser::login(&w.portal.base, &w.user, &w.password).await;
    let deadline = Instant::now() + Duration::from_secs(60);
    while notes_with(&portal.case(&case_id).await, text) == 0 {
        assert!(Instant::now() < deadline, "the portal never got the note");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    w.proxy.set_fault(Fault::None);

    // The command survived the kill and is still unconfirmed.
    let outbox = w.desktop.json(&["outbox"]);
    assert_eq!(outbox.as_array().unwrap().len(), 1);
    assert_eq!(outbox[0]["state"], "pending");

    // Sent again, the portal recognises it: applied once, not twice.
    let synced = w.desktop.json(&["sync", "--once", "--no-prefetch"]);
    assert_eq!(synced["report"]["sent"], 1);
    assert_eq!(synced["report"]["rejected"], 0);
    assert!(w.desktop.json(&["outbox"]).as_array().unwrap().is_empty());
    assert_eq!(notes_with(&portal.case(&case_id).await, text), 1);
    let shown = w.desktop.json(&["show", &az]);
    assert_eq!(notes_with(&shown["case"], text), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_reassigned_while_offline_comes_back_rejected() {
    let w = world().await;
    w.desktop.json(&["sync", "--once", "--no-prefetch"]);
    let case = first_case_with_documents(
        &w.desktop,
        &["--status", "submitted", "--assignee", "unassigned"],
    );
    let az = case["aktenzeichen"].as_str().unwrap().to_owned();
    let case_id = case["case_id"].as_str().unwrap().to_owned();
    let claimed = w.desktop.json(&["claim", &az]);
    assert_eq!(claimed["state"], "applied", "{claimed}");

    // Offline, the caseworker accepts a document.
    w.proxy.set_fault(Fault::Down);
    let reviewed = w.desktop.json(&["review", &az, "1", "--accept"]);
    assert_eq!(reviewed["state"], "pending");

    // Meanwhile the team lead takes the case over.
    let (lead, lead_password) = w.portal.login_of("team_lead", 0);
    let lead = PortalUser::login(&w.portal.base, &lead, &lead_password).await;
    let current = lead.case(&case_id).await;
    let answer = lead
        .command(&current, "assign", json!({"assignee": lead.id()}))
        .await;
    assert_eq!(answer["result"], "applied", "{answer}");

    // Back online: the review is refused, with the reason, and stays visible.
    w.proxy.set_fault(Fault::None);
    let synced = w.desktop.json(&["sync", "--once", "--no-prefetch"]);
    assert_eq!(synced["report"]["rejected"], 1);
    assert_eq!(synced["status"]["rejected"], 1);
    for _ in 0..2 {
        let outbox = w.desktop.json(&["outbox"]);
        assert_eq!(outbox.as_array().unwrap().len(), 1, "{outbox}");
        assert_eq!(outbox[0]["state"], "rejected");
        assert_eq!(outbox[0]["command"]["kind"], "review_document");
        assert_eq!(outbox[0]["rejection_code"], "not_assignee", "{outbox}");
        assert!(!outbox[0]["rejection_message"].as_str().unwrap().is_empty());
        let shown = w.desktop.json(&["show", &az]);
        assert_eq!(shown["case"]["assignee"], lead.id());
        assert!(shown["case"]["documents"][0]["review"].is_null());
        assert_eq!(shown["outbox"][0]["state"], "rejected");
        let flagged = w.desktop.json(&["inbox", "--outbox", "rejected", "--all"]);
        assert_eq!(flagged["cases"][0]["case_id"], case_id.as_str());
        // Another sync does not make it go away.
        w.desktop.json(&["sync", "--once", "--no-prefetch"]);
    }

    // Retrying on the current state is refused at once (the case is not theirs), and
    // the entry is still there; discarding removes it.
    let command_id = w.desktop.json(&["outbox"])[0]["command_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let refused = w.desktop.error(&["outbox", "retry", &command_id]);
    assert_eq!(refused["code"], "refused");
    assert_eq!(w.desktop.json(&["outbox"]).as_array().unwrap().len(), 1);
    w.desktop.json(&["outbox", "discard", &command_id]);
    assert!(w.desktop.json(&["outbox"]).as_array().unwrap().is_empty());
    assert_eq!(w.desktop.json(&["status"])["rejected"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bootstrap_cut_off_midway_resumes() {
    let w = world().await;
    let expected = portal_case_count(&w.portal.base, &w.user, &w.password).await;
    // Some dozens of cases get through (60 kB of frames), after the dictionary of
    // the user's office, which the resumed bootstrap's frames name as well.
    w.proxy.set_fault(Fault::CutBootstrapAfter(60_000));
    let failed = w.desktop.error(&["sync", "--once", "--no-prefetch"]);
    assert_eq!(failed["code"], "offline", "{failed}");
    let partial = w.desktop.server_states().await.len() as i64;
    assert!(
        partial > 0 && partial < expected,
        "{partial} of {expected} cases after the cut"
    );
    let dictionaries = "SELECT count(*) FROM case_dictionaries";
    assert_eq!(w.desktop.scalar(dictionaries).await, 1);

    w.proxy.set_fault(Fault::None);
    let synced = w.desktop.json(&["sync", "--once", "--no-prefetch"]);
    assert_eq!(
        synced["report"]["bootstrapped"].as_i64().unwrap(),
        expected - partial,
        "only the rest is loaded"
    );
    let requests = w.proxy.requests();
    let bootstraps: Vec<&String> = requests
        .iter()
        .filter(|r| r.contains("/sync/bootstrap"))
        .collect();
    assert_eq!(bootstraps.len(), 2, "{bootstraps:?}");
    assert!(bootstraps[1].contains("?after="), "{bootstraps:?}");
    // Every case reads back, and every one is the portal's frame made with its
    // office's dictionary: a zstd frame (its magic number) whose header names a
    // dictionary (the low two bits of the frame header's first byte).
    let states = w.desktop.server_states().await;
    assert_eq!(states.len() as i64, expected);
    assert_eq!(w.desktop.scalar(dictionaries).await, 1);
    let without = "SELECT count(*) FROM case_json WHERE substr(server, 1, 4) != x'28B52FFD' \
                   OR substr(hex(substr(server, 5, 1)), 2, 1) IN ('0', '4', '8', 'C')";
    assert_eq!(w.desktop.scalar(without).await, 0);
    let all = w.desktop.json(&["inbox", "--all", "--limit", "1"]);
    assert_eq!(all["total"], expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_corrupted_in_transit_is_refused() {
    let w = world().await;
    w.desktop.json(&["sync", "--once", "--no-prefetch"]);
    let case = first_case_with_documents(&w.desktop, &["--status", "in_review"]);
    let az = case["aktenzeichen"].as_str().unwrap().to_owned();
    let shown = w.desktop.json(&["show", &az]);
    let document = shown["case"]["documents"][0].clone();
    let out = w.desktop.data_dir().join("saved.pdf");
    let out_arg = out.to_str().unwrap();

    w.proxy.set_fault(Fault::CorruptBlobs);
    let refused = w.desktop.error(&["document", &az, "1", "--out", out_arg]);
    assert_eq!(refused["code"], "blob_corrupt", "{refused}");
    assert!(!out.exists(), "nothing corrupted is handed out");
    let blob_requests = w
        .proxy
        .requests()
        .iter()
        .filter(|r| r.contains("/blobs/"))
        .count();
    assert_eq!(blob_requests, 2, "discarded and fetched again once");

    w.proxy.set_fault(Fault::None);
    w.desktop.json(&["document", &az, "1", "--out", out_arg]);
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(hex::encode(Sha256::digest(&bytes)), document["sha256"]);
    assert_eq!(bytes.len() as i64, document["size"].as_i64().unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_desktops_converge() {
    let w = world().await;
    let office = w.portal.office_of(&w.user);
    let (colleague, colleague_password) = (0..)
        .map(|n| w.portal.login_of("caseworker", n))
        .find(|(user, _)| *user != w.user && w.portal.office_of(user) == office)
        .unwrap();
    let other = Desktop::new();
    other.login(&w.proxy.base, &colleague, &colleague_password);
    w.desktop.json(&["sync", "--once", "--no-prefetch"]);
    other.json(&["sync", "--once", "--no-prefetch"]);
    let case = first_case(&w.desktop, &["--status", "in_review"]);
    let az = case["aktenzeichen"].as_str().unwrap().to_owned();

    // Both write on the same case at about the same time, one of them offline.
    w.proxy.set_fault(Fault::Down);
    w.desktop.json(&["note", &az, "Notiz von Schreibtisch A"]);
    w.proxy.set_fault(Fault::None);
    other.json(&["note", &az, "Notiz von Schreibtisch B"]);
    w.desktop.json(&["sync", "--once", "--no-prefetch"]);
    other.json(&["sync", "--once", "--no-prefetch"]);

    let a = w.desktop.server_states().await;
    let b = other.server_states().await;
    assert_eq!(a.len(), b.len());
    assert_eq!(a, b, "both desktops hold the same portal states");
    for desktop in [&w.desktop, &other] {
        let shown = desktop.json(&["show", &az]);
        assert_eq!(notes_with(&shown["case"], "Notiz von Schreibtisch A"), 1);
        assert_eq!(notes_with(&shown["case"], "Notiz von Schreibtisch B"), 1);
        assert!(shown["outbox"].as_array().unwrap().is_empty());
    }
}

/// The size of the largest document of the cases assigned to the desktop's user.
fn largest_document_of_my_cases(desktop: &Desktop) -> u64 {
    let mine = desktop.json(&["inbox", "--assignee", "me", "--limit", "1000"]);
    mine["cases"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| {
            let az = row["aktenzeichen"].as_str().unwrap();
            let shown = desktop.json(&["show", az]);
            shown["case"]["documents"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["size"].as_u64().unwrap())
                .collect::<Vec<_>>()
        })
        .max()
        .unwrap_or(0)
}

/// A minimal valid PDF, as the portal's content check requires.
fn letter_pdf(text: &str) -> Vec<u8> {
    format!(
        "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% {text}\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )
    .into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_resume_stay_in_budget_and_letters_upload_before_their_decision() {
    let w = world().await;
    w.desktop.json(&["sync", "--once", "--no-prefetch"]);
    let case = first_case_with_documents(
        &w.desktop,
        &["--status", "submitted", "--assignee", "unassigned"],
    );
    let az = case["aktenzeichen"].as_str().unwrap().to_owned();
    let case_id = case["case_id"].as_str().unwrap().to_owned();
    let documents = w.desktop.json(&["show", &az])["case"]["documents"].clone();
    let first = documents[0].clone();
    let out = w.desktop.data_dir().join("first.bin");
    let out_arg = out.to_str().unwrap().to_owned();

    // A download cut off midway resumes with Range where it stopped.
    w.proxy.set_fault(Fault::CutBlobsAfter(1200));
    let cut = w.desktop.error(&["document", &az, "1", "--out", &out_arg]);
    assert_eq!(cut["code"], "offline", "{cut}");
    w.proxy.set_fault(Fault::None);
    w.desktop.json(&["document", &az, "1", "--out", &out_arg]);
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(hex::encode(Sha256::digest(&bytes)), first["sha256"]);
    let ranges: Vec<String> = w
        .proxy
        .requests()
        .into_iter()
        .filter(|r| r.to_ascii_lowercase().starts_with("range: bytes="))
        .collect();
    assert_eq!(ranges.len(), 1, "{ranges:?}");
    let resumed_at: u64 = ranges[0]["range: bytes=".len()..]
        .trim_end_matches('-')
        .parse()
        .unwrap();
    assert!(resumed_at > 0 && resumed_at < first["size"].as_u64().unwrap());

    // Prefetch of the user's cases within a budget smaller than their documents: the
    // cache stays within it, evicting the least recently used.
    let claimed = w.desktop.json(&["claim", &az]);
    assert_eq!(claimed["state"], "applied");
    let total: u64 = documents
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["size"].as_u64().unwrap())
        .sum();
    // Every document of the user's cases is fetched, and the one just fetched stays
    // even when it alone is over the budget: the budget is at least the largest.
    let largest = largest_document_of_my_cases(&w.desktop);
    let budget = total.saturating_sub(1).max(largest).max(1);
    let output = w
        .desktop
        .command(&["sync", "--once"])
        .env("CASEDESK_BLOB_BUDGET_BYTES", budget.to_string())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let cached: u64 = walk_files(&w.desktop.data_dir().join("blobs"))
        .iter()
        .map(|p| std::fs::metadata(p).unwrap().len())
        .sum();
    assert!(
        cached <= budget,
        "{cached} bytes cached with a budget of {budget}"
    );

    // Offline, the caseworker decides with a letter made on this desktop: both wait;
    // online, the letter goes up first and the decision refers to it. The outcome is
    // the one applied for, whatever the service's law calls it.
    let applied_for = w.desktop.json(&["show", &az])["law"]["outcomes"][0]["outcome"]
        .as_str()
        .unwrap()
        .to_owned();
    w.proxy.set_fault(Fault::Down);
    let letter = w.desktop.data_dir().join("bescheid.pdf");
    let pdf = letter_pdf("Bescheid");
    std::fs::write(&letter, &pdf).unwrap();
    let decided = w.desktop.json(&[
        "decide",
        &az,
        "--outcome",
        &applied_for,
        "--letter",
        letter.to_str().unwrap(),
    ]);
    assert_eq!(decided["state"], "pending");
    // A download with a budget of one byte evicts everything it may, but never the
    // letter the pending decision needs.
    w.proxy.set_fault(Fault::None);
    let sha = hex::encode(Sha256::digest(&pdf));
    let output = w
        .desktop
        .command(&["document", &az, "2", "--out", &out_arg])
        .env("CASEDESK_BLOB_BUDGET_BYTES", "1")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let left: Vec<String> = walk_files(&w.desktop.data_dir().join("blobs"))
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(left.contains(&sha), "the pending letter stays: {left:?}");
    assert_eq!(
        left.len(),
        2,
        "the letter and the document just fetched: {left:?}"
    );
    let synced = w.desktop.json(&["sync", "--once", "--no-prefetch"]);
    assert_eq!(synced["report"]["sent"], 1, "{synced}");
    assert_eq!(synced["report"]["rejected"], 0, "{synced}");
    let requests = w.proxy.requests();
    let put = requests
        .iter()
        .position(|r| r.starts_with("PUT /api/v1/office/blobs/"));
    let post = requests
        .iter()
        .rposition(|r| r.starts_with("POST /api/v1/office/commands"));
    assert!(put.is_some() && put < post, "{requests:?}");
    let portal = PortalUser::login(&w.portal.base, &w.user, &w.password).await;
    let on_portal = portal.case(&case_id).await;
    assert_eq!(on_portal["decision"]["letter_sha256"], sha.as_str());
    assert_eq!(portal.blob(&sha).await, pdf);

    // Logging out with --wipe leaves no cache behind.
    let dictionaries = "SELECT count(*) FROM case_dictionaries";
    assert_eq!(w.desktop.scalar(dictionaries).await, 1);
    w.desktop.json(&["logout", "--wipe"]);
    assert!(walk_files(&w.desktop.data_dir().join("blobs")).is_empty());
    assert!(w.desktop.server_states().await.is_empty());
    // Nor the compression dictionary, which holds fragments of the cases.
    assert_eq!(w.desktop.scalar(dictionaries).await, 0);
}

fn walk_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return files;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk_files(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// Reads the JSON lines a running `casedesk --json sync` prints until one matches.
fn wait_for_line(
    lines: &std::sync::mpsc::Receiver<Value>,
    what: &str,
    matches: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let line = lines
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .unwrap_or_else(|_| panic!("no {what} announced"));
        if matches(&line) {
            return line;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn following_live_announces_portal_changes_and_going_offline() {
    use std::io::BufRead;
    let mut w = world().await;
    w.desktop.json(&["sync", "--once", "--no-prefetch"]);
    let case = first_case(&w.desktop, &["--status", "in_review"]);
    let case_id = case["case_id"].as_str().unwrap().to_owned();

    let mut child = w
        .desktop
        .command(&["sync", "--no-prefetch"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (sender, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if let Ok(value) = serde_json::from_str::<Value>(&line)
                && sender.send(value).is_err()
            {
                break;
            }
        }
    });
    wait_for_line(&lines, "online status", |l| {
        l["type"] == "sync_status" && l["connection"]["state"] == "online"
    });

    // A change on the portal is pushed to the following desktop, not polled for.
    let (lead, lead_password) = w.portal.login_of("team_lead", 0);
    let lead = PortalUser::login(&w.portal.base, &lead, &lead_password).await;
    let current = lead.case(&case_id).await;
    let answer = lead
        .command(&current, "add_note", json!({"text": "live angekommen"}))
        .await;
    assert_eq!(answer["result"], "applied", "{answer}");
    wait_for_line(&lines, "the changed case", |l| {
        l["type"] == "case_changed"
            && l["case_ids"]
                .as_array()
                .is_some_and(|ids| ids.iter().any(|id| id == case_id.as_str()))
    });

    // The portal dies: the status light says offline, with the time.
    w.portal.kill();
    let offline = wait_for_line(&lines, "offline status", |l| {
        l["type"] == "sync_status" && l["connection"]["state"] == "offline"
    });
    assert!(offline["connection"]["since"].is_string(), "{offline}");
    child.kill().unwrap();
    child.wait().unwrap();
    let shown = w
        .desktop
        .json(&["show", case["aktenzeichen"].as_str().unwrap()]);
    assert_eq!(notes_with(&shown["case"], "live angekommen"), 1);
}
