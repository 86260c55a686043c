//! Filling units, groups of lines that must stay together, into pages: a unit
//! that does not fit starts the next page and takes along the units before it that
//! must stay with it, as many as fit on that page.

use super::{Body, BodyFrame, BodyLine, Item};

/// A group of lines that is never split across pages.
#[derive(Debug, Clone, Default)]
pub(super) struct Unit {
    pub(super) height: f32,
    /// Space above, dropped at the top of a page.
    pub(super) space_before: f32,
    pub(super) keep_with_next: bool,
    pub(super) items: Vec<Item>,
    pub(super) lines: Vec<BodyLine>,
}

/// Fills `units` into pages in order and places them, each page's first unit at the
/// top of the frame (its space above dropped).
pub(super) fn paginate(units: Vec<Unit>, frame: &BodyFrame) -> Body {
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
        // that would empty this page or overfill the next.
        let mut carried: Vec<Unit> = vec![unit];
        while current.len() > 1 && current.last().is_some_and(|u| u.keep_with_next) {
            let last = current.last().expect("checked");
            let with_last = last.height + carried[0].space_before + height_of(&carried);
            if with_last > capacity(page + 1) + 0.01 {
                break;
            }
            carried.insert(0, current.pop().expect("checked"));
        }
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
