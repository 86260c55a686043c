//! Names and addresses for demo citizens: common German given and family names and
//! streets of Minden, the town whose administrative court (Verwaltungsgericht Minden)
//! the decision letters name.
//!
//! The postal codes decide which office gets a citizen's applications: 32423 is the
//! town centre (the main office, which is also the fallback), 32425 and 32429 belong
//! to the two branch offices. Drawing citizens from all three makes every office's
//! inbox fill up.

use rand::Rng;
use rand::seq::SliceRandom;

pub const CITY: &str = "Minden";

/// The postal code of the main office's district; it gets half of all citizens.
pub const POSTAL_MAIN: &str = "32423";
pub const POSTAL_DANKERSEN: &str = "32425";
pub const POSTAL_TODTENHAUSEN: &str = "32429";

pub const GIVEN_NAMES: &[&str] = &[
    "Anna",
    "Jürgen",
    "Sabine",
    "Thomas",
    "Monika",
    "Michael",
    "Petra",
    "Andreas",
    "Birgit",
    "Stefan",
    "Ursula",
    "Frank",
    "Claudia",
    "Jörg",
    "Heike",
    "Uwe",
    "Martina",
    "Klaus",
    "Susanne",
    "Dieter",
    "Katharina",
    "Lukas",
    "Sophie",
    "Jonas",
    "Marie",
    "Leon",
    "Hannah",
    "Felix",
    "Lea",
    "Maximilian",
    "Emma",
    "Paul",
    "Mia",
    "Ben",
    "Lena",
    "Finn",
    "Laura",
    "Tim",
    "Julia",
    "Jan",
    "Sarah",
    "Niklas",
    "Johanna",
    "Moritz",
    "Charlotte",
    "Björn",
    "Gülsen",
    "Mehmet",
    "Aylin",
    "Aleksandra",
    "Dariusz",
    "Natalia",
    "Ömer",
    "Chiara",
    "Matthias",
    "Karin",
    "Wolfgang",
    "Renate",
    "Günter",
    "Elke",
    "Bärbel",
    "Hans-Peter",
    "Anne-Kathrin",
    "René",
    "Zoë",
    "Dirk",
    "Till",
    "Greta",
];

pub const FAMILY_NAMES: &[&str] = &[
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Schmitt",
    "Werner",
    "Schmitz",
    "Krause",
    "Meier",
    "Lehmann",
    "Schmid",
    "Schulze",
    "Maier",
    "Köhler",
    "Herrmann",
    "König",
    "Walter",
    "Mayer",
    "Huber",
    "Kaiser",
    "Fuchs",
    "Peters",
    "Lang",
    "Scholz",
    "Möller",
    "Weiß",
    "Jung",
    "Hahn",
    "Vogel",
    "Friedrich",
    "Keller",
    "Günther",
    "Frank",
    "Berger",
    "Winkler",
    "Roth",
    "Beck",
    "Lorenz",
    "Baumann",
    "Franke",
    "Albrecht",
    "Schuster",
    "Böhm",
    "Winter",
    "Kraus",
    "Martin",
    "Schumacher",
    "Krämer",
    "Vogt",
    "Stein",
    "Jäger",
    "Otto",
    "Sommer",
    "Groß",
    "Seidel",
    "Heinrich",
    "Brandt",
    "Haas",
    "Schreiber",
    "Graf",
    "Dietrich",
    "Ziegler",
    "Kuhn",
    "Kühn",
    "Pohl",
    "Engel",
    "Horn",
    "Busch",
    "Bergmann",
    "Thomas",
    "Voigt",
    "Sauer",
    "Arnold",
    "Wolff",
    "Pfeiffer",
    "Yilmaz",
    "Kaya",
    "Demir",
    "Nowak",
    "Kowalski",
    "Wiechmann",
    "Niermann",
    "Kleine-Döpke",
    "Meyer zu Hartum",
    "Twelkemeier",
    "Brinkmann",
    "Rohlfing",
    "Lohmeier",
    "Niederbröker",
];

/// Streets of the town centre (32423, main office).
pub const STREETS_MAIN: &[&str] = &[
    "Bäckerstraße",
    "Obermarktstraße",
    "Scharn",
    "Hohnstraße",
    "Simeonstraße",
    "Marienstraße",
    "Königstraße",
    "Ritterstraße",
    "Kampstraße",
    "Stiftstraße",
    "Hahler Straße",
    "Ringstraße",
    "Brüderstraße",
    "Pöttcherstraße",
    "Greisenbruchstraße",
    "Marienwall",
    "Königswall",
    "Weingarten",
    "Videbullenstraße",
    "Lindenstraße",
    "Hermannstraße",
    "Fischerglacis",
    "Klausenwall",
    "Portastraße",
    "Rodenbecker Straße",
];

/// Streets of the districts east of the Weser (32425, branch office Dankersen).
pub const STREETS_DANKERSEN: &[&str] = &[
    "Dankerser Straße",
    "Bückeburger Straße",
    "Meißener Straße",
    "Zur Bleiche",
    "Kirchweg",
    "Am Sandtrift",
    "Leteln-Ost",
    "Wietersheimer Straße",
    "Friedrich-Wilhelm-Straße",
    "Karolingerring",
    "Sachsenweg",
    "Am Osterbach",
    "Hafenstraße",
    "Kanzlers Weide",
];

/// Streets of the northern districts (32429, branch office Todtenhausen).
pub const STREETS_TODTENHAUSEN: &[&str] = &[
    "Todtenhauser Straße",
    "Kutenhauser Straße",
    "Am Brühl",
    "Stemmerfeld",
    "Amorbacher Straße",
    "Hasenkamp",
    "Am Kanal",
    "Mittellandkanal-Ufer",
    "Diepenauer Straße",
    "Stemmer Landstraße",
    "Heidestraße",
    "Am Kiesweg",
];

/// The streets of a postal code area.
pub fn streets_of(postal_code: &str) -> &'static [&'static str] {
    match postal_code {
        POSTAL_DANKERSEN => STREETS_DANKERSEN,
        POSTAL_TODTENHAUSEN => STREETS_TODTENHAUSEN,
        _ => STREETS_MAIN,
    }
}

/// Draws a postal code: half the town lives in the centre, a quarter in each branch
/// office's districts.
pub fn postal_code(rng: &mut impl Rng) -> &'static str {
    match rng.gen_range(0..4) {
        0 | 1 => POSTAL_MAIN,
        2 => POSTAL_DANKERSEN,
        _ => POSTAL_TODTENHAUSEN,
    }
}

/// A person with an address, not yet registered.
#[derive(Debug, Clone)]
pub struct Person {
    pub given_name: String,
    pub family_name: String,
    pub street: String,
    pub postal_code: String,
    pub phone: Option<String>,
}

impl Person {
    /// Draws a person living in the `postal_code` area.
    pub fn draw(rng: &mut impl Rng, postal_code: &str) -> Self {
        let pick = |rng: &mut _, list: &'static [&'static str]| -> String {
            // The lists are constant and not empty.
            (*list.choose(rng).expect("name lists are not empty")).to_owned()
        };
        let given_name = pick(rng, GIVEN_NAMES);
        let family_name = pick(rng, FAMILY_NAMES);
        let number = rng.gen_range(1..=120);
        let suffix = if rng.gen_bool(0.08) {
            ["a", "b", "c"][rng.gen_range(0..3)]
        } else {
            ""
        };
        let street = format!("{} {number}{suffix}", pick(rng, streets_of(postal_code)));
        // Minden's area code is 0571; about a third of citizens leave no number.
        let phone = rng
            .gen_bool(0.65)
            .then(|| format!("0571 {}", rng.gen_range(20_000..99_999)));
        Self {
            given_name,
            family_name,
            street,
            postal_code: postal_code.to_owned(),
            phone,
        }
    }

    /// `vorname.nachname`, transliterated to ASCII the way German mail addresses are.
    pub fn email_local_part(&self) -> String {
        format!(
            "{}.{}",
            ascii_mail_name(&self.given_name),
            ascii_mail_name(&self.family_name)
        )
    }
}

/// Lower-case ASCII for a mail address: umlauts become ae/oe/ue, ß becomes ss, other
/// accents are dropped and spaces become hyphens.
pub fn ascii_mail_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.to_lowercase().chars() {
        match c {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            'é' | 'è' | 'ë' => out.push('e'),
            'ş' => out.push('s'),
            'ğ' => out.push('g'),
            'ı' => out.push('i'),
            ' ' | '-' => out.push('-'),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn mail_names_are_plain_ascii() {
        assert_eq!(ascii_mail_name("Jürgen"), "juergen");
        assert_eq!(ascii_mail_name("Weiß"), "weiss");
        assert_eq!(ascii_mail_name("Meyer zu Hartum"), "meyer-zu-hartum");
        assert_eq!(ascii_mail_name("Ayşe"), "ayse");
        assert_eq!(ascii_mail_name("Zoë"), "zoe");
        for name in GIVEN_NAMES.iter().chain(FAMILY_NAMES) {
            let ascii = ascii_mail_name(name);
            assert!(!ascii.is_empty() && ascii.is_ascii(), "{name}");
        }
    }

    #[test]
    fn people_live_in_the_streets_of_their_postal_code() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        for _ in 0..50 {
            let code = postal_code(&mut rng);
            let person = Person::draw(&mut rng, code);
            assert!(
                streets_of(code)
                    .iter()
                    .any(|s| person.street.starts_with(s)),
                "{person:?}"
            );
        }
    }
}
