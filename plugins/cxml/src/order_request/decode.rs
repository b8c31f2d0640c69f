//! Reading an `<OrderRequest>` into a [`PurchaseOrder`]; [`super::change`] builds an order
//! change from the same reading when the type is update or delete.

use wharf_guest_sdk::canonical::{
    DateKind, Dated, Extension, OrderLine, PurchaseOrder, Quantity, ScheduleLine,
};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::text_extension;
use wharf_guest_sdk::xml::Element;

use super::CLASSIFICATION_PREFIX;
use super::extras::{take_dates, take_payment_terms};
use crate::address::{read_contact, read_ship_or_bill};
use crate::addressee::drop_stand_in_bill_to;
use crate::comments::read_comments;
use crate::extensions::keep_unmapped;
use crate::invoice::terms;
use crate::item::{read_item_id, read_manufacturer_part, take_other_ids};
use crate::money::{read_money_in, read_price};
use crate::references;
use crate::values::{date_attr, dated_attr, decimal_attr, optional_attr, required_attr};

/// The purchase order an `<OrderRequest>` states, whatever its type; header attributes and
/// children in `also_mapped` are left to the caller (an order change reads them itself).
pub fn decode(request: &Element, also_mapped: &[&str]) -> Result<PurchaseOrder, AdapterError> {
    let header = request.require("OrderRequestHeader")?;
    let mut extensions = Vec::new();
    let po_number = required_attr(header, "orderID")?.to_owned();
    let mut dates = vec![Dated {
        kind: DateKind::Document,
        value: date_attr(header, "orderDate")?,
        qualifier: Some("orderDate".to_owned()),
    }];
    dates.extend(dated_attr(
        header,
        "requestedDeliveryDate",
        DateKind::RequestedDelivery,
    )?);
    let total = header.first("Total").map(read_money_in).transpose()?;
    if let Some(total_element) = header.first("Total") {
        keep_unmapped(
            total_element,
            "cxml.OrderRequestHeader.Total",
            &["Money"],
            &mut extensions,
        );
    }
    let mut parties = Vec::new();
    for tag in ["ShipTo", "BillTo"] {
        if let Some(element) = header.first(tag) {
            let base = format!("cxml.OrderRequestHeader.{tag}");
            parties.push(read_ship_or_bill(element, &base, &mut extensions)?);
        }
    }
    let contacts: Vec<&Element> = header.all("Contact").collect();
    for (n, contact) in contacts.iter().enumerate() {
        let base = match contacts.len() {
            1 => "cxml.OrderRequestHeader.Contact".to_owned(),
            _ => format!("cxml.OrderRequestHeader.Contact[{}]", n + 1),
        };
        parties.push(read_contact(contact, &base, &mut extensions)?);
    }
    drop_stand_in_bill_to(&mut parties);
    let days = terms::read(header, &mut extensions)?;
    let notes = header
        .first("Comments")
        .and_then(|c| read_comments(c, "cxml.OrderRequestHeader.Comments", &mut extensions))
        .into_iter()
        .collect();
    let mut mapped = vec![
        "orderID",
        "orderDate",
        "requestedDeliveryDate",
        "type",
        "orderType",
        "Total",
        "ShipTo",
        "BillTo",
        "PaymentTerm",
        "Contact",
        "Comments",
        references::ID_REFERENCE,
    ];
    mapped.extend_from_slice(also_mapped);
    let references = references::read(
        header,
        "cxml.OrderRequestHeader.IdReference",
        &mut extensions,
    )?;
    keep_unmapped(header, "cxml.OrderRequestHeader", &mapped, &mut extensions);
    dates.extend(take_dates(&mut extensions));
    let payment_terms = take_payment_terms(days, &mut extensions);
    let lines = request
        .all("ItemOut")
        .map(read_item_out)
        .collect::<Result<Vec<_>, _>>()?;
    keep_unmapped(
        request,
        "cxml.OrderRequest",
        &["OrderRequestHeader", "ItemOut"],
        &mut extensions,
    );
    Ok(PurchaseOrder {
        po_number,
        order_type: optional_attr(header, "orderType").map(str::to_owned),
        currency: total.as_ref().and_then(|t| t.currency.clone()),
        dates,
        parties,
        references,
        payment_terms,
        notes,
        lines,
        total,
        extensions,
    })
}

fn read_item_out(item: &Element) -> Result<OrderLine, AdapterError> {
    let mut extensions = Vec::new();
    let line_number = required_attr(item, "lineNumber")?.to_owned();
    let value = decimal_attr(item, "quantity")?;
    let mut item_ids = read_item_id(
        item.require("ItemID")?,
        "cxml.ItemOut.ItemID",
        &mut extensions,
    );
    let detail = item.require("ItemDetail")?;
    let unit = detail.require_text("UnitOfMeasure")?.to_owned();
    let price = read_price(detail, &unit, "cxml.ItemOut.ItemDetail", &mut extensions)?;
    item_ids.extend(read_manufacturer_part(detail));
    let description = detail.first("Description");
    if let Some(description) = description {
        keep_unmapped(
            description,
            "cxml.ItemOut.ItemDetail.Description",
            &["xml:lang"],
            &mut extensions,
        );
    }
    for classification in detail.all("Classification") {
        let domain = classification.get("domain").unwrap_or_default();
        extensions.push(text_extension(
            format!("{CLASSIFICATION_PREFIX}{domain}"),
            classification.trimmed().unwrap_or_default(),
        ));
    }
    keep_unmapped(
        detail,
        "cxml.ItemOut.ItemDetail",
        &[
            "UnitPrice",
            "PriceBasisQuantity",
            "Description",
            "UnitOfMeasure",
            "Classification",
            "ManufacturerPartID",
        ],
        &mut extensions,
    );
    let requested = dated_attr(item, "requestedDeliveryDate", DateKind::RequestedDelivery)?;
    let schedule: Vec<ScheduleLine> = item
        .all("ScheduleLine")
        .map(|line| read_schedule_line(line, &unit, &mut extensions))
        .collect::<Result<Vec<_>, _>>()?;
    let notes = item
        .first("Comments")
        .and_then(|c| read_comments(c, "cxml.ItemOut.Comments", &mut extensions))
        .into_iter()
        .collect();
    keep_unmapped(
        item,
        "cxml.ItemOut",
        &[
            "quantity",
            "lineNumber",
            "requestedDeliveryDate",
            "parentLineNumber",
            "ItemID",
            "ItemDetail",
            "ScheduleLine",
            "Comments",
        ],
        &mut extensions,
    );
    item_ids.extend(take_other_ids(&mut extensions));
    // The encoder writes the first scheduled delivery as the line's requested delivery date.
    let first_scheduled = schedule
        .first()
        .and_then(|s| s.dates.first())
        .map(|d| d.value.as_str());
    let mut dates: Vec<Dated> = requested
        .filter(|r| Some(r.value.as_str()) != first_scheduled)
        .into_iter()
        .collect();
    dates.extend(take_dates(&mut extensions));
    Ok(OrderLine {
        line_number,
        parent_line: optional_attr(item, "parentLineNumber").map(str::to_owned),
        item_ids,
        description: description.and_then(Element::trimmed).map(str::to_owned),
        quantity: Quantity { value, unit },
        price,
        schedule,
        dates,
        references: Vec::new(),
        notes,
        extensions,
    })
}

fn read_schedule_line(
    line: &Element,
    line_unit: &str,
    out: &mut Vec<Extension>,
) -> Result<ScheduleLine, AdapterError> {
    let quantity = Quantity {
        value: decimal_attr(line, "quantity")?,
        unit: line
            .text_of("UnitOfMeasure")
            .unwrap_or(line_unit)
            .to_owned(),
    };
    let dates = dated_attr(line, "requestedDeliveryDate", DateKind::RequestedDelivery)?
        .into_iter()
        .collect();
    keep_unmapped(
        line,
        "cxml.ItemOut.ScheduleLine",
        &["quantity", "requestedDeliveryDate", "UnitOfMeasure"],
        out,
    );
    Ok(ScheduleLine { quantity, dates })
}
