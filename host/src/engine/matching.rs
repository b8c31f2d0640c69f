//! The three-way match: each invoice line against its order line (the agreed price) and the
//! quantities received and kept, under the most specific tolerance rule of
//! [`crate::config::matching`]. The result says, per line, which rule applied, what was
//! compared and every limit breached by how much, so an operator reads why an invoice waits.
//!
//! A line's result is the worst action among its breaches (`block` over `hold` over
//! `accept`); an invoice is held while any of its lines is. A held quantity breach is cleared
//! by a later receipt that closes the gap ([`recheck`]); a price breach, and anything blocked,
//! only by an operator.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::lines::{LineState, Lines, dec, unit_price, with_tolerance};
use crate::config::matching::{BreachAction, MatchSettings};
use crate::model::{Invoice, InvoiceLine, units};

/// Where an invoice line's match stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchResult {
    Matched,
    Held,
    Blocked,
    /// Held or blocked, then released by an operator.
    Released,
}

impl MatchResult {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchResult::Matched => "matched",
            MatchResult::Held => "held",
            MatchResult::Blocked => "blocked",
            MatchResult::Released => "released",
        }
    }

    pub fn parse(text: &str) -> Option<MatchResult> {
        [
            MatchResult::Matched,
            MatchResult::Held,
            MatchResult::Blocked,
            MatchResult::Released,
        ]
        .into_iter()
        .find(|r| r.as_str() == text)
    }

    /// Whether the line keeps its invoice from finance.
    pub fn is_waiting(self) -> bool {
        matches!(self, MatchResult::Held | MatchResult::Blocked)
    }
}

/// One limit an invoice line went past.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breach {
    /// `price`, `quantity`, `unit` or `line`.
    pub check: String,
    pub expected: String,
    pub actual: String,
    /// By how much, and in percent of what was expected where that means something.
    pub variance: String,
    pub variance_percent: Option<String>,
    /// The limit as configured (`2%`, `0.50`, ...).
    pub limit: String,
    pub action: BreachAction,
}

/// One invoice line's match, explained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineMatch {
    pub invoice_line: String,
    pub order_line: Option<String>,
    pub result: MatchResult,
    /// The tolerance rule that applied.
    pub rule: String,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub agreed_price: Option<Decimal>,
    /// Received and kept on the order line when matched.
    pub accepted: Decimal,
    /// Invoiced on the order line in all, this invoice included.
    pub invoiced: Decimal,
    pub breaches: Vec<Breach>,
}

impl LineMatch {
    /// Why it is not matched, in a sentence per breach.
    pub fn explain(&self) -> String {
        let order_line = self.order_line.as_deref().unwrap_or("?");
        self.breaches
            .iter()
            .map(|b| {
                format!(
                    "invoice line {} (order line {order_line}): {} {} against {} expected, \
                     variance {}{} beyond {} under {} ({})",
                    self.invoice_line,
                    b.check,
                    b.actual,
                    b.expected,
                    b.variance,
                    b.variance_percent
                        .as_ref()
                        .map(|p| format!(" ({p}%)"))
                        .unwrap_or_default(),
                    b.limit,
                    self.rule,
                    b.action.as_str()
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// The order line an invoice line is for.
pub fn order_line_of(line: &InvoiceLine) -> &str {
    line.order_line.as_deref().unwrap_or(&line.line_number)
}

/// Whether an invoice line belongs to order `po_number` (a line naming no PO belongs to the
/// invoice's only order).
pub fn is_for(invoice: &Invoice, line: &InvoiceLine, po_number: &str) -> bool {
    match &line.po_number {
        Some(po) => po == po_number,
        None => invoice.po_numbers.len() <= 1,
    }
}

/// Matches the invoice's lines for one order, in order, each seeing the quantities the lines
/// before it invoiced. Returns the matches and the order lines after the invoice.
pub fn match_invoice(
    invoice: &Invoice,
    po_number: &str,
    supplier: &str,
    lines: &Lines,
    settings: &MatchSettings,
) -> (Vec<LineMatch>, Vec<LineState>) {
    let mut after = lines.clone();
    let mut matches = Vec::new();
    for line in invoice
        .lines
        .iter()
        .filter(|l| is_for(invoice, l, po_number))
    {
        let named = order_line_of(line);
        let number = super::lines::find(lines, named)
            .map(|l| l.line_number.clone())
            .unwrap_or_else(|| named.to_owned());
        let quantity = dec(&line.quantity.value);
        let price = unit_price(&line.unit_price);
        let Some(order_line) = after.get_mut(&number).filter(|l| l.stage().is_live()) else {
            let stage = lines.get(&number).map(|l| l.stage().as_str());
            matches.push(LineMatch {
                invoice_line: line.line_number.clone(),
                order_line: Some(number.clone()),
                result: MatchResult::Blocked,
                rule: "order line".into(),
                quantity,
                unit_price: price,
                agreed_price: None,
                accepted: Decimal::ZERO,
                invoiced: quantity,
                breaches: vec![Breach {
                    check: "line".into(),
                    expected: "an open order line".into(),
                    actual: stage.unwrap_or("no such line").into(),
                    variance: quantity.to_string(),
                    variance_percent: None,
                    limit: "none".into(),
                    action: BreachAction::Block,
                }],
            });
            continue;
        };
        let rule = settings.rule_for(supplier, order_line.material_group.as_deref());
        let mut breaches = Vec::new();
        if !units::same(&line.quantity.unit, &order_line.unit) {
            breaches.push(Breach {
                check: "unit".into(),
                expected: order_line.unit.clone(),
                actual: line.quantity.unit.clone(),
                variance: quantity.to_string(),
                variance_percent: None,
                limit: "the same unit".into(),
                action: BreachAction::Block,
            });
        }
        if let Some(agreed) = order_line.agreed_price() {
            breaches.extend(price_breach(agreed, price, &rule));
        }
        order_line.invoiced += quantity;
        let accepted = order_line.accepted();
        breaches.extend(quantity_breach(accepted, order_line.invoiced, &rule));
        let result = result_of(&breaches);
        if result == MatchResult::Matched {
            order_line.matched += quantity;
        }
        matches.push(LineMatch {
            invoice_line: line.line_number.clone(),
            order_line: Some(number),
            result,
            rule: rule.name.clone(),
            quantity,
            unit_price: price,
            agreed_price: order_line.agreed_price(),
            accepted,
            invoiced: order_line.invoiced,
            breaches,
        });
    }
    let changed = after
        .into_iter()
        .filter(|(n, l)| lines.get(n) != Some(l))
        .map(|(_, l)| l)
        .collect();
    (matches, changed)
}

/// A held line's match again, after a receipt changed what was received: matched when only
/// quantity breaches held it and the order line's invoiced quantity is now within tolerance
/// of what was kept. `None` when it still waits.
pub fn recheck(
    held: &LineMatch,
    line: &LineState,
    supplier: &str,
    settings: &MatchSettings,
) -> Option<LineMatch> {
    if held.result != MatchResult::Held || held.breaches.iter().any(|b| b.check != "quantity") {
        return None;
    }
    let rule = settings.rule_for(supplier, line.material_group.as_deref());
    let accepted = line.accepted();
    if quantity_breach(accepted, line.invoiced, &rule).is_some() {
        return None;
    }
    Some(LineMatch {
        result: MatchResult::Matched,
        accepted,
        invoiced: line.invoiced,
        breaches: Vec::new(),
        ..held.clone()
    })
}

fn result_of(breaches: &[Breach]) -> MatchResult {
    match breaches.iter().map(|b| b.action).max() {
        Some(BreachAction::Block) => MatchResult::Blocked,
        Some(BreachAction::Hold) => MatchResult::Held,
        Some(BreachAction::Accept) | None => MatchResult::Matched,
    }
}

fn price_breach(
    agreed: Decimal,
    invoiced: Decimal,
    rule: &crate::config::matching::ToleranceRule,
) -> Option<Breach> {
    let variance = invoiced - agreed;
    if variance <= Decimal::ZERO {
        return None;
    }
    let percent = (agreed > Decimal::ZERO).then(|| variance * Decimal::ONE_HUNDRED / agreed);
    let over_percent = match (rule.price_percent, percent) {
        (Some(limit), Some(percent)) => percent > limit,
        (Some(_), None) => true,
        (None, _) => false,
    };
    let over_absolute = rule.price_absolute.is_some_and(|limit| variance > limit);
    let unlimited = rule.price_percent.is_none() && rule.price_absolute.is_none();
    if !(over_percent || over_absolute || unlimited) {
        return None;
    }
    let limit = [
        rule.price_percent.map(|p| format!("{p}%")),
        rule.price_absolute.map(|a| a.to_string()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" and ");
    Some(Breach {
        check: "price".into(),
        expected: agreed.normalize().to_string(),
        actual: invoiced.normalize().to_string(),
        variance: variance.normalize().to_string(),
        variance_percent: percent.map(|p| p.round_dp(2).normalize().to_string()),
        limit: if limit.is_empty() {
            "no increase".into()
        } else {
            limit
        },
        action: rule.on_price,
    })
}

fn quantity_breach(
    accepted: Decimal,
    invoiced: Decimal,
    rule: &crate::config::matching::ToleranceRule,
) -> Option<Breach> {
    let limit = with_tolerance(accepted, rule.quantity_percent);
    if invoiced <= limit {
        return None;
    }
    let variance = invoiced - accepted;
    Some(Breach {
        check: "quantity".into(),
        expected: accepted.normalize().to_string(),
        actual: invoiced.normalize().to_string(),
        variance: variance.normalize().to_string(),
        variance_percent: (accepted > Decimal::ZERO).then(|| {
            (variance * Decimal::ONE_HUNDRED / accepted)
                .round_dp(2)
                .normalize()
                .to_string()
        }),
        limit: format!("{}%", rule.quantity_percent),
        action: rule.on_quantity,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::matching::ToleranceRule;
    use serde_json::json;

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    /// Order line 10: 10 EA at 10.00, `received` of them kept.
    fn lines(received: &str) -> Lines {
        let mut line = LineState {
            line_number: "10".into(),
            items: vec!["P-10".into()],
            material_group: Some("STEEL".into()),
            unit: "EA".into(),
            ordered: d("10"),
            price: Some(d("10.00")),
            confirmation: None,
            confirmed: None,
            confirmed_price: None,
            shipped: d("10"),
            received: d(received),
            rejected: Decimal::ZERO,
            invoiced: Decimal::ZERO,
            matched: Decimal::ZERO,
            lots: vec![],
            cancelled: false,
        };
        line.confirmation = Some(super::super::lines::Confirmation::Accepted);
        [("10".to_owned(), line)].into()
    }

    fn invoice(quantity: &str, price: &str) -> Invoice {
        serde_json::from_value(json!({
            "invoice_number": "INV1", "kind": "Invoice", "po_numbers": ["PO1"],
            "currency": "EUR", "dates": [], "parties": [], "references": [],
            "payment_terms": null, "taxes": [], "allowances_charges": [], "notes": [],
            "extensions": [],
            "totals": {"subtotal": null, "tax": null, "allowances_charges": null,
                "total": {"amount": "0", "currency": "EUR"}, "due": null},
            "lines": [{"line_number": "1", "po_number": "PO1", "order_line": "10",
                "item_ids": [], "description": null,
                "quantity": {"value": quantity, "unit": "EA"},
                "unit_price": {"amount": price, "currency": "EUR", "basis": null},
                "amount": null, "taxes": [], "allowances_charges": [], "extensions": []}]
        }))
        .unwrap()
    }

    fn settings(rule: ToleranceRule) -> MatchSettings {
        MatchSettings {
            rules: vec![rule],
            ..MatchSettings::default()
        }
    }

    fn two_percent() -> ToleranceRule {
        ToleranceRule {
            name: "matching.tolerances[0]".into(),
            price_percent: Some(d("2")),
            ..ToleranceRule::strict()
        }
    }

    #[test]
    fn a_price_within_tolerance_matches_and_one_beyond_is_held_with_why() {
        let s = settings(two_percent());
        // 10.15 is 1.5% over 10.00.
        let (matches, changed) =
            match_invoice(&invoice("10", "10.15"), "PO1", "acme", &lines("10"), &s);
        assert_eq!(matches[0].result, MatchResult::Matched);
        assert_eq!(changed[0].matched, d("10"));
        assert_eq!(changed[0].stage(), super::super::lines::LineStage::Closed);

        // 10.30 is 3% over.
        let (matches, changed) =
            match_invoice(&invoice("10", "10.30"), "PO1", "acme", &lines("10"), &s);
        let held = &matches[0];
        assert_eq!(held.result, MatchResult::Held);
        assert_eq!(held.rule, "matching.tolerances[0]");
        assert_eq!(
            held.breaches,
            vec![Breach {
                check: "price".into(),
                expected: "10".into(),
                actual: "10.3".into(),
                variance: "0.3".into(),
                variance_percent: Some("3".into()),
                limit: "2%".into(),
                action: BreachAction::Hold,
            }]
        );
        assert!(
            held.explain()
                .contains("price 10.3 against 10 expected, variance 0.3 (3%)"),
            "{}",
            held.explain()
        );
        // Invoiced, not matched: the line waits.
        assert_eq!(
            (changed[0].invoiced, changed[0].matched),
            (d("10"), Decimal::ZERO)
        );
        assert_eq!(changed[0].stage(), super::super::lines::LineStage::Invoiced);
        // A held price is not a gap a receipt closes.
        assert_eq!(recheck(held, &changed[0], "acme", &s), None);
    }

    #[test]
    fn an_absolute_limit_binds_on_its_own() {
        let s = settings(ToleranceRule {
            price_absolute: Some(d("0.10")),
            ..ToleranceRule::strict()
        });
        let (matches, _) = match_invoice(&invoice("10", "10.09"), "PO1", "acme", &lines("10"), &s);
        assert_eq!(matches[0].result, MatchResult::Matched);
        let (matches, _) = match_invoice(&invoice("10", "10.15"), "PO1", "acme", &lines("10"), &s);
        assert_eq!(matches[0].result, MatchResult::Held);
        // With no limit at all, any increase is a breach, and a lower price never is.
        let strict = MatchSettings::default();
        let (matches, _) = match_invoice(
            &invoice("10", "10.01"),
            "PO1",
            "acme",
            &lines("10"),
            &strict,
        );
        assert_eq!(matches[0].breaches[0].limit, "no increase");
        let (matches, _) =
            match_invoice(&invoice("10", "9.50"), "PO1", "acme", &lines("10"), &strict);
        assert_eq!(matches[0].result, MatchResult::Matched);
    }

    #[test]
    fn an_invoice_ahead_of_its_receipt_waits_until_the_receipt_closes_the_gap() {
        let s = settings(two_percent());
        let (matches, changed) =
            match_invoice(&invoice("10", "10.00"), "PO1", "acme", &lines("6"), &s);
        let held = &matches[0];
        assert_eq!(held.result, MatchResult::Held);
        assert_eq!(held.breaches[0].check, "quantity");
        assert_eq!(held.breaches[0].expected, "6");
        assert_eq!(held.breaches[0].variance, "4");
        // Two more arrive: still short.
        let mut line = changed[0].clone();
        line.received = d("8");
        assert_eq!(recheck(held, &line, "acme", &s), None);
        // The rest arrive: matched.
        line.received = d("10");
        let cleared = recheck(held, &line, "acme", &s).unwrap();
        assert_eq!(cleared.result, MatchResult::Matched);
        assert!(cleared.breaches.is_empty());
    }

    #[test]
    fn a_blocking_rule_and_an_unknown_line_block() {
        let s = settings(ToleranceRule {
            on_price: BreachAction::Block,
            ..two_percent()
        });
        let (matches, _) = match_invoice(&invoice("10", "11"), "PO1", "acme", &lines("10"), &s);
        assert_eq!(matches[0].result, MatchResult::Blocked);
        let mut unknown = invoice("1", "10");
        unknown.lines[0].order_line = Some("99".into());
        let (matches, changed) = match_invoice(&unknown, "PO1", "acme", &lines("10"), &s);
        assert_eq!(matches[0].result, MatchResult::Blocked);
        assert_eq!(matches[0].breaches[0].actual, "no such line");
        assert!(changed.is_empty());
    }
}
