//! What a citizen attaches for each required document, and the decision letters the
//! office sends back.
//!
//! An attachment is described first ([`AttachmentSpec`]) and rendered later, because
//! the images are the expensive part: callers keep a small pool of rendered scans
//! and photos and reuse them, while the PDFs carry the applicant's own data and are
//! cheap to make for every case.

use casedesk_domain::aggregate::Applicant;
use chrono::{Duration, NaiveDate};
use serde_json::{Map, Value};

use super::documents::{jpeg_photo, pdf_document, png_scan};
use super::names::CITY;

/// What the file looks like.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Rendering {
    /// A PDF the citizen got from somewhere else (insurer, architect, employer).
    Pdf { title: String, lines: Vec<String> },
    /// A scanned paper page; the variant picks one of a small pool.
    Scan { variant: u64 },
    /// A phone photo of a card or paper; the variant picks one of a small pool.
    Photo { variant: u64 },
}

/// One file to attach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentSpec {
    /// The name as the citizen's computer had it (before sanitising).
    pub file_name: String,
    pub rendering: Rendering,
}

/// How many distinct scans and photos the pools hold.
pub const IMAGE_VARIANTS: u64 = 12;

impl Rendering {
    /// Renders the file. Scans and photos depend only on the variant.
    pub fn render(&self) -> Vec<u8> {
        match self {
            Rendering::Pdf { title, lines } => pdf_document(title, lines),
            Rendering::Scan { variant } => png_scan(0x5CA1 + variant, 620, 877),
            Rendering::Photo { variant } => jpeg_photo(0xF070 + variant, 640, 427),
        }
    }
}

fn form_text(form: &Map<String, Value>, key: &str) -> String {
    match form.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(true)) => "ja".to_owned(),
        Some(Value::Bool(false)) => "nein".to_owned(),
        _ => String::new(),
    }
}

/// A German date as printed on letters: `02.03.2026`.
pub fn german_date(day: NaiveDate) -> String {
    day.format("%d.%m.%Y").to_string()
}

/// An amount of cents as German currency: `1.234,50 €`.
pub fn euros(cents: i64) -> String {
    let euros = cents / 100;
    let mut grouped = String::new();
    let digits = euros.abs().to_string();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(c);
    }
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{grouped},{:02} €", (cents % 100).abs())
}

fn address_lines(applicant: &Applicant) -> [String; 2] {
    [
        applicant.street.clone(),
        format!("{} {}", applicant.postal_code, applicant.city),
    ]
}

const INSURERS: &[&str] = &[
    "Weserland Versicherung AG",
    "Westfälische Haftpflichtkasse VVaG",
    "Mindener Assekuranz AG",
    "Ravensberger Versicherungsverein a. G.",
];

/// The file a citizen attaches for the required document `kind` (or an extra file
/// without a kind). `seed` varies numbers and picks the image variant.
///
/// Long on purpose: it is a table, one arm per document kind with the text of that
/// document; splitting it would scatter the documents of one tenant over functions.
pub fn attachment_for(
    kind: Option<&str>,
    applicant: &Applicant,
    form: &Map<String, Value>,
    day: NaiveDate,
    seed: u64,
) -> AttachmentSpec {
    let name = applicant.full_name();
    let [street, town] = address_lines(applicant);
    let variant = seed % IMAGE_VARIANTS;
    let number = 100_000 + seed % 900_000;
    let insurer = INSURERS[(seed % INSURERS.len() as u64) as usize];
    let pdf = |file_name: &str, title: &str, lines: Vec<String>| AttachmentSpec {
        file_name: file_name.to_owned(),
        rendering: Rendering::Pdf {
            title: title.to_owned(),
            lines,
        },
    };
    match kind {
        Some("insurance") => {
            let what = if form.contains_key("dog_name") {
                format!(
                    "Hundehalter-Haftpflichtversicherung für den Hund „{}“ ({})",
                    form_text(form, "dog_name"),
                    form_text(form, "breed")
                )
            } else {
                "Betriebs- und Privathaftpflichtversicherung".to_owned()
            };
            pdf(
                "Versicherungsbestätigung.pdf",
                "Bestätigung über das Bestehen einer Haftpflichtversicherung",
                vec![
                    insurer.to_owned(),
                    "Kundenservice · Postfach 21 40 · 32411 Minden".to_owned(),
                    String::new(),
                    format!("Versicherungsnehmer/in: {name}"),
                    format!("Anschrift: {street}, {town}"),
                    format!("Versicherungsschein-Nr.: HV-{number}"),
                    String::new(),
                    format!("Hiermit bestätigen wir, dass für {name} eine {what} besteht."),
                    "Deckungssumme: 5.000.000 € pauschal für Personen- und Sachschäden.".to_owned(),
                    format!(
                        "Versicherungsbeginn: {}",
                        german_date(day - Duration::days(40))
                    ),
                    "Der Vertrag ist ungekündigt; die Beiträge sind bezahlt.".to_owned(),
                    String::new(),
                    format!("Minden, den {}", german_date(day - Duration::days(2))),
                    insurer.to_owned(),
                ],
            )
        }
        Some("competence") => pdf(
            "Sachkundenachweis.pdf",
            "Sachkundebescheinigung nach § 11 Landeshundegesetz NRW",
            vec![
                format!("Frau/Herr {name}, wohnhaft {street}, {town},"),
                "hat die Sachkundeprüfung für das Halten eines Hundes bestanden.".to_owned(),
                format!(
                    "Hund: „{}“, Rasse {}, Chip {}",
                    form_text(form, "dog_name"),
                    form_text(form, "breed"),
                    form_text(form, "chip_number")
                ),
                String::new(),
                "Prüfungsinhalte: Haltung und Erziehung, Verhalten in der Öffentlichkeit,"
                    .to_owned(),
                "Rechtsvorschriften, Erkennen von Gefahrensituationen.".to_owned(),
                String::new(),
                format!("Prüfnummer: SK-{number}"),
                format!(
                    "Bad Oeynhausen, den {}",
                    german_date(day - Duration::days(20))
                ),
                "Dr. med. vet. Helga Brinkmann, Tierärztin".to_owned(),
            ],
        ),
        Some("registration") => AttachmentSpec {
            file_name: "Scan Zulassungsbescheinigung Teil 1.png".to_owned(),
            rendering: Rendering::Scan { variant },
        },
        Some("employer_confirmation") => pdf(
            "Bestätigung Arbeitgeber Firmenwagen.pdf",
            "Bestätigung über die private Nutzung eines Firmenwagens",
            vec![
                "Weserhütte Maschinenbau GmbH · Personalabteilung".to_owned(),
                "Hafenstraße 20 · 32425 Minden".to_owned(),
                String::new(),
                format!("Wir bestätigen, dass unser/e Mitarbeiter/in {name} das Fahrzeug mit dem"),
                format!(
                    "amtlichen Kennzeichen {} dauerhaft auch privat nutzen darf.",
                    form_text(form, "licence_plate")
                ),
                "Das Fahrzeug steht ihr/ihm ausschließlich zur Verfügung.".to_owned(),
                String::new(),
                format!("Minden, {}", german_date(day - Duration::days(3))),
                "i. A. Kerstin Lohmeier, Personalleitung".to_owned(),
            ],
        ),
        Some("site_plan") => AttachmentSpec {
            file_name: "Lageplan amtlich.png".to_owned(),
            rendering: Rendering::Scan { variant },
        },
        Some("drawings") => pdf(
            "Bauzeichnungen Grundrisse Schnitte Ansichten.pdf",
            "Bauzeichnungen M 1:100",
            vec![
                format!("Bauvorhaben: {}", form_text(form, "project")),
                format!("Grundstück: {}", form_text(form, "parcel")),
                format!("Bauherr/in: {name}, {street}, {town}"),
                String::new(),
                "Blatt 1: Grundriss Erdgeschoss".to_owned(),
                "Blatt 2: Grundriss Obergeschoss / Dachgeschoss".to_owned(),
                "Blatt 3: Schnitt A–A und B–B".to_owned(),
                "Blatt 4: Ansichten Nord, Ost, Süd, West".to_owned(),
                String::new(),
                "Entwurfsverfasser: Architekturbüro Rohlfing & Partner, Königswall 3, 32423 Minden"
                    .to_owned(),
            ],
        ),
        Some("structural_calculations") => pdf(
            "Statik Standsicherheitsnachweis.pdf",
            "Standsicherheitsnachweis (Statische Berechnung)",
            vec![
                format!("Bauvorhaben: {}", form_text(form, "project")),
                format!("Position-Nr. {}–{}", 1, 20 + seed % 40),
                "Lastannahmen nach DIN EN 1991, Schneelastzone 2, Windzone 2".to_owned(),
                "Gründung: Streifenfundamente C25/30, zulässige Bodenpressung 250 kN/m²".to_owned(),
                "Decken: Stahlbeton-Filigrandecken d = 20 cm".to_owned(),
                String::new(),
                "Aufgestellt: Ingenieurbüro Twelkemeier, Tragwerksplanung".to_owned(),
                format!("Minden, {}", german_date(day - Duration::days(14))),
            ],
        ),
        Some("description") => pdf(
            "Baubeschreibung.pdf",
            "Baubeschreibung",
            vec![
                format!("Vorhaben: {}", form_text(form, "project")),
                format!("Grundstück: {}", form_text(form, "parcel")),
                format!("Rohbausumme: {} €", form_text(form, "construction_sum")),
                String::new(),
                "Außenwände: Kalksandstein 17,5 cm mit Wärmedämmverbundsystem 16 cm".to_owned(),
                "Dach: Satteldach 35°, Betondachsteine anthrazit".to_owned(),
                "Heizung: Luft-Wasser-Wärmepumpe, Fußbodenheizung".to_owned(),
                "Entwässerung: Anschluss an den öffentlichen Mischwasserkanal".to_owned(),
            ],
        ),
        Some("area_calculation") => pdf(
            "Flächenberechnung BGF BRI.pdf",
            "Berechnung der Grundflächen und des Brutto-Rauminhalts",
            vec![
                format!("Vorhaben: {}", form_text(form, "project")),
                format!("Grundfläche (GRZ-relevant): {} m²", 90 + seed % 120),
                format!("Brutto-Grundfläche: {} m²", 140 + seed % 200),
                format!("Brutto-Rauminhalt: {} m³", 450 + seed % 700),
                format!("Grundflächenzahl: 0,{}", 20 + seed % 20),
            ],
        ),
        Some("id_copy") => AttachmentSpec {
            file_name: "Personalausweis Vorderseite.jpg".to_owned(),
            rendering: Rendering::Photo { variant },
        },
        Some("permit") => pdf(
            "Erlaubnisurkunde.pdf",
            "Erlaubnis",
            vec![
                format!("Tätigkeit: {}", form_text(form, "activity")),
                format!("Inhaber/in: {name}, {street}, {town}"),
                format!("Erlaubnis-Nr.: GE-{number}"),
                "Erteilt durch: Industrie- und Handelskammer Ostwestfalen zu Bielefeld".to_owned(),
                format!("Datum: {}", german_date(day - Duration::days(60))),
            ],
        ),
        Some("site_sketch") => AttachmentSpec {
            file_name: "Lageskizze Gerüst.jpg".to_owned(),
            rendering: Rendering::Photo { variant },
        },
        Some(other) => pdf(
            &format!("Nachweis {other}.pdf"),
            "Nachweis",
            vec![format!("Nachweis von {name}, {street}, {town}")],
        ),
        None => match seed % 3 {
            0 => pdf(
                "Vollmacht.pdf",
                "Vollmacht",
                vec![
                    format!("Hiermit bevollmächtige ich, {name}, {street}, {town},"),
                    "meine Ehefrau / meinen Ehemann, mich in dieser Angelegenheit gegenüber"
                        .to_owned(),
                    format!("der Stadt {CITY} zu vertreten."),
                    String::new(),
                    format!("{CITY}, {}", german_date(day)),
                    name.clone(),
                ],
            ),
            1 => AttachmentSpec {
                file_name: "Foto Nachweis.jpg".to_owned(),
                rendering: Rendering::Photo { variant },
            },
            _ => AttachmentSpec {
                file_name: "Anschreiben Scan.png".to_owned(),
                rendering: Rendering::Scan { variant },
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euros_are_formatted_the_german_way() {
        assert_eq!(euros(1_000), "10,00 €");
        assert_eq!(euros(12_345_678), "123.456,78 €");
        assert_eq!(euros(5), "0,05 €");
    }

    #[test]
    fn every_required_document_of_the_catalog_has_a_named_attachment() {
        let applicant = Applicant {
            citizen_id: uuid::Uuid::nil(),
            given_name: "Jürgen".into(),
            family_name: "Weiß".into(),
            street: "Bäckerstraße 4".into(),
            postal_code: "32423".into(),
            city: CITY.into(),
            email: "juergen.weiss@example.org".into(),
            phone: None,
        };
        let day = NaiveDate::from_ymd_opt(2026, 2, 9).unwrap();
        for service in super::super::services::demo_services() {
            for doc in &service.required_documents {
                let spec = attachment_for(Some(&doc.key), &applicant, &Map::new(), day, 5);
                assert!(
                    !spec.file_name.starts_with("Nachweis "),
                    "{} has no specific attachment",
                    doc.key
                );
                let bytes = spec.rendering.render();
                assert!(
                    casedesk_portal_store::blobs::sniff(&bytes).is_some(),
                    "{}",
                    doc.key
                );
            }
        }
    }
}
