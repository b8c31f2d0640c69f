//! Order responses (`<ConfirmationRequest>`) in the form the decoder produces.
//!
//! Kept within what cXML writes exactly (see `src/confirmation.rs`,
//! `src/confirmation/*.rs`):
//! - no Pending response (cXML has no confirmation type for it) and status codes that mean
//!   the status (another code is written as the table's first);
//! - a confirmed quantity on every line; the item's ordered quantity kept only where it
//!   differs, in the confirmed unit; `ItemIn@quantity` the confirmed one;
//! - item ids only with a supplier part id (a buyer id never equal to it) and a price (an
//!   `ItemIn` requires an `ItemDetail`, which requires a `UnitPrice`), and a manufacturer part, description or classification only with a price (they sit
//!   in the `ItemDetail` a price opens);
//! - the header currency only with a header total (the decoder reads it from there), every
//!   price carrying the same currency itself;
//! - contacts whose only id is their addressID, at most one note per header and line, a split
//!   delivery's further status always with its unit, no change number.

use proptest::prelude::*;
use wharf_guest_sdk::canonical::{
    DateKind, Dated, Extension, ExtensionValue, LineResponse, LineStatus, Note, OrderResponse,
    PartyRole, Price, Quantity, ResponseStatus,
};
use wharf_guest_sdk::{id, text_extension};

use super::purchase_order::{CURRENCIES, ship_or_bill};
use super::{amount, date, token, words};

fn number(key: &str, value: String) -> Extension {
    Extension {
        key: key.to_owned(),
        value: ExtensionValue::Number(value),
    }
}

fn dated(kind: DateKind, value: String, qualifier: &str) -> Dated {
    Dated {
        kind,
        value,
        qualifier: Some(qualifier.to_owned()),
    }
}

fn line_status() -> impl Strategy<Value = (LineStatus, &'static str)> {
    prop::sample::select(vec![
        (LineStatus::Accepted, "accept"),
        (LineStatus::Rejected, "reject"),
        (LineStatus::Changed, "detail"),
        (LineStatus::Backordered, "backordered"),
        (LineStatus::Pending, "unknown"),
    ])
}

/// The item's ids, and with them perhaps a price and what its `ItemDetail` carries.
type Detail = (
    String,
    Option<String>,
    Option<(
        String,
        Option<&'static str>,
        Option<String>,
        Option<String>,
        Option<String>,
    )>,
);

fn detail() -> impl Strategy<Value = Detail> {
    (
        token(),
        prop::option::of(token()),
        prop::option::of((
            amount(),
            prop::option::of(prop::sample::select(vec!["10", "100"])),
            prop::option::of(token()),
            prop::option::of(words()),
            // Every ItemDetail holds a Classification (the DTD requires one).
            "[0-9]{8}".prop_map(Some),
        )),
    )
}

/// A line whose price is in `currency`; its number is set by the response.
fn line(currency: &'static str) -> impl Strategy<Value = LineResponse> {
    (
        line_status(),
        (amount(), prop::sample::select(vec!["EA", "KGM", "MTR"])),
        prop::option::of(amount()),
        prop::option::of(detail()),
        (prop::option::of(date()), prop::option::of(date())),
        prop::option::of(words()),
        prop::option::of(token()),
        prop::option::of((line_status(), amount(), prop::option::of(date()))),
    )
        .prop_map(
            move |(
                (status, code),
                (quantity, unit),
                ordered,
                detail,
                (delivery, shipment),
                note,
                batch,
                split,
            )| {
                let mut extensions = Vec::new();
                extensions.extend(
                    ordered
                        .filter(|o| *o != quantity)
                        .map(|o| number("cxml.ConfirmationItem.quantity", o)),
                );
                let mut item_ids = Vec::new();
                let mut price = None;
                if let Some((
                    supplier,
                    buyer,
                    Some((amount, basis, manufacturer, description, unspsc)),
                )) = detail
                {
                    item_ids.push(id("supplier", supplier.clone()));
                    item_ids.extend(buyer.filter(|b| *b != supplier).map(|b| id("buyer", b)));
                    price = Some(Price {
                        amount,
                        currency: Some(currency.to_owned()),
                        basis: basis.map(|value| Quantity {
                            value: value.to_owned(),
                            unit: unit.to_owned(),
                        }),
                    });
                    item_ids.extend(manufacturer.map(|m| id("manufacturer", m)));
                    extensions.extend(
                        description
                            .map(|d| text_extension("cxml.ItemIn.ItemDetail.Description", d)),
                    );
                    extensions
                        .extend(unspsc.map(|c| text_extension("cxml.Classification.UNSPSC", c)));
                }
                extensions.extend(batch.map(|b| text_extension("cxml.Extrinsic.Batch", b)));
                if let Some(((_, split_code), split_quantity, split_date)) = split {
                    let key = |field: &str| format!("cxml.ConfirmationStatus[2].{field}");
                    extensions.push(text_extension(key("type"), split_code));
                    extensions.push(number(&key("quantity"), split_quantity));
                    extensions.push(text_extension(key("UnitOfMeasure"), unit));
                    extensions.extend(split_date.map(|d| text_extension(key("deliveryDate"), d)));
                }
                let mut dates = Vec::new();
                dates
                    .extend(delivery.map(|d| dated(DateKind::PromisedDelivery, d, "deliveryDate")));
                dates.extend(shipment.map(|d| dated(DateKind::PromisedShip, d, "shipmentDate")));
                LineResponse {
                    line_number: String::new(),
                    status,
                    status_code: Some(code.to_owned()),
                    item_ids,
                    quantity: Some(Quantity {
                        value: quantity,
                        unit: unit.to_owned(),
                    }),
                    price,
                    dates,
                    notes: note
                        .map(|text| Note { kind: None, text })
                        .into_iter()
                        .collect(),
                    extensions,
                }
            },
        )
}

pub fn order_response() -> impl Strategy<Value = OrderResponse> {
    prop::sample::select(CURRENCIES.to_vec()).prop_flat_map(|currency| {
        (
            prop::option::of(token()),
            token(),
            prop::sample::select(vec![
                (ResponseStatus::Accepted, "accept"),
                (ResponseStatus::Rejected, "reject"),
                (ResponseStatus::AcceptedWithChanges, "detail"),
                (ResponseStatus::AcceptedWithChanges, "allDetail"),
                (ResponseStatus::AcceptedWithChanges, "except"),
                (ResponseStatus::AcceptedWithChanges, "backordered"),
                (ResponseStatus::AcceptedWithChanges, "replace"),
            ]),
            (date(), prop::option::of(date())),
            prop::option::of(amount()),
            prop::collection::vec(
                prop_oneof![
                    ship_or_bill(PartyRole::Supplier, "supplierAccount"),
                    ship_or_bill(PartyRole::Buyer, "buyer"),
                ],
                0..3,
            ),
            prop::option::of("[0-9]{6,12}\\.[0-9]{1,4}@[a-z]{3,10}\\.example"),
            prop::option::of((prop::option::of(Just("general")), words())),
            prop::collection::vec(line(currency), 0..4),
            prop::option::of(token()),
        )
            .prop_map(
                move |(
                    response_number,
                    po_number,
                    (status, code),
                    (notice, order_date),
                    total,
                    parties,
                    payload,
                    note,
                    mut lines,
                    supplier_order,
                )| {
                    for (i, line) in lines.iter_mut().enumerate() {
                        line.line_number = ((i + 1) * 10).to_string();
                    }
                    let mut dates = vec![dated(DateKind::Document, notice, "noticeDate")];
                    dates.extend(order_date.map(|d| dated(DateKind::Other, d, "orderDate")));
                    let mut extensions = Vec::new();
                    extensions.extend(
                        total
                            .clone()
                            .map(|t| number("cxml.ConfirmationHeader.Total", t)),
                    );
                    extensions.extend(
                        supplier_order
                            .map(|s| text_extension("cxml.Extrinsic.SupplierOrderNumber", s)),
                    );
                    OrderResponse {
                        response_number,
                        po_number,
                        change_number: None,
                        status,
                        status_code: Some(code.to_owned()),
                        currency: total.map(|_| currency.to_owned()),
                        dates,
                        parties,
                        references: payload
                            .map(|p| id("previous-message", p))
                            .into_iter()
                            .collect(),
                        notes: note
                            .map(|(kind, text)| Note {
                                kind: kind.map(str::to_owned),
                                text,
                            })
                            .into_iter()
                            .collect(),
                        lines,
                        extensions,
                    }
                },
            )
    })
}
