//! The engine's error type. Every variant has a stable code the UI branches on; the
//! message is German because it is shown to caseworkers as it is.

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
    /// A letter could not be rendered; `code` is the letter library's stable code.
    #[error("Brief: {message}")]
    Letter { code: &'static str, message: String },
}

impl ClientError {
    /// The stable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            ClientError::Offline(_) => "offline",
            ClientError::LoginRequired => "login_required",
            ClientError::WrongPassword => "wrong_password",
            ClientError::Throttled(_) => "throttled",
            ClientError::NotLoggedIn => "not_logged_in",
            ClientError::Portal { .. } => "portal_error",
            ClientError::Refused(_) => "refused",
            ClientError::CaseNotFound(_) => "case_not_found",
            ClientError::OutboxEntryNotFound(_) => "outbox_entry_not_found",
            ClientError::BlobNotFound(_) => "blob_not_found",
            ClientError::BlobCorrupt(_) => "blob_corrupt",
            ClientError::Invalid(_) => "invalid",
            ClientError::ForeignCache { .. } => "foreign_cache",
            ClientError::Keyring(_) => "keyring",
            ClientError::Protocol(_) => "protocol",
            ClientError::Store(_) | ClientError::Migrate(_) => "local_store",
            ClientError::Io(_) => "io",
            ClientError::Letter { code, .. } => code,
        }
    }

    /// Whether the error means "the portal is out of reach right now".
    pub fn is_offline(&self) -> bool {
        matches!(self, ClientError::Offline(_))
    }

    /// The `{code, message}` form that crosses to the UI.
    pub fn payload(&self) -> ErrorPayload {
        ErrorPayload {
            code: self.code().to_owned(),
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
    pub code: String,
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
