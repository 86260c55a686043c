//! The Casedesk desktop app: a thin Tauri 2 shell over the engine in `casedesk-client`.
//!
//! Architecture invariant: no business logic here. Commands (`commands.rs`) unpack the
//! state and call one engine function each; the engine's change feed is forwarded as
//! the Tauri event `desk:change`; documents reach the webview through the
//! `casedesk-doc` scheme (`protocol.rs`). The UI lives in `ui/`.

pub mod bindings;
pub mod commands;
mod logging;
mod protocol;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use casedesk_client::{CancellationToken, Change, Desk, DeskConfig};
use tauri::{Emitter, Manager, RunEvent};
use tokio::sync::broadcast::error::RecvError;

/// How this installation starts, from the environment (the same names the `casedesk`
/// command line uses; the engine's own settings are read by `DeskConfig::from_env`).
/// Everything has a sensible default for a normal install.
#[derive(Debug, Clone, Default)]
pub struct Launch {
    /// `CASEDESK_DATA_DIR`; default: the platform's app data directory
    /// (`%APPDATA%\de.casedesk.desktop`, `~/Library/Application Support/…`,
    /// `~/.local/share/…`).
    pub data_dir: Option<PathBuf>,
    /// `CASEDESK_PORTAL`: the portal address offered on first login.
    pub default_portal: Option<String>,
}

impl Launch {
    pub fn from_env() -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        Self {
            data_dir: var("CASEDESK_DATA_DIR").map(PathBuf::from),
            default_portal: var("CASEDESK_PORTAL"),
        }
    }
}

/// What every command can reach.
pub struct AppState {
    pub desk: Desk,
    pub launch: Launch,
    shutdown: CancellationToken,
    _log_guard: tracing_appender::non_blocking::WorkerGuard,
}

/// Builds and runs the app until its window closes.
pub fn run() {
    let launch = Launch::from_env();
    let app = tauri::Builder::default()
        // First, so a second start hands over to the running app before anything opens.
        .plugin(single_instance(&launch))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .register_asynchronous_uri_scheme_protocol(
            bindings::DOCUMENT_PROTOCOL,
            |ctx, request, responder| {
                let desk = ctx.app_handle().state::<AppState>().desk.clone();
                tauri::async_runtime::spawn(async move {
                    responder.respond(protocol::serve(&desk, &request).await);
                });
            },
        )
        .invoke_handler(commands::handler())
        .setup(move |app| {
            lean_webview(app.handle());
            let state = start(app.handle(), launch.clone())?;
            app.manage(state);
            Ok(())
        })
        .build(tauri::generate_context!())
        .expect("the Casedesk window could not be created");
    app.run(|handle, event| {
        if let RunEvent::Exit = event
            && let Some(state) = handle.try_state::<AppState>()
        {
            // The outbox is durable; stopping the loop only ends network work early.
            state.shutdown.cancel();
        }
    });
}

/// One app per local store: a second start focuses the running app instead of
/// opening a second engine on the same store. On Linux the lock is a D-Bus name;
/// with `CASEDESK_DATA_DIR` set it is derived from that directory, so installations
/// side by side (and test runs, one after another) do not take each other's lock.
/// Windows and macOS lock per user and app.
fn single_instance<R: tauri::Runtime>(launch: &Launch) -> tauri::plugin::TauriPlugin<R> {
    let mut builder = tauri_plugin_single_instance::Builder::new().callback(
        |app: &tauri::AppHandle<R>, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        },
    );
    if let Some(dir) = &launch.data_dir {
        use sha2::Digest as _;
        let digest = sha2::Sha256::digest(dir.to_string_lossy().as_bytes());
        // D-Bus name elements may not start with a digit.
        builder = builder.dbus_id(format!(
            "de.casedesk.desktop.d{}",
            hex::encode(&digest[..8])
        ));
    }
    builder.build()
}

/// WebKitGTK set up for a 2D business UI (WebView2 and WKWebView size themselves):
/// - no accelerated compositing: the page paints into one backing store instead of
///   keeping a texture per layer. Measured with 100,000 cases (BENCHMARKS.md): the
///   web process needs about half the memory, and jumps through the list paint three
///   times faster, on machines without a usable GPU (virtual desktops, remote
///   sessions) as under Xvfb;
/// - no browsing caches: the app shows one page built into the binary, so decoded
///   resources kept for revisits and the back/forward cache only take memory.
fn lean_webview(app: &tauri::AppHandle) {
    #[cfg(target_os = "linux")]
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.with_webview(|webview| {
            use webkit2gtk::{
                CacheModel, HardwareAccelerationPolicy, SettingsExt, WebContextExt, WebViewExt,
            };
            let view = webview.inner();
            if let Some(settings) = WebViewExt::settings(&view) {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
            if let Some(context) = view.context() {
                context.set_cache_model(CacheModel::DocumentViewer);
            }
        });
    }
    #[cfg(not(target_os = "linux"))]
    let _ = app;
}

/// Opens the engine, starts logging, the sync loop and the event forwarding.
fn start(app: &tauri::AppHandle, launch: Launch) -> anyhow::Result<AppState> {
    let data_dir = match &launch.data_dir {
        Some(dir) => dir.clone(),
        None => app.path().app_data_dir().context("no app data directory")?,
    };
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("cannot create {}", data_dir.display()))?;
    let log_guard = logging::init(&data_dir)?;
    tracing::info!(data_dir = %data_dir.display(), version = env!("CARGO_PKG_VERSION"), "Casedesk starting");

    let mut config = DeskConfig::from_env(data_dir)?;
    config.periodic_pull = Duration::from_secs(60);
    let desk = tauri::async_runtime::block_on(Desk::open(config))
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("the local store could not be opened")?;

    let shutdown = CancellationToken::new();
    // The sync loop waits for a login by itself and survives logouts.
    tauri::async_runtime::spawn({
        let desk = desk.clone();
        let shutdown = shutdown.clone();
        async move { desk.run(shutdown).await }
    });
    tauri::async_runtime::spawn(forward_changes(app.clone(), desk.clone(), shutdown.clone()));

    Ok(AppState {
        desk,
        launch,
        shutdown,
        _log_guard: log_guard,
    })
}

/// Forwards the engine's change feed to the window. A lagging receiver has missed
/// changes; the UI then reloads everything it shows.
async fn forward_changes(app: tauri::AppHandle, desk: Desk, shutdown: CancellationToken) {
    let mut changes = desk.subscribe();
    loop {
        let change = tokio::select! {
            change = changes.recv() => change,
            _ = shutdown.cancelled() => return,
        };
        let change = match change {
            Ok(change) => change,
            Err(RecvError::Lagged(missed)) => {
                tracing::debug!(missed, "change feed lagged; asking the UI to reload");
                let _ = app.emit(bindings::CHANGE_EVENT, Change::SyncStatus(desk.status()));
                Change::InboxChanged
            }
            Err(RecvError::Closed) => return,
        };
        if let Err(error) = app.emit(bindings::CHANGE_EVENT, &change) {
            tracing::warn!(%error, "could not forward a change to the window");
        }
    }
}
