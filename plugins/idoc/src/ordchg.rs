//! Purchase order changes: ORDERS05 with message type ORDCHG, to and from [`OrderChange`].
//!
//! The header and every item read as in an order ([`crate::orders`]); what ORDCHG adds is the
//! ACTION code. E1EDK01 ACTION 003 (deleted), or 001, cancels the whole order
//! ([`ChangeKind::Cancel`]), as does a change whose every item is deleted; anything else is an
//! update. E1EDP01 ACTION is the item's change (table in [`crate::codes`]), kept as
//! `change_code`: 001 adds it, 002 changes it (the IDoc does not say which values changed, so
//! never ChangeQuantity or ChangePrice), 003 cancels it, 004 or none leaves it unchanged.
//!
//! Written, a cancelled order carries ACTION 003 unless the IDoc it came from gave another code
//! (kept as `idoc.E1EDK01.ACTION`); an update carries none. An unchanged item from another
//! standard is written with 004, so SAP is told rather than left to guess. ORDCHG has no change number or
//! revision, and a replacement is written as an update: both are logged as left out.

use wharf_guest_sdk::canonical::{
    CanonicalDocument, ChangeKind, Document, Envelope, LineChange, LineChangeKind, OrderChange,
};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::error;
use wharf_guest_sdk::xml::Element;

use crate::codes::{self, Origin, is_three_digits};
use crate::control::ORDERS05;
use crate::header::{self, HeaderOut};
use crate::orders;
use crate::output::{not_written, segment};
use crate::parties::BUYER_NUMBERS;
use crate::segments::Segment;

/// Reads the data segments of one ORDCHG IDoc into an order change.
pub fn read(mut idoc: Segment<'_>, envelope: Envelope) -> Result<CanonicalDocument, AdapterError> {
    let header = header::read(&mut idoc, false, BUYER_NUMBERS)?;
    let mut extensions = Vec::new();
    let (mut currency, mut kind, mut po_number) = (None, ChangeKind::Update, None);
    if let Some(mut general) = header.general {
        currency = general.text("CURCY").map(str::to_owned);
        let action = general.peek("ACTION");
        kind = codes::order_change_kind(action);
        // The code written back for a cancellation is 003; any other code stays as it came.
        if action == Some(codes::DELETED) {
            general.consume("ACTION");
        }
        if header.purchase_order.is_none() {
            po_number = general.text("BELNR").map(str::to_owned);
        }
        general.leftovers(&format!("idoc.{}", general.key_name()), &mut extensions);
    }
    let Some(po_number) = header.purchase_order.map(|po| po.number).or(po_number) else {
        return Err(error::validation(
            "the order change names no purchase order: no E1EDK02 with QUALF 001 \
             and no BELNR in E1EDK01",
        )
        .at_xml(idoc.field_path("E1EDK02")));
    };
    extensions.extend(header.extensions);
    let mut lines = Vec::new();
    for mut item in idoc.segments("E1EDP01") {
        let action = item.text("ACTION").map(str::to_owned);
        lines.push(LineChange {
            change: codes::line_change_kind(action.as_deref()),
            change_code: action,
            line: orders::read_line(item, currency.as_deref())?,
        });
    }
    if !lines.is_empty() && lines.iter().all(|l| l.change == LineChangeKind::Cancel) {
        kind = ChangeKind::Cancel;
    }
    header::read_totals(&mut idoc, &[], None, &mut extensions)?;
    idoc.leftovers("idoc", &mut extensions);
    Ok(CanonicalDocument {
        envelope,
        body: Document::OrderChange(OrderChange {
            change_number: None,
            po_number,
            kind,
            revision: None,
            currency,
            dates: {
                let mut dates = header.dates;
                codes::shipping_dates_as(
                    &mut dates,
                    wharf_guest_sdk::canonical::DateKind::RequestedShip,
                );
                dates
            },
            parties: header.parties,
            references: header.references,
            notes: header.notes,
            lines,
            extensions,
        }),
    })
}

/// Writes an order change as the data segments of an ORDCHG IDoc.
pub fn write(change: &OrderChange, envelope: &Envelope) -> Result<Vec<Element>, AdapterError> {
    let origin = Origin::of(envelope);
    for (what, value) in [
        ("change number", &change.change_number),
        ("revision", &change.revision),
    ] {
        if let Some(value) = value {
            not_written(&format!("the order change's {what} {value:?}"));
        }
    }
    let kept_action = change
        .extensions
        .iter()
        .any(|e| e.key == "idoc.E1EDK01.ACTION");
    let action = match change.kind {
        ChangeKind::Cancel if !kept_action => Some(codes::DELETED),
        ChangeKind::Replace => {
            not_written("a replacement of the whole order (written as an update)");
            None
        }
        _ => None,
    };
    let general = segment("E1EDK01")
        .text_child_opt("ACTION", action)
        .text_child_opt("CURCY", change.currency.clone());
    let mut data = header::write(HeaderOut {
        general,
        dates: &change.dates,
        numbering: BUYER_NUMBERS,
        parties: &change.parties,
        purchase_order: Some(&change.po_number),
        references: &change.references,
        notes: &change.notes,
        extensions: &change.extensions,
        own_segments: Vec::new(),
        origin,
        basic_type: ORDERS05,
    })?;
    for (index, line_change) in change.lines.iter().enumerate() {
        let item = orders::write_line(
            &line_change.line,
            index + 1,
            change.currency.as_deref(),
            origin,
        )?;
        // A three-digit change code is SAP's own (ordrsp does the same with status codes). An
        // unchanged item from an IDoc that gave it no ACTION is written back without one.
        let own = line_change
            .change_code
            .as_deref()
            .map(str::trim)
            .filter(|code| is_three_digits(code));
        let action = match (own, line_change.change) {
            (Some(code), _) => Some(code),
            (None, LineChangeKind::Unchanged) if origin.sap_codes => None,
            (None, kind) => Some(codes::line_change_action(kind)),
        };
        data.push(item.text_child_opt("ACTION", action));
    }
    data.extend(header::write_totals(&[], &change.extensions, ORDERS05)?);
    Ok(data)
}
