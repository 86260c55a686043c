//! Wire types of the office and citizen APIs that are not part of the aggregate.
//!
//! Request bodies refuse unknown fields. The service catalog lives here too because
//! both sides need it: the portal validates applications against a service's form
//! definition, the desktop renders form data by the same definition.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::aggregate::{CaseAggregate, Decision, Fee, ItemsRequest, RequestStatus};
use crate::deadline::Period;
use crate::lifecycle::{CaseStatus, Role};

/// The body of every error response: a stable code and a safe message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
    /// Per-field problems of a rejected form.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

/// Whether `s` is a lower-case hex SHA-256 digest.
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OfficeInfo {
    pub id: Uuid,
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UserInfo {
    pub id: Uuid,
    pub name: String,
    pub display_name: String,
    pub role: Role,
    pub offices: Vec<OfficeInfo>,
}

/// `POST /api/v1/office/session`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub user: String,
    pub password: String,
}

/// `POST /api/v1/office/session/refresh` and the citizen equivalent.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// Tokens of a session. The refresh token is rotated on every refresh.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SessionTokens {
    pub access_token: String,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_token: String,
    pub refresh_expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OfficeSession {
    #[serde(flatten)]
    pub tokens: SessionTokens,
    pub user: UserInfo,
}

/// A case that left the caller's scope (moved to another office).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Tombstone {
    pub case_id: Uuid,
    pub seq: i64,
}

/// `GET /api/v1/office/sync/changes`: the cases changed after the cursor, each once in
/// its latest state, in `seq` order.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChangesPage<C> {
    pub changes: Vec<C>,
    pub tombstones: Vec<Tombstone>,
    /// Pass as `after` on the next call.
    pub next_cursor: i64,
    pub has_more: bool,
}

/// The first and last line of the bootstrap NDJSON stream; every line between is one
/// [`CaseAggregate`]. A stream without its `end` line was cut off and must be resumed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BootstrapMarker {
    /// `begin` or `end`.
    pub bootstrap: String,
    /// The consistent position of the snapshot; continue with changes after it.
    pub seq: i64,
    /// Number of case lines (in `end`: how many were sent).
    pub cases: i64,
}

/// `POST /api/v1/office/commands`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct CommandBatch {
    pub commands: Vec<crate::command::Command>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CommandBatchAnswer {
    pub answers: Vec<crate::command::CommandAnswer>,
}

// ---------------------------------------------------------------------------------
// The service catalog.

/// A service (Leistung) citizens apply for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ServiceDefinition {
    /// Two to four capital letters; part of the Aktenzeichen.
    pub id: String,
    pub name: String,
    pub description: String,
    pub fields: Vec<FormField>,
    pub required_documents: Vec<RequiredDocument>,
    pub fee: FeeRule,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "14d"))]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub processing_period: Period,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FormField {
    pub key: String,
    pub label: String,
    #[serde(flatten)]
    pub kind: FieldKind,
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FieldKind {
    Text { max_len: usize },
    Number { min: f64, max: f64 },
    Date,
    Boolean,
    Select { options: Vec<String> },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RequiredDocument {
    pub key: String,
    pub label: String,
    /// Required only when this form field has this value (`"true"` for booleans).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<FieldCondition>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FieldCondition {
    pub field: String,
    pub equals: String,
}

/// How the fee is assessed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FeeRule {
    Fixed {
        cents: i64,
    },
    /// `per_mille` of a numeric form field (in euros), at least `min_cents`.
    PerMilleOfField {
        field: String,
        per_mille: i64,
        min_cents: i64,
    },
    /// Product of numeric fields times a rate, e.g. area × days × cents per m² and day.
    ProductOfFields {
        fields: Vec<String>,
        cents_per_unit: i64,
        min_cents: i64,
    },
}

/// One problem with a submitted form, for the citizen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

fn field_value_as_string(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl ServiceDefinition {
    /// Checks form data against the field definitions: required fields present,
    /// values of the right type and range, no fields the service does not know.
    pub fn validate_form(
        &self,
        form: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        for key in form.keys() {
            if !self.fields.iter().any(|f| &f.key == key) {
                errors.push(FieldError {
                    field: key.clone(),
                    message: "Dieses Feld gibt es in diesem Antrag nicht".into(),
                });
            }
        }
        for field in &self.fields {
            let value = form.get(&field.key).filter(|v| !v.is_null());
            let Some(value) = value else {
                if field.required {
                    errors.push(FieldError {
                        field: field.key.clone(),
                        message: format!("„{}“ ist ein Pflichtfeld", field.label),
                    });
                }
                continue;
            };
            if let Err(message) = check_field(&field.kind, value) {
                errors.push(FieldError {
                    field: field.key.clone(),
                    message: format!("„{}“: {message}", field.label),
                });
            } else if field.required
                && matches!(&field.kind, FieldKind::Text { .. })
                && value.as_str().is_some_and(|s| s.trim().is_empty())
            {
                errors.push(FieldError {
                    field: field.key.clone(),
                    message: format!("„{}“ ist ein Pflichtfeld", field.label),
                });
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The documents this application must include, given its form data.
    pub fn required_documents_for(
        &self,
        form: &serde_json::Map<String, serde_json::Value>,
    ) -> Vec<&RequiredDocument> {
        self.required_documents
            .iter()
            .filter(|doc| match &doc.when {
                None => true,
                Some(condition) => form
                    .get(&condition.field)
                    .and_then(field_value_as_string)
                    .is_some_and(|v| v == condition.equals),
            })
            .collect()
    }

    /// The fee in cents for this form data (validated form assumed).
    pub fn fee_cents(&self, form: &serde_json::Map<String, serde_json::Value>) -> i64 {
        let number = |key: &str| {
            form.get(key)
                .and_then(serde_json::Value::as_f64)
                .unwrap_or(0.0)
        };
        match &self.fee {
            FeeRule::Fixed { cents } => *cents,
            FeeRule::PerMilleOfField {
                field,
                per_mille,
                min_cents,
            } => {
                // Euros × per mille / 1000 × 100 cents, rounded to whole cents.
                let cents = (number(field) * *per_mille as f64 / 10.0).round() as i64;
                cents.max(*min_cents)
            }
            FeeRule::ProductOfFields {
                fields,
                cents_per_unit,
                min_cents,
            } => {
                let units: f64 = fields.iter().map(|f| number(f)).product();
                ((units * *cents_per_unit as f64).round() as i64).max(*min_cents)
            }
        }
    }
}

fn check_field(kind: &FieldKind, value: &serde_json::Value) -> Result<(), String> {
    match kind {
        FieldKind::Text { max_len } => match value.as_str() {
            Some(s) if s.chars().count() <= *max_len => Ok(()),
            Some(_) => Err(format!("höchstens {max_len} Zeichen")),
            None => Err("Text erwartet".into()),
        },
        FieldKind::Number { min, max } => match value.as_f64() {
            Some(n) if n >= *min && n <= *max => Ok(()),
            Some(_) => Err(format!("Zahl zwischen {min} und {max} erwartet")),
            None => Err("Zahl erwartet".into()),
        },
        FieldKind::Date => match value.as_str().map(|s| s.parse::<NaiveDate>()) {
            Some(Ok(_)) => Ok(()),
            _ => Err("Datum im Format JJJJ-MM-TT erwartet".into()),
        },
        FieldKind::Boolean => match value {
            serde_json::Value::Bool(_) => Ok(()),
            _ => Err("Ja oder Nein erwartet".into()),
        },
        FieldKind::Select { options } => match value.as_str() {
            Some(s) if options.iter().any(|o| o == s) => Ok(()),
            _ => Err(format!(
                "eine der Möglichkeiten {} erwartet",
                options.join(", ")
            )),
        },
    }
}

// ---------------------------------------------------------------------------------
// Citizen API.

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct CitizenRegistration {
    pub email: String,
    pub password: String,
    pub given_name: String,
    pub family_name: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    #[serde(default)]
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct CitizenLogin {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CitizenSession {
    #[serde(flatten)]
    pub tokens: SessionTokens,
    pub citizen_id: Uuid,
    pub name: String,
}

/// The JSON part (`application`) of a multipart application.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ApplicationForm {
    pub service_id: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub form: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ApplicationReceipt {
    pub case_id: Uuid,
    pub aktenzeichen: String,
    pub due_date: NaiveDate,
}

/// A document as the citizen sees it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CitizenDocument {
    pub id: Uuid,
    pub file_name: String,
    pub uploaded_at: DateTime<Utc>,
    pub from_citizen: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CitizenMessage {
    pub from_citizen: bool,
    pub text: String,
    pub at: DateTime<Utc>,
}

/// What a citizen sees of their application: no internal notes, no reviewer names.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CitizenCaseView {
    pub id: Uuid,
    pub aktenzeichen: String,
    pub service_id: String,
    pub status: CaseStatus,
    pub received_at: DateTime<Utc>,
    /// The processing deadline; stands still while the office waits for you.
    pub due_date: NaiveDate,
    pub documents: Vec<CitizenDocument>,
    pub open_requests: Vec<ItemsRequest>,
    pub messages: Vec<CitizenMessage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee: Option<Fee>,
}

impl CitizenCaseView {
    pub fn of(case: &CaseAggregate, today: NaiveDate) -> Self {
        Self {
            id: case.id,
            aktenzeichen: case.aktenzeichen.clone(),
            service_id: case.service_id.clone(),
            status: case.status,
            received_at: case.received_at,
            due_date: case.computed_due_date(today),
            documents: case
                .documents
                .iter()
                .map(|d| CitizenDocument {
                    id: d.id,
                    file_name: d.file_name.clone(),
                    uploaded_at: d.uploaded_at,
                    from_citizen: d.from_citizen,
                })
                .collect(),
            open_requests: case
                .requests
                .iter()
                .filter(|r| r.status == RequestStatus::Open)
                .cloned()
                .collect(),
            messages: case
                .messages
                .iter()
                .map(|m| CitizenMessage {
                    from_citizen: m.from_citizen,
                    text: m.text.clone(),
                    at: m.at,
                })
                .collect(),
            decision: case.decision.clone(),
            fee: case.fee.clone(),
        }
    }
}

/// Counts per status, e.g. for the health endpoint and the team lead's overview.
pub type StatusCounts = BTreeMap<String, i64>;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn dog_registration() -> ServiceDefinition {
        ServiceDefinition {
            id: "HU".into(),
            name: "Hundeanmeldung".into(),
            description: String::new(),
            fields: vec![
                FormField {
                    key: "dog_name".into(),
                    label: "Name des Hundes".into(),
                    kind: FieldKind::Text { max_len: 60 },
                    required: true,
                },
                FormField {
                    key: "listed_breed".into(),
                    label: "Gelistete Rasse".into(),
                    kind: FieldKind::Boolean,
                    required: true,
                },
                FormField {
                    key: "born".into(),
                    label: "Geburtsdatum".into(),
                    kind: FieldKind::Date,
                    required: false,
                },
            ],
            required_documents: vec![
                RequiredDocument {
                    key: "insurance".into(),
                    label: "Haftpflichtversicherung".into(),
                    when: None,
                },
                RequiredDocument {
                    key: "competence".into(),
                    label: "Sachkundenachweis".into(),
                    when: Some(FieldCondition {
                        field: "listed_breed".into(),
                        equals: "true".into(),
                    }),
                },
            ],
            fee: FeeRule::Fixed { cents: 0 },
            processing_period: Period::Days(14),
        }
    }

    fn form(value: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn accepts_a_valid_form_and_derives_required_documents() {
        let service = dog_registration();
        let data = form(json!({"dog_name": "Bello", "listed_breed": true}));
        service.validate_form(&data).unwrap();
        let docs: Vec<_> = service
            .required_documents_for(&data)
            .iter()
            .map(|d| d.key.as_str())
            .collect();
        assert_eq!(docs, ["insurance", "competence"]);
    }

    #[test]
    fn reports_every_problem_of_a_bad_form() {
        let service = dog_registration();
        let data = form(json!({"dog_name": "", "born": "gestern", "colour": "braun"}));
        let errors = service.validate_form(&data).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["colour", "dog_name", "listed_breed", "born"]);
    }

    #[test]
    fn computes_fees_by_rule() {
        let mut service = dog_registration();
        service.fee = FeeRule::PerMilleOfField {
            field: "sum".into(),
            per_mille: 5,
            min_cents: 5_000,
        };
        assert_eq!(service.fee_cents(&form(json!({"sum": 250000}))), 125_000);
        assert_eq!(service.fee_cents(&form(json!({"sum": 1000}))), 5_000);
        service.fee = FeeRule::ProductOfFields {
            fields: vec!["area".into(), "days".into()],
            cents_per_unit: 50,
            min_cents: 2_000,
        };
        assert_eq!(
            service.fee_cents(&form(json!({"area": 12, "days": 10}))),
            6_000
        );
    }

    #[test]
    fn recognises_sha256_hex() {
        assert!(is_sha256_hex(&"a".repeat(64)));
        assert!(!is_sha256_hex(&"A".repeat(64)));
        assert!(!is_sha256_hex("abc"));
    }
}

/// One letter template in effect for the tenant (`GET /api/v1/office/letters`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LetterTemplate {
    /// The template name, e.g. `hu_approved` or the partial `_remedy`.
    pub name: String,
    /// The minijinja source.
    pub source: String,
    /// The tenant changed it; otherwise it is the portal's built-in default.
    pub overridden: bool,
    /// Who last changed it, for an override.
    pub updated_by: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// The tenant's letterhead as stored on the portal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LetterheadSetting {
    /// The letterhead in the JSON form of `casedesk_letters::Letterhead` (without
    /// the logo).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub letterhead: serde_json::Value,
    /// The logo as base64-encoded PNG or SVG, if any.
    pub logo_base64: Option<String>,
    pub updated_by: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// `GET /api/v1/office/letters`: the templates in effect (defaults merged with the
/// tenant's overrides) and the letterhead. `version` changes with every change and
/// is also the response's `ETag`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LetterSettings {
    pub version: String,
    pub templates: Vec<LetterTemplate>,
    /// `None` until an admin stores one; letters then use the built-in letterhead.
    pub letterhead: Option<LetterheadSetting>,
}

/// `PUT /api/v1/office/letters/templates/{name}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct TemplateUpdate {
    pub source: String,
}

/// `PUT /api/v1/office/letters/letterhead`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct LetterheadUpdate {
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub letterhead: serde_json::Value,
    /// The logo as base64-encoded PNG or SVG (told apart by content). An SVG may use
    /// paths and shapes, not text (convert it to paths), raster images or scripts.
    #[serde(default)]
    pub logo_base64: Option<String>,
}
