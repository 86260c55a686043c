//! The HTTP surface: the office sync API, the citizen API, health and OpenAPI.
//!
//! Handlers are thin: they authenticate, validate the request shape and call one
//! store or blob function. Every error leaves as `{code, message}` through
//! [`ApiError`]; internal details go to the log with the request id, never to the
//! client.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use casedesk_domain::wire::{ErrorBody, FieldError};
use chrono::Utc;
use serde::de::DeserializeOwned;
use tokio_util::sync::CancellationToken;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::auth::token_hash;
use crate::blobs::{Accepted, BlobError, BlobStore};
use crate::config::Config;
use crate::store::{BlobRecord, Citizen, Database, Principal, StaffUser, StoreError, SubjectKind};

pub mod citizen;
pub mod letters;
pub mod office;
pub mod openapi;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Arc<dyn Database>,
    pub blobs: Arc<BlobStore>,
    pub config: Arc<Config>,
    /// Cancelled on shutdown so long-lived streams (live events) end and in-flight
    /// requests can finish.
    pub shutdown: CancellationToken,
}

impl AppState {
    /// Streams a file into the blob store (size limit, type by content, hash check
    /// when `expected` is given) and records who uploaded it, which is what lets the
    /// uploader read it back before any case refers to it.
    pub async fn accept_blob<S, E>(
        &self,
        body: S,
        expected: Option<&str>,
        uploader: &Principal,
    ) -> Result<Accepted, ApiError>
    where
        S: futures::Stream<Item = Result<bytes::Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let accepted = self
            .blobs
            .put_stream(body, self.config.limits.max_upload_bytes, expected)
            .await?;
        let record = BlobRecord {
            sha256: accepted.sha256.clone(),
            size: i64::try_from(accepted.size)
                .map_err(|_| ApiError::bad_request("too_large", "Datei zu groß"))?,
            media_type: accepted.media_type.to_owned(),
        };
        self.db.record_blob(&record, uploader).await?;
        Ok(accepted)
    }

    /// [`AppState::accept_blob`] for bytes already in memory (generated documents).
    pub async fn accept_bytes(
        &self,
        bytes: Vec<u8>,
        uploader: &Principal,
    ) -> Result<Accepted, ApiError> {
        let body = futures::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from(bytes))]);
        self.accept_blob(body, None, uploader).await
    }
}

/// The one error type of the HTTP layer.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub fields: Vec<FieldError>,
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            fields: Vec::new(),
            retry_after: None,
        }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn unauthorized(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, message)
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "Nicht gefunden")
    }

    pub(crate) fn internal(detail: impl std::fmt::Display) -> Self {
        // The detail goes to the log (inside the request's span, with its id); the
        // client learns only that something failed and can quote the request id.
        tracing::error!(error = %detail, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Interner Fehler; bitte nennen Sie dem Support die x-request-id dieser Antwort",
        )
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.status, self.code, self.message)
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            code: self.code.to_owned(),
            message: self.message,
            fields: self.fields,
        };
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => ApiError::not_found(),
            StoreError::Conflict(message) => {
                ApiError::new(StatusCode::CONFLICT, "conflict", message)
            }
            StoreError::Invalid(message) => ApiError::bad_request("invalid", message),
            other => ApiError::internal(other),
        }
    }
}

impl From<BlobError> for ApiError {
    fn from(error: BlobError) -> Self {
        match &error {
            BlobError::TooLarge { .. } => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                error.to_string(),
            ),
            BlobError::Empty => ApiError::bad_request("empty_file", error.to_string()),
            BlobError::UnsupportedType => ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_type",
                error.to_string(),
            ),
            BlobError::HashMismatch { .. } => {
                ApiError::bad_request("hash_mismatch", error.to_string())
            }
            BlobError::NotFound => ApiError::not_found(),
            BlobError::BadRange => ApiError::new(
                StatusCode::RANGE_NOT_SATISFIABLE,
                "bad_range",
                error.to_string(),
            ),
            BlobError::Interrupted(_) => {
                ApiError::bad_request("upload_interrupted", error.to_string())
            }
            BlobError::Io(_) | BlobError::Store(_) => ApiError::internal(error),
        }
    }
}

/// JSON body extractor that answers malformed input with `400 {code, message}`.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        use axum::extract::rejection::JsonRejection;
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(JsonRejection::JsonDataError(e)) => Err(ApiError::bad_request(
                "invalid_json",
                format!(
                    "Die Anfrage passt nicht zum erwarteten Format: {}",
                    e.body_text()
                ),
            )),
            Err(JsonRejection::JsonSyntaxError(e)) => Err(ApiError::bad_request(
                "malformed_json",
                format!("Die Anfrage ist kein gültiges JSON: {}", e.body_text()),
            )),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "expected_json",
                "Content-Type: application/json erwartet",
            )),
            Err(JsonRejection::BytesRejection(e)) => Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!("Die Anfrage ist zu groß: {}", e.body_text()),
            )),
            Err(other) => Err(ApiError::bad_request("invalid_request", other.body_text())),
        }
    }
}

fn bearer(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// Resolves the bearer token of a request to a session of the given kind.
async fn session_subject(
    parts: &Parts,
    state: &AppState,
    kind: SubjectKind,
) -> Result<(uuid::Uuid, uuid::Uuid), ApiError> {
    let token = bearer(parts).ok_or_else(|| {
        ApiError::unauthorized(
            "unauthorized",
            "Anmeldung erforderlich (Bearer-Token fehlt)",
        )
    })?;
    let session = state
        .db
        .session_by_access(&token_hash(token), chrono::DateTime::<Utc>::MIN_UTC)
        .await?
        .filter(|s| s.subject == kind)
        .ok_or_else(|| {
            ApiError::unauthorized("unauthorized", "Unbekanntes oder beendetes Token")
        })?;
    if session.access_expires_at <= Utc::now() {
        return Err(ApiError::unauthorized(
            "token_expired",
            "Das Zugriffstoken ist abgelaufen; bitte mit dem Refresh-Token erneuern",
        ));
    }
    Ok((session.id, session.subject_id))
}

/// An authenticated staff member (office API).
pub struct Staff {
    pub user: StaffUser,
    pub session_id: uuid::Uuid,
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let (session_id, user_id) = session_subject(parts, state, SubjectKind::Staff).await?;
        let user = state.db.staff_user(user_id).await?.ok_or_else(|| {
            ApiError::unauthorized("unauthorized", "Das Benutzerkonto ist nicht mehr aktiv")
        })?;
        Ok(Staff { user, session_id })
    }
}

/// An authenticated citizen (citizen API).
pub struct CitizenAuth {
    pub citizen: Citizen,
    pub session_id: uuid::Uuid,
}

impl FromRequestParts<AppState> for CitizenAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let (session_id, citizen_id) = session_subject(parts, state, SubjectKind::Citizen).await?;
        let citizen = state
            .db
            .citizen(citizen_id)
            .await?
            .ok_or_else(|| ApiError::unauthorized("unauthorized", "Unbekanntes Konto"))?;
        Ok(CitizenAuth {
            citizen,
            session_id,
        })
    }
}

/// The client's address, where the server knows it (not in in-process tests).
pub fn client_address(parts: &Parts) -> Option<std::net::IpAddr> {
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|info| info.0.ip())
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Health {
    status: &'static str,
    backend: &'static str,
    head_seq: i64,
}

/// Liveness and readiness: answers only when the database answers.
#[utoipa::path(get, path = "/healthz", responses((status = 200, body = Health)))]
async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    let head_seq = state.db.head_seq().await?;
    Ok(Json(Health {
        status: "ok",
        backend: state.db.backend(),
        head_seq,
    }))
}

async fn not_found() -> ApiError {
    ApiError::not_found()
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    let json_limit = state.config.limits.max_json_bytes;
    Router::new()
        .route("/healthz", get(healthz))
        .route("/api/openapi.json", get(openapi::serve))
        .nest("/api/v1/office", office::routes(&state))
        .nest("/api/v1/citizen", citizen::routes(&state))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(json_limit))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request| {
                let id = request
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                // Only method and path: query strings and headers may carry tokens.
                tracing::info_span!("request", id, method = %request.method(), path = %request.uri().path())
            }),
        )
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .with_state(state)
}

/// Keep-alive interval of the live stream; proxies close idle connections.
pub const LIVE_KEEP_ALIVE: Duration = Duration::from_secs(15);
