//! Reading a `<ConfirmationRequest>` into an [`OrderResponse`].
//!
//! A `<ConfirmationItem>` with several `<ConfirmationStatus>` (a split delivery) takes its
//! status, quantity and dates from the first; each further one is kept in the line's
//! extensions as `cxml.ConfirmationStatus[N].type|quantity|UnitOfMeasure|deliveryDate|...`,
//! N counting statuses from 1, so nothing is lost and an encoder can write them back.
//! The item's own quantity and unit are kept (`cxml.ConfirmationItem.quantity`,
//! `cxml.ConfirmationItem.UnitOfMeasure`) only where they differ from the first status's.

use wharf_guest_sdk::canonical::{
    DateKind, Dated, Extension, ExtensionValue, Identifier, LineResponse, LineStatus, Note,
    OrderResponse, Price, Quantity,
};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::xml::Element;
use wharf_guest_sdk::{error, id, text_extension};

use super::{line_status, response_status};
use crate::address::read_contact;
use crate::comments::read_comments;
use crate::extensions::keep_unmapped;
use crate::item::{read_item_id, read_manufacturer_part};
use crate::money::{read_money_in, read_price};
use crate::order_request::CLASSIFICATION_PREFIX;
use crate::values::{date_attr, dated_attr, optional_attr, optional_decimal_attr, required_attr};

/// The reference scheme of the payloadID of the order a confirmation answers.
pub const PAYLOAD_ID_SCHEME: &str = "cxml:payloadID";

/// The item's own (ordered) quantity, kept where it differs from the confirmed one.
pub const ITEM_QUANTITY_KEY: &str = "cxml.ConfirmationItem.quantity";
/// The item's own unit, kept where it differs from the confirmed quantity's.
pub const ITEM_UNIT_KEY: &str = "cxml.ConfirmationItem.UnitOfMeasure";
/// `ItemIn@quantity`, kept where it differs from the confirmed quantity.
pub const ITEM_IN_QUANTITY_KEY: &str = "cxml.ItemIn.quantity";
/// The confirmed item's description; a line response has no field for one.
pub const DESCRIPTION_KEY: &str = "cxml.ItemIn.ItemDetail.Description";
/// The amount of `ConfirmationHeader/Total`; its currency is the response's.
pub const TOTAL_KEY: &str = "cxml.ConfirmationHeader.Total";

/// The order response a `<ConfirmationRequest>` states.
pub fn decode(request: &Element) -> Result<OrderResponse, AdapterError> {
    let header = request.require("ConfirmationHeader")?;
    let code = required_attr(header, "type")?;
    let status = response_status(code).ok_or_else(|| {
        error::validation(format!("{code:?} is not a confirmation type cXML defines"))
            .at_xml(header.attr_path("type"))
    })?;
    let mut extensions = Vec::new();
    let mut dates = vec![Dated {
        kind: DateKind::Document,
        value: date_attr(header, "noticeDate")?,
        qualifier: Some("noticeDate".to_owned()),
    }];
    let currency = match header.first("Total") {
        Some(total) => {
            let money = read_money_in(total)?;
            extensions.push(Extension {
                key: TOTAL_KEY.to_owned(),
                value: ExtensionValue::Number(money.amount),
            });
            keep_unmapped(total, TOTAL_KEY, &["Money"], &mut extensions);
            money.currency
        }
        None => None,
    };
    let contacts: Vec<&Element> = header.all("Contact").collect();
    let mut parties = Vec::new();
    for (n, contact) in contacts.iter().enumerate() {
        let base = match contacts.len() {
            1 => "cxml.ConfirmationHeader.Contact".to_owned(),
            _ => format!("cxml.ConfirmationHeader.Contact[{}]", n + 1),
        };
        parties.push(read_contact(contact, &base, &mut extensions)?);
    }
    let notes: Vec<Note> = header
        .first("Comments")
        .and_then(|c| read_comments(c, "cxml.ConfirmationHeader.Comments", &mut extensions))
        .into_iter()
        .collect();
    keep_unmapped(
        header,
        "cxml.ConfirmationHeader",
        &[
            "type",
            "noticeDate",
            "confirmID",
            "Total",
            "Contact",
            "Comments",
        ],
        &mut extensions,
    );
    let (po_number, references) = read_order_reference(request, &mut dates, &mut extensions)?;
    let lines = request
        .all("ConfirmationItem")
        .map(read_item)
        .collect::<Result<Vec<_>, _>>()?;
    keep_unmapped(
        request,
        "cxml.ConfirmationRequest",
        &[
            "ConfirmationHeader",
            "OrderReference",
            "OrderIDInfo",
            "ConfirmationItem",
        ],
        &mut extensions,
    );
    Ok(OrderResponse {
        response_number: optional_attr(header, "confirmID").map(str::to_owned),
        po_number,
        change_number: None,
        status,
        status_code: Some(code.to_owned()),
        currency,
        dates,
        parties,
        references,
        notes,
        lines,
        extensions,
    })
}

/// The PO number and references from `<OrderReference>` (or `<OrderIDInfo>`, which names an
/// order without the payloadID of the document that carried it).
fn read_order_reference(
    request: &Element,
    dates: &mut Vec<Dated>,
    out: &mut Vec<Extension>,
) -> Result<(String, Vec<Identifier>), AdapterError> {
    let (reference, mapped): (&Element, &[&str]) = match request.first("OrderReference") {
        Some(reference) => (reference, &["orderID", "orderDate", "DocumentReference"]),
        None => match request.first("OrderIDInfo") {
            Some(info) => (info, &["orderID", "orderDate"]),
            None => {
                return Err(error::validation(
                    "<ConfirmationRequest> has no <OrderReference> naming the order it confirms",
                )
                .at_xml(format!("{}/OrderReference", request.path)));
            }
        },
    };
    let po_number = required_attr(reference, "orderID")?.to_owned();
    // The order's own date, not this document's: kind Other, named by its attribute.
    dates.extend(dated_attr(reference, "orderDate", DateKind::Other)?);
    let mut references = Vec::new();
    if let Some(document) = reference.first("DocumentReference") {
        references.push(id(PAYLOAD_ID_SCHEME, required_attr(document, "payloadID")?));
        keep_unmapped(
            document,
            &format!("cxml.{}.DocumentReference", reference.name),
            &["payloadID"],
            out,
        );
    }
    keep_unmapped(reference, &format!("cxml.{}", reference.name), mapped, out);
    Ok((po_number, references))
}

fn read_item(item: &Element) -> Result<LineResponse, AdapterError> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_guest_sdk::xml;

    fn confirmation(body: &str) -> Result<OrderResponse, AdapterError> {
        let text = format!("<ConfirmationRequest>{body}</ConfirmationRequest>");
        decode(&xml::parse(text.as_bytes()).unwrap())
    }

    const HEADER: &str =
        r#"<ConfirmationHeader type="detail" noticeDate="2026-02-04T09:00:00+01:00"/>"#;

    #[test]
    fn order_id_info_stands_in_for_order_reference() {
        let response = confirmation(&format!(
            r#"{HEADER}<OrderIDInfo orderID="PO-7" orderDate="2026-02-01"/>"#
        ))
        .unwrap();
        assert_eq!(response.po_number, "PO-7");
        assert_eq!(response.dates[1].value, "2026-02-01");
        assert!(response.references.is_empty());
        assert!(response.lines.is_empty());
    }

    #[test]
    fn an_item_without_line_number_is_located() {
        let err = confirmation(&format!(
            r#"{HEADER}<OrderIDInfo orderID="PO-7"/><ConfirmationItem quantity="1"><UnitOfMeasure>EA</UnitOfMeasure><ConfirmationStatus type="accept" quantity="1"/></ConfirmationItem>"#
        ))
        .unwrap_err();
        assert_eq!(
            error::render(&err),
            "validation error at /ConfirmationRequest/ConfirmationItem/@lineNumber: <ConfirmationItem> has no lineNumber attribute"
        );
    }

    #[test]
    fn an_unknown_status_type_is_located() {
        let err = confirmation(&format!(
            r#"{HEADER}<OrderIDInfo orderID="PO-7"/><ConfirmationItem lineNumber="1" quantity="1"><UnitOfMeasure>EA</UnitOfMeasure><ConfirmationStatus type="maybe" quantity="1"/></ConfirmationItem>"#
        ))
        .unwrap_err();
        assert_eq!(
            error::render(&err),
            "validation error at /ConfirmationRequest/ConfirmationItem/ConfirmationStatus/@type: \"maybe\" is not a confirmation status type this adapter reads"
        );
    }

    #[test]
    fn the_ordered_quantity_is_kept_only_when_it_differs() {
        let response = confirmation(&format!(
            r#"{HEADER}<OrderIDInfo orderID="PO-7"/><ConfirmationItem lineNumber="1" quantity="10"><UnitOfMeasure>EA</UnitOfMeasure><ConfirmationStatus type="detail" quantity="8"><UnitOfMeasure>EA</UnitOfMeasure></ConfirmationStatus></ConfirmationItem><ConfirmationItem lineNumber="2" quantity="3"><UnitOfMeasure>EA</UnitOfMeasure><ConfirmationStatus type="accept" quantity="3.0"><UnitOfMeasure>EA</UnitOfMeasure></ConfirmationStatus></ConfirmationItem>"#
        ))
        .unwrap();
        assert_eq!(response.lines[0].status, LineStatus::Changed);
        assert_eq!(response.lines[0].extensions[0].key, ITEM_QUANTITY_KEY);
        assert!(response.lines[1].extensions.is_empty());
    }
}
