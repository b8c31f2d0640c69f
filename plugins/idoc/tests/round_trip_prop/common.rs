//! Generators every document shares: codes, amounts, dates, parties, notes, item ids.

use proptest::prelude::*;
use wharf_guest_sdk::canonical::{
    Address, DateKind, Dated, Identifier, Note, Party, PartyRole, Quantity,
};
use wharf_guest_sdk::{decimal, id};

/// A code or number as SAP fields hold them: no blanks to trim, up to the 35 characters of
/// a document number field (BELNR, IDTNR).
pub fn token() -> impl Strategy<Value = String> {
    prop_oneof!["[A-Z0-9][A-Z0-9-]{0,9}", "[A-Z0-9][A-Z0-9/_-]{33}[A-Z0-9]"]
}

/// Free text without leading or trailing blanks, which SAP's fields trim: mixed case,
/// accents and other scripts, XML's markup characters, up to a name field's 35 characters
/// (NAME1).
pub fn words() -> impl Strategy<Value = String> {
    "[A-Za-z0-9äöüéø東][A-Za-z0-9äöüßéñøå東京€ ,.&<>\"'/#-]{0,33}[A-Za-z0-9.>&東]"
}

/// A decimal as the decoder normalizes it: everyday amounts, and amounts that fill SAP's
/// 15-character quantity and price fields (MENGE, VPREI): large, negative (credits, returns)
/// or with six decimals.
pub fn amount() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..100_000, 0u32..1000).prop_map(|(units, milli)| {
            decimal::normalize(&format!("{units}.{milli:03}")).unwrap_or_default()
        }),
        (-99_999_999_999_999i64..=99_999_999_999_999, 0u32..=6)
            .prop_map(|(n, scale)| { decimal::format(wharf_guest_sdk::Decimal::new(n, scale)) }),
    ]
}

/// A decimal that is not zero, up to what a 15-character field holds.
pub fn positive() -> impl Strategy<Value = String> {
    prop_oneof![
        (1u32..100_000, 0u32..1000).prop_map(|(units, milli)| {
            decimal::normalize(&format!("{units}.{milli:03}")).unwrap_or_default()
        }),
        (1i64..=99_999_999_999_999, 0u32..=6)
            .prop_map(|(n, scale)| decimal::format(wharf_guest_sdk::Decimal::new(n, scale))),
    ]
}

pub fn unit() -> impl Strategy<Value = String> {
    // Canonical units are Rec 20 codes (SAP's internal ST reads as H87, so it is no canonical
    // unit); KAR, a unit the table does not hold, passes through both ways.
    prop::sample::select(vec!["PCE", "EA", "KGM", "MTR", "H87", "KAR"]).prop_map(str::to_owned)
}

pub fn quantity() -> impl Strategy<Value = Quantity> {
    (positive(), unit()).prop_map(|(value, unit)| Quantity { value, unit })
}

/// A day, as SAP dates without a time read back.
pub fn day() -> impl Strategy<Value = String> {
    (2020u32..2031, 1u32..13, 1u32..29).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}"))
}

/// A day, or a day with a time (SAP dates carry no zone).
pub fn date() -> impl Strategy<Value = String> {
    (day(), prop::option::of((0u32..24, 0u32..60, 0u32..60))).prop_map(|(day, time)| match time {
        Some((h, m, s)) => format!("{day}T{h:02}:{m:02}:{s:02}"),
        None => day,
    })
}

/// Dates with distinct SAP qualifiers (IDDAT) from `qualifiers`, each with the meaning the
/// code table gives it.
pub fn dates(qualifiers: &'static [(&'static str, DateKind)]) -> impl Strategy<Value = Vec<Dated>> {
    prop::sample::subsequence(qualifiers.to_vec(), 0..=qualifiers.len().min(3))
        .prop_flat_map(|chosen| {
            let n = chosen.len();
            (Just(chosen), prop::collection::vec(date(), n))
        })
        .prop_map(|(chosen, values)| {
            chosen
                .into_iter()
                .zip(values)
                .map(|((iddat, kind), value)| Dated {
                    kind,
                    value,
                    qualifier: Some(iddat.to_owned()),
                })
                .collect()
        })
}

/// Header IDDATs an order or invoice may carry, with their meanings.
pub const HEADER_DATES: &[(&str, DateKind)] = &[
    ("002", DateKind::RequestedDelivery),
    ("012", DateKind::Document),
    ("019", DateKind::Effective),
    ("020", DateKind::Expiry),
    ("028", DateKind::Due),
];

/// Parties with distinct partner functions. `numbers` is the scheme the partner number is
/// read in; `gln` whether the partner segment has a place for a GLN (E1EDKA1 ILNNR).
pub fn parties(numbers: &'static str, gln: bool) -> impl Strategy<Value = Vec<Party>> {
    let roles = vec![
        ("AG", PartyRole::Buyer),
        ("LF", PartyRole::Supplier),
        ("WE", PartyRole::ShipTo),
        ("RE", PartyRole::BillTo),
    ];
    prop::sample::subsequence(roles, 0..=2)
        .prop_flat_map(move |chosen| {
            let n = chosen.len();
            (
                Just(chosen),
                prop::collection::vec(party_body(numbers, gln), n),
            )
        })
        .prop_map(|(chosen, bodies)| {
            chosen
                .into_iter()
                .zip(bodies)
                .map(|((parvw, role), (ids, name, address))| Party {
                    role,
                    role_code: Some(parvw.to_owned()),
                    ids,
                    name,
                    address,
                    contacts: Vec::new(),
                })
                .collect()
        })
}

type PartyBody = (Vec<Identifier>, Option<String>, Option<Address>);

fn party_body(numbers: &'static str, gln: bool) -> impl Strategy<Value = PartyBody> {
    (
        "[0-9]{4,10}",
        prop::option::of("[0-9]{13}").prop_map(move |g| g.filter(|_| gln)),
        prop::option::of(words()),
        prop::option::of((words(), words(), "[0-9]{5}", "(DE|AT|CH|US)")),
    )
        .prop_map(move |(number, gln, name, address)| {
            let mut ids = vec![id(numbers, number)];
            ids.extend(gln.map(|g| id("gln", g)));
            let address = address.map(|(street, city, postal, country)| Address {
                street: vec![street],
                city: Some(city),
                region: None,
                postal_code: Some(postal),
                country: Some(country),
            });
            (ids, name, address)
        })
}

/// Notes with distinct SAP text IDs, each text in lines no longer than SAP's 70 characters.
pub fn notes(ids: &'static [&'static str]) -> impl Strategy<Value = Vec<Note>> {
    prop::sample::subsequence(ids.to_vec(), 0..=ids.len().min(2))
        .prop_flat_map(|chosen| {
            let n = chosen.len();
            (
                Just(chosen),
                prop::collection::vec(prop::collection::vec(words(), 1..3), n),
            )
        })
        .prop_map(|(chosen, texts)| {
            chosen
                .into_iter()
                .zip(texts)
                .map(|(kind, lines)| Note {
                    // Text ID 0001 is what a kindless note is written as, and reads back as.
                    kind: (kind != "0001").then(|| kind.to_owned()),
                    text: lines.join("\n"),
                })
                .collect()
        })
}

/// Item ids with distinct schemes, as E1EDP19 qualifiers 001 to 003 read back.
pub fn item_ids() -> impl Strategy<Value = Vec<Identifier>> {
    prop::sample::subsequence(vec!["buyer", "supplier", "gtin"], 1..=3).prop_flat_map(|schemes| {
        let n = schemes.len();
        prop::collection::vec(token(), n).prop_map(move |values| {
            schemes
                .iter()
                .zip(values)
                .map(|(scheme, value)| id(*scheme, value))
                .collect()
        })
    })
}

/// Line numbers as SAP numbers items: 00010, 00020, ...
pub fn line_number(index: usize) -> String {
    format!("{:05}", (index + 1) * 10)
}
