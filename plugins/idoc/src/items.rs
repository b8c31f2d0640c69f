//! Quantity and price of an E1EDP01 item, which orders and order responses write alike.
//!
//! MENGE with MENEE is the quantity. VPREI is the price for PEINH units (the price unit,
//! 1 when absent) of PMENE (the order price unit, the order unit MENEE when absent); a price
//! for one order unit has no basis in the canonical model. An item without its own CURCY is
//! priced in the header's currency, which the canonical price then names.

use wharf_guest_sdk::canonical::{Price, Quantity};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::error;
use wharf_guest_sdk::units;
use wharf_guest_sdk::xml::Element;

use crate::codes::canonical_unit;
use crate::output::write_decimal;
use crate::segments::{Segment, sap_decimal};

/// Reads MENGE and MENEE, when the item gives a quantity; a quantity is never without its unit.
pub fn read_quantity(line: &mut Segment<'_>) -> Result<Option<Quantity>, AdapterError> {
    let Some(value) = line.decimal("MENGE")? else {
        return Ok(None);
    };
    let unit = line.require("MENEE", "the unit of measure of MENGE")?;
    Ok(Some(Quantity {
        value,
        unit: canonical_unit(unit),
    }))
}

/// Reads the ordered quantity, which an order item must have.
pub fn require_quantity(line: &mut Segment<'_>) -> Result<Quantity, AdapterError> {
    read_quantity(line)?.ok_or_else(|| {
        error::validation("<E1EDP01> has no MENGE (the ordered quantity)")
            .at_xml(line.field_path("MENGE"))
    })
}

/// Reads VPREI with PEINH, PMENE and CURCY into a price, for an item in `unit`.
pub fn read_price(
    line: &mut Segment<'_>,
    unit: Option<&str>,
    header_currency: Option<&str>,
) -> Result<Option<Price>, AdapterError> {
    let Some(amount) = line.decimal("VPREI")? else {
        return Ok(None);
    };
    // PEINH and PMENE are read without being used up: when they only restate the default
    // (per 1 order unit) they stay as extensions, so the IDoc is written back as SAP sent it.
    let per = match line.peek("PEINH") {
        Some(text) => Some(
            sap_decimal(text)
                .map_err(|e| error::validation(e.to_string()).at_xml(line.field_path("PEINH")))?,
        ),
        None => None,
    };
    let price_unit = line.peek("PMENE");
    let currency = line.text("CURCY").or(header_currency);
    let per_one = per.as_deref().is_none_or(|per| per == "1");
    // Compared as the canonical table counts them: PMENE ST and MENEE PCE are one unit.
    let same_unit = match (price_unit, unit) {
        (None, _) => true,
        (Some(price_unit), Some(unit)) => {
            units::same(&canonical_unit(price_unit), &canonical_unit(unit))
        }
        (Some(_), None) => false,
    };
    let basis = if per_one && same_unit {
        None
    } else {
        let Some(basis_unit) = price_unit.or(unit) else {
            return Err(error::validation(
                "the price is for a price unit (PEINH) but the item names no unit (MENEE or PMENE)",
            )
            .at_xml(line.field_path("MENEE")));
        };
        line.consume("PEINH");
        line.consume("PMENE");
        Some(Quantity {
            value: per.unwrap_or_else(|| "1".to_owned()),
            unit: canonical_unit(basis_unit),
        })
    };
    Ok(Some(Price {
        amount,
        currency: currency.map(str::to_owned),
        basis,
    }))
}

/// Writes MENGE and MENEE into the item at `path`.
pub fn write_quantity(
    line: Element,
    quantity: &Quantity,
    path: &str,
) -> Result<Element, AdapterError> {
    let unit = quantity.unit.trim();
    if unit.is_empty() {
        return Err(error::validation("the quantity has no unit of measure")
            .at_xml(format!("{path}/MENEE")));
    }
    Ok(line
        .text_child(
            "MENGE",
            write_decimal(&quantity.value, &format!("{path}/MENGE"))?,
        )
        .text_child("MENEE", unit))
}

/// Writes VPREI, PEINH, PMENE and CURCY into the item at `path` ordered in `unit`. CURCY is
/// written only where the price's currency differs from the header's.
pub fn write_price(
    line: Element,
    price: &Price,
    unit: Option<&str>,
    header_currency: Option<&str>,
    path: &str,
) -> Result<Element, AdapterError> {
    let mut line = line.text_child(
        "VPREI",
        write_decimal(&price.amount, &format!("{path}/VPREI"))?,
    );
    if let Some(basis) = &price.basis {
        line = line.text_child(
            "PEINH",
            write_decimal(&basis.value, &format!("{path}/PEINH"))?,
        );
        let basis_unit = basis.unit.trim();
        if !basis_unit.is_empty() && Some(basis_unit) != unit {
            line = line.text_child("PMENE", basis_unit);
        }
    }
    let currency = price
        .currency
        .as_deref()
        .filter(|c| Some(*c) != header_currency);
    Ok(line.text_child_opt("CURCY", currency))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_guest_sdk::xml;

    fn price_of(item: &str) -> Result<Option<Price>, AdapterError> {
        let element = xml::parse(item.as_bytes()).expect("parses");
        let mut line = Segment::new(&element);
        let unit = line.text("MENEE");
        read_price(&mut line, unit, Some("EUR"))
    }

    #[test]
    fn price_basis_only_when_not_per_one_order_unit() {
        let per_one = price_of("<P><MENEE>PCE</MENEE><VPREI>12.50</VPREI><PEINH>1</PEINH></P>")
            .expect("reads")
            .expect("has a price");
        assert_eq!(per_one.amount, "12.5");
        assert_eq!(per_one.currency.as_deref(), Some("EUR"));
        assert_eq!(per_one.basis, None);

        let per_hundred = price_of(
            "<P><MENEE>KGM</MENEE><VPREI>1850.00</VPREI><PEINH>100</PEINH><CURCY>CHF</CURCY></P>",
        )
        .expect("reads")
        .expect("has a price");
        assert_eq!(per_hundred.currency.as_deref(), Some("CHF"));
        assert_eq!(
            per_hundred.basis,
            Some(Quantity {
                value: "100".into(),
                unit: "KGM".into()
            })
        );

        let other_unit = price_of("<P><MENEE>PCE</MENEE><VPREI>3</VPREI><PMENE>KAR</PMENE></P>")
            .expect("reads")
            .expect("has a price");
        assert_eq!(
            other_unit.basis,
            Some(Quantity {
                value: "1".into(),
                unit: "KAR".into()
            })
        );
        assert_eq!(price_of("<P><MENEE>PCE</MENEE></P>").expect("reads"), None);
    }

    #[test]
    fn written_prices_read_back() {
        let price = Price {
            amount: "1850".into(),
            currency: Some("USD".into()),
            basis: Some(Quantity {
                value: "100".into(),
                unit: "KGM".into(),
            }),
        };
        let item = write_price(
            Element::new("P").text_child("MENEE", "KGM"),
            &price,
            Some("KGM"),
            Some("EUR"),
            "/P",
        )
        .expect("writes");
        let parsed = xml::parse(item.to_xml(None).as_bytes()).expect("parses");
        let mut line = Segment::new(&parsed);
        let unit = line.text("MENEE");
        assert_eq!(
            read_price(&mut line, unit, Some("EUR")).expect("reads"),
            Some(price)
        );
        assert!(item.first("PMENE").is_none());

        let bad = Price {
            amount: "12,50".into(),
            currency: None,
            basis: None,
        };
        let err = write_price(Element::new("P"), &bad, None, None, "/X/E1EDP01[3]").unwrap_err();
        assert_eq!(
            error::render(&err),
            "validation error at /X/E1EDP01[3]/VPREI: \"12,50\" is not a decimal number"
        );
    }
}
