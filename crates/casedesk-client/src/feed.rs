//! The typed change feed the UI subscribes to instead of polling.

use casedesk_domain::command::RejectionCode;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio::sync::broadcast;
use uuid::Uuid;

/// Something the UI may want to redraw.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Change {
    /// Cases were added, changed or removed: inbox lists and counts are stale.
    InboxChanged,
    /// These cases changed (from the portal or by a local command).
    CaseChanged { case_ids: Vec<Uuid> },
    /// The sync state changed.
    SyncStatus(SyncStatus),
    /// The portal refused one of the user's commands; it stays in the outbox until
    /// the user retries or discards it.
    CommandRejected {
        command_id: Uuid,
        case_id: Uuid,
        aktenzeichen: String,
        code: RejectionCode,
        message: String,
    },
}

/// Connection state as the status light shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Connection {
    /// Not started or between attempts.
    Idle,
    /// Loading the initial snapshot.
    Bootstrapping {
        received: i64,
        total: i64,
    },
    Online,
    Offline {
        since: DateTime<Utc>,
        reason: String,
    },
    /// The session expired; the user must log in again. The outbox is kept.
    LoginRequired,
}

/// What the status bar shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncStatus {
    pub connection: Connection,
    pub last_sync: Option<DateTime<Utc>>,
    /// Commands not yet answered by the portal.
    pub pending: i64,
    /// Commands the portal refused, waiting for the user.
    pub rejected: i64,
    /// The position up to which the local store has every change.
    pub cursor: i64,
    /// Counts every change of this status since the engine started. A status that
    /// arrives by two ways (an announcement, an answer to a request) may arrive out
    /// of order; the higher revision is the newer one.
    pub revision: i64,
}

/// The sending side of the feed; cheap to clone.
#[derive(Debug, Clone)]
pub struct ChangeFeed {
    sender: broadcast::Sender<Change>,
}

impl Default for ChangeFeed {
    fn default() -> Self {
        Self::new()
    }
}

impl ChangeFeed {
    pub fn new() -> Self {
        // A subscriber that falls this far behind gets `Lagged` and should reload
        // what it shows; nothing is lost from the store.
        let (sender, _) = broadcast::channel(1024);
        Self { sender }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.sender.subscribe()
    }

    pub(crate) fn send(&self, change: Change) {
        // No subscriber is fine: the CLI has none.
        let _ = self.sender.send(change);
    }
}
