//! Reading one `<ConfirmationItem>` into a [`LineResponse`].
//!
//! A `<ConfirmationItem>` with several `<ConfirmationStatus>` (a split delivery) takes its
//! status, quantity and dates from the first; each further one is kept in the line's
//! extensions as `cxml.ConfirmationStatus[N].type|quantity|UnitOfMeasure|deliveryDate|...`,
//! N counting statuses from 1, so nothing is lost and an encoder can write them back.
//! The item's own quantity and unit are kept (`cxml.ConfirmationItem.quantity`,
//! `cxml.ConfirmationItem.UnitOfMeasure`) only where they differ from the first status's.

use wharf_guest_sdk::canonical::{
    DateKind, Extension, ExtensionValue, Identifier, LineResponse, LineStatus, Price, Quantity,
};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::xml::Element;
use wharf_guest_sdk::{error, text_extension};

use super::decode::{DESCRIPTION_KEY, ITEM_IN_QUANTITY_KEY, ITEM_QUANTITY_KEY, ITEM_UNIT_KEY};
use super::line_status;
use crate::comments::read_comments;
use crate::extensions::keep_unmapped;
use crate::item::{read_item_id, read_manufacturer_part};
use crate::money::read_price;
use crate::order_request::CLASSIFICATION_PREFIX;
use crate::values::{date_attr, dated_attr, optional_decimal_attr, required_attr};

/// The line response a `<ConfirmationItem>` states.
pub fn read_item(item: &Element) -> Result<LineResponse, AdapterError> {
    let line_number = required_attr(item, "lineNumber")?.to_owned();
    let mut extensions = Vec::new();
    let statuses: Vec<&Element> = item.all("ConfirmationStatus").collect();
    let first = *statuses.first().ok_or_else(|| {
        error::validation("<ConfirmationItem> has no <ConfirmationStatus>")
            .at_xml(format!("{}/ConfirmationStatus", item.path))
    })?;
    let item_unit = item.text_of("UnitOfMeasure");
    let code = required_attr(first, "type")?;
    let status = status_of(first, code)?;
    let unit = first.text_of("UnitOfMeasure").or(item_unit);
    let quantity = match optional_decimal_attr(first, "quantity")? {
        Some(value) => {
            let unit = unit.ok_or_else(|| {
                error::validation("the confirmed quantity has no <UnitOfMeasure>")
                    .at_xml(format!("{}/UnitOfMeasure", first.path))
            })?;
            Some(Quantity {
                value,
                unit: unit.to_owned(),
            })
        }
        None => None,
    };
    if let Some(ordered) = optional_decimal_attr(item, "quantity")?
        && Some(ordered.as_str()) != quantity.as_ref().map(|q| q.value.as_str())
    {
        extensions.push(number(ITEM_QUANTITY_KEY, ordered));
    }
    if let Some(ordered_unit) = item_unit
        && Some(ordered_unit) != unit
    {
        extensions.push(text_extension(ITEM_UNIT_KEY, ordered_unit));
    }
    let mut dates = Vec::new();
    dates.extend(dated_attr(
        first,
        "deliveryDate",
        DateKind::PromisedDelivery,
    )?);
    dates.extend(dated_attr(first, "shipmentDate", DateKind::PromisedShip)?);
    // cXML puts ItemIn and Comments in the status; some partners put them on the item.
    let (item_ids, price) = match first.first("ItemIn").or(item.first("ItemIn")) {
        Some(item_in) => read_item_in(item_in, quantity.as_ref(), unit, &mut extensions)?,
        None => {
            let unit = unit.unwrap_or_default();
            let price = read_price(first, unit, "cxml.ConfirmationStatus", &mut extensions)?;
            (Vec::new(), price)
        }
    };
    let mut notes = Vec::new();
    for holder in [item, first] {
        if let Some(comments) = holder.first("Comments") {
            let base = format!("cxml.{}.Comments", holder.name);
            notes.extend(read_comments(comments, &base, &mut extensions));
        }
    }
    keep_unmapped(
        first,
        "cxml.ConfirmationStatus",
        &[
            "type",
            "quantity",
            "deliveryDate",
            "shipmentDate",
            "UnitOfMeasure",
            "ItemIn",
            "UnitPrice",
            "PriceBasisQuantity",
            "Comments",
        ],
        &mut extensions,
    );
    for (n, split) in statuses.iter().enumerate().skip(1) {
        read_split(split, n + 1, item_unit, &mut extensions)?;
    }
    keep_unmapped(
        item,
        "cxml.ConfirmationItem",
        &[
            "lineNumber",
            "quantity",
            "UnitOfMeasure",
            "ConfirmationStatus",
            "ItemIn",
            "Comments",
        ],
        &mut extensions,
    );
    Ok(LineResponse {
        line_number,
        status,
        status_code: Some(code.to_owned()),
        item_ids,
        quantity,
        price,
        dates,
        notes,
        extensions,
    })
}

fn status_of(status: &Element, code: &str) -> Result<LineStatus, AdapterError> {
    line_status(code).ok_or_else(|| {
        error::validation(format!(
            "{code:?} is not a confirmation status type this adapter reads"
        ))
        .at_xml(status.attr_path("type"))
    })
}

/// Item ids and price from an `<ItemIn>`; its quantity is kept only where it differs from the
/// confirmed one.
fn read_item_in(
    item_in: &Element,
    confirmed: Option<&Quantity>,
    unit: Option<&str>,
    out: &mut Vec<Extension>,
) -> Result<(Vec<Identifier>, Option<Price>), AdapterError> {
    let mut ids = match item_in.first("ItemID") {
        Some(item_id) => read_item_id(item_id, "cxml.ItemIn.ItemID", out),
        None => Vec::new(),
    };
    if let Some(quantity) = optional_decimal_attr(item_in, "quantity")?
        && Some(quantity.as_str()) != confirmed.map(|q| q.value.as_str())
    {
        out.push(number(ITEM_IN_QUANTITY_KEY, quantity));
    }
    let mut price = None;
    if let Some(detail) = item_in.first("ItemDetail") {
        let unit = detail.text_of("UnitOfMeasure").or(unit).unwrap_or_default();
        price = read_price(detail, unit, "cxml.ItemIn.ItemDetail", out)?;
        ids.extend(read_manufacturer_part(detail));
        if let Some(description) = detail.first("Description") {
            // An encoder writes an empty one, which the DTD requires; only text is news.
            if let Some(text) = description.trimmed() {
                out.push(text_extension(DESCRIPTION_KEY, text));
            }
            keep_unmapped(description, DESCRIPTION_KEY, &["xml:lang"], out);
        }
        for classification in detail.all("Classification") {
            let domain = classification.get("domain").unwrap_or_default();
            out.push(text_extension(
                format!("{CLASSIFICATION_PREFIX}{domain}"),
                classification.trimmed().unwrap_or_default(),
            ));
        }
        keep_unmapped(
            detail,
            "cxml.ItemIn.ItemDetail",
            &[
                "UnitPrice",
                "PriceBasisQuantity",
                "ManufacturerPartID",
                "UnitOfMeasure",
                "Description",
                "Classification",
            ],
            out,
        );
    }
    keep_unmapped(
        item_in,
        "cxml.ItemIn",
        &["quantity", "ItemID", "ItemDetail"],
        out,
    );
    Ok((ids, price))
}

/// A further `<ConfirmationStatus>` of a split delivery, checked like the first and kept as
/// `cxml.ConfirmationStatus[N].*`.
fn read_split(
    split: &Element,
    n: usize,
    item_unit: Option<&str>,
    out: &mut Vec<Extension>,
) -> Result<(), AdapterError> {
    let base = format!("cxml.ConfirmationStatus[{n}]");
    let code = required_attr(split, "type")?;
    status_of(split, code)?;
    out.push(text_extension(format!("{base}.type"), code));
    if let Some(quantity) = optional_decimal_attr(split, "quantity")? {
        out.push(number(&format!("{base}.quantity"), quantity));
    }
    if let Some(unit) = split.text_of("UnitOfMeasure").or(item_unit) {
        out.push(text_extension(format!("{base}.UnitOfMeasure"), unit));
    }
    for attribute in ["deliveryDate", "shipmentDate"] {
        if split.get(attribute).is_some() {
            let value = date_attr(split, attribute)?;
            out.push(text_extension(format!("{base}.{attribute}"), value));
        }
    }
    keep_unmapped(
        split,
        &base,
        &[
            "type",
            "quantity",
            "UnitOfMeasure",
            "deliveryDate",
            "shipmentDate",
        ],
        out,
    );
    Ok(())
}

fn number(key: &str, value: String) -> Extension {
    Extension {
        key: key.to_owned(),
        value: ExtensionValue::Number(value),
    }
}
