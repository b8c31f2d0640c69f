//! The audit trail: typed [`AuditEvent`]s, built by the engine, delivery and the API and
//! written by one path (the store appends them inside the transaction of the change they
//! record), chained by SHA-256 so that any edit or deletion of an entry breaks every hash
//! after it ([`chain`]).
//!
//! An event is stored as `(actor, action, subject, detail)`; [`AuditEvent::record`] is the one
//! place that turns a variant into that form, so the names an operator greps for never drift.

pub mod anchor;
pub mod chain;
pub mod verify;

use serde::Serialize;
use serde_json::{Value, json};

use crate::model::OrderKey;

/// Who acted: a partner id, the operator, or the host itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    Wharf,
    Operator,
    Partner(String),
    Anonymous,
}

impl Actor {
    pub fn as_str(&self) -> &str {
        match self {
            Actor::Wharf => "wharf",
            Actor::Operator => "operator",
            Actor::Partner(id) => id,
            Actor::Anonymous => "anonymous",
        }
    }
}

/// One audited fact.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum AuditEvent {
    MessageReceived {
        message_id: String,
        partner: String,
        agreement: String,
        digest: String,
        size_bytes: usize,
        idempotency_key: Option<String>,
        resubmission_of: Option<String>,
    },
    MessageDecoded {
        message_id: String,
        adapter: String,
        documents: Value,
        warnings: Vec<String>,
        rejected: Vec<Value>,
    },
    /// The document's own fault: the message is failed until someone reprocesses it.
    MessageFailed {
        message_id: String,
        error: Value,
    },
    /// A passing fault (store busy, adapter missing, host overloaded): tried again later.
    MessageRequeued {
        message_id: String,
        fault: String,
        next_attempt_at: i64,
    },
    MessageReprocessed {
        message_id: String,
        actor: Actor,
        reason: Option<String>,
    },
    /// A step of the order's life after its acknowledgment: lines moved
    /// (`lines_moved`, with each line's state after), an invoice matched (`invoice_matched`),
    /// a held line cleared (`match_cleared`), a quality hold placed or released
    /// (`quality_hold_placed`, `quality_hold_released`).
    WorkflowStep {
        step: &'static str,
        order: Option<OrderKey>,
        actor: Actor,
        message_id: Option<String>,
        document_id: Option<String>,
        detail: Value,
    },
    OrderTransition {
        order: OrderKey,
        actor: Actor,
        from: Option<String>,
        to: String,
        message_id: Option<String>,
        document_id: Option<String>,
    },
    DocumentRouted {
        message_id: String,
        document_id: Option<String>,
        doc_type: String,
        agreement: String,
        partner: String,
        outbox_id: String,
        /// Filled in by the store with the number it allocated in the same transaction.
        control_number: Option<String>,
    },
    RouteSkipped {
        message_id: String,
        document_id: String,
        agreement: String,
        reason: String,
    },
    Rendered {
        outbox_id: String,
        adapter: String,
        bytes: usize,
        digest: String,
    },
    DeliveryAttempted {
        outbox_id: String,
        attempt: i64,
        status_code: Option<u16>,
        error: Option<String>,
        next_attempt_at: Option<i64>,
    },
    Delivered {
        outbox_id: String,
        message_id: String,
        agreement: String,
        doc_type: String,
        order: Option<OrderKey>,
        attempt: i64,
        status_code: Option<u16>,
        duration_ms: i64,
        payload_digest: String,
    },
    DeadLettered {
        outbox_id: String,
        message_id: String,
        agreement: String,
        attempts: i64,
        last_error: Option<String>,
    },
    Replayed {
        outbox_id: String,
        actor: Actor,
    },
    AdapterInstalled {
        reference: String,
        digest: String,
        size_bytes: usize,
        contract: String,
    },
    AdapterRemoved {
        reference: String,
        digest: String,
    },
    /// Something needs a team's attention ([`crate::model::exception`]).
    ExceptionRaised {
        exception_id: String,
        kind: String,
        owner: String,
        partner: String,
        message_id: String,
        related_message_id: Option<String>,
        explanation: String,
    },
    /// Someone acted on an exception.
    ExceptionActed {
        exception_id: String,
        actor: Actor,
        action: String,
        from: String,
        to: String,
        reason: Option<String>,
    },
    /// A functional acknowledgment (997, CONTRL) matched to the delivery it answers.
    AckReconciled {
        outbox_id: String,
        /// The message that carried the acknowledgment.
        message_id: String,
        agreement: String,
        /// `accepted` or `rejected`.
        verdict: String,
        interchange_control: Option<String>,
        group_control: Option<String>,
    },
    /// A delivery set a deadline for what its partner owes back ([`crate::engine::deadlines`]).
    DeadlineSet {
        deadline_id: String,
        kind: String,
        outbox_id: String,
        agreement: String,
        order: Option<OrderKey>,
        due_at: i64,
    },
    /// What a deadline waited for came, from this message.
    DeadlineMet {
        deadline_id: String,
        kind: String,
        message_id: String,
    },
    /// A pending deadline another took the place of (a supplier's renewed certificate).
    DeadlineReplaced {
        deadline_id: String,
        kind: String,
        message_id: String,
    },
    /// A pending deadline that no longer applies: the order it waited on an answer to was
    /// refused in transmission (a rejecting 997/999/CONTRL), so no answer is owed until it is
    /// sent again, which sets a deadline of its own.
    DeadlineWithdrawn {
        deadline_id: String,
        kind: String,
        message_id: String,
    },
    /// A deadline passed without what it waited for: an `overdue` exception, and the owning
    /// team's notification when it has a webhook.
    DeadlineMissed {
        deadline_id: String,
        kind: String,
        exception_id: String,
        owner: String,
        /// The outbox entry notifying the team, if any.
        notification: Option<String>,
    },
    AccessDenied {
        request_id: String,
        partner: Option<String>,
        path: String,
        status: u16,
        reason: String,
        size_bytes: usize,
    },
    /// Retention removed the raw bytes of `messages` and the delivered payloads of `payloads`
    /// (outbox entries), all of orders closed or cancelled before `closed_before` (ms since
    /// the epoch). Their digests stay in the entries that chained them; verification takes
    /// this entry as the reason they are gone.
    ContentPruned {
        closed_before: i64,
        /// `buyer/po_number` of each order.
        orders: Vec<String>,
        messages: Vec<String>,
        payloads: Vec<String>,
    },
}

/// An event as the log stores it.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    pub actor: String,
    pub action: &'static str,
    pub subject: String,
    pub detail: Value,
}

impl AuditEvent {
    /// The stored form of the event.
    pub fn record(&self) -> AuditRecord {
        let wharf = || Actor::Wharf.as_str().to_owned();
        let (actor, action, subject, detail) = match self {
            AuditEvent::MessageReceived {
                message_id,
                partner,
                agreement,
                digest,
                size_bytes,
                idempotency_key,
                resubmission_of,
            } => (
                partner.clone(),
                "message_received",
                format!("message:{message_id}"),
                json!({"agreement": agreement, "digest": digest, "size_bytes": size_bytes,
                    "idempotency_key": idempotency_key, "resubmission_of": resubmission_of}),
            ),
            AuditEvent::MessageDecoded {
                message_id,
                adapter,
                documents,
                warnings,
                rejected,
            } => (
                wharf(),
                "message_decoded",
                format!("message:{message_id}"),
                json!({"adapter": adapter, "documents": documents, "warnings": warnings,
                    "rejected": rejected}),
            ),
            AuditEvent::MessageFailed { message_id, error } => (
                wharf(),
                "message_failed",
                format!("message:{message_id}"),
                error.clone(),
            ),
            AuditEvent::MessageRequeued {
                message_id,
                fault,
                next_attempt_at,
            } => (
                wharf(),
                "message_requeued",
                format!("message:{message_id}"),
                json!({"fault": fault, "next_attempt_at": next_attempt_at}),
            ),
            AuditEvent::MessageReprocessed {
                message_id,
                actor,
                reason,
            } => (
                actor.as_str().to_owned(),
                "message_reprocessed",
                format!("message:{message_id}"),
                json!({"reason": reason}),
            ),
            AuditEvent::WorkflowStep {
                step,
                order,
                actor,
                message_id,
                document_id,
                detail,
            } => (
                actor.as_str().to_owned(),
                *step,
                match order {
                    Some(order) => format!("order:{}/{}", order.buyer, order.po_number),
                    None => format!("message:{}", message_id.as_deref().unwrap_or("")),
                },
                json!({"buyer": order.as_ref().map(|o| &o.buyer),
                    "po_number": order.as_ref().map(|o| &o.po_number),
                    "message_id": message_id, "document_id": document_id, "detail": detail}),
            ),
            AuditEvent::OrderTransition {
                order,
                actor,
                from,
                to,
                message_id,
                document_id,
            } => (
                actor.as_str().to_owned(),
                "order_transition",
                format!("order:{}/{}", order.buyer, order.po_number),
                json!({"buyer": order.buyer, "po_number": order.po_number, "from": from,
                    "to": to, "message_id": message_id, "document_id": document_id}),
            ),
            AuditEvent::DocumentRouted {
                message_id,
                document_id,
                doc_type,
                agreement,
                partner,
                outbox_id,
                control_number,
            } => (
                wharf(),
                "document_routed",
                format!("message:{message_id}"),
                json!({"document_id": document_id, "doc_type": doc_type, "agreement": agreement,
                    "partner": partner, "outbox_id": outbox_id, "control_number": control_number}),
            ),
            AuditEvent::RouteSkipped {
                message_id,
                document_id,
                agreement,
                reason,
            } => (
                wharf(),
                "route_skipped",
                format!("message:{message_id}"),
                json!({"document_id": document_id, "agreement": agreement, "reason": reason}),
            ),
            AuditEvent::Rendered {
                outbox_id,
                adapter,
                bytes,
                digest,
            } => (
                wharf(),
                "rendered",
                format!("outbox:{outbox_id}"),
                json!({"adapter": adapter, "bytes": bytes, "digest": digest}),
            ),
            AuditEvent::DeliveryAttempted {
                outbox_id,
                attempt,
                status_code,
                error,
                next_attempt_at,
            } => (
                wharf(),
                "delivery_attempted",
                format!("outbox:{outbox_id}"),
                json!({"attempt": attempt, "status_code": status_code, "error": error,
                    "next_attempt_at": next_attempt_at}),
            ),
            AuditEvent::Delivered {
                outbox_id,
                message_id,
                agreement,
                doc_type,
                order,
                attempt,
                status_code,
                duration_ms,
                payload_digest,
            } => (
                wharf(),
                "delivered",
                format!("outbox:{outbox_id}"),
                json!({"message_id": message_id, "agreement": agreement, "doc_type": doc_type,
                    "buyer": order.as_ref().map(|o| &o.buyer),
                    "po_number": order.as_ref().map(|o| &o.po_number), "attempt": attempt, "status_code": status_code,
                    "duration_ms": duration_ms, "payload_digest": payload_digest}),
            ),
            AuditEvent::DeadLettered {
                outbox_id,
                message_id,
                agreement,
                attempts,
                last_error,
            } => (
                wharf(),
                "dead_lettered",
                format!("outbox:{outbox_id}"),
                json!({"message_id": message_id, "agreement": agreement, "attempts": attempts,
                    "last_error": last_error}),
            ),
            AuditEvent::Replayed { outbox_id, actor } => (
                actor.as_str().to_owned(),
                "replayed",
                format!("outbox:{outbox_id}"),
                json!({}),
            ),
            AuditEvent::AdapterInstalled {
                reference,
                digest,
                size_bytes,
                contract,
            } => (
                Actor::Operator.as_str().to_owned(),
                "adapter_installed",
                format!("adapter:{reference}"),
                json!({"digest": digest, "size_bytes": size_bytes, "contract": contract}),
            ),
            AuditEvent::AdapterRemoved { reference, digest } => (
                Actor::Operator.as_str().to_owned(),
                "adapter_removed",
                format!("adapter:{reference}"),
                json!({"digest": digest}),
            ),
            AuditEvent::ExceptionRaised {
                exception_id,
                kind,
                owner,
                partner,
                message_id,
                related_message_id,
                explanation,
            } => (
                wharf(),
                "exception_raised",
                format!("exception:{exception_id}"),
                json!({"kind": kind, "owner": owner, "partner": partner,
                    "message_id": message_id, "related_message_id": related_message_id,
                    "explanation": explanation}),
            ),
            AuditEvent::ExceptionActed {
                exception_id,
                actor,
                action,
                from,
                to,
                reason,
            } => (
                actor.as_str().to_owned(),
                "exception_acted",
                format!("exception:{exception_id}"),
                json!({"action": action, "from": from, "to": to, "reason": reason}),
            ),
            AuditEvent::AckReconciled {
                outbox_id,
                message_id,
                agreement,
                verdict,
                interchange_control,
                group_control,
            } => (
                wharf(),
                "ack_reconciled",
                format!("outbox:{outbox_id}"),
                json!({"message_id": message_id, "agreement": agreement, "verdict": verdict,
                    "interchange_control": interchange_control, "group_control": group_control}),
            ),
            AuditEvent::DeadlineSet {
                deadline_id,
                kind,
                outbox_id,
                agreement,
                order,
                due_at,
            } => (
                wharf(),
                "deadline_set",
                format!("deadline:{deadline_id}"),
                json!({"kind": kind, "outbox_id": outbox_id, "agreement": agreement,
                    "buyer": order.as_ref().map(|o| &o.buyer),
                    "po_number": order.as_ref().map(|o| &o.po_number), "due_at": due_at}),
            ),
            AuditEvent::DeadlineMet {
                deadline_id,
                kind,
                message_id,
            } => (
                wharf(),
                "deadline_met",
                format!("deadline:{deadline_id}"),
                json!({"kind": kind, "message_id": message_id}),
            ),
            AuditEvent::DeadlineReplaced {
                deadline_id,
                kind,
                message_id,
            } => (
                wharf(),
                "deadline_replaced",
                format!("deadline:{deadline_id}"),
                json!({"kind": kind, "message_id": message_id}),
            ),
            AuditEvent::DeadlineWithdrawn {
                deadline_id,
                kind,
                message_id,
            } => (
                wharf(),
                "deadline_withdrawn",
                format!("deadline:{deadline_id}"),
                json!({"kind": kind, "message_id": message_id}),
            ),
            AuditEvent::DeadlineMissed {
                deadline_id,
                kind,
                exception_id,
                owner,
                notification,
            } => (
                wharf(),
                "deadline_missed",
                format!("deadline:{deadline_id}"),
                json!({"kind": kind, "exception_id": exception_id, "owner": owner,
                    "notification": notification}),
            ),
            AuditEvent::ContentPruned {
                closed_before,
                orders,
                messages,
                payloads,
            } => (
                wharf(),
                "content_pruned",
                "retention".to_owned(),
                json!({"closed_before": closed_before, "orders": orders, "messages": messages,
                    "payloads": payloads}),
            ),
            AuditEvent::AccessDenied {
                request_id,
                partner,
                path,
                status,
                reason,
                size_bytes,
            } => (
                partner.clone().unwrap_or_else(|| "anonymous".into()),
                "access_denied",
                format!("request:{request_id}"),
                json!({"path": path, "status": status, "reason": reason,
                    "size_bytes": size_bytes}),
            ),
        };
        AuditRecord {
            actor,
            action,
            subject,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_name_actor_action_and_subject() {
        let record = AuditEvent::OrderTransition {
            order: OrderKey::new("erp", "4500000001"),
            actor: Actor::Partner("portal".into()),
            from: Some("sent".into()),
            to: "accepted".into(),
            message_id: Some("m1".into()),
            document_id: None,
        }
        .record();
        assert_eq!(record.actor, "portal");
        assert_eq!(record.action, "order_transition");
        assert_eq!(record.subject, "order:erp/4500000001");
        assert_eq!(record.detail["from"], "sent");
        let denied = AuditEvent::AccessDenied {
            request_id: "r".into(),
            partner: None,
            path: "/api/v1/inbound/x".into(),
            status: 401,
            reason: "no key".into(),
            size_bytes: 10,
        }
        .record();
        assert_eq!(denied.actor, "anonymous");
    }
}
