//! The citizen API (`/api/v1/citizen/…`): accounts, the service catalog, applications.
//!
//! Applications arrive as `multipart/form-data`: one part `application` with the JSON
//! [`ApplicationForm`], and one part per file named `doc.<required-document key>` (or
//! `doc.other`). Files are streamed into the blob store as they arrive; the form is
//! validated against the service's definition; only a complete, valid application is
//! filed. Citizens only ever see their own cases, and never internal notes.

use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use casedesk_domain::aggregate::DocumentMeta;
use casedesk_domain::command::{Command, CommandAnswer, CommandKind};
use casedesk_domain::file_name;
use casedesk_domain::wire::{
    ApplicationForm, ApplicationReceipt, CitizenCaseView, CitizenLogin, CitizenRegistration,
    CitizenSession, FieldError, RefreshRequest, ServiceDefinition,
};
use chrono::Utc;
use serde::Deserialize;
use uuid::Uuid;

use super::office::blobs::serve_blob;
use super::office::{check_throttle, record_failure};
use super::{ApiError, ApiJson, AppState, CitizenAuth, client_address};
use crate::auth::{self, start_session, throttle_keys};
use crate::blobs::name_for_content;
use crate::store::{Application, NewCitizen, Principal, SubjectKind};

pub fn routes(state: &AppState) -> Router<AppState> {
    let limits = &state.config.limits;
    let multipart_limit = usize::try_from(limits.max_upload_bytes)
        .unwrap_or(usize::MAX)
        .saturating_mul(limits.max_files_per_submission + 1);
    let uploads = axum::extract::DefaultBodyLimit::max(multipart_limit);
    Router::new()
        .route("/account", post(register))
        .route("/session", post(login).delete(logout))
        .route("/session/refresh", post(refresh))
        .route("/services", get(services))
        .route(
            "/applications",
            get(list_applications).post(submit).layer(uploads),
        )
        .route("/applications/{id}", get(application))
        .route("/applications/{id}/withdraw", post(withdraw))
        .route("/applications/{id}/messages", post(message))
        .route(
            "/applications/{id}/requests/{request_id}/answer",
            post(answer).layer(uploads),
        )
        .route("/applications/{id}/letter", get(letter))
}

fn check_registration(r: &CitizenRegistration) -> Result<(), ApiError> {
    let mut fields = Vec::new();
    let mut need = |field: &str, ok: bool, message: &str| {
        if !ok {
            fields.push(FieldError {
                field: field.to_owned(),
                message: message.to_owned(),
            });
        }
    };
    let email = r.email.trim();
    need(
        "email",
        email.len() <= 254
            && email
                .split_once('@')
                .is_some_and(|(a, b)| !a.is_empty() && b.contains('.')),
        "Bitte eine gültige E-Mail-Adresse angeben",
    );
    need(
        "password",
        (10..=256).contains(&r.password.chars().count()),
        "Das Passwort muss 10 bis 256 Zeichen lang sein",
    );
    for (field, value) in [
        ("given_name", &r.given_name),
        ("family_name", &r.family_name),
        ("street", &r.street),
        ("city", &r.city),
    ] {
        need(
            field,
            !value.trim().is_empty()
                && value.chars().count() <= 120
                && !value.chars().any(char::is_control),
            "Pflichtfeld (höchstens 120 Zeichen)",
        );
    }
    need(
        "postal_code",
        r.postal_code.len() == 5 && r.postal_code.bytes().all(|b| b.is_ascii_digit()),
        "Postleitzahl mit fünf Ziffern angeben",
    );
    if fields.is_empty() {
        Ok(())
    } else {
        let mut error =
            ApiError::bad_request("invalid_form", "Bitte die markierten Angaben prüfen");
        error.fields = fields;
        Err(error)
    }
}

#[utoipa::path(post, path = "/api/v1/citizen/account", request_body = CitizenRegistration,
    responses((status = 201, body = CitizenSession), (status = 400, body = casedesk_domain::wire::ErrorBody),
              (status = 409, body = casedesk_domain::wire::ErrorBody)))]
async fn register(
    State(state): State<AppState>,
    ApiJson(registration): ApiJson<CitizenRegistration>,
) -> Result<(StatusCode, Json<CitizenSession>), ApiError> {
    check_registration(&registration)?;
    let hash = auth::hash_password_blocking(registration.password.clone())
        .await
        .map_err(ApiError::internal)?;
    let citizen = state
        .db
        .create_citizen(NewCitizen {
            email: registration.email,
            password_hash: hash,
            given_name: registration.given_name.trim().to_owned(),
            family_name: registration.family_name.trim().to_owned(),
            street: registration.street.trim().to_owned(),
            postal_code: registration.postal_code,
            city: registration.city.trim().to_owned(),
            phone: registration.phone,
        })
        .await?;
    let tokens = start_session(
        state.db.as_ref(),
        &state.config.sessions,
        SubjectKind::Citizen,
        citizen.id,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(CitizenSession {
            tokens,
            citizen_id: citizen.id,
            name: format!("{} {}", citizen.given_name, citizen.family_name),
        }),
    ))
}

#[utoipa::path(post, path = "/api/v1/citizen/session", request_body = CitizenLogin,
    responses((status = 200, body = CitizenSession), (status = 401, body = casedesk_domain::wire::ErrorBody)))]
async fn login(
    State(state): State<AppState>,
    request: Request,
) -> Result<Json<CitizenSession>, ApiError> {
    let (parts, body) = request.into_parts();
    let address = client_address(&parts);
    let ApiJson(login) =
        ApiJson::<CitizenLogin>::from_request(Request::from_parts(parts, body), &state).await?;
    let keys = throttle_keys(SubjectKind::Citizen, &login.email, address);
    check_throttle(&state, &keys).await?;
    let found = state.db.citizen_credentials(&login.email).await?;
    let hash = found
        .as_ref()
        .map_or_else(|| auth::dummy_hash().to_owned(), |(_, h)| h.clone());
    let ok = auth::verify_password_blocking(login.password, hash).await;
    let Some((citizen, _)) = found.filter(|_| ok) else {
        return Err(record_failure(&state, &keys).await);
    };
    state.db.clear_login_failures(&keys[0]).await?;
    let tokens = start_session(
        state.db.as_ref(),
        &state.config.sessions,
        SubjectKind::Citizen,
        citizen.id,
    )
    .await?;
    Ok(Json(CitizenSession {
        tokens,
        citizen_id: citizen.id,
        name: format!("{} {}", citizen.given_name, citizen.family_name),
    }))
}

#[utoipa::path(post, path = "/api/v1/citizen/session/refresh", request_body = RefreshRequest,
    responses((status = 200, body = CitizenSession), (status = 401, body = casedesk_domain::wire::ErrorBody)))]
async fn refresh(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<RefreshRequest>,
) -> Result<Json<CitizenSession>, ApiError> {
    let consumed = state
        .db
        .consume_refresh(&auth::token_hash(&request.refresh_token), Utc::now())
        .await?;
    let Some((SubjectKind::Citizen, citizen_id)) = consumed else {
        return Err(ApiError::unauthorized(
            "session_expired",
            "Bitte erneut anmelden",
        ));
    };
    let citizen = state
        .db
        .citizen(citizen_id)
        .await?
        .ok_or_else(|| ApiError::unauthorized("session_expired", "Bitte erneut anmelden"))?;
    let tokens = start_session(
        state.db.as_ref(),
        &state.config.sessions,
        SubjectKind::Citizen,
        citizen.id,
    )
    .await?;
    Ok(Json(CitizenSession {
        tokens,
        citizen_id: citizen.id,
        name: format!("{} {}", citizen.given_name, citizen.family_name),
    }))
}

#[utoipa::path(delete, path = "/api/v1/citizen/session", responses((status = 204)))]
async fn logout(State(state): State<AppState>, auth: CitizenAuth) -> Result<StatusCode, ApiError> {
    state.db.delete_session(auth.session_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/citizen/services", responses((status = 200, body = Vec<ServiceDefinition>)))]
async fn services(State(state): State<AppState>) -> Result<Json<Vec<ServiceDefinition>>, ApiError> {
    Ok(Json(state.db.services().await?))
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
}

/// Reads a multipart body, streaming each `doc.<key>` file into the blob store.
async fn read_submission(
    state: &AppState,
    principal: &Principal,
    mut multipart: Multipart,
) -> Result<Submission, ApiError> {
    let limits = &state.config.limits;
    let mut submission = Submission {
        application: None,
        message: None,
        documents: Vec::new(),
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
        let Some(kind) = name.strip_prefix("doc.") else {
            return Err(ApiError::bad_request(
                "unknown_part",
                "Erlaubt sind die Teile application, message und doc.<Dokumentart>",
            ));
        };
        if kind.is_empty()
            || kind.len() > 64
            || !kind.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
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
        let kind = kind.to_owned();
        let raw_name = field.file_name().unwrap_or_default().to_owned();
        let accepted = state.accept_blob(field, None, principal).await?;
        submission.documents.push(DocumentMeta {
            id: Uuid::now_v7(),
            file_name: name_for_content(&file_name::sanitize(&raw_name), accepted.media_type),
            sha256: accepted.sha256,
            media_type: accepted.media_type.to_owned(),
            size: accepted.size as i64,
            kind: Some(kind),
            uploaded_at: Utc::now(),
            from_citizen: true,
            review: None,
        });
    }
    Ok(submission)
}

#[utoipa::path(post, path = "/api/v1/citizen/applications",
    request_body(content_type = "multipart/form-data", description = "part `application` (JSON ApplicationForm) and files `doc.<key>`"),
    responses((status = 201, body = ApplicationReceipt), (status = 400, body = casedesk_domain::wire::ErrorBody),
              (status = 413, body = casedesk_domain::wire::ErrorBody), (status = 415, body = casedesk_domain::wire::ErrorBody)))]
async fn submit(
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
    let submission = read_submission(&state, &principal, multipart).await?;
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
async fn list_applications(
    State(state): State<AppState>,
    auth: CitizenAuth,
) -> Result<Json<Vec<CitizenCaseView>>, ApiError> {
    let today = Utc::now().date_naive();
    let cases = state.db.citizen_cases(auth.citizen.id).await?;
    Ok(Json(
        cases
            .iter()
            .map(|c| CitizenCaseView::of(c, today))
            .collect(),
    ))
}

#[utoipa::path(get, path = "/api/v1/citizen/applications/{id}",
    params(("id" = Uuid, Path)), responses((status = 200, body = CitizenCaseView), (status = 404, body = casedesk_domain::wire::ErrorBody)))]
async fn application(
    State(state): State<AppState>,
    auth: CitizenAuth,
    Path(id): Path<Uuid>,
) -> Result<Json<CitizenCaseView>, ApiError> {
    let case = state
        .db
        .case(&Principal::Citizen(auth.citizen), id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(CitizenCaseView::of(&case, Utc::now().date_naive())))
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
    Ok(Json(CitizenCaseView::of(&case, Utc::now().date_naive())))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawRequest {
    #[serde(default)]
    reason: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/citizen/applications/{id}/withdraw", params(("id" = Uuid, Path)),
    request_body = WithdrawRequest, responses((status = 200, body = CitizenCaseView), (status = 409, body = casedesk_domain::wire::ErrorBody)))]
async fn withdraw(
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
async fn message(
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
    request_body(content_type = "multipart/form-data", description = "optional part `message` and files `doc.<key>`"),
    responses((status = 200, body = CitizenCaseView)))]
async fn answer(
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
    let submission = read_submission(&state, &principal, multipart).await?;
    run_citizen_command(
        &state,
        auth,
        &headers,
        id,
        CommandKind::AnswerRequest {
            request_id,
            documents: submission.documents,
            message: submission.message,
        },
    )
    .await
}

#[utoipa::path(get, path = "/api/v1/citizen/applications/{id}/letter", params(("id" = Uuid, Path)),
    responses((status = 200, description = "the decision letter (PDF)", content_type = "application/pdf"),
              (status = 404, body = casedesk_domain::wire::ErrorBody)))]
async fn letter(
    State(state): State<AppState>,
    auth: CitizenAuth,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let principal = Principal::Citizen(auth.citizen);
    let case = state
        .db
        .case(&principal, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let sha = case
        .decision
        .as_ref()
        .and_then(|d| d.letter_sha256.clone())
        .ok_or_else(ApiError::not_found)?;
    let name = format!("Bescheid-{}.pdf", case.aktenzeichen);
    serve_blob(&state, &principal, &sha, &headers, Some(&name)).await
}
