//! Running the portal: opening storage, serving HTTP, background jobs, shutdown.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::serve::ListenerExt;
use casedesk_domain::command::{Command, CommandKind};
use chrono::Utc;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::api::{AppState, router};
use crate::blobs::BlobStore;
use crate::config::Config;
use crate::store::{self, Principal};

/// Opens the database and blob store the configuration names.
pub async fn open_state(config: Config) -> anyhow::Result<AppState> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating data directory {}", config.data_dir.display()))?;
    let db = store::open(&config.effective_database_url())
        .await
        .context("opening the database")?;
    let blobs =
        BlobStore::open(&config.blobs, &config.data_dir).context("opening the blob store")?;
    Ok(AppState {
        db,
        blobs: Arc::new(blobs),
        config: Arc::new(config),
        shutdown: CancellationToken::new(),
    })
}

/// Serves until SIGINT/SIGTERM or until `state.shutdown` is cancelled, then stops
/// accepting connections and lets in-flight requests finish.
pub async fn serve(state: AppState, listener: TcpListener) -> anyhow::Result<()> {
    let shutdown = state.shutdown.clone();
    tokio::spawn(expire_answer_deadlines(state.clone()));
    tokio::spawn(maintain_case_frames(state.clone()));
    let app = router(state);
    let signal_token = shutdown.clone();
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("shutting down: finishing in-flight requests");
        signal_token.cancel();
    });
    // Without TCP_NODELAY, the last small piece of a compressed response waits for
    // the client's delayed ACK (40 ms on Linux): a 20 ms changes page became 60 ms.
    let listener = listener.tap_io(|tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::debug!(%error, "TCP_NODELAY not set on an accepted connection");
        }
    });
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown.cancelled_owned())
    .await
    .context("serving HTTP")?;
    tracing::info!("stopped");
    Ok(())
}

async fn wait_for_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .expect("installing the SIGTERM handler");
        tokio::select! {
            _ = interrupt => {},
            _ = terminate.recv() => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}

/// Trains office dictionaries and fills in missing case frames (see
/// `store::frames`): at start, then hourly. Bootstraps are correct without it (a
/// case without a frame is compressed when it is sent), only slower.
async fn maintain_case_frames(state: AppState) {
    let mut interval = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tokio::select! {
            _ = interval.tick() => {},
            _ = state.shutdown.cancelled() => return,
        }
        if let Err(error) = state.db.maintain_frames().await {
            tracing::warn!(%error, "could not maintain the case frames");
        }
    }
}

/// Moves cases whose answer deadline passed back to review. The command id is derived
/// from the request, so several portal instances running this job apply it once.
async fn expire_answer_deadlines(state: AppState) {
    let mut interval = tokio::time::interval(Duration::from_secs(600));
    loop {
        tokio::select! {
            _ = interval.tick() => {},
            _ = state.shutdown.cancelled() => return,
        }
        let today = Utc::now().date_naive();
        let expired = match state.db.expired_requests(today).await {
            Ok(expired) => expired,
            Err(error) => {
                tracing::warn!(%error, "could not look for expired answer deadlines");
                continue;
            }
        };
        for (case_id, request_id, version) in expired {
            let command = Command {
                command_id: Uuid::new_v5(&request_id, b"expire"),
                case_id,
                base_version: version,
                kind: CommandKind::ExpireRequest { request_id },
            };
            if let Err(error) = state
                .db
                .apply_command(&Principal::System, &command, Utc::now())
                .await
            {
                tracing::warn!(%error, %case_id, "could not expire an answer deadline");
            }
        }
    }
}
