//! Snapshots of the text of every template, the template set against the catalog,
//! the closing rule, escaping of citizen text, and template errors that name
//! template, placeholder and line.

use casedesk_domain::Outcome;
use casedesk_letters::{
    LetterError, LetterInput, LetterKind, Letterhead, RenderOptions, Signature, TemplateSet,
    render_body, sample,
};

use crate::support::{options, pdftotext, pdftotext_raw, render_sample, text_of, write_temp};

#[test]
fn every_template_has_a_snapshot_of_its_extracted_text() {
    let templates = TemplateSet::defaults();
    let mut covered: Vec<String> = Vec::new();
    for input in sample::every_letter() {
        let name = input.template_name();
        let pdf = render_sample(&input);
        let (_dir, path) = write_temp(&name, &pdf);
        insta::assert_snapshot!(name.clone(), pdftotext_raw(&path));
        covered.push(name);
    }
    let mut all: Vec<String> = templates.names().iter().map(|s| s.to_string()).collect();
    all.sort();
    covered.sort();
    assert_eq!(covered, all, "every template has a snapshot");
}

#[test]
fn the_decision_templates_are_exactly_the_outcomes_the_catalog_allows() {
    let mut expected: Vec<String> = sample::SERVICES
        .iter()
        .flat_map(|id| {
            sample::outcomes(id)
                .into_iter()
                .map(move |o| format!("{}_{}", id.to_lowercase(), o.as_str()))
        })
        .collect();
    expected.extend(["items_request", "hearing", "fee_notice", "tax_notice"].map(String::from));
    expected.sort();
    let mut names: Vec<String> = TemplateSet::defaults()
        .names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    names.sort();
    assert_eq!(names, expected);
    for gone in [
        "hu_approved",
        "hu_rejected",
        "hu_partial",
        "ga_approved",
        "ga_partial",
        "ba_partial",
    ] {
        assert!(TemplateSet::defaults().source(gone).is_none(), "{gone}");
    }
}

#[test]
fn decisions_carry_their_parts_in_order() {
    for input in sample::every_letter() {
        let LetterKind::Decision(outcome) = input.kind else {
            continue;
        };
        if outcome == Outcome::Receipted {
            continue;
        }
        let name = input.template_name();
        let text = text_of(&input);
        let mut at = 0;
        for part in [
            "# Bescheid\n",
            "1. ",
            "# Begründung\n",
            "# Rechtsbehelfsbelehrung\n",
            "# Hinweis zur Bekanntgabe\n",
            "Mit freundlichen Grüßen",
        ] {
            let found = text[at..]
                .find(part)
                .unwrap_or_else(|| panic!("{name} lacks {part:?} after byte {at}:\n{text}"));
            at += found + part.len();
        }
        if input.fee.as_ref().is_some_and(|f| f.amount_cents > 0) {
            let bescheid = text.find("# Bescheid\n").unwrap();
            let payment = text.find("# Zahlung der Gebühr\n").unwrap();
            let reasons = text.find("# Begründung\n").unwrap();
            assert!(bescheid < payment && payment < reasons, "{name}:\n{text}");
        } else {
            assert!(!text.contains("# Zahlung"), "{name}:\n{text}");
        }
    }
}

#[test]
fn a_responsible_person_signs_with_im_auftrag_and_no_automation_note() {
    for input in sample::every_letter() {
        let Signature::Responsible { name } = &input.signature else {
            panic!("the samples are signed by a person")
        };
        let text = text_of(&input);
        assert!(
            text.ends_with(&format!("Mit freundlichen Grüßen\nIm Auftrag\n\n{name}\n")),
            "{}:\n{text}",
            input.template_name()
        );
        assert!(!text.contains("maschinell"), "{}", input.template_name());
        assert_eq!(text.matches("Mit freundlichen Grüßen").count(), 1);
    }
}

#[test]
fn an_automated_letter_says_it_is_valid_without_a_signature() {
    let mut input = sample::input("MB", Outcome::Approved);
    input.signature = Signature::Automated;
    let text = text_of(&input);
    assert!(
        text.ends_with(
            "Mit freundlichen Grüßen\nStadt Minden\nBürgerbüro Rathaus\nDieses Schreiben wurde \
             maschinell erstellt und ist ohne Unterschrift gültig.\n"
        ),
        "{text}"
    );
    assert!(!text.contains("Im Auftrag"), "{text}");
}

/// The text of a letter rendered from an edited body, its whitespace collapsed.
fn rendered_from_body(input: &LetterInput, body: &str) -> String {
    let pdf = render_body(
        &Letterhead::demo(),
        input,
        body,
        &RenderOptions {
            hyphenate: false,
            ..options()
        },
    )
    .unwrap();
    let (_dir, path) = write_temp("edited", &pdf);
    pdftotext(&path)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn an_edited_body_gets_the_closing_of_its_signature_exactly_once() {
    let input = sample::input("SN", Outcome::Approved);
    let original = TemplateSet::defaults()
        .render_markup(&input.template_name(), &input, &Letterhead::demo())
        .unwrap();
    let edited = original.replace("verkehrssicher abzusperren", "mit Bauzäunen abzusperren");
    // As edited in the desktop app: the body alone.
    let text = rendered_from_body(&input, &edited);
    assert!(text.contains("mit Bauzäunen abzusperren"), "{text}");
    assert_eq!(text.matches("Mit freundlichen Grüßen").count(), 1, "{text}");
    assert!(text.contains("Im Auftrag Aylin Özdemir"), "{text}");
    // A body edited from an older letter that still carries the automated closing,
    // or one that already ends with this closing, never closes twice or keeps the
    // automation note.
    let mut automated = input.clone();
    automated.signature = Signature::Automated;
    for closing in [
        casedesk_letters::closing_markup(&automated, &Letterhead::demo()),
        casedesk_letters::closing_markup(&input, &Letterhead::demo()),
    ] {
        let body = format!("{edited}\n\n{closing}\n");
        let text = rendered_from_body(&input, &body);
        assert_eq!(text.matches("Mit freundlichen Grüßen").count(), 1, "{text}");
        assert!(!text.contains("maschinell"), "{text}");
        assert!(text.contains("Im Auftrag Aylin Özdemir"), "{text}");
    }
    // The automated signature keeps its note once.
    let body = format!(
        "{edited}\n\n{}",
        casedesk_letters::closing_markup(&automated, &Letterhead::demo())
    );
    let text = rendered_from_body(&automated, &body);
    assert_eq!(text.matches("maschinell erstellt").count(), 1, "{text}");
    assert!(!text.contains("Im Auftrag"), "{text}");
}

#[test]
fn citizen_text_is_never_markup() {
    let mut input = sample::input("MB", Outcome::Rejected);
    input.recipient.name = "**Fett** _kursiv_".into();
    input.reasons = Some("# Keine Überschrift\n1. keine Liste\n| keine | Tabelle |".into());
    let pdf = render_sample(&input);
    let (_dir, path) = write_temp("escape", &pdf);
    let text = pdftotext(&path);
    assert!(text.contains("Guten Tag **Fett** _kursiv_,"), "{text}");
    assert!(text.contains("# Keine Überschrift"), "{text}");
    assert!(text.contains("| keine | Tabelle |"), "{text}");
}

#[test]
fn a_broken_template_names_template_placeholder_and_line() {
    let templates = TemplateSet::with_overrides([(
        "mb_approved",
        "**Betreff**\n\nGuten Tag {{ recipient.name }},\n\nIhr Hund {{ form.dog_name }} ist angemeldet.\n",
    )])
    .unwrap();
    let err = templates
        .render_markup(
            "mb_approved",
            &sample::input("MB", Outcome::Approved),
            &Letterhead::demo(),
        )
        .unwrap_err();
    match &err {
        LetterError::Template {
            template,
            line,
            placeholder,
            ..
        } => {
            assert_eq!(template, "mb_approved");
            assert_eq!(*line, Some(5));
            assert_eq!(placeholder.as_deref(), Some("form.dog_name"));
        }
        other => panic!("{other:?}"),
    }
    let message = err.to_string();
    assert!(message.contains("mb_approved line 5"), "{message}");
    assert!(message.contains("form.dog_name"), "{message}");
}

#[test]
fn a_template_with_a_syntax_error_is_refused_when_loaded() {
    let err = TemplateSet::with_overrides([("fee_notice", "Text\n{% if fee %}\nohne Ende\n")])
        .unwrap_err();
    let LetterError::Template { template, line, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(template, "fee_notice");
    assert!(line.is_some());
}

#[test]
fn a_wrong_case_for_the_possessive_filter_names_the_cases() {
    let templates =
        TemplateSet::with_overrides([("hearing", "{{ law.matter|ihr(\"gen\") }}\n")]).unwrap();
    let err = templates
        .render_markup(
            "hearing",
            &sample::input_of_kind("SN", LetterKind::Hearing),
            &Letterhead::demo(),
        )
        .unwrap_err();
    assert!(err.to_string().contains("\"akk\""), "{err}");
}

#[test]
fn from_case_refuses_a_fee_notice_without_fee() {
    let case = sample::case("HU");
    let context = casedesk_letters::LetterContext::automated(
        chrono::NaiveDate::from_ymd_opt(2026, 3, 12).unwrap(),
        sample::contact(),
    );
    let err = casedesk_letters::LetterInput::from_case(
        &case,
        &sample::service("HU"),
        LetterKind::FeeNotice,
        &context,
    )
    .unwrap_err();
    assert_eq!(err.code(), "letter_input");
}

#[test]
fn the_pdf_shows_every_word_of_the_text_the_legal_tests_read() {
    // The tests of `legal` read the letters' text from their markup; the PDF must
    // say the same.
    let options = RenderOptions {
        hyphenate: false,
        ..options()
    };
    for input in sample::every_letter() {
        let pdf = casedesk_letters::render(
            &TemplateSet::defaults(),
            &Letterhead::demo(),
            &input,
            &options,
        )
        .unwrap();
        let (_dir, path) = write_temp("words", &pdf);
        // Lines break after hyphens, so the words are looked for in the text
        // without any whitespace.
        let extracted: String = pdftotext_raw(&path).split_whitespace().collect();
        for word in text_of(&input).split_whitespace() {
            if word == "#" || word == "|" || word == "–" {
                continue;
            }
            assert!(
                extracted.contains(word),
                "{}: {word:?} not in the PDF",
                input.template_name()
            );
        }
    }
}
