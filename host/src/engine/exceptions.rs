//! Which faults become exceptions a team owns, and what they say: the engine decides them
//! beside the refusal they come with, and they are written in the same transaction
//! ([`crate::store::processing`]); a dead letter's is decided by delivery and written with
//! the dead letter. The partner's answer does not change: an
//! `order.unknown` refusal reads the same whether or not the operator is told.
//!
//! The owner comes from `[exceptions] owners` ([`crate::config::ExceptionOwners`]); the lines
//! involved are the order lines the document names (its own line numbers where it names
//! none).

use super::decide::Inbound;
use super::lines::LineIssue;
use super::matching::LineMatch;
use super::workflow;
use crate::config::{Agreement, Settings};
use crate::model::{CanonicalDocument, Document, Envelope, ExceptionKind, OrderKey};
use crate::store::business::FirstSeen;
use crate::store::exceptions::NewException;
use crate::store::lines::QualityHold;
use crate::store::new_id;
use crate::store::outbox::{AttemptRecord, LeasedEntry};

/// The document an exception is about, and where in its message it sits.
#[derive(Debug, Clone, Copy)]
pub struct Involved<'a> {
    pub document: &'a CanonicalDocument,
    /// 0-based position in the message.
    pub position: usize,
}

fn raise(
    settings: &Settings,
    kind: ExceptionKind,
    inbound: &Inbound<'_>,
    agreement: &Agreement,
    involved: Involved<'_>,
    po_number: Option<&str>,
    explanation: String,
) -> NewException {
    let document = &involved.document.body;
    NewException {
        id: new_id(),
        kind,
        owner: settings.exceptions.owner(kind).to_owned(),
        partner: inbound.partner.to_owned(),
        agreement: Some(agreement.id.clone()),
        message_id: inbound.message_id.to_owned(),
        related_message_id: None,
        outbox_id: None,
        doc_type: Some(document.doc_type().as_str().to_owned()),
        business_key: document.business_key().map(str::to_owned),
        order: None,
        po_number: po_number.map(str::to_owned),
        lines: lines_naming(document, po_number),
        explanation,
    }
}

/// A later document names `po_number`, under which its sender has no order.
pub fn unknown_order(
    settings: &Settings,
    inbound: &Inbound<'_>,
    agreement: &Agreement,
    involved: Involved<'_>,
    po_number: &str,
) -> NewException {
    let explanation = format!(
        "{} from {} (document {} of message {}, agreement {}) names PO {po_number}, under \
         which Wharf holds no order shared with {}; the partner was told order.unknown",
        subject(involved),
        inbound.partner,
        involved.position + 1,
        inbound.message_id,
        agreement.id,
        inbound.partner,
    );
    raise(
        settings,
        ExceptionKind::UnknownOrder,
        inbound,
        agreement,
        involved,
        Some(po_number),
        explanation,
    )
}

/// The document was processed before, in `first`'s message; this copy is held.
pub fn duplicate(
    settings: &Settings,
    inbound: &Inbound<'_>,
    agreement: &Agreement,
    involved: Involved<'_>,
    key: &str,
    first: &FirstSeen,
    order: Option<OrderKey>,
) -> NewException {
    let envelope = control_numbers(&involved.document.envelope);
    let explanation = format!(
        "{} {key} from {} arrived again in message {} (document {}, agreement {}{envelope}); \
         it was first processed in message {} (document {}). This copy is held as a \
         duplicate: not routed and not applied to any order",
        describe(&involved.document.body),
        inbound.partner,
        inbound.message_id,
        involved.position + 1,
        agreement.id,
        first.message_id,
        first.document_id,
    );
    let po = involved
        .document
        .body
        .po_numbers()
        .first()
        .map(|p| p.to_string());
    let mut exception = raise(
        settings,
        ExceptionKind::Duplicate,
        inbound,
        agreement,
        involved,
        po.as_deref(),
        explanation,
    );
    exception.related_message_id = Some(first.message_id.clone());
    exception.order = order;
    exception
}

/// The document breaks the model's rules (`summary` says which, first).
pub fn invalid(
    settings: &Settings,
    inbound: &Inbound<'_>,
    agreement: &Agreement,
    involved: Involved<'_>,
    summary: &str,
) -> NewException {
    let explanation = format!(
        "message {} from {} (agreement {}): {summary}",
        inbound.message_id, inbound.partner, agreement.id
    );
    let po = involved
        .document
        .body
        .po_numbers()
        .first()
        .map(|p| p.to_string());
    raise(
        settings,
        ExceptionKind::Validation,
        inbound,
        agreement,
        involved,
        po.as_deref(),
        explanation,
    )
}

/// A delivery was given up on (a final answer, or out of attempts or time): its payload is
/// a dead letter a retry replays.
pub fn delivery_failed(
    settings: &Settings,
    entry: &LeasedEntry,
    attempt: &AttemptRecord,
) -> NewException {
    let kind = ExceptionKind::DeliveryFailed;
    let answer = match (attempt.status_code, &attempt.error) {
        (Some(code), Some(error)) => format!("HTTP {code}: {error}"),
        (Some(code), None) => format!("HTTP {code}"),
        (None, Some(error)) => error.clone(),
        (None, None) => "no answer".to_owned(),
    };
    let explanation = format!(
        "{} of message {} to {} through agreement {} (delivery {}) was given up after {} \
         attempt(s), last: {answer}; it is kept as a dead letter for replay",
        entry.doc_type.replace('_', " "),
        entry.message_id,
        entry.partner,
        entry.agreement,
        entry.id,
        attempt.attempt,
    );
    NewException {
        id: new_id(),
        kind,
        owner: settings.exceptions.owner(kind).to_owned(),
        partner: entry.partner.clone(),
        agreement: Some(entry.agreement.clone()),
        message_id: entry.message_id.clone(),
        related_message_id: None,
        outbox_id: Some(entry.id.clone()),
        doc_type: Some(entry.doc_type.clone()),
        business_key: None,
        order: entry.order.clone(),
        po_number: entry.order.as_ref().map(|o| o.po_number.clone()),
        lines: Vec::new(),
        explanation,
    }
}

/// A document asked of order lines what their order does not allow (one exception per
/// order, listing every issue).
pub fn line_issues(
    settings: &Settings,
    inbound: &Inbound<'_>,
    agreement: &Agreement,
    involved: Involved<'_>,
    order: &OrderKey,
    issues: &[&LineIssue],
) -> Option<NewException> {
    let kind = issues.iter().map(|i| workflow::issue_kind(i)).max()?;
    let explanation = format!(
        "{} from {} (message {}) on order {order}: {}",
        subject(involved),
        inbound.partner,
        inbound.message_id,
        issues
            .iter()
            .map(|i| i.explain())
            .collect::<Vec<_>>()
            .join("; "),
    );
    let mut exception = raise(
        settings,
        kind,
        inbound,
        agreement,
        involved,
        Some(&order.po_number),
        explanation,
    );
    exception.order = Some(order.clone());
    exception.lines = issues.iter().map(|i| i.line().to_owned()).collect();
    exception.lines.dedup();
    Some(exception)
}

/// An invoice's lines the three-way match held or blocked: the invoice waits for an
/// operator's release (or, for quantity holds, the receipt that closes the gap).
pub fn mismatch(
    settings: &Settings,
    inbound: &Inbound<'_>,
    agreement: &Agreement,
    involved: Involved<'_>,
    order: &OrderKey,
    waiting: &[&LineMatch],
) -> NewException {
    let explanation = format!(
        "{} from {} (message {}) on order {order} waits on its match: {}",
        subject(involved),
        inbound.partner,
        inbound.message_id,
        waiting
            .iter()
            .map(|m| m.explain())
            .collect::<Vec<_>>()
            .join("; "),
    );
    let mut exception = raise(
        settings,
        ExceptionKind::Mismatch,
        inbound,
        agreement,
        involved,
        Some(&order.po_number),
        explanation,
    );
    exception.order = Some(order.clone());
    exception.lines = waiting
        .iter()
        .filter_map(|m| m.order_line.clone())
        .collect();
    exception
}

/// A receipt or an invoice under quality holds: its deliveries wait for their release.
pub fn quality_held(
    settings: &Settings,
    inbound: &Inbound<'_>,
    agreement: &Agreement,
    involved: Involved<'_>,
    order: Option<&OrderKey>,
    holds: &[QualityHold],
) -> NewException {
    let explanation = format!(
        "{} from {} (message {}) is under quality hold: {}; it is recorded, and its \
         deliveries wait until the hold is released",
        subject(involved),
        inbound.partner,
        inbound.message_id,
        holds
            .iter()
            .map(|h| format!(
                "{} {} held by {}'s notification {}",
                h.scope, h.value, h.placed_by, h.notification
            ))
            .collect::<Vec<_>>()
            .join("; "),
    );
    let mut exception = raise(
        settings,
        ExceptionKind::QualityHold,
        inbound,
        agreement,
        involved,
        order.map(|o| o.po_number.as_str()),
        explanation,
    );
    exception.order = order.cloned();
    exception
}

/// What the document is, by kind and number: `invoice INV-1`, `ship notice without a number`.
fn subject(involved: Involved<'_>) -> String {
    let body = &involved.document.body;
    format!(
        "{} {}",
        describe(body),
        body.business_key().unwrap_or("without a number")
    )
}

fn describe(document: &Document) -> &'static str {
    match document {
        Document::PurchaseOrder(_) => "purchase order",
        Document::OrderResponse(_) => "order response",
        Document::OrderChange(_) => "order change",
        Document::ShipNotice(_) => "ship notice",
        Document::GoodsReceipt(_) => "goods receipt",
        Document::Invoice(_) => "invoice",
        Document::QualityNotification(_) => "quality notification",
        Document::Supplier(_) => "supplier record",
        Document::FunctionalAck(_) => "functional acknowledgment",
    }
}

/// The envelope's control numbers, for saying which copy this was.
fn control_numbers(envelope: &Envelope) -> String {
    [
        ("interchange", &envelope.interchange_control),
        ("group", &envelope.group_control),
        ("message", &envelope.message_control),
    ]
    .into_iter()
    .filter_map(|(name, number)| number.as_ref().map(|n| format!(", {name} {n}")))
    .collect()
}

/// The order lines `document` names under `po_number` (every PO when `None`): the order
/// line each of its lines refers to, else its own line number.
pub fn lines_naming(document: &Document, po_number: Option<&str>) -> Vec<String> {
    let under = |po: Option<&str>| match (po_number, po) {
        (Some(wanted), Some(po)) => wanted == po,
        _ => true,
    };
    let line = |order_line: &Option<String>, own: &str| {
        order_line.clone().unwrap_or_else(|| own.to_owned())
    };
    let mut lines: Vec<String> = match document {
        Document::Invoice(invoice) => invoice
            .lines
            .iter()
            .filter(|l| under(l.po_number.as_deref()))
            .map(|l| line(&l.order_line, &l.line_number))
            .collect(),
        Document::ShipNotice(notice) => notice
            .orders
            .iter()
            .filter(|o| under(Some(&o.po_number)))
            .flat_map(|o| o.items.iter().chain(o.packs.iter().flat_map(|p| &p.items)))
            .map(|i| line(&i.order_line, &i.line_number))
            .collect(),
        Document::GoodsReceipt(receipt) => receipt
            .lines
            .iter()
            .filter(|l| under(l.po_number.as_deref()))
            .map(|l| line(&l.order_line, &l.line_number))
            .collect(),
        Document::OrderResponse(response) => response
            .lines
            .iter()
            .map(|l| l.line_number.clone())
            .collect(),
        _ => Vec::new(),
    };
    lines.dedup();
    lines
}
