//! The Kassenzeichen: the reference under which the town's cash office books a
//! case's fee. It is derived from the Aktenzeichen (digits only, the service letters
//! as their positions in the alphabet) with a mod-10 check digit (Luhn), so typing
//! errors at the cash office are caught.

use crate::Aktenzeichen;

/// The Kassenzeichen of a case's fee.
pub fn of(aktenzeichen: &Aktenzeichen) -> String {
    let service_digits: String = aktenzeichen
        .service_code
        .bytes()
        .map(|b| format!("{:02}", b - b'A' + 1))
        .collect();
    let body = format!(
        "{}{}{:04}{:06}",
        aktenzeichen.office_code, service_digits, aktenzeichen.year, aktenzeichen.number
    );
    // The check digit joins on the right, so the body's last digit is doubled.
    let sum = luhn_sum(&body, 0);
    format!("{body}{}", (10 - sum % 10) % 10)
}

/// Whether the last digit of `kassenzeichen` is the Luhn check digit of the rest.
pub fn is_valid(kassenzeichen: &str) -> bool {
    if kassenzeichen.len() < 2 || !kassenzeichen.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    luhn_sum(kassenzeichen, 1) % 10 == 0
}

/// The Luhn sum of ASCII `digits`: every second digit from the right doubled (less 9
/// above 9), starting with the one at position `doubled` (0 = the last digit).
fn luhn_sum(digits: &str, doubled: usize) -> u32 {
    digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == doubled {
                let twice = d * 2;
                if twice > 9 { twice - 9 } else { twice }
            } else {
                d
            }
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kassenzeichen_spells_the_aktenzeichen_in_digits_with_a_luhn_check_digit() {
        let az = Aktenzeichen::new("32", "HU", 2026, 42).unwrap();
        let kz = of(&az);
        // Office 32, H = 08, U = 21, the year, the number in six digits, the check.
        assert!(kz.starts_with("3208212026000042"), "{kz}");
        assert_eq!(kz.len(), 17);
        assert!(is_valid(&kz));
        // Every single-digit typo is caught.
        for i in 0..kz.len() {
            for d in b'0'..=b'9' {
                let mut typo = kz.clone().into_bytes();
                if typo[i] == d {
                    continue;
                }
                typo[i] = d;
                assert!(!is_valid(std::str::from_utf8(&typo).unwrap()));
            }
        }
    }
}
