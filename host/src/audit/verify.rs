//! Verifying the whole trail: the hash chain entry by entry (over the bytes as stored), the
//! anchored head (so a trimmed end is noticed), and every digest the chain carries against the
//! bytes stored beside it: each received message's raw bytes, each canonical document, each
//! payload rendered for delivery. The answer names the first broken entry.
//!
//! This is the one verifier: `wharf audit verify` and `GET /admin/v1/audit/verify` both call
//! it, through [`crate::store::Store::verify_audit`].

use std::collections::HashMap;

use serde::Serialize;

use super::anchor::Anchor;
use super::chain::{self, ChainBreak};

/// An entry as stored, its detail as the exact text that was hashed.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEntry {
    pub seq: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The SHA-256 (hex) of what is stored now, by id; absent ids are missing rows.
#[derive(Debug, Clone, Default)]
pub struct StoredDigests {
    pub messages: HashMap<String, String>,
    pub documents: HashMap<String, String>,
    /// Rendered outbox payloads only.
    pub payloads: HashMap<String, String>,
}

/// What verification found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// Entries in the log.
    pub entries: usize,
    /// The newest entry's sequence number.
    pub head: Option<i64>,
    /// The sequence number the anchor names.
    pub anchored: Option<i64>,
    /// Digests of stored bytes checked against the chain.
    pub digests_checked: usize,
    /// Digests whose bytes retention removed, as a `content_pruned` entry of the chain says:
    /// not checked, and not a break.
    pub digests_pruned: usize,
    /// The first broken entry, if any.
    pub first_break: Option<ChainBreak>,
}

impl Verdict {
    pub fn intact(&self) -> bool {
        self.first_break.is_none()
    }
}

/// How the anchor stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnchorState {
    /// No anchor is kept for this log (a store opened without one).
    NotKept,
    /// One should be kept, and there is none.
    Missing,
    /// The anchor file cannot be read or parsed.
    Unreadable(String),
    Found(Anchor),
}

/// Verifies `entries` (in `seq` order) against `anchor` and the digests of what is stored.
pub fn verify(entries: &[StoredEntry], anchor: &AnchorState, stored: &StoredDigests) -> Verdict {
    let mut breaks: Vec<ChainBreak> = Vec::new();
    let mut note = |seq: i64, reason: String| breaks.push(ChainBreak { seq, reason });

    let mut prev = chain::GENESIS.to_owned();
    for e in entries {
        if e.prev_hash != prev {
            note(
                e.seq,
                "does not follow the entry before it (an entry was removed or reordered)".into(),
            );
            break;
        }
        let expected = chain::entry_hash(&prev, e.at, &e.actor, &e.action, &e.subject, &e.detail);
        if expected != e.hash {
            note(
                e.seq,
                "its contents were changed after it was written".into(),
            );
            break;
        }
        prev = e.hash.clone();
    }

    let head = entries.last().map(|e| e.seq);
    let anchored = match anchor {
        AnchorState::NotKept => None,
        AnchorState::Missing => {
            if let Some(first) = entries.first() {
                note(
                    first.seq,
                    "the log has no anchor, so a trimmed end cannot be ruled out".into(),
                );
            }
            None
        }
        AnchorState::Unreadable(reason) => {
            if let Some(first) = entries.first() {
                note(first.seq, format!("the log's anchor is unusable: {reason}"));
            }
            None
        }
        AnchorState::Found(anchor) => {
            match entries.iter().find(|e| e.seq == anchor.seq) {
                Some(e) if e.hash == anchor.hash => {}
                Some(e) => note(
                    e.seq,
                    format!(
                        "it is the anchored head, but its hash is not the anchored one ({})",
                        short(&anchor.hash)
                    ),
                ),
                None => note(
                    head.map_or(1, |h| h + 1).min(anchor.seq),
                    format!(
                        "the log ends at entry {} but the anchor names entry {}: entries were \
                         removed from its end",
                        head.unwrap_or(0),
                        anchor.seq
                    ),
                ),
            }
            Some(anchor.seq)
        }
    };

    let pruned = pruned_by_retention(entries);
    let mut digests_checked = 0;
    let mut digests_pruned = 0;
    for e in entries {
        for (kind, id, digest) in chained_digests(e) {
            let (table, what) = match kind {
                Kind::Message => (&stored.messages, "message"),
                Kind::Document => (&stored.documents, "document"),
                Kind::Payload => (&stored.payloads, "rendered payload of outbox entry"),
            };
            match table.get(&id) {
                Some(actual) if *actual == digest => digests_checked += 1,
                Some(_) => {
                    digests_checked += 1;
                    note(
                        e.seq,
                        format!("the stored {what} {id} is not the one this entry chained"),
                    )
                }
                None if pruned.contains(&(kind, id.clone())) => digests_pruned += 1,
                None => {
                    digests_checked += 1;
                    note(e.seq, format!("the {what} {id} this entry chained is gone"))
                }
            }
        }
    }

    Verdict {
        entries: entries.len(),
        head,
        anchored,
        digests_checked,
        digests_pruned,
        first_break: breaks.into_iter().min_by_key(|b| b.seq),
    }
}

fn short(hash: &str) -> &str {
    &hash[..hash.len().min(12)]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Message,
    Document,
    Payload,
}

/// The messages and payloads whose bytes `content_pruned` entries say retention removed.
fn pruned_by_retention(entries: &[StoredEntry]) -> std::collections::HashSet<(Kind, String)> {
    let mut pruned = std::collections::HashSet::new();
    for e in entries.iter().filter(|e| e.action == "content_pruned") {
        let Ok(detail) = serde_json::from_str::<serde_json::Value>(&e.detail) else {
            continue;
        };
        for (kind, key) in [(Kind::Message, "messages"), (Kind::Payload, "payloads")] {
            for id in detail[key].as_array().into_iter().flatten() {
                if let Some(id) = id.as_str() {
                    pruned.insert((kind, id.to_owned()));
                }
            }
        }
    }
    pruned
}

/// The digests an entry chains, with the ids of what they cover.
fn chained_digests(e: &StoredEntry) -> Vec<(Kind, String, String)> {
    let Ok(detail) = serde_json::from_str::<serde_json::Value>(&e.detail) else {
        return Vec::new();
    };
    let text = |v: &serde_json::Value| v.as_str().map(str::to_owned);
    match e.action.as_str() {
        "message_received" => e
            .subject
            .strip_prefix("message:")
            .zip(text(&detail["digest"]))
            .map(|(id, digest)| vec![(Kind::Message, id.to_owned(), digest)])
            .unwrap_or_default(),
        "message_decoded" => detail["documents"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|d| {
                Some((
                    Kind::Document,
                    text(&d["document_id"])?,
                    text(&d["digest"])?,
                ))
            })
            .collect(),
        "rendered" => e
            .subject
            .strip_prefix("outbox:")
            .zip(text(&detail["digest"]))
            .map(|(id, digest)| vec![(Kind::Payload, id.to_owned(), digest)])
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(n: usize) -> Vec<StoredEntry> {
        let mut prev = chain::GENESIS.to_owned();
        (0..n)
            .map(|i| {
                let detail = format!("{{\"digest\":\"d{i}\"}}");
                let subject = format!("message:m{i}");
                let hash = chain::entry_hash(
                    &prev,
                    i as i64,
                    "erp",
                    "message_received",
                    &subject,
                    &detail,
                );
                let entry = StoredEntry {
                    seq: i as i64 + 1,
                    at: i as i64,
                    actor: "erp".into(),
                    action: "message_received".into(),
                    subject,
                    detail,
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                entry
            })
            .collect()
    }

    fn stored(n: usize) -> StoredDigests {
        StoredDigests {
            messages: (0..n).map(|i| (format!("m{i}"), format!("d{i}"))).collect(),
            ..StoredDigests::default()
        }
    }

    fn anchored(log: &[StoredEntry]) -> AnchorState {
        let head = log.last().unwrap();
        AnchorState::Found(Anchor {
            seq: head.seq,
            hash: head.hash.clone(),
        })
    }

    #[test]
    fn an_untouched_anchored_log_verifies() {
        let log = log(5);
        let verdict = verify(&log, &anchored(&log), &stored(5));
        assert!(verdict.intact(), "{verdict:?}");
        assert_eq!(verdict.digests_checked, 5);
    }

    #[test]
    fn a_trimmed_end_is_named_at_the_first_missing_entry() {
        let full = log(8);
        let anchor = anchored(&full);
        let verdict = verify(&full[..3], &anchor, &stored(8));
        assert_eq!(verdict.first_break.unwrap().seq, 4);
    }

    #[test]
    fn a_changed_detail_text_is_caught_even_when_it_parses_the_same() {
        let mut log = log(4);
        log[1].detail = "{ \"digest\": \"d1\" }".into();
        let verdict = verify(&log, &anchored(&log), &stored(4));
        assert_eq!(verdict.first_break.unwrap().seq, 2);
    }

    #[test]
    fn a_changed_or_missing_stored_message_is_named_at_its_entry() {
        let log = log(4);
        let mut digests = stored(4);
        digests.messages.insert("m2".into(), "other".into());
        assert_eq!(
            verify(&log, &anchored(&log), &digests)
                .first_break
                .unwrap()
                .seq,
            3
        );
        digests.messages.remove("m1");
        assert_eq!(
            verify(&log, &anchored(&log), &digests)
                .first_break
                .unwrap()
                .seq,
            2
        );
    }

    /// `log`, then a `content_pruned` entry naming `messages`, chained after it.
    fn pruned(mut log: Vec<StoredEntry>, messages: &[&str]) -> Vec<StoredEntry> {
        let last = log.last().unwrap();
        let (seq, prev) = (last.seq + 1, last.hash.clone());
        let detail =
            serde_json::json!({"closed_before": 0, "orders": [], "messages": messages, "payloads": []})
                .to_string();
        let hash = chain::entry_hash(&prev, seq, "wharf", "content_pruned", "retention", &detail);
        log.push(StoredEntry {
            seq,
            at: seq,
            actor: "wharf".into(),
            action: "content_pruned".into(),
            subject: "retention".into(),
            detail,
            prev_hash: prev,
            hash,
        });
        log
    }

    #[test]
    fn bytes_retention_removed_are_counted_as_pruned_and_no_others() {
        let log = pruned(log(4), &["m1", "m2"]);
        let mut digests = stored(4);
        digests.messages.remove("m1");
        digests.messages.remove("m2");
        let verdict = verify(&log, &anchored(&log), &digests);
        assert!(verdict.intact(), "{verdict:?}");
        assert_eq!((verdict.digests_checked, verdict.digests_pruned), (2, 2));

        // A message the pruning entry does not name is still missing.
        digests.messages.remove("m3");
        let verdict = verify(&log, &anchored(&log), &digests);
        let broken = verdict.first_break.unwrap();
        assert_eq!(broken.seq, 4);
        assert!(broken.reason.contains("message m3"), "{}", broken.reason);
    }

    #[test]
    fn a_missing_anchor_is_a_break() {
        let log = log(2);
        assert!(!verify(&log, &AnchorState::Missing, &stored(2)).intact());
        assert!(verify(&[], &AnchorState::Missing, &stored(0)).intact());
        assert!(verify(&log, &AnchorState::NotKept, &stored(2)).intact());
    }
}
