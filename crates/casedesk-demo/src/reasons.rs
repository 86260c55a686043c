//! The caseworker's reasons of demo decisions (§39 VwVfG NRW): this case's facts
//! and why they lead to the outcome, written from the case's own form data, as a
//! caseworker would write them into a Bescheid; for a partial approval also its
//! scope, what is granted and what refused (§37(1)). A rejection or partial
//! approval is never issued without them, and no two cases share canned facts that
//! may not be true of them.
//!
//! What the office intends before a burdensome decision (the Anhörung, §28 VwVfG
//! NRW) is built from the same reasons.

use casedesk_domain::Outcome;
use casedesk_domain::wire::ServiceDefinition;
use chrono::{Duration, NaiveDate};
use rand::Rng;
use rand::seq::SliceRandom;
use serde_json::{Map, Value};

use crate::attachments::german_date;

/// A request for items that went unanswered before the decision.
#[derive(Debug, Clone)]
pub struct Unanswered {
    pub requested_on: NaiveDate,
    pub item: String,
    pub answer_due: NaiveDate,
}

/// The form answers a reason quotes.
struct Form<'a>(&'a Map<String, Value>);

impl Form<'_> {
    fn text(&self, key: &str) -> &str {
        self.0.get(key).and_then(Value::as_str).unwrap_or("")
    }

    fn number(&self, key: &str) -> i64 {
        self.0.get(key).and_then(Value::as_f64).unwrap_or(0.0) as i64
    }

    fn date(&self, key: &str) -> Option<NaiveDate> {
        self.0.get(key)?.as_str()?.parse().ok()
    }
}

/// "1,35 m": centimetres as a German length in metres.
fn metres(centimetres: i64) -> String {
    format!("{},{:02} m", centimetres / 100, centimetres % 100)
}

/// Why a decision refuses something, in the caseworker's words.
#[derive(Debug, Clone)]
pub struct Grounds {
    /// This case's facts and why they lead to the outcome (§39 VwVfG NRW).
    pub reasons: String,
    /// For a partial approval: what is granted and what is refused (§37(1)).
    pub scope: Option<String>,
    /// For a partial Sondernutzung: the area granted, which the fee is charged for.
    pub granted_area_m2: Option<i64>,
}

impl From<String> for Grounds {
    fn from(reasons: String) -> Self {
        Grounds {
            reasons,
            scope: None,
            granted_area_m2: None,
        }
    }
}

/// The grounds of a decision with `outcome` on service `service_id` with form
/// `form`, received on `received`; `None` for an outcome that grants what was
/// applied for (its reasons are the law's standard text). After an unanswered
/// request the rejection rests on it.
pub fn decision_grounds(
    service_id: &str,
    outcome: Outcome,
    form: &Map<String, Value>,
    received: NaiveDate,
    unanswered: Option<&Unanswered>,
    rng: &mut impl Rng,
) -> Option<Grounds> {
    if !outcome.needs_reasons() {
        return None;
    }
    if let (Outcome::Rejected, Some(unanswered)) = (outcome, unanswered) {
        return Some(unanswered_request(unanswered).into());
    }
    let form = Form(form);
    let grounds = match (service_id, outcome) {
        ("MB", Outcome::Rejected) => mb_rejected(received, rng).into(),
        ("MB", _) => mb_partial(received, rng),
        ("BP", Outcome::Rejected) => bp_rejected(&form, rng).into(),
        ("BP", _) => bp_partial(&form, received, rng),
        ("BA", _) => ba_rejected(&form, rng).into(),
        ("GA", _) => ga_rejected(&form, received).into(),
        ("SN", Outcome::Rejected) => sn_rejected(&form, rng).into(),
        ("SN", _) => sn_partial(&form, rng),
        _ => return None,
    };
    Some(grounds)
}

/// The fee a decision with `outcome` charges under the service's law: for the form
/// as applied for, or for the area granted where only part of it is.
pub fn charged_fee(
    service: &ServiceDefinition,
    outcome: Outcome,
    form: &Map<String, Value>,
    grounds: Option<&Grounds>,
) -> i64 {
    match grounds.and_then(|g| g.granted_area_m2) {
        Some(area) => {
            let mut granted = form.clone();
            granted.insert("area_m2".into(), Value::from(area));
            service.fee_for(outcome, &granted)
        }
        None => service.fee_for(outcome, form),
    }
}

/// What the office intends to decide and why, for the hearing before it.
pub fn intended(outcome: Outcome, reasons: &str) -> String {
    let intention = match outcome {
        Outcome::Partial => "Wir beabsichtigen, Ihrem Antrag nur teilweise zu entsprechen.",
        _ => "Wir beabsichtigen, Ihren Antrag abzulehnen.",
    };
    format!("{intention} {reasons}")
}

fn unanswered_request(unanswered: &Unanswered) -> String {
    format!(
        "Mit Schreiben vom {} haben wir Sie gebeten, „{}“ nachzureichen. Bis zum Ablauf der \
         Frist am {} ist der Nachweis nicht eingegangen. Ohne ihn lässt sich nicht \
         feststellen, dass die Voraussetzungen der beantragten Leistung vorliegen; nach \
         Aktenlage ist der Antrag daher abzulehnen.",
        german_date(unanswered.requested_on),
        unanswered.item,
        german_date(unanswered.answer_due)
    )
}

const TOWNS: &[&str] = &[
    "Bielefeld",
    "Porta Westfalica",
    "Bad Oeynhausen",
    "Hannover",
];

fn mb_rejected(received: NaiveDate, rng: &mut impl Rng) -> String {
    let moved = received - Duration::days(rng.gen_range(20..400));
    let town = TOWNS.choose(rng).expect("the list is not empty");
    if rng.gen_bool(0.5) {
        format!(
            "Nach dem Melderegister sind Sie am {} nach {town} verzogen; eine Wohnung in \
             Minden ist für Sie seitdem nicht gespeichert. Eine Meldebescheinigung kann nur \
             über die im Melderegister gespeicherten Daten erteilt werden (§ 18 Abs. 1 BMG).",
            german_date(moved)
        )
    } else {
        format!(
            "Ihre Anmeldung vom {} ist noch nicht im Melderegister erfasst, weil die \
             Bestätigung des Wohnungsgebers (§ 19 BMG) bisher fehlt. Bis dahin kann die \
             Stadt Minden Ihnen die neue Anschrift nicht bescheinigen.",
            german_date(received - Duration::days(rng.gen_range(3..20)))
        )
    }
}

fn mb_partial(received: NaiveDate, rng: &mut impl Rng) -> Grounds {
    let year = chrono::Datelike::year(&received) - rng.gen_range(2..12);
    Grounds {
        reasons: format!(
            "Ihre früheren Anschriften vor dem Zuzug nach Minden im Jahr {year} sind im \
             Melderegister der Stadt Minden nicht gespeichert; sie kann nur die damals \
             zuständige Meldebehörde bescheinigen."
        ),
        scope: Some(format!(
            "Bescheinigt werden Ihre derzeitige Anschrift, Ihre Anschriften in Minden seit \
             {year} und die Daten nach § 18 Abs. 1 BMG. Die beantragten früheren Anschriften \
             vor {year} (§ 18 Abs. 2 BMG) werden nicht bescheinigt."
        )),
        granted_area_m2: None,
    }
}

fn bp_rejected(form: &Form<'_>, rng: &mut impl Rng) -> String {
    let plate = form.text("licence_plate");
    if rng.gen_bool(0.5) {
        format!(
            "Das Fahrzeug {plate} ist nach der vorgelegten Zulassungsbescheinigung nicht \
             auf Sie zugelassen, und eine Bestätigung, dass Sie es dauerhaft nutzen, liegt \
             nicht vor. Ein Bewohnerparkausweis wird nur für ein Fahrzeug erteilt, das auf \
             die antragstellende Person zugelassen ist oder von ihr nachweislich dauerhaft \
             genutzt wird."
        )
    } else {
        format!(
            "Sie sind in Minden nur mit Nebenwohnung gemeldet. Bewohnerparkausweise für die \
             Zone „{}“ erhalten nur Bewohnerinnen und Bewohner, die dort mit Hauptwohnung \
             gemeldet sind; für das Fahrzeug {plate} kann daher kein Ausweis erteilt werden.",
            form.text("zone")
        )
    }
}

fn bp_partial(form: &Form<'_>, received: NaiveDate, rng: &mut impl Rng) -> Grounds {
    let until = received + Duration::days(rng.gen_range(90..240));
    let plate = form.text("licence_plate");
    let reasons = if form.0.get("company_car") == Some(&Value::Bool(true)) {
        format!(
            "Die Bestätigung Ihres Arbeitgebers bescheinigt die Nutzung des Firmenwagens \
             {plate} nur bis zum {}. Der Ausweis kann daher nur bis zu diesem Tag gelten.",
            german_date(until)
        )
    } else {
        format!(
            "Der Leasingvertrag für das Fahrzeug {plate} endet nach Ihren Unterlagen am {}. \
             Der Ausweis kann daher nur bis zu diesem Tag gelten; für ein Folgefahrzeug \
             können Sie einen neuen Ausweis beantragen.",
            german_date(until)
        )
    };
    Grounds {
        reasons,
        scope: Some(format!(
            "Der Bewohnerparkausweis für das Fahrzeug {plate} in der Zone „{}“ wird bis zum \
             {} erteilt. Für die Zeit danach wird der Antrag abgelehnt.",
            form.text("zone"),
            german_date(until)
        )),
        granted_area_m2: None,
    }
}

const PLANS: &[(&str, &str)] = &[
    ("112", "Rodenbeck Nord"),
    ("87", "Am Weserglacis"),
    ("143", "Dankersen West"),
    ("96", "Todtenhauser Feld"),
];

fn ba_rejected(form: &Form<'_>, rng: &mut impl Rng) -> String {
    let parcel = form.text("parcel");
    let project = form.text("project");
    match rng.gen_range(0..3) {
        0 => {
            let (number, name) = *PLANS.choose(rng).expect("the list is not empty");
            let reached = rng.gen_range(36..52);
            format!(
                "Der Bebauungsplan Nr. {number} „{name}“ setzt für das Grundstück {parcel} \
                 eine Grundflächenzahl von 0,3 fest. Das Vorhaben „{project}“ erreicht nach \
                 der eingereichten Berechnung 0,{reached}. Eine Befreiung nach § 31 Abs. 2 \
                 BauGB scheidet aus, weil die Überschreitung die Grundzüge der Planung berührt."
            )
        }
        1 => {
            let planned = rng.gen_range(150..290);
            format!(
                "Das Vorhaben „{project}“ hält zur nördlichen Grenze des Grundstücks {parcel} \
                 die Abstandsfläche nach § 6 BauO NRW nicht ein: erforderlich sind 3,00 m, \
                 geplant sind {}. Eine Abweichung nach § 69 BauO NRW kommt nicht in \
                 Betracht, weil das Nachbargrundstück dadurch erheblich weniger Licht erhielte.",
                metres(planned)
            )
        }
        _ => format!(
            "Das Grundstück {parcel} liegt im Außenbereich (§ 35 BauGB). Das Vorhaben \
             „{project}“ ist dort nicht privilegiert und beeinträchtigt öffentliche Belange: \
             Es widerspricht der Darstellung des Flächennutzungsplans als Fläche für die \
             Landwirtschaft und ließe die Entstehung einer Splittersiedlung befürchten."
        ),
    }
}

fn ga_rejected(form: &Form<'_>, received: NaiveDate) -> String {
    format!(
        "Nach Ihren ergänzenden Angaben zu Ihrer Anzeige vom {} üben Sie die Tätigkeit \
         „{}“ als angestellte Person für einen anderen Betrieb aus, der Ihnen Aufträge \
         und Arbeitszeiten vorgibt. Sie ist daher keine selbständige Tätigkeit und kein \
         Gewerbe im Sinne des § 14 Abs. 1 GewO; eine Gewerbeanzeige ist dafür weder nötig \
         noch möglich.",
        german_date(received),
        form.text("activity")
    )
}

fn sn_rejected(form: &Form<'_>, rng: &mut impl Rng) -> String {
    let street = form.text("street");
    if rng.gen_bool(0.5) {
        let width = rng.gen_range(150..190);
        let left = width - rng.gen_range(100..130);
        format!(
            "Der Gehweg vor dem Haus {street} ist {} breit. Mit der beantragten Fläche von \
             {} m² bliebe eine Durchgangsbreite von {}; Menschen mit Rollstuhl oder \
             Kinderwagen könnten ihn nicht mehr nutzen, und eine Umleitung ist dort nicht \
             möglich. Das Interesse an einem freien Gehweg überwiegt Ihr Interesse an der \
             Nutzung (§ 18 Abs. 1 Satz 4 StrWG NRW).",
            metres(width),
            form.number("area_m2"),
            metres(left)
        )
    } else {
        let from = form.date("from_date").map(german_date).unwrap_or_default();
        let to = form.date("to_date").map(german_date).unwrap_or_default();
        format!(
            "Die Fläche vor dem Haus {street} ist vom {from} bis zum {to} für die Erneuerung \
             der Gasleitung durch die Stadtwerke Minden abgesperrt. Eine weitere Nutzung \
             der Verkehrsfläche in dieser Zeit ließe keinen sicheren Fußgängerverkehr mehr zu."
        )
    }
}

/// A partial Sondernutzungserlaubnis: only the area on the parking strip is
/// granted, and the fee is charged for that area.
fn sn_partial(form: &Form<'_>, rng: &mut impl Rng) -> Grounds {
    let area = form.number("area_m2").max(2);
    let granted = (area * rng.gen_range(50..80) / 100).max(1);
    let street = form.text("street");
    let from = form.date("from_date").map(german_date).unwrap_or_default();
    let to = form.date("to_date").map(german_date).unwrap_or_default();
    Grounds {
        reasons: format!(
            "Die übrigen {} m² liegen auf dem Gehweg vor dem Haus {street} und würden die \
             Durchgangsbreite unter 1,20 m verringern; Menschen mit Rollstuhl oder \
             Kinderwagen kämen dort nicht mehr vorbei (§ 18 Abs. 1 Satz 4 StrWG NRW). Auf \
             dem Parkstreifen ist die Nutzung dagegen möglich.",
            area - granted
        ),
        scope: Some(format!(
            "Erlaubt wird die Nutzung von {granted} m² auf dem Parkstreifen vor dem Haus \
             {street} vom {from} bis zum {to}. Die Nutzung der übrigen {} m² auf dem Gehweg \
             wird nicht erlaubt.",
            area - granted
        )),
        granted_area_m2: Some(granted),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::Person;
    use crate::services::{demo_services, sample_form};
    use rand::SeedableRng;

    #[test]
    fn every_refusal_the_catalog_allows_has_reasons_from_its_own_case() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(5);
        let received = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let person = Person::draw(&mut rng, "32423");
        for service in demo_services() {
            let form = sample_form(&service, &person, received, &mut rng);
            for law in &service.law.outcomes {
                let grounds =
                    decision_grounds(&service.id, law.outcome, &form, received, None, &mut rng);
                assert_eq!(
                    grounds.is_some(),
                    law.outcome.needs_reasons(),
                    "{} {:?}",
                    service.id,
                    law.outcome
                );
                let Some(grounds) = grounds else { continue };
                // A partial approval says what is granted and what is refused.
                assert_eq!(grounds.scope.is_some(), law.outcome == Outcome::Partial);
                let reasons = grounds.reasons + grounds.scope.as_deref().unwrap_or_default();
                // The reasons name something of this very case.
                let own = form
                    .values()
                    .filter_map(Value::as_str)
                    .any(|v| reasons.contains(v))
                    || reasons.contains("Melderegister");
                assert!(own, "{} {:?}: {reasons}", service.id, law.outcome);
            }
        }
        let unanswered = Unanswered {
            requested_on: received,
            item: "Lageplan (vollständig und gut lesbar)".into(),
            answer_due: NaiveDate::from_ymd_opt(2026, 3, 16).unwrap(),
        };
        let form = Map::new();
        let reasons = decision_grounds(
            "SN",
            Outcome::Rejected,
            &form,
            received,
            Some(&unanswered),
            &mut rng,
        )
        .unwrap()
        .reasons;
        assert!(reasons.contains("02.03.2026") && reasons.contains("16.03.2026"));
        assert!(intended(Outcome::Rejected, &reasons).starts_with("Wir beabsichtigen"));
    }
}
