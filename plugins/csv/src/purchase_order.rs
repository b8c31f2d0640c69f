//! Purchase-order batches: one row per order line, the order's own fields repeated on each
//! row (or given on its first).

use wharf_guest_sdk::canonical::{DateKind, OrderLine, Price, PurchaseOrder, Quantity};
use wharf_guest_sdk::contract::AdapterError;

use crate::batch::{document_text, keep, unique_line_numbers};
use crate::common::{Cells, date_of, dated, document_date, item_ids, parties};
use crate::rows::Row;
use crate::settings::Settings;

pub fn read(rows: &[Row], errors: &mut Vec<AdapterError>) -> Option<PurchaseOrder> {
    let po_number = document_text(rows, "po_number", errors)?;
    let dates = document_date(rows, "order_date", DateKind::Document, errors)
        .into_iter()
        .collect();
    let currency = document_text(rows, "currency", errors);
    let payment_terms = document_text(rows, "payment_terms", errors);
    let parties = parties(rows, errors);
    unique_line_numbers(rows, errors);
    let lines = rows
        .iter()
        .filter_map(|row| keep(read_line(row), errors))
        .collect();
    Some(PurchaseOrder {
        po_number,
        order_type: None,
        currency,
        dates,
        parties,
        references: Vec::new(),
        payment_terms,
        notes: Vec::new(),
        lines,
        total: None,
        extensions: Vec::new(),
    })
}

fn read_line(row: &Row) -> Result<OrderLine, AdapterError> {
    let line_number = row.required("line_number")?;
    let quantity = Quantity {
        value: row.required_decimal("quantity")?,
        unit: row.required("unit")?,
    };
    let price = row.decimal("price")?.map(|amount| Price {
        amount,
        currency: None,
        basis: None,
    });
    let dates = row
        .date("delivery_date")?
        .map(|value| dated(DateKind::RequestedDelivery, value))
        .into_iter()
        .collect();
    Ok(OrderLine {
        line_number,
        parent_line: None,
        item_ids: item_ids(row),
        description: row.text("description"),
        quantity,
        price,
        schedule: Vec::new(),
        dates,
        references: Vec::new(),
        notes: Vec::new(),
        extensions: Vec::new(),
    })
}

pub fn write(po: &PurchaseOrder, settings: &Settings) -> Vec<Cells> {
    let mut head = Cells::default();
    head.text("po_number", Some(&po.po_number));
    head.date(
        "order_date",
        date_of(&po.dates, DateKind::Document),
        settings,
    );
    head.text("currency", po.currency.as_deref());
    head.parties(&po.parties, settings);
    head.text("payment_terms", po.payment_terms.as_deref());
    po.lines
        .iter()
        .map(|line| {
            let mut cells = head.clone();
            cells.text("line_number", Some(&line.line_number));
            cells.items(&line.item_ids, settings);
            cells.text("description", line.description.as_deref());
            cells.decimal("quantity", Some(&line.quantity.value), settings);
            cells.text("unit", Some(&line.quantity.unit));
            let price = line.price.as_ref().map(|p| p.amount.as_str());
            cells.decimal("price", price, settings);
            let delivery = date_of(&line.dates, DateKind::RequestedDelivery);
            cells.date("delivery_date", delivery, settings);
            cells
        })
        .collect()
}
