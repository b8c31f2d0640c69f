//! `wharf audit verify`: checks the audit trail where it is stored — the hash chain, its
//! anchored head and every stored byte the chain has a digest of — and names the first broken
//! entry. Reads the database and the anchor directly, so it works with the host stopped, and
//! needs none of the partners' secrets. Replicas that each anchor the one chain in a file of
//! their own have every file checked: `--anchor` once per file.

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;

use crate::config::Settings;
use crate::store::{Store, redacted};

#[derive(Debug, Subcommand)]
pub enum AuditAction {
    /// Verify the chain, its anchored head and the stored payloads it covers. Exits with 1
    /// when something is broken, naming the first broken entry.
    Verify {
        /// The host's configuration file (for the database and the anchor's place).
        #[arg(long, default_value = "wharf.toml")]
        config: PathBuf,
        /// The database, in place of the file's `server.database_url` (as for `wharf serve`).
        #[arg(long, env = "WHARF_DATABASE_URL")]
        database_url: Option<String>,
        /// An anchor file to hold the chain to, in place of the file's `server.audit_anchor`;
        /// repeat it for replicas that keep one each. The chain is intact only if it matches
        /// every one.
        #[arg(long = "anchor", value_name = "FILE")]
        anchors: Vec<PathBuf>,
    },
}

/// Runs `action`; `Ok(false)` when the trail is broken.
pub async fn run(action: AuditAction) -> anyhow::Result<bool> {
    let AuditAction::Verify {
        config,
        database_url: url,
        mut anchors,
    } = action;
    let (mut database_url, anchor) = Settings::storage(&config)?;
    if let Some(url) = url.filter(|url| !url.is_empty()) {
        database_url = url;
    }
    if anchors.is_empty() {
        anchors.push(anchor);
    }
    verify(&database_url, &anchors).await
}

/// Verifies the trail in `database_url` against each anchor in `anchors`, and prints the
/// verdicts (each prefixed with its anchor's path when there are several). True when every
/// one is intact.
pub async fn verify(database_url: &str, anchors: &[PathBuf]) -> anyhow::Result<bool> {
    let store = Store::open(database_url)
        .await
        .with_context(|| format!("cannot open {}", redacted(database_url)))?;
    let mut intact = true;
    for anchor in anchors {
        let verdict = store.verify_audit(Some(anchor)).await;
        let verdict = match verdict {
            Ok(verdict) => verdict,
            Err(e) => {
                store.close().await;
                return Err(e.into());
            }
        };
        let prefix = match anchors.len() {
            1 => String::new(),
            _ => format!("{}: ", anchor.display()),
        };
        match &verdict.first_break {
            None => println!(
                "{prefix}intact: {} entries, head {} anchored at {}, {} stored digests match{}",
                verdict.entries,
                verdict.head.unwrap_or(0),
                verdict
                    .anchored
                    .map_or_else(|| "nothing".to_owned(), |seq| seq.to_string()),
                verdict.digests_checked,
                match verdict.digests_pruned {
                    0 => String::new(),
                    n => format!(" ({n} more removed by retention)"),
                }
            ),
            Some(broken) => {
                intact = false;
                println!(
                    "{prefix}BROKEN at audit entry {}: {}",
                    broken.seq, broken.reason
                );
            }
        }
    }
    store.close().await;
    Ok(intact)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::AuditEvent;
    use crate::audit::anchor::{self, Anchor};

    fn event(n: u32) -> AuditEvent {
        AuditEvent::AdapterRemoved {
            reference: format!("csv@1.0.{n}"),
            digest: "0".repeat(64),
        }
    }

    /// Two replicas anchoring one chain in files of their own: each file is checked, and one
    /// that does not match the chain breaks the verdict however many others do.
    #[tokio::test]
    async fn every_replicas_anchor_is_checked() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("w.db").display());
        let newest = dir.path().join("replica-1.json");
        let store = Store::open_anchored(&url, &newest).await.unwrap();
        store.audit(event(1)).await.unwrap();
        store.audit(event(2)).await.unwrap();
        // A replica that anchored entry 2 and wrote nothing since: behind, and still true.
        let behind = dir.path().join("replica-2.json");
        std::fs::copy(&newest, &behind).unwrap();
        store.audit(event(3)).await.unwrap();
        store.close().await;
        assert_eq!(anchor::read(&newest).unwrap().unwrap().seq, 3);

        assert!(
            verify(&url, &[newest.clone(), behind.clone()])
                .await
                .unwrap()
        );

        let forged = dir.path().join("replica-3.json");
        let head = anchor::read(&newest).unwrap().unwrap();
        anchor::write(
            &forged,
            &Anchor {
                seq: head.seq,
                hash: "f".repeat(64),
            },
        )
        .unwrap();
        assert!(
            !verify(&url, &[newest.clone(), forged.clone(), behind])
                .await
                .unwrap()
        );
        assert!(
            !verify(&url, &[dir.path().join("missing.json")])
                .await
                .unwrap()
        );
    }
}
