//! The order lifecycle: one status enum and one transition function. Which documents may move
//! an order from which status to which, and what is recorded when they do, is decided here
//! and only here; the store applies what this module returns.
//!
//! ```text
//! released ──delivered──▶ sent ──order response──▶ accepted | changed | rejected | acknowledged
//!     └──────────────order response─────────────────▲
//!
//! then, as its lines move (engine::workflow::order_status):
//! partially_shipped ▶ shipped ▶ partially_received ▶ received ▶ invoiced ▶ matched ▶ closed
//! (or cancelled, when the buyer cancels every line)
//! ```
//!
//! Up to the acknowledgment the status moves by [`transition`]; after it, it is the least
//! advanced stage of the order's live lines, so the status can never claim more than the
//! lines show.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::json;

use super::lines::{self, LineIssue};
use super::matching::LineMatch;
use super::workflow::{self, Context};
use crate::config::UnknownOrders;
use crate::model::{Document, OrderKey, OrderResponse, PurchaseOrder, ResponseStatus};
use crate::store::lines::{LineWrite, QualityHold};
use crate::store::orders::{NewOrderEvent, OrderState, OrderWrite};

/// The orders a message's documents name, as their sender may see them: for each PO number,
/// the orders under it the sender is a party of (its own, as buyer, among them). Another
/// buyer's order under the same number is not here, so it cannot be named, touched or told
/// apart from a number Wharf does not know.
pub type VisibleOrders = BTreeMap<String, Vec<OrderState>>;

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
    PartiallyShipped,
    Shipped,
    PartiallyReceived,
    Received,
    Invoiced,
    Matched,
    Closed,
    Cancelled,
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
            OrderStatus::PartiallyShipped => "partially_shipped",
            OrderStatus::Shipped => "shipped",
            OrderStatus::PartiallyReceived => "partially_received",
            OrderStatus::Received => "received",
            OrderStatus::Invoiced => "invoiced",
            OrderStatus::Matched => "matched",
            OrderStatus::Closed => "closed",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    pub const ALL: [OrderStatus; 14] = [
        OrderStatus::Released,
        OrderStatus::Sent,
        OrderStatus::Accepted,
        OrderStatus::Changed,
        OrderStatus::Rejected,
        OrderStatus::Acknowledged,
        OrderStatus::PartiallyShipped,
        OrderStatus::Shipped,
        OrderStatus::PartiallyReceived,
        OrderStatus::Received,
        OrderStatus::Invoiced,
        OrderStatus::Matched,
        OrderStatus::Closed,
        OrderStatus::Cancelled,
    ];

    pub fn parse(text: &str) -> Option<OrderStatus> {
        OrderStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Whether the order is still at (or before) its acknowledgment, where the supplier may
    /// answer (again) and the status moves by [`transition`].
    pub fn is_acknowledgment(self) -> bool {
        matches!(
            self,
            OrderStatus::Released
                | OrderStatus::Sent
                | OrderStatus::Accepted
                | OrderStatus::Changed
                | OrderStatus::Rejected
                | OrderStatus::Acknowledged
        )
    }
}

/// A step of the order's life for the audit chain (see [`crate::audit::AuditEvent::WorkflowStep`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub step: &'static str,
    pub order: Option<OrderKey>,
    pub detail: serde_json::Value,
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
    /// The supplier's translator refused the purchase order we sent (a 997/999/CONTRL
    /// rejection): it never reached the supplier's system, so the order is not sent.
    TransmissionRejected,
}

/// A document the order's state does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LifecycleError {
    #[error("order {0} already exists; send an order change to modify it")]
    DuplicateOrder(String),
    #[error("order {0} is not known to Wharf (or not shared with this partner)")]
    UnknownOrder(String),
    #[error(
        "PO number {po_number} names orders of several buyers shared with this partner \
         ({}); the document's routes do not say which",
        buyers.join(", ")
    )]
    AmbiguousOrder {
        po_number: String,
        buyers: Vec<String>,
    },
    #[error("order {po_number} is {status}; an order response is not accepted in that status")]
    NotAnswerable { po_number: String, status: String },
}

impl LifecycleError {
    pub fn code(&self) -> &'static str {
        match self {
            LifecycleError::DuplicateOrder(_) => "order.duplicate",
            LifecycleError::UnknownOrder(_) => "order.unknown",
            LifecycleError::AmbiguousOrder { .. } => "order.ambiguous",
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
        // Back to released: it must be corrected and sent again (a replay's delivery moves
        // it to sent once more); an order the supplier answered already stays answered.
        (Some(Sent), OrderEvent::TransmissionRejected) => Some(Released),
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

/// What a document does to the orders it concerns.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Effect {
    pub writes: Vec<OrderWrite>,
    pub events: Vec<NewOrderEvent>,
    /// `(from, to, order)` when the order's status changes, for the audit entry.
    pub transition: Option<(Option<OrderStatus>, OrderStatus, OrderKey)>,
    /// Lines, matches and holds to write.
    pub line_writes: Vec<LineWrite>,
    /// Steps for the audit chain beside the transition.
    pub steps: Vec<Step>,
    /// What the document asked of lines that their order does not allow.
    pub issues: Vec<(OrderKey, LineIssue)>,
    /// Invoice lines held or blocked by the match.
    pub mismatches: Vec<(OrderKey, LineMatch)>,
    /// Quality holds in force over what the document carries.
    pub quality_held: Vec<QualityHold>,
    /// What holds the document's deliveries back ([`crate::store::lines`]).
    pub holds: Vec<String>,
}

/// Decides the effect of `document`, sent by `partner`, given the current `state` of the
/// order it concerns and of every order it names (`named`, its own among them).
pub fn apply(
    document: &Document,
    document_id: &str,
    partner: &str,
    state: Option<&OrderState>,
    named: &[&OrderState],
    ctx: Context<'_>,
) -> Result<Effect, LifecycleError> {
    let mut effect = match document {
        Document::PurchaseOrder(po) => release(po, document_id, partner, state)?,
        Document::OrderResponse(response) => answer(response, document_id, partner, state)?,
        Document::FunctionalAck(_) | Document::Supplier(_) => Effect::default(),
        _ => workflow::follow(document, document_id, partner, named, ctx),
    };
    // Every write to lines is in the audit chain with the lines as they are after it, so
    // the chain alone tells each line's story.
    let moved: Vec<Step> = effect
        .line_writes
        .iter()
        .filter_map(|write| match write {
            LineWrite::Lines { key, lines, .. } if !lines.is_empty() => Some(Step {
                step: "lines_moved",
                order: Some(key.clone()),
                detail: serde_json::json!({"doc_type": document.doc_type(), "lines": lines}),
            }),
            _ => None,
        })
        .collect();
    effect.steps.splice(0..0, moved);
    Ok(effect)
}

/// Every order `document`, sent by `partner`, names that it may name, in the document's PO
/// order (each once); numbers it has no order under are left out.
pub fn resolve_all<'a>(
    document: &Document,
    partner: &str,
    visible: &'a VisibleOrders,
    routed_to: &[&str],
) -> Vec<&'a OrderState> {
    let mut found: Vec<&OrderState> = Vec::new();
    for po_number in document.po_numbers() {
        let under: Vec<&OrderState> = visible
            .get(po_number)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter(|o| o.is_party(partner))
            .collect();
        let chosen = match under.as_slice() {
            [one] => Some(*one),
            several => several
                .iter()
                .copied()
                .find(|o| routed_to.contains(&o.key.buyer.as_str())),
        };
        if let Some(order) = chosen
            && !found.iter().any(|f| f.key == order.key)
        {
            found.push(order);
        }
    }
    found
}

/// Which order `document`, sent by `partner`, concerns (the order under its first PO number),
/// checking every PO number it names.
///
/// A purchase order concerns the sender's own order under its number (a second release of it
/// is a duplicate; another buyer's order under the same number is another order). Every other
/// document names orders the sender must be a party of: an order response always, the others
/// unless their agreement routes unknown orders (`unknown_orders = "route"`), in which case a
/// number the sender has no order under is attached to nothing. When several buyers' orders
/// under one number are shared with the sender, the one whose buyer this document is routed
/// to is meant (`routed_to`: the partners of the document's destinations).
pub fn resolve<'a>(
    document: &Document,
    partner: &str,
    visible: &'a VisibleOrders,
    unknown: UnknownOrders,
    routed_to: &[&str],
) -> Result<Option<&'a OrderState>, LifecycleError> {
    let candidates = |po: &str| visible.get(po).map(Vec::as_slice).unwrap_or_default();
    if let Document::PurchaseOrder(po) = document {
        return Ok(candidates(&po.po_number)
            .iter()
            .find(|o| o.key.buyer == partner));
    }
    let must_be_known =
        matches!(document, Document::OrderResponse(_)) || unknown == UnknownOrders::Refuse;
    let mut first = None;
    for (position, po_number) in document.po_numbers().into_iter().enumerate() {
        let mut found: Vec<&OrderState> = candidates(po_number)
            .iter()
            .filter(|o| o.is_party(partner))
            .collect();
        if found.len() > 1 {
            let routed: Vec<&OrderState> = found
                .iter()
                .copied()
                .filter(|o| routed_to.contains(&o.key.buyer.as_str()))
                .collect();
            if !routed.is_empty() {
                found = routed;
            }
        }
        let order = match found.as_slice() {
            [] if must_be_known => return Err(LifecycleError::UnknownOrder(po_number.to_owned())),
            [] => None,
            [one] => Some(*one),
            _ => {
                return Err(LifecycleError::AmbiguousOrder {
                    po_number: po_number.to_owned(),
                    buyers: found.iter().map(|o| o.key.buyer.clone()).collect(),
                });
            }
        };
        if position == 0 {
            first = order;
        }
    }
    Ok(first)
}

/// The order write and history entry a successful delivery makes: a delivered purchase order
/// marks its order sent, if it has not moved on already.
pub fn delivered(
    doc_type: &str,
    order: &OrderKey,
    detail: serde_json::Value,
) -> (NewOrderEvent, Option<OrderWrite>) {
    let advance = (doc_type == "purchase_order").then(|| OrderWrite::Advance {
        key: order.clone(),
        from: OrderStatus::Released.as_str().into(),
        to: transition(Some(OrderStatus::Released), OrderEvent::Delivered)
            .unwrap_or(OrderStatus::Sent)
            .as_str()
            .into(),
    });
    (
        NewOrderEvent {
            order: order.clone(),
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
    let key = OrderKey::new(partner, po.po_number.clone());
    let opened: Vec<_> = lines::open(po).into_values().collect();
    Ok(Effect {
        writes: vec![OrderWrite::Create {
            key: key.clone(),
            status: to.as_str().into(),
            document_id: document_id.to_owned(),
            parties: vec![partner.to_owned()],
        }],
        line_writes: vec![LineWrite::Lines {
            key: key.clone(),
            version: 0,
            status: to.as_str().into(),
            lines: opened,
        }],
        events: vec![NewOrderEvent {
            order: key.clone(),
            event: "released".into(),
            status: to.as_str().into(),
            document_id: Some(document_id.to_owned()),
            detail: json!({"lines": po.lines.len(), "from": partner}),
        }],
        transition: Some((None, to, key)),
        ..Effect::default()
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
        .filter(|s| s.is_party(partner))
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
    // The answer's lines and the status move together, fenced on the order's version.
    let confirmed = lines::confirm(&state.lines, response);
    // An answer rejecting the last live line rejects the order, whatever its header says.
    let mut after = state.lines.clone();
    for line in &confirmed.changed {
        after.insert(line.line_number.clone(), line.clone());
    }
    let to = workflow::order_status(to, &after);
    let line_writes = vec![LineWrite::Lines {
        key: state.key.clone(),
        version: state.version,
        status: to.as_str().into(),
        lines: confirmed.changed,
    }];
    Ok(Effect {
        line_writes,
        issues: confirmed
            .issues
            .into_iter()
            .map(|i| (state.key.clone(), i))
            .collect(),
        events: vec![NewOrderEvent {
            order: state.key.clone(),
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
        transition: Some((from, to, state.key.clone())),
        ..Effect::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::matching::MatchSettings;
    use crate::model::{LineResponse, LineStatus};

    /// `apply` for a document naming at most the one order it concerns.
    fn decide_alone(
        document: &Document,
        document_id: &str,
        partner: &str,
        state: Option<&OrderState>,
    ) -> Result<Effect, LifecycleError> {
        let matching = MatchSettings::default();
        let named: Vec<&OrderState> = state.into_iter().collect();
        let ctx = Context {
            matching: &matching,
            holds: &[],
            message_id: "m",
        };
        apply(document, document_id, partner, state, &named, ctx)
    }

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
        state_of("erp", status, &["erp", "portal"])
    }

    fn state_of(buyer: &str, status: &str, parties: &[&str]) -> OrderState {
        OrderState::new(
            OrderKey::new(buyer, "PO1"),
            status,
            parties.iter().map(|p| p.to_string()).collect(),
        )
    }

    fn notice() -> Document {
        serde_json::from_value(serde_json::json!({"ShipNotice": {
            "shipment_id": "S1", "structure": null, "purpose": null, "dates": [],
            "parties": [], "references": [], "carrier": null, "gross_weight": null,
            "package_count": null, "notes": [], "extensions": [],
            "orders": [{"po_number": "PO1", "references": [], "dates": [], "packs": [],
                "items": []}]
        }}))
        .unwrap()
    }

    #[test]
    fn a_response_moves_a_sent_order() {
        let effect = decide_alone(
            &response(ResponseStatus::AcceptedWithChanges),
            "d",
            "portal",
            Some(&state("sent")),
        )
        .unwrap();
        assert!(
            matches!(&effect.line_writes[0], LineWrite::Lines { status, version: 0, .. } if status == "changed")
        );
        assert_eq!(
            effect.transition.as_ref().map(|(from, to, _)| (*from, *to)),
            Some((Some(OrderStatus::Sent), OrderStatus::Changed))
        );
        assert_eq!(effect.events[0].status, "changed");
    }

    #[test]
    fn responses_for_unknown_or_unshared_orders_are_refused() {
        let err =
            decide_alone(&response(ResponseStatus::Accepted), "d", "portal", None).unwrap_err();
        assert_eq!(err.code(), "order.unknown");
        let err = decide_alone(
            &response(ResponseStatus::Accepted),
            "d",
            "stranger",
            Some(&state("sent")),
        )
        .unwrap_err();
        assert_eq!(err.code(), "order.unknown");
        let err = decide_alone(
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
        let visible: VisibleOrders = [("PO1".to_owned(), vec![state("sent")])].into();
        let found = resolve(&notice(), "portal", &visible, UnknownOrders::Refuse, &[]).unwrap();
        assert_eq!(found.map(|o| o.key.buyer.as_str()), Some("erp"));
        // What the stranger may see holds no order PO1; the refusal is the one it would get
        // for a number Wharf never heard of.
        let theirs = VisibleOrders::new();
        let err = resolve(&notice(), "stranger", &theirs, UnknownOrders::Refuse, &[]).unwrap_err();
        assert_eq!(err.code(), "order.unknown");
        assert_eq!(
            err.to_string(),
            LifecycleError::UnknownOrder("PO1".into()).to_string()
        );
        // An agreement that routes unknown orders attaches the document to nothing.
        assert_eq!(
            resolve(&notice(), "stranger", &theirs, UnknownOrders::Route, &[]).unwrap(),
            None
        );
        // An order response always needs its order.
        let err = resolve(
            &response(ResponseStatus::Accepted),
            "stranger",
            &theirs,
            UnknownOrders::Route,
            &[],
        )
        .unwrap_err();
        assert_eq!(err.code(), "order.unknown");
    }

    #[test]
    fn two_buyers_may_use_one_number_and_each_release_is_its_own_order() {
        let po: Document = serde_json::from_value(serde_json::json!({"PurchaseOrder": {
            "po_number": "PO1", "order_type": null, "currency": null, "dates": [], "parties": [],
            "references": [], "payment_terms": null, "notes": [], "lines": [], "total": null,
            "extensions": []
        }}))
        .unwrap();
        // The supplier is a party of erp's PO1; its own release of PO1 is a new order.
        let visible: VisibleOrders = [("PO1".to_owned(), vec![state("sent")])].into();
        assert_eq!(
            resolve(&po, "portal", &visible, UnknownOrders::Refuse, &[]).unwrap(),
            None
        );
        let effect = decide_alone(&po, "d", "portal", None).unwrap();
        assert!(
            matches!(&effect.writes[0], OrderWrite::Create { key, .. } if key == &OrderKey::new("portal", "PO1"))
        );
        // erp's own second release of PO1 is its duplicate.
        let own = resolve(&po, "erp", &visible, UnknownOrders::Refuse, &[]).unwrap();
        assert_eq!(
            decide_alone(&po, "d", "erp", own).unwrap_err().code(),
            "order.duplicate"
        );
    }

    #[test]
    fn a_number_shared_by_two_buyers_resolves_by_the_documents_route() {
        let visible: VisibleOrders = [(
            "PO1".to_owned(),
            vec![
                state_of("erp-a", "sent", &["erp-a", "portal"]),
                state_of("erp-b", "sent", &["erp-b", "portal"]),
            ],
        )]
        .into();
        let found = resolve(
            &notice(),
            "portal",
            &visible,
            UnknownOrders::Refuse,
            &["erp-b"],
        )
        .unwrap();
        assert_eq!(found.map(|o| o.key.buyer.as_str()), Some("erp-b"));
        let err = resolve(&notice(), "portal", &visible, UnknownOrders::Refuse, &[]).unwrap_err();
        assert_eq!(err.code(), "order.ambiguous");
        assert!(err.to_string().contains("erp-a, erp-b"), "{err}");
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
        let (event, advance) = delivered(
            "order_response",
            &OrderKey::new("erp", "PO1"),
            serde_json::Value::Null,
        );
        assert!(advance.is_none());
        assert_eq!(event.event, "order_response_delivered");
    }

    #[test]
    fn statuses_round_trip_through_their_names() {
        for status in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(OrderStatus::parse("lost"), None);
    }

    #[test]
    fn an_order_is_released_once() {
        let po: PurchaseOrder = serde_json::from_value(serde_json::json!({
            "po_number": "PO1", "order_type": null, "currency": null, "dates": [], "parties": [],
            "references": [], "payment_terms": null, "notes": [], "lines": [], "total": null, "extensions": []
        })).unwrap();
        let doc = Document::PurchaseOrder(po);
        assert!(decide_alone(&doc, "d", "erp", None).is_ok());
        assert_eq!(
            decide_alone(&doc, "d", "erp", Some(&state("released")))
                .unwrap_err()
                .code(),
            "order.duplicate"
        );
    }
}
