//! Secrets that documents carry in their own envelope (cXML `Credential/SharedSecret`).
//!
//! The host checks them against the agreement's secret, which the adapter never sees. The
//! adapter reports only a digest of what the document presented, in the envelope extension
//! [`PRESENTED_SECRET_KEY`], so the secret itself never travels further than the raw bytes.

use sha2::{Digest, Sha256};

use crate::canonical::{Extension, ExtensionValue};

/// The envelope extension the host reads the presented secret's digest from.
pub const PRESENTED_SECRET_KEY: &str = "credential.sha256";

/// The extension reporting that a document presented `secret`.
pub fn presented_secret(secret: &str) -> Extension {
    Extension {
        key: PRESENTED_SECRET_KEY.to_owned(),
        value: ExtensionValue::Text(
            Sha256::digest(secret.as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_the_sha256_of_the_secret() {
        let e = presented_secret("password");
        assert_eq!(e.key, "credential.sha256");
        assert_eq!(
            e.value,
            ExtensionValue::Text(
                "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8".into()
            )
        );
    }
}
