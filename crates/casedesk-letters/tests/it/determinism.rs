//! The same input gives the same bytes; a different creation date changes them.

use casedesk_domain::Outcome;
use casedesk_letters::{Letterhead, RenderOptions, TemplateSet, render, sample};
use chrono::{TimeZone, Utc};

use crate::support::options;

#[test]
fn same_input_same_bytes() {
    let input = sample::input("BA", Outcome::Approved);
    let a = render(
        &TemplateSet::defaults(),
        &Letterhead::demo(),
        &input,
        &options(),
    )
    .unwrap();
    let b = render(
        &TemplateSet::defaults(),
        &Letterhead::demo(),
        &input,
        &options(),
    )
    .unwrap();
    assert_eq!(a, b);
    let later = RenderOptions::at(Utc.with_ymd_and_hms(2026, 3, 13, 8, 0, 0).unwrap());
    let c = render(
        &TemplateSet::defaults(),
        &Letterhead::demo(),
        &input,
        &later,
    )
    .unwrap();
    assert_ne!(a, c, "the creation date is part of the document");
}

#[test]
fn same_bytes_across_threads() {
    let input = sample::input("SN", Outcome::Approved);
    let first = render(
        &TemplateSet::defaults(),
        &Letterhead::demo(),
        &input,
        &options(),
    )
    .unwrap();
    let others: Vec<Vec<u8>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    render(
                        &TemplateSet::defaults(),
                        &Letterhead::demo(),
                        &input,
                        &options(),
                    )
                    .unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for other in others {
        assert_eq!(first, other);
    }
}
