//! Tables made into units, one per row: a row is never split across pages, a
//! table that fits on one page is never split at all (a payment block must not
//! leave its Kassenzeichen on the next page), and a longer table keeps its header
//! row with the first body row and its last two rows together. Every column but
//! the first is as wide as its widest cell (capped); the first takes the rest and
//! wraps.

use super::lines::LineBreaker;
use super::paginate::Unit;
use super::{BodyFrame, BodyLine, BodyStyle, Item};
use crate::markup::{Align, Span, Table};

/// Space between two columns.
const GAP: f32 = crate::geometry::mm(4.0);
/// Space above and below the text of a row.
const PAD: f32 = 2.5;

/// Lays out `table` as one unit per row (the header row first), the first unit
/// `space_before` below what precedes it.
pub(super) fn table_units(
    table: &Table,
    breaker: &LineBreaker<'_>,
    frame: &BodyFrame,
    style: &BodyStyle,
    space_before: f32,
) -> Vec<Unit> {
    let widths = column_widths(table, breaker, frame);
    if widths.is_empty() {
        return Vec::new();
    }
    let layout = TableLayout {
        table,
        widths,
        breaker,
        frame,
        style,
    };
    let mut units = Vec::new();
    if let Some(header) = &table.header {
        units.push(layout.row_unit(header, true));
    }
    for row in &table.rows {
        units.push(layout.row_unit(row, false));
    }
    if let Some(first) = units.first_mut() {
        first.space_before = space_before;
    }
    // A table that fits on a following page stays whole; a longer one keeps the
    // first body row with the header and the last two rows together.
    let n = units.len();
    let height: f32 = units.iter().map(|u| u.height).sum();
    if height <= frame.bottom - frame.next_top {
        for unit in units.iter_mut().take(n.saturating_sub(1)) {
            unit.keep_with_next = true;
        }
    } else if n >= 2 {
        units[n - 2].keep_with_next = true;
    }
    units
}

/// The width of each column, none for a table without cells. Every column but the
/// first gets its natural width (capped); the first takes the rest and wraps.
fn column_widths(table: &Table, breaker: &LineBreaker<'_>, frame: &BodyFrame) -> Vec<f32> {
    let columns = table
        .rows
        .iter()
        .chain(table.header.iter())
        .map(Vec::len)
        .max()
        .unwrap_or(0);
    if columns == 0 {
        return Vec::new();
    }
    let natural = |col: usize| -> f32 {
        table
            .rows
            .iter()
            .chain(table.header.iter())
            .filter_map(|row| row.get(col))
            .map(|cell| {
                cell.iter()
                    .map(|s| breaker.width(s.style, &s.text))
                    .sum::<f32>()
            })
            .fold(0.0, f32::max)
    };
    let mut widths = vec![0.0f32; columns];
    let cap = frame.width / columns as f32;
    for (col, width) in widths.iter_mut().enumerate().skip(1) {
        *width = natural(col).min(cap).max(crate::geometry::mm(15.0));
    }
    widths[0] = frame.width - widths[1..].iter().sum::<f32>() - GAP * (columns - 1) as f32;
    widths
}

/// A table whose column widths are decided, ready to lay out its rows.
struct TableLayout<'a> {
    table: &'a Table,
    widths: Vec<f32>,
    breaker: &'a LineBreaker<'a>,
    frame: &'a BodyFrame,
    style: &'a BodyStyle,
}

impl TableLayout<'_> {
    /// How column `col` is aligned: as the table says, else the first column left
    /// and the others (usually amounts) right.
    fn align(&self, col: usize) -> Align {
        self.table.align.get(col).copied().unwrap_or(if col == 0 {
            Align::Left
        } else {
            Align::Right
        })
    }

    /// One row as a unit: its cells side by side, the row as tall as its tallest
    /// cell plus padding, and a rule below it (a heavier one below the header).
    fn row_unit(&self, row: &[Vec<Span>], header: bool) -> Unit {
        let (breaker, frame, style) = (self.breaker, self.frame, self.style);
        let mut items = Vec::new();
        let mut lines_out = Vec::new();
        let mut height: f32 = 0.0;
        let mut x = frame.left;
        let mut texts = Vec::new();
        for (col, width) in self.widths.iter().enumerate() {
            let empty = Vec::new();
            let cell = row.get(col).unwrap_or(&empty);
            let lines = breaker.lines(cell, x, *width, style.leading);
            height = height.max(lines.len() as f32 * style.leading);
            for (li, (line_items, line)) in lines.into_iter().enumerate() {
                let dy = PAD + li as f32 * style.leading;
                let shift = if self.align(col) == Align::Right {
                    *width - self.text_width(&line_items)
                } else {
                    0.0
                };
                for item in line_items {
                    let mut item = item.shifted(dy);
                    if let Item::Text(run) = &mut item {
                        run.x += shift;
                    }
                    items.push(item);
                }
                texts.push(line.text);
            }
            x += width + GAP;
        }
        lines_out.push(BodyLine {
            text: texts.join(" "),
            hyphenated: false,
            glued: false,
        });
        let height = height + 2.0 * PAD;
        let rule_y = height;
        items.push(Item::Rule {
            x1: frame.left,
            y1: rule_y,
            x2: frame.left + frame.width,
            y2: rule_y,
            width: if header { 0.8 } else { 0.3 },
        });
        Unit {
            height,
            space_before: 0.0,
            keep_with_next: header,
            items,
            lines: lines_out,
        }
    }

    /// The width of the text on one line of a cell.
    fn text_width(&self, line_items: &[Item]) -> f32 {
        line_items
            .iter()
            .map(|it| match it {
                Item::Text(run) => self.breaker.width(run.style, &run.text),
                _ => 0.0,
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{BodyStyle, Item, layout_body, test_frame};
    use crate::font::FontFamily;
    use crate::markup::parse;

    #[test]
    fn table_rows_stay_whole() {
        let fonts = FontFamily::liberation_sans();
        let mut text = String::from("| Posten | Betrag |\n|---|--:|\n");
        for i in 0..80 {
            text.push_str(&format!(
                "| Posten {i} mit einem langen Text, der in der Zelle umbrechen muss, weil er so lang ist | {i},00 € |\n"
            ));
        }
        let body = layout_body(
            &parse(&text),
            &fonts,
            &BodyStyle::default(),
            &test_frame(),
            false,
        );
        assert!(body.pages.len() > 1);
        for page in &body.pages {
            for item in page {
                if let Item::Text(run) = item {
                    assert!(run.y <= test_frame().bottom, "{run:?}");
                }
            }
        }
        // Each page starts with a row's first line, not the continuation of one.
        for page in &body.pages[1..] {
            let first = page.iter().find_map(|it| match it {
                Item::Text(run) => Some(run.text.clone()),
                _ => None,
            });
            assert!(first.unwrap().starts_with("Posten"));
        }
    }

    /// The page each text run is on, by its text.
    fn page_of(body: &crate::layout::Body, text: &str) -> usize {
        body.pages
            .iter()
            .position(|page| {
                page.iter()
                    .any(|it| matches!(it, Item::Text(run) if run.text == text))
            })
            .unwrap_or_else(|| panic!("no {text:?}"))
    }

    #[test]
    fn a_table_that_fits_on_a_page_is_never_split_and_its_introduction_stays_with_it() {
        let fonts = FontFamily::liberation_sans();
        let frame = test_frame();
        let mut moved = 0;
        for filler in 0..40 {
            let mut text = String::new();
            for i in 0..filler {
                text.push_str(&format!("Zeile {i}\n\n"));
            }
            text.push_str("Bitte zahlen Sie so:\n\n| Betrag | 10,00 € |\n|---|---|\n");
            for row in ["Kassenzeichen", "Empfänger", "IBAN", "BIC", "Fällig"] {
                text.push_str(&format!("| {row} | x |\n"));
            }
            let body = layout_body(&parse(&text), &fonts, &BodyStyle::default(), &frame, false);
            let first = page_of(&body, "Bitte zahlen Sie so:");
            for row in ["Betrag", "Kassenzeichen", "IBAN", "Fällig"] {
                assert_eq!(
                    page_of(&body, row),
                    first,
                    "{row} with {filler} lines before"
                );
            }
            moved += usize::from(first > 0);
        }
        assert!(moved > 0, "some filler pushes the block to the next page");
    }
}
