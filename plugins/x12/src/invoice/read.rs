//! Reading an 810: BIG (invoice date, number, PO date and number, BIG07 credit/debit memo),
//! the header segments and N1 loops, IT1 loops with PID, REF*PO, TXI and SAC, then TDS
//! (the total, in cents: type N2), document-level TXI and SAC, and CTT. Line amounts and
//! the subtotal, which an 810 does not state, are derived in [`super::totals`].

use wharf_guest_sdk::canonical::{
    AllowanceCharge, DateKind, Dated, Extension, Invoice, InvoiceKind, InvoiceLine, InvoiceTotals,
    Money, Tax,
};
use wharf_guest_sdk::contract::AdapterError;

use crate::common::Header;
use crate::items;
use crate::order_response::po_date;
use crate::parties;
use crate::purchase_order::{self, expect, quantity};
use crate::reader::{Body, Place, Seg};
use crate::syntax::Segment;

/// Segments that end an IT1 loop.
const LINE_END: [&str; 3] = ["IT1", "TDS", "CTT"];

/// The item id scheme an IT1 product id pair with qualifier PL (235, "Purchaser's Order Line
/// Number") reads as, before it becomes the line's `order_line`.
pub const ORDER_LINE_SCHEME: &str = "x12:PL";

/// BIG07 → invoice kind, and the code written for each kind.
pub fn kind(code: Option<&str>) -> InvoiceKind {
    match code {
        Some("CR") => InvoiceKind::CreditNote,
        Some("DR") => InvoiceKind::DebitNote,
        _ => InvoiceKind::Invoice,
    }
}

pub fn kind_code(kind: InvoiceKind) -> Option<&'static str> {
    match kind {
        InvoiceKind::CreditNote => Some("CR"),
        InvoiceKind::DebitNote => Some("DR"),
        InvoiceKind::Invoice => None,
    }
}

pub fn read(segments: &[Segment], place: &Place) -> Result<Invoice, AdapterError> {
    let mut body = Body::new(segments, place);
    let big = expect(&mut body, "BIG", segments, place)?;
    let mut invoice = Invoice {
        invoice_number: big.require(2, "BIG02, the invoice number,")?.to_owned(),
        kind: kind(big.text(7)),
        po_numbers: big.owned(4).into_iter().collect(),
        currency: None,
        dates: Vec::new(),
        parties: Vec::new(),
        references: Vec::new(),
        payment_terms: None,
        lines: Vec::new(),
        taxes: Vec::new(),
        allowances_charges: Vec::new(),
        totals: InvoiceTotals {
            subtotal: None,
            tax: None,
            allowances_charges: None,
            total: Money {
                amount: "0".to_owned(),
                currency: None,
            },
            due: None,
        },
        notes: Vec::new(),
        extensions: Vec::new(),
    };
    if let Some(value) = big.date(1, None)? {
        invoice.dates.push(Dated {
            kind: DateKind::Invoice,
            value,
            qualifier: None,
        });
    }
    if let Some(value) = big.date(3, None)? {
        invoice.dates.push(po_date(value));
    }
    let mut used = vec![1, 2, 3, 4];
    if big.text(7).is_some() && big.text(7) == kind_code(invoice.kind) {
        used.push(7);
    }
    big.leftovers(&used, "", &mut invoice.extensions);
    let mut total = None;
    let mut hash = Vec::new();
    while let Some(seg) = body.next_seg() {
        let currency = invoice.currency.clone();
        match seg.id() {
            "N1" => invoice
                .parties
                .push(parties::read(seg, &mut body, &mut invoice.extensions)?),
            "IT1" => {
                let ordinal = invoice.lines.len();
                let line = read_line(seg, &mut body, currency.as_ref(), ordinal)?;
                hash.push(line.quantity.value.clone());
                if let Some(po) = &line.po_number
                    && !invoice.po_numbers.contains(po)
                {
                    invoice.po_numbers.push(po.clone());
                }
                invoice.lines.push(line);
            }
            "TDS" if total.is_none() => {
                total = seg.implied_cents(1)?;
                if total.is_none() {
                    return Err(seg.invalid(1, "TDS01, the invoice total, is missing"));
                }
                seg.leftovers(&[1], "", &mut invoice.extensions);
            }
            "TXI" => match read_tax(seg, currency.as_ref())? {
                Some(tax) => invoice.taxes.push(tax),
                None => invoice.extensions.push(seg.raw_extension("")),
            },
            "SAC" => match read_sac(seg, currency.as_ref())? {
                Some(sac) => invoice.allowances_charges.push(sac),
                None => invoice.extensions.push(seg.raw_extension("")),
            },
            "CTT" => {
                let quantities: Vec<&str> = hash.iter().map(String::as_str).collect();
                purchase_order::read_ctt(
                    seg,
                    invoice.lines.len(),
                    &quantities,
                    &mut invoice.extensions,
                );
            }
            "REF"
                if seg.text(1) == Some("PO") && seg.only_uses(&[1, 2]) && seg.text(2).is_some() =>
            {
                let po = seg.owned(2).unwrap_or_default();
                if !invoice.po_numbers.contains(&po) {
                    invoice.po_numbers.push(po);
                }
            }
            _ => {
                let mut header = Header {
                    currency: &mut invoice.currency,
                    dates: &mut invoice.dates,
                    references: &mut invoice.references,
                    notes: &mut invoice.notes,
                    payment_terms: Some(&mut invoice.payment_terms),
                    extensions: &mut invoice.extensions,
                    entity: "SE",
                };
                if !header.read(seg)? {
                    invoice.extensions.push(seg.raw_extension(""));
                }
            }
        }
    }
    let Some(total) = total else {
        let se = segments
            .last()
            .ok_or_else(|| wharf_guest_sdk::error::syntax("no SE"))?;
        let at = Seg {
            segment: se,
            position: segments.len() as u32,
            place,
            previous: None,
        };
        return Err(at.invalid(0, "an 810 states its total in TDS, and this one has none"));
    };
    invoice.totals.total = Money {
        amount: total,
        currency: invoice.currency.clone(),
    };
    set_currency(&mut invoice);
    super::totals::derive(&mut invoice);
    drop_big01_told_again(&mut invoice.dates);
    Ok(invoice)
}

/// BIG01 holds only the invoice's day; an invoice date with a time (and zone) comes again as
/// DTM*003 (see the writer). That DTM is the same date, told more precisely, so BIG01's copy
/// of it is dropped.
fn drop_big01_told_again(dates: &mut Vec<Dated>) {
    let Some(big01) = dates
        .iter()
        .position(|d| d.kind == DateKind::Invoice && d.qualifier.is_none())
    else {
        return;
    };
    let day = dates[big01].value.clone();
    let told_again = dates.iter().any(|d| {
        d.kind == DateKind::Invoice
            && d.qualifier.is_some()
            && d.value.len() > 10
            && d.value.starts_with(&day)
    });
    if told_again {
        dates.remove(big01);
    }
}

/// CUR may come after amounts were read; every amount carries the document currency.
fn set_currency(invoice: &mut Invoice) {
    let currency = invoice.currency.clone();
    let all_taxes = invoice
        .taxes
        .iter_mut()
        .chain(invoice.lines.iter_mut().flat_map(|l| l.taxes.iter_mut()));
    for tax in all_taxes {
        tax.amount.currency.clone_from(&currency);
        if let Some(taxable) = &mut tax.taxable {
            taxable.currency.clone_from(&currency);
        }
    }
    let all_sacs = invoice.allowances_charges.iter_mut().chain(
        invoice
            .lines
            .iter_mut()
            .flat_map(|l| l.allowances_charges.iter_mut()),
    );
    for sac in all_sacs {
        sac.amount.currency.clone_from(&currency);
    }
    for line in &mut invoice.lines {
        line.unit_price.currency.clone_from(&currency);
    }
}

/// TXI: kind TXI01, amount TXI02, rate TXI03, jurisdiction TXI05 (with its qualifier TXI04
/// as `qualifier:code`), taxable amount TXI08; anything else keeps the segment whole.
pub fn read_tax(seg: Seg<'_>, currency: Option<&String>) -> Result<Option<Tax>, AdapterError> {
    if !seg.only_uses(&[1, 2, 3, 4, 5, 8]) || seg.text(1).is_none() {
        return Ok(None);
    }
    let Some(amount) = seg.decimal(2)? else {
        return Ok(None);
    };
    let jurisdiction = match (seg.text(4), seg.text(5)) {
        (Some(q), Some(code)) => Some(format!("{q}:{code}")),
        (None, Some(code)) => Some(code.to_owned()),
        (Some(_), None) => return Ok(None),
        (None, None) => None,
    };
    Ok(Some(Tax {
        kind: seg.owned(1).unwrap_or_default(),
        rate: seg.decimal(3)?,
        taxable: seg.decimal(8)?.map(|amount| Money {
            amount,
            currency: currency.cloned(),
        }),
        amount: Money {
            amount,
            currency: currency.cloned(),
        },
        jurisdiction,
    }))
}

/// SAC02 "ZZZZ", mutually defined: element 1300's code for an allowance or charge the
/// standard has no code for. SAC syntax note R0203 needs SAC02 (or SAC03), so the writer puts
/// it where the allowance or charge has no code, and it reads back as none.
pub const MUTUALLY_DEFINED: &str = "ZZZZ";

/// SAC: allowance (A) or charge (C), code SAC02, amount SAC05 in cents, description SAC15.
pub fn read_sac(
    seg: Seg<'_>,
    currency: Option<&String>,
) -> Result<Option<AllowanceCharge>, AdapterError> {
    let is_charge = match seg.text(1) {
        Some("A") => false,
        Some("C") => true,
        _ => return Ok(None),
    };
    if !seg.only_uses(&[1, 2, 5, 15]) {
        return Ok(None);
    }
    let Some(amount) = seg.implied_cents(5)? else {
        return Ok(None);
    };
    Ok(Some(AllowanceCharge {
        is_charge,
        code: seg.owned(2).filter(|code| code != MUTUALLY_DEFINED),
        description: seg.owned(15),
        amount: Money {
            amount,
            currency: currency.cloned(),
        },
    }))
}

fn read_line(
    it1: Seg<'_>,
    body: &mut Body<'_>,
    currency: Option<&String>,
    ordinal: usize,
) -> Result<InvoiceLine, AdapterError> {
    let mut extensions: Vec<Extension> = Vec::new();
    let line_number = items::line_number(it1, ordinal, &mut extensions);
    let (quantity, mut used) = quantity(it1, 2, 3)?;
    let unit_price = items::read_price(it1, 4, 5, &quantity.unit, currency, &mut used)?
        .ok_or_else(|| it1.invalid(4, "IT104, the unit price, is missing"))?;
    let mut item_ids = Vec::new();
    used.extend(items::read_ids(it1, 6, "", &mut item_ids, &mut extensions));
    // 235 PL, the purchaser's order line number, names the order line billed.
    let order_line = item_ids
        .iter()
        .position(|i| i.scheme == ORDER_LINE_SCHEME)
        .map(|at| item_ids.remove(at).value);
    used.push(1);
    it1.leftovers(&used, "", &mut extensions);
    let mut line = InvoiceLine {
        line_number,
        po_number: None,
        order_line,
        item_ids,
        description: None,
        quantity,
        unit_price,
        amount: None,
        taxes: Vec::new(),
        allowances_charges: Vec::new(),
        extensions: Vec::new(),
    };
    while let Some(seg) = body.peek().filter(|s| !LINE_END.contains(&s.id())) {
        body.next_seg();
        match seg.id() {
            "PID"
                if seg.text(1) == Some("F")
                    && seg.text(5).is_some()
                    && line.description.is_none() =>
            {
                line.description = seg.owned(5);
                seg.leftovers(&[1, 5], "", &mut extensions);
            }
            "REF"
                if seg.text(1) == Some("PO")
                    && line.po_number.is_none()
                    && seg.only_uses(&[1, 2])
                    && seg.text(2).is_some() =>
            {
                line.po_number = seg.owned(2);
            }
            "TXI" => match read_tax(seg, currency)? {
                Some(tax) => line.taxes.push(tax),
                None => extensions.push(seg.raw_extension("")),
            },
            "SAC" => match read_sac(seg, currency)? {
                Some(sac) => line.allowances_charges.push(sac),
                None => extensions.push(seg.raw_extension("")),
            },
            _ => extensions.push(seg.raw_extension("")),
        }
    }
    line.extensions = extensions;
    Ok(line)
}
