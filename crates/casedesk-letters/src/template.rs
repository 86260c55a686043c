//! Letter templates: a set of minijinja templates that turn a [`LetterInput`] into
//! the body markup of [`crate::markup`].
//!
//! minijinja is Jinja2 as a small, dependency-light Rust crate by the author of
//! Jinja2 itself, actively maintained, with template inheritance and includes (the
//! service templates extend one Bescheid skeleton), a strict-undefined mode and
//! errors that carry the template name, line and source range — which is what lets
//! a broken template name its placeholder and line. Handlebars or Tera would do too;
//! Tera drags in a much larger dependency tree, and hand-made string replacement
//! cannot express the conditions the letters need.
//!
//! Every value printed with `{{ … }}` goes through a formatter that escapes it for
//! the markup ([`crate::markup::escape`]), so citizen text is always plain text.
//! The default German set lives in `templates/*.j2` and is compiled in; a tenant's
//! set (synced from the portal) can replace any of them by name.

use std::collections::BTreeMap;

use minijinja::{Environment, ErrorKind, UndefinedBehavior, Value};
use serde::Serialize;

use casedesk_domain::law::{FeeRegime, Genus, Remedy, UnansweredRequest};

use crate::LetterError;
use crate::german::{self, Case};
use crate::input::{LetterInput, Signature, format_date, format_euro, within};
use crate::letterhead::Letterhead;
use crate::markup;

macro_rules! default_templates {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../templates/", $name, ".j2")))),*]
    };
}

/// The default German templates, by name (file name without `.j2`).
pub const DEFAULT_TEMPLATES: &[(&str, &str)] = default_templates![
    "_decision",
    "_fee_item",
    "_payment",
    "_fee_reasons",
    "_remedy",
    "_announcement",
    "mb_approved",
    "mb_partial",
    "mb_rejected",
    "hu_receipted",
    "bp_approved",
    "bp_partial",
    "bp_rejected",
    "ba_approved",
    "ba_rejected",
    "ga_receipted",
    "ga_rejected",
    "sn_approved",
    "sn_partial",
    "sn_rejected",
    "items_request",
    "hearing",
    "fee_notice",
    "tax_notice",
];

/// A compiled set of letter templates.
pub struct TemplateSet {
    env: Environment<'static>,
    sources: BTreeMap<String, String>,
}

impl std::fmt::Debug for TemplateSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TemplateSet")
            .field("templates", &self.sources.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl TemplateSet {
    /// The default German templates shipped with the crate.
    pub fn defaults() -> TemplateSet {
        Self::with_overrides(std::iter::empty::<(String, String)>())
            .unwrap_or_else(|e| panic!("default templates: {e}"))
    }

    /// The defaults with some templates replaced or added (e.g. a tenant's edits),
    /// by name without `.j2`. A template that does not compile is an error naming
    /// it and the line.
    pub fn with_overrides<N, S>(
        overrides: impl IntoIterator<Item = (N, S)>,
    ) -> Result<TemplateSet, LetterError>
    where
        N: Into<String>,
        S: Into<String>,
    {
        let mut sources: BTreeMap<String, String> = DEFAULT_TEMPLATES
            .iter()
            .map(|(n, s)| ((*n).to_owned(), (*s).to_owned()))
            .collect();
        for (name, source) in overrides {
            sources.insert(name.into(), source.into());
        }
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::Custom("letter".into()));
        env.set_formatter(|out, _state, value| {
            if value.is_safe() {
                out.write_str(value.as_str().unwrap_or_default())?;
            } else if value.is_none() {
                return Err(minijinja::Error::new(
                    ErrorKind::UndefinedError,
                    "value is none",
                ));
            } else {
                out.write_str(&markup::escape(&value.to_string()))?;
            }
            Ok(())
        });
        add_filters(&mut env);
        for (name, source) in &sources {
            env.add_template_owned(name.clone(), source.clone())
                .map_err(|e| template_error(&sources, name, &e))?;
        }
        Ok(TemplateSet { env, sources })
    }

    /// The names of the letter templates (without the `_` partials).
    pub fn names(&self) -> Vec<&str> {
        self.sources
            .keys()
            .map(String::as_str)
            .filter(|n| !n.starts_with('_'))
            .collect()
    }

    /// The source of a template, for an editor.
    pub fn source(&self, name: &str) -> Option<&str> {
        self.sources.get(name).map(String::as_str)
    }

    /// Renders the body markup of a letter with the template `name`. An input that
    /// no lawful letter can be written from ([`LetterInput::check`]) is refused
    /// before any template runs.
    pub fn render_markup(
        &self,
        name: &str,
        input: &LetterInput,
        letterhead: &Letterhead,
    ) -> Result<String, LetterError> {
        input.check()?;
        let template = self
            .env
            .get_template(name)
            .map_err(|_| LetterError::UnknownTemplate(name.to_owned()))?;
        let context = Value::from(minijinja::value::Serde(TemplateContext::new(
            input, letterhead,
        )));
        template
            .render(context)
            .map_err(|e| template_error(&self.sources, name, &e))
    }
}

/// The filters of the German letter rules ([`crate::german`]):
/// `{{ law.matter|ihr("akk") }}` gives "Ihren Antrag auf …" (`nom`, `akk`, `dat`;
/// nominative without an argument), `{{ form.business_name|inner_quotes }}` turns
/// quotation marks inside a quoted value into single ones,
/// `{{ fee.basis|sentence }}` ends a citation with exactly one full stop, and
/// `{{ form.construction_sum|number }}` groups a whole number by thousands.
fn add_filters(env: &mut Environment<'static>) {
    env.add_filter(
        "ihr",
        |state: &minijinja::State<'_, '_>,
         phrase: String,
         case: Option<String>|
         -> Result<String, minijinja::Error> {
            let case = match case.as_deref() {
                None => Case::Nominative,
                Some(name) => Case::parse(name).ok_or_else(|| {
                    minijinja::Error::new(
                        ErrorKind::InvalidOperation,
                        format!("ihr(\"{name}\"): der Fall ist \"nom\", \"akk\" oder \"dat\""),
                    )
                })?,
            };
            // The gender is the catalog's, of the law's matter (`law.matter_genus`).
            let genus = state
                .lookup("law")
                .and_then(|law| law.get_attr("matter_genus").ok())
                .and_then(|genus| genus.as_str().map(str::to_owned));
            let genus = match genus.as_deref() {
                Some("feminine") => Genus::Feminine,
                Some("neuter") => Genus::Neuter,
                Some("masculine") => Genus::Masculine,
                _ => {
                    return Err(minijinja::Error::new(
                        ErrorKind::InvalidOperation,
                        "ihr: law.matter_genus fehlt",
                    ));
                }
            };
            Ok(german::with_possessive(&phrase, genus, case))
        },
    );
    env.add_filter("inner_quotes", |value: String| german::inner_quotes(&value));
    env.add_filter("sentence", |value: String| german::sentence(&value));
    env.add_filter("number", |value: String| german::group_thousands(&value));
}

fn template_error(
    sources: &BTreeMap<String, String>,
    requested: &str,
    error: &minijinja::Error,
) -> LetterError {
    // The innermost error names where it really happened (an included template).
    let mut innermost: &dyn std::error::Error = error;
    let mut located = error;
    while let Some(source) = innermost.source() {
        innermost = source;
        if let Some(e) = source.downcast_ref::<minijinja::Error>() {
            if e.name().is_some() {
                located = e;
            }
        }
    }
    let template = located.name().unwrap_or(requested).to_owned();
    let placeholder = located
        .range()
        .and_then(|r| sources.get(&template).and_then(|s| s.get(r)))
        .map(|s| s.trim().to_owned());
    LetterError::Template {
        template,
        line: located.line(),
        placeholder,
        detail: located
            .detail()
            .map_or_else(|| located.kind().to_string(), str::to_owned),
    }
}

/// What the templates see, with dates and amounts already formatted in German.
/// The templates' own reference is `templates/README.md`.
#[derive(Serialize)]
struct TemplateContext<'a> {
    case: CaseView<'a>,
    recipient: &'a crate::input::Recipient,
    contact: &'a crate::input::Contact,
    form: &'a BTreeMap<String, String>,
    law: LawView<'a>,
    fee: Option<FeeView<'a>>,
    tax: Option<TaxView<'a>>,
    /// "post", "portal" or "zustellung" for decisions and notices.
    channel: Option<&'static str>,
    request: Option<RequestView<'a>>,
    reasons: Option<&'a str>,
    partial_note: Option<&'a str>,
    signature: SignatureView<'a>,
    authority: AuthorityView<'a>,
    letter_date: String,
}

#[derive(Serialize)]
struct CaseView<'a> {
    aktenzeichen: &'a str,
    service_id: &'a str,
    service_name: &'a str,
    received: String,
}

/// The service's law as templates use it.
#[derive(Serialize)]
struct LawView<'a> {
    /// "Antrag auf Erteilung einer Baugenehmigung".
    matter: &'a str,
    /// "masculine", "feminine" or "neuter": the gender of the matter's head noun,
    /// which the `ihr` filter declines the possessive by.
    matter_genus: Genus,
    basis: &'a str,
    /// "klage" or "widerspruch".
    remedy: &'static str,
    /// Whether announcement follows the AO (local taxes, KAG levies).
    abgaben: bool,
    /// Whether a statute orders an approval fiction (§42a VwVfG NRW).
    approval_fiction: bool,
    /// The statute under which an unanswered request counts as withdrawal, if any.
    deemed_withdrawn: Option<&'a str>,
    /// "innerhalb von zwei Wochen": the default answer period.
    answer_period: String,
    /// The fee for an application withdrawn after processing began, if the service
    /// charges one.
    withdrawal_fee: Option<WithdrawalFeeView<'a>>,
}

#[derive(Serialize)]
struct WithdrawalFeeView<'a> {
    title: &'a str,
    basis: &'a str,
}

#[derive(Serialize)]
struct FeeView<'a> {
    amount: String,
    amount_cents: i64,
    kassenzeichen: &'a str,
    title: &'a str,
    basis: &'a str,
    /// "gebg_nrw", "kag_satzung", "sondernutzung" or "gebost".
    regime: &'static str,
    /// The remedy against the fee: "klage" or "widerspruch".
    remedy: &'static str,
    /// "innerhalb von zwei Wochen": when it falls due after the announcement.
    due_within: String,
}

#[derive(Serialize)]
struct TaxView<'a> {
    title: &'a str,
    basis: &'a str,
    annual: String,
    liability_start: &'a str,
    since: Option<String>,
    kassenzeichen: &'a str,
}

#[derive(Serialize)]
struct RequestView<'a> {
    /// "items" or "hearing".
    purpose: &'static str,
    items: &'a [String],
    reason: &'a str,
    message: &'a str,
    answer_due: String,
}

fn remedy_name(remedy: Remedy) -> &'static str {
    match remedy {
        Remedy::Klage => "klage",
        Remedy::Widerspruch => "widerspruch",
    }
}

fn regime_name(regime: FeeRegime) -> &'static str {
    match regime {
        FeeRegime::GebgNrw => "gebg_nrw",
        FeeRegime::KagSatzung => "kag_satzung",
        FeeRegime::Sondernutzung => "sondernutzung",
        FeeRegime::Gebost => "gebost",
    }
}

#[derive(Serialize)]
struct SignatureView<'a> {
    automated: bool,
    name: Option<&'a str>,
}

#[derive(Serialize)]
struct AuthorityView<'a> {
    name: &'a str,
    subtitle: &'a str,
    phone: &'a str,
    email: &'a str,
    website: &'a str,
    /// The postal address on one line: "Kleiner Domhof 17, 32423 Minden".
    address: String,
    fee_bylaw: &'a str,
    bank: &'a crate::letterhead::BankDetails,
    court: &'a crate::letterhead::Court,
}

impl<'a> TemplateContext<'a> {
    fn new(input: &'a LetterInput, letterhead: &'a Letterhead) -> Self {
        TemplateContext {
            case: CaseView {
                aktenzeichen: &input.aktenzeichen,
                service_id: &input.service_id,
                service_name: &input.service_name,
                received: format_date(input.received),
            },
            recipient: &input.recipient,
            contact: &input.contact,
            form: &input.form,
            law: LawView {
                matter: &input.law.matter,
                matter_genus: input.law.matter_genus,
                basis: &input.law.basis,
                remedy: remedy_name(input.law.remedy),
                abgaben: input.law.procedure == casedesk_domain::law::Procedure::Abgaben,
                approval_fiction: input.law.approval_fiction.is_some(),
                deemed_withdrawn: match &input.law.unanswered_request {
                    UnansweredRequest::DeemedWithdrawn { basis } => Some(basis),
                    UnansweredRequest::DecideOnRecord => None,
                },
                answer_period: within(input.law.answer_period),
                withdrawal_fee: input
                    .law
                    .withdrawal_fee
                    .as_ref()
                    .map(|f| WithdrawalFeeView {
                        title: &f.title,
                        basis: &f.basis,
                    }),
            },
            fee: input.fee.as_ref().map(|f| FeeView {
                amount: format_euro(f.amount_cents),
                amount_cents: f.amount_cents,
                kassenzeichen: &f.kassenzeichen,
                title: &f.title,
                basis: &f.basis,
                regime: regime_name(f.regime),
                remedy: remedy_name(f.regime.remedy()),
                due_within: within(f.due_after),
            }),
            tax: input.tax.as_ref().map(|t| TaxView {
                title: &t.law.title,
                basis: &t.law.basis,
                annual: format_euro(t.law.annual_cents),
                liability_start: &t.law.liability_start,
                since: t.since.map(format_date),
                kassenzeichen: &t.kassenzeichen,
            }),
            channel: input.channel.map(|c| match c {
                casedesk_domain::delivery::DeliveryChannel::Post => "post",
                casedesk_domain::delivery::DeliveryChannel::Portal => "portal",
                casedesk_domain::delivery::DeliveryChannel::Zustellung => "zustellung",
            }),
            request: input.request.as_ref().map(|r| RequestView {
                purpose: match r.purpose {
                    casedesk_domain::aggregate::RequestPurpose::Items => "items",
                    casedesk_domain::aggregate::RequestPurpose::Hearing => "hearing",
                },
                items: &r.items,
                reason: &r.reason,
                message: &r.message,
                answer_due: format_date(r.answer_due),
            }),
            reasons: input.reasons.as_deref().filter(|s| !s.trim().is_empty()),
            partial_note: input
                .partial_note
                .as_deref()
                .filter(|s| !s.trim().is_empty()),
            signature: match &input.signature {
                Signature::Automated => SignatureView {
                    automated: true,
                    name: None,
                },
                Signature::Responsible { name } => SignatureView {
                    automated: false,
                    name: Some(name),
                },
            },
            authority: AuthorityView {
                name: &letterhead.authority,
                subtitle: &letterhead.subtitle,
                phone: &letterhead.phone,
                email: &letterhead.email,
                website: &letterhead.website,
                address: letterhead.address_lines.join(", "),
                fee_bylaw: &letterhead.fee_bylaw,
                bank: &letterhead.bank,
                court: &letterhead.court,
            },
            letter_date: format_date(input.letter_date),
        }
    }
}
