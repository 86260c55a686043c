//! The body's blocks made into units for pagination: headings, paragraphs and
//! lists (tables are in `table`). A paragraph keeps at least two lines at the foot
//! and the head of a page, paragraphs of up to four lines are never split, and a
//! heading is kept with what follows it, as is a paragraph that ends in a colon
//! (it introduces what follows: "Bitte überweisen Sie den Betrag …:"). The last
//! block, a letter's closing, never stands alone at the head of a page: it takes
//! the end of the block before it along.

use super::lines::LineBreaker;
use super::paginate::{Unit, paginate};
use super::table::table_units;
use super::{Body, BodyFrame, BodyLine, BodyStyle, Item, TextRun};
use crate::font::{FontFamily, Style};
use crate::markup::{Block, ListItem};

/// Groups per-line units into units that keep at least two lines together at each
/// end of a page; blocks of up to four lines stay whole.
fn paragraph_units(
    lines: Vec<(Vec<Item>, BodyLine)>,
    leading: f32,
    space_before: f32,
) -> Vec<Unit> {
    let n = lines.len();
    let mut units: Vec<Unit> = Vec::new();
    for (i, (items, line)) in lines.into_iter().enumerate() {
        let joins_previous = n <= 4 || (i > 0 && (i < 2 || n - i < 2));
        let y = match units.last() {
            Some(unit) if joins_previous => unit.height,
            _ => 0.0,
        };
        let items: Vec<Item> = items.into_iter().map(|it| it.shifted(y)).collect();
        match units.last_mut() {
            Some(unit) if joins_previous => {
                unit.height += leading;
                unit.items.extend(items);
                unit.lines.push(line);
            }
            _ => units.push(Unit {
                height: leading,
                space_before: if i == 0 { space_before } else { 0.0 },
                keep_with_next: false,
                items,
                lines: vec![line],
            }),
        }
    }
    units
}

/// Lays out the body blocks and paginates them.
pub fn layout_body(
    blocks: &[Block],
    fonts: &FontFamily,
    style: &BodyStyle,
    frame: &BodyFrame,
    hyphenate: bool,
) -> Body {
    let breaker = LineBreaker {
        fonts,
        size: style.size,
        hyphenate,
    };
    let mut units: Vec<Unit> = Vec::new();
    let mut last_block_start = 0;
    for (index, block) in blocks.iter().enumerate() {
        last_block_start = units.len();
        let space = if index == 0 {
            0.0
        } else {
            style.paragraph_space
        };
        match block {
            Block::Heading(spans) => {
                let lines = breaker.lines(spans, frame.left, frame.width, style.leading);
                let mut heading = paragraph_units(lines, style.leading, style.heading_space);
                for unit in &mut heading {
                    unit.keep_with_next = true;
                }
                // Heading and its paragraph sit closer together than two paragraphs.
                units.extend(heading);
            }
            Block::Paragraph(spans) => {
                let lines = breaker.lines(spans, frame.left, frame.width, style.leading);
                let after_heading = matches!(
                    index.checked_sub(1).map(|i| &blocks[i]),
                    Some(Block::Heading(_))
                );
                let space = if after_heading { 2.0 } else { space };
                let mut paragraph = paragraph_units(lines, style.leading, space);
                let introduces = crate::markup::plain_text(spans).trim_end().ends_with(':');
                if let (true, Some(last)) = (introduces, paragraph.last_mut()) {
                    last.keep_with_next = true;
                }
                units.extend(paragraph);
            }
            Block::List(items) => {
                let after_heading = matches!(
                    index.checked_sub(1).map(|i| &blocks[i]),
                    Some(Block::Heading(_))
                );
                let space = if after_heading { 2.0 } else { space };
                units.extend(list_units(items, &breaker, frame, style, space));
            }
            Block::Table(table) => units.extend(table_units(table, &breaker, frame, style, space)),
        }
    }
    if let Some(before_last) = last_block_start.checked_sub(1) {
        units[before_last].keep_with_next = true;
    }
    paginate(units, frame)
}

/// Lays out a list: each item's text indented, its marker at the left margin. The
/// first item is `space_before` below what precedes the list, the others half a
/// paragraph space below the item before.
fn list_units(
    items: &[ListItem],
    breaker: &LineBreaker<'_>,
    frame: &BodyFrame,
    style: &BodyStyle,
    space_before: f32,
) -> Vec<Unit> {
    let mut units = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let text_x = frame.left + style.list_indent;
        let mut lines = breaker.lines(
            &item.content,
            text_x,
            frame.width - style.list_indent,
            style.leading,
        );
        if let Some((first_items, first_line)) = lines.first_mut() {
            let baseline = match first_items.first() {
                Some(Item::Text(run)) => run.y,
                _ => 0.0,
            };
            first_items.insert(
                0,
                Item::Text(TextRun {
                    x: frame.left,
                    y: baseline,
                    style: Style::Regular,
                    size: style.size,
                    text: item.marker.clone(),
                }),
            );
            first_line.text = format!("{} {}", item.marker, first_line.text);
        }
        let space = if i == 0 {
            space_before
        } else {
            style.paragraph_space / 2.0
        };
        units.extend(paragraph_units(lines, style.leading, space));
    }
    units
}

#[cfg(test)]
mod tests {
    use super::super::{BodyStyle, Item, test_frame};
    use super::layout_body;
    use crate::font::FontFamily;
    use crate::markup::parse;

    #[test]
    fn the_closing_never_stands_alone_on_a_page() {
        let fonts = FontFamily::liberation_sans();
        let mut alone = 0;
        for filler in 20..60 {
            let mut text = String::new();
            for i in 0..filler {
                text.push_str(&format!("Zeile {i} mit etwas Text.\n\n"));
            }
            text.push_str("Mit freundlichen Grüßen\\\nIm Auftrag\\\n\\\nAylin Özdemir\n");
            let body = layout_body(
                &parse(&text),
                &fonts,
                &BodyStyle::default(),
                &test_frame(),
                false,
            );
            let last = body.pages.last().unwrap();
            let texts: Vec<&str> = last
                .iter()
                .filter_map(|it| match it {
                    Item::Text(run) => Some(run.text.as_str()),
                    _ => None,
                })
                .collect();
            assert!(
                texts.first() != Some(&"Mit freundlichen Grüßen"),
                "{filler}: {texts:?}"
            );
            alone += usize::from(body.pages.len() > 1);
        }
        assert!(alone > 0, "some filler makes two pages");
    }

    #[test]
    fn heading_is_never_last_on_a_page() {
        let fonts = FontFamily::liberation_sans();
        let style = BodyStyle::default();
        let f = test_frame();
        // Fill the first page up to just above the bottom, then a heading.
        for filler in 20..45 {
            let mut text = String::new();
            for i in 0..filler {
                text.push_str(&format!("Zeile {i}\n\n"));
            }
            text.push_str("# Begründung\n\nSatz nach der Überschrift.\n");
            let body = layout_body(&parse(&text), &fonts, &style, &f, false);
            for page in &body.pages {
                let last_text = page.iter().rev().find_map(|it| match it {
                    Item::Text(run) => Some(run),
                    _ => None,
                });
                assert_ne!(
                    last_text.map(|r| r.text.as_str()),
                    Some("Begründung"),
                    "heading orphaned with {filler} filler lines"
                );
            }
        }
    }
}
