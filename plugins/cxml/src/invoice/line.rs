//! Invoice lines both ways: `<InvoiceDetailItem>` and `<InvoiceDetailServiceItem>` against
//! [`InvoiceLine`].
//!
//! | cXML | line |
//! | --- | --- |
//! | `@invoiceLineNumber` | `line_number` |
//! | `@quantity` + `UnitOfMeasure` | `quantity` (a service item without them: 1 `LS`) |
//! | `UnitPrice`, `PriceBasisQuantity` | `unit_price` (a service item without one: its subtotal) |
//! | `InvoiceDetailItemReference@lineNumber` | `order_line` |
//! | its `ItemID`, `ManufacturerPartID`, `Description`, `Classification` | item ids, description, `cxml.Classification.*` |
//! | its `ManufacturerName` (the DTD pairs it with `ManufacturerPartID`) | extension [`MANUFACTURER_NAME_KEY`] |
//! | `SubtotalAmount` | `amount` |
//! | `Tax/TaxDetail` | `taxes` (a Tax without details: one of kind "tax") |
//! | `InvoiceDetailLineSpecialHandling` | charge, code `InvoiceDetailLineSpecialHandling` |
//! | `InvoiceDetailLineShipping` | charge, code `InvoiceDetailLineShipping` |
//! | `InvoiceDetailDiscount` | allowance, code `InvoiceDetailDiscount` |
//! | `InvoiceItemModifications/Modification` (`AdditionalDeduction/DeductionAmount` or `AdditionalCost`, `ModificationDetail/Description`) | allowance (charge) with its description, code `InvoiceItemModifications`: an allowance with a description is written so, as `InvoiceDetailDiscount` has none |
//!
//! A service item is flagged [`SERVICE_KEY`] so it is written back as one. The `<Tax><Money>`
//! is kept as [`TAX_TOTAL_KEY`] only when it is not the sum of its details.

use wharf_guest_sdk::canonical::{
    AllowanceCharge, Extension, ExtensionValue, InvoiceLine, Money, Price, Quantity, Tax,
};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::xml::Element;
use wharf_guest_sdk::{decimal, text_extension};

use super::LUMP_SUM;
use crate::extensions::keep_unmapped;
use crate::item::{read_item_id, read_manufacturer_part};
use crate::money::{read_money_in, read_price, write_money_in};
use crate::order_request::CLASSIFICATION_PREFIX;
use crate::tax::{UNSPECIFIED_KIND, read_tax, sum};
use crate::values::{decimal_attr, optional_attr, optional_decimal_attr, required_attr};

/// The line flag of a service item.
/// The line extension holding `InvoiceDetailItemReference/ManufacturerName`, which the DTD
/// requires beside a `ManufacturerPartID` there.
pub const MANUFACTURER_NAME_KEY: &str = "cxml.InvoiceDetailItemReference.ManufacturerName";

pub const SERVICE_KEY: &str = "cxml.InvoiceDetailServiceItem";
/// A line's `<Tax><Money>` where it is not the sum of the line's taxes.
pub const TAX_TOTAL_KEY: &str = "cxml.InvoiceDetailItem.Tax";
/// Allowance and charge codes: the element each was read from and is written to.
pub const SPECIAL_HANDLING: &str = "InvoiceDetailLineSpecialHandling";
pub const SHIPPING: &str = "InvoiceDetailLineShipping";
pub const DISCOUNT: &str = "InvoiceDetailDiscount";
/// The element holding a line's allowances and charges that have a description, which
/// `InvoiceDetailDiscount` has no place for: one `Modification` each.
pub const MODIFICATIONS: &str = "InvoiceItemModifications";
/// `ModificationDetail@name` (required) of a modification written from an allowance.
const ALLOWANCE_NAME: &str = "Allowance";
/// `ModificationDetail@name` of a modification written from a charge.
const CHARGE_NAME: &str = "Charge";

/// `<InvoiceItemModifications>` for `entries`: an allowance as `AdditionalDeduction/
/// DeductionAmount`, a charge as `AdditionalCost`, each with its description in
/// `ModificationDetail`.
pub fn write_modifications(
    entries: &[(usize, &AllowanceCharge)],
    currency: Option<&str>,
    at: &str,
) -> Result<Option<Element>, AdapterError> {
    if entries.is_empty() {
        return Ok(None);
    }
    let mut modifications = Element::new(MODIFICATIONS);
    for (j, entry) in entries {
        let place = format!("{at}.allowances_charges[{j}]");
        let (change, name) = if entry.is_charge {
            (
                write_money_in("AdditionalCost", &entry.amount, currency, &place)?,
                CHARGE_NAME,
            )
        } else {
            let amount = write_money_in("DeductionAmount", &entry.amount, currency, &place)?;
            (
                Element::new("AdditionalDeduction").child(amount),
                ALLOWANCE_NAME,
            )
        };
        let mut detail = Element::new("ModificationDetail").attr("name", name);
        if let Some(description) = &entry.description {
            detail = detail.child(
                Element::new("Description")
                    .attr("xml:lang", "en")
                    .with_text(description.as_str()),
            );
        }
        modifications =
            modifications.child(Element::new("Modification").child(change).child(detail));
    }
    Ok(Some(modifications))
}

/// The allowances and charges of `<InvoiceItemModifications>`, when every modification is an
/// amount deducted or added as [`write_modifications`] writes them; else none, and the
/// element stays an extension.
fn read_modifications(item: &Element) -> Result<Option<Vec<AllowanceCharge>>, AdapterError> {
    let Some(modifications) = item.first(MODIFICATIONS) else {
        return Ok(None);
    };
    let mut found = Vec::new();
    for modification in &modifications.children {
        let detail = modification.first("ModificationDetail");
        let description = detail
            .and_then(|d| d.text_of("Description"))
            .map(str::to_owned);
        let (is_charge, amount) = match (
            modification
                .first("AdditionalDeduction")
                .and_then(|d| d.first("DeductionAmount")),
            modification.first("AdditionalCost"),
        ) {
            (Some(deducted), None) => (false, deducted),
            (None, Some(cost)) if cost.first("Money").is_some() => (true, cost),
            _ => return Ok(None),
        };
        let plain = modification.children.len() == 1 + usize::from(detail.is_some());
        if modification.name != "Modification" || !plain {
            return Ok(None);
        }
        found.push(AllowanceCharge {
            is_charge,
            code: Some(MODIFICATIONS.to_owned()),
            description,
            amount: read_money_in(amount)?,
        });
    }
    Ok(Some(found))
}

/// The line an `<InvoiceDetailItem>` or `<InvoiceDetailServiceItem>` states, billing order
/// `po_number`; `order_extensions` (the order's payloadID and date) are added to the line's.
pub fn read_line(
    item: &Element,
    po_number: Option<&str>,
    order_extensions: &[Extension],
) -> Result<InvoiceLine, AdapterError> {
    let service = item.name == "InvoiceDetailServiceItem";
    let base = format!("cxml.{}", item.name);
    let mut extensions = order_extensions.to_vec();
    if service {
        extensions.push(Extension {
            key: SERVICE_KEY.to_owned(),
            value: ExtensionValue::Flag(true),
        });
    }
    let line_number = required_attr(item, "invoiceLineNumber")?.to_owned();
    let amount = match item.first("SubtotalAmount") {
        Some(subtotal) => Some(read_money_in(subtotal)?),
        None if service => Some(read_money_in(item.require("SubtotalAmount")?)?),
        None => None,
    };
    let (quantity, unit_price) = if service {
        read_service_quantity(item, amount.as_ref(), &base, &mut extensions)?
    } else {
        let unit = item.require_text("UnitOfMeasure")?.to_owned();
        item.require("UnitPrice")?;
        let price = read_price(item, &unit, &base, &mut extensions)?;
        let quantity = Quantity {
            value: decimal_attr(item, "quantity")?,
            unit,
        };
        (quantity, price)
    };
    let unit_price = unit_price.ok_or_else(|| {
        wharf_guest_sdk::error::validation("the line states no unit price")
            .at_xml(item.path.clone())
    })?;
    let reference_name = if service {
        "InvoiceDetailServiceItemReference"
    } else {
        "InvoiceDetailItemReference"
    };
    let reference = item.require(reference_name)?;
    let (item_ids, description) = read_reference(reference, &mut extensions);
    let taxes = match item.first("Tax") {
        Some(tax) => read_line_tax(tax, &mut extensions)?,
        None => Vec::new(),
    };
    let mut allowances_charges = read_allowances_charges(item, &base, &mut extensions)?;
    let modifications = read_modifications(item)?;
    let mapped_modifications = modifications.is_some();
    allowances_charges.extend(modifications.into_iter().flatten());
    let mut mapped = vec![
        "invoiceLineNumber",
        "quantity",
        "UnitOfMeasure",
        "UnitPrice",
        "PriceBasisQuantity",
        reference_name,
        "SubtotalAmount",
        "Tax",
        SPECIAL_HANDLING,
        SHIPPING,
        DISCOUNT,
    ];
    if mapped_modifications {
        mapped.push(MODIFICATIONS);
    }
    keep_unmapped(item, &base, &mapped, &mut extensions);
    Ok(InvoiceLine {
        line_number,
        po_number: po_number.map(str::to_owned),
        order_line: optional_attr(reference, "lineNumber").map(str::to_owned),
        item_ids,
        description,
        quantity,
        unit_price,
        amount,
        taxes,
        allowances_charges,
        extensions,
    })
}

/// A service item's quantity and price, which cXML leaves optional: without them the line is
/// one lump sum at its subtotal.
fn read_service_quantity(
    item: &Element,
    subtotal: Option<&Money>,
    base: &str,
    out: &mut Vec<Extension>,
) -> Result<(Quantity, Option<Price>), AdapterError> {
    let unit = item.text_of("UnitOfMeasure").unwrap_or(LUMP_SUM).to_owned();
    let value = optional_decimal_attr(item, "quantity")?.unwrap_or_else(|| "1".to_owned());
    let price = match item.first("UnitPrice") {
        Some(_) => read_price(item, &unit, base, out)?,
        None => subtotal.map(|money| Price {
            amount: money.amount.clone(),
            currency: money.currency.clone(),
            basis: None,
        }),
    };
    Ok((Quantity { value, unit }, price))
}

fn read_reference(
    reference: &Element,
    out: &mut Vec<Extension>,
) -> (Vec<wharf_guest_sdk::canonical::Identifier>, Option<String>) {
    let base = format!("cxml.{}", reference.name);
    let mut ids = match reference.first("ItemID") {
        Some(item_id) => read_item_id(item_id, &format!("{base}.ItemID"), out),
        None => Vec::new(),
    };
    ids.extend(read_manufacturer_part(reference));
    if let Some(name) = reference.text_of("ManufacturerName") {
        out.push(text_extension(MANUFACTURER_NAME_KEY, name));
    }
    for classification in reference.all("Classification") {
        let domain = classification.get("domain").unwrap_or_default();
        out.push(text_extension(
            format!("{CLASSIFICATION_PREFIX}{domain}"),
            classification.trimmed().unwrap_or_default(),
        ));
    }
    keep_unmapped(
        reference,
        &base,
        &[
            "lineNumber",
            "ItemID",
            "ManufacturerPartID",
            "ManufacturerName",
            "Description",
            "Classification",
        ],
        out,
    );
    (ids, reference.text_of("Description").map(str::to_owned))
}

fn read_line_tax(tax: &Element, out: &mut Vec<Extension>) -> Result<Vec<Tax>, AdapterError> {
    let read = read_tax(tax, TAX_TOTAL_KEY, out)?;
    if read.details.is_empty() {
        return Ok(vec![Tax {
            kind: UNSPECIFIED_KIND.to_owned(),
            rate: None,
            taxable: None,
            amount: read.total,
            jurisdiction: None,
        }]);
    }
    let stated = decimal::parse(&read.total.amount).ok();
    if stated != Some(sum(&read.details, &tax.path)?) {
        out.push(Extension {
            key: TAX_TOTAL_KEY.to_owned(),
            value: ExtensionValue::Number(read.total.amount),
        });
    }
    Ok(read.details)
}

fn read_allowances_charges(
    item: &Element,
    base: &str,
    out: &mut Vec<Extension>,
) -> Result<Vec<AllowanceCharge>, AdapterError> {
    let mut found = Vec::new();
    for (name, is_charge) in [
        (SPECIAL_HANDLING, true),
        (SHIPPING, true),
        (DISCOUNT, false),
    ] {
        let Some(element) = item.first(name) else {
            continue;
        };
        let amount = read_money_in(element)?;
        let key = format!("{base}.{name}");
        keep_unmapped(element, &key, &["Money", "Description"], out);
        found.push(AllowanceCharge {
            is_charge,
            code: Some(name.to_owned()),
            description: element.text_of("Description").map(str::to_owned),
            amount,
        });
    }
    Ok(found)
}
