//! Property: any sequence of documents for one order — answers, buyer changes, ship notices,
//! receipts, invoices and quality notifications, sensible or not, from the supplier, the
//! buyer or a warehouse — never leaves the order in an illegal state, and the state rebuilt
//! from the audit trail the decisions wrote equals the state their writes left.
//!
//! The store's part is played by [`Replica`], which applies [`LineWrite`]s as the store does
//! (fenced on the version the decision read); the audit trail is the steps and transitions
//! the decisions hand the store to append.

use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::lifecycle::{self, OrderStatus};
use super::lines::{LineStage, Lines, with_tolerance};
use super::workflow::{self, Context};
use crate::config::matching::{BreachAction, MatchSettings, ToleranceRule};
use crate::model::{Document, OrderKey};
use crate::store::lines::{HeldMatch, LineWrite, QualityHold};
use crate::store::orders::OrderState;

/// One document of the sequence; line 3 is one the order does not have.
#[derive(Debug, Clone)]
enum Doc {
    Answer {
        line: usize,
        status: usize,
        quantity: u32,
    },
    Change {
        line: usize,
        cancel: bool,
        quantity: u32,
    },
    Ship {
        line: usize,
        quantity: u32,
    },
    Receive {
        line: usize,
        quantity: u32,
        rejected: u32,
    },
    Invoice {
        line: usize,
        quantity: u32,
        cents: u32,
    },
    Quality {
        release: bool,
    },
}

fn doc() -> impl Strategy<Value = Doc> {
    prop_oneof![
        (0..4usize, 0..4usize, 0..25u32).prop_map(|(line, status, quantity)| Doc::Answer {
            line,
            status,
            quantity
        }),
        (0..4usize, any::<bool>(), 1..25u32).prop_map(|(line, cancel, quantity)| Doc::Change {
            line,
            cancel,
            quantity
        }),
        (0..4usize, 1..15u32).prop_map(|(line, quantity)| Doc::Ship { line, quantity }),
        (0..4usize, 1..15u32, 0..20u32).prop_map(|(line, quantity, rejected)| Doc::Receive {
            line,
            quantity,
            rejected
        }),
        (0..4usize, 1..15u32, 900..1200u32).prop_map(|(line, quantity, cents)| Doc::Invoice {
            line,
            quantity,
            cents
        }),
        any::<bool>().prop_map(|release| Doc::Quality { release }),
    ]
}

const LINES: [&str; 4] = ["10", "20", "30", "99"];

fn line_number(line: usize) -> &'static str {
    LINES[line]
}

fn document(n: usize, doc: &Doc) -> (&'static str, Document) {
    let q = |v: u32| json!({"value": v.to_string(), "unit": "EA"});
    let (sender, body): (&str, Value) = match doc {
        Doc::Answer {
            line,
            status,
            quantity,
        } => {
            let status = ["Accepted", "Changed", "Rejected", "Pending"][*status];
            (
                "portal",
                json!({"OrderResponse": {"response_number": format!("R{n}"), "po_number": "PO1",
            "change_number": null, "status": "AcceptedWithChanges", "status_code": null,
            "currency": null, "dates": [], "parties": [], "references": [], "notes": [],
            "extensions": [], "lines": [{"line_number": line_number(*line),
                "status": status,
                "status_code": null, "item_ids": [], "quantity": q(*quantity), "price": null,
                "dates": [], "notes": [], "extensions": []}]}}),
            )
        }
        Doc::Change {
            line,
            cancel,
            quantity,
        } => (
            "erp",
            json!({"OrderChange": {"change_number": format!("C{n}"), "po_number": "PO1",
            "kind": "Update", "revision": null, "currency": null, "dates": [], "parties": [],
            "references": [], "notes": [], "extensions": [],
            "lines": [{"change": if *cancel { "Cancel" } else { "ChangeQuantity" },
                "change_code": null, "line": order_line(line_number(*line), *quantity)}]}}),
        ),
        Doc::Ship { line, quantity } => (
            "portal",
            json!({"ShipNotice": {"shipment_id": format!("S{n}"), "structure": null,
            "purpose": null, "dates": [], "parties": [], "references": [], "carrier": null,
            "gross_weight": null, "package_count": null, "notes": [], "extensions": [],
            "orders": [{"po_number": "PO1", "references": [], "dates": [], "packs": [],
                "items": [{"line_number": "1", "order_line": line_number(*line),
                    "item_ids": [], "description": null, "quantity": q(*quantity),
                    "ordered": null, "lots": [], "serials": [], "extensions": []}]}]}}),
        ),
        Doc::Receive {
            line,
            quantity,
            rejected,
        } => (
            "warehouse",
            json!({"GoodsReceipt": {"receipt_number": format!("G{n}"), "shipment_id": null,
            "dates": [], "parties": [], "references": [], "extensions": [],
            "lines": [{"line_number": "1", "po_number": "PO1",
                "order_line": line_number(*line), "item_ids": [], "received": q(*quantity),
                "rejected": q(*rejected), "lots": [], "location": null,
                "extensions": []}]}}),
        ),
        Doc::Invoice {
            line,
            quantity,
            cents,
        } => (
            "portal",
            json!({"Invoice": {"invoice_number": format!("I{n}"), "kind": "Invoice",
            "po_numbers": ["PO1"], "currency": "EUR", "dates": [], "parties": [],
            "references": [], "payment_terms": null, "taxes": [], "allowances_charges": [],
            "notes": [], "extensions": [],
            "totals": {"subtotal": null, "tax": null, "allowances_charges": null,
                "total": {"amount": "0", "currency": "EUR"}, "due": null},
            "lines": [{"line_number": "1", "po_number": "PO1",
                "order_line": line_number(*line), "item_ids": [], "description": null,
                "quantity": q(*quantity),
                "unit_price": {"amount": format!("{}.{:02}", cents / 100, cents % 100),
                    "currency": "EUR", "basis": null},
                "amount": null, "taxes": [], "allowances_charges": [], "extensions": []}]}}),
        ),
        Doc::Quality { release } => (
            "erp",
            json!({"QualityNotification": {"notification_number": "Q1",
            "action": if *release { "Release" } else { "Hold" }, "po_number": "PO1",
            "item_ids": [{"scheme": "buyer", "value": "P-10"}], "lots": [], "quantity": null,
            "defects": [], "dates": [], "parties": [], "notes": [], "extensions": []}}),
        ),
    };
    (
        sender,
        serde_json::from_value(body).expect("a canonical document"),
    )
}

fn order_line(number: &str, quantity: u32) -> Value {
    json!({"line_number": number, "parent_line": null,
        "item_ids": [{"scheme": "buyer", "value": format!("P-{number}")}], "description": null,
        "quantity": {"value": quantity.to_string(), "unit": "EA"},
        "price": {"amount": "10.00", "currency": "EUR", "basis": null}, "schedule": [],
        "dates": [], "references": [], "notes": [], "extensions": []})
}

/// The store's part: the order's rows, the holds, and the audit trail as appended.
struct Replica {
    order: OrderState,
    holds: Vec<QualityHold>,
    audit: Vec<(&'static str, Value)>,
}

impl Replica {
    fn apply(&mut self, write: &LineWrite, partner: &str) {
        match write {
            LineWrite::Lines {
                version,
                status,
                lines,
                ..
            } => {
                assert_eq!(
                    *version, self.order.version,
                    "a write fenced on a stale version"
                );
                self.order.version += 1;
                self.order.status = status.clone();
                for line in lines {
                    self.order
                        .lines
                        .insert(line.line_number.clone(), line.clone());
                }
            }
            LineWrite::Matches {
                document_id,
                invoice_number,
                matches,
                ..
            } => {
                // The store reads every line of an invoice that still waits.
                let waiting = matches.iter().any(|m| m.result.is_waiting());
                for m in matches.iter().filter(|_| waiting) {
                    self.order.held.push(HeldMatch {
                        document_id: document_id.clone(),
                        partner: partner.to_owned(),
                        invoice_number: invoice_number.clone(),
                        line: m.clone(),
                    });
                }
            }
            LineWrite::Cleared {
                document_id,
                matched,
            }
            | LineWrite::Released {
                document_id,
                released: matched,
            } => {
                for h in self.order.held.iter_mut().filter(|h| {
                    h.document_id == *document_id && h.line.invoice_line == matched.invoice_line
                }) {
                    h.line = matched.clone();
                }
                let still = |id: &str, held: &[HeldMatch]| {
                    held.iter()
                        .any(|h| h.document_id == id && h.line.result.is_waiting())
                };
                if !still(document_id, &self.order.held) {
                    self.order.held.retain(|h| h.document_id != *document_id);
                }
            }
            LineWrite::PlaceHold(hold) => self.holds.push(hold.clone()),
            LineWrite::ReleaseHolds {
                placed_by,
                notification,
                ..
            } => self
                .holds
                .retain(|h| !(h.placed_by == *placed_by && h.notification == *notification)),
        }
    }
}

fn settings() -> MatchSettings {
    MatchSettings {
        rules: vec![ToleranceRule {
            name: "rule".into(),
            price_percent: Some(Decimal::new(5, 0)),
            quantity_percent: Decimal::ZERO,
            on_price: BreachAction::Block,
            ..ToleranceRule::strict()
        }],
        delivery_tolerance_percent: Decimal::new(10, 0),
        finance_agreements: Default::default(),
    }
}

/// What no sequence may produce.
fn check_legal(before: &Lines, after: &Lines, matching: &MatchSettings) {
    for (number, line) in after {
        assert!(line.matched <= line.invoiced, "line {number}: {line:?}");
        for q in [
            line.shipped,
            line.received,
            line.rejected,
            line.invoiced,
            line.matched,
        ] {
            assert!(q >= Decimal::ZERO, "line {number}: {line:?}");
        }
        assert!(line.rejected <= line.received, "line {number}: {line:?}");
        assert!(
            line.shipped <= with_tolerance(line.due(), matching.delivery_tolerance_percent)
                || before
                    .get(number)
                    .is_some_and(|b| b.shipped == line.shipped),
            "line {number} shipped beyond tolerance: {line:?}"
        );
        if let Some(was) = before.get(number)
            && matches!(was.stage(), LineStage::Cancelled)
        {
            // A cancelled line takes nothing more.
            assert_eq!(
                (line.shipped, line.received, line.invoiced),
                (was.shipped, was.received, was.invoiced),
                "line {number} moved after cancellation"
            );
        }
        if let Some(was) = before.get(number)
            && matches!(was.stage(), LineStage::Rejected)
        {
            assert_eq!(
                (line.shipped, line.received, line.invoiced),
                (was.shipped, was.received, was.invoiced),
                "line {number} moved after rejection"
            );
        }
    }
}

fn rebuild(audit: &[(&'static str, Value)]) -> (Lines, Option<String>) {
    let mut lines = Lines::new();
    let mut status = None;
    for (step, detail) in audit {
        match *step {
            "lines_moved" => {
                for line in detail["lines"].as_array().unwrap() {
                    let line: super::lines::LineState =
                        serde_json::from_value(line.clone()).unwrap();
                    lines.insert(line.line_number.clone(), line);
                }
            }
            "order_transition" => status = detail["to"].as_str().map(str::to_owned),
            _ => {}
        }
    }
    (lines, status)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn no_document_sequence_reaches_an_illegal_state(docs in prop::collection::vec(doc(), 1..40)) {
        let matching = settings();
        let key = OrderKey::new("erp", "PO1");
        let po: Document = serde_json::from_value(json!({"PurchaseOrder": {
            "po_number": "PO1", "order_type": null, "currency": "EUR", "dates": [],
            "parties": [], "references": [], "payment_terms": null, "notes": [],
            "lines": [order_line("10", 10), order_line("20", 20), order_line("30", 5)],
            "total": null, "extensions": []}})).unwrap();
        let ctx = |holds: &[QualityHold]| -> (MatchSettings, Vec<QualityHold>) {
            (matching.clone(), holds.to_vec())
        };
        let mut replica = Replica {
            order: OrderState::new(key.clone(), "", vec!["erp".into(), "portal".into(), "warehouse".into()]),
            holds: Vec::new(),
            audit: Vec::new(),
        };
        let released = lifecycle::apply(&po, "d0", "erp", None, &[], Context {
            matching: &matching, holds: &[], message_id: "m0" }).unwrap();
        let record = |replica: &mut Replica, effect: &lifecycle::Effect, partner: &str| {
            for write in &effect.line_writes {
                replica.apply(write, partner);
            }
            for step in &effect.steps {
                replica.audit.push((step.step, step.detail.clone()));
            }
            if let Some((_, to, _)) = &effect.transition {
                replica.audit.push(("order_transition", json!({"to": to.as_str()})));
            }
        };
        record(&mut replica, &released, "erp");
        for (n, d) in docs.iter().enumerate() {
            let (partner, document) = document(n + 1, d);
            let (m, holds) = ctx(&replica.holds);
            let before = replica.order.lines.clone();
            let state = replica.order.clone();
            let effect = lifecycle::apply(
                &document, &format!("d{}", n + 1), partner, Some(&state), &[&state],
                Context { matching: &m, holds: &holds, message_id: "m" },
            );
            let Ok(effect) = effect else { continue };
            record(&mut replica, &effect, partner);
            check_legal(&before, &replica.order.lines, &matching);
            // Every receipt beyond what was shipped and the tolerance was raised.
            for (number, line) in &replica.order.lines {
                let was = before.get(number).map(|l| l.received).unwrap_or_default();
                let announced = if line.shipped > Decimal::ZERO { line.shipped } else { line.due() };
                if line.received > was
                    && line.received > with_tolerance(announced, matching.delivery_tolerance_percent)
                {
                    prop_assert!(
                        effect.issues.iter().any(|(_, i)| i.line() == number),
                        "over-receipt on {number} raised nothing"
                    );
                }
            }
            // The status claims what the lines show.
            let status = OrderStatus::parse(&replica.order.status).unwrap();
            let acknowledged = if status.is_acknowledgment() { status } else { OrderStatus::Accepted };
            prop_assert_eq!(workflow::order_status(acknowledged, &replica.order.lines), status);
            // An invoice line waiting on a line the order lacks is blocked: no receipt can
            // clear it, only an operator.
            for held in replica.order.held.iter().filter(|h| h.line.result.is_waiting()) {
                let known = held.line.order_line.as_ref().is_some_and(|l| replica.order.lines.contains_key(l));
                prop_assert!(known || held.line.result == super::matching::MatchResult::Blocked);
            }
        }
        let (lines, status) = rebuild(&replica.audit);
        prop_assert_eq!(lines, replica.order.lines.clone());
        prop_assert_eq!(status.as_deref(), Some(replica.order.status.as_str()));
    }
}
