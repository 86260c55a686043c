//! The office API (`/api/v1/office/…`) that desktop clients sync from.
//!
//! Session handling, the sync triple (bootstrap, changes, live), the command batch and
//! blob transfer. Every query is filtered by the caller's offices in the store, never
//! here. The sync triple is in [`sync`], blob transfer in [`blobs`].

use axum::extract::{FromRequest, Request, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use casedesk_domain::command::{CommandAnswer, Rejection, RejectionCode};
use casedesk_domain::wire::{
    CommandBatch, CommandBatchAnswer, LoginRequest, OfficeSession, RefreshRequest,
    ServiceDefinition, TenantSettings, UserInfo,
};
use chrono::{Duration, Utc};
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};

use super::{ApiError, ApiJson, AppState, Staff, client_address};
use crate::auth::{self, start_session, throttle_keys};
use crate::store::{Principal, SubjectKind};

pub(crate) mod blobs;
pub(crate) mod sync;

use blobs::{get_blob, put_blob};
use sync::{bootstrap, changes, live};

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
        .route("/tenant", get(tenant))
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

/// The tenant's settings that desktops keep for working offline.
#[utoipa::path(get, path = "/api/v1/office/tenant", responses((status = 200, body = TenantSettings)))]
async fn tenant(
    State(state): State<AppState>,
    _staff: Staff,
) -> Result<Json<TenantSettings>, ApiError> {
    Ok(Json(TenantSettings {
        fee_due_after: state.db.fee_due_after().await?,
    }))
}

/// The staff of the caller's offices, for assigning and for names.
#[utoipa::path(get, path = "/api/v1/office/staff", responses((status = 200, body = Vec<UserInfo>)))]
async fn staff(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Json<Vec<UserInfo>>, ApiError> {
    Ok(Json(state.db.office_staff(&staff.user).await?))
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

#[cfg(test)]
mod tests {
    use std::ops::Range;

    use axum::http::{HeaderMap, HeaderValue, header};
    use bytes::Bytes;
    use futures::StreamExt;

    use super::blobs::parse_range;
    use super::sync::changes_body;
    use crate::store::{ChangesChunk, StoreError, StoreResult};

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
