//! Quality notifications (`"type": "quality_notification"`): a hold, release or notice about
//! an item and its lots, with the defects found.

use wharf_guest_sdk::canonical::{Defect, QualityAction, QualityNotification};
use wharf_guest_sdk::contract::AdapterError;

use crate::common::*;
use crate::json::{Obj, Out};

pub const QUALITY_ACTIONS: &[(&str, QualityAction)] = &[
    ("hold", QualityAction::Hold),
    ("release", QualityAction::Release),
    ("inform", QualityAction::Inform),
];

pub fn read(o: &Obj) -> Result<QualityNotification, AdapterError> {
    Ok(QualityNotification {
        notification_number: o.string("notification_number")?,
        action: o.code("action", QUALITY_ACTIONS)?,
        po_number: o.opt_string("po_number")?,
        item_ids: o.list("item_ids", read_identifier)?,
        lots: o.strings("lots")?,
        quantity: o.opt_object("quantity", read_quantity)?,
        defects: o.list("defects", read_defect)?,
        dates: o.list("dates", read_dated)?,
        parties: o.list("parties", read_party)?,
        notes: o.list("notes", read_note)?,
        extensions: o.list("extensions", read_extension)?,
    })
}

pub fn write(q: &QualityNotification, out: Out) -> Out {
    out.str("notification_number", &q.notification_number)
        .code("action", &q.action, QUALITY_ACTIONS)
        .opt_str("po_number", q.po_number.as_ref())
        .list("item_ids", &q.item_ids, write_identifier)
        .strings("lots", &q.lots)
        .opt_obj("quantity", q.quantity.as_ref(), write_quantity)
        .list("defects", &q.defects, write_defect)
        .list("dates", &q.dates, write_dated)
        .list("parties", &q.parties, write_party)
        .list("notes", &q.notes, write_note)
        .list("extensions", &q.extensions, write_extension)
}

fn read_defect(o: &Obj) -> Result<Defect, AdapterError> {
    Ok(Defect {
        code: o.string("code")?,
        description: o.opt_string("description")?,
        quantity: o.opt_object("quantity", read_quantity)?,
    })
}

fn write_defect(d: &Defect) -> Out {
    Out::new()
        .str("code", &d.code)
        .opt_str("description", d.description.as_ref())
        .opt_obj("quantity", d.quantity.as_ref(), write_quantity)
}
