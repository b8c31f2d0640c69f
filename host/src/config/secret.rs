//! Secrets as the configuration keeps them: only their SHA-256, compared in constant time.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

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

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
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
