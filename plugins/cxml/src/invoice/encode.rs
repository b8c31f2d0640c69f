//! Writing an [`Invoice`] as an `<InvoiceDetailRequest>`, the inverse of
//! [`decode`](super::decode).
//!
//! Lines are grouped into one `<InvoiceDetailOrder>` per run of lines billing the same order;
//! a line that names no order takes the invoice's only PO number when it has exactly one.
//! Lines flagged as whole orders are written as `<InvoiceDetailHeaderOrder>`, which the DTD
//! does not let mix with line-item orders.

use wharf_guest_sdk::canonical::{DateKind, Invoice, InvoiceLine, Money, Party};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::xml::Element;
use wharf_guest_sdk::{error, log};

use super::line::{
    DISCOUNT, MANUFACTURER_NAME_KEY, SERVICE_KEY, SPECIAL_HANDLING, TAX_TOTAL_KEY,
    write_modifications,
};
use super::{
    HEADER_ORDER_KEY, OPERATION_KEY, ORDER_DATE_KEY, ORDER_PAYLOAD_KEY, PURPOSE_KEY, purpose_of,
    summary,
};
use crate::address::write_contact_with_ids;
use crate::classification::write_own;
use crate::comments::write_comments;
use crate::extensions::{find, unwritten, value_text, write_extrinsics};
use crate::item::{manufacturer_part, write_item_id};
use crate::money::{CONVERSION_FACTOR_KEY, write_money_in, write_price};
use crate::order_reference;
use crate::order_request::CLASSIFICATION_PREFIX;
use crate::order_request::extras::{write_dates, write_payment_terms};
use crate::references;
use crate::tax::{sum, write_tax};
use crate::values::{decimal_at, pick_date};

/// Indicator attributes the decoder keeps and this encoder writes back.
const INDICATORS: &[&str] = &["InvoiceDetailHeaderIndicator", "InvoiceDetailLineIndicator"];

/// The `<InvoiceDetailRequest>` for `invoice`.
pub fn encode(invoice: &Invoice) -> Result<Element, AdapterError> {
    let mut request = Element::new("InvoiceDetailRequest").child(write_header(invoice)?);
    let header_orders = invoice.lines.iter().filter(|l| is_header_order(l)).count();
    if header_orders > 0 && header_orders < invoice.lines.len() {
        return Err(error::validation(
            "cXML cannot mix orders invoiced as a whole with itemized lines in one invoice",
        )
        .at_xml("lines"));
    }
    let mut start = 0;
    while start < invoice.lines.len() {
        let key = order_key(invoice, &invoice.lines[start]);
        let end = (start..invoice.lines.len())
            .find(|&i| order_key(invoice, &invoice.lines[i]) != key)
            .unwrap_or(invoice.lines.len());
        request = request.child(write_order(invoice, start, end)?);
        start = end;
    }
    Ok(request.child(summary::write(invoice)?))
}

fn is_header_order(line: &InvoiceLine) -> bool {
    find(&line.extensions, HEADER_ORDER_KEY).is_some()
}

/// The order a line bills: PO number, order payloadID and order date.
fn order_key<'a>(
    invoice: &'a Invoice,
    line: &'a InvoiceLine,
) -> (Option<&'a str>, Option<String>, Option<String>) {
    let po = line
        .po_number
        .as_deref()
        .or(match invoice.po_numbers.as_slice() {
            [only] => Some(only.as_str()),
            _ => None,
        });
    let extension = |key: &str| find(&line.extensions, key).map(value_text);
    (po, extension(ORDER_PAYLOAD_KEY), extension(ORDER_DATE_KEY))
}

fn write_header(invoice: &Invoice) -> Result<Element, AdapterError> {
    if invoice.invoice_number.trim().is_empty() {
        return Err(error::validation("cXML requires an invoice id").at_xml("invoice_number"));
    }
    let date = pick_date(&invoice.dates, DateKind::Invoice, "invoiceDate")
        .or_else(|| pick_date(&invoice.dates, DateKind::Document, "invoiceDate"))
        .ok_or_else(|| {
            error::validation("cXML requires an invoice date: give the invoice an Invoice date")
                .at_xml("dates")
        })?;
    let extension = |key: &str| find(&invoice.extensions, key).map(value_text);
    let mut header = Element::new("InvoiceDetailRequestHeader")
        .attr("invoiceID", invoice.invoice_number.trim())
        .attr(
            "purpose",
            purpose_of(invoice.kind, extension(PURPOSE_KEY).as_deref()),
        )
        .attr(
            "operation",
            extension(OPERATION_KEY).unwrap_or_else(|| "new".to_owned()),
        )
        .attr("invoiceDate", date.value.as_str());
    let tax_in_line = invoice.lines.iter().any(|l| !l.taxes.is_empty());
    for indicator in INDICATORS {
        let mut element = Element::new(*indicator);
        if *indicator == "InvoiceDetailLineIndicator" && tax_in_line {
            element = element.attr("isTaxInLine", "yes");
        }
        let prefix = format!("cxml.{indicator}.");
        for e in &invoice.extensions {
            if let Some(name) = e.key.strip_prefix(&prefix) {
                element = element.attr(name, value_text(&e.value));
            }
        }
        header = header.child(element);
    }
    for (i, party) in invoice.parties.iter().enumerate() {
        header = header.child(write_partner(party, &format!("parties[{i}]"))?);
    }
    let (term_elements, terms_extrinsic) = write_payment_terms(invoice.payment_terms.as_deref());
    header.children.extend(term_elements);
    if let Some(comments) = write_comments(&invoice.notes, "notes") {
        header = header.child(comments);
    }
    header
        .children
        .extend(references::write(&invoice.references));
    // Dates besides the invoice date have no attribute: Extrinsics, as in an order.
    header.children.extend(write_dates(
        invoice.dates.iter().filter(|d| !std::ptr::eq(*d, date)),
    ));
    header.children.extend(terms_extrinsic);
    header
        .children
        .extend(write_extrinsics(&invoice.extensions));
    warn_unwritten_header(invoice);
    Ok(header)
}

fn warn_unwritten_header(invoice: &Invoice) {
    let mut lost = Vec::new();
    let written: Vec<String> = invoice
        .extensions
        .iter()
        .filter(|e| {
            INDICATORS
                .iter()
                .any(|i| e.key.starts_with(&format!("cxml.{i}.")))
        })
        .map(|e| e.key.clone())
        .collect();
    let mut known: Vec<&str> = written.iter().map(String::as_str).collect();
    known.extend([
        PURPOSE_KEY,
        OPERATION_KEY,
        summary::GROSS_KEY,
        "cxml.InvoiceDetailSummary.Tax.Description",
    ]);
    let keys = unwritten(&invoice.extensions, &known);
    if !keys.is_empty() {
        lost.push(format!("extensions {}", keys.join(", ")));
    }
    if !lost.is_empty() {
        log::warn(&format!(
            "invoice {}: cXML has no place for {}; not written",
            invoice.invoice_number,
            lost.join("; ")
        ));
    }
}

/// `<InvoicePartner>`: the party as a Contact, its ids other than the addressID as IdReferences.
fn write_partner(party: &Party, at: &str) -> Result<Element, AdapterError> {
    let (contact, references) = write_contact_with_ids(party, at)?;
    let mut partner = Element::new("InvoicePartner").child(contact);
    for reference in references {
        partner = partner.child(
            Element::new("IdReference")
                .attr("identifier", reference.value.as_str())
                .attr("domain", crate::addressee::scheme_domain(&reference.scheme)),
        );
    }
    Ok(partner)
}

fn write_order(invoice: &Invoice, start: usize, end: usize) -> Result<Element, AdapterError> {
    let (po, payload, order_date) = order_key(invoice, &invoice.lines[start]);
    let po = po.map(str::trim).unwrap_or_default();
    let reference = match payload.as_deref() {
        Some(payload) => order_reference::write_reference(po, order_date.as_deref(), Some(payload)),
        None => order_reference::write_id_info(po, order_date.as_deref()),
    };
    let info = Element::new("InvoiceDetailOrderInfo").child(reference);
    let currency = invoice.currency.as_deref();
    if is_header_order(&invoice.lines[start]) {
        let line = &invoice.lines[start];
        let at = format!("lines[{start}]");
        let amount = line.amount.clone().unwrap_or_else(|| Money {
            amount: line.unit_price.amount.clone(),
            currency: line.unit_price.currency.clone(),
        });
        if end > start + 1 {
            log::warn(&format!(
                "lines[{}..{end}]: an order invoiced as a whole takes one line; the others were not written",
                start + 1
            ));
        }
        return Ok(Element::new("InvoiceDetailHeaderOrder").child(info).child(
            Element::new("InvoiceDetailOrderSummary")
                .attr("invoiceLineNumber", line.line_number.as_str())
                .child(write_money_in(
                    "SubtotalAmount",
                    &amount,
                    currency,
                    &format!("{at}.amount"),
                )?),
        ));
    }
    let mut order = Element::new("InvoiceDetailOrder").child(info);
    for i in start..end {
        order = order.child(write_line(
            &invoice.lines[i],
            currency,
            &format!("lines[{i}]"),
        )?);
    }
    Ok(order)
}

fn write_line(
    line: &InvoiceLine,
    currency: Option<&str>,
    at: &str,
) -> Result<Element, AdapterError> {
    let service = find(&line.extensions, SERVICE_KEY).is_some();
    let quantity = decimal_at(&line.quantity.value, &format!("{at}.quantity.value"))?;
    let (unit_price, basis) = write_price(
        &line.unit_price,
        currency,
        &line.quantity.unit,
        &line.extensions,
        &format!("{at}.unit_price"),
    )?;
    let mut reference = Element::new(if service {
        "InvoiceDetailServiceItemReference"
    } else {
        "InvoiceDetailItemReference"
    })
    .attr(
        "lineNumber",
        line.order_line.as_deref().unwrap_or(&line.line_number),
    );
    let has_part = line
        .item_ids
        .iter()
        .any(|i| i.scheme == "supplier" || i.scheme == "buyer");
    let mut classifications = write_own(&line.extensions);
    if service {
        // The service reference leads with its classifications.
        reference.children.append(&mut classifications);
    }
    if has_part {
        reference = reference.child(write_item_id(&line.item_ids, at)?);
    }
    if let Some(description) = &line.description {
        reference = reference.child(
            Element::new("Description")
                .attr("xml:lang", "en")
                .with_text(description.as_str()),
        );
    }
    reference.children.extend(classifications);
    // The invoice DTD takes a ManufacturerPartID only paired with its ManufacturerName.
    let manufacturer_name = find(&line.extensions, MANUFACTURER_NAME_KEY).map(value_text);
    match (manufacturer_part(&line.item_ids), manufacturer_name) {
        (Some(part), Some(name)) => {
            reference = reference
                .text_child("ManufacturerPartID", part)
                .child(Element::new("ManufacturerName").with_text(name));
        }
        (Some(part), None) => log::warn(&format!(
            "{at}: manufacturer part {part} is not written: a cXML invoice names it only with the manufacturer's name ({MANUFACTURER_NAME_KEY})"
        )),
        (None, _) => {}
    }
    if service && line.amount.is_none() {
        return Err(
            error::validation("cXML requires an amount on every service line")
                .at_xml(format!("{at}.amount")),
        );
    }
    let subtotal = |element: Element| -> Result<Element, AdapterError> {
        match &line.amount {
            Some(amount) => Ok(element.child(write_money_in(
                "SubtotalAmount",
                amount,
                currency,
                &format!("{at}.amount"),
            )?)),
            None => Ok(element),
        }
    };
    let name = if service {
        "InvoiceDetailServiceItem"
    } else {
        "InvoiceDetailItem"
    };
    let mut item = Element::new(name)
        .attr("invoiceLineNumber", line.line_number.as_str())
        .attr("quantity", quantity);
    if service {
        item = subtotal(item.child(reference))?
            .text_child("UnitOfMeasure", line.quantity.unit.as_str())
            .child(unit_price);
    } else {
        item = item
            .text_child("UnitOfMeasure", line.quantity.unit.as_str())
            .child(unit_price);
        if let Some(basis) = basis {
            item = item.child(basis);
        }
        item = subtotal(item.child(reference))?;
    }
    if !line.taxes.is_empty() {
        let total = match find(&line.extensions, TAX_TOTAL_KEY) {
            Some(total) => Money {
                amount: value_text(total),
                currency: None,
            },
            None => Money {
                amount: wharf_guest_sdk::decimal::format(sum(&line.taxes, &format!("{at}.taxes"))?),
                currency: None,
            },
        };
        item = item.child(write_tax(
            &total,
            &line.taxes,
            currency,
            &line.extensions,
            TAX_TOTAL_KEY,
            &format!("{at}.taxes"),
        )?);
    }
    // The DTD puts a line's special handling before its discount.
    let mut entries: Vec<(usize, &wharf_guest_sdk::canonical::AllowanceCharge)> =
        line.allowances_charges.iter().enumerate().collect();
    entries.sort_by_key(|(_, e)| !e.is_charge);
    // An allowance with a description is a Modification: InvoiceDetailDiscount has none.
    let (described, entries): (Vec<_>, Vec<_>) = entries
        .into_iter()
        .partition(|(_, e)| !e.is_charge && e.description.is_some());
    let modifications = write_modifications(&described, currency, at)?;
    for (j, entry) in entries {
        let place = format!("{at}.allowances_charges[{j}]");
        let element = if entry.is_charge {
            // Here, unlike the summary's SpecialHandlingAmount, the Description comes first.
            let mut element = write_money_in(SPECIAL_HANDLING, &entry.amount, currency, &place)?;
            if let Some(description) = &entry.description {
                let text = Element::new("Description")
                    .attr("xml:lang", "en")
                    .with_text(description.as_str());
                element.children.insert(0, text);
            }
            element
        } else {
            write_money_in(DISCOUNT, &entry.amount, currency, &place)?
        };
        if entry
            .code
            .as_deref()
            .is_some_and(|c| c != SPECIAL_HANDLING && c != DISCOUNT)
        {
            log::info(&format!("{place}: written as cXML {}", element.name));
        }
        item = item.child(element);
    }
    item.children.extend(modifications);
    item.children.extend(write_extrinsics(&line.extensions));
    let known = [
        SERVICE_KEY,
        TAX_TOTAL_KEY,
        ORDER_PAYLOAD_KEY,
        ORDER_DATE_KEY,
        CONVERSION_FACTOR_KEY,
        MANUFACTURER_NAME_KEY,
        "cxml.InvoiceDetailItem.Tax.Description",
    ];
    let keys: Vec<&str> = unwritten(&line.extensions, &known)
        .into_iter()
        .filter(|k| !k.starts_with(CLASSIFICATION_PREFIX))
        .collect();
    if !keys.is_empty() {
        log::warn(&format!(
            "{at}: extensions {} have no place in cXML; not written",
            keys.join(", ")
        ));
    }
    Ok(item)
}
