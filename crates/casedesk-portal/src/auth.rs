//! Tokens, sessions and login throttling; password hashing is re-exported from the
//! store (`store::passwords`).
//!
//! Tokens are 256 random bits, given to the client once and stored only as
//! SHA-256 hashes: a leaked database does not leak usable tokens, and a high-entropy
//! token needs no slow hash.

use base64::Engine;
use chrono::{Duration, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::config::SessionConfig;
use crate::store::{Database, SessionRecord, StoreResult, SubjectKind};
use casedesk_domain::wire::SessionTokens;

pub use crate::store::passwords::{
    dummy_hash, hash_password, hash_password_blocking, verify_password, verify_password_blocking,
};

/// A fresh random token, URL-safe base64 of 32 bytes.
pub fn new_token() -> String {
    let mut bytes = [0_u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The stored form of a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Creates a session for a subject and returns the tokens (shown once).
pub async fn start_session(
    db: &dyn Database,
    config: &SessionConfig,
    subject: SubjectKind,
    subject_id: Uuid,
) -> StoreResult<SessionTokens> {
    let now = Utc::now();
    let access_token = new_token();
    let refresh_token = new_token();
    let record = SessionRecord {
        id: Uuid::now_v7(),
        subject,
        subject_id,
        access_hash: token_hash(&access_token),
        access_expires_at: now + Duration::minutes(config.access_minutes),
        refresh_hash: token_hash(&refresh_token),
        refresh_expires_at: now + Duration::days(config.refresh_days),
    };
    let tokens = SessionTokens {
        access_token,
        access_expires_at: record.access_expires_at,
        refresh_token,
        refresh_expires_at: record.refresh_expires_at,
    };
    db.create_session(record).await?;
    Ok(tokens)
}

/// The throttle keys of a login attempt: the user name and the client address.
pub fn throttle_keys(
    kind: SubjectKind,
    user: &str,
    address: Option<std::net::IpAddr>,
) -> Vec<String> {
    let mut keys = vec![format!(
        "{}:user:{}",
        kind.as_str(),
        user.trim().to_lowercase()
    )];
    if let Some(address) = address {
        keys.push(format!("addr:{address}"));
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_ne!(token_hash(&a), a);
        assert_eq!(token_hash(&a).len(), 64);
    }
}
