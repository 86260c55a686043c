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

    /// Sets the logo from PNG bytes.
    pub fn with_logo_png(mut self, png: &[u8]) -> Result<Letterhead, LetterError> {
        self.logo = Some(Logo::from_png(png)?);
        Ok(self)
    }
}

static DEMO_LOGO: &[u8] = include_bytes!("../assets/logo-demo.png");

/// A logo decoded once and kept ready for embedding: 8-bit RGB samples and an
/// optional alpha mask, both zlib-compressed.
#[derive(Debug, Clone, PartialEq)]
pub struct Logo {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) rgb_deflated: Vec<u8>,
    pub(crate) alpha_deflated: Option<Vec<u8>>,
}

impl Logo {
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
            width: frame.width,
            height: frame.height,
            rgb_deflated: miniz_oxide::deflate::compress_to_vec_zlib(&rgb, 6),
            alpha_deflated: (!alpha.is_empty() && !opaque)
                .then(|| miniz_oxide::deflate::compress_to_vec_zlib(&alpha, 6)),
        })
    }

    /// Width over height.
    pub fn aspect(&self) -> f32 {
        self.width as f32 / self.height.max(1) as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_logo_decodes_with_alpha() {
        let logo = Logo::from_png(DEMO_LOGO).unwrap();
        assert!(logo.width > 0 && logo.height > 0);
        assert!(logo.alpha_deflated.is_some());
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
