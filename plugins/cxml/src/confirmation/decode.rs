//! Reading a `<ConfirmationRequest>` into an [`OrderResponse`]: the header, the order it
//! answers, and (through [`super::line`]) one line per `<ConfirmationItem>`.

use wharf_guest_sdk::canonical::{
    DateKind, Dated, Extension, ExtensionValue, Identifier, Note, OrderResponse,
};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::xml::Element;
use wharf_guest_sdk::{error, id};

use super::line::read_item;
use super::response_status;
use crate::address::read_contact;
use crate::comments::read_comments;
use crate::extensions::keep_unmapped;
use crate::money::read_money_in;
use crate::order_reference;
use crate::values::{date_attr, optional_attr, required_attr};

pub use crate::order_reference::PAYLOAD_ID_SCHEME;

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

/// The PO number and references from `<OrderReference>` or `<OrderIDInfo>`, one of which a
/// confirmation must have.
fn read_order_reference(
    request: &Element,
    dates: &mut Vec<Dated>,
    out: &mut Vec<Extension>,
) -> Result<(String, Vec<Identifier>), AdapterError> {
    let reference = order_reference::read(request, "cxml.", out)?.ok_or_else(|| {
        error::validation(
            "<ConfirmationRequest> has no <OrderReference> naming the order it confirms",
        )
        .at_xml(format!("{}/OrderReference", request.path))
    })?;
    let po_number = required_attr(reference.element, "orderID")?.to_owned();
    dates.extend(reference.order_date);
    let references = reference
        .payload_id
        .map(|payload| id(PAYLOAD_ID_SCHEME, payload))
        .into_iter()
        .collect();
    Ok((po_number, references))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_guest_sdk::canonical::LineStatus;
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
