//! The HTTP API in-process (`router().oneshot(request)`): who may do what, and how
//! bad input is answered.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use base64::Engine as _;
use casedesk_domain::CaseAggregate;
use casedesk_domain::command::CommandKind;
use casedesk_portal::api::{AppState, router};
use casedesk_portal::config::Config;
use casedesk_portal::store::{Principal, StaffUser};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tower::ServiceExt;

use crate::support::{Fixture, PASSWORD, fixture};

const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";
const PNG: &[u8] = &[
    0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R',
];

struct Api {
    app: Router,
    state: AppState,
    fx: Fixture,
    _dir: tempfile::TempDir,
}

async fn api() -> Api {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config {
        data_dir: dir.path().to_owned(),
        ..Config::default()
    };
    config.limits.max_json_bytes = 64 * 1024;
    config.limits.max_upload_bytes = 64 * 1024;
    config.limits.max_commands_per_batch = 10;
    let state = casedesk_portal::server::open_state(config).await.unwrap();
    let fx = fixture(state.db.clone()).await;
    Api {
        app: router(state.clone()),
        state,
        fx,
        _dir: dir,
    }
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&self.body)))
    }

    fn code(&self) -> String {
        self.json()["code"].as_str().unwrap_or_default().to_owned()
    }
}

impl Api {
    async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        Reply {
            status,
            headers,
            body,
        }
    }

    async fn login(&self, user: &str) -> String {
        let reply = self
            .send(json_request(
                "POST",
                "/api/v1/office/session",
                None,
                &json!({"user": user, "password": PASSWORD}),
            ))
            .await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&reply.body)
        );
        reply.json()["access_token"].as_str().unwrap().to_owned()
    }

    async fn citizen_token(&self, email: &str) -> String {
        let reply = self
            .send(json_request(
                "POST",
                "/api/v1/citizen/session",
                None,
                &json!({"email": email, "password": PASSWORD}),
            ))
            .await;
        assert_eq!(reply.status, StatusCode::OK);
        reply.json()["access_token"].as_str().unwrap().to_owned()
    }

    /// A case of office A with a real stored PDF attached.
    async fn case_with_document(&self) -> (CaseAggregate, String) {
        let accepted = self
            .state
            .accept_bytes(PDF.to_vec(), &Principal::Citizen(self.fx.erika.clone()))
            .await
            .unwrap();
        (
            self.fx.submit_with(&self.fx.erika, &accepted.sha256).await,
            accepted.sha256,
        )
    }
}

fn json_request(method: &str, uri: &str, token: Option<&str>, body: &Value) -> Request<Body> {
    raw_request(
        method,
        uri,
        token,
        "application/json",
        body.to_string().into_bytes(),
    )
}

fn raw_request(
    method: &str,
    uri: &str,
    token: Option<&str>,
    content_type: &str,
    body: Vec<u8>,
) -> Request<Body> {
    let mut builder = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, content_type);
    if let Some(token) = token {
        builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    builder.body(Body::from(body)).unwrap()
}

fn get(uri: &str, token: Option<&str>) -> Request<Body> {
    let mut builder = Request::builder().uri(uri);
    if let Some(token) = token {
        builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    builder.body(Body::empty()).unwrap()
}

fn command_json(case: &CaseAggregate, kind: &CommandKind) -> Value {
    let command = crate::support::command(case, kind.clone());
    json!({"commands": [command]})
}

/// One cell of the authorization matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Applied,
    Rejected(&'static str),
}

async fn run_command(api: &Api, token: &str, case: &CaseAggregate, kind: CommandKind) -> Expect {
    let reply = api
        .send(json_request(
            "POST",
            "/api/v1/office/commands",
            Some(token),
            &command_json(case, &kind),
        ))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let answer = &reply.json()["answers"][0];
    match answer["result"].as_str().unwrap() {
        "applied" => Expect::Applied,
        "rejected" => Expect::Rejected(match answer["code"].as_str().unwrap() {
            "not_permitted" => "not_permitted",
            "unknown_case" => "unknown_case",
            other => panic!("unexpected rejection {other}"),
        }),
        other => panic!("unexpected result {other}"),
    }
}

/// Role × office × action, each cell on a fresh case so cells cannot influence
/// each other. The store filters by office; the domain decides by role.
#[tokio::test]
async fn authorization_matrix() {
    let api = api().await;
    let fx = &api.fx;
    struct Row<'a> {
        who: &'a StaffUser,
        sees: bool,
        claim: Expect,
        assign: Expect,
        note: Expect,
    }
    use Expect::*;
    let rows = [
        // Caseworker of the case's office.
        Row {
            who: &fx.anna,
            sees: true,
            claim: Applied,
            assign: Rejected("not_permitted"),
            note: Applied,
        },
        // Team lead of the case's office.
        Row {
            who: &fx.lead,
            sees: true,
            claim: Applied,
            assign: Applied,
            note: Applied,
        },
        // Caseworker of another office: the case does not exist for her.
        Row {
            who: &fx.clara,
            sees: false,
            claim: Rejected("unknown_case"),
            assign: Rejected("unknown_case"),
            note: Rejected("unknown_case"),
        },
        // Admin of the office: sees the case, does no case work.
        Row {
            who: &fx.admin,
            sees: true,
            claim: Rejected("not_permitted"),
            assign: Rejected("not_permitted"),
            note: Rejected("not_permitted"),
        },
    ];
    for row in rows {
        let token = api.login(&row.who.name).await;
        let (case, sha) = api.case_with_document().await;

        let changes = api
            .send(get(
                "/api/v1/office/sync/changes?after=0&limit=1000",
                Some(&token),
            ))
            .await;
        assert_eq!(changes.status, StatusCode::OK);
        let visible = changes.json()["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == json!(case.id));
        assert_eq!(visible, row.sees, "{} sees the case", row.who.name);
        let blob = api
            .send(get(&format!("/api/v1/office/blobs/{sha}"), Some(&token)))
            .await;
        let expected_blob = if row.sees {
            StatusCode::OK
        } else {
            StatusCode::NOT_FOUND
        };
        assert_eq!(
            blob.status, expected_blob,
            "{} reads the document",
            row.who.name
        );

        assert_eq!(
            run_command(&api, &token, &case, CommandKind::Claim).await,
            row.claim,
            "{} claims",
            row.who.name
        );
        let (case, _) = api.case_with_document().await;
        let assign = CommandKind::Assign {
            assignee: fx.bernd.id,
        };
        assert_eq!(
            run_command(&api, &token, &case, assign).await,
            row.assign,
            "{} assigns",
            row.who.name
        );
        let note = CommandKind::AddNote {
            text: "Rückruf erbeten".into(),
        };
        assert_eq!(
            run_command(&api, &token, &case, note).await,
            row.note,
            "{} adds a note",
            row.who.name
        );
    }
}

#[tokio::test]
async fn citizen_commands_are_refused_on_the_office_api() {
    let api = api().await;
    let token = api.login("anna").await;
    let (case, _) = api.case_with_document().await;
    let reply = api
        .send(json_request(
            "POST",
            "/api/v1/office/commands",
            Some(&token),
            &command_json(&case, &CommandKind::Withdraw { reason: None }),
        ))
        .await;
    assert_eq!(reply.json()["answers"][0]["code"], "not_permitted");
}

#[tokio::test]
async fn missing_wrong_and_foreign_tokens_are_refused() {
    let api = api().await;
    let reply = api.send(get("/api/v1/office/me", None)).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.headers[header::WWW_AUTHENTICATE], "Bearer");
    assert_eq!(reply.code(), "unauthorized");
    let reply = api
        .send(get("/api/v1/office/me", Some("made-up-token")))
        .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    let citizen = api.citizen_token("erika@example.org").await;
    let reply = api.send(get("/api/v1/office/me", Some(&citizen))).await;
    assert_eq!(
        reply.status,
        StatusCode::UNAUTHORIZED,
        "a citizen token opened the office API"
    );
    let staff = api.login("anna").await;
    let reply = api
        .send(get("/api/v1/citizen/applications", Some(&staff)))
        .await;
    assert_eq!(
        reply.status,
        StatusCode::UNAUTHORIZED,
        "a staff token opened the citizen API"
    );
}

#[tokio::test]
async fn sessions_refresh_once_and_log_out() {
    let api = api().await;
    let reply = api
        .send(json_request(
            "POST",
            "/api/v1/office/session",
            None,
            &json!({"user": "anna", "password": PASSWORD}),
        ))
        .await;
    let session = reply.json();
    assert_eq!(session["user"]["name"], "anna");
    let refresh = json!({"refresh_token": session["refresh_token"]});
    let renewed = api
        .send(json_request(
            "POST",
            "/api/v1/office/session/refresh",
            None,
            &refresh,
        ))
        .await;
    assert_eq!(renewed.status, StatusCode::OK);
    // The old refresh token was consumed.
    let replayed = api
        .send(json_request(
            "POST",
            "/api/v1/office/session/refresh",
            None,
            &refresh,
        ))
        .await;
    assert_eq!(replayed.status, StatusCode::UNAUTHORIZED);
    assert_eq!(replayed.code(), "session_expired");
    let token = renewed.json()["access_token"].as_str().unwrap().to_owned();
    let logout = api
        .send(
            Request::builder()
                .method("DELETE")
                .uri("/api/v1/office/session")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(logout.status, StatusCode::NO_CONTENT);
    assert_eq!(
        api.send(get("/api/v1/office/me", Some(&token)))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn repeated_wrong_passwords_are_throttled_per_user() {
    let api = api().await;
    for _ in 0..5 {
        let reply = api
            .send(json_request(
                "POST",
                "/api/v1/office/session",
                None,
                &json!({"user": "anna", "password": "falsch"}),
            ))
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        assert_eq!(reply.code(), "wrong_credentials");
    }
    let reply = api
        .send(json_request(
            "POST",
            "/api/v1/office/session",
            None,
            &json!({"user": "anna", "password": PASSWORD}),
        ))
        .await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(reply.code(), "too_many_attempts");
    assert!(reply.headers.contains_key(header::RETRY_AFTER));
    // Another user is not affected.
    api.login("bernd").await;
}

#[tokio::test]
async fn malformed_json_unknown_fields_and_oversized_bodies_get_400_or_413() {
    let api = api().await;
    let token = api.login("anna").await;
    let cases = [
        (
            raw_request(
                "POST",
                "/api/v1/office/commands",
                Some(&token),
                "application/json",
                b"{\"commands\": [".to_vec(),
            ),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            json_request(
                "POST",
                "/api/v1/office/commands",
                Some(&token),
                &json!({"commands": [], "force": true}),
            ),
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
        (
            json_request(
                "POST",
                "/api/v1/office/commands",
                Some(&token),
                &json!({"commands": [{"command_id": "x"}]}),
            ),
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
        (
            raw_request(
                "POST",
                "/api/v1/office/commands",
                Some(&token),
                "text/plain",
                b"{}".to_vec(),
            ),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "expected_json",
        ),
        (
            raw_request(
                "POST",
                "/api/v1/office/commands",
                Some(&token),
                "application/json",
                vec![b' '; 100 * 1024],
            ),
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
        ),
        (
            get("/api/v1/office/sync/changes?after=-1", Some(&token)),
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            get("/api/v1/office/sync/changes?after=0&limit=0", Some(&token)),
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            get("/api/v1/office/sync/changes?after=abc", Some(&token)),
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            get("/api/v1/office/nowhere", Some(&token)),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
    ];
    for (request, status, code) in cases {
        let uri = request.uri().to_string();
        let reply = api.send(request).await;
        assert_eq!(
            reply.status,
            status,
            "{uri}: {}",
            String::from_utf8_lossy(&reply.body)
        );
        assert_eq!(reply.code(), code, "{uri}");
        assert!(!reply.json()["message"].as_str().unwrap().is_empty());
    }
    // A batch above the limit is refused as a whole.
    let (case, _) = api.case_with_document().await;
    let commands: Vec<_> = (0..11)
        .map(|_| crate::support::command(&case, CommandKind::AddNote { text: "x".into() }))
        .collect();
    let reply = api
        .send(json_request(
            "POST",
            "/api/v1/office/commands",
            Some(&token),
            &json!({"commands": commands}),
        ))
        .await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    let stored = api
        .state
        .db
        .case(&Principal::Staff(api.fx.anna.clone()), case.id)
        .await
        .unwrap()
        .unwrap();
    assert!(stored.notes.is_empty(), "a refused batch applied commands");
}

#[tokio::test]
async fn blob_uploads_are_checked_by_hash_type_and_size() {
    let api = api().await;
    let token = api.login("anna").await;
    let put = |sha: String, body: Vec<u8>| {
        raw_request(
            "PUT",
            &format!("/api/v1/office/blobs/{sha}"),
            Some(&token),
            "application/pdf",
            body,
        )
    };
    let sha = hex::encode(Sha256::digest(PDF));
    let reply = api.send(put(sha.clone(), PDF.to_vec())).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert_eq!(reply.json()["media_type"], "application/pdf");
    // The uploader may read it back before any case references it.
    let reply = api
        .send(get(&format!("/api/v1/office/blobs/{sha}"), Some(&token)))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, PDF);

    let wrong = api.send(put("0".repeat(64), PDF.to_vec())).await;
    assert_eq!(
        (wrong.status, wrong.code().as_str()),
        (StatusCode::BAD_REQUEST, "hash_mismatch")
    );
    let exe = b"MZ\x90\x00\x03\x00\x00\x00 not a pdf at all".to_vec();
    let reply = api.send(put(hex::encode(Sha256::digest(&exe)), exe)).await;
    assert_eq!(
        (reply.status, reply.code().as_str()),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_type")
    );
    let mut big = PDF.to_vec();
    big.resize(65 * 1024, b' ');
    let reply = api.send(put(hex::encode(Sha256::digest(&big)), big)).await;
    assert_eq!(
        (reply.status, reply.code().as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "too_large")
    );
    let reply = api.send(put("../../etc/passwd".into(), PDF.to_vec())).await;
    assert!(reply.status.is_client_error());
    let reply = api.send(put("ABC".into(), PDF.to_vec())).await;
    assert_eq!(
        (reply.status, reply.code().as_str()),
        (StatusCode::BAD_REQUEST, "invalid_hash")
    );
    // Nothing was left in the spool by the refused uploads.
    let spool = api.state.config.data_dir.join("spool");
    assert_eq!(std::fs::read_dir(spool).unwrap().count(), 0);
}

#[tokio::test]
async fn blobs_are_served_with_etag_and_ranges() {
    let api = api().await;
    let token = api.login("anna").await;
    let (_, sha) = api.case_with_document().await;
    let uri = format!("/api/v1/office/blobs/{sha}");
    let with = |name: &str, value: &str| {
        Request::builder()
            .uri(&uri)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(name, value)
            .body(Body::empty())
            .unwrap()
    };
    let reply = api.send(with("range", "bytes=1-3")).await;
    assert_eq!(reply.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(reply.body, b"PDF");
    assert_eq!(
        reply.headers[header::CONTENT_RANGE],
        format!("bytes 1-3/{}", PDF.len())
    );
    let reply = api.send(with("range", "bytes=9999-")).await;
    assert_eq!(reply.status, StatusCode::RANGE_NOT_SATISFIABLE);
    let reply = api.send(with("if-none-match", &format!("\"{sha}\""))).await;
    assert_eq!(reply.status, StatusCode::NOT_MODIFIED);
    let reply = api.send(get(&uri, Some(&token))).await;
    assert_eq!(reply.headers[header::ETAG], format!("\"{sha}\""));
    assert_eq!(reply.headers[header::ACCEPT_RANGES], "bytes");
}

/// Builds a multipart body by hand, so the test controls every byte of it.
fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "casedesk-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, file_name, content) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file_name {
            Some(file_name) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/pdf\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn submit(api: &Api, token: &str, parts: &[(&str, Option<&str>, &[u8])]) -> Reply {
    let (content_type, body) = multipart(parts);
    api.send(raw_request(
        "POST",
        "/api/v1/citizen/applications",
        Some(token),
        &content_type,
        body,
    ))
    .await
}

#[tokio::test]
async fn applications_are_validated_and_file_names_sanitised() {
    let api = api().await;
    let token = api.citizen_token("erika@example.org").await;
    let form = json!({"service_id": "HU", "form": crate::support::dog_form()}).to_string();

    // Hostile and mislabelled names: a Windows path, a control character, a PNG
    // called .pdf. The content decides the type; the name is reduced to its last part.
    let reply = submit(
        &api,
        &token,
        &[
            ("application", None, form.as_bytes()),
            (
                "doc.insurance",
                Some("..\\..\\Windows\\system32\\Versicherung\tneu.pdf"),
                PDF,
            ),
            ("doc.other", Some("scan.pdf"), PNG),
        ],
    )
    .await;
    assert_eq!(
        reply.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let receipt = reply.json();
    assert!(
        receipt["aktenzeichen"]
            .as_str()
            .unwrap()
            .starts_with("10-HU-")
    );
    let case_id = receipt["case_id"].as_str().unwrap();
    let view = api
        .send(get(
            &format!("/api/v1/citizen/applications/{case_id}"),
            Some(&token),
        ))
        .await
        .json();
    let names: Vec<&str> = view["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Versicherung_neu.pdf", "scan.png"]);
    assert_eq!(view["status"], "submitted");
    assert!(
        view.get("notes").is_none(),
        "internal notes leaked to the citizen"
    );

    // A missing required document and an unknown field are reported per field.
    let mut bad = crate::support::dog_form();
    bad["listed_breed"] = json!(true);
    bad["colour"] = json!("rot");
    let bad_form = json!({"service_id": "HU", "form": bad}).to_string();
    let reply = submit(
        &api,
        &token,
        &[
            ("application", None, bad_form.as_bytes()),
            ("doc.insurance", Some("v.pdf"), PDF),
        ],
    )
    .await;
    assert_eq!(
        (reply.status, reply.code().as_str()),
        (StatusCode::BAD_REQUEST, "invalid_form")
    );
    let fields: Vec<String> = reply.json()["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        fields.contains(&"colour".to_string()) && fields.contains(&"doc.competence".to_string()),
        "{fields:?}"
    );

    let exe = b"MZ\x90\x00 definitely not a pdf";
    let reply = submit(
        &api,
        &token,
        &[
            ("application", None, form.as_bytes()),
            ("doc.insurance", Some("rechnung.pdf"), exe),
        ],
    )
    .await;
    assert_eq!(
        (reply.status, reply.code().as_str()),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_type")
    );

    let unknown = json!({"service_id": "XX", "form": {}}).to_string();
    let reply = submit(&api, &token, &[("application", None, unknown.as_bytes())]).await;
    assert_eq!(reply.code(), "unknown_service");
    let reply = submit(&api, &token, &[("doc.insurance", Some("v.pdf"), PDF)]).await;
    assert_eq!(reply.code(), "missing_application");
    let reply = submit(&api, &token, &[("application", None, b"{not json")]).await;
    assert_eq!(reply.code(), "invalid_json");
    let reply = api
        .send(raw_request(
            "POST",
            "/api/v1/citizen/applications",
            Some(&token),
            "multipart/form-data; boundary=x",
            b"garbage".to_vec(),
        ))
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    // Only the first, valid application was filed.
    let list = api
        .send(get("/api/v1/citizen/applications", Some(&token)))
        .await
        .json();
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn citizens_register_once_with_valid_data() {
    let api = api().await;
    let registration = json!({
        "email": "neu@example.org", "password": "ein-langes-passwort", "given_name": "Jörg",
        "family_name": "Weiß", "street": "Marktplatz 1", "postal_code": "32423", "city": "Minden"
    });
    let reply = api
        .send(json_request(
            "POST",
            "/api/v1/citizen/account",
            None,
            &registration,
        ))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert_eq!(reply.json()["name"], "Jörg Weiß");
    let again = api
        .send(json_request(
            "POST",
            "/api/v1/citizen/account",
            None,
            &registration,
        ))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let mut bad = registration.clone();
    bad["email"] = json!("kein-at-zeichen");
    bad["postal_code"] = json!("1234");
    bad["password"] = json!("kurz");
    let reply = api
        .send(json_request("POST", "/api/v1/citizen/account", None, &bad))
        .await;
    assert_eq!(
        (reply.status, reply.code().as_str()),
        (StatusCode::BAD_REQUEST, "invalid_form")
    );
    assert_eq!(reply.json()["fields"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn the_openapi_document_lists_both_apis() {
    let api = api().await;
    let reply = api.send(get("/api/openapi.json", None)).await;
    assert_eq!(reply.status, StatusCode::OK);
    let doc = reply.json();
    for path in [
        "/api/v1/office/session",
        "/api/v1/office/sync/bootstrap",
        "/api/v1/office/sync/changes",
        "/api/v1/office/sync/live",
        "/api/v1/office/commands",
        "/api/v1/office/blobs/{sha256}",
        "/api/v1/citizen/applications",
        "/api/v1/citizen/applications/{id}/letter",
        "/api/v1/citizen/applications/{id}/notices/{notice_id}/letter",
        "/api/v1/citizen/account",
        "/api/v1/office/letters",
        "/api/v1/office/letters/templates/{name}",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing");
    }
    assert!(doc["components"]["schemas"].get("CaseAggregate").is_some());
}

#[tokio::test]
async fn letter_templates_are_validated_before_an_admin_stores_them() {
    let api = api().await;
    let anna = api.login("anna").await;
    let admin = api.login("admin").await;

    let reply = api.send(get("/api/v1/office/letters", Some(&anna))).await;
    assert_eq!(reply.status, StatusCode::OK);
    let before = reply.json();
    let etag = reply.headers[header::ETAG].to_str().unwrap().to_owned();
    assert_eq!(etag, format!("\"{}\"", before["version"].as_str().unwrap()));
    let default = before["templates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "bp_approved")
        .unwrap()
        .clone();
    assert_eq!(default["overridden"], false);
    assert!(before["letterhead"].is_null());

    // Unchanged: 304 without a body.
    let mut conditional = get("/api/v1/office/letters", Some(&anna));
    conditional
        .headers_mut()
        .insert(header::IF_NONE_MATCH, etag.parse().unwrap());
    assert_eq!(api.send(conditional).await.status, StatusCode::NOT_MODIFIED);

    let source = default["source"].as_str().unwrap().replace(
        "{% block reasons %}",
        "{% block reasons %}Neuer Begründungssatz.\n\n",
    );
    let put = |token: &str, name: &str, source: &str| {
        json_request(
            "PUT",
            &format!("/api/v1/office/letters/templates/{name}"),
            Some(token),
            &json!({ "source": source }),
        )
    };
    // Caseworkers may read but not change.
    let reply = api.send(put(&anna, "bp_approved", &source)).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.code(), "forbidden");

    // A placeholder that does not exist is refused with template, line and expression.
    let broken = "{% extends \"_decision\" %}\n{% block subject %}\nBescheid {{ case.no_such_field }}\n{% endblock %}";
    let reply = api.send(put(&admin, "bp_approved", broken)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.code(), "letter_template");
    let message = reply.json()["message"].as_str().unwrap().to_owned();
    assert!(message.contains("bp_approved"), "{message}");
    assert!(message.contains("Zeile 3"), "{message}");
    assert!(message.contains("case.no_such_field"), "{message}");
    // A broken partial breaks every letter that includes it, and is refused too.
    let reply = api.send(put(&admin, "_remedy", "{{ nope }}")).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.json());
    let reply = api.send(put(&admin, "no_such_template", "x")).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);

    assert!(source.contains("Neuer Begründungssatz."));
    let reply = api.send(put(&admin, "bp_approved", &source)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json());
    let after = reply.json();
    assert_ne!(after["version"], before["version"]);
    let changed = after["templates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "bp_approved")
        .unwrap();
    assert_eq!(changed["overridden"], true);
    assert_eq!(changed["source"], source.as_str());
    assert_eq!(changed["updated_by"], api.fx.admin.display_name.as_str());
}

#[tokio::test]
async fn the_letterhead_is_checked_and_stored_with_its_logo() {
    let api = api().await;
    let admin = api.login("admin").await;
    let mut letterhead = serde_json::to_value(casedesk_letters::Letterhead::demo()).unwrap();
    letterhead["authority"] = json!("Gemeinde Beispielstadt");
    let put = |body: Value| {
        json_request(
            "PUT",
            "/api/v1/office/letters/letterhead",
            Some(&admin),
            &body,
        )
    };
    let reply = api
        .send(put(json!({"letterhead": {"authority": "nur ein Feld"}})))
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.code(), "letter_letterhead");
    let reply = api
        .send(put(
            json!({"letterhead": letterhead, "logo_base64": "bm90IGEgcG5n"}),
        ))
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.code(), "letter_logo");

    // An SVG logo that uses text is refused with the reason and its line.
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let svg_with_text = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">\n\
                         <text>Stadt</text></svg>";
    let reply = api
        .send(put(
            json!({"letterhead": letterhead, "logo_base64": b64(svg_with_text)}),
        ))
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.code(), "letter_logo");
    let message = reply.json()["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        message.contains("Text") && message.contains("Zeile 2"),
        "{message}"
    );

    let reply = api.send(put(json!({"letterhead": letterhead}))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json());
    let reply = api.send(get("/api/v1/office/letters", Some(&admin))).await;
    assert_eq!(
        reply.json()["letterhead"]["letterhead"]["authority"],
        "Gemeinde Beispielstadt"
    );

    // A vector logo is stored and handed to desktops as it came.
    let shield = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 100 120\">\
                  <path d=\"M5 5 H95 V60 C95 95 50 115 50 115 C50 115 5 95 5 60 Z\" fill=\"#c00000\"/></svg>";
    let reply = api
        .send(put(
            json!({"letterhead": letterhead, "logo_base64": b64(shield)}),
        ))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json());
    let reply = api.send(get("/api/v1/office/letters", Some(&admin))).await;
    assert_eq!(
        reply.json()["letterhead"]["logo_base64"],
        b64(shield).as_str()
    );
}
