//! What a letter is about: the data the templates and the page layout need, taken
//! from the case aggregate and the service definition of `casedesk-domain`.

use std::collections::BTreeMap;

use casedesk_domain::aggregate::{CaseAggregate, RequestPurpose, RequestStatus};
use casedesk_domain::deadline::{self, Period};
use casedesk_domain::delivery::DeliveryChannel;
use casedesk_domain::law::{FeeLaw, FeeRegime, ServiceLaw, TaxLaw};
use casedesk_domain::wire::{FieldKind, ServiceDefinition};
use casedesk_domain::{Aktenzeichen, Outcome, kassenzeichen};
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
    /// An Anhörung before a burdensome decision (§28 VwVfG NRW).
    Hearing,
    /// A separate fee notice (Gebührenbescheid).
    FeeNotice,
    /// A tax notice (Steuerbescheid), e.g. for the dog tax.
    TaxNotice,
}

/// How the letter is signed, rendered after the body and never part of the
/// editable text (§37(3) VwVfG NRW): a letter a person decided or edited carries
/// "Im Auftrag" and their name; only a truly automated mass letter (§37(5)) may
/// omit the signature and says so.
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

/// The fee assessed in the letter. Its due date is not printed as a date: it
/// follows from the announcement, which a letter cannot know when it is written
/// (the portal computes and shows it); the letter names the period instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeAssessment {
    /// 0 for an outcome that is free by law (the letter says so and why).
    pub amount_cents: i64,
    pub kassenzeichen: String,
    pub title: String,
    pub basis: String,
    pub regime: FeeRegime,
    /// The fee falls due this long after the announcement.
    pub due_after: Period,
}

/// The tax a registration leads to: assessed by the tax notice, and named (not
/// assessed) by the confirmation of the registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxAssessment {
    pub law: TaxLaw,
    /// The day keeping began, from the form (`kept_since`), when given.
    pub since: Option<NaiveDate>,
    /// The payment reference the tax is paid under.
    pub kassenzeichen: String,
}

/// What a request for items or a hearing asks of the citizen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestDetails {
    pub purpose: RequestPurpose,
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
    /// The law of the service: matter, basis, remedy, consequences.
    pub law: ServiceLaw,
    pub fee: Option<FeeAssessment>,
    pub tax: Option<TaxAssessment>,
    /// How a decision or notice reaches the citizen; `None` for other letters.
    pub channel: Option<DeliveryChannel>,
    pub request: Option<RequestDetails>,
    /// This case's facts and reasons, written by the caseworker (§39 VwVfG NRW):
    /// required for a rejection or partial approval, never replaced by standard text.
    pub reasons: Option<String>,
    /// For a partial approval: what is granted and what is refused, written by the
    /// caseworker; required for one, and printed in its operative part.
    pub partial_note: Option<String>,
    pub signature: Signature,
}

/// Facts a letter needs that the case does not hold.
#[derive(Debug, Clone)]
pub struct LetterContext {
    pub letter_date: NaiveDate,
    pub contact: Contact,
    pub signature: Signature,
    /// How a decision or notice reaches the citizen.
    pub channel: DeliveryChannel,
    /// Fees fall due this long after the announcement.
    pub fee_due_after: Period,
    /// The fee to assess instead of the service's rule (the caseworker's amount).
    pub fee_cents: Option<i64>,
    pub reasons: Option<String>,
    pub partial_note: Option<String>,
}

impl LetterContext {
    /// A letter dated `letter_date` that the contact person issues: signed "Im
    /// Auftrag" with their name, sent by post.
    pub fn issued_by(letter_date: NaiveDate, contact: Contact) -> LetterContext {
        let signature = Signature::Responsible {
            name: contact.name.clone(),
        };
        LetterContext {
            letter_date,
            contact,
            signature,
            channel: DeliveryChannel::Post,
            fee_due_after: casedesk_domain::aggregate::DEFAULT_FEE_DUE_AFTER,
            fee_cents: None,
            reasons: None,
            partial_note: None,
        }
    }

    /// A truly automated mass letter (§37(5) VwVfG NRW): no signature, and the
    /// letter says so.
    pub fn automated(letter_date: NaiveDate, contact: Contact) -> LetterContext {
        LetterContext {
            signature: Signature::Automated,
            ..LetterContext::issued_by(letter_date, contact)
        }
    }
}

/// "innerhalb von zwei Wochen", "innerhalb eines Monats": a period as letters name
/// it after "innerhalb".
pub fn within(period: Period) -> String {
    const WORDS: [&str; 13] = [
        "null", "einem", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn",
        "elf", "zwölf",
    ];
    let word = |n: u32| {
        WORDS
            .get(n as usize)
            .map_or_else(|| n.to_string(), |w| (*w).to_owned())
    };
    match period {
        Period::Days(1) => "innerhalb eines Tages".to_owned(),
        Period::Weeks(1) => "innerhalb einer Woche".to_owned(),
        Period::Months(1) => "innerhalb eines Monats".to_owned(),
        Period::Days(n) => format!("innerhalb von {n} Tagen"),
        Period::Weeks(n) => format!("innerhalb von {} Wochen", word(n)),
        Period::Months(n) => format!("innerhalb von {} Monaten", word(n)),
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

/// The fee law of the outcome the case was decided with.
fn decided_fee_law<'a>(case: &CaseAggregate, law: &'a ServiceLaw) -> Option<&'a FeeLaw> {
    case.decision
        .as_ref()
        .and_then(|d| law.outcome(d.outcome))
        .and_then(|o| o.fee.as_ref())
}

/// The case's Kassenzeichen, else the one derived from its Aktenzeichen.
fn kassenzeichen_of(case: &CaseAggregate) -> Result<String, LetterError> {
    match &case.fee {
        Some(fee) => Ok(fee.kassenzeichen.clone()),
        None => case
            .aktenzeichen
            .parse::<Aktenzeichen>()
            .map(|az| kassenzeichen::of(&az))
            .map_err(|e| LetterError::Input(format!("Aktenzeichen: {e}"))),
    }
}

/// The fee of a decision or fee notice: the caseworker's amount, else for a fee
/// notice the fee the decision recorded, else the service's rule for the outcome;
/// payable under the case's Kassenzeichen.
fn assess(
    case: &CaseAggregate,
    service: &ServiceDefinition,
    kind: LetterKind,
    fee_law: &FeeLaw,
    context: &LetterContext,
) -> Result<FeeAssessment, LetterError> {
    let amount_cents = match (context.fee_cents, kind, &case.decision) {
        (Some(cents), _, _) => cents,
        (None, LetterKind::FeeNotice, Some(decision)) => decision.fee_cents,
        (None, LetterKind::Decision(outcome), _) => service.fee_for(outcome, &case.form_data),
        (None, _, _) => 0,
    };
    let kassenzeichen = kassenzeichen_of(case)?;
    Ok(FeeAssessment {
        amount_cents,
        kassenzeichen,
        title: fee_law.title.clone(),
        basis: fee_law.basis.clone(),
        regime: fee_law.regime,
        due_after: context.fee_due_after,
    })
}

/// The open request of `purpose` (else the latest of it) as the letter states it.
fn request_details(
    case: &CaseAggregate,
    purpose: RequestPurpose,
) -> Result<RequestDetails, LetterError> {
    let of_purpose = || case.requests.iter().rev().filter(|r| r.purpose == purpose);
    let request = of_purpose()
        .find(|r| r.status == RequestStatus::Open)
        .or_else(|| of_purpose().next())
        .ok_or_else(|| {
            LetterError::Input(format!("Der Vorgang enthält keine {}", purpose.german()))
        })?;
    Ok(RequestDetails {
        purpose,
        items: request
            .items
            .iter()
            .map(|i| i.description.clone())
            .collect(),
        reason: request.reason.clone(),
        message: request.message.clone(),
        answer_due: request.answer_due,
    })
}

impl LetterInput {
    /// Builds the input for a letter of `kind` about `case`.
    ///
    /// An input no lawful letter can be written from is refused ([`LetterInput::check`]):
    /// a rejection or partial approval without the caseworker's reasons, a partial
    /// approval without its scope, a channel the service's law does not allow. The
    /// tax of a service that has one comes with its decisions (the confirmation of a
    /// registration names when the liability begins) and its tax notice. Nothing in
    /// the input depends on when the letter will be announced.
    pub fn from_case(
        case: &CaseAggregate,
        service: &ServiceDefinition,
        kind: LetterKind,
        context: &LetterContext,
    ) -> Result<LetterInput, LetterError> {
        let law = &service.law;
        let reasons = context
            .reasons
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_owned);
        let fee_law = match kind {
            LetterKind::Decision(outcome) => {
                let Some(outcome_law) = law.outcome(outcome) else {
                    return Err(LetterError::Input(format!(
                        "„{}“ ist für die Leistung {} nicht vorgesehen",
                        outcome.bescheid_german(),
                        service.name
                    )));
                };
                outcome_law.fee.as_ref()
            }
            LetterKind::FeeNotice => decided_fee_law(case, law),
            _ => None,
        };
        let fee = fee_law
            .map(|fee_law| assess(case, service, kind, fee_law, context))
            .transpose()?;
        if kind == LetterKind::FeeNotice && fee.as_ref().is_none_or(|f| f.amount_cents <= 0) {
            return Err(LetterError::Input(
                "Für den Vorgang ist keine Gebühr festgesetzt".into(),
            ));
        }
        if kind == LetterKind::TaxNotice && law.tax.is_none() {
            return Err(LetterError::Input(
                "Diese Leistung führt zu keiner Steuer".into(),
            ));
        }
        let tax = match (kind, &law.tax) {
            (LetterKind::TaxNotice | LetterKind::Decision(_), Some(tax)) => {
                let since = case
                    .form_data
                    .get("kept_since")
                    .and_then(|v| v.as_str())
                    .and_then(|s| s.parse().ok());
                Some(TaxAssessment {
                    law: tax.clone(),
                    since,
                    kassenzeichen: kassenzeichen_of(case)?,
                })
            }
            _ => None,
        };
        let request = match kind {
            LetterKind::ItemsRequest => Some(request_details(case, RequestPurpose::Items)?),
            LetterKind::Hearing => Some(request_details(case, RequestPurpose::Hearing)?),
            _ => None,
        };
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
        let input = LetterInput {
            kind,
            aktenzeichen: case.aktenzeichen.clone(),
            service_id: case.service_id.clone(),
            service_name: service.name.clone(),
            letter_date: context.letter_date,
            received: deadline::local_date(case.received_at),
            recipient: Recipient {
                name: applicant.full_name(),
                street: applicant.street.clone(),
                postal_code: applicant.postal_code.clone(),
                city: applicant.city.clone(),
            },
            contact: context.contact.clone(),
            form,
            law: law.clone(),
            fee,
            tax,
            channel: matches!(
                kind,
                LetterKind::Decision(_) | LetterKind::FeeNotice | LetterKind::TaxNotice
            )
            .then_some(context.channel),
            request,
            reasons,
            partial_note: context
                .partial_note
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_owned),
            signature: context.signature.clone(),
        };
        input.check()?;
        Ok(input)
    }

    /// Refuses an input no lawful letter can be written from:
    ///
    /// - a rejection or partial approval without the caseworker's reasons for this
    ///   case (§39(1) VwVfG NRW): standard text never stands in for them;
    /// - a partial approval that does not say what is granted and what is refused
    ///   (`partial_note`), without which its operative part is not definite
    ///   (§37(1) VwVfG NRW);
    /// - a decision or notice on a channel the service's law does not allow, e.g. a
    ///   Baugenehmigung that is not served (§74(2) BauO NRW), or a tax notice that
    ///   does not go by post (its retrieval from the portal under the AO is not
    ///   set up; the domain refuses it too).
    ///
    /// [`LetterInput::from_case`] and [`crate::TemplateSet::render_markup`] both
    /// check, so an input changed after it was built is checked again.
    pub fn check(&self) -> Result<(), LetterError> {
        let present = |text: &Option<String>| text.as_deref().is_some_and(|t| !t.trim().is_empty());
        if let LetterKind::Decision(outcome) = self.kind {
            if outcome.needs_reasons() && !present(&self.reasons) {
                return Err(LetterError::Input(format!(
                    "Eine {} braucht Ihre Begründung zu diesem Fall (§ 39 VwVfG NRW); \
                     ohne sie wird kein Bescheid erstellt",
                    outcome.bescheid_german()
                )));
            }
            if outcome == Outcome::Partial && !present(&self.partial_note) {
                return Err(LetterError::Input(
                    "Eine Teilbewilligung muss sagen, was bewilligt und was abgelehnt wird \
                     (§ 37 Abs. 1 VwVfG NRW); bitte beschreiben Sie den Umfang"
                        .into(),
                ));
            }
        }
        // Only a truly automated mass letter goes without a signature (§37(5)); a
        // decision with this case's reasons, or one that needs the written form and is
        // served (the Baugenehmigung, §74(2) BauO NRW), names the person responsible.
        if self.signature == Signature::Automated {
            let reasoned = matches!(self.kind, LetterKind::Decision(o) if o.needs_reasons());
            if reasoned || self.channel == Some(DeliveryChannel::Zustellung) {
                return Err(LetterError::Input(
                    "Dieser Bescheid wird im Einzelfall entschieden und braucht \
                     „Im Auftrag“ mit dem Namen der verantwortlichen Person \
                     (§ 37 Abs. 3 VwVfG NRW); er kann nicht maschinell ohne Unterschrift \
                     ergehen"
                        .into(),
                ));
            }
        }
        if let Some(channel) = self.channel {
            if self.kind == LetterKind::TaxNotice && channel != DeliveryChannel::Post {
                return Err(LetterError::Input(
                    "Steuerbescheide werden per Post bekannt gegeben".into(),
                ));
            }
            if !self.law.delivery.allows(channel) {
                return Err(LetterError::Input(format!(
                    "Bescheide zur Leistung „{}“ werden nicht auf dem Weg „{}“ bekannt gegeben",
                    self.service_name,
                    channel.german()
                )));
            }
        }
        Ok(())
    }

    /// The template this letter is written with, e.g. `ba_approved`, `hu_receipted`.
    pub fn template_name(&self) -> String {
        match self.kind {
            LetterKind::Decision(outcome) => {
                format!("{}_{}", self.service_id.to_lowercase(), outcome.as_str())
            }
            LetterKind::ItemsRequest => "items_request".into(),
            LetterKind::Hearing => "hearing".into(),
            LetterKind::FeeNotice => "fee_notice".into(),
            LetterKind::TaxNotice => "tax_notice".into(),
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
    fn a_decision_carries_the_outcomes_fee_law_and_no_dates() {
        let input = crate::sample::input("BP", Outcome::Approved);
        let fee = input.fee.clone().unwrap();
        assert_eq!(fee.amount_cents, 3_000);
        assert_eq!(fee.kassenzeichen, "5.0123.456789.3");
        assert_eq!(fee.regime, FeeRegime::Gebost);
        assert_eq!(fee.due_after, Period::Weeks(2));
        assert_eq!(input.channel, Some(DeliveryChannel::Post));
        assert_eq!(input.template_name(), "bp_approved");
        assert_eq!(input.form["company_car"], "ja");
    }

    #[test]
    fn a_rejection_costs_the_rejection_fee_and_needs_reasons() {
        let case = crate::sample::case("SN");
        let service = crate::sample::service("SN");
        let mut context = LetterContext::issued_by(
            NaiveDate::from_ymd_opt(2026, 3, 12).unwrap(),
            crate::sample::contact(),
        );
        let refused = LetterInput::from_case(
            &case,
            &service,
            LetterKind::Decision(Outcome::Rejected),
            &context,
        );
        assert!(refused.unwrap_err().to_string().contains("§ 39 VwVfG NRW"));
        context.reasons = Some("Der Gehweg ist dort nur 1,20 m breit.".into());
        let input = LetterInput::from_case(
            &case,
            &service,
            LetterKind::Decision(Outcome::Rejected),
            &context,
        )
        .unwrap();
        let fee = input.fee.unwrap();
        // The processing fee of a KAG bylaw, not the use fee of the road.
        assert_eq!(fee.regime, FeeRegime::KagSatzung);
        assert_eq!(fee.amount_cents, 2_000);
    }

    #[test]
    fn no_individual_or_served_decision_goes_out_as_an_automated_letter() {
        let date = NaiveDate::from_ymd_opt(2026, 3, 12).unwrap();
        let mut context = LetterContext::automated(date, crate::sample::contact());
        // An approval of a resident parking permit may be a mass letter.
        let parking = LetterInput::from_case(
            &crate::sample::case("BP"),
            &crate::sample::service("BP"),
            LetterKind::Decision(Outcome::Approved),
            &context,
        );
        assert!(parking.is_ok());
        // A rejection with this case's reasons may not.
        context.reasons = crate::sample::reasons("BP", Outcome::Rejected);
        let rejection = LetterInput::from_case(
            &crate::sample::case("BP"),
            &crate::sample::service("BP"),
            LetterKind::Decision(Outcome::Rejected),
            &context,
        );
        assert!(rejection.unwrap_err().to_string().contains("§ 37 Abs. 3"));
        // Nor a building permit, which is served.
        let mut context = LetterContext::automated(date, crate::sample::contact());
        context.channel = DeliveryChannel::Zustellung;
        let permit = LetterInput::from_case(
            &crate::sample::case("BA"),
            &crate::sample::service("BA"),
            LetterKind::Decision(Outcome::Approved),
            &context,
        );
        assert!(permit.unwrap_err().to_string().contains("§ 37 Abs. 3"));
    }

    #[test]
    fn periods_read_as_german() {
        assert_eq!(within(Period::Weeks(2)), "innerhalb von zwei Wochen");
        assert_eq!(within(Period::Months(1)), "innerhalb eines Monats");
        assert_eq!(within(Period::Days(14)), "innerhalb von 14 Tagen");
        assert_eq!(within(Period::Weeks(1)), "innerhalb einer Woche");
    }

    #[test]
    fn dates() {
        assert_eq!(
            format_date(NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()),
            "02.03.2026"
        );
    }
}
