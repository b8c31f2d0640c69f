//! Invoice items: E1EDP01 of an INVOIC02 to and from [`InvoiceLine`].
//!
//! POSEX is the line number, MENGE/MENEE the invoiced quantity, VPREI/PEINH the unit price
//! (as in an order, see [`crate::items`]). E1EDP02 QUALF 001 names the purchase order (BELNR)
//! and its item (ZEILE), either of which may be absent; E1EDP26 QUALF 003 is the item's net amount; E1EDP04 are its taxes,
//! E1EDP05 its allowances and charges (see [`super::charges`]), E1EDP19 its identifiers.
//! Other references and amounts stay extensions keyed by their qualifier
//! (`idoc.E1EDP02.002`, `idoc.E1EDP26.001`), everything else under `idoc.E1EDP01`.

use wharf_guest_sdk::canonical::{Extension, InvoiceLine, Money};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::error;
use wharf_guest_sdk::xml::Element;

use super::{INVOIC02, charges};
use crate::items::{read_price, read_quantity, write_price, write_quantity};
use crate::keyed;
use crate::output::{not_written, restore, segment, write_decimal};
use crate::qualified;
use crate::segments::{Segment, occurrence_keys};

/// E1EDP02 QUALF of the purchase order an item bills.
const PURCHASE_ORDER: &str = "001";
/// E1EDP26 QUALF of the item's net value.
const NET_VALUE: &str = "003";

/// Reads the first segment `name` under `line` whose `qualifier_field` is `wanted`, handing it
/// to `take`; every such segment's other fields stay extensions under `idoc.<name>.<QUAL>`.
fn read_keyed<T>(
    line: &mut Segment<'_>,
    name: &str,
    wanted: &str,
    extensions: &mut Vec<Extension>,
    mut take: impl FnMut(&mut Segment<'_>) -> Result<T, AdapterError>,
) -> Result<Option<T>, AdapterError> {
    let mut segments = line.segments(name);
    let mut qualifiers = Vec::with_capacity(segments.len());
    for segment in &mut segments {
        qualifiers.push(segment.require("QUALF", "the qualifier")?);
    }
    let keys = occurrence_keys(qualifiers.iter().copied());
    let mut found = None;
    for ((mut segment, qualf), key) in segments.into_iter().zip(qualifiers).zip(keys) {
        if found.is_none() && qualf == wanted {
            found = Some(take(&mut segment)?);
        }
        segment.leftovers(&format!("idoc.{name}.{key}"), extensions);
    }
    Ok(found)
}

/// Reads one E1EDP01 of an invoice.
pub fn read(mut item: Segment<'_>, currency: Option<&str>) -> Result<InvoiceLine, AdapterError> {
    let line_number = item.require("POSEX", "the item number")?.to_owned();
    let Some(quantity) = read_quantity(&mut item)? else {
        return Err(
            error::validation("<E1EDP01> has no MENGE (the invoiced quantity)")
                .at_xml(item.field_path("MENGE")),
        );
    };
    let Some(unit_price) = read_price(&mut item, Some(&quantity.unit), currency)? else {
        return Err(error::validation("<E1EDP01> has no VPREI (the unit price)")
            .at_xml(item.field_path("VPREI")));
    };
    let mut extensions = Vec::new();
    // An item may name the order item it bills without the order (ZEILE without BELNR), as a
    // cXML InvoiceDetailItemReference@lineNumber does when the invoice names its orders once.
    let order = read_keyed(&mut item, "E1EDP02", PURCHASE_ORDER, &mut extensions, |r| {
        Ok((
            r.text("BELNR").map(str::to_owned),
            r.text("ZEILE").map(str::to_owned),
        ))
    })?;
    let (po_number, order_line) = order.unwrap_or_default();
    let amount = read_keyed(
        &mut item,
        "E1EDP26",
        NET_VALUE,
        &mut extensions,
        |a| match a.decimal("BETRG")? {
            Some(value) => Ok(value),
            None => Err(error::validation("<E1EDP26> has no BETRG (the amount)")
                .at_xml(a.field_path("BETRG"))),
        },
    )?
    .map(|amount| Money {
        amount,
        currency: currency.map(str::to_owned),
    });
    let taxes = charges::read_taxes(
        &mut item,
        "E1EDP04",
        currency,
        "idoc.E1EDP01",
        &mut extensions,
    )?;
    let allowances_charges = charges::read_charges(
        &mut item,
        "E1EDP05",
        currency,
        "idoc.E1EDP01",
        &mut extensions,
    )?;
    let (item_ids, description) = qualified::read_item_ids(&mut item, true, &mut extensions)?;
    item.leftovers("idoc.E1EDP01", &mut extensions);
    Ok(InvoiceLine {
        line_number,
        po_number,
        order_line,
        item_ids,
        description,
        quantity,
        unit_price,
        amount,
        taxes,
        allowances_charges,
        extensions,
    })
}

/// Writes an invoice line as the E1EDP01 at `position` (1-based).
pub fn write(
    line: &InvoiceLine,
    position: usize,
    currency: Option<&str>,
) -> Result<Element, AdapterError> {
    let path = format!("/{INVOIC02}/IDOC/E1EDP01[{position}]");
    let line_number = line.line_number.trim();
    if line_number.is_empty() {
        return Err(error::validation("the invoice line has no line number")
            .at_xml(format!("{path}/POSEX")));
    }
    let mut item = segment("E1EDP01").text_child("POSEX", line_number);
    item = write_quantity(item, &line.quantity, &path)?;
    item = write_price(
        item,
        &line.unit_price,
        Some(&line.quantity.unit),
        currency,
        &path,
    )?;
    let mut order = Vec::new();
    if line.po_number.is_some() || line.order_line.is_some() {
        order.push((
            PURCHASE_ORDER,
            segment("E1EDP02")
                .text_child("QUALF", PURCHASE_ORDER)
                .text_child_opt("BELNR", line.po_number.as_deref().map(str::trim))
                .text_child_opt("ZEILE", line.order_line.clone()),
        ));
    }
    item.children.extend(keyed::write(
        "E1EDP02",
        "QUALF",
        order,
        &line.extensions,
        "idoc.E1EDP02",
    ));
    let mut amounts = Vec::new();
    if let Some(amount) = &line.amount {
        if amount.currency.is_some() && amount.currency.as_deref() != currency {
            not_written("the currency of a line amount, which differs from the invoice's");
        }
        let betrg = write_decimal(&amount.amount, &format!("{path}/E1EDP26/BETRG"))?;
        amounts.push((
            NET_VALUE,
            segment("E1EDP26")
                .text_child("QUALF", NET_VALUE)
                .text_child("BETRG", betrg),
        ));
    }
    item.children.extend(keyed::write(
        "E1EDP26",
        "QUALF",
        amounts,
        &line.extensions,
        "idoc.E1EDP26",
    ));
    item.children.extend(charges::write_taxes(
        &line.taxes,
        "E1EDP04",
        &path,
        currency,
    )?);
    item.children.extend(charges::write_charges(
        &line.allowances_charges,
        "E1EDP05",
        &path,
        currency,
    )?);
    item.children.extend(qualified::write_item_ids(
        &line.item_ids,
        line.description.as_deref(),
        &line.extensions,
    ));
    restore(&mut item, &line.extensions, "idoc.E1EDP01", &[]);
    Ok(item)
}
