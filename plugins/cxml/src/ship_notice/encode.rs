//! Writing a [`ShipNotice`] as a `<ShipNoticeRequest>`, the inverse of [`decode`](super::decode).
//!
//! cXML requires a notice date, a carrier identified by at least one CarrierIdentifier and one
//! ShipmentIdentifier (when there is a carrier at all), and an item id on every item; a ship
//! notice without them is refused with the place to fix. A carrier without tracking numbers
//! is tracked by the shipment's bill of lading or carrier's reference where a source kept them
//! as references ([`TRACKING_REFERENCES`]). Items are written pack by pack, then
//! the loose ones, each naming its pack (and the packs that pack is in) by SSCC.

use wharf_guest_sdk::canonical::{Carrier, DateKind, ShipNotice, ShippedItem, ShippedOrder};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::xml::Element;
use wharf_guest_sdk::{error, log};

use super::packs::write_packaging;
use super::route;
use super::{
    CARRIER_DOMAINS, COMPANY_NAME, GROSS_WEIGHT, OPERATIONS, PACKAGE_IDENTIFICATION, PACKAGING,
};
use crate::address::write_contact;
use crate::classification::write_own;
use crate::comments::write_comments;
use crate::extensions::{unwritten, write_extrinsics};
use crate::item::{manufacturer_part, write_item_id};
use crate::order_reference::{self, PAYLOAD_ID_SCHEME};
use crate::order_request::CLASSIFICATION_PREFIX;
use crate::values::{decimal_at, pick_date};

/// Reference schemes that name what a carrier tracks a shipment by: the bill of lading (BM)
/// and the carrier's reference, the PRO number (CN), in X12 element 128 and EDIFACT 1153
/// alike; a source that maps them to the carrier's tracking numbers leaves none here.
pub const TRACKING_REFERENCES: &[&str] = &["x12:BM", "x12:CN", "edifact:BM", "edifact:CN"];

/// The `<ShipNoticeRequest>` for `notice`.
pub fn encode(notice: &ShipNotice) -> Result<Element, AdapterError> {
    let mut request = Element::new("ShipNoticeRequest").child(write_header(notice)?);
    if let Some(carrier) = &notice.carrier {
        request = request.child(write_carrier(carrier, notice)?);
    }
    for (i, order) in notice.orders.iter().enumerate() {
        request = request.child(write_portion(order, &format!("orders[{i}]"))?);
    }
    Ok(request)
}

fn write_header(notice: &ShipNotice) -> Result<Element, AdapterError> {
    if notice.shipment_id.trim().is_empty() {
        return Err(error::validation("cXML requires a shipment id").at_xml("shipment_id"));
    }
    let date = |kind: DateKind, qualifier: &str| pick_date(&notice.dates, kind, qualifier);
    let notice_date = date(DateKind::Document, "noticeDate").ok_or_else(|| {
        error::validation("cXML requires a notice date: give the ship notice a Document date")
            .at_xml("dates")
    })?;
    let shipped = date(DateKind::Shipped, "shipmentDate");
    let delivery = date(DateKind::ExpectedDelivery, "deliveryDate");
    let operation = notice.purpose.as_deref().filter(|p| OPERATIONS.contains(p));
    let mut header = Element::new("ShipNoticeHeader")
        .attr("shipmentID", notice.shipment_id.trim())
        .attr_opt("operation", operation)
        .attr("noticeDate", notice_date.value.as_str())
        .attr_opt("shipmentDate", shipped.map(|d| d.value.as_str()))
        .attr_opt("deliveryDate", delivery.map(|d| d.value.as_str()));
    for (i, party) in notice.parties.iter().enumerate() {
        header = header.child(write_contact(party, &format!("parties[{i}]"))?);
    }
    if let Some(comments) = write_comments(&notice.notes, "notes") {
        header = header.child(comments);
    }
    if let Some(weight) = &notice.gross_weight {
        header = header.child(
            Element::new(PACKAGING).child(
                Element::new("Dimension")
                    .attr("quantity", weight.value.trim())
                    .attr("type", GROSS_WEIGHT)
                    .text_child("UnitOfMeasure", weight.unit.trim()),
            ),
        );
    }
    header.children.extend(write_extrinsics(&notice.extensions));
    let mut lost = Vec::new();
    if let Some(purpose) = notice.purpose.as_deref().filter(|p| operation != Some(*p)) {
        lost.push(format!(
            "purpose {purpose:?} (cXML knows new, update, delete)"
        ));
    }
    let written = [Some(notice_date), shipped, delivery];
    let other_dates = notice
        .dates
        .iter()
        .filter(|d| !written.contains(&Some(*d)))
        .count();
    if other_dates > 0 {
        lost.push(format!("{other_dates} date(s)"));
    }
    if !notice.references.is_empty() {
        lost.push(format!("{} reference(s)", notice.references.len()));
    }
    if let Some(count) = &notice.package_count
        && (notice.carrier.is_none() || package_range(count).is_none())
    {
        lost.push(format!(
            "the package count {count:?} (a ShipControl's PackageIdentification counts whole packages)"
        ));
    }
    let keys = unwritten(&notice.extensions, &[]);
    if !keys.is_empty() {
        lost.push(format!("extensions {}", keys.join(", ")));
    }
    if !lost.is_empty() {
        log::warn(&format!(
            "ship notice {}: cXML has no place for {}; not written",
            notice.shipment_id,
            lost.join("; ")
        ));
    }
    Ok(header)
}

/// The last of the packages numbered from 1 that `count` says the shipment has, when it is a
/// whole number of them.
fn package_range(count: &str) -> Option<u32> {
    count.trim().parse().ok().filter(|n| *n > 0)
}

fn write_carrier(carrier: &Carrier, notice: &ShipNotice) -> Result<Element, AdapterError> {
    let mut control = Element::new("ShipControl");
    for identifier in &carrier.ids {
        let domain = CARRIER_DOMAINS
            .iter()
            .find(|d| d.eq_ignore_ascii_case(&identifier.scheme))
            .map_or(identifier.scheme.as_str(), |d| d);
        control = control.child(
            Element::new("CarrierIdentifier")
                .attr("domain", domain)
                .with_text(identifier.value.as_str()),
        );
    }
    if let Some(name) = &carrier.name {
        control = control.child(
            Element::new("CarrierIdentifier")
                .attr("domain", COMPANY_NAME)
                .with_text(name.as_str()),
        );
    }
    if control.children.is_empty() {
        return Err(error::validation(
            "cXML requires a carrier id or name (CarrierIdentifier) for a carrier",
        )
        .at_xml("carrier.ids"));
    }
    let mut tracking: Vec<&str> = carrier
        .tracking_numbers
        .iter()
        .map(String::as_str)
        .collect();
    for reference in &notice.references {
        let value = reference.value.as_str();
        if TRACKING_REFERENCES.contains(&reference.scheme.as_str()) && !tracking.contains(&value) {
            tracking.push(value);
        }
    }
    if tracking.is_empty() {
        return Err(error::validation(
            "cXML requires a tracking number (ShipmentIdentifier) for a carrier: the carrier has none, and the shipment names no bill of lading or carrier's reference (X12 REF*BM/CN, EDIFACT RFF+BM/CN)",
        )
        .at_xml("carrier.tracking_numbers"));
    }
    for number in tracking {
        control = control.text_child("ShipmentIdentifier", number);
    }
    if let Some(last) = notice.package_count.as_deref().and_then(package_range) {
        control = control.child(
            Element::new(PACKAGE_IDENTIFICATION)
                .attr("rangeBegin", "1")
                .attr("rangeEnd", last.to_string()),
        );
    }
    if let Some(mode) = &carrier.mode {
        control = control.child(Element::new("Route").attr("method", route::method(mode)));
    }
    Ok(control)
}

fn write_portion(order: &ShippedOrder, at: &str) -> Result<Element, AdapterError> {
    let po_number = order.po_number.trim();
    if po_number.is_empty() {
        return Err(error::validation("cXML requires the order id shipped")
            .at_xml(format!("{at}.po_number")));
    }
    let payload = order
        .references
        .iter()
        .find(|r| r.scheme == PAYLOAD_ID_SCHEME)
        .map(|r| r.value.as_str());
    let mut portion = Element::new("ShipNoticePortion").child(order_reference::write_reference(
        po_number,
        order_reference::order_date(&order.dates),
        payload,
    ));
    let mut packed = vec![false; order.packs.len()];
    for (p, pack) in order.packs.iter().enumerate() {
        if pack.items.is_empty() {
            continue;
        }
        let packaging = write_packaging(&order.packs, p, &format!("{at}.packs[{p}]"))?;
        mark_chain(order, p, &mut packed);
        for (j, item) in pack.items.iter().enumerate() {
            let item_at = format!("{at}.packs[{p}].items[{j}]");
            portion = portion.child(write_item(item, packaging.clone(), &item_at)?);
        }
    }
    for (p, pack) in order.packs.iter().enumerate() {
        if !packed[p] {
            log::warn(&format!(
                "{at}.packs[{p}]: pack {} holds no item, and cXML describes packs only through the items in them; not written",
                pack.pack_id
            ));
        }
    }
    for (j, item) in order.items.iter().enumerate() {
        portion = portion.child(write_item(item, Vec::new(), &format!("{at}.items[{j}]"))?);
    }
    let other_refs = order
        .references
        .iter()
        .filter(|r| r.scheme != PAYLOAD_ID_SCHEME)
        .count();
    let other_dates =
        order.dates.len() - usize::from(order_reference::order_date(&order.dates).is_some());
    if other_refs + other_dates > 0 {
        log::warn(&format!(
            "{at}: {other_refs} reference(s) and {other_dates} date(s) of the order have no place in a cXML ShipNoticePortion; not written"
        ));
    }
    Ok(portion)
}

/// Marks pack `p` and every pack above it as written.
fn mark_chain(order: &ShippedOrder, mut p: usize, packed: &mut [bool]) {
    while !packed[p] {
        packed[p] = true;
        let Some(parent) = order.packs[p].parent_pack.as_deref() else {
            break;
        };
        match order.packs.iter().position(|pack| pack.pack_id == parent) {
            Some(next) => p = next,
            None => break,
        }
    }
}

fn write_item(
    item: &ShippedItem,
    packaging: Vec<Element>,
    at: &str,
) -> Result<Element, AdapterError> {
    let quantity = decimal_at(&item.quantity.value, &format!("{at}.quantity.value"))?;
    let order_line = item.order_line.as_deref().unwrap_or(&item.line_number);
    let mut detail = Element::new("ShipNoticeItemDetail").child(
        Element::new("Description")
            .attr("xml:lang", "en")
            .with_text(item.description.as_deref().unwrap_or_default()),
    );
    detail.children.extend(write_own(&item.extensions));
    detail = detail.text_child_opt("ManufacturerPartID", manufacturer_part(&item.item_ids));
    let mut element = Element::new("ShipNoticeItem")
        .attr("quantity", quantity)
        .attr("lineNumber", order_line)
        .attr_opt(
            "shipNoticeLineNumber",
            (item.line_number != order_line).then_some(item.line_number.as_str()),
        )
        .child(write_item_id(&item.item_ids, at)?);
    // An empty detail says nothing; the decoder reads no description from it either way.
    if item.description.is_some() || detail.children.len() > 1 {
        element = element.child(detail);
    }
    element = element.text_child("UnitOfMeasure", item.quantity.unit.as_str());
    element.children.extend(packaging);
    if let Some(lot) = item.lots.first() {
        element = element.child(Element::new("Batch").text_child("SupplierBatchID", lot.as_str()));
    }
    for serial in &item.serials {
        element = element.child(Element::new("AssetInfo").attr("serialNumber", serial.as_str()));
    }
    if let Some(ordered) = &item.ordered {
        let value = decimal_at(&ordered.value, &format!("{at}.ordered.value"))?;
        element = element.child(
            Element::new("OrderedQuantity")
                .attr("quantity", value)
                .text_child("UnitOfMeasure", ordered.unit.as_str()),
        );
    }
    element.children.extend(write_extrinsics(&item.extensions));
    let mut lost = Vec::new();
    if item.lots.len() > 1 {
        lost.push(format!(
            "{} further lot(s) (one Batch per item)",
            item.lots.len() - 1
        ));
    }
    let keys: Vec<&str> = unwritten(&item.extensions, &[])
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
    Ok(element)
}
