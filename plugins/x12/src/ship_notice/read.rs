//! Reading an 856: BSN, then the HL tree rebuilt from each HL's parent (HL02) and level code
//! (HL03): S shipment, O order, I item, and every other code (T tare, P pack, Q sub-pack, …)
//! a pack, nested through `parent_pack`. Where each level goes when the partner's hierarchy
//! is not shipment → order → pack → item is decided first, in [`super::tree`].
//!
//! A pack with an SSCC (MAN GM) is identified by it, as every other format identifies its
//! packs; one without is identified by its HL01 (`pack_id`). Items are identified by their
//! HL01 (`line_number`), so the tree written back has the same numbers, unless a REF*LI (the
//! seller's line item identifier) gives the item's own: an item listed in several packs has
//! one HL01 per listing. Segments of the order
//! and pack levels that the model has no field for are kept on the ship notice under
//! `x12.HL.<HL01>.<SEG>` (a pack's under `x12.HL.<pack_id>.<SEG>`).

use std::collections::HashMap;

use wharf_guest_sdk::canonical::{Carrier, Pack, Quantity, ShipNotice, ShippedItem, ShippedOrder};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::id;

use crate::common::Header;
use crate::order_response::po_date;
use crate::parties;
use crate::purchase_order::{document_date, expect};
use crate::reader::{Body, Place, Seg, text_extension};
use crate::syntax::Segment;

use super::levels::{item_segment, order_segment, pack_segment, spread_over_packs, weight};
use super::tree::{self, OrderKey, Placement};

/// BSN04 of a notice whose date has no time.
pub const NO_TIME: &str = "0000";

/// The mark scheme of an SSCC (MAN GM).
const SSCC: &str = "sscc";

/// Where an HL sits in the canonical tree.
#[derive(Debug, Clone, Copy)]
enum Node {
    Shipment,
    Order(usize),
    Pack(usize, usize),
    Item(usize, Option<usize>, usize),
}

/// The level code an encoder writes for a pack: T when other packs sit on it, else P.
pub fn default_pack_code(packs: &[Pack], pack: &Pack) -> &'static str {
    if packs
        .iter()
        .any(|p| p.parent_pack.as_ref() == Some(&pack.pack_id))
    {
        "T"
    } else {
        "P"
    }
}

pub fn read(segments: &[Segment], place: &Place) -> Result<ShipNotice, AdapterError> {
    let mut body = Body::new(segments, place);
    let bsn = expect(&mut body, "BSN", segments, place)?;
    let mut notice = ShipNotice {
        shipment_id: bsn.owned(2).unwrap_or_default(),
        structure: bsn.owned(5),
        purpose: bsn.owned(1),
        dates: Vec::new(),
        parties: Vec::new(),
        references: Vec::new(),
        carrier: None,
        gross_weight: None,
        package_count: None,
        orders: Vec::new(),
        notes: Vec::new(),
        extensions: Vec::new(),
    };
    // BSN04 is mandatory, so a notice dated without a time is written with 0000 (see
    // `write`): that reads back as the date alone.
    let time = (bsn.text(4) != Some(NO_TIME)).then_some(4);
    if let Some(value) = bsn.date(3, time)? {
        notice.dates.push(document_date(value));
    }
    bsn.leftovers(&[1, 2, 3, 4, 5], "", &mut notice.extensions);
    let all: Vec<Seg<'_>> = {
        let mut scan = Body::new(segments, place);
        std::iter::from_fn(|| scan.next_seg()).collect()
    };
    let plan = tree::plan(&all)?;
    for key in &plan.orders {
        notice.orders.push(ShippedOrder {
            po_number: match key {
                OrderKey::Prf(po) => po.clone(),
                OrderKey::Level(_) => String::new(),
            },
            references: Vec::new(),
            dates: Vec::new(),
            packs: Vec::new(),
            items: Vec::new(),
        });
    }
    let mut packs: HashMap<String, (usize, usize)> = HashMap::new();
    let mut codes: Vec<(String, String)> = Vec::new();
    for (o, id, parent_pack, code) in &plan.packs {
        if let Some(order) = notice.orders.get_mut(*o) {
            packs.insert(id.clone(), (*o, order.packs.len()));
            order.packs.push(Pack {
                pack_id: id.clone(),
                parent_pack: parent_pack.clone(),
                marks: Vec::new(),
                packaging: None,
                weight: None,
                items: Vec::new(),
            });
            codes.push((id.clone(), code.clone()));
        }
    }
    let mut current = Node::Shipment;
    let mut current_id = String::new();
    let mut order_levels = Vec::new();
    while let Some(seg) = body.next_seg() {
        if seg.id() == "HL" {
            let id = seg.require(1, "HL01, the hierarchical id,")?.to_owned();
            let node = place_level(seg, &id, &plan, &packs, &mut notice)?;
            if let Node::Order(o) = node {
                order_levels.push((o, seg));
            }
            seg.leftovers(&[1, 2, 3, 4], &format!("HL.{id}."), &mut notice.extensions);
            current = node;
            current_id = id;
            continue;
        }
        let prefix = format!("HL.{current_id}.");
        let named = match current {
            Node::Pack(o, _) | Node::Item(o, _, _) => Some(o),
            Node::Shipment => notice
                .orders
                .iter()
                .position(|order| seg.text(1) == Some(order.po_number.as_str())),
            Node::Order(_) => None,
        };
        if let (Some(o), "PRF") = (named, seg.id())
            && let Some(order) = notice.orders.get_mut(o)
            && seg.text(1) == Some(order.po_number.as_str())
        {
            // The PRF that named this level's order (S-I, S-T-P-I, or a shipment-level PRF
            // of a single-order notice): its date is the order's.
            if let Some(value) = seg.date(4, None)?
                && order.dates.is_empty()
            {
                order.dates.push(po_date(value));
            }
            seg.leftovers(&[1, 4], &prefix, &mut notice.extensions);
            continue;
        }
        if seg.id() == "CTT" {
            // CTT01 and CTT02 are counts the encoder derives from the tree.
            seg.leftovers(&[1, 2], "", &mut notice.extensions);
            continue;
        }
        match current {
            Node::Shipment => shipment_segment(seg, &mut body, &mut notice)?,
            Node::Order(o) => {
                let extensions = &mut notice.extensions;
                let Some(order) = notice.orders.get_mut(o) else {
                    continue;
                };
                order_segment(seg, order, &prefix, extensions)?;
            }
            Node::Pack(o, p) => {
                let extensions = &mut notice.extensions;
                let Some(pack) = notice
                    .orders
                    .get_mut(o)
                    .and_then(|order| order.packs.get_mut(p))
                else {
                    continue;
                };
                pack_segment(seg, pack, &prefix, extensions)?;
            }
            Node::Item(o, p, i) => {
                let Some(order) = notice.orders.get_mut(o) else {
                    continue;
                };
                let items = match p {
                    Some(p) => order.packs.get_mut(p).map(|pack| &mut pack.items),
                    None => Some(&mut order.items),
                };
                let Some(item) = items.and_then(|items| items.get_mut(i)) else {
                    continue;
                };
                item_segment(seg, item)?;
            }
        }
    }
    for (item, under) in &plan.spread {
        spread_over_packs(&mut notice, item, under);
    }
    if notice.shipment_id.is_empty() {
        notice.shipment_id = stand_in_shipment_id(&notice, place);
        place.tolerate(bsn.invalid(
            2,
            format!(
                "BSN02, the shipment id, is missing; read as {:?}",
                notice.shipment_id
            ),
        ))?;
    }
    for (o, hl) in order_levels {
        if notice
            .orders
            .get(o)
            .is_some_and(|order| order.po_number.is_empty())
        {
            return Err(hl.invalid(
                0,
                "an order level (HL03 O) without PRF, the purchase order it ships",
            ));
        }
    }
    for (hl, code) in codes {
        let pack = notice
            .orders
            .iter()
            .flat_map(|o| o.packs.iter())
            .find(|p| p.pack_id == hl);
        let default = notice
            .orders
            .iter()
            .find(|o| o.packs.iter().any(|p| p.pack_id == hl))
            .zip(pack)
            .map(|(order, pack)| default_pack_code(&order.packs, pack));
        if default != Some(code.as_str()) {
            notice
                .extensions
                .push(text_extension(format!("x12.HL.{hl}.03"), code));
        }
    }
    name_packs_by_sscc(&mut notice);
    Ok(notice)
}

/// Renames every pack with an SSCC mark to its SSCC, the id other formats know it by (an HL01
/// is only its place in this 856's tree): its children's `parent_pack` and its HL-keyed
/// extensions follow. An SSCC that a second pack also carries names only the first.
fn name_packs_by_sscc(notice: &mut ShipNotice) {
    let mut renamed: HashMap<String, String> = HashMap::new();
    for order in &mut notice.orders {
        for pack in &mut order.packs {
            let Some(sscc) = pack.marks.iter().find(|m| m.scheme == SSCC) else {
                continue;
            };
            if renamed.values().any(|taken| *taken == sscc.value) {
                continue;
            }
            renamed.insert(pack.pack_id.clone(), sscc.value.clone());
            pack.pack_id = sscc.value.clone();
        }
        for pack in &mut order.packs {
            if let Some(new) = pack.parent_pack.as_ref().and_then(|p| renamed.get(p)) {
                pack.parent_pack = Some(new.clone());
            }
        }
    }
    for extension in &mut notice.extensions {
        let hl = extension
            .key
            .strip_prefix("x12.HL.")
            .and_then(|rest| rest.split_once('.'));
        if let Some((hl, rest)) = hl
            && let Some(new) = renamed.get(hl)
        {
            extension.key = format!("x12.HL.{new}.{rest}");
        }
    }
}

/// An HL: the node the plan gives it, with a new item where it is an item.
fn place_level(
    hl: Seg<'_>,
    id: &str,
    plan: &tree::Plan,
    packs: &HashMap<String, (usize, usize)>,
    notice: &mut ShipNotice,
) -> Result<Node, AdapterError> {
    let no_place = || hl.invalid(1, format!("HL {id} has no place in the tree"));
    Ok(match plan.placements.get(id).ok_or_else(no_place)? {
        Placement::Shipment => Node::Shipment,
        Placement::Order(o) => Node::Order(*o),
        Placement::Pack(_, _) => {
            let (o, p) = packs.get(id).ok_or_else(no_place)?;
            Node::Pack(*o, *p)
        }
        Placement::Item(o, pack) => {
            let pack = pack.as_ref().and_then(|p| packs.get(p)).map(|(_, p)| *p);
            let order = notice.orders.get_mut(*o).ok_or_else(no_place)?;
            let items = match pack {
                Some(p) => &mut order.packs.get_mut(p).ok_or_else(no_place)?.items,
                None => &mut order.items,
            };
            items.push(ShippedItem {
                line_number: id.to_owned(),
                order_line: None,
                item_ids: Vec::new(),
                description: None,
                quantity: Quantity {
                    value: "0".to_owned(),
                    unit: String::new(),
                },
                ordered: None,
                lots: Vec::new(),
                serials: Vec::new(),
                extensions: Vec::new(),
            });
            Node::Item(*o, pack, items.len() - 1)
        }
    })
}

fn shipment_segment(
    seg: Seg<'_>,
    body: &mut Body<'_>,
    notice: &mut ShipNotice,
) -> Result<(), AdapterError> {
    match seg.id() {
        "N1" => notice
            .parties
            .push(parties::read(seg, body, &mut notice.extensions)?),
        "TD1" if notice.package_count.is_none() && notice.gross_weight.is_none() => {
            notice.package_count = seg.decimal(2)?;
            notice.gross_weight = weight(seg)?;
            let mut used = vec![2, 7, 8];
            if seg.text(6) == Some("G") {
                used.push(6);
            }
            seg.leftovers(&used, "", &mut notice.extensions);
        }
        "TD5"
            if notice
                .carrier
                .as_ref()
                .is_none_or(|c| c.ids.is_empty() && c.mode.is_none() && c.name.is_none()) =>
        {
            let carrier = notice.carrier.get_or_insert_with(empty_carrier);
            if let (Some(qualifier), Some(code)) = (seg.text(2), seg.text(3)) {
                carrier
                    .ids
                    .push(id(crate::codes::party_scheme(qualifier), code));
            }
            carrier.mode = seg.owned(4);
            carrier.name = seg.owned(5);
            seg.leftovers(&[2, 3, 4, 5], "", &mut notice.extensions);
        }
        "REF"
            if matches!(seg.text(1), Some(CARRIER_PRO | BILL_OF_LADING))
                && seg.only_uses(&[1, 2])
                && seg.text(2).is_some() =>
        {
            let number = seg.owned(2).unwrap_or_default();
            if seg.text(1) == Some(BILL_OF_LADING) {
                notice
                    .extensions
                    .push(text_extension(BILL_OF_LADING_KEY, number.clone()));
            }
            let carrier = notice.carrier.get_or_insert_with(empty_carrier);
            carrier.tracking_numbers.push(number);
        }
        _ => {
            let mut header = Header {
                currency: &mut None,
                dates: &mut notice.dates,
                references: &mut notice.references,
                notes: &mut notice.notes,
                payment_terms: None,
                extensions: &mut notice.extensions,
                entity: "SE",
            };
            if seg.id() == "CUR" || !header.read(seg)? {
                notice.extensions.push(seg.raw_extension(""));
            }
        }
    }
    Ok(())
}

/// REF01 of the carrier's reference (PRO number) and of the bill of lading: both are the
/// numbers a carrier tracks the shipment by, so both are canonical tracking numbers (as the
/// IDoc's BOLNR is), and cXML writes them as ShipmentIdentifier.
pub const CARRIER_PRO: &str = "CN";
pub const BILL_OF_LADING: &str = "BM";

/// Each tracking number that came as REF*BM, so it is written back as one.
pub const BILL_OF_LADING_KEY: &str = "x12.REF.BM";

/// The shipment id a lenient read gives an 856 without BSN02: its bill of lading when it has
/// one, else interchange and transaction set control numbers, which are unique per sender.
fn stand_in_shipment_id(notice: &ShipNotice, place: &Place) -> String {
    notice
        .extensions
        .iter()
        .find(|e| e.key == BILL_OF_LADING_KEY)
        .map(|e| crate::writer::extension_text(&e.value))
        .unwrap_or_else(|| format!("{}-{}", place.interchange, place.message))
}

pub fn empty_carrier() -> Carrier {
    Carrier {
        ids: Vec::new(),
        name: None,
        mode: None,
        tracking_numbers: Vec::new(),
    }
}
