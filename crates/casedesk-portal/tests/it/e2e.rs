//! End to end: the real `casedesk-portal` binary on `127.0.0.1:0`, real HTTP over
//! sockets, real signals.

use std::io::Write;
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use casedesk_domain::CaseAggregate;
use casedesk_domain::frames;
use casedesk_domain::wire::BootstrapMarker;
use casedesk_tests::portal::{Portal, PortalUser, http as client};
use futures::StreamExt;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

fn start(data_dir: &Path) -> Portal {
    Portal::start(data_dir)
}

async fn login(portal: &Portal, user: &str, password: &str) -> String {
    PortalUser::login(&portal.base, user, password).await.token
}

/// The first demo login (`a.becker`, a caseworker) as (user, password).
fn demo_caseworker(portal: &Portal) -> (String, String) {
    portal.login_of("caseworker", 0)
}

async fn bootstrap(portal: &Portal, token: &str) -> (BootstrapMarker, Vec<CaseAggregate>) {
    let text = client()
        .get(format!("{}/api/v1/office/sync/bootstrap", portal.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut lines = text.lines();
    let begin: BootstrapMarker = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert_eq!(begin.bootstrap, "begin");
    let rest: Vec<&str> = lines.collect();
    let (end, cases) = rest.split_last().unwrap();
    let end: BootstrapMarker = serde_json::from_str(end).unwrap();
    assert_eq!(end.bootstrap, "end");
    assert_eq!((end.seq, end.cases), (begin.seq, begin.cases));
    let cases: Vec<CaseAggregate> = cases
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(cases.len() as i64, begin.cases);
    (begin, cases)
}

async fn post_commands(portal: &Portal, token: &str, commands: &Value) -> Vec<Value> {
    let reply: Value = client()
        .post(format!("{}/api/v1/office/commands", portal.base))
        .bearer_auth(token)
        .json(commands)
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .json()
        .await
        .unwrap();
    reply["answers"].as_array().unwrap().clone()
}

async fn changes(portal: &Portal, token: &str, after: i64) -> Value {
    client()
        .get(format!(
            "{}/api/v1/office/sync/changes?after={after}",
            portal.base
        ))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn note(case: &CaseAggregate, text: &str) -> Value {
    json!({"command_id": Uuid::now_v7(), "case_id": case.id, "base_version": case.version,
           "kind": "add_note", "payload": {"text": text}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_portal_syncs_over_real_sockets() {
    let dir = tempfile::tempdir().unwrap();
    let portal = start(dir.path());
    let login_lines: Vec<&String> = portal
        .banner
        .iter()
        .filter(|l| l.contains(" / ") && !l.starts_with("Citizens: "))
        .collect();
    assert!(login_lines.len() >= 12, "demo logins: {:?}", portal.banner);
    assert!(
        portal
            .banner
            .iter()
            .any(|l| l.starts_with("Citizens: ") && l.ends_with(" / buerger-demo-2026")),
        "the citizens' password: {:?}",
        portal.banner
    );
    for line in &login_lines {
        let shape = line
            .split_once(" / ")
            .and_then(|(_, rest)| rest.split_once("  ("));
        assert!(shape.is_some_and(|(_, tail)| tail.ends_with(')')), "{line}");
    }
    let (user, password) = demo_caseworker(&portal);
    let token = login(&portal, &user, &password).await;

    // The bootstrap is compressed when the client asks for it.
    let raw = reqwest::Client::builder()
        .no_zstd()
        .no_gzip()
        .build()
        .unwrap();
    let response = raw
        .get(format!("{}/api/v1/office/sync/bootstrap", portal.base))
        .bearer_auth(&token)
        .header("accept-encoding", "zstd")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-encoding"], "zstd");
    assert_eq!(response.headers()["content-type"], "application/x-ndjson");
    // A client that drops the stream after the first chunk does not hurt the portal.
    let mut stream = response.bytes_stream();
    assert!(!stream.next().await.unwrap().unwrap().is_empty());
    drop(stream);

    let (begin, cases) = bootstrap(&portal, &token).await;
    assert!(cases.len() > 50, "only {} cases", cases.len());

    // Asked for as frames, the same cases come as stored zstd frames, after the
    // dictionary of the caseworker's office, and nothing compresses them again.
    let response = raw
        .get(format!("{}/api/v1/office/sync/bootstrap", portal.base))
        .bearer_auth(&token)
        .header("accept", frames::MEDIA_TYPE)
        .header("accept-encoding", "zstd")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], frames::MEDIA_TYPE);
    assert!(response.headers().get("content-encoding").is_none());
    assert_eq!(response.headers()["vary"], "accept");
    let body = response.bytes().await.unwrap();
    let codec = frames::Codec::default();
    let (mut markers, mut dictionaries, mut framed) = (Vec::new(), 0, Vec::new());
    let mut at = 0;
    while at < body.len() {
        let frames::Record { kind, payload, len } =
            frames::next_record(&body[at..]).unwrap().unwrap();
        match kind {
            frames::RecordKind::Begin | frames::RecordKind::End => {
                markers.push(serde_json::from_slice::<BootstrapMarker>(payload).unwrap());
            }
            frames::RecordKind::Dictionary => {
                assert!(framed.is_empty(), "dictionaries come first");
                let dictionary = frames::Dictionary::from_bytes(payload.to_vec()).unwrap();
                codec.register(std::sync::Arc::new(dictionary));
                dictionaries += 1;
            }
            frames::RecordKind::Case => {
                assert!(
                    frames::dictionary_of(payload).is_some(),
                    "made with the dictionary"
                );
                let case: CaseAggregate =
                    serde_json::from_str(&codec.unpack(payload).unwrap()).unwrap();
                framed.push(case);
            }
        }
        at += len;
    }
    assert_eq!(dictionaries, 1, "one office, one dictionary");
    assert_eq!(markers.len(), 2);
    assert_eq!((markers[0].seq, markers[1].cases), (begin.seq, begin.cases));
    assert_eq!(framed, cases);
    let statuses: std::collections::HashSet<_> = cases.iter().map(|c| c.status).collect();
    assert!(statuses.len() >= 4, "{statuses:?}");

    // Nothing changed since the snapshot.
    let page = changes(&portal, &token, begin.seq).await;
    assert_eq!(page["changes"].as_array().unwrap().len(), 0);
    assert_eq!(page["next_cursor"], begin.seq);

    // The live stream pokes with the new seq after a command.
    let mut live = client()
        .get(format!("{}/api/v1/office/sync/live", portal.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .bytes_stream();
    let mut seen = String::new();
    let first_seq = next_seq(&mut live, &mut seen).await;
    assert_eq!(first_seq, begin.seq);
    let case = &cases[0];
    let answers = post_commands(
        &portal,
        &token,
        &json!({"commands": [note(case, "Rückruf am Montag")]}),
    )
    .await;
    assert_eq!(answers[0]["result"], "applied", "{answers:?}");
    let poked = next_seq(&mut live, &mut seen).await;
    assert!(poked > first_seq);
    let page = changes(&portal, &token, begin.seq).await;
    assert_eq!(page["changes"][0]["id"], json!(case.id));
    assert_eq!(page["next_cursor"], poked);

    // Documents download whole and by range, and match their hash.
    let document = cases
        .iter()
        .flat_map(|c| &c.documents)
        .next()
        .expect("a document");
    let url = format!("{}/api/v1/office/blobs/{}", portal.base, document.sha256);
    let whole = client()
        .get(&url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(hex::encode(Sha256::digest(&whole)), document.sha256);
    let part = client()
        .get(&url)
        .bearer_auth(&token)
        .header("range", "bytes=0-3")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(part.bytes().await.unwrap(), whole.slice(0..4));

    // A citizen registers, applies with a real upload, and the office sees it.
    let services: Value = client()
        .get(format!("{}/api/v1/citizen/services", portal.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(services.as_array().unwrap().iter().any(|s| s["id"] == "MB"));
    let session: Value = client()
        .post(format!("{}/api/v1/citizen/account", portal.base))
        .json(&json!({"email": "e2e@example.org", "password": "ein-langes-passwort", "given_name": "Lena",
                       "family_name": "Schäfer", "street": "Domstraße 3", "postal_code": "32423", "city": "Minden"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let citizen_token = session["access_token"].as_str().unwrap();
    let form = application_form(&services, "MB");
    let receipt = client()
        .post(format!("{}/api/v1/citizen/applications", portal.base))
        .bearer_auth(citizen_token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(receipt.status(), 201, "{}", receipt.text().await.unwrap());
    let receipt: Value = receipt.json().await.unwrap();
    let az = receipt["aktenzeichen"].as_str().unwrap();
    let page = changes(&portal, &token, poked).await;
    assert!(
        page["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["aktenzeichen"] == az)
    );
}

/// An application for a service, its required fields filled with valid values derived
/// from the service's definition and a PDF for each unconditionally required document.
fn application_form(services: &Value, id: &str) -> reqwest::multipart::Form {
    let service = services
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap();
    let mut values = serde_json::Map::new();
    for field in service["fields"].as_array().unwrap() {
        if field["required"] != true {
            continue;
        }
        let value = match field["type"].as_str().unwrap() {
            "text" => json!("Angabe"),
            "number" => field["min"].clone(),
            "date" => json!("2026-12-01"),
            "boolean" => json!(false),
            "select" => field["options"][0].clone(),
            other => panic!("unknown field type {other}"),
        };
        values.insert(field["key"].as_str().unwrap().to_owned(), value);
    }
    let mut form = reqwest::multipart::Form::new().text(
        "application",
        json!({"service_id": id, "form": values}).to_string(),
    );
    for document in service["required_documents"].as_array().unwrap() {
        if document.get("when").is_some() {
            continue;
        }
        let key = document["key"].as_str().unwrap();
        let part = reqwest::multipart::Part::bytes(minimal_pdf()).file_name(format!("{key}.pdf"));
        form = form.part(format!("doc.{key}"), part);
    }
    form
}

fn minimal_pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n".to_vec()
}

/// Reads Server-Sent Events until the next `seq` event and returns its value.
async fn next_seq(
    live: &mut (impl futures::Stream<Item = reqwest::Result<bytes::Bytes>> + Unpin),
    buffer: &mut String,
) -> i64 {
    loop {
        if let Some(end) = buffer.find("\n\n") {
            let event: String = buffer.drain(..end + 2).collect();
            if event.contains("event: seq") {
                let data = event
                    .lines()
                    .find_map(|l| l.strip_prefix("data: "))
                    .expect("data line");
                return data.trim().parse().unwrap();
            }
            continue;
        }
        let chunk = tokio::time::timeout(Duration::from_secs(30), live.next())
            .await
            .expect("no live event within 30 s")
            .expect("live stream ended")
            .unwrap();
        buffer.push_str(&String::from_utf8_lossy(&chunk));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_portal_keeps_every_acknowledged_command() {
    let dir = tempfile::tempdir().unwrap();
    let portal = start(dir.path());
    let (user, password) = demo_caseworker(&portal);
    let token = login(&portal, &user, &password).await;
    let (_, cases) = bootstrap(&portal, &token).await;
    let batch = json!({"commands": cases.iter().take(20).map(|c| note(c, "vor dem Absturz")).collect::<Vec<_>>()});
    let answers = post_commands(&portal, &token, &batch).await;
    assert!(
        answers.iter().all(|a| a["result"] == "applied"),
        "{answers:?}"
    );

    // SIGKILL: no chance to flush anything.
    let mut portal = portal;
    portal.kill();
    drop(portal);

    let portal = start(dir.path());
    assert!(
        portal.banner.is_empty(),
        "the demo tenant was created twice"
    );
    let token = login(&portal, &user, &password).await;
    let again = post_commands(&portal, &token, &batch).await;
    for (first, second) in answers.iter().zip(&again) {
        assert_eq!(second["result"], "duplicate");
        assert_eq!(&second["first"], first);
    }
    let (_, after) = bootstrap(&portal, &token).await;
    for case in cases.iter().take(20) {
        let now = after.iter().find(|c| c.id == case.id).unwrap();
        assert_eq!(now.version, case.version + 1);
        assert_eq!(now.notes.last().unwrap().text, "vor dem Absturz");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_cut_off_midway_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let portal = start(dir.path());
    let (user, password) = demo_caseworker(&portal);
    let token = login(&portal, &user, &password).await;
    let mut body = minimal_pdf();
    body.resize(200_000, b' ');
    let sha = hex::encode(Sha256::digest(&body));
    let address = portal.base.trim_start_matches("http://");
    let mut socket = TcpStream::connect(address).unwrap();
    write!(
        socket,
        "PUT /api/v1/office/blobs/{sha} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/pdf\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    socket.write_all(&body[..50_000]).unwrap();
    socket.flush().unwrap();
    drop(socket);

    // The portal notices the dropped connection and cleans its spool.
    let url = format!("{}/api/v1/office/blobs/{sha}", portal.base);
    let spool = dir.path().join("spool");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::fs::read_dir(&spool).unwrap().count() > 0 {
        assert!(Instant::now() < deadline, "the spool file stayed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let reply = client().get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(reply.status(), 404);
    // The whole upload afterwards works.
    let reply = client()
        .put(&url)
        .bearer_auth(&token)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_ends_live_streams_and_exits_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let mut portal = start(dir.path());
    let (user, password) = demo_caseworker(&portal);
    let token = login(&portal, &user, &password).await;
    let mut live = client()
        .get(format!("{}/api/v1/office/sync/live", portal.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .bytes_stream();
    let mut seen = String::new();
    next_seq(&mut live, &mut seen).await;
    let status = Command::new("kill")
        .args(["-TERM", &portal.pid().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    // The live stream ends instead of holding the shutdown open.
    let ended = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(chunk) = live.next().await {
            if chunk.is_err() {
                break;
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the live stream outlived the shutdown");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = portal.try_wait() {
            assert!(status.success(), "exit status {status}");
            break;
        }
        assert!(Instant::now() < deadline, "the portal did not exit");
        std::thread::sleep(Duration::from_millis(100));
    }
}
