//! What the documents after the acknowledgment do to an order: a buyer's change, ship
//! notices, goods receipts, invoices and quality notifications. Pure, like the rest of the
//! decision: it turns an order's lines ([`super::lines`]), the invoice match
//! ([`super::matching`]) and the quality holds in force into the writes, history, audit
//! steps and issues the store records. The order's status follows its lines
//! ([`order_status`]).
//!
//! Quality holds are placed by the partner whose notification says `Hold` and hold only the
//! orders that partner is a party of: a supplier's hold never touches another supplier's
//! goods. A hold names a part (every item identifier the notification carries), a lot, or,
//! naming neither, the order's supplier (the notification's PO) or the sender itself. While
//! it is in force, matching receipts and invoices are stored and matched but their deliveries
//! wait ([`crate::store::lines::quality_hold`]).

use serde_json::json;

use super::lifecycle::{Effect, OrderStatus, Step};
use super::lines::{self, LineIssue, LineStage, LineState, Lines};
use super::matching::{self, LineMatch};
use crate::config::matching::MatchSettings;
use crate::model::{
    Document, GoodsReceipt, Invoice, OrderChange, QualityAction, QualityNotification, ShipNotice,
};
use crate::store::lines::{HeldMatch, LineWrite, QualityHold, match_hold, quality_hold};
use crate::store::orders::{NewOrderEvent, OrderState};

/// What the workflow consults besides the order.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub matching: &'a MatchSettings,
    /// Quality holds in force.
    pub holds: &'a [QualityHold],
    pub message_id: &'a str,
}

/// The order's status from its lines, once any of them moved past its confirmation; until
/// then the acknowledgment's status (`acknowledged`) stands.
pub fn order_status(acknowledged: OrderStatus, lines: &Lines) -> OrderStatus {
    if lines.is_empty() {
        return acknowledged;
    }
    let stages: Vec<LineStage> = lines.values().map(LineState::stage).collect();
    if stages.iter().all(|s| *s == LineStage::Cancelled) {
        return OrderStatus::Cancelled;
    }
    if stages
        .iter()
        .all(|s| matches!(s, LineStage::Rejected | LineStage::Cancelled))
    {
        return OrderStatus::Rejected;
    }
    let live: Vec<LineStage> = stages
        .into_iter()
        .filter(|s| !matches!(s, LineStage::Rejected | LineStage::Cancelled))
        .collect();
    let moved = live.iter().any(|s| *s > LineStage::Confirmed);
    if !moved {
        return acknowledged;
    }
    match live.into_iter().min().unwrap_or(LineStage::Closed) {
        LineStage::Open | LineStage::Confirmed | LineStage::PartiallyShipped => {
            OrderStatus::PartiallyShipped
        }
        LineStage::Shipped => OrderStatus::Shipped,
        LineStage::PartiallyReceived => OrderStatus::PartiallyReceived,
        LineStage::Received => OrderStatus::Received,
        LineStage::Invoiced => OrderStatus::Invoiced,
        LineStage::Matched => OrderStatus::Matched,
        LineStage::Closed | LineStage::Rejected | LineStage::Cancelled => OrderStatus::Closed,
    }
}

/// The effect of a later document on every order it names (`orders`, in the document's PO
/// order, `None` where the sender has no order under a number).
pub fn follow(
    document: &Document,
    document_id: &str,
    partner: &str,
    orders: &[&OrderState],
    ctx: Context<'_>,
) -> Effect {
    let mut effect = Effect::default();
    for state in orders {
        let mut order = Following::new(state, document_id, partner);
        match document {
            Document::OrderChange(change) => order.change(change),
            Document::ShipNotice(notice) => order.ship(notice, ctx),
            Document::GoodsReceipt(receipt) => {
                order.receive(receipt, orders.len() == 1, ctx);
            }
            Document::Invoice(invoice) => order.invoice(invoice, ctx),
            _ => {}
        }
        order.finish(&mut effect);
    }
    if let Document::QualityNotification(notification) = document {
        quality(notification, document_id, partner, orders, ctx, &mut effect);
    }
    effect
}

/// One order's part of a document's effect, built up then folded into the [`Effect`].
struct Following<'a> {
    state: &'a OrderState,
    document_id: &'a str,
    partner: &'a str,
    outcome: lines::LineOutcome,
    /// The event's name in the order's history and its detail.
    event: Option<(&'static str, serde_json::Value)>,
    line_writes: Vec<LineWrite>,
    mismatches: Vec<LineMatch>,
    holding: Vec<QualityHold>,
    holds: Vec<String>,
    steps: Vec<Step>,
}

impl<'a> Following<'a> {
    fn new(state: &'a OrderState, document_id: &'a str, partner: &'a str) -> Self {
        Following {
            state,
            document_id,
            partner,
            outcome: lines::LineOutcome::default(),
            event: None,
            line_writes: Vec::new(),
            mismatches: Vec::new(),
            holding: Vec::new(),
            holds: Vec::new(),
            steps: Vec::new(),
        }
    }

    fn change(&mut self, change: &OrderChange) {
        // Only the buyer changes its order; a supplier's proposal travels as an order
        // response.
        if self.partner != self.state.key.buyer {
            return;
        }
        self.outcome = lines::change(&self.state.lines, change);
        self.event = Some((
            "change_requested",
            json!({"change_number": change.change_number, "kind": change.kind,
                "lines": self.outcome.changed.iter().map(|l| &l.line_number).collect::<Vec<_>>()}),
        ));
    }

    fn ship(&mut self, notice: &ShipNotice, ctx: Context<'_>) {
        let items = lines::shipped_items(notice, &self.state.key.po_number);
        self.outcome = lines::ship(
            &self.state.lines,
            &items,
            ctx.matching.delivery_tolerance_percent,
        );
        self.event = Some((
            "shipped",
            json!({"shipment_id": notice.shipment_id, "lines": quantities(&self.outcome.changed, |l| l.shipped)}),
        ));
    }

    fn receive(&mut self, receipt: &GoodsReceipt, single_order: bool, ctx: Context<'_>) {
        let po_number = &self.state.key.po_number;
        self.outcome = lines::receive(
            &self.state.lines,
            receipt,
            po_number,
            single_order,
            ctx.matching.delivery_tolerance_percent,
        );
        for received in receipt.lines.iter().filter(|l| match &l.po_number {
            Some(po) => po == po_number,
            None => single_order,
        }) {
            let number = received
                .order_line
                .as_deref()
                .unwrap_or(&received.line_number);
            let items: Vec<&str> = received
                .item_ids
                .iter()
                .map(|i| i.value.as_str())
                .chain(
                    lines::find(&self.state.lines, number)
                        .into_iter()
                        .flat_map(|l| l.items.iter().map(String::as_str)),
                )
                .collect();
            let lots: Vec<&str> = received.lots.iter().map(String::as_str).collect();
            self.hold_if_held(ctx.holds, &items, &lots);
        }
        // A receipt may close the gap a held invoice line waits on.
        let mut after: Lines = self.state.lines.clone();
        for line in &self.outcome.changed {
            after.insert(line.line_number.clone(), line.clone());
        }
        let mut cleared = Vec::new();
        for held in &self.state.held {
            let Some(line) = held.line.order_line.as_ref().and_then(|n| after.get(n)) else {
                continue;
            };
            if let Some(matched) = matching::recheck(&held.line, line, &held.partner, ctx.matching)
            {
                cleared.push((held, matched));
            }
        }
        for (held, matched) in cleared {
            if let Some(line) = held.line.order_line.as_ref().and_then(|n| after.get_mut(n)) {
                line.matched += matched.quantity;
                match self
                    .outcome
                    .changed
                    .iter_mut()
                    .find(|l| l.line_number == line.line_number)
                {
                    Some(changed) => *changed = line.clone(),
                    None => self.outcome.changed.push(line.clone()),
                }
            }
            self.cleared(held, matched);
        }
        self.event = Some((
            "received",
            json!({"receipt_number": receipt.receipt_number,
                "lines": quantities(&self.outcome.changed, |l| l.received)}),
        ));
    }

    fn cleared(&mut self, held: &HeldMatch, matched: LineMatch) {
        self.steps.push(Step {
            step: "match_cleared",
            order: Some(self.state.key.clone()),
            detail: json!({"invoice": held.invoice_number, "document_id": held.document_id,
                "invoice_line": matched.invoice_line, "by": "receipt"}),
        });
        self.line_writes.push(LineWrite::Cleared {
            document_id: held.document_id.clone(),
            matched,
        });
    }

    fn invoice(&mut self, invoice: &Invoice, ctx: Context<'_>) {
        let po_number = &self.state.key.po_number;
        let (matches, changed) = matching::match_invoice(
            invoice,
            po_number,
            self.partner,
            &self.state.lines,
            ctx.matching,
        );
        for line in invoice
            .lines
            .iter()
            .filter(|l| matching::is_for(invoice, l, po_number))
        {
            let order_line = lines::find(&self.state.lines, matching::order_line_of(line));
            let items: Vec<&str> = line
                .item_ids
                .iter()
                .map(|i| i.value.as_str())
                .chain(
                    order_line
                        .into_iter()
                        .flat_map(|l| l.items.iter().map(String::as_str)),
                )
                .collect();
            let lots: Vec<&str> = order_line
                .into_iter()
                .flat_map(|l| l.lots.iter().map(String::as_str))
                .collect();
            self.hold_if_held(ctx.holds, &items, &lots);
        }
        self.outcome.changed = changed;
        self.mismatches = matches
            .iter()
            .filter(|m| m.result.is_waiting())
            .cloned()
            .collect();
        if !self.mismatches.is_empty() {
            self.holds.push(match_hold(self.document_id));
        }
        self.steps.push(Step {
            step: "invoice_matched",
            order: Some(self.state.key.clone()),
            detail: json!({"invoice": invoice.invoice_number, "document_id": self.document_id,
                "lines": matches}),
        });
        self.event = Some((
            "invoiced",
            json!({"invoice_number": invoice.invoice_number,
                "results": matches.iter().map(|m| json!({"invoice_line": m.invoice_line,
                    "order_line": m.order_line, "result": m.result})).collect::<Vec<_>>()}),
        ));
        self.line_writes.push(LineWrite::Matches {
            order: self.state.key.clone(),
            document_id: self.document_id.to_owned(),
            partner: self.partner.to_owned(),
            invoice_number: invoice.invoice_number.clone(),
            matches,
        });
    }

    /// Holds the document's deliveries for each hold in force over these items or lots, or
    /// over the order's supplier.
    fn hold_if_held(&mut self, holds: &[QualityHold], items: &[&str], lots: &[&str]) {
        for hold in holds.iter().filter(|h| self.state.is_party(&h.placed_by)) {
            let applies = match hold.scope.as_str() {
                "part" => items.contains(&hold.value.as_str()),
                "lot" => lots.contains(&hold.value.as_str()),
                "supplier" => {
                    self.partner == hold.value
                        || (self.state.key.buyer != hold.value && self.state.is_party(&hold.value))
                }
                _ => false,
            };
            if applies && !self.holding.iter().any(|h| h.id == hold.id) {
                self.holds.push(quality_hold(&hold.id));
                self.holding.push(hold.clone());
            }
        }
    }

    fn finish(self, effect: &mut Effect) {
        let Following {
            state,
            outcome,
            event,
            mut line_writes,
            mismatches,
            holding,
            holds,
            steps,
            document_id,
            ..
        } = self;
        let Some((event, detail)) = event else {
            return;
        };
        let mut after = state.lines.clone();
        for line in &outcome.changed {
            after.insert(line.line_number.clone(), line.clone());
        }
        let from = OrderStatus::parse(&state.status);
        // Until a line moves past its confirmation the acknowledgment's status stands; an
        // order past it follows its lines.
        let acknowledged = from
            .filter(|s| s.is_acknowledgment())
            .unwrap_or(OrderStatus::Accepted);
        let to = order_status(acknowledged, &after);
        if !outcome.changed.is_empty() || !line_writes.is_empty() {
            line_writes.insert(
                0,
                LineWrite::Lines {
                    key: state.key.clone(),
                    version: state.version,
                    status: to.as_str().to_owned(),
                    lines: outcome.changed.clone(),
                },
            );
        }
        if Some(to) != from {
            effect.transition = Some((from, to, state.key.clone()));
        }
        effect.events.push(NewOrderEvent {
            order: state.key.clone(),
            event: event.into(),
            status: to.as_str().into(),
            document_id: Some(document_id.to_owned()),
            detail,
        });
        effect.line_writes.extend(line_writes);
        effect.steps.extend(steps);
        effect
            .issues
            .extend(outcome.issues.into_iter().map(|i| (state.key.clone(), i)));
        effect
            .mismatches
            .extend(mismatches.into_iter().map(|m| (state.key.clone(), m)));
        effect.quality_held.extend(holding);
        for hold in holds {
            if !effect.holds.contains(&hold) {
                effect.holds.push(hold);
            }
        }
    }
}

fn quantities(
    changed: &[LineState],
    quantity: impl Fn(&LineState) -> rust_decimal::Decimal,
) -> serde_json::Value {
    changed
        .iter()
        .map(|l| {
            json!({"line": l.line_number, "quantity": quantity(l).normalize().to_string(),
            "stage": l.stage()})
        })
        .collect()
}

/// A quality notification places or releases holds; it moves no line.
fn quality(
    notification: &QualityNotification,
    document_id: &str,
    partner: &str,
    orders: &[&OrderState],
    ctx: Context<'_>,
    effect: &mut Effect,
) {
    match notification.action {
        QualityAction::Hold => {
            let mut scopes: Vec<(&str, String)> = notification
                .item_ids
                .iter()
                .map(|i| ("part", i.value.clone()))
                .chain(notification.lots.iter().map(|l| ("lot", l.clone())))
                .collect();
            if scopes.is_empty() {
                let supplier = orders
                    .first()
                    .and_then(|o| o.parties.iter().find(|p| **p != o.key.buyer))
                    .cloned()
                    .unwrap_or_else(|| partner.to_owned());
                scopes.push(("supplier", supplier));
            }
            for (n, (scope, value)) in scopes.into_iter().enumerate() {
                let hold = QualityHold {
                    id: format!("{document_id}-{n}"),
                    placed_by: partner.to_owned(),
                    notification: notification.notification_number.clone(),
                    scope: scope.to_owned(),
                    value,
                    message_id: ctx.message_id.to_owned(),
                    placed_at: 0,
                    released_at: None,
                };
                effect.steps.push(Step {
                    step: "quality_hold_placed",
                    order: orders.first().map(|o| o.key.clone()),
                    detail: json!({"hold": hold.id, "notification": hold.notification,
                        "scope": hold.scope, "value": hold.value}),
                });
                effect.line_writes.push(LineWrite::PlaceHold(hold));
            }
        }
        QualityAction::Release => {
            effect.steps.push(Step {
                step: "quality_hold_released",
                order: orders.first().map(|o| o.key.clone()),
                detail: json!({"notification": notification.notification_number,
                    "holds": ctx.holds.iter()
                        .filter(|h| h.placed_by == partner
                            && h.notification == notification.notification_number)
                        .map(|h| &h.id).collect::<Vec<_>>()}),
            });
            effect.line_writes.push(LineWrite::ReleaseHolds {
                placed_by: partner.to_owned(),
                notification: notification.notification_number.clone(),
                released_by: partner.to_owned(),
            });
        }
        QualityAction::Inform => {}
    }
    for order in orders {
        effect.events.push(NewOrderEvent {
            order: order.key.clone(),
            event: format!("quality_{}", action_name(notification.action)),
            status: String::new(),
            document_id: Some(document_id.to_owned()),
            detail: json!({"notification": notification.notification_number,
                "items": notification.item_ids.iter().map(|i| &i.value).collect::<Vec<_>>(),
                "lots": notification.lots}),
        });
    }
}

fn action_name(action: QualityAction) -> &'static str {
    match action {
        QualityAction::Hold => "hold",
        QualityAction::Release => "release",
        QualityAction::Inform => "inform",
    }
}

/// The exception kind an issue raises.
pub fn issue_kind(issue: &LineIssue) -> crate::model::ExceptionKind {
    use crate::model::ExceptionKind;
    match issue {
        LineIssue::UnknownLine { .. }
        | LineIssue::ClosedLine { .. }
        | LineIssue::UnitMismatch { .. }
        | LineIssue::RejectedBeyondReceived { .. } => ExceptionKind::LineMismatch,
        LineIssue::OverShipment { .. } => ExceptionKind::OverShipment,
        LineIssue::OverReceipt { .. } => ExceptionKind::OverReceipt,
    }
}
