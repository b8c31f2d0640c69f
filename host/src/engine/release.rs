//! An operator's release of an invoice waiting on its match, decided like every other line
//! change: a pure function of the order as read ([`decide`]) turns the invoice's held and
//! blocked lines into `released` ones that count as matched on their order lines, writes the
//! lines fenced on the order's version ([`LineWrite::Lines`]), audits each step, and tells
//! finance the new match result ([`super::match_result`]). The store applies it in the same
//! transaction as the exception's action; a conflict reruns the decision
//! ([`super::Engine::take_action`]).

use serde_json::json;

use super::lifecycle::{OrderStatus, Step};
use super::match_result::{self, DecidedBy, MatchedInvoice};
use super::matching::{LineMatch, MatchResult};
use super::workflow::order_status;
use crate::audit::{Actor, AuditEvent};
use crate::config::Settings;
use crate::store::exceptions::ReleaseWrites;
use crate::store::lines::LineWrite;
use crate::store::orders::OrderState;

/// Who releases, why, and on behalf of which message (the invoice's).
#[derive(Debug, Clone, Copy)]
pub struct Releasing<'a> {
    pub actor: &'a Actor,
    pub reason: Option<&'a str>,
    pub message_id: &'a str,
}

/// Releases the waiting lines of the invoices `documents` on `state`'s order. `None` when
/// none of them waits.
pub fn decide(
    settings: &Settings,
    state: &OrderState,
    documents: &[String],
    by: Releasing<'_>,
) -> Option<ReleaseWrites> {
    let mut after = state.lines.clone();
    let mut changed: Vec<String> = Vec::new();
    let mut writes = ReleaseWrites::default();
    let mut steps = Vec::new();
    for document_id in documents {
        let invoice: Vec<&_> = state
            .held
            .iter()
            .filter(|h| h.document_id == *document_id)
            .collect();
        if !invoice.iter().any(|h| h.line.result.is_waiting()) {
            continue;
        }
        let mut lines: Vec<LineMatch> = Vec::new();
        for held in &invoice {
            if !held.line.result.is_waiting() {
                lines.push(held.line.clone());
                continue;
            }
            let released = LineMatch {
                result: MatchResult::Released,
                ..held.line.clone()
            };
            if let Some(number) = &released.order_line
                && let Some(line) = after.get_mut(number)
            {
                line.matched += released.quantity;
                if !changed.contains(number) {
                    changed.push(number.clone());
                }
            }
            steps.push(Step {
                step: "match_released",
                order: Some(state.key.clone()),
                detail: json!({"invoice_line": released.invoice_line,
                    "order_line": released.order_line, "reason": by.reason,
                    "document_id": document_id}),
            });
            writes.lines.push(LineWrite::Released {
                document_id: document_id.clone(),
                released: released.clone(),
            });
            lines.push(released);
        }
        let first = invoice[0];
        writes.outbox.extend(match_result::entries(
            settings,
            by.message_id,
            MatchedInvoice {
                order: &state.key,
                document_id,
                supplier: &first.partner,
                invoice_number: &first.invoice_number,
            },
            &lines,
            DecidedBy::Operator,
            by.reason,
        ));
    }
    if writes.lines.is_empty() {
        return None;
    }
    let from = OrderStatus::parse(&state.status);
    let acknowledged = from
        .filter(|s| s.is_acknowledgment())
        .unwrap_or(OrderStatus::Accepted);
    let to = order_status(acknowledged, &after);
    let moved: Vec<_> = changed
        .iter()
        .filter_map(|n| after.get(n).cloned())
        .collect();
    if !moved.is_empty() {
        steps.insert(
            0,
            Step {
                step: "lines_moved",
                order: Some(state.key.clone()),
                detail: json!({"doc_type": "release", "lines": moved}),
            },
        );
        writes.lines.insert(
            0,
            LineWrite::Lines {
                key: state.key.clone(),
                version: state.version,
                status: to.as_str().to_owned(),
                lines: moved,
            },
        );
    }
    if Some(to) != from {
        writes.audit.push(AuditEvent::OrderTransition {
            order: state.key.clone(),
            actor: by.actor.clone(),
            from: Some(state.status.clone()),
            to: to.as_str().to_owned(),
            message_id: Some(by.message_id.to_owned()),
            document_id: None,
        });
    }
    writes
        .audit
        .extend(steps.into_iter().map(|step| AuditEvent::WorkflowStep {
            step: step.step,
            order: step.order,
            actor: by.actor.clone(),
            message_id: Some(by.message_id.to_owned()),
            document_id: None,
            detail: step.detail,
        }));
    Some(writes)
}
