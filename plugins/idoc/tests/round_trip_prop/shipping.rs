//! Ship notices (DELVRY07). Dates come grouped per deadline as E1EDT13 holds them (planned
//! goods issue, its actual, planned delivery, its actual); a pack's id is its SSCC, the mark
//! EXIDV reads back as; every item is either loose or in one pack, never split (a split item
//! is one E1EDL24 whose quantity the reader shares out again); item ids come in E1EDL24's
//! field order (KDMAT, MATNR, EAN11); an order's date is a day (E1EDL41 BSTDT).

use proptest::prelude::*;
use wharf_guest_sdk::canonical::{
    Carrier, DateKind, Dated, Pack, Quantity, ShipNotice, ShippedItem, ShippedOrder,
};
use wharf_guest_sdk::id;

use crate::common::{
    amount, date, day, item_ids, notes, parties, positive, quantity, token, words,
};

const DEADLINES: [(&str, DateKind); 4] = [
    ("006", DateKind::Shipped),
    ("006.ISDD", DateKind::Shipped),
    ("007", DateKind::ExpectedDelivery),
    ("007.ISDD", DateKind::Delivered),
];

fn deadlines() -> impl Strategy<Value = Vec<Dated>> {
    prop::collection::vec(prop::option::of(date()), 4).prop_map(|values| {
        DEADLINES
            .iter()
            .zip(values)
            .filter_map(|((qualifier, kind), value)| {
                value.map(|value| Dated {
                    kind: *kind,
                    value,
                    qualifier: Some((*qualifier).to_owned()),
                })
            })
            .collect()
    })
}

fn item() -> impl Strategy<Value = ShippedItem> {
    (
        prop::option::of("[0-9]{5}"),
        item_ids(),
        prop::option::of(words()),
        quantity(),
        prop::option::of(token()),
        prop::collection::btree_set("SN-[0-9]{4}", 0..3),
    )
        .prop_map(
            |(order_line, item_ids, description, quantity, lot, serials)| ShippedItem {
                line_number: String::new(),
                order_line,
                item_ids,
                description,
                quantity,
                ordered: None,
                lots: lot.into_iter().collect(),
                serials: serials.into_iter().collect(),
                extensions: Vec::new(),
            },
        )
}

type PackBody = (Option<String>, Option<String>, Vec<ShippedItem>);

fn order() -> impl Strategy<Value = (Option<String>, Vec<PackBody>, Vec<ShippedItem>)> {
    (
        prop::option::of(day()),
        prop::collection::vec(
            (
                prop::option::of(token()),
                prop::option::of(positive()),
                prop::collection::vec(item(), 1..3),
            ),
            0..3,
        ),
        prop::collection::vec(item(), 1..3),
    )
}

/// A carrier as DELVRY holds it: TRATY, one BOLNR, and the forwarding agent's (SP) partner
/// number and name.
fn carrier() -> impl Strategy<Value = Option<Carrier>> {
    (
        prop::option::of("[0-9]{4}"),
        prop::option::of(token()),
        prop::option::of("[0-9]{4,10}"),
        prop::option::of(words()),
    )
        .prop_map(|(mode, tracking, number, name)| {
            let any = mode.is_some() || tracking.is_some() || number.is_some() || name.is_some();
            any.then(|| Carrier {
                ids: number.map(|n| id("supplier", n)).into_iter().collect(),
                name,
                mode,
                tracking_numbers: tracking.into_iter().collect(),
            })
        })
}

pub fn ship_notice() -> impl Strategy<Value = ShipNotice> {
    (
        ("[0-9]{10}", prop::option::of(token())),
        prop::option::of(prop::sample::select(vec!["ORI", "CHG", "DEL"])),
        (
            deadlines(),
            parties("supplier", false),
            carrier(),
            notes(&["0001", "0012", "Z001"]),
        ),
        (
            prop::option::of(amount()),
            prop::option::of("[1-9][0-9]{0,2}"),
        ),
        prop::collection::btree_set("45[0-9]{8}", 1..3),
        prop::collection::vec(order(), 2),
    )
        .prop_map(
            |(
                (shipment_id, delivery_note),
                purpose,
                (dates, parties, carrier, notes),
                (weight, package_count),
                numbers,
                bodies,
            )| {
                let mut next_line = 0;
                let mut next_pack = 0;
                let mut number = |items: Vec<ShippedItem>| -> Vec<ShippedItem> {
                    items
                        .into_iter()
                        .map(|mut item| {
                            next_line += 1;
                            item.line_number = format!("{:06}", 900_000 + next_line);
                            item
                        })
                        .collect()
                };
                let mut orders = Vec::new();
                for (po_number, (po_date, packs, items)) in numbers.into_iter().zip(bodies) {
                    let packs = packs
                        .into_iter()
                        .map(|(packaging, weight, items)| {
                            next_pack += 1;
                            let sscc = format!("3401234500000{next_pack:05}");
                            Pack {
                                pack_id: sscc.clone(),
                                parent_pack: None,
                                marks: vec![id("sscc", sscc)],
                                packaging,
                                weight: weight.map(|value| Quantity {
                                    value,
                                    unit: "KGM".to_owned(),
                                }),
                                items: number(items),
                            }
                        })
                        .collect();
                    orders.push(ShippedOrder {
                        po_number,
                        references: Vec::new(),
                        dates: po_date
                            .map(|value| Dated {
                                kind: DateKind::Other,
                                value,
                                qualifier: Some("BSTDT".to_owned()),
                            })
                            .into_iter()
                            .collect(),
                        packs,
                        items: number(items),
                    });
                }
                ShipNotice {
                    shipment_id,
                    structure: None,
                    purpose: purpose.map(str::to_owned),
                    dates,
                    parties,
                    references: delivery_note
                        .map(|n| id("delivery-note", n))
                        .into_iter()
                        .collect(),
                    carrier,
                    gross_weight: weight.map(|value| Quantity {
                        value,
                        unit: "KGM".to_owned(),
                    }),
                    package_count: package_count.map(|c| c.to_owned()),
                    orders,
                    notes,
                    extensions: Vec::new(),
                }
            },
        )
}
