//! The small markup templates produce and the layout engine consumes.
//!
//! It is line based and close to Markdown, so template authors can read it:
//!
//! - Blocks are separated by blank lines. Lines of one paragraph are joined with a
//!   space; a line ending in a backslash `\` breaks the line there.
//! - `# Text` is a heading (bold; never left alone at the foot of a page).
//! - `1. Text` items form a numbered list, `- Text` items a bulleted list; an
//!   indented line continues the item above.
//! - `| a | b |` lines form a table; a row of dashes `|---|--:|` under the first row
//!   makes it the header and sets the alignment (`--:` right, otherwise left). Table
//!   rows are never split across pages.
//! - Inline: `**bold**`, `_italic_`, and `\x` for a literal `x`.
//!
//! Values inserted into templates are passed through [`escape`] by the template
//! engine's formatter, so text from citizens and case data is always plain text:
//! every markup character gets a backslash and line breaks in a value stay line
//! breaks inside the paragraph, never start a new block.

use crate::font::Style;

/// A run of text in one style. `\n` inside `text` is a forced line break.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub style: Style,
    pub text: String,
}

/// Column alignment in a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// One item of a list with its marker ("1." or "–").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListItem {
    pub marker: String,
    pub content: Vec<Span>,
}

/// A table; cells are inline content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub header: Option<Vec<Vec<Span>>>,
    pub align: Vec<Align>,
    pub rows: Vec<Vec<Vec<Span>>>,
}

/// A block of the letter body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Heading(Vec<Span>),
    Paragraph(Vec<Span>),
    List(Vec<ListItem>),
    Table(Table),
}

const SPECIAL: &[char] = &['\\', '*', '_', '|', '#', '-', '.', '`'];

/// Escapes plain text so that [`parse`] gives it back literally. Line breaks become
/// forced line breaks inside the current paragraph.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        for c in line.trim().chars() {
            if SPECIAL.contains(&c) {
                out.push('\\');
            }
            out.push(c);
        }
        if lines.peek().is_some() {
            out.push_str("\\\n");
        }
    }
    out
}

/// Whether the line ends in an unescaped backslash (a forced line break).
fn ends_with_break(line: &str) -> bool {
    let trailing = line.bytes().rev().take_while(|b| *b == b'\\').count();
    trailing % 2 == 1
}

/// Parses inline markup of the (already joined) text of one block.
fn parse_inline(text: &str, base: Style) -> Vec<Span> {
    let mut spans: Vec<Span> = Vec::new();
    let mut bold = base.is_bold();
    let mut italic = base.is_italic();
    let mut current = String::new();
    let push = |spans: &mut Vec<Span>, current: &mut String, style: Style| {
        if current.is_empty() {
            return;
        }
        match spans.last_mut() {
            Some(last) if last.style == style => last.text.push_str(current),
            _ => spans.push(Span {
                style,
                text: current.clone(),
            }),
        }
        current.clear();
    };
    let style_of = |bold: bool, italic: bool| Style::Regular.with_bold(bold).with_italic(italic);
    let mut chars = text.chars().peekable();
    let mut last_space = true;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    current.push(next);
                    last_space = next == '\n';
                }
            }
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                push(&mut spans, &mut current, style_of(bold, italic));
                bold = !bold;
            }
            '_' => {
                push(&mut spans, &mut current, style_of(bold, italic));
                italic = !italic;
            }
            // No-break spaces are content, not room to break or collapse.
            c if c.is_whitespace() && c != '\u{a0}' && c != '\u{202f}' => {
                if !last_space {
                    current.push(' ');
                    last_space = true;
                }
            }
            c => {
                current.push(c);
                last_space = false;
            }
        }
    }
    push(&mut spans, &mut current, style_of(bold, italic));
    // No trailing space at the end of a block or before a forced break.
    if let Some(last) = spans.last_mut() {
        let trimmed = last.text.trim_end_matches(' ').len();
        last.text.truncate(trimmed);
        if last.text.is_empty() {
            spans.pop();
        }
    }
    for span in &mut spans {
        while span.text.contains(" \n") {
            span.text = span.text.replace(" \n", "\n");
        }
    }
    spans
}

/// Joins the lines of a block: a trailing unescaped backslash becomes a forced break
/// (kept as the escape sequence `\` + newline for [`parse_inline`]).
fn join_lines<'a>(lines: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for line in lines {
        let line = line.trim();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push(' ');
        }
        if ends_with_break(line) {
            out.push_str(line);
            out.push('\n');
        } else {
            out.push_str(line);
        }
    }
    out
}

fn list_marker(line: &str) -> Option<(String, &str)> {
    if let Some(rest) = line.strip_prefix("- ") {
        return Some(("–".to_owned(), rest));
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && digits <= 3 {
        if let Some(rest) = line[digits..].strip_prefix(". ") {
            return Some((line[..=digits].to_owned(), rest));
        }
    }
    None
}

fn split_row(line: &str) -> Vec<String> {
    let inner = line.trim();
    let inner = inner.strip_prefix('|').unwrap_or(inner);
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                cell.push('\\');
                if let Some(n) = chars.next() {
                    cell.push(n);
                }
            }
            '|' => cells.push(std::mem::take(&mut cell)),
            c => cell.push(c),
        }
    }
    if !cell.trim().is_empty() {
        cells.push(cell);
    }
    cells
}

fn is_separator_row(cells: &[String]) -> bool {
    !cells.is_empty()
        && cells.iter().all(|c| {
            let c = c.trim();
            !c.is_empty() && c.chars().all(|ch| ch == '-' || ch == ':')
        })
}

/// Parses the body markup into blocks.
pub fn parse(source: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut group: Vec<&str> = Vec::new();
    let mut lines = source.lines();
    loop {
        let line = lines.next();
        match line {
            Some(l) if !l.trim().is_empty() => {
                group.push(l);
                continue;
            }
            _ => {}
        }
        if !group.is_empty() {
            parse_group(&group, &mut blocks);
            group.clear();
        }
        if line.is_none() {
            break;
        }
    }
    blocks
}

fn parse_group(group: &[&str], blocks: &mut Vec<Block>) {
    let first = group[0].trim_start();
    if let Some(text) = first.strip_prefix("# ") {
        blocks.push(Block::Heading(parse_inline(text, Style::Bold)));
        if group.len() > 1 {
            parse_group(&group[1..], blocks);
        }
        return;
    }
    if first.starts_with('|') {
        blocks.push(Block::Table(parse_table(group)));
        return;
    }
    if list_marker(first).is_some() {
        let mut items: Vec<(String, Vec<&str>)> = Vec::new();
        for line in group {
            match list_marker(line.trim_start()) {
                Some((marker, rest)) if !line.starts_with(' ') => {
                    items.push((marker, vec![rest]));
                }
                _ => {
                    if let Some(last) = items.last_mut() {
                        last.1.push(line);
                    }
                }
            }
        }
        blocks.push(Block::List(
            items
                .into_iter()
                .map(|(marker, lines)| ListItem {
                    marker,
                    content: parse_inline(&join_lines(lines.into_iter()), Style::Regular),
                })
                .collect(),
        ));
        return;
    }
    let spans = parse_inline(&join_lines(group.iter().copied()), Style::Regular);
    if !spans.is_empty() {
        blocks.push(Block::Paragraph(spans));
    }
}

fn parse_table(group: &[&str]) -> Table {
    let rows: Vec<Vec<String>> = group.iter().map(|l| split_row(l)).collect();
    let (header, align, body) = if rows.len() >= 2 && is_separator_row(&rows[1]) {
        let align = rows[1]
            .iter()
            .map(|c| {
                if c.trim().ends_with(':') {
                    Align::Right
                } else {
                    Align::Left
                }
            })
            .collect();
        (Some(rows[0].clone()), align, &rows[2..])
    } else {
        (None, Vec::new(), &rows[..])
    };
    let cells = |row: &Vec<String>| -> Vec<Vec<Span>> {
        row.iter()
            .map(|c| parse_inline(c.trim(), Style::Regular))
            .collect()
    };
    Table {
        header: header.as_ref().map(|h| {
            h.iter()
                .map(|c| parse_inline(c.trim(), Style::Bold))
                .collect()
        }),
        align,
        rows: body.iter().map(cells).collect(),
    }
}

/// The plain text of spans (for tests and metadata).
pub fn plain_text(spans: &[Span]) -> String {
    spans.iter().map(|s| s.text.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(style: Style, text: &str) -> Span {
        Span {
            style,
            text: text.to_owned(),
        }
    }

    #[test]
    fn paragraphs_headings_and_inline_styles() {
        let blocks = parse("# Gründe\n\nSie haben **am 3. März** _fristgerecht_\nbeantragt.\n");
        assert_eq!(
            blocks,
            vec![
                Block::Heading(vec![span(Style::Bold, "Gründe")]),
                Block::Paragraph(vec![
                    span(Style::Regular, "Sie haben "),
                    span(Style::Bold, "am 3. März"),
                    span(Style::Regular, " "),
                    span(Style::Italic, "fristgerecht"),
                    span(Style::Regular, " beantragt."),
                ]),
            ]
        );
    }

    #[test]
    fn forced_breaks() {
        let blocks = parse("Mit freundlichen Grüßen\\\nIm Auftrag\\\nErika Muster");
        assert_eq!(
            blocks,
            vec![Block::Paragraph(vec![span(
                Style::Regular,
                "Mit freundlichen Grüßen\nIm Auftrag\nErika Muster"
            )])]
        );
    }

    #[test]
    fn lists_and_tables() {
        let blocks = parse(
            "1. Erste Entscheidung\n   mit Fortsetzung.\n2. Zweite\n\n- Punkt\n\n| Gebühr | Betrag |\n|---|--:|\n| Verwaltungsgebühr | 10,00 € |\n",
        );
        assert_eq!(blocks.len(), 3);
        let Block::List(items) = &blocks[0] else {
            panic!("{blocks:?}")
        };
        assert_eq!(items[0].marker, "1.");
        assert_eq!(
            plain_text(&items[0].content),
            "Erste Entscheidung mit Fortsetzung."
        );
        assert_eq!(items[1].marker, "2.");
        let Block::List(items) = &blocks[1] else {
            panic!()
        };
        assert_eq!(items[0].marker, "–");
        let Block::Table(table) = &blocks[2] else {
            panic!()
        };
        assert_eq!(table.align, vec![Align::Left, Align::Right]);
        assert_eq!(plain_text(&table.header.as_ref().unwrap()[0]), "Gebühr");
        assert_eq!(plain_text(&table.rows[0][1]), "10,00 €");
    }

    #[test]
    fn escaped_text_is_never_markup() {
        let hostile = "# Kein Titel\n1. keine Liste\n| keine | Tabelle |\n**nicht fett** _nicht kursiv_ \\ Ende\\";
        let blocks = parse(&format!("Text: {}", escape(hostile)));
        assert_eq!(blocks.len(), 1);
        let Block::Paragraph(spans) = &blocks[0] else {
            panic!("{blocks:?}")
        };
        assert!(spans.iter().all(|s| s.style == Style::Regular), "{spans:?}");
        assert_eq!(
            plain_text(spans),
            "Text: # Kein Titel\n1. keine Liste\n| keine | Tabelle |\n**nicht fett** _nicht kursiv_ \\ Ende\\"
        );
    }

    #[test]
    fn escaped_value_at_line_start_stays_plain() {
        for value in ["- 5 Tage", "1. Mai", "# x", "|a|", "---"] {
            let blocks = parse(&escape(value));
            assert_eq!(
                blocks,
                vec![Block::Paragraph(vec![span(Style::Regular, value)])],
                "{value}"
            );
        }
    }
}
