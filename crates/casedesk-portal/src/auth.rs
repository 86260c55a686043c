//! Passwords, tokens and login throttling.
//!
//! Passwords are hashed with Argon2id (the `argon2` crate's defaults follow the OWASP
//! recommendation) on the blocking pool, so a burst of logins cannot stall the async
//! workers. Tokens are 256 random bits, given to the client once and stored only as
//! SHA-256 hashes: a leaked database does not leak usable tokens, and a high-entropy
//! token needs no slow hash.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::{Argon2, PasswordHash, PasswordVerifier};
use base64::Engine;
use chrono::{Duration, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::config::SessionConfig;
use crate::store::{Database, SessionRecord, StoreResult, SubjectKind};
use casedesk_domain::wire::SessionTokens;

/// Hashes a password with Argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Checks a password against a stored PHC string.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash to verify against when the user does not exist, so that the answer takes
/// as long as for a wrong password and does not reveal which user names exist.
pub fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("casedesk-timing-equaliser").expect("argon2 hashes"))
}

/// Runs the (deliberately slow) verification off the async workers.
pub async fn verify_password_blocking(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false)
}

pub async fn hash_password_blocking(password: String) -> Result<String, String> {
    tokio::task::spawn_blocking(move || hash_password(&password).map_err(|e| e.to_string()))
        .await
        .map_err(|e| e.to_string())?
}

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
    fn passwords_verify_only_with_the_right_password() {
        let hash = hash_password("Korrekt-Pferd-Batterie").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("Korrekt-Pferd-Batterie", &hash));
        assert!(!verify_password("korrekt-pferd-batterie", &hash));
        assert!(!verify_password("x", "not a hash"));
    }

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
