//! The order lifecycle: which documents may move an order from which status to which, and what
//! is recorded when they do. Every transition is checked here and audited by the caller.
//!
//! ```text
//! released ──delivered──▶ sent ──order response──▶ accepted | changed | rejected | acknowledged
//!     └──────────────order response─────────────────▲
//! ```

use serde_json::json;

use crate::model::{Document, OrderResponse, PurchaseOrder, ResponseStatus};
use crate::store::orders::OrderState;
use crate::store::processing::{NewOrderEvent, OrderWrite};

pub const RELEASED: &str = "released";
pub const SENT: &str = "sent";
pub const ACCEPTED: &str = "accepted";
pub const CHANGED: &str = "changed";
pub const REJECTED: &str = "rejected";
/// Acknowledged without a decision yet.
pub const ACKNOWLEDGED: &str = "acknowledged";

/// Statuses from which a supplier may (again) answer an order.
const ANSWERABLE: &[&str] = &[RELEASED, SENT, ACCEPTED, CHANGED, REJECTED, ACKNOWLEDGED];

/// A document the order's state does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LifecycleError {
    #[error("order {0} already exists; send an order change to modify it")]
    DuplicateOrder(String),
    #[error("order {0} is not known to Wharf (or not shared with this partner)")]
    UnknownOrder(String),
    #[error("order {po_number} is {status}; an order response is not accepted in that status")]
    NotAnswerable { po_number: String, status: String },
}

impl LifecycleError {
    pub fn code(&self) -> &'static str {
        match self {
            LifecycleError::DuplicateOrder(_) => "order.duplicate",
            LifecycleError::UnknownOrder(_) => "order.unknown",
            LifecycleError::NotAnswerable { .. } => "order.invalid_transition",
        }
    }
}

/// What a document does to the order it concerns.
#[derive(Debug, Clone, Default)]
pub struct Effect {
    pub writes: Vec<OrderWrite>,
    pub events: Vec<NewOrderEvent>,
    /// The order's status after the document, for the audit entry.
    pub transition: Option<(Option<String>, String, String)>,
}

/// Decides the effect of `document`, sent by `partner`, given the order's current `state`.
pub fn apply(
    document: &Document,
    document_id: &str,
    partner: &str,
    state: Option<&OrderState>,
) -> Result<Effect, LifecycleError> {
    match document {
        Document::PurchaseOrder(po) => release(po, document_id, partner, state),
        Document::OrderResponse(response) => answer(response, document_id, partner, state),
        // Later lifecycle steps (changes, shipments, receipts, invoices) are stored and routed
        // without moving the order until their workflows land.
        _ => Ok(Effect::default()),
    }
}

fn release(
    po: &PurchaseOrder,
    document_id: &str,
    partner: &str,
    state: Option<&OrderState>,
) -> Result<Effect, LifecycleError> {
    if state.is_some() {
        return Err(LifecycleError::DuplicateOrder(po.po_number.clone()));
    }
    Ok(Effect {
        writes: vec![OrderWrite::Create {
            po_number: po.po_number.clone(),
            buyer: partner.to_owned(),
            status: RELEASED.into(),
            document_id: document_id.to_owned(),
            parties: vec![partner.to_owned()],
        }],
        events: vec![NewOrderEvent {
            po_number: po.po_number.clone(),
            event: "released".into(),
            status: RELEASED.into(),
            document_id: Some(document_id.to_owned()),
            detail: json!({"lines": po.lines.len(), "from": partner}),
        }],
        transition: Some((None, RELEASED.into(), po.po_number.clone())),
    })
}

fn answer(
    response: &OrderResponse,
    document_id: &str,
    partner: &str,
    state: Option<&OrderState>,
) -> Result<Effect, LifecycleError> {
    let po_number = &response.po_number;
    let state = state
        .filter(|s| s.parties.iter().any(|p| p == partner))
        .ok_or_else(|| LifecycleError::UnknownOrder(po_number.clone()))?;
    if !ANSWERABLE.contains(&state.status.as_str()) {
        return Err(LifecycleError::NotAnswerable {
            po_number: po_number.clone(),
            status: state.status.clone(),
        });
    }
    let to = match response.status {
        ResponseStatus::Accepted => ACCEPTED,
        ResponseStatus::AcceptedWithChanges => CHANGED,
        ResponseStatus::Rejected => REJECTED,
        ResponseStatus::Pending => ACKNOWLEDGED,
    };
    let lines: Vec<_> = response
        .lines
        .iter()
        .map(|l| json!({"line": l.line_number, "status": l.status, "quantity": l.quantity}))
        .collect();
    let mut writes = Vec::new();
    if state.status != to {
        writes.push(OrderWrite::Transition {
            po_number: po_number.clone(),
            from: state.status.clone(),
            to: to.into(),
        });
    }
    Ok(Effect {
        writes,
        events: vec![NewOrderEvent {
            po_number: po_number.clone(),
            event: "acknowledged".into(),
            status: to.into(),
            document_id: Some(document_id.to_owned()),
            detail: json!({
                "from": partner,
                "response_number": response.response_number,
                "response_status": response.status,
                "lines": lines,
            }),
        }],
        transition: Some((Some(state.status.clone()), to.into(), po_number.clone())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LineResponse, LineStatus};

    fn response(status: ResponseStatus) -> Document {
        Document::OrderResponse(OrderResponse {
            response_number: Some("R1".into()),
            po_number: "PO1".into(),
            change_number: None,
            status,
            status_code: None,
            currency: None,
            dates: vec![],
            parties: vec![],
            references: vec![],
            notes: vec![],
            lines: vec![LineResponse {
                line_number: "1".into(),
                status: LineStatus::Accepted,
                status_code: None,
                item_ids: vec![],
                quantity: None,
                price: None,
                dates: vec![],
                notes: vec![],
                extensions: vec![],
            }],
            extensions: vec![],
        })
    }

    fn state(status: &str) -> OrderState {
        OrderState {
            po_number: "PO1".into(),
            buyer: "erp".into(),
            status: status.into(),
            parties: vec!["erp".into(), "portal".into()],
        }
    }

    #[test]
    fn a_response_moves_a_sent_order() {
        let effect = apply(
            &response(ResponseStatus::AcceptedWithChanges),
            "d",
            "portal",
            Some(&state(SENT)),
        )
        .unwrap();
        assert!(
            matches!(&effect.writes[0], OrderWrite::Transition { from, to, .. } if from == SENT && to == CHANGED)
        );
        assert_eq!(effect.events[0].status, CHANGED);
    }

    #[test]
    fn responses_for_unknown_or_unshared_orders_are_refused() {
        let err = apply(&response(ResponseStatus::Accepted), "d", "portal", None).unwrap_err();
        assert_eq!(err.code(), "order.unknown");
        let err = apply(
            &response(ResponseStatus::Accepted),
            "d",
            "stranger",
            Some(&state(SENT)),
        )
        .unwrap_err();
        assert_eq!(err.code(), "order.unknown");
        let err = apply(
            &response(ResponseStatus::Accepted),
            "d",
            "portal",
            Some(&state("closed")),
        )
        .unwrap_err();
        assert_eq!(err.code(), "order.invalid_transition");
    }

    #[test]
    fn an_order_is_released_once() {
        let po: PurchaseOrder = serde_json::from_value(serde_json::json!({
            "po_number": "PO1", "order_type": null, "currency": null, "dates": [], "parties": [],
            "references": [], "payment_terms": null, "notes": [], "lines": [], "total": null, "extensions": []
        })).unwrap();
        let doc = Document::PurchaseOrder(po);
        assert!(apply(&doc, "d", "erp", None).is_ok());
        assert_eq!(
            apply(&doc, "d", "erp", Some(&state(RELEASED)))
                .unwrap_err()
                .code(),
            "order.duplicate"
        );
    }
}
