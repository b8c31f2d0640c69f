//! Functional acknowledgments reconciled: a 997 or CONTRL a partner sends is matched to the
//! interchange and group Wharf sent it (the control numbers the adapter wrote, kept on the
//! outbox entry: [`crate::store::deadlines::SentControls`]), after the decision about its
//! message was made ([`super::decide`]) and before it is written, in the same write.
//!
//! - Matched and accepted (A, E, P for our set; CONTRL 7): recorded on the delivery, its
//!   `functional_ack` deadline met.
//! - Matched and rejected (AK9 R, or the AK5 of our transaction set R; CONTRL UCI or our UCM
//!   4): recorded, the deadline met (the partner did answer), and a `rejected` exception on the
//!   document and order we sent, for the team that owns rejections (once: the same rejection
//!   again is recorded only). A rejected purchase order whose order is still `sent` goes
//!   back to `released` ([`OrderEvent::TransmissionRejected`]): the supplier's system never
//!   took it, so a planner must not count on it until it is corrected and sent again (the
//!   next delivery marks it sent).
//! - Matching nothing we sent to that partner: the message fails with `ack.unmatched`, and an
//!   `unmatched_ack` exception tells the operator (a retry reprocesses it, e.g. once a
//!   delivery still settling is recorded).
//!
//! An X12 997 names the group (AK102 = our GS06) and the sets (AK202 = ST02), never the
//! interchange; a CONTRL names the interchange (UCI 0020 = our UNB 0020) and the messages
//! (UCM 0062). Each is matched on what it names; when it names messages, the delivery must
//! be one of them. An X12 999 reads like a 997 (IK5 for AK5).

use std::collections::BTreeMap;

use super::deadlines::control_key;
use super::decide::{self, Inbound, World};
use super::failure::Failure;
use super::lifecycle::{OrderEvent, OrderStatus, transition};
use crate::audit::{Actor, AuditEvent};
use crate::config::Agreement;
use crate::model::{AckStatus, CanonicalDocument, Document, ExceptionKind, FunctionalAck};
use crate::sandbox::DecodeOutcome;
use crate::store::deadlines::{DeadlineWrite, SentInterchange};
use crate::store::exceptions::NewException;
use crate::store::new_id;
use crate::store::orders::{NewOrderEvent, OrderWrite};
use crate::store::processing::{MessageOutcome, ProcessingCommit};
use serde_json::json;

/// For each acknowledgment in a message (by position), the deliveries it may answer, newest
/// first, as read before deciding.
pub type SentForAcks = BTreeMap<usize, Vec<SentInterchange>>;

/// What an acknowledgment names, as looked up: `(standard, interchange, group)`.
pub fn lookup(document: &CanonicalDocument) -> Option<(String, Option<String>, Option<String>)> {
    let Document::FunctionalAck(ack) = &document.body else {
        return None;
    };
    let standard = document.envelope.standard.to_ascii_lowercase();
    // Matched on the interchange when the acknowledgment names one, else on the group.
    match (&ack.interchange_control, &ack.group_control) {
        (Some(interchange), _) => Some((standard, Some(control_key(interchange)), None)),
        (None, Some(group)) => Some((standard, None, Some(control_key(group)))),
        (None, None) => Some((standard, None, None)),
    }
}

/// The delivery `ack` answers among `candidates`, and whether it was rejected.
pub fn answered<'a>(
    ack: &FunctionalAck,
    candidates: &'a [SentInterchange],
) -> Option<(&'a SentInterchange, bool)> {
    let ours = |sent: &SentInterchange| {
        let control = sent.controls.message_control.as_deref()?;
        ack.messages
            .iter()
            .find(|m| control_key(&m.message_control) == control)
    };
    let sent = if ack.messages.is_empty() {
        candidates.first()?
    } else {
        candidates.iter().find(|s| ours(s).is_some())?
    };
    let rejected = ack.status == AckStatus::Rejected
        || ours(sent).is_some_and(|m| m.status == AckStatus::Rejected);
    Some((sent, rejected))
}

/// Adds the reconciliation of every acknowledgment in a processed message to its commit, or
/// turns the commit into a refusal when one answers nothing we sent.
pub fn reconcile(
    commit: ProcessingCommit,
    inbound: &Inbound<'_>,
    agreement: &Agreement,
    decoded: &DecodeOutcome,
    sent: &SentForAcks,
    world: &World<'_>,
) -> ProcessingCommit {
    if commit.outcome != MessageOutcome::Processed {
        return commit;
    }
    let mut commit = commit;
    let acks: Vec<usize> = commit
        .documents
        .iter()
        .filter(|d| d.doc_type == "functional_ack")
        .map(|d| d.position as usize)
        .collect();
    for position in acks {
        let Some(document) = decoded.documents.get(position) else {
            continue;
        };
        let Document::FunctionalAck(ack) = &document.body else {
            continue;
        };
        let candidates = sent.get(&position).map(Vec::as_slice).unwrap_or_default();
        let Some((delivery, rejected)) = answered(ack, candidates) else {
            let text = unmatched_text(inbound, ack, position);
            let mut failed = decide::fail(
                inbound,
                Some(agreement),
                Failure::new("ack.unmatched", text.clone()),
                &[],
                world,
            );
            failed
                .exceptions
                .push(unmatched(world, inbound, agreement, text));
            return failed;
        };
        commit.deadlines.push(DeadlineWrite::AckReceived {
            outbox_id: delivery.outbox_id.clone(),
            agreement: delivery.agreement.clone(),
            message_id: inbound.message_id.to_owned(),
            verdict: if rejected { "rejected" } else { "accepted" }.to_owned(),
            interchange_control: delivery.controls.interchange_control.clone(),
            group_control: delivery.controls.group_control.clone(),
        });
        // The same rejection sent again is recorded, not raised twice.
        if rejected && delivery.acknowledged.as_deref() != Some("rejected") {
            commit
                .exceptions
                .push(rejection(world, inbound, ack, delivery));
            unsend(&mut commit, inbound, delivery);
        }
    }
    commit
}

/// A purchase order refused in transmission: its order, still `sent`, is not.
fn unsend(commit: &mut ProcessingCommit, inbound: &Inbound<'_>, delivery: &SentInterchange) {
    let (Some(order), Some(from)) = (
        &delivery.order,
        delivery
            .order_status
            .as_deref()
            .and_then(OrderStatus::parse),
    ) else {
        return;
    };
    let Some(to) = transition(Some(from), OrderEvent::TransmissionRejected) else {
        return;
    };
    if delivery.doc_type != "purchase_order" {
        return;
    }
    commit.orders.push(OrderWrite::Transition {
        key: order.clone(),
        from: from.as_str().to_owned(),
        to: to.as_str().to_owned(),
    });
    // No answer is owed to an order the supplier's system never took in.
    commit.deadlines.push(DeadlineWrite::TransmissionRejected {
        order: order.clone(),
        message_id: inbound.message_id.to_owned(),
    });
    commit.order_events.push(NewOrderEvent {
        order: order.clone(),
        event: "transmission_rejected".into(),
        status: to.as_str().to_owned(),
        document_id: delivery.document_id.clone(),
        detail: json!({"agreement": delivery.agreement, "outbox_id": delivery.outbox_id,
            "acknowledgment": inbound.message_id}),
    });
    commit.audit.push(AuditEvent::OrderTransition {
        order: order.clone(),
        actor: Actor::Partner(inbound.partner.to_owned()),
        from: Some(from.as_str().to_owned()),
        to: to.as_str().to_owned(),
        message_id: Some(inbound.message_id.to_owned()),
        document_id: delivery.document_id.clone(),
    });
}

fn unmatched_text(inbound: &Inbound<'_>, ack: &FunctionalAck, position: usize) -> String {
    let named = match (&ack.interchange_control, &ack.group_control) {
        (Some(i), _) => format!("interchange {i}"),
        (None, Some(g)) => format!("group {g}"),
        (None, None) => "no interchange or group".to_owned(),
    };
    let messages: Vec<&str> = ack
        .messages
        .iter()
        .map(|m| m.message_control.as_str())
        .collect();
    format!(
        "functional acknowledgment {} of the message names {named}{}, which matches nothing \
         Wharf sent to {}",
        position + 1,
        if messages.is_empty() {
            String::new()
        } else {
            format!(" (messages {})", messages.join(", "))
        },
        inbound.partner
    )
}

fn unmatched(
    world: &World<'_>,
    inbound: &Inbound<'_>,
    agreement: &Agreement,
    text: String,
) -> NewException {
    let kind = ExceptionKind::UnmatchedAck;
    NewException {
        id: new_id(),
        kind,
        owner: world.settings.exceptions.owner(kind).to_owned(),
        partner: inbound.partner.to_owned(),
        agreement: Some(agreement.id.clone()),
        message_id: inbound.message_id.to_owned(),
        related_message_id: None,
        outbox_id: None,
        doc_type: Some("functional_ack".to_owned()),
        business_key: None,
        order: None,
        po_number: None,
        lines: Vec::new(),
        explanation: format!("{text}; the partner was told ack.unmatched"),
    }
}

fn rejection(
    world: &World<'_>,
    inbound: &Inbound<'_>,
    ack: &FunctionalAck,
    delivery: &SentInterchange,
) -> NewException {
    let kind = ExceptionKind::Rejected;
    let controls = &delivery.controls;
    let errors: Vec<String> = ack
        .messages
        .iter()
        .filter(|m| {
            controls.message_control.as_deref() == Some(control_key(&m.message_control).as_str())
        })
        .flat_map(|m| &m.errors)
        .map(|e| match (&e.segment_id, e.segment_position, &e.code) {
            (Some(id), Some(at), _) => format!("{id} at {at}: {}", e.description),
            (_, _, Some(code)) => format!("{} ({code})", e.description),
            _ => e.description.clone(),
        })
        .collect();
    let what = match &delivery.order {
        Some(order) => format!("{} for PO {}", delivery.doc_type, order.po_number),
        None => delivery.doc_type.clone(),
    };
    let explanation = format!(
        "{} rejected the {what} Wharf sent through agreement {} (interchange {}, group {}, \
         message {}; outbox {}){}",
        inbound.partner,
        delivery.agreement,
        controls.interchange_control.as_deref().unwrap_or("-"),
        controls.group_control.as_deref().unwrap_or("-"),
        controls.message_control.as_deref().unwrap_or("-"),
        delivery.outbox_id,
        if errors.is_empty() {
            String::new()
        } else {
            format!(": {}", errors.join("; "))
        }
    );
    NewException {
        id: new_id(),
        kind,
        owner: world.settings.exceptions.owner(kind).to_owned(),
        partner: inbound.partner.to_owned(),
        agreement: Some(delivery.agreement.clone()),
        message_id: inbound.message_id.to_owned(),
        related_message_id: Some(delivery.message_id.clone()),
        outbox_id: Some(delivery.outbox_id.clone()),
        doc_type: Some(delivery.doc_type.clone()),
        business_key: delivery.order.as_ref().map(|o| o.po_number.clone()),
        order: delivery.order.clone(),
        po_number: delivery.order.as_ref().map(|o| o.po_number.clone()),
        lines: Vec::new(),
        explanation,
    }
}

#[cfg(test)]
#[path = "acks_tests.rs"]
mod tests;
