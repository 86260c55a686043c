//! Sample cases of the six demo services, built through the domain's own
//! `CaseAggregate::submit` and turned into letter inputs with
//! [`LetterInput::from_case`]; for tests, examples and the benchmark.

use casedesk_domain::aggregate::{
    Applicant, Decision, Fee, ItemsRequest, NewCase, PaymentStatus, RequestPurpose, RequestStatus,
    RequestedItem,
};
use casedesk_domain::delivery::DeliveryChannel;
use casedesk_domain::wire::ServiceDefinition;
use casedesk_domain::{ActorRef, CaseAggregate, Outcome};
use chrono::{NaiveDate, TimeZone, Utc};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::input::{Contact, LetterContext, LetterInput, LetterKind};

/// The service ids of the demo catalog.
pub const SERVICES: [&str; 6] = ["MB", "HU", "BP", "BA", "GA", "SN"];

/// The demo tenant's catalog: the same data file the demo crate files its services
/// from (`crates/casedesk-demo/catalog/services.json`), so the samples are letters
/// of the services a demo user sees.
const DEMO_CATALOG: &str = include_str!("../../casedesk-demo/catalog/services.json");

/// The demo catalog's definition of service `id`.
pub fn service(id: &str) -> ServiceDefinition {
    let services: Vec<ServiceDefinition> =
        serde_json::from_str(DEMO_CATALOG).unwrap_or_else(|e| panic!("demo catalog: {e}"));
    services
        .into_iter()
        .find(|s| s.id == id)
        .unwrap_or_else(|| panic!("no service {id} in the demo catalog"))
}

/// The outcomes a decision of service `id` may have.
pub fn outcomes(id: &str) -> Vec<Outcome> {
    service(id).law.outcomes.iter().map(|o| o.outcome).collect()
}

/// What a caseworker writes as the reasons of a rejection or partial approval of
/// the sample case: this case's facts, as §39 VwVfG NRW requires.
pub fn reasons(id: &str, outcome: Outcome) -> Option<String> {
    let text = match (id, outcome) {
        ("MB", Outcome::Rejected) => {
            "Unter der angegebenen Anschrift ist im Melderegister der Stadt Minden keine Person \
             mit Ihrem Namen gemeldet. Eine Meldebescheinigung kann nur über gespeicherte Daten \
             erteilt werden."
        }
        ("MB", Outcome::Partial) => {
            "Ihre früheren Anschriften vor dem Zuzug nach Minden im Jahr 2019 sind im \
             Melderegister der Stadt Minden nicht gespeichert; sie kann nur die zuletzt \
             zuständige Meldebehörde bescheinigen."
        }
        ("BP", Outcome::Rejected) => {
            "Das Fahrzeug MI-AB 123 ist nicht auf Sie zugelassen, und eine Bestätigung, dass Sie \
             es dauerhaft nutzen, liegt nicht vor."
        }
        ("BP", Outcome::Partial) => {
            "Die Bestätigung Ihres Arbeitgebers vom 27.02.2026 bescheinigt die Nutzung des \
             Firmenwagens nur bis zum 31.08.2026. Der Ausweis kann daher nur bis zu diesem Tag \
             gelten."
        }
        ("BA", Outcome::Rejected) => {
            "Der Bebauungsplan Nr. 112 „Rodenbeck Nord“ setzt für das Grundstück eine \
             Grundflächenzahl von 0,3 fest. Das Vorhaben erreicht nach der eingereichten \
             Berechnung 0,42. Eine Befreiung nach § 31 Abs. 2 BauGB scheidet aus, weil die \
             Überschreitung die Grundzüge der Planung berührt."
        }
        ("GA", Outcome::Rejected) => {
            "Ihre Anzeige ist unvollständig: Es fehlt die Anschrift der Betriebsstätte, und die \
             Kopie Ihres Personalausweises ist nicht lesbar. Wir haben Sie gebeten, beides \
             nachzureichen; es liegt uns bis heute nicht vor."
        }
        ("SN", Outcome::Rejected) => {
            "Der Gehweg vor dem Haus Bäckerstraße 12 ist 1,60 m breit. Mit dem Gerüst bliebe \
             eine Durchgangsbreite von 0,40 m; Menschen mit Rollstuhl oder Kinderwagen könnten \
             ihn nicht mehr nutzen, und eine Umleitung ist dort nicht möglich. Das Interesse \
             an einem freien Gehweg überwiegt Ihr Interesse an der Aufstellung."
        }
        ("SN", Outcome::Partial) => {
            "Erlaubt wird die Fläche auf dem Parkstreifen (12 m²). Die übrigen 6 m² auf dem \
             Gehweg würden die Durchgangsbreite unter 1,20 m verringern."
        }
        _ => return None,
    };
    Some(text.to_owned())
}

/// What a caseworker writes as the scope of a partial approval of the sample case:
/// what is granted and what is refused.
pub fn partial_note(id: &str) -> Option<String> {
    let text = match id {
        "MB" => {
            "Bescheinigt werden die Daten nach § 18 Abs. 1 BMG. Die beantragten früheren \
             Anschriften (§ 18 Abs. 2 BMG) werden nicht bescheinigt."
        }
        "BP" => "Der Ausweis gilt nur bis zum 31.08.2026, nicht für ein Jahr.",
        "SN" => {
            "Erlaubt wird nur die Fläche auf dem Parkstreifen (12 m²); die Nutzung der \
             übrigen 6 m² auf dem Gehweg wird nicht erlaubt."
        }
        _ => return None,
    };
    Some(text.to_owned())
}

/// The fee a caseworker assesses instead of the service's rule: for the partial
/// Sondernutzung only the permitted 12 m² over 26 days at 0,50 €.
fn caseworker_fee(id: &str, outcome: Outcome) -> Option<i64> {
    match (id, outcome) {
        ("SN", Outcome::Partial) => Some(12 * 26 * 50),
        _ => None,
    }
}

/// The items the sample case's request for missing items asks for.
fn requested_items(id: &str) -> &'static [&'static str] {
    match id {
        "MB" => &["Angabe, für welchen Zeitraum Sie Ihre früheren Anschriften benötigen"],
        "HU" => &["Nachweis über den Beginn der Hundehaltung (z. B. Kauf- oder Abgabevertrag)"],
        "BP" => &[
            "Zulassungsbescheinigung Teil I (gut lesbare Kopie)",
            "Bestätigung Ihres Arbeitgebers, dass Sie den Firmenwagen dauerhaft nutzen",
        ],
        "BA" => &[
            "Standsicherheitsnachweis",
            "Berechnung der Grundflächen und des Brutto-Rauminhalts",
        ],
        "GA" => &[
            "Kopie des Personalausweises oder Reisepasses",
            "Erlaubnis für die Tätigkeit",
        ],
        _ => &[
            "Lageskizze mit Maßen – bitte mit Angabe der Gehwegbreite",
            "Nachweis der Haftpflichtversicherung",
        ],
    }
}

fn form(id: &str) -> Map<String, Value> {
    let value = match id {
        "MB" => json!({"purpose": "Vorlage beim Arbeitgeber", "copies": 2, "extended": true}),
        "HU" => json!({"dog_name": "Bello", "breed": "Deutscher Schäferhund", "born": "2024-05-17",
                       "kept_since": "2026-02-14", "listed_breed": false, "chip_number": "276098106543210"}),
        "BP" => {
            json!({"licence_plate": "MI-AB 123", "zone": "B – Fischerstadt", "company_car": true})
        }
        "BA" => json!({"project": "Neubau eines Einfamilienhauses mit Carport",
                       "parcel": "Gemarkung Minden, Flur 12, Flurstück 345/6",
                       "construction_sum": 285000, "procedure": "Vereinfachtes Baugenehmigungsverfahren (§ 64 BauO NRW)"}),
        "GA" => {
            json!({"business_name": "Café „Weserblick“", "activity": "Betrieb eines Cafés mit Außengastronomie",
                       "legal_form": "GbR", "further_representatives": 1, "start_date": "2026-04-01",
                       "permit_required": true})
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
        consents: casedesk_domain::aggregate::Consents {
            portal_delivery: true,
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
        purpose: RequestPurpose::Items,
        items: requested_items(id)
            .iter()
            .map(|description| RequestedItem {
                kind: None,
                description: (*description).into(),
                replaces: None,
            })
            .collect(),
        reason: "Die eingereichten Unterlagen sind unvollständig.".into(),
        message: "Bitte beachten Sie: Fotos müssen gut lesbar sein.".into(),
        answer_due: NaiveDate::from_ymd_opt(2026, 3, 23).unwrap_or_default(),
        requested_at: received,
        requested_by: Uuid::from_u128(1),
        status: RequestStatus::Open,
        answered_at: None,
        letter_sha256: None,
        answers: Vec::new(),
        last_answer_at: None,
        closed_reason: None,
    });
    case
}

/// The sample case of service `id` after a decision with `outcome` that recorded
/// the outcome's fee: what a separate fee notice is written about.
pub fn decided_case(id: &str, outcome: Outcome) -> CaseAggregate {
    let mut case = case(id);
    let service = service(id);
    case.decision = Some(Decision {
        outcome,
        decided_at: Utc
            .with_ymd_and_hms(2026, 3, 12, 10, 0, 0)
            .single()
            .unwrap_or_default(),
        decided_by: Uuid::from_u128(1),
        letter_sha256: None,
        fee_cents: caseworker_fee(id, outcome)
            .unwrap_or_else(|| service.fee_for(outcome, &case.form_data)),
        reasons: reasons(id, outcome),
        delivery: Default::default(),
    });
    case
}

/// The sample case of service `id` with an open Anhörung (§28 VwVfG NRW) about the
/// decision the office intends, besides its request for missing items.
pub fn case_with_hearing(id: &str) -> CaseAggregate {
    let mut case = case(id);
    case.requests.push(ItemsRequest {
        id: Uuid::from_u128(100),
        purpose: RequestPurpose::Hearing,
        items: Vec::new(),
        reason: "Wir beabsichtigen, Ihren Antrag abzulehnen, soweit Sie die Nutzung des \
                 Gehwegs beantragt haben. Der Gehweg vor dem Haus Bäckerstraße 12 ist 1,60 m \
                 breit; mit dem Gerüst bliebe eine Durchgangsbreite von 0,40 m."
            .into(),
        message: "Bitte teilen Sie uns auch mit, ob das Gerüst allein auf dem Parkstreifen \
                  aufgestellt werden kann."
            .into(),
        answer_due: NaiveDate::from_ymd_opt(2026, 3, 26).unwrap_or_default(),
        requested_at: Utc
            .with_ymd_and_hms(2026, 3, 12, 9, 0, 0)
            .single()
            .unwrap_or_default(),
        requested_by: Uuid::from_u128(1),
        status: RequestStatus::Open,
        answered_at: None,
        letter_sha256: None,
        answers: Vec::new(),
        last_answer_at: None,
        closed_reason: None,
    });
    case
}

/// The contact person of the samples, named as "Im Auftrag" prints her.
pub fn contact() -> Contact {
    Contact {
        name: "Aylin Özdemir".into(),
        office: "Bürgerbüro Rathaus".into(),
        phone: "0571 89-4711".into(),
        email: "buergerbuero@minden.example".into(),
    }
}

/// The letter input of a sample case for a decision with `outcome`, dated
/// 12 March 2026, issued by the sample contact with the sample reasons.
pub fn input(id: &str, outcome: Outcome) -> LetterInput {
    input_of_kind(id, LetterKind::Decision(outcome))
}

/// The channel the sample letters of service `id` go on: by post where the law
/// allows it, else served (the Baugenehmigung).
pub fn channel(id: &str) -> DeliveryChannel {
    let delivery = service(id).law.delivery;
    [DeliveryChannel::Post, DeliveryChannel::Zustellung]
        .into_iter()
        .find(|c| delivery.allows(*c))
        .unwrap_or_default()
}

/// The letter input of a sample case for any kind of letter: a decision with the
/// caseworker's reasons and scope, the request for items, the Anhörung of
/// [`case_with_hearing`], the fee notice about the first outcome that costs a fee
/// ([`decided_case`]) or the tax notice.
pub fn input_of_kind(id: &str, kind: LetterKind) -> LetterInput {
    let mut context = LetterContext::issued_by(
        NaiveDate::from_ymd_opt(2026, 3, 12).unwrap_or_default(),
        contact(),
    );
    context.channel = channel(id);
    let service = service(id);
    let case = match kind {
        LetterKind::Decision(outcome) => {
            context.reasons = reasons(id, outcome);
            if outcome == Outcome::Partial {
                context.partial_note = partial_note(id);
            }
            context.fee_cents = caseworker_fee(id, outcome);
            case(id)
        }
        LetterKind::Hearing => case_with_hearing(id),
        LetterKind::FeeNotice => {
            let outcome = service
                .law
                .outcomes
                .iter()
                .find(|o| o.fee.is_some() && service.fee_for(o.outcome, &form(id)) > 0)
                .map(|o| o.outcome)
                .unwrap_or_else(|| panic!("sample {id}: no outcome with a fee"));
            decided_case(id, outcome)
        }
        LetterKind::ItemsRequest | LetterKind::TaxNotice => case(id),
    };
    LetterInput::from_case(&case, &service, kind, &context)
        .unwrap_or_else(|e| panic!("sample {id}: {e}"))
}

/// One sample input for every default letter template, in the order of
/// [`crate::template::DEFAULT_TEMPLATES`]: each service's decisions with every
/// outcome its law allows, then the request for items (Bauantrag, whose
/// application counts as withdrawn), the Anhörung (Sondernutzung), the fee notice
/// (Bauantrag) and the tax notice (Hundesteuer).
pub fn every_letter() -> Vec<LetterInput> {
    let mut inputs: Vec<LetterInput> = SERVICES
        .iter()
        .flat_map(|id| outcomes(id).into_iter().map(move |o| input(id, o)))
        .collect();
    inputs.push(input_of_kind("BA", LetterKind::ItemsRequest));
    inputs.push(input_of_kind("SN", LetterKind::Hearing));
    inputs.push(input_of_kind("BA", LetterKind::FeeNotice));
    inputs.push(input_of_kind("HU", LetterKind::TaxNotice));
    inputs
}
