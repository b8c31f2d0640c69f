//! Writing a canonical ship notice as the body of a DESADV message (BGM to CNT).
//!
//! Unpacked items go under a first CPS without packaging; then every pack, once even when
//! several orders share it, as CPS with PAC (always written, so it reads back as a pack),
//! MEA, GIN marks and its items from every order. With one order the heading names it
//! (RFF+ON); with several each item does. An order's own references and dates (the order
//! date, 2005 `4`) are repeated in each of its items' LIN groups.

use wharf_guest_sdk::canonical::{Pack, ShipNotice, ShippedItem, ShippedOrder};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::error;

use super::{ids, mark_code};
use crate::codes;
use crate::header::{Common, write_bgm, write_common};
use crate::items::{write_item, write_quantity};
use crate::writer::{Kept, Out, number};

/// Writes a ship notice as the body of a DESADV message.
pub fn write(notice: &ShipNotice, mark: char) -> Result<Vec<Out>, AdapterError> {
    if notice.shipment_id.is_empty() {
        return Err(
            error::validation("a DESADV needs a despatch advice number").at_xml("shipment_id")
        );
    }
    let mut kept = Kept::new(&notice.extensions);
    let code = kept
        .take("edifact.BGM.C002")
        .unwrap_or_else(|| "351".to_owned());
    let mut out = vec![write_bgm(
        &code,
        &notice.shipment_id,
        notice.purpose.as_deref(),
        &mut kept,
    )];
    let single = notice.orders.len() == 1;
    let mut references = Vec::new();
    if let (true, Some(order)) = (single, notice.orders.first()) {
        references.push(wharf_guest_sdk::id("edifact:ON", order.po_number.clone()));
    }
    references.extend(notice.references.iter().cloned());
    if let Some(carrier) = &notice.carrier {
        references.extend(
            carrier
                .tracking_numbers
                .iter()
                .map(|t| wharf_guest_sdk::id("edifact:CN", t.clone())),
        );
    }
    out.extend(write_common(
        &Common {
            dates: &notice.dates,
            notes: &notice.notes,
            payment_terms: None,
            references: &references,
            parties: &notice.parties,
            currency: None,
        },
        &mut kept,
    )?);
    if let Some(carrier) = &notice.carrier {
        let mut tdt = Out::new("TDT")
            .el(&["20"])
            .el(&[""])
            .opt(carrier.mode.as_deref())
            .el(&[""]);
        if let Some(first) = carrier.ids.first() {
            let agency = codes::party_agency(&first.scheme).unwrap_or("ZZZ");
            tdt = tdt.el(&[
                first.value.as_str(),
                "",
                agency,
                carrier.name.as_deref().unwrap_or_default(),
            ]);
        } else if let Some(name) = &carrier.name {
            tdt = tdt.el(&["", "", "", name.as_str()]);
        }
        kept.restore("edifact.TDT", &mut tdt);
        out.push(tdt);
    }
    if let Some(weight) = &notice.gross_weight {
        let value = number(&weight.value, mark, "gross_weight")?;
        let mut mea = Out::new("MEA")
            .el(&["PD"])
            .el(&["AAD"])
            .el(&[weight.unit.as_str(), value.as_str()]);
        kept.restore("edifact.MEA", &mut mea);
        out.push(mea);
    }
    let packs = unique_packs(notice);
    let unpacked: Vec<(&ShippedOrder, &ShippedItem, usize)> = notice
        .orders
        .iter()
        .enumerate()
        .flat_map(|(o, order)| order.items.iter().map(move |item| (order, item, o)))
        .collect();
    let mut items = 0;
    let kept_unpacked = (!unpacked.is_empty()).then(|| kept.take("edifact.CPS.7164"));
    let (numbers, unpacked_id) = ids::cps_numbers(&packs, kept_unpacked);
    let cps = |pack_id: &str| {
        numbers
            .get(pack_id)
            .cloned()
            .unwrap_or_else(|| pack_id.to_owned())
    };
    if let Some(id) = unpacked_id {
        out.push(Out::new("CPS").el(&[id.as_str()]));
        for (i, (order, item, o)) in unpacked.iter().enumerate() {
            let path = format!("orders[{}].items[{}]", o + 1, i + 1);
            out.extend(write_shipped(item, order, single, mark, &path)?);
            items += 1;
        }
    }
    for pack in &packs {
        let prefix = format!("edifact.CPS[{}]", pack.pack_id);
        let mut cps = Out::new("CPS")
            .el(&[cps(&pack.pack_id).as_str()])
            .opt(pack.parent_pack.as_deref().map(cps).as_deref());
        kept.restore(&prefix, &mut cps);
        out.push(cps);
        let mut pac = Out::new("PAC")
            .el(&["1"])
            .el(&[""])
            .opt(pack.packaging.as_deref());
        kept.restore(&format!("{prefix}.PAC"), &mut pac);
        out.push(pac);
        if let Some(weight) = &pack.weight {
            let value = number(
                &weight.value,
                mark,
                &format!("packs[{}].weight", pack.pack_id),
            )?;
            let mut mea = Out::new("MEA")
                .el(&["PD"])
                .el(&["AAB"])
                .el(&[weight.unit.as_str(), value.as_str()]);
            kept.restore(&format!("{prefix}.MEA"), &mut mea);
            out.push(mea);
        }
        for mark_id in &pack.marks {
            if let Some(code) = mark_code(mark_id) {
                out.push(Out::new("GIN").el(&[code]).el(&[mark_id.value.as_str()]));
            }
        }
        for (o, order) in notice.orders.iter().enumerate() {
            for own in order.packs.iter().filter(|p| p.pack_id == pack.pack_id) {
                for (i, item) in own.items.iter().enumerate() {
                    let path =
                        format!("orders[{}].packs[{}].items[{}]", o + 1, pack.pack_id, i + 1);
                    out.extend(write_shipped(item, order, single, mark, &path)?);
                    items += 1;
                }
            }
        }
    }
    out.extend(kept.raw_segments());
    out.push(Out::new("CNT").el(&["2", &items.to_string()]));
    if let Some(count) = &notice.package_count {
        let value = number(count, mark, "package_count")?;
        out.push(Out::new("CNT").el(&["11", value.as_str()]));
    }
    Ok(out)
}

/// Every pack once, in the order first met, without items (each order writes its own).
fn unique_packs(notice: &ShipNotice) -> Vec<Pack> {
    let mut packs: Vec<Pack> = Vec::new();
    for pack in notice.orders.iter().flat_map(|o| o.packs.iter()) {
        if !packs.iter().any(|p| p.pack_id == pack.pack_id) {
            packs.push(Pack {
                items: Vec::new(),
                ..pack.clone()
            });
        }
    }
    packs
}

/// An item's LIN group. The item names its order (RFF+ON) when the notice has several, and
/// repeats its order's references and dates (its SG16 RFF-DTM), since D.96A gives an order no
/// group of its own.
fn write_shipped(
    item: &ShippedItem,
    order: &ShippedOrder,
    single: bool,
    mark: char,
    path: &str,
) -> Result<Vec<Out>, AdapterError> {
    let mut kept = Kept::new(&item.extensions);
    let mut out = write_item(
        &item.line_number,
        None,
        &item.item_ids,
        item.description.as_deref(),
        &mut kept,
    );
    out.push(write_quantity(
        "12",
        &item.quantity,
        mark,
        &mut kept,
        &format!("{path}.quantity"),
    )?);
    if let Some(ordered) = &item.ordered {
        out.push(write_quantity(
            "21",
            ordered,
            mark,
            &mut kept,
            &format!("{path}.ordered"),
        )?);
    }
    if !single {
        out.push(Out::new("RFF").el(&["ON", order.po_number.as_str()]));
    }
    if let Some(line) = &item.order_line {
        out.push(Out::new("RFF").el(&["LI", line.as_str()]));
    }
    out.extend(crate::common::write_references(&order.references));
    out.extend(crate::common::write_dates(
        &order.dates,
        &mut kept,
        &format!("{path}.order.dates"),
    )?);
    out.extend(
        item.lots
            .iter()
            .map(|lot| Out::new("GIN").el(&["BX"]).el(&[lot.as_str()])),
    );
    out.extend(
        item.serials
            .iter()
            .map(|serial| Out::new("GIN").el(&["BN"]).el(&[serial.as_str()])),
    );
    out.extend(kept.raw_segments());
    Ok(out)
}
