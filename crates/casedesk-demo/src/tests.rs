//! The demo tenant, created in a fresh store.

use super::*;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Instant;

use casedesk_domain::CaseAggregate;
use casedesk_domain::aggregate::{NoticeKind, RequestPurpose, RequestStatus, Verdict};
use casedesk_domain::delivery::{DeliveryChannel, DeliveryState};
use casedesk_domain::holidays::is_working_day;
use casedesk_domain::law::Remedy;
use casedesk_domain::lifecycle::{CaseStatus, Outcome};
use chrono::Utc;

use casedesk_portal_store::blobs::BlobConfig;

use crate::lives::FATES;

/// A fresh SQLite database and blob store in a temporary directory.
pub(crate) struct Fixture {
    pub(crate) db: Arc<dyn Database>,
    pub(crate) blobs: BlobStore,
    _dir: tempfile::TempDir,
}

impl Fixture {
    pub(crate) fn stores(&self) -> Stores<'_> {
        Stores {
            db: self.db.as_ref(),
            blobs: &self.blobs,
        }
    }
}

pub(crate) async fn fresh_state() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("portal.db").display());
    Fixture {
        db: casedesk_portal_store::open(&url).await.unwrap(),
        blobs: BlobStore::open(&BlobConfig::Local, dir.path()).unwrap(),
        _dir: dir,
    }
}

/// Every case visible to a team lead who belongs to all offices.
pub(crate) async fn all_cases(state: &Fixture, after: i64) -> Vec<CaseAggregate> {
    let (lead, _) = state
        .db
        .user_credentials("h.zimmermann")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(lead.offices.len(), DEMO_OFFICES.len());
    let mut cases = Vec::new();
    let mut cursor = after;
    loop {
        let page = state.db.changes(&lead, cursor, 5000).await.unwrap();
        cases.extend(
            page.changes
                .iter()
                .map(|raw| serde_json::from_str::<CaseAggregate>(raw).unwrap()),
        );
        cursor = page.next_cursor;
        if !page.has_more {
            break;
        }
    }
    cases
}

#[test]
fn logins_print_user_password_role_and_office() {
    let login = DemoLogin {
        user: "k.schneider".into(),
        password: DEMO_PASSWORD.into(),
        role: Role::TeamLead,
        office: "Bürgerbüro Rathaus".into(),
    };
    assert_eq!(
        login.to_string(),
        "k.schneider / demo-casedesk  (team_lead, Bürgerbüro Rathaus)"
    );
}

#[test]
fn the_roster_starts_with_a_main_office_caseworker_and_staffs_every_office() {
    assert_eq!(DEMO_STAFF[0].login, "a.becker");
    assert_eq!(DEMO_STAFF[0].role, Role::Caseworker);
    assert_eq!(DEMO_STAFF[0].offices, ["32"]);
    for office in DEMO_OFFICES {
        let caseworkers = DEMO_STAFF
            .iter()
            .filter(|s| s.role == Role::Caseworker && s.offices.contains(&office.code))
            .count();
        let leads = DEMO_STAFF
            .iter()
            .filter(|s| s.role == Role::TeamLead && s.offices.contains(&office.code))
            .count();
        assert!(caseworkers >= 2 && leads >= 1, "{}", office.code);
    }
    let fates: usize = FATES.iter().map(|f| f.1).sum();
    assert_eq!(fates, 300);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_tenant_has_cases_in_every_state() {
    let state = fresh_state().await;
    let started = Instant::now();
    let logins = create_demo_tenant(&state.stores()).await.unwrap();
    let elapsed = started.elapsed();
    eprintln!("create_demo_tenant took {elapsed:?}");

    assert_eq!(
        logins[0].to_string(),
        "a.becker / demo-casedesk  (caseworker, Bürgerbüro Rathaus)"
    );
    assert_eq!(logins.len(), DEMO_STAFF.len());
    assert!(logins.iter().any(|l| l.role == Role::Admin));

    let cases = all_cases(&state, 0).await;
    assert!(cases.len() >= 250, "{} cases", cases.len());
    for status in CaseStatus::ALL {
        let n = cases.iter().filter(|c| c.status == status).count();
        assert!(n > 0, "no case is {status:?}");
    }
    for outcome in [
        Outcome::Approved,
        Outcome::Rejected,
        Outcome::Partial,
        Outcome::Receipted,
    ] {
        assert!(
            cases
                .iter()
                .any(|c| c.decision.as_ref().is_some_and(|d| d.outcome == outcome)),
            "no decision {outcome:?}"
        );
    }
    decisions_follow_the_law(&cases);
    deliveries_show_every_state(&cases);
    // Decision letters are real Bescheide: valid PDF naming the case, the
    // applicant, the court and the caseworker who decided.
    let services: std::collections::HashMap<String, _> = demo_services()
        .into_iter()
        .map(|s| (s.id.clone(), s))
        .collect();
    let decided = cases
        .iter()
        .find(|c| {
            c.decision
                .as_ref()
                .is_some_and(|d| d.letter_sha256.is_some() && d.outcome == Outcome::Rejected)
                && services[&c.service_id].law.remedy == Remedy::Klage
        })
        .expect("a rejection with a letter that is sued over");
    let sha = decided
        .decision
        .as_ref()
        .unwrap()
        .letter_sha256
        .clone()
        .unwrap();
    let mut reading = state.blobs.get(&sha, None).await.unwrap();
    let mut pdf = Vec::new();
    while let Some(chunk) = futures::StreamExt::next(&mut reading.body).await {
        pdf.extend_from_slice(&chunk.unwrap());
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bescheid.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let check = std::process::Command::new("qpdf")
        .arg("--check")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let text = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains(&decided.aktenzeichen), "{text}");
    assert!(text.contains(&decided.applicant.full_name()), "{text}");
    assert!(text.contains("Verwaltungsgericht Minden"), "{text}");
    assert!(text.contains("Im Auftrag"), "{text}");
    assert!(!text.contains("maschinell erstellt"), "{text}");
    let reasons = decided.decision.as_ref().unwrap().reasons.clone().unwrap();
    let first_words: String = reasons
        .split_whitespace()
        .take(4)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        text.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .contains(&first_words),
        "{text}"
    );

    // Every office has work, and some open cases are past their deadline.
    for office in state.db.offices().await.unwrap() {
        assert!(
            cases.iter().any(|c| c.office_id == office.id),
            "{} has no cases",
            office.name
        );
    }
    let today = Utc::now().date_naive();
    assert!(
        cases
            .iter()
            .any(|c| c.status.is_open() && c.computed_due_date(today) < today)
    );
    // Waiting cases keep a deadline in the future, so the expiry job leaves them.
    for case in cases
        .iter()
        .filter(|c| c.status == CaseStatus::AwaitingCitizen)
    {
        assert!(
            case.requests
                .iter()
                .any(|r| r.status == RequestStatus::Open && r.answer_due > today)
        );
    }
    assert!(state.db.expired_requests(today).await.unwrap().is_empty());
    assert!(state.db.lapsed_retrievals(today).await.unwrap().is_empty());
    // Answer deadlines end on working days (§31(3) VwVfG NRW would move them).
    for request in cases.iter().flat_map(|c| &c.requests) {
        assert!(
            is_working_day(request.answer_due),
            "{:?}",
            request.answer_due
        );
    }
    assert!(cases.iter().any(|c| {
        c.requests
            .iter()
            .any(|r| r.purpose == RequestPurpose::Hearing && r.status == RequestStatus::Open)
    }));
    assert!(cases.iter().any(|c| {
        c.requests
            .iter()
            .any(|r| r.purpose == RequestPurpose::Hearing && r.status == RequestStatus::Answered)
    }));
    assert!(cases.iter().any(|c| !c.notes.is_empty()));
    assert!(
        cases
            .iter()
            .any(|c| c.messages.iter().any(|m| m.from_citizen))
    );
    assert!(cases.iter().any(|c| {
        c.requests
            .iter()
            .any(|r| r.status == RequestStatus::Expired)
    }));
    assert!(cases.iter().any(|c| c.due_date_override.is_some()));
    assert!(cases.iter().any(|c| {
        c.documents.iter().any(|d| {
            d.review
                .as_ref()
                .is_some_and(|r| r.verdict == Verdict::Rejected && r.reason.is_some())
        })
    }));

    // Times lie between receipt and now, in order.
    let now = Utc::now();
    for case in &cases {
        let mut last = case.received_at;
        for entry in &case.history {
            assert!(entry.at >= last && entry.at <= now, "{}", case.aktenzeichen);
            last = entry.at;
        }
    }

    // Letters and attachments are real, readable files.
    let citizen_case = cases
        .iter()
        .find(|c| c.decision.is_some())
        .expect("decided cases exist");
    let sha = citizen_case
        .decision
        .as_ref()
        .unwrap()
        .letter_sha256
        .clone()
        .unwrap();
    let reading = state.blobs.get(&sha, Some(0..5)).await.unwrap();
    assert_eq!(reading.range, 0..5);
    let media = state
        .db
        .readable_blob(&Principal::System, &sha)
        .await
        .unwrap();
    assert_eq!(media.as_deref(), Some("application/pdf"));
    let media_types: HashSet<&str> = cases
        .iter()
        .flat_map(|c| c.documents.iter().map(|d| d.media_type.as_str()))
        .collect();
    for media_type in ["application/pdf", "image/png", "image/jpeg"] {
        assert!(media_types.contains(media_type), "no {media_type} document");
    }
    let (_, hash) = state
        .db
        .citizen_credentials(&citizen_case.applicant.email)
        .await
        .unwrap()
        .unwrap();
    assert!(casedesk_portal_store::passwords::verify_password(
        CITIZEN_PASSWORD,
        &hash
    ));
}

/// Every decision has an outcome its service's law knows and goes out on a channel
/// the law allows, by portal only with the applicant's consent; refusals carry the
/// caseworker's reasons; about six in ten applicants consent.
fn decisions_follow_the_law(cases: &[CaseAggregate]) {
    let services: std::collections::HashMap<String, _> = demo_services()
        .into_iter()
        .map(|s| (s.id.clone(), s))
        .collect();
    let consenting = cases.iter().filter(|c| c.consents.portal_delivery).count();
    let share = consenting as f64 / cases.len() as f64;
    assert!((0.45..=0.75).contains(&share), "{share}");
    for case in cases {
        let Some(decision) = &case.decision else {
            continue;
        };
        let law = &services[&case.service_id].law;
        assert!(
            law.outcome(decision.outcome).is_some(),
            "{}",
            case.aktenzeichen
        );
        assert!(
            law.delivery.allows(decision.delivery.channel),
            "{}",
            case.aktenzeichen
        );
        if decision.delivery.channel == DeliveryChannel::Portal {
            assert!(case.consents.portal_delivery, "{}", case.aktenzeichen);
        }
        assert_eq!(
            decision.reasons.is_some(),
            decision.outcome.needs_reasons(),
            "{}",
            case.aktenzeichen
        );
    }
}

/// The demo shows decisions in every state of their delivery, by every channel,
/// and notices after the decision: a fee notice and tax notices.
fn deliveries_show_every_state(cases: &[CaseAggregate]) {
    let deliveries: Vec<_> = cases
        .iter()
        .flat_map(|c| {
            c.decision
                .iter()
                .map(|d| &d.delivery)
                .chain(c.notices.iter().map(|n| &n.delivery))
        })
        .collect();
    let mut states: std::collections::BTreeMap<String, usize> = Default::default();
    for d in &deliveries {
        *states
            .entry(format!("{:?}/{:?}", d.channel, d.state()))
            .or_default() += 1;
    }
    eprintln!("deliveries: {states:?}");
    for channel in [
        DeliveryChannel::Post,
        DeliveryChannel::Portal,
        DeliveryChannel::Zustellung,
    ] {
        assert!(
            deliveries.iter().any(|d| d.channel == channel),
            "no {channel:?}"
        );
    }
    for state in [
        DeliveryState::AwaitingDispatch,
        DeliveryState::AwaitingRetrieval,
        DeliveryState::RetrievalLapsed,
        DeliveryState::Announced,
    ] {
        assert!(
            deliveries.iter().any(|d| d.state() == state),
            "no {state:?}"
        );
    }
    assert!(deliveries.iter().any(|d| d.retrieved_at.is_some()));
    // A decision not fetched in time went by post afterwards.
    assert!(
        deliveries
            .iter()
            .any(|d| d.lapsed && d.dispatched_on.is_some() && d.dates.is_some())
    );
    // Closed cases were announced before they were closed.
    for case in cases.iter().filter(|c| c.status == CaseStatus::Closed) {
        if let Some(decision) = &case.decision {
            assert_ne!(decision.delivery.state(), DeliveryState::RetrievalLapsed);
        }
    }
    for kind in [NoticeKind::Fee, NoticeKind::Tax] {
        assert!(
            cases
                .iter()
                .any(|c| c.notices.iter().any(|n| n.kind == kind)),
            "no {kind:?} notice"
        );
    }
}
