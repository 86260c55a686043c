//! Sanitising file names that citizens and scanners hand us.
//!
//! A file name is display data, never a path: the portal stores blobs by hash and keeps
//! the name only to show it and to offer it on download. Still, names travel into
//! `Content-Disposition` headers, into the desktop's save dialogs on Windows and into
//! logs, so they are reduced to something harmless everywhere: Unicode NFC (macOS
//! uploads decomposed umlauts), no directory part, no control or reserved characters, no
//! Windows device names, at most [`MAX_FILE_NAME_BYTES`] bytes with the extension kept.

use unicode_normalization::UnicodeNormalization;

/// The longest name kept, in UTF-8 bytes (common file systems allow 255).
pub const MAX_FILE_NAME_BYTES: usize = 120;

/// The name used when nothing usable is left.
pub const FALLBACK_FILE_NAME: &str = "dokument";

const WINDOWS_DEVICE_NAMES: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// Reduces an untrusted file name to a safe display name.
pub fn sanitize(raw: &str) -> String {
    let normalized: String = raw.nfc().collect();
    // Only the last path component counts; both separators, because Windows browsers
    // used to send full paths.
    let last = normalized
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .to_owned();
    let cleaned: String = last
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*') {
                '_'
            } else if c.is_whitespace() {
                ' '
            } else {
                c
            }
        })
        // Bidirectional overrides can disguise an extension ("rechnung\u{202e}fdp.exe").
        .filter(|c| !matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
        .collect();
    let trimmed = cleaned.trim_matches(|c: char| c == '.' || c == ' ' || c == '_');
    if trimmed.is_empty() {
        return FALLBACK_FILE_NAME.to_owned();
    }
    let stem_upper = trimmed
        .split('.')
        .next()
        .unwrap_or_default()
        .to_ascii_uppercase();
    let mut name = if WINDOWS_DEVICE_NAMES.contains(&stem_upper.as_str()) {
        format!("_{trimmed}")
    } else {
        trimmed.to_owned()
    };
    if name.len() > MAX_FILE_NAME_BYTES {
        name = shorten_keeping_extension(&name);
    }
    name
}

fn shorten_keeping_extension(name: &str) -> String {
    let (stem, ext) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.len() <= 10 => (stem, Some(ext)),
        _ => (name, None),
    };
    let reserve = ext.map_or(0, |e| e.len() + 1);
    let mut budget = MAX_FILE_NAME_BYTES - reserve;
    let mut out = String::with_capacity(MAX_FILE_NAME_BYTES);
    for c in stem.chars() {
        if c.len_utf8() > budget {
            break;
        }
        budget -= c.len_utf8();
        out.push(c);
    }
    if let Some(ext) = ext {
        out.push('.');
        out.push_str(ext);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn strips_directories_of_both_kinds() {
        assert_eq!(sanitize("../../etc/passwd"), "passwd");
        assert_eq!(
            sanitize("C:\\Users\\x\\Versicherung.pdf"),
            "Versicherung.pdf"
        );
    }

    #[test]
    fn normalises_decomposed_umlauts() {
        assert_eq!(
            sanitize("Bescheinigung-Mu\u{308}ller.pdf"),
            "Bescheinigung-Müller.pdf"
        );
    }

    #[test]
    fn removes_control_reserved_and_bidi_characters() {
        assert_eq!(sanitize("a\u{0}b\nc<d>.pdf"), "a_b_c_d_.pdf");
        assert_eq!(sanitize("rechnung\u{202e}fdp.exe"), "rechnungfdp.exe");
    }

    #[test]
    fn guards_windows_device_names_and_empty_names() {
        assert_eq!(sanitize("CON.pdf"), "_CON.pdf");
        assert_eq!(sanitize("..."), FALLBACK_FILE_NAME);
        assert_eq!(sanitize(""), FALLBACK_FILE_NAME);
    }

    #[test]
    fn shortens_long_names_but_keeps_the_extension() {
        let long = format!("{}.pdf", "ä".repeat(300));
        let short = sanitize(&long);
        assert!(short.len() <= MAX_FILE_NAME_BYTES);
        assert!(short.ends_with(".pdf"));
    }

    proptest! {
        #[test]
        fn any_input_gives_a_safe_bounded_name(raw in ".{0,400}") {
            let name = sanitize(&raw);
            prop_assert!(!name.is_empty());
            prop_assert!(name.len() <= MAX_FILE_NAME_BYTES);
            prop_assert!(!name.contains('/') && !name.contains('\\'));
            prop_assert!(!name.chars().any(char::is_control));
            prop_assert_ne!(name.as_str(), "..");
        }
    }
}
