//! `wharf audit verify`: checks the audit trail where it is stored — the hash chain, its
//! anchored head and every stored byte the chain has a digest of — and names the first broken
//! entry. Reads the database and the anchor directly, so it works with the host stopped, and
//! needs none of the partners' secrets.

use std::path::{Path, PathBuf};

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
    },
}

/// Runs `action`; `Ok(false)` when the trail is broken.
pub async fn run(action: AuditAction) -> anyhow::Result<bool> {
    let AuditAction::Verify {
        config,
        database_url: url,
    } = action;
    let (mut database_url, anchor) = Settings::storage(&config)?;
    if let Some(url) = url.filter(|url| !url.is_empty()) {
        database_url = url;
    }
    verify(&database_url, &anchor).await
}

/// Verifies the trail in `database_url`, anchored in `anchor`, and prints the verdict.
pub async fn verify(database_url: &str, anchor: &Path) -> anyhow::Result<bool> {
    let store = Store::open(database_url)
        .await
        .with_context(|| format!("cannot open {}", redacted(database_url)))?;
    let verdict = store.verify_audit(Some(anchor)).await?;
    store.close().await;
    match &verdict.first_break {
        None => {
            println!(
                "intact: {} entries, head {} anchored at {}, {} stored digests match",
                verdict.entries,
                verdict.head.unwrap_or(0),
                verdict
                    .anchored
                    .map_or_else(|| "nothing".to_owned(), |seq| seq.to_string()),
                verdict.digests_checked
            );
            Ok(true)
        }
        Some(broken) => {
            println!("BROKEN at audit entry {}: {}", broken.seq, broken.reason);
            Ok(false)
        }
    }
}
