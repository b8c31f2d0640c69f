//! The order's life per line: what was ordered, confirmed, shipped, received, invoiced and
//! matched, and what a document may do to it. Every function here is pure: it takes the lines
//! as the engine read them and a document, and returns the lines after it together with the
//! [`LineIssue`]s the document raised. A document never moves a line silently past what the
//! order allows: a ship notice for a line the order lacks or the supplier rejected, a receipt
//! beyond what was shipped (and the tolerance), leave the line as it was and become an issue
//! a team owns ([`crate::engine::exceptions`]).
//!
//! A line's [`LineStage`] is not stored state of its own but follows from its quantities, so
//! no sequence of documents can leave a line in a stage its quantities contradict:
//!
//! ```text
//! open ─▶ confirmed ─▶ partially_shipped ─▶ shipped ─▶ partially_received ─▶ received
//!   └──▶ rejected                                                       ─▶ invoiced ─▶ matched ─▶ closed
//! ```

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::model::units;
use crate::model::{
    GoodsReceipt, Identifier, LineChangeKind, LineStatus, OrderChange, OrderLine, OrderResponse,
    PurchaseOrder, Quantity, ShipNotice, ShippedItem,
};

/// How a supplier answered for a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confirmation {
    Accepted,
    Changed,
    Rejected,
    Pending,
}

/// One order line as the engine keeps it. Quantities are in the line's ordered unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineState {
    pub line_number: String,
    /// Every identifier value of the item (buyer's and supplier's part numbers, GTIN, ...).
    pub items: Vec<String>,
    pub material_group: Option<String>,
    pub unit: String,
    pub ordered: Decimal,
    pub price: Option<Decimal>,
    pub confirmation: Option<Confirmation>,
    pub confirmed: Option<Decimal>,
    pub confirmed_price: Option<Decimal>,
    pub shipped: Decimal,
    pub received: Decimal,
    /// Of what was received, what the receiving side rejected.
    pub rejected: Decimal,
    pub invoiced: Decimal,
    /// Invoiced quantity whose match was accepted (or released by an operator).
    pub matched: Decimal,
    pub lots: Vec<String>,
    pub cancelled: bool,
}

/// Where a line stands, as its quantities say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineStage {
    Open,
    Confirmed,
    PartiallyShipped,
    Shipped,
    PartiallyReceived,
    Received,
    Invoiced,
    Matched,
    Closed,
    Rejected,
    Cancelled,
}

impl LineStage {
    pub const ALL: [LineStage; 11] = [
        LineStage::Open,
        LineStage::Confirmed,
        LineStage::PartiallyShipped,
        LineStage::Shipped,
        LineStage::PartiallyReceived,
        LineStage::Received,
        LineStage::Invoiced,
        LineStage::Matched,
        LineStage::Closed,
        LineStage::Rejected,
        LineStage::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LineStage::Open => "open",
            LineStage::Confirmed => "confirmed",
            LineStage::PartiallyShipped => "partially_shipped",
            LineStage::Shipped => "shipped",
            LineStage::PartiallyReceived => "partially_received",
            LineStage::Received => "received",
            LineStage::Invoiced => "invoiced",
            LineStage::Matched => "matched",
            LineStage::Closed => "closed",
            LineStage::Rejected => "rejected",
            LineStage::Cancelled => "cancelled",
        }
    }

    /// Whether the line still expects goods or money (not rejected, cancelled or closed).
    pub fn is_live(self) -> bool {
        !matches!(
            self,
            LineStage::Rejected | LineStage::Cancelled | LineStage::Closed
        )
    }
}

impl LineState {
    /// The line of a released purchase order.
    pub fn ordered(line: &OrderLine) -> LineState {
        LineState {
            line_number: line.line_number.clone(),
            items: item_values(&line.item_ids),
            material_group: material_group(line),
            unit: line.quantity.unit.clone(),
            ordered: dec(&line.quantity.value),
            price: line.price.as_ref().map(unit_price),
            confirmation: None,
            confirmed: None,
            confirmed_price: None,
            shipped: Decimal::ZERO,
            received: Decimal::ZERO,
            rejected: Decimal::ZERO,
            invoiced: Decimal::ZERO,
            matched: Decimal::ZERO,
            lots: Vec::new(),
            cancelled: false,
        }
    }

    /// What the supplier owes: the confirmed quantity once it confirmed one, else what was
    /// ordered.
    pub fn due(&self) -> Decimal {
        self.confirmed.unwrap_or(self.ordered)
    }

    /// The price an invoice is held to: the confirmed one when the supplier changed it.
    pub fn agreed_price(&self) -> Option<Decimal> {
        self.confirmed_price.or(self.price)
    }

    /// What was received and kept.
    pub fn accepted(&self) -> Decimal {
        (self.received - self.rejected).max(Decimal::ZERO)
    }

    pub fn stage(&self) -> LineStage {
        if self.cancelled {
            return LineStage::Cancelled;
        }
        if self.confirmation == Some(Confirmation::Rejected) {
            return LineStage::Rejected;
        }
        let due = self.due();
        if self.invoiced > Decimal::ZERO {
            return if self.matched < self.invoiced {
                LineStage::Invoiced
            } else if self.accepted() >= due && self.matched >= due {
                LineStage::Closed
            } else {
                LineStage::Matched
            };
        }
        if self.received > Decimal::ZERO {
            return if self.accepted() >= due {
                LineStage::Received
            } else {
                LineStage::PartiallyReceived
            };
        }
        if self.shipped > Decimal::ZERO {
            return if self.shipped >= due {
                LineStage::Shipped
            } else {
                LineStage::PartiallyShipped
            };
        }
        match self.confirmation {
            Some(Confirmation::Accepted | Confirmation::Changed) => LineStage::Confirmed,
            _ => LineStage::Open,
        }
    }

    /// Whether an item identifier names this line's part.
    pub fn is_item(&self, value: &str) -> bool {
        self.items.iter().any(|i| i == value)
    }
}

/// The lines of one order, by line number.
pub type Lines = BTreeMap<String, LineState>;

/// The line a document calls `number`: the same number, or the same once leading zeros go
/// (SAP's `00010` is an X12 partner's `10`).
pub fn find<'a>(lines: &'a Lines, number: &str) -> Option<&'a LineState> {
    lines.get(number).or_else(|| {
        let bare = number.trim().trim_start_matches('0');
        lines
            .values()
            .find(|l| l.line_number.trim_start_matches('0') == bare)
    })
}

/// Something a document asked of a line that the order does not allow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "issue", rename_all = "snake_case")]
pub enum LineIssue {
    /// The document names a line the order does not have.
    UnknownLine { line: String },
    /// The document ships, receives or invoices a line the supplier rejected or the buyer
    /// cancelled.
    ClosedLine { line: String, stage: LineStage },
    /// A quantity in a unit that does not count like the line's.
    UnitMismatch {
        line: String,
        unit: String,
        expected: String,
    },
    /// More shipped than is due, beyond the tolerance.
    OverShipment {
        line: String,
        due: Decimal,
        shipped: Decimal,
        tolerance_percent: Decimal,
    },
    /// A receipt line rejecting more than it received.
    RejectedBeyondReceived {
        line: String,
        received: Decimal,
        rejected: Decimal,
    },
    /// More received than was shipped (or, with no ship notice, than is due), beyond the
    /// tolerance.
    OverReceipt {
        line: String,
        limit: Decimal,
        received: Decimal,
        tolerance_percent: Decimal,
    },
}

impl LineIssue {
    pub fn line(&self) -> &str {
        match self {
            LineIssue::UnknownLine { line }
            | LineIssue::ClosedLine { line, .. }
            | LineIssue::UnitMismatch { line, .. }
            | LineIssue::RejectedBeyondReceived { line, .. }
            | LineIssue::OverShipment { line, .. }
            | LineIssue::OverReceipt { line, .. } => line,
        }
    }

    /// What an operator reads.
    pub fn explain(&self) -> String {
        match self {
            LineIssue::UnknownLine { line } => format!("the order has no line {line}"),
            LineIssue::ClosedLine { line, stage } => {
                format!(
                    "line {line} is {}; nothing more may come for it",
                    stage.as_str()
                )
            }
            LineIssue::UnitMismatch {
                line,
                unit,
                expected,
            } => format!("line {line} is counted in {expected}; the document says {unit}"),
            LineIssue::RejectedBeyondReceived {
                line,
                received,
                rejected,
            } => format!("line {line}: {rejected} rejected of {received} received"),
            LineIssue::OverShipment {
                line,
                due,
                shipped,
                tolerance_percent,
            } => format!(
                "line {line}: {shipped} shipped in all against {due} due (tolerance \
                 {tolerance_percent}%)"
            ),
            LineIssue::OverReceipt {
                line,
                limit,
                received,
                tolerance_percent,
            } => format!(
                "line {line}: {received} received in all against {limit} shipped (tolerance \
                 {tolerance_percent}%)"
            ),
        }
    }
}

/// The lines after a document, and what it raised. Lines the document may not move are left
/// as they were.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LineOutcome {
    /// Every line the document changed, as it is after it.
    pub changed: Vec<LineState>,
    pub issues: Vec<LineIssue>,
}

/// The lines a purchase order opens.
pub fn open(po: &PurchaseOrder) -> Lines {
    po.lines
        .iter()
        .map(|l| (l.line_number.clone(), LineState::ordered(l)))
        .collect()
}

/// A supplier's answer, line by line. A response naming no lines answers for all of them
/// with its header status.
pub fn confirm(lines: &Lines, response: &OrderResponse) -> LineOutcome {
    let mut outcome = LineOutcome::default();
    if response.lines.is_empty() {
        let confirmation = match response.status {
            crate::model::ResponseStatus::Accepted => Confirmation::Accepted,
            crate::model::ResponseStatus::AcceptedWithChanges => Confirmation::Changed,
            crate::model::ResponseStatus::Rejected => Confirmation::Rejected,
            crate::model::ResponseStatus::Pending => Confirmation::Pending,
        };
        for line in lines.values().filter(|l| !l.cancelled) {
            let mut next = line.clone();
            next.confirmation = Some(confirmation);
            next.confirmed = match confirmation {
                Confirmation::Rejected => Some(Decimal::ZERO),
                _ => None,
            };
            outcome.changed.push(next);
        }
        return outcome;
    }
    for answer in &response.lines {
        let Some(line) = live_line(lines, &answer.line_number, &mut outcome, false) else {
            continue;
        };
        let mut next = line.clone();
        let confirmation = match answer.status {
            LineStatus::Accepted => Confirmation::Accepted,
            LineStatus::Rejected | LineStatus::Deleted => Confirmation::Rejected,
            LineStatus::Pending => Confirmation::Pending,
            _ => Confirmation::Changed,
        };
        next.confirmation = Some(confirmation);
        next.confirmed = match (confirmation, &answer.quantity) {
            (Confirmation::Rejected, _) => Some(Decimal::ZERO),
            (_, Some(q)) if units::same(&q.unit, &line.unit) => Some(dec(&q.value)),
            (_, Some(q)) => {
                outcome.issues.push(LineIssue::UnitMismatch {
                    line: line.line_number.clone(),
                    unit: q.unit.clone(),
                    expected: line.unit.clone(),
                });
                continue;
            }
            (_, None) => None,
        };
        next.confirmed_price = answer.price.as_ref().map(unit_price);
        outcome.changed.push(next);
    }
    outcome
}

/// A buyer's change: lines added, cancelled or changed. A changed line waits for the
/// supplier's confirmation again.
pub fn change(lines: &Lines, change: &OrderChange) -> LineOutcome {
    let mut outcome = LineOutcome::default();
    if change.kind == crate::model::ChangeKind::Cancel {
        for line in lines.values().filter(|l| !l.cancelled) {
            let mut next = line.clone();
            next.cancelled = true;
            outcome.changed.push(next);
        }
        return outcome;
    }
    for line_change in &change.lines {
        let number = &line_change.line.line_number;
        if line_change.change == LineChangeKind::Add {
            match find(lines, number) {
                Some(_) => outcome.issues.push(LineIssue::ClosedLine {
                    line: number.clone(),
                    stage: LineStage::Open,
                }),
                None => outcome.changed.push(LineState::ordered(&line_change.line)),
            }
            continue;
        }
        let Some(line) = live_line(lines, number, &mut outcome, true) else {
            continue;
        };
        let mut next = line.clone();
        match line_change.change {
            LineChangeKind::Cancel => next.cancelled = true,
            LineChangeKind::Unchanged => continue,
            _ => {
                let changed = LineState::ordered(&line_change.line);
                next.ordered = changed.ordered;
                next.unit = changed.unit;
                next.price = changed.price.or(next.price);
                next.confirmation = None;
                next.confirmed = None;
                next.confirmed_price = None;
            }
        }
        outcome.changed.push(next);
    }
    outcome
}

/// What a ship notice ships of one order (its items, packed or loose).
pub fn shipped_items<'a>(notice: &'a ShipNotice, po_number: &str) -> Vec<&'a ShippedItem> {
    notice
        .orders
        .iter()
        .filter(|o| o.po_number == po_number)
        .flat_map(|o| {
            o.items
                .iter()
                .chain(o.packs.iter().flat_map(|p| p.items.iter()))
        })
        .collect()
}

/// A ship notice's quantities added to the lines they name.
pub fn ship(lines: &Lines, items: &[&ShippedItem], tolerance_percent: Decimal) -> LineOutcome {
    let mut outcome = LineOutcome::default();
    let next = accumulate(
        lines,
        items.iter().copied(),
        &mut outcome,
        |item| {
            (
                item.order_line.as_deref().unwrap_or(&item.line_number),
                &item.quantity,
            )
        },
        |item, line, _| {
            line.shipped += dec(&item.quantity.value);
            line.lots.extend(item.lots.iter().cloned());
            true
        },
    );
    for (number, line) in next {
        let limit = with_tolerance(line.due(), tolerance_percent);
        if line.shipped > limit {
            outcome.issues.push(LineIssue::OverShipment {
                line: number,
                due: line.due(),
                shipped: line.shipped,
                tolerance_percent,
            });
        } else {
            outcome.changed.push(line);
        }
    }
    outcome
}

/// A goods receipt's quantities, for one order, added to the lines they name. A receipt
/// beyond what was shipped (what is due, when nothing was announced) and the tolerance is an
/// issue; the goods are counted all the same, since they are in the warehouse.
pub fn receive(
    lines: &Lines,
    receipt: &GoodsReceipt,
    po_number: &str,
    single_order: bool,
    tolerance_percent: Decimal,
) -> LineOutcome {
    let mut outcome = LineOutcome::default();
    let mine = receipt.lines.iter().filter(|l| match &l.po_number {
        Some(po) => po == po_number,
        None => single_order,
    });
    let next = accumulate(
        lines,
        mine,
        &mut outcome,
        |received| {
            let number = received.order_line.as_deref();
            (number.unwrap_or(&received.line_number), &received.received)
        },
        |received, line, outcome| {
            let quantity = dec(&received.received.value);
            let rejected = received.rejected.as_ref().map(|r| dec(&r.value));
            if let Some(rejected) = rejected.filter(|r| *r > quantity) {
                outcome.issues.push(LineIssue::RejectedBeyondReceived {
                    line: line.line_number.clone(),
                    received: quantity,
                    rejected,
                });
                return false;
            }
            line.received += quantity;
            line.rejected += rejected.unwrap_or_default();
            line.lots.extend(received.lots.iter().cloned());
            true
        },
    );
    for (number, line) in next {
        let announced = if line.shipped > Decimal::ZERO {
            line.shipped
        } else {
            line.due()
        };
        let limit = with_tolerance(announced, tolerance_percent);
        if line.received > limit {
            outcome.issues.push(LineIssue::OverReceipt {
                line: number,
                limit: announced,
                received: line.received,
                tolerance_percent,
            });
        }
        outcome.changed.push(line);
    }
    outcome
}

/// Adds each of a document's `entries` to the order line it names (`named`: the line and
/// the quantity with its unit), on top of what the document's earlier entries added: `add`
/// moves the line, or refuses the entry (false). An unknown or closed line, or a unit other
/// than the line's, is an issue instead. Returns the lines moved.
fn accumulate<'d, T: 'd>(
    lines: &Lines,
    entries: impl IntoIterator<Item = &'d T>,
    outcome: &mut LineOutcome,
    named: impl Fn(&'d T) -> (&'d str, &'d Quantity),
    mut add: impl FnMut(&'d T, &mut LineState, &mut LineOutcome) -> bool,
) -> Lines {
    let mut next: Lines = BTreeMap::new();
    for entry in entries {
        let (number, quantity) = named(entry);
        let Some(found) = live_line(lines, number, outcome, true) else {
            continue;
        };
        let mut line = next
            .get(&found.line_number)
            .cloned()
            .unwrap_or_else(|| found.clone());
        if !units::same(&quantity.unit, &line.unit) {
            outcome.issues.push(LineIssue::UnitMismatch {
                line: number.to_owned(),
                unit: quantity.unit.clone(),
                expected: line.unit.clone(),
            });
            continue;
        }
        if add(entry, &mut line, outcome) {
            next.insert(line.line_number.clone(), line);
        }
    }
    next
}

/// `quantity` raised by `percent`.
pub fn with_tolerance(quantity: Decimal, percent: Decimal) -> Decimal {
    quantity + quantity * percent / Decimal::ONE_HUNDRED
}

/// The line `number` if a document may still move it; otherwise records why not.
fn live_line<'a>(
    lines: &'a Lines,
    number: &str,
    outcome: &mut LineOutcome,
    after_confirmation: bool,
) -> Option<&'a LineState> {
    let Some(line) = find(lines, number) else {
        outcome.issues.push(LineIssue::UnknownLine {
            line: number.to_owned(),
        });
        return None;
    };
    let stage = line.stage();
    let closed = match stage {
        LineStage::Cancelled => true,
        // A supplier may still change its mind about a line it rejected; nothing may ship.
        LineStage::Rejected => after_confirmation,
        _ => false,
    };
    if closed {
        outcome.issues.push(LineIssue::ClosedLine {
            line: number.to_owned(),
            stage,
        });
        return None;
    }
    Some(line)
}

fn item_values(ids: &[Identifier]) -> Vec<String> {
    ids.iter()
        .filter(|i| i.scheme != "material_group")
        .map(|i| i.value.clone())
        .collect()
}

/// The line's material group: an item identifier in the `material_group` scheme, or the
/// `material_group` extension.
fn material_group(line: &OrderLine) -> Option<String> {
    line.item_ids
        .iter()
        .find(|i| i.scheme == "material_group")
        .map(|i| i.value.clone())
        .or_else(|| {
            line.extensions
                .iter()
                .find(|e| e.key == "material_group")
                .and_then(|e| match &e.value {
                    crate::model::ExtensionValue::Text(t) => Some(t.clone()),
                    _ => None,
                })
        })
}

/// A price per one unit of the line (a price per 100 is divided by 100).
pub fn unit_price(price: &crate::model::Price) -> Decimal {
    let amount = dec(&price.amount);
    match price.basis.as_ref().map(|b| dec(&b.value)) {
        Some(basis) if basis > Decimal::ZERO => amount / basis,
        _ => amount,
    }
}

/// A canonical decimal. The model's rules ([`crate::model::validate`]) refused any document
/// whose numbers do not parse before it reached the lifecycle, so none is lost here.
pub fn dec(text: &str) -> Decimal {
    text.parse().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn po(lines: serde_json::Value) -> PurchaseOrder {
        serde_json::from_value(json!({
            "po_number": "PO1", "order_type": null, "currency": "EUR", "dates": [],
            "parties": [], "references": [], "payment_terms": null, "notes": [],
            "lines": lines, "total": null, "extensions": []
        }))
        .unwrap()
    }

    fn order_line(
        number: &str,
        quantity: &str,
        unit: &str,
        price: serde_json::Value,
    ) -> serde_json::Value {
        json!({"line_number": number, "parent_line": null,
            "item_ids": [{"scheme": "buyer", "value": format!("P-{number}")},
                         {"scheme": "material_group", "value": "STEEL"}],
            "description": null, "quantity": {"value": quantity, "unit": unit},
            "price": price, "schedule": [], "dates": [], "references": [], "notes": [],
            "extensions": []})
    }

    fn notice(items: serde_json::Value) -> ShipNotice {
        serde_json::from_value(json!({
            "shipment_id": "S1", "structure": null, "purpose": null, "dates": [], "parties": [],
            "references": [], "carrier": null, "gross_weight": null, "package_count": null,
            "notes": [], "extensions": [],
            "orders": [{"po_number": "PO1", "references": [], "dates": [], "packs": [], "items": items}]
        }))
        .unwrap()
    }

    fn item(line: &str, quantity: &str, unit: &str) -> serde_json::Value {
        json!({"line_number": line, "order_line": null, "item_ids": [], "description": null,
            "quantity": {"value": quantity, "unit": unit}, "ordered": null, "lots": ["L7"],
            "serials": [], "extensions": []})
    }

    fn receipt(lines: serde_json::Value) -> GoodsReceipt {
        serde_json::from_value(json!({
            "receipt_number": "GR1", "shipment_id": null, "dates": [], "parties": [],
            "references": [], "lines": lines, "extensions": []
        }))
        .unwrap()
    }

    fn received(line: &str, quantity: &str, rejected: Option<&str>) -> serde_json::Value {
        json!({"line_number": "1", "po_number": "PO1", "order_line": line, "item_ids": [],
            "received": {"value": quantity, "unit": "EA"},
            "rejected": rejected.map(|r| json!({"value": r, "unit": "EA"})),
            "lots": [], "location": null, "extensions": []})
    }

    fn apply(lines: &mut Lines, outcome: &LineOutcome) {
        for line in &outcome.changed {
            lines.insert(line.line_number.clone(), line.clone());
        }
    }

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn a_line_moves_through_its_stages_as_its_quantities_say() {
        let mut lines = open(&po(json!([order_line("10", "10", "EA", json!(null))])));
        let line = &lines["10"];
        assert_eq!(line.stage(), LineStage::Open);
        assert_eq!(line.items, ["P-10"]);
        assert_eq!(line.material_group.as_deref(), Some("STEEL"));

        let shipped = ship(
            &lines,
            &[&serde_json::from_value(item("10", "4", "PCE")).unwrap()],
            Decimal::ZERO,
        );
        assert!(shipped.issues.is_empty(), "{:?}", shipped.issues);
        apply(&mut lines, &shipped);
        assert_eq!(lines["10"].stage(), LineStage::PartiallyShipped);
        assert_eq!(lines["10"].lots, ["L7"]);

        let rest = notice(json!([item("10", "6", "EA")]));
        let outcome = ship(&lines, &shipped_items(&rest, "PO1"), Decimal::ZERO);
        apply(&mut lines, &outcome);
        assert_eq!(lines["10"].shipped, d("10"));
        assert_eq!(lines["10"].stage(), LineStage::Shipped);

        let gr = receipt(json!([received("10", "10", Some("2"))]));
        let outcome = receive(&lines, &gr, "PO1", true, Decimal::ZERO);
        apply(&mut lines, &outcome);
        // Two of ten were rejected at the dock: eight kept, the line is not yet received.
        assert_eq!(lines["10"].accepted(), d("8"));
        assert_eq!(lines["10"].stage(), LineStage::PartiallyReceived);
    }

    #[test]
    fn a_ship_notice_for_a_line_the_order_lacks_or_rejected_moves_nothing() {
        let mut lines = open(&po(json!([
            order_line("1", "5", "EA", json!(null)),
            order_line("2", "5", "EA", json!(null))
        ])));
        lines.get_mut("2").unwrap().confirmation = Some(Confirmation::Rejected);
        let asn = notice(json!([
            item("9", "1", "EA"),
            item("2", "1", "EA"),
            item("1", "1", "KGM")
        ]));
        let outcome = ship(&lines, &shipped_items(&asn, "PO1"), Decimal::ZERO);
        assert!(outcome.changed.is_empty());
        assert_eq!(
            outcome.issues,
            vec![
                LineIssue::UnknownLine { line: "9".into() },
                LineIssue::ClosedLine {
                    line: "2".into(),
                    stage: LineStage::Rejected
                },
                LineIssue::UnitMismatch {
                    line: "1".into(),
                    unit: "KGM".into(),
                    expected: "EA".into()
                },
            ]
        );
    }

    #[test]
    fn a_receipt_beyond_what_was_shipped_and_the_tolerance_is_an_issue() {
        let mut lines = open(&po(json!([order_line("1", "10", "EA", json!(null))])));
        lines.get_mut("1").unwrap().shipped = d("10");
        // 5% of 10 shipped allows 10.5.
        let within = receive(
            &lines,
            &receipt(json!([received("1", "10.5", None)])),
            "PO1",
            true,
            d("5"),
        );
        assert!(within.issues.is_empty());
        let over = receive(
            &lines,
            &receipt(json!([received("1", "11", None)])),
            "PO1",
            true,
            d("5"),
        );
        assert_eq!(
            over.issues,
            vec![LineIssue::OverReceipt {
                line: "1".into(),
                limit: d("10"),
                received: d("11"),
                tolerance_percent: d("5")
            }]
        );
        // The goods are in the warehouse: they are counted all the same.
        assert_eq!(over.changed[0].received, d("11"));
        // With no ship notice, what is due is the limit.
        lines.get_mut("1").unwrap().shipped = Decimal::ZERO;
        let unannounced = receive(
            &lines,
            &receipt(json!([received("1", "12", None)])),
            "PO1",
            true,
            Decimal::ZERO,
        );
        assert!(
            matches!(&unannounced.issues[0], LineIssue::OverReceipt { limit, .. } if *limit == d("10"))
        );
    }

    #[test]
    fn over_shipment_beyond_tolerance_is_refused_for_the_line() {
        let lines = open(&po(json!([order_line("1", "10", "EA", json!(null))])));
        let asn = notice(json!([item("1", "11", "EA")]));
        let outcome = ship(&lines, &shipped_items(&asn, "PO1"), d("10"));
        assert!(outcome.issues.is_empty(), "11 is within 10 + 10%");
        let asn = notice(json!([item("1", "11.01", "EA")]));
        let outcome = ship(&lines, &shipped_items(&asn, "PO1"), d("10"));
        assert!(outcome.changed.is_empty());
        assert!(matches!(outcome.issues[0], LineIssue::OverShipment { .. }));
    }

    #[test]
    fn a_price_per_hundred_is_a_price_per_one() {
        let lines = open(&po(json!([order_line(
            "1",
            "200",
            "EA",
            json!({"amount": "250.00", "currency": "EUR", "basis": {"value": "100", "unit": "EA"}})
        )])));
        assert_eq!(lines["1"].price, Some(d("2.5")));
    }
}
