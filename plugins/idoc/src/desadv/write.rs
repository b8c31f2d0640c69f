//! Writing a ship notice as a DESADV IDoc: one E1EDL20 delivery, one E1EDL24 per delivery
//! item (an item split over several packs is one delivery item), one E1EDL37 per pack.

use wharf_guest_sdk::canonical::{Envelope, Pack, ShipNotice, ShippedItem, ShippedOrder};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::xml::Element;
use wharf_guest_sdk::{Decimal, decimal, error};

use super::read::ITEM_IDS;
use super::units::{self, PackedOut};
use super::{CUSTOMER_ORDER, DELVRY07, SERIAL_NUMBER, SUPPLIER_DELIVERY, addresses, deadlines};
use crate::codes::Origin;
use crate::output::{not_written, restore, segment, write_date, write_decimal};
use crate::texts;

/// Segments under `<IDOC>` (or keys of the notice's extensions) that the mapping writes itself.
const CLAIMED: &[&str] = &[
    "EDI_DC40", "E1EDT13", "E1ADRM1", "E1EDL37", "E1EDL44", "E1TXTH8",
];

/// One delivery item to write, gathered from every place the notice lists it.
struct Line<'a> {
    first: &'a ShippedItem,
    order: &'a ShippedOrder,
    /// The sum of the quantities listed, unless LFIMG was kept as it came.
    total: Option<Decimal>,
    /// The serial numbers of every listing, in order: E1EDL11 belongs to the delivery item.
    serials: Vec<&'a str>,
}

/// One handling unit to write, gathered from every order that lists it.
struct Unit<'a> {
    pack: &'a Pack,
    items: Vec<PackedOut<'a>>,
}

fn indexed(base: &str, name: &str, index: usize, count: usize) -> String {
    if count > 1 {
        format!("{base}/{name}[{}]", index + 1)
    } else {
        format!("{base}/{name}")
    }
}

/// Writes a ship notice as the data segments of a DESADV IDoc.
pub fn write(notice: &ShipNotice, envelope: &Envelope) -> Result<Vec<Element>, AdapterError> {
    let origin = Origin::of(envelope);
    let path = format!("/{DELVRY07}/IDOC/E1EDL20");
    let shipment_id = notice.shipment_id.trim();
    if shipment_id.is_empty() {
        return Err(
            error::validation("the ship notice has no shipment id").at_xml(format!("{path}/VBELN"))
        );
    }
    let mut delivery = segment("E1EDL20").text_child("VBELN", shipment_id);
    let mut lifex = None;
    for reference in &notice.references {
        if reference.scheme == SUPPLIER_DELIVERY && lifex.is_none() {
            lifex = Some(reference.value.clone());
        } else {
            not_written(&format!(
                "reference {}:{}",
                reference.scheme, reference.value
            ));
        }
    }
    delivery = delivery.text_child_opt("LIFEX", lifex);
    if let Some(weight) = &notice.gross_weight {
        delivery = delivery
            .text_child(
                "BTGEW",
                write_decimal(&weight.value, &format!("{path}/BTGEW"))?,
            )
            .text_child("GEWEI", weight.unit.trim());
    }
    if let Some(count) = &notice.package_count {
        delivery = delivery.text_child("ANZPK", write_decimal(count, &format!("{path}/ANZPK"))?);
    }
    if let Some(carrier) = &notice.carrier {
        match &carrier.mode {
            Some(mode) if origin.sap_codes => delivery = delivery.text_child("TRATY", mode),
            Some(mode) => not_written(&format!("transport mode {mode:?} from another standard")),
            None => {}
        }
        let mut tracking = carrier.tracking_numbers.iter();
        delivery = delivery.text_child_opt("BOLNR", tracking.next().cloned());
        for extra in tracking {
            not_written(&format!("a second tracking number {extra:?}"));
        }
    }
    if let Some(structure) = &notice.structure {
        not_written(&format!("hierarchy structure code {structure:?}"));
    }
    match &notice.purpose {
        Some(purpose) if origin.sap_codes => {
            delivery
                .children
                .push(segment("E1EDL18").text_child("QUALF", purpose));
        }
        Some(purpose) => not_written(&format!("purpose {purpose:?} from another standard")),
        None => {}
    }
    delivery.children.extend(deadlines::write(
        &notice.dates,
        &path,
        &notice.extensions,
        origin,
    )?);
    // The carrier's name and ids are the forwarding agent's E1ADRM1 (SP), written first: the
    // reader takes the first SP as the carrier, and a Carrier party as a further SP.
    let partners: Vec<_> = notice
        .carrier
        .as_ref()
        .and_then(addresses::carrier_party)
        .into_iter()
        .chain(notice.parties.iter().cloned())
        .collect();
    delivery
        .children
        .extend(addresses::write(&partners, &notice.extensions, origin));
    delivery.children.extend(texts::write(
        &notice.notes,
        texts::DELIVERY_HEADER,
        &notice.extensions,
        origin.sap_codes,
    ));
    let (lines, units) = gather(notice, &path)?;
    for (index, line) in lines.iter().enumerate() {
        let line_path = indexed(&path, "E1EDL24", index, lines.len());
        delivery.children.push(write_line(line, &line_path)?);
    }
    for (index, unit) in units.iter().enumerate() {
        let unit_path = indexed(&path, units::NAME, index, units.len());
        let inner: Vec<&str> = units
            .iter()
            .filter(|u| u.pack.parent_pack.as_deref() == Some(unit.pack.pack_id.as_str()))
            .map(|u| units::exidv(u.pack))
            .collect();
        let packaging = match &unit.pack.packaging {
            Some(packaging) if origin.sap_codes => Some(packaging.as_str()),
            Some(packaging) => {
                not_written(&format!(
                    "packaging code {packaging:?} from another standard"
                ));
                None
            }
            None => None,
        };
        delivery.children.push(units::write(
            unit.pack,
            packaging,
            &unit.items,
            &inner,
            shipment_id,
            &notice.extensions,
            &unit_path,
        )?);
    }
    let mut idoc = Element::new("IDOC").child(delivery);
    restore(&mut idoc, &notice.extensions, "idoc", CLAIMED);
    Ok(idoc.children)
}

/// Collects delivery items and handling units from the order tree, in the order they first
/// appear, and checks that the tree can be flattened.
fn gather<'a>(
    notice: &'a ShipNotice,
    path: &str,
) -> Result<(Vec<Line<'a>>, Vec<Unit<'a>>), AdapterError> {
    let mut lines: Vec<Line<'a>> = Vec::new();
    let mut units: Vec<Unit<'a>> = Vec::new();
    for order in &notice.orders {
        for reference in &order.references {
            not_written(&format!(
                "order reference {}:{}",
                reference.scheme, reference.value
            ));
        }
        for pack in &order.packs {
            let position = match units.iter().position(|u| u.pack.pack_id == pack.pack_id) {
                Some(position) => position,
                None => {
                    units.push(Unit {
                        pack,
                        items: Vec::new(),
                    });
                    units.len() - 1
                }
            };
            for item in &pack.items {
                add_line(&mut lines, item, order, path)?;
                units[position].items.push(PackedOut {
                    posnr: item.line_number.trim(),
                    quantity: &item.quantity,
                    extensions: &item.extensions,
                });
            }
        }
        for item in &order.items {
            add_line(&mut lines, item, order, path)?;
        }
    }
    for (index, unit) in units.iter().enumerate() {
        if let Some(parent) = &unit.pack.parent_pack
            && !units.iter().any(|u| &u.pack.pack_id == parent)
        {
            return Err(error::validation(format!(
                "pack {} is packed in pack {parent}, which the ship notice does not have",
                unit.pack.pack_id
            ))
            .at_xml(indexed(path, units::NAME, index, units.len())));
        }
    }
    Ok((lines, units))
}

fn kept(item: &ShippedItem, key: &str) -> bool {
    item.extensions.iter().any(|e| e.key == key)
}

fn add_line<'a>(
    lines: &mut Vec<Line<'a>>,
    item: &'a ShippedItem,
    order: &'a ShippedOrder,
    path: &str,
) -> Result<(), AdapterError> {
    let posnr = item.line_number.trim();
    let index = lines
        .iter()
        .position(|l| l.first.line_number.trim() == posnr)
        .unwrap_or(lines.len());
    let count = lines.len().max(index + 1);
    let at = |field: &str| format!("{}/{field}", indexed(path, "E1EDL24", index, count));
    if posnr.is_empty() {
        return Err(error::validation("a shipped item has no line number").at_xml(at("POSNR")));
    }
    let quantity = decimal::parse(&item.quantity.value)
        .map_err(|e| error::validation(e.to_string()).at_xml(at("LFIMG")))?;
    let Some(line) = lines
        .iter_mut()
        .find(|l| l.first.line_number.trim() == posnr)
    else {
        let total = (!kept(item, "idoc.E1EDL24.LFIMG")).then_some(quantity);
        lines.push(Line {
            first: item,
            order,
            total,
            serials: item.serials.iter().map(String::as_str).collect(),
        });
        return Ok(());
    };
    if line.order.po_number != order.po_number {
        return Err(error::validation(format!(
            "delivery item {posnr} is listed under orders {} and {}",
            line.order.po_number, order.po_number
        ))
        .at_xml(at("POSNR")));
    }
    line.serials.extend(item.serials.iter().map(String::as_str));
    if let Some(total) = &mut line.total {
        if line.first.quantity.unit.trim() != item.quantity.unit.trim() {
            return Err(error::validation(format!(
                "delivery item {posnr} is shipped in {} and in {}, but LFIMG has one unit",
                line.first.quantity.unit, item.quantity.unit
            ))
            .at_xml(at("VRKME")));
        }
        *total += quantity;
    }
    Ok(())
}

fn write_line(line: &Line<'_>, path: &str) -> Result<Element, AdapterError> {
    let item = line.first;
    let mut element = segment("E1EDL24").text_child("POSNR", item.line_number.trim());
    for (scheme, field) in ITEM_IDS {
        let mut values = item.item_ids.iter().filter(|i| i.scheme == scheme);
        element = element.text_child_opt(field, values.next().map(|i| i.value.clone()));
        for extra in values {
            not_written(&format!("a second {scheme} identifier {:?}", extra.value));
        }
    }
    for other in item
        .item_ids
        .iter()
        .filter(|i| ITEM_IDS.iter().all(|(s, _)| *s != i.scheme))
    {
        not_written(&format!("item identifier {}:{}", other.scheme, other.value));
    }
    element = element.text_child_opt("ARKTX", item.description.clone());
    let mut lots = item.lots.iter();
    element = element.text_child_opt("CHARG", lots.next().cloned());
    for extra in lots {
        not_written(&format!(
            "a second lot {extra:?} of item {}",
            item.line_number
        ));
    }
    if let Some(ordered) = &item.ordered {
        not_written(&format!(
            "the ordered quantity {} {}",
            ordered.value, ordered.unit
        ));
    }
    if let Some(total) = line.total {
        element = element
            .text_child("LFIMG", decimal::format(total))
            .text_child("VRKME", item.quantity.unit.trim());
    }
    let order = line.order;
    if order.po_number.trim().is_empty() {
        if let Some(order_line) = &item.order_line {
            not_written(&format!(
                "order line {order_line:?} of an item with no order"
            ));
        }
        for date in &order.dates {
            not_written(&format!("order date {} of items with no order", date.value));
        }
    } else {
        let mut reference = segment("E1EDL41")
            .text_child("QUALI", CUSTOMER_ORDER)
            .text_child("BSTNR", order.po_number.trim())
            .text_child_opt("POSEX", item.order_line.clone());
        let mut dates = order.dates.iter();
        let own_date = ["E1EDL41", "E1EDL41[1]"]
            .iter()
            .any(|key| kept(item, &format!("idoc.E1EDL24.{key}.BSTDT")));
        if let Some(date) = dates.next().filter(|_| !own_date) {
            let (day, _) = write_date(&date.value, &format!("{path}/E1EDL41/BSTDT"))?;
            reference = reference.text_child("BSTDT", day);
        }
        for extra in dates {
            not_written(&format!(
                "a second date {} of order {}",
                extra.value, order.po_number
            ));
        }
        element.children.push(reference);
    }
    for serial in &line.serials {
        element
            .children
            .push(segment(SERIAL_NUMBER).text_child("SERNR", *serial));
    }
    restore(&mut element, &item.extensions, "idoc.E1EDL24", &[]);
    Ok(element)
}
