//! The sync triple of the office API: the bootstrap snapshot (NDJSON or frames),
//! changes pages streamed from one snapshot, and the live stream that says only
//! "something changed at seq N".

use std::convert::Infallible;

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use axum::response::sse::{Event, KeepAlive, Sse};
use bytes::{BufMut, Bytes, BytesMut};
use casedesk_domain::frames::{self, RecordKind};
use casedesk_domain::wire::BootstrapMarker;
use futures::{Stream, StreamExt};
use serde::Deserialize;
use uuid::Uuid;

use super::super::{ApiError, AppState, Staff};
use crate::store::{BootstrapForm, ChangesChunk};

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
pub(crate) async fn bootstrap(
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
pub(crate) async fn changes(
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
pub(crate) fn changes_body(
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
pub(crate) async fn live(
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
    Sse::new(events).keep_alive(KeepAlive::new().interval(super::super::LIVE_KEEP_ALIVE))
}
