//! The `seq` invariant of system.md under real concurrency: many writers commit while
//! several readers page through changes; when the writers are done, every reader's
//! copy equals the store. A reader that skipped a change (the classic bug of sequence
//! numbers handed out at insert time but committed out of order) ends with a stale
//! version of some case and fails this test.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use casedesk_domain::CaseAggregate;
use casedesk_domain::command::{CommandAnswer, CommandKind};
use casedesk_portal::store::Principal;
use chrono::Utc;
use futures::StreamExt;
use uuid::Uuid;

use crate::on_both_backends;
use crate::support::{TestStore, command, fixture};

on_both_backends!(no_reader_ever_skips_a_change);

const CASES: usize = 24;
const WRITERS: usize = 8;
const COMMANDS_PER_WRITER: usize = 60;
const READERS: usize = 4;

async fn no_reader_ever_skips_a_change(store: TestStore) {
    let fx = Arc::new(fixture(store.db.clone()).await);
    let mut cases = Vec::new();
    for i in 0..CASES {
        let citizen = if i % 3 == 0 { &fx.max } else { &fx.erika };
        cases.push(fx.submit(citizen).await);
    }
    let cases = Arc::new(cases);
    let writing = Arc::new(AtomicBool::new(true));

    let mut readers = Vec::new();
    for _ in 0..READERS {
        let db = fx.db.clone();
        let lead = fx.lead.clone();
        let writing = writing.clone();
        readers.push(tokio::spawn(async move {
            let mut copy: HashMap<Uuid, i64> = HashMap::new();
            let mut cursor = 0_i64;
            let mut pages = 0;
            loop {
                // Read the flag before the page: a page that starts after the writers
                // finished and has nothing more is the final one.
                let done = !writing.load(Ordering::SeqCst);
                let page = db.changes(&lead, cursor, 7).await.unwrap();
                pages += 1;
                let mut previous = cursor;
                for raw in &page.changes {
                    let case: CaseAggregate = serde_json::from_str(raw).unwrap();
                    assert!(
                        case.seq > previous,
                        "seq went backwards: {} after {previous}",
                        case.seq
                    );
                    assert!(case.seq <= page.next_cursor);
                    previous = case.seq;
                    let known = copy.entry(case.id).or_insert(0);
                    assert!(case.version >= *known, "a case went back in time");
                    *known = case.version;
                }
                assert!(page.next_cursor >= cursor, "the cursor went backwards");
                cursor = page.next_cursor;
                if done && !page.has_more {
                    return (copy, pages);
                }
                tokio::task::yield_now().await;
            }
        }));
    }

    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let db = fx.db.clone();
        let lead = Principal::Staff(fx.lead.clone());
        let cases = cases.clone();
        writers.push(tokio::spawn(async move {
            for i in 0..COMMANDS_PER_WRITER {
                let case = &cases[(w * 7 + i * 5) % cases.len()];
                let note = command(
                    case,
                    CommandKind::AddNote {
                        text: format!("Vermerk {w}/{i}"),
                    },
                );
                let answer = db.apply_command(&lead, &note, Utc::now()).await.unwrap();
                assert!(
                    matches!(answer, CommandAnswer::Applied { .. }),
                    "{answer:?}"
                );
            }
        }));
    }
    for writer in writers {
        writer.await.unwrap();
    }
    writing.store(false, Ordering::SeqCst);

    let truth: HashMap<Uuid, i64> = fx
        .db
        .bootstrap(&fx.lead, None, casedesk_portal::store::BootstrapForm::Json)
        .await
        .unwrap()
        .cases_stream
        .map(|line| {
            let case: CaseAggregate = serde_json::from_slice(&line.unwrap()).unwrap();
            (case.id, case.version)
        })
        .collect()
        .await;
    assert_eq!(truth.len(), CASES);
    let total_versions: i64 = truth.values().map(|v| v - 1).sum();
    assert_eq!(total_versions as usize, WRITERS * COMMANDS_PER_WRITER);
    for reader in readers {
        let (copy, pages) = reader.await.unwrap();
        assert!(pages > 1, "the reader did not race the writers");
        assert_eq!(copy, truth, "a reader missed a change");
    }
}
