//! Snapshots of the text of every template, the signature rule, escaping of
//! citizen text, and template errors that name template, placeholder and line.

use casedesk_domain::Outcome;
use casedesk_letters::{LetterError, LetterKind, Letterhead, Signature, TemplateSet, sample};

use crate::support::{pdftotext, render_sample, write_temp};

fn markup(input: &casedesk_letters::LetterInput) -> String {
    TemplateSet::defaults()
        .render_markup(&input.template_name(), input, &Letterhead::demo())
        .unwrap()
}

#[test]
fn every_template_has_a_snapshot_of_its_extracted_text() {
    let mut inputs = Vec::new();
    for id in sample::SERVICES {
        for outcome in [Outcome::Approved, Outcome::Rejected, Outcome::Partial] {
            inputs.push(sample::input(id, outcome));
        }
    }
    inputs.push(sample::input_of_kind("HU", LetterKind::ItemsRequest));
    inputs.push(sample::input_of_kind("BA", LetterKind::FeeNotice));
    let templates = TemplateSet::defaults();
    let mut covered: Vec<String> = Vec::new();
    for input in inputs {
        let name = input.template_name();
        let pdf = render_sample(&input);
        let (_dir, path) = write_temp(&name, &pdf);
        insta::assert_snapshot!(name.clone(), pdftotext(&path));
        covered.push(name);
    }
    let mut all: Vec<String> = templates.names().iter().map(|s| s.to_string()).collect();
    all.sort();
    covered.sort();
    assert_eq!(covered, all, "every template has a snapshot");
}

#[test]
fn decisions_carry_every_required_part() {
    for id in sample::SERVICES {
        for outcome in [Outcome::Approved, Outcome::Rejected, Outcome::Partial] {
            let text = markup(&sample::input(id, outcome));
            for part in [
                "# Bescheid",
                "1\\. ",
                "# Festsetzung der Gebühr",
                "# Begründung",
                "# Rechtsbehelfsbelehrung",
                "innerhalb eines Monats nach Bekanntgabe Klage beim Verwaltungsgericht Minden",
                "Dieses Schreiben wurde maschinell erstellt und ist ohne Unterschrift gültig.",
            ] {
                let part = part.replace("1\\. ", "1. ");
                assert!(
                    text.contains(&part),
                    "{id} {outcome:?} lacks {part:?}:\n{text}"
                );
            }
            if sample::input(id, outcome).fee.is_some() {
                for part in [
                    "Kassenzeichen",
                    "IBAN",
                    "Fällig am",
                    "Die Gebühr beruht auf",
                ] {
                    assert!(text.contains(part), "{id} {outcome:?} lacks {part}");
                }
            } else {
                assert!(text.contains("keine Gebühren"), "{id} {outcome:?}");
            }
        }
    }
}

#[test]
fn an_edited_letter_names_the_responsible_person_instead_of_the_automation_note() {
    let mut input = sample::input("MB", Outcome::Approved);
    input.signature = Signature::Responsible {
        name: "Erika Özdemir".into(),
    };
    let text = markup(&input);
    assert!(text.contains("Im Auftrag"));
    assert!(text.contains("Erika Özdemir"));
    assert!(!text.contains("maschinell"));
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
