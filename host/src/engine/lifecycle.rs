//! The order lifecycle: one status enum and one transition function. Which documents may move
//! an order from which status to which, and what is recorded when they do, is decided here
//! and only here; the store applies what this module returns.
//!
//! ```text
//! released ──delivered──▶ sent ──order response──▶ accepted | changed | rejected | acknowledged
//!     └──────────────order response─────────────────▲
//! ```

use serde::Serialize;
use serde_json::json;

use crate::model::{Document, OrderResponse, PurchaseOrder, ResponseStatus};
use crate::store::orders::{NewOrderEvent, OrderState, OrderWrite};

/// Where an order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Released,
    Sent,
    Accepted,
    Changed,
    Rejected,
    /// Acknowledged without a decision yet.
    Acknowledged,
}

impl OrderStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Released => "released",
            OrderStatus::Sent => "sent",
            OrderStatus::Accepted => "accepted",
            OrderStatus::Changed => "changed",
            OrderStatus::Rejected => "rejected",
            OrderStatus::Acknowledged => "acknowledged",
        }
    }

    pub fn parse(text: &str) -> Option<OrderStatus> {
        [
            OrderStatus::Released,
            OrderStatus::Sent,
            OrderStatus::Accepted,
            OrderStatus::Changed,
            OrderStatus::Rejected,
            OrderStatus::Acknowledged,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// What happens to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderEvent {
    /// The buyer released the purchase order.
    Released,
    /// The purchase order reached the supplier's side.
    Delivered,
    /// The supplier answered with an order response.
    Answered(ResponseStatus),
}

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

/// The one transition function: the status after `event` from `from` (`None`: no order yet),
/// or `None` when the event does not apply there.
pub fn transition(from: Option<OrderStatus>, event: OrderEvent) -> Option<OrderStatus> {
    use OrderStatus::*;
    match (from, event) {
        (None, OrderEvent::Released) => Some(Released),
        (Some(Released), OrderEvent::Delivered) => Some(Sent),
        // A supplier may answer (again) until the order moves past acknowledgment.
        (
            Some(Released | Sent | Accepted | Changed | Rejected | Acknowledged),
            OrderEvent::Answered(status),
        ) => Some(match status {
            ResponseStatus::Accepted => Accepted,
            ResponseStatus::AcceptedWithChanges => Changed,
            ResponseStatus::Rejected => Rejected,
            ResponseStatus::Pending => Acknowledged,
        }),
        _ => None,
    }
}

/// What a document does to the order it concerns.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Effect {
    pub writes: Vec<OrderWrite>,
    pub events: Vec<NewOrderEvent>,
    /// `(from, to, po_number)` when the order's status changes, for the audit entry.
    pub transition: Option<(Option<OrderStatus>, OrderStatus, String)>,
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

/// Checks that a document naming purchase orders (a change, ship notice, receipt, invoice,
/// quality notification) comes from a partner each named order is shared with. A PO number
/// belongs to its buyer: a partner who is not a party of the order under that number may not
/// attach anything to it, and is told exactly what it would be told of a number Wharf does not
/// know. Orders not in `orders` are unknown to Wharf and pass here (their documents are stored
/// and routed, attached to nothing).
pub fn check_parties(
    document: &Document,
    partner: &str,
    orders: &std::collections::BTreeMap<String, OrderState>,
) -> Result<(), LifecycleError> {
    if matches!(
        document,
        Document::PurchaseOrder(_) | Document::OrderResponse(_)
    ) {
        // Releasing checks duplicates and answering checks parties, in their own rules.
        return Ok(());
    }
    for po_number in document.po_numbers() {
        if let Some(state) = orders.get(po_number)
            && !state.parties.iter().any(|p| p == partner)
        {
            return Err(LifecycleError::UnknownOrder(po_number.to_owned()));
        }
    }
    Ok(())
}

/// The order write and history entry a successful delivery makes: a delivered purchase order
/// marks its order sent, if it has not moved on already.
pub fn delivered(
    doc_type: &str,
    po_number: &str,
    detail: serde_json::Value,
) -> (NewOrderEvent, Option<OrderWrite>) {
    let advance = (doc_type == "purchase_order").then(|| OrderWrite::Advance {
        po_number: po_number.to_owned(),
        from: OrderStatus::Released.as_str().into(),
        to: transition(Some(OrderStatus::Released), OrderEvent::Delivered)
            .unwrap_or(OrderStatus::Sent)
            .as_str()
            .into(),
    });
    (
        NewOrderEvent {
            po_number: po_number.to_owned(),
            event: format!("{doc_type}_delivered"),
            // The status as it stands after the write: a response may have overtaken it.
            status: String::new(),
            document_id: None,
            detail,
        },
        advance,
    )
}

fn release(
    po: &PurchaseOrder,
    document_id: &str,
    partner: &str,
    state: Option<&OrderState>,
) -> Result<Effect, LifecycleError> {
    let to = match state {
        Some(_) => None,
        None => transition(None, OrderEvent::Released),
    }
    .ok_or_else(|| LifecycleError::DuplicateOrder(po.po_number.clone()))?;
    Ok(Effect {
        writes: vec![OrderWrite::Create {
            po_number: po.po_number.clone(),
            buyer: partner.to_owned(),
            status: to.as_str().into(),
            document_id: document_id.to_owned(),
            parties: vec![partner.to_owned()],
        }],
        events: vec![NewOrderEvent {
            po_number: po.po_number.clone(),
            event: "released".into(),
            status: to.as_str().into(),
            document_id: Some(document_id.to_owned()),
            detail: json!({"lines": po.lines.len(), "from": partner}),
        }],
        transition: Some((None, to, po.po_number.clone())),
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
    let from = OrderStatus::parse(&state.status);
    let to = transition(from, OrderEvent::Answered(response.status)).ok_or_else(|| {
        LifecycleError::NotAnswerable {
            po_number: po_number.clone(),
            status: state.status.clone(),
        }
    })?;
    let lines: Vec<_> = response
        .lines
        .iter()
        .map(|l| json!({"line": l.line_number, "status": l.status, "quantity": l.quantity}))
        .collect();
    let mut writes = Vec::new();
    if state.status != to.as_str() {
        writes.push(OrderWrite::Transition {
            po_number: po_number.clone(),
            from: state.status.clone(),
            to: to.as_str().into(),
        });
    }
    Ok(Effect {
        writes,
        events: vec![NewOrderEvent {
            po_number: po_number.clone(),
            event: "acknowledged".into(),
            status: to.as_str().into(),
            document_id: Some(document_id.to_owned()),
            detail: json!({
                "from": partner,
                "response_number": response.response_number,
                "response_status": response.status,
                "lines": lines,
            }),
        }],
        transition: Some((from, to, po_number.clone())),
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

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
            Some(&state("sent")),
        )
        .unwrap();
        assert!(
            matches!(&effect.writes[0], OrderWrite::Transition { from, to, .. } if from == "sent" && to == "changed")
        );
        assert_eq!(effect.events[0].status, "changed");
    }

    #[test]
    fn responses_for_unknown_or_unshared_orders_are_refused() {
        let err = apply(&response(ResponseStatus::Accepted), "d", "portal", None).unwrap_err();
        assert_eq!(err.code(), "order.unknown");
        let err = apply(
            &response(ResponseStatus::Accepted),
            "d",
            "stranger",
            Some(&state("sent")),
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
    fn only_an_orders_parties_may_name_it_in_later_documents() {
        let notice: Document = serde_json::from_value(serde_json::json!({"ShipNotice": {
            "shipment_id": "S1", "structure": null, "purpose": null, "dates": [],
            "parties": [], "references": [], "carrier": null, "gross_weight": null,
            "package_count": null, "notes": [], "extensions": [],
            "orders": [{"po_number": "PO1", "references": [], "dates": [], "packs": [],
                "items": []}]
        }}))
        .unwrap();
        let orders = [("PO1".to_owned(), state("sent"))].into();
        assert!(check_parties(&notice, "portal", &orders).is_ok());
        let err = check_parties(&notice, "stranger", &orders).unwrap_err();
        assert_eq!(err.code(), "order.unknown");
        // A number Wharf does not know is attached to nothing, so it is not refused here.
        assert!(check_parties(&notice, "stranger", &BTreeMap::new()).is_ok());
    }

    #[test]
    fn only_a_released_order_is_marked_sent_by_a_delivery() {
        assert_eq!(
            transition(Some(OrderStatus::Released), OrderEvent::Delivered),
            Some(OrderStatus::Sent)
        );
        assert_eq!(
            transition(Some(OrderStatus::Accepted), OrderEvent::Delivered),
            None
        );
        assert_eq!(transition(None, OrderEvent::Delivered), None);
        let (event, advance) = delivered("order_response", "PO1", serde_json::Value::Null);
        assert!(advance.is_none());
        assert_eq!(event.event, "order_response_delivered");
    }

    #[test]
    fn statuses_round_trip_through_their_names() {
        for status in [
            OrderStatus::Released,
            OrderStatus::Sent,
            OrderStatus::Accepted,
            OrderStatus::Changed,
            OrderStatus::Rejected,
            OrderStatus::Acknowledged,
        ] {
            assert_eq!(OrderStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(OrderStatus::parse("closed"), None);
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
            apply(&doc, "d", "erp", Some(&state("released")))
                .unwrap_err()
                .code(),
            "order.duplicate"
        );
    }
}
