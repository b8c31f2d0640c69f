//! decode(encode(doc)) == doc for generated documents of every type the schema carries, in the
//! form the decoder produces: decimals in their canonical spelling (any sign, up to 6
//! decimals, large), ISO dates with and without time and offset, and text with what JSON must
//! escape (quotes, backslashes, non-ASCII, line breaks).

// The closures return the contract's `AdapterError`, whose size the WIT record fixes.
#![allow(clippy::result_large_err)]

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use wharf_guest_sdk::canonical::*;
use wharf_guest_sdk::contract::Inbound;
use wharf_guest_sdk::testing::{call_context, encode_context};
use wharf_guest_sdk::{Adapter, Decimal, decimal};
use wharf_plugin_portal_json::common::{DATE_KINDS, PARTY_ROLES};
use wharf_plugin_portal_json::order::{CHANGE_KINDS, LINE_CHANGE_KINDS};
use wharf_plugin_portal_json::{PortalJsonAdapter, envelope};

fn round_trip(document: CanonicalDocument) -> CanonicalDocument {
    let encoded = PortalJsonAdapter::encode(document, encode_context())
        .unwrap_or_else(|e| panic!("a generated document encodes: {e:?}"));
    let mut decoded = PortalJsonAdapter::decode(Inbound {
        bytes: encoded.bytes,
        content_type: Some("application/json".into()),
        context: call_context(),
    })
    .unwrap_or_else(|e| {
        panic!(
            "written JSON decodes: {}",
            wharf_guest_sdk::error::render(&e)
        )
    });
    assert!(decoded.rejected.is_empty());
    decoded.documents.remove(0)
}

/// A required text: not blank.
pub fn word() -> impl Strategy<Value = String> {
    "[A-Za-z0-9äöüßø€][A-Za-z0-9äöüßø€ \"\\\\/.,:-]{0,12}"
}

/// A free text: anything printable, line breaks, quotes and backslashes.
pub fn text() -> impl Strategy<Value = String> {
    "[\\PC&&\\S][\\PC\n\t\"\\\\]{0,15}"
}

pub fn decimal() -> impl Strategy<Value = String> {
    (any::<i64>(), 0u32..=6).prop_map(|(m, scale)| decimal::format(Decimal::new(m, scale)))
}

pub fn iso_date() -> impl Strategy<Value = String> {
    "20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])(T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](Z|[+-](0[0-9]|1[0-4]):[03]0)?)?"
}

pub fn code<T: Copy + std::fmt::Debug + 'static>(
    table: &'static [(&str, T)],
) -> impl Strategy<Value = T> {
    select(table.iter().map(|(_, v)| *v).collect::<Vec<T>>())
}

pub fn identifier() -> impl Strategy<Value = Identifier> {
    (
        select(vec!["duns", "gln", "buyer", "supplier", "x12:ZZ"]),
        word(),
    )
        .prop_map(|(scheme, value)| wharf_guest_sdk::id(scheme, value))
}

pub fn quantity() -> impl Strategy<Value = Quantity> {
    (decimal(), select(vec!["PCE", "EA", "KGM", "MTR"])).prop_map(|(value, unit)| Quantity {
        value,
        unit: unit.into(),
    })
}

pub fn money() -> impl Strategy<Value = Money> {
    (
        decimal(),
        option::of(select(vec!["EUR".to_owned(), "USD".to_owned()])),
    )
        .prop_map(|(amount, currency)| Money { amount, currency })
}

pub fn price() -> impl Strategy<Value = Price> {
    (money(), option::of(quantity())).prop_map(|(m, basis)| Price {
        amount: m.amount,
        currency: m.currency,
        basis,
    })
}

pub fn dated() -> impl Strategy<Value = Dated> {
    (code(DATE_KINDS), iso_date(), option::of(word())).prop_map(|(kind, value, qualifier)| Dated {
        kind,
        value,
        qualifier,
    })
}

pub fn party() -> impl Strategy<Value = Party> {
    let address = (
        vec(text(), 0..3),
        option::of(word()),
        option::of(word()),
        option::of(word()),
    )
        .prop_map(|(street, city, postal_code, country)| Address {
            street,
            city,
            region: None,
            postal_code,
            country,
        });
    let contact = (option::of(word()), option::of(text()), option::of(word())).prop_map(
        |(role, name, email)| Contact {
            role,
            name,
            phone: None,
            email,
        },
    );
    (
        code(PARTY_ROLES),
        option::of(word()),
        vec(identifier(), 0..3),
        option::of(text()),
        option::of(address),
        vec(contact, 0..2),
    )
        .prop_map(|(role, role_code, ids, name, address, contacts)| Party {
            role,
            role_code,
            ids,
            name,
            address,
            contacts,
        })
}

pub fn note() -> impl Strategy<Value = Note> {
    (option::of(word()), text()).prop_map(|(kind, text)| Note { kind, text })
}

pub fn extension() -> impl Strategy<Value = Extension> {
    let value = prop_oneof![
        text().prop_map(ExtensionValue::Text),
        decimal().prop_map(ExtensionValue::Number),
        any::<bool>().prop_map(ExtensionValue::Flag),
    ];
    (word(), value).prop_map(|(key, value)| Extension { key, value })
}

fn order_line() -> impl Strategy<Value = OrderLine> {
    let schedule = (quantity(), vec(dated(), 0..2))
        .prop_map(|(quantity, dates)| ScheduleLine { quantity, dates });
    (
        (
            word(),
            option::of(word()),
            vec(identifier(), 0..3),
            option::of(text()),
        ),
        (
            quantity(),
            option::of(price()),
            vec(schedule, 0..2),
            vec(dated(), 0..2),
        ),
        (
            vec(identifier(), 0..2),
            vec(note(), 0..2),
            vec(extension(), 0..2),
        ),
    )
        .prop_map(
            |(
                (line_number, parent_line, item_ids, description),
                (quantity, price, schedule, dates),
                (references, notes, extensions),
            )| OrderLine {
                line_number,
                parent_line,
                item_ids,
                description,
                quantity,
                price,
                schedule,
                dates,
                references,
                notes,
                extensions,
            },
        )
}

pub type Header = (
    Vec<Dated>,
    Vec<Party>,
    Vec<Identifier>,
    Vec<Note>,
    Vec<Extension>,
);

pub fn header() -> impl Strategy<Value = Header> {
    (
        vec(dated(), 0..3),
        vec(party(), 0..3),
        vec(identifier(), 0..2),
        vec(note(), 0..2),
        vec(extension(), 0..2),
    )
}

fn purchase_order() -> impl Strategy<Value = Document> {
    (
        (
            word(),
            option::of(word()),
            option::of(word()),
            option::of(text()),
        ),
        header(),
        vec(order_line(), 0..4),
        option::of(money()),
    )
        .prop_map(
            |(
                (po_number, order_type, currency, payment_terms),
                (dates, parties, references, notes, extensions),
                lines,
                total,
            )| {
                Document::PurchaseOrder(PurchaseOrder {
                    po_number,
                    order_type,
                    currency,
                    dates,
                    parties,
                    references,
                    payment_terms,
                    notes,
                    lines,
                    total,
                    extensions,
                })
            },
        )
}

fn order_change() -> impl Strategy<Value = Document> {
    let line = (code(LINE_CHANGE_KINDS), option::of(word()), order_line()).prop_map(
        |(change, change_code, line)| LineChange {
            change,
            change_code,
            line,
        },
    );
    (
        (
            option::of(word()),
            word(),
            code(CHANGE_KINDS),
            option::of(word()),
            option::of(word()),
        ),
        header(),
        vec(line, 0..3),
    )
        .prop_map(
            |(
                (change_number, po_number, kind, revision, currency),
                (dates, parties, references, notes, extensions),
                lines,
            )| {
                Document::OrderChange(OrderChange {
                    change_number,
                    po_number,
                    kind,
                    revision,
                    currency,
                    dates,
                    parties,
                    references,
                    notes,
                    lines,
                    extensions,
                })
            },
        )
}

#[path = "round_trip/more.rs"]
mod more;

fn any_document() -> impl Strategy<Value = CanonicalDocument> {
    let body = prop_oneof![
        purchase_order(),
        order_change(),
        more::order_response(),
        more::ship_notice(),
        more::invoice(),
        more::quality_notification(),
        more::supplier(),
    ];
    (
        body,
        vec(identifier(), 0..2),
        vec(identifier(), 0..2),
        any::<bool>(),
    )
        .prop_map(|(body, sender, receiver, test)| {
            let mut envelope = wharf_guest_sdk::envelope(envelope::STANDARD, envelope::SCHEMA);
            envelope.sender = sender;
            envelope.receiver = receiver;
            envelope.test = test;
            CanonicalDocument { envelope, body }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_document_survives_encode_and_decode(document in any_document()) {
        let back = round_trip(document.clone());
        prop_assert_eq!(&back.body, &document.body);
        prop_assert_eq!(&back.envelope.sender, &document.envelope.sender);
        prop_assert_eq!(&back.envelope.receiver, &document.envelope.receiver);
        prop_assert_eq!(back.envelope.test, document.envelope.test);
        // The host's control number and timestamp frame what was written.
        prop_assert_eq!(back.envelope.interchange_control.as_deref(), Some("1"));
    }
}
