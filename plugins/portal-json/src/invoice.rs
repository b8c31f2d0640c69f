//! Invoices, credit and debit notes (`"type": "invoice"`), with lines, taxes, allowances and
//! the stated totals.

use wharf_guest_sdk::canonical::{Invoice, InvoiceKind, InvoiceLine, InvoiceTotals};
use wharf_guest_sdk::contract::AdapterError;

use crate::common::*;
use crate::json::{Obj, Out};

pub const INVOICE_KINDS: &[(&str, InvoiceKind)] = &[
    ("invoice", InvoiceKind::Invoice),
    ("credit_note", InvoiceKind::CreditNote),
    ("debit_note", InvoiceKind::DebitNote),
];

pub fn read(o: &Obj) -> Result<Invoice, AdapterError> {
    Ok(Invoice {
        invoice_number: o.string("invoice_number")?,
        // An invoice is what a portal sends unless it says otherwise.
        kind: o
            .opt_code("kind", INVOICE_KINDS)?
            .unwrap_or(InvoiceKind::Invoice),
        po_numbers: o.strings("po_numbers")?,
        currency: o.opt_string("currency")?,
        dates: o.list("dates", read_dated)?,
        parties: o.list("parties", read_party)?,
        references: o.list("references", read_identifier)?,
        payment_terms: o.opt_string("payment_terms")?,
        lines: o.list("lines", read_line)?,
        taxes: o.list("taxes", read_tax)?,
        allowances_charges: o.list("allowances_charges", read_allowance_charge)?,
        totals: o.object("totals", read_totals)?,
        notes: o.list("notes", read_note)?,
        extensions: o.list("extensions", read_extension)?,
    })
}

pub fn write(i: &Invoice, out: Out) -> Out {
    out.str("invoice_number", &i.invoice_number)
        .code("kind", &i.kind, INVOICE_KINDS)
        .strings("po_numbers", &i.po_numbers)
        .opt_str("currency", i.currency.as_ref())
        .list("dates", &i.dates, write_dated)
        .list("parties", &i.parties, write_party)
        .list("references", &i.references, write_identifier)
        .opt_str("payment_terms", i.payment_terms.as_ref())
        .list("lines", &i.lines, write_line)
        .list("taxes", &i.taxes, write_tax)
        .list(
            "allowances_charges",
            &i.allowances_charges,
            write_allowance_charge,
        )
        .obj("totals", write_totals(&i.totals))
        .list("notes", &i.notes, write_note)
        .list("extensions", &i.extensions, write_extension)
}

fn read_line(o: &Obj) -> Result<InvoiceLine, AdapterError> {
    Ok(InvoiceLine {
        line_number: o.string("line_number")?,
        po_number: o.opt_string("po_number")?,
        order_line: o.opt_string("order_line")?,
        item_ids: o.list("item_ids", read_identifier)?,
        description: o.opt_string("description")?,
        quantity: o.object("quantity", read_quantity)?,
        unit_price: o.object("unit_price", read_price)?,
        amount: o.opt_object("amount", read_money)?,
        taxes: o.list("taxes", read_tax)?,
        allowances_charges: o.list("allowances_charges", read_allowance_charge)?,
        extensions: o.list("extensions", read_extension)?,
    })
}

fn write_line(l: &InvoiceLine) -> Out {
    Out::new()
        .str("line_number", &l.line_number)
        .opt_str("po_number", l.po_number.as_ref())
        .opt_str("order_line", l.order_line.as_ref())
        .list("item_ids", &l.item_ids, write_identifier)
        .opt_str("description", l.description.as_ref())
        .obj("quantity", write_quantity(&l.quantity))
        .obj("unit_price", write_price(&l.unit_price))
        .opt_obj("amount", l.amount.as_ref(), write_money)
        .list("taxes", &l.taxes, write_tax)
        .list(
            "allowances_charges",
            &l.allowances_charges,
            write_allowance_charge,
        )
        .list("extensions", &l.extensions, write_extension)
}

fn read_totals(o: &Obj) -> Result<InvoiceTotals, AdapterError> {
    Ok(InvoiceTotals {
        subtotal: o.opt_object("subtotal", read_money)?,
        tax: o.opt_object("tax", read_money)?,
        allowances_charges: o.opt_object("allowances_charges", read_money)?,
        total: o.object("total", read_money)?,
        due: o.opt_object("due", read_money)?,
    })
}

fn write_totals(t: &InvoiceTotals) -> Out {
    Out::new()
        .opt_obj("subtotal", t.subtotal.as_ref(), write_money)
        .opt_obj("tax", t.tax.as_ref(), write_money)
        .opt_obj(
            "allowances_charges",
            t.allowances_charges.as_ref(),
            write_money,
        )
        .obj("total", write_money(&t.total))
        .opt_obj("due", t.due.as_ref(), write_money)
}
