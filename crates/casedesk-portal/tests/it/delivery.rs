//! How decisions reach citizens, over real sockets on both backends: consent to
//! portal delivery, the first download of a letter as the retrieval that announces
//! it (§41(2a) VwVfG NRW), the dates the citizen then sees, the lapse after ten
//! days without a retrieval, and dispatches recorded through the office API.

use casedesk_domain::aggregate::{Consents, DecideContext, NewCase};
use casedesk_domain::command::CommandKind;
use casedesk_domain::deadline::{Period, local_date, period_end};
use casedesk_domain::delivery::DeliveryChannel;
use casedesk_domain::delivery::{
    announced_by_post, announced_by_retrieval, remedy_deadline, retrieval_lapses_after,
};
use casedesk_domain::law::Procedure;
use casedesk_domain::{Aktenzeichen, CaseAggregate, Outcome};
use casedesk_portal::jobs;
use casedesk_portal::store::Principal;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::on_both_backends;
use crate::served::{Served, serve};
use crate::support::{TestStore, dog_form, parking_form};

on_both_backends!(
    consent_is_opted_into_and_required_for_portal_delivery,
    the_first_download_announces_a_portal_decision,
    a_kag_matter_names_the_widerspruchsfrist,
    an_unretrieved_decision_lapses_after_ten_days,
    dispatches_recorded_by_the_office_give_the_dates,
    a_kag_fee_in_a_rejection_has_its_own_objection_period,
    a_retrieval_that_cannot_be_recorded_serves_no_letter,
    the_fee_due_period_is_a_tenant_setting,
    a_download_after_the_ten_days_announces_nothing,
    a_case_of_a_service_stored_without_its_law_stays_visible_to_its_citizen,
);

fn date(value: &Value) -> NaiveDate {
    value
        .as_str()
        .unwrap_or_else(|| panic!("not a date: {value}"))
        .parse()
        .unwrap()
}

fn instant(value: &Value) -> DateTime<Utc> {
    value
        .as_str()
        .unwrap_or_else(|| panic!("not a time: {value}"))
        .parse()
        .unwrap()
}

/// Noon in Minden of `day`, as the time a job runs at.
fn noon(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::from_hms_opt(10, 0, 0).unwrap())
        .and_utc()
}

/// Anna claims the case, uploads a letter and decides it with `outcome` on
/// `channel`; returns the letter's bytes.
async fn decide(
    s: &Served,
    case_id: Uuid,
    outcome: &str,
    fee_cents: i64,
    channel: &str,
) -> Vec<u8> {
    let anna = s.staff_token("anna").await;
    s.applied(&anna, case_id, "claim", Value::Null).await;
    let (sha, pdf) = s.upload_letter(&anna).await;
    let payload = json!({"outcome": outcome, "letter_sha256": sha, "fee_cents": fee_cents,
                         "channel": channel});
    s.applied(&anna, case_id, "record_decision", payload).await;
    pdf
}

async fn consent_is_opted_into_and_required_for_portal_delivery(store: TestStore) {
    let s = serve(store).await;
    let erika = s.citizen_token("erika@example.org").await;
    let without = s.file(&erika, "BP", parking_form(), None).await;
    let with = s
        .file(
            &erika,
            "BP",
            parking_form(),
            Some(json!({"portal_delivery": true})),
        )
        .await;
    assert_eq!(
        s.view(&erika, without).await["consents"]["portal_delivery"],
        false
    );
    assert_eq!(
        s.view(&erika, with).await["consents"]["portal_delivery"],
        true
    );

    // Malformed consents are refused before anything is filed.
    for consents in [
        json!({"portal_delivery": "ja"}),
        json!({"portal_delivery": true, "post": false}),
        json!(true),
    ] {
        let application = json!({"service_id": "BP", "form": parking_form(), "consents": consents});
        let reply = s
            .apply(&erika, &application.to_string(), &["registration"])
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{consents}");
        assert_eq!(reply.json()["code"], "invalid_json");
    }
    let list: Vec<Value> = serde_json::from_slice(
        &s.download(&erika, Method::GET, "/api/v1/citizen/applications")
            .await
            .body,
    )
    .unwrap();
    assert_eq!(list.len(), 2);

    // Without the applicant's consent a decision is not delivered through the portal.
    let anna = s.staff_token("anna").await;
    s.applied(&anna, without, "claim", Value::Null).await;
    let (sha, _) = s.upload_letter(&anna).await;
    let answer = s
        .command(&anna, without, "record_decision",
            json!({"outcome": "approved", "letter_sha256": sha, "fee_cents": 3000, "channel": "portal"}))
        .await;
    assert_eq!(answer["result"], "rejected");
    assert!(
        answer["message"].as_str().unwrap().contains("§ 41 Abs. 2a"),
        "{answer}"
    );
    s.applied(
        &anna,
        without,
        "record_decision",
        json!({"outcome": "approved", "letter_sha256": sha, "fee_cents": 3000, "channel": "post"}),
    )
    .await;
    let decision = &s.view(&erika, without).await["decision"];
    assert_eq!(decision["delivery"]["channel"], "post");
    assert_eq!(decision["delivery"]["state"], "awaiting_dispatch");
    assert_eq!(
        decision["delivery"]["state_label"],
        "Versand noch nicht erfasst"
    );
}

async fn the_first_download_announces_a_portal_decision(store: TestStore) {
    let s = serve(store).await;
    let erika = s.citizen_token("erika@example.org").await;
    let case_id = s
        .file(
            &erika,
            "BP",
            parking_form(),
            Some(json!({"portal_delivery": true})),
        )
        .await;
    let pdf = decide(&s, case_id, "approved", 3000, "portal").await;

    let view = s.view(&erika, case_id).await;
    let decision = &view["decision"];
    let delivery = &decision["delivery"];
    assert_eq!(delivery["channel"], "portal");
    assert_eq!(delivery["channel_label"], "Abruf im Bürgerportal");
    assert_eq!(delivery["state"], "awaiting_retrieval");
    assert_eq!(
        delivery["state_label"],
        "Im Bürgerportal bereitgestellt, noch nicht abgerufen"
    );
    let notified = instant(&delivery["notified_at"]);
    assert_eq!(
        date(&delivery["retrievable_until"]),
        retrieval_lapses_after(notified).unwrap()
    );
    assert!(delivery.get("announced").is_none() && delivery.get("retrieved_at").is_none());
    assert_eq!(delivery["remedy"]["period_label"], "Klagefrist");
    assert!(delivery["remedy"].get("deadline").is_none());
    let letter = decision["letter_url"].as_str().unwrap().to_owned();

    // Someone else's letter does not exist for them; a HEAD request fetches nothing.
    let max = s.citizen_token("max@example.org").await;
    assert_eq!(
        s.download(&max, Method::GET, &letter).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        s.download(&erika, Method::HEAD, &letter).await.status,
        StatusCode::OK
    );
    assert_eq!(s.view(&erika, case_id).await["decision"], view["decision"]);

    // The first download is the retrieval: announced the next day in Minden, the
    // Klagefrist one month later, the fee due two weeks after the announcement.
    let reply = s.download(&erika, Method::GET, &letter).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, pdf);
    let view = s.view(&erika, case_id).await;
    let delivery = &view["decision"]["delivery"];
    assert_eq!(delivery["state"], "announced");
    assert_eq!(delivery["state_label"], "Bekannt gegeben");
    let retrieved = instant(&delivery["retrieved_at"]);
    let announced = announced_by_retrieval(retrieved).unwrap();
    assert_eq!(announced, local_date(retrieved) + Duration::days(1));
    assert_eq!(date(&delivery["announced"]), announced);
    assert_eq!(
        date(&delivery["remedy"]["deadline"]),
        remedy_deadline(announced).unwrap()
    );
    assert_eq!(delivery["remedy"]["label"], "Klage");
    assert_eq!(
        date(&delivery["fee_due"]),
        period_end(announced, Period::Weeks(2)).unwrap()
    );
    assert!(delivery.get("retrievable_until").is_none());

    // A second download changes nothing.
    let again = s.download(&erika, Method::GET, &letter).await;
    assert_eq!((again.status, again.body), (StatusCode::OK, pdf));
    assert_eq!(s.view(&erika, case_id).await, view);

    // A fee notice after the decision is retrieved and announced on its own.
    let anna = s.staff_token("anna").await;
    let (sha, notice_pdf) = s.upload_letter(&anna).await;
    s.applied(
        &anna,
        case_id,
        "issue_notice",
        json!({"kind": "fee", "letter_sha256": sha, "amount_cents": 1500, "channel": "portal"}),
    )
    .await;
    let view = s.view(&erika, case_id).await;
    let notice = &view["notices"][0];
    assert_eq!(notice["kind_label"], "Gebührenbescheid");
    assert_eq!(notice["delivery"]["state"], "awaiting_retrieval");
    let unknown = format!(
        "/api/v1/citizen/applications/{case_id}/notices/{}/letter",
        Uuid::now_v7()
    );
    assert_eq!(
        s.download(&erika, Method::GET, &unknown).await.status,
        StatusCode::NOT_FOUND
    );
    let reply = s
        .download(&erika, Method::GET, notice["letter_url"].as_str().unwrap())
        .await;
    assert_eq!((reply.status, reply.body), (StatusCode::OK, notice_pdf));
    let view = s.view(&erika, case_id).await;
    let delivery = &view["notices"][0]["delivery"];
    let announced = announced_by_retrieval(instant(&delivery["retrieved_at"])).unwrap();
    assert_eq!(date(&delivery["announced"]), announced);
    // The parking fee (GebOSt) is sued over, like the decision.
    assert_eq!(delivery["remedy"]["period_label"], "Klagefrist");
    assert_eq!(
        date(&delivery["fee_due"]),
        period_end(announced, Period::Weeks(2)).unwrap()
    );
    assert_eq!(view["fee"]["amount_cents"], 1500);
    // The office reads the notice's letter through the case, other offices do not.
    let blob = format!("/api/v1/office/blobs/{sha}");
    let bernd = s.staff_token("bernd").await;
    assert_eq!(
        s.download(&bernd, Method::GET, &blob).await.status,
        StatusCode::OK
    );
    let clara = s.staff_token("clara").await;
    assert_eq!(
        s.download(&clara, Method::GET, &blob).await.status,
        StatusCode::NOT_FOUND
    );
}

async fn a_kag_matter_names_the_widerspruchsfrist(store: TestStore) {
    let s = serve(store).await;
    let erika = s.citizen_token("erika@example.org").await;
    let case_id = s
        .file(
            &erika,
            "HU",
            dog_form(),
            Some(json!({"portal_delivery": true})),
        )
        .await;
    decide(&s, case_id, "receipted", 0, "portal").await;
    let letter = s.view(&erika, case_id).await["decision"]["letter_url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        s.download(&erika, Method::GET, &letter).await.status,
        StatusCode::OK
    );
    let view = s.view(&erika, case_id).await;
    let delivery = &view["decision"]["delivery"];
    assert_eq!(view["decision"]["outcome_label"], "Bestätigt");
    assert_eq!(delivery["remedy"]["label"], "Widerspruch");
    assert_eq!(delivery["remedy"]["period_label"], "Widerspruchsfrist");
    let announced = date(&delivery["announced"]);
    assert_eq!(
        date(&delivery["remedy"]["deadline"]),
        remedy_deadline(announced).unwrap()
    );
    // Nothing is charged, so nothing falls due.
    assert!(delivery.get("fee_due").is_none());
}

async fn an_unretrieved_decision_lapses_after_ten_days(store: TestStore) {
    let s = serve(store).await;
    let erika = s.citizen_token("erika@example.org").await;
    let case_id = s
        .file(
            &erika,
            "BP",
            parking_form(),
            Some(json!({"portal_delivery": true})),
        )
        .await;
    decide(&s, case_id, "approved", 3000, "portal").await;
    let view = s.view(&erika, case_id).await;
    let last = date(&view["decision"]["delivery"]["retrievable_until"]);
    let db = s.state.db.as_ref();

    // Up to and including the tenth day it may still be retrieved.
    assert!(db.lapsed_retrievals(last).await.unwrap().is_empty());
    assert_eq!(jobs::lapse_unretrieved(db, noon(last)).await.unwrap(), 0);
    // The day after, the job notes the lapse once.
    let next_day = noon(last + Duration::days(1));
    assert_eq!(
        db.lapsed_retrievals(last + Duration::days(1))
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(jobs::lapse_unretrieved(db, next_day).await.unwrap(), 1);
    assert_eq!(jobs::lapse_unretrieved(db, next_day).await.unwrap(), 0);
    assert!(
        db.lapsed_retrievals(last + Duration::days(1))
            .await
            .unwrap()
            .is_empty()
    );
    let view = s.view(&erika, case_id).await;
    let delivery = &view["decision"]["delivery"];
    assert_eq!(delivery["state"], "retrieval_lapsed");
    assert_eq!(
        delivery["state_label"],
        "Nicht abgerufen – bitte per Post versenden"
    );

    // A download now is a copy that announces nothing.
    let letter = view["decision"]["letter_url"].as_str().unwrap();
    assert_eq!(
        s.download(&erika, Method::GET, letter).await.status,
        StatusCode::OK
    );
    assert_eq!(s.view(&erika, case_id).await, view);

    // The office posts it instead; the fiction of §41(2) VwVfG NRW gives the dates.
    let anna = s.staff_token("anna").await;
    let today = local_date(Utc::now());
    s.applied(
        &anna,
        case_id,
        "record_dispatch",
        json!({"channel": "post", "on": today}),
    )
    .await;
    let delivery = &s.view(&erika, case_id).await["decision"]["delivery"];
    assert_eq!(delivery["channel"], "post");
    assert_eq!(date(&delivery["dispatched_on"]), today);
    let announced = announced_by_post(today, Procedure::Verwaltungsverfahren).unwrap();
    assert_eq!(date(&delivery["announced"]), announced);
    assert_eq!(
        date(&delivery["remedy"]["deadline"]),
        remedy_deadline(announced).unwrap()
    );
}

async fn dispatches_recorded_by_the_office_give_the_dates(store: TestStore) {
    let s = serve(store).await;
    // The tenant lets fees fall due three weeks after the announcement.
    s.state
        .db
        .set_fee_due_after(Period::Weeks(3))
        .await
        .unwrap();
    assert_eq!(s.state.db.fee_due_after().await.unwrap(), Period::Weeks(3));
    // Desktops read it for their letters; citizens and strangers do not.
    let anna = s.staff_token("anna").await;
    let tenant = s
        .download(&anna, Method::GET, "/api/v1/office/tenant")
        .await;
    assert_eq!(tenant.status, StatusCode::OK);
    assert_eq!(tenant.json(), json!({"fee_due_after": "3w"}));
    let stranger = s.download("", Method::GET, "/api/v1/office/tenant").await;
    assert_eq!(stranger.status, StatusCode::UNAUTHORIZED);
    let erika = s.citizen_token("erika@example.org").await;
    let form = json!({"project": "Errichtung einer Doppelgarage",
                      "parcel": "Gemarkung Minden, Flur 3, Flurstück 120",
                      "construction_sum": 40000,
                      "procedure": "Vereinfachtes Baugenehmigungsverfahren (§ 64 BauO NRW)"});
    let case_id = s
        .file(&erika, "BA", form, Some(json!({"portal_delivery": true})))
        .await;
    decide(&s, case_id, "approved", 20000, "zustellung").await;
    let anna = s.staff_token("anna").await;
    let today = local_date(Utc::now());

    // Not on another way than it was issued, and not in the future.
    let answer = s
        .command(
            &anna,
            case_id,
            "record_dispatch",
            json!({"channel": "post", "on": today}),
        )
        .await;
    assert_eq!(answer["result"], "rejected", "{answer}");
    let tomorrow = today + Duration::days(1);
    let answer = s
        .command(
            &anna,
            case_id,
            "record_dispatch",
            json!({"channel": "zustellung", "on": tomorrow}),
        )
        .await;
    assert_eq!(answer["result"], "rejected", "{answer}");

    // Served today: announced today, the Klagefrist a month on, the fee due after
    // the tenant's three weeks.
    s.applied(
        &anna,
        case_id,
        "record_dispatch",
        json!({"channel": "zustellung", "on": today}),
    )
    .await;
    let delivery = &s.view(&erika, case_id).await["decision"]["delivery"];
    assert_eq!(delivery["state"], "announced");
    assert_eq!(delivery["channel_label"], "Förmliche Zustellung");
    assert_eq!(date(&delivery["dispatched_on"]), today);
    assert_eq!(date(&delivery["announced"]), today);
    assert_eq!(
        date(&delivery["remedy"]["deadline"]),
        remedy_deadline(today).unwrap()
    );
    assert_eq!(
        date(&delivery["fee_due"]),
        period_end(today, Period::Weeks(3)).unwrap()
    );
    // Recorded once; a second dispatch is refused.
    let answer = s
        .command(
            &anna,
            case_id,
            "record_dispatch",
            json!({"channel": "zustellung", "on": today}),
        )
        .await;
    assert_eq!(answer["result"], "rejected", "{answer}");
}

async fn a_kag_fee_in_a_rejection_has_its_own_objection_period(store: TestStore) {
    // A rejected Sondernutzung: the rejection goes to the court (VwVfG), its
    // processing fee under the town's fee bylaw is objected to (KAG, announced
    // under the AO, whose fiction day moves off weekends and holidays).
    let s = serve(store).await;
    let erika = s.citizen_token("erika@example.org").await;
    let form = json!({"purpose": "Gerüst", "street": "Bäckerstraße 12", "area_m2": 18,
                      "from_date": "2026-04-13", "to_date": "2026-05-08", "days": 26});
    let case_id = s.file(&erika, "SN", form, None).await;
    let anna = s.staff_token("anna").await;
    s.applied(&anna, case_id, "claim", Value::Null).await;
    let (sha, _) = s.upload_letter(&anna).await;
    let reasons = "Mit dem Gerüst bliebe auf dem Gehweg eine Durchgangsbreite von 0,40 m.";
    s.applied(
        &anna,
        case_id,
        "record_decision",
        json!({"outcome": "rejected", "letter_sha256": sha, "fee_cents": 2000,
               "reasons": reasons, "channel": "post"}),
    )
    .await;
    let today = local_date(Utc::now());
    s.applied(
        &anna,
        case_id,
        "record_dispatch",
        json!({"channel": "post", "on": today}),
    )
    .await;
    let decision = &s.view(&erika, case_id).await["decision"];
    assert_eq!(decision["reasons"], reasons);
    let delivery = &decision["delivery"];
    let announced = announced_by_post(today, Procedure::Verwaltungsverfahren).unwrap();
    let fee_announced = announced_by_post(today, Procedure::Abgaben).unwrap();
    assert_eq!(date(&delivery["announced"]), announced);
    assert_eq!(delivery["remedy"]["period_label"], "Klagefrist");
    assert_eq!(
        date(&delivery["remedy"]["deadline"]),
        remedy_deadline(announced).unwrap()
    );
    assert_eq!(delivery["fee_remedy"]["period_label"], "Widerspruchsfrist");
    assert_eq!(
        date(&delivery["fee_remedy"]["deadline"]),
        remedy_deadline(fee_announced).unwrap()
    );
    // The fee falls due after the fee part's own announcement.
    assert_eq!(
        date(&delivery["fee_due"]),
        period_end(fee_announced, Period::Weeks(2)).unwrap()
    );
    assert_eq!(
        delivery.get("fee_announced").map(date),
        (fee_announced != announced).then_some(fee_announced)
    );
}

async fn a_retrieval_that_cannot_be_recorded_serves_no_letter(store: TestStore) {
    let s = serve(store).await;
    let erika = s.citizen_token("erika@example.org").await;
    let case_id = s
        .file(
            &erika,
            "BP",
            parking_form(),
            Some(json!({"portal_delivery": true})),
        )
        .await;
    let pdf = decide(&s, case_id, "approved", 3000, "portal").await;
    let view = s.view(&erika, case_id).await;
    let letter = view["decision"]["letter_url"].as_str().unwrap().to_owned();

    // The command path fails (its table of answers is gone for a moment): the
    // citizen gets an error and no letter, and nothing counts as announced.
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&s.url).await.unwrap();
    let rename = |from: &str, to: &str| format!("ALTER TABLE {from} RENAME TO {to}");
    sqlx::query(&rename("command_results", "command_results_away"))
        .execute(&pool)
        .await
        .unwrap();
    let reply = s.download(&erika, Method::GET, &letter).await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(reply.json()["code"], "retrieval_not_recorded");
    assert_eq!(s.view(&erika, case_id).await, view);

    // Once it works again, the download is recorded and served.
    sqlx::query(&rename("command_results_away", "command_results"))
        .execute(&pool)
        .await
        .unwrap();
    let reply = s.download(&erika, Method::GET, &letter).await;
    assert_eq!((reply.status, reply.body), (StatusCode::OK, pdf));
    assert_eq!(
        s.view(&erika, case_id).await["decision"]["delivery"]["state"],
        "announced"
    );
}

async fn the_fee_due_period_is_a_tenant_setting(store: TestStore) {
    assert_eq!(store.db.fee_due_after().await.unwrap(), Period::Weeks(2));
    store.db.set_fee_due_after(Period::Days(10)).await.unwrap();
    store.db.set_fee_due_after(Period::Months(1)).await.unwrap();
    // Stored, not cached: another portal instance on the same database reads it.
    let other = casedesk_portal::store::open(&store.url).await.unwrap();
    assert_eq!(other.fee_due_after().await.unwrap(), Period::Months(1));
}

/// A BP case of Erika's decided by Anna `days_ago` days ago for retrieval from the
/// portal, built by the domain as the seeder builds cases and filed in bulk.
async fn decided_days_ago(s: &Served, letter_sha256: &str, days_ago: i64) -> Uuid {
    let fx = &s.fx;
    let service = crate::support::demo_service("BP");
    let decided = Utc::now() - Duration::days(days_ago);
    let received = decided - Duration::days(1);
    let aktenzeichen =
        Aktenzeichen::new(&fx.office_a.code, "BP", received.year(), 900_001).unwrap();
    let new = NewCase::from_application(
        &service,
        parking_form().as_object().unwrap().clone(),
        Vec::new(),
        received,
        fx.erika.applicant(),
        Consents {
            portal_delivery: true,
        },
        fx.office_a.id,
        &aktenzeichen,
    );
    let citizen = Principal::Citizen(fx.erika.clone()).actor();
    let anna = Principal::Staff(fx.anna.clone()).actor();
    let (mut case, _) = CaseAggregate::submit(new, &citizen, 0);
    let mut ctx = DecideContext::at(received);
    let events = case.decide(&anna, &CommandKind::Claim, 1, &ctx).unwrap();
    case.record(events, &anna, None, received, 0);
    ctx = DecideContext::at(decided);
    ctx.law = Some(service.law.clone());
    ctx.letter_stored = true;
    let decision = CommandKind::RecordDecision {
        outcome: Outcome::Approved,
        letter_sha256: Some(letter_sha256.to_owned()),
        fee_cents: 3000,
        reasons: None,
        channel: DeliveryChannel::Portal,
    };
    let events = case.decide(&anna, &decision, case.version, &ctx).unwrap();
    case.record(events, &anna, None, decided, 0);
    let id = case.id;
    fx.db.import_cases(vec![(case, fx.erika.id)]).await.unwrap();
    id
}

async fn a_download_after_the_ten_days_announces_nothing(store: TestStore) {
    let s = serve(store).await;
    let anna = s.staff_token("anna").await;
    let (sha, pdf) = s.upload_letter(&anna).await;
    // Notified twelve days ago; the lapse job has not run yet.
    let case_id = decided_days_ago(&s, &sha, 12).await;
    let erika = s.citizen_token("erika@example.org").await;
    let view = s.view(&erika, case_id).await;
    assert_eq!(view["decision"]["delivery"]["state"], "awaiting_retrieval");

    // The copy is served, but the retrieval came too late to announce anything
    // (§41(2a) S. 4): the download notes the lapse as the job would.
    let letter = view["decision"]["letter_url"].as_str().unwrap();
    let reply = s.download(&erika, Method::GET, letter).await;
    assert_eq!((reply.status, reply.body), (StatusCode::OK, pdf));
    let delivery = &s.view(&erika, case_id).await["decision"]["delivery"];
    assert_eq!(delivery["state"], "retrieval_lapsed");
    assert!(delivery.get("retrieved_at").is_none() && delivery.get("announced").is_none());
    // The job finds nothing left to do.
    let db = s.state.db.as_ref();
    assert_eq!(jobs::lapse_unretrieved(db, Utc::now()).await.unwrap(), 0);
}

async fn a_case_of_a_service_stored_without_its_law_stays_visible_to_its_citizen(store: TestStore) {
    // A decided case whose service definition an older version stored without the
    // law: the citizen still lists and opens it, named by the service's id and
    // without the remedy that only the law can name.
    let s = serve(store).await;
    let erika = s.citizen_token("erika@example.org").await;
    let case_id = s.file(&erika, "BP", parking_form(), None).await;
    let other = s.file(&erika, "HU", dog_form(), None).await;
    decide(&s, case_id, "approved", 3000, "post").await;
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&s.url).await.unwrap();
    let text: String = sqlx::query_scalar("SELECT definition FROM services WHERE id = 'BP'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let mut old: Value = serde_json::from_str(&text).unwrap();
    old.as_object_mut().unwrap().remove("law");
    sqlx::query("UPDATE services SET definition = $1 WHERE id = 'BP'")
        .bind(old.to_string())
        .execute(&pool)
        .await
        .unwrap();

    let view = s.view(&erika, case_id).await;
    assert_eq!(view["service_name"], "BP");
    assert_eq!(view["decision"]["outcome"], "approved");
    assert_eq!(view["decision"]["delivery"]["channel"], "post");
    assert!(
        view["decision"]["delivery"].get("remedy").is_none(),
        "{view}"
    );
    let list = s
        .download(&erika, Method::GET, "/api/v1/citizen/applications")
        .await;
    assert_eq!(list.status, StatusCode::OK);
    let list = list.json();
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&case_id.to_string().as_str()), "{list}");
    assert!(ids.contains(&other.to_string().as_str()), "{list}");
    // The other service keeps its name.
    let other_view = list
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == other.to_string())
        .unwrap();
    assert_ne!(other_view["service_name"], "HU");
}
