//! Words that do not fit on a line: hyphenated at a German hyphenation point
//! (`hypher`, TeX's de-1996 patterns) when [`crate::RenderOptions::hyphenate`] is on,
//! or, when a word is wider than the whole line, cut at the last character that
//! fits.

use super::lines::{LineBreaker, Segment};
use crate::font::Style;

impl LineBreaker<'_> {
    /// Splits a segment at a hyphenation point so that the head plus a hyphen fits
    /// into `room`. Only single-style words are hyphenated.
    #[allow(clippy::type_complexity)]
    pub(super) fn split_word(
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
    pub(super) fn cut_word(
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
}

#[cfg(test)]
mod tests {
    use super::super::{BodyStyle, layout_body, test_frame};
    use crate::font::FontFamily;
    use crate::markup::parse;

    #[test]
    fn overlong_word_is_cut() {
        let fonts = FontFamily::liberation_sans();
        let text = "x".repeat(400);
        let body = layout_body(
            &parse(&text),
            &fonts,
            &BodyStyle::default(),
            &test_frame(),
            true,
        );
        let joined: String = body.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(joined, text);
        assert!(body.lines.len() > 1);
    }
}
