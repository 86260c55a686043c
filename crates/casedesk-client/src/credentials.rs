//! Session tokens in the operating system's credential store (Keychain on macOS,
//! Credential Manager on Windows, the Secret Service on Linux) through `keyring`.
//!
//! Architecture invariant: tokens are never written to a file or a log. The local
//! store only knows the portal address and the user name, which name the entry.

use casedesk_domain::wire::SessionTokens;

use crate::error::{ClientError, Result};

/// The keyring entry of one user on one portal.
#[derive(Debug, Clone)]
pub struct Credentials {
    service: String,
    account: String,
}

impl Credentials {
    /// `service` is the application's name in the credential store (`casedesk`).
    pub fn new(service: &str, portal: &str, user: &str) -> Self {
        Self {
            service: service.to_owned(),
            account: format!("{user}@{portal}"),
        }
    }

    fn entry(&self) -> Result<keyring::Entry> {
        keyring::Entry::new(&self.service, &self.account).map_err(keyring_error)
    }

    /// The stored tokens, if any.
    pub async fn load(&self) -> Result<Option<SessionTokens>> {
        let this = self.clone();
        // The platform stores are blocking APIs (D-Bus calls on Linux).
        let secret = tokio::task::spawn_blocking(move || match this.entry()?.get_password() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(keyring_error(error)),
        })
        .await
        .map_err(|e| ClientError::Keyring(e.to_string()))??;
        match secret {
            Some(secret) => Ok(Some(serde_json::from_str(&secret).map_err(|_| {
                ClientError::Keyring("der gespeicherte Eintrag ist unlesbar".into())
            })?)),
            None => Ok(None),
        }
    }

    pub async fn save(&self, tokens: &SessionTokens) -> Result<()> {
        let secret = serde_json::to_string(tokens)?;
        let this = self.clone();
        tokio::task::spawn_blocking(move || {
            this.entry()?.set_password(&secret).map_err(keyring_error)
        })
        .await
        .map_err(|e| ClientError::Keyring(e.to_string()))?
    }

    /// Removes the entry; a missing entry is not an error.
    pub async fn delete(&self) -> Result<()> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || match this.entry()?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(keyring_error(error)),
        })
        .await
        .map_err(|e| ClientError::Keyring(e.to_string()))?
    }
}

fn keyring_error(error: keyring::Error) -> ClientError {
    ClientError::Keyring(error.to_string())
}
