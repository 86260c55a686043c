//! The engine's error type. Every variant has a stable [`ErrorCode`] the UI and scripts
//! branch on; the message is German.
//!
//! Who words what: the `Display` sentence here says what went wrong, with the detail
//! only the engine knows (a wait time, an owner, a refusal reason, a letter line); the
//! CLI prints it as it is. The desktop's `ui/src/lib/errors.ts` words a code itself only
//! where the screen decides what the error means (offline on the login form versus on
//! a change) or where this sentence carries ids and technical causes; it shows this
//! sentence instead of rewording it everywhere else, and never both.

use casedesk_domain::command::Rejection;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The portal could not be reached (no network, refused, timed out, cut off).
    /// Offline is a state, not a failure: callers keep the outbox and retry later.
    #[error("Portal nicht erreichbar: {0}")]
    Offline(String),
    /// The refresh token expired or was revoked; the user must log in again. The
    /// outbox is kept.
    #[error("Die Anmeldung ist abgelaufen. Bitte erneut anmelden.")]
    LoginRequired,
    #[error("Benutzername oder Passwort ist falsch.")]
    WrongPassword,
    #[error("Zu viele Fehlversuche. Bitte in {0} Sekunden erneut versuchen.")]
    Throttled(u64),
    #[error("Nicht angemeldet. Bitte zuerst anmelden.")]
    NotLoggedIn,
    /// The portal answered with an error body.
    #[error("Portal meldet: {message}")]
    Portal {
        status: u16,
        code: String,
        message: String,
    },
    /// The command cannot apply to the case as the caseworker sees it.
    #[error("{}", .0.message)]
    Refused(Rejection),
    #[error("Vorgang {0} ist nicht im lokalen Bestand.")]
    CaseNotFound(String),
    #[error("Kein Eintrag {0} in der Warteschlange.")]
    OutboxEntryNotFound(String),
    #[error("Dokument {0} ist nicht verfügbar.")]
    BlobNotFound(String),
    /// Bytes that did not match their SHA-256; they were discarded, never used.
    #[error("Dokument {0} kam beschädigt an und wurde verworfen.")]
    BlobCorrupt(String),
    #[error("Ungültige Eingabe: {0}")]
    Invalid(String),
    #[error(
        "Der lokale Bestand gehört zu {owner}; dessen {pending} ungesendete Änderungen gehen vor. Erst mit {owner} anmelden und synchronisieren oder den Bestand löschen."
    )]
    ForeignCache { owner: String, pending: i64 },
    #[error("Schlüsselbund des Betriebssystems: {0}")]
    Keyring(String),
    #[error("Antwort des Portals nicht verstanden: {0}")]
    Protocol(String),
    #[error("Lokale Datenbank: {0}")]
    Store(#[from] sqlx::Error),
    #[error("Lokale Datenbank nicht migrierbar: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("Dateizugriff: {0}")]
    Io(#[from] std::io::Error),
    /// A letter could not be rendered; `code` tells which part of the letter failed.
    #[error("Brief: {message}")]
    Letter { code: ErrorCode, message: String },
}

/// The stable code of an error that reaches the UI or a script. Never rename a
/// variant: its snake_case spelling is what callers match on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ErrorCode {
    Offline,
    LoginRequired,
    WrongPassword,
    Throttled,
    NotLoggedIn,
    PortalError,
    Refused,
    CaseNotFound,
    OutboxEntryNotFound,
    BlobNotFound,
    BlobCorrupt,
    Invalid,
    ForeignCache,
    Keyring,
    Protocol,
    LocalStore,
    Io,
    /// A letter template failed to compile or render.
    LetterTemplate,
    /// No template for the letter asked for.
    LetterTemplateUnknown,
    /// The case lacks something the letter needs.
    LetterInput,
    LetterLetterhead,
    LetterLogo,
    LetterFont,
}

impl ErrorCode {
    /// The wire spelling, for logs and the CLI's `--json` errors.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Offline => "offline",
            ErrorCode::LoginRequired => "login_required",
            ErrorCode::WrongPassword => "wrong_password",
            ErrorCode::Throttled => "throttled",
            ErrorCode::NotLoggedIn => "not_logged_in",
            ErrorCode::PortalError => "portal_error",
            ErrorCode::Refused => "refused",
            ErrorCode::CaseNotFound => "case_not_found",
            ErrorCode::OutboxEntryNotFound => "outbox_entry_not_found",
            ErrorCode::BlobNotFound => "blob_not_found",
            ErrorCode::BlobCorrupt => "blob_corrupt",
            ErrorCode::Invalid => "invalid",
            ErrorCode::ForeignCache => "foreign_cache",
            ErrorCode::Keyring => "keyring",
            ErrorCode::Protocol => "protocol",
            ErrorCode::LocalStore => "local_store",
            ErrorCode::Io => "io",
            ErrorCode::LetterTemplate => "letter_template",
            ErrorCode::LetterTemplateUnknown => "letter_template_unknown",
            ErrorCode::LetterInput => "letter_input",
            ErrorCode::LetterLetterhead => "letter_letterhead",
            ErrorCode::LetterLogo => "letter_logo",
            ErrorCode::LetterFont => "letter_font",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ClientError {
    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            ClientError::Offline(_) => ErrorCode::Offline,
            ClientError::LoginRequired => ErrorCode::LoginRequired,
            ClientError::WrongPassword => ErrorCode::WrongPassword,
            ClientError::Throttled(_) => ErrorCode::Throttled,
            ClientError::NotLoggedIn => ErrorCode::NotLoggedIn,
            ClientError::Portal { .. } => ErrorCode::PortalError,
            ClientError::Refused(_) => ErrorCode::Refused,
            ClientError::CaseNotFound(_) => ErrorCode::CaseNotFound,
            ClientError::OutboxEntryNotFound(_) => ErrorCode::OutboxEntryNotFound,
            ClientError::BlobNotFound(_) => ErrorCode::BlobNotFound,
            ClientError::BlobCorrupt(_) => ErrorCode::BlobCorrupt,
            ClientError::Invalid(_) => ErrorCode::Invalid,
            ClientError::ForeignCache { .. } => ErrorCode::ForeignCache,
            ClientError::Keyring(_) => ErrorCode::Keyring,
            ClientError::Protocol(_) => ErrorCode::Protocol,
            ClientError::Store(_) | ClientError::Migrate(_) => ErrorCode::LocalStore,
            ClientError::Io(_) => ErrorCode::Io,
            ClientError::Letter { code, .. } => *code,
        }
    }

    /// Whether the error means "the portal is out of reach right now".
    pub fn is_offline(&self) -> bool {
        matches!(self, ClientError::Offline(_))
    }

    /// The `{code, message}` form that crosses to the UI.
    pub fn payload(&self) -> ErrorPayload {
        ErrorPayload {
            code: self.code(),
            message: self.to_string(),
        }
    }
}

impl From<reqwest::Error> for ClientError {
    fn from(error: reqwest::Error) -> Self {
        if error.is_builder() {
            return ClientError::Invalid(error.to_string());
        }
        // Connection refused, reset, timed out, a body cut off mid-stream (which a
        // compressed body reports as a decoding error): all mean the network failed
        // us, and all are retried later. Bodies are parsed with serde_json
        // separately, so a malformed answer is a `Protocol` error from there.
        ClientError::Offline(error_chain(&error))
    }
}

impl From<serde_json::Error> for ClientError {
    fn from(error: serde_json::Error) -> Self {
        ClientError::Protocol(error.to_string())
    }
}

/// An error as the UI receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ErrorPayload {
    pub code: ErrorCode,
    pub message: String,
}

/// The error with its sources, which is where reqwest keeps the useful part.
pub(crate) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let line = cause.to_string();
        if !text.contains(&line) {
            text.push_str(": ");
            text.push_str(&line);
        }
        source = cause.source();
    }
    text
}

pub type Result<T, E = ClientError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_code_is_spelled_as_it_serializes() {
        for code in [
            ErrorCode::Offline,
            ErrorCode::LoginRequired,
            ErrorCode::WrongPassword,
            ErrorCode::Throttled,
            ErrorCode::NotLoggedIn,
            ErrorCode::PortalError,
            ErrorCode::Refused,
            ErrorCode::CaseNotFound,
            ErrorCode::OutboxEntryNotFound,
            ErrorCode::BlobNotFound,
            ErrorCode::BlobCorrupt,
            ErrorCode::Invalid,
            ErrorCode::ForeignCache,
            ErrorCode::Keyring,
            ErrorCode::Protocol,
            ErrorCode::LocalStore,
            ErrorCode::Io,
            ErrorCode::LetterTemplate,
            ErrorCode::LetterTemplateUnknown,
            ErrorCode::LetterInput,
            ErrorCode::LetterLetterhead,
            ErrorCode::LetterLogo,
            ErrorCode::LetterFont,
        ] {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
    }
}
