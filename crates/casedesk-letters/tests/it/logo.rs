//! An SVG letterhead logo is drawn as vectors where the PNG logo would be: checked
//! by rasterising the page with poppler's `pdftoppm` and looking for the logo's
//! colour, and by `pdfimages` finding no raster image.

use casedesk_domain::Outcome;
use casedesk_letters::{Letterhead, TemplateSet, render, sample};

use crate::support::{options, run, write_temp};

/// A red shield with a white tower, 100 × 120 user units.
const SHIELD: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 120" width="100" height="120">
  <path d="M5 5 H95 V60 C95 95 50 115 50 115 C50 115 5 95 5 60 Z" fill="#c00000"/>
  <rect x="35" y="30" width="30" height="50" fill="#ffffff"/>
</svg>"##;

/// Rasterises page 1 at `dpi` and returns (width, height, RGB samples).
fn page_pixels(pdf: &[u8], dpi: u32) -> (usize, usize, Vec<u8>) {
    let (dir, path) = write_temp("logo", pdf);
    let prefix = dir.path().join("page");
    run(
        "pdftoppm",
        &[
            "-r",
            &dpi.to_string(),
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            path.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let ppm = std::fs::read(dir.path().join("page.ppm")).unwrap();
    // P6, width, height, maxval, each followed by one whitespace byte.
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while ppm[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !ppm[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8(ppm[start..at].to_vec()).unwrap());
    }
    assert_eq!(fields[0], "P6");
    let width: usize = fields[1].parse().unwrap();
    let height: usize = fields[2].parse().unwrap();
    (width, height, ppm[at + 1..].to_vec())
}

#[test]
fn an_svg_logo_is_drawn_as_vectors_in_the_logo_box() {
    let letterhead = Letterhead::demo().with_logo(SHIELD.as_bytes()).unwrap();
    let input = sample::input("MB", Outcome::Approved);
    let pdf = render(&TemplateSet::defaults(), &letterhead, &input, &options()).unwrap();
    let (_dir, path) = write_temp("svg-logo", &pdf);
    let check = run("qpdf", &["--check", path.to_str().unwrap()]);
    assert!(
        check.contains("No syntax or stream encoding errors found"),
        "{check}"
    );
    // Vectors, not an image: pdfimages lists none (its two header lines only).
    let images = run("pdfimages", &["-list", path.to_str().unwrap()]);
    assert_eq!(images.lines().count(), 2, "{images}");
    // Deterministic with an SVG logo too.
    let again = render(&TemplateSet::defaults(), &letterhead, &input, &options()).unwrap();
    assert!(pdf == again, "same input, different bytes");

    // The logo box: 26 mm high at 10 mm from the top, right-aligned at the 20 mm
    // margin; the shield is 100 × 120, so 21.67 mm wide.
    let dpi = 100;
    let (width, _height, pixels) = page_pixels(&pdf, dpi);
    let px = |mm: f64| mm / 25.4 * f64::from(dpi);
    let (left, right) = (px(210.0 - 20.0 - 26.0 * 100.0 / 120.0), px(190.0));
    let (top, bottom) = (px(10.0), px(36.0));
    let mut inside = 0;
    let mut outside = 0;
    for (i, rgb) in pixels.chunks_exact(3).enumerate() {
        let red = rgb[0] > 150 && rgb[1] < 60 && rgb[2] < 60;
        if !red {
            continue;
        }
        let (x, y) = ((i % width) as f64, (i / width) as f64);
        let tolerance = 1.5;
        if x >= left - tolerance
            && x <= right + tolerance
            && y >= top - tolerance
            && y <= bottom + tolerance
        {
            inside += 1;
        } else {
            outside += 1;
        }
    }
    // The shield covers most of its box (about 85 × 100 px at 100 dpi) less the
    // white tower.
    assert!(inside > 3000, "only {inside} red pixels in the logo box");
    assert_eq!(outside, 0, "red pixels outside the logo box");
}
