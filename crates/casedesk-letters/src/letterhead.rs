//! The tenant's letterhead: name, address, contact, bank details, the competent
//! administrative court and the logo.
//!
//! It is data, not code: the portal stores it per tenant (as JSON plus the logo
//! file) and desktops receive it by sync, so an admin changes it without a release.
//! [`Letterhead::demo`] is the demo town's.

use serde::{Deserialize, Serialize};

use crate::LetterError;

/// Bank details for fee payments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankDetails {
    pub account_holder: String,
    pub bank_name: String,
    pub iban: String,
    pub bic: String,
}

/// The administrative court competent for actions against the tenant's decisions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Court {
    /// E.g. "Verwaltungsgericht Minden".
    pub name: String,
    /// Postal address, e.g. "Königswall 8, 32423 Minden".
    pub address: String,
    /// The seat as the remedy instructions name it, e.g. "Minden".
    pub seat: String,
}

/// Everything printed about the authority itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Letterhead {
    /// The authority as the letter's sender, e.g. "Stadt Minden".
    pub authority: String,
    /// Second line of the letterhead, e.g. "Der Bürgermeister".
    pub subtitle: String,
    /// The one-line return address above the recipient.
    pub return_address: String,
    /// Postal address lines for the footer.
    pub address_lines: Vec<String>,
    pub phone: String,
    pub email: String,
    pub website: String,
    pub opening_hours: Vec<String>,
    pub bank: BankDetails,
    pub court: Court,
    /// The fee by-law the fee assessments cite, e.g.
    /// "Verwaltungsgebührensatzung der Stadt Minden".
    pub fee_bylaw: String,
    #[serde(skip)]
    pub logo: Option<Logo>,
}

impl Letterhead {
    /// The demo town (Stadt Minden, NRW) with its default logo.
    pub fn demo() -> Letterhead {
        Letterhead {
            authority: "Stadt Minden".into(),
            subtitle: "Der Bürgermeister".into(),
            return_address: "Stadt Minden · Kleiner Domhof 17 · 32423 Minden".into(),
            address_lines: vec!["Kleiner Domhof 17".into(), "32423 Minden".into()],
            phone: "0571 89-0".into(),
            email: "buergerbuero@minden.example".into(),
            website: "www.minden.example".into(),
            opening_hours: vec!["Mo–Fr 8:00–12:30 Uhr".into(), "Do 14:00–17:30 Uhr".into()],
            bank: BankDetails {
                account_holder: "Stadt Minden".into(),
                bank_name: "Sparkasse Minden-Lübbecke".into(),
                iban: "DE02 4905 0101 0000 1234 56".into(),
                bic: "WELADED1MIN".into(),
            },
            court: Court {
                name: "Verwaltungsgericht Minden".into(),
                address: "Königswall 8, 32423 Minden".into(),
                seat: "Minden".into(),
            },
            fee_bylaw: "Verwaltungsgebührensatzung der Stadt Minden".into(),
            logo: Some(
                Logo::from_png(DEMO_LOGO).unwrap_or_else(|e| panic!("embedded demo logo: {e}")),
            ),
        }
    }

    /// Parses a letterhead from its JSON form (without the logo).
    pub fn from_json(json: &str) -> Result<Letterhead, LetterError> {
        serde_json::from_str(json).map_err(|e| LetterError::Letterhead(e.to_string()))
    }

    /// Sets the logo from PNG or SVG bytes.
    pub fn with_logo(mut self, bytes: &[u8]) -> Result<Letterhead, LetterError> {
        self.logo = Some(Logo::from_bytes(bytes)?);
        Ok(self)
    }
}

static DEMO_LOGO: &[u8] = include_bytes!("../assets/logo-demo.png");

/// A logo decoded once and kept ready for embedding: a raster image (PNG) or a vector
/// drawing (SVG, converted to PDF drawing operators, so it stays sharp at any size).
#[derive(Debug, Clone, PartialEq)]
pub struct Logo {
    pub(crate) image: LogoImage,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum LogoImage {
    /// 8-bit RGB samples and an optional alpha mask, both zlib-compressed.
    Raster {
        width: u32,
        height: u32,
        rgb_deflated: Vec<u8>,
        alpha_deflated: Option<Vec<u8>>,
    },
    Vector(VectorLogo),
}

/// An SVG as a self-contained PDF fragment: a form XObject one point square (like an
/// image XObject) and everything it uses, numbered from 1; `write_pdf` renumbers it
/// into each letter.
#[derive(Clone)]
pub(crate) struct VectorLogo {
    pub(crate) chunk: std::sync::Arc<pdf_writer::Chunk>,
    pub(crate) form: pdf_writer::Ref,
    aspect: f32,
    /// The SVG's SHA-256: two logos are the same when their sources are.
    digest: [u8; 32],
}

impl std::fmt::Debug for VectorLogo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VectorLogo")
            .field("aspect", &self.aspect)
            .field("bytes", &self.chunk.len())
            .finish()
    }
}

impl PartialEq for VectorLogo {
    fn eq(&self, other: &Self) -> bool {
        self.digest == other.digest
    }
}

/// SVG elements a logo may not use: text would need its font embedded (convert it to
/// paths), embedded raster images and scripts are not drawn.
const SVG_FORBIDDEN: &[(&str, &str)] = &[
    ("text", "Text (bitte in Pfade umwandeln)"),
    ("image", "eingebettete Rasterbilder"),
    ("script", "Skripte"),
    ("foreignObject", "HTML-Inhalte"),
];

/// SVG logos larger than this are refused: a letterhead logo is a few kilobytes.
const SVG_MAX_BYTES: usize = 512 * 1024;

impl Logo {
    /// Decodes a logo from PNG or SVG bytes, told apart by their content.
    pub fn from_bytes(bytes: &[u8]) -> Result<Logo, LetterError> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Logo::from_png(bytes)
        } else {
            Logo::from_svg(bytes)
        }
    }

    /// Decodes a PNG (any colour type and bit depth).
    pub fn from_png(bytes: &[u8]) -> Result<Logo, LetterError> {
        let bad = |e: &dyn std::fmt::Display| LetterError::Logo(e.to_string());
        let mut decoder = png::Decoder::new(bytes);
        decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
        let mut reader = decoder.read_info().map_err(|e| bad(&e))?;
        let mut buf = vec![0; reader.output_buffer_size()];
        let frame = reader.next_frame(&mut buf).map_err(|e| bad(&e))?;
        let pixels = &buf[..frame.buffer_size()];
        let count = (frame.width * frame.height) as usize;
        let mut rgb = Vec::with_capacity(count * 3);
        let mut alpha = Vec::with_capacity(count);
        match frame.color_type {
            png::ColorType::Rgb => rgb.extend_from_slice(pixels),
            png::ColorType::Rgba => {
                for px in pixels.chunks_exact(4) {
                    rgb.extend_from_slice(&px[..3]);
                    alpha.push(px[3]);
                }
            }
            png::ColorType::Grayscale => {
                for &g in pixels {
                    rgb.extend_from_slice(&[g, g, g]);
                }
            }
            png::ColorType::GrayscaleAlpha => {
                for px in pixels.chunks_exact(2) {
                    rgb.extend_from_slice(&[px[0], px[0], px[0]]);
                    alpha.push(px[1]);
                }
            }
            png::ColorType::Indexed => return Err(LetterError::Logo("unexpanded palette".into())),
        }
        let opaque = alpha.iter().all(|&a| a == 255);
        Ok(Logo {
            image: LogoImage::Raster {
                width: frame.width,
                height: frame.height,
                rgb_deflated: miniz_oxide::deflate::compress_to_vec_zlib(&rgb, 6),
                alpha_deflated: (!alpha.is_empty() && !opaque)
                    .then(|| miniz_oxide::deflate::compress_to_vec_zlib(&alpha, 6)),
            },
        })
    }

    /// Converts an SVG (UTF-8, paths and shapes) into PDF drawing operators, in the
    /// PDF/A-2 subset (svg2pdf's `pdfa` mode).
    pub fn from_svg(bytes: &[u8]) -> Result<Logo, LetterError> {
        let bad = |e: &dyn std::fmt::Display| LetterError::Logo(format!("SVG: {e}"));
        if bytes.len() > SVG_MAX_BYTES {
            return Err(LetterError::Logo(format!(
                "SVG: {} KiB, höchstens {} KiB",
                bytes.len() / 1024,
                SVG_MAX_BYTES / 1024
            )));
        }
        let text = std::str::from_utf8(bytes)
            .map_err(|_| LetterError::Logo("weder PNG noch SVG (kein UTF-8-Text)".into()))?;
        // usvg parses without fetching anything: no resources directory, no fonts.
        let xml = svg2pdf::usvg::roxmltree::Document::parse_with_options(
            text,
            svg2pdf::usvg::roxmltree::ParsingOptions {
                allow_dtd: false,
                ..Default::default()
            },
        )
        .map_err(|e| bad(&e))?;
        if xml.root_element().tag_name().name() != "svg" {
            return Err(LetterError::Logo("weder PNG noch SVG".into()));
        }
        for node in xml.descendants().filter(|n| n.is_element()) {
            if let Some((_, what)) = SVG_FORBIDDEN
                .iter()
                .find(|(name, _)| *name == node.tag_name().name())
            {
                let line = xml.text_pos_at(node.range().start).row;
                return Err(LetterError::Logo(format!(
                    "SVG enthält {what} (Element <{}> in Zeile {line})",
                    node.tag_name().name()
                )));
            }
        }
        let options = svg2pdf::usvg::Options::default();
        let tree = svg2pdf::usvg::Tree::from_xmltree(&xml, &options).map_err(|e| bad(&e))?;
        let size = tree.size();
        if !(size.width() > 0.0 && size.height() > 0.0) {
            return Err(LetterError::Logo("SVG ohne Breite oder Höhe".into()));
        }
        let conversion = svg2pdf::ConversionOptions {
            pdfa: true,
            ..Default::default()
        };
        let (chunk, form) = svg2pdf::to_chunk(&tree, conversion).map_err(|e| bad(&e))?;
        Ok(Logo {
            image: LogoImage::Vector(VectorLogo {
                chunk: std::sync::Arc::new(chunk),
                form,
                aspect: size.width() / size.height(),
                digest: <sha2::Sha256 as sha2::Digest>::digest(bytes).into(),
            }),
        })
    }

    /// Width over height.
    pub fn aspect(&self) -> f32 {
        match &self.image {
            LogoImage::Raster { width, height, .. } => *width as f32 / (*height).max(1) as f32,
            LogoImage::Vector(vector) => vector.aspect,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A shield, 100 × 120 user units.
    pub(crate) const SHIELD_SVG: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 120" width="100" height="120">
  <path d="M5 5 H95 V60 C95 95 50 115 50 115 C50 115 5 95 5 60 Z" fill="#c00000"/>
  <rect x="35" y="30" width="30" height="50" fill="#ffffff"/>
</svg>"##;

    #[test]
    fn demo_logo_decodes_with_alpha() {
        let logo = Logo::from_bytes(DEMO_LOGO).unwrap();
        let LogoImage::Raster {
            width,
            height,
            alpha_deflated,
            ..
        } = &logo.image
        else {
            panic!("a PNG is a raster logo");
        };
        assert!(*width > 0 && *height > 0);
        assert!(alpha_deflated.is_some());
    }

    #[test]
    fn an_svg_becomes_a_vector_logo_with_its_aspect() {
        let logo = Logo::from_bytes(SHIELD_SVG.as_bytes()).unwrap();
        assert!(matches!(logo.image, LogoImage::Vector(_)));
        assert!((logo.aspect() - 100.0 / 120.0).abs() < 1e-4);
        assert_eq!(logo, Logo::from_svg(SHIELD_SVG.as_bytes()).unwrap());
    }

    #[test]
    fn svg_logos_with_text_images_scripts_or_a_dtd_are_refused_with_the_reason() {
        let refused = |svg: &str| match Logo::from_bytes(svg.as_bytes()) {
            Err(LetterError::Logo(message)) => message,
            other => panic!("{svg}: {other:?}"),
        };
        let text = refused(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">\n\
             <text x=\"1\" y=\"9\">Stadt</text></svg>",
        );
        assert!(text.contains("Text") && text.contains("Zeile 2"), "{text}");
        let image = refused(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">\
             <image href=\"file:///etc/passwd\" width=\"10\" height=\"10\"/></svg>",
        );
        assert!(image.contains("Rasterbilder"), "{image}");
        let script = refused(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">\
             <script>alert(1)</script></svg>",
        );
        assert!(script.contains("Skripte"), "{script}");
        // Entity expansion ("billion laughs") needs a DTD; none is accepted.
        let dtd = refused(
            "<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY a \"aaaa\">]>\
             <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>",
        );
        assert!(dtd.starts_with("SVG:"), "{dtd}");
        assert!(refused("<html><body/></html>").contains("weder PNG noch SVG"));
        assert!(refused("\u{0}\u{1}binary").starts_with("SVG:"));
        assert!(
            Logo::from_bytes(&[0xff, 0xfe, 0x00])
                .unwrap_err()
                .to_string()
                .contains("weder PNG noch SVG")
        );
        let huge = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><!--{}--></svg>",
            "x".repeat(SVG_MAX_BYTES)
        );
        assert!(refused(&huge).contains("höchstens"));
    }

    #[test]
    fn broken_png_is_an_error() {
        assert!(matches!(
            Logo::from_png(b"not a png"),
            Err(LetterError::Logo(_))
        ));
    }

    #[test]
    fn letterhead_round_trips_through_json() {
        let demo = Letterhead::demo();
        let json = serde_json::to_string(&demo).unwrap();
        let back = Letterhead::from_json(&json).unwrap();
        assert_eq!(back.court, demo.court);
        assert!(back.logo.is_none());
    }
}
