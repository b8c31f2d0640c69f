//! Writing a goods receipt as MBGMCR03 data segments; the mapping is the one [`super`] and
//! [`super::lines`] describe for reading.

use wharf_guest_sdk::canonical::{DateKind, Envelope, GoodsReceipt, Quantity, ReceiptLine};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::xml::Element;
use wharf_guest_sdk::{error, units};

use super::lines::{ITEM_PREFIX, RECEIPT, RETURN, RETURN_STEP};
use super::{CODE, CONTAINER, HEAD, ITEM, MBGMCR03, RECEIPT_FOR_ORDER};
use crate::codes::{Origin, canonical_unit, sap_unit};
use crate::output::{extension_text, not_written, restore, segment, write_date, write_decimal};

/// Writes a goods receipt as the data segments of an MBGMCR IDoc: one E1MBGMCR.
pub fn write(receipt: &GoodsReceipt, envelope: &Envelope) -> Result<Vec<Element>, AdapterError> {
    let origin = Origin::of(envelope);
    let root = format!("/{MBGMCR03}/IDOC/{CONTAINER}");
    let number = receipt.receipt_number.trim();
    if number.is_empty() {
        return Err(error::validation("the goods receipt has no receipt number")
            .at_xml(format!("{root}/{HEAD}/GR_GI_SLIP_NO")));
    }
    let mut head = segment(HEAD).text_child("GR_GI_SLIP_NO", number);
    if let Some(shipment) = receipt.shipment_id.as_deref().map(str::trim) {
        head = head.text_child_opt("REF_DOC_NO", (!shipment.is_empty()).then_some(shipment));
    }
    let mut written = [false; 2];
    for dated in &receipt.dates {
        let (field, done) = match dated.kind {
            DateKind::Document => ("DOC_DATE", &mut written[0]),
            DateKind::Received => ("PSTNG_DATE", &mut written[1]),
            _ => {
                not_written(&format!("the {:?} date {}", dated.kind, dated.value));
                continue;
            }
        };
        if *done {
            not_written(&format!("a second {:?} date {}", dated.kind, dated.value));
            continue;
        }
        *done = true;
        let (day, _) = write_date(&dated.value, &format!("{root}/{HEAD}/{field}"))?;
        head = head.text_child(field, day);
    }
    restore(&mut head, &receipt.extensions, &format!("idoc.{HEAD}"), &[]);
    for party in &receipt.parties {
        not_written(&format!("the {:?} party", party.role));
    }
    for reference in &receipt.references {
        not_written(&format!(
            "the reference {}:{}",
            reference.scheme, reference.value
        ));
    }
    let mut container = segment(CONTAINER).child(head);
    let code_kept = format!("idoc.{CONTAINER}.{CODE}.GM_CODE");
    if !receipt.extensions.iter().any(|e| e.key == code_kept) {
        container = container.child(segment(CODE).text_child("GM_CODE", RECEIPT_FOR_ORDER));
    }
    for (index, line) in receipt.lines.iter().enumerate() {
        let path = format!("{root}/{ITEM}[{}]", container.all(ITEM).count() + 1);
        container
            .children
            .extend(items(line, index, &path, origin)?);
    }
    restore(
        &mut container,
        &receipt.extensions,
        &format!("idoc.{CONTAINER}"),
        &[],
    );
    let mut data = vec![container];
    let mut idoc = Element::new("IDOC");
    restore(&mut idoc, &receipt.extensions, "idoc", &[HEAD, CONTAINER]);
    data.extend(idoc.children);
    Ok(data)
}

fn is_zero(value: &str) -> bool {
    value
        .bytes()
        .all(|b| matches!(b, b'0' | b'.' | b'-' | b'+'))
}

/// The one or two items of a line: a receipt, a return, or a receipt followed by its return.
fn items(
    line: &ReceiptLine,
    index: usize,
    path: &str,
    origin: Origin,
) -> Result<Vec<Element>, AdapterError> {
    let received = write_decimal(&line.received.value, &format!("{path}/ENTRY_QNT"))?;
    let line_id = line.line_number.trim();
    let line_id =
        if line_id.len() <= 6 && !line_id.is_empty() && line_id.bytes().all(|b| b.is_ascii_digit())
        {
            Some(line_id)
        } else {
            not_written(&format!(
                "line number {:?} (LINE_ID takes one to six digits; the item's position {} stands)",
                line.line_number,
                index + 1
            ));
            None
        };
    for lot in line.lots.iter().skip(1) {
        not_written(&format!("the lot {lot} (an item has one BATCH)"));
    }
    let Some(rejected) = &line.rejected else {
        let item = item(line, &line.received, received, RECEIPT, line_id, origin)?;
        return Ok(vec![restored(item, line, ITEM_PREFIX, &[RETURN_STEP])]);
    };
    let returned = write_decimal(&rejected.value, &format!("{path}/ENTRY_QNT"))?;
    if is_zero(&received) {
        let item = item(line, rejected, returned, RETURN, line_id, origin)?;
        return Ok(vec![restored(item, line, ITEM_PREFIX, &[RETURN_STEP])]);
    }
    let receipt = item(line, &line.received, received, RECEIPT, line_id, origin)?;
    let mut back = item(line, rejected, returned, RETURN, None, origin)?;
    // A return whose shared fields differed from its receipt kept its own values; they win.
    let own = format!("{ITEM_PREFIX}.{RETURN_STEP}.");
    back.children.retain(|field| {
        !line
            .extensions
            .iter()
            .any(|e| e.key.strip_prefix(&own) == Some(field.name.as_str()))
    });
    Ok(vec![
        restored(receipt, line, ITEM_PREFIX, &[RETURN_STEP]),
        restored(back, line, &format!("{ITEM_PREFIX}.{RETURN_STEP}"), &[]),
    ])
}

/// Writes the line's extensions under `prefix` back into `item`. A unit that came from
/// ENTRY_UOM_ISO alone (kept as that extension) goes back there instead of into ENTRY_UOM.
fn restored(mut item: Element, line: &ReceiptLine, prefix: &str, claimed: &[&str]) -> Element {
    let iso_key = format!("{prefix}.ENTRY_UOM_ISO");
    let iso = line
        .extensions
        .iter()
        .find(|e| e.key == iso_key)
        .and_then(|e| extension_text(&e.value));
    if let Some(iso) = iso {
        let iso = canonical_unit(&iso);
        item.children.retain(|field| {
            !(field.name == "ENTRY_UOM" && units::same(&canonical_unit(&field.text), &iso))
        });
    }
    restore(&mut item, &line.extensions, prefix, claimed);
    item
}

fn item(
    line: &ReceiptLine,
    quantity: &Quantity,
    value: String,
    move_type: &str,
    line_id: Option<&str>,
    origin: Origin,
) -> Result<Element, AdapterError> {
    let mut item = segment(ITEM);
    let kept = line
        .extensions
        .iter()
        .any(|e| e.key == format!("{ITEM_PREFIX}.MOVE_TYPE"));
    if move_type == RETURN || !kept {
        item = item.text_child("MOVE_TYPE", move_type);
    }
    let mut material = None;
    let mut gtin = None;
    for identifier in &line.item_ids {
        match identifier.scheme.as_str() {
            "buyer" if material.is_none() => material = Some(identifier.value.trim()),
            "gtin" if gtin.is_none() => gtin = Some(identifier.value.trim()),
            _ => not_written(&format!(
                "the item id {}:{}",
                identifier.scheme, identifier.value
            )),
        }
    }
    let location = match line.location.as_deref() {
        Some(location) if origin.sap_codes => Some(location),
        Some(location) => {
            not_written(&format!("the location {location:?} from another standard"));
            None
        }
        None => None,
    };
    let batch = line.lots.first();
    Ok(item
        .text_child_opt("MATERIAL", material)
        .text_child_opt("STGE_LOC", location)
        .text_child_opt("BATCH", batch.map(String::as_str))
        .text_child("ENTRY_QNT", value)
        // ENTRY_UOM is SAP's internal unit (the BAPI field); ENTRY_UOM_ISO holds the ISO one.
        .text_child("ENTRY_UOM", sap_unit(&quantity.unit))
        .text_child_opt("PO_NUMBER", line.po_number.as_deref())
        .text_child_opt("PO_ITEM", line.order_line.as_deref())
        .text_child_opt("EAN_UPC", gtin)
        .text_child_opt("LINE_ID", line_id))
}
