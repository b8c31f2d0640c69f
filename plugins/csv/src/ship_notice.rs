//! Ship-notice batches: one row per shipped item. Rows with the same `shipment_id` are one
//! ship notice; within it, rows are grouped into shipped orders by `po_number` and, where a row
//! gives an `sscc`, into the pack that SSCC marks, in the order they first appear.

use wharf_guest_sdk::canonical::{
    Carrier, DateKind, Pack, Quantity, ShipNotice, ShippedItem, ShippedOrder,
};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::id;

use crate::batch::{document_text, keep};
use crate::common::{Cells, date_of, document_date, item_ids, parties};
use crate::rows::Row;
use crate::settings::Settings;

pub fn read(rows: &[Row], errors: &mut Vec<AdapterError>) -> Option<ShipNotice> {
    let shipment_id = document_text(rows, "shipment_id", errors)?;
    let dates = [
        document_date(rows, "ship_date", DateKind::Shipped, errors),
        document_date(rows, "delivery_date", DateKind::ExpectedDelivery, errors),
    ]
    .into_iter()
    .flatten()
    .collect();
    let carrier_name = document_text(rows, "carrier", errors);
    let tracking = document_text(rows, "tracking_number", errors);
    let carrier = (carrier_name.is_some() || tracking.is_some()).then(|| Carrier {
        ids: Vec::new(),
        name: carrier_name,
        mode: None,
        tracking_numbers: tracking.into_iter().collect(),
    });
    let parties = parties(rows, errors);
    let mut orders: Vec<ShippedOrder> = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        let Some((po_number, sscc, item)) = keep(read_item(row, index), errors) else {
            continue;
        };
        let order = match orders.iter().position(|o| o.po_number == po_number) {
            Some(at) => &mut orders[at],
            None => {
                orders.push(ShippedOrder {
                    po_number,
                    references: Vec::new(),
                    dates: Vec::new(),
                    packs: Vec::new(),
                    items: Vec::new(),
                });
                orders.last_mut()?
            }
        };
        match sscc {
            None => order.items.push(item),
            Some(sscc) => match order.packs.iter_mut().find(|p| p.pack_id == sscc) {
                Some(pack) => pack.items.push(item),
                None => order.packs.push(Pack {
                    pack_id: sscc.clone(),
                    parent_pack: None,
                    marks: vec![id("sscc", sscc)],
                    packaging: None,
                    weight: None,
                    items: vec![item],
                }),
            },
        }
    }
    Some(ShipNotice {
        shipment_id,
        structure: None,
        purpose: None,
        dates,
        parties,
        references: Vec::new(),
        carrier,
        gross_weight: None,
        package_count: None,
        orders,
        notes: Vec::new(),
        extensions: Vec::new(),
    })
}

/// The row's order, pack and item. An item without a line number is numbered by its place in
/// the ship notice, from 1.
fn read_item(
    row: &Row,
    index: usize,
) -> Result<(String, Option<String>, ShippedItem), AdapterError> {
    let po_number = row.required("po_number")?;
    let item = ShippedItem {
        line_number: row
            .text("line_number")
            .unwrap_or_else(|| (index + 1).to_string()),
        order_line: row.text("order_line"),
        item_ids: item_ids(row),
        description: row.text("description"),
        quantity: Quantity {
            value: row.required_decimal("quantity")?,
            unit: row.required("unit")?,
        },
        ordered: None,
        lots: row.text("lot").into_iter().collect(),
        serials: row.text("serial").into_iter().collect(),
        extensions: Vec::new(),
    };
    Ok((po_number, row.text("sscc"), item))
}

/// One row per item, packed items first in each order. Packs are written flat: a pack's
/// parent and its weight and packaging have no column, and an item is written with the SSCC of
/// the pack that holds it (its `sscc` mark, or its pack id).
pub fn write(notice: &ShipNotice, settings: &Settings) -> Vec<Cells> {
    let mut head = Cells::default();
    head.text("shipment_id", Some(&notice.shipment_id));
    head.date(
        "ship_date",
        date_of(&notice.dates, DateKind::Shipped),
        settings,
    );
    let expected = date_of(&notice.dates, DateKind::ExpectedDelivery);
    head.date("delivery_date", expected, settings);
    if let Some(carrier) = &notice.carrier {
        head.text("carrier", carrier.name.as_deref());
        head.text(
            "tracking_number",
            carrier.tracking_numbers.first().map(String::as_str),
        );
    }
    head.parties(&notice.parties, settings);
    let mut rows = Vec::new();
    for order in &notice.orders {
        let packed = order.packs.iter().flat_map(|pack| {
            let sscc = pack
                .marks
                .iter()
                .find(|m| m.scheme == "sscc")
                .map_or(pack.pack_id.as_str(), |m| m.value.as_str());
            pack.items.iter().map(move |item| (Some(sscc), item))
        });
        let loose = order.items.iter().map(|item| (None, item));
        for (sscc, item) in packed.chain(loose) {
            let mut cells = head.clone();
            cells.text("po_number", Some(&order.po_number));
            cells.text("line_number", Some(&item.line_number));
            cells.text("order_line", item.order_line.as_deref());
            cells.items(&item.item_ids, settings);
            cells.text("description", item.description.as_deref());
            cells.decimal("quantity", Some(&item.quantity.value), settings);
            cells.text("unit", Some(&item.quantity.unit));
            cells.text("lot", item.lots.first().map(String::as_str));
            cells.text("serial", item.serials.first().map(String::as_str));
            cells.text("sscc", sscc);
            rows.push(cells);
        }
    }
    rows
}
