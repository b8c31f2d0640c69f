//! The rules a canonical document must meet before the engine accepts it, whichever adapter
//! produced it: required numbers present, decimals and dates well formed, line numbers unique.
//!
//! Each broken rule is a [`Violation`] with a path into the document (`lines[2].quantity.value`),
//! so a partner can find it.

use std::collections::HashSet;
use std::str::FromStr;

use super::*;

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    pub path: String,
    pub message: String,
}

#[derive(Default)]
struct Checker {
    violations: Vec<Violation>,
}

impl Checker {
    fn fail(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.violations.push(Violation {
            path: path.into(),
            message: message.into(),
        });
    }

    fn required(&mut self, path: &str, value: &str) {
        if value.trim().is_empty() {
            self.fail(path, "is required");
        }
    }

    fn decimal(&mut self, path: &str, value: &str) {
        if value.trim() != value || rust_decimal::Decimal::from_str(value).is_err() {
            self.fail(path, format!("{value:?} is not a decimal number"));
        }
    }

    fn quantity(&mut self, path: &str, q: &Quantity) {
        self.decimal(&format!("{path}.value"), &q.value);
        self.required(&format!("{path}.unit"), &q.unit);
    }

    fn price(&mut self, path: &str, p: &Price) {
        self.decimal(&format!("{path}.amount"), &p.amount);
        if let Some(basis) = &p.basis {
            self.quantity(&format!("{path}.basis"), basis);
        }
    }

    fn money(&mut self, path: &str, m: &Money) {
        self.decimal(&format!("{path}.amount"), &m.amount);
    }

    fn dates(&mut self, path: &str, dates: &[Dated]) {
        for (i, d) in dates.iter().enumerate() {
            if !looks_like_iso_date(&d.value) {
                self.fail(
                    format!("{path}[{i}].value"),
                    format!("{:?} is not an ISO 8601 date", d.value),
                );
            }
        }
    }

    fn unique_lines<'a>(&mut self, path: &str, numbers: impl Iterator<Item = &'a str>) {
        let mut seen = HashSet::new();
        for (i, n) in numbers.enumerate() {
            self.required(&format!("{path}[{i}].line_number"), n);
            if !seen.insert(n) {
                self.fail(
                    format!("{path}[{i}].line_number"),
                    format!("line number {n:?} appears more than once"),
                );
            }
        }
    }

    fn order_line(&mut self, path: &str, line: &OrderLine) {
        self.quantity(&format!("{path}.quantity"), &line.quantity);
        if let Some(price) = &line.price {
            self.price(&format!("{path}.price"), price);
        }
        self.dates(&format!("{path}.dates"), &line.dates);
        for (i, s) in line.schedule.iter().enumerate() {
            self.quantity(&format!("{path}.schedule[{i}].quantity"), &s.quantity);
            self.dates(&format!("{path}.schedule[{i}].dates"), &s.dates);
        }
    }
}

/// `YYYY-MM-DD`, optionally followed by a time; the adapters normalize the rest.
fn looks_like_iso_date(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() >= 10
        && b[4] == b'-'
        && b[7] == b'-'
        && [0, 1, 2, 3, 5, 6, 8, 9]
            .iter()
            .all(|&i| b[i].is_ascii_digit())
        && (b.len() == 10 || b[10] == b'T')
}

/// Every rule `document` breaks; empty when it may be accepted.
pub fn check(document: &Document) -> Vec<Violation> {
    let mut c = Checker::default();
    match document {
        Document::PurchaseOrder(po) => {
            c.required("po_number", &po.po_number);
            if po.lines.is_empty() {
                c.fail("lines", "a purchase order needs at least one line");
            }
            c.dates("dates", &po.dates);
            c.unique_lines("lines", po.lines.iter().map(|l| l.line_number.as_str()));
            for (i, line) in po.lines.iter().enumerate() {
                c.order_line(&format!("lines[{i}]"), line);
            }
            if let Some(total) = &po.total {
                c.money("total", total);
            }
        }
        Document::OrderResponse(r) => {
            c.required("po_number", &r.po_number);
            c.dates("dates", &r.dates);
            c.unique_lines("lines", r.lines.iter().map(|l| l.line_number.as_str()));
            for (i, line) in r.lines.iter().enumerate() {
                if let Some(q) = &line.quantity {
                    c.quantity(&format!("lines[{i}].quantity"), q);
                }
                if let Some(p) = &line.price {
                    c.price(&format!("lines[{i}].price"), p);
                }
                c.dates(&format!("lines[{i}].dates"), &line.dates);
            }
        }
        Document::OrderChange(ch) => {
            c.required("po_number", &ch.po_number);
            c.unique_lines(
                "lines",
                ch.lines.iter().map(|l| l.line.line_number.as_str()),
            );
            for (i, l) in ch.lines.iter().enumerate() {
                c.order_line(&format!("lines[{i}].line"), &l.line);
            }
        }
        Document::ShipNotice(s) => {
            c.required("shipment_id", &s.shipment_id);
            for (i, o) in s.orders.iter().enumerate() {
                c.required(&format!("orders[{i}].po_number"), &o.po_number);
                let items = o.items.iter().chain(o.packs.iter().flat_map(|p| &p.items));
                for (j, item) in items.enumerate() {
                    c.quantity(&format!("orders[{i}].items[{j}].quantity"), &item.quantity);
                }
            }
        }
        Document::GoodsReceipt(g) => {
            c.required("receipt_number", &g.receipt_number);
            for (i, l) in g.lines.iter().enumerate() {
                c.quantity(&format!("lines[{i}].received"), &l.received);
            }
        }
        Document::Invoice(inv) => {
            c.required("invoice_number", &inv.invoice_number);
            c.unique_lines("lines", inv.lines.iter().map(|l| l.line_number.as_str()));
            for (i, l) in inv.lines.iter().enumerate() {
                c.quantity(&format!("lines[{i}].quantity"), &l.quantity);
                c.price(&format!("lines[{i}].unit_price"), &l.unit_price);
            }
            c.money("totals.total", &inv.totals.total);
        }
        Document::QualityNotification(q) => {
            c.required("notification_number", &q.notification_number);
        }
        Document::Supplier(s) => {
            c.required("name", &s.name);
            if s.ids.is_empty() {
                c.fail("ids", "a supplier needs at least one identifier");
            }
        }
        Document::FunctionalAck(_) => {}
    }
    c.violations
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order() -> PurchaseOrder {
        PurchaseOrder {
            po_number: "4500000001".into(),
            order_type: None,
            currency: Some("EUR".into()),
            dates: vec![],
            parties: vec![],
            references: vec![],
            payment_terms: None,
            notes: vec![],
            lines: vec![OrderLine {
                line_number: "10".into(),
                parent_line: None,
                item_ids: vec![],
                description: None,
                quantity: Quantity {
                    value: "5".into(),
                    unit: "EA".into(),
                },
                price: None,
                schedule: vec![],
                dates: vec![],
                references: vec![],
                notes: vec![],
                extensions: vec![],
            }],
            total: None,
            extensions: vec![],
        }
    }

    #[test]
    fn a_sound_order_passes() {
        assert_eq!(check(&Document::PurchaseOrder(order())), vec![]);
    }

    #[test]
    fn each_broken_rule_is_named_with_its_path() {
        let mut po = order();
        po.po_number = " ".into();
        po.lines.push(po.lines[0].clone());
        po.lines[1].quantity.value = "12.5X".into();
        po.lines[1].dates.push(Dated {
            kind: DateKind::RequestedDelivery,
            value: "27.11.2026".into(),
            qualifier: None,
        });
        let paths: Vec<String> = check(&Document::PurchaseOrder(po))
            .into_iter()
            .map(|v| format!("{}: {}", v.path, v.message))
            .collect();
        assert_eq!(
            paths,
            [
                "po_number: is required",
                "lines[1].line_number: line number \"10\" appears more than once",
                "lines[1].quantity.value: \"12.5X\" is not a decimal number",
                "lines[1].dates[0].value: \"27.11.2026\" is not an ISO 8601 date",
            ]
        );
    }
}
