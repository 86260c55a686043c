//! German text rules the templates need as filters: the possessive article that
//! fits a noun phrase ("Ihr Antrag", "Ihre Gewerbeanzeige"),
//! quotation marks inside quotation marks („Café ‚Weserblick‘“), a citation that
//! ends a sentence, and numbers grouped by thousands.
//!
//! The catalog names what a citizen asked for as a noun phrase without an article
//! (`ServiceLaw::matter`: "Antrag auf Erteilung einer Baugenehmigung",
//! "Gewerbeanzeige") together with the gender of its head noun
//! (`ServiceLaw::matter_genus`), so a letter can decline "Ihr" itself.

use casedesk_domain::law::Genus;

/// The grammatical case a possessive is declined for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    Nominative,
    Accusative,
    Dative,
}

impl Case {
    /// Parses the filter argument: `nom`, `akk` or `dat`.
    pub fn parse(name: &str) -> Option<Case> {
        match name {
            "nom" => Some(Case::Nominative),
            "akk" => Some(Case::Accusative),
            "dat" => Some(Case::Dative),
            _ => None,
        }
    }
}

/// "Ihr Antrag …", "Ihren Antrag …", "Ihrer Gewerbeanzeige": the phrase, whose head
/// noun has `genus`, with the polite possessive declined for `case`.
pub fn with_possessive(phrase: &str, genus: Genus, case: Case) -> String {
    let article = match (genus, case) {
        (Genus::Feminine, Case::Nominative | Case::Accusative) => "Ihre",
        (Genus::Feminine, Case::Dative) => "Ihrer",
        (Genus::Masculine, Case::Accusative) => "Ihren",
        (_, Case::Dative) => "Ihrem",
        (Genus::Masculine | Genus::Neuter, _) => "Ihr",
    };
    format!("{article} {}", phrase.trim())
}

/// Quotation marks inside a value that is printed between „ and “ become single
/// ones: „Café „Weserblick““ is set „Café ‚Weserblick‘“. English quotes (“…”)
/// become German single ones too, and straight double quotes are paired as opening
/// and closing marks.
pub fn inner_quotes(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    // “ closes a German quotation but opens an English one, which closes with ”.
    let english = value.contains('”');
    let mut open = false;
    for c in value.chars() {
        match c {
            '„' => out.push('‚'),
            '“' if english => out.push('‚'),
            '“' | '”' => out.push('‘'),
            '"' => {
                out.push(if open { '‘' } else { '‚' });
                open = !open;
            }
            c => out.push(c),
        }
    }
    out
}

/// The text as the end of a sentence: a full stop is added unless it already ends
/// in one (or in another sentence mark).
pub fn sentence(text: &str) -> String {
    let text = text.trim_end();
    if text.ends_with(['.', '!', '?', '…']) {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

/// A whole number as German print groups it: "285000" → "285.000". Any other text
/// (a decimal, a word) is returned unchanged.
pub fn group_thousands(number: &str) -> String {
    let digits = number.trim();
    let (sign, digits) = match digits.strip_prefix('-') {
        Some(rest) => ("−", rest),
        None => ("", digits),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return number.to_owned();
    }
    let mut out = String::from(sign);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_possessive_follows_the_genus() {
        let cases = [
            (
                "Antrag auf Erteilung einer Baugenehmigung",
                Genus::Masculine,
                ["Ihr", "Ihren", "Ihrem"],
            ),
            ("Gewerbeanzeige", Genus::Feminine, ["Ihre", "Ihre", "Ihrer"]),
            ("Gesuch", Genus::Neuter, ["Ihr", "Ihr", "Ihrem"]),
        ];
        for (matter, genus, [nom, akk, dat]) in cases {
            for (case, article) in [
                (Case::Nominative, nom),
                (Case::Accusative, akk),
                (Case::Dative, dat),
            ] {
                assert_eq!(
                    with_possessive(matter, genus, case),
                    format!("{article} {matter}")
                );
            }
        }
    }

    #[test]
    fn quotes_inside_quotes_are_single() {
        assert_eq!(inner_quotes("Café „Weserblick“"), "Café ‚Weserblick‘");
        assert_eq!(inner_quotes("Café \"Weserblick\""), "Café ‚Weserblick‘");
        assert_eq!(inner_quotes("Café “Weserblick”"), "Café ‚Weserblick‘");
        assert_eq!(inner_quotes("ohne Zeichen"), "ohne Zeichen");
    }

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(group_thousands("285000"), "285.000");
        assert_eq!(group_thousands("1000000"), "1.000.000");
        assert_eq!(group_thousands("999"), "999");
        assert_eq!(group_thousands("12,5"), "12,5");
    }

    #[test]
    fn a_citation_ends_with_one_full_stop() {
        assert_eq!(sentence("§ 18 Abs. 3 BMG"), "§ 18 Abs. 3 BMG.");
        assert_eq!(
            sentence("… wird unentgeltlich erteilt."),
            "… wird unentgeltlich erteilt."
        );
    }
}
