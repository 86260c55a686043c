//! Logs via `tracing` to daily rotating files in `<data dir>/logs`, written by a
//! background thread so the UI never waits on the disk. The engine never logs tokens
//! or passwords; this module adds nothing that could carry one.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{Builder, Rotation};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::writer::MakeWriterExt;

/// Log files kept: two weeks of working days.
const KEEP_FILES: usize = 14;

/// Starts logging; keep the guard alive for the app's lifetime (dropping it flushes).
/// `RUST_LOG` overrides the default level (`info`).
pub fn init(data_dir: &Path) -> anyhow::Result<WorkerGuard> {
    let dir = data_dir.join("logs");
    // The appender prunes old files at start and complains if the folder is missing.
    std::fs::create_dir_all(&dir)?;
    let appender = Builder::new()
        .rotation(Rotation::DAILY)
        .filename_prefix("casedesk")
        .filename_suffix("log")
        .max_log_files(KEEP_FILES)
        .build(&dir)?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let writer = writer.and(std::io::stderr.with_max_level(tracing::Level::WARN));
    // A second init (tests) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(writer)
        .try_init();
    Ok(guard)
}
