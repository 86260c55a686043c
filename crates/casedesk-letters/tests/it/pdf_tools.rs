//! The letters pass qpdf's structural check, embed every font as a subset, carry
//! the PDF/A-2b markers, and give back their German text exactly.

use casedesk_domain::Outcome;
use casedesk_letters::{Letterhead, RenderOptions, sample};

use crate::support::{options, pdftotext, render_sample, run, write_temp};

/// Every template's sample letter, rendered.
fn every_sample() -> Vec<(String, Vec<u8>)> {
    sample::every_letter()
        .iter()
        .map(|input| (input.template_name(), render_sample(input)))
        .collect()
}

#[test]
fn qpdf_check_passes_for_every_template() {
    for (name, pdf) in every_sample() {
        let (_dir, path) = write_temp(&name, &pdf);
        let out = run("qpdf", &["--check", path.to_str().unwrap()]);
        assert!(
            out.contains("No syntax or stream encoding errors found"),
            "{name}: {out}"
        );
        assert!(out.contains("File is not encrypted"), "{name}: {out}");
    }
}

#[test]
fn pdffonts_shows_every_font_embedded_and_subset_with_tounicode() {
    for (name, pdf) in every_sample() {
        let (_dir, path) = write_temp(&name, &pdf);
        let out = run("pdffonts", &[path.to_str().unwrap()]);
        let rows: Vec<&str> = out.lines().skip(2).collect();
        assert!(rows.len() >= 2, "{name}: {out}");
        for row in rows {
            let cols: Vec<&str> = row.split_whitespace().collect();
            // name type(2 words) encoding emb sub uni object generation
            let (emb, sub, uni) = (
                cols[cols.len() - 5],
                cols[cols.len() - 4],
                cols[cols.len() - 3],
            );
            assert_eq!((emb, sub, uni), ("yes", "yes", "yes"), "{name}: {row}");
            assert!(cols[0].as_bytes()[6] == b'+', "subset tag in {row}");
        }
    }
}

#[test]
fn german_text_extracts_exactly() {
    let mut input = sample::input("GA", Outcome::Receipted);
    input.signature = casedesk_letters::Signature::Automated;
    input.reasons = Some(
        "Größe, Maße und Füße: „Anführungszeichen“ – Gedankenstrich, 1.234,50 € und ÄÖÜ äöü ß."
            .into(),
    );
    let options = RenderOptions {
        hyphenate: false,
        ..options()
    };
    let pdf = casedesk_letters::render(
        &casedesk_letters::TemplateSet::defaults(),
        &Letterhead::demo(),
        &input,
        &options,
    )
    .unwrap();
    let (_dir, path) = write_temp("ga", &pdf);
    let text = pdftotext(&path);
    for expected in [
        "Größe, Maße und Füße: „Anführungszeichen“ – Gedankenstrich, 1.234,50 € und ÄÖÜ äöü ß.",
        "Empfangsbescheinigung über Ihre Gewerbeanzeige",
        "Café „Weserblick“",
        "Jürgen Weißmüller",
        "Königstraße 7",
        "Dieses Schreiben wurde maschinell erstellt und ist ohne Unterschrift gültig.",
        "Verwaltungsgericht Minden",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
}

#[test]
fn pdfa_markers_are_present_and_consistent() {
    let pdf = render_sample(&sample::input("BP", Outcome::Approved));
    let text = String::from_utf8_lossy(&pdf);
    assert!(
        text.contains("<pdfaid:part>2</pdfaid:part>"),
        "XMP PDF/A part"
    );
    assert!(text.contains("<pdfaid:conformance>B</pdfaid:conformance>"));
    assert!(text.contains("/S /GTS_PDFA1"), "output intent");
    assert!(text.contains("/DestOutputProfile"));
    assert!(text.contains("/ID ["), "trailer ID");
    assert!(!text.contains("/Encrypt"));
    assert!(!text.contains("/JavaScript"));
    // The info dictionary and XMP agree on the title and dates.
    let (_dir, path) = write_temp("bp", &pdf);
    let info = run("pdfinfo", &["-isodates", path.to_str().unwrap()]);
    let title = info
        .lines()
        .find_map(|l| l.strip_prefix("Title:"))
        .unwrap()
        .trim()
        .to_owned();
    assert_eq!(
        title,
        "Bescheid über Ihren Antrag auf Erteilung eines Bewohnerparkausweises vom 02.03.2026"
    );
    assert!(text.contains(&format!("<rdf:li xml:lang=\"x-default\">{title}</rdf:li>")));
    assert!(
        info.lines()
            .any(|l| l.starts_with("CreationDate:") && l.ends_with("2026-03-12T08:00:00Z")),
        "{info}"
    );
    assert!(text.contains("<xmp:CreateDate>2026-03-12T08:00:00Z</xmp:CreateDate>"));
    let meta = run("pdfinfo", &["-meta", path.to_str().unwrap()]);
    assert!(meta.contains("pdfaid"), "{meta}");
}

#[test]
fn exact_subsets_are_smaller_and_still_complete() {
    let input = sample::input("HU", Outcome::Receipted);
    let shared = render_sample(&input);
    let options = RenderOptions {
        subsets: casedesk_letters::FontSubsets::Exact,
        ..options()
    };
    let exact = casedesk_letters::render(
        &casedesk_letters::TemplateSet::defaults(),
        &Letterhead::demo(),
        &input,
        &options,
    )
    .unwrap();
    assert!(
        exact.len() * 2 < shared.len(),
        "{} vs {}",
        exact.len(),
        shared.len()
    );
    let (_d1, shared_path) = write_temp("shared", &shared);
    let (_d2, exact_path) = write_temp("exact", &exact);
    assert_eq!(pdftotext(&shared_path), pdftotext(&exact_path));
    let fonts = run("pdffonts", &[exact_path.to_str().unwrap()]);
    assert_eq!(
        fonts.matches(" yes yes yes ").count(),
        fonts.lines().count() - 2,
        "{fonts}"
    );
    run("qpdf", &["--check", exact_path.to_str().unwrap()]);
}

#[test]
fn a_name_outside_the_shared_subset_gets_an_exact_subset() {
    let mut input = sample::input("MB", Outcome::Approved);
    input.recipient.name = "Ἀλέξανδρος Пушкин".into();
    let pdf = render_sample(&input);
    let (_dir, path) = write_temp("greek", &pdf);
    assert!(pdftotext(&path).contains("Ἀλέξανδρος Пушкин"));
    let fonts = run("pdffonts", &[path.to_str().unwrap()]);
    assert_eq!(
        fonts.matches(" yes yes yes ").count(),
        fonts.lines().count() - 2,
        "{fonts}"
    );
}
