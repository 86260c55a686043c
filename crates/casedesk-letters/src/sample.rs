//! Sample cases of the six demo services, built through the domain's own
//! `CaseAggregate::submit` and turned into letter inputs with
//! [`LetterInput::from_case`]; for tests, examples and the benchmark.

use casedesk_domain::aggregate::{
    Applicant, Fee, ItemsRequest, NewCase, PaymentStatus, RequestStatus, RequestedItem,
};
use casedesk_domain::deadline::Period;
use casedesk_domain::wire::{FeeRule, FieldKind, FormField, ServiceDefinition};
use casedesk_domain::{ActorRef, CaseAggregate, Outcome};
use chrono::{NaiveDate, TimeZone, Utc};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::input::{Contact, LetterContext, LetterInput, LetterKind};

/// The service ids of the demo catalog.
pub const SERVICES: [&str; 6] = ["MB", "HU", "BP", "BA", "GA", "SN"];

fn field(key: &str, kind: FieldKind) -> FormField {
    FormField {
        key: key.into(),
        label: key.into(),
        kind,
        required: true,
    }
}

/// A service definition with the fields letters format specially (dates).
pub fn service(id: &str) -> ServiceDefinition {
    let (name, fields, fee): (&str, Vec<FormField>, FeeRule) = match id {
        "MB" => (
            "Meldebescheinigung",
            vec![],
            FeeRule::Fixed { cents: 1_000 },
        ),
        "HU" => (
            "Hundeanmeldung",
            vec![field("born", FieldKind::Date)],
            FeeRule::Fixed { cents: 0 },
        ),
        "BP" => (
            "Bewohnerparkausweis",
            vec![],
            FeeRule::Fixed { cents: 3_000 },
        ),
        "BA" => (
            "Bauantrag",
            vec![],
            FeeRule::PerMilleOfField {
                field: "construction_sum".into(),
                per_mille: 5,
                min_cents: 10_000,
            },
        ),
        "GA" => (
            "Gewerbeanmeldung",
            vec![field("start_date", FieldKind::Date)],
            FeeRule::Fixed { cents: 2_600 },
        ),
        _ => (
            "Sondernutzungserlaubnis",
            vec![
                field("from_date", FieldKind::Date),
                field("to_date", FieldKind::Date),
            ],
            FeeRule::ProductOfFields {
                fields: vec!["area_m2".into(), "days".into()],
                cents_per_unit: 50,
                min_cents: 2_000,
            },
        ),
    };
    ServiceDefinition {
        id: id.into(),
        name: name.into(),
        description: String::new(),
        fields,
        required_documents: vec![],
        fee,
        processing_period: Period::Days(14),
    }
}

fn form(id: &str) -> Map<String, Value> {
    let value = match id {
        "MB" => json!({"purpose": "Vorlage beim Arbeitgeber", "copies": 2, "extended": true}),
        "HU" => json!({"dog_name": "Bello", "breed": "Deutscher Schäferhund", "born": "2024-05-17",
                       "listed_breed": false, "chip_number": "276098106543210"}),
        "BP" => {
            json!({"licence_plate": "MI-AB 123", "zone": "B – Fischerstadt", "company_car": true})
        }
        "BA" => json!({"project": "Neubau eines Einfamilienhauses mit Carport",
                       "parcel": "Gemarkung Minden, Flur 12, Flurstück 345/6",
                       "construction_sum": 285000, "procedure": "Baugenehmigungsverfahren (§ 65 BauO NRW)"}),
        "GA" => {
            json!({"business_name": "Café „Weserblick“", "activity": "Betrieb eines Cafés mit Außengastronomie",
                       "legal_form": "GbR", "start_date": "2026-04-01", "permit_required": true})
        }
        _ => {
            json!({"purpose": "Gerüst", "street": "Bäckerstraße 12", "area_m2": 18, "from_date": "2026-04-13",
                    "to_date": "2026-05-08", "days": 26})
        }
    };
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// A submitted case of the service, received on 2 March 2026, with a fee and an
/// open request for missing items.
pub fn case(id: &str) -> CaseAggregate {
    let service = service(id);
    let form = form(id);
    let fee_cents = service.fee_cents(&form);
    let received = Utc
        .with_ymd_and_hms(2026, 3, 2, 9, 30, 0)
        .single()
        .unwrap_or_default();
    let new = NewCase {
        id: Uuid::from_u128(0x5eed_0000_0000_0000_0000_0000_0000_0001),
        aktenzeichen: format!("32-{id}-2026-000123"),
        office_id: Uuid::from_u128(32),
        service_id: id.into(),
        received_at: received,
        processing_period: service.processing_period,
        applicant: Applicant {
            citizen_id: Uuid::from_u128(7),
            given_name: "Jürgen".into(),
            family_name: "Weißmüller".into(),
            street: "Königstraße 7".into(),
            postal_code: "32423".into(),
            city: "Minden".into(),
            email: "j.weissmueller@example.org".into(),
            phone: None,
        },
        form_data: form,
        documents: vec![],
        fee: (fee_cents > 0).then(|| Fee {
            amount_cents: fee_cents,
            kassenzeichen: "5.0123.456789.3".into(),
            status: PaymentStatus::Open,
        }),
    };
    let (mut case, _) = CaseAggregate::submit(new, &ActorRef::System, 1);
    case.requests.push(ItemsRequest {
        id: Uuid::from_u128(99),
        items: vec![
            RequestedItem {
                kind: None,
                description: "Nachweis der Haftpflichtversicherung (Kopie der Police)".into(),
            },
            RequestedItem {
                kind: None,
                description: "Lageskizze mit Maßen – bitte mit Angabe der Gehwegbreite".into(),
            },
        ],
        reason: "Die eingereichten Unterlagen sind unvollständig.".into(),
        message: "Bitte beachten Sie: Fotos müssen gut lesbar sein.".into(),
        answer_due: NaiveDate::from_ymd_opt(2026, 3, 23).unwrap_or_default(),
        requested_at: received,
        requested_by: Uuid::from_u128(1),
        status: RequestStatus::Open,
        answered_at: None,
    });
    case
}

/// The contact person of the samples.
pub fn contact() -> Contact {
    Contact {
        name: "Frau Özdemir".into(),
        office: "Bürgerbüro Rathaus".into(),
        phone: "0571 89-4711".into(),
        email: "buergerbuero@minden.example".into(),
    }
}

/// The letter input of a sample case for a decision with `outcome`, dated
/// 12 March 2026 and produced automatically.
pub fn input(id: &str, outcome: Outcome) -> LetterInput {
    input_of_kind(id, LetterKind::Decision(outcome))
}

/// The letter input of a sample case for any kind of letter.
pub fn input_of_kind(id: &str, kind: LetterKind) -> LetterInput {
    let context = LetterContext::automated(
        NaiveDate::from_ymd_opt(2026, 3, 12).unwrap_or_default(),
        contact(),
    );
    LetterInput::from_case(&case(id), &service(id), kind, &context)
        .unwrap_or_else(|e| panic!("sample {id}: {e}"))
}
