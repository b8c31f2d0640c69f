//! Order responses (`"type": "order_response"`): the supplier's confirmation of an order or of
//! an order change, with a status per line.

use wharf_guest_sdk::canonical::{LineResponse, LineStatus, OrderResponse, ResponseStatus};
use wharf_guest_sdk::contract::AdapterError;

use crate::common::*;
use crate::json::{Obj, Out};

pub const RESPONSE_STATUSES: &[(&str, ResponseStatus)] = &[
    ("accepted", ResponseStatus::Accepted),
    ("accepted_with_changes", ResponseStatus::AcceptedWithChanges),
    ("rejected", ResponseStatus::Rejected),
    ("pending", ResponseStatus::Pending),
];

pub const LINE_STATUSES: &[(&str, LineStatus)] = &[
    ("accepted", LineStatus::Accepted),
    ("changed", LineStatus::Changed),
    ("rejected", LineStatus::Rejected),
    ("backordered", LineStatus::Backordered),
    ("pending", LineStatus::Pending),
    ("deleted", LineStatus::Deleted),
];

pub fn read(o: &Obj) -> Result<OrderResponse, AdapterError> {
    Ok(OrderResponse {
        response_number: o.opt_string("response_number")?,
        po_number: o.string("po_number")?,
        change_number: o.opt_string("change_number")?,
        status: o.code("status", RESPONSE_STATUSES)?,
        status_code: o.opt_string("status_code")?,
        currency: o.opt_string("currency")?,
        dates: o.list("dates", read_dated)?,
        parties: o.list("parties", read_party)?,
        references: o.list("references", read_identifier)?,
        notes: o.list("notes", read_note)?,
        lines: o.list("lines", read_line)?,
        extensions: o.list("extensions", read_extension)?,
    })
}

pub fn write(r: &OrderResponse, out: Out) -> Out {
    out.opt_str("response_number", r.response_number.as_ref())
        .str("po_number", &r.po_number)
        .opt_str("change_number", r.change_number.as_ref())
        .code("status", &r.status, RESPONSE_STATUSES)
        .opt_str("status_code", r.status_code.as_ref())
        .opt_str("currency", r.currency.as_ref())
        .list("dates", &r.dates, write_dated)
        .list("parties", &r.parties, write_party)
        .list("references", &r.references, write_identifier)
        .list("notes", &r.notes, write_note)
        .list("lines", &r.lines, write_line)
        .list("extensions", &r.extensions, write_extension)
}

fn read_line(o: &Obj) -> Result<LineResponse, AdapterError> {
    Ok(LineResponse {
        line_number: o.string("line_number")?,
        status: o.code("status", LINE_STATUSES)?,
        status_code: o.opt_string("status_code")?,
        item_ids: o.list("item_ids", read_identifier)?,
        quantity: o.opt_object("quantity", read_quantity)?,
        price: o.opt_object("price", read_price)?,
        dates: o.list("dates", read_dated)?,
        notes: o.list("notes", read_note)?,
        extensions: o.list("extensions", read_extension)?,
    })
}

fn write_line(l: &LineResponse) -> Out {
    Out::new()
        .str("line_number", &l.line_number)
        .code("status", &l.status, LINE_STATUSES)
        .opt_str("status_code", l.status_code.as_ref())
        .list("item_ids", &l.item_ids, write_identifier)
        .opt_obj("quantity", l.quantity.as_ref(), write_quantity)
        .opt_obj("price", l.price.as_ref(), write_price)
        .list("dates", &l.dates, write_dated)
        .list("notes", &l.notes, write_note)
        .list("extensions", &l.extensions, write_extension)
}
