//! Downloading letters from the portal mailbox: the decision letter, the letters of
//! the notices after it, and the letter of a request (items or hearing).
//!
//! A decision or notice provided for retrieval with the applicant's consent counts
//! as announced on the day after the citizen first retrieves it (§41(2a) VwVfG
//! NRW), and the remedy period and the fee's due date run from that day. The first
//! download is that retrieval, so it is recorded as the citizen's
//! `record_retrieval` command, and the record is committed before a byte of the
//! letter is sent: an announcement the portal cannot show would be worse than a
//! download that has to be retried. When recording fails, the letter is not served
//! (an error answers instead), and the citizen can try again. A download counts
//! once it starts, a range request included: the citizen has the letter in hand
//! from then on, and a broken transfer can be resumed. A `HEAD` request fetches no
//! letter and records nothing.
//!
//! Later downloads change nothing. A letter whose ten days ran out is still served
//! as a copy, but announces nothing: the portal notes the lapse (as its job would
//! within minutes) and the office delivers by post.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use casedesk_domain::CaseAggregate;
use casedesk_domain::aggregate::RequestPurpose;
use casedesk_domain::command::{Command, CommandAnswer, CommandKind};
use casedesk_domain::deadline::local_date;
use casedesk_domain::delivery::DeliveryChannel;
use chrono::Utc;
use uuid::Uuid;

use crate::api::office::blobs::serve_blob;
use crate::api::{ApiError, AppState, CitizenAuth};
use crate::jobs::lapse_command;
use crate::store::Principal;

#[utoipa::path(get, path = "/api/v1/citizen/applications/{id}/letter", params(("id" = Uuid, Path)),
    responses((status = 200, description = "the decision letter (PDF); the first download of a letter provided for retrieval announces it on the following day", content_type = "application/pdf"),
              (status = 404, body = casedesk_domain::wire::ErrorBody),
              (status = 409, body = casedesk_domain::wire::ErrorBody, description = "the retrieval could not be recorded; nothing was served"),
              (status = 503, body = casedesk_domain::wire::ErrorBody, description = "the retrieval could not be recorded; nothing was served")))]
pub(crate) async fn decision_letter(
    State(state): State<AppState>,
    auth: CitizenAuth,
    Path(id): Path<Uuid>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    serve_letter(&state, auth, id, None, &method, &headers).await
}

#[utoipa::path(get, path = "/api/v1/citizen/applications/{id}/notices/{notice_id}/letter",
    params(("id" = Uuid, Path), ("notice_id" = Uuid, Path)),
    responses((status = 200, description = "the letter of a fee or tax notice (PDF); the first download of a letter provided for retrieval announces it on the following day", content_type = "application/pdf"),
              (status = 404, body = casedesk_domain::wire::ErrorBody),
              (status = 409, body = casedesk_domain::wire::ErrorBody, description = "the retrieval could not be recorded; nothing was served"),
              (status = 503, body = casedesk_domain::wire::ErrorBody, description = "the retrieval could not be recorded; nothing was served")))]
pub(crate) async fn notice_letter(
    State(state): State<AppState>,
    auth: CitizenAuth,
    Path((id, notice_id)): Path<(Uuid, Uuid)>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    serve_letter(&state, auth, id, Some(notice_id), &method, &headers).await
}

#[utoipa::path(get, path = "/api/v1/citizen/applications/{id}/requests/{request_id}/letter",
    params(("id" = Uuid, Path), ("request_id" = Uuid, Path)),
    responses((status = 200, description = "the letter of a request for items or of a hearing (PDF); downloading it records nothing", content_type = "application/pdf"),
              (status = 404, body = casedesk_domain::wire::ErrorBody)))]
pub(crate) async fn request_letter(
    State(state): State<AppState>,
    auth: CitizenAuth,
    Path((id, request_id)): Path<(Uuid, Uuid)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let principal = Principal::Citizen(auth.citizen);
    let case = state
        .db
        .case(&principal, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let request = case
        .requests
        .iter()
        .find(|r| r.id == request_id)
        .ok_or_else(ApiError::not_found)?;
    let sha = request
        .letter_sha256
        .as_deref()
        .ok_or_else(ApiError::not_found)?;
    let title = match request.purpose {
        RequestPurpose::Items => "Nachforderung",
        RequestPurpose::Hearing => "Anhoerung",
    };
    let name = format!("{title}-{}.pdf", case.aktenzeichen);
    serve_blob(&state, &principal, sha, &headers, Some(&name)).await
}

/// The letter of the decision (`notice_id` none) or of a notice of one of the
/// citizen's cases, its first retrieval recorded before it is served.
async fn serve_letter(
    state: &AppState,
    auth: CitizenAuth,
    case_id: Uuid,
    notice_id: Option<Uuid>,
    method: &Method,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let principal = Principal::Citizen(auth.citizen);
    let case = state
        .db
        .case(&principal, case_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let (sha, title) = match notice_id {
        None => (
            case.decision.as_ref().and_then(|d| d.letter_sha256.clone()),
            "Bescheid".to_owned(),
        ),
        Some(id) => {
            let notice = case.notices.iter().find(|n| n.id == id);
            (
                notice.and_then(|n| n.letter_sha256.clone()),
                notice
                    .map(|n| n.kind.german().replace(' ', "-"))
                    .unwrap_or_default(),
            )
        }
    };
    let sha = sha.ok_or_else(ApiError::not_found)?;
    if method != Method::HEAD {
        record_retrieval(state, &principal, &case, notice_id).await?;
    }
    let name = format!("{title}-{}.pdf", case.aktenzeichen);
    serve_blob(state, &principal, &sha, headers, Some(&name)).await
}

/// Records the citizen's first retrieval of a letter provided in the portal mailbox;
/// nothing for a letter that went another way, was retrieved before, or whose ten
/// days ran out (that lapse is noted instead).
async fn record_retrieval(
    state: &AppState,
    principal: &Principal,
    case: &CaseAggregate,
    notice_id: Option<Uuid>,
) -> Result<(), ApiError> {
    let Some(delivery) = case.delivery_of(notice_id) else {
        return Ok(());
    };
    let pending = delivery.channel == DeliveryChannel::Portal
        && delivery.retrieved_at.is_none()
        && !delivery.lapsed
        && delivery.dates.is_none();
    if !pending {
        return Ok(());
    }
    let now = Utc::now();
    if delivery.retrieval_overdue(local_date(now)) {
        // Retrieved after the ten days: no announcement (§41(2a) S. 4). Note the lapse
        // now, as the job would; the copy served has no legal effect either way.
        let lapse = lapse_command(case.id, notice_id, case.version);
        if let Err(error) = state
            .db
            .apply_command(&Principal::System, &lapse, now)
            .await
        {
            tracing::warn!(%error, case_id = %case.id, "could not note a lapsed retrieval");
        }
        return Ok(());
    }
    let command = Command {
        command_id: Uuid::now_v7(),
        case_id: case.id,
        base_version: case.version,
        kind: CommandKind::RecordRetrieval { notice_id },
    };
    match state.db.apply_command(principal, &command, now).await {
        Ok(CommandAnswer::Applied { .. } | CommandAnswer::Duplicate { .. }) => {
            tracing::info!(aktenzeichen = %case.aktenzeichen, ?notice_id, "retrieval recorded");
            Ok(())
        }
        Ok(CommandAnswer::Rejected { rejection, .. }) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "retrieval_not_recorded",
            format!(
                "Der Abruf konnte nicht erfasst werden, daher wird das Schreiben nicht \
                 ausgeliefert: {}",
                rejection.message
            ),
        )),
        Err(error) => {
            tracing::error!(%error, case_id = %case.id, "could not record a retrieval");
            Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "retrieval_not_recorded",
                "Der Abruf konnte gerade nicht erfasst werden, daher wird das Schreiben nicht \
                 ausgeliefert. Bitte versuchen Sie es in einigen Minuten erneut.",
            ))
        }
    }
}
