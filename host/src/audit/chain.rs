//! The hash chain over audit entries: each entry's hash covers its own fields and the hash of
//! the entry before it, so the log can be verified from the first entry to the last.

use sha2::{Digest, Sha256};

use super::AuditEntry;

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash of an entry with these fields following `prev_hash`.
pub fn entry_hash(
    prev_hash: &str,
    at: i64,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> String {
    let mut hasher = Sha256::new();
    // Length-prefix every field so no two different entries hash the same bytes.
    for field in [prev_hash, &at.to_string(), actor, action, subject, detail] {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// Where a chain stops holding.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, thiserror::Error)]
#[error("audit entry {seq}: {reason}")]
pub struct ChainBreak {
    pub seq: i64,
    pub reason: String,
}

/// Checks entries in order; returns how many were verified.
pub fn verify<'a>(entries: impl IntoIterator<Item = &'a AuditEntry>) -> Result<usize, ChainBreak> {
    let mut prev = GENESIS.to_owned();
    let mut count = 0;
    for e in entries {
        if e.prev_hash != prev {
            return Err(ChainBreak {
                seq: e.seq,
                reason: "does not follow the entry before it (an entry was removed or reordered)"
                    .into(),
            });
        }
        let detail = serde_json::to_string(&e.detail).unwrap_or_default();
        let expected = entry_hash(&prev, e.at, &e.actor, &e.action, &e.subject, &detail);
        if expected != e.hash {
            return Err(ChainBreak {
                seq: e.seq,
                reason: "its contents were changed after it was written".into(),
            });
        }
        prev = e.hash.clone();
        count += 1;
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: usize) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_owned();
        (0..n)
            .map(|i| {
                let detail = serde_json::json!({"i": i});
                let hash = entry_hash(
                    &prev,
                    i as i64,
                    "wharf",
                    "delivered",
                    "outbox:1",
                    &detail.to_string(),
                );
                let entry = AuditEntry {
                    seq: i as i64 + 1,
                    at: i as i64,
                    actor: "wharf".into(),
                    action: "delivered".into(),
                    subject: "outbox:1".into(),
                    detail,
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                entry
            })
            .collect()
    }

    #[test]
    fn an_untouched_chain_verifies() {
        assert_eq!(verify(&chain(5)).unwrap(), 5);
    }

    #[test]
    fn edits_and_removals_are_caught() {
        let mut edited = chain(5);
        edited[2].subject = "outbox:2".into();
        assert_eq!(verify(&edited).unwrap_err().seq, 3);
        let mut removed = chain(5);
        removed.remove(1);
        assert_eq!(verify(&removed).unwrap_err().seq, 3);
    }
}
