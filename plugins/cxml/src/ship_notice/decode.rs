//! Reading a `<ShipNoticeRequest>` into a [`ShipNotice`]: the header, the carrier from the
//! first `<ShipControl>`, and one shipped order per `<ShipNoticePortion>`.

use wharf_guest_sdk::canonical::{
    Carrier, DateKind, Extension, Pack, Quantity, ShipNotice, ShippedItem, ShippedOrder,
};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::xml::Element;
use wharf_guest_sdk::{error, id, text_extension};

use super::packs::read_packaging;
use super::{COMPANY_NAME, GROSS_WEIGHT, OPERATIONS, PACKAGE_IDENTIFICATION, PACKAGING};
use crate::address::read_contact;
use crate::comments::read_comments;
use crate::extensions::{flatten, keep_unmapped};
use crate::item::{read_item_id, read_manufacturer_part};
use crate::order_reference::{self, PAYLOAD_ID_SCHEME};
use crate::order_request::CLASSIFICATION_PREFIX;
use crate::values::{dated_attr, decimal_attr, optional_attr, required_attr};

/// The ship notice a `<ShipNoticeRequest>` states.
pub fn decode(request: &Element) -> Result<ShipNotice, AdapterError> {
    let header = request.require("ShipNoticeHeader")?;
    let mut extensions = Vec::new();
    let shipment_id = required_attr(header, "shipmentID")?.to_owned();
    let purpose = optional_attr(header, "operation").map(str::to_owned);
    if let Some(operation) = &purpose
        && !OPERATIONS.contains(&operation.as_str())
    {
        return Err(error::validation(format!(
            "{operation:?} is not a ship notice operation cXML defines"
        ))
        .at_xml(header.attr_path("operation")));
    }
    let mut dates = Vec::new();
    for (name, kind) in [
        ("noticeDate", DateKind::Document),
        ("shipmentDate", DateKind::Shipped),
        ("deliveryDate", DateKind::ExpectedDelivery),
    ] {
        dates.extend(dated_attr(header, name, kind)?);
    }
    if dates.first().map(|d| d.kind) != Some(DateKind::Document) {
        return Err(
            error::validation("<ShipNoticeHeader> has no noticeDate attribute")
                .at_xml(header.attr_path("noticeDate")),
        );
    }
    let contacts: Vec<&Element> = header.all("Contact").collect();
    let mut parties = Vec::new();
    for (n, contact) in contacts.iter().enumerate() {
        let base = match contacts.len() {
            1 => "cxml.ShipNoticeHeader.Contact".to_owned(),
            _ => format!("cxml.ShipNoticeHeader.Contact[{}]", n + 1),
        };
        parties.push(read_contact(contact, &base, &mut extensions)?);
    }
    let notes = header
        .first("Comments")
        .and_then(|c| read_comments(c, "cxml.ShipNoticeHeader.Comments", &mut extensions))
        .into_iter()
        .collect();
    let gross_weight = read_gross_weight(header)?;
    let mut mapped = vec![
        "shipmentID",
        "operation",
        "noticeDate",
        "shipmentDate",
        "deliveryDate",
        "Contact",
        "Comments",
    ];
    if gross_weight.is_some() {
        mapped.push(PACKAGING);
    }
    keep_unmapped(header, "cxml.ShipNoticeHeader", &mapped, &mut extensions);
    let mut controls = request.all("ShipControl");
    let (carrier, package_count) = match controls.next() {
        Some(control) => {
            let (carrier, count) = read_carrier(control, &mut extensions)?;
            (Some(carrier), count)
        }
        None => (None, None),
    };
    for (n, control) in controls.enumerate() {
        flatten(
            control,
            &format!("cxml.ShipControl[{}]", n + 2),
            &mut extensions,
        );
    }
    let portions: Vec<&Element> = request.all("ShipNoticePortion").collect();
    let mut orders = Vec::new();
    for (n, portion) in portions.iter().enumerate() {
        let base = match portions.len() {
            1 => "cxml.ShipNoticePortion".to_owned(),
            _ => format!("cxml.ShipNoticePortion[{}]", n + 1),
        };
        orders.push(read_portion(portion, &base, &mut extensions)?);
    }
    keep_unmapped(
        request,
        "cxml.ShipNoticeRequest",
        &["ShipNoticeHeader", "ShipControl", "ShipNoticePortion"],
        &mut extensions,
    );
    Ok(ShipNotice {
        shipment_id,
        structure: None,
        purpose,
        dates,
        parties,
        references: Vec::new(),
        carrier,
        gross_weight,
        package_count,
        orders,
        notes,
        extensions,
    })
}

/// The header `<Packaging>` when it is only the shipment's gross weight (one Dimension of type
/// grossWeight); any other header packaging stays an extension.
fn read_gross_weight(header: &Element) -> Result<Option<Quantity>, AdapterError> {
    let Some(packaging) = header.first(PACKAGING) else {
        return Ok(None);
    };
    let [dimension] = packaging.children.as_slice() else {
        return Ok(None);
    };
    if dimension.name != "Dimension" || optional_attr(dimension, "type") != Some(GROSS_WEIGHT) {
        return Ok(None);
    }
    let Some(unit) = dimension.first("UnitOfMeasure").and_then(Element::trimmed) else {
        return Ok(None);
    };
    Ok(Some(Quantity {
        value: decimal_attr(dimension, "quantity")?,
        unit: unit.to_owned(),
    }))
}

/// The number of packages a `<PackageIdentification>` numbers, rangeBegin to rangeEnd.
fn read_package_count(identification: &Element) -> Result<Option<String>, AdapterError> {
    let bound = |name: &str| -> Result<u64, AdapterError> {
        required_attr(identification, name)?
            .trim()
            .parse()
            .map_err(|_| {
                error::validation(format!("{name} is not a package number"))
                    .at_xml(identification.attr_path(name))
            })
    };
    let (begin, end) = (bound("rangeBegin")?, bound("rangeEnd")?);
    Ok(end.checked_sub(begin).map(|span| (span + 1).to_string()))
}

fn read_carrier(
    control: &Element,
    out: &mut Vec<Extension>,
) -> Result<(Carrier, Option<String>), AdapterError> {
    let mut ids = Vec::new();
    let mut name = None;
    for carrier in control.all("CarrierIdentifier") {
        let domain = required_attr(carrier, "domain")?;
        let Some(value) = carrier.trimmed() else {
            continue;
        };
        if domain == COMPANY_NAME && name.is_none() {
            name = Some(value.to_owned());
        } else {
            ids.push(id(domain.to_lowercase(), value));
        }
    }
    let identifiers: Vec<&Element> = control.all("ShipmentIdentifier").collect();
    let mut tracking_numbers = Vec::new();
    for (n, identifier) in identifiers.iter().enumerate() {
        let base = match identifiers.len() {
            1 => "cxml.ShipControl.ShipmentIdentifier".to_owned(),
            _ => format!("cxml.ShipControl.ShipmentIdentifier[{}]", n + 1),
        };
        keep_unmapped(identifier, &base, &[], out);
        tracking_numbers.extend(identifier.trimmed().map(str::to_owned));
    }
    let route = control.first("Route");
    if let Some(route) = route {
        keep_unmapped(route, "cxml.ShipControl.Route", &["method"], out);
    }
    // A PackageIdentification that also dates the packages stays whole, an extension.
    let package_count = match control.first(PACKAGE_IDENTIFICATION) {
        Some(numbered) if numbered.attributes.len() == 2 && numbered.children.is_empty() => {
            read_package_count(numbered)?
        }
        _ => None,
    };
    let mut mapped = vec!["CarrierIdentifier", "ShipmentIdentifier", "Route"];
    if package_count.is_some() {
        mapped.push(PACKAGE_IDENTIFICATION);
    }
    keep_unmapped(control, "cxml.ShipControl", &mapped, out);
    let carrier = Carrier {
        ids,
        name,
        mode: route
            .and_then(|r| optional_attr(r, "method"))
            .map(str::to_owned),
        tracking_numbers,
    };
    Ok((carrier, package_count))
}

fn read_portion(
    portion: &Element,
    base: &str,
    out: &mut Vec<Extension>,
) -> Result<ShippedOrder, AdapterError> {
    let reference = order_reference::read(portion, &format!("{base}."), out)?.ok_or_else(|| {
        error::validation("<ShipNoticePortion> has no <OrderReference> naming the order shipped")
            .at_xml(format!("{}/OrderReference", portion.path))
    })?;
    let po_number = required_attr(reference.element, "orderID")?.to_owned();
    let mut packs: Vec<Pack> = Vec::new();
    let mut items = Vec::new();
    for element in portion.all("ShipNoticeItem") {
        let mut item = read_item(element)?;
        let mut pack_extensions = Vec::new();
        let pack = read_packaging(
            element,
            &mut packs,
            "cxml.ShipNoticeItem",
            &mut pack_extensions,
        )?;
        item.extensions.extend(pack_extensions);
        match pack {
            Some(at) => packs[at].items.push(item),
            None => items.push(item),
        }
    }
    keep_unmapped(
        portion,
        base,
        &["OrderReference", "OrderIDInfo", "ShipNoticeItem"],
        out,
    );
    Ok(ShippedOrder {
        po_number,
        references: reference
            .payload_id
            .map(|payload| id(PAYLOAD_ID_SCHEME, payload))
            .into_iter()
            .collect(),
        dates: reference.order_date.into_iter().collect(),
        packs,
        items,
    })
}

fn read_item(item: &Element) -> Result<ShippedItem, AdapterError> {
    let mut extensions = Vec::new();
    let order_line = required_attr(item, "lineNumber")?.to_owned();
    let line_number = optional_attr(item, "shipNoticeLineNumber")
        .unwrap_or(&order_line)
        .to_owned();
    let value = decimal_attr(item, "quantity")?;
    let unit = item.require_text("UnitOfMeasure")?.to_owned();
    let mut item_ids = read_item_id(
        item.require("ItemID")?,
        "cxml.ShipNoticeItem.ItemID",
        &mut extensions,
    );
    let mut description = None;
    if let Some(detail) = item.first("ShipNoticeItemDetail") {
        item_ids.extend(read_manufacturer_part(detail));
        description = detail.text_of("Description").map(str::to_owned);
        for classification in detail.all("Classification") {
            let domain = classification.get("domain").unwrap_or_default();
            extensions.push(text_extension(
                format!("{CLASSIFICATION_PREFIX}{domain}"),
                classification.trimmed().unwrap_or_default(),
            ));
        }
        keep_unmapped(
            detail,
            "cxml.ShipNoticeItemDetail",
            &["Description", "ManufacturerPartID", "Classification"],
            &mut extensions,
        );
    }
    let ordered = match item.first("OrderedQuantity") {
        Some(ordered) => Some(Quantity {
            value: decimal_attr(ordered, "quantity")?,
            unit: ordered.require_text("UnitOfMeasure")?.to_owned(),
        }),
        None => None,
    };
    let mut lots: Vec<String> = Vec::new();
    if let Some(batch) = item.first("Batch") {
        lots.extend(batch.text_of("SupplierBatchID").map(str::to_owned));
        keep_unmapped(
            batch,
            "cxml.ShipNoticeItem.Batch",
            &["SupplierBatchID"],
            &mut extensions,
        );
    }
    lots.extend(item.text_of("SupplierBatchID").map(str::to_owned));
    let serials = item
        .all("AssetInfo")
        .filter_map(|asset| optional_attr(asset, "serialNumber"))
        .map(str::to_owned)
        .collect();
    keep_unmapped(
        item,
        "cxml.ShipNoticeItem",
        &[
            "lineNumber",
            "shipNoticeLineNumber",
            "quantity",
            "UnitOfMeasure",
            "ItemID",
            "ShipNoticeItemDetail",
            "OrderedQuantity",
            "Batch",
            "SupplierBatchID",
            "AssetInfo",
            "Packaging",
        ],
        &mut extensions,
    );
    Ok(ShippedItem {
        line_number,
        order_line: Some(order_line),
        item_ids,
        description,
        quantity: Quantity { value, unit },
        ordered,
        lots,
        serials,
        extensions,
    })
}
