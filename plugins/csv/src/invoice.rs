//! Invoice batches: one row per invoice line. The invoice's total is the `total` column where
//! the agreement maps one; otherwise the sum of the lines (each its `amount`, or quantity times
//! unit price), since the canonical invoice always states a total.

use wharf_guest_sdk::canonical::{
    DateKind, Invoice, InvoiceKind, InvoiceLine, InvoiceTotals, Money, Price, Quantity,
};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::{Decimal, decimal};

use crate::batch::{document_row, document_text, keep, unique_line_numbers};
use crate::common::{Cells, date_of, document_date, item_ids, parties};
use crate::rows::Row;
use crate::settings::Settings;

pub fn read(rows: &[Row], errors: &mut Vec<AdapterError>) -> Option<Invoice> {
    let invoice_number = document_text(rows, "invoice_number", errors)?;
    let dates = [
        document_date(rows, "invoice_date", DateKind::Invoice, errors),
        document_date(rows, "due_date", DateKind::Due, errors),
    ]
    .into_iter()
    .flatten()
    .collect();
    let currency = document_text(rows, "currency", errors);
    let parties = parties(rows, errors);
    unique_line_numbers(rows, errors);
    let stated = document_text(rows, "total", errors)
        .and_then(|_| keep(document_row(rows, "total")?.decimal("total"), errors))
        .flatten();
    let lines: Vec<InvoiceLine> = rows
        .iter()
        .filter_map(|row| keep(read_line(row), errors))
        .collect();
    let mut po_numbers: Vec<String> = Vec::new();
    for po in lines.iter().filter_map(|l| l.po_number.clone()) {
        if !po_numbers.contains(&po) {
            po_numbers.push(po);
        }
    }
    let total = match stated {
        Some(total) => total,
        None => {
            let Some(sum) = sum_of_lines(&lines) else {
                let first = rows.first()?;
                errors.push(first.error_at(
                    "amount",
                    wharf_guest_sdk::error::validation(
                        "the invoice's lines sum beyond any amount: state its total",
                    ),
                ));
                return None;
            };
            sum
        }
    };
    Some(Invoice {
        invoice_number,
        kind: InvoiceKind::Invoice,
        po_numbers,
        currency: currency.clone(),
        dates,
        parties,
        references: Vec::new(),
        payment_terms: None,
        lines,
        taxes: Vec::new(),
        allowances_charges: Vec::new(),
        totals: InvoiceTotals {
            subtotal: None,
            tax: None,
            allowances_charges: None,
            total: Money {
                amount: total,
                currency,
            },
            due: None,
        },
        notes: Vec::new(),
        extensions: Vec::new(),
    })
}

fn read_line(row: &Row) -> Result<InvoiceLine, AdapterError> {
    Ok(InvoiceLine {
        line_number: row.required("line_number")?,
        po_number: row.text("po_number"),
        order_line: row.text("order_line"),
        item_ids: item_ids(row),
        description: row.text("description"),
        quantity: Quantity {
            value: row.required_decimal("quantity")?,
            unit: row.required("unit")?,
        },
        unit_price: Price {
            amount: row.required_decimal("unit_price")?,
            currency: None,
            basis: None,
        },
        amount: row.decimal("amount")?.map(|amount| Money {
            amount,
            currency: None,
        }),
        taxes: Vec::new(),
        allowances_charges: Vec::new(),
        extensions: Vec::new(),
    })
}

/// Every line's amount, or quantity times unit price where it states none. The values were
/// checked when read, so they parse; a sum too large for a decimal is no sum (`None`).
fn sum_of_lines(lines: &[InvoiceLine]) -> Option<String> {
    let parse = |text: &str| decimal::parse(text).unwrap_or_default();
    let amounts: Option<Vec<Decimal>> = lines
        .iter()
        .map(|l| match &l.amount {
            Some(amount) => Some(parse(&amount.amount)),
            None => parse(&l.quantity.value).checked_mul(parse(&l.unit_price.amount)),
        })
        .collect();
    decimal::checked_sum(amounts?).map(decimal::format)
}

pub fn write(invoice: &Invoice, settings: &Settings) -> Vec<Cells> {
    let mut head = Cells::default();
    head.text("invoice_number", Some(&invoice.invoice_number));
    head.date(
        "invoice_date",
        date_of(&invoice.dates, DateKind::Invoice),
        settings,
    );
    head.date("due_date", date_of(&invoice.dates, DateKind::Due), settings);
    head.text("currency", invoice.currency.as_deref());
    head.parties(&invoice.parties, settings);
    head.decimal("total", Some(&invoice.totals.total.amount), settings);
    // A line that names no order is billed against the invoice's order when it has only one.
    let only_po = match invoice.po_numbers.as_slice() {
        [only] => Some(only.as_str()),
        _ => None,
    };
    invoice
        .lines
        .iter()
        .map(|line| {
            let mut cells = head.clone();
            cells.text("line_number", Some(&line.line_number));
            cells.text("po_number", line.po_number.as_deref().or(only_po));
            cells.text("order_line", line.order_line.as_deref());
            cells.items(&line.item_ids, settings);
            cells.text("description", line.description.as_deref());
            cells.decimal("quantity", Some(&line.quantity.value), settings);
            cells.text("unit", Some(&line.quantity.unit));
            cells.decimal("unit_price", Some(&line.unit_price.amount), settings);
            let amount = line.amount.as_ref().map(|a| a.amount.as_str());
            cells.decimal("amount", amount, settings);
            cells
        })
        .collect()
}
