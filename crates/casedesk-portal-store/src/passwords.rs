//! Password hashes: Argon2id (the `argon2` crate's defaults follow the OWASP
//! recommendation) with a random salt, stored as PHC strings. Hashing and checking
//! are deliberately slow, so the async variants run on the blocking pool and a burst
//! of logins cannot stall the async workers.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::{Argon2, PasswordHash, PasswordVerifier};

/// A password could not be hashed (the hasher failed or its task was cancelled).
#[derive(Debug, thiserror::Error)]
#[error("could not hash the password: {0}")]
pub struct PasswordError(String);

/// Hashes a password with Argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| PasswordError(e.to_string()))?
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

/// Hashes a password off the async workers.
pub async fn hash_password_blocking(password: String) -> Result<String, PasswordError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| PasswordError(e.to_string()))?
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
}
