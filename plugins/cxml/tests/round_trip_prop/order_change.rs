//! Order changes (`<OrderRequest type="update">` / `"delete"`) in the form the decoder
//! produces: a generated purchase order restated as a change.
//!
//! Besides what the purchase order generator keeps out, this keeps to what a change writes
//! exactly (see `src/order_request/change.rs`): kinds Update and Cancel only (Replace is
//! written as update), every line changed in an update and cancelled in a deletion (an update
//! leaves cancelled lines out), no change number or line change codes (cXML has no place for
//! them), the order changed named by its payloadID only, the total and order type as the
//! extensions a change keeps them in, and no payment terms (an order change has none).

use proptest::prelude::*;
use wharf_guest_sdk::canonical::{
    ChangeKind, Extension, ExtensionValue, LineChange, LineChangeKind, OrderChange,
};
use wharf_guest_sdk::{id, text_extension};

use super::purchase_order::purchase_order;

pub fn order_change() -> impl Strategy<Value = OrderChange> {
    (
        purchase_order(),
        prop::sample::select(vec![ChangeKind::Update, ChangeKind::Cancel]),
        prop::option::of("[1-9][0-9]?"),
        prop::option::of("[0-9]{6,12}\\.[0-9]{1,4}@[a-z]{3,10}\\.example"),
    )
        .prop_map(|(po, kind, revision, payload)| {
            let change = match kind {
                ChangeKind::Cancel => LineChangeKind::Cancel,
                _ => LineChangeKind::Change,
            };
            let total = po.total.expect("a generated order states its total");
            let mut extensions = vec![Extension {
                key: "cxml.OrderRequestHeader.Total".to_owned(),
                value: ExtensionValue::Number(total.amount),
            }];
            extensions.extend(
                po.order_type
                    .map(|t| text_extension("cxml.OrderRequestHeader.orderType", t)),
            );
            extensions.extend(po.extensions);
            OrderChange {
                change_number: None,
                po_number: po.po_number,
                kind,
                revision,
                currency: po.currency,
                dates: po.dates,
                parties: po.parties,
                references: payload
                    .map(|p| id("previous-message", p))
                    .into_iter()
                    .collect(),
                notes: po.notes,
                lines: po
                    .lines
                    .into_iter()
                    .map(|line| LineChange {
                        change,
                        change_code: None,
                        line,
                    })
                    .collect(),
                extensions,
            }
        })
}
