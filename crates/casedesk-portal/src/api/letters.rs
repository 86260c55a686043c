//! The tenant's letter templates and letterhead on the office API
//! (`/api/v1/office/letters…`).
//!
//! Any staff member reads the settings in effect (the built-in templates of
//! `casedesk-letters` merged with the tenant's overrides, plus the letterhead);
//! desktops sync them and render letters offline. Only admins change them, and a
//! change is stored only after every letter template renders against the sample
//! cases of `casedesk_letters::sample`, so a typo in a placeholder is refused here
//! with its template, line and expression instead of breaking letters on every desktop.

use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use base64::Engine;
use casedesk_domain::lifecycle::Role;
use casedesk_domain::wire::{
    LetterSettings, LetterTemplate, LetterheadSetting, LetterheadUpdate, TemplateUpdate,
};
use casedesk_letters::template::DEFAULT_TEMPLATES;
use casedesk_letters::{
    LetterError, LetterInput, LetterKind, Letterhead, RenderOptions, Signature, TemplateSet, sample,
};
use sha2::{Digest, Sha256};

use super::{ApiError, ApiJson, AppState, Staff};
use crate::store::{StoredLetterhead, StoredLetters};

/// A letterhead body carries the logo as base64; logos are small, but larger than
/// most JSON bodies.
const LETTERHEAD_BODY_LIMIT: usize = 4 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/letters", get(letters))
        .route("/letters/templates/{name}", put(put_template))
        .route(
            "/letters/letterhead",
            put(put_letterhead).layer(DefaultBodyLimit::max(LETTERHEAD_BODY_LIMIT)),
        )
}

/// The settings in effect and their version (a hash of everything in them, so it
/// changes exactly when a desktop would render differently).
pub fn settings_of(stored: &StoredLetters) -> LetterSettings {
    let mut templates: Vec<LetterTemplate> = DEFAULT_TEMPLATES
        .iter()
        .map(|(name, source)| LetterTemplate {
            name: (*name).to_owned(),
            source: (*source).to_owned(),
            overridden: false,
            updated_by: None,
            updated_at: None,
        })
        .collect();
    for stored in &stored.templates {
        let template = LetterTemplate {
            name: stored.name.clone(),
            source: stored.source.clone(),
            overridden: true,
            updated_by: Some(stored.updated_by_name.clone()),
            updated_at: Some(stored.updated_at),
        };
        match templates.iter_mut().find(|t| t.name == stored.name) {
            Some(slot) => *slot = template,
            None => templates.push(template),
        }
    }
    templates.sort_by(|a, b| a.name.cmp(&b.name));
    let letterhead = stored.letterhead.as_ref().map(|l| LetterheadSetting {
        letterhead: serde_json::from_str(&l.json).unwrap_or(serde_json::Value::Null),
        logo_base64: l.logo_base64.clone(),
        updated_by: Some(l.updated_by_name.clone()),
        updated_at: Some(l.updated_at),
    });
    let mut hash = Sha256::new();
    for t in &templates {
        hash.update(t.name.as_bytes());
        hash.update([0]);
        hash.update(t.source.as_bytes());
        hash.update([0]);
    }
    if let Some(l) = &stored.letterhead {
        hash.update(l.json.as_bytes());
        hash.update([0]);
        hash.update(l.logo_base64.as_deref().unwrap_or_default().as_bytes());
    }
    LetterSettings {
        version: hex::encode(&hash.finalize()[..16]),
        templates,
        letterhead,
    }
}

/// The letter templates in effect and the letterhead. Answers `304` when
/// `If-None-Match` names the current version.
#[utoipa::path(
    get,
    path = "/api/v1/office/letters",
    responses(
        (status = 200, body = LetterSettings, description = "With `ETag` set to the version"),
        (status = 304, description = "Unchanged since the version in `If-None-Match`"),
    )
)]
async fn letters(
    State(state): State<AppState>,
    _staff: Staff,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let settings = settings_of(&state.db.letters().await?);
    let etag = format!("\"{}\"", settings.version);
    let etag_value = HeaderValue::from_str(&etag).map_err(ApiError::internal)?;
    let unchanged = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag));
    if unchanged {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag_value)]).into_response());
    }
    Ok(([(header::ETAG, etag_value)], Json(settings)).into_response())
}

/// Replaces the tenant's version of one template (admins only). Refused with `400`
/// when any letter no longer renders; the message names template, line and
/// placeholder.
#[utoipa::path(
    put,
    path = "/api/v1/office/letters/templates/{name}",
    params(("name" = String, Path, description = "Template name, e.g. `hu_approved` or `_remedy`")),
    request_body = TemplateUpdate,
    responses(
        (status = 200, body = LetterSettings),
        (status = 400, body = casedesk_domain::wire::ErrorBody, description = "The template does not render"),
        (status = 403, body = casedesk_domain::wire::ErrorBody),
    )
)]
async fn put_template(
    State(state): State<AppState>,
    staff: Staff,
    Path(name): Path<String>,
    ApiJson(update): ApiJson<TemplateUpdate>,
) -> Result<Json<LetterSettings>, ApiError> {
    require_admin(&staff)?;
    if !DEFAULT_TEMPLATES.iter().any(|(n, _)| *n == name) {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "letter_template_unknown",
            format!("Es gibt keine Briefvorlage „{name}“"),
        ));
    }
    let stored = state.db.letters().await?;
    let overrides = stored
        .templates
        .iter()
        .filter(|t| t.name != name)
        .map(|t| (t.name.clone(), t.source.clone()))
        .chain([(name.clone(), update.source.clone())]);
    let templates = TemplateSet::with_overrides(overrides).map_err(letter_error)?;
    let letterhead = letterhead_of(stored.letterhead.as_ref()).map_err(letter_error)?;
    check(&templates, &letterhead).map_err(letter_error)?;
    state
        .db
        .put_letter_template(&name, &update.source, &staff.user)
        .await?;
    tracing::info!(template = %name, by = %staff.user.name, "letter template changed");
    Ok(Json(settings_of(&state.db.letters().await?)))
}

/// Replaces the tenant's letterhead and logo (admins only), after a sample letter
/// renders with it.
#[utoipa::path(
    put,
    path = "/api/v1/office/letters/letterhead",
    request_body = LetterheadUpdate,
    responses(
        (status = 200, body = LetterSettings),
        (status = 400, body = casedesk_domain::wire::ErrorBody, description = "Letterhead or logo invalid"),
        (status = 403, body = casedesk_domain::wire::ErrorBody),
    )
)]
async fn put_letterhead(
    State(state): State<AppState>,
    staff: Staff,
    ApiJson(update): ApiJson<LetterheadUpdate>,
) -> Result<Json<LetterSettings>, ApiError> {
    require_admin(&staff)?;
    let json = update.letterhead.to_string();
    let candidate = StoredLetterhead {
        json: json.clone(),
        logo_base64: update.logo_base64.clone(),
        updated_by_name: staff.user.display_name.clone(),
        updated_at: chrono::Utc::now(),
    };
    let letterhead = letterhead_of(Some(&candidate)).map_err(letter_error)?;
    let stored = state.db.letters().await?;
    let templates = TemplateSet::with_overrides(
        stored
            .templates
            .iter()
            .map(|t| (t.name.clone(), t.source.clone())),
    )
    .map_err(letter_error)?;
    check(&templates, &letterhead).map_err(letter_error)?;
    state
        .db
        .put_letterhead(&json, update.logo_base64.as_deref(), &staff.user)
        .await?;
    tracing::info!(by = %staff.user.name, "letterhead changed");
    Ok(Json(settings_of(&state.db.letters().await?)))
}

fn require_admin(staff: &Staff) -> Result<(), ApiError> {
    if staff.user.role == Role::Admin {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Nur Administratoren dürfen Briefvorlagen und den Briefkopf ändern",
        ))
    }
}

/// The letterhead in effect: the stored one, or the built-in one before an admin
/// stored any.
pub fn letterhead_of(stored: Option<&StoredLetterhead>) -> Result<Letterhead, LetterError> {
    let Some(stored) = stored else {
        return Ok(Letterhead::demo());
    };
    let letterhead = Letterhead::from_json(&stored.json)?;
    match &stored.logo_base64 {
        Some(logo) => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(logo)
                .map_err(|e| LetterError::Logo(format!("kein gültiges Base64: {e}")))?;
            letterhead.with_logo(&bytes)
        }
        None => Ok(letterhead),
    }
}

/// The sample input a letter template is tried with, or `None` for partials (they
/// are tried through the letters that include them) and for names no letter has.
/// A decision template `<service>_<outcome>` is tried only with an outcome the
/// service's law knows.
fn sample_for(name: &str) -> Option<LetterInput> {
    match name {
        "items_request" => Some(sample::input_of_kind("BA", LetterKind::ItemsRequest)),
        "hearing" => Some(sample::input_of_kind("SN", LetterKind::Hearing)),
        "fee_notice" => Some(sample::input_of_kind("BA", LetterKind::FeeNotice)),
        "tax_notice" => Some(sample::input_of_kind("HU", LetterKind::TaxNotice)),
        _ => {
            let (service, outcome) = name.split_once('_')?;
            let service = service.to_uppercase();
            if !sample::SERVICES.contains(&service.as_str()) {
                return None;
            }
            let outcome = sample::outcomes(&service)
                .into_iter()
                .find(|o| o.as_str() == outcome)?;
            Some(sample::input(&service, outcome))
        }
    }
}

/// Renders every letter template against its sample case, signed both ways (the
/// automation note and a responsible person's name take different branches), and
/// one whole letter with the letterhead.
pub fn check(templates: &TemplateSet, letterhead: &Letterhead) -> Result<(), LetterError> {
    let mut whole = None;
    for name in templates.names() {
        let Some(mut input) = sample_for(name) else {
            continue;
        };
        templates.render_markup(name, &input, letterhead)?;
        input.signature = Signature::Responsible {
            name: "Frau Beispiel".into(),
        };
        templates.render_markup(name, &input, letterhead)?;
        whole.get_or_insert(input);
    }
    if let Some(input) = whole {
        casedesk_letters::render(
            templates,
            letterhead,
            &input,
            &RenderOptions::at(chrono::DateTime::UNIX_EPOCH),
        )?;
    }
    Ok(())
}

/// A letter error as `400 {code, message}` in German, naming template, line and
/// placeholder where the library knows them.
fn letter_error(error: LetterError) -> ApiError {
    let message = match &error {
        LetterError::Template {
            template,
            line,
            placeholder,
            detail,
        } => format!(
            "Die Vorlage „{template}“ lässt sich nicht erzeugen{}{}: {detail}",
            line.map(|l| format!(", Zeile {l}")).unwrap_or_default(),
            placeholder
                .as_ref()
                .map(|p| format!(", Platzhalter „{p}“"))
                .unwrap_or_default()
        ),
        LetterError::Letterhead(detail) => format!("Der Briefkopf ist ungültig: {detail}"),
        LetterError::Logo(detail) => format!("Das Logo ist ungültig: {detail}"),
        other => format!("Der Brief lässt sich nicht erzeugen: {other}"),
    };
    ApiError::bad_request(error.code(), message)
}
