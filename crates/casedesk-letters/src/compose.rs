//! The page furniture around the body: letterhead with logo, return line and
//! address, information block, fold and hole marks, footer, and the short header
//! of following pages.

use crate::font::{FontFamily, Style};
use crate::geometry::*;
use crate::input::{LetterInput, format_date};
use crate::layout::{Item, TextRun};
use crate::letterhead::Letterhead;

const ADDRESS_SIZE: f32 = 10.0;
const ADDRESS_LEADING: f32 = 12.0;
const RETURN_SIZE: f32 = 7.0;
const INFO_LABEL_SIZE: f32 = 8.0;
const INFO_SIZE: f32 = 9.0;
const INFO_LEADING: f32 = 11.5;
const FOOTER_SIZE: f32 = 7.0;
const FOOTER_LEADING: f32 = 8.6;

fn text(x: f32, y: f32, style: Style, size: f32, s: impl Into<String>) -> Item {
    Item::Text(TextRun {
        x,
        y,
        style,
        size,
        text: s.into(),
    })
}

/// Baseline of a line whose ascender top is at `top`.
fn baseline(fonts: &FontFamily, top: f32, size: f32) -> f32 {
    top + fonts.face(Style::Regular).ascent(size)
}

/// Fold marks at 105 and 210 mm and the hole mark at 148.5 mm, at the left edge.
fn marks(items: &mut Vec<Item>) {
    for (y, length) in [
        (FOLD_MARK_1, mm(5.0)),
        (HOLE_MARK, mm(8.0)),
        (FOLD_MARK_2, mm(5.0)),
    ] {
        items.push(Item::Rule {
            x1: mm(3.0),
            y1: y,
            x2: mm(3.0) + length,
            y2: y,
            width: 0.3,
        });
    }
}

fn footer(items: &mut Vec<Item>, letterhead: &Letterhead, fonts: &FontFamily) {
    items.push(Item::Rule {
        x1: MARGIN_LEFT,
        y1: FOOTER_TOP - mm(2.0),
        x2: PAGE_WIDTH - MARGIN_RIGHT,
        y2: FOOTER_TOP - mm(2.0),
        width: 0.3,
    });
    let mut address = vec![letterhead.authority.clone()];
    address.extend(letterhead.address_lines.iter().cloned());
    let contact = vec![
        format!("Telefon {}", letterhead.phone),
        letterhead.email.clone(),
        letterhead.website.clone(),
    ];
    let bank = vec![
        letterhead.bank.bank_name.clone(),
        format!("IBAN {}", letterhead.bank.iban),
        format!("BIC {}", letterhead.bank.bic),
    ];
    let mut hours = vec!["Öffnungszeiten".to_owned()];
    hours.extend(letterhead.opening_hours.iter().cloned());
    // Columns as wide as their longest line, spread over the text width.
    let columns = [address, contact, bank, hours];
    let face = fonts.face(Style::Regular);
    let widths: Vec<f32> = columns
        .iter()
        .map(|c| {
            c.iter()
                .map(|l| face.text_width(l, FOOTER_SIZE))
                .fold(0.0, f32::max)
        })
        .collect();
    let gap = ((TEXT_WIDTH - widths.iter().sum::<f32>()) / 3.0).max(mm(2.0));
    let mut x = MARGIN_LEFT;
    for (lines, width) in columns.into_iter().zip(widths) {
        for (j, line) in lines.into_iter().enumerate() {
            items.push(text(
                x,
                baseline(fonts, FOOTER_TOP, FOOTER_SIZE) + j as f32 * FOOTER_LEADING,
                Style::Regular,
                FOOTER_SIZE,
                line,
            ));
        }
        x += width + gap;
    }
}

/// The first page's furniture.
pub fn first_page(
    input: &LetterInput,
    letterhead: &Letterhead,
    fonts: &FontFamily,
    pages: usize,
) -> Vec<Item> {
    let mut items = Vec::new();
    letterhead_block(&mut items, input, letterhead, fonts);
    address_field(&mut items, input, letterhead, fonts);
    information_block(&mut items, input, fonts, pages);
    marks(&mut items);
    footer(&mut items, letterhead, fonts);
    items
}

/// Letterhead: the authority's name and subtitle and the office at the text
/// margin, the logo at the right margin, all within the 45 mm of form B.
fn letterhead_block(
    items: &mut Vec<Item>,
    input: &LetterInput,
    letterhead: &Letterhead,
    fonts: &FontFamily,
) {
    items.push(text(
        MARGIN_LEFT,
        baseline(fonts, mm(15.0), 20.0),
        Style::Bold,
        20.0,
        &letterhead.authority,
    ));
    items.push(text(
        MARGIN_LEFT,
        baseline(fonts, mm(24.5), 11.0),
        Style::Regular,
        11.0,
        &letterhead.subtitle,
    ));
    items.push(text(
        MARGIN_LEFT,
        baseline(fonts, mm(29.5), 11.0),
        Style::Regular,
        11.0,
        &input.contact.office,
    ));
    if let Some(logo) = &letterhead.logo {
        let h = mm(26.0);
        let w = h * logo.aspect();
        items.push(Item::Logo {
            x: PAGE_WIDTH - MARGIN_RIGHT - w,
            y: mm(10.0),
            w,
            h,
        });
    }
}

/// The address field: the underlined return line at the foot of the note zone,
/// then up to six address lines at the top of the address zone; text starts 5 mm
/// inside the field.
fn address_field(
    items: &mut Vec<Item>,
    input: &LetterInput,
    letterhead: &Letterhead,
    fonts: &FontFamily,
) {
    let return_top = ADDRESS_ZONE_TOP - mm(4.5);
    items.push(text(
        ADDRESS_TEXT_LEFT,
        baseline(fonts, return_top, RETURN_SIZE),
        Style::Regular,
        RETURN_SIZE,
        &letterhead.return_address,
    ));
    let return_width = fonts
        .face(Style::Regular)
        .text_width(&letterhead.return_address, RETURN_SIZE);
    items.push(Item::Rule {
        x1: ADDRESS_TEXT_LEFT,
        y1: return_top + mm(3.3),
        x2: ADDRESS_TEXT_LEFT + return_width.min(ADDRESS_WIDTH - mm(10.0)),
        y2: return_top + mm(3.3),
        width: 0.3,
    });
    let recipient = &input.recipient;
    let address = [
        recipient.name.clone(),
        recipient.street.clone(),
        format!("{} {}", recipient.postal_code, recipient.city),
    ];
    for (i, line) in address
        .iter()
        .filter(|l| !l.trim().is_empty())
        .take(ADDRESS_MAX_LINES)
        .enumerate()
    {
        items.push(text(
            ADDRESS_TEXT_LEFT,
            baseline(fonts, ADDRESS_ZONE_TOP, ADDRESS_SIZE) + i as f32 * ADDRESS_LEADING,
            Style::Regular,
            ADDRESS_SIZE,
            line,
        ));
    }
}

/// The information block: labels in small type beside their values; the page
/// count only when the letter has more than one page.
fn information_block(items: &mut Vec<Item>, input: &LetterInput, fonts: &FontFamily, pages: usize) {
    let mut info: Vec<(&str, String)> = vec![
        ("Aktenzeichen", input.aktenzeichen.clone()),
        ("Ihre Nachricht vom", format_date(input.received)),
        ("Ansprechperson", input.contact.name.clone()),
        ("Telefon", input.contact.phone.clone()),
        ("E-Mail", input.contact.email.clone()),
        ("Datum", format_date(input.letter_date)),
    ];
    if pages > 1 {
        info.push(("Seite", format!("1 von {pages}")));
    }
    let value_x = INFO_LEFT + mm(27.0);
    for (i, (label, value)) in info.into_iter().enumerate() {
        let y = baseline(fonts, INFO_TOP, INFO_SIZE) + i as f32 * INFO_LEADING;
        items.push(text(INFO_LEFT, y, Style::Regular, INFO_LABEL_SIZE, label));
        items.push(text(value_x, y, Style::Regular, INFO_SIZE, value));
    }
}

/// The furniture of page `number` (from 2) of `pages`.
pub fn following_page(
    input: &LetterInput,
    letterhead: &Letterhead,
    fonts: &FontFamily,
    number: usize,
    pages: usize,
) -> Vec<Item> {
    let mut items = Vec::new();
    let size = 8.5;
    items.push(text(
        MARGIN_LEFT,
        HEADER_BASELINE,
        Style::Regular,
        size,
        format!(
            "{} · Schreiben vom {}",
            letterhead.authority,
            format_date(input.letter_date)
        ),
    ));
    let right = format!(
        "Aktenzeichen {} · Seite {number} von {pages}",
        input.aktenzeichen
    );
    let width = fonts.face(Style::Regular).text_width(&right, size);
    items.push(text(
        PAGE_WIDTH - MARGIN_RIGHT - width,
        HEADER_BASELINE,
        Style::Regular,
        size,
        right,
    ));
    items.push(Item::Rule {
        x1: MARGIN_LEFT,
        y1: HEADER_BASELINE + mm(2.5),
        x2: PAGE_WIDTH - MARGIN_RIGHT,
        y2: HEADER_BASELINE + mm(2.5),
        width: 0.3,
    });
    marks(&mut items);
    footer(&mut items, letterhead, fonts);
    items
}
