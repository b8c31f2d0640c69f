//! Writing an 810 from a canonical invoice: the reverse of [`super::read`], amounts of type
//! N2 (TDS, SAC) written in cents and refused when they have fractions of a cent.

use wharf_guest_sdk::canonical::{AllowanceCharge, DateKind, Invoice, Money, Tax};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::{Decimal, decimal, error};

use crate::common;
use crate::invoice::read::kind_code;
use crate::items;
use crate::parties;
use crate::purchase_order;
use crate::writer::{Out, raw_segments};

/// An amount as a whole number of cents (type N2).
fn cents(money: &Money, path: &str) -> Result<String, AdapterError> {
    let value =
        decimal::parse(&money.amount).map_err(|e| error::validation(format!("{path}: {e}")))?;
    let cents = value.checked_mul(Decimal::ONE_HUNDRED).ok_or_else(|| {
        error::validation(format!(
            "{path}: {} is too large an amount to write in cents",
            money.amount
        ))
    })?;
    if !cents.fract().is_zero() {
        return Err(error::validation(format!(
            "{path}: {} has fractions of a cent, which X12 writes in whole cents",
            money.amount
        )));
    }
    Ok(decimal::format(cents))
}

fn tax(tax: &Tax) -> Out {
    let (qualifier, code) = match tax.jurisdiction.as_deref().map(|j| j.split_once(':')) {
        Some(Some((q, code))) => (Some(q.to_owned()), Some(code.to_owned())),
        Some(None) => (None, tax.jurisdiction.clone()),
        None => (None, None),
    };
    Out::new("TXI")
        .with(1, tax.kind.clone())
        .with(2, tax.amount.amount.clone())
        .with_opt(3, tax.rate.clone())
        .with_opt(4, qualifier)
        .with_opt(5, code)
        .with_opt(8, tax.taxable.as_ref().map(|m| m.amount.clone()))
}

fn sac(sac: &AllowanceCharge, path: &str) -> Result<Out, AdapterError> {
    Ok(Out::new("SAC")
        .with(1, if sac.is_charge { "C" } else { "A" })
        .with(
            2,
            sac.code
                .clone()
                .unwrap_or_else(|| super::read::MUTUALLY_DEFINED.to_owned()),
        )
        .with(5, cents(&sac.amount, path)?)
        .with_opt(15, sac.description.clone()))
}

pub fn write(invoice: &Invoice) -> Result<Vec<Out>, AdapterError> {
    let ext = &invoice.extensions;
    let mut out = Vec::new();
    // BIG01, the invoice date, is mandatory: the invoice's own date as X12 read it (no
    // qualifier), else the invoice date another standard gave (SAP IDDAT 026, cXML
    // invoiceDate), else its date of issue (EDIFACT DTM+137). A date with a time keeps its DTM
    // as well, since BIG01 holds only the day.
    let dated_as = |kind: DateKind, unqualified: bool| {
        invoice
            .dates
            .iter()
            .position(|d| d.kind == kind && (!unqualified || d.qualifier.is_none()))
    };
    let invoice_date = dated_as(DateKind::Invoice, true)
        .or_else(|| dated_as(DateKind::Invoice, false))
        .or_else(|| dated_as(DateKind::Document, false));
    let big01_only = invoice_date
        .and_then(|i| invoice.dates.get(i))
        .is_some_and(|d| d.value.len() == 10);
    let po_date = invoice
        .dates
        .iter()
        .position(wharf_guest_sdk::date::is_order_date);
    let day = |at: Option<usize>| -> Result<Option<String>, AdapterError> {
        at.and_then(|i| invoice.dates.get(i))
            .map(|d| common::compact(&d.value, "dates").map(|c| c.0))
            .transpose()
    };
    out.push(
        Out::new("BIG")
            .with(
                1,
                day(invoice_date)?.ok_or_else(|| {
                    error::validation(
                        "X12 810 requires the invoice date (BIG01); the invoice gives no \
                         Invoice or Document date",
                    )
                    .at_xml("dates")
                })?,
            )
            .with(2, invoice.invoice_number.clone())
            .with_opt(3, day(po_date)?)
            .with_opt(4, invoice.po_numbers.first().cloned())
            .with_opt(7, kind_code(invoice.kind))
            .restore(ext, ""),
    );
    out.extend(common::write_cur(invoice.currency.as_ref(), ext, "SE"));
    out.extend(invoice.references.iter().filter_map(common::write_ref));
    for po in invoice.po_numbers.iter().skip(1) {
        if !invoice
            .lines
            .iter()
            .any(|l| l.po_number.as_ref() == Some(po))
        {
            out.push(Out::new("REF").with(1, "PO").with(2, po.clone()));
        }
    }
    let kept = raw_segments(ext, "");
    out.extend(common::write_terms(invoice.payment_terms.as_ref(), &kept));
    out.extend(kept);
    for (i, dated) in invoice.dates.iter().enumerate() {
        if (Some(i) != invoice_date || !big01_only) && Some(i) != po_date {
            out.push(common::write_dtm(dated, &format!("dates[{i}]"))?);
        }
    }
    out.extend(invoice.notes.iter().flat_map(common::write_note));
    for party in &invoice.parties {
        parties::write(party, ext, &mut out)?;
    }
    for (i, line) in invoice.lines.iter().enumerate() {
        let path = format!("lines[{i}]");
        // IT1 syntax note P020304: quantity, unit and unit price come together, and a unit
        // cannot be guessed.
        if line.quantity.unit.trim().is_empty() {
            return Err(error::validation(format!(
                "{path}.quantity.unit: IT1 needs the unit of the quantity invoiced beside it \
                 and the unit price (syntax note P020304)"
            )));
        }
        let mut it1 = Out::new("IT1")
            .with(2, line.quantity.value.clone())
            .with(3, crate::codes::x12_unit(&line.quantity.unit));
        if !items::line_number_absent("IT1", &line.extensions) {
            it1.set(1, line.line_number.clone());
        }
        items::write_price(&mut it1, 4, 5, &line.unit_price, &path)?;
        let mut ids = line.item_ids.clone();
        ids.extend(
            line.order_line
                .iter()
                .map(|n| wharf_guest_sdk::id(crate::invoice::read::ORDER_LINE_SCHEME, n.clone())),
        );
        items::write_ids(&mut it1, 6, 25, &ids, &line.extensions, "");
        out.push(it1.restore(&line.extensions, ""));
        if let Some(description) = &line.description {
            out.push(
                Out::new("PID")
                    .with(1, "F")
                    .with(5, description.clone())
                    .restore(&line.extensions, ""),
            );
        }
        if let Some(po) = &line.po_number {
            out.push(Out::new("REF").with(1, "PO").with(2, po.clone()));
        }
        out.extend(raw_segments(&line.extensions, ""));
        out.extend(line.taxes.iter().map(tax));
        for (k, charge) in line.allowances_charges.iter().enumerate() {
            out.push(sac(
                charge,
                &format!("{path}.allowances_charges[{k}].amount"),
            )?);
        }
    }
    out.push(
        Out::new("TDS")
            .with(1, cents(&invoice.totals.total, "totals.total")?)
            .restore(ext, ""),
    );
    out.extend(invoice.taxes.iter().map(tax));
    for (k, charge) in invoice.allowances_charges.iter().enumerate() {
        out.push(sac(charge, &format!("allowances_charges[{k}].amount"))?);
    }
    let quantities: Vec<&str> = invoice
        .lines
        .iter()
        .map(|l| l.quantity.value.as_str())
        .collect();
    out.push(purchase_order::write_ctt(&quantities, ext));
    Ok(out)
}
