//! Governance: who may do what. Partner API keys and the operator token are kept only as
//! SHA-256 hashes and compared in constant time; [`authenticate_partner`] maps a presented key
//! to the one partner it belongs to. [`rate`] holds the per-partner rate limits.

pub mod rate;

use subtle::ConstantTimeEq;

pub use crate::config::ApiKeyHash;
use crate::config::Settings;

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
    /// The bytes could not be read now, so no secret could be checked: refused, not let by.
    #[error("the document's shared secret cannot be checked: the document could not be read")]
    Unverifiable,
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
    if bool::from(expected.as_bytes().ct_eq(presented.as_bytes())) {
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
