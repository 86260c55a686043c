//! The PostgreSQL backend: for production, shared by several portal instances.
//!
//! Writers serialise on the `seq_counter` row (see the module above). Every commit
//! that takes a `seq` sends `NOTIFY casedesk_seq`; each instance listens and wakes its
//! Server-Sent-Events clients, so a desktop connected to instance A learns of a change
//! made through instance B.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::postgres::PgListener;
use tokio::sync::watch;

use super::StoreResult;
use super::dialect::Dialect;
use super::sql::SqlStore;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// Ends the listener task when the store is dropped.
struct ListenerGuard(tokio::task::JoinHandle<()>);

impl Drop for ListenerGuard {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Connects to and migrates the database at `url`, and starts listening for other
/// instances' changes.
pub async fn open(url: &str) -> StoreResult<SqlStore> {
    sqlx::any::install_default_drivers();
    let options = AnyConnectOptions::from_str(url)?;
    let pool = AnyPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(30))
        .connect_with(options)
        .await?;
    MIGRATOR.run(&pool).await?;
    let mut listener = PgListener::connect(url).await?;
    listener.listen("casedesk_seq").await?;
    let (forward, mut heads) = watch::channel(0_i64);
    // PgListener reconnects by itself after a dropped connection; notifications sent
    // meanwhile are lost, so the store re-reads the head on every reconnect (a
    // `recv` error) and clients' periodic pulls cover the rest.
    let task = tokio::spawn(async move {
        loop {
            match listener.recv().await {
                Ok(notification) => {
                    if let Ok(seq) = notification.payload().parse::<i64>() {
                        let _ = forward.send(seq);
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, "lost the PostgreSQL notification connection");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    });
    let store = SqlStore::new(
        Dialect::Postgres,
        pool.clone(),
        pool,
        Some(Arc::new(ListenerGuard(task))),
    )
    .await?;
    let live = store.live.clone();
    tokio::spawn(async move {
        while heads.changed().await.is_ok() {
            let seq = *heads.borrow_and_update();
            live.send_if_modified(|head| {
                if seq > *head {
                    *head = seq;
                    true
                } else {
                    false
                }
            });
        }
    });
    Ok(store)
}
