//! The audit trail: typed [`AuditEvent`]s with one way in ([`crate::store::Store`] appends
//! them inside the transaction of the change they record), chained by SHA-256 so that any
//! edit or deletion of an entry breaks every hash after it ([`chain`]).

pub mod chain;

use serde::Serialize;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    MessageReceived,
    MessageDecoded,
    MessageFailed,
    OrderTransition,
    DocumentRouted,
    RouteSkipped,
    DeliveryAttempted,
    Delivered,
    DeadLettered,
    Replayed,
    AdapterInstalled,
    AdapterRemoved,
    AccessDenied,
}

impl AuditAction {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::MessageReceived => "message_received",
            AuditAction::MessageDecoded => "message_decoded",
            AuditAction::MessageFailed => "message_failed",
            AuditAction::OrderTransition => "order_transition",
            AuditAction::DocumentRouted => "document_routed",
            AuditAction::RouteSkipped => "route_skipped",
            AuditAction::DeliveryAttempted => "delivery_attempted",
            AuditAction::Delivered => "delivered",
            AuditAction::DeadLettered => "dead_lettered",
            AuditAction::Replayed => "replayed",
            AuditAction::AdapterInstalled => "adapter_installed",
            AuditAction::AdapterRemoved => "adapter_removed",
            AuditAction::AccessDenied => "access_denied",
        }
    }
}

/// One audited fact: who did what to which subject, with details.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEvent {
    /// A partner id, `operator`, or `wharf` for the host itself.
    pub actor: String,
    pub action: AuditAction,
    /// What the event is about: `message:<id>`, `order:<po>`, `outbox:<id>`, `adapter:<id@v>`.
    pub subject: String,
    pub detail: serde_json::Value,
}

impl AuditEvent {
    pub fn new(
        actor: impl Into<String>,
        action: AuditAction,
        subject: impl Into<String>,
        detail: serde_json::Value,
    ) -> Self {
        AuditEvent {
            actor: actor.into(),
            action,
            subject: subject.into(),
            detail,
        }
    }
}

/// An entry as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: serde_json::Value,
    pub prev_hash: String,
    pub hash: String,
}
