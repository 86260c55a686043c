//! The sync engine: bootstrap, changes, outbox replay and the live stream.
//!
//! - **Bootstrap** streams every case of the user's scope and writes it in batched
//!   transactions, each recording the last case id written; an interrupted bootstrap
//!   resumes after that id. The cursor afterwards is the `seq` of the *first* snapshot
//!   begun, so changes made while a resumed bootstrap ran are pulled again (applying a
//!   state twice is harmless; missing one would not be). Its three pipelined stages
//!   are in `bootstrap`.
//! - **Changes** are pulled page by page; each page and the new cursor commit together.
//! - **Outbox** commands are sent in order, in batches, after the blobs they reference.
//! - **Live**: Server-Sent Events say "something changed at seq N"; the engine pulls.
//!   It reconnects with exponential backoff and jitter, and pulls every minute anyway
//!   as a safety net.

mod bootstrap;

use std::time::Duration;

use casedesk_domain::wire::{ChangesPage, CommandBatch};
use chrono::Utc;
use futures::StreamExt;
use rand::Rng;
use serde_json::value::RawValue;
use tokio_util::sync::CancellationToken;

use crate::error::{ClientError, Result};
use crate::feed::{Change, Connection};
use crate::outbox::Settled;
use crate::portal::{Portal, checked};
use crate::store::{self, Freshness, ServerCase, keys};
use crate::{Desk, Session};

pub use bootstrap::BootstrapTimings;

/// Commands per request; the portal accepts up to 100.
const COMMAND_BATCH: i64 = 100;
/// Cases per changes page.
const CHANGES_PAGE: i64 = 1000;

/// What one sync round did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SyncReport {
    /// Cases written by the bootstrap in this round.
    pub bootstrapped: i64,
    /// Cases changed or removed by pulled changes.
    pub changed: i64,
    /// Commands the portal answered.
    pub sent: i64,
    /// Of those, refused ones.
    pub rejected: i64,
    pub cursor: i64,
    /// Where a bootstrap in this round spent its time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bootstrap_timings: Option<BootstrapTimings>,
}

/// Exponential backoff with full jitter between `base` and `cap`.
#[derive(Debug, Clone)]
pub(crate) struct Backoff {
    base: Duration,
    cap: Duration,
    attempt: u32,
}

impl Backoff {
    pub fn new(base: Duration, cap: Duration) -> Self {
        Self {
            base,
            cap,
            attempt: 0,
        }
    }

    pub fn reset(&mut self) {
        self.attempt = 0;
    }

    /// The next delay: a random point in the upper half of base·2ⁿ (capped), so that
    /// many desktops coming back after a portal restart do not arrive in step.
    pub fn next_delay(&mut self) -> Duration {
        let exp = self
            .base
            .saturating_mul(2u32.saturating_pow(self.attempt.min(16)))
            .min(self.cap);
        self.attempt = self.attempt.saturating_add(1);
        let millis = exp.as_millis() as u64;
        Duration::from_millis(rand::thread_rng().gen_range(millis / 2..=millis.max(1)))
    }
}

impl Desk {
    /// One full round: bootstrap if needed, pull changes, send the outbox, pull again.
    pub async fn sync_once(&self) -> Result<SyncReport> {
        let result = self.sync_round().await;
        self.note_result(&result).await;
        result
    }

    async fn sync_round(&self) -> Result<SyncReport> {
        let session = self.session().await?;
        let mut report = SyncReport::default();
        self.refresh_directory(&session).await?;
        if let Some((cases, timings)) = self.bootstrap(&session).await? {
            report.bootstrapped = cases;
            report.bootstrap_timings = Some(timings);
        }
        report.changed += self.pull(&session).await?;
        let (sent, rejected) = self.push(&session).await?;
        report.sent = sent;
        report.rejected = rejected;
        if sent > 0 {
            report.changed += self.pull(&session).await?;
        }
        report.cursor = self.inner.store.state_i64(keys::CURSOR).await?.unwrap_or(0);
        Ok(report)
    }

    /// Updates the status light after a round.
    async fn note_result<T>(&self, result: &Result<T>) {
        match result {
            Ok(_) => {
                let now = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
                // Like portal data, the time of the last sync needs no wait for the
                // disk: the next round writes it again. (A `FULL` commit here would
                // sync the whole log of an initial load before the round ends.)
                let _ = in_cache_transaction(&self.inner.store, async |tx| {
                    store::set_state(tx, keys::LAST_SYNC, &now).await
                })
                .await;
                self.set_connection(Connection::Online).await;
            }
            Err(ClientError::LoginRequired | ClientError::NotLoggedIn) => {
                self.set_connection(Connection::LoginRequired).await;
            }
            Err(error) => {
                let since = match self.inner.status.borrow().connection {
                    Connection::Offline { since, .. } => since,
                    _ => Utc::now(),
                };
                self.set_connection(Connection::Offline {
                    since,
                    reason: error.to_string(),
                })
                .await;
            }
        }
    }

    /// Services and staff: small, fetched every round so admin changes arrive.
    async fn refresh_directory(&self, session: &Session) -> Result<()> {
        let services = session.portal.services().await?;
        self.inner.store.put_services(&services).await?;
        if let Some(staff) = session.portal.staff().await? {
            let mut conn = self.inner.store.writer.acquire().await?;
            store::put_staff(&mut conn, &staff).await?;
        }
        crate::letters::refresh(&self.inner.store, &session.portal).await?;
        Ok(())
    }

    /// Pulls changes until none remain. Returns the cases changed or removed.
    pub(crate) async fn pull(&self, session: &Session) -> Result<i64> {
        let store = &self.inner.store;
        let mut total = 0;
        loop {
            let cursor = store.state_i64(keys::CURSOR).await?.unwrap_or(0);
            let url = session
                .portal
                .url(&format!("sync/changes?after={cursor}&limit={CHANGES_PAGE}"));
            let response = checked(session.portal.send(|http| http.get(&url)).await?).await?;
            let bytes = response.bytes().await?;
            let codec = store.codec().clone();
            let (page, cases) = tokio::task::spawn_blocking(move || -> Result<_> {
                let page: ChangesPage<Box<RawValue>> = serde_json::from_slice(&bytes)?;
                let cases = page
                    .changes
                    .iter()
                    .map(|raw| ServerCase::parse(raw.get(), &codec))
                    .collect::<Result<Vec<_>>>()?;
                Ok((page, cases))
            })
            .await
            .map_err(|e| ClientError::Protocol(e.to_string()))??;
            let mut ids: Vec<uuid::Uuid> = Vec::new();
            in_cache_transaction(store, async |tx| {
                let in_outbox = store::cases_in_outbox(tx).await?;
                store::write_server_cases(tx, &cases, Freshness::MaybeStored).await?;
                let gone: Vec<String> = page
                    .tombstones
                    .iter()
                    .map(|t| t.case_id.to_string())
                    .collect();
                store::remove_cases(tx, &gone).await?;
                for case in &cases {
                    if in_outbox.contains(&case.row.id) {
                        store::rebase(tx, store.codec(), &case.row.id, &session.me).await?;
                    }
                    ids.push(store::parse_uuid(&case.row.id)?);
                }
                ids.extend(page.tombstones.iter().map(|t| t.case_id));
                store::set_state(tx, keys::CURSOR, &page.next_cursor.to_string()).await
            })
            .await?;
            total += ids.len() as i64;
            if !ids.is_empty() {
                self.inner.feed.send(Change::CaseChanged { case_ids: ids });
                self.inner.feed.send(Change::InboxChanged);
            }
            if !page.has_more || page.next_cursor <= cursor {
                self.publish_status().await;
                return Ok(total);
            }
        }
    }

    /// Sends the outbox in order. Returns (answered, refused).
    pub(crate) async fn push(&self, session: &Session) -> Result<(i64, i64)> {
        let store = &self.inner.store;
        let (mut sent, mut rejected) = (0, 0);
        loop {
            let pending = store.pending_commands(COMMAND_BATCH).await?;
            if pending.is_empty() {
                return Ok((sent, rejected));
            }
            let ids: Vec<uuid::Uuid> = pending.iter().map(|(c, _)| c.command_id).collect();
            let result = self.send_batch(&session.portal, pending).await;
            let answers = match result {
                Ok(answers) => answers,
                Err(error) => {
                    store
                        .record_attempt_failure(&ids, &error.to_string())
                        .await?;
                    return Err(error);
                }
            };
            let settled = store.settle(&answers, &session.me).await?;
            let mut changed = Vec::new();
            for outcome in settled {
                sent += 1;
                match outcome {
                    Settled::Applied { case_id } => changed.push(case_id),
                    Settled::Rejected {
                        command_id,
                        case_id,
                        aktenzeichen,
                        code,
                        message,
                    } => {
                        rejected += 1;
                        changed.push(case_id);
                        self.inner.feed.send(Change::CommandRejected {
                            command_id,
                            case_id,
                            aktenzeichen,
                            code,
                            message,
                        });
                    }
                    Settled::Unknown => {}
                }
            }
            self.inner
                .feed
                .send(Change::CaseChanged { case_ids: changed });
            self.inner.feed.send(Change::InboxChanged);
            self.publish_status().await;
        }
    }

    async fn send_batch(
        &self,
        portal: &Portal,
        pending: Vec<(casedesk_domain::Command, Option<String>)>,
    ) -> Result<Vec<casedesk_domain::CommandAnswer>> {
        // Blobs first: the portal refuses a decision whose letter it does not have.
        for sha256 in pending.iter().filter_map(|(_, blob)| blob.as_deref()) {
            self.inner.blobs.upload(portal, sha256).await?;
        }
        let commands: Vec<_> = pending.into_iter().map(|(c, _)| c).collect();
        let count = commands.len();
        let answer = portal.commands(&CommandBatch { commands }).await?;
        if answer.answers.len() != count {
            return Err(ClientError::Protocol(format!(
                "{count} commands sent, {} answers received",
                answer.answers.len()
            )));
        }
        Ok(answer.answers)
    }

    /// Runs until `shutdown`: sync, then follow the live stream; offline, retry with
    /// backoff; logged out, wait for a login.
    pub async fn run(&self, shutdown: CancellationToken) {
        let mut backoff = Backoff::new(Duration::from_secs(1), Duration::from_secs(60));
        while !shutdown.is_cancelled() {
            let result = self.sync_once().await;
            let wait = match result {
                Ok(_) => {
                    backoff.reset();
                    match self.follow_live(&shutdown).await {
                        Ok(()) => return,
                        Err(error) => {
                            tracing::info!(%error, "live stream ended");
                            self.note_result::<()>(&Err(error)).await;
                            backoff.next_delay()
                        }
                    }
                }
                Err(ClientError::LoginRequired | ClientError::NotLoggedIn) => {
                    tokio::select! {
                        _ = self.inner.login_changed.notified() => {}
                        _ = shutdown.cancelled() => return,
                    }
                    continue;
                }
                Err(error) => {
                    tracing::info!(%error, "sync failed; retrying");
                    backoff.next_delay()
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                // New work or a new login is worth an early attempt.
                _ = self.inner.outbox_added.notified() => {}
                _ = self.inner.login_changed.notified() => {}
                _ = shutdown.cancelled() => return,
            }
        }
    }

    /// Follows the live stream; pulls on every poke, pushes when the outbox grows, and
    /// pulls periodically. Returns `Ok` only on shutdown.
    async fn follow_live(&self, shutdown: &CancellationToken) -> Result<()> {
        let session = self.session().await?;
        let url = session.portal.url("sync/live");
        let response = checked(
            session
                .portal
                .send(|http| {
                    http.get(&url)
                        .header(reqwest::header::ACCEPT, "text/event-stream")
                        // The stream is meant to stay open; only its keep-alives
                        // bound the silence (see READ_TIMEOUT).
                        .timeout(Duration::from_secs(24 * 3600))
                })
                .await?,
        )
        .await?;
        use eventsource_stream::Eventsource;
        let mut events = response.bytes_stream().eventsource();
        let mut periodic = tokio::time::interval(self.inner.config.periodic_pull);
        periodic.tick().await;
        loop {
            tokio::select! {
                event = events.next() => {
                    let event = match event {
                        Some(Ok(event)) => event,
                        Some(Err(error)) => return Err(ClientError::Offline(error.to_string())),
                        None => return Err(ClientError::Offline("Live-Verbindung beendet".into())),
                    };
                    if event.event != "seq" {
                        continue;
                    }
                    let seq: i64 = event.data.trim().parse().unwrap_or(i64::MAX);
                    let cursor = self.inner.store.state_i64(keys::CURSOR).await?.unwrap_or(0);
                    if seq > cursor {
                        self.pull(&session).await?;
                    }
                }
                _ = self.inner.outbox_added.notified() => {
                    let result = self.push(&session).await;
                    if result.is_ok() {
                        self.pull(&session).await?;
                    }
                    result?;
                }
                _ = periodic.tick() => {
                    let result = async {
                        self.refresh_directory(&session).await?;
                        self.pull(&session).await?;
                        self.push(&session).await
                    }.await;
                    self.note_result(&result).await;
                    result?;
                }
                _ = shutdown.cancelled() => return Ok(()),
            }
        }
    }
}

/// Runs `work` in one transaction on the writer, set up for portal data (snapshot
/// batches, changes pages), which the portal can always send again: it commits
/// without waiting for the disk (`synchronous = NORMAL`). WAL commits stay atomic and
/// in order, so a power cut can only lose the latest of them, each together with the
/// cursor or resume point that would fetch it again; the next `FULL` commit (an outbox
/// entry, the user's own work) makes everything before it durable. Afterwards the
/// writer goes back with `synchronous = FULL`, or is dropped if that fails: a
/// connection that might not sync must never write an outbox entry. Nothing else
/// writes meanwhile: this holds the only writer connection.
async fn in_cache_transaction<T>(
    store: &store::LocalStore,
    work: impl AsyncFnOnce(&mut sqlx::SqliteConnection) -> Result<T>,
) -> Result<T> {
    let mut conn = store.writer.acquire().await?;
    sqlx::query("PRAGMA synchronous = NORMAL")
        .execute(&mut *conn)
        .await?;
    let done = async {
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        let value = work(&mut tx).await?;
        tx.commit().await?;
        Ok::<_, ClientError>(value)
    }
    .await;
    let reset = sqlx::query("PRAGMA synchronous = FULL")
        .execute(&mut *conn)
        .await;
    if reset.is_err() {
        drop(conn.detach());
    }
    let value = done?;
    reset?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_stays_capped_and_resets() {
        let mut backoff = Backoff::new(Duration::from_secs(1), Duration::from_secs(60));
        let delays: Vec<Duration> = (0..12).map(|_| backoff.next_delay()).collect();
        assert!(delays[0] >= Duration::from_millis(500) && delays[0] <= Duration::from_secs(1));
        assert!(delays[3] >= Duration::from_secs(4) && delays[3] <= Duration::from_secs(8));
        assert!(delays.iter().all(|d| *d <= Duration::from_secs(60)));
        assert!(delays[11] >= Duration::from_secs(30));
        backoff.reset();
        assert!(backoff.next_delay() <= Duration::from_secs(1));
    }
}
