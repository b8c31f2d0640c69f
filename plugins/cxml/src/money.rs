//! Money both ways: `<Money currency="EUR">` against [`Money`], `<UnitPrice>` plus
//! `<PriceBasisQuantity>` against [`Price`], and the order total an encoder derives when the
//! purchase order states none.
//!
//! A price's `basis` is set only when it says something: a `PriceBasisQuantity` of other than
//! one of the line's own unit. Its `conversionFactor` (line unit per price unit) has no field in
//! the model and travels as the line extension [`CONVERSION_FACTOR_KEY`] when it is not 1.

use wharf_guest_sdk::canonical::{
    Extension, ExtensionValue, Money, Price, PurchaseOrder, Quantity,
};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::xml::Element;
use wharf_guest_sdk::{decimal, error, units};

use crate::extensions::{find, keep_unmapped, value_text};
use crate::values::{decimal_attr, decimal_text, optional_decimal_attr, required_attr};

/// The line extension carrying a `PriceBasisQuantity@conversionFactor` other than 1.
pub const CONVERSION_FACTOR_KEY: &str = "cxml.PriceBasisQuantity.conversionFactor";

/// Places kept after rounding a derived total: enough for sub-cent unit prices, short enough
/// that a division by a price basis of 3 does not write 28 digits.
const TOTAL_DECIMAL_PLACES: u32 = 4;

/// The `<Money>` inside `parent` (`<Total>`, `<UnitPrice>`).
pub fn read_money_in(parent: &Element) -> Result<Money, AdapterError> {
    let money = parent.require("Money")?;
    Ok(Money {
        amount: decimal_text(money)?,
        currency: Some(required_attr(money, "currency")?.to_owned()),
    })
}

/// The `<Money>` inside `parent`, or `None` when it is written empty
/// (`<Money currency="USD"/>`), as some partners do for amounts they leave open.
pub fn read_optional_money_in(parent: &Element) -> Result<Option<Money>, AdapterError> {
    match parent.require("Money")?.trimmed() {
        Some(_) => read_money_in(parent).map(Some),
        None => Ok(None),
    }
}

/// `<name><Money currency="..">amount</Money></name>` for `money`, its currency falling back to
/// the document's; `at` is the money's place in the canonical document.
pub fn write_money_in(
    name: &str,
    money: &Money,
    fallback: Option<&str>,
    at: &str,
) -> Result<Element, AdapterError> {
    checked_decimal(&money.amount, &format!("{at}.amount"))?;
    let currency = money.currency.as_deref().or(fallback).ok_or_else(|| {
        error::validation("cXML requires a currency on every amount")
            .at_xml(format!("{at}.currency"))
    })?;
    Ok(Element::new(name).child(write_money(money.amount.trim(), currency)))
}

/// The unit price an `<ItemDetail>` states, when it states one. `line_unit` is the unit the
/// line is ordered in, against which a price basis of 1 is redundant.
pub fn read_price(
    detail: &Element,
    line_unit: &str,
    base: &str,
    out: &mut Vec<Extension>,
) -> Result<Option<Price>, AdapterError> {
    let Some(unit_price) = detail.first("UnitPrice") else {
        return Ok(None);
    };
    let money = read_money_in(unit_price)?;
    keep_unmapped(unit_price, &format!("{base}.UnitPrice"), &["Money"], out);
    let basis = match detail.first("PriceBasisQuantity") {
        Some(basis) => read_basis(basis, line_unit, out)?,
        None => None,
    };
    Ok(Some(Price {
        amount: money.amount,
        currency: money.currency,
        basis,
    }))
}

fn read_basis(
    basis: &Element,
    line_unit: &str,
    out: &mut Vec<Extension>,
) -> Result<Option<Quantity>, AdapterError> {
    let quantity = decimal_attr(basis, "quantity")?;
    let unit = basis.require_text("UnitOfMeasure")?;
    if let Some(factor) = optional_decimal_attr(basis, "conversionFactor")?
        && factor != "1"
    {
        out.push(Extension {
            key: CONVERSION_FACTOR_KEY.to_owned(),
            value: ExtensionValue::Number(factor),
        });
    }
    keep_unmapped(
        basis,
        "cxml.PriceBasisQuantity",
        &["quantity", "conversionFactor", "UnitOfMeasure"],
        out,
    );
    Ok((quantity != "1" || unit != line_unit).then(|| Quantity {
        value: quantity,
        unit: unit.to_owned(),
    }))
}

/// `<Money currency="EUR">12.5</Money>`.
pub fn write_money(amount: &str, currency: &str) -> Element {
    Element::new("Money")
        .attr("currency", currency)
        .with_text(amount)
}

/// `<UnitPrice>` and, when the price has a basis, `<PriceBasisQuantity>` for a line ordered
/// in `line_unit`. `at` is the price's place in the canonical document.
pub fn write_price(
    price: &Price,
    header_currency: Option<&str>,
    line_unit: &str,
    line_extensions: &[Extension],
    at: &str,
) -> Result<(Element, Option<Element>), AdapterError> {
    checked_decimal(&price.amount, &format!("{at}.amount"))?;
    let currency = price
        .currency
        .as_deref()
        .or(header_currency)
        .ok_or_else(|| {
            error::validation("cXML requires a currency on every unit price")
                .at_xml(format!("{at}.currency"))
        })?;
    let unit_price = Element::new("UnitPrice").child(write_money(price.amount.trim(), currency));
    let Some(basis) = &price.basis else {
        return Ok((unit_price, None));
    };
    checked_decimal(&basis.value, &format!("{at}.basis.value"))?;
    let factor = match find(line_extensions, CONVERSION_FACTOR_KEY) {
        Some(factor) => value_text(factor),
        // Codes that count alike (H87 and PCE) need no conversion (wharf_guest_sdk::units).
        None if units::same(&basis.unit, line_unit) => "1".to_owned(),
        None => {
            return Err(error::validation(format!(
                "cXML needs the conversion factor between the price unit {} and the order unit {line_unit}",
                basis.unit
            ))
            .at_xml(format!("{at}.basis.unit")));
        }
    };
    let basis = Element::new("PriceBasisQuantity")
        .attr("quantity", basis.value.trim())
        .attr("conversionFactor", factor)
        .text_child("UnitOfMeasure", &basis.unit);
    Ok((unit_price, Some(basis)))
}

/// Checks that `text` is a decimal, else a validation error at `at`.
pub fn checked_decimal(text: &str, at: &str) -> Result<(), AdapterError> {
    decimal::parse(text)
        .map(|_| ())
        .map_err(|e| error::validation(e.to_string()).at_xml(at))
}

/// The order total: as stated, or the sum of quantity × price ÷ basis over the lines.
/// Returns amount and currency, both of which cXML requires.
pub fn order_total(po: &PurchaseOrder) -> Result<(String, String), AdapterError> {
    if let Some(total) = &po.total {
        checked_decimal(&total.amount, "total.amount")?;
        let currency = total
            .currency
            .as_deref()
            .or(po.currency.as_deref())
            .ok_or_else(|| {
                error::validation("cXML requires a currency on the order total")
                    .at_xml("total.currency")
            })?;
        return Ok((total.amount.trim().to_owned(), currency.to_owned()));
    }
    let overflow = |at: String| error::validation("the order total overflows").at_xml(at);
    let parse = |text: &str, at: String| {
        decimal::parse(text).map_err(|e| error::validation(e.to_string()).at_xml(at))
    };
    let mut sum = parse("0", "total".into())?;
    let mut currency: Option<&str> = None;
    for (i, line) in po.lines.iter().enumerate() {
        let at = format!("lines[{i}]");
        let price = line.price.as_ref().ok_or_else(|| missing_price(&at))?;
        let line_currency = price.currency.as_deref().or(po.currency.as_deref());
        match (currency, line_currency) {
            (_, None) => {
                return Err(
                    error::validation("cXML requires a currency on every unit price")
                        .at_xml(format!("{at}.price.currency")),
                );
            }
            (Some(first), Some(this)) if first != this => {
                return Err(error::validation(format!(
                    "lines priced in {first} and {this} cannot be totalled; state the order total"
                ))
                .at_xml(format!("{at}.price.currency")));
            }
            (_, Some(this)) => currency = Some(this),
        }
        let mut amount = parse(&line.quantity.value, format!("{at}.quantity.value"))?
            .checked_mul(parse(&price.amount, format!("{at}.price.amount"))?)
            .ok_or_else(|| overflow(format!("{at}.price.amount")))?;
        if let Some(basis) = &price.basis {
            if !units::same(&basis.unit, &line.quantity.unit) {
                return Err(error::validation(format!(
                    "a line priced per {} and ordered in {} cannot be totalled; state the order total",
                    basis.unit, line.quantity.unit
                ))
                .at_xml(format!("{at}.price.basis.unit")));
            }
            let per = parse(&basis.value, format!("{at}.price.basis.value"))?;
            amount = amount.checked_div(per).ok_or_else(|| {
                error::validation("a price basis of zero").at_xml(format!("{at}.price.basis.value"))
            })?;
        }
        sum = sum
            .checked_add(amount)
            .ok_or_else(|| overflow(at.clone()))?;
    }
    let currency = currency.or(po.currency.as_deref()).ok_or_else(|| {
        error::validation("cXML requires a currency on the order total").at_xml("currency")
    })?;
    Ok((
        decimal::format(sum.round_dp(TOTAL_DECIMAL_PLACES)),
        currency.to_owned(),
    ))
}

/// The error for a line that cannot be written because cXML requires a unit price.
pub fn missing_price(line_at: &str) -> AdapterError {
    error::validation("cXML requires a unit price on every line").at_xml(format!("{line_at}.price"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_guest_sdk::xml;

    #[test]
    fn a_basis_of_one_line_unit_says_nothing() {
        let detail = xml::parse(
            br#"<ItemDetail><UnitPrice><Money currency="EUR">2.50</Money></UnitPrice><PriceBasisQuantity quantity="1" conversionFactor="1"><UnitOfMeasure>EA</UnitOfMeasure></PriceBasisQuantity></ItemDetail>"#,
        )
        .unwrap();
        let mut out = Vec::new();
        let price = read_price(&detail, "EA", "cxml.ItemDetail", &mut out)
            .unwrap()
            .unwrap();
        assert_eq!(price.amount, "2.5");
        assert_eq!(price.currency.as_deref(), Some("EUR"));
        assert_eq!(price.basis, None);
        assert!(out.is_empty());
        let per_hundred = read_price(&detail, "PK", "cxml.ItemDetail", &mut out)
            .unwrap()
            .unwrap();
        assert_eq!(per_hundred.basis.map(|b| b.unit), Some("EA".to_owned()));
    }

    #[test]
    fn a_price_per_100_pce_of_a_line_in_h87_needs_no_conversion_factor() {
        // PCE (GS1) and H87 (Rec 20) are both the piece: the canonical units table counts
        // them alike, so the factor is 1, not a refusal.
        let price = Price {
            amount: "4.02".into(),
            currency: Some("EUR".into()),
            basis: Some(Quantity {
                value: "100".into(),
                unit: "PCE".into(),
            }),
        };
        let (_, basis) = write_price(&price, None, "H87", &[], "lines[0].price").unwrap();
        let basis = basis.expect("a basis of 100");
        assert_eq!(basis.get("conversionFactor"), Some("1"));
        assert_eq!(basis.get("quantity"), Some("100"));
    }

    #[test]
    fn money_without_currency_is_located() {
        let detail =
            xml::parse(br#"<ItemDetail><UnitPrice><Money>2.50</Money></UnitPrice></ItemDetail>"#)
                .unwrap();
        let err = read_price(&detail, "EA", "cxml.ItemDetail", &mut Vec::new()).unwrap_err();
        assert_eq!(
            error::render(&err),
            "validation error at /ItemDetail/UnitPrice/Money/@currency: <Money> has no currency attribute"
        );
    }
}
