//! The office API (`/api/v1/office/…`) that desktop clients sync from.
//!
//! Session handling, the sync triple (bootstrap, changes, live), the command batch and
//! blob transfer. Every query is filtered by the caller's offices in the store, never
//! here; see `store::sql`.

use std::convert::Infallible;
use std::ops::Range;

use axum::body::Body;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use bytes::{BufMut, Bytes, BytesMut};
use casedesk_domain::command::{CommandAnswer, Rejection, RejectionCode};
use casedesk_domain::frames::{self, RecordKind};
use casedesk_domain::wire::{
    BootstrapMarker, CommandBatch, CommandBatchAnswer, LoginRequest, OfficeSession, RefreshRequest,
    ServiceDefinition, UserInfo, is_sha256_hex,
};
use chrono::{Duration, Utc};
use futures::{Stream, StreamExt};
use serde::{Deserialize, Serialize};
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use uuid::Uuid;

use super::{ApiError, ApiJson, AppState, Staff, client_address};
use crate::auth::{self, start_session, throttle_keys};
use crate::blobs::Reading;
use crate::store::{BootstrapForm, ChangesChunk, Principal, SubjectKind};

pub fn routes(state: &AppState) -> Router<AppState> {
    let upload_limit = usize::try_from(state.config.limits.max_upload_bytes)
        .unwrap_or(usize::MAX)
        .saturating_add(1024);
    // Only the sync payloads are compressed: documents are PDFs and images already,
    // and compressing them would break Range requests.
    let sync = Router::new()
        .route("/sync/bootstrap", get(bootstrap))
        .route("/sync/changes", get(changes))
        // The fastest level: on a LAN the link is rarely the bottleneck, the CPU of a
        // two-core server is, and level 1 still shrinks aggregates about tenfold. A
        // bootstrap sent as frames is compressed already.
        .layer(
            CompressionLayer::new()
                .zstd(true)
                .gzip(true)
                .quality(tower_http::CompressionLevel::Fastest)
                .compress_when(DefaultPredicate::new().and(NotForContentType::const_new(
                    casedesk_domain::frames::MEDIA_TYPE,
                ))),
        );
    Router::new()
        .route("/session", post(login).delete(logout))
        .route("/session/refresh", post(refresh))
        .route("/me", get(me))
        .route("/services", get(services))
        .route("/staff", get(staff))
        .route("/sync/live", get(live))
        .route("/commands", post(commands))
        .route(
            "/blobs/{sha256}",
            get(get_blob)
                .put(put_blob)
                .layer(axum::extract::DefaultBodyLimit::max(upload_limit)),
        )
        .merge(sync)
        .merge(super::letters::routes())
}

/// Shared by the office and citizen login: throttling before the password check.
pub(crate) async fn check_throttle(state: &AppState, keys: &[String]) -> Result<(), ApiError> {
    let config = &state.config.sessions;
    let since = Utc::now() - Duration::minutes(config.failure_window_minutes);
    let counts = state.db.login_failures(keys, since).await?;
    let limits = [
        config.max_failures_per_user,
        config.max_failures_per_address,
    ];
    if counts
        .iter()
        .zip(limits)
        .any(|(count, limit)| *count >= limit)
    {
        let mut error = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            "Zu viele fehlgeschlagene Anmeldeversuche; bitte später erneut versuchen",
        );
        error.retry_after = Some((config.failure_window_minutes * 60) as u64);
        return Err(error);
    }
    Ok(())
}

pub(crate) async fn record_failure(state: &AppState, keys: &[String]) -> ApiError {
    let config = &state.config.sessions;
    let now = Utc::now();
    let since = now - Duration::minutes(config.failure_window_minutes);
    if let Err(error) = state.db.record_login_failure(keys, now, since).await {
        return error.into();
    }
    ApiError::unauthorized("wrong_credentials", "Benutzername oder Passwort ist falsch")
}

#[utoipa::path(post, path = "/api/v1/office/session", request_body = LoginRequest,
    responses((status = 200, body = OfficeSession), (status = 401, body = casedesk_domain::wire::ErrorBody),
              (status = 429, body = casedesk_domain::wire::ErrorBody)))]
async fn login(
    State(state): State<AppState>,
    request: Request,
) -> Result<Json<OfficeSession>, ApiError> {
    let (parts, body) = request.into_parts();
    let address = client_address(&parts);
    let ApiJson(login) =
        ApiJson::<LoginRequest>::from_request(Request::from_parts(parts, body), &state).await?;
    let keys = throttle_keys(SubjectKind::Staff, &login.user, address);
    check_throttle(&state, &keys).await?;
    let found = state.db.user_credentials(login.user.trim()).await?;
    let hash = found
        .as_ref()
        .map_or_else(|| auth::dummy_hash().to_owned(), |(_, h)| h.clone());
    let ok = auth::verify_password_blocking(login.password, hash).await;
    let Some((user, _)) = found.filter(|_| ok) else {
        return Err(record_failure(&state, &keys).await);
    };
    state.db.clear_login_failures(&keys[0]).await?;
    let tokens = start_session(
        state.db.as_ref(),
        &state.config.sessions,
        SubjectKind::Staff,
        user.id,
    )
    .await?;
    tracing::info!(user = %user.name, "staff login");
    Ok(Json(OfficeSession {
        tokens,
        user: user.info(),
    }))
}

#[utoipa::path(post, path = "/api/v1/office/session/refresh", request_body = RefreshRequest,
    responses((status = 200, body = OfficeSession), (status = 401, body = casedesk_domain::wire::ErrorBody)))]
async fn refresh(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<RefreshRequest>,
) -> Result<Json<OfficeSession>, ApiError> {
    let consumed = state
        .db
        .consume_refresh(&auth::token_hash(&request.refresh_token), Utc::now())
        .await?;
    let Some((SubjectKind::Staff, user_id)) = consumed else {
        return Err(ApiError::unauthorized(
            "session_expired",
            "Die Sitzung ist abgelaufen; bitte erneut anmelden",
        ));
    };
    let user = state.db.staff_user(user_id).await?.ok_or_else(|| {
        ApiError::unauthorized("session_expired", "Das Benutzerkonto ist nicht mehr aktiv")
    })?;
    let tokens = start_session(
        state.db.as_ref(),
        &state.config.sessions,
        SubjectKind::Staff,
        user.id,
    )
    .await?;
    Ok(Json(OfficeSession {
        tokens,
        user: user.info(),
    }))
}

#[utoipa::path(delete, path = "/api/v1/office/session", responses((status = 204)))]
async fn logout(State(state): State<AppState>, staff: Staff) -> Result<StatusCode, ApiError> {
    state.db.delete_session(staff.session_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/office/me", responses((status = 200, body = UserInfo)))]
async fn me(staff: Staff) -> Json<UserInfo> {
    Json(staff.user.info())
}

#[utoipa::path(get, path = "/api/v1/office/services", responses((status = 200, body = Vec<ServiceDefinition>)))]
async fn services(
    State(state): State<AppState>,
    _staff: Staff,
) -> Result<Json<Vec<ServiceDefinition>>, ApiError> {
    Ok(Json(state.db.services().await?))
}

/// The staff of the caller's offices, for assigning and for names.
#[utoipa::path(get, path = "/api/v1/office/staff", responses((status = 200, body = Vec<UserInfo>)))]
async fn staff(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Json<Vec<UserInfo>>, ApiError> {
    Ok(Json(state.db.office_staff(&staff.user).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct BootstrapQuery {
    /// Resume after this case id (the last one written before the interruption).
    after: Option<Uuid>,
}

/// Bytes per body chunk: large enough for compression to work well, small enough to
/// keep memory flat.
const CHUNK_BYTES: usize = 256 * 1024;

fn marker(kind: &str, seq: i64, cases: i64) -> Vec<u8> {
    serde_json::to_vec(&BootstrapMarker {
        bootstrap: kind.to_owned(),
        seq,
        cases,
    })
    .expect("markers serialise")
}

/// How a bootstrap's pieces are put on the wire in each form.
/// `kind` is [`RecordKind::Begin`] or [`RecordKind::End`].
fn put_marker(buffer: &mut BytesMut, form: BootstrapForm, kind: RecordKind, seq: i64, cases: i64) {
    let name = match kind {
        RecordKind::Begin => "begin",
        RecordKind::End => "end",
        RecordKind::Dictionary | RecordKind::Case => unreachable!("{kind:?} is not a marker"),
    };
    let marker = marker(name, seq, cases);
    match form {
        BootstrapForm::Json => {
            buffer.put_slice(&marker);
            buffer.put_u8(b'\n');
        }
        BootstrapForm::Frames => put_record(buffer, kind, &marker),
    }
}

fn put_case(buffer: &mut BytesMut, form: BootstrapForm, case: &[u8]) {
    match form {
        BootstrapForm::Json => {
            buffer.put_slice(case);
            buffer.put_u8(b'\n');
        }
        BootstrapForm::Frames => put_record(buffer, RecordKind::Case, case),
    }
}

fn put_record(buffer: &mut BytesMut, kind: RecordKind, payload: &[u8]) {
    buffer.put_slice(&frames::record_header(kind, payload.len()));
    buffer.put_slice(payload);
}

/// Whether the client asked for the bootstrap as frames.
fn wants_frames(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|media| media.split(';').next().map(str::trim) == Some(frames::MEDIA_TYPE))
}

#[utoipa::path(get, path = "/api/v1/office/sync/bootstrap", params(BootstrapQuery),
    responses((status = 200, description = "Every case the user may see, in case id order, as one stream. \
        As NDJSON (the default): a `begin` marker, one case aggregate per line, an `end` marker. \
        With `Accept: application/vnd.casedesk.frames`: records of a kind byte (`B`, `D`, `C`, `E`), \
        a big-endian u32 length and the payload: the `begin` marker, the zstd dictionaries of \
        the user's offices, one zstd frame per case (with its office's dictionary where there \
        is one), the `end` marker. The `end` marker is only sent once every case was.",
        content(
            (String = "application/x-ndjson"),
            (Vec<u8> = "application/vnd.casedesk.frames"),
        ))))]
async fn bootstrap(
    State(state): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    query: Result<Query<BootstrapQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::bad_request("invalid_query", e.body_text()))?;
    let form = if wants_frames(&headers) {
        BootstrapForm::Frames
    } else {
        BootstrapForm::Json
    };
    let snapshot = state.db.bootstrap(&staff.user, query.after, form).await?;
    let seq = snapshot.seq;
    let total = snapshot.cases;
    let mut head = BytesMut::new();
    put_marker(&mut head, form, RecordKind::Begin, seq, total);
    for dictionary in &snapshot.dictionaries {
        put_record(&mut head, RecordKind::Dictionary, dictionary);
    }
    let head = head.freeze();
    let begin = futures::stream::once(async move { Ok::<_, std::io::Error>(head) });
    let cases = snapshot.cases_stream;
    // Cases are packed into chunks; the `end` marker is only written when every case
    // was sent, so a client can tell a complete stream from a cut one.
    let body = futures::stream::unfold(
        (cases, BytesMut::with_capacity(CHUNK_BYTES), 0_i64, false),
        move |(mut cases, mut buffer, mut sent, done)| async move {
            if done {
                return None;
            }
            loop {
                match cases.next().await {
                    Some(Ok(case)) => {
                        put_case(&mut buffer, form, &case);
                        sent += 1;
                        if buffer.len() >= CHUNK_BYTES {
                            let chunk = buffer.split().freeze();
                            return Some((Ok(chunk), (cases, buffer, sent, false)));
                        }
                    }
                    Some(Err(error)) => {
                        tracing::error!(%error, "bootstrap stream failed");
                        return Some((
                            Err(std::io::Error::other("bootstrap aborted")),
                            (cases, buffer, sent, true),
                        ));
                    }
                    None => {
                        put_marker(&mut buffer, form, RecordKind::End, seq, sent);
                        let chunk = buffer.split().freeze();
                        return Some((Ok(chunk), (cases, buffer, sent, true)));
                    }
                }
            }
        },
    );
    let mut response = Response::new(Body::from_stream(begin.chain(body).fuse()));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(match form {
            BootstrapForm::Json => "application/x-ndjson",
            BootstrapForm::Frames => frames::MEDIA_TYPE,
        }),
    );
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("accept"));
    Ok(response)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ChangesQuery {
    /// The cursor: the `seq` of the bootstrap or the previous page's `next_cursor`.
    after: i64,
    /// Page size, default 1000.
    limit: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/office/sync/changes", params(ChangesQuery),
    responses((status = 200, description = "ChangesPage of case aggregates")))]
async fn changes(
    State(state): State<AppState>,
    staff: Staff,
    query: Result<Query<ChangesQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::bad_request("invalid_query", e.body_text()))?;
    let limit = query.limit.unwrap_or(1000);
    let max = state.config.limits.max_changes_page;
    if query.after < 0 || !(1..=max).contains(&limit) {
        return Err(ApiError::bad_request(
            "invalid_query",
            format!("after muss ≥ 0 und limit zwischen 1 und {max} liegen"),
        ));
    }
    let chunks = state
        .db
        .changes_stream(&staff.user, query.after, limit)
        .await?;
    let mut response = Response::new(Body::from_stream(changes_body(chunks)));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(response)
}

/// Writes a changes page as JSON while the store reads it, splicing in the stored
/// aggregate texts as they are: the cases go out (and through the compressor) while
/// later ones are still being read. If the store fails midway the body is cut off,
/// which a client sees as a broken transfer and never as a complete page.
fn changes_body(
    chunks: futures::stream::BoxStream<'static, crate::store::StoreResult<ChangesChunk>>,
) -> impl Stream<Item = Result<Bytes, std::io::Error>> {
    // State: the store's stream, whether a case was written, whether the page is done.
    futures::stream::unfold(
        (chunks, None::<bool>, false),
        |(mut chunks, mut written, done)| async move {
            if done {
                return None;
            }
            let mut buffer = BytesMut::new();
            if written.is_none() {
                buffer.put_slice(b"{\"changes\":[");
                written = Some(false);
            }
            let (item, done) = match chunks.next().await {
                Some(Ok(ChangesChunk::Cases(cases))) => {
                    buffer.reserve(cases.iter().map(|c| c.len() + 1).sum());
                    for case in cases {
                        if written == Some(true) {
                            buffer.put_u8(b',');
                        }
                        buffer.put_slice(case.as_bytes());
                        written = Some(true);
                    }
                    (Ok(buffer.freeze()), false)
                }
                Some(Ok(ChangesChunk::End {
                    tombstones,
                    next_cursor,
                    has_more,
                })) => {
                    buffer.put_slice(b"],\"tombstones\":");
                    buffer
                        .put_slice(&serde_json::to_vec(&tombstones).expect("tombstones serialise"));
                    buffer.put_slice(
                        format!(",\"next_cursor\":{next_cursor},\"has_more\":{has_more}}}")
                            .as_bytes(),
                    );
                    (Ok(buffer.freeze()), true)
                }
                Some(Err(error)) => {
                    tracing::error!(%error, "changes page failed");
                    (Err(std::io::Error::other("changes page aborted")), true)
                }
                None => (Err(std::io::Error::other("changes page ended early")), true),
            };
            Some((item, (chunks, written, done)))
        },
    )
    // The body may be polled again after its end.
    .fuse()
}

#[utoipa::path(get, path = "/api/v1/office/sync/live",
    responses((status = 200, description = "Server-Sent Events `seq` with the latest position", content_type = "text/event-stream")))]
async fn live(
    State(state): State<AppState>,
    _staff: Staff,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = state.db.subscribe();
    let shutdown = state.shutdown.clone().cancelled_owned();
    // The watch stream yields the current head first, then every new one; a slow
    // client skips intermediate values, which is fine because it pulls anyway.
    let events = tokio_stream::wrappers::WatchStream::new(receiver)
        .map(|seq| Ok(Event::default().event("seq").data(seq.to_string())))
        .take_until(shutdown);
    Sse::new(events).keep_alive(KeepAlive::new().interval(super::LIVE_KEEP_ALIVE))
}

#[utoipa::path(post, path = "/api/v1/office/commands", request_body = CommandBatch,
    responses((status = 200, body = CommandBatchAnswer)))]
async fn commands(
    State(state): State<AppState>,
    staff: Staff,
    ApiJson(batch): ApiJson<CommandBatch>,
) -> Result<Json<CommandBatchAnswer>, ApiError> {
    let max = state.config.limits.max_commands_per_batch;
    if batch.commands.len() > max {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_many_commands",
            format!("Höchstens {max} Befehle pro Anfrage"),
        ));
    }
    let principal = Principal::Staff(staff.user);
    // Citizen and system commands are refused here; the rest apply in order (a later
    // command may depend on an earlier one of the same batch).
    let allowed: Vec<_> = batch
        .commands
        .iter()
        .filter(|c| c.kind.is_staff_command())
        .cloned()
        .collect();
    let mut applied = state
        .db
        .apply_commands(&principal, &allowed, Utc::now())
        .await?
        .into_iter();
    let mut answers = Vec::with_capacity(batch.commands.len());
    for command in &batch.commands {
        if command.kind.is_staff_command() {
            answers.push(applied.next().ok_or_else(|| {
                ApiError::from(crate::store::StoreError::Corrupt("missing answer".into()))
            })?);
        } else {
            answers.push(CommandAnswer::Rejected {
                command_id: command.command_id,
                case_id: command.case_id,
                rejection: Rejection::new(
                    RejectionCode::NotPermitted,
                    "Dieser Befehl ist der Verwaltung nicht erlaubt",
                ),
                current: None,
            });
        }
    }
    Ok(Json(CommandBatchAnswer { answers }))
}

/// Parses a single `bytes=` range; anything else (multiple ranges, other units) is
/// ignored and the whole file served, as RFC 9110 allows.
pub(crate) fn parse_range(headers: &HeaderMap, total: u64) -> Option<Result<Range<u64>, ()>> {
    let value = headers.get(header::RANGE)?.to_str().ok()?;
    let spec = value.strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (start, end) = spec.split_once('-')?;
    let range = match (start.trim(), end.trim()) {
        ("", suffix) => {
            let n: u64 = suffix.parse().ok()?;
            if n == 0 {
                return Some(Err(()));
            }
            total.saturating_sub(n)..total
        }
        (start, "") => start.parse().ok()?..total,
        (start, end) => {
            let start: u64 = start.parse().ok()?;
            let end: u64 = end.parse().ok()?;
            if end < start {
                return Some(Err(()));
            }
            start..end.saturating_add(1)
        }
    };
    if range.start >= total {
        Some(Err(()))
    } else {
        Some(Ok(range.start..range.end.min(total)))
    }
}

/// Serves a blob with ETag and Range support (shared with the citizen API).
pub(crate) async fn serve_blob(
    state: &AppState,
    principal: &Principal,
    sha256: &str,
    headers: &HeaderMap,
    download_name: Option<&str>,
) -> Result<Response, ApiError> {
    if !is_sha256_hex(sha256) {
        return Err(ApiError::bad_request(
            "invalid_hash",
            "SHA-256 in Kleinbuchstaben-Hex erwartet",
        ));
    }
    let Some(media_type) = state.db.readable_blob(principal, sha256).await? else {
        return Err(ApiError::not_found());
    };
    let etag = format!("\"{sha256}\"");
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
    {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response());
    }
    let total = state
        .blobs
        .size(sha256)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let requested = match parse_range(headers, total) {
        Some(Err(())) => {
            let mut response = ApiError::new(
                StatusCode::RANGE_NOT_SATISFIABLE,
                "bad_range",
                "Der angefragte Bereich liegt außerhalb der Datei",
            )
            .into_response();
            response.headers_mut().insert(
                header::CONTENT_RANGE,
                HeaderValue::from_str(&format!("bytes */{total}")).expect("ascii"),
            );
            return Ok(response);
        }
        Some(Ok(range)) => Some(range),
        None => None,
    };
    let partial = requested.is_some();
    let Reading {
        total_size,
        range,
        body,
    } = state.blobs.get(sha256, requested).await?;
    let mut response = Response::new(Body::from_stream(body));
    let headers_out = response.headers_mut();
    headers_out.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&media_type).map_err(|_| ApiError::not_found())?,
    );
    headers_out.insert(
        header::ETAG,
        HeaderValue::from_str(&etag).expect("hex is ascii"),
    );
    headers_out.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    headers_out.insert(
        header::CONTENT_LENGTH,
        HeaderValue::from(range.end - range.start),
    );
    headers_out.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=31536000, immutable"),
    );
    if let Some(name) = download_name {
        // RFC 6266 / 5987: an ASCII fallback plus the UTF-8 name, percent-encoded.
        let ascii: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let encoded: String = name
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        if let Ok(value) = HeaderValue::from_str(&format!(
            "attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
        )) {
            headers_out.insert(header::CONTENT_DISPOSITION, value);
        }
    }
    if partial {
        *response.status_mut() = StatusCode::PARTIAL_CONTENT;
        response.headers_mut().insert(
            header::CONTENT_RANGE,
            HeaderValue::from_str(&format!(
                "bytes {}-{}/{}",
                range.start,
                range.end - 1,
                total_size
            ))
            .expect("ascii"),
        );
    }
    Ok(response)
}

#[utoipa::path(get, path = "/api/v1/office/blobs/{sha256}",
    params(("sha256" = String, Path, description = "lower-case hex SHA-256")),
    responses((status = 200, description = "the file"), (status = 206, description = "a byte range"),
              (status = 304), (status = 404, body = casedesk_domain::wire::ErrorBody)))]
async fn get_blob(
    State(state): State<AppState>,
    staff: Staff,
    Path(sha256): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    serve_blob(
        &state,
        &Principal::Staff(staff.user),
        &sha256,
        &headers,
        None,
    )
    .await
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BlobStored {
    pub sha256: String,
    pub size: u64,
    pub media_type: String,
}

#[utoipa::path(put, path = "/api/v1/office/blobs/{sha256}",
    params(("sha256" = String, Path, description = "lower-case hex SHA-256 of the body")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = BlobStored), (status = 400, body = casedesk_domain::wire::ErrorBody),
              (status = 413, body = casedesk_domain::wire::ErrorBody), (status = 415, body = casedesk_domain::wire::ErrorBody)))]
async fn put_blob(
    State(state): State<AppState>,
    staff: Staff,
    Path(sha256): Path<String>,
    request: Request,
) -> Result<(StatusCode, Json<BlobStored>), ApiError> {
    if !is_sha256_hex(&sha256) {
        return Err(ApiError::bad_request(
            "invalid_hash",
            "SHA-256 in Kleinbuchstaben-Hex erwartet",
        ));
    }
    let limit = state.config.limits.max_upload_bytes;
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > limit) {
        return Err(crate::blobs::BlobError::TooLarge { limit }.into());
    }
    let body = request.into_body().into_data_stream();
    let principal = Principal::Staff(staff.user);
    let accepted = state.accept_blob(body, Some(&sha256), &principal).await?;
    Ok((
        StatusCode::CREATED,
        Json(BlobStored {
            sha256: accepted.sha256,
            size: accepted.size,
            media_type: accepted.media_type.to_owned(),
        }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{StoreError, StoreResult};

    async fn body_of(chunks: Vec<StoreResult<ChangesChunk>>) -> Vec<Result<Bytes, String>> {
        changes_body(futures::stream::iter(chunks).boxed())
            .map(|item| item.map_err(|e| e.to_string()))
            .collect()
            .await
    }

    fn end(next_cursor: i64, has_more: bool) -> StoreResult<ChangesChunk> {
        Ok(ChangesChunk::End {
            tombstones: Vec::new(),
            next_cursor,
            has_more,
        })
    }

    #[tokio::test]
    async fn a_streamed_changes_page_is_one_json_document() {
        let cases = |ids: &[i64]| {
            Ok(ChangesChunk::Cases(
                ids.iter().map(|id| format!("{{\"id\":{id}}}")).collect(),
            ))
        };
        let parts = body_of(vec![cases(&[1, 2]), cases(&[3]), end(7, true)]).await;
        let body: Vec<u8> = parts.into_iter().flat_map(|p| p.unwrap()).collect();
        let page: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            page,
            serde_json::json!({"changes": [{"id": 1}, {"id": 2}, {"id": 3}],
                "tombstones": [], "next_cursor": 7, "has_more": true})
        );
        let empty = body_of(vec![end(3, false)]).await;
        let body: Vec<u8> = empty.into_iter().flat_map(|p| p.unwrap()).collect();
        assert_eq!(
            String::from_utf8(body).unwrap(),
            r#"{"changes":[],"tombstones":[],"next_cursor":3,"has_more":false}"#
        );
    }

    /// A page the store could not finish must never look complete to a client.
    #[tokio::test]
    async fn a_changes_page_cut_short_ends_in_an_error() {
        let case = || Ok(ChangesChunk::Cases(vec!["{}".to_owned()]));
        let failed = body_of(vec![
            case(),
            Err(StoreError::Corrupt("disk gone".into())),
            end(1, false),
        ])
        .await;
        assert_eq!(failed.len(), 2, "nothing after the error: {failed:?}");
        assert_eq!(failed[1].as_ref().unwrap_err(), "changes page aborted");
        let unfinished = body_of(vec![case()]).await;
        assert_eq!(
            unfinished.last().unwrap().as_ref().unwrap_err(),
            "changes page ended early"
        );
    }

    fn range(value: &str, total: u64) -> Option<Result<Range<u64>, ()>> {
        let mut headers = HeaderMap::new();
        headers.insert(header::RANGE, HeaderValue::from_str(value).unwrap());
        parse_range(&headers, total)
    }

    #[test]
    fn parses_the_range_forms() {
        assert_eq!(range("bytes=0-9", 100), Some(Ok(0..10)));
        assert_eq!(range("bytes=90-", 100), Some(Ok(90..100)));
        assert_eq!(range("bytes=-10", 100), Some(Ok(90..100)));
        assert_eq!(range("bytes=50-500", 100), Some(Ok(50..100)));
        assert_eq!(range("bytes=100-", 100), Some(Err(())));
        assert_eq!(range("bytes=5-1", 100), Some(Err(())));
        assert_eq!(range("bytes=0-1,5-6", 100), None);
        assert_eq!(range("items=0-1", 100), None);
    }
}
