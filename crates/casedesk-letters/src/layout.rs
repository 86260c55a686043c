//! The layout engine: paragraphs broken into lines, blocks into pages.
//!
//! Lines break at Unicode line-break opportunities (UAX #14, `unicode-linebreak`),
//! first fit, ragged right as DIN 5008 letters are set. A word that does not fit is
//! hyphenated with the German patterns of `hypher` (TeX's de-1996 patterns) when
//! [`crate::RenderOptions::hyphenate`] is on; a word wider than the whole line is
//! split as a last resort. Pagination works on "units", groups of lines that must
//! stay together: a paragraph keeps at least two lines at the foot and the head of a
//! page (and paragraphs of up to four lines are never split), a heading is kept with
//! what follows it, a table row is never split, and a table header row stays with
//! the first body row.
//!
//! All coordinates are PostScript points measured from the top-left corner of the
//! page; the PDF writer flips them.

use unicode_linebreak::{BreakOpportunity, linebreaks};

use crate::font::{FontFamily, Style};
use crate::markup::{Align, Block, Span, Table};

/// One line of text in one or more styles, placed on a page.
#[derive(Debug, Clone, PartialEq)]
pub struct TextRun {
    /// Left edge of the run.
    pub x: f32,
    /// Baseline.
    pub y: f32,
    pub style: Style,
    pub size: f32,
    pub text: String,
}

/// What a page shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Text(TextRun),
    /// A straight line.
    Rule {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
    },
    /// The letterhead logo, scaled into this box.
    Logo {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
}

impl Item {
    fn shifted(mut self, dy: f32) -> Item {
        match &mut self {
            Item::Text(run) => run.y += dy,
            Item::Rule { y1, y2, .. } => {
                *y1 += dy;
                *y2 += dy;
            }
            Item::Logo { y, .. } => *y += dy,
        }
        self
    }
}

/// A line of body text as the layout broke it, for checking that nothing is lost.
#[derive(Debug, Clone, PartialEq)]
pub struct BodyLine {
    pub text: String,
    /// The line ends in a hyphen the layout inserted.
    pub hyphenated: bool,
    /// The line ends inside a word (after a hyphen, an inserted hyphen or a cut),
    /// so the next line continues that word.
    pub glued: bool,
}

/// Type sizes and spacing of the body.
#[derive(Debug, Clone, Copy)]
pub struct BodyStyle {
    pub size: f32,
    pub leading: f32,
    pub paragraph_space: f32,
    pub heading_space: f32,
    pub list_indent: f32,
}

impl Default for BodyStyle {
    fn default() -> Self {
        BodyStyle {
            size: 11.0,
            leading: 13.5,
            paragraph_space: 7.0,
            heading_space: 11.0,
            list_indent: crate::geometry::mm(7.0),
        }
    }
}

/// A group of lines that is never split across pages.
#[derive(Debug, Clone, Default)]
struct Unit {
    height: f32,
    /// Space above, dropped at the top of a page.
    space_before: f32,
    keep_with_next: bool,
    items: Vec<Item>,
    lines: Vec<BodyLine>,
}

/// The laid-out body: items per page (y relative to the page) and the broken lines.
#[derive(Debug, Clone, Default)]
pub struct Body {
    pub pages: Vec<Vec<Item>>,
    pub lines: Vec<BodyLine>,
}

/// Where the body may go on the first and on following pages.
#[derive(Debug, Clone, Copy)]
pub struct BodyFrame {
    pub left: f32,
    pub width: f32,
    pub first_top: f32,
    pub next_top: f32,
    pub bottom: f32,
}

/// Breaks inline content into lines and positions them.
pub struct LineBreaker<'a> {
    pub fonts: &'a FontFamily,
    pub size: f32,
    pub hyphenate: bool,
}

/// One line before positioning: its pieces in order.
#[derive(Debug, Clone, Default)]
struct RawLine {
    pieces: Vec<(Style, String)>,
    width: f32,
    hyphenated: bool,
    glued: bool,
}

impl RawLine {
    fn push(&mut self, style: Style, text: &str, width: f32) {
        self.width += width;
        match self.pieces.last_mut() {
            Some((s, t)) if *s == style => t.push_str(text),
            _ => self.pieces.push((style, text.to_owned())),
        }
    }

    fn is_empty(&self) -> bool {
        self.pieces.iter().all(|(_, t)| t.is_empty())
    }

    /// Whether the line so far ends without white space (inside a word).
    fn ends_in_word(&self) -> bool {
        self.pieces
            .last()
            .is_some_and(|(_, t)| !t.ends_with(char::is_whitespace))
    }

    fn trim_end(&mut self) {
        while let Some((_, t)) = self.pieces.last_mut() {
            let trimmed = t.trim_end().len();
            t.truncate(trimmed);
            if t.is_empty() {
                self.pieces.pop();
            } else {
                break;
            }
        }
    }

    fn text(&self) -> String {
        self.pieces.iter().map(|(_, t)| t.as_str()).collect()
    }
}

/// A piece of text between two break opportunities, split by style.
struct Segment {
    parts: Vec<(Style, String)>,
    /// Width without trailing white space.
    content_width: f32,
    /// Width of the trailing white space.
    space_width: f32,
    mandatory_break: bool,
}

impl LineBreaker<'_> {
    fn width(&self, style: Style, text: &str) -> f32 {
        self.fonts.face(style).text_width(text, self.size)
    }

    fn segment(&self, parts: Vec<(Style, String)>, mandatory_break: bool) -> Segment {
        let mut content_width = 0.0;
        let mut space_width = 0.0;
        let last = parts.len().saturating_sub(1);
        for (i, (style, text)) in parts.iter().enumerate() {
            if i == last {
                let trimmed = text.trim_end();
                content_width += self.width(*style, trimmed);
                space_width = self.width(*style, &text[trimmed.len()..].replace('\n', ""));
            } else {
                content_width += self.width(*style, text);
            }
        }
        Segment {
            parts,
            content_width,
            space_width,
            mandatory_break,
        }
    }

    /// Splits spans at line-break opportunities.
    fn segments(&self, spans: &[Span]) -> Vec<Segment> {
        let text: String = spans.iter().map(|s| s.text.as_str()).collect();
        let mut styles = Vec::with_capacity(spans.len());
        let mut at = 0;
        for span in spans {
            styles.push((at, span.style));
            at += span.text.len();
        }
        let style_at = |i: usize| {
            styles
                .iter()
                .rev()
                .find(|(start, _)| *start <= i)
                .map_or(Style::Regular, |(_, s)| *s)
        };
        let mut out = Vec::new();
        let mut prev = 0;
        for (end, opportunity) in linebreaks(&text) {
            if end == prev {
                continue;
            }
            // References like 32-HU-2026-000123 stay on one line.
            let bytes = text.as_bytes();
            if opportunity == BreakOpportunity::Allowed
                && end >= 2
                && bytes[end - 1] == b'-'
                && bytes[end - 2].is_ascii_digit()
            {
                continue;
            }
            let mut parts: Vec<(Style, String)> = Vec::new();
            let mut cut = prev;
            for (start, _) in styles.iter().filter(|(s, _)| *s > prev && *s < end) {
                parts.push((style_at(cut), text[cut..*start].to_owned()));
                cut = *start;
            }
            parts.push((style_at(cut), text[cut..end].to_owned()));
            parts.retain(|(_, t)| !t.is_empty());
            let mandatory =
                opportunity == BreakOpportunity::Mandatory && text[..end].ends_with('\n');
            out.push(self.segment(parts, mandatory));
            prev = end;
        }
        out
    }

    /// Breaks spans into lines no wider than `width`.
    fn break_lines(&self, spans: &[Span], width: f32) -> Vec<RawLine> {
        let mut lines = Vec::new();
        let mut line = RawLine::default();
        let mut pending_space = 0.0f32;
        let mut queue: std::collections::VecDeque<Segment> = self.segments(spans).into();
        while let Some(seg) = queue.pop_front() {
            let fits = line.width + pending_space + seg.content_width <= width + 0.01;
            if line.is_empty() || fits {
                if !line.is_empty() || seg.content_width <= width + 0.01 {
                    line.width += pending_space;
                    self.append(&mut line, &seg);
                    pending_space = seg.space_width;
                    if seg.mandatory_break {
                        line.trim_end();
                        lines.push(std::mem::take(&mut line));
                        pending_space = 0.0;
                    }
                    continue;
                }
                // A single word wider than the line: hyphenate or cut it.
                let room = width;
                let (head, tail) = self
                    .split_word(&seg, room, self.hyphenate)
                    .or_else(|| self.cut_word(&seg, room))
                    .unwrap_or_else(|| (self.whole(&seg), None));
                self.push_head(&mut line, head);
                line.glued = tail.is_some();
                lines.push(std::mem::take(&mut line));
                pending_space = 0.0;
                if let Some(tail) = tail {
                    queue.push_front(tail);
                }
                continue;
            }
            // Does not fit after what is on the line: try to hyphenate into the rest.
            let room = width - line.width - pending_space;
            if self.hyphenate {
                if let Some((head, Some(tail))) = self.split_word(&seg, room, true) {
                    line.width += pending_space;
                    self.push_head(&mut line, head);
                    line.glued = true;
                    lines.push(std::mem::take(&mut line));
                    pending_space = 0.0;
                    queue.push_front(tail);
                    continue;
                }
            }
            line.glued = line.ends_in_word();
            line.trim_end();
            lines.push(std::mem::take(&mut line));
            pending_space = 0.0;
            queue.push_front(seg);
        }
        line.trim_end();
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }

    fn append(&self, line: &mut RawLine, seg: &Segment) {
        let last = seg.parts.len().saturating_sub(1);
        for (i, (style, text)) in seg.parts.iter().enumerate() {
            let text = text.replace('\n', "");
            let w = if i == last {
                seg.content_width
                    - seg.parts[..last]
                        .iter()
                        .map(|(s, t)| self.width(*s, t))
                        .sum::<f32>()
            } else {
                self.width(*style, &text)
            };
            line.push(*style, &text, w);
        }
    }

    fn whole(&self, seg: &Segment) -> (Vec<(Style, String)>, bool) {
        (
            seg.parts
                .iter()
                .map(|(s, t)| (*s, t.replace('\n', "")))
                .collect(),
            false,
        )
    }

    fn push_head(&self, line: &mut RawLine, (parts, hyphenated): (Vec<(Style, String)>, bool)) {
        for (style, text) in parts {
            let w = self.width(style, &text);
            line.push(style, &text, w);
        }
        line.trim_end();
        line.hyphenated = hyphenated;
    }

    /// Splits a segment at a hyphenation point so that the head plus a hyphen fits
    /// into `room`. Only single-style words are hyphenated.
    #[allow(clippy::type_complexity)]
    fn split_word(
        &self,
        seg: &Segment,
        room: f32,
        hyphenate: bool,
    ) -> Option<((Vec<(Style, String)>, bool), Option<Segment>)> {
        if !hyphenate || seg.parts.len() != 1 {
            return None;
        }
        let (style, text) = &seg.parts[0];
        let content = text.trim_end();
        // The word proper: letters between leading and trailing punctuation.
        let start = content
            .char_indices()
            .find(|(_, c)| c.is_alphabetic())
            .map(|(i, _)| i)?;
        let end = content
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_alphabetic())
            .map(|(i, c)| i + c.len_utf8())?;
        let word = &content[start..end];
        if word.chars().count() < 5 || !word.chars().all(char::is_alphabetic) {
            return None;
        }
        let mut best: Option<usize> = None;
        let mut offset = start;
        let syllables: Vec<&str> = hypher::hyphenate(word, hypher::Lang::German).collect();
        for syllable in &syllables[..syllables.len().saturating_sub(1)] {
            offset += syllable.len();
            let head = format!("{}-", &content[..offset]);
            if self.width(*style, &head) <= room + 0.01 {
                best = Some(offset);
            } else {
                break;
            }
        }
        let cut = best?;
        let head = format!("{}-", &text[..cut]);
        let tail = self.segment(vec![(*style, text[cut..].to_owned())], seg.mandatory_break);
        Some(((vec![(*style, head)], true), Some(tail)))
    }

    /// Cuts an unbreakable run of characters at the last character that fits.
    #[allow(clippy::type_complexity)]
    fn cut_word(
        &self,
        seg: &Segment,
        room: f32,
    ) -> Option<((Vec<(Style, String)>, bool), Option<Segment>)> {
        let mut head: Vec<(Style, String)> = Vec::new();
        let mut used = 0.0;
        for (pi, (style, text)) in seg.parts.iter().enumerate() {
            let mut taken = String::new();
            for (ci, c) in text.char_indices() {
                let w = self.width(*style, &c.to_string());
                if used + w > room && (used > 0.0 || !taken.is_empty()) {
                    if !taken.is_empty() {
                        head.push((*style, taken));
                    }
                    let mut rest = vec![(*style, text[ci..].to_owned())];
                    rest.extend(seg.parts[pi + 1..].iter().cloned());
                    return Some(((head, false), Some(self.segment(rest, seg.mandatory_break))));
                }
                used += w;
                taken.push(c);
            }
            head.push((*style, taken));
        }
        None
    }

    /// Lays out spans as lines at `x`, `width`, first baseline `ascent` below the top
    /// of the returned unit lines; returns one unit per line.
    fn lines(
        &self,
        spans: &[Span],
        x: f32,
        width: f32,
        leading: f32,
    ) -> Vec<(Vec<Item>, BodyLine)> {
        let ascent = self.fonts.face(Style::Regular).ascent(self.size);
        let descent = -f32::from(self.fonts.face(Style::Regular).descender) * self.size
            / self.fonts.face(Style::Regular).units_per_em;
        let baseline = (leading - ascent - descent) / 2.0 + ascent;
        self.break_lines(spans, width)
            .into_iter()
            .map(|line| {
                let mut items = Vec::new();
                let mut cx = x;
                for (style, text) in &line.pieces {
                    let w = self.width(*style, text);
                    items.push(Item::Text(TextRun {
                        x: cx,
                        y: baseline,
                        style: *style,
                        size: self.size,
                        text: text.clone(),
                    }));
                    cx += w;
                }
                let body_line = BodyLine {
                    text: line.text(),
                    hyphenated: line.hyphenated,
                    glued: line.glued,
                };
                (items, body_line)
            })
            .collect()
    }
}

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
    for (index, block) in blocks.iter().enumerate() {
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
                units.extend(paragraph_units(lines, style.leading, space));
            }
            Block::List(items) => {
                let after_heading = matches!(
                    index.checked_sub(1).map(|i| &blocks[i]),
                    Some(Block::Heading(_))
                );
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
                    let space = match (i, after_heading) {
                        (0, true) => 2.0,
                        (0, false) => space,
                        _ => style.paragraph_space / 2.0,
                    };
                    units.extend(paragraph_units(lines, style.leading, space));
                }
            }
            Block::Table(table) => units.extend(table_units(table, &breaker, frame, style, space)),
        }
    }
    paginate(units, frame)
}

fn table_units(
    table: &Table,
    breaker: &LineBreaker<'_>,
    frame: &BodyFrame,
    style: &BodyStyle,
    space_before: f32,
) -> Vec<Unit> {
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
    let gap = crate::geometry::mm(4.0);
    // Every column but the first gets its natural width (capped); the first takes
    // the rest and wraps.
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
    widths[0] = frame.width - widths[1..].iter().sum::<f32>() - gap * (columns - 1) as f32;
    let align = |col: usize| {
        table
            .align
            .get(col)
            .copied()
            .unwrap_or(if col == 0 { Align::Left } else { Align::Right })
    };
    let pad = 2.5;
    let row_unit = |row: &Vec<Vec<Span>>, header: bool| -> Unit {
        let mut items = Vec::new();
        let mut lines_out = Vec::new();
        let mut height: f32 = 0.0;
        let mut x = frame.left;
        let mut texts = Vec::new();
        for (col, width) in widths.iter().enumerate() {
            let empty = Vec::new();
            let cell = row.get(col).unwrap_or(&empty);
            let lines = breaker.lines(cell, x, *width, style.leading);
            height = height.max(lines.len() as f32 * style.leading);
            for (li, (line_items, line)) in lines.into_iter().enumerate() {
                let dy = pad + li as f32 * style.leading;
                let shift = if align(col) == Align::Right {
                    let w: f32 = line_items
                        .iter()
                        .map(|it| match it {
                            Item::Text(run) => breaker.width(run.style, &run.text),
                            _ => 0.0,
                        })
                        .sum();
                    *width - w
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
            x += width + gap;
        }
        lines_out.push(BodyLine {
            text: texts.join(" "),
            hyphenated: false,
            glued: false,
        });
        let height = height + 2.0 * pad;
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
    };
    let mut units = Vec::new();
    if let Some(header) = &table.header {
        units.push(row_unit(header, true));
    }
    for row in &table.rows {
        units.push(row_unit(row, false));
    }
    if let Some(first) = units.first_mut() {
        first.space_before = space_before;
    }
    // Keep the first body row with the header, the last two rows together.
    let n = units.len();
    if n >= 2 {
        units[n - 2].keep_with_next = true;
    }
    units
}

fn paginate(units: Vec<Unit>, frame: &BodyFrame) -> Body {
    let mut pages: Vec<Vec<Unit>> = vec![Vec::new()];
    let mut used = 0.0f32;
    let capacity = |page: usize| {
        if page == 0 {
            frame.bottom - frame.first_top
        } else {
            frame.bottom - frame.next_top
        }
    };
    let height_of = |units: &[Unit]| -> f32 {
        units
            .iter()
            .enumerate()
            .map(|(i, u)| {
                if i == 0 {
                    u.height
                } else {
                    u.height + u.space_before
                }
            })
            .sum()
    };
    for unit in units {
        let page = pages.len() - 1;
        let current = pages.last_mut().expect("one page");
        let extra = if current.is_empty() {
            unit.height
        } else {
            unit.height + unit.space_before
        };
        if current.is_empty() || used + extra <= capacity(page) + 0.01 {
            used += extra;
            current.push(unit);
            continue;
        }
        // Move trailing units that must stay with this one to the next page, unless
        // that would empty the page.
        let mut carried: Vec<Unit> = Vec::new();
        while current.len() > 1 && current.last().is_some_and(|u| u.keep_with_next) {
            carried.insert(0, current.pop().expect("checked"));
        }
        carried.push(unit);
        used = height_of(&carried);
        pages.push(carried);
    }
    let mut body = Body::default();
    for (index, units) in pages.into_iter().enumerate() {
        let mut y = if index == 0 {
            frame.first_top
        } else {
            frame.next_top
        };
        let mut items = Vec::new();
        for (i, unit) in units.into_iter().enumerate() {
            if i > 0 {
                y += unit.space_before;
            }
            items.extend(unit.items.into_iter().map(|it| it.shifted(y)));
            body.lines.extend(unit.lines);
            y += unit.height;
        }
        body.pages.push(items);
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markup::parse;

    fn frame() -> BodyFrame {
        BodyFrame {
            left: 70.0,
            width: 300.0,
            first_top: 280.0,
            next_top: 70.0,
            bottom: 760.0,
        }
    }

    #[test]
    fn lines_fit_the_width() {
        let fonts = FontFamily::liberation_sans();
        let text = "Die Verwaltungsgebührensatzung der Stadt sieht für die Erteilung einer Sondernutzungserlaubnis eine Gebühr vor, die sich nach Fläche und Dauer bemisst. ".repeat(5);
        let body = layout_body(&parse(&text), &fonts, &BodyStyle::default(), &frame(), true);
        for line in &body.lines {
            let width = fonts.face(Style::Regular).text_width(&line.text, 11.0);
            assert!(width <= 300.5, "{width} {line:?}");
        }
        assert!(body.lines.iter().any(|l| l.hyphenated), "{:?}", body.lines);
    }

    #[test]
    fn heading_is_never_last_on_a_page() {
        let fonts = FontFamily::liberation_sans();
        let style = BodyStyle::default();
        let f = frame();
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
            &frame(),
            false,
        );
        assert!(body.pages.len() > 1);
        for page in &body.pages {
            for item in page {
                if let Item::Text(run) = item {
                    assert!(run.y <= frame().bottom, "{run:?}");
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

    #[test]
    fn overlong_word_is_cut() {
        let fonts = FontFamily::liberation_sans();
        let text = "x".repeat(400);
        let body = layout_body(&parse(&text), &fonts, &BodyStyle::default(), &frame(), true);
        let joined: String = body.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(joined, text);
        assert!(body.lines.len() > 1);
    }
}
