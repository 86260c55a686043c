//! Breaking inline text into lines: at Unicode line-break opportunities (UAX #14,
//! `unicode-linebreak`), first fit, ragged right as DIN 5008 letters are set, and
//! positioning the lines as text runs. A word that does not fit is handed to
//! `hyphenate`.

use unicode_linebreak::{BreakOpportunity, linebreaks};

use super::{BodyLine, Item, TextRun};
use crate::font::{FontFamily, Style};
use crate::markup::Span;

/// Whether the space that ends `before` binds it to `after`, as DIN 5008 sets a
/// protected space: a number stays with its unit or currency ("20,00 €", "18 m²")
/// and a citation mark with its number ("§ 18", "Abs. 2", "Nr. 1").
fn binds(before: &str, after: &str) -> bool {
    if !before.ends_with(' ') {
        return false;
    }
    let word = before.split_whitespace().next_back().unwrap_or_default();
    let unit = ["€", "m²", "%", "‰"].iter().any(|u| after.starts_with(u))
        && word.ends_with(|c: char| c.is_ascii_digit());
    let citation = ["§", "§§", "Abs.", "Nr.", "Satz", "Art."].contains(&word)
        && after.starts_with(|c: char| c.is_ascii_digit());
    unit || citation
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
pub(super) struct Segment {
    pub(super) parts: Vec<(Style, String)>,
    /// Width without trailing white space.
    content_width: f32,
    /// Width of the trailing white space.
    space_width: f32,
    pub(super) mandatory_break: bool,
}

impl LineBreaker<'_> {
    pub(super) fn width(&self, style: Style, text: &str) -> f32 {
        self.fonts.face(style).text_width(text, self.size)
    }

    pub(super) fn segment(&self, parts: Vec<(Style, String)>, mandatory_break: bool) -> Segment {
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
            if opportunity == BreakOpportunity::Allowed && binds(&text[..end], &text[end..]) {
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

    /// Lays out spans as lines at `x`, `width`, first baseline `ascent` below the top
    /// of the returned unit lines; returns one unit per line.
    pub(super) fn lines(
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

#[cfg(test)]
mod tests {
    use super::super::{BodyStyle, layout_body, test_frame};
    use crate::font::{FontFamily, Style};
    use crate::markup::parse;

    #[test]
    fn lines_fit_the_width() {
        let fonts = FontFamily::liberation_sans();
        let text = "Die Verwaltungsgebührensatzung der Stadt sieht für die Erteilung einer Sondernutzungserlaubnis eine Gebühr vor, die sich nach Fläche und Dauer bemisst. ".repeat(5);
        let body = layout_body(
            &parse(&text),
            &fonts,
            &BodyStyle::default(),
            &test_frame(),
            true,
        );
        for line in &body.lines {
            let width = fonts.face(Style::Regular).text_width(&line.text, 11.0);
            assert!(width <= 300.5, "{width} {line:?}");
        }
        assert!(body.lines.iter().any(|l| l.hyphenated), "{:?}", body.lines);
    }

    #[test]
    fn numbers_stay_with_their_units_and_citation_marks_with_their_numbers() {
        let fonts = FontFamily::liberation_sans();
        for filler in 0..40 {
            let text = format!(
                "{} nach § 7 Abs. 2 Satz 1 Nr. 3 für 18 m² und 20,00 € sowie 5 %.",
                "Wort ".repeat(filler)
            );
            let body = layout_body(
                &parse(&text),
                &fonts,
                &BodyStyle::default(),
                &test_frame(),
                false,
            );
            for line in &body.lines {
                for end in ["§", "Abs.", "Satz", "Nr.", "18", "20,00", "5"] {
                    assert!(
                        !line.text.ends_with(&format!(" {end}")),
                        "{filler}: {:?}",
                        line.text
                    );
                }
            }
        }
    }

    #[test]
    fn only_a_space_before_a_unit_or_after_a_citation_mark_binds() {
        use super::binds;
        assert!(binds("mindestens 20,00 ", "€ – Demo"));
        assert!(binds("nach § ", "18 Abs."));
        assert!(!binds("Euro ", "€"));
        assert!(!binds("Abs. ", "Abschnitt"));
        assert!(!binds("§", "18"));
    }
}
