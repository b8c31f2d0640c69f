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
    pub edge: RawEdge,
    #[serde(default)]
    pub processing: RawProcessing,
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
    /// Which team owns which exceptions.
    #[serde(default)]
    pub exceptions: RawExceptions,
    /// The three-way match and delivery tolerances.
    #[serde(default)]
    pub matching: RawMatching,
    /// What every supplier record must meet.
    #[serde(default)]
    pub suppliers: RawSuppliers,
    /// How long the content of closed orders is kept.
    #[serde(default)]
    pub retention: RawRetention,
}

/// `[retention]`: how long closed orders keep their content.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawRetention {
    /// Days after an order is closed or cancelled (and has not moved since) that the raw bytes
    /// of the messages that carried it and the payloads delivered for it are removed. The
    /// order, its history, documents and lines stay, and so do the digests the audit log
    /// chained. Unset: kept for good.
    pub closed_order_content_days: Option<u32>,
    /// How often the retention sweep looks for such orders, in ms.
    pub sweep_ms: u64,
}

impl Default for RawRetention {
    fn default() -> Self {
        RawRetention {
            closed_order_content_days: None,
            sweep_ms: 3_600_000,
        }
    }
}

/// `[matching]`: tolerances of the three-way match and of deliveries.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawMatching {
    /// How far shipped and received quantities may exceed what is due before they are an
    /// exception, in percent (0: not at all).
    pub delivery_tolerance_percent: f64,
    /// Tolerance rules, the most specific one applying: `[[matching.tolerances]]`.
    pub tolerances: Vec<RawTolerance>,
    /// Outbound agreements that receive an invoice only once it matched (or an operator
    /// released it); others receive it as it arrives.
    pub finance_agreements: Vec<String>,
}

/// One tolerance rule of the three-way match.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawTolerance {
    /// The supplier (partner id) it applies to; every supplier when left out.
    pub supplier: Option<String>,
    /// The material group it applies to; every group when left out.
    pub material_group: Option<String>,
    /// How far, in percent, an invoice's unit price may exceed the order's.
    pub price_percent: Option<f64>,
    /// How far, in the order's currency, an invoice's unit price may exceed the order's.
    pub price_absolute: Option<f64>,
    /// How far, in percent, the invoiced quantity may exceed what was received and kept.
    pub quantity_percent: f64,
    pub on_price_breach: BreachAction,
    pub on_quantity_breach: BreachAction,
}

/// What a breach of a tolerance does to the invoice.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreachAction {
    /// Matched all the same; the variance is recorded.
    Accept,
    /// Held until an operator releases it or a later receipt closes the gap.
    #[default]
    Hold,
    /// Held until an operator releases it; a receipt does not release it.
    Block,
}

impl BreachAction {
    pub fn as_str(self) -> &'static str {
        match self {
            BreachAction::Accept => "accept",
            BreachAction::Hold => "hold",
            BreachAction::Block => "block",
        }
    }
}

/// The onboarding rules' settings: `[suppliers] required_certifications = ["ISO 9001"]`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawSuppliers {
    /// Certifications every supplier must hold, unexpired, by name (compared ignoring case):
    /// `POST /api/v1/suppliers/validate` and every supplier document are checked for them.
    pub required_certifications: Vec<String>,
}

/// Who owns exceptions: `[exceptions] owners = { duplicate = "edi-team" }`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawExceptions {
    /// The team owning each type of exception. Keys are exception types: `duplicate`,
    /// `unknown_order`, `validation`, `delivery_failed`, `rejected`, `overdue`, `mismatch`,
    /// `line_mismatch`, `over_shipment`, `over_receipt`, `quality_hold`,
    /// `supplier_compliance`, `unmatched_ack`.
    pub owners: BTreeMap<String, String>,
    /// The team owning every type `owners` does not name.
    pub default_owner: String,
    /// Where each team is notified of the exceptions it owns that need it at once (an
    /// `overdue` deadline): `webhooks = { planning = "https://…" }`. A signed webhook
    /// (`delivery.signing_secret_env`'s secret) delivered through the outbox, retried and
    /// audited like any delivery. A team without one is not notified; its exceptions are
    /// still listed.
    pub webhooks: BTreeMap<String, String>,
}

impl Default for RawExceptions {
    fn default() -> Self {
        RawExceptions {
            owners: BTreeMap::new(),
            default_owner: "operations".into(),
            webhooks: BTreeMap::new(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawServer {
    /// Address the HTTP API listens on.
    pub listen: String,
    /// Folder for the embedded database and the compiled adapter cache.
    pub data_dir: String,
    /// Database URL; empty means SQLite at `<data_dir>/wharf.db`. `postgres://…` runs on
    /// PostgreSQL, where several replicas may share the database.
    pub database_url: String,
    /// Connections the host keeps to the database; unset: 6 for SQLite, 16 for PostgreSQL.
    /// At least 2 (the writer keeps one of its own); on PostgreSQL, mind the server's
    /// `max_connections` across all replicas.
    pub database_max_connections: Option<u32>,
    /// Folder adapters are loaded from at start and installed into.
    pub adapters_dir: String,
    /// How often, in ms, the host compares its installed adapters with the ones the database
    /// records, when no other replica's announcement made it look sooner.
    pub adapters_sync_ms: u64,
    /// Largest request body accepted, in KiB.
    pub max_body_kib: usize,
    /// Environment variable holding the operator token for the admin API.
    pub admin_token_env: String,
    /// File the audit chain's head is anchored in, apart from the database, so a trimmed log
    /// is noticed; empty means `<data_dir>/audit-anchor.json`. Put it on another volume (or
    /// one only the host may write) to keep it out of reach of whoever can edit the database.
    pub audit_anchor: String,
}

impl Default for RawServer {
    fn default() -> Self {
        RawServer {
            listen: "127.0.0.1:7070".into(),
            data_dir: "wharf-data".into(),
            database_url: String::new(),
            database_max_connections: None,
            adapters_dir: "adapters".into(),
            adapters_sync_ms: 5_000,
            max_body_kib: 1024,
            admin_token_env: "WHARF_ADMIN_TOKEN".into(),
            audit_anchor: String::new(),
        }
    }
}

/// What the HTTP edge lets through before any handler runs, and what it keeps of refusals.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawEdge {
    /// Connections open at once; further ones wait in the listen backlog until one closes.
    pub max_connections: usize,
    /// Time a client has to send a request's complete header; the connection is closed
    /// after it (also while an idle keep-alive connection waits for its next request).
    pub header_timeout_ms: u64,
    /// Time a client has to send a request's complete body once its header arrived.
    pub body_timeout_ms: u64,
    /// Requests one partner may make per second, on average.
    pub partner_rate_per_s: u32,
    /// Requests one partner may make at once above that rate.
    pub partner_burst: u32,
    /// Refused requests kept per second from callers without a valid key, all together;
    /// above that they are answered but not kept.
    pub anonymous_rate_per_s: u32,
    /// Bytes of a refused request's body kept with its metadata.
    pub rejected_prefix_bytes: usize,
    /// KiB of a refused request's body read (and dropped) so the client reads its answer
    /// rather than a reset connection; a body declared larger is not read and the connection
    /// is closed.
    pub drain_max_kib: usize,
    /// Bytes all kept refusals may take together (bodies' prefixes and metadata); the oldest
    /// are dropped first.
    pub rejected_max_kib: usize,
    /// Hours a refusal is kept.
    pub rejected_retention_hours: u64,
}

impl Default for RawEdge {
    fn default() -> Self {
        RawEdge {
            max_connections: 1024,
            header_timeout_ms: 10_000,
            body_timeout_ms: 30_000,
            partner_rate_per_s: 50,
            partner_burst: 100,
            anonymous_rate_per_s: 20,
            rejected_prefix_bytes: 1024,
            drain_max_kib: 4096,
            rejected_max_kib: 10 * 1024,
            rejected_retention_hours: 72,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawProcessing {
    /// Workers claiming received messages; 0 means one per CPU core.
    pub workers: usize,
    /// Messages one worker claims at once (and processes concurrently).
    pub claim_batch: u32,
    /// How long a claim holds; a worker that dies or stalls loses its messages to another
    /// after this.
    pub lease_ms: u64,
    /// Delay before a message that met a passing fault is tried again; doubles, with jitter.
    pub retry_initial_ms: u64,
    /// Ceiling on that delay.
    pub retry_max_ms: u64,
    /// How often idle workers look for due work when nothing wakes them.
    pub poll_interval_ms: u64,
    /// How often each replica looks for overdue deadlines (functional acknowledgments, order
    /// responses); each one is found once across replicas.
    pub deadline_sweep_ms: u64,
    /// Received messages due for processing above which a new POST waits for the workers to
    /// catch up, so a flood is taken in no faster than it is processed; 0: no limit.
    pub max_backlog: u64,
    /// How long such a POST waits at most before it is refused with 503 and `Retry-After`.
    pub intake_wait_ms: u64,
}

impl Default for RawProcessing {
    fn default() -> Self {
        RawProcessing {
            workers: 0,
            claim_batch: 8,
            lease_ms: 30_000,
            retry_initial_ms: 1_000,
            retry_max_ms: 300_000,
            poll_interval_ms: 500,
            deadline_sweep_ms: 30_000,
            max_backlog: 2_000,
            intake_wait_ms: 10_000,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawDelivery {
    /// Attempts before an entry is dead-lettered; 0 means no limit by count (only
    /// `retry_for_s` ends the series).
    pub max_attempts: u32,
    /// How long after its first attempt (or its replay) an entry keeps being retried before
    /// it is dead-lettered.
    pub retry_for_s: u64,
    /// Delay before the first retry; each retry doubles it, with jitter.
    pub initial_backoff_ms: u64,
    /// Ceiling on the delay between attempts.
    pub max_backoff_ms: u64,
    /// Time one delivery attempt may take.
    pub timeout_ms: u64,
    /// How often workers look for due entries when nothing wakes them.
    pub poll_interval_ms: u64,
    /// Deliveries in flight at once, across all endpoints.
    pub max_in_flight: u32,
    /// Deliveries in flight at once to one agreement's endpoint, so one hung endpoint cannot
    /// hold every slot.
    pub max_in_flight_per_endpoint: u32,
    /// Consecutive failures that open an endpoint's circuit breaker.
    pub breaker_failures: u32,
    /// How long an open breaker keeps an endpoint untried before one probe; doubles while
    /// probes fail, up to ten times this.
    pub breaker_cooldown_ms: u64,
    /// Environment variable holding the Standard Webhooks signing secret for agreements that
    /// name none of their own.
    pub signing_secret_env: String,
}

impl Default for RawDelivery {
    fn default() -> Self {
        RawDelivery {
            max_attempts: 0,
            retry_for_s: 24 * 60 * 60,
            initial_backoff_ms: 1_000,
            max_backoff_ms: 3_600_000,
            timeout_ms: 10_000,
            poll_interval_ms: 500,
            max_in_flight: 64,
            max_in_flight_per_endpoint: 4,
            breaker_failures: 5,
            breaker_cooldown_ms: 10_000,
            signing_secret_env: "WHARF_SIGNING_SECRET".into(),
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
    /// This partner's requests per second, instead of `edge.partner_rate_per_s`.
    #[serde(default)]
    pub rate_per_s: Option<u32>,
    /// This partner's burst, instead of `edge.partner_burst`.
    #[serde(default)]
    pub burst: Option<u32>,
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
    /// For outbound agreements: environment variables holding the Standard Webhooks secrets
    /// deliveries are signed with (`whsec_…` base64, or any text). Every secret listed signs,
    /// so during a rotation the new and the old one are both accepted; drop the old one to
    /// retire it. Absent: `delivery.signing_secret_env`.
    #[serde(default)]
    pub signing_secret_envs: Vec<String>,
    /// For inbound agreements: what happens to an order change, ship notice, receipt, invoice
    /// or quality notification naming a PO number the sender has no order under in Wharf.
    /// `refuse` (default): the message fails with `order.unknown`, exactly as it would for
    /// another buyer's order. `route`: it is routed attached to no order, for flows whose
    /// purchase orders do not pass through Wharf.
    #[serde(default)]
    pub unknown_orders: UnknownOrders,
    /// For outbound X12/EDIFACT agreements: minutes the partner has to answer each delivered
    /// interchange with a functional acknowledgment (997, CONTRL). Past it, an `overdue`
    /// exception for its owning team. Absent: none is expected.
    #[serde(default)]
    pub functional_ack_within_minutes: Option<u32>,
    /// For outbound agreements carrying purchase orders: hours the partner has to answer a
    /// delivered purchase order with an order response. Past it, an `overdue` exception.
    /// Absent: none is expected.
    #[serde(default)]
    pub order_response_within_hours: Option<u32>,
}

/// What an inbound agreement does with later documents naming orders Wharf does not hold for
/// their sender.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnknownOrders {
    #[default]
    Refuse,
    Route,
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
