//! `<OrderRequest type="update">` and `type="delete"` against the canonical [`OrderChange`].
//!
//! cXML restates the whole order in a change, so both directions go through the purchase order
//! mapping ([`super::decode`], [`super::encode`]) and differ only in what the order change
//! keeps in fields of its own:
//!
//! | cXML | order change |
//! | --- | --- |
//! | `@type` update / delete | kind Update / Cancel (Replace is written as update) |
//! | `@orderVersion` | `revision` |
//! | `OrderRequestHeader/DocumentReference@payloadID` | reference `(previous-message, ..)`: the order changed |
//! | each `ItemOut` | a line change: Change in an update, Cancel in a deletion |
//! | `Total/Money` | extension [`TOTAL_KEY`] (an order change has no total), currency in `currency` |
//! | `@orderType` | extension [`ORDER_TYPE_KEY`] |
//!
//! An update leaves out the lines it cancels (cXML reads a missing line as removed), so a
//! line change of kind Cancel is not written in an update.

use wharf_guest_sdk::canonical::{
    ChangeKind, ExtensionValue, LineChange, LineChangeKind, Money, OrderChange, PurchaseOrder,
};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::xml::Element;
use wharf_guest_sdk::{error, id, log};

use super::decode;
use super::encode::{HeaderExtras, encode_with};
use crate::extensions::{find, value_text};
use crate::order_reference::PAYLOAD_ID_SCHEME;
use crate::values::optional_attr;

/// The stated order total of a change.
pub const TOTAL_KEY: &str = "cxml.OrderRequestHeader.Total";
/// The `orderType` of a change.
pub const ORDER_TYPE_KEY: &str = "cxml.OrderRequestHeader.orderType";

/// The order change an `<OrderRequest>` of type `kind` ("update" or "delete") states.
pub fn decode(request: &Element, kind: &str) -> Result<OrderChange, AdapterError> {
    let header = request.require("OrderRequestHeader")?;
    let (kind, line_kind) = match kind {
        "update" => (ChangeKind::Update, LineChangeKind::Change),
        "delete" => (ChangeKind::Cancel, LineChangeKind::Cancel),
        other => {
            return Err(error::validation(format!(
                "{other:?} is not an OrderRequest type cXML defines (new, update, delete)"
            ))
            .at_xml(header.attr_path("type")));
        }
    };
    let po = decode::decode(request, &["orderVersion", "DocumentReference"])?;
    let mut references = po.references;
    if let Some(document) = header.first("DocumentReference")
        && let Some(payload) = optional_attr(document, "payloadID")
    {
        references.push(id(PAYLOAD_ID_SCHEME, payload));
    }
    let mut extensions = Vec::new();
    if let Some(total) = po.total {
        extensions.push(wharf_guest_sdk::canonical::Extension {
            key: TOTAL_KEY.to_owned(),
            value: ExtensionValue::Number(total.amount),
        });
    }
    if let Some(order_type) = po.order_type {
        extensions.push(wharf_guest_sdk::text_extension(ORDER_TYPE_KEY, order_type));
    }
    extensions.extend(po.extensions);
    Ok(OrderChange {
        change_number: None,
        po_number: po.po_number,
        kind,
        revision: optional_attr(header, "orderVersion").map(str::to_owned),
        currency: po.currency,
        dates: po.dates,
        parties: po.parties,
        references,
        notes: po.notes,
        lines: po
            .lines
            .into_iter()
            .map(|line| LineChange {
                change: line_kind,
                change_code: None,
                line,
            })
            .collect(),
        extensions,
    })
}

/// The `<OrderRequest type="update|delete">` for `change`.
pub fn encode(change: &OrderChange) -> Result<Element, AdapterError> {
    let kind = match change.kind {
        ChangeKind::Update | ChangeKind::Replace => "update",
        ChangeKind::Cancel => "delete",
    };
    let replaces = change
        .references
        .iter()
        .find(|r| r.scheme == PAYLOAD_ID_SCHEME);
    if let Some(number) = &change.change_number {
        log::warn(&format!(
            "change number {number} has no place in cXML (orderVersion carries the revision); not written"
        ));
    }
    let mut lines = Vec::new();
    for (i, line) in change.lines.iter().enumerate() {
        if kind == "update" && line.change == LineChangeKind::Cancel {
            log::info(&format!(
                "lines[{i}]: a cancelled line is left out of the cXML update, which removes it"
            ));
        } else {
            lines.push(line.line.clone());
        }
    }
    let extension = |key: &str| find(&change.extensions, key).map(value_text);
    let po = PurchaseOrder {
        po_number: change.po_number.clone(),
        order_type: extension(ORDER_TYPE_KEY),
        currency: change.currency.clone(),
        dates: change.dates.clone(),
        parties: change.parties.clone(),
        references: change
            .references
            .iter()
            .filter(|r| Some(*r) != replaces)
            .cloned()
            .collect(),
        payment_terms: None,
        notes: change.notes.clone(),
        lines,
        total: extension(TOTAL_KEY).map(|amount| Money {
            amount,
            currency: change.currency.clone(),
        }),
        extensions: change
            .extensions
            .iter()
            .filter(|e| e.key != TOTAL_KEY && e.key != ORDER_TYPE_KEY)
            .cloned()
            .collect(),
    };
    encode_with(
        &po,
        HeaderExtras {
            kind,
            version: change.revision.as_deref(),
            replaces: replaces.map(|r| r.value.as_str()),
        },
    )
}
