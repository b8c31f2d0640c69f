//! Governance: who may do what. Partner API keys and the operator token are kept only as
//! SHA-256 hashes and compared in constant time; [`authenticate_partner`] maps a presented key
//! to the one partner it belongs to.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::config::Settings;

/// The SHA-256 of a secret; the secret itself is never kept.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKeyHash([u8; 32]);

impl std::fmt::Debug for ApiKeyHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Even the hash stays out of logs.
        f.write_str("ApiKeyHash(..)")
    }
}

impl ApiKeyHash {
    pub fn of(secret: &str) -> Self {
        ApiKeyHash(Sha256::digest(secret.as_bytes()).into())
    }

    pub fn from_hex(hex_text: &str) -> Result<Self, String> {
        let bytes = hex::decode(hex_text.trim()).map_err(|e| e.to_string())?;
        let array: [u8; 32] = bytes
            .try_into()
            .map_err(|_| "a SHA-256 hash is 64 hex digits".to_owned())?;
        Ok(ApiKeyHash(array))
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// True when `secret` hashes to this value; the comparison takes the same time either way.
    pub fn matches(&self, secret: &str) -> bool {
        let presented: [u8; 32] = Sha256::digest(secret.as_bytes()).into();
        self.0.ct_eq(&presented).into()
    }
}

/// The partner whose API key `key` is, if any.
pub fn authenticate_partner<'a>(settings: &'a Settings, key: &str) -> Option<&'a str> {
    settings
        .partners
        .values()
        .find(|p| p.api_keys.iter().any(|hash| hash.matches(key)))
        .map(|p| p.id.as_str())
}

/// True when `token` is the operator token (and one is configured).
pub fn authenticate_operator(settings: &Settings, token: &str) -> bool {
    settings
        .admin_token
        .as_ref()
        .is_some_and(|hash| hash.matches(token))
}

/// The envelope extension in which an adapter reports the SHA-256 (hex) of the shared secret
/// a document presented in its own header (cXML `Credential/SharedSecret`). Adapters never
/// see the agreement's secret and never pass the presented one on in clear.
pub const PRESENTED_SECRET_KEY: &str = "credential.sha256";

/// Why a document's own credential was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    #[error("the document carries no shared secret")]
    Missing,
    #[error("the document's shared secret does not match the agreement's")]
    Mismatch,
}

/// Checks the secret a document presented (as reported by its adapter) against the agreement's.
pub fn check_presented_secret(
    expected: &ApiKeyHash,
    envelope: &crate::model::Envelope,
) -> Result<(), CredentialError> {
    let presented = envelope
        .extensions
        .iter()
        .find(|e| e.key == PRESENTED_SECRET_KEY)
        .and_then(|e| match &e.value {
            crate::model::ExtensionValue::Text(hex_text) => ApiKeyHash::from_hex(hex_text).ok(),
            _ => None,
        })
        .ok_or(CredentialError::Missing)?;
    if bool::from(expected.0.ct_eq(&presented.0)) {
        Ok(())
    } else {
        Err(CredentialError::Mismatch)
    }
}

/// A new random API key to hand a partner once: 32 bytes of randomness, hex.
pub fn generate_key() -> String {
    let bytes: [u8; 32] = rand::random();
    format!("wk_{}", hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_match_only_their_secret() {
        let hash = ApiKeyHash::of("key-1");
        assert!(hash.matches("key-1"));
        assert!(!hash.matches("key-2"));
        assert_eq!(ApiKeyHash::from_hex(&hash.to_hex()).unwrap(), hash);
        assert!(ApiKeyHash::from_hex("abcd").is_err());
        assert_eq!(format!("{hash:?}"), "ApiKeyHash(..)");
    }

    #[test]
    fn generated_keys_differ() {
        assert_ne!(generate_key(), generate_key());
        assert_eq!(generate_key().len(), 67);
    }
}
