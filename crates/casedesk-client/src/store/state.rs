//! The engine's own facts in the `sync_state` table: the portal and user of the last
//! login, the sync cursor, the resume point of a bootstrap, the time of the last sync
//! and the connection state. One key–value table, so a new fact needs no migration.
//!
//! Writes take the caller's connection ([`set_state`], [`delete_state`]): a cursor or
//! resume point must commit in the same transaction as the cases it stands for.

use casedesk_domain::wire::UserInfo;
use sqlx::SqliteConnection;

use super::LocalStore;
use crate::error::{ClientError, Result};

/// Keys of `sync_state`.
pub(crate) mod keys {
    pub const PORTAL: &str = "portal";
    pub const USER_NAME: &str = "user_name";
    pub const USER: &str = "user";
    pub const CURSOR: &str = "cursor";
    pub const BOOTSTRAP_SEQ: &str = "bootstrap_seq";
    pub const BOOTSTRAP_AFTER: &str = "bootstrap_after";
    pub const BOOTSTRAP_DONE: &str = "bootstrap_done";
    pub const LAST_SYNC: &str = "last_sync";
    /// When the portal was last found unreachable (RFC 3339) and why, while it is.
    pub const OFFLINE_SINCE: &str = "offline_since";
    pub const OFFLINE_REASON: &str = "offline_reason";
    /// Set while the portal refuses the session (expired or logged out) until the
    /// next login, so a restarted app says so at once.
    pub const LOGIN_REQUIRED: &str = "login_required";
    /// The tenant's settings (JSON of `TenantSettings`) as last synced.
    pub const TENANT: &str = "tenant";
}

impl LocalStore {
    pub(crate) async fn state(&self, key: &str) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT value FROM sync_state WHERE key = ?")
                .bind(key)
                .fetch_optional(&self.reader)
                .await?,
        )
    }

    pub(crate) async fn state_i64(&self, key: &str) -> Result<Option<i64>> {
        self.state(key)
            .await?
            .map(|v| {
                v.parse()
                    .map_err(|_| ClientError::Protocol(format!("sync_state {key} = {v}")))
            })
            .transpose()
    }

    pub(crate) async fn set_state(&self, key: &str, value: &str) -> Result<()> {
        set_state(&mut *self.writer.acquire().await?, key, value).await
    }

    /// The signed-in user as the portal described them at login.
    pub async fn user(&self) -> Result<Option<UserInfo>> {
        match self.state(keys::USER).await? {
            Some(json) => Ok(Some(serde_json::from_str(&json)?)),
            None => Ok(None),
        }
    }
}

pub(crate) async fn set_state(conn: &mut SqliteConnection, key: &str, value: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO sync_state (key, value) VALUES (?, ?) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(conn)
    .await?;
    Ok(())
}

pub(crate) async fn delete_state(conn: &mut SqliteConnection, key: &str) -> Result<()> {
    sqlx::query("DELETE FROM sync_state WHERE key = ?")
        .bind(key)
        .execute(conn)
        .await?;
    Ok(())
}
