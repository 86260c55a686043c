//! What a letter is about: the data the templates and the page layout need, taken
//! from the case aggregate and the service definition of `casedesk-domain`.

use std::collections::BTreeMap;

use casedesk_domain::Outcome;
use casedesk_domain::aggregate::{CaseAggregate, RequestStatus};
use casedesk_domain::deadline::{self, DeliveryRule, Period};
use casedesk_domain::wire::{FieldKind, ServiceDefinition};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::LetterError;

/// Which letter to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "outcome", rename_all = "snake_case")]
pub enum LetterKind {
    /// A Bescheid with its outcome.
    Decision(Outcome),
    /// The letter form of a request for missing items (Nachforderung).
    ItemsRequest,
    /// A separate fee notice (Gebührenbescheid).
    FeeNotice,
}

/// How the letter is signed (§37(5) VwVfG): an automatically produced letter may
/// go without a signature and says so; once a caseworker has edited the text it
/// names the responsible person instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Signature {
    Automated,
    Responsible { name: String },
}

/// The recipient's postal address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    pub name: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
}

/// The contact person of the information block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub name: String,
    pub office: String,
    pub phone: String,
    pub email: String,
}

/// The fee assessed in the letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeAssessment {
    pub amount_cents: i64,
    pub kassenzeichen: String,
    pub due: NaiveDate,
}

/// When the letter counts as delivered and until when it can be challenged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryDates {
    pub made_available: NaiveDate,
    pub deemed_delivery: NaiveDate,
    pub appeal_deadline: NaiveDate,
}

/// The items a request for missing items asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestDetails {
    pub items: Vec<String>,
    pub reason: String,
    pub message: String,
    pub answer_due: NaiveDate,
}

/// Everything one letter says about its case. Text fields are plain text; the
/// templates never interpret them as markup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LetterInput {
    pub kind: LetterKind,
    pub aktenzeichen: String,
    pub service_id: String,
    pub service_name: String,
    pub letter_date: NaiveDate,
    pub received: NaiveDate,
    pub recipient: Recipient,
    pub contact: Contact,
    /// Form answers by field key, formatted for print.
    pub form: BTreeMap<String, String>,
    pub fee: Option<FeeAssessment>,
    pub delivery: Option<DeliveryDates>,
    pub request: Option<RequestDetails>,
    /// Reasons written by the caseworker; templates fall back to standard text.
    pub reasons: Option<String>,
    /// For a partial approval: what is granted and what is refused.
    pub partial_note: Option<String>,
    pub signature: Signature,
}

/// Facts a letter needs that the case does not hold.
#[derive(Debug, Clone)]
pub struct LetterContext {
    pub letter_date: NaiveDate,
    pub contact: Contact,
    pub signature: Signature,
    pub delivery_rule: DeliveryRule,
    /// Fees fall due this long after deemed delivery.
    pub fee_due_after: Period,
    pub reasons: Option<String>,
    pub partial_note: Option<String>,
}

impl LetterContext {
    /// A context for an automatically produced letter dated `letter_date`.
    pub fn automated(letter_date: NaiveDate, contact: Contact) -> LetterContext {
        LetterContext {
            letter_date,
            contact,
            signature: Signature::Automated,
            delivery_rule: DeliveryRule::default(),
            fee_due_after: Period::Weeks(2),
            reasons: None,
            partial_note: None,
        }
    }
}

/// German date as printed in letters: `12.03.2026`.
pub fn format_date(date: NaiveDate) -> String {
    date.format("%d.%m.%Y").to_string()
}

/// German money: `1.234,50 €`.
pub fn format_euro(cents: i64) -> String {
    let negative = cents < 0;
    let cents = cents.unsigned_abs();
    let euros = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in euros.chars().enumerate() {
        if i > 0 && (euros.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(c);
    }
    format!(
        "{}{},{:02}\u{a0}€",
        if negative { "−" } else { "" },
        grouped,
        cents % 100
    )
}

fn form_value(kind: Option<&FieldKind>, value: &serde_json::Value) -> String {
    match (kind, value) {
        (_, serde_json::Value::Bool(true)) => "ja".into(),
        (_, serde_json::Value::Bool(false)) => "nein".into(),
        (Some(FieldKind::Date), serde_json::Value::String(s)) => s
            .parse::<NaiveDate>()
            .map(format_date)
            .unwrap_or_else(|_| s.clone()),
        (_, serde_json::Value::String(s)) => s.clone(),
        (_, serde_json::Value::Number(n)) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 => format!("{}", f as i64),
            Some(f) => format!("{f}").replace('.', ","),
            None => n.to_string(),
        },
        (_, other) => other.to_string(),
    }
}

impl LetterInput {
    /// Builds the input for a letter of `kind` about `case`. A recorded decision's
    /// dates are used when there is one; otherwise the letter date is taken as the
    /// day the letter is made available.
    pub fn from_case(
        case: &CaseAggregate,
        service: &ServiceDefinition,
        kind: LetterKind,
        context: &LetterContext,
    ) -> Result<LetterInput, LetterError> {
        let date_error =
            |_| LetterError::Input("Datum außerhalb des unterstützten Bereichs".into());
        let delivery = match &case.decision {
            Some(d) => DeliveryDates {
                made_available: d.made_available,
                deemed_delivery: d.deemed_delivery,
                appeal_deadline: d.appeal_deadline,
            },
            None => {
                let deemed = deadline::deemed_delivery(context.letter_date, context.delivery_rule)
                    .map_err(date_error)?;
                DeliveryDates {
                    made_available: context.letter_date,
                    deemed_delivery: deemed,
                    appeal_deadline: deadline::appeal_deadline(deemed).map_err(date_error)?,
                }
            }
        };
        let fee = match (&case.fee, &case.decision) {
            (Some(fee), _) => Some((fee.amount_cents, fee.kassenzeichen.clone())),
            (None, Some(d)) if d.fee_cents > 0 => Some((d.fee_cents, String::new())),
            _ => None,
        };
        let fee = match fee {
            Some((amount_cents, kassenzeichen)) if amount_cents > 0 => Some(FeeAssessment {
                amount_cents,
                kassenzeichen,
                due: deadline::period_end(delivery.deemed_delivery, context.fee_due_after)
                    .map_err(date_error)?,
            }),
            _ => None,
        };
        let request = match kind {
            LetterKind::ItemsRequest => {
                let open = case
                    .requests
                    .iter()
                    .rev()
                    .find(|r| r.status == RequestStatus::Open)
                    .or(case.requests.last())
                    .ok_or_else(|| {
                        LetterError::Input("Der Vorgang enthält keine Nachforderung".into())
                    })?;
                Some(RequestDetails {
                    items: open.items.iter().map(|i| i.description.clone()).collect(),
                    reason: open.reason.clone(),
                    message: open.message.clone(),
                    answer_due: open.answer_due,
                })
            }
            _ => None,
        };
        if kind == LetterKind::FeeNotice && fee.is_none() {
            return Err(LetterError::Input(
                "Für den Vorgang ist keine Gebühr festgesetzt".into(),
            ));
        }
        let form = case
            .form_data
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(key, value)| {
                let field = service.fields.iter().find(|f| &f.key == key);
                (key.clone(), form_value(field.map(|f| &f.kind), value))
            })
            .collect();
        let applicant = &case.applicant;
        Ok(LetterInput {
            kind,
            aktenzeichen: case.aktenzeichen.clone(),
            service_id: case.service_id.clone(),
            service_name: service.name.clone(),
            letter_date: context.letter_date,
            received: case.received_at.date_naive(),
            recipient: Recipient {
                name: applicant.full_name(),
                street: applicant.street.clone(),
                postal_code: applicant.postal_code.clone(),
                city: applicant.city.clone(),
            },
            contact: context.contact.clone(),
            form,
            fee,
            delivery: matches!(kind, LetterKind::Decision(_) | LetterKind::FeeNotice)
                .then_some(delivery),
            request,
            reasons: context.reasons.clone(),
            partial_note: context.partial_note.clone(),
            signature: context.signature.clone(),
        })
    }

    /// The template this letter is written with, e.g. `hu_approved`.
    pub fn template_name(&self) -> String {
        match self.kind {
            LetterKind::Decision(outcome) => format!(
                "{}_{}",
                self.service_id.to_lowercase(),
                match outcome {
                    Outcome::Approved => "approved",
                    Outcome::Rejected => "rejected",
                    Outcome::Partial => "partial",
                }
            ),
            LetterKind::ItemsRequest => "items_request".into(),
            LetterKind::FeeNotice => "fee_notice".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euro_amounts() {
        assert_eq!(format_euro(1000), "10,00\u{a0}€");
        assert_eq!(format_euro(123_456_789), "1.234.567,89\u{a0}€");
        assert_eq!(format_euro(5), "0,05\u{a0}€");
    }

    #[test]
    fn from_case_uses_recorded_decision_dates_and_the_fee() {
        use casedesk_domain::aggregate::Decision;
        let mut case = crate::sample::case("BP");
        let d = |day| NaiveDate::from_ymd_opt(2026, 3, day).unwrap();
        case.decision = Some(Decision {
            outcome: Outcome::Approved,
            decided_at: case.received_at,
            decided_by: uuid::Uuid::nil(),
            letter_sha256: None,
            fee_cents: 3_000,
            made_available: d(20),
            deemed_delivery: d(24),
            appeal_deadline: NaiveDate::from_ymd_opt(2026, 4, 24).unwrap(),
        });
        let context = LetterContext::automated(d(20), crate::sample::contact());
        let input = LetterInput::from_case(
            &case,
            &crate::sample::service("BP"),
            LetterKind::Decision(Outcome::Approved),
            &context,
        )
        .unwrap();
        let delivery = input.delivery.unwrap();
        assert_eq!(delivery.deemed_delivery, d(24));
        let fee = input.fee.clone().unwrap();
        assert_eq!(fee.amount_cents, 3_000);
        assert_eq!(fee.kassenzeichen, "5.0123.456789.3");
        // Two weeks after deemed delivery.
        assert_eq!(fee.due, NaiveDate::from_ymd_opt(2026, 4, 7).unwrap());
        assert_eq!(input.template_name(), "bp_approved");
        assert_eq!(input.form["company_car"], "ja");
    }

    #[test]
    fn without_a_decision_the_letter_date_starts_delivery() {
        let input = crate::sample::input("GA", Outcome::Rejected);
        let delivery = input.delivery.unwrap();
        // Thursday 12 March 2026 + 4 days = Monday 16 March.
        assert_eq!(
            delivery.deemed_delivery,
            NaiveDate::from_ymd_opt(2026, 3, 16).unwrap()
        );
        assert_eq!(
            delivery.appeal_deadline,
            NaiveDate::from_ymd_opt(2026, 4, 16).unwrap()
        );
        assert_eq!(input.form["start_date"], "01.04.2026");
        assert_eq!(input.template_name(), "ga_rejected");
    }

    #[test]
    fn dates() {
        assert_eq!(
            format_date(NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()),
            "02.03.2026"
        );
    }
}
