//! Random German text of any length paginates without losing or duplicating a
//! word, with and without hyphenation; and long letters get the short header.

use casedesk_domain::Outcome;
use casedesk_letters::layout::{BodyStyle, layout_body};
use casedesk_letters::markup::{escape, parse};
use casedesk_letters::{body_frame, fonts, sample};
use proptest::prelude::*;

use crate::support::{pdftotext, render_sample, write_temp};

const WORDS: &[&str] = &[
    "Verwaltungsgericht",
    "Bescheid",
    "Gebühr",
    "Straße",
    "Änderung",
    "Übermittlungsweg",
    "für",
    "öffentliche",
    "Sondernutzungserlaubnis",
    "Hundehaftpflichtversicherung",
    "und",
    "die",
    "der",
    "Rechtsbehelfsbelehrung",
    "„Anführungszeichen“",
    "–",
    "12,50\u{a0}€",
    "§",
    "Grundstücksentwässerungsanlage",
    "Baugenehmigungsverfahren",
    "ß",
    "Maß",
    "z.",
    "B.",
    "Donaudampfschifffahrtsgesellschaftskapitänsmütze",
    "Zulassungsbescheinigung",
    "Teil",
    "I",
    "x",
    "Bürgerbüro",
    "32-HU-2026-000123",
    "Straßen-",
    "Wegegesetz",
    "(StrWG",
    "NRW)",
];

fn text_strategy() -> impl Strategy<Value = Vec<Vec<String>>> {
    // Paragraphs of words; up to ~3,000 words in all.
    prop::collection::vec(
        prop::collection::vec(prop::sample::select(WORDS).prop_map(str::to_owned), 0..120),
        0..25,
    )
}

/// Joins the laid-out lines back into words: a line ending inside a word (an
/// inserted hyphen, which is dropped, or a break after a real hyphen) continues in
/// the next line's first word.
fn words_of(lines: &[casedesk_letters::layout::BodyLine]) -> Vec<String> {
    let mut words = Vec::new();
    let mut carry = String::new();
    for line in lines {
        let mut parts: Vec<&str> = line
            .text
            .split([' ', '\n'])
            .filter(|p| !p.is_empty())
            .collect();
        if !carry.is_empty() {
            if let Some(first) = parts.first_mut() {
                carry.push_str(first);
                *first = "";
            }
            words.push(std::mem::take(&mut carry));
        }
        if line.glued {
            let last = parts.pop().unwrap_or_default();
            carry = if line.hyphenated {
                last.strip_suffix('-').unwrap_or(last).to_owned()
            } else {
                last.to_owned()
            };
        }
        words.extend(
            parts
                .into_iter()
                .filter(|p| !p.is_empty())
                .map(str::to_owned),
        );
    }
    if !carry.is_empty() {
        words.push(carry);
    }
    words
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn pagination_keeps_every_word_once(paragraphs in text_strategy(), hyphenate in any::<bool>()) {
        let source: String = paragraphs
            .iter()
            .map(|p| escape(&p.join(" ")))
            .collect::<Vec<_>>()
            .join("\n\n");
        let expected: Vec<String> = paragraphs.iter().flatten().cloned().collect();
        let body = layout_body(&parse(&source), fonts(), &BodyStyle::default(), &body_frame(), hyphenate);
        prop_assert_eq!(words_of(&body.lines), expected);
        // Every line fits the text width and every page its frame.
        let frame = body_frame();
        for page in &body.pages {
            for item in page {
                if let casedesk_letters::layout::Item::Text(run) = item {
                    prop_assert!(run.y <= frame.bottom + 0.01);
                    let width = fonts().face(run.style).text_width(&run.text, run.size);
                    prop_assert!(run.x + width <= frame.left + frame.width + 0.5, "{:?}", run);
                }
            }
        }
    }
}

#[test]
fn a_long_letter_has_page_numbers_and_the_aktenzeichen_on_following_pages() {
    let mut input = sample::input("BA", Outcome::Approved);
    input.reasons = Some(
        "Die Prüfung der Bauvorlagen hat ergeben, dass das Vorhaben den Festsetzungen entspricht. "
            .repeat(60),
    );
    let pdf = render_sample(&input);
    let (_dir, path) = write_temp("long", &pdf);
    let text = pdftotext(&path);
    let pages = text
        .matches("Aktenzeichen 32-BA-2026-000123 · Seite ")
        .count()
        + 1;
    assert!(pages >= 3, "{text}");
    assert!(text.contains(&format!("1 von {pages}")), "{text}");
    for n in 2..=pages {
        assert!(
            text.contains(&format!(
                "Aktenzeichen 32-BA-2026-000123 · Seite {n} von {pages}"
            )),
            "page {n}: {text}"
        );
    }
}
