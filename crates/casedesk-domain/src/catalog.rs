//! The service catalog: the services (Leistungen) citizens apply for, their form
//! fields, required documents and fee rules, and the rules that follow from them:
//! validating a form, which documents an application needs, what it costs, and
//! which office handles it.
//!
//! Both sides need these: the portal checks applications against a service's
//! definition and routes them; the desktop renders form data by the same definition.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::aggregate::DocumentMeta;
use crate::deadline::Period;
use crate::law::ServiceLaw;
use crate::lifecycle::Outcome;
use crate::wire::OfficeInfo;

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
    /// How its cases are decided, charged, delivered and challenged.
    pub law: ServiceLaw,
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
    /// An amount by the value of a select field, e.g. by legal form.
    ByOption {
        field: String,
        options: Vec<OptionFee>,
        /// For a value the list does not name.
        otherwise_cents: i64,
    },
    /// The sum of several rules, e.g. a base fee plus a fee per further representative.
    Sum {
        // The schema is recursive; utoipa must not expand it forever.
        #[cfg_attr(feature = "openapi", schema(no_recursion))]
        parts: Vec<FeeRule>,
    },
}

/// The amount for one value of a select field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OptionFee {
    pub value: String,
    pub cents: i64,
}

impl FeeRule {
    /// The fee in cents for this form data (validated form assumed).
    pub fn cents(&self, form: &serde_json::Map<String, serde_json::Value>) -> i64 {
        let number = |key: &str| {
            form.get(key)
                .and_then(serde_json::Value::as_f64)
                .unwrap_or(0.0)
        };
        match self {
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
            FeeRule::ByOption {
                field,
                options,
                otherwise_cents,
            } => {
                let value = form.get(field).and_then(serde_json::Value::as_str);
                options
                    .iter()
                    .find(|o| Some(o.value.as_str()) == value)
                    .map_or(*otherwise_cents, |o| o.cents)
            }
            FeeRule::Sum { parts } => parts.iter().map(|part| part.cents(form)).sum(),
        }
    }
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

    /// The fee in cents of the outcome applied for (see [`ServiceLaw::applied_for`]),
    /// as the citizen is told when applying; 0 when it is free.
    pub fn fee_cents(&self, form: &serde_json::Map<String, serde_json::Value>) -> i64 {
        self.law
            .applied_for()
            .map_or(0, |outcome| self.fee_for(outcome.outcome, form))
    }

    /// The fee in cents a decision with `outcome` costs for this form data; 0 when
    /// that outcome is free or not one this service knows.
    pub fn fee_for(
        &self,
        outcome: Outcome,
        form: &serde_json::Map<String, serde_json::Value>,
    ) -> i64 {
        self.law
            .outcome(outcome)
            .and_then(|o| o.fee.as_ref())
            .map_or(0, |fee| fee.rule.cents(form))
    }
}

impl ServiceDefinition {
    /// Checks a whole application: the form (see [`ServiceDefinition::validate_form`]),
    /// every document the form requires present, and no document of a kind the
    /// service does not know (`other` is always allowed). Each problem names its
    /// field, documents as `doc.<kind>`.
    pub fn check_application(
        &self,
        form: &serde_json::Map<String, serde_json::Value>,
        documents: &[DocumentMeta],
    ) -> Result<(), Vec<FieldError>> {
        let mut errors = self.validate_form(form).err().unwrap_or_default();
        for required in self.required_documents_for(form) {
            if !documents
                .iter()
                .any(|d| d.kind.as_deref() == Some(&required.key))
            {
                errors.push(FieldError {
                    field: format!("doc.{}", required.key),
                    message: format!("„{}“ fehlt", required.label),
                });
            }
        }
        for document in documents {
            let kind = document.kind.as_deref().unwrap_or_default();
            if kind != OTHER_DOCUMENT && !self.required_documents.iter().any(|r| r.key == kind) {
                errors.push(FieldError {
                    field: format!("doc.{kind}"),
                    message: "Diese Dokumentart gehört nicht zu dieser Leistung".into(),
                });
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// The document kind for anything that fits none of a service's required documents.
pub const OTHER_DOCUMENT: &str = "other";

/// An office with the postal codes whose applications it handles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeRoute {
    pub office: OfficeInfo,
    /// Empty for the office that takes everything no other office is named for.
    pub postal_codes: Vec<String>,
}

/// The office a new application from `postal_code` goes to: the first office named
/// for that postal code; else the first office named for none (the fallback); else
/// the first office. `None` only when the tenant has no office.
pub fn route_to_office<'a>(
    offices: &'a [OfficeRoute],
    postal_code: &str,
) -> Option<&'a OfficeInfo> {
    let postal_code = postal_code.trim();
    offices
        .iter()
        .find(|route| route.postal_codes.iter().any(|c| c.trim() == postal_code))
        .or_else(|| offices.iter().find(|route| route.postal_codes.is_empty()))
        .or_else(|| offices.first())
        .map(|route| &route.office)
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    pub(crate) fn dog_registration() -> ServiceDefinition {
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
            law: law_charging(FeeRule::Fixed { cents: 0 }),
            processing_period: Period::Days(14),
        }
    }

    /// A law whose approval costs `rule` under the GebG NRW, a rejection 10 € under
    /// §15 GebG NRW, a partial approval 20 € under a KAG bylaw; delivered by post or
    /// portal.
    pub(crate) fn law_charging(rule: FeeRule) -> ServiceLaw {
        use crate::law::*;
        let fee = |regime, rule| {
            Some(FeeLaw {
                regime,
                title: "Verwaltungsgebühr".into(),
                basis: "Tarifstelle 1".into(),
                rule,
            })
        };
        ServiceLaw {
            matter: "Antrag".into(),
            matter_genus: Genus::Masculine,
            basis: "§ 1".into(),
            remedy: Remedy::Klage,
            procedure: Procedure::Verwaltungsverfahren,
            delivery: DeliveryRequirement::PostOrPortal,
            approval_fiction: None,
            unanswered_request: UnansweredRequest::DecideOnRecord,
            answer_period: Period::Weeks(2),
            outcomes: vec![
                OutcomeLaw {
                    outcome: Outcome::Approved,
                    fee: fee(FeeRegime::GebgNrw, rule),
                },
                OutcomeLaw {
                    outcome: Outcome::Rejected,
                    fee: fee(FeeRegime::GebgNrw, FeeRule::Fixed { cents: 1_000 }),
                },
                OutcomeLaw {
                    outcome: Outcome::Partial,
                    fee: fee(FeeRegime::KagSatzung, FeeRule::Fixed { cents: 2_000 }),
                },
            ],
            withdrawal_fee: None,
            tax: None,
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
        service.law = law_charging(FeeRule::PerMilleOfField {
            field: "sum".into(),
            per_mille: 5,
            min_cents: 5_000,
        });
        assert_eq!(service.fee_cents(&form(json!({"sum": 250000}))), 125_000);
        assert_eq!(service.fee_cents(&form(json!({"sum": 1000}))), 5_000);
        // A rejection costs what the law says for it, not the approval fee.
        assert_eq!(
            service.fee_for(Outcome::Rejected, &form(json!({"sum": 250000}))),
            1_000
        );
        assert_eq!(service.fee_for(Outcome::Receipted, &form(json!({}))), 0);
        service.law = law_charging(FeeRule::ProductOfFields {
            fields: vec!["area".into(), "days".into()],
            cents_per_unit: 50,
            min_cents: 2_000,
        });
        assert_eq!(
            service.fee_cents(&form(json!({"area": 12, "days": 10}))),
            6_000
        );
        // The trade notice: by legal form, plus 13 € per further representative.
        service.law = law_charging(FeeRule::Sum {
            parts: vec![
                FeeRule::ByOption {
                    field: "legal_form".into(),
                    options: vec![OptionFee {
                        value: "Juristische Person".into(),
                        cents: 3_300,
                    }],
                    otherwise_cents: 2_600,
                },
                FeeRule::ProductOfFields {
                    fields: vec!["further_representatives".into()],
                    cents_per_unit: 1_300,
                    min_cents: 0,
                },
            ],
        });
        assert_eq!(
            service.fee_cents(&form(json!({"legal_form": "Natürliche Person"}))),
            2_600
        );
        assert_eq!(
            service.fee_cents(&form(
                json!({"legal_form": "Juristische Person", "further_representatives": 2})
            )),
            5_900
        );
    }

    fn document(kind: &str) -> DocumentMeta {
        DocumentMeta {
            id: uuid::Uuid::from_u128(1),
            sha256: "a".repeat(64),
            file_name: "nachweis.pdf".into(),
            media_type: "application/pdf".into(),
            size: 100,
            kind: Some(kind.into()),
            uploaded_at: chrono::DateTime::UNIX_EPOCH,
            from_citizen: true,
            review: None,
        }
    }

    #[test]
    fn an_application_needs_its_required_documents_and_no_foreign_ones() {
        let service = dog_registration();
        let data = form(json!({"dog_name": "Bello", "listed_breed": true}));
        let errors = service
            .check_application(&data, &[document("insurance"), document("passport")])
            .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["doc.competence", "doc.passport"]);
        service
            .check_application(
                &data,
                &[
                    document("insurance"),
                    document("competence"),
                    document("other"),
                ],
            )
            .unwrap();
        // Form errors come first, then the documents.
        let errors = service
            .check_application(&form(json!({"dog_name": ""})), &[])
            .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["dog_name", "listed_breed", "doc.insurance"]);
    }

    fn route(code: &str, postal_codes: &[&str]) -> OfficeRoute {
        OfficeRoute {
            office: OfficeInfo {
                id: uuid::Uuid::from_u128(code.parse().unwrap()),
                code: code.into(),
                name: format!("Amt {code}"),
            },
            postal_codes: postal_codes.iter().map(|c| (*c).to_owned()).collect(),
        }
    }

    #[test]
    fn applications_go_to_the_office_named_for_their_postal_code_else_the_fallback() {
        let offices = [
            route("32", &[]),
            route("321", &["32423", "32425"]),
            route("322", &["32427"]),
        ];
        let code = |postal: &str| route_to_office(&offices, postal).map(|o| o.code.clone());
        assert_eq!(code("32425").as_deref(), Some("321"));
        assert_eq!(code(" 32427 ").as_deref(), Some("322"));
        assert_eq!(code("10115").as_deref(), Some("32"));
        // Without a fallback office, the first office takes the rest.
        assert_eq!(
            route_to_office(&offices[1..], "10115").map(|o| o.code.as_str()),
            Some("321")
        );
        assert_eq!(route_to_office(&[], "32423"), None);
    }
}
