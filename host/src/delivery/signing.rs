//! Signed deliveries, as the Standard Webhooks scheme defines them: every request carries
//! `webhook-id` (the outbox entry's id: stable across retries and replays, so the receiver
//! can count effects by it), `webhook-timestamp` (Unix seconds) and `webhook-signature`, a
//! space-separated list of `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, one per
//! secret the agreement holds, so a receiver that knows either secret of a rotation verifies.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::config::SigningSecret;

/// The three headers of a signed delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHeaders {
    pub id: String,
    pub timestamp: String,
    pub signature: String,
}

/// Signs `body` as delivery `id` at `timestamp` (Unix seconds) with every secret.
pub fn sign(secrets: &[SigningSecret], id: &str, timestamp: i64, body: &[u8]) -> SignatureHeaders {
    let timestamp = timestamp.to_string();
    let signature = secrets
        .iter()
        .map(|secret| {
            let mut mac =
                Hmac::<Sha256>::new_from_slice(&secret.0).expect("HMAC takes a key of any length");
            mac.update(id.as_bytes());
            mac.update(b".");
            mac.update(timestamp.as_bytes());
            mac.update(b".");
            mac.update(body);
            let digest = mac.finalize().into_bytes();
            format!(
                "v1,{}",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    SignatureHeaders {
        id: id.to_owned(),
        timestamp,
        signature,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_secret_adds_one_signature() {
        let one = SigningSecret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let two = SigningSecret::parse("a second secret of some length").unwrap();
        let headers = sign(&[one.clone(), two], "msg_1", 1_700_000_000, b"{}");
        assert_eq!(headers.signature.split(' ').count(), 2);
        assert!(headers.signature.starts_with("v1,"));
        let alone = sign(&[one], "msg_1", 1_700_000_000, b"{}");
        assert!(headers.signature.starts_with(&alone.signature));
    }

    #[test]
    fn short_plain_secrets_are_refused() {
        assert!(SigningSecret::parse("short").is_err());
        assert!(SigningSecret::parse("whsec_not base64!").is_err());
    }
}
