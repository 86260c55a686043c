//! Applications on the citizen API: filing one (`multipart/form-data`: one part
//! `application` with the JSON [`ApplicationForm`], including the applicant's
//! consents, and one part per file named `doc.<required-document key>` or
//! `doc.other`), listing and viewing them, and what a citizen does with them, each
//! a command of its own: withdrawing, writing to the office, answering a request.
//!
//! Files are streamed into the blob store as they arrive; the form is validated
//! against the service's definition; only a complete, valid application is filed.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use casedesk_domain::CaseAggregate;
use casedesk_domain::aggregate::{DocumentMeta, ItemAnswer};
use casedesk_domain::command::{Command, CommandAnswer, CommandKind};
use casedesk_domain::deadline::local_date;
use casedesk_domain::file_name;
use casedesk_domain::wire::{ApplicationReceipt, ServiceDefinition};
use chrono::Utc;
use serde::Deserialize;
use uuid::Uuid;

use super::view::{ApplicationForm, CitizenCaseView};
use crate::api::{ApiError, ApiJson, AppState, CitizenAuth};
use crate::blobs::name_for_content;
use crate::store::{Application, Principal, StoreError};

/// The citizen's view of `case`, with its service's law.
async fn view_of(state: &AppState, case: &CaseAggregate) -> Result<CitizenCaseView, ApiError> {
    let service = match state.db.service(&case.service_id).await {
        Ok(service) => service,
        // Stored by an older version, without the law it needs now: the citizen
        // still sees the case; the operator finds the reason in the log.
        Err(StoreError::Corrupt(error)) => {
            tracing::error!(service = %case.service_id, %error, "service definition unreadable");
            None
        }
        Err(error) => return Err(error.into()),
    };
    Ok(CitizenCaseView::of(
        case,
        known_service(case, service.as_ref()),
        local_date(Utc::now()),
    ))
}

/// `service` of `case`, logging a case whose service is missing or unreadable.
fn known_service<'s>(
    case: &CaseAggregate,
    service: Option<&'s ServiceDefinition>,
) -> Option<&'s ServiceDefinition> {
    if service.is_none() {
        tracing::error!(
            case = %case.id,
            service = %case.service_id,
            "case of a service the portal cannot read; shown without its law"
        );
    }
    service
}

fn multipart_error(error: axum::extract::multipart::MultipartError) -> ApiError {
    let status = error.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(status, "too_large", "Die Anfrage ist zu groß")
    } else {
        ApiError::bad_request("malformed_multipart", error.body_text())
    }
}

/// The files and text parts of a multipart submission.
struct Submission {
    application: Option<ApplicationForm>,
    message: Option<String>,
    documents: Vec<DocumentMeta>,
    /// For an answer: which document answers which item (parts `item.<n>`).
    items: Vec<ItemAnswer>,
}

/// Reads a multipart body, streaming each `doc.<key>` file (and for an answer each
/// `item.<n>` file, n the item's position from 0) into the blob store.
async fn read_submission(
    state: &AppState,
    principal: &Principal,
    mut multipart: Multipart,
    answering: bool,
) -> Result<Submission, ApiError> {
    let limits = &state.config.limits;
    let mut submission = Submission {
        application: None,
        message: None,
        documents: Vec::new(),
        items: Vec::new(),
    };
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "application" || name == "message" {
            let text = field.text().await.map_err(multipart_error)?;
            if text.len() > limits.max_json_bytes {
                return Err(ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too_large",
                    "Textteil zu groß",
                ));
            }
            if name == "message" {
                submission.message = Some(text);
            } else {
                let form: ApplicationForm = serde_json::from_str(&text).map_err(|e| {
                    ApiError::bad_request("invalid_json", format!("Teil „application“: {e}"))
                })?;
                submission.application = Some(form);
            }
            continue;
        }
        let (kind, item) = match (name.strip_prefix("doc."), name.strip_prefix("item.")) {
            (Some(kind), _) => (Some(kind), None),
            (None, Some(item)) if answering => {
                let item = item.parse::<u32>().map_err(|_| {
                    ApiError::bad_request("unknown_part", "Ungültige Nummer eines Punkts")
                })?;
                (None, Some(item))
            }
            _ => {
                return Err(ApiError::bad_request(
                    "unknown_part",
                    if answering {
                        "Erlaubt sind die Teile message, item.<Nummer> und doc.<Dokumentart>"
                    } else {
                        "Erlaubt sind die Teile application, message und doc.<Dokumentart>"
                    },
                ));
            }
        };
        if let Some(kind) = kind
            && (kind.is_empty()
                || kind.len() > 64
                || !kind.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        {
            return Err(ApiError::bad_request(
                "unknown_part",
                "Ungültige Dokumentart",
            ));
        }
        if submission.documents.len() >= limits.max_files_per_submission {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_many_files",
                format!("Höchstens {} Dateien", limits.max_files_per_submission),
            ));
        }
        let kind = kind.map(str::to_owned);
        let raw_name = field.file_name().unwrap_or_default().to_owned();
        let accepted = state.accept_blob(field, None, principal).await?;
        let id = Uuid::now_v7();
        if let Some(item) = item {
            match submission.items.iter_mut().find(|a| a.item == item) {
                Some(answer) => answer.document_ids.push(id),
                None => submission.items.push(ItemAnswer {
                    item,
                    document_ids: vec![id],
                }),
            }
        }
        submission.documents.push(DocumentMeta {
            id,
            file_name: name_for_content(&file_name::sanitize(&raw_name), accepted.media_type),
            sha256: accepted.sha256,
            media_type: accepted.media_type.to_owned(),
            size: accepted.size as i64,
            kind,
            uploaded_at: Utc::now(),
            from_citizen: true,
            review: None,
        });
    }
    Ok(submission)
}

#[utoipa::path(post, path = "/api/v1/citizen/applications",
    request_body(content_type = "multipart/form-data", description = "part `application` (JSON ApplicationForm: service_id, form, consents) and files `doc.<key>`"),
    responses((status = 201, body = ApplicationReceipt), (status = 400, body = casedesk_domain::wire::ErrorBody),
              (status = 413, body = casedesk_domain::wire::ErrorBody), (status = 415, body = casedesk_domain::wire::ErrorBody)))]
pub(crate) async fn submit(
    State(state): State<AppState>,
    auth: CitizenAuth,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(StatusCode, Json<ApplicationReceipt>), ApiError> {
    let multipart = multipart.map_err(|e| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "expected_multipart",
            e.body_text(),
        )
    })?;
    let principal = Principal::Citizen(auth.citizen.clone());
    let submission = read_submission(&state, &principal, multipart, false).await?;
    let form = submission.application.ok_or_else(|| {
        ApiError::bad_request("missing_application", "Der Teil „application“ fehlt")
    })?;
    let service =
        state.db.service(&form.service_id).await?.ok_or_else(|| {
            ApiError::bad_request("unknown_service", "Diese Leistung gibt es nicht")
        })?;
    let fields = service
        .check_application(&form.form, &submission.documents)
        .err()
        .unwrap_or_default();
    if !fields.is_empty() {
        let mut error =
            ApiError::bad_request("invalid_form", "Bitte die markierten Angaben prüfen");
        error.fields = fields;
        return Err(error);
    }
    let case = state
        .db
        .submit_application(Application {
            citizen_id: auth.citizen.id,
            service,
            form: form.form,
            documents: submission.documents,
            received_at: Utc::now(),
            consents: form.consents.into(),
        })
        .await?;
    tracing::info!(aktenzeichen = %case.aktenzeichen, "application filed");
    Ok((
        StatusCode::CREATED,
        Json(ApplicationReceipt {
            case_id: case.id,
            aktenzeichen: case.aktenzeichen,
            due_date: case.due_date,
        }),
    ))
}

#[utoipa::path(get, path = "/api/v1/citizen/applications", responses((status = 200, body = Vec<CitizenCaseView>)))]
pub(crate) async fn list_applications(
    State(state): State<AppState>,
    auth: CitizenAuth,
) -> Result<Json<Vec<CitizenCaseView>>, ApiError> {
    let today = local_date(Utc::now());
    let cases = state.db.citizen_cases(auth.citizen.id).await?;
    let services: HashMap<String, ServiceDefinition> = state
        .db
        .services()
        .await?
        .into_iter()
        .map(|s| (s.id.clone(), s))
        .collect();
    let views = cases
        .iter()
        .map(|case| {
            CitizenCaseView::of(
                case,
                known_service(case, services.get(&case.service_id)),
                today,
            )
        })
        .collect();
    Ok(Json(views))
}

#[utoipa::path(get, path = "/api/v1/citizen/applications/{id}",
    params(("id" = Uuid, Path)), responses((status = 200, body = CitizenCaseView), (status = 404, body = casedesk_domain::wire::ErrorBody)))]
pub(crate) async fn application(
    State(state): State<AppState>,
    auth: CitizenAuth,
    Path(id): Path<Uuid>,
) -> Result<Json<CitizenCaseView>, ApiError> {
    let case = state
        .db
        .case(&Principal::Citizen(auth.citizen), id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(view_of(&state, &case).await?))
}

/// Citizen actions are commands too; an `Idempotency-Key` header (a UUID) makes a
/// retried request safe, exactly like a desktop's `command_id`.
async fn run_citizen_command(
    state: &AppState,
    auth: CitizenAuth,
    headers: &HeaderMap,
    case_id: Uuid,
    kind: CommandKind,
) -> Result<Json<CitizenCaseView>, ApiError> {
    let command_id = match headers.get("idempotency-key") {
        Some(value) => value
            .to_str()
            .ok()
            .and_then(|v| Uuid::parse_str(v).ok())
            .ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_idempotency_key",
                    "Idempotency-Key muss eine UUID sein",
                )
            })?,
        None => Uuid::now_v7(),
    };
    let principal = Principal::Citizen(auth.citizen);
    let Some(case) = state.db.case(&principal, case_id).await? else {
        return Err(ApiError::not_found());
    };
    let command = Command {
        command_id,
        case_id,
        base_version: case.version,
        kind,
    };
    let answer = state
        .db
        .apply_command(&principal, &command, Utc::now())
        .await?;
    let answer = match answer {
        CommandAnswer::Duplicate { first, .. } => *first,
        other => other,
    };
    if let CommandAnswer::Rejected { rejection, .. } = answer {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "rejected",
            rejection.message,
        ));
    }
    let case = state
        .db
        .case(&principal, case_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(view_of(state, &case).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawRequest {
    #[serde(default)]
    reason: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/citizen/applications/{id}/withdraw", params(("id" = Uuid, Path)),
    request_body = WithdrawRequest, responses((status = 200, body = CitizenCaseView), (status = 409, body = casedesk_domain::wire::ErrorBody)))]
pub(crate) async fn withdraw(
    State(state): State<AppState>,
    auth: CitizenAuth,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<WithdrawRequest>,
) -> Result<Json<CitizenCaseView>, ApiError> {
    run_citizen_command(
        &state,
        auth,
        &headers,
        id,
        CommandKind::Withdraw {
            reason: request.reason,
        },
    )
    .await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageRequest {
    text: String,
}

#[utoipa::path(post, path = "/api/v1/citizen/applications/{id}/messages", params(("id" = Uuid, Path)),
    request_body = MessageRequest, responses((status = 200, body = CitizenCaseView)))]
pub(crate) async fn message(
    State(state): State<AppState>,
    auth: CitizenAuth,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<MessageRequest>,
) -> Result<Json<CitizenCaseView>, ApiError> {
    run_citizen_command(
        &state,
        auth,
        &headers,
        id,
        CommandKind::CitizenMessage { text: request.text },
    )
    .await
}

#[utoipa::path(post, path = "/api/v1/citizen/applications/{id}/requests/{request_id}/answer",
    params(("id" = Uuid, Path), ("request_id" = Uuid, Path)),
    request_body(content_type = "multipart/form-data", description = "optional part `message`; files `item.<n>` answer the request's item n (its position in `items`, from 0), one or more per item; files `doc.<key>` answer the item asking for that kind, or the request's only item. Items may be answered over several answers: the request stays open, and the case waiting, until every item has a file (a hearing: until the citizen says anything)."),
    responses((status = 200, body = CitizenCaseView), (status = 400, body = casedesk_domain::wire::ErrorBody),
              (status = 409, body = casedesk_domain::wire::ErrorBody)))]
pub(crate) async fn answer(
    State(state): State<AppState>,
    auth: CitizenAuth,
    Path((id, request_id)): Path<(Uuid, Uuid)>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Json<CitizenCaseView>, ApiError> {
    let multipart = multipart.map_err(|e| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "expected_multipart",
            e.body_text(),
        )
    })?;
    let principal = Principal::Citizen(auth.citizen.clone());
    let submission = read_submission(&state, &principal, multipart, true).await?;
    run_citizen_command(
        &state,
        auth,
        &headers,
        id,
        CommandKind::AnswerRequest {
            request_id,
            documents: submission.documents,
            message: submission.message,
            items: submission.items,
        },
    )
    .await
}
