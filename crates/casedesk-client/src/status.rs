//! The engine's status as the status bar shows it: the connection ("offline since
//! …", "login required", a bootstrap's progress), the outbox counts, the cursor and
//! the last sync. Every change counts `revision` up and is announced on the change
//! feed, so an older status never replaces a newer one in the UI. The connection
//! state is also kept in `sync_state`, so a restarted app shows it at once.

use chrono::{DateTime, Utc};

use crate::store::{self, keys};
use crate::{Change, Connection, Desk, SyncStatus};

impl Desk {
    pub(crate) async fn set_connection(&self, connection: Connection) {
        let store = &self.inner.store;
        let persisted = match &connection {
            Connection::Offline { since, reason } => {
                let since = since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
                match store.set_state(keys::OFFLINE_SINCE, &since).await {
                    Ok(()) => store.set_state(keys::OFFLINE_REASON, reason).await,
                    Err(e) => Err(e),
                }
            }
            Connection::LoginRequired => store.set_state(keys::LOGIN_REQUIRED, "1").await,
            // Online: neither offline nor refused any more. Idle is what a login sets.
            Connection::Online | Connection::Idle => {
                let cleared: &[&str] = if connection == Connection::Online {
                    &[
                        keys::LOGIN_REQUIRED,
                        keys::OFFLINE_SINCE,
                        keys::OFFLINE_REASON,
                    ]
                } else {
                    &[keys::LOGIN_REQUIRED]
                };
                async {
                    let mut conn = store.writer.acquire().await?;
                    for key in cleared {
                        store::delete_state(&mut conn, key).await?;
                    }
                    Ok(())
                }
                .await
            }
            Connection::Bootstrapping { .. } => Ok(()),
        };
        if let Err(error) = persisted {
            tracing::warn!(%error, "could not record the connection state");
        }
        self.update_status(|status| status.connection = connection);
        self.publish_status().await;
    }

    /// Changes the status, counting the revision up, and announces the result.
    fn update_status(&self, change: impl FnOnce(&mut SyncStatus)) {
        let mut announced = None;
        self.inner.status.send_modify(|status| {
            change(status);
            status.revision += 1;
            announced = Some(status.clone());
        });
        if let Some(status) = announced {
            self.inner.feed.send(Change::SyncStatus(status));
        }
    }

    /// Refreshes counts and cursor in the status and announces it.
    pub(crate) async fn publish_status(&self) {
        let store = &self.inner.store;
        let counts = store.outbox_counts().await;
        let cursor = store.state_i64(keys::CURSOR).await;
        let last_sync = store.state(keys::LAST_SYNC).await;
        self.update_status(|status| {
            if let Ok((pending, rejected)) = counts {
                status.pending = pending;
                status.rejected = rejected;
            }
            if let Ok(Some(cursor)) = cursor {
                status.cursor = cursor;
            }
            if let Ok(Some(last)) = last_sync
                && let Ok(at) = DateTime::parse_from_rfc3339(&last)
            {
                status.last_sync = Some(at.with_timezone(&Utc));
            }
        });
    }

    pub(crate) async fn bootstrap_total(&self, total: i64) {
        self.update_status(|status| {
            status.connection = Connection::Bootstrapping { received: 0, total };
        });
    }

    pub(crate) async fn bootstrap_progress(&self, written: i64) {
        self.update_status(|status| {
            if let Connection::Bootstrapping { received, .. } = &mut status.connection {
                *received = written;
            }
        });
    }
}
