//! `<OrderRequest type="new">` against the canonical
//! [`PurchaseOrder`](wharf_guest_sdk::canonical::PurchaseOrder), and (through [`change`])
//! `type="update"` / `"delete"` against an order change, with [`decode`] and [`encode`]
//! inverse to each other: `decode(encode(po))` gives `po` back apart from what the encoder
//! derives (the total when none was stated).
//!
//! | cXML | purchase order |
//! | --- | --- |
//! | `OrderRequestHeader@orderID` | `po_number` |
//! | `@orderDate` | date Document, qualifier `orderDate` |
//! | `@orderType` | `order_type` |
//! | `@requestedDeliveryDate` | date RequestedDelivery, qualifier `requestedDeliveryDate` |
//! | `Total/Money` | `total`, `currency` |
//! | `ShipTo`, `BillTo`, `Contact@role` | parties (see [`crate::address`]) |
//! | `Comments` | notes |
//! | `Extrinsic@name` | extension `cxml.Extrinsic.<name>` |
//! | `ItemOut@lineNumber`, `@quantity` + `ItemDetail/UnitOfMeasure` | line number, quantity |
//! | `PaymentTerm`, `Extrinsic name="PaymentTerms"` | `payment_terms` (see [`extras`]) |
//! | `Extrinsic name="date.<Kind>[.<qualifier>]"` | other dates, header and line (see [`extras`]) |
//! | `ItemOut@requestedDeliveryDate` | line date RequestedDelivery, qualifier `requestedDeliveryDate`, unless it is the first `ScheduleLine`'s date (the encoder writes that one there) |
//! | `ItemOut@parentLineNumber` | `parent_line` (1.2.014 has no such attribute; the default 1.2.063 has) |
//! | `ItemID`, `ItemDetail/ManufacturerPartID`, `Extrinsic name="ItemID.<scheme>"` | item ids (see [`crate::item`]) |
//! | `ItemDetail/UnitPrice`, `PriceBasisQuantity` | price (see [`crate::money`]) |
//! | `ItemDetail/Description` | description |
//! | `ItemDetail/Classification@domain` | line extension `cxml.Classification.<domain>` |
//! | `ItemOut/ScheduleLine` | schedule |

pub mod change;
pub mod decode;
pub mod encode;
pub mod extras;

use wharf_guest_sdk::canonical::Document;
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::xml::Element;

use crate::values::optional_attr;

/// The document an `<OrderRequest>` states: a purchase order when new (the DTD's default
/// type), else an order change.
pub fn decode_document(request: &Element) -> Result<Document, AdapterError> {
    let header = request.require("OrderRequestHeader")?;
    match optional_attr(header, "type").unwrap_or("new") {
        "new" => Ok(Document::PurchaseOrder(decode::decode(request, &[])?)),
        kind => Ok(Document::OrderChange(change::decode(request, kind)?)),
    }
}

/// Line extensions `cxml.Classification.<domain>` carry `<Classification domain="...">`.
pub const CLASSIFICATION_PREFIX: &str = "cxml.Classification.";

/// `orderType` values cXML defines; other order types (X12 "SA", SAP "NB") are not written.
pub const ORDER_TYPES: &[&str] = &["regular", "release", "blanket"];
