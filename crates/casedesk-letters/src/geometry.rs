//! DIN 5008 form B on A4 (letterhead 45 mm high), in points from the top-left
//! corner of the page.

/// Millimetres to PostScript points.
pub const fn mm(v: f32) -> f32 {
    v * 72.0 / 25.4
}

pub const PAGE_WIDTH: f32 = mm(210.0);
pub const PAGE_HEIGHT: f32 = mm(297.0);

/// Height of the letterhead (form B).
pub const LETTERHEAD_HEIGHT: f32 = mm(45.0);

/// The address field: 20 mm from the left edge, 45 mm from the top, 85 × 45 mm.
pub const ADDRESS_LEFT: f32 = mm(20.0);
pub const ADDRESS_TOP: f32 = mm(45.0);
pub const ADDRESS_WIDTH: f32 = mm(85.0);
pub const ADDRESS_HEIGHT: f32 = mm(45.0);
/// The return address and note zone at the top of the address field.
pub const NOTE_ZONE_HEIGHT: f32 = mm(17.7);
/// The zone for up to six address lines below it.
pub const ADDRESS_ZONE_TOP: f32 = ADDRESS_TOP + NOTE_ZONE_HEIGHT;
pub const ADDRESS_ZONE_HEIGHT: f32 = mm(27.3);
/// Text inside the address field starts 5 mm in, 25 mm from the page edge.
pub const ADDRESS_TEXT_LEFT: f32 = mm(25.0);
pub const ADDRESS_MAX_LINES: usize = 6;

/// The information block: 125 mm from the left, 75 mm wide, its top 5 mm below the
/// top of the address field.
pub const INFO_LEFT: f32 = mm(125.0);
pub const INFO_WIDTH: f32 = mm(75.0);
pub const INFO_TOP: f32 = ADDRESS_TOP + mm(5.0);

/// Text margins.
pub const MARGIN_LEFT: f32 = mm(25.0);
pub const MARGIN_RIGHT: f32 = mm(20.0);
pub const TEXT_WIDTH: f32 = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT;

/// Fold marks and the hole mark, measured from the top, at the left edge.
pub const FOLD_MARK_1: f32 = mm(105.0);
pub const FOLD_MARK_2: f32 = mm(210.0);
pub const HOLE_MARK: f32 = mm(148.5);

/// The body starts two lines below the address field on the first page (the
/// subject line of form B sits at about 98.5 mm) and below the short header on
/// following pages; it ends above the footer.
pub const BODY_FIRST_TOP: f32 = mm(98.5);
pub const BODY_NEXT_TOP: f32 = mm(27.0);
pub const BODY_BOTTOM: f32 = mm(268.0);
/// The footer with the authority's contact and bank details.
pub const FOOTER_TOP: f32 = mm(274.0);
/// The short header of following pages.
pub const HEADER_BASELINE: f32 = mm(15.0);
