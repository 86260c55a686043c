//! Seeding a fresh store.

use super::story::{Fate, draw_fate};
use super::*;
use crate::create_demo_tenant;
use casedesk_domain::Aktenzeichen;
use casedesk_domain::lifecycle::CaseStatus;

#[test]
fn the_report_is_one_line() {
    let report = SeedReport {
        cases: 100_000,
        events: 1_000_000,
        documents: 400_000,
        elapsed: StdDuration::from_millis(41_230),
    };
    assert_eq!(
        report.to_string(),
        "seeded 100000 cases (1000000 events, 400000 documents) in 41.2 s"
    );
}

#[test]
fn old_cases_are_mostly_closed_and_new_ones_open() {
    let mut rng = StdRng::seed_from_u64(1);
    let old = (0..1000)
        .filter(|_| matches!(draw_fate(200.0, &mut rng), Fate::Closed(_)))
        .count();
    assert!(old > 650, "{old}");
    let new = (0..1000)
        .filter(|_| {
            matches!(
                draw_fate(1.0, &mut rng),
                Fate::Submitted | Fate::InReview | Fate::AwaitingCitizen
            )
        })
        .count();
    assert!(new > 800, "{new}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeding_adds_realistic_cases_after_the_demo_tenant() {
    const CASES: u32 = 2000;
    let state = crate::tests::fresh_state().await;
    create_demo_tenant(&state.stores()).await.unwrap();
    let head = state.db.head_seq().await.unwrap();

    // Enough cases that every status occurs whatever the day: the intake is spread
    // over a year, so only about one case in forty is from the last week, the only
    // cases still waiting to be claimed (with 500 cases, a run on an unlucky day
    // drew none).
    let report = seed_cases(&state.stores(), CASES).await.unwrap();
    eprintln!("{report}");
    assert_eq!(report.cases, CASES);

    let cases = crate::tests::all_cases(&state, head).await;
    assert_eq!(cases.len(), CASES as usize);
    let documents: usize = cases.iter().map(|c| c.documents.len()).sum();
    let events: usize = cases.iter().map(|c| c.history.len()).sum();
    assert_eq!(documents as u64, report.documents);
    assert_eq!(events as u64, report.events);
    let (avg_docs, avg_events) = (
        documents as f64 / f64::from(CASES),
        events as f64 / f64::from(CASES),
    );
    eprintln!("average: {avg_docs:.2} documents, {avg_events:.2} history entries");
    assert!((3.5..=4.5).contains(&avg_docs), "{avg_docs}");
    assert!((9.0..=11.0).contains(&avg_events), "{avg_events}");
    for status in CaseStatus::ALL {
        assert!(cases.iter().any(|c| c.status == status), "no {status:?}");
    }

    // Aktenzeichen are unique and continue the demo tenant's series.
    let mut references: Vec<&str> = cases.iter().map(|c| c.aktenzeichen.as_str()).collect();
    references.sort_unstable();
    references.dedup();
    assert_eq!(references.len(), CASES as usize);
    for case in &cases {
        case.aktenzeichen.parse::<Aktenzeichen>().unwrap();
        for document in &case.documents {
            assert_eq!(
                state.blobs.size(&document.sha256).await.unwrap(),
                Some(document.size as u64)
            );
        }
    }

    // Seeding again works: new citizens, numbers continue, files are shared.
    let again = seed_cases(&state.stores(), 20).await.unwrap();
    assert_eq!(again.cases, 20);
}
