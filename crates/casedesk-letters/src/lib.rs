//! Decision letters (Bescheide) as PDF/A-2b documents: data in, PDF bytes out.
//!
//! This crate does no I/O. A letter is made from four values:
//!
//! - a [`TemplateSet`]: minijinja templates, one per service and each outcome its
//!   law allows, plus the request for missing items, the Anhörung, the fee notice
//!   and the tax notice (the German defaults are in `templates/*.j2` and compiled
//!   in; a tenant's edited templates override them by name),
//! - a [`Letterhead`]: the tenant's name, addresses, bank details, court and logo,
//! - a [`LetterInput`]: what the letter says about the case, usually built with
//!   [`LetterInput::from_case`] from a `casedesk_domain` case aggregate,
//! - [`RenderOptions`]: the creation time (an input, so output is deterministic) and
//!   whether to hyphenate.
//!
//! [`render`] runs the template to body markup ([`markup`]), appends the closing
//! ([`closing_markup`]), lays it out on DIN 5008 form B pages ([`layout`],
//! [`compose`], [`geometry`]) with the embedded Liberation Sans fonts ([`font`]) and
//! writes the PDF ([`pdf`]). The same input gives the same bytes. A letter never
//! prints a date that depends on when it will be announced: the remedy period and
//! the fee's due date are named as periods, and a note after the remedy
//! instructions says how the letter's channel announces it.
//!
//! ```
//! use casedesk_letters::*;
//! # let input = casedesk_letters::sample::input("MB", casedesk_domain::Outcome::Approved);
//! let pdf = render(
//!     &TemplateSet::defaults(),
//!     &Letterhead::demo(),
//!     &input,
//!     &RenderOptions::at(chrono::DateTime::UNIX_EPOCH),
//! )?;
//! assert!(pdf.starts_with(b"%PDF-1.7"));
//! # Ok::<(), LetterError>(())
//! ```
//!
//! To change a template, edit `templates/<name>.j2` (the defaults) or pass the new
//! source to [`TemplateSet::with_overrides`]; `templates/README.md` is the reference
//! of the templates, their variables and filters, the comment at the top of
//! `templates/_decision.j2` names the blocks a Bescheid fills, and [`markup`] says
//! what the templates may produce. The snapshot tests (`tests/it/snapshots`) show
//! the text of every template; `cargo insta review` accepts a deliberate change.

pub mod compose;
pub mod font;
pub mod geometry;
pub mod german;
pub mod input;
pub mod layout;
pub mod letterhead;
pub mod markup;
pub mod pdf;
pub mod sample;
pub mod template;

use std::sync::OnceLock;

use chrono::{DateTime, Utc};

pub use font::{FontFamily, Style};
pub use input::{
    Contact, FeeAssessment, LetterContext, LetterInput, LetterKind, Recipient, RequestDetails,
    Signature, TaxAssessment,
};
pub use letterhead::{BankDetails, Court, Letterhead, Logo};
pub use template::TemplateSet;

/// Why a letter could not be made.
#[derive(Debug, thiserror::Error)]
pub enum LetterError {
    /// A template failed to compile or render; names the template, the line and,
    /// where known, the placeholder expression.
    #[error(
        "template {template}{} failed{}: {detail}",
        line.map(|l| format!(" line {l}")).unwrap_or_default(),
        placeholder.as_ref().map(|p| format!(" at `{p}`")).unwrap_or_default()
    )]
    Template {
        template: String,
        line: Option<usize>,
        placeholder: Option<String>,
        detail: String,
    },
    #[error("no template named {0}")]
    UnknownTemplate(String),
    #[error("letter input: {0}")]
    Input(String),
    #[error("letterhead: {0}")]
    Letterhead(String),
    #[error("logo: {0}")]
    Logo(String),
    #[error("font: {0}")]
    Font(String),
}

impl LetterError {
    /// A stable code for callers that pass the error on as `{code, message}`.
    pub fn code(&self) -> &'static str {
        match self {
            LetterError::Template { .. } => "letter_template",
            LetterError::UnknownTemplate(_) => "letter_template_unknown",
            LetterError::Input(_) => "letter_input",
            LetterError::Letterhead(_) => "letter_letterhead",
            LetterError::Logo(_) => "letter_logo",
            LetterError::Font(_) => "letter_font",
        }
    }
}

/// Which font subsets a letter embeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FontSubsets {
    /// A subset of the common characters (Latin-1, Latin Extended-A, German
    /// typographic punctuation) made once per process and shared by every letter
    /// that needs no other glyph: about 0.5 ms faster per letter, about 80 KB larger.
    #[default]
    Shared,
    /// Exactly the glyphs of this letter: the smallest file.
    Exact,
}

/// How to render.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// Written as creation and modification date; nothing reads the clock.
    pub created: DateTime<Utc>,
    /// Hyphenate German words at line ends.
    pub hyphenate: bool,
    pub subsets: FontSubsets,
}

impl RenderOptions {
    /// Hyphenating, created at `created`.
    pub fn at(created: DateTime<Utc>) -> RenderOptions {
        RenderOptions {
            created,
            hyphenate: true,
            subsets: FontSubsets::Shared,
        }
    }
}

/// The embedded fonts, parsed once per process.
pub fn fonts() -> &'static FontFamily {
    static FONTS: OnceLock<FontFamily> = OnceLock::new();
    FONTS.get_or_init(FontFamily::liberation_sans)
}

/// The body frame of DIN 5008 form B pages.
pub fn body_frame() -> layout::BodyFrame {
    layout::BodyFrame {
        left: geometry::MARGIN_LEFT,
        width: geometry::TEXT_WIDTH,
        first_top: geometry::BODY_FIRST_TOP,
        next_top: geometry::BODY_NEXT_TOP,
        bottom: geometry::BODY_BOTTOM,
    }
}

/// Renders the letter for `input` with its template ([`LetterInput::template_name`]).
pub fn render(
    templates: &TemplateSet,
    letterhead: &Letterhead,
    input: &LetterInput,
    options: &RenderOptions,
) -> Result<Vec<u8>, LetterError> {
    let body = templates.render_markup(&input.template_name(), input, letterhead)?;
    render_body(letterhead, input, &body, options)
}

/// The whole markup of a letter: the body (without any closing it carries) and the
/// closing that fits its signature.
pub fn letter_markup(input: &LetterInput, letterhead: &Letterhead, body_markup: &str) -> String {
    format!(
        "{}\n\n{}",
        without_closing(body_markup),
        closing_markup(input, letterhead)
    )
}

/// The closing of a letter in markup, from who is responsible for it: "Im Auftrag"
/// and the name (§37(3) VwVfG NRW), or for a truly automated mass letter the note
/// that it is valid without a signature (§37(5)). It is rendered after the body and
/// never part of the text a caseworker edits, so an edited letter cannot keep a
/// wrong closing.
pub fn closing_markup(input: &LetterInput, letterhead: &Letterhead) -> String {
    match &input.signature {
        Signature::Responsible { name } => format!(
            "Mit freundlichen Grüßen\\\nIm Auftrag\\\n\\\n{}",
            markup::escape(name)
        ),
        Signature::Automated => format!(
            "Mit freundlichen Grüßen\\\n{}\\\n{}\n\n_{}_",
            markup::escape(&letterhead.authority),
            markup::escape(&input.contact.office),
            markup::escape(AUTOMATION_NOTE)
        ),
    }
}

/// The automation note of [`Signature::Automated`], without markup.
const AUTOMATION_NOTE: &str =
    "Dieses Schreiben wurde maschinell erstellt und ist ohne Unterschrift gültig.";

/// The body without a closing it may end with: a text edited from an older letter
/// (or typed by hand) can carry "Mit freundlichen Grüßen …" or the automation note,
/// and [`render_body`] appends the one closing that fits the signature.
fn without_closing(body: &str) -> String {
    /// A closing is the greeting and at most a few short lines after it (office,
    /// "Im Auftrag", a name, the automation note).
    const MAX_CLOSING_LINES: usize = 8;
    const MAX_CLOSING_LINE: usize = 100;
    // A line's text without markup: no escapes, line-break marks or emphasis.
    let plain = |line: &str| {
        line.replace('\\', "")
            .trim()
            .trim_matches('_')
            .trim()
            .to_owned()
    };
    let mut lines: Vec<&str> = body.lines().collect();
    loop {
        while lines.last().is_some_and(|l| plain(l).is_empty()) {
            lines.pop();
        }
        if lines.last().is_some_and(|l| plain(l) == AUTOMATION_NOTE) {
            lines.pop();
            continue;
        }
        let Some(start) = lines
            .iter()
            .rposition(|l| plain(l).starts_with("Mit freundlichen Grüßen"))
        else {
            break;
        };
        let tail = &lines[start..];
        let is_closing = tail.len() <= MAX_CLOSING_LINES
            && tail.iter().all(|l| {
                let l = plain(l);
                !l.starts_with('#') && l.chars().count() <= MAX_CLOSING_LINE
            });
        if !is_closing {
            break;
        }
        lines.truncate(start);
    }
    lines.join("\n")
}

/// Renders a letter whose body markup is given, e.g. a text the caseworker edited;
/// the closing ([`closing_markup`]) follows it. A closing the body already ends with
/// is dropped first, so the letter never closes twice or with the wrong signature.
pub fn render_body(
    letterhead: &Letterhead,
    input: &LetterInput,
    body_markup: &str,
    options: &RenderOptions,
) -> Result<Vec<u8>, LetterError> {
    let fonts = fonts();
    let markup = letter_markup(input, letterhead, body_markup);
    let blocks = markup::parse(&markup);
    let body = layout::layout_body(
        &blocks,
        fonts,
        &layout::BodyStyle::default(),
        &body_frame(),
        options.hyphenate,
    );
    let count = body.pages.len();
    let mut pages = Vec::with_capacity(count);
    for (index, items) in body.pages.into_iter().enumerate() {
        let mut page = if index == 0 {
            compose::first_page(input, letterhead, fonts, count)
        } else {
            compose::following_page(input, letterhead, fonts, index + 1, count)
        };
        page.extend(items);
        pages.push(page);
    }
    let subject = blocks
        .first()
        .map(|b| match b {
            markup::Block::Paragraph(spans) | markup::Block::Heading(spans) => {
                markup::plain_text(spans)
            }
            _ => String::new(),
        })
        .unwrap_or_default();
    let title = subject.lines().next().unwrap_or_default().to_owned();
    let meta = pdf::DocumentMeta {
        title: if title.is_empty() {
            format!("Schreiben {}", input.aktenzeichen)
        } else {
            title
        },
        author: letterhead.authority.clone(),
        subject: format!("Aktenzeichen {}", input.aktenzeichen),
        created: options.created,
    };
    pdf::write_pdf(
        &pages,
        fonts,
        letterhead.logo.as_ref(),
        &meta,
        options.subsets,
    )
}
