//! Purchase orders and order changes (ORDERS05). Prices are in the order's currency (an item
//! names its own only where it differs, and reads the header's otherwise), schedule lines count
//! in their item's unit with at most one date (E1EDP20 has no unit and one EDATU), and an
//! update never cancels every line: ORDCHG reads that back as a cancellation of the order.

use proptest::prelude::*;
use wharf_guest_sdk::canonical::{
    ChangeKind, DateKind, Dated, LineChange, LineChangeKind, Money, OrderChange, OrderLine, Price,
    PurchaseOrder, Quantity, ScheduleLine,
};
use wharf_guest_sdk::id;

use crate::common::{
    HEADER_DATES, amount, date, dates, item_ids, line_number, notes, parties, positive, quantity,
    token, words,
};

pub const ITEM_DATES: &[(&str, DateKind)] = &[
    ("001", DateKind::PromisedDelivery),
    ("002", DateKind::RequestedDelivery),
];

pub fn currency() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop::sample::select(vec!["EUR", "USD", "CHF"]).prop_map(str::to_owned))
}

/// E1EDK02 references other than the purchase order itself (QUALF 001).
pub fn references() -> impl Strategy<Value = Vec<wharf_guest_sdk::canonical::Identifier>> {
    prop::sample::subsequence(vec!["002", "004", "011"], 0..=2).prop_flat_map(|qualifiers| {
        let n = qualifiers.len();
        prop::collection::vec(token(), n).prop_map(move |values| {
            qualifiers
                .iter()
                .zip(values)
                .map(|(qualf, value)| {
                    // A QUALF the scheme table holds reads as its canonical scheme.
                    let scheme = wharf_guest_sdk::schemes::from_code(
                        wharf_guest_sdk::schemes::Standard::Sap,
                        qualf,
                    )
                    .map_or_else(|| format!("sap:E1EDK02:{qualf}"), str::to_owned);
                    id(scheme, value)
                })
                .collect()
        })
    })
}

fn line(currency: Option<String>) -> impl Strategy<Value = OrderLine> {
    (
        item_ids(),
        prop::option::of(words()),
        quantity(),
        prop::option::of((positive(), prop::option::of(positive()))),
        prop::collection::vec((positive(), prop::option::of(date())), 0..3),
        dates(ITEM_DATES),
        notes(&["F03", "F04"]),
    )
        .prop_map(
            move |(item_ids, description, quantity, price, schedule, dates, notes)| OrderLine {
                line_number: String::new(),
                parent_line: None,
                item_ids,
                description,
                price: price.map(|(amount, per)| Price {
                    amount,
                    currency: currency.clone(),
                    // A basis restating one order unit is no basis (SAP's PEINH 1).
                    basis: per.filter(|per| per != "1").map(|value| Quantity {
                        value,
                        unit: quantity.unit.clone(),
                    }),
                }),
                schedule: schedule
                    .into_iter()
                    .map(|(value, day)| ScheduleLine {
                        quantity: Quantity {
                            value,
                            unit: quantity.unit.clone(),
                        },
                        dates: day
                            .map(|value| Dated {
                                kind: DateKind::RequestedDelivery,
                                value,
                                qualifier: Some("EDATU".to_owned()),
                            })
                            .into_iter()
                            .collect(),
                    })
                    .collect(),
                quantity,
                dates,
                references: Vec::new(),
                notes,
                extensions: Vec::new(),
            },
        )
}

fn lines(currency: Option<String>, at_least: usize) -> impl Strategy<Value = Vec<OrderLine>> {
    prop::collection::vec(line(currency), at_least..4).prop_map(|mut lines| {
        for (index, line) in lines.iter_mut().enumerate() {
            line.line_number = line_number(index);
        }
        lines
    })
}

pub fn purchase_order() -> impl Strategy<Value = PurchaseOrder> {
    currency().prop_flat_map(|currency| {
        (
            "[0-9]{10}",
            prop::option::of(prop::sample::select(vec!["NB", "FO", "UB"])),
            prop::option::of(token()),
            (
                dates(HEADER_DATES),
                parties("buyer", true),
                references(),
                notes(&["F01", "F02"]),
            ),
            lines(currency.clone(), 1),
            prop::option::of(amount()),
        )
            .prop_map(
                move |(
                    po_number,
                    order_type,
                    terms,
                    (dates, parties, references, notes),
                    lines,
                    total,
                )| {
                    PurchaseOrder {
                        po_number,
                        order_type: order_type.map(str::to_owned),
                        currency: currency.clone(),
                        dates,
                        parties,
                        references,
                        payment_terms: terms,
                        notes,
                        lines,
                        total: total.map(|amount| Money {
                            amount,
                            currency: currency.clone(),
                        }),
                        extensions: Vec::new(),
                    }
                },
            )
    })
}

fn change_of(code: Option<&str>) -> LineChangeKind {
    match code {
        Some("001") => LineChangeKind::Add,
        Some("002") => LineChangeKind::Change,
        Some("003") => LineChangeKind::Cancel,
        _ => LineChangeKind::Unchanged,
    }
}

pub fn order_change() -> impl Strategy<Value = OrderChange> {
    currency().prop_flat_map(|currency| {
        (
            "[0-9]{10}",
            any::<bool>(),
            (
                dates(HEADER_DATES),
                parties("buyer", true),
                references(),
                notes(&["F01"]),
            ),
            lines(currency.clone(), 0),
            prop::collection::vec(
                prop::option::of(prop::sample::select(vec!["001", "002", "003", "004"])),
                4,
            ),
        )
            .prop_map(
                move |(po_number, cancel, (dates, parties, references, notes), lines, codes)| {
                    let mut lines: Vec<LineChange> = lines
                        .into_iter()
                        .zip(codes)
                        .map(|(line, code)| LineChange {
                            change: change_of(code),
                            change_code: code.map(str::to_owned),
                            line,
                        })
                        .collect();
                    let all_cancelled = !lines.is_empty()
                        && lines.iter().all(|l| l.change == LineChangeKind::Cancel);
                    if !cancel && all_cancelled {
                        // An update that cancels every line reads back as a cancellation.
                        lines[0].change = LineChangeKind::Change;
                        lines[0].change_code = Some("002".to_owned());
                    }
                    OrderChange {
                        change_number: None,
                        po_number,
                        kind: if cancel {
                            ChangeKind::Cancel
                        } else {
                            ChangeKind::Update
                        },
                        revision: None,
                        currency: currency.clone(),
                        dates,
                        parties,
                        references,
                        notes,
                        lines,
                        extensions: Vec::new(),
                    }
                },
            )
    })
}
