//! Blob transfer of the office API (and the citizen API's downloads): `GET` with
//! `ETag` and `Range`, `PUT` with the hash checked, both scoped by the store's rule
//! of who may read a blob.

use std::ops::Range;

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use casedesk_domain::wire::is_sha256_hex;
use serde::{Deserialize, Serialize};

use super::super::{ApiError, AppState, Staff};
use crate::blobs::Reading;
use crate::store::Principal;

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

/// `Content-Disposition` for a download named `name` (RFC 6266 / 5987): an ASCII
/// fallback plus the UTF-8 name, percent-encoded.
fn content_disposition(name: &str) -> Option<HeaderValue> {
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
    HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    ))
    .ok()
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
    if let Some(value) = download_name.and_then(content_disposition) {
        headers_out.insert(header::CONTENT_DISPOSITION, value);
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
pub(crate) async fn get_blob(
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
pub(crate) async fn put_blob(
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
