//! The requirements of the legal review (shared/reviews/legal-2026-12.md) as tests:
//! reasons and scope before a refusal is written, the remedy each part of a letter
//! has under its law, no date that depends on the announcement, the fee by its
//! law, the announcement by channel, the request for items and the Anhörung, the
//! services' own points, and the German of the letters.

use casedesk_domain::delivery::DeliveryChannel;
use casedesk_domain::law::{FeeRegime, Remedy};
use casedesk_domain::{Outcome, deadline::Period};
use casedesk_letters::input::format_date;
use casedesk_letters::layout::{Item, layout_body};
use casedesk_letters::markup::parse;
use casedesk_letters::{
    LetterContext, LetterInput, LetterKind, Letterhead, TemplateSet, body_frame, fonts,
    letter_markup, sample,
};

use crate::support::{dates_in, section, text_of};

fn render_error(input: &LetterInput) -> String {
    TemplateSet::defaults()
        .render_markup(&input.template_name(), input, &Letterhead::demo())
        .map(|_| String::new())
        .unwrap_or_else(|e| {
            assert_eq!(e.code(), "letter_input", "{e}");
            e.to_string()
        })
}

#[test]
fn no_rejection_or_partial_approval_is_written_without_the_caseworkers_reasons() {
    for id in sample::SERVICES {
        for outcome in sample::outcomes(id) {
            if !outcome.needs_reasons() {
                continue;
            }
            // Built without reasons: refused.
            let context = LetterContext::issued_by(
                chrono::NaiveDate::from_ymd_opt(2026, 3, 12).unwrap(),
                sample::contact(),
            );
            let err = LetterInput::from_case(
                &sample::case(id),
                &sample::service(id),
                LetterKind::Decision(outcome),
                &{
                    let mut context = context;
                    context.channel = sample::channel(id);
                    context.partial_note = sample::partial_note(id);
                    context
                },
            )
            .unwrap_err();
            assert!(
                err.to_string().contains("§ 39 VwVfG NRW"),
                "{id} {outcome:?}: {err}"
            );
            // Reasons removed (or blanked) afterwards: the template is never run.
            for blank in [None, Some("  \n ".to_owned())] {
                let mut input = sample::input(id, outcome);
                input.reasons = blank;
                let message = render_error(&input);
                assert!(
                    message.contains("§ 39 VwVfG NRW"),
                    "{id} {outcome:?}: {message}"
                );
            }
        }
    }
}

#[test]
fn a_partial_approval_must_say_what_it_grants() {
    for id in sample::SERVICES {
        if !sample::outcomes(id).contains(&Outcome::Partial) {
            continue;
        }
        let mut input = sample::input(id, Outcome::Partial);
        let note = input.partial_note.take().unwrap();
        assert!(
            render_error(&input).contains("§ 37 Abs. 1 VwVfG NRW"),
            "{id}"
        );
        input.partial_note = Some(note.clone());
        assert!(
            text_of(&input).contains(&note),
            "{id}: the scope is in the letter"
        );
    }
}

/// The remedies a letter must instruct on: against its main decision (none for a
/// confirmation, a request or an Anhörung, and for a letter that decides only a
/// fee) and against a fee to pay, by the fee's law.
fn expected_remedies(input: &LetterInput) -> (Option<Remedy>, Option<Remedy>) {
    let main = match input.kind {
        LetterKind::Decision(Outcome::Receipted) => None,
        LetterKind::Decision(_) | LetterKind::TaxNotice => Some(input.law.remedy),
        LetterKind::ItemsRequest | LetterKind::Hearing | LetterKind::FeeNotice => None,
    };
    let fee = input
        .fee
        .as_ref()
        .filter(|f| f.amount_cents > 0 && input.kind != LetterKind::ItemsRequest)
        .map(|f| f.regime.remedy());
    (main, fee)
}

#[test]
fn every_decision_and_notice_names_the_remedy_its_law_gives_item_by_item() {
    let mut both = Vec::new();
    for input in sample::every_letter() {
        let name = input.template_name();
        let text = text_of(&input);
        let rbb = section(&text, "Rechtsbehelfsbelehrung");
        let (main, fee) = expected_remedies(&input);
        let wanted: Vec<Remedy> = main.into_iter().chain(fee).collect();
        if wanted.is_empty() {
            assert!(rbb.is_empty(), "{name} is no decision:\n{text}");
            continue;
        }
        let klage =
            "Klage beim Verwaltungsgericht Minden, Königswall 8, 32423 Minden, erhoben werden";
        let widerspruch = "Widerspruch erhoben werden. Der Widerspruch ist schriftlich, in \
                           elektronischer Form nach § 3a Abs. 2 des Verwaltungsverfahrensgesetzes \
                           für das Land Nordrhein-Westfalen (VwVfG NRW) oder zur Niederschrift bei \
                           der Behörde zu erheben, die diesen Bescheid erlassen hat: Stadt Minden – \
                           Der Bürgermeister –, Kleiner Domhof 17, 32423 Minden.";
        assert_eq!(
            rbb.contains(klage),
            wanted.contains(&Remedy::Klage),
            "{name}:\n{rbb}"
        );
        assert_eq!(
            rbb.contains(widerspruch),
            wanted.contains(&Remedy::Widerspruch),
            "{name}:\n{rbb}"
        );
        assert!(
            rbb.contains("innerhalb eines Monats nach Bekanntgabe"),
            "{name}"
        );
        if let (Some(main), Some(fee)) = (main, fee) {
            if main != fee {
                both.push(name.clone());
                let decision = rbb
                    .find("Gegen die Entscheidung über Ihren Antrag")
                    .unwrap();
                let costs = rbb
                    .find("Gegen die Kostenentscheidung und die Festsetzung der Gebühr (Nummer 2)")
                    .unwrap();
                assert!(decision < costs, "{name}:\n{rbb}");
                assert!(rbb.contains("(Nummer 1) kann"), "{name}:\n{rbb}");
            }
        }
    }
    assert_eq!(both, ["sn_rejected"], "the letters with two remedies");
}

#[test]
fn the_dog_tax_and_kag_fees_are_objected_to_and_the_rest_sued_over() {
    let tax = text_of(&sample::input_of_kind("HU", LetterKind::TaxNotice));
    let rbb = section(&tax, "Rechtsbehelfsbelehrung");
    assert!(rbb.starts_with("Gegen diesen Bescheid kann innerhalb eines Monats nach Bekanntgabe Widerspruch erhoben werden."), "{rbb}");
    assert!(!rbb.contains("Klage"), "{rbb}");
    for (id, outcome) in [
        ("MB", Outcome::Approved),
        ("BA", Outcome::Approved),
        ("GA", Outcome::Rejected),
        ("BP", Outcome::Approved),
        ("SN", Outcome::Approved),
    ] {
        let rbb = section(
            &text_of(&sample::input(id, outcome)),
            "Rechtsbehelfsbelehrung",
        );
        assert!(
            rbb.starts_with(
                "Gegen diesen Bescheid kann innerhalb eines Monats nach Bekanntgabe Klage"
            ),
            "{id}: {rbb}"
        );
        assert!(!rbb.contains("Widerspruch"), "{id}: {rbb}");
    }
}

/// The dates a letter may print: its own date, the day the application arrived,
/// the answer deadline of a request, the dates of the form, and dates the
/// caseworker wrote. Nothing computed from the announcement.
fn allowed_dates(input: &LetterInput) -> Vec<String> {
    let mut allowed = vec![format_date(input.letter_date), format_date(input.received)];
    if let Some(request) = &input.request {
        allowed.push(format_date(request.answer_due));
        allowed.extend(dates_in(&request.reason));
        allowed.extend(dates_in(&request.message));
    }
    for value in input.form.values() {
        allowed.extend(dates_in(value));
    }
    for text in [&input.reasons, &input.partial_note].into_iter().flatten() {
        allowed.extend(dates_in(text));
    }
    allowed
}

#[test]
fn no_letter_prints_a_date_computed_from_its_announcement() {
    for input in sample::every_letter() {
        let name = input.template_name();
        let allowed = allowed_dates(&input);
        // The PDF's whole text, information block included.
        let pdf = crate::support::render_sample(&input);
        let (_dir, path) = crate::support::write_temp(&name, &pdf);
        for date in dates_in(&crate::support::pdftotext(&path)) {
            assert!(allowed.contains(&date), "{name} prints {date}");
        }
        // The parts that follow from the announcement name no date at all.
        let text = text_of(&input);
        for part in [
            "Rechtsbehelfsbelehrung",
            "Hinweis zur Bekanntgabe",
            "Zahlung der Gebühr",
            "Zahlung der Steuer",
        ] {
            let dates = dates_in(&section(&text, part));
            assert!(dates.is_empty(), "{name}: {part} names {dates:?}");
        }
        for line in text.lines().filter(|l| l.contains("Gebühr von")) {
            assert!(dates_in(line).is_empty(), "{name}: {line}");
        }
        assert!(!text.contains("Fällig am"), "{name}");
    }
}

#[test]
fn the_announcement_note_follows_the_remedy_instructions_and_the_channel() {
    let note = |input: &LetterInput| {
        let text = text_of(input);
        let rbb = text.find("# Rechtsbehelfsbelehrung\n").unwrap();
        let hint = text.find("# Hinweis zur Bekanntgabe\n").unwrap();
        assert!(rbb < hint, "{}", input.template_name());
        // Nothing about the announcement inside the remedy instructions.
        let instructions = section(&text, "Rechtsbehelfsbelehrung");
        assert!(!instructions.contains("gilt am"), "{instructions}");
        assert!(!instructions.contains("bereitgestellt"), "{instructions}");
        section(&text, "Hinweis zur Bekanntgabe")
    };
    let post = note(&sample::input("BP", Outcome::Approved));
    assert!(post.contains("gilt am vierten Tag nach der Aufgabe zur Post als bekannt gegeben (§ 41 Abs. 2 VwVfG NRW)"), "{post}");
    assert!(
        !post.contains("Werktag"),
        "no shift under the VwVfG NRW: {post}"
    );

    let mut portal = sample::input("BP", Outcome::Approved);
    portal.channel = Some(DeliveryChannel::Portal);
    let portal = note(&portal);
    assert!(
        portal
            .contains("am Tag nach dem ersten Abruf als bekannt gegeben (§ 41 Abs. 2a VwVfG NRW)"),
        "{portal}"
    );
    assert!(portal.contains("innerhalb von zehn Tagen"), "{portal}");
    assert!(!portal.contains("vierten Tag"), "{portal}");

    let served = note(&sample::input("BA", Outcome::Approved));
    assert!(
        served.contains("wird Ihnen förmlich zugestellt"),
        "{served}"
    );

    let tax = note(&sample::input_of_kind("HU", LetterKind::TaxNotice));
    assert!(
        tax.contains("(§ 122 Abs. 2 Nr. 1 AO in Verbindung mit § 12 KAG NRW)"),
        "{tax}"
    );
    assert!(!tax.contains("§ 41"), "{tax}");
    // A KAG fee fetched from the portal: the AO's rule, which the letter does not
    // restate; the portal shows the dates.
    let mut kag_portal = fee_notice("SN", Outcome::Rejected);
    kag_portal.channel = Some(DeliveryChannel::Portal);
    let kag_portal = note(&kag_portal);
    assert!(
        !kag_portal.contains("§ 41"),
        "not the VwVfG rule for a KAG fee: {kag_portal}"
    );
    assert!(
        kag_portal.contains("zeigt Ihnen das Bürgerportal"),
        "{kag_portal}"
    );

    // A KAG fee beside a decision under the VwVfG NRW: both rules, each for its part.
    let mixed = note(&sample::input("SN", Outcome::Rejected));
    assert!(mixed.contains("(§ 41 Abs. 2 VwVfG NRW). Für die Kostenentscheidung und die Festsetzung der Gebühr gilt § 122 Abs. 2 Nr. 1 AO"), "{mixed}");
}

#[test]
fn a_letter_on_a_channel_its_law_does_not_allow_is_refused() {
    let mut posted_permit = sample::input("BA", Outcome::Approved);
    posted_permit.channel = Some(DeliveryChannel::Post);
    assert!(render_error(&posted_permit).contains("Bauantrag"));
    let mut served_parking = sample::input("BP", Outcome::Approved);
    served_parking.channel = Some(DeliveryChannel::Zustellung);
    assert!(!render_error(&served_parking).is_empty());
    let mut tax_portal = sample::input_of_kind("HU", LetterKind::TaxNotice);
    tax_portal.channel = Some(DeliveryChannel::Portal);
    assert!(render_error(&tax_portal).contains("per Post"));
}

/// The decisions of the samples by fee law.
fn decisions() -> Vec<LetterInput> {
    sample::every_letter()
        .into_iter()
        .filter(|i| matches!(i.kind, LetterKind::Decision(_)))
        .collect()
}

#[test]
fn fees_rest_on_their_own_law() {
    for input in decisions() {
        let name = input.template_name();
        let text = text_of(&input);
        let Some(fee) = &input.fee else {
            assert!(!text.contains("Gebühr"), "{name} has no fee:\n{text}");
            continue;
        };
        assert!(text.contains(&fee.basis), "{name}: basis from the fee law");
        if fee.amount_cents == 0 {
            assert!(text.contains("werden keine Gebühren erhoben"), "{name}");
            assert!(!text.contains("# Zahlung"), "{name}");
            continue;
        }
        let payment = section(&text, "Zahlung der Gebühr");
        let suspensive = match fee.regime.remedy() {
            Remedy::Klage => {
                "Eine Klage gegen die Festsetzung der Gebühr hat keine aufschiebende Wirkung (§ 80 Abs. 2 Satz 1 Nr. 1 VwGO)."
            }
            Remedy::Widerspruch => {
                "Ein Widerspruch gegen die Festsetzung der Gebühr hat keine aufschiebende Wirkung (§ 80 Abs. 2 Satz 1 Nr. 1 VwGO)."
            }
        };
        assert!(payment.contains(suspensive), "{name}:\n{payment}");
        assert!(
            payment.contains(&format!(
                "Fällig | {} nach Bekanntgabe",
                casedesk_letters::input::within(fee.due_after)
            )),
            "{name}"
        );
        let gebg = "für jeden angefangenen Monat der Säumnis ein Säumniszuschlag von einem Prozent des auf volle fünfzig Euro abgerundeten Kostenbetrages zu erheben; bei einer Säumnis von bis zu drei Tagen wird er nicht erhoben (§ 18 Abs. 1 GebG NRW)";
        let ao = "(§ 240 Abs. 1 AO in Verbindung mit § 12 KAG NRW)";
        assert_eq!(
            payment.contains(gebg),
            fee.regime == FeeRegime::GebgNrw,
            "{name}"
        );
        assert_eq!(
            payment.contains(ao),
            fee.regime == FeeRegime::KagSatzung,
            "{name}"
        );
        let costs = "Die Kosten des Verfahrens tragen Sie.";
        let use_fee = "Sondernutzungsgebühr";
        if fee.regime == FeeRegime::Sondernutzung {
            assert!(text.contains(use_fee) && !text.contains(costs), "{name}");
        } else {
            assert!(text.contains(costs) && !text.contains(use_fee), "{name}");
            assert!(
                text.contains(&format!(
                    "wird eine Gebühr von {} festgesetzt",
                    casedesk_letters::input::format_euro(fee.amount_cents)
                )),
                "{name}"
            );
        }
    }
    // A rejection is charged under its own rule, not the approval's tariff line.
    let ba = text_of(&sample::input("BA", Outcome::Rejected));
    assert!(
        ba.contains("§ 15 Abs. 2 GebG NRW") && !ba.contains("3.1.1.2"),
        "{ba}"
    );
    let sn = text_of(&sample::input("SN", Outcome::Rejected));
    assert!(
        sn.contains("Verwaltungsgebührensatzung") && !sn.contains("Sondernutzungsgebühr"),
        "{sn}"
    );
    // An electronic Meldebescheinigung is free by law, and says why.
    let mb = text_of(&sample::input("MB", Outcome::Approved));
    assert!(
        mb.contains("Für die Erteilung der Meldebescheinigung werden keine Gebühren erhoben."),
        "{mb}"
    );
    assert!(mb.contains("Rechtsgrundlage: § 18 Abs. 3 BMG"), "{mb}");
}

/// A fee notice about the sample case of `id` decided with `outcome`.
fn fee_notice(id: &str, outcome: Outcome) -> LetterInput {
    let mut context = LetterContext::issued_by(
        chrono::NaiveDate::from_ymd_opt(2026, 4, 20).unwrap(),
        sample::contact(),
    );
    context.channel = sample::channel(id);
    LetterInput::from_case(
        &sample::decided_case(id, outcome),
        &sample::service(id),
        LetterKind::FeeNotice,
        &context,
    )
    .unwrap()
}

#[test]
fn a_fee_notice_states_its_own_regime_and_remedy() {
    let cases = [
        ("BA", Outcome::Approved, FeeRegime::GebgNrw),
        ("BP", Outcome::Approved, FeeRegime::Gebost),
        ("SN", Outcome::Approved, FeeRegime::Sondernutzung),
        ("SN", Outcome::Rejected, FeeRegime::KagSatzung),
    ];
    for (id, outcome, regime) in cases {
        let input = fee_notice(id, outcome);
        let fee = input.fee.clone().unwrap();
        assert_eq!(fee.regime, regime);
        // The amount the decision recorded, on the outcome's law.
        assert_eq!(
            fee.amount_cents,
            sample::decided_case(id, outcome)
                .decision
                .unwrap()
                .fee_cents
        );
        let text = text_of(&input);
        assert!(text.contains(&fee.basis), "{id}: {text}");
        let rbb = section(&text, "Rechtsbehelfsbelehrung");
        match regime.remedy() {
            Remedy::Klage => assert!(rbb.contains("Gegen den Gebührenbescheid kann innerhalb eines Monats nach Bekanntgabe Klage"), "{id}: {rbb}"),
            Remedy::Widerspruch => assert!(rbb.contains("Gegen den Gebührenbescheid kann innerhalb eines Monats nach Bekanntgabe Widerspruch"), "{id}: {rbb}"),
        }
        // No "§ 1 der Verwaltungsgebührensatzung … und GebG" mix.
        assert_eq!(
            text.contains("GebG NRW"),
            regime == FeeRegime::GebgNrw,
            "{id}: {text}"
        );
        assert_eq!(
            text.contains("Verwaltungsgebührensatzung"),
            regime == FeeRegime::KagSatzung,
            "{id}: {text}"
        );
        if regime == FeeRegime::KagSatzung {
            let note = section(&text, "Hinweis zur Bekanntgabe");
            assert!(note.contains("§ 122 Abs. 2 Nr. 1 AO"), "{note}");
        }
    }
}

#[test]
fn the_payment_block_is_never_split_across_pages() {
    // However long the reasons before it, the payment table of the Baugenehmigung
    // and the sentence that introduces it end up on one page.
    let mut moved = 0;
    for sentences in 0..45 {
        let mut input = sample::input("BA", Outcome::Approved);
        input.reasons = Some("Die Prüfung hat keine Bedenken ergeben. ".repeat(sentences * 3));
        let body = TemplateSet::defaults()
            .render_markup(&input.template_name(), &input, &Letterhead::demo())
            .unwrap();
        // The reasons follow the payment block; move them before it.
        let (head, tail) = body.split_once("# Zahlung der Gebühr").unwrap();
        let filler = input.reasons.clone().unwrap();
        let body = format!("{head}\n\n{filler}\n\n# Zahlung der Gebühr{tail}");
        let markup = letter_markup(&input, &Letterhead::demo(), &body);
        let laid = layout_body(
            &parse(&markup),
            fonts(),
            &Default::default(),
            &body_frame(),
            true,
        );
        let page_of = |text: &str| {
            laid.pages
                .iter()
                .position(|p| {
                    p.iter()
                        .any(|it| matches!(it, Item::Text(r) if r.text.starts_with(text)))
                })
                .unwrap_or_else(|| panic!("{text}"))
        };
        let first = page_of("Bitte überweisen Sie");
        for row in [
            "Verwaltungsgebühr",
            "Kassenzeichen",
            "IBAN",
            "BIC",
            "Fällig",
        ] {
            assert_eq!(
                page_of(row),
                first,
                "{row} after {sentences} filler sentences"
            );
        }
        moved += usize::from(first > 0);
    }
    assert!(moved > 0);
}

#[test]
fn the_request_for_items_states_the_consequence_of_this_services_law() {
    let ba = text_of(&sample::input_of_kind("BA", LetterKind::ItemsRequest));
    assert!(ba.starts_with("Ihr Antrag auf Erteilung einer Baugenehmigung vom 02.03.2026 – Bitte um fehlende Unterlagen\n"), "{ba}");
    assert!(ba.contains("Wir können Ihren Antrag auf Erteilung einer Baugenehmigung erst bearbeiten, wenn die Unterlagen vollständig sind."), "{ba}");
    assert!(ba.contains("gilt Ihr Antrag auf Erteilung einer Baugenehmigung als zurückgenommen (§ 71 Abs. 1 Satz 3 BauO NRW)"), "{ba}");
    assert!(
        ba.contains(
            "Für einen zurückgenommenen Antrag kann eine Gebühr anfallen (§ 15 Abs. 2 GebG NRW"
        ),
        "{ba}"
    );
    assert!(
        !ba.contains("Aktenlage") && !ba.contains("auf der Grundlage der Unterlagen"),
        "{ba}"
    );
    for id in ["MB", "HU", "BP", "GA", "SN"] {
        let text = text_of(&sample::input_of_kind(id, LetterKind::ItemsRequest));
        assert!(
            text.contains("auf der Grundlage der Unterlagen, die uns dann vorliegen"),
            "{id}: {text}"
        );
        assert!(!text.contains("zurückgenommen ("), "{id}: {text}");
    }
    for id in sample::SERVICES {
        let text = text_of(&sample::input_of_kind(id, LetterKind::ItemsRequest));
        for part in [
            "(§ 26 Abs. 2 VwVfG NRW)",
            "(§ 25 VwVfG NRW)",
            "zurücknehmen",
            "bis zum 23.03.2026",
        ] {
            assert!(text.contains(part), "{id} lacks {part}: {text}");
        }
        assert!(!text.contains("ruht"), "{id}");
        assert!(!text.contains("§ 42a"), "{id}: no approval fiction");
        assert!(!text.contains("Rechtsbehelfsbelehrung"), "{id}");
    }
    let ga = text_of(&sample::input_of_kind("GA", LetterKind::ItemsRequest));
    assert!(ga.starts_with("Ihre Gewerbeanzeige vom 02.03.2026"), "{ga}");
    // Only a service with a statutory approval fiction cites § 42a.
    let mut fiction = sample::input_of_kind("SN", LetterKind::ItemsRequest);
    fiction.law.approval_fiction = Some(Period::Months(3));
    assert!(text_of(&fiction).contains("(§ 42a Abs. 2 Satz 2 VwVfG NRW)"));
}

#[test]
fn the_anhoerung_states_the_intended_decision_and_the_deadline_and_decides_nothing() {
    let input = sample::input_of_kind("SN", LetterKind::Hearing);
    let text = text_of(&input);
    let request = input.request.unwrap();
    assert!(
        text.starts_with(
            "Anhörung zu Ihrem Antrag auf Erteilung einer Sondernutzungserlaubnis vom 02.03.2026\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("wir beabsichtigen, über Ihren Antrag"),
        "{text}"
    );
    assert!(text.contains("(§ 28 Abs. 1 VwVfG NRW)"), "{text}");
    assert!(
        section(&text, "Beabsichtigte Entscheidung").contains(&request.reason),
        "{text}"
    );
    assert!(
        text.contains("Sie haben Gelegenheit, sich bis zum 26.03.2026 zu äußern"),
        "{text}"
    );
    assert!(!text.contains("Rechtsbehelfsbelehrung"), "{text}");
}

#[test]
fn the_dog_registration_is_confirmed_and_the_tax_assessed_by_the_tax_notice() {
    let input = sample::input("HU", Outcome::Receipted);
    let tax = input.tax.clone().unwrap();
    let text = text_of(&input);
    assert!(
        text.contains("Ihre Anmeldung vom 02.03.2026 bei uns eingegangen ist"),
        "{text}"
    );
    assert!(text.contains(&tax.law.liability_start), "{text}");
    assert!(
        text.contains("mit einem gesonderten Steuerbescheid"),
        "{text}"
    );
    let hint = section(&text, "Hinweis zum Landeshundegesetz");
    for part in [
        "§ 11",
        "§§ 3 und 10",
        "Ordnungsbehörde",
        "ersetzt weder die Anzeige noch die Erlaubnis",
    ] {
        assert!(hint.contains(part), "{part}: {hint}");
    }
    for wrong in [
        "abgelehnt",
        "zur Hundesteuer angemeldet",
        "§ 5 Abs. 5",
        "Haftpflicht",
        "Rechtsbehelfsbelehrung",
        "mit Wirkung vom",
    ] {
        assert!(!text.contains(wrong), "{wrong}: {text}");
    }

    let notice = sample::input_of_kind("HU", LetterKind::TaxNotice);
    let text = text_of(&notice);
    let bescheid = section(&text, "Steuerbescheid");
    let annual = casedesk_letters::input::format_euro(tax.law.annual_cents);
    assert!(
        bescheid.contains(&format!(
            "wird die Hundesteuer auf jährlich {annual} festgesetzt"
        )),
        "{bescheid}"
    );
    assert!(
        bescheid.contains(&format!(
            "Die Steuerpflicht beginnt {}",
            tax.law.liability_start
        )),
        "{bescheid}"
    );
    assert!(bescheid.contains("seit dem 14.02.2026"), "{bescheid}");
    let payment = section(&text, "Zahlung der Steuer");
    for part in [
        &format!("Hundesteuer jährlich | {annual}")[..],
        "IBAN | DE02",
        "(§ 240 Abs. 1 AO in Verbindung mit § 12 KAG NRW)",
        "(§ 80 Abs. 2 Satz 1 Nr. 1 VwGO)",
    ] {
        assert!(payment.contains(part), "{part}: {payment}");
    }
    assert!(
        section(&text, "Begründung").contains(&tax.law.basis),
        "{text}"
    );
}

#[test]
fn the_gewerbeanzeige_is_certified_and_only_its_fee_is_decided() {
    let input = sample::input("GA", Outcome::Receipted);
    let text = text_of(&input);
    assert!(
        text.starts_with("Empfangsbescheinigung über Ihre Gewerbeanzeige vom 02.03.2026\n"),
        "{text}"
    );
    assert!(
        text.contains("Wir bescheinigen nach § 15 Abs. 1 der Gewerbeordnung (GewO) den Empfang"),
        "{text}"
    );
    assert!(
        !text.contains("# Bescheid\n") && !text.contains("abgelehnt"),
        "{text}"
    );
    let hint = "Wird ein erlaubnispflichtiges Gewerbe ohne die erforderliche Erlaubnis betrieben, kann die Fortsetzung des Betriebs nach § 15 Abs. 2 GewO verhindert werden";
    assert!(
        text.contains(hint) && text.contains("(§ 28 VwVfG NRW)"),
        "{text}"
    );
    assert!(
        section(&text, "Rechtsbehelfsbelehrung").starts_with("Gegen den Gebührenbescheid"),
        "{text}"
    );
    // The fee by legal form: a GbR with one further representative, 26 € + 13 €.
    assert_eq!(input.fee.as_ref().unwrap().amount_cents, 3_900);
    let mut gmbh = input.clone();
    gmbh.form.insert("permit_required".into(), "nein".into());
    assert!(
        !text_of(&gmbh).contains("§ 15 Abs. 2"),
        "no permit, no note"
    );
    for input in sample::every_letter() {
        assert!(
            !text_of(&input).contains("Befähigungsnachweis"),
            "{}",
            input.template_name()
        );
    }
}

#[test]
fn the_services_state_their_own_law() {
    let mb = text_of(&sample::input("MB", Outcome::Approved));
    assert!(mb.contains("in 2 Ausfertigungen"), "{mb}");
    assert!(mb.contains("Sie gibt die Daten wieder, die im Melderegister der Stadt Minden zu Ihrer Person gespeichert sind"), "{mb}");
    let mut one = sample::input("MB", Outcome::Approved);
    one.form.insert("copies".into(), "1".into());
    assert!(text_of(&one).contains("in einer Ausfertigung erteilt"));
    for input in sample::every_letter()
        .iter()
        .filter(|i| i.service_id == "MB")
    {
        let text = text_of(input);
        for wrong in [
            "Ausfertigung(en)",
            "einfache Meldebescheinigung",
            "erweiterte Meldebescheinigung",
            "Königstraße 7, 32423",
        ] {
            assert!(!text.contains(wrong), "{wrong}: {text}");
        }
    }

    for outcome in sample::outcomes("BP") {
        let bp = text_of(&sample::input("BP", outcome));
        assert!(
            bp.contains("städtischer Quartiere mit erheblichem Parkraummangel"),
            "{bp}"
        );
        assert!(bp.contains("nachweislich dauerhaft nutzen"), "{bp}");
        assert!(!bp.contains("privat"), "{bp}");
    }

    let ba = text_of(&sample::input("BA", Outcome::Approved));
    let hints = section(&ba, "Hinweise");
    assert!(ba.find("# Begründung").unwrap() < ba.find("# Hinweise").unwrap());
    for part in [
        "innerhalb von drei Jahren nach ihrer Erteilung mit der Ausführung des Vorhabens nicht begonnen oder die Bauausführung ein Jahr unterbrochen worden ist",
        "auf schriftlichen Antrag jeweils bis zu einem Jahr verlängert werden (§ 75 BauO NRW)",
        "erst beginnen, wenn Ihnen die Baugenehmigung zugestellt worden ist",
        "(Baubeginnanzeige)",
        "Bauschild",
        "bautechnischen Nachweise",
    ] {
        assert!(hints.contains(part), "{part}: {hints}");
    }
    assert!(
        !section(&ba, "Bescheid").contains("erlischt"),
        "§ 75 is a note, not a ruling"
    );

    let partial = sample::input("SN", Outcome::Partial);
    let sn = text_of(&partial);
    let operative = section(&sn, "Bescheid");
    assert!(
        operative.contains(&format!("bis zum {}", partial.form["to_date"])),
        "{operative}"
    );
    assert!(
        operative.contains("unter dem Vorbehalt des Widerrufs"),
        "{operative}"
    );
    assert!(sn.contains("§ 18 Abs. 2 Satz 1 StrWG NRW"), "{sn}");
    let approved = text_of(&sample::input("SN", Outcome::Approved));
    assert!(
        section(&approved, "Bescheid").contains("vom 13.04.2026 bis zum 08.05.2026"),
        "{approved}"
    );
    assert!(
        approved.contains("§ 45 Abs. 6 der Straßenverkehrs-Ordnung"),
        "{approved}"
    );
}

#[test]
fn the_reasons_of_a_refusal_are_the_caseworkers_and_the_template_adds_only_the_law() {
    // Canned case facts of the old templates never come back.
    let canned = [
        "Festsetzungen des für das Grundstück geltenden Bebauungsplans",
        "Geh- und Radwegs",
        "nur für sechs Monate ausgestellt",
        "nicht vollständig vor",
        "trotz Aufforderung",
        "Die angezeigte Tätigkeit ist erlaubnispflichtig",
    ];
    for input in decisions() {
        let text = text_of(&input);
        for fact in canned {
            assert!(!text.contains(fact), "{}: {fact}", input.template_name());
        }
        if let Some(reasons) = &input.reasons {
            assert!(
                section(&text, "Begründung").contains(reasons.as_str()),
                "{}",
                input.template_name()
            );
        }
    }
}

#[test]
fn the_letters_speak_as_wir_and_name_matters_and_quotes_correctly() {
    for input in sample::every_letter() {
        let name = input.template_name();
        let text = text_of(&input);
        for wrong in [
            " ich ",
            "erlasse ich",
            "Antrag auf Bauantrag",
            "Antrag auf Hundeanmeldung",
            "Antrag auf Gewerbeanmeldung",
            "Gebührenschuldner",
            "endet danach",
            "„Café „",
            "Frau Özdemir",
        ] {
            assert!(!text.contains(wrong), "{name}: {wrong:?}");
        }
    }
    let ga = text_of(&sample::input("GA", Outcome::Rejected));
    assert!(ga.contains("des Betriebs „Café ‚Weserblick‘“"), "{ga}");
    assert!(ga.contains("Die Gebühr schuldet, wer"), "{ga}");
}
