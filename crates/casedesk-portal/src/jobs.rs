//! The portal's background jobs: expiring answer deadlines, noting portal
//! deliveries that were not retrieved in time, and maintaining the case frames.
//!
//! Each job's work is a function of the store and the time it runs at, so tests
//! run it at any date; [`run`] runs them periodically until shutdown. Several
//! portal instances may run the jobs at once: the commands they issue carry ids
//! derived from what they are about, so each applies once.

use std::time::Duration;

use casedesk_domain::command::{Command, CommandAnswer, CommandKind, system_command_id};
use casedesk_domain::deadline::local_date;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::api::AppState;
use crate::store::{Database, Principal, StoreResult};

/// Starts the jobs on the runtime; they end when the state's shutdown is cancelled.
pub fn run(state: &AppState) {
    tokio::spawn(every(
        state.clone(),
        Duration::from_secs(600),
        |db| async move {
            let now = Utc::now();
            if let Err(error) = expire_answer_deadlines(db.as_ref(), now).await {
                tracing::warn!(%error, "could not expire answer deadlines");
            }
            if let Err(error) = lapse_unretrieved(db.as_ref(), now).await {
                tracing::warn!(%error, "could not note unretrieved portal deliveries");
            }
        },
    ));
    tokio::spawn(every(
        state.clone(),
        Duration::from_secs(3600),
        |db| async move {
            // Bootstraps are correct without it (a case without a frame is compressed
            // when it is sent), only slower.
            if let Err(error) = db.maintain_frames().await {
                tracing::warn!(%error, "could not maintain the case frames");
            }
        },
    ));
}

/// Runs `work` at start and then every `period`, until shutdown.
async fn every<F, Fut>(state: AppState, period: Duration, work: F)
where
    F: Fn(std::sync::Arc<dyn Database>) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut interval = tokio::time::interval(period);
    loop {
        tokio::select! {
            _ = interval.tick() => {},
            _ = state.shutdown.cancelled() => return,
        }
        work(state.db.clone()).await;
    }
}

/// Moves cases whose answer deadline passed by `now` (a German date) back to
/// review. Returns how many requests it expired.
pub async fn expire_answer_deadlines(db: &dyn Database, now: DateTime<Utc>) -> StoreResult<usize> {
    let mut applied = 0;
    for (case_id, request_id, version) in db.expired_requests(local_date(now)).await? {
        let command = Command {
            command_id: system_command_id(&request_id, b"expire"),
            case_id,
            base_version: version,
            kind: CommandKind::ExpireRequest { request_id },
        };
        applied += usize::from(apply(db, &command, now).await);
    }
    Ok(applied)
}

/// Notes every decision and notice left in the portal mailbox for longer than the
/// ten days of §41(2a) VwVfG NRW by `now` (a German date): it is not announced and
/// the case shows it for delivery by post. Returns how many it noted.
pub async fn lapse_unretrieved(db: &dyn Database, now: DateTime<Utc>) -> StoreResult<usize> {
    let mut applied = 0;
    for (case_id, notice_id, version) in db.lapsed_retrievals(local_date(now)).await? {
        let command = lapse_command(case_id, notice_id, version);
        applied += usize::from(apply(db, &command, now).await);
    }
    Ok(applied)
}

/// The system's command noting that the decision (`notice_id` none) or a notice of
/// case `case_id` was not retrieved in time. Its id is derived from what it is
/// about (a case has one decision), so whoever notes it first, it applies once.
pub fn lapse_command(case_id: Uuid, notice_id: Option<Uuid>, version: i64) -> Command {
    Command {
        command_id: system_command_id(&notice_id.unwrap_or(case_id), b"lapse retrieval"),
        case_id,
        base_version: version,
        kind: CommandKind::LapseRetrieval { notice_id },
    }
}

/// Applies a job's command as the system; says whether it changed the case. A
/// refusal or an error is logged: the next run tries again.
async fn apply(db: &dyn Database, command: &Command, now: DateTime<Utc>) -> bool {
    let case_id = command.case_id;
    let kind = command.kind.name();
    match db.apply_command(&Principal::System, command, now).await {
        Ok(CommandAnswer::Applied { .. }) => true,
        Ok(CommandAnswer::Duplicate { .. }) => false,
        Ok(CommandAnswer::Rejected { rejection, .. }) => {
            tracing::warn!(%case_id, kind, reason = %rejection.message, "a job's command was refused");
            false
        }
        Err(error) => {
            tracing::warn!(%error, %case_id, kind, "a job's command failed");
            false
        }
    }
}
