//! The address field and information block measured from the PDF with
//! `pdftotext -bbox` (poppler) against DIN 5008 form B.

use casedesk_domain::Outcome;
use casedesk_letters::sample;

use crate::support::{render_sample, run, write_temp};

const MM: f64 = 72.0 / 25.4;
const TOLERANCE: f64 = 0.5 * MM;

#[derive(Debug)]
struct Word {
    x_min: f64,
    y_min: f64,
    y_max: f64,
    text: String,
}

fn words_of_first_page(pdf: &[u8]) -> Vec<Word> {
    let (_dir, path) = write_temp("din", pdf);
    let html = run(
        "pdftotext",
        &["-bbox", "-f", "1", "-l", "1", path.to_str().unwrap(), "-"],
    );
    let attr = |line: &str, name: &str| -> f64 {
        let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        let end = start + line[start..].find('"').unwrap();
        line[start..end].parse().unwrap()
    };
    html.lines()
        .filter(|l| l.trim_start().starts_with("<word"))
        .map(|l| Word {
            x_min: attr(l, "xMin"),
            y_min: attr(l, "yMin"),
            y_max: attr(l, "yMax"),
            text: l[l.find('>').unwrap() + 1..l.rfind("</word>").unwrap()].to_owned(),
        })
        .collect()
}

fn find<'a>(words: &'a [Word], text: &str) -> &'a Word {
    words
        .iter()
        .find(|w| w.text == text)
        .unwrap_or_else(|| panic!("no word {text:?}"))
}

fn assert_near(what: &str, measured: f64, expected_mm: f64) {
    let expected = expected_mm * MM;
    assert!(
        (measured - expected).abs() <= TOLERANCE,
        "{what}: measured {:.2} mm, DIN 5008 wants {expected_mm} mm (± 0.5)",
        measured / MM
    );
}

#[test]
fn address_field_and_information_block_sit_where_din_5008_puts_them() {
    let pdf = render_sample(&sample::input("BP", Outcome::Approved));
    let words = words_of_first_page(&pdf);

    // First address line: 25 mm from the left, at the top of the address zone
    // (45 mm + 17.7 mm note zone).
    let name = find(&words, "Jürgen");
    assert_near("address line x", name.x_min, 25.0);
    assert_near("address line top", name.y_min, 45.0 + 17.7);
    // All address lines stay inside the 27.3 mm address zone.
    let last = words
        .iter()
        .filter(|w| (w.x_min - 25.0 * MM).abs() <= TOLERANCE && w.y_min >= 62.7 * MM - 1.0)
        .filter(|w| w.y_min < 90.0 * MM)
        .map(|w| w.y_max)
        .fold(0.0, f64::max);
    assert!(last <= 90.0 * MM, "address runs below 90 mm: {}", last / MM);

    // Return line: inside the note zone, 25 mm from the left.
    let return_words: Vec<&Word> = words
        .iter()
        .filter(|w| w.y_min >= 45.0 * MM && w.y_max <= 62.7 * MM && w.x_min < 105.0 * MM)
        .collect();
    assert!(!return_words.is_empty(), "no return line in the note zone");
    assert_near("return line x", return_words[0].x_min, 25.0);

    // Information block: 125 mm from the left, its top 5 mm below the address
    // field's top (50 mm).
    let label = find(&words, "Aktenzeichen");
    assert_near("information block x", label.x_min, 125.0);
    let block_top = words
        .iter()
        .filter(|w| w.x_min >= 125.0 * MM - TOLERANCE && w.y_min < 60.0 * MM && w.y_min > 45.0 * MM)
        .map(|w| w.y_min)
        .fold(f64::MAX, f64::min);
    assert_near("information block top", block_top, 50.0);
    let aktenzeichen = find(&words, "32-BP-2026-000123");
    assert!(
        aktenzeichen.x_min + 1.0 < 200.0 * MM,
        "inside the 75 mm block"
    );

    // Body text starts at the left margin of 25 mm.
    let subject = find(&words, "Bescheid");
    assert_near("body x", subject.x_min, 25.0);
}
