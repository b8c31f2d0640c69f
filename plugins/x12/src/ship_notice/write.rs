//! Writing an 856: BSN, the shipment level, then per order its packs (each followed by its
//! items) and its loose items, numbered so that packs and items keep their ids as HL01 where
//! those are valid HL ids; shipment and order levels take the free numbers from 1 on.

use std::collections::HashSet;

use wharf_guest_sdk::canonical::{Pack, ShipNotice, ShippedItem};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::{decimal, error, log};

use crate::common;
use crate::items;
use crate::parties;
use crate::purchase_order::split_document_date;
use crate::ship_notice::levels::LINE_ITEM;
use crate::ship_notice::levels::ONE_PACKAGE;
use crate::ship_notice::read::{
    BILL_OF_LADING, BILL_OF_LADING_KEY, CARRIER_PRO, NO_TIME, default_pack_code,
};
use crate::writer::{Out, extension, extension_text, raw_segments};

/// Hands out HL01 numbers, keeping ids the document chose.
struct Numbers {
    /// Ids of packs and items, reserved before anything is numbered.
    reserved: HashSet<String>,
    taken: HashSet<String>,
    next: u32,
}

impl Numbers {
    fn fresh(&mut self) -> String {
        loop {
            self.next += 1;
            let candidate = self.next.to_string();
            if !self.reserved.contains(&candidate) && self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
    }

    /// `wanted` when it is a valid HL id not used yet, else a fresh number.
    fn keep(&mut self, wanted: &str) -> String {
        let valid = !wanted.is_empty()
            && wanted.len() <= 12
            && wanted
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'));
        if valid && self.taken.insert(wanted.to_owned()) {
            wanted.to_owned()
        } else {
            log::warn(&format!(
                "{wanted:?} cannot be an HL id here; a fresh number is written"
            ));
            self.fresh()
        }
    }
}

fn hl(id: &str, parent: Option<&str>, code: &str, children: bool) -> Out {
    Out::new("HL")
        .with(1, id)
        .with_opt(2, parent)
        .with(3, code)
        .with(4, if children { "1" } else { "0" })
}

/// BSN05: the structure the notice was read with, unless the tree written here (always
/// shipment → order → pack → item) is not that structure: packs are never written under items,
/// so a notice read as 0002 (S-O-I-P) or with packs under 0004 (S-O-I) is written as 0001.
fn written_structure(notice: &ShipNotice) -> String {
    let packed = notice.orders.iter().any(|o| !o.packs.is_empty());
    match notice.structure.as_deref() {
        Some("0002") | Some("0004") if packed => "0001".to_owned(),
        Some(kept) => kept.to_owned(),
        None => "0001".to_owned(),
    }
}

pub fn write(notice: &ShipNotice) -> Result<Vec<Out>, AdapterError> {
    let ext = &notice.extensions;
    let mut out = Vec::new();
    let (main, dates) = split_document_date(&notice.dates);
    let (day, time) = match main {
        Some(d) => {
            let (day, time, _) = common::compact(&d.value, "dates")?;
            (day, time)
        }
        // BSN03 and BSN04 (004010) are mandatory and date the notice itself; the write time
        // would be a date the sender never gave (a DELVRY IDoc dates only its deadlines).
        None => {
            return Err(error::validation(
                "X12 requires a notice date (BSN03): the ship notice gives none (a date of \
                 kind Document)",
            )
            .at_xml("dates"));
        }
    };
    out.push(
        Out::new("BSN")
            .with(1, notice.purpose.clone().unwrap_or_else(|| "00".to_owned()))
            .with(2, notice.shipment_id.clone())
            .with(3, day)
            .with(4, time.unwrap_or_else(|| NO_TIME.to_owned()))
            .with(5, written_structure(notice))
            .restore(ext, ""),
    );
    // Packs and items keep their ids, so those are reserved before numbering the rest.
    let reserved = notice
        .orders
        .iter()
        .flat_map(|o| {
            let packed = o.packs.iter().flat_map(|p| p.items.iter());
            o.packs
                .iter()
                .map(|p| p.pack_id.clone())
                .chain(packed.chain(o.items.iter()).map(|i| i.line_number.clone()))
        })
        .collect();
    let mut numbers = Numbers {
        reserved,
        taken: HashSet::new(),
        next: 0,
    };
    let shipment = numbers.fresh();
    let mut count = 1;
    out.push(
        hl(&shipment, None, "S", !notice.orders.is_empty())
            .restore(ext, &format!("HL.{shipment}.")),
    );
    if notice.package_count.is_some() || notice.gross_weight.is_some() {
        let mut td1 = Out::new("TD1").with_opt(2, notice.package_count.clone());
        if let Some(weight) = &notice.gross_weight {
            td1.set(6, "G")
                .set(7, weight.value.clone())
                .set(8, crate::codes::x12_unit(&weight.unit));
        }
        out.push(td1.restore(ext, ""));
    }
    if let Some(carrier) = &notice.carrier {
        let mut td5 = Out::new("TD5")
            .with_opt(4, carrier.mode.clone())
            .with_opt(5, carrier.name.clone());
        // TD502 is element 66, as N103: SCAC (2), DUNS (1), the parties' own numbers (91, 92).
        if let Some((q, code)) = carrier
            .ids
            .iter()
            .find_map(|i| crate::codes::party_qualifier(&i.scheme).map(|q| (q, &i.value)))
        {
            td5.set(2, q).set(3, code.clone());
        }
        let td5 = td5.restore(ext, "");
        if (2..=5).any(|n| td5.has(n)) {
            out.push(td5);
        }
    }
    out.extend(notice.references.iter().filter_map(common::write_ref));
    if let Some(carrier) = &notice.carrier {
        for number in &carrier.tracking_numbers {
            let bill_of_lading = ext
                .iter()
                .any(|e| e.key == BILL_OF_LADING_KEY && extension_text(&e.value) == *number);
            let qualifier = if bill_of_lading {
                BILL_OF_LADING
            } else {
                CARRIER_PRO
            };
            out.push(Out::new("REF").with(1, qualifier).with(2, number.clone()));
        }
    }
    for (i, dated) in dates.iter().enumerate() {
        out.push(common::write_dtm(dated, &format!("dates[{i}]"))?);
    }
    out.extend(notice.notes.iter().flat_map(common::write_note));
    out.extend(raw_segments(ext, ""));
    for party in &notice.parties {
        parties::write(party, ext, &mut out)?;
    }
    let mut quantities = Vec::new();
    for (o, order) in notice.orders.iter().enumerate() {
        let path = format!("orders[{o}]");
        let order_hl = numbers.fresh();
        count += 1;
        let children = !order.packs.is_empty() || !order.items.is_empty();
        out.push(
            hl(&order_hl, Some(&shipment), "O", children).restore(ext, &format!("HL.{order_hl}.")),
        );
        let prefix = format!("HL.{order_hl}.");
        let po_date = order
            .dates
            .iter()
            .position(wharf_guest_sdk::date::is_order_date);
        let mut prf = Out::new("PRF").with(1, order.po_number.clone());
        if let Some(d) = po_date.and_then(|i| order.dates.get(i)) {
            prf.set(4, common::compact(&d.value, &format!("{path}.dates"))?.0);
        }
        out.push(prf.restore(ext, &prefix));
        out.extend(order.references.iter().filter_map(common::write_ref));
        for (i, dated) in order
            .dates
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != po_date)
        {
            out.push(common::write_dtm(dated, &format!("{path}.dates[{i}]"))?);
        }
        out.extend(raw_segments(ext, &prefix));
        let mut written: Vec<(String, String)> = Vec::new();
        for (p, pack) in order.packs.iter().enumerate() {
            let path = format!("{path}.packs[{p}]");
            let parent = match &pack.parent_pack {
                None => order_hl.clone(),
                Some(parent) => written
                    .iter()
                    .find(|(id, _)| id == parent)
                    .map(|(_, hl)| hl.clone())
                    .ok_or_else(|| {
                        error::validation(format!(
                            "{path}.parent_pack: {parent:?} is not a pack written before it"
                        ))
                    })?,
            };
            let id = pack_hl(&mut numbers, pack);
            written.push((pack.pack_id.clone(), id.clone()));
            count += 1 + pack.items.len();
            write_pack(pack, &order.packs, &id, &parent, ext, &mut out)?;
            for item in &pack.items {
                write_item(item, &mut numbers, &id, &mut out, &mut quantities);
            }
        }
        for item in &order.items {
            count += 1;
            write_item(item, &mut numbers, &order_hl, &mut out, &mut quantities);
        }
    }
    let quantities: Vec<&str> = quantities.iter().map(String::as_str).collect();
    let total = crate::purchase_order::hash_total(&quantities);
    out.push(
        Out::new("CTT")
            .with(1, count.to_string())
            .with_opt(2, total.map(decimal::format))
            .restore(ext, ""),
    );
    Ok(out)
}

fn pack_hl(numbers: &mut Numbers, pack: &Pack) -> String {
    numbers.keep(&pack.pack_id)
}

fn write_pack(
    pack: &Pack,
    packs: &[Pack],
    id: &str,
    parent: &str,
    ext: &[wharf_guest_sdk::canonical::Extension],
    out: &mut Vec<Out>,
) -> Result<(), AdapterError> {
    // A pack's extensions are keyed by its id, which is its HL01 only when it has no SSCC.
    let prefix = format!("HL.{}.", pack.pack_id);
    let code = extension(ext, &format!("x12.HL.{}.03", pack.pack_id))
        .unwrap_or_else(|| default_pack_code(packs, pack).to_owned());
    let children = !pack.items.is_empty()
        || packs
            .iter()
            .any(|p| p.parent_pack.as_ref() == Some(&pack.pack_id));
    out.push(hl(id, Some(parent), &code, children).restore(ext, &prefix));
    // A mark in another standard's own words (an SAP EXIDV2, `sap:EXIDV2`) has no MAN01
    // code: only its standard writes it back (see wharf_guest_sdk::schemes), and as MAN*ZZ it
    // would come back as a mutually defined mark it never was.
    let marks: Vec<_> = pack
        .marks
        .iter()
        .filter(|mark| {
            let foreign = mark
                .scheme
                .split_once(':')
                .is_some_and(|(standard, _)| standard != "x12");
            if foreign {
                log::warn(&format!(
                    "pack {}: mark {}:{} is another standard's and has no MAN01 code; \
                     it is not written",
                    pack.pack_id, mark.scheme, mark.value
                ));
            }
            !foreign
        })
        .collect();
    for pair in marks.chunks(2) {
        let mut man = Out::new("MAN");
        for (k, mark) in pair.iter().enumerate() {
            let qualifier = if mark.scheme == "sscc" {
                "GM"
            } else {
                mark.scheme.strip_prefix("x12:").unwrap_or("ZZ")
            };
            man.set(1 + 3 * k, qualifier)
                .set(2 + 3 * k, mark.value.clone());
        }
        out.push(man.restore(ext, &prefix));
    }
    if pack.packaging.is_some() || pack.weight.is_some() {
        let mut td1 = Out::new("TD1").with_opt(1, pack.packaging.clone());
        if let Some(weight) = &pack.weight {
            td1.set(6, "G")
                .set(7, weight.value.clone())
                .set(8, crate::codes::x12_unit(&weight.unit));
        }
        let mut td1 = td1.restore(ext, &prefix);
        // TD1 syntax note C0102: a packaging code needs its lading quantity, and a pack is
        // one package unless the decode kept another count.
        if td1.has(1) && !td1.has(2) {
            td1.set(2, ONE_PACKAGE);
        }
        out.push(td1);
    }
    out.extend(raw_segments(ext, &prefix));
    Ok(())
}

fn write_item(
    item: &ShippedItem,
    numbers: &mut Numbers,
    parent: &str,
    out: &mut Vec<Out>,
    quantities: &mut Vec<String>,
) {
    let id = numbers.keep(&item.line_number);
    out.push(hl(&id, Some(parent), "I", false));
    // An item listed in several packs (a delivery item split over handling units), or whose
    // number is no valid HL id, has another HL01: REF*LI, the seller's line item identifier,
    // keeps its own number.
    let renumbered = id != item.line_number;
    let mut lin = Out::new("LIN").with_opt(1, item.order_line.clone());
    items::write_ids(&mut lin, 2, 31, &item.item_ids, &item.extensions, "");
    let lin = lin.restore(&item.extensions, "");
    if (1..=31).any(|n| lin.has(n)) {
        out.push(lin);
    }
    let mut sn1 = Out::new("SN1")
        .with(2, item.quantity.value.clone())
        .with(3, crate::codes::x12_unit(&item.quantity.unit));
    if let Some(ordered) = &item.ordered {
        // SN1 syntax note P0506: the quantity ordered needs its unit; one a source left out is
        // taken to be the unit shipped in.
        let unit = if ordered.unit.is_empty() {
            &item.quantity.unit
        } else {
            &ordered.unit
        };
        sn1.set(5, ordered.value.clone())
            .set(6, crate::codes::x12_unit(unit));
    }
    out.push(sn1.restore(&item.extensions, ""));
    quantities.push(item.quantity.value.clone());
    if let Some(description) = &item.description {
        out.extend(
            description
                .split('\n')
                .map(|line| Out::new("PID").with(1, "F").with(5, line)),
        );
    }
    if renumbered && !item.line_number.is_empty() {
        out.push(
            Out::new("REF")
                .with(1, LINE_ITEM)
                .with(2, item.line_number.clone()),
        );
    }
    out.extend(
        item.lots
            .iter()
            .map(|lot| Out::new("REF").with(1, "LT").with(2, lot.clone())),
    );
    out.extend(
        item.serials
            .iter()
            .map(|s| Out::new("REF").with(1, "SE").with(2, s.clone())),
    );
    out.extend(raw_segments(&item.extensions, ""));
}
