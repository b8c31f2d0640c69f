//! The subtotal an invoice states, else the one its lines give: cXML requires
//! `InvoiceDetailSummary/SubtotalAmount`, and an X12 810 or an EDIFACT INVOIC often states only
//! the total and each line's quantity and price.
//!
//! A line's amount is its own when stated, else quantity × unit price ÷ price basis, exactly
//! (no rounding: the source's precision is kept). A price basis in another unit than the
//! quantity's is bridged by the line's cXML conversion factor (order unit → price unit, as
//! `PriceBasisQuantity@conversionFactor` defines it); without one the line is refused, there.

use wharf_guest_sdk::canonical::{Invoice, InvoiceLine, Money};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::{Decimal, decimal, error, units};

use crate::extensions::{find, value_text};
use crate::money::CONVERSION_FACTOR_KEY;

/// The invoice's subtotal: `totals.subtotal`, else the sum of its lines' amounts.
pub fn of(invoice: &Invoice) -> Result<Money, AdapterError> {
    if let Some(subtotal) = &invoice.totals.subtotal {
        return Ok(subtotal.clone());
    }
    let mut total = Decimal::ZERO;
    let mut currency = None;
    for (i, line) in invoice.lines.iter().enumerate() {
        let (amount, line_currency) = line_amount(line, &format!("lines[{i}]"))?;
        total = total.checked_add(amount).ok_or_else(|| {
            error::validation("the lines' amounts overflow a decimal").at_xml("lines")
        })?;
        currency = currency.or(line_currency);
    }
    Ok(Money {
        amount: decimal::format(total),
        currency,
    })
}

/// A line's amount and its currency, stated or computed.
fn line_amount(line: &InvoiceLine, at: &str) -> Result<(Decimal, Option<String>), AdapterError> {
    let parse = |text: &str, field: &str| {
        decimal::parse(text)
            .map_err(|e| error::validation(e.to_string()).at_xml(format!("{at}.{field}")))
    };
    if let Some(amount) = &line.amount {
        return Ok((
            parse(&amount.amount, "amount.amount")?,
            amount.currency.clone(),
        ));
    }
    let quantity = parse(&line.quantity.value, "quantity.value")?;
    let price = parse(&line.unit_price.amount, "unit_price.amount")?;
    // How many price units one unit of the quantity is.
    let factor = match &line.unit_price.basis {
        Some(basis) if !units::same(&basis.unit, &line.quantity.unit) => {
            match find(&line.extensions, CONVERSION_FACTOR_KEY) {
                Some(factor) => parse(&value_text(factor), "extensions")?,
                None => {
                    return Err(error::validation(format!(
                        "cXML requires a subtotal: the invoice states none, and this line's amount cannot be computed, since its price is per {} {} and its quantity in {}",
                        basis.value, basis.unit, line.quantity.unit
                    ))
                    .at_xml(format!("{at}.unit_price.basis")));
                }
            }
        }
        _ => Decimal::ONE,
    };
    let basis = match &line.unit_price.basis {
        Some(basis) => parse(&basis.value, "unit_price.basis.value")?,
        None => Decimal::ONE,
    };
    let amount = quantity
        .checked_mul(factor)
        .and_then(|quantity| quantity.checked_mul(price))
        .and_then(|gross| gross.checked_div(basis))
        .ok_or_else(|| {
            error::validation("quantity × unit price ÷ price basis cannot be computed")
                .at_xml(format!("{at}.unit_price"))
        })?;
    Ok((amount, line.unit_price.currency.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_guest_sdk::canonical::{InvoiceKind, InvoiceTotals, Price, Quantity};
    use wharf_guest_sdk::text_extension;

    fn line(quantity: &str, unit: &str, price: &str, basis: Option<(&str, &str)>) -> InvoiceLine {
        InvoiceLine {
            line_number: "1".into(),
            po_number: None,
            order_line: None,
            item_ids: Vec::new(),
            description: None,
            quantity: Quantity {
                value: quantity.into(),
                unit: unit.into(),
            },
            unit_price: Price {
                amount: price.into(),
                currency: Some("EUR".into()),
                basis: basis.map(|(value, unit)| Quantity {
                    value: value.into(),
                    unit: unit.into(),
                }),
            },
            amount: None,
            taxes: Vec::new(),
            allowances_charges: Vec::new(),
            extensions: Vec::new(),
        }
    }

    fn invoice(lines: Vec<InvoiceLine>) -> Invoice {
        Invoice {
            invoice_number: "R-1".into(),
            kind: InvoiceKind::Invoice,
            po_numbers: Vec::new(),
            currency: Some("EUR".into()),
            dates: Vec::new(),
            parties: Vec::new(),
            references: Vec::new(),
            payment_terms: None,
            lines,
            taxes: Vec::new(),
            allowances_charges: Vec::new(),
            totals: InvoiceTotals {
                subtotal: None,
                tax: None,
                allowances_charges: None,
                total: Money {
                    amount: "0".into(),
                    currency: None,
                },
                due: None,
            },
            notes: Vec::new(),
            extensions: Vec::new(),
        }
    }

    #[test]
    fn lines_without_amounts_are_priced_per_their_basis() {
        // 3 × 12.50 = 37.50; 250 PCE at 4.02 per 100 = 10.05; 0.125 KGM × 8 = 1.
        let lines = vec![
            line("3", "PCE", "12.50", None),
            line("250", "PCE", "4.02", Some(("100", "PCE"))),
            line("0.125", "KGM", "8", None),
        ];
        assert_eq!(of(&invoice(lines)).unwrap().amount, "48.55");
    }

    #[test]
    fn a_conversion_factor_bridges_a_price_in_another_unit() {
        // 2 boxes of 12 pieces at 3.00 per 10 pieces: 2 × 12 × 3 ÷ 10 = 7.20.
        let mut boxed = line("2", "BX", "3", Some(("10", "PCE")));
        boxed
            .extensions
            .push(text_extension(CONVERSION_FACTOR_KEY, "12"));
        assert_eq!(of(&invoice(vec![boxed])).unwrap().amount, "7.2");
        let unbridged = line("2", "BX", "3", Some(("10", "PCE")));
        let err = of(&invoice(vec![line("1", "PCE", "1", None), unbridged])).unwrap_err();
        let rendered = error::render(&err);
        assert!(
            rendered.starts_with("validation error at lines[1].unit_price.basis: "),
            "{rendered}"
        );
    }
}
