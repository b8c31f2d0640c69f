//! What an 810 states only implicitly: IT1 carries quantity and unit price but no line
//! amount, and TDS01 is the total after charges and allowances, not the goods value. The line
//! amount is quantity × unit price (per its basis, HP 100 or TP 1000), and the subtotal is
//! the sum of the line amounts, which is what cXML's SubtotalAmount, EDIFACT's MOA+79 and
//! the IDoc's net value carry. Likewise the tax total is the sum of the header's TXI amounts.

use wharf_guest_sdk::canonical::{Invoice, InvoiceLine, Money};
use wharf_guest_sdk::{Decimal, decimal};

/// Quantity × unit price ÷ price basis, or `None` when a figure is not a number or the
/// product does not fit.
pub fn line_amount(line: &InvoiceLine) -> Option<Money> {
    let quantity = decimal::parse(&line.quantity.value).ok()?;
    let price = decimal::parse(&line.unit_price.amount).ok()?;
    let per = match &line.unit_price.basis {
        Some(basis) => decimal::parse(&basis.value).ok()?,
        None => Decimal::ONE,
    };
    if per.is_zero() {
        return None;
    }
    let amount = quantity.checked_mul(price)?.checked_div(per)?;
    Some(Money {
        amount: decimal::format(amount),
        currency: line.unit_price.currency.clone(),
    })
}

/// Fills each line's amount and the subtotal from the lines, where every line has one, and
/// the tax total from the header's TXI amounts, where it states any: an 810 has no element
/// for either, and cXML's Tax, EDIFACT's MOA+124/176 and the IDoc's tax total carry them.
pub fn derive(invoice: &mut Invoice) {
    for line in &mut invoice.lines {
        if line.amount.is_none() {
            line.amount = line_amount(line);
        }
    }
    if invoice.totals.tax.is_none() && !invoice.taxes.is_empty() {
        let sum = invoice
            .taxes
            .iter()
            .map(|t| decimal::parse(&t.amount.amount).ok())
            .try_fold(Decimal::ZERO, |sum, amount| sum.checked_add(amount?));
        invoice.totals.tax = sum.map(|sum| Money {
            amount: decimal::format(sum),
            currency: invoice.currency.clone(),
        });
    }
    if invoice.lines.is_empty() || invoice.totals.subtotal.is_some() {
        return;
    }
    let sum = invoice
        .lines
        .iter()
        .map(|l| {
            l.amount
                .as_ref()
                .and_then(|m| decimal::parse(&m.amount).ok())
        })
        .try_fold(Decimal::ZERO, |sum, amount| sum.checked_add(amount?));
    invoice.totals.subtotal = sum.map(|sum| Money {
        amount: decimal::format(sum),
        currency: invoice.currency.clone(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_guest_sdk::canonical::{Price, Quantity};

    fn line(quantity: &str, price: &str, per: Option<&str>) -> InvoiceLine {
        InvoiceLine {
            line_number: "1".to_owned(),
            po_number: None,
            order_line: None,
            item_ids: Vec::new(),
            description: None,
            quantity: Quantity {
                value: quantity.to_owned(),
                unit: "EA".to_owned(),
            },
            unit_price: Price {
                amount: price.to_owned(),
                currency: None,
                basis: per.map(|value| Quantity {
                    value: value.to_owned(),
                    unit: "EA".to_owned(),
                }),
            },
            amount: None,
            taxes: Vec::new(),
            allowances_charges: Vec::new(),
            extensions: Vec::new(),
        }
    }

    #[test]
    fn a_line_amount_is_quantity_times_price_per_basis() {
        let amount = |q, p, b| line_amount(&line(q, p, b)).map(|m| m.amount);
        assert_eq!(amount("12", "2.5", None).as_deref(), Some("30"));
        assert_eq!(amount("250", "18.40", Some("100")).as_deref(), Some("46"));
        assert_eq!(amount("-3", "0.333333", None).as_deref(), Some("-0.999999"));
        assert_eq!(amount("x", "1", None), None);
    }
}
