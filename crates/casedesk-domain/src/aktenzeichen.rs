//! The Aktenzeichen, the case reference printed on every letter.
//!
//! Format: `OO-SS-YYYY-NNNNNN`, e.g. `32-HU-2026-000123`: the office's numeric code
//! (two to four digits), the service code (two to four capital letters), the year the
//! application was received and a six-digit running number per office, service and
//! year. The portal hands out the running number inside the transaction that creates
//! the case, so numbers are gap-free per series.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A parsed case reference.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Aktenzeichen {
    pub office_code: String,
    pub service_code: String,
    pub year: i32,
    pub number: u32,
}

/// Why a string is not an Aktenzeichen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AktenzeichenError {
    #[error("Aktenzeichen muss die Form 32-HU-2026-000123 haben")]
    Shape,
    #[error("Dienststellenkennung muss aus 2 bis 4 Ziffern bestehen")]
    OfficeCode,
    #[error("Leistungskennung muss aus 2 bis 4 Großbuchstaben bestehen")]
    ServiceCode,
    #[error("Jahr muss vierstellig sein")]
    Year,
    #[error("laufende Nummer muss sechsstellig und größer als 0 sein")]
    Number,
}

/// Checks an office code (two to four ASCII digits).
pub fn is_valid_office_code(code: &str) -> bool {
    (2..=4).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit())
}

/// Checks a service code (two to four ASCII capital letters).
pub fn is_valid_service_code(code: &str) -> bool {
    (2..=4).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_uppercase())
}

/// If `text` is the start of an Aktenzeichen, at least the office code and the first
/// letter of the service code (`32-H`, `32-hu-2026-0001`), returns it as stored:
/// trimmed, letters in capitals. A bare number is not one: it may as well be a house
/// number or a postal code.
pub fn prefix_of(text: &str) -> Option<String> {
    let text = text.trim();
    let mut parts = text.split('-');
    let office = parts.next()?;
    let service = parts.next()?;
    let year = parts.next();
    let number = parts.next();
    if parts.next().is_some() || !is_valid_office_code(office) {
        return None;
    }
    let service_ok = |s: &str, complete: bool| {
        (if complete { 2..=4 } else { 1..=4 }).contains(&s.len())
            && s.bytes().all(|b| b.is_ascii_alphabetic())
    };
    let digits = |s: &str, max: usize| s.len() <= max && s.bytes().all(|b| b.is_ascii_digit());
    let shape = match (year, number) {
        (None, _) => service_ok(service, false),
        (Some(year), None) => service_ok(service, true) && digits(year, 4),
        (Some(year), Some(number)) => {
            service_ok(service, true) && year.len() == 4 && digits(year, 4) && digits(number, 6)
        }
    };
    shape.then(|| text.to_ascii_uppercase())
}

impl Aktenzeichen {
    /// Builds a reference, validating every part.
    pub fn new(
        office_code: &str,
        service_code: &str,
        year: i32,
        number: u32,
    ) -> Result<Self, AktenzeichenError> {
        if !is_valid_office_code(office_code) {
            return Err(AktenzeichenError::OfficeCode);
        }
        if !is_valid_service_code(service_code) {
            return Err(AktenzeichenError::ServiceCode);
        }
        if !(1000..=9999).contains(&year) {
            return Err(AktenzeichenError::Year);
        }
        if number == 0 || number > 999_999 {
            return Err(AktenzeichenError::Number);
        }
        Ok(Self {
            office_code: office_code.to_owned(),
            service_code: service_code.to_owned(),
            year,
            number,
        })
    }
}

impl fmt::Display for Aktenzeichen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}-{:04}-{:06}",
            self.office_code, self.service_code, self.year, self.number
        )
    }
}

impl FromStr for Aktenzeichen {
    type Err = AktenzeichenError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = s.trim().split('-').collect();
        let [office, service, year, number] = parts.as_slice() else {
            return Err(AktenzeichenError::Shape);
        };
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(AktenzeichenError::Year);
        }
        if number.len() != 6 || !number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(AktenzeichenError::Number);
        }
        let year = year.parse().map_err(|_| AktenzeichenError::Year)?;
        let number = number.parse().map_err(|_| AktenzeichenError::Number)?;
        Self::new(office, service, year, number)
    }
}

impl Serialize for Aktenzeichen {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Aktenzeichen {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_of_an_aktenzeichen_are_recognised() {
        for (typed, prefix) in [
            ("32-H", "32-H"),
            ("32-hu", "32-HU"),
            (" 32-HU-", "32-HU-"),
            ("32-HU-20", "32-HU-20"),
            ("32-HU-2026-", "32-HU-2026-"),
            ("32-HU-2026-0001", "32-HU-2026-0001"),
            ("32-HU-2026-000123", "32-HU-2026-000123"),
            ("1234-ABCD-2026-1", "1234-ABCD-2026-1"),
        ] {
            assert_eq!(prefix_of(typed).as_deref(), Some(prefix), "{typed}");
        }
        for typed in [
            "32",
            "32423",
            "3-HU",
            "32-",
            "32-H1",
            "32-HUNDE",
            "32-H-2026",
            "32-HU-2026-0000001",
            "32-HU-26-1",
            "32-HU-2026-1-2",
            "Müller",
            "HU-2026",
        ] {
            assert_eq!(prefix_of(typed), None, "{typed}");
        }
        // Every complete Aktenzeichen is a prefix of itself.
        let az = Aktenzeichen::new("32", "HU", 2026, 123)
            .unwrap()
            .to_string();
        assert_eq!(prefix_of(&az), Some(az));
    }

    #[test]
    fn round_trips_the_documented_example() {
        let az: Aktenzeichen = "32-HU-2026-000123".parse().unwrap();
        assert_eq!(az.office_code, "32");
        assert_eq!(az.service_code, "HU");
        assert_eq!(az.year, 2026);
        assert_eq!(az.number, 123);
        assert_eq!(az.to_string(), "32-HU-2026-000123");
    }

    #[test]
    fn refuses_malformed_references() {
        for bad in [
            "",
            "32-HU-2026",
            "32-hu-2026-000123",
            "3-HU-2026-000123",
            "32-HU-26-000123",
            "32-HU-2026-123",
            "32-HU-2026-000000",
            "32-HU-2026-00012x",
            "32-HU-2026-000123-1",
            "../etc/passwd",
        ] {
            assert!(bad.parse::<Aktenzeichen>().is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn orders_by_series_then_number() {
        let a: Aktenzeichen = "32-HU-2026-000009".parse().unwrap();
        let b: Aktenzeichen = "32-HU-2026-000010".parse().unwrap();
        assert!(a < b);
    }
}
