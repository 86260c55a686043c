//! A portal served on `127.0.0.1:0` by the library's own `server::serve`, on either
//! backend, with the test tenant of [`crate::support::fixture`], and the HTTP
//! calls the delivery tests make as citizens and staff over real sockets.

use std::sync::Arc;

use casedesk_portal::api::AppState;
use casedesk_portal::blobs::{BlobConfig, BlobStore};
use casedesk_portal::config::Config;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::support::{Fixture, PASSWORD, TestStore, fixture};

/// A running portal; stops serving when dropped.
pub struct Served {
    pub base: String,
    /// The database's URL, for raw SQL behind the portal's back.
    pub url: String,
    pub http: reqwest::Client,
    pub fx: Fixture,
    pub state: AppState,
    _dir: tempfile::TempDir,
    _store: TestStore,
}

impl Drop for Served {
    fn drop(&mut self) {
        self.state.shutdown.cancel();
    }
}

/// An answer: status and body.
pub struct Reply {
    pub status: StatusCode,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&self.body)))
    }
}

/// Serves the store's tenant on a fresh port.
pub async fn serve(store: TestStore) -> Served {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        data_dir: dir.path().to_owned(),
        ..Config::default()
    };
    let state = AppState {
        db: store.db.clone(),
        blobs: Arc::new(BlobStore::open(&BlobConfig::Local, dir.path()).unwrap()),
        config: Arc::new(config),
        shutdown: CancellationToken::new(),
    };
    let fx = fixture(store.db.clone()).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(casedesk_portal::server::serve(state.clone(), listener));
    Served {
        base,
        url: store.url.clone(),
        http: reqwest::Client::new(),
        fx,
        state,
        _dir: dir,
        _store: store,
    }
}

/// A PDF no other test letter shares (blobs are kept by content).
pub fn letter_pdf() -> Vec<u8> {
    format!(
        "%PDF-1.4\n% {}\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n",
        Uuid::now_v7()
    )
    .into_bytes()
}

impl Served {
    async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        let response = request.send().await.unwrap();
        Reply {
            status: response.status(),
            body: response.bytes().await.unwrap().to_vec(),
        }
    }

    pub async fn citizen_token(&self, email: &str) -> String {
        let reply = self
            .send(
                self.http
                    .post(format!("{}/api/v1/citizen/session", self.base))
                    .json(&json!({"email": email, "password": PASSWORD})),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK);
        reply.json()["access_token"].as_str().unwrap().to_owned()
    }

    pub async fn staff_token(&self, user: &str) -> String {
        let reply = self
            .send(
                self.http
                    .post(format!("{}/api/v1/office/session", self.base))
                    .json(&json!({"user": user, "password": PASSWORD})),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK);
        reply.json()["access_token"].as_str().unwrap().to_owned()
    }

    /// Files an application with `application` as its JSON part and a PDF for each
    /// document key.
    pub async fn apply(&self, token: &str, application: &str, documents: &[&str]) -> Reply {
        let mut form = reqwest::multipart::Form::new().text("application", application.to_owned());
        for key in documents {
            let part =
                reqwest::multipart::Part::bytes(letter_pdf()).file_name(format!("{key}.pdf"));
            form = form.part(format!("doc.{key}"), part);
        }
        self.send(
            self.http
                .post(format!("{}/api/v1/citizen/applications", self.base))
                .bearer_auth(token)
                .multipart(form),
        )
        .await
    }

    /// Answers request `request_id` of case `case_id` as a citizen: each part is
    /// (part name such as `item.0` or `doc.insurance`, file name, bytes), with an
    /// optional message and `Idempotency-Key`.
    pub async fn answer(
        &self,
        token: &str,
        case_id: Uuid,
        request_id: &str,
        parts: Vec<(&str, &str, Vec<u8>)>,
        message: Option<&str>,
        idempotency_key: Option<Uuid>,
    ) -> Reply {
        let mut form = reqwest::multipart::Form::new();
        if let Some(message) = message {
            form = form.text("message", message.to_owned());
        }
        for (name, file_name, bytes) in parts {
            let part = reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned());
            form = form.part(name.to_owned(), part);
        }
        let mut request = self
            .http
            .post(format!(
                "{}/api/v1/citizen/applications/{case_id}/requests/{request_id}/answer",
                self.base
            ))
            .bearer_auth(token)
            .multipart(form);
        if let Some(key) = idempotency_key {
            request = request.header("idempotency-key", key.to_string());
        }
        self.send(request).await
    }

    /// Files an application for `service_id` and returns the case id.
    pub async fn file(
        &self,
        token: &str,
        service_id: &str,
        form: Value,
        consents: Option<Value>,
    ) -> Uuid {
        let mut application = json!({"service_id": service_id, "form": form});
        if let Some(consents) = consents {
            application["consents"] = consents;
        }
        let documents: Vec<String> = self
            .fx
            .db
            .service(service_id)
            .await
            .unwrap()
            .unwrap()
            .required_documents
            .iter()
            .filter(|d| d.when.is_none())
            .map(|d| d.key.clone())
            .collect();
        let documents: Vec<&str> = documents.iter().map(String::as_str).collect();
        let reply = self
            .apply(token, &application.to_string(), &documents)
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.json());
        reply.json()["case_id"].as_str().unwrap().parse().unwrap()
    }

    /// The citizen's view of a case.
    pub async fn view(&self, token: &str, case_id: Uuid) -> Value {
        let reply = self
            .send(
                self.http
                    .get(format!(
                        "{}/api/v1/citizen/applications/{case_id}",
                        self.base
                    ))
                    .bearer_auth(token),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK);
        reply.json()
    }

    /// Downloads a letter by the address the view names (or any other).
    pub async fn download(&self, token: &str, method: Method, path: &str) -> Reply {
        self.send(
            self.http
                .request(method, format!("{}{path}", self.base))
                .bearer_auth(token),
        )
        .await
    }

    /// Uploads a letter as staff and returns its SHA-256 and bytes.
    pub async fn upload_letter(&self, token: &str) -> (String, Vec<u8>) {
        let pdf = letter_pdf();
        let sha = hex::encode(Sha256::digest(&pdf));
        let reply = self
            .send(
                self.http
                    .put(format!("{}/api/v1/office/blobs/{sha}", self.base))
                    .bearer_auth(token)
                    .header("content-type", "application/pdf")
                    .body(pdf.clone()),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED);
        (sha, pdf)
    }

    /// Sends one office command and returns its answer.
    pub async fn command(&self, token: &str, case_id: Uuid, kind: &str, payload: Value) -> Value {
        let command = json!({"command_id": Uuid::now_v7(), "case_id": case_id, "base_version": 1,
                             "kind": kind, "payload": payload});
        let reply = self
            .send(
                self.http
                    .post(format!("{}/api/v1/office/commands", self.base))
                    .bearer_auth(token)
                    .json(&json!({"commands": [command]})),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK);
        reply.json()["answers"][0].clone()
    }

    /// Sends an office command that must apply.
    pub async fn applied(&self, token: &str, case_id: Uuid, kind: &str, payload: Value) {
        let answer = self.command(token, case_id, kind, payload).await;
        assert_eq!(answer["result"], "applied", "{kind}: {answer}");
    }
}
