//! Ship notices (`"type": "ship_notice"`): shipment → orders → packs → items, with the
//! carrier. Packs nest through `parent_pack`, as in the canonical model.

use wharf_guest_sdk::canonical::{Carrier, Pack, ShipNotice, ShippedItem, ShippedOrder};
use wharf_guest_sdk::contract::AdapterError;

use crate::common::*;
use crate::json::{Obj, Out};

pub fn read(o: &Obj) -> Result<ShipNotice, AdapterError> {
    Ok(ShipNotice {
        shipment_id: o.string("shipment_id")?,
        structure: o.opt_string("structure")?,
        purpose: o.opt_string("purpose")?,
        dates: o.list("dates", read_dated)?,
        parties: o.list("parties", read_party)?,
        references: o.list("references", read_identifier)?,
        carrier: o.opt_object("carrier", read_carrier)?,
        gross_weight: o.opt_object("gross_weight", read_quantity)?,
        package_count: o.opt_decimal("package_count")?,
        orders: o.list("orders", read_order)?,
        notes: o.list("notes", read_note)?,
        extensions: o.list("extensions", read_extension)?,
    })
}

pub fn write(n: &ShipNotice, out: Out) -> Out {
    out.str("shipment_id", &n.shipment_id)
        .opt_str("structure", n.structure.as_ref())
        .opt_str("purpose", n.purpose.as_ref())
        .list("dates", &n.dates, write_dated)
        .list("parties", &n.parties, write_party)
        .list("references", &n.references, write_identifier)
        .opt_obj("carrier", n.carrier.as_ref(), write_carrier)
        .opt_obj("gross_weight", n.gross_weight.as_ref(), write_quantity)
        .opt_str("package_count", n.package_count.as_ref())
        .list("orders", &n.orders, write_order)
        .list("notes", &n.notes, write_note)
        .list("extensions", &n.extensions, write_extension)
}

fn read_carrier(o: &Obj) -> Result<Carrier, AdapterError> {
    Ok(Carrier {
        ids: o.list("ids", read_identifier)?,
        name: o.opt_string("name")?,
        mode: o.opt_string("mode")?,
        tracking_numbers: o.strings("tracking_numbers")?,
    })
}

fn write_carrier(c: &Carrier) -> Out {
    Out::new()
        .list("ids", &c.ids, write_identifier)
        .opt_str("name", c.name.as_ref())
        .opt_str("mode", c.mode.as_ref())
        .strings("tracking_numbers", &c.tracking_numbers)
}

fn read_order(o: &Obj) -> Result<ShippedOrder, AdapterError> {
    Ok(ShippedOrder {
        po_number: o.string("po_number")?,
        references: o.list("references", read_identifier)?,
        dates: o.list("dates", read_dated)?,
        packs: o.list("packs", read_pack)?,
        items: o.list("items", read_item)?,
    })
}

fn write_order(s: &ShippedOrder) -> Out {
    Out::new()
        .str("po_number", &s.po_number)
        .list("references", &s.references, write_identifier)
        .list("dates", &s.dates, write_dated)
        .list("packs", &s.packs, write_pack)
        .list("items", &s.items, write_item)
}

fn read_pack(o: &Obj) -> Result<Pack, AdapterError> {
    Ok(Pack {
        pack_id: o.string("pack_id")?,
        parent_pack: o.opt_string("parent_pack")?,
        marks: o.list("marks", read_identifier)?,
        packaging: o.opt_string("packaging")?,
        weight: o.opt_object("weight", read_quantity)?,
        items: o.list("items", read_item)?,
    })
}

fn write_pack(p: &Pack) -> Out {
    Out::new()
        .str("pack_id", &p.pack_id)
        .opt_str("parent_pack", p.parent_pack.as_ref())
        .list("marks", &p.marks, write_identifier)
        .opt_str("packaging", p.packaging.as_ref())
        .opt_obj("weight", p.weight.as_ref(), write_quantity)
        .list("items", &p.items, write_item)
}

fn read_item(o: &Obj) -> Result<ShippedItem, AdapterError> {
    Ok(ShippedItem {
        line_number: o.string("line_number")?,
        order_line: o.opt_string("order_line")?,
        item_ids: o.list("item_ids", read_identifier)?,
        description: o.opt_string("description")?,
        quantity: o.object("quantity", read_quantity)?,
        ordered: o.opt_object("ordered", read_quantity)?,
        lots: o.strings("lots")?,
        serials: o.strings("serials")?,
        extensions: o.list("extensions", read_extension)?,
    })
}

fn write_item(i: &ShippedItem) -> Out {
    Out::new()
        .str("line_number", &i.line_number)
        .opt_str("order_line", i.order_line.as_ref())
        .list("item_ids", &i.item_ids, write_identifier)
        .opt_str("description", i.description.as_ref())
        .obj("quantity", write_quantity(&i.quantity))
        .opt_obj("ordered", i.ordered.as_ref(), write_quantity)
        .strings("lots", &i.lots)
        .strings("serials", &i.serials)
        .list("extensions", &i.extensions, write_extension)
}
