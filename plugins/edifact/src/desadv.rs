//! DESADV, the despatch advice, read into a canonical ship notice (writing: [`write`]).
//!
//! BGM 1004 is the shipment id and 1225 its purpose. TDT is the carrier (8067 its mode, C040
//! its id and name), RFF+CN its tracking numbers, header MEA AAD/G the gross weight, CNT+11 the
//! package count. The CPS hierarchy is the pack tree: CPS 7164 is `pack_id` (the SSCC for a
//! pack that has one, see [`ids`]), 7166 `parent_pack`, PAC C202 the packaging, MEA the pack weight, GIN+BJ an SSCC mark (scheme
//! `sscc`). A CPS with no packaging, mark, weight, parent or child only groups items: those
//! are the order's unpacked `items`. Each LIN is a shipped item: QTY+12 shipped, QTY+21
//! ordered, RFF+ON its order (else the heading's), RFF+LI the order line, GIN+BX lots,
//! GIN+BN serials; its other RFF and its DTM are its order's references and dates (the order
//! date is 2005 `4`), which D.96A has no group of an order's own for. Items are grouped into
//! orders by their order number.

mod ids;
mod write;

pub use write::write;

use wharf_guest_sdk::canonical::{
    Carrier, Dated, Extension, Identifier, Pack, Quantity, ShipNotice, ShippedItem, ShippedOrder,
};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::{error, id};

use crate::codes;
use crate::common::seg;
use crate::header::{self, Header, keep_all, read_summary};
use crate::interchange::{Message, Segment};
use crate::items;
use crate::reader::raw_extension;

/// GIN 7405 to a mark scheme.
fn mark_scheme(code: &str) -> String {
    match code {
        "BJ" | "AW" => "sscc".to_owned(),
        other => format!("edifact:{other}"),
    }
}

struct Cps {
    pack: Pack,
    /// Items with the order number each names (or none).
    items: Vec<(Option<String>, ShippedItem, OrderFacts)>,
    packed: bool,
}

/// What an item's LIN group says of its order: the references and dates of its SG16 RFF-DTM
/// other than the order number (RFF+ON) and order line (RFF+LI).
struct OrderFacts {
    references: Vec<Identifier>,
    dates: Vec<Dated>,
}

/// Reads a DESADV message.
pub fn read(message: &Message) -> Result<ShipNotice, AdapterError> {
    let mut header = header::read(message)?;
    let Some(shipment_id) = header.number.clone() else {
        return Err(
            error::validation("DESADV has no despatch advice number (BGM 1004)")
                .at_segment(message.context.locate(&message.body[0], Some(2), Some(1))),
        );
    };
    let mut extensions = std::mem::take(&mut header.extensions);
    if let Some(code) = header.code.as_deref().filter(|c| *c != "351") {
        extensions.insert(0, wharf_guest_sdk::text_extension("edifact.BGM.C002", code));
    }
    let default_po = header.take_reference("ON");
    let (carrier, gross_weight) = read_transport(message, &mut header, &mut extensions)?;
    let mut groups: Vec<Cps> = Vec::new();
    let mut at = header.length;
    while let Some(segment) = message.body.get(at) {
        match segment.tag.as_str() {
            "UNS" | "CNT" => break,
            "CPS" => {
                let (group, taken) = read_cps(message, &message.body[at..], &mut extensions)?;
                groups.push(group);
                at += taken;
            }
            _ => {
                extensions.push(raw_extension(segment));
                at += 1;
            }
        }
    }
    let mut summary = read_summary(message, at);
    let mut package_count = None;
    if let Some(i) = summary
        .iter()
        .position(|s| s.tag == "CNT" && s.text(1, 1) == Some("11"))
    {
        let cnt = seg(message, summary.remove(i));
        cnt.get(1, 1);
        package_count = cnt.decimal(1, 2)?;
        cnt.leftovers("edifact.CNT[11]", &mut extensions);
    }
    keep_all(&summary, &mut extensions);
    let children: Vec<String> = groups
        .iter()
        .filter_map(|g| g.pack.parent_pack.clone())
        .collect();
    for group in &mut groups {
        group.packed |= children.contains(&group.pack.pack_id);
        if !group.packed && group.pack.pack_id != "1" {
            extensions.push(wharf_guest_sdk::text_extension(
                "edifact.CPS.7164",
                group.pack.pack_id.clone(),
            ));
        }
    }
    let mut orders = assemble(groups, default_po);
    ids::name_packs_by_sscc(&mut orders, &mut extensions);
    Ok(ShipNotice {
        shipment_id,
        structure: None,
        purpose: header.function.clone(),
        dates: header.dates,
        parties: header.parties,
        references: header.references,
        carrier,
        gross_weight,
        package_count,
        orders,
        notes: header.notes,
        extensions,
    })
}

/// TDT, MEA and RFF+CN of the heading: the carrier and the gross weight.
fn read_transport(
    message: &Message,
    header: &mut Header<'_>,
    extensions: &mut Vec<Extension>,
) -> Result<(Option<Carrier>, Option<Quantity>), AdapterError> {
    let mut carrier: Option<Carrier> = None;
    let mut gross_weight = None;
    let rest = std::mem::take(&mut header.rest);
    for segment in rest {
        let s = seg(message, segment);
        match segment.tag.as_str() {
            "TDT" if carrier.is_none() => {
                s.get(1, 1);
                let mut ids = Vec::new();
                if let Some(value) = s.get(5, 1) {
                    ids.push(id(codes::party_scheme(s.get(5, 3)), value));
                }
                carrier = Some(Carrier {
                    ids,
                    name: s.string(5, 4),
                    mode: s.string(3, 1),
                    tracking_numbers: Vec::new(),
                });
                s.leftovers("edifact.TDT", extensions);
            }
            "MEA" if gross_weight.is_none() && matches!(segment.text(2, 1), Some("AAD" | "G")) => {
                s.get(1, 1);
                s.get(2, 1);
                let value = s.require_decimal(3, 2, "measurement value (6314)")?;
                let unit = s.get(3, 1).unwrap_or("KGM").to_owned();
                gross_weight = Some(Quantity { value, unit });
                s.leftovers("edifact.MEA", extensions);
            }
            _ => extensions.push(raw_extension(segment)),
        }
    }
    let mut tracking = Vec::new();
    while let Some(number) = header.take_reference("CN") {
        tracking.push(number);
    }
    if !tracking.is_empty() {
        carrier
            .get_or_insert_with(|| Carrier {
                ids: Vec::new(),
                name: None,
                mode: None,
                tracking_numbers: Vec::new(),
            })
            .tracking_numbers = tracking;
    }
    Ok((carrier, gross_weight))
}

/// One CPS group: the CPS, its packaging segments and its LIN groups.
fn read_cps(
    message: &Message,
    segments: &[Segment],
    extensions: &mut Vec<Extension>,
) -> Result<(Cps, usize), AdapterError> {
    let cps = seg(message, &segments[0]);
    let pack_id = cps.require(1, 1, "hierarchical id (7164)")?.to_owned();
    let parent_pack = cps.string(2, 1);
    let prefix = format!("edifact.CPS[{pack_id}]");
    cps.leftovers(&prefix, extensions);
    let mut group = Cps {
        packed: parent_pack.is_some(),
        pack: Pack {
            pack_id,
            parent_pack,
            marks: Vec::new(),
            packaging: None,
            weight: None,
            items: Vec::new(),
        },
        items: Vec::new(),
    };
    let mut at = 1;
    while let Some(segment) = segments.get(at) {
        let s = seg(message, segment);
        match segment.tag.as_str() {
            "CPS" | "UNS" | "CNT" => break,
            "LIN" => {
                let (line, taken) = items::read(message, &segments[at..], None)?;
                group.items.push(shipped_item(message, line)?);
                at += taken;
                continue;
            }
            "PAC" => {
                group.packed = true;
                if segment.text(1, 1) == Some("1") {
                    s.get(1, 1);
                }
                group.pack.packaging = s.string(3, 1);
                s.leftovers(&format!("{prefix}.PAC"), extensions);
            }
            "MEA" if group.pack.weight.is_none() => {
                group.packed = true;
                s.get(1, 1);
                s.get(2, 1);
                let value = s.require_decimal(3, 2, "measurement value (6314)")?;
                group.pack.weight = Some(Quantity {
                    value,
                    unit: s.get(3, 1).unwrap_or("KGM").to_owned(),
                });
                s.leftovers(&format!("{prefix}.MEA"), extensions);
            }
            "PCI" => {
                group.packed = true;
                extensions.push(raw_extension(segment));
            }
            "GIN" => {
                group.packed = true;
                let code = s.require(1, 1, "identity number qualifier (7405)")?;
                for e in 2..=6 {
                    if let Some(value) = s.get(e, 1) {
                        group.pack.marks.push(id(mark_scheme(code), value));
                    }
                }
                s.leftovers(&format!("{prefix}.GIN"), extensions);
            }
            _ => extensions.push(raw_extension(segment)),
        }
        at += 1;
    }
    Ok((group, at))
}

fn shipped_item(
    message: &Message,
    mut line: items::Line<'_>,
) -> Result<(Option<String>, ShippedItem, OrderFacts), AdapterError> {
    let take = |line: &mut items::Line<'_>, qualifier: &str| {
        line.quantities
            .iter()
            .position(|(q, _)| q == qualifier)
            .map(|at| line.quantities.remove(at).1)
    };
    let Some(quantity) = take(&mut line, "12")
        .or_else(|| (!line.quantities.is_empty()).then(|| line.quantities.remove(0).1))
    else {
        return Err(error::validation(format!(
            "item {} has no despatched quantity (QTY+12)",
            line.number
        ))
        .at_segment(message.context.locate(line.lin, None, None)));
    };
    let ordered = take(&mut line, "21");
    let po = line.take_reference("ON");
    let order_line = line.take_reference("LI");
    let mut extensions = std::mem::take(&mut line.extensions);
    for (qualifier, other) in &line.quantities {
        extensions.push(wharf_guest_sdk::text_extension(
            "edifact.QTY",
            format!("{qualifier}:{}:{}", other.value, other.unit),
        ));
    }
    let (mut lots, mut serials) = (Vec::new(), Vec::new());
    for segment in &line.rest {
        let numbers: Vec<String> = (2..=6)
            .filter_map(|e| segment.text(e, 1).map(str::to_owned))
            .collect();
        let only_numbers = segment.elements.iter().skip(1).all(|e| e.len() <= 1);
        match (segment.tag.as_str(), segment.text(1, 1)) {
            ("GIN", Some("BX")) if only_numbers => lots.extend(numbers),
            ("GIN", Some("BN")) if only_numbers => serials.extend(numbers),
            _ => extensions.push(raw_extension(segment)),
        }
    }
    Ok((
        po,
        ShippedItem {
            line_number: line.number,
            order_line,
            item_ids: line.item_ids,
            description: line.description,
            quantity,
            ordered,
            lots,
            serials,
            extensions,
        },
        OrderFacts {
            references: line.references,
            dates: line.dates,
        },
    ))
}

/// Groups the CPS groups' items into orders, each with the packs holding its items and their
/// ancestors; unpacked groups' items become the order's own items.
fn assemble(groups: Vec<Cps>, default_po: Option<String>) -> Vec<ShippedOrder> {
    let mut orders: Vec<ShippedOrder> = Vec::new();
    let fallback = default_po.unwrap_or_default();
    let parents: Vec<(String, Option<String>)> = groups
        .iter()
        .map(|g| (g.pack.pack_id.clone(), g.pack.parent_pack.clone()))
        .collect();
    for group in &groups {
        for (po, item, facts) in &group.items {
            let po = po.clone().unwrap_or_else(|| fallback.clone());
            let at = match orders.iter().position(|o| o.po_number == po) {
                Some(at) => at,
                None => {
                    orders.push(ShippedOrder {
                        po_number: po,
                        references: Vec::new(),
                        dates: Vec::new(),
                        packs: Vec::new(),
                        items: Vec::new(),
                    });
                    orders.len() - 1
                }
            };
            let order = &mut orders[at];
            for reference in &facts.references {
                if !order.references.contains(reference) {
                    order.references.push(reference.clone());
                }
            }
            for date in &facts.dates {
                if !order.dates.contains(date) {
                    order.dates.push(date.clone());
                }
            }
            if !group.packed {
                order.items.push(item.clone());
                continue;
            }
            match order
                .packs
                .iter_mut()
                .find(|p| p.pack_id == group.pack.pack_id)
            {
                Some(pack) => pack.items.push(item.clone()),
                None => {
                    let mut pack = group.pack.clone();
                    pack.items.push(item.clone());
                    order.packs.push(pack);
                }
            }
        }
    }
    if orders.is_empty() {
        orders.push(ShippedOrder {
            po_number: fallback,
            references: Vec::new(),
            dates: Vec::new(),
            packs: Vec::new(),
            items: Vec::new(),
        });
    }
    let single = orders.len() == 1;
    for order in &mut orders {
        let mut needed: Vec<String> = Vec::new();
        for pack in &order.packs {
            let mut parent = pack.parent_pack.clone();
            while let Some(p) = parent.filter(|p| !needed.contains(p)) {
                parent = parents
                    .iter()
                    .find(|(id, _)| *id == p)
                    .and_then(|(_, up)| up.clone());
                needed.push(p);
            }
        }
        let packs: Vec<Pack> = groups
            .iter()
            .filter(|g| g.packed)
            .filter_map(|g| {
                let own = order
                    .packs
                    .iter()
                    .find(|p| p.pack_id == g.pack.pack_id)
                    .cloned();
                own.or_else(|| (single || needed.contains(&g.pack.pack_id)).then(|| g.pack.clone()))
            })
            .collect();
        order.packs = packs;
    }
    orders
}

/// Marks as GIN segments: SSCCs as GIN+BJ, `edifact:<7405>` as GIN+<7405>.
pub(crate) fn mark_code(mark: &Identifier) -> Option<&str> {
    match mark.scheme.as_str() {
        "sscc" => Some("BJ"),
        other => other.strip_prefix("edifact:"),
    }
}
