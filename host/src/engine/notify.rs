//! Every exception tells the team that owns it: when `[exceptions] webhooks` names an
//! endpoint for the exception's owner, a signed notification (`exception.raised`) is queued in
//! the outbox in the same write that raises the exception, so each exception is notified once,
//! durably, retried and audited like any delivery. Whoever decides an exception asks here for
//! its notification: the processing decision ([`super::process`]), the deadline sweep
//! ([`super::deadlines::missed`]) and delivery giving up ([`crate::delivery`]).
//!
//! A notification that cannot be delivered dead-letters and raises `delivery_failed` like
//! any delivery, but that exception is not notified in turn: it would go to the same endpoint
//! that just refused, and again for each failure.

use serde_json::{Value, json};

use crate::audit::AuditEvent;
use crate::config::Settings;
use crate::store::exceptions::NewException;
use crate::store::new_id;
use crate::store::outbox::{NewOutboxEntry, Render};

/// What an outbox entry's notification is called in the outbox and the audit trail.
pub const NOTIFICATION: &str = "exception_notification";

/// The notification of `exception` for its owner's webhook, with `context` (e.g. the
/// deadline missed) beside it; `None` when the owner has no webhook, or the exception is
/// about a notification that failed.
pub fn notification(
    settings: &Settings,
    exception: &NewException,
    context: Option<(&str, Value)>,
) -> Option<NewOutboxEntry> {
    if exception.doc_type.as_deref() == Some(NOTIFICATION) {
        return None;
    }
    let endpoint = settings.exceptions.webhooks.get(&exception.owner)?;
    let id = new_id();
    let agreement = format!("exceptions:{}", exception.owner);
    let mut body = json!({
        "type": "exception.raised",
        "exception": {
            "id": exception.id,
            "type": exception.kind,
            "owner": exception.owner,
            "partner": exception.partner,
            "agreement": exception.agreement,
            "message_id": exception.message_id,
            "outbox_id": exception.outbox_id,
            "doc_type": exception.doc_type,
            "business_key": exception.business_key,
            "buyer": exception.order.as_ref().map(|o| &o.buyer),
            "po_number": exception.po_number,
            "lines": exception.lines,
            "explanation": exception.explanation,
        },
    });
    if let (Some((key, value)), Some(object)) = (context, body.as_object_mut()) {
        object.insert(key.to_owned(), value);
    }
    Some(NewOutboxEntry {
        id: id.clone(),
        message_id: exception.message_id.clone(),
        document_id: None,
        doc_type: NOTIFICATION.to_owned(),
        agreement: agreement.clone(),
        partner: exception.owner.clone(),
        endpoint: endpoint.clone(),
        render: Render::Notification(body.to_string().into_bytes()),
        order: None,
        routed: AuditEvent::DocumentRouted {
            message_id: exception.message_id.clone(),
            document_id: None,
            doc_type: NOTIFICATION.to_owned(),
            agreement,
            partner: exception.owner.clone(),
            outbox_id: id,
            control_number: None,
        },
        holds: Vec::new(),
    })
}

/// The notifications of every exception in `exceptions`.
pub fn for_exceptions(settings: &Settings, exceptions: &[NewException]) -> Vec<NewOutboxEntry> {
    exceptions
        .iter()
        .filter_map(|e| notification(settings, e, None))
        .collect()
}
