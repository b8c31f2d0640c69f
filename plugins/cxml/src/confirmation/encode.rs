//! Writing an [`OrderResponse`] as a `<ConfirmationRequest>`, the inverse of
//! [`decode`](super::decode): what the decoder keeps in `cxml.*` extensions (the item's own
//! quantity, further statuses of a split delivery, the header total) is written back from there.

use wharf_guest_sdk::canonical::{DateKind, Extension, LineResponse, OrderResponse};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::xml::Element;
use wharf_guest_sdk::{error, log};

use super::decode::{
    DESCRIPTION_KEY, ITEM_IN_QUANTITY_KEY, ITEM_QUANTITY_KEY, ITEM_UNIT_KEY, PAYLOAD_ID_SCHEME,
    TOTAL_KEY,
};
use super::{header_type, status_type};
use crate::address::write_contact;
use crate::classification::write_required;
use crate::comments::write_comments;
use crate::extensions::{find, unwritten, value_text, write_extrinsics};
use crate::item::{manufacturer_part, write_item_id};
use crate::money::{CONVERSION_FACTOR_KEY, write_money, write_price};
use crate::order_reference;
use crate::order_request::CLASSIFICATION_PREFIX;
use crate::values::pick_date;

/// Fields of a further `<ConfirmationStatus>` the decoder keeps and this encoder writes.
const SPLIT_FIELDS: &[&str] = &[
    "type",
    "quantity",
    "UnitOfMeasure",
    "deliveryDate",
    "shipmentDate",
];

/// The `<ConfirmationRequest>` for `response`.
pub fn encode(response: &OrderResponse) -> Result<Element, AdapterError> {
    let code = header_type(response.status, response.status_code.as_deref()).ok_or_else(|| {
        error::validation("cXML has no confirmation type for a response still pending")
            .at_xml("status")
    })?;
    let notice = pick_date(&response.dates, DateKind::Document, "noticeDate").ok_or_else(|| {
        error::validation("cXML requires a notice date: give the response a Document date")
            .at_xml("dates")
    })?;
    let mut header = Element::new("ConfirmationHeader")
        .attr("type", code)
        .attr("noticeDate", notice.value.as_str())
        .attr_opt("confirmID", response.response_number.as_deref());
    if let (Some(total), Some(currency)) = (
        find(&response.extensions, TOTAL_KEY),
        response.currency.as_deref(),
    ) {
        header =
            header.child(Element::new("Total").child(write_money(&value_text(total), currency)));
    }
    for (i, party) in response.parties.iter().enumerate() {
        header = header.child(write_contact(party, &format!("parties[{i}]"))?);
    }
    if let Some(comments) = write_comments(&response.notes, "notes") {
        header = header.child(comments);
    }
    header
        .children
        .extend(write_extrinsics(&response.extensions));
    let keys = unwritten(&response.extensions, &[TOTAL_KEY]);
    if !keys.is_empty() {
        log::warn(&format!(
            "order response for {}: extensions {} have no place in cXML; not written",
            response.po_number,
            keys.join(", ")
        ));
    }
    let mut request = Element::new("ConfirmationRequest")
        .child(header)
        .child(order_reference(response)?);
    for (i, line) in response.lines.iter().enumerate() {
        request = request.child(write_item(line, response.currency.as_deref(), i)?);
    }
    Ok(request)
}

/// `<OrderReference>`, which the 1.2.063 DTD requires of a ConfirmationRequest (its
/// `OrderIDInfo` alternative is gone); an order without a known payloadID gets an empty one.
fn order_reference(response: &OrderResponse) -> Result<Element, AdapterError> {
    let po_number = response.po_number.trim();
    if po_number.is_empty() {
        return Err(error::validation("cXML requires the order id confirmed").at_xml("po_number"));
    }
    let order_date = order_reference::order_date(&response.dates);
    let payload = response
        .references
        .iter()
        .find(|r| r.scheme == PAYLOAD_ID_SCHEME)
        .map(|r| r.value.as_str());
    Ok(order_reference::write_reference(
        po_number, order_date, payload,
    ))
}

fn write_item(
    line: &LineResponse,
    currency: Option<&str>,
    i: usize,
) -> Result<Element, AdapterError> {
    let at = format!("lines[{i}]");
    let quantity = line.quantity.as_ref().ok_or_else(|| {
        error::validation("cXML requires a confirmed quantity on every line")
            .at_xml(format!("{at}.quantity"))
    })?;
    let extension = |key: &str| find(&line.extensions, key).map(value_text);
    let date = |kind: DateKind, qualifier: &str| {
        pick_date(&line.dates, kind, qualifier).map(|d| d.value.as_str())
    };
    let mut status = Element::new("ConfirmationStatus")
        .attr(
            "type",
            status_type(line.status, line.status_code.as_deref()),
        )
        .attr("quantity", quantity.value.as_str())
        .attr_opt(
            "deliveryDate",
            date(DateKind::PromisedDelivery, "deliveryDate"),
        )
        .attr_opt("shipmentDate", date(DateKind::PromisedShip, "shipmentDate"))
        .text_child("UnitOfMeasure", &quantity.unit);
    // ItemIn requires an ItemDetail, which requires a UnitPrice: a line confirmed without a
    // price names its item by the order's line number alone.
    match &line.price {
        Some(price) => {
            let item_in = Element::new("ItemIn")
                .attr(
                    "quantity",
                    extension(ITEM_IN_QUANTITY_KEY).unwrap_or_else(|| quantity.value.clone()),
                )
                .child(write_item_id(&line.item_ids, &at)?)
                .child(write_detail(line, price, currency, &quantity.unit, &at)?);
            status = status.child(item_in);
        }
        None if !line.item_ids.is_empty() => log::warn(&format!(
            "{at}: item ids are not written: cXML names an item in a confirmation only with its price (ItemIn/ItemDetail)"
        )),
        None => {}
    }
    if let Some(comments) = write_comments(&line.notes, &format!("{at}.notes")) {
        status = status.child(comments);
    }
    status.children.extend(write_extrinsics(&line.extensions));
    let item_unit = extension(ITEM_UNIT_KEY).unwrap_or_else(|| quantity.unit.clone());
    let mut item = Element::new("ConfirmationItem")
        .attr(
            "quantity",
            extension(ITEM_QUANTITY_KEY).unwrap_or_else(|| quantity.value.clone()),
        )
        .attr("lineNumber", line.line_number.as_str())
        .text_child("UnitOfMeasure", &item_unit)
        .child(status);
    item.children
        .extend(split_statuses(&line.extensions, &item_unit));
    warn_unwritten(line, &at);
    Ok(item)
}

fn write_detail(
    line: &LineResponse,
    price: &wharf_guest_sdk::canonical::Price,
    currency: Option<&str>,
    unit: &str,
    at: &str,
) -> Result<Element, AdapterError> {
    let (unit_price, basis) = write_price(
        price,
        currency,
        unit,
        &line.extensions,
        &format!("{at}.price"),
    )?;
    let description = find(&line.extensions, DESCRIPTION_KEY).map(value_text);
    let mut detail = Element::new("ItemDetail")
        .child(unit_price)
        .child(
            Element::new("Description")
                .attr("xml:lang", "en")
                .with_text(description.unwrap_or_default()),
        )
        .text_child("UnitOfMeasure", unit);
    if let Some(basis) = basis {
        detail = detail.child(basis);
    }
    detail
        .children
        .extend(write_required(&line.extensions, at)?);
    Ok(detail.text_child_opt("ManufacturerPartID", manufacturer_part(&line.item_ids)))
}

/// The further statuses of a split delivery, from `cxml.ConfirmationStatus[N].*`, N from 2.
fn split_statuses(extensions: &[Extension], item_unit: &str) -> Vec<Element> {
    let mut statuses = Vec::new();
    for n in 2.. {
        let field = |name: &str| {
            find(extensions, &format!("cxml.ConfirmationStatus[{n}].{name}")).map(value_text)
        };
        let Some(kind) = field("type") else { break };
        let status = Element::new("ConfirmationStatus")
            .attr("type", kind)
            .attr_opt("quantity", field("quantity"))
            .attr_opt("deliveryDate", field("deliveryDate"))
            .attr_opt("shipmentDate", field("shipmentDate"))
            .text_child(
                "UnitOfMeasure",
                field("UnitOfMeasure").unwrap_or_else(|| item_unit.to_owned()),
            );
        statuses.push(status);
    }
    statuses
}

fn warn_unwritten(line: &LineResponse, at: &str) {
    let keys: Vec<&str> = unwritten(
        &line.extensions,
        &[
            ITEM_QUANTITY_KEY,
            ITEM_UNIT_KEY,
            ITEM_IN_QUANTITY_KEY,
            DESCRIPTION_KEY,
            CONVERSION_FACTOR_KEY,
        ],
    )
    .into_iter()
    .filter(|key| !key.starts_with(CLASSIFICATION_PREFIX) && !is_split_field(key))
    .collect();
    if !keys.is_empty() {
        log::warn(&format!(
            "{at}: extensions {} have no place in cXML; not written",
            keys.join(", ")
        ));
    }
}

fn is_split_field(key: &str) -> bool {
    key.strip_prefix("cxml.ConfirmationStatus[")
        .and_then(|rest| rest.split_once("]."))
        .is_some_and(|(n, field)| n.parse::<usize>().is_ok() && SPLIT_FIELDS.contains(&field))
}
