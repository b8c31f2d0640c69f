//! The three-way match's result as finance receives it: a JSON document of its own, queued in
//! the outbox for each `[matching] finance_agreements` agreement the invoice is routed to,
//! when the match is decided (the invoice arrives), and again each time it changes (a receipt
//! clears held lines, an operator releases them). It is durable, signed with the agreement's
//! secrets and audited like every delivery, and it is never held back: it is what tells
//! finance why an invoice waits. The invoice itself still reaches finance only once matched
//! or released ([`crate::store::lines::match_hold`]).
//!
//! The document (`type` `match_result`, `version` 1), one per invoice and order:
//!
//! | field | meaning |
//! | --- | --- |
//! | `invoice_number`, `invoice_document_id` | the invoice, and its stored document |
//! | `supplier` | the partner that sent the invoice |
//! | `buyer`, `po_number` | the order matched against |
//! | `result` | the invoice's: `blocked` if a line is, else `held` if a line is, else `released` if a line was released, else `matched` |
//! | `decided_by` | `match` (the invoice arrived), `receipt` (a receipt closed a gap), `operator` (a release) |
//! | `reason` | the operator's reason for a release, else `null` |
//! | `lines[]` | every invoice line for the order: `invoice_line`, `order_line`, `result`, `rule` (the tolerance rule that applied), `quantity`, `unit_price`, `agreed_price`, `accepted` (received and kept), `invoiced` (on the order line in all), and `breaches[]`: `check` (`price`, `quantity`, `unit`, `line`), `expected`, `actual`, `variance`, `variance_percent`, `limit`, `action` |
//!
//! Quantities and amounts are decimal strings.

use serde::Serialize;

use super::lifecycle::VisibleOrders;
use super::matching::{LineMatch, MatchResult};
use crate::audit::AuditEvent;
use crate::config::{Mode, Settings};
use crate::model::{DocType, OrderKey};
use crate::store::lines::LineWrite;
use crate::store::new_id;
use crate::store::outbox::{NewOutboxEntry, Render};

/// What a match result is called in the outbox and the audit trail.
pub const MATCH_RESULT: &str = "match_result";

/// What decided the result finance is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DecidedBy {
    /// The invoice arrived and was matched.
    Match,
    /// A goods receipt closed the gap held lines waited on.
    Receipt,
    /// An operator released held or blocked lines.
    Operator,
}

/// The invoice a match result is about, on one order.
#[derive(Debug, Clone, Copy)]
pub struct MatchedInvoice<'a> {
    pub order: &'a OrderKey,
    pub document_id: &'a str,
    /// The partner that sent the invoice.
    pub supplier: &'a str,
    pub invoice_number: &'a str,
}

/// The match result document.
#[derive(Debug, Clone, Serialize)]
struct MatchResultDocument<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    version: u32,
    invoice_number: &'a str,
    invoice_document_id: &'a str,
    supplier: &'a str,
    buyer: &'a str,
    po_number: &'a str,
    result: MatchResult,
    decided_by: DecidedBy,
    reason: Option<&'a str>,
    lines: &'a [LineMatch],
}

/// The invoice's result from its lines' results.
pub fn invoice_result(lines: &[LineMatch]) -> MatchResult {
    let has = |r: MatchResult| lines.iter().any(|l| l.result == r);
    [
        MatchResult::Blocked,
        MatchResult::Held,
        MatchResult::Released,
    ]
    .into_iter()
    .find(|r| has(*r))
    .unwrap_or(MatchResult::Matched)
}

/// The outbox entries telling each finance agreement `invoice` is routed to its match
/// (`lines`), on behalf of message `message_id`.
pub fn entries(
    settings: &Settings,
    message_id: &str,
    invoice: MatchedInvoice<'_>,
    lines: &[LineMatch],
    decided_by: DecidedBy,
    reason: Option<&str>,
) -> Vec<NewOutboxEntry> {
    let finance = &settings.matching.finance_agreements;
    let body = MatchResultDocument {
        kind: MATCH_RESULT,
        version: 1,
        invoice_number: invoice.invoice_number,
        invoice_document_id: invoice.document_id,
        supplier: invoice.supplier,
        buyer: &invoice.order.buyer,
        po_number: &invoice.order.po_number,
        result: invoice_result(lines),
        decided_by,
        reason,
        lines,
    };
    let Ok(bytes) = serde_json::to_vec(&body) else {
        return Vec::new();
    };
    settings
        .destinations(DocType::Invoice, invoice.supplier)
        .into_iter()
        .filter(|d| finance.contains(&d.id) && d.mode == Mode::Production)
        .map(|destination| {
            let id = new_id();
            NewOutboxEntry {
                id: id.clone(),
                message_id: message_id.to_owned(),
                document_id: Some(invoice.document_id.to_owned()),
                doc_type: MATCH_RESULT.to_owned(),
                agreement: destination.id.clone(),
                partner: destination.partner.clone(),
                endpoint: destination.endpoint.clone().unwrap_or_default(),
                render: Render::Prepared(bytes.clone()),
                order: Some(invoice.order.clone()),
                routed: AuditEvent::DocumentRouted {
                    message_id: message_id.to_owned(),
                    document_id: Some(invoice.document_id.to_owned()),
                    doc_type: MATCH_RESULT.to_owned(),
                    agreement: destination.id.clone(),
                    partner: destination.partner.clone(),
                    outbox_id: id,
                    control_number: None,
                },
                holds: Vec::new(),
            }
        })
        .collect()
}

/// The match results a processing decision's line writes send: each invoice matched, and
/// each invoice whose held lines a receipt cleared (its other lines as `orders` held them
/// before the message).
pub fn for_writes(
    settings: &Settings,
    message_id: &str,
    orders: &VisibleOrders,
    writes: &[LineWrite],
) -> Vec<NewOutboxEntry> {
    let mut out = Vec::new();
    let mut cleared: Vec<&str> = Vec::new();
    for write in writes {
        match write {
            LineWrite::Matches {
                order,
                document_id,
                partner: supplier,
                invoice_number,
                matches,
            } => {
                let invoice = MatchedInvoice {
                    order,
                    document_id,
                    supplier,
                    invoice_number,
                };
                let decided = DecidedBy::Match;
                out.extend(entries(
                    settings, message_id, invoice, matches, decided, None,
                ));
            }
            LineWrite::Cleared { document_id, .. } if !cleared.contains(&document_id.as_str()) => {
                cleared.push(document_id)
            }
            _ => {}
        }
    }
    for document_id in cleared {
        let Some(state) = orders
            .values()
            .flatten()
            .find(|o| o.held.iter().any(|h| h.document_id == document_id))
        else {
            continue;
        };
        let held: Vec<_> = state
            .held
            .iter()
            .filter(|h| h.document_id == document_id)
            .collect();
        let lines: Vec<LineMatch> = held
            .iter()
            .map(|h| {
                writes
                    .iter()
                    .find_map(|w| match w {
                        LineWrite::Cleared {
                            document_id: d,
                            matched,
                        } if d == document_id && matched.invoice_line == h.line.invoice_line => {
                            Some(matched.clone())
                        }
                        _ => None,
                    })
                    .unwrap_or_else(|| h.line.clone())
            })
            .collect();
        let first = held[0];
        let invoice = MatchedInvoice {
            order: &state.key,
            document_id,
            supplier: &first.partner,
            invoice_number: &first.invoice_number,
        };
        out.extend(entries(
            settings,
            message_id,
            invoice,
            &lines,
            DecidedBy::Receipt,
            None,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    fn line(result: MatchResult) -> LineMatch {
        LineMatch {
            invoice_line: "1".into(),
            order_line: Some("10".into()),
            result,
            rule: "default".into(),
            quantity: Decimal::ONE,
            unit_price: Decimal::ONE,
            agreed_price: Some(Decimal::ONE),
            accepted: Decimal::ONE,
            invoiced: Decimal::ONE,
            breaches: Vec::new(),
        }
    }

    #[test]
    fn the_invoice_result_is_its_worst_line() {
        use MatchResult::*;
        let of = |results: &[MatchResult]| {
            invoice_result(&results.iter().map(|r| line(*r)).collect::<Vec<_>>())
        };
        assert_eq!(of(&[Matched, Matched]), Matched);
        assert_eq!(of(&[Matched, Released]), Released);
        assert_eq!(of(&[Released, Held]), Held);
        assert_eq!(of(&[Held, Blocked, Matched]), Blocked);
    }
}
