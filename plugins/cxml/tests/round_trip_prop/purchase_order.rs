//! Purchase orders (`<OrderRequest type="new">`) in the form the decoder produces.
//!
//! Kept within what cXML writes exactly (see `src/order_request.rs`, `src/money.rs`,
//! `src/item.rs`, `src/comments.rs`, `src/addressee.rs`):
//! - a BillTo is always present, and no buyer Contact that it could copy (a BillTo equal to a
//!   buyer Contact reads back as the buyer alone);
//! - every line has a supplier part id, and a buyer part id differs from it (a SupplierPartID
//!   equal to the BuyerPartID reads back as the buyer id alone);
//! - every price, the order and its total share one currency; the total is stated (the
//!   encoder would otherwise derive it) as the sum cXML would write;
//! - a price basis is of the line's own unit and other than 1 (a basis of one line unit reads
//!   back as none; another unit needs a conversion factor extension);
//! - no header requested delivery date (the encoder copies it onto the lines), and a line's
//!   own requested delivery date only when it has no schedule (the first scheduled date is
//!   written in the same attribute);
//! - at most one note per header and line (several are joined into one `<Comments>`);
//! - no references or non-Extrinsic extensions (cXML has no place for them).

use proptest::prelude::*;
use wharf_guest_sdk::canonical::{
    Address, DateKind, Dated, Money, Note, OrderLine, Party, PartyRole, Price, PurchaseOrder,
    Quantity, ScheduleLine,
};
use wharf_guest_sdk::{decimal, id, text_extension};

use super::{amount, date, token, words};

pub const CURRENCIES: [&str; 3] = ["EUR", "USD", "CHF"];

/// A ShipTo or BillTo party as `<ShipTo>`/`<BillTo>` reads back.
pub fn ship_or_bill(role: PartyRole, code: &'static str) -> impl Strategy<Value = Party> {
    (
        prop::option::of(token()),
        words(),
        prop::collection::vec(words(), 1..3),
        words(),
        prop::option::of("[A-Z]{2}"),
        prop::option::of("[0-9]{4,5}"),
        prop::sample::select(vec!["DE", "US", "CH"]),
    )
        .prop_map(
            move |(address_id, name, street, city, region, postal_code, country)| Party {
                role,
                role_code: Some(code.to_owned()),
                ids: address_id.map(|v| id("buyer", v)).into_iter().collect(),
                name: Some(name),
                address: Some(Address {
                    street,
                    city: Some(city),
                    region,
                    postal_code,
                    country: Some(country.to_owned()),
                }),
                contacts: Vec::new(),
            },
        )
}

fn requested(value: String) -> Dated {
    Dated {
        kind: DateKind::RequestedDelivery,
        value,
        qualifier: Some("requestedDeliveryDate".to_owned()),
    }
}

/// Item ids in the order the decoder reads them: ItemID children, ManufacturerPartID, then
/// the `ItemID.<scheme>` Extrinsics.
fn item_ids() -> impl Strategy<Value = Vec<wharf_guest_sdk::canonical::Identifier>> {
    (
        token(),
        prop::option::of(token()),
        prop::option::of(token()),
        prop::option::of(token()),
        prop::option::of("[0-9]{13}"),
    )
        .prop_map(|(supplier, aux, buyer, manufacturer, gtin)| {
            let mut ids = vec![id("supplier", supplier.clone())];
            ids.extend(aux.map(|v| id("supplier-aux", v)));
            ids.extend(buyer.filter(|b| *b != supplier).map(|v| id("buyer", v)));
            ids.extend(manufacturer.map(|v| id("manufacturer", v)));
            ids.extend(gtin.map(|v| id("gtin", v)));
            ids
        })
}

/// A line priced in `currency`; its number is set by the order.
fn line(currency: &'static str) -> impl Strategy<Value = OrderLine> {
    (
        item_ids(),
        prop::option::of(words()),
        amount(),
        prop::sample::select(vec!["EA", "KGM", "MTR"]),
        (
            amount(),
            prop::option::of(prop::sample::select(vec!["10", "100", "1000"])),
        ),
        prop::collection::vec((amount(), date()), 0..3),
        prop::option::of(date()),
        prop::option::of(words()),
        // Every ItemDetail holds a Classification (the DTD requires one).
        "[0-9]{8}".prop_map(Some),
        prop::option::of(token()),
    )
        .prop_map(
            move |(
                item_ids,
                description,
                quantity,
                unit,
                (price, basis),
                schedule,
                own_date,
                note,
                unspsc,
                cost_center,
            )| {
                let mut extensions = Vec::new();
                extensions.extend(unspsc.map(|c| text_extension("cxml.Classification.UNSPSC", c)));
                extensions
                    .extend(cost_center.map(|c| text_extension("cxml.Extrinsic.CostCenter", c)));
                OrderLine {
                    line_number: String::new(),
                    parent_line: None,
                    item_ids,
                    description,
                    quantity: Quantity {
                        value: quantity,
                        unit: unit.to_owned(),
                    },
                    price: Some(Price {
                        amount: price,
                        currency: Some(currency.to_owned()),
                        basis: basis.map(|value| Quantity {
                            value: value.to_owned(),
                            unit: unit.to_owned(),
                        }),
                    }),
                    dates: own_date
                        .filter(|_| schedule.is_empty())
                        .map(requested)
                        .into_iter()
                        .collect(),
                    schedule: schedule
                        .into_iter()
                        .map(|(value, date)| ScheduleLine {
                            quantity: Quantity {
                                value,
                                unit: unit.to_owned(),
                            },
                            dates: vec![requested(date)],
                        })
                        .collect(),
                    references: Vec::new(),
                    notes: note
                        .map(|text| Note { kind: None, text })
                        .into_iter()
                        .collect(),
                    extensions,
                }
            },
        )
}

/// The total the encoder derives: quantity × price ÷ basis over the lines, to 4 places.
pub fn derived_total(lines: &[OrderLine]) -> String {
    let parse = |text: &str| decimal::parse(text).expect("a generated decimal");
    let mut sum = parse("0");
    for line in lines {
        let price = line.price.as_ref().expect("a generated price");
        let mut amount = parse(&line.quantity.value) * parse(&price.amount);
        if let Some(basis) = &price.basis {
            amount /= parse(&basis.value);
        }
        sum += amount;
    }
    decimal::format(sum.round_dp(4))
}

pub fn purchase_order() -> impl Strategy<Value = PurchaseOrder> {
    prop::sample::select(CURRENCIES.to_vec()).prop_flat_map(|currency| {
        (
            token(),
            prop::option::of(prop::sample::select(vec!["regular", "release", "blanket"])),
            date(),
            prop::option::of((prop::sample::select(vec!["011", "cutoff"]), date())),
            prop::option::of(ship_or_bill(PartyRole::ShipTo, "ShipTo")),
            ship_or_bill(PartyRole::BillTo, "BillTo"),
            prop::option::of(prop::sample::select(vec!["ZB14", "NT30", "Z001"])),
            prop::option::of((prop::option::of(Just("general")), words())),
            prop::collection::vec(line(currency), 1..4),
            prop::option::of(words()),
        )
            .prop_map(
                move |(
                    po_number,
                    order_type,
                    order_date,
                    other_date,
                    ship_to,
                    bill_to,
                    payment_terms,
                    note,
                    mut lines,
                    requester,
                )| {
                    for (i, line) in lines.iter_mut().enumerate() {
                        line.line_number = ((i + 1) * 10).to_string();
                        // Every third line is a sub-line of the first (ItemOut@parentLineNumber).
                        if i % 3 == 2 {
                            line.parent_line = Some("10".to_owned());
                        }
                    }
                    let mut dates = vec![Dated {
                        kind: DateKind::Document,
                        value: order_date,
                        qualifier: Some("orderDate".to_owned()),
                    }];
                    dates.extend(other_date.map(|(qualifier, value)| Dated {
                        kind: DateKind::Other,
                        value,
                        qualifier: Some(qualifier.to_owned()),
                    }));
                    PurchaseOrder {
                        po_number,
                        order_type: order_type.map(str::to_owned),
                        currency: Some(currency.to_owned()),
                        dates,
                        parties: ship_to.into_iter().chain([bill_to]).collect(),
                        references: Vec::new(),
                        payment_terms: payment_terms.map(str::to_owned),
                        notes: note
                            .map(|(kind, text)| Note {
                                kind: kind.map(str::to_owned),
                                text,
                            })
                            .into_iter()
                            .collect(),
                        total: Some(Money {
                            amount: derived_total(&lines),
                            currency: Some(currency.to_owned()),
                        }),
                        lines,
                        extensions: requester
                            .map(|r| text_extension("cxml.Extrinsic.Requester", r))
                            .into_iter()
                            .collect(),
                    }
                },
            )
    })
}
