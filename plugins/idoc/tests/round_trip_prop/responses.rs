//! Order responses (ORDERS05, message type ORDRSP). ACTION codes are generated together with
//! the status the code table gives them, and `status_code` always holds the code: a status
//! without one is written with the table's code for it, which then reads back as
//! `status_code`, so a line with no code (or a response with a code the table does not write
//! for its status, when none is kept) would not return as it went. An unknown three-digit code
//! (009) is kept as it is, with the status the table gives it (pending). Otherwise:
//!
//! - prices are in the response's currency and have a basis only in the line's own unit,
//!   which needs a confirmed quantity (as for orders);
//! - a line's dates are E1EDP03 dates with their SAP IDDAT first, then promised delivery
//!   dates from E1EDP20 schedule lines (qualifier EDATU), in the order the reader lists them;
//! - the response has no change number (ORDRSP has no place for one) and no extensions.

use proptest::prelude::*;
use wharf_guest_sdk::canonical::{
    DateKind, Dated, LineResponse, LineStatus, OrderResponse, Price, Quantity, ResponseStatus,
};

use crate::common::{
    HEADER_DATES, date, dates, item_ids, line_number, notes, parties, positive, quantity, token,
};
use crate::orders::{ITEM_DATES, currency, references};

/// E1EDK01 ACTION codes with the status each reads back as; none is pending.
fn response_action() -> impl Strategy<Value = (ResponseStatus, Option<String>)> {
    prop::sample::select(vec![
        (ResponseStatus::Pending, None),
        (ResponseStatus::Accepted, Some("000")),
        (ResponseStatus::Rejected, Some("001")),
        (ResponseStatus::AcceptedWithChanges, Some("002")),
        (ResponseStatus::AcceptedWithChanges, Some("003")),
        (ResponseStatus::AcceptedWithChanges, Some("004")),
        (ResponseStatus::Pending, Some("009")),
    ])
    .prop_map(|(status, code)| (status, code.map(str::to_owned)))
}

/// E1EDP01 ACTION codes with the status each reads back as.
fn line_action() -> impl Strategy<Value = (LineStatus, String)> {
    prop::sample::select(vec![
        (LineStatus::Changed, "001"),
        (LineStatus::Changed, "002"),
        (LineStatus::Rejected, "003"),
        (LineStatus::Accepted, "004"),
        (LineStatus::Pending, "005"),
        (LineStatus::Pending, "009"),
    ])
    .prop_map(|(status, code)| (status, code.to_owned()))
}

fn line(currency: Option<String>) -> impl Strategy<Value = LineResponse> {
    (
        line_action(),
        item_ids(),
        prop::option::of(quantity()),
        prop::option::of((positive(), prop::option::of(positive()))),
        dates(ITEM_DATES),
        prop::collection::vec(date(), 0..3),
        notes(&["F03", "F04"]),
    )
        .prop_map(
            move |((status, code), item_ids, quantity, price, mut dates, promised, notes)| {
                dates.extend(promised.into_iter().map(|value| Dated {
                    kind: DateKind::PromisedDelivery,
                    value,
                    qualifier: Some("EDATU".to_owned()),
                }));
                let unit = quantity.as_ref().map(|q| q.unit.clone());
                LineResponse {
                    line_number: String::new(),
                    status,
                    status_code: Some(code),
                    item_ids,
                    price: price.map(|(amount, per)| Price {
                        amount,
                        currency: currency.clone(),
                        // A basis restating one unit is no basis (SAP's PEINH 1).
                        basis: per
                            .filter(|per| per != "1")
                            .zip(unit)
                            .map(|(value, unit)| Quantity { value, unit }),
                    }),
                    quantity,
                    dates,
                    notes,
                    extensions: Vec::new(),
                }
            },
        )
}

pub fn order_response() -> impl Strategy<Value = OrderResponse> {
    currency().prop_flat_map(|currency| {
        (
            "[0-9]{10}",
            prop::option::of(token()),
            response_action(),
            (
                dates(HEADER_DATES),
                parties("buyer", true),
                references(),
                notes(&["F01", "F02"]),
            ),
            prop::collection::vec(line(currency.clone()), 0..4),
        )
            .prop_map(
                move |(
                    po_number,
                    response_number,
                    (status, status_code),
                    (dates, parties, references, notes),
                    mut lines,
                )| {
                    for (index, line) in lines.iter_mut().enumerate() {
                        line.line_number = line_number(index);
                    }
                    OrderResponse {
                        response_number,
                        po_number,
                        change_number: None,
                        status,
                        status_code,
                        currency: currency.clone(),
                        dates,
                        parties,
                        references,
                        notes,
                        lines,
                        extensions: Vec::new(),
                    }
                },
            )
    })
}
