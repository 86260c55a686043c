//! Shared support for the end-to-end tests: real processes on real sockets. The
//! portal binary with its demo tenant, a proxy that breaks the network on purpose,
//! and the desktop app driven through WebDriver (tauri-driver + WebKitWebDriver).
//!
//! The desktop UI tests themselves live in `tests/it`; the `casedesk` command line's
//! end-to-end tests use this crate from `crates/casedesk-cli/tests`. `bench` is what
//! the benchmarks' reports share.

pub mod bench;
pub mod desktop;
pub mod portal;
pub mod proxy;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace's target directory for the current profile (`target/debug`), found
/// from the running test binary (`target/debug/deps/it-…`).
pub fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let deps = exe.parent().expect("deps/");
    let dir = if deps.file_name().is_some_and(|n| n == "deps") {
        deps.parent().expect("target/debug")
    } else {
        deps
    };
    dir.to_path_buf()
}

/// A binary of the workspace: `cargo test --workspace` builds them all beside the
/// test binaries; when a single package is tested, it is built here if missing, and
/// the desktop app also when it is older than the UI build it embeds (`ui/dist`),
/// which changes without any Rust file changing.
pub fn workspace_binary(package: &str, bin: &str) -> PathBuf {
    let path = target_dir().join(format!("{bin}{}", std::env::consts::EXE_SUFFIX));
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let ui = repo_root().join("ui/dist/index.html");
    let stale = match modified(&path) {
        None => true,
        Some(built) => package == "casedesk-desktop" && modified(&ui).is_some_and(|ui| ui > built),
    };
    if stale {
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["build", "-p", package, "--bin", bin])
            .status()
            .expect("run cargo build");
        assert!(status.success(), "building {package} failed");
    }
    path
}

/// The repository root.
pub fn repo_root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// The tests need the OS credential store; on a headless Linux machine that is
/// gnome-keyring inside a D-Bus session, which `scripts/test.sh` starts.
pub fn keyring_available() {
    static CHECKED: std::sync::Once = std::sync::Once::new();
    CHECKED.call_once(|| {
        assert!(
            std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some() || !cfg!(target_os = "linux"),
            "these tests use the real Secret Service: run them inside `dbus-run-session` with \
             `gnome-keyring-daemon --unlock --components=secrets` started, as scripts/test.sh does"
        );
    });
}
