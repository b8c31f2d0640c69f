//! Writing a [`PurchaseOrder`] as an `<OrderRequest type="new">`.
//!
//! cXML requires some things the model leaves optional; a purchase order without them is
//! refused with the place to fix: an order date, a BillTo (or buyer) party, a unit price and a
//! supplier (or buyer) part number on every line. Dates, payment terms and item ids without a
//! cXML attribute are written as [`super::extras`] and [`crate::item`] say; what cXML has no
//! place for at all is logged, not written.

use wharf_guest_sdk::canonical::{DateKind, OrderLine, PartyRole, PurchaseOrder};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::xml::Element;
use wharf_guest_sdk::{decimal, error, log};

use super::extras::{write_dates, write_payment_terms};
use super::{CLASSIFICATION_PREFIX, ORDER_TYPES};
use crate::address::{write_contact, write_ship_or_bill};
use crate::classification::write_required;
use crate::comments::write_comments;
use crate::extensions::{unwritten, write_extrinsics};
use crate::item::{manufacturer_part, write_item_id, write_other_ids};
use crate::money::{CONVERSION_FACTOR_KEY, missing_price, order_total, write_money, write_price};
use crate::references;
use crate::values::pick_date;

/// What an order change adds to the header of the order it restates.
#[derive(Debug, Clone, Copy)]
pub struct HeaderExtras<'a> {
    /// `OrderRequestHeader@type`: new, update or delete.
    pub kind: &'a str,
    /// `@orderVersion`.
    pub version: Option<&'a str>,
    /// The payloadID of the order changed, for `DocumentReference`.
    pub replaces: Option<&'a str>,
}

/// The header of a new order.
pub const NEW: HeaderExtras<'static> = HeaderExtras {
    kind: "new",
    version: None,
    replaces: None,
};

/// The `<OrderRequest>` for `po`.
pub fn encode(po: &PurchaseOrder) -> Result<Element, AdapterError> {
    encode_with(po, NEW)
}

/// The `<OrderRequest>` for `po` with the header `extras` of an update or deletion.
pub fn encode_with(po: &PurchaseOrder, extras: HeaderExtras<'_>) -> Result<Element, AdapterError> {
    let mut request = Element::new("OrderRequest").child(write_header(po, extras)?);
    for (i, line) in po.lines.iter().enumerate() {
        request = request.child(write_item_out(po, line, i)?);
    }
    Ok(request)
}

fn write_header(po: &PurchaseOrder, extras: HeaderExtras<'_>) -> Result<Element, AdapterError> {
    if po.po_number.trim().is_empty() {
        return Err(error::validation("cXML requires an order id").at_xml("po_number"));
    }
    let order_date = pick_date(&po.dates, DateKind::Document, "orderDate").ok_or_else(|| {
        error::validation("cXML requires an order date: give the purchase order a Document date")
            .at_xml("dates")
    })?;
    let order_type = po.order_type.as_deref().filter(|t| ORDER_TYPES.contains(t));
    if let Some(other) = po
        .order_type
        .as_deref()
        .filter(|t| !ORDER_TYPES.contains(t))
    {
        log::warn(&format!(
            "order type {other:?} is not a cXML orderType and was not written"
        ));
    }
    let (amount, currency) = order_total(po)?;
    let mut header = Element::new("OrderRequestHeader")
        .attr("orderID", po.po_number.trim())
        .attr("orderDate", order_date.value.as_str())
        .attr("type", extras.kind)
        .attr_opt("orderType", order_type)
        .attr_opt("orderVersion", extras.version)
        .attr_opt(
            "requestedDeliveryDate",
            pick_date(
                &po.dates,
                DateKind::RequestedDelivery,
                "requestedDeliveryDate",
            )
            .map(|d| d.value.as_str()),
        )
        .child(Element::new("Total").child(write_money(&amount, &currency)));
    let first_of = |role: PartyRole| po.parties.iter().position(|p| p.role == role);
    let ship_to = first_of(PartyRole::ShipTo);
    // cXML requires a BillTo. SAP purchase orders often name only the ordering company (AG)
    // and leave billing to it, so the buyer stands in when there is no bill-to party.
    // It is then written as its own Contact too, which tells the reader that the BillTo only
    // copies it (see crate::addressee).
    let own_bill_to = first_of(PartyRole::BillTo);
    let bill_to = own_bill_to
        .or_else(|| {
            let buyer = first_of(PartyRole::Buyer).or_else(|| first_of(PartyRole::SoldTo));
            if buyer.is_some() {
                log::info("no bill-to party: the buyer is written as BillTo and as a Contact");
            }
            buyer
        })
        .ok_or_else(|| {
            error::validation("cXML requires a BillTo party (or at least a buyer) on every order")
                .at_xml("parties")
        })?;
    if let Some(i) = ship_to {
        header = header.child(write_ship_or_bill(
            &po.parties[i],
            "ShipTo",
            &format!("parties[{i}]"),
        )?);
    }
    header = header.child(write_ship_or_bill(
        &po.parties[bill_to],
        "BillTo",
        &format!("parties[{bill_to}]"),
    )?);
    let (payment_terms, terms_extrinsic) = write_payment_terms(po.payment_terms.as_deref());
    header.children.extend(payment_terms);
    for (i, party) in po.parties.iter().enumerate() {
        if Some(i) != ship_to && Some(i) != own_bill_to {
            header = header.child(write_contact(party, &format!("parties[{i}]"))?);
        }
    }
    if let Some(comments) = write_comments(&po.notes, "notes") {
        header = header.child(comments);
    }
    if let Some(payload) = extras.replaces {
        header = header.child(Element::new("DocumentReference").attr("payloadID", payload));
    }
    header.children.extend(references::write(&po.references));
    header.children.extend(write_extrinsics(&po.extensions));
    // The order date and the requested delivery are attributes; other dates Extrinsics.
    header
        .children
        .extend(write_dates(po.dates.iter().filter(|d| {
            !std::ptr::eq(*d, order_date) && d.kind != DateKind::RequestedDelivery
        })));
    header.children.extend(terms_extrinsic);
    warn_unwritten_header(po);
    Ok(header)
}

fn warn_unwritten_header(po: &PurchaseOrder) {
    let mut lost: Vec<String> = Vec::new();
    let keys = unwritten(&po.extensions, &[]);
    if !keys.is_empty() {
        lost.push(format!("extensions {}", keys.join(", ")));
    }
    if !lost.is_empty() {
        log::warn(&format!(
            "purchase order {}: cXML has no place for {}; not written",
            po.po_number,
            lost.join("; ")
        ));
    }
}

fn write_item_out(po: &PurchaseOrder, line: &OrderLine, i: usize) -> Result<Element, AdapterError> {
    let at = format!("lines[{i}]");
    let quantity = decimal::normalize(&line.quantity.value)
        .map_err(|e| error::validation(e.to_string()).at_xml(format!("{at}.quantity.value")))?;
    let price = line.price.as_ref().ok_or_else(|| missing_price(&at))?;
    let (unit_price, basis) = write_price(
        price,
        po.currency.as_deref(),
        &line.quantity.unit,
        &line.extensions,
        &format!("{at}.price"),
    )?;
    // The line's own date, else its first scheduled delivery. The order's own requested
    // delivery is OrderRequestHeader@requestedDeliveryDate, which holds for every item
    // without one.
    let requested = pick_date(
        &line.dates,
        DateKind::RequestedDelivery,
        "requestedDeliveryDate",
    )
    .or_else(|| {
        line.schedule.first().and_then(|s| {
            pick_date(
                &s.dates,
                DateKind::RequestedDelivery,
                "requestedDeliveryDate",
            )
        })
    });
    let mut detail = Element::new("ItemDetail")
        .child(unit_price)
        .child(
            Element::new("Description")
                .attr("xml:lang", "en")
                .with_text(line.description.as_deref().unwrap_or_default()),
        )
        .text_child("UnitOfMeasure", &line.quantity.unit);
    if let Some(basis) = basis {
        detail = detail.child(basis);
    }
    detail
        .children
        .extend(write_required(&line.extensions, &at)?);
    detail = detail.text_child_opt("ManufacturerPartID", manufacturer_part(&line.item_ids));
    detail.children.extend(write_extrinsics(&line.extensions));
    detail.children.extend(write_other_ids(&line.item_ids));
    detail.children.extend(write_dates(
        line.dates
            .iter()
            .filter(|d| !requested.is_some_and(|r| std::ptr::eq(*d, r))),
    ));
    let mut item = Element::new("ItemOut")
        .attr("quantity", quantity)
        .attr("lineNumber", line.line_number.as_str())
        .attr_opt("parentLineNumber", line.parent_line.as_deref())
        .attr_opt("requestedDeliveryDate", requested.map(|d| d.value.as_str()))
        .child(write_item_id(&line.item_ids, &at)?)
        .child(detail);
    if let Some(comments) = write_comments(&line.notes, &format!("{at}.notes")) {
        item = item.child(comments);
    }
    for (j, scheduled) in line.schedule.iter().enumerate() {
        let date = pick_date(
            &scheduled.dates,
            DateKind::RequestedDelivery,
            "requestedDeliveryDate",
        )
        .ok_or_else(|| {
            error::validation("a cXML ScheduleLine requires a requested delivery date")
                .at_xml(format!("{at}.schedule[{j}].dates"))
        })?;
        item = item.child(
            Element::new("ScheduleLine")
                .attr("quantity", scheduled.quantity.value.as_str())
                .attr("requestedDeliveryDate", date.value.as_str())
                .text_child("UnitOfMeasure", &scheduled.quantity.unit),
        );
    }
    warn_unwritten_line(line, &at);
    Ok(item)
}

fn warn_unwritten_line(line: &OrderLine, at: &str) {
    let mut lost: Vec<String> = Vec::new();
    if !line.references.is_empty() {
        lost.push(format!("{} reference(s)", line.references.len()));
    }
    let keys: Vec<&str> = unwritten(&line.extensions, &[CONVERSION_FACTOR_KEY])
        .into_iter()
        .filter(|key| !key.starts_with(CLASSIFICATION_PREFIX))
        .collect();
    if !keys.is_empty() {
        lost.push(format!("extensions {}", keys.join(", ")));
    }
    if !lost.is_empty() {
        log::warn(&format!(
            "{at}: cXML has no place for {}; not written",
            lost.join("; ")
        ));
    }
}
