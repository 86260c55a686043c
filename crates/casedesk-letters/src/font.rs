//! Fonts: glyph lookup, real advance widths and pair kerning, and the embedded
//! Liberation Sans family the letters are set in.
//!
//! Kerning comes from the font's own GPOS `kern` feature (pair adjustment lookups),
//! falling back to the legacy `kern` table, read with `ttf-parser`. We do not run a
//! full shaper (rustybuzz): letters are Latin text, where shaping adds nothing but
//! ligatures, which would break the one-glyph-one-character mapping that keeps copy,
//! search and `pdftotext` exact, and a shaper call per word costs more than the whole
//! 2 ms budget of a letter allows for its few hundred words.

use std::fmt;

use ttf_parser::gpos::{PairAdjustment, PositioningSubtable};
use ttf_parser::{Face, GlyphId, Tag};

/// The four styles of a family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Style {
    Regular,
    Bold,
    Italic,
    BoldItalic,
}

impl Style {
    pub const ALL: [Style; 4] = [
        Style::Regular,
        Style::Bold,
        Style::Italic,
        Style::BoldItalic,
    ];

    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// The style with bold switched on or off.
    pub fn with_bold(self, bold: bool) -> Style {
        Style::from_flags(bold, self.is_italic())
    }

    /// The style with italic switched on or off.
    pub fn with_italic(self, italic: bool) -> Style {
        Style::from_flags(self.is_bold(), italic)
    }

    pub fn is_bold(self) -> bool {
        matches!(self, Style::Bold | Style::BoldItalic)
    }

    pub fn is_italic(self) -> bool {
        matches!(self, Style::Italic | Style::BoldItalic)
    }

    fn from_flags(bold: bool, italic: bool) -> Style {
        match (bold, italic) {
            (false, false) => Style::Regular,
            (true, false) => Style::Bold,
            (false, true) => Style::Italic,
            (true, true) => Style::BoldItalic,
        }
    }
}

/// One font file, parsed once and kept for every letter.
pub struct FontFace {
    pub(crate) data: &'static [u8],
    pub(crate) face: Face<'static>,
    /// PostScript name without subset tag, e.g. `LiberationSans-Bold`.
    pub(crate) postscript_name: String,
    pub(crate) units_per_em: f32,
    pub(crate) ascender: i16,
    pub(crate) descender: i16,
    pub(crate) cap_height: i16,
    pub(crate) italic_angle: f32,
    pub(crate) bbox: ttf_parser::Rect,
    kern_lookups: Vec<Vec<PairAdjustment<'static>>>,
    /// Glyph and advance of the characters below U+0180, looked up once.
    ascii: Vec<(u16, u16)>,
    fallback: u16,
    /// Kerning between the glyphs of the characters below U+0180, looked up once:
    /// `dense_index[gid]` is a row/column of `dense_kerning` (or `u16::MAX`).
    dense_index: Vec<u16>,
    dense_kerning: Vec<i16>,
    dense_len: usize,
    /// The embedded form of the common characters, made on first use.
    pub(crate) common_subset: std::sync::OnceLock<Option<crate::pdf::EmbeddedFont>>,
}

impl fmt::Debug for FontFace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FontFace")
            .field("postscript_name", &self.postscript_name)
            .finish_non_exhaustive()
    }
}

/// Why a font file cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("font file {0} cannot be parsed")]
pub struct FontParseError(pub String);

impl FontFace {
    /// Parses a TrueType font. `label` names it in errors.
    pub fn parse(label: &str, data: &'static [u8]) -> Result<FontFace, FontParseError> {
        let face = Face::parse(data, 0).map_err(|_| FontParseError(label.to_owned()))?;
        let postscript_name = face
            .names()
            .into_iter()
            .find(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME && n.is_unicode())
            .and_then(|n| n.to_string())
            .unwrap_or_else(|| label.to_owned())
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        let kern_lookups = gpos_kern_lookups(&face);
        let fallback = face.glyph_index('?').map_or(0, |g| g.0);
        let mut font = FontFace {
            data,
            units_per_em: f32::from(face.units_per_em()),
            ascender: face.ascender(),
            descender: face.descender(),
            cap_height: face.capital_height().unwrap_or(face.ascender()),
            italic_angle: face.italic_angle(),
            bbox: face.global_bounding_box(),
            postscript_name,
            kern_lookups,
            ascii: Vec::new(),
            fallback,
            common_subset: std::sync::OnceLock::new(),
            dense_index: Vec::new(),
            dense_kerning: Vec::new(),
            dense_len: 0,
            face,
        };
        font.ascii = (0..0x180u32)
            .map(|c| {
                let c = char::from_u32(c).unwrap_or('?');
                let gid = font.lookup(c);
                (gid, font.advance(gid))
            })
            .collect();
        font.build_dense_kerning();
        Ok(font)
    }

    fn lookup(&self, c: char) -> u16 {
        match self.face.glyph_index(c) {
            Some(g) if g.0 != 0 => g.0,
            _ => self.fallback,
        }
    }

    /// The glyph for a character; characters the font lacks get the glyph of `?`
    /// (PDF/A forbids showing `.notdef`).
    pub fn glyph(&self, c: char) -> u16 {
        match self.ascii.get(c as usize) {
            Some(&(gid, _)) => gid,
            None => self.lookup(c),
        }
    }

    /// Whether the font has a real glyph for `c`.
    pub fn covers(&self, c: char) -> bool {
        self.face.glyph_index(c).is_some_and(|g| g.0 != 0)
    }

    /// The glyph and its advance in font units.
    #[inline]
    pub fn glyph_and_advance(&self, c: char) -> (u16, u16) {
        match self.ascii.get(c as usize) {
            Some(&pair) => pair,
            None => {
                let gid = self.lookup(c);
                (gid, self.advance(gid))
            }
        }
    }

    /// Horizontal advance in font units.
    pub fn advance(&self, gid: u16) -> u16 {
        self.face.glyph_hor_advance(GlyphId(gid)).unwrap_or(0)
    }

    /// Precomputes the kerning of every pair of the common glyphs, so that laying
    /// out a letter does not search the GPOS tables pair by pair.
    fn build_dense_kerning(&mut self) {
        let mut glyphs: Vec<u16> = self.ascii.iter().map(|(g, _)| *g).collect();
        glyphs.sort_unstable();
        glyphs.dedup();
        let max = glyphs.last().copied().unwrap_or(0) as usize;
        let mut index = vec![u16::MAX; max + 1];
        for (i, g) in glyphs.iter().enumerate() {
            index[*g as usize] = i as u16;
        }
        let n = glyphs.len();
        let mut table = vec![0i16; n * n];
        for (i, left) in glyphs.iter().enumerate() {
            let covered = self.kern_lookups.iter().flatten().any(|pair| match pair {
                PairAdjustment::Format1 { coverage, .. }
                | PairAdjustment::Format2 { coverage, .. } => coverage.contains(GlyphId(*left)),
            });
            if !covered && !self.kern_lookups.is_empty() {
                continue;
            }
            for (j, right) in glyphs.iter().enumerate() {
                table[i * n + j] = self.lookup_kerning(*left, *right);
            }
        }
        self.dense_index = index;
        self.dense_kerning = table;
        self.dense_len = n;
    }

    /// Pair kerning in font units (negative pulls the glyphs together).
    #[inline]
    pub fn kerning(&self, left: u16, right: u16) -> i16 {
        let at = |g: u16| {
            self.dense_index
                .get(g as usize)
                .copied()
                .filter(|i| *i != u16::MAX)
        };
        match (at(left), at(right)) {
            (Some(l), Some(r)) => self.dense_kerning[l as usize * self.dense_len + r as usize],
            _ => self.lookup_kerning(left, right),
        }
    }

    /// Pair kerning from the font tables. Within a
    /// lookup the first subtable that covers the pair applies; lookups add up.
    fn lookup_kerning(&self, left: u16, right: u16) -> i16 {
        let (l, r) = (GlyphId(left), GlyphId(right));
        let mut total = 0i16;
        for lookup in &self.kern_lookups {
            for pair in lookup {
                let value = match pair {
                    PairAdjustment::Format1 { coverage, sets } => coverage
                        .get(l)
                        .and_then(|i| sets.get(i))
                        .and_then(|set| set.get(r))
                        .map(|(first, _)| first.x_advance),
                    PairAdjustment::Format2 {
                        coverage,
                        classes,
                        matrix,
                    } => coverage.contains(l).then(|| {
                        matrix
                            .get((classes.0.get(l), classes.1.get(r)))
                            .map_or(0, |(first, _)| first.x_advance)
                    }),
                };
                if let Some(v) = value {
                    total = total.saturating_add(v);
                    break;
                }
            }
        }
        if self.kern_lookups.is_empty() {
            if let Some(kern) = self.face.tables().kern {
                for sub in kern.subtables {
                    if sub.horizontal && !sub.variable {
                        if let Some(v) = sub.glyphs_kerning(l, r) {
                            return v;
                        }
                    }
                }
            }
        }
        total
    }

    /// Width of a string in points at `size`, with kerning.
    pub fn text_width(&self, text: &str, size: f32) -> f32 {
        let mut units = 0i32;
        let mut prev: Option<u16> = None;
        for c in text.chars() {
            let (gid, adv) = self.glyph_and_advance(c);
            if let Some(p) = prev {
                units += i32::from(self.kerning(p, gid));
            }
            units += i32::from(adv);
            prev = Some(gid);
        }
        units as f32 * size / self.units_per_em
    }

    /// Ascender in points at `size`.
    pub fn ascent(&self, size: f32) -> f32 {
        f32::from(self.ascender) * size / self.units_per_em
    }
}

/// The pair adjustment subtables of the lookups behind the GPOS `kern` feature, one
/// list per lookup in lookup order.
fn gpos_kern_lookups(face: &Face<'static>) -> Vec<Vec<PairAdjustment<'static>>> {
    let Some(gpos) = face.tables().gpos else {
        return Vec::new();
    };
    let kern = Tag::from_bytes(b"kern");
    let mut lookup_indices: Vec<u16> = Vec::new();
    for feature in gpos.features {
        if feature.tag == kern {
            for index in feature.lookup_indices {
                if !lookup_indices.contains(&index) {
                    lookup_indices.push(index);
                }
            }
        }
    }
    lookup_indices.sort_unstable();
    let mut lookups = Vec::new();
    for index in lookup_indices {
        let Some(lookup) = gpos.lookups.get(index) else {
            continue;
        };
        let pairs: Vec<_> = lookup
            .subtables
            .into_iter::<PositioningSubtable<'static>>()
            .filter_map(|subtable| match subtable {
                PositioningSubtable::Pair(pair) => Some(pair),
                _ => None,
            })
            .collect();
        if !pairs.is_empty() {
            lookups.push(pairs);
        }
    }
    lookups
}

/// A family in four styles.
#[derive(Debug)]
pub struct FontFamily {
    faces: [FontFace; 4],
}

static REGULAR: &[u8] = include_bytes!("../fonts/LiberationSans-Regular.ttf");
static BOLD: &[u8] = include_bytes!("../fonts/LiberationSans-Bold.ttf");
static ITALIC: &[u8] = include_bytes!("../fonts/LiberationSans-Italic.ttf");
static BOLD_ITALIC: &[u8] = include_bytes!("../fonts/LiberationSans-BoldItalic.ttf");

impl FontFamily {
    /// Liberation Sans (SIL OFL 1.1, metric-compatible with Arial), shipped in
    /// `fonts/` with its licence.
    pub fn liberation_sans() -> FontFamily {
        let parse = |label: &str, data: &'static [u8]| {
            FontFace::parse(label, data).unwrap_or_else(|e| panic!("embedded font: {e}"))
        };
        FontFamily {
            faces: [
                parse("LiberationSans-Regular.ttf", REGULAR),
                parse("LiberationSans-Bold.ttf", BOLD),
                parse("LiberationSans-Italic.ttf", ITALIC),
                parse("LiberationSans-BoldItalic.ttf", BOLD_ITALIC),
            ],
        }
    }

    pub fn face(&self, style: Style) -> &FontFace {
        &self.faces[style.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn liberation_sans_has_german_glyphs_and_kerning() {
        let family = FontFamily::liberation_sans();
        let regular = family.face(Style::Regular);
        for c in "äöüÄÖÜß„“€–§".chars() {
            assert!(regular.covers(c), "missing {c}");
        }
        let a = regular.glyph('A');
        let v = regular.glyph('V');
        assert!(regular.kerning(a, v) < 0, "AV should kern");
        let t = regular.glyph('T');
        let o = regular.glyph('o');
        assert!(regular.kerning(t, o) < 0, "To should kern");
        assert_eq!(regular.kerning(regular.glyph('l'), regular.glyph('l')), 0);
        // Kerning makes "AV" narrower than its two advances.
        let plain = regular.text_width("A", 10.0) + regular.text_width("V", 10.0);
        assert!(regular.text_width("AV", 10.0) < plain);
    }

    #[test]
    fn missing_characters_fall_back_to_question_mark() {
        let family = FontFamily::liberation_sans();
        let regular = family.face(Style::Regular);
        assert_eq!(regular.glyph('\u{1F600}'), regular.glyph('?'));
        assert_ne!(regular.glyph('a'), 0);
    }

    #[test]
    fn postscript_names() {
        let family = FontFamily::liberation_sans();
        assert_eq!(
            family.face(Style::Bold).postscript_name,
            "LiberationSans-Bold"
        );
    }
}
