//! Invoices: INVOIC02 with message type INVOIC, to and from
//! [`Invoice`](wharf_guest_sdk::canonical::Invoice). The supplier's SAP writes an invoice, so
//! its partner numbers are the supplier's ([`crate::parties::SUPPLIER_NUMBERS`]).
//!
//! | INVOIC02 | invoice |
//! | --- | --- |
//! | E1EDK02 QUALF 009 BELNR, else E1EDK01 BELNR | `invoice_number` |
//! | E1EDK01 BSART: INVO, CRME | `kind`: Invoice, CreditNote (a debit note is written INVO) |
//! | E1EDK01 CURCY | `currency` |
//! | E1EDK01 ZTERM, else E1EDK18 QUALF 005 ZTERM_TXT | `payment_terms` |
//! | E1EDK02 QUALF 001 BELNR, each | `po_numbers` |
//! | other E1EDK02 | references `sap:E1EDK02:<QUALF>` |
//! | E1EDK03 (012 document date, 026 invoice date, ...) | dates |
//! | E1EDKA1 (RS invoicing party, RE bill-to, AG sold-to, LF vendor, ...) | parties |
//! | E1EDK01 EIGENUINR, KUNDEUINR | the VAT ids of seller and customer (see [`vat`]) |
//! | E1EDK04 | taxes (see [`charges`]) |
//! | E1EDK05 | allowances and charges (see [`charges`]) |
//! | E1EDKT1 | notes |
//! | E1EDP01 | lines (see [`lines`]) |
//! | E1EDS01 SUMID 010 (net value), less header charges (see [`net_value`]) | totals `subtotal` |
//! | E1EDS01 SUMID 005 (tax amount) | totals `tax` |
//! | E1EDS01 SUMID 011 (gross value, the amount due) | totals `total` |
//! | E1EDS01 SUMID 020 (total discounts/surcharges) | totals `allowances_charges` |
//!
//! Other totals (001 item count, 012 discount base, ...) and every unmapped field stay
//! extensions. BSART and BELNR are written as they came when the IDoc gave other values;
//! ZTERM only for documents that came from an IDoc, as it is a key into SAP's customizing;
//! payment terms from another standard are words, written as E1EDK18 QUALF 005.

mod charges;
mod lines;
mod net_value;
mod vat;

use wharf_guest_sdk::canonical::{
    CanonicalDocument, Document, Envelope, Invoice, InvoiceKind, InvoiceTotals,
};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::xml::Element;
use wharf_guest_sdk::{error, id};

use crate::codes::{self, Origin};
use crate::header::{self, HeaderOut};
use crate::layout::Layout;
use crate::output::{not_written, segment};
use crate::parties::SUPPLIER_NUMBERS;
use crate::segments::Segment;

/// The basic type read and written.
pub const INVOIC02: &str = "INVOIC02";
/// The reference schemes of the invoice's own number and of a purchase order it bills
/// (E1EDK02 QUALF 009 and 001, through the scheme table).
const INVOICE_NUMBER: &str = "invoice";
const PURCHASE_ORDER: &str = "purchase-order";
/// E1EDS01 SUMIDs of the totals mapped.
const GROSS_VALUE: &str = "011";
const NET_VALUE: &str = "010";
const TAX_AMOUNT: &str = "005";
/// "Total discounts/surcharges".
const ALLOWANCES_CHARGES: &str = "020";

/// INVOIC02's hierarchy and the fields of the segment types only invoices map.
pub const LAYOUT: Layout = Layout {
    segments: &[
        (
            "IDOC",
            &[
                "EDI_DC40", "E1EDK01", "E1EDKA1", "E1EDK02", "E1EDK03", "E1EDK05", "E1EDK04",
                "E1EDK17", "E1EDK18", "E1EDK23", "E1EDK28", "E1EDK29", "E1EDKT1", "E1EDK14",
                "E1EDP01", "E1EDS01",
            ],
        ),
        (
            "E1EDP01",
            &[
                "E1EDP02", "E1EDP03", "E1EDP19", "E1EDP26", "E1EDPA1", "E1EDP04", "E1EDP05",
                "E1EDP28", "E1EDP08", "E1EDP30", "E1EDPT1",
            ],
        ),
    ],
    fields: &[
        ("E1EDK04", TAX_FIELDS),
        ("E1EDP04", TAX_FIELDS),
        ("E1EDK05", CONDITION_FIELDS),
        ("E1EDP05", ITEM_CONDITION_FIELDS),
        ("E1EDP26", &["QUALF", "BETRG"]),
    ],
};

const TAX_FIELDS: &[&str] = &["MWSKZ", "MSATZ", "MWSBT", "TXJCD", "KTEXT"];
const CONDITION_FIELDS: &[&str] = &[
    "ALCKZ", "KSCHL", "KOTXT", "BETRG", "KPERC", "KRATE", "UPRBS", "MEAUN", "KOBTR", "MWSKZ",
    "MSATZ", "KOEIN",
];
/// E1EDP05 has a quantity and a price after KOBTR that E1EDK05 has not.
const ITEM_CONDITION_FIELDS: &[&str] = &[
    "ALCKZ", "KSCHL", "KOTXT", "BETRG", "KPERC", "KRATE", "UPRBS", "MEAUN", "KOBTR", "MENGE",
    "PREIS", "MWSKZ", "MSATZ", "KOEIN", "CURTP", "KOBAS",
];

/// Reads the data segments of one INVOIC IDoc into an invoice.
pub fn read(mut idoc: Segment<'_>, envelope: Envelope) -> Result<CanonicalDocument, AdapterError> {
    let header = header::read(&mut idoc, false, SUPPLIER_NUMBERS)?;
    let mut references = header.references;
    let own_number = references
        .iter()
        .position(|r| r.scheme == INVOICE_NUMBER)
        .map(|at| references.remove(at).value);
    let mut po_numbers: Vec<String> = header
        .purchase_order
        .map(|po| po.number)
        .into_iter()
        .collect();
    references.retain(|r| {
        let billed = r.scheme == PURCHASE_ORDER;
        if billed {
            po_numbers.push(r.value.clone());
        }
        !billed
    });
    let mut extensions = Vec::new();
    let (mut currency, mut kind, mut payment_terms, mut number) =
        (None, InvoiceKind::Invoice, None, own_number);
    let mut parties = header.parties;
    if let Some(mut general) = header.general {
        currency = general.text("CURCY").map(str::to_owned);
        vat::read(&mut general, &mut parties);
        let bsart = general.peek("BSART");
        kind = codes::invoice_kind(bsart);
        if bsart == Some(codes::invoice_bsart(kind)) {
            general.consume("BSART");
        }
        payment_terms = general.text("ZTERM").map(str::to_owned);
        let belnr = general.peek("BELNR");
        if number.is_none() {
            number = belnr.map(str::to_owned);
        }
        if belnr.is_some() && belnr == number.as_deref() {
            general.consume("BELNR");
        }
        general.leftovers(&format!("idoc.{}", general.key_name()), &mut extensions);
    }
    let Some(invoice_number) = number else {
        return Err(error::validation(
            "the invoice has no number: no E1EDK02 with QUALF 009 and no BELNR in E1EDK01",
        )
        .at_xml(idoc.field_path("E1EDK02")));
    };
    extensions.extend(header.extensions);
    if payment_terms.is_none() {
        payment_terms = header::read_payment_terms(&mut idoc, &mut extensions);
    }
    let currency_code = currency.as_deref();
    let taxes = charges::read_taxes(&mut idoc, "E1EDK04", currency_code, "idoc", &mut extensions)?;
    let allowances_charges =
        charges::read_charges(&mut idoc, "E1EDK05", currency_code, "idoc", &mut extensions)?;
    let lines = idoc
        .segments("E1EDP01")
        .into_iter()
        .map(|item| lines::read(item, currency_code))
        .collect::<Result<Vec<_>, _>>()?;
    let mut totals = header::read_totals(
        &mut idoc,
        &[GROSS_VALUE, NET_VALUE, TAX_AMOUNT, ALLOWANCES_CHARGES],
        currency_code,
        &mut extensions,
    )?
    .into_iter();
    let (total, net, tax, allowances_charges_total) = (
        totals.next().flatten(),
        totals.next().flatten(),
        totals.next().flatten(),
        totals.next().flatten(),
    );
    let subtotal = net.map(|net| net_value::subtotal(net, &allowances_charges));
    let Some(total) = total else {
        return Err(error::validation(
            "the invoice has no total: no E1EDS01 with SUMID 011 (the gross value)",
        )
        .at_xml(idoc.field_path("E1EDS01")));
    };
    idoc.leftovers("idoc", &mut extensions);
    Ok(CanonicalDocument {
        envelope,
        body: Document::Invoice(Invoice {
            invoice_number,
            kind,
            po_numbers,
            currency,
            dates: header.dates,
            parties,
            references,
            payment_terms,
            lines,
            taxes,
            allowances_charges,
            totals: InvoiceTotals {
                subtotal,
                tax,
                allowances_charges: allowances_charges_total,
                total,
                due: None,
            },
            notes: header.notes,
            extensions,
        }),
    })
}

fn kept(invoice: &Invoice, field: &str) -> bool {
    let key = format!("idoc.E1EDK01.{field}");
    invoice.extensions.iter().any(|e| e.key == key)
}

/// Writes an invoice as the data segments of an INVOIC IDoc.
pub fn write(invoice: &Invoice, envelope: &Envelope) -> Result<Vec<Element>, AdapterError> {
    let origin = Origin::of(envelope);
    let root = format!("/{INVOIC02}/IDOC");
    let number = invoice.invoice_number.trim();
    if number.is_empty() {
        return Err(error::validation("the invoice has no invoice number")
            .at_xml(format!("{root}/E1EDK02/BELNR")));
    }
    if invoice.kind == InvoiceKind::DebitNote {
        not_written("that the invoice is a debit note (SAP has no BSART for one; written INVO)");
    }
    let currency = invoice.currency.as_deref();
    let mut general = segment("E1EDK01")
        .text_child_opt("CURCY", invoice.currency.clone())
        .text_child_opt(
            "BSART",
            (!kept(invoice, "BSART")).then(|| codes::invoice_bsart(invoice.kind)),
        )
        .text_child_opt("BELNR", (!kept(invoice, "BELNR")).then_some(number));
    for (field, number) in vat::write(&invoice.parties) {
        general = general.text_child_opt(field, number);
    }
    let terms = invoice.payment_terms.as_deref();
    if let Some(key) = terms.filter(|t| header::is_payment_terms_key(t, origin)) {
        general = general.text_child("ZTERM", key);
    }
    let mut references = vec![id(INVOICE_NUMBER, number)];
    let mut orders = invoice.po_numbers.iter();
    let first_order = orders.next();
    references.extend(orders.map(|po| id(PURCHASE_ORDER, po.trim())));
    references.extend(invoice.references.iter().cloned());
    let mut own_segments = charges::write_taxes(&invoice.taxes, "E1EDK04", &root, currency)?;
    // Payment terms from another standard are words, not a key into SAP's customizing.
    if let Some(words) = terms.filter(|t| !header::is_payment_terms_key(t, origin)) {
        own_segments.extend(header::write_payment_terms(words));
    }
    own_segments.extend(charges::write_charges(
        &invoice.allowances_charges,
        "E1EDK05",
        &root,
        currency,
    )?);
    let mut data = header::write(HeaderOut {
        general,
        dates: &invoice.dates,
        parties: &invoice.parties,
        numbering: SUPPLIER_NUMBERS,
        purchase_order: first_order.map(String::as_str),
        references: &references,
        notes: &invoice.notes,
        extensions: &invoice.extensions,
        own_segments,
        origin,
        basic_type: INVOIC02,
    })?;
    for (index, line) in invoice.lines.iter().enumerate() {
        data.push(lines::write(line, index + 1, currency)?);
    }
    let totals = &invoice.totals;
    if let Some(due) = &totals.due {
        not_written(&format!("the total amount due {}", due.amount));
    }
    let net = totals
        .subtotal
        .as_ref()
        .map(|subtotal| net_value::net_value(subtotal, &invoice.allowances_charges));
    data.extend(header::write_totals(
        &[
            (TAX_AMOUNT, totals.tax.as_ref()),
            (NET_VALUE, net.as_ref()),
            (GROSS_VALUE, Some(&totals.total)),
            (ALLOWANCES_CHARGES, totals.allowances_charges.as_ref()),
        ],
        &invoice.extensions,
        INVOIC02,
    )?);
    Ok(data)
}
