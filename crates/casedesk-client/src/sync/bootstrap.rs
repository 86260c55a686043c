//! The bootstrap: the snapshot of every case in the user's scope, loaded into the
//! local store (into an empty one at first, after the last case written when it
//! resumes).
//!
//! Three stages overlap so that network, parsing and SQLite work at once: the
//! bootstrap's own task reads the response and splits it into records
//! (`Desk::read_records`), a task unpacks and parses batches of case frames on the
//! blocking pool (`spawn_parser`), and another writes them, each batch with its
//! resume point (`Desk::spawn_writer`). When the stream ends, `Desk::finish_bootstrap`
//! checks it against its end marker, builds the inbox indexes and commits the cursor.
//!
//! This is the hottest path of the app; a change here is measured with
//! `cargo bench -p casedesk-client --bench sync`.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use casedesk_domain::frames::{self, RecordKind};
use casedesk_domain::wire::BootstrapMarker;
use futures::StreamExt;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::in_cache_transaction;
use crate::codec::{Codec, Dictionary};
use crate::error::{ClientError, Result};
use crate::feed::Change;
use crate::portal::checked;
use crate::records::RecordSplitter;
use crate::store::{self, Freshness, ServerCase, keys};
use crate::{Desk, Session};

/// Busy time of the bootstrap's stages, in milliseconds. The stages overlap, so the
/// largest of parse and write bounds the total from below.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct BootstrapTimings {
    /// From the request to the committed cursor.
    pub total_ms: u64,
    /// Unpacking case frames and reading their inbox rows (blocking pool).
    pub parse_ms: u64,
    /// Writing batches to SQLite (rows, JSON, search index) and committing.
    pub write_ms: u64,
    /// Building the inbox indexes at the end of an initial bootstrap.
    pub index_ms: u64,
}

/// What the reading stage received of the snapshot.
struct Received {
    /// Case records, all handed on to the parser.
    cases: i64,
    /// The end marker; `None` when the stream broke before it or in a record.
    end: Option<BootstrapMarker>,
}

/// Busy time of the parsing and writing stages of a bootstrap.
struct StageTimes {
    parse: Duration,
    write: Duration,
}

/// The parsing stage: unpacks and parses batches of case frames on the blocking pool
/// and hands them on in order. Returns the time spent parsing.
fn spawn_parser(
    codec: Codec,
    mut frames_rx: mpsc::Receiver<Vec<Bytes>>,
    cases_tx: mpsc::Sender<Vec<ServerCase>>,
) -> JoinHandle<Result<Duration>> {
    tokio::spawn(async move {
        let mut busy = Duration::ZERO;
        // Two batches are parsed at a time, handed on in order: with one, the
        // writer waited for the parser.
        let mut parsed = futures::stream::poll_fn(|cx| frames_rx.poll_recv(cx))
            .map(|batch| {
                let codec = codec.clone();
                tokio::task::spawn_blocking(move || {
                    let started = std::time::Instant::now();
                    let cases = batch
                        .iter()
                        .map(|frame| ServerCase::from_frame(frame, &codec))
                        .collect::<Result<Vec<_>>>();
                    (cases, started.elapsed())
                })
            })
            .buffered(2);
        while let Some(done) = parsed.next().await {
            let (cases, took) = done.map_err(|e| ClientError::Protocol(e.to_string()))?;
            busy += took;
            if cases_tx.send(cases?).await.is_err() {
                break;
            }
        }
        Ok::<_, ClientError>(busy)
    })
}

impl Desk {
    /// Loads (or resumes loading) the snapshot. Returns the cases written and where
    /// the time went, or `None` when the store was bootstrapped already.
    pub(super) async fn bootstrap(
        &self,
        session: &Session,
    ) -> Result<Option<(i64, BootstrapTimings)>> {
        let store = &self.inner.store;
        if store.state(keys::BOOTSTRAP_DONE).await?.as_deref() == Some("1") {
            return Ok(None);
        }
        let started = std::time::Instant::now();
        let after = store.state(keys::BOOTSTRAP_AFTER).await?;
        let url = match &after {
            Some(after) => session.portal.url(&format!("sync/bootstrap?after={after}")),
            None => session.portal.url("sync/bootstrap"),
        };
        // The cases come as the portal keeps them: zstd frames with the dictionaries
        // of the user's offices, stored here as they arrive.
        let response = checked(
            session
                .portal
                .send(|http| {
                    http.get(&url)
                        .header(reqwest::header::ACCEPT, frames::MEDIA_TYPE)
                })
                .await?,
        )
        .await?;
        let media = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        if media != frames::MEDIA_TYPE {
            return Err(ClientError::Protocol(format!(
                "the portal sent the bootstrap as {media:?}, not as frames"
            )));
        }
        let already = store.case_count().await?;
        let initial = already == 0;
        if initial {
            // An initial load: no checkpoints while it runs, the inbox indexes are
            // built once at the end.
            let mut conn = store.writer.acquire().await?;
            store::begin_initial_load(&mut conn).await?;
        }
        tracing::info!(resume_after = ?after, "bootstrap started");
        let loaded = self
            .load_snapshot(session, response, already, started)
            .await;
        if initial {
            // Also after a broken load: what it wrote is in the log either way.
            store.finish_initial_load_in_background();
        }
        let (written, timings) = loaded?;
        self.inner.feed.send(Change::InboxChanged);
        Ok(Some((written, timings)))
    }

    /// Keeps a dictionary of the user's offices that the bootstrap sent ahead of the
    /// frames made with it: committed and known to the codec before any of them.
    async fn keep_dictionary(&self, bytes: Vec<u8>) -> Result<()> {
        let store = &self.inner.store;
        let dictionary = Dictionary::from_bytes(bytes)
            .ok_or_else(|| ClientError::Protocol("bootstrap: a damaged dictionary".into()))?;
        if store.codec().clashes_with(&dictionary) {
            return Err(ClientError::Protocol(format!(
                "bootstrap: dictionary {} differs from the one stored under its id",
                dictionary.id()
            )));
        }
        let dictionary = Arc::new(dictionary);
        in_cache_transaction(store, async |tx| {
            store::put_dictionary(tx, &dictionary).await
        })
        .await?;
        store.codec().make_current(dictionary);
        Ok(())
    }

    /// Streams the snapshot (after the resume point) into the store through the three
    /// stages of the module's description. Returns the cases written and where the
    /// time went.
    async fn load_snapshot(
        &self,
        session: &Session,
        response: reqwest::Response,
        already: i64,
        started: std::time::Instant,
    ) -> Result<(i64, BootstrapTimings)> {
        let (frames_tx, frames_rx) = mpsc::channel::<Vec<Bytes>>(2);
        let (cases_tx, cases_rx) = mpsc::channel::<Vec<ServerCase>>(2);
        // The parser's codec shares the store's dictionaries, which are registered
        // when they arrive, before the first frame.
        let parser = spawn_parser(self.inner.store.codec().clone(), frames_rx, cases_tx);
        let fresh = if already == 0 {
            Freshness::New
        } else {
            Freshness::MaybeStored
        };
        let writer = self.spawn_writer(session, fresh, cases_rx);
        let (read_result, received) = self.read_records(response, already, frames_tx).await;
        // Parser and writer are awaited before any error is returned: no stage is left
        // running, and what was read before a break is written as far as it goes.
        let parse_busy = parser
            .await
            .map_err(|e| ClientError::Protocol(e.to_string()))?;
        let written = writer
            .await
            .map_err(|e| ClientError::Protocol(e.to_string()))?;
        read_result?;
        let parse = parse_busy?;
        let (written, write) = written?;
        let busy = StageTimes { parse, write };
        self.finish_bootstrap(received, written, busy, started)
            .await
    }

    /// The writing stage: writes each parsed batch in a transaction of its own,
    /// together with its resume point. Returns the cases written and the time spent.
    fn spawn_writer(
        &self,
        session: &Session,
        fresh: Freshness,
        mut cases_rx: mpsc::Receiver<Vec<ServerCase>>,
    ) -> JoinHandle<Result<(i64, Duration)>> {
        let desk = self.clone();
        let me = session.me.clone();
        tokio::spawn(async move {
            let mut written = 0_i64;
            let mut busy = Duration::ZERO;
            let in_outbox = {
                let mut conn = desk.inner.store.writer.acquire().await?;
                store::cases_in_outbox(&mut conn).await?
            };
            let store = &desk.inner.store;
            while let Some(cases) = cases_rx.recv().await {
                let Some(last) = cases.last().map(|c| c.row.id.clone()) else {
                    continue;
                };
                // Each batch and its resume point commit together.
                let batch_started = std::time::Instant::now();
                in_cache_transaction(store, async |tx| {
                    store::write_server_cases(tx, &cases, fresh).await?;
                    for case in cases.iter().filter(|c| in_outbox.contains(&c.row.id)) {
                        store::rebase(tx, store.codec(), &case.row.id, &me).await?;
                    }
                    store::set_state(tx, keys::BOOTSTRAP_AFTER, &last).await
                })
                .await?;
                busy += batch_started.elapsed();
                written += cases.len() as i64;
                desk.bootstrap_progress(written).await;
            }
            Ok::<_, ClientError>((written, busy))
        })
    }

    /// The reading stage: splits the response into records, keeps the markers and
    /// dictionaries, and hands the case frames on to the parser in batches.
    ///
    /// Returns how reading ended and what it received; the caller looks at the
    /// result only after the other stages finished. A stream that breaks, even in the
    /// middle of a record, leaves `end` unset; every complete case before the break is
    /// still handed on. Dropping `frames_tx` on return tells the parser that no more
    /// batches come.
    async fn read_records(
        &self,
        response: reqwest::Response,
        already: i64,
        frames_tx: mpsc::Sender<Vec<Bytes>>,
    ) -> (Result<()>, Received) {
        let store = &self.inner.store;
        let batch_size = self.inner.config.bootstrap_batch;
        let mut begin: Option<BootstrapMarker> = None;
        let mut end: Option<BootstrapMarker> = None;
        let mut received = 0_i64;
        let mut batch = Vec::with_capacity(batch_size);
        let mut splitter = RecordSplitter::default();
        let mut records = Vec::new();
        let mut body = response.bytes_stream();
        let read_result: Result<()> = async {
            while let Some(chunk) = body.next().await {
                splitter.push(&chunk?, &mut records)?;
                for (kind, payload) in records.drain(..) {
                    match (kind, &begin, &end) {
                        (RecordKind::Begin, None, _) => {
                            let marker: BootstrapMarker = serde_json::from_slice(&payload)?;
                            if store.state(keys::BOOTSTRAP_SEQ).await?.is_none() {
                                store
                                    .set_state(keys::BOOTSTRAP_SEQ, &marker.seq.to_string())
                                    .await?;
                            }
                            self.bootstrap_total(already + marker.cases).await;
                            begin = Some(marker);
                        }
                        (RecordKind::Dictionary, Some(_), None) if received == 0 => {
                            self.keep_dictionary(payload.to_vec()).await?;
                        }
                        (RecordKind::Case, Some(_), None) => {
                            batch.push(payload);
                            received += 1;
                            if batch.len() >= batch_size {
                                let full =
                                    std::mem::replace(&mut batch, Vec::with_capacity(batch_size));
                                if frames_tx.send(full).await.is_err() {
                                    return Ok(());
                                }
                            }
                        }
                        (RecordKind::End, Some(_), None) => {
                            end = Some(serde_json::from_slice(&payload)?);
                        }
                        (kind, _, _) => {
                            return Err(ClientError::Protocol(format!(
                                "bootstrap record {kind:?} out of order"
                            )));
                        }
                    }
                }
            }
            if !splitter.is_between_records() {
                // A record cut off: the stream broke (the resume point covers it).
                end = None;
            }
            Ok(())
        }
        .await;
        // Even from a broken stream, every complete record is a whole case: write it,
        // so the resume point moves past it.
        if !batch.is_empty() {
            let _ = frames_tx.send(batch).await;
        }
        (
            read_result,
            Received {
                cases: received,
                end,
            },
        )
    }

    /// Ends a snapshot that was read to its end: checks it against its end marker,
    /// builds the inbox indexes, and commits the cursor with the bootstrap marked done.
    async fn finish_bootstrap(
        &self,
        snapshot: Received,
        written: i64,
        busy: StageTimes,
        started: std::time::Instant,
    ) -> Result<(i64, BootstrapTimings)> {
        let store = &self.inner.store;
        let received = snapshot.cases;
        let Some(end) = snapshot.end else {
            return Err(ClientError::Offline(format!(
                "Erstabgleich nach {received} Vorgängen abgebrochen; er wird fortgesetzt"
            )));
        };
        if end.cases != received {
            return Err(ClientError::Protocol(format!(
                "bootstrap announced {} cases and sent {received}",
                end.cases
            )));
        }
        let first_seq = store
            .state(keys::BOOTSTRAP_SEQ)
            .await?
            .unwrap_or_else(|| end.seq.to_string());
        // The end of the snapshot commits like its batches (a lost end only makes
        // the bootstrap run again to its end).
        let index_started = std::time::Instant::now();
        in_cache_transaction(store, async |tx| {
            store::create_case_indexes(tx).await?;
            store::set_state(tx, keys::CURSOR, &first_seq).await?;
            store::set_state(tx, keys::BOOTSTRAP_DONE, "1").await?;
            store::delete_state(tx, keys::BOOTSTRAP_AFTER).await?;
            store::delete_state(tx, keys::BOOTSTRAP_SEQ).await
        })
        .await?;
        store.release_memory().await?;
        let timings = BootstrapTimings {
            total_ms: started.elapsed().as_millis() as u64,
            parse_ms: busy.parse.as_millis() as u64,
            write_ms: busy.write.as_millis() as u64,
            index_ms: index_started.elapsed().as_millis() as u64,
        };
        tracing::info!(cases = written, seq = %first_seq, ?timings, "bootstrap complete");
        Ok((written, timings))
    }
}
