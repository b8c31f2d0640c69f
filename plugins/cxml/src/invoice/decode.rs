//! Reading an `<InvoiceDetailRequest>` into an [`Invoice`]: the header, each order's lines
//! (through [`super::line`]) and the summary (through [`super::summary`]).

use wharf_guest_sdk::canonical::{
    DateKind, Dated, Extension, ExtensionValue, Invoice, InvoiceLine, Party, Price, Quantity,
};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::xml::Element;
use wharf_guest_sdk::{error, id, text_extension};

use super::line::read_line;
use super::{
    HEADER_ORDER_KEY, LUMP_SUM, OPERATION_KEY, ORDER_DATE_KEY, ORDER_PAYLOAD_KEY, PURPOSE_KEY,
    kind_of, summary, terms,
};
use crate::address::read_contact;
use crate::comments::read_comments;
use crate::extensions::keep_unmapped;
use crate::money::read_money_in;
use crate::order_reference::{self, PAYLOAD_ID_SCHEME};
use crate::order_request::extras::{take_dates, take_payment_terms};
use crate::references;
use crate::values::{date_attr, optional_attr, required_attr};

/// The invoice an `<InvoiceDetailRequest>` states, and the warnings tolerated reading it.
pub fn decode(request: &Element) -> Result<(Invoice, Vec<AdapterError>), AdapterError> {
    let header = request.require("InvoiceDetailRequestHeader")?;
    let mut extensions = Vec::new();
    let invoice_number = required_attr(header, "invoiceID")?.to_owned();
    let purpose = optional_attr(header, "purpose").unwrap_or("standard");
    let kind = kind_of(purpose).ok_or_else(|| {
        error::validation(format!(
            "{purpose:?} is not an invoice purpose this adapter reads"
        ))
        .at_xml(header.attr_path("purpose"))
    })?;
    if purpose.starts_with("lineLevel") {
        extensions.push(text_extension(PURPOSE_KEY, purpose));
    }
    if let Some(operation) = optional_attr(header, "operation").filter(|o| *o != "new") {
        extensions.push(text_extension(OPERATION_KEY, operation));
    }
    let mut dates = vec![Dated {
        kind: DateKind::Invoice,
        value: date_attr(header, "invoiceDate")?,
        qualifier: Some("invoiceDate".to_owned()),
    }];
    for indicator in ["InvoiceDetailHeaderIndicator", "InvoiceDetailLineIndicator"] {
        if let Some(element) = header.first(indicator) {
            // Whether taxes are in the lines shows in the lines themselves.
            keep_unmapped(
                element,
                &format!("cxml.{indicator}"),
                &["isTaxInLine"],
                &mut extensions,
            );
        }
    }
    let mut parties = Vec::new();
    for (n, partner) in header.all("InvoicePartner").enumerate() {
        parties.push(read_partner(partner, n, &mut extensions)?);
    }
    if let Some(shipping) = header.first("InvoiceDetailShipping") {
        for (n, contact) in shipping.all("Contact").enumerate() {
            let base = format!("cxml.InvoiceDetailShipping.Contact[{}]", n + 1);
            parties.push(read_contact(contact, &base, &mut extensions)?);
        }
        keep_unmapped(
            shipping,
            "cxml.InvoiceDetailShipping",
            &["Contact"],
            &mut extensions,
        );
    }
    let payment_terms = terms::read(header, &mut extensions)?;
    let notes = header
        .first("Comments")
        .and_then(|c| {
            read_comments(
                c,
                "cxml.InvoiceDetailRequestHeader.Comments",
                &mut extensions,
            )
        })
        .into_iter()
        .collect();
    keep_unmapped(
        header,
        "cxml.InvoiceDetailRequestHeader",
        &[
            "invoiceID",
            "purpose",
            "operation",
            "invoiceDate",
            "InvoiceDetailHeaderIndicator",
            "InvoiceDetailLineIndicator",
            "InvoicePartner",
            "InvoiceDetailShipping",
            "PaymentTerm",
            "Comments",
            references::ID_REFERENCE,
        ],
        &mut extensions,
    );
    let references = references::read(
        header,
        "cxml.InvoiceDetailRequestHeader.IdReference",
        &mut extensions,
    )?;
    dates.extend(take_dates(&mut extensions));
    let payment_terms = take_payment_terms(payment_terms, &mut extensions);
    let mut invoice = Invoice {
        invoice_number,
        kind,
        po_numbers: Vec::new(),
        currency: None,
        dates,
        parties,
        references,
        payment_terms,
        lines: Vec::new(),
        taxes: Vec::new(),
        allowances_charges: Vec::new(),
        totals: wharf_guest_sdk::canonical::InvoiceTotals {
            subtotal: None,
            tax: None,
            allowances_charges: None,
            total: wharf_guest_sdk::canonical::Money {
                amount: "0".into(),
                currency: None,
            },
            due: None,
        },
        notes,
        extensions,
    };
    let orders = request.children.iter().filter(|c| {
        matches!(
            c.name.as_str(),
            "InvoiceDetailOrder" | "InvoiceDetailHeaderOrder"
        )
    });
    for (n, order) in orders.enumerate() {
        read_order(order, n + 1, &mut invoice)?;
    }
    let summary = summary::read(
        request.require("InvoiceDetailSummary")?,
        &mut invoice.extensions,
    )?;
    keep_unmapped(
        request,
        "cxml.InvoiceDetailRequest",
        &[
            "InvoiceDetailRequestHeader",
            "InvoiceDetailOrder",
            "InvoiceDetailHeaderOrder",
            "InvoiceDetailSummary",
        ],
        &mut invoice.extensions,
    );
    invoice.currency = summary
        .totals
        .subtotal
        .as_ref()
        .or(Some(&summary.totals.total))
        .and_then(|m| m.currency.clone())
        .or_else(|| {
            invoice
                .lines
                .iter()
                .find_map(|l| l.unit_price.currency.clone())
        });
    invoice.totals = summary.totals;
    invoice.taxes = summary.taxes;
    invoice.allowances_charges = summary.allowances_charges;
    Ok((invoice, summary.derived.into_iter().collect()))
}

fn read_partner(
    partner: &Element,
    n: usize,
    out: &mut Vec<Extension>,
) -> Result<Party, AdapterError> {
    let base = format!("cxml.InvoicePartner[{}]", n + 1);
    let mut party = read_contact(partner.require("Contact")?, &format!("{base}.Contact"), out)?;
    for reference in partner.all("IdReference") {
        party.ids.push(id(
            crate::addressee::domain_scheme(required_attr(reference, "domain")?),
            required_attr(reference, "identifier")?,
        ));
        keep_unmapped(
            reference,
            &format!("{base}.IdReference"),
            &["domain", "identifier"],
            out,
        );
    }
    keep_unmapped(partner, &base, &["Contact", "IdReference"], out);
    Ok(party)
}

/// One `<InvoiceDetailOrder>` (its lines) or `<InvoiceDetailHeaderOrder>` (one lump-sum line).
fn read_order(order: &Element, n: usize, invoice: &mut Invoice) -> Result<(), AdapterError> {
    let info = order.require("InvoiceDetailOrderInfo")?;
    let base = format!("cxml.{}[{}].InvoiceDetailOrderInfo", order.name, n);
    let reference = order_reference::read(info, &format!("{base}."), &mut invoice.extensions)?;
    keep_unmapped(
        info,
        &base,
        &["OrderReference", "OrderIDInfo"],
        &mut invoice.extensions,
    );
    let mut order_extensions = Vec::new();
    let mut po_number = None;
    if let Some(reference) = reference {
        po_number = reference.order_id;
        if let Some(payload) = reference.payload_id {
            let payload_ref = id(PAYLOAD_ID_SCHEME, payload.as_str());
            if !invoice.references.contains(&payload_ref) {
                invoice.references.push(payload_ref);
            }
            order_extensions.push(text_extension(ORDER_PAYLOAD_KEY, payload));
        }
        if let Some(date) = reference.order_date {
            order_extensions.push(text_extension(ORDER_DATE_KEY, date.value));
        }
    }
    if let Some(po) = &po_number
        && !invoice.po_numbers.contains(po)
    {
        invoice.po_numbers.push(po.clone());
    }
    if order.name == "InvoiceDetailHeaderOrder" {
        let line = read_header_order(order, po_number.as_deref(), order_extensions)?;
        invoice.lines.push(line);
        return Ok(());
    }
    for item in order.children.iter() {
        if matches!(
            item.name.as_str(),
            "InvoiceDetailItem" | "InvoiceDetailServiceItem"
        ) {
            invoice
                .lines
                .push(read_line(item, po_number.as_deref(), &order_extensions)?);
        }
    }
    keep_unmapped(
        order,
        &format!("cxml.InvoiceDetailOrder[{n}]"),
        &[
            "InvoiceDetailOrderInfo",
            "InvoiceDetailItem",
            "InvoiceDetailServiceItem",
        ],
        &mut invoice.extensions,
    );
    Ok(())
}

/// An order invoiced as a whole: one line of 1 lump sum at the order summary's subtotal.
fn read_header_order(
    order: &Element,
    po_number: Option<&str>,
    mut extensions: Vec<Extension>,
) -> Result<InvoiceLine, AdapterError> {
    let summary = order.require("InvoiceDetailOrderSummary")?;
    let subtotal = read_money_in(summary.require("SubtotalAmount")?)?;
    extensions.push(Extension {
        key: HEADER_ORDER_KEY.to_owned(),
        value: ExtensionValue::Flag(true),
    });
    keep_unmapped(
        summary,
        "cxml.InvoiceDetailOrderSummary",
        &["invoiceLineNumber", "SubtotalAmount"],
        &mut extensions,
    );
    Ok(InvoiceLine {
        line_number: required_attr(summary, "invoiceLineNumber")?.to_owned(),
        po_number: po_number.map(str::to_owned),
        order_line: None,
        item_ids: Vec::new(),
        description: None,
        quantity: Quantity {
            value: "1".to_owned(),
            unit: LUMP_SUM.to_owned(),
        },
        unit_price: Price {
            amount: subtotal.amount.clone(),
            currency: subtotal.currency.clone(),
            basis: None,
        },
        amount: Some(subtotal),
        taxes: Vec::new(),
        allowances_charges: Vec::new(),
        extensions,
    })
}
