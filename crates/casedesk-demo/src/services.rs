//! The six services (Leistungen) of the demo tenant and plausible form data for them.
//!
//! The catalog is data (`catalog/services.json`): the fields, documents and the law
//! of each service, with tenant values the demo could not take from a statute
//! marked as demo values. The form generator draws answers a caseworker would
//! recognise (dog breeds, licence plates of the Minden-Lübbecke district, building
//! projects), takes the choices of select fields from the catalog itself, and always
//! produces forms that pass [`ServiceDefinition::validate_form`].

use casedesk_domain::Outcome;
use casedesk_domain::wire::{FieldKind, ServiceDefinition};
use chrono::{Duration, NaiveDate};
use rand::Rng;
use rand::seq::SliceRandom;
use serde_json::{Map, Value, json};

use super::names::Person;

/// The demo catalog as data: `catalog/services.json`, the six services with their
/// fields, documents and law. Values the demo tenant could not take from a statute
/// (tariff lines, bylaw rates) say so in their text.
pub const DEMO_CATALOG_JSON: &str = include_str!("../catalog/services.json");

/// The demo tenant's service catalog ([`DEMO_CATALOG_JSON`]).
pub fn demo_services() -> Vec<ServiceDefinition> {
    serde_json::from_str(DEMO_CATALOG_JSON).expect("the demo catalog is valid")
}

/// The outcome a demo decision of `service` has when the story wants `wanted`: that
/// outcome where the service's law knows it; for a grant, the outcome applied for
/// (the receipt of a notice such as the Gewerbeanzeige); otherwise none.
pub fn outcome_for(service: &ServiceDefinition, wanted: Outcome) -> Option<Outcome> {
    if service.law.outcome(wanted).is_some() {
        Some(wanted)
    } else if wanted == Outcome::Approved {
        service.law.applied_for().map(|o| o.outcome)
    } else {
        None
    }
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

/// One of the options the catalog offers for select field `key` of `service`.
fn option<'s>(service: &'s ServiceDefinition, key: &str, rng: &mut impl Rng) -> &'s str {
    service
        .fields
        .iter()
        .find(|f| f.key == key)
        .and_then(|f| match &f.kind {
            FieldKind::Select { options } => options.choose(rng),
            _ => None,
        })
        .map_or("", String::as_str)
}

/// Further legal representatives a business of `legal_form` names: none for a sole
/// trader; a company or partnership now and then one or two more.
fn further_representatives(legal_form: &str, rng: &mut impl Rng) -> Option<u32> {
    match legal_form {
        "Einzelunternehmen" => None,
        _ if rng.gen_bool(0.35) => Some(rng.gen_range(1..=2)),
        _ => None,
    }
}

/// Form data for `service` from `person`, as if filled in on `received`.
pub fn sample_form(
    service: &ServiceDefinition,
    person: &Person,
    received: NaiveDate,
    rng: &mut impl Rng,
) -> Map<String, Value> {
    let choose = |rng: &mut _, list: &'static [&'static str]| -> &'static str {
        list.choose(rng).expect("sample lists are not empty")
    };
    let value = match service.id.as_str() {
        "MB" => json!({
            "purpose": option(service, "purpose", rng),
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
            // Most dogs are registered within weeks of moving in, a few later.
            let kept_since =
                (received - Duration::days(rng.gen_range(1..120))).max(born + Duration::days(56));
            json!({
                "dog_name": choose(rng, DOG_NAMES),
                "breed": breed,
                "born": date(born),
                "kept_since": date(kept_since),
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
                "zone": option(service, "zone", rng),
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
            "procedure": option(service, "procedure", rng),
        }),
        "GA" => {
            let (name, activity, permit) =
                *ACTIVITIES.choose(rng).expect("sample lists are not empty");
            let legal_form = option(service, "legal_form", rng);
            let mut form = json!({
                "business_name": format!("{name} {}", person.family_name),
                "activity": activity,
                "legal_form": legal_form,
                "start_date": date(received + Duration::days(rng.gen_range(0..30))),
                "permit_required": permit,
            });
            if let Some(n) = further_representatives(legal_form, rng) {
                form["further_representatives"] = json!(n);
            }
            form
        }
        "SN" => {
            let from = received + Duration::days(rng.gen_range(7..35));
            let days: i64 = rng.gen_range(2..=45);
            json!({
                "purpose": option(service, "purpose", rng),
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
    use casedesk_domain::wire::FeeRule;
    use rand::SeedableRng;

    /// The form fields a fee rule reads, with whether it reads them as numbers (a
    /// select's value is read as text).
    fn fee_fields(rule: &FeeRule) -> Vec<(&str, bool)> {
        match rule {
            FeeRule::Fixed { .. } => Vec::new(),
            FeeRule::PerMilleOfField { field, .. } => vec![(field.as_str(), true)],
            FeeRule::ProductOfFields { fields, .. } => {
                fields.iter().map(|f| (f.as_str(), true)).collect()
            }
            FeeRule::ByOption { field, .. } => vec![(field.as_str(), false)],
            FeeRule::Sum { parts } => parts.iter().flat_map(fee_fields).collect(),
        }
    }

    #[test]
    fn ids_are_service_codes_and_the_catalog_names_only_its_own_fields() {
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
            assert!(!service.law.outcomes.is_empty(), "{}", service.id);
            let rules = service
                .law
                .outcomes
                .iter()
                .filter_map(|o| o.fee.as_ref())
                .chain(&service.law.withdrawal_fee)
                .map(|fee| &fee.rule);
            for rule in rules {
                for (key, numeric) in fee_fields(rule) {
                    let field = service.fields.iter().find(|f| f.key == key);
                    let kind = field.map(|f| &f.kind);
                    if numeric {
                        assert!(matches!(kind, Some(FieldKind::Number { .. })), "{key}");
                    } else {
                        assert!(matches!(kind, Some(FieldKind::Select { .. })), "{key}");
                    }
                }
            }
        }
        let weights: u32 = SERVICE_WEIGHTS.iter().map(|(_, w)| w).sum();
        assert_eq!(weights, 100);
        for (id, _) in SERVICE_WEIGHTS {
            assert!(ids.contains(&id));
        }
    }

    #[test]
    fn sample_forms_validate_and_fees_follow_the_law() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(11);
        let received = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let person = Person::draw(&mut rng, "32423");
        let mut representatives = 0;
        for service in demo_services() {
            for _ in 0..40 {
                let form = sample_form(&service, &person, received, &mut rng);
                service
                    .validate_form(&form)
                    .unwrap_or_else(|e| panic!("{}: {e:?} in {form:?}", service.id));
                let fee = service.fee_cents(&form);
                match service.id.as_str() {
                    // The electronic Meldebescheinigung is free (§ 18 Abs. 3 BMG).
                    "MB" | "HU" => assert_eq!(fee, 0),
                    "BA" => assert!(fee >= 10_000),
                    "SN" => assert!(fee >= 2_000),
                    "GA" => {
                        let further = form
                            .get("further_representatives")
                            .and_then(Value::as_i64)
                            .unwrap_or(0);
                        representatives += further;
                        let base = match form["legal_form"].as_str().unwrap() {
                            "GmbH" | "UG (haftungsbeschränkt)" => 3_300,
                            _ => 2_600,
                        };
                        assert_eq!(fee, base + 1_300 * further, "{form:?}");
                    }
                    _ => {}
                }
                if service.id == "HU" {
                    let day = |key: &str| form[key].as_str().unwrap().parse::<NaiveDate>().unwrap();
                    assert!(day("born") < day("kept_since") && day("kept_since") < received);
                }
            }
        }
        assert!(representatives > 0);
        let sn = &demo_services()[5];
        let form = serde_json::json!({"purpose": "Gerüst", "street": "Scharn 1", "area_m2": 12,
            "from_date": "2026-03-10", "to_date": "2026-03-19", "days": 10});
        assert_eq!(sn.fee_cents(form.as_object().unwrap()), 6_000);
    }
}
