//! The order a document confirms, ships or bills, both ways: `<OrderReference orderID=".."
//! orderDate=".."><DocumentReference payloadID=".."/></OrderReference>`, or `<OrderIDInfo>`,
//! which names an order without the payloadID of the document that carried it.
//!
//! | cXML | canonical |
//! | --- | --- |
//! | `@orderID` | the document's `po_number` |
//! | `@orderDate` | date Other, qualifier `orderDate` (the order's date, not this document's) |
//! | `DocumentReference@payloadID` | reference `(previous-message, ..)` |

use wharf_guest_sdk::canonical::{DateKind, Dated, Extension};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::xml::Element;

use crate::extensions::keep_unmapped;
use crate::values::{dated_attr, optional_attr};

/// The reference scheme of the payloadID of the order a document answers: the scheme table's
/// previous message (EDIFACT writes it as `RFF+ACW`).
pub const PAYLOAD_ID_SCHEME: &str = wharf_guest_sdk::schemes::PREVIOUS_MESSAGE;

/// The qualifier of the order's own date among a document's dates.
pub const ORDER_DATE: &str = "orderDate";

/// What an `<OrderReference>` or `<OrderIDInfo>` says.
pub struct OrderRef<'a> {
    /// The element read, so a caller that requires an order id can point at it.
    pub element: &'a Element,
    pub order_id: Option<String>,
    pub order_date: Option<Dated>,
    /// Blank payloadIDs (written where the order never travelled as cXML) count as none.
    pub payload_id: Option<String>,
}

/// The first `<OrderReference>` (else `<OrderIDInfo>`) child of `parent`; what it holds
/// besides the mapped values is kept under `prefix` + its name (`cxml.OrderReference`).
pub fn read<'a>(
    parent: &'a Element,
    prefix: &str,
    out: &mut Vec<Extension>,
) -> Result<Option<OrderRef<'a>>, AdapterError> {
    let Some(element) = parent
        .first("OrderReference")
        .or_else(|| parent.first("OrderIDInfo"))
    else {
        return Ok(None);
    };
    let base = format!("{prefix}{}", element.name);
    let mut payload_id = None;
    if let Some(document) = element.first("DocumentReference") {
        payload_id = optional_attr(document, "payloadID").map(str::to_owned);
        keep_unmapped(
            document,
            &format!("{base}.DocumentReference"),
            &["payloadID"],
            out,
        );
    }
    keep_unmapped(
        element,
        &base,
        &["orderID", ORDER_DATE, "DocumentReference"],
        out,
    );
    Ok(Some(OrderRef {
        element,
        order_id: optional_attr(element, "orderID").map(str::to_owned),
        order_date: dated_attr(element, ORDER_DATE, DateKind::Other)?,
        payload_id,
    }))
}

/// The order's own date among `dates`, as [`read`] keeps it or as another standard gave it
/// ([`wharf_guest_sdk::date::is_order_date`]).
pub fn order_date(dates: &[Dated]) -> Option<&str> {
    dates
        .iter()
        .find(|d| wharf_guest_sdk::date::is_order_date(d))
        .map(|d| d.value.as_str())
}

/// `<OrderReference>`, whose DTD requires a DocumentReference: an order that never travelled
/// as cXML gets an empty payloadID, which [`read`] reads back as none.
pub fn write_reference(order_id: &str, order_date: Option<&str>, payload: Option<&str>) -> Element {
    Element::new("OrderReference")
        .attr("orderID", order_id)
        .attr_opt(ORDER_DATE, order_date)
        .child(Element::new("DocumentReference").attr("payloadID", payload.unwrap_or_default()))
}

/// `<OrderIDInfo>`, for documents whose DTD accepts an order named without its payloadID.
pub fn write_id_info(order_id: &str, order_date: Option<&str>) -> Element {
    Element::new("OrderIDInfo")
        .attr("orderID", order_id)
        .attr_opt(ORDER_DATE, order_date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_guest_sdk::xml;

    #[test]
    fn a_blank_payload_id_is_no_reference() {
        let written = Element::new("P").child(write_reference("PO-1", None, None));
        let parsed = xml::parse(written.to_xml(None).as_bytes()).unwrap();
        let mut out = Vec::new();
        let read = read(&parsed, "cxml.", &mut out).unwrap().unwrap();
        assert_eq!(read.order_id.as_deref(), Some("PO-1"));
        assert_eq!(read.payload_id, None);
        assert!(out.is_empty());
    }
}
