//! Tidy checks over the whole workspace: every Rust module and every UI module says
//! what it is for. (The generated TypeScript bindings are checked for drift by
//! `casedesk-desktop`'s `bindings_are_current`.)

use std::path::{Path, PathBuf};

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
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
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
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src");
    let mut files = Vec::new();
    ui_files(&root, &mut files);
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
