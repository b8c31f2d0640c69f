//! The segments inside an 856's order, pack and item levels: PRF, REF and DTM of an order;
//! MAN marks and TD1 packaging and weight of a pack; LIN, SN1, PID, lot or serial REFs and
//! REF*LI of an item. What has no canonical field is kept as an extension under its level's
//! prefix. [`spread_over_packs`] puts an item of an S-O-I-P notice into each pack under it.

use wharf_guest_sdk::canonical::{
    Extension, Pack, Quantity, ShipNotice, ShippedItem, ShippedOrder,
};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::id;

use crate::common;
use crate::items;
use crate::order_response::po_date;
use crate::reader::Seg;

/// TD102 of a pack's TD1: the pack is one package, which the writer states as TD1's syntax
/// note C0102 requires beside a packaging code.
pub const ONE_PACKAGE: &str = "1";

/// TD106..TD108: weight qualifier, weight and unit.
pub fn weight(seg: Seg<'_>) -> Result<Option<Quantity>, AdapterError> {
    Ok(seg.decimal(7)?.map(|value| Quantity {
        value,
        unit: crate::codes::canonical_unit(seg.text(8).unwrap_or_default()),
    }))
}

pub fn order_segment(
    seg: Seg<'_>,
    order: &mut ShippedOrder,
    prefix: &str,
    extensions: &mut Vec<Extension>,
) -> Result<(), AdapterError> {
    match seg.id() {
        "PRF" if order.po_number.is_empty() => {
            order.po_number = seg
                .require(1, "PRF01, the purchase order number,")?
                .to_owned();
            if let Some(value) = seg.date(4, None)? {
                order.dates.push(po_date(value));
            }
            seg.leftovers(&[1, 4], prefix, extensions);
        }
        "REF" if common::read_ref(seg).is_some() => order.references.extend(common::read_ref(seg)),
        "DTM" => match common::read_dtm(seg)? {
            Some(dated) => order.dates.push(dated),
            None => extensions.push(seg.raw_extension(prefix)),
        },
        _ => extensions.push(seg.raw_extension(prefix)),
    }
    Ok(())
}

pub fn pack_segment(
    seg: Seg<'_>,
    pack: &mut Pack,
    prefix: &str,
    extensions: &mut Vec<Extension>,
) -> Result<(), AdapterError> {
    match seg.id() {
        "MAN" => {
            let mut used = Vec::new();
            for (qualifier, number) in [(1, 2), (4, 5)] {
                if let (Some(q), Some(mark)) = (seg.text(qualifier), seg.text(number)) {
                    let scheme = if q == "GM" {
                        "sscc".to_owned()
                    } else {
                        format!("x12:{q}")
                    };
                    pack.marks.push(id(scheme, mark));
                    used.extend([qualifier, number]);
                }
            }
            seg.leftovers(&used, prefix, extensions);
        }
        "TD1" if pack.packaging.is_none() && pack.weight.is_none() => {
            pack.packaging = seg.owned(1);
            pack.weight = weight(seg)?;
            let mut used = vec![1, 7, 8];
            if seg.text(6) == Some("G") {
                used.push(6);
            }
            if seg.text(2) == Some(ONE_PACKAGE) {
                used.push(2);
            }
            seg.leftovers(&used, prefix, extensions);
        }
        _ => extensions.push(seg.raw_extension(prefix)),
    }
    Ok(())
}

/// REF01 of the seller's line item identifier: an item's own number where its HL01 is
/// another (the same delivery item listed in several packs).
pub const LINE_ITEM: &str = "LI";

pub fn item_segment(seg: Seg<'_>, item: &mut ShippedItem) -> Result<(), AdapterError> {
    match seg.id() {
        "LIN" => {
            item.order_line = seg.owned(1);
            let mut used = items::read_ids(seg, 2, "", &mut item.item_ids, &mut item.extensions);
            used.push(1);
            seg.leftovers(&used, "", &mut item.extensions);
        }
        "SN1" => {
            item.quantity = Quantity {
                value: seg
                    .decimal(2)?
                    .ok_or_else(|| seg.invalid(2, "SN102, the quantity shipped, is missing"))?,
                unit: crate::codes::canonical_unit(seg.text(3).unwrap_or_default()),
            };
            item.ordered = seg.decimal(5)?.map(|value| Quantity {
                value,
                unit: crate::codes::canonical_unit(seg.text(6).unwrap_or_default()),
            });
            seg.leftovers(&[2, 3, 5, 6], "", &mut item.extensions);
        }
        "PID" if seg.text(1) == Some("F") && seg.only_uses(&[1, 5]) && seg.text(5).is_some() => {
            let text = seg.text(5).unwrap_or("");
            item.description = Some(match item.description.take() {
                Some(before) => format!("{before}\n{text}"),
                None => text.to_owned(),
            });
        }
        "REF"
            if seg.only_uses(&[1, 2])
                && seg.text(1) == Some(LINE_ITEM)
                && seg.text(2).is_some() =>
        {
            item.line_number = seg.owned(2).unwrap_or_default();
        }
        "REF"
            if seg.only_uses(&[1, 2])
                && matches!(seg.text(1), Some("LT" | "SE"))
                && seg.text(2).is_some() =>
        {
            let value = seg.owned(2).unwrap_or_default();
            if seg.text(1) == Some("LT") {
                item.lots.push(value);
            } else {
                item.serials.push(value);
            }
        }
        _ => item.extensions.push(seg.raw_extension("")),
    }
    Ok(())
}

/// Spreads item `item` over the packs `under` it (S-O-I-P) when every one of them states its
/// quantity in an SN1, kept as `x12.HL.<pack>.SN1`: one item per pack with that quantity.
/// Otherwise nothing changes and the item stays whole in the first pack.
pub fn spread_over_packs(notice: &mut ShipNotice, item: &str, under: &[String]) {
    let sn1 = |pack: &str| format!("x12.HL.{pack}.SN1");
    let stated: Option<Vec<(String, String)>> = under
        .iter()
        .map(|pack| {
            let key = sn1(pack);
            let kept = notice.extensions.iter().find(|e| e.key == key)?;
            let text = crate::writer::extension_text(&kept.value);
            let mut elements = text.split(crate::reader::RAW_SEPARATOR);
            let quantity = elements.nth(1).filter(|q| !q.is_empty())?;
            let quantity = wharf_guest_sdk::decimal::normalize(quantity).ok()?;
            Some((
                quantity,
                crate::codes::canonical_unit(elements.next().unwrap_or("")),
            ))
        })
        .collect();
    let Some(stated) = stated else {
        return;
    };
    let Some(order) = notice.orders.iter_mut().find(|o| {
        o.packs
            .iter()
            .any(|p| p.items.iter().any(|i| i.line_number == item))
    }) else {
        return;
    };
    let Some(whole) = order.packs.iter_mut().find_map(|p| {
        let at = p.items.iter().position(|i| i.line_number == item)?;
        Some(p.items.remove(at))
    }) else {
        return;
    };
    for (n, (pack_id, (quantity, unit))) in under.iter().zip(stated).enumerate() {
        let mut part = whole.clone();
        if n > 0 {
            part.line_number = format!("{item}.{}", n + 1);
            part.ordered = None;
        }
        part.quantity = Quantity {
            value: quantity,
            unit: if unit.is_empty() {
                whole.quantity.unit.clone()
            } else {
                unit
            },
        };
        if let Some(pack) = order.packs.iter_mut().find(|p| p.pack_id == *pack_id) {
            pack.items.push(part);
        }
    }
    let consumed: Vec<String> = under.iter().map(|p| sn1(p)).collect();
    notice.extensions.retain(|e| !consumed.contains(&e.key));
}
