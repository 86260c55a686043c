//! The citizen API (`/api/v1/citizen/…`): accounts and the service catalog here;
//! applications and what citizens do with them in [`applications`]; downloading
//! letters, which records the retrieval that announces a decision provided in the
//! portal mailbox, in [`letters`]; what the API takes and shows in [`view`].
//!
//! Citizens only ever see their own cases, and never internal notes.

use axum::extract::{FromRequest, Request, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use casedesk_domain::wire::{
    CitizenLogin, CitizenRegistration, CitizenSession, FieldError, RefreshRequest,
    ServiceDefinition,
};
use chrono::Utc;

use super::office::{check_throttle, record_failure};
use super::{ApiError, ApiJson, AppState, CitizenAuth, client_address};
use crate::auth::{self, start_session, throttle_keys};
use crate::store::{NewCitizen, SubjectKind};

pub mod applications;
pub mod letters;
pub mod view;

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
            get(applications::list_applications)
                .post(applications::submit)
                .layer(uploads),
        )
        .route("/applications/{id}", get(applications::application))
        .route("/applications/{id}/withdraw", post(applications::withdraw))
        .route("/applications/{id}/messages", post(applications::message))
        .route(
            "/applications/{id}/requests/{request_id}/answer",
            post(applications::answer).layer(uploads),
        )
        .route("/applications/{id}/letter", get(letters::decision_letter))
        .route(
            "/applications/{id}/notices/{notice_id}/letter",
            get(letters::notice_letter),
        )
        .route(
            "/applications/{id}/requests/{request_id}/letter",
            get(letters::request_letter),
        )
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
pub(crate) async fn register(
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
pub(crate) async fn login(
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
pub(crate) async fn refresh(
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
pub(crate) async fn logout(
    State(state): State<AppState>,
    auth: CitizenAuth,
) -> Result<StatusCode, ApiError> {
    state.db.delete_session(auth.session_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/citizen/services", responses((status = 200, body = Vec<ServiceDefinition>)))]
pub(crate) async fn services(
    State(state): State<AppState>,
) -> Result<Json<Vec<ServiceDefinition>>, ApiError> {
    Ok(Json(state.db.services().await?))
}
