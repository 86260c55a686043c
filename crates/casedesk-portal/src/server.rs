//! Running the portal: opening storage, serving HTTP with the background jobs of
//! [`crate::jobs`], shutdown.

use std::sync::Arc;

use anyhow::Context;
use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::api::{AppState, router};
use crate::blobs::BlobStore;
use crate::config::Config;
use crate::jobs;
use crate::store;

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
    jobs::run(&state);
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
