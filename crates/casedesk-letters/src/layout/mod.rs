//! The layout engine: paragraphs broken into lines, blocks into pages.
//!
//! This module holds what the layout produces (the [`Item`]s placed on a page and
//! the [`BodyLine`]s it broke) and what it is given (the [`BodyStyle`] and the
//! [`BodyFrame`]); the work is done in its submodules, in the order a body passes
//! through them:
//!
//! - `lines`: inline text broken into lines at Unicode line-break opportunities
//!   (UAX #14, `unicode-linebreak`), first fit, ragged right as DIN 5008 letters are
//!   set;
//! - `hyphenate`: a word that does not fit, hyphenated with the German patterns of
//!   `hypher` (TeX's de-1996 patterns) when [`crate::RenderOptions::hyphenate`] is on,
//!   or split as a last resort when it is wider than the whole line;
//! - `blocks`: headings, paragraphs and lists made into units, groups of lines
//!   that must stay together: a paragraph keeps at least two lines at the foot and
//!   the head of a page (and paragraphs of up to four lines are never split), a
//!   heading is kept with what follows it;
//! - `table`: tables made into units, one per row: a row is never split, and a
//!   header row stays with the first body row;
//! - `paginate`: units filled into pages.
//!
//! All coordinates are PostScript points measured from the top-left corner of the
//! page; the PDF writer flips them.

use crate::font::Style;

mod blocks;
mod hyphenate;
mod lines;
mod paginate;
mod table;

pub use blocks::layout_body;
pub use lines::LineBreaker;

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

/// The frame the unit tests lay out into: narrower than a letter's, so that a few
/// paragraphs already fill pages.
#[cfg(test)]
fn test_frame() -> BodyFrame {
    BodyFrame {
        left: 70.0,
        width: 300.0,
        first_top: 280.0,
        next_top: 70.0,
        bottom: 760.0,
    }
}
