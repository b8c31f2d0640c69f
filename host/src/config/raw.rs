//! `wharf.toml` as written: every field documented, unknown fields refused.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::sandbox::Limits;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    #[serde(default)]
    pub server: RawServer,
    #[serde(default)]
    pub delivery: RawDelivery,
    /// Limits every adapter runs under unless `adapter_limits` names it.
    #[serde(default)]
    pub limits: Limits,
    /// Limits for particular adapter ids, e.g. `[adapter_limits.x12]`.
    #[serde(default)]
    pub adapter_limits: BTreeMap<String, Limits>,
    #[serde(default)]
    pub partners: Vec<RawPartner>,
    #[serde(default)]
    pub agreements: Vec<RawAgreement>,
    #[serde(default)]
    pub routes: Vec<RawRoute>,
    /// Cross-reference tables adapters may look up: `[xref.parts] "A-100" = "MAT-100"`.
    #[serde(default)]
    pub xref: BTreeMap<String, BTreeMap<String, String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawServer {
    /// Address the HTTP API listens on.
    pub listen: String,
    /// Folder for the embedded database and the compiled adapter cache.
    pub data_dir: String,
    /// Database URL; empty means SQLite at `<data_dir>/wharf.db`.
    pub database_url: String,
    /// Folder adapters are loaded from at start and installed into.
    pub adapters_dir: String,
    /// Largest request body accepted, in KiB.
    pub max_body_kib: usize,
    /// Environment variable holding the operator token for the admin API.
    pub admin_token_env: String,
}

impl Default for RawServer {
    fn default() -> Self {
        RawServer {
            listen: "127.0.0.1:7070".into(),
            data_dir: "wharf-data".into(),
            database_url: String::new(),
            adapters_dir: "adapters".into(),
            max_body_kib: 1024,
            admin_token_env: "WHARF_ADMIN_TOKEN".into(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawDelivery {
    /// Attempts before an entry is dead-lettered.
    pub max_attempts: u32,
    /// Delay before the first retry; each retry doubles it, with jitter.
    pub initial_backoff_ms: u64,
    /// Ceiling on the delay between attempts.
    pub max_backoff_ms: u64,
    /// Time one delivery attempt may take.
    pub timeout_ms: u64,
    /// How often workers look for due entries when nothing wakes them.
    pub poll_interval_ms: u64,
}

impl Default for RawDelivery {
    fn default() -> Self {
        RawDelivery {
            max_attempts: 8,
            initial_backoff_ms: 1_000,
            max_backoff_ms: 300_000,
            timeout_ms: 10_000,
            poll_interval_ms: 500,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPartner {
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// Environment variables each holding one of the partner's API keys.
    #[serde(default)]
    pub api_key_envs: Vec<String>,
    /// SHA-256 hashes (hex) of API keys, for keys kept outside this host.
    #[serde(default)]
    pub api_key_sha256: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// The partner sends; the adapter decodes.
    Inbound,
    /// Wharf sends; the adapter encodes and the endpoint receives.
    Outbound,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAgreement {
    pub id: String,
    pub partner: String,
    pub direction: Direction,
    /// `id` (newest installed) or `id@version`.
    pub adapter: String,
    /// URL outbound documents are POSTed to.
    #[serde(default)]
    pub endpoint: Option<String>,
    /// Document types carried, e.g. `["purchase_order"]`; empty means any.
    #[serde(default)]
    pub doc_types: Vec<String>,
    /// Settings handed to the adapter through its `config` import. Never secrets.
    #[serde(default)]
    pub config: BTreeMap<String, String>,
    /// `production` (default) or `test`. Test documents are only routed to test agreements.
    #[serde(default)]
    pub mode: Mode,
    /// Environment variable holding the secret the partner's documents must carry in their
    /// own envelope (cXML `SharedSecret`). Checked before the message is accepted.
    #[serde(default)]
    pub shared_secret_env: Option<String>,
    /// For inbound agreements: the outbound agreement functional acknowledgments (997, CONTRL,
    /// cXML Status) of what arrives here are delivered through. Absent: none are sent.
    #[serde(default)]
    pub acknowledge_to: Option<String>,
}

/// Whether an agreement carries production or test traffic.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    #[default]
    Production,
    Test,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRoute {
    pub doc_type: String,
    /// Partner the document came from; absent means any partner.
    #[serde(default)]
    pub from: Option<String>,
    /// Outbound agreement the document is delivered through.
    pub to: String,
}
