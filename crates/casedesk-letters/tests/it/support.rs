//! Helpers: render sample letters and run the external PDF tools on them.

use std::path::PathBuf;
use std::process::Command;

use casedesk_letters::markup::{Block, parse, plain_text};
use casedesk_letters::{
    LetterInput, Letterhead, RenderOptions, TemplateSet, letter_markup, render,
};
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

/// The text of a PDF in the order it is drawn, line by line as printed: unlike
/// [`pdftotext`] it keeps a hyphen at the end of a line ("Demo-" / "Wert"), so a
/// snapshot shows the words as the letter prints them.
pub fn pdftotext_raw(path: &std::path::Path) -> String {
    run(
        "pdftotext",
        &["-raw", "-enc", "UTF-8", path.to_str().unwrap(), "-"],
    )
}

/// The whole markup of a sample letter (body and closing) with the default
/// templates and the demo letterhead.
pub fn markup_of(input: &LetterInput) -> String {
    let letterhead = Letterhead::demo();
    let body = TemplateSet::defaults()
        .render_markup(&input.template_name(), input, &letterhead)
        .unwrap_or_else(|e| panic!("{}: {e}", input.template_name()));
    letter_markup(input, &letterhead, &body)
}

/// The text of a letter's body and closing as a reader sees it, one block per
/// line: headings as `# Heading`, list items with their marker, table rows as
/// `cell | cell`. No markup escapes, no hyphenation.
pub fn text_of(input: &LetterInput) -> String {
    let mut out = String::new();
    for block in parse(&markup_of(input)) {
        match block {
            Block::Heading(spans) => out.push_str(&format!("# {}\n", plain_text(&spans))),
            Block::Paragraph(spans) => out.push_str(&format!("{}\n", plain_text(&spans))),
            Block::List(items) => {
                for item in items {
                    out.push_str(&format!("{} {}\n", item.marker, plain_text(&item.content)));
                }
            }
            Block::Table(table) => {
                for row in table.header.iter().chain(table.rows.iter()) {
                    let cells: Vec<String> = row.iter().map(|c| plain_text(c)).collect();
                    out.push_str(&format!("{}\n", cells.join(" | ")));
                }
            }
        }
    }
    out
}

/// The part of a letter's text under `# heading`, up to the next heading (empty
/// when the letter has no such heading).
pub fn section(text: &str, heading: &str) -> String {
    let marker = format!("# {heading}\n");
    let Some(start) = text.find(&marker) else {
        return String::new();
    };
    let rest = &text[start + marker.len()..];
    let end = rest.find("\n# ").map_or(rest.len(), |i| i + 1);
    rest[..end].to_owned()
}

/// Every date written as `dd.mm.yyyy` in `text`.
pub fn dates_in(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut dates = Vec::new();
    for window in chars.windows(10) {
        let s: String = window.iter().collect();
        let b = s.as_bytes();
        let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
        if s.len() == 10
            && [0, 1, 3, 4, 6, 7, 8, 9].iter().all(|&i| digit(i))
            && b[2] == b'.'
            && b[5] == b'.'
        {
            dates.push(s);
        }
    }
    dates
}
