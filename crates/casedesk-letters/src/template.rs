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

use crate::LetterError;
use crate::input::{LetterInput, Signature, format_date, format_euro};
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
    "_fee_table",
    "_fee_item",
    "_remedy",
    "_closing",
    "mb_approved",
    "mb_rejected",
    "mb_partial",
    "hu_approved",
    "hu_rejected",
    "hu_partial",
    "bp_approved",
    "bp_rejected",
    "bp_partial",
    "ba_approved",
    "ba_rejected",
    "ba_partial",
    "ga_approved",
    "ga_rejected",
    "ga_partial",
    "sn_approved",
    "sn_rejected",
    "sn_partial",
    "items_request",
    "fee_notice",
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

    /// Renders the body markup of a letter with the template `name`.
    pub fn render_markup(
        &self,
        name: &str,
        input: &LetterInput,
        letterhead: &Letterhead,
    ) -> Result<String, LetterError> {
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
#[derive(Serialize)]
struct TemplateContext<'a> {
    case: CaseView<'a>,
    recipient: &'a crate::input::Recipient,
    contact: &'a crate::input::Contact,
    form: &'a BTreeMap<String, String>,
    fee: Option<FeeView<'a>>,
    delivery: Option<DeliveryView>,
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

#[derive(Serialize)]
struct FeeView<'a> {
    amount: String,
    amount_cents: i64,
    kassenzeichen: &'a str,
    due: String,
}

#[derive(Serialize)]
struct DeliveryView {
    made_available: String,
    deemed_delivery: String,
    appeal_deadline: String,
}

#[derive(Serialize)]
struct RequestView<'a> {
    items: &'a [String],
    reason: &'a str,
    message: &'a str,
    answer_due: String,
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
            fee: input.fee.as_ref().map(|f| FeeView {
                amount: format_euro(f.amount_cents),
                amount_cents: f.amount_cents,
                kassenzeichen: &f.kassenzeichen,
                due: format_date(f.due),
            }),
            delivery: input.delivery.map(|d| DeliveryView {
                made_available: format_date(d.made_available),
                deemed_delivery: format_date(d.deemed_delivery),
                appeal_deadline: format_date(d.appeal_deadline),
            }),
            request: input.request.as_ref().map(|r| RequestView {
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
                fee_bylaw: &letterhead.fee_bylaw,
                bank: &letterhead.bank,
                court: &letterhead.court,
            },
            letter_date: format_date(input.letter_date),
        }
    }
}
