//! INVOIC, the invoice, to and from a canonical invoice.
//!
//! BGM 1001 gives the kind (380 invoice, 381 credit note, 383 debit note; other codes read as
//! invoices and are kept), 1004 the number; every heading RFF+ON is a billed order. Heading
//! ALC groups are allowances and charges. Each LIN is a line: QTY+47 invoiced, PRI the unit
//! price, MOA+203 the line amount, RFF+ON/LI its order and order line, TAX and ALC groups.
//! After UNS: MOA+79 subtotal, 124 tax, 131 allowances and charges, 77 (else 86) total,
//! 9 amount due, and TAX groups, the invoice's taxes.

use wharf_guest_sdk::canonical::{Invoice, InvoiceKind, InvoiceLine, InvoiceTotals};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::error;

use crate::charges::{self, write_allowances, write_money, write_taxes};
use crate::header::{self, Common, read_summary, write_bgm, write_common};
use crate::interchange::Message;
use crate::items::{self, write_item, write_price, write_quantity};
use crate::writer::{Kept, Out};

fn kind_of(code: Option<&str>) -> InvoiceKind {
    match code {
        Some("381") => InvoiceKind::CreditNote,
        Some("383") => InvoiceKind::DebitNote,
        _ => InvoiceKind::Invoice,
    }
}

fn kind_code(kind: InvoiceKind) -> &'static str {
    match kind {
        InvoiceKind::Invoice => "380",
        InvoiceKind::CreditNote => "381",
        InvoiceKind::DebitNote => "383",
    }
}

/// Reads an INVOIC message.
pub fn read(message: &Message) -> Result<Invoice, AdapterError> {
    let mut header = header::read(message)?;
    header.keep_function();
    let Some(invoice_number) = header.number.clone() else {
        return Err(error::validation("INVOIC has no invoice number (BGM 1004)")
            .at_segment(message.context.locate(&message.body[0], Some(2), Some(1))));
    };
    let mut extensions = std::mem::take(&mut header.extensions);
    if let Some(code) = header
        .code
        .as_deref()
        .filter(|c| !matches!(*c, "380" | "381" | "383"))
    {
        extensions.insert(0, wharf_guest_sdk::text_extension("edifact.BGM.C002", code));
    }
    let mut po_numbers = Vec::new();
    while let Some(po) = header.take_reference("ON") {
        po_numbers.push(po);
    }
    let mut heading = charges::read(
        message,
        &header.rest,
        header.currency.as_deref(),
        &mut extensions,
    )?;
    let currency = header.currency.clone();
    let (lines, at) = items::read_lines(
        message,
        header.length,
        currency.as_deref(),
        &mut extensions,
        |line| invoice_line(message, line, currency.as_deref()),
    )?;
    let summary_segments = read_summary(message, at);
    let mut summary = charges::read(
        message,
        &summary_segments,
        currency.as_deref(),
        &mut extensions,
    )?;
    let Some(total) = summary.take(&["77", "86", "39"]) else {
        let last = message.body.last().unwrap_or(&message.unh);
        return Err(error::validation("INVOIC states no invoice total (MOA+77)")
            .at_segment(message.context.locate(last, None, None)));
    };
    let totals = InvoiceTotals {
        subtotal: summary.take(&["79"]),
        tax: summary.take(&["124", "176"]),
        allowances_charges: summary.take(&["131"]),
        total,
        due: summary.take(&["9"]),
    };
    let taxes = std::mem::take(&mut summary.taxes);
    // Allowances after UNS are unusual but the same allowances; they are written back in the
    // heading, where the directory puts them.
    let mut allowances_charges = std::mem::take(&mut heading.allowances);
    allowances_charges.append(&mut summary.allowances);
    summary.keep_rest(&mut extensions);
    heading.keep_rest(&mut extensions);
    Ok(Invoice {
        invoice_number,
        kind: kind_of(header.code.as_deref()),
        po_numbers,
        currency,
        dates: header.dates,
        parties: header.parties,
        references: header.references,
        payment_terms: header.payment_terms,
        lines,
        taxes,
        allowances_charges,
        totals,
        notes: header.notes,
        extensions,
    })
}

fn invoice_line(
    message: &Message,
    mut line: items::Line<'_>,
    currency: Option<&str>,
) -> Result<InvoiceLine, AdapterError> {
    let chosen = line
        .quantities
        .iter()
        .position(|(q, _)| q == "47")
        .unwrap_or(0);
    if line.quantities.is_empty() {
        return Err(error::validation(format!(
            "line {} has no invoiced quantity (QTY+47)",
            line.number
        ))
        .at_segment(message.context.locate(line.lin, None, None)));
    }
    let (_, quantity) = line.quantities.remove(chosen);
    let Some(unit_price) = line.price.take() else {
        return Err(
            error::validation(format!("line {} has no unit price (PRI+AAA)", line.number))
                .at_segment(message.context.locate(line.lin, None, None)),
        );
    };
    let po_number = line.take_reference("ON");
    let order_line = line.take_reference("LI");
    let mut extensions = std::mem::take(&mut line.extensions);
    for (qualifier, other) in &line.quantities {
        extensions.push(wharf_guest_sdk::text_extension(
            "edifact.QTY",
            format!("{qualifier}:{}:{}", other.value, other.unit),
        ));
    }
    for reference in &line.references {
        let text = format!(
            "{}:{}",
            crate::common::reference_qualifier(&reference.scheme).unwrap_or(&reference.scheme),
            crate::reader::CANONICAL.escape(&reference.value)
        );
        extensions.push(wharf_guest_sdk::text_extension("edifact.RFF", text));
    }
    let mut found = charges::read(message, &line.rest, currency, &mut extensions)?;
    let amount = found.take(&["203"]);
    let taxes = std::mem::take(&mut found.taxes);
    let allowances_charges = std::mem::take(&mut found.allowances);
    found.keep_rest(&mut extensions);
    Ok(InvoiceLine {
        line_number: line.number,
        po_number,
        order_line,
        item_ids: line.item_ids,
        description: line.description,
        quantity,
        unit_price,
        amount,
        taxes,
        allowances_charges,
        extensions,
    })
}

/// Writes an invoice as the body of an INVOIC message (BGM to the summary).
pub fn write(invoice: &Invoice, mark: char) -> Result<Vec<Out>, AdapterError> {
    if invoice.invoice_number.is_empty() {
        return Err(error::validation("an INVOIC needs an invoice number").at_xml("invoice_number"));
    }
    let mut kept = Kept::new(&invoice.extensions);
    let code = kept
        .take("edifact.BGM.C002")
        .unwrap_or_else(|| kind_code(invoice.kind).to_owned());
    let mut out = vec![write_bgm(&code, &invoice.invoice_number, None, &mut kept)];
    let mut references: Vec<_> = invoice
        .po_numbers
        .iter()
        .map(|po| wharf_guest_sdk::id("edifact:ON", po.clone()))
        .collect();
    references.extend(invoice.references.iter().cloned());
    out.extend(write_common(
        &Common {
            dates: &invoice.dates,
            notes: &invoice.notes,
            payment_terms: invoice.payment_terms.as_deref(),
            references: &references,
            parties: &invoice.parties,
            currency: invoice.currency.as_deref(),
        },
        &mut kept,
    )?);
    out.extend(write_allowances(
        &invoice.allowances_charges,
        invoice.currency.as_deref(),
        mark,
        "allowances_charges",
    )?);
    out.extend(kept.raw_segments());
    for (i, line) in invoice.lines.iter().enumerate() {
        out.extend(write_line(
            line,
            invoice.currency.as_deref(),
            mark,
            &format!("lines[{}]", i + 1),
        )?);
    }
    out.push(Out::new("UNS").el(&["S"]));
    out.push(Out::new("CNT").el(&["2", &invoice.lines.len().to_string()]));
    let totals = &invoice.totals;
    for (qualifier, money, path) in [
        ("79", totals.subtotal.as_ref(), "totals.subtotal"),
        ("124", totals.tax.as_ref(), "totals.tax"),
        (
            "131",
            totals.allowances_charges.as_ref(),
            "totals.allowances_charges",
        ),
        ("77", Some(&totals.total), "totals.total"),
        ("9", totals.due.as_ref(), "totals.due"),
    ] {
        if let Some(money) = money {
            out.push(write_money(
                qualifier,
                money,
                invoice.currency.as_deref(),
                mark,
                path,
            )?);
        }
    }
    out.extend(write_taxes(
        &invoice.taxes,
        invoice.currency.as_deref(),
        mark,
        &mut kept,
        "taxes",
    )?);
    Ok(out)
}

fn write_line(
    line: &InvoiceLine,
    currency: Option<&str>,
    mark: char,
    path: &str,
) -> Result<Vec<Out>, AdapterError> {
    let mut kept = Kept::new(&line.extensions);
    let mut out = write_item(
        &line.line_number,
        None,
        &line.item_ids,
        line.description.as_deref(),
        &mut kept,
    );
    out.push(write_quantity(
        "47",
        &line.quantity,
        mark,
        &mut kept,
        &format!("{path}.quantity"),
    )?);
    if let Some(amount) = &line.amount {
        out.push(write_money(
            "203",
            amount,
            currency,
            mark,
            &format!("{path}.amount"),
        )?);
    }
    out.extend(write_price(
        &line.unit_price,
        currency,
        mark,
        &mut kept,
        &format!("{path}.unit_price"),
    )?);
    if let Some(po) = &line.po_number {
        out.push(Out::new("RFF").el(&["ON", po.as_str()]));
    }
    if let Some(order_line) = &line.order_line {
        out.push(Out::new("RFF").el(&["LI", order_line.as_str()]));
    }
    out.extend(write_taxes(
        &line.taxes,
        currency,
        mark,
        &mut kept,
        &format!("{path}.taxes"),
    )?);
    out.extend(write_allowances(
        &line.allowances_charges,
        currency,
        mark,
        &format!("{path}.allowances_charges"),
    )?);
    out.extend(kept.raw_segments());
    Ok(out)
}
