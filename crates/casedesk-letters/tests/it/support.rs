//! Helpers: render sample letters and run the external PDF tools on them.

use std::path::PathBuf;
use std::process::Command;

use casedesk_letters::{LetterInput, Letterhead, RenderOptions, TemplateSet, render};
use chrono::{TimeZone, Utc};

pub fn options() -> RenderOptions {
    RenderOptions::at(Utc.with_ymd_and_hms(2026, 3, 12, 8, 0, 0).unwrap())
}

pub fn render_sample(input: &LetterInput) -> Vec<u8> {
    render(
        &TemplateSet::defaults(),
        &Letterhead::demo(),
        input,
        &options(),
    )
    .unwrap()
}

/// Writes the PDF to a fresh file in the test's temporary directory.
pub fn write_temp(name: &str, pdf: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).unwrap();
    (dir, path)
}

/// Runs a tool and returns its standard output; panics with its stderr on failure.
pub fn run(tool: &str, args: &[&str]) -> String {
    let output = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} not runnable ({e}); scripts/test.sh installs it"));
    assert!(
        output.status.success(),
        "{tool} {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The text of a PDF as pdftotext extracts it (reading order, no layout).
pub fn pdftotext(path: &std::path::Path) -> String {
    run("pdftotext", &["-enc", "UTF-8", path.to_str().unwrap(), "-"])
}
