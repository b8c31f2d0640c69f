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
use crate::money::{read_money_in, read_price};
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
    let allowances_charges = read_allowances_charges(item, &base, &mut extensions)?;
    keep_unmapped(
        item,
        &base,
        &[
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
        ],
        &mut extensions,
    );
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
