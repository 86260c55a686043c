//! The six services (Leistungen) of the demo tenant and plausible form data for them.
//!
//! The catalog follows the table "Services for demo data and tests" in the domain
//! description; fees and periods are illustrative demo values, not legal facts. The
//! form generator draws answers a caseworker would recognise (dog breeds, licence
//! plates of the Minden-Lübbecke district, building projects) and always produces
//! forms that pass [`ServiceDefinition::validate_form`].

use casedesk_domain::deadline::Period;
use casedesk_domain::wire::{
    FeeRule, FieldCondition, FieldKind, FormField, RequiredDocument, ServiceDefinition,
};
use chrono::{Duration, NaiveDate};
use rand::Rng;
use rand::seq::SliceRandom;
use serde_json::{Map, Value, json};

use super::names::Person;

fn field(key: &str, label: &str, kind: FieldKind, required: bool) -> FormField {
    FormField {
        key: key.to_owned(),
        label: label.to_owned(),
        kind,
        required,
    }
}

fn text(max_len: usize) -> FieldKind {
    FieldKind::Text { max_len }
}

fn number(min: f64, max: f64) -> FieldKind {
    FieldKind::Number { min, max }
}

fn select(options: &[&str]) -> FieldKind {
    FieldKind::Select {
        options: options.iter().map(|o| (*o).to_owned()).collect(),
    }
}

fn document(key: &str, label: &str) -> RequiredDocument {
    RequiredDocument {
        key: key.to_owned(),
        label: label.to_owned(),
        when: None,
    }
}

fn document_when(key: &str, label: &str, flag: &str) -> RequiredDocument {
    RequiredDocument {
        key: key.to_owned(),
        label: label.to_owned(),
        when: Some(FieldCondition {
            field: flag.to_owned(),
            equals: "true".to_owned(),
        }),
    }
}

const MB_PURPOSES: &[&str] = &[
    "Vorlage beim Arbeitgeber",
    "Vorlage bei einer Behörde",
    "Bank oder Versicherung",
    "Eheschließung",
    "Sonstiges",
];
const BP_ZONES: &[&str] = &[
    "A – Innenstadt",
    "B – Fischerstadt",
    "C – Bahnhofsviertel",
    "D – Rechte Weserseite",
];
const BA_PROCEDURES: &[&str] = &[
    "Vereinfachtes Baugenehmigungsverfahren (§ 64 BauO NRW)",
    "Baugenehmigungsverfahren (§ 65 BauO NRW)",
];
const GA_LEGAL_FORMS: &[&str] = &[
    "Einzelunternehmen",
    "GbR",
    "GmbH",
    "UG (haftungsbeschränkt)",
    "OHG",
];
const SN_PURPOSES: &[&str] = &[
    "Gerüst",
    "Baustelleneinrichtung",
    "Container",
    "Umzugsfahrzeug",
    "Außengastronomie",
    "Informationsstand",
];

/// The demo catalog as data: `catalog/services.json`, the six services with their
/// fields, documents and law. Values the demo tenant could not take from a statute
/// (tariff lines, bylaw rates) say so in their text.
pub const DEMO_CATALOG_JSON: &str = include_str!("../catalog/services.json");

/// The demo tenant's service catalog ([`DEMO_CATALOG_JSON`]).
pub fn demo_services() -> Vec<ServiceDefinition> {
    serde_json::from_str(DEMO_CATALOG_JSON).expect("the demo catalog is valid")
}

/// How often each service is applied for, in percent (same order as the catalog).
pub const SERVICE_WEIGHTS: [(&str, u32); 6] = [
    ("MB", 30),
    ("HU", 20),
    ("BP", 20),
    ("GA", 12),
    ("SN", 10),
    ("BA", 8),
];

/// Draws a service id by [`SERVICE_WEIGHTS`].
pub fn draw_service(rng: &mut impl Rng) -> &'static str {
    let mut roll = rng.gen_range(0..100);
    for (id, weight) in SERVICE_WEIGHTS {
        if roll < weight {
            return id;
        }
        roll -= weight;
    }
    "MB"
}

const DOG_NAMES: &[&str] = &[
    "Bello", "Luna", "Balu", "Emma", "Paul", "Amy", "Nala", "Sammy", "Kira", "Leo", "Frieda",
    "Rocky", "Maja", "Ben", "Lotte", "Bruno", "Juna", "Wilma", "Oskar", "Mila",
];
const BREEDS: &[&str] = &[
    "Labrador Retriever",
    "Deutscher Schäferhund",
    "Golden Retriever",
    "Dackel",
    "Jack Russell Terrier",
    "Französische Bulldogge",
    "Border Collie",
    "Mischling",
    "Australian Shepherd",
    "Beagle",
    "Chihuahua",
    "Magyar Vizsla",
];
/// Breeds for which the Landeshundegesetz NRW requires a certificate of competence.
const LISTED_BREEDS: &[&str] = &[
    "American Staffordshire Terrier",
    "Staffordshire Bullterrier",
    "Rottweiler",
    "Bullmastiff",
    "Dogo Argentino",
];
const PROJECTS: &[&str] = &[
    "Neubau eines Einfamilienhauses mit Carport",
    "Anbau eines Wintergartens an ein Wohnhaus",
    "Errichtung einer Doppelgarage",
    "Umbau und Aufstockung eines Wohnhauses",
    "Neubau eines Zweifamilienhauses",
    "Nutzungsänderung: Ladenlokal zu Café",
    "Errichtung einer Lagerhalle",
    "Dachgeschossausbau mit Gauben",
];
const ACTIVITIES: &[(&str, &str, bool)] = &[
    ("Friseursalon", "Friseurhandwerk", false),
    (
        "Café am Wall",
        "Betrieb eines Cafés mit Ausschank alkoholfreier Getränke",
        false,
    ),
    (
        "Weserblick Immobilien",
        "Vermittlung von Immobilien (§ 34c GewO)",
        true,
    ),
    ("IT-Service", "Einrichtung und Wartung von Computern", false),
    (
        "Finanzberatung",
        "Versicherungsvermittlung (§ 34d GewO)",
        true,
    ),
    (
        "Hausmeisterservice",
        "Hausmeister- und Gartenpflegedienste",
        false,
    ),
    ("Sicherheitsdienst", "Bewachungsgewerbe (§ 34a GewO)", true),
    ("Onlinehandel", "Onlinehandel mit Bekleidung", false),
    ("Fahrschule", "Betrieb einer Fahrschule", true),
    ("Reinigungsservice", "Gebäudereinigung", false),
];

fn date(value: NaiveDate) -> Value {
    Value::String(value.to_string())
}

/// Form data for `service_id` from `person`, as if filled in on `received`.
pub fn sample_form(
    service_id: &str,
    person: &Person,
    received: NaiveDate,
    rng: &mut impl Rng,
) -> Map<String, Value> {
    let choose = |rng: &mut _, list: &'static [&'static str]| -> &'static str {
        list.choose(rng).expect("sample lists are not empty")
    };
    let value = match service_id {
        "MB" => json!({
            "purpose": choose(rng, MB_PURPOSES),
            "copies": rng.gen_range(1..=3),
            "extended": rng.gen_bool(0.15),
        }),
        "HU" => {
            let listed = rng.gen_bool(0.15);
            let breed = if listed {
                choose(rng, LISTED_BREEDS)
            } else {
                choose(rng, BREEDS)
            };
            let born = received - Duration::days(rng.gen_range(90..3_650));
            json!({
                "dog_name": choose(rng, DOG_NAMES),
                "breed": breed,
                "born": date(born),
                "listed_breed": listed,
                "chip_number": format!("276098100{:06}", rng.gen_range(0..1_000_000)),
            })
        }
        "BP" => {
            let letters: String = (0..rng.gen_range(1..=2))
                .map(|_| char::from(b'A' + rng.gen_range(0..26)))
                .collect();
            json!({
                "licence_plate": format!("MI-{letters} {}", rng.gen_range(1..=9999)),
                "zone": choose(rng, BP_ZONES),
                "company_car": rng.gen_bool(0.2),
            })
        }
        "BA" => json!({
            "project": choose(rng, PROJECTS),
            "parcel": format!(
                "Gemarkung Minden, Flur {}, Flurstück {}",
                rng.gen_range(1..=60),
                rng.gen_range(10..=990)
            ),
            "construction_sum": rng.gen_range(20..=900) * 1_000,
            "procedure": choose(rng, BA_PROCEDURES),
        }),
        "GA" => {
            let (name, activity, permit) =
                *ACTIVITIES.choose(rng).expect("sample lists are not empty");
            json!({
                "business_name": format!("{name} {}", person.family_name),
                "activity": activity,
                "legal_form": choose(rng, GA_LEGAL_FORMS),
                "start_date": date(received + Duration::days(rng.gen_range(0..30))),
                "permit_required": permit,
            })
        }
        "SN" => {
            let from = received + Duration::days(rng.gen_range(7..35));
            let days: i64 = rng.gen_range(2..=45);
            json!({
                "purpose": choose(rng, SN_PURPOSES),
                "street": person.street,
                "area_m2": rng.gen_range(4..=60),
                "from_date": date(from),
                "to_date": date(from + Duration::days(days - 1)),
                "days": days,
            })
        }
        _ => json!({}),
    };
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use casedesk_domain::aktenzeichen::is_valid_service_code;
    use rand::SeedableRng;

    #[test]
    fn ids_are_service_codes_and_conditions_name_boolean_fields() {
        let services = demo_services();
        let ids: Vec<_> = services.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["MB", "HU", "BP", "BA", "GA", "SN"]);
        for service in &services {
            assert!(is_valid_service_code(&service.id), "{}", service.id);
            for doc in &service.required_documents {
                if let Some(when) = &doc.when {
                    let field = service
                        .fields
                        .iter()
                        .find(|f| f.key == when.field)
                        .unwrap_or_else(|| panic!("{}: no field {}", service.id, when.field));
                    assert_eq!(field.kind, FieldKind::Boolean, "{}", service.id);
                    assert_eq!(when.equals, "true");
                }
            }
            let fee_fields: Vec<&str> = match &service.fee {
                FeeRule::Fixed { .. } => Vec::new(),
                FeeRule::PerMilleOfField { field, .. } => vec![field.as_str()],
                FeeRule::ProductOfFields { fields, .. } => {
                    fields.iter().map(String::as_str).collect()
                }
            };
            for key in fee_fields {
                let field = service.fields.iter().find(|f| f.key == key).unwrap();
                assert!(matches!(field.kind, FieldKind::Number { .. }), "{key}");
            }
        }
        let weights: u32 = SERVICE_WEIGHTS.iter().map(|(_, w)| w).sum();
        assert_eq!(weights, 100);
        for (id, _) in SERVICE_WEIGHTS {
            assert!(ids.contains(&id));
        }
    }

    #[test]
    fn sample_forms_validate_and_fees_follow_the_rules() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(11);
        let received = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let person = Person::draw(&mut rng, "32423");
        for service in demo_services() {
            for _ in 0..40 {
                let form = sample_form(&service.id, &person, received, &mut rng);
                service
                    .validate_form(&form)
                    .unwrap_or_else(|e| panic!("{}: {e:?} in {form:?}", service.id));
                let fee = service.fee_cents(&form);
                match service.id.as_str() {
                    "MB" => assert_eq!(fee, 1_000),
                    "HU" => assert_eq!(fee, 0),
                    "BA" => assert!(fee >= 10_000),
                    "SN" => assert!(fee >= 2_000),
                    _ => {}
                }
            }
        }
        let sn = &demo_services()[5];
        let form = serde_json::json!({"purpose": "Gerüst", "street": "Scharn 1", "area_m2": 12,
            "from_date": "2026-03-10", "to_date": "2026-03-19", "days": 10});
        assert_eq!(sn.fee_cents(form.as_object().unwrap()), 6_000);
    }
}
