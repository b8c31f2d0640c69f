//! Reading a DESADV IDoc: the delivery E1EDL20, its items E1EDL24 and handling units E1EDL37,
//! regrouped as the canonical shipment → order → pack → item tree.

use wharf_guest_sdk::canonical::{
    CanonicalDocument, Carrier, DateKind, Dated, Document, Envelope, Quantity, ShipNotice,
    ShippedItem, ShippedOrder,
};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::{Decimal, decimal, error, id, text_extension};

use super::units::{self, Unit};
use super::{CUSTOMER_ORDER, ORDER_DATE, SERIAL_NUMBER, SUPPLIER_DELIVERY, addresses, deadlines};
use crate::codes::canonical_unit;
use crate::segments::{Segment, sap_decimal};
use crate::texts;

/// One E1EDL24 read: the item as shipped, the order it belongs to, and its delivered quantity.
struct DeliveryItem {
    item: ShippedItem,
    po_number: String,
    po_date: Option<String>,
    /// The key name of the item's first E1EDL41, where its order date belongs.
    reference_key: String,
    /// LFIMG, when the loose remainder can be worked out from it.
    delivered: Option<Decimal>,
}

/// Reads the data segments of one DESADV IDoc into a ship notice.
pub fn read(mut idoc: Segment<'_>, envelope: Envelope) -> Result<CanonicalDocument, AdapterError> {
    let mut deliveries = idoc.segments("E1EDL20");
    if deliveries.len() != 1 {
        let path = match deliveries.get(1) {
            Some(second) => second.path().to_owned(),
            None => idoc.field_path("E1EDL20"),
        };
        return Err(error::validation(
            "a shipping notification holds exactly one delivery E1EDL20",
        )
        .at_xml(path));
    }
    let mut delivery = deliveries.remove(0);
    let mut extensions = Vec::new();
    let shipment_id = delivery.require("VBELN", "the delivery number")?.to_owned();
    let references = delivery
        .text("LIFEX")
        .map(|lifex| id(SUPPLIER_DELIVERY, lifex))
        .into_iter()
        .collect();
    let gross_weight = match delivery.decimal("BTGEW")? {
        Some(value) => Some(Quantity {
            value,
            unit: canonical_unit(delivery.require("GEWEI", "the unit of the weight BTGEW")?),
        }),
        None => None,
    };
    let package_count = delivery.decimal("ANZPK")?;
    let mode = delivery.text("TRATY").map(str::to_owned);
    let bill_of_lading = delivery.text("BOLNR").map(str::to_owned);
    let mut purpose = None;
    for (index, mut control) in delivery.segments("E1EDL18").into_iter().enumerate() {
        if index == 0 {
            purpose = control.text("QUALF").map(str::to_owned);
        }
        control.leftovers(
            &format!("idoc.E1EDL20.{}", control.key_name()),
            &mut extensions,
        );
    }
    let dates = deadlines::read(&mut delivery, &mut extensions)?;
    let (parties, agent) = addresses::read(&mut delivery, &mut extensions)?;
    let carrier = match agent {
        Some(agent) => Some(Carrier {
            mode,
            tracking_numbers: bill_of_lading.into_iter().collect(),
            ..agent
        }),
        None => (mode.is_some() || bill_of_lading.is_some()).then(|| Carrier {
            ids: Vec::new(),
            name: None,
            mode,
            tracking_numbers: bill_of_lading.into_iter().collect(),
        }),
    };
    let notes = texts::read(&mut delivery, texts::DELIVERY_HEADER, &mut extensions)?;
    let items = delivery
        .segments("E1EDL24")
        .into_iter()
        .map(read_item)
        .collect::<Result<Vec<_>, _>>()?;
    let units = units::read(&mut delivery, &shipment_id, &mut extensions)?;
    let orders = assemble(items, units)?;
    delivery.leftovers("idoc.E1EDL20", &mut extensions);
    idoc.leftovers("idoc", &mut extensions);
    Ok(CanonicalDocument {
        envelope,
        body: Document::ShipNotice(ShipNotice {
            shipment_id,
            structure: None,
            purpose,
            dates,
            parties,
            references,
            carrier,
            gross_weight,
            package_count,
            orders,
            notes,
            extensions,
        }),
    })
}

/// Item identifiers of a delivery item: the customer's material, the supplier's (SAP's own
/// material number, the supplier's SAP sending), the EAN.
pub const ITEM_IDS: [(&str, &str); 3] =
    [("buyer", "KDMAT"), ("supplier", "MATNR"), ("gtin", "EAN11")];

fn read_item(mut line: Segment<'_>) -> Result<DeliveryItem, AdapterError> {
    let line_number = line
        .require("POSNR", "the delivery item number")?
        .to_owned();
    let item_ids = ITEM_IDS
        .iter()
        .filter_map(|(scheme, field)| line.text(field).map(|value| id(*scheme, value)))
        .collect();
    let description = line.text("ARKTX").map(str::to_owned);
    let lots = line.text("CHARG").map(str::to_owned).into_iter().collect();
    let (mut serials, mut serial_rest) = (Vec::new(), Vec::new());
    for mut serial in line.segments(SERIAL_NUMBER) {
        serials.extend(serial.text("SERNR").map(str::to_owned));
        serial.leftovers(
            &format!("idoc.E1EDL24.{}", serial.key_name()),
            &mut serial_rest,
        );
    }
    // LFIMG is read without being used up: see `assemble`.
    let Some(lfimg) = line.peek("LFIMG") else {
        return Err(
            error::validation("<E1EDL24> has no LFIMG (the delivered quantity)")
                .at_xml(line.field_path("LFIMG")),
        );
    };
    let value = sap_decimal(lfimg)
        .map_err(|e| error::validation(e.to_string()).at_xml(line.field_path("LFIMG")))?;
    let Some(unit) = line.peek("VRKME") else {
        return Err(
            error::validation("<E1EDL24> has no VRKME (the unit of LFIMG)")
                .at_xml(line.field_path("VRKME")),
        );
    };
    let (mut po_number, mut order_line, mut po_date) = (String::new(), None, None);
    let mut extensions = Vec::new();
    let mut reference_key = "E1EDL41".to_owned();
    // Only an order reference that comes first is mapped, so writing it first again keeps
    // every other E1EDL41 where its extensions put it.
    for (index, mut reference) in line.segments("E1EDL41").into_iter().enumerate() {
        if index == 0 {
            reference_key = reference.key_name().to_owned();
        }
        if index == 0 && reference.peek("QUALI") == Some(CUSTOMER_ORDER) {
            reference.consume("QUALI");
            po_number = reference
                .require("BSTNR", "the customer's order number")?
                .to_owned();
            order_line = reference.text("POSEX").map(str::to_owned);
            po_date = reference.date("BSTDT", "")?;
        }
        reference.leftovers(
            &format!("idoc.E1EDL24.{}", reference.key_name()),
            &mut extensions,
        );
    }
    let delivered = decimal::parse(&value).ok();
    let quantity = Quantity {
        value,
        unit: canonical_unit(unit),
    };
    Ok(DeliveryItem {
        item: ShippedItem {
            line_number,
            order_line,
            item_ids,
            description,
            quantity,
            ordered: None,
            lots,
            serials,
            extensions: {
                // LFIMG and VRKME are decided on in `assemble`; everything else is kept now.
                let mut kept = Vec::new();
                line.consume("LFIMG");
                line.consume("VRKME");
                line.leftovers("idoc.E1EDL24", &mut kept);
                kept.extend(extensions);
                kept.extend(serial_rest);
                kept
            },
        },
        po_number,
        po_date,
        reference_key,
        delivered,
    })
}

/// Groups delivery items by the order they name and puts each handling unit into every order
/// it holds items of (directly or in units packed in it). An item packed in units appears in
/// each with the quantity packed; what LFIMG has beyond that is the order's loose item. When
/// the packed quantities are in another unit than LFIMG, or exceed it, no remainder is worked
/// out and LFIMG/VRKME stay extensions of the packed items.
fn assemble(
    mut items: Vec<DeliveryItem>,
    units: Vec<Unit>,
) -> Result<Vec<ShippedOrder>, AdapterError> {
    let mut orders: Vec<ShippedOrder> = Vec::new();
    let mut order_of_item = Vec::with_capacity(items.len());
    for item in &mut items {
        let position = match orders.iter().position(|o| o.po_number == item.po_number) {
            Some(position) => position,
            None => {
                orders.push(ShippedOrder {
                    po_number: item.po_number.clone(),
                    references: Vec::new(),
                    dates: item.po_date.iter().map(|value| order_date(value)).collect(),
                    packs: Vec::new(),
                    items: Vec::new(),
                });
                orders.len() - 1
            }
        };
        order_of_item.push(position);
        // An order date differing from its order's first one stays with its item.
        let first = orders[position].dates.first().map(|d| d.value.as_str());
        if let Some(own) = item.po_date.as_deref().filter(|own| Some(*own) != first) {
            let key = format!("idoc.E1EDL24.{}.BSTDT", item.reference_key);
            let raw = own.replace('-', "");
            item.item.extensions.push(text_extension(key, raw));
        }
    }
    let mut packed: Vec<Vec<(usize, ShippedItem)>> = vec![Vec::new(); items.len()];
    for (unit_index, unit) in units.iter().enumerate() {
        for content in &unit.contents {
            let Some(index) = items
                .iter()
                .position(|i| i.item.line_number == content.posnr)
            else {
                return Err(error::validation(format!(
                    "handling unit {} holds delivery item {}, which the delivery does not have",
                    unit.pack.pack_id, content.posnr
                ))
                .at_xml(format!("{}/POSNR", content.path)));
            };
            let mut instance = items[index].item.clone();
            if let Some(unit) = &content.unit {
                instance.quantity.unit = unit.clone();
            }
            instance.quantity.value = content.value.clone();
            instance
                .extensions
                .extend(content.extensions.iter().cloned());
            packed[index].push((unit_index, instance));
        }
    }
    let mut loose: Vec<Option<ShippedItem>> = Vec::with_capacity(items.len());
    for (item, instances) in items.iter().zip(packed.iter_mut()) {
        let same_unit = instances
            .iter()
            .all(|(_, i)| i.quantity.unit == item.item.quantity.unit);
        let packed: Option<Vec<Decimal>> = instances
            .iter()
            .map(|(_, i)| decimal::parse(&i.quantity.value).ok())
            .collect();
        // Partners' quantities can be any size: a sum beyond a decimal is no sum.
        let packed_sum = packed.and_then(decimal::checked_sum);
        let remainder = match (item.delivered, packed_sum) {
            (Some(delivered), Some(sum)) if same_unit && sum <= delivered => {
                delivered.checked_sub(sum)
            }
            _ => None,
        };
        match remainder {
            Some(rest) if rest.is_zero() && !instances.is_empty() => loose.push(None),
            Some(rest) => {
                let mut rest_item = item.item.clone();
                rest_item.quantity.value = decimal::format(rest);
                loose.push(Some(rest_item));
            }
            None => {
                for (_, instance) in instances.iter_mut() {
                    instance.extensions.extend([
                        text_extension("idoc.E1EDL24.LFIMG", item.item.quantity.value.as_str()),
                        text_extension("idoc.E1EDL24.VRKME", item.item.quantity.unit.as_str()),
                    ]);
                }
                loose.push(None);
            }
        }
    }
    for (unit_index, unit) in units.iter().enumerate() {
        let mut placed = false;
        for (order_index, order) in orders.iter_mut().enumerate() {
            if !holds(unit_index, order_index, &units, &packed, &order_of_item) {
                continue;
            }
            let mut pack = unit.pack.clone();
            pack.items = packed
                .iter()
                .zip(&order_of_item)
                .filter(|(_, o)| **o == order_index)
                .flat_map(|(instances, _)| instances.iter())
                .filter(|(u, _)| *u == unit_index)
                .map(|(_, i)| i.clone())
                .collect();
            order.packs.push(pack);
            placed = true;
        }
        // An empty unit still belongs to the shipment: it goes with the first order.
        if !placed {
            if orders.is_empty() {
                orders.push(ShippedOrder {
                    po_number: String::new(),
                    references: Vec::new(),
                    dates: Vec::new(),
                    packs: Vec::new(),
                    items: Vec::new(),
                });
            }
            orders[0].packs.push(unit.pack.clone());
        }
    }
    for (rest, &order) in loose.into_iter().zip(&order_of_item) {
        if let Some(rest) = rest {
            orders[order].items.push(rest);
        }
    }
    Ok(orders)
}

fn order_date(value: &str) -> Dated {
    Dated {
        kind: DateKind::Other,
        value: value.to_owned(),
        qualifier: Some(ORDER_DATE.to_owned()),
    }
}

/// Whether unit `unit` holds items of order `order`, itself or through units packed in it.
/// [`units::read`] has refused nesting that goes round in a circle.
fn holds(
    unit: usize,
    order: usize,
    units: &[Unit],
    packed: &[Vec<(usize, ShippedItem)>],
    order_of_item: &[usize],
) -> bool {
    let own = packed
        .iter()
        .zip(order_of_item)
        .any(|(instances, o)| *o == order && instances.iter().any(|(u, _)| *u == unit));
    own || units.iter().enumerate().any(|(inner, u)| {
        u.pack.parent_pack.as_deref() == Some(units[unit].pack.pack_id.as_str())
            && holds(inner, order, units, packed, order_of_item)
    })
}
