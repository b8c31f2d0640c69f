//! Deadlines, decided: what a delivery leaves its partner owing and by when ([`on_delivery`]),
//! which deadlines an arriving order response meets ([`responses_arrived`]), and what missing
//! one raises ([`missed`]): an `overdue` exception for the team `[exceptions] owners` names
//! (a `supplier_compliance` one for a certificate expiry), and, when that team has a webhook,
//! its notification ([`super::notify`]). Pure functions of what was read; the store writes
//! them ([`crate::store::deadlines`]) and the [`super::sweep`] finds the overdue ones.
//!
//! Per outbound agreement: `functional_ack_within_minutes` sets a `functional_ack` deadline on
//! every X12/EDIFACT document delivered through it (not on acknowledgments we send), and
//! `order_response_within_hours` an `order_response` deadline on every purchase order it
//! delivers. Times come from the host's [`crate::clock::Clock`].

use serde_json::json;

use super::notify;
use crate::config::Settings;
use crate::model::{Envelope, ExceptionKind};
use crate::store::deadlines::{
    DeadlineKind, DeadlineWrite, DueDeadline, MissedDeadline, NewDeadline, SentControls,
};
use crate::store::exceptions::NewException;
use crate::store::new_id;
use crate::store::outbox::{LeasedEntry, Render};
use crate::store::processing::ProcessingCommit;

/// The standards whose functional acknowledgments Wharf reconciles.
const ACKNOWLEDGED_STANDARDS: [&str; 2] = ["x12", "edifact"];

pub use super::notify::NOTIFICATION;

/// A control number as compared: trimmed, without leading zeros (AK102 may be padded or
/// not); all zeros is "0".
pub fn control_key(text: &str) -> String {
    let text = text.trim();
    match text.trim_start_matches('0') {
        "" if !text.is_empty() => "0".to_owned(),
        rest => rest.to_owned(),
    }
}

/// The control numbers an adapter wrote, when they are X12's or EDIFACT's: what a 997 or a
/// CONTRL will name.
pub fn sent_controls(envelope: &Envelope) -> Option<SentControls> {
    let standard = envelope.standard.to_ascii_lowercase();
    if !ACKNOWLEDGED_STANDARDS.contains(&standard.as_str()) {
        return None;
    }
    let key = |c: &Option<String>| c.as_deref().map(control_key);
    Some(SentControls {
        standard,
        interchange_control: key(&envelope.interchange_control),
        group_control: key(&envelope.group_control),
        message_control: key(&envelope.message_control),
        message_type: envelope.message_type.clone(),
    })
}

/// The deadlines a delivery of `entry` sets at `now`; `sent` is what its rendering wrote.
pub fn on_delivery(
    settings: &Settings,
    entry: &LeasedEntry,
    sent: Option<&SentControls>,
    now: i64,
) -> Vec<NewDeadline> {
    let Some(agreement) = settings.agreements.get(&entry.agreement) else {
        return Vec::new();
    };
    if !matches!(entry.render, Render::Encode) {
        return Vec::new();
    }
    let deadline = |kind, within: i64| NewDeadline {
        id: new_id(),
        kind,
        agreement: entry.agreement.clone(),
        partner: entry.partner.clone(),
        outbox_id: entry.id.clone(),
        message_id: entry.message_id.clone(),
        document_id: entry.document_id.clone(),
        doc_type: entry.doc_type.clone(),
        order: entry.order.clone(),
        control_number: entry.control_number.clone(),
        created_at: now,
        due_at: now.saturating_add(within),
        certificate: None,
    };
    let mut deadlines = Vec::new();
    if let (Some(within), Some(_)) = (agreement.deadlines.functional_ack_ms, sent)
        && entry.doc_type != "functional_ack"
    {
        deadlines.push(deadline(DeadlineKind::FunctionalAck, within));
    }
    if let (Some(within), Some(_)) = (agreement.deadlines.order_response_ms, &entry.order)
        && entry.doc_type == "purchase_order"
    {
        deadlines.push(deadline(DeadlineKind::OrderResponse, within));
    }
    deadlines
}

/// The order responses a processing decision stores meet their orders' `order_response`
/// deadlines: the order is the one the decision's history names for the response.
pub fn responses_arrived(commit: &ProcessingCommit) -> Vec<DeadlineWrite> {
    let mut writes: Vec<DeadlineWrite> = Vec::new();
    for document in commit
        .documents
        .iter()
        .filter(|d| d.doc_type == "order_response")
    {
        for event in &commit.order_events {
            if event.document_id.as_deref() != Some(document.id.as_str()) {
                continue;
            }
            let write = DeadlineWrite::ResponseArrived {
                order: event.order.clone(),
                message_id: commit.message_id.clone(),
            };
            if !writes.contains(&write) {
                writes.push(write);
            }
        }
    }
    writes
}

/// What missing `due` writes: the exception, and the owning team's notification.
pub fn missed(settings: &Settings, due: DueDeadline, now: i64) -> MissedDeadline {
    let exception = match &due.certificate {
        Some(certificate) => super::supplier_compliance::expired(settings, &due, certificate),
        None => overdue(settings, &due, now),
    };
    let deadline = json!({"id": due.id, "kind": due.kind.as_str(), "due_at": due.due_at});
    let notification = notify::notification(settings, &exception, Some(("deadline", deadline)));
    MissedDeadline {
        deadline: due,
        exception,
        notification,
    }
}

/// The `overdue` exception of a delivery's answer that did not come in time.
fn overdue(settings: &Settings, due: &DueDeadline, now: i64) -> NewException {
    let owner = settings.exceptions.owner(ExceptionKind::Overdue).to_owned();
    let late_by = format_minutes(now - due.due_at);
    let waited_for = match due.kind {
        DeadlineKind::FunctionalAck => format!(
            "a functional acknowledgment (997/CONTRL) of interchange {}",
            due.control_number.as_deref().unwrap_or("?")
        ),
        DeadlineKind::OrderResponse => "an order response".to_owned(),
        DeadlineKind::CertificateExpiry => "a renewed certification".to_owned(),
    };
    let what = match &due.order {
        Some(order) => format!("{} for PO {}", due.doc_type, order.po_number),
        None => due.doc_type.clone(),
    };
    let explanation = format!(
        "{} owes {waited_for} for the {what} delivered through agreement {} (outbox {}); it was \
         due {} after delivery and is {late_by} late",
        due.partner,
        due.agreement,
        due.outbox_id,
        format_minutes(due.due_at - due.created_at),
    );
    NewException {
        id: new_id(),
        kind: ExceptionKind::Overdue,
        owner: owner.clone(),
        partner: due.partner.clone(),
        agreement: Some(due.agreement.clone()),
        message_id: due.message_id.clone(),
        related_message_id: None,
        outbox_id: Some(due.outbox_id.clone()),
        doc_type: Some(due.doc_type.clone()),
        business_key: due.order.as_ref().map(|o| o.po_number.clone()),
        order: due.order.clone(),
        po_number: due.order.as_ref().map(|o| o.po_number.clone()),
        lines: Vec::new(),
        explanation,
    }
}

fn format_minutes(ms: i64) -> String {
    let minutes = ms.max(0) / 60_000;
    if minutes >= 120 && minutes % 60 == 0 {
        format!("{} hours", minutes / 60)
    } else {
        format!("{minutes} minutes")
    }
}

#[cfg(test)]
#[path = "deadlines_tests.rs"]
mod tests;
