//! Configuration: `wharf.toml` is parsed strictly ([`raw`]), then resolved into [`Settings`]
//! ([`resolve`]): paths made absolute, references between partners, agreements and routes
//! checked, secrets read from the environment and hashed. Nothing starts on a config that does
//! not resolve.

pub mod matching;
mod owners;
pub mod raw;
mod resolve;
mod secret;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use crate::model::DocType;
use crate::sandbox::{Limits, XrefTables};

pub use raw::{Direction, Mode, RawConfig, UnknownOrders};
pub use resolve::{ConfigError, Environment, SecretSource};
pub use secret::ApiKeyHash;

/// Settings the host runs on, all checked.
#[derive(Debug, Clone)]
pub struct Settings {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: String,
    /// Connections in the store's pool; `None`: the backend's default.
    pub database_max_connections: Option<u32>,
    pub adapters_dir: PathBuf,
    /// How often the registry is compared with the adapters the database records.
    pub adapters_sync: std::time::Duration,
    pub max_body_bytes: usize,
    /// SHA-256 of the operator token; `None` disables the admin API.
    pub admin_token: Option<ApiKeyHash>,
    pub edge: EdgeSettings,
    /// Where the audit chain's head is anchored, apart from the database.
    pub audit_anchor: PathBuf,
    pub processing: ProcessingSettings,
    pub delivery: DeliverySettings,
    pub default_limits: Limits,
    pub adapter_limits: BTreeMap<String, Limits>,
    pub partners: BTreeMap<String, Partner>,
    pub agreements: BTreeMap<String, Arc<Agreement>>,
    pub routes: Vec<Route>,
    pub xref: Arc<XrefTables>,
    pub exceptions: ExceptionOwners,
    pub matching: matching::MatchSettings,
    /// What every supplier record must meet (`[suppliers]`).
    pub suppliers: crate::suppliers::SupplierRules,
    pub retention: RetentionSettings,
}

/// How long closed orders keep their content (`[retention]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionSettings {
    /// How long after an order is closed or cancelled its raw bytes and delivered payloads
    /// are removed; `None`: kept for good.
    pub closed_order_content_ms: Option<i64>,
    /// How often the sweep looks.
    pub sweep_ms: u64,
}

/// Which team owns each type of exception (see [`raw::RawExceptions`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExceptionOwners {
    pub owners: BTreeMap<crate::model::ExceptionKind, String>,
    pub default_owner: String,
    /// Each team's notification endpoint.
    pub webhooks: BTreeMap<String, String>,
    /// What notifications are signed with (the default delivery secret).
    pub signing_secrets: Vec<SigningSecret>,
}

impl ExceptionOwners {
    /// The team that owns exceptions of `kind`.
    pub fn owner(&self, kind: crate::model::ExceptionKind) -> &str {
        self.owners.get(&kind).unwrap_or(&self.default_owner)
    }
}

impl Default for ExceptionOwners {
    fn default() -> Self {
        ExceptionOwners {
            owners: BTreeMap::new(),
            default_owner: "operations".into(),
            webhooks: BTreeMap::new(),
            signing_secrets: Vec::new(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Partner {
    pub id: String,
    pub name: String,
    pub api_keys: Vec<ApiKeyHash>,
    /// Requests per second and burst this partner may make.
    pub rate: Rate,
}

/// A request rate: `per_s` on average, `burst` at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub per_s: u32,
    pub burst: u32,
}

/// The HTTP edge's limits (see [`raw::RawEdge`] for each field).
#[derive(Debug, Clone, Copy)]
pub struct EdgeSettings {
    pub max_connections: usize,
    pub header_timeout: std::time::Duration,
    pub body_timeout: std::time::Duration,
    pub anonymous_rate_per_s: u32,
    pub rejected_prefix_bytes: usize,
    pub drain_max_bytes: u64,
    pub rejected_max_bytes: i64,
    pub rejected_retention_ms: i64,
}

#[derive(Debug, Clone)]
pub struct Agreement {
    pub id: String,
    pub partner: String,
    pub direction: Direction,
    /// `id` or `id@version` of the adapter.
    pub adapter: String,
    /// Where outbound documents are delivered.
    pub endpoint: Option<String>,
    /// Document types this agreement carries; empty means any the adapter handles.
    pub doc_types: Vec<DocType>,
    pub config: Arc<BTreeMap<String, String>>,
    pub mode: Mode,
    /// Hash of the secret inbound documents must present in their envelope.
    pub shared_secret: Option<ApiKeyHash>,
    /// Outbound agreement that carries functional acknowledgments of this inbound one.
    pub acknowledge_to: Option<String>,
    /// Secrets outbound deliveries are signed with (Standard Webhooks), newest first.
    pub signing_secrets: Vec<SigningSecret>,
    /// What later documents naming an order unknown to their sender do.
    pub unknown_orders: UnknownOrders,
    /// What the partner owes back after a delivery, and within how long.
    pub deadlines: AgreementDeadlines,
}

/// An outbound agreement's deadlines (see [`raw::RawAgreement`]); `None`: nothing expected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AgreementDeadlines {
    pub functional_ack_ms: Option<i64>,
    pub order_response_ms: Option<i64>,
}

/// A Standard Webhooks signing secret's key bytes. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningSecret(pub Vec<u8>);

impl std::fmt::Debug for SigningSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningSecret(..)")
    }
}

impl SigningSecret {
    /// Reads a secret as Standard Webhooks writes one (`whsec_` and base64), or takes other
    /// text as the key bytes themselves.
    pub fn parse(text: &str) -> Result<Self, String> {
        use base64::Engine as _;
        match text.strip_prefix("whsec_") {
            Some(encoded) => base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .map(SigningSecret)
                .map_err(|e| format!("a whsec_ secret must be base64: {e}")),
            None if text.len() < 16 => Err("a signing secret needs at least 16 characters".into()),
            None => Ok(SigningSecret(text.as_bytes().to_vec())),
        }
    }
}

impl Agreement {
    /// The scope an adapter call for this agreement runs in.
    pub fn call_scope(
        &self,
        correlation_id: &str,
        xref: &Arc<XrefTables>,
    ) -> crate::sandbox::CallScope {
        crate::sandbox::CallScope {
            agreement: self.id.clone(),
            partner: self.partner.clone(),
            correlation_id: correlation_id.to_owned(),
            config: self.config.clone(),
            xref: xref.clone(),
        }
    }

    /// An agreement with only an id and a partner, for tests and tools that need one.
    pub fn bare(id: &str, partner: &str, direction: Direction, adapter: &str) -> Self {
        Agreement {
            id: id.to_owned(),
            partner: partner.to_owned(),
            direction,
            adapter: adapter.to_owned(),
            endpoint: None,
            doc_types: Vec::new(),
            config: Arc::default(),
            mode: Mode::Production,
            shared_secret: None,
            acknowledge_to: None,
            signing_secrets: Vec::new(),
            unknown_orders: UnknownOrders::default(),
            deadlines: AgreementDeadlines::default(),
        }
    }
}

/// Documents of `doc_type` from `from` (any partner when `None`) go out through agreement `to`.
#[derive(Debug, Clone)]
pub struct Route {
    pub doc_type: DocType,
    pub from: Option<String>,
    pub to: String,
}

#[derive(Debug, Clone, Copy)]
pub struct ProcessingSettings {
    pub workers: usize,
    pub claim_batch: u32,
    pub lease_ms: u64,
    pub retry_initial_ms: u64,
    pub retry_max_ms: u64,
    pub poll_interval_ms: u64,
    pub deadline_sweep_ms: u64,
    /// 0: no limit ([`crate::engine::intake`]).
    pub max_backlog: u64,
    pub intake_wait_ms: u64,
}

#[derive(Debug, Clone, Copy)]
pub struct DeliverySettings {
    /// 0: no limit by count.
    pub max_attempts: u32,
    pub retry_for_ms: u64,
    pub initial_backoff_ms: u64,
    pub max_backoff_ms: u64,
    pub timeout_ms: u64,
    pub poll_interval_ms: u64,
    pub max_in_flight: u32,
    pub max_in_flight_per_endpoint: u32,
    pub breaker_failures: u32,
    pub breaker_cooldown_ms: u64,
}

impl Settings {
    /// Reads, parses and resolves a config file; relative paths are taken from its folder.
    pub fn load(path: &std::path::Path, secrets: &dyn SecretSource) -> Result<Self, ConfigError> {
        let (raw, base) = read_raw(path)?;
        resolve::resolve(raw, &base, secrets)
    }

    /// The database URL and the audit anchor's path a config file names, without resolving
    /// the rest (so no secrets are needed): for tools that read the store directly.
    pub fn storage(path: &std::path::Path) -> Result<(String, PathBuf), ConfigError> {
        let (raw, base) = read_raw(path)?;
        Ok(resolve::storage(&raw, &base))
    }

    /// Resolves already parsed configuration (tests and the demo build it in code).
    pub fn from_raw(
        raw: RawConfig,
        base: &std::path::Path,
        secrets: &dyn SecretSource,
    ) -> Result<Self, ConfigError> {
        resolve::resolve(raw, base, secrets)
    }

    /// The outbound agreements documents of `doc_type` from `partner` are routed to, whatever
    /// their mode; the engine keeps test documents away from production agreements.
    pub fn destinations(&self, doc_type: DocType, partner: &str) -> Vec<Arc<Agreement>> {
        self.routes
            .iter()
            .filter(|r| r.doc_type == doc_type && r.from.as_deref().is_none_or(|f| f == partner))
            .filter_map(|r| self.agreements.get(&r.to).cloned())
            .collect()
    }
}

/// A config file parsed but not resolved, and the folder its relative paths start from.
fn read_raw(path: &std::path::Path) -> Result<(RawConfig, PathBuf), ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError::Read(format!("{}: {e}", path.display())))?;
    let raw: RawConfig = toml::from_str(&text)
        .map_err(|e| ConfigError::Parse(format!("{}: {e}", path.display())))?;
    let base = path
        .parent()
        .map(|p| p.to_path_buf())
        .unwrap_or_else(|| PathBuf::from("."));
    Ok((raw, base))
}
