//! Tidy checks over the whole workspace: every Rust module and every UI module says
//! what it is for, no build output is tracked, and the docs describe what is true now
//! rather than how it came to be. (The generated TypeScript bindings are checked for
//! drift by `casedesk-desktop`'s `bindings_are_current`.)

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    casedesk_tests::repo_root()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_module_starts_with_a_doc_comment() {
    let root = root();
    let mut files = Vec::new();
    let mut crate_dirs: Vec<PathBuf> = std::fs::read_dir(root.join("crates"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    crate_dirs.extend([root.join("src-tauri"), root.join("tests")]);
    for crate_dir in crate_dirs {
        for part in ["src", "tests", "it", "benches"] {
            if crate_dir.join(part).is_dir() {
                rust_files(&crate_dir.join(part), &mut files);
            }
        }
    }
    assert!(files.len() > 20, "found only {} files", files.len());
    let undocumented: Vec<_> = files
        .iter()
        .filter(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            !text.trim_start().starts_with("//!")
        })
        .collect();
    assert!(
        undocumented.is_empty(),
        "modules without a //! paragraph: {undocumented:?}"
    );
}

fn ui_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if !path.ends_with("generated") {
                ui_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "ts" || e == "tsx") {
            out.push(path);
        }
    }
}

#[test]
fn every_ui_module_starts_with_a_comment() {
    let mut files = Vec::new();
    ui_files(&root().join("ui/src"), &mut files);
    assert!(files.len() > 10, "found only {} files", files.len());
    let undocumented: Vec<_> = files
        .iter()
        .filter(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            !(text.starts_with("//") || text.starts_with("/*"))
        })
        .collect();
    assert!(
        undocumented.is_empty(),
        "UI modules without a leading comment: {undocumented:?}"
    );
}

/// Whether a tracked path lies in a `target/` folder, where cargo writes build output.
fn in_target_folder(path: &str) -> bool {
    path.split('/').rev().skip(1).any(|part| part == "target")
}

#[test]
fn no_build_output_is_tracked() {
    // Only a git checkout tracks anything; an unpacked source archive has nothing to
    // check.
    if !root().join(".git").exists() {
        return;
    }
    let output = Command::new("git")
        .arg("-C")
        .arg(root())
        .args(["ls-files", "-z"])
        .output()
        .expect("running git ls-files");
    assert!(output.status.success(), "git ls-files failed: {output:?}");
    let tracked = String::from_utf8_lossy(&output.stdout);
    let paths: Vec<&str> = tracked.split('\0').filter(|p| !p.is_empty()).collect();
    assert!(paths.len() > 50, "git lists only {} files", paths.len());
    let build_output: Vec<&&str> = paths.iter().filter(|p| in_target_folder(p)).collect();
    assert!(
        build_output.is_empty(),
        "tracked files inside a target/ folder (build output; `git rm` them, \
         .gitignore keeps target/ out): {build_output:?}"
    );
}

/// Phrases of a lab journal. The docs say what is true now; how it came to be belongs
/// in commit messages.
const JOURNAL_PHRASES: &[&str] = &[
    "rerun",
    "re-run",
    "this stop",
    "last stop",
    "this session",
    "earlier run",
    "since the last",
    "this change",
    "went from",
    "the issue's",
];

/// The journal phrases in `text`, and references to an issue by number
/// ("issue 3", "issue #12"), as `line: phrase`.
fn journal_words(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let lower = line.to_lowercase();
        for phrase in JOURNAL_PHRASES {
            if lower.contains(phrase) {
                found.push(format!("{}: {phrase:?}", number + 1));
            }
        }
        let mut rest = lower.as_str();
        while let Some(at) = rest.find("issue") {
            let before = rest[..at].chars().next_back();
            let after = rest[at + "issue".len()..].trim_start_matches([' ', '#']);
            if !before.is_some_and(char::is_alphanumeric)
                && after.starts_with(|c: char| c.is_ascii_digit())
            {
                found.push(format!("{}: an issue number", number + 1));
            }
            rest = &rest[at + "issue".len()..];
        }
    }
    found
}

fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            markdown_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

#[test]
fn the_docs_describe_the_present() {
    let root = root();
    let mut files: Vec<PathBuf> = ["README.md", "ARCHITECTURE.md", "BENCHMARKS.md"]
        .iter()
        .map(|name| root.join(name))
        .collect();
    markdown_files(&root.join("docs"), &mut files);
    assert!(files.len() > 4, "found only {} docs", files.len());
    let journal: Vec<String> = files
        .iter()
        .flat_map(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            let name = path
                .strip_prefix(root)
                .unwrap_or(path)
                .display()
                .to_string();
            journal_words(&text)
                .into_iter()
                .map(move |hit| format!("{name}:{hit}"))
        })
        .collect();
    assert!(
        journal.is_empty(),
        "docs that narrate history instead of describing the present (say what is \
         true now; history goes into commit messages): {journal:#?}"
    );
}

#[test]
fn journal_words_are_found_and_present_tense_is_not() {
    assert_eq!(
        journal_words("Bootstrap 2.6 s.\nA rerun since the last change.\nSee issue 3."),
        [
            "2: \"rerun\"",
            "2: \"since the last\"",
            "3: an issue number"
        ]
    );
    assert_eq!(journal_words("Targets (Issue #5)"), ["1: an issue number"]);
    assert!(journal_words("A command that no longer fits is rejected.").is_empty());
    assert!(journal_words("tissue 3, reissued 4").is_empty());
}

#[test]
fn build_output_is_recognised_at_any_depth() {
    assert!(in_target_folder("target/debug/x"));
    assert!(in_target_folder(
        "crates/casedesk-letters/target/bench/letters.md"
    ));
    assert!(!in_target_folder("crates/casedesk-portal/src/target.rs"));
    assert!(!in_target_folder("docs/target"));
}
