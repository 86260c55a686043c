//! The `casedesk-doc` URI scheme: document bytes for the webview, straight from the
//! engine's verified blob cache (fetched from the portal on a miss). No temporary
//! files and no `file://` access: the page asks for `casedesk-doc://localhost/<sha256>`
//! (`http://casedesk-doc.localhost/<sha256>` on Windows) and gets the bytes.

use casedesk_client::{Desk, ErrorCode};
use tauri::http::{Request, Response, StatusCode, header};

/// The media types shown inline; anything else is offered as a download only, so a
/// mislabelled upload can never run as a page inside the app.
const INLINE_TYPES: &[&str] = &[
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/tiff",
];

/// The origins of the app's own pages on Linux/macOS and on Windows.
const APP_ORIGINS: &[&str] = &["tauri://localhost", "http://tauri.localhost"];

/// Answers one request.
pub async fn serve(desk: &Desk, request: &Request<Vec<u8>>) -> Response<Vec<u8>> {
    let origin = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|origin| APP_ORIGINS.contains(origin) || origin.starts_with("http://localhost:"));
    let sha256 = request.uri().path().trim_start_matches('/');
    let mut response = if !is_sha256(sha256) {
        plain(StatusCode::BAD_REQUEST, "Ungültige Dokumentadresse.")
    } else {
        match desk.document(sha256).await {
            Ok(document) => {
                let media_type = document
                    .media_type
                    .as_deref()
                    .filter(|t| INLINE_TYPES.contains(t))
                    .unwrap_or("application/octet-stream");
                let mut builder = Response::builder()
                    .status(StatusCode::OK)
                    .header(header::CONTENT_TYPE, media_type)
                    .header(header::CONTENT_LENGTH, document.bytes.len())
                    // The bytes never change for a hash, but the webview's cache would
                    // keep a copy outside the engine's budget and wipe.
                    .header(header::CACHE_CONTROL, "no-store");
                if media_type == "application/octet-stream" {
                    builder = builder.header(header::CONTENT_DISPOSITION, "attachment");
                }
                builder.body(document.bytes).unwrap_or_else(|_| {
                    plain(StatusCode::INTERNAL_SERVER_ERROR, "Interner Fehler.")
                })
            }
            Err(error) => {
                let status = match error.code() {
                    ErrorCode::BlobNotFound => StatusCode::NOT_FOUND,
                    ErrorCode::Offline => StatusCode::SERVICE_UNAVAILABLE,
                    ErrorCode::BlobCorrupt => StatusCode::BAD_GATEWAY,
                    _ => StatusCode::INTERNAL_SERVER_ERROR,
                };
                tracing::info!(sha256, code = error.code().as_str(), "document not served");
                plain(status, &error.to_string())
            }
        }
    };
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        "nosniff".parse().expect("static header"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; sandbox"
            .parse()
            .expect("static header"),
    );
    if let Some(origin) = origin.and_then(|o| o.parse().ok()) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    }
    response
}

fn plain(status: StatusCode, message: &str) -> Response<Vec<u8>> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(message.as_bytes().to_vec())
        .expect("static response")
}

fn is_sha256(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_lower_case_hex_digests_are_addresses() {
        assert!(is_sha256(&"ab".repeat(32)));
        assert!(!is_sha256(&"AB".repeat(32)));
        assert!(!is_sha256("../../etc/passwd"));
        assert!(!is_sha256(&format!("{}/x", "a".repeat(62))));
        assert!(!is_sha256(""));
    }
}
