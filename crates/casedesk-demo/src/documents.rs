//! Generators for the files demo and benchmark cases carry: one-page PDFs, scanned
//! pages as PNG and photos as JPEG.
//!
//! They are pure functions of their arguments, so the same seed always gives the same
//! bytes and therefore the same SHA-256; the content-addressed blob store then shares
//! identical files the way it would for real uploads. Sizes stay in the tens of
//! kilobytes so that creating a demo tenant stays fast. The PDFs use the standard
//! Helvetica font with WinAnsiEncoding, which every PDF reader has built in and which
//! covers German text (ä ö ü ß, „Anführungszeichen“, €, –) without embedding a font.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use sha2::{Digest, Sha256};

/// A4 in PostScript points.
const PAGE_WIDTH: f32 = 595.28;
const PAGE_HEIGHT: f32 = 841.89;
/// 25 mm left and 20 mm right margin, as DIN 5008 asks for letters.
const MARGIN_LEFT: f32 = 70.87;
const MARGIN_RIGHT: f32 = 56.69;
const MARGIN_TOP: f32 = 62.0;
const MARGIN_BOTTOM: f32 = 56.0;
const TITLE_SIZE: f32 = 14.0;
const BODY_SIZE: f32 = 10.5;
const LEADING: f32 = 14.0;

/// A small, fast pseudo-random generator (SplitMix64) for pixel noise.
///
/// The generators must not depend on the `rand` crate's algorithms, whose output may
/// change between versions; a changed byte would change every demo file's hash.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`); the slight modulo bias does not matter for noise.
    pub fn below(&mut self, n: u32) -> u32 {
        (self.next_u64() % u64::from(n.max(1))) as u32
    }

    /// A number in `lo..=hi`.
    pub fn between(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }
}

/// Encodes text as Windows-1252 bytes, the byte values of PDF's WinAnsiEncoding.
///
/// Characters outside the code page become `?`, so a name in another script shows up
/// as visibly missing rather than as wrong letters.
pub fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            ' '..='~' | '\u{A0}'..='\u{FF}' => c as u8,
            '\t' => b' ',
            '€' => 0x80,
            '‚' => 0x82,
            'ƒ' => 0x83,
            '„' => 0x84,
            '…' => 0x85,
            '†' => 0x86,
            '‡' => 0x87,
            'ˆ' => 0x88,
            '‰' => 0x89,
            'Š' => 0x8A,
            '‹' => 0x8B,
            'Œ' => 0x8C,
            'Ž' => 0x8E,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '˜' => 0x98,
            '™' => 0x99,
            'š' => 0x9A,
            '›' => 0x9B,
            'œ' => 0x9C,
            'ž' => 0x9E,
            'Ÿ' => 0x9F,
            _ => b'?',
        })
        .collect()
}

/// Helvetica's advance widths (per 1000 units of font size) for ASCII 32–126, from
/// the font's AFM file.
const HELVETICA_ASCII: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278,
    278, // ' '..'/'
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584,
    556, // '0'..'?'
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722,
    778, // '@'..'O'
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469,
    556, // 'P'..'_'
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556,
    556, // '`'..'o'
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // 'p'..'~'
];

/// The width of one WinAnsi byte in Helvetica. Outside ASCII only the characters
/// German text uses are listed; the rest count as a digit's width, which is wide
/// enough for line breaking.
fn helvetica_width(byte: u8) -> u16 {
    match byte {
        32..=126 => HELVETICA_ASCII[usize::from(byte - 32)],
        0x82 | 0x84 | 0x91..=0x94 => 333,
        0x85 | 0x97 => 1000,
        0xB0 => 400,
        0xB2 | 0xB3 => 333,
        0xB7 => 278,
        0xC4 => 667,
        0xD6 => 778,
        0xD7 => 584,
        0xDC => 722,
        0xDF => 611,
        _ => 556,
    }
}

fn text_width(bytes: &[u8], size: f32) -> f32 {
    bytes
        .iter()
        .map(|b| f32::from(helvetica_width(*b)))
        .sum::<f32>()
        * size
        / 1000.0
}

/// Breaks one paragraph into lines no wider than `max_width` points.
fn wrap(paragraph: &[u8], size: f32, max_width: f32) -> Vec<Vec<u8>> {
    let mut lines = Vec::new();
    let mut current: Vec<u8> = Vec::new();
    for word in paragraph.split(|b| *b == b' ').filter(|w| !w.is_empty()) {
        let mut candidate = current.clone();
        if !candidate.is_empty() {
            candidate.push(b' ');
        }
        candidate.extend_from_slice(word);
        if current.is_empty() || text_width(&candidate, size) <= max_width {
            current = candidate;
        } else {
            lines.push(std::mem::take(&mut current));
            current.extend_from_slice(word);
        }
    }
    lines.push(current);
    lines
}

/// A one-page A4 PDF with a bold title and body lines in Helvetica.
///
/// An empty string in `lines` is a blank line; long lines wrap at the right margin.
/// Lines that do not fit on the page are left out, because callers ask for a single
/// page. The file has a cross-reference table, a trailer with a document ID derived
/// from the content, and document information with the title.
pub fn pdf_document(title: &str, lines: &[String]) -> Vec<u8> {
    let catalog_id = Ref::new(1);
    let page_tree_id = Ref::new(2);
    let page_id = Ref::new(3);
    let body_font_id = Ref::new(4);
    let title_font_id = Ref::new(5);
    let content_id = Ref::new(6);
    let info_id = Ref::new(7);
    let body_font = Name(b"F1");
    let title_font = Name(b"F2");

    let mut pdf = Pdf::new();
    pdf.catalog(catalog_id).pages(page_tree_id);
    pdf.pages(page_tree_id).kids([page_id]).count(1);
    let mut page = pdf.page(page_id);
    page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT));
    page.parent(page_tree_id);
    page.contents(content_id);
    let mut resources = page.resources();
    let mut fonts = resources.fonts();
    fonts.pair(body_font, body_font_id);
    fonts.pair(title_font, title_font_id);
    fonts.finish();
    resources.finish();
    page.finish();
    for (id, base) in [
        (body_font_id, &b"Helvetica"[..]),
        (title_font_id, &b"Helvetica-Bold"[..]),
    ] {
        pdf.type1_font(id)
            .base_font(Name(base))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }

    let text_width_max = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT;
    let mut content = Content::new();
    let mut y = PAGE_HEIGHT - MARGIN_TOP;
    content.begin_text();
    content.set_font(title_font, TITLE_SIZE);
    content.next_line(MARGIN_LEFT, y);
    let mut first = true;
    for line in wrap(&win_ansi(title), TITLE_SIZE, text_width_max) {
        if !first {
            content.next_line(0.0, -TITLE_SIZE * 1.25);
            y -= TITLE_SIZE * 1.25;
        }
        first = false;
        content.show(Str(&line));
    }
    content.end_text();
    // A rule under the title, as letterheads and forms have.
    let rule_y = y - 8.0;
    content
        .set_line_width(0.6)
        .set_stroke_gray(0.35)
        .move_to(MARGIN_LEFT, rule_y)
        .line_to(PAGE_WIDTH - MARGIN_RIGHT, rule_y)
        .stroke();

    y = rule_y - 22.0;
    content.begin_text();
    content.set_font(body_font, BODY_SIZE);
    content.set_leading(LEADING);
    content.next_line(MARGIN_LEFT, y);
    let mut started = false;
    'paragraphs: for paragraph in lines {
        for line in wrap(&win_ansi(paragraph), BODY_SIZE, text_width_max) {
            if started {
                if y - LEADING < MARGIN_BOTTOM {
                    break 'paragraphs;
                }
                y -= LEADING;
                content.next_line_using_leading();
            }
            started = true;
            if !line.is_empty() {
                content.show(Str(&line));
            }
        }
    }
    content.end_text();
    pdf.stream(content_id, &content.finish());

    pdf.document_info(info_id)
        .title(TextStr(title))
        .creator(TextStr("Casedesk"))
        .producer(TextStr("Casedesk Demo (pdf-writer)"));

    let mut hasher = Sha256::new();
    hasher.update(title.as_bytes());
    for line in lines {
        hasher.update([0u8]);
        hasher.update(line.as_bytes());
    }
    let id = hasher.finalize()[..16].to_vec();
    pdf.set_file_id((id.clone(), id));
    pdf.finish()
}

/// A grey-scale PNG that looks like a scanned page: slightly uneven paper, a letterhead
/// block, lines of "text" made of glyph-like strokes and a few specks of dust.
///
/// Over 100 lines on purpose: the page is drawn in the order a scan shows it (paper,
/// letterhead, text, dust), every step on the same pixels and the same random
/// stream, so the steps read best one after the other.
pub fn png_scan(seed: u64, width: u32, height: u32) -> Vec<u8> {
    let width = width.max(16);
    let height = height.max(16);
    let (w, h) = (width as usize, height as usize);
    let mut rng = SplitMix64::new(seed);
    let mut pixels = vec![0_u8; w * h];

    // Paper: brighter in the middle, darker towards one edge like a flatbed scan,
    // with the shade changing per row so the image still compresses well.
    let base = 236 + rng.below(10) as i32;
    let shade_left = rng.below(2) == 0;
    for (y, row) in pixels.chunks_exact_mut(w).enumerate() {
        let row_tint = ((y * 7 / h) as i32) % 2;
        for (x, pixel) in row.iter_mut().enumerate() {
            let edge = if shade_left { x } else { w - 1 - x };
            let shadow = if edge < w / 24 {
                ((w / 24 - edge) * 18 / (w / 24).max(1)) as i32
            } else {
                0
            };
            *pixel = (base - row_tint - shadow).clamp(0, 255) as u8;
        }
    }

    let margin = w / 9;
    let line_height = (h / 70).max(4);
    let glyph_height = (line_height * 3 / 5).max(3);
    let draw_line = |pixels: &mut [u8], rng: &mut SplitMix64, top: usize, right: usize| {
        let mut x = margin;
        while x + 8 < right {
            let word = rng.between(2, 9) as usize;
            for _ in 0..word {
                let glyph = rng.between(3, 6) as usize;
                let strokes = rng.next_u64();
                for dx in 0..glyph {
                    // Each glyph column is either a full stroke or a short one, which
                    // reads as letters with ascenders at a glance.
                    let full = (strokes >> (dx % 64)) & 1 == 1;
                    let start = if full { 0 } else { glyph_height / 2 };
                    for dy in start..glyph_height {
                        let (px, py) = (x + dx, top + dy);
                        if px < right && py < h {
                            pixels[py * w + px] = 40 + (strokes >> 8) as u8 % 40;
                        }
                    }
                }
                x += glyph + 1;
                if x >= right {
                    break;
                }
            }
            x += rng.between(4, 7) as usize;
        }
    };

    // Letterhead: a dark block (a logo) and two short lines beside it.
    let logo = (w / 12).max(6);
    for y in margin / 2..margin / 2 + logo {
        for x in margin..margin + logo {
            if y < h && x < w {
                pixels[y * w + x] = 70;
            }
        }
    }
    draw_line(&mut pixels, &mut rng, margin / 2, w / 2);
    draw_line(
        &mut pixels,
        &mut rng,
        margin / 2 + line_height,
        w / 2 - margin,
    );

    // Body text in paragraphs with ragged right edges.
    let mut top = margin / 2 + logo + 3 * line_height;
    while top + line_height < h - margin / 2 {
        let paragraph = rng.between(3, 8);
        for i in 0..paragraph {
            if top + line_height >= h - margin / 2 {
                break;
            }
            let right = if i + 1 == paragraph {
                margin + (w - 2 * margin) * rng.between(20, 80) as usize / 100
            } else {
                w - margin - rng.below((w / 20) as u32) as usize
            };
            draw_line(&mut pixels, &mut rng, top, right);
            top += line_height;
        }
        top += line_height;
    }

    // Dust specks.
    for _ in 0..(w * h / 4000) {
        let (x, y) = (rng.below(width) as usize, rng.below(height) as usize);
        pixels[y * w + x] = 90 + rng.below(100) as u8;
    }

    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Best);
        encoder.set_adaptive_filter(png::AdaptiveFilterType::Adaptive);
        // Writing into a Vec cannot fail, and the header matches the buffer size.
        let mut writer = encoder
            .write_header()
            .expect("a PNG header for valid dimensions is writable to memory");
        writer
            .write_image_data(&pixels)
            .expect("the pixel buffer has exactly width × height bytes");
    }
    out
}

/// An RGB JPEG that looks like a phone photo of a document lying on a table: a
/// coloured background gradient, a light card with a photo field and text lines, and
/// sensor noise.
pub fn jpeg_photo(seed: u64, width: u16, height: u16) -> Vec<u8> {
    let width = width.max(16);
    let height = height.max(16);
    let (w, h) = (usize::from(width), usize::from(height));
    let mut rng = SplitMix64::new(seed);
    let table_a = [
        rng.between(90, 170) as f32,
        rng.between(70, 140) as f32,
        rng.between(50, 120) as f32,
    ];
    let table_b = [
        rng.between(40, 100) as f32,
        rng.between(30, 90) as f32,
        rng.between(30, 80) as f32,
    ];
    let card_left = w / 8 + rng.below((w / 16) as u32) as usize;
    let card_top = h / 6 + rng.below((h / 16) as u32) as usize;
    let card_right = w - w / 8;
    let card_bottom = h - h / 6;
    let card_tint = [
        230 - rng.below(25) as i32,
        228 - rng.below(20) as i32,
        215 - rng.below(30) as i32,
    ];
    let photo_right = card_left + (card_right - card_left) / 3;
    let photo_bottom = card_top + (card_bottom - card_top) * 3 / 4;
    let text_rows: Vec<(usize, usize)> = (0..6)
        .map(|i| {
            let top = card_top + (card_bottom - card_top) * (2 + 2 * i) / 16;
            let len = (card_right - photo_right) * rng.between(35, 85) as usize / 100;
            (top, len)
        })
        .collect();
    let line_height = ((card_bottom - card_top) / 24).max(2);

    let mut pixels = Vec::with_capacity(w * h * 3);
    for y in 0..h {
        for x in 0..w {
            let t = (x + y) as f32 / (w + h) as f32;
            let mut rgb = [0_i32; 3];
            for (c, value) in rgb.iter_mut().enumerate() {
                *value = (table_a[c] * (1.0 - t) + table_b[c] * t) as i32;
            }
            let on_card =
                (card_left..card_right).contains(&x) && (card_top..card_bottom).contains(&y);
            if on_card {
                rgb = card_tint;
                let in_photo = (card_left + 8..photo_right).contains(&x)
                    && (card_top + 10..photo_bottom).contains(&y);
                if in_photo {
                    // A portrait: a head-shaped ellipse on a pale blue background.
                    let cx = (card_left + 8 + photo_right) as f32 / 2.0;
                    let cy = (card_top + 10 + photo_bottom) as f32 / 2.2;
                    let rx = (photo_right - card_left - 8) as f32 / 3.2;
                    let ry = (photo_bottom - card_top - 10) as f32 / 3.0;
                    let dx = (x as f32 - cx) / rx;
                    let dy = (y as f32 - cy) / ry;
                    rgb = if dx * dx + dy * dy < 1.0 || (y as f32 > cy + ry * 0.9) {
                        [150, 110, 90]
                    } else {
                        [180, 200, 220]
                    };
                } else if x > photo_right + 10 {
                    for (top, len) in &text_rows {
                        if (*top..*top + line_height).contains(&y)
                            && x < photo_right + 10 + len
                            && (x / 3) % 4 != 0
                        {
                            rgb = [45, 45, 60];
                        }
                    }
                }
            }
            let noise = rng.below(9) as i32 - 4;
            pixels.extend(rgb.iter().map(|v| (v + noise).clamp(0, 255) as u8));
        }
    }
    let mut out = Vec::new();
    let encoder = jpeg_encoder::Encoder::new(&mut out, 72);
    encoder
        .encode(&pixels, width, height, jpeg_encoder::ColorType::Rgb)
        .expect("an RGB buffer of width × height × 3 bytes encodes to memory");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn german_lines() -> Vec<String> {
        vec![
            "Sehr geehrte Frau Müller,".to_owned(),
            String::new(),
            "Größe der Fläche: 12 m² – Gebühr 60,00 € „vorläufig“".to_owned(),
            "Straße: Äußere Weißenburger Straße 7, Übergabe an Öffentlichkeit".to_owned(),
            "Ein sehr langer Absatz, der über die Zeilenbreite hinausgeht und deshalb am rechten Rand umbrochen werden muss, damit nichts abgeschnitten wird.".to_owned(),
        ]
    }

    fn run(tool: &str, args: &[&std::ffi::OsStr]) -> std::process::Output {
        std::process::Command::new(tool)
            .args(args)
            .output()
            .unwrap_or_else(|e| {
                panic!("{tool} must be installed (apt-get install qpdf poppler-utils): {e}")
            })
    }

    #[test]
    fn pdf_is_valid_for_qpdf_and_german_text_extracts_exactly() {
        let pdf = pdf_document("Bescheid über Ihre Hundeanmeldung", &german_lines());
        assert!(pdf.starts_with(b"%PDF-"));
        let tail = String::from_utf8_lossy(&pdf[pdf.len() - 16..]).to_string();
        assert!(tail.trim_end().ends_with("%%EOF"), "{tail:?}");
        assert!(pdf.windows(4).any(|w| w == b"xref"));
        assert!(pdf.windows(7).any(|w| w == b"trailer"));

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bescheid.pdf");
        std::fs::write(&path, &pdf).unwrap();
        let check = run("qpdf", &["--check".as_ref(), path.as_os_str()]);
        assert!(
            check.status.success(),
            "qpdf --check failed: {}{}",
            String::from_utf8_lossy(&check.stdout),
            String::from_utf8_lossy(&check.stderr)
        );

        let text = run("pdftotext", &[path.as_os_str(), "-".as_ref()]);
        assert!(text.status.success());
        let text = String::from_utf8(text.stdout).unwrap();
        assert!(text.contains("Bescheid über Ihre Hundeanmeldung"), "{text}");
        assert!(
            text.contains("Größe der Fläche: 12 m² – Gebühr 60,00 € „vorläufig“"),
            "{text}"
        );
        assert!(
            text.contains("Straße: Äußere Weißenburger Straße 7, Übergabe an Öffentlichkeit"),
            "{text}"
        );
        assert!(text.contains("umbrochen werden muss"), "{text}");
    }

    #[test]
    fn pdf_is_deterministic_and_keeps_to_one_page() {
        let many: Vec<String> = (0..200).map(|i| format!("Zeile {i}")).collect();
        let a = pdf_document("Lange Liste", &many);
        assert_eq!(a, pdf_document("Lange Liste", &many));
        let text = String::from_utf8_lossy(&a);
        let pages = text.matches("/Type /Page").count() - text.matches("/Type /Pages").count();
        assert_eq!(pages, 1);
        assert!(text.contains("(Zeile 10)"));
        assert!(!text.contains("(Zeile 199)"));
    }

    #[test]
    fn win_ansi_maps_german_characters_to_code_page_1252() {
        assert_eq!(
            win_ansi("äöüßÄÖÜ"),
            [0xE4, 0xF6, 0xFC, 0xDF, 0xC4, 0xD6, 0xDC]
        );
        assert_eq!(win_ansi("„€“–"), [0x84, 0x80, 0x93, 0x96]);
        assert_eq!(win_ansi("ı"), b"?");
    }

    #[test]
    fn png_scan_is_a_real_png_of_modest_size() {
        let png = png_scan(7, 620, 877);
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(casedesk_portal_store::blobs::sniff(&png), Some("image/png"));
        let decoder = png::Decoder::new(std::io::Cursor::new(&png));
        let reader = decoder.read_info().unwrap();
        assert_eq!((reader.info().width, reader.info().height), (620, 877));
        assert_eq!(reader.info().color_type, png::ColorType::Grayscale);
        assert!(png.len() < 120_000, "{} bytes", png.len());
        assert_eq!(png, png_scan(7, 620, 877));
        assert_ne!(png, png_scan(8, 620, 877));
    }

    #[test]
    fn jpeg_photo_is_a_real_jpeg_of_modest_size() {
        let jpeg = jpeg_photo(3, 640, 427);
        assert_eq!(&jpeg[..3], &[0xFF, 0xD8, 0xFF]);
        assert_eq!(&jpeg[jpeg.len() - 2..], &[0xFF, 0xD9]);
        assert_eq!(
            casedesk_portal_store::blobs::sniff(&jpeg),
            Some("image/jpeg")
        );
        // The start-of-frame segment carries the dimensions.
        let sof = jpeg
            .windows(2)
            .position(|w| w == [0xFF, 0xC0])
            .expect("a baseline JPEG has an SOF0 segment");
        let height = u16::from_be_bytes([jpeg[sof + 5], jpeg[sof + 6]]);
        let width = u16::from_be_bytes([jpeg[sof + 7], jpeg[sof + 8]]);
        assert_eq!((width, height), (640, 427));
        assert!(jpeg.len() < 120_000, "{} bytes", jpeg.len());
        assert_eq!(jpeg, jpeg_photo(3, 640, 427));
    }

    #[test]
    fn generated_pdfs_are_accepted_by_the_blob_sniffer() {
        let pdf = pdf_document("Lageplan", &["Flur 12, Flurstück 345".to_owned()]);
        assert_eq!(
            casedesk_portal_store::blobs::sniff(&pdf),
            Some("application/pdf")
        );
    }
}
