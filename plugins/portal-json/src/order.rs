//! Purchase orders (`"type": "purchase_order"`) and order changes (`"type": "order_change"`),
//! which share their lines.

use wharf_guest_sdk::canonical::{
    ChangeKind, LineChange, LineChangeKind, OrderChange, OrderLine, PurchaseOrder, ScheduleLine,
};
use wharf_guest_sdk::contract::AdapterError;

use crate::common::*;
use crate::json::{Obj, Out};

pub const CHANGE_KINDS: &[(&str, ChangeKind)] = &[
    ("update", ChangeKind::Update),
    ("cancel", ChangeKind::Cancel),
    ("replace", ChangeKind::Replace),
];

pub const LINE_CHANGE_KINDS: &[(&str, LineChangeKind)] = &[
    ("add", LineChangeKind::Add),
    ("cancel", LineChangeKind::Cancel),
    ("change_quantity", LineChangeKind::ChangeQuantity),
    ("change_price", LineChangeKind::ChangePrice),
    ("change_dates", LineChangeKind::ChangeDates),
    ("change", LineChangeKind::Change),
    ("unchanged", LineChangeKind::Unchanged),
];

pub fn read_purchase_order(o: &Obj) -> Result<PurchaseOrder, AdapterError> {
    Ok(PurchaseOrder {
        po_number: o.string("po_number")?,
        order_type: o.opt_string("order_type")?,
        currency: o.opt_string("currency")?,
        dates: o.list("dates", read_dated)?,
        parties: o.list("parties", read_party)?,
        references: o.list("references", read_identifier)?,
        payment_terms: o.opt_string("payment_terms")?,
        notes: o.list("notes", read_note)?,
        lines: o.list("lines", read_line)?,
        total: o.opt_object("total", read_money)?,
        extensions: o.list("extensions", read_extension)?,
    })
}

pub fn write_purchase_order(po: &PurchaseOrder, out: Out) -> Out {
    out.str("po_number", &po.po_number)
        .opt_str("order_type", po.order_type.as_ref())
        .opt_str("currency", po.currency.as_ref())
        .list("dates", &po.dates, write_dated)
        .list("parties", &po.parties, write_party)
        .list("references", &po.references, write_identifier)
        .opt_str("payment_terms", po.payment_terms.as_ref())
        .list("notes", &po.notes, write_note)
        .list("lines", &po.lines, write_line)
        .opt_obj("total", po.total.as_ref(), write_money)
        .list("extensions", &po.extensions, write_extension)
}

fn read_schedule_line(o: &Obj) -> Result<ScheduleLine, AdapterError> {
    Ok(ScheduleLine {
        quantity: o.object("quantity", read_quantity)?,
        dates: o.list("dates", read_dated)?,
    })
}

fn write_schedule_line(s: &ScheduleLine) -> Out {
    Out::new()
        .obj("quantity", write_quantity(&s.quantity))
        .list("dates", &s.dates, write_dated)
}

fn read_line(o: &Obj) -> Result<OrderLine, AdapterError> {
    Ok(OrderLine {
        line_number: o.string("line_number")?,
        parent_line: o.opt_string("parent_line")?,
        item_ids: o.list("item_ids", read_identifier)?,
        description: o.opt_string("description")?,
        quantity: o.object("quantity", read_quantity)?,
        price: o.opt_object("price", read_price)?,
        schedule: o.list("schedule", read_schedule_line)?,
        dates: o.list("dates", read_dated)?,
        references: o.list("references", read_identifier)?,
        notes: o.list("notes", read_note)?,
        extensions: o.list("extensions", read_extension)?,
    })
}

fn write_line(l: &OrderLine) -> Out {
    write_line_into(l, Out::new())
}

fn write_line_into(l: &OrderLine, out: Out) -> Out {
    out.str("line_number", &l.line_number)
        .opt_str("parent_line", l.parent_line.as_ref())
        .list("item_ids", &l.item_ids, write_identifier)
        .opt_str("description", l.description.as_ref())
        .obj("quantity", write_quantity(&l.quantity))
        .opt_obj("price", l.price.as_ref(), write_price)
        .list("schedule", &l.schedule, write_schedule_line)
        .list("dates", &l.dates, write_dated)
        .list("references", &l.references, write_identifier)
        .list("notes", &l.notes, write_note)
        .list("extensions", &l.extensions, write_extension)
}

pub fn read_order_change(o: &Obj) -> Result<OrderChange, AdapterError> {
    Ok(OrderChange {
        change_number: o.opt_string("change_number")?,
        po_number: o.string("po_number")?,
        kind: o.code("kind", CHANGE_KINDS)?,
        revision: o.opt_string("revision")?,
        currency: o.opt_string("currency")?,
        dates: o.list("dates", read_dated)?,
        parties: o.list("parties", read_party)?,
        references: o.list("references", read_identifier)?,
        notes: o.list("notes", read_note)?,
        lines: o.list("lines", read_line_change)?,
        extensions: o.list("extensions", read_extension)?,
    })
}

pub fn write_order_change(c: &OrderChange, out: Out) -> Out {
    out.opt_str("change_number", c.change_number.as_ref())
        .str("po_number", &c.po_number)
        .code("kind", &c.kind, CHANGE_KINDS)
        .opt_str("revision", c.revision.as_ref())
        .opt_str("currency", c.currency.as_ref())
        .list("dates", &c.dates, write_dated)
        .list("parties", &c.parties, write_party)
        .list("references", &c.references, write_identifier)
        .list("notes", &c.notes, write_note)
        .list("lines", &c.lines, write_line_change)
        .list("extensions", &c.extensions, write_extension)
}

/// A changed line is the order line's fields plus `change` (and the source's `change_code`),
/// flat in one object, so a portal writes it like any order line.
fn read_line_change(o: &Obj) -> Result<LineChange, AdapterError> {
    Ok(LineChange {
        change: o.code("change", LINE_CHANGE_KINDS)?,
        change_code: o.opt_string("change_code")?,
        line: read_line(o)?,
    })
}

fn write_line_change(c: &LineChange) -> Out {
    let out = Out::new()
        .code("change", &c.change, LINE_CHANGE_KINDS)
        .opt_str("change_code", c.change_code.as_ref());
    write_line_into(&c.line, out)
}
