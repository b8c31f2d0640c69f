//! decode(encode(doc)) == doc for every transaction set the adapter writes, the 842 included,
//! over documents proptest generates in the form a decode produces (canonical decimals, X12
//! codes kept).

// The closures return the contract's `AdapterError`, whose size the WIT record fixes.
#![allow(clippy::result_large_err)]

use proptest::prelude::*;
use wharf_guest_sdk::Adapter;
use wharf_guest_sdk::canonical::*;
use wharf_guest_sdk::contract::Inbound;
use wharf_guest_sdk::testing::{call_context, encode_context, with_config};
use wharf_guest_sdk::{envelope, id};
use wharf_plugin_x12::X12Adapter;
use wharf_plugin_x12::codes;

fn round_trip(body: Document) -> Document {
    let mut env = envelope("x12", "004010");
    env.sender = vec![id("x12:ZZ", "SENDER")];
    env.receiver = vec![id("x12:ZZ", "RECEIVER")];
    let encoded = with_config(&[], || {
        X12Adapter::encode(
            CanonicalDocument {
                envelope: env,
                body,
            },
            encode_context(),
        )
    })
    .unwrap_or_else(|e| panic!("encode: {}", wharf_guest_sdk::error::render(&e)));
    let decoded = X12Adapter::decode(Inbound {
        bytes: encoded.bytes.clone(),
        content_type: None,
        context: call_context(),
    })
    .unwrap_or_else(|e| {
        panic!(
            "decode: {}\n{}",
            wharf_guest_sdk::error::render(&e),
            String::from_utf8_lossy(&encoded.bytes)
        )
    });
    assert_eq!(decoded.documents.len(), 1);
    assert!(decoded.warnings.is_empty());
    let document = decoded.documents.into_iter().next().map(|d| d.body);
    document.unwrap_or_else(|| panic!("no document"))
}

fn text() -> impl Strategy<Value = String> {
    "[A-Z0-9][A-Z0-9 .-]{0,10}[A-Z0-9]"
}

fn amount() -> impl Strategy<Value = String> {
    (0u32..100_000, 0u32..100).prop_map(|(units, cents)| {
        wharf_guest_sdk::decimal::normalize(&format!("{units}.{cents:02}")).unwrap_or_default()
    })
}

fn count() -> impl Strategy<Value = String> {
    (1u32..10_000).prop_map(|n| n.to_string())
}

fn day() -> impl Strategy<Value = String> {
    (2020u32..2030, 1u32..13, 1u32..29).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}"))
}

fn moment() -> impl Strategy<Value = String> {
    (day(), proptest::option::of((0u32..24, 0u32..60))).prop_map(|(d, t)| match t {
        Some((h, m)) => format!("{d}T{h:02}:{m:02}:00"),
        None => d,
    })
}

fn dtm() -> impl Strategy<Value = Dated> {
    (
        prop::sample::select(vec!["002", "010", "011", "017", "067", "068", "036", "ZZZ"]),
        moment(),
    )
        .prop_map(|(q, value)| Dated {
            kind: codes::date_kind(q),
            value,
            qualifier: Some(q.to_owned()),
        })
}

fn document_date(value: String) -> Dated {
    Dated {
        kind: DateKind::Document,
        value,
        qualifier: None,
    }
}

fn po_date(value: String) -> Dated {
    Dated {
        kind: DateKind::Other,
        value,
        qualifier: Some("004".to_owned()),
    }
}

fn usd(amount: String) -> Money {
    Money {
        amount,
        currency: Some("USD".to_owned()),
    }
}

fn item_ids() -> impl Strategy<Value = Vec<Identifier>> {
    let one = prop_oneof![
        text().prop_map(|v| id("buyer", v)),
        text().prop_map(|v| id("supplier", v)),
        text().prop_map(|v| id("manufacturer", v)),
        "[0-9]{12,14}".prop_map(|v| id("gtin", v)),
        text().prop_map(|v| id("x12:ZZ", v)),
    ];
    proptest::collection::vec(one, 0..4)
}

fn party() -> impl Strategy<Value = Party> {
    let contact = (
        "[A-Z]{2}",
        text(),
        proptest::option::of("[0-9]{10}"),
        proptest::option::of("[a-z]{3,8}@[a-z]{3,8}\\.com"),
    )
        .prop_map(|(role, name, phone, email)| Contact {
            role: Some(role),
            name: Some(name),
            phone,
            email,
        });
    let address = (
        proptest::collection::vec(text(), 0..4),
        text(),
        proptest::option::of("[A-Z]{2}"),
        proptest::option::of("[0-9]{5}"),
        proptest::option::of("[A-Z]{2}"),
    )
        .prop_map(|(street, city, region, postal_code, country)| Address {
            street,
            city: Some(city),
            region,
            postal_code,
            country,
        });
    (
        prop::sample::select(vec!["BY", "SE", "SU", "ST", "BT", "SF", "RI", "ZZ"]),
        proptest::option::of((
            prop::sample::select(vec!["1", "9", "UL", "92", "91", "ZZ"]),
            text(),
        )),
        text(),
        proptest::option::of(address),
        proptest::collection::vec(contact, 0..3),
    )
        .prop_map(|(code, ident, name, address, contacts)| Party {
            role: codes::party_role(code),
            role_code: Some(code.to_owned()),
            ids: ident
                .map(|(q, v)| id(codes::party_scheme(q), v))
                .into_iter()
                .collect(),
            name: Some(name),
            address,
            contacts,
        })
}

fn references() -> impl Strategy<Value = Vec<Identifier>> {
    proptest::collection::vec(
        (prop::sample::select(vec!["CT", "DP", "IA", "BM"]), text())
            .prop_map(|(q, v)| id(wharf_plugin_x12::common::reference_scheme(q), v)),
        0..3,
    )
}

/// Notes of distinct kinds, each of one to three lines: consecutive NTE segments of one kind
/// are one note, so two notes of a kind in a row would read back as one.
fn notes() -> impl Strategy<Value = Vec<Note>> {
    prop::sample::subsequence(vec!["GEN", "MSG", "ZZZ"], 0..3)
        .prop_flat_map(|kinds| {
            let texts = proptest::collection::vec(
                proptest::collection::vec(text(), 1..4).prop_map(|lines| lines.join("\n")),
                kinds.len(),
            );
            (Just(kinds), texts)
        })
        .prop_map(|(kinds, texts)| {
            kinds
                .into_iter()
                .zip(texts)
                .map(|(k, text)| Note {
                    kind: Some(k.to_owned()),
                    text,
                })
                .collect()
        })
}

fn price() -> impl Strategy<Value = Price> {
    (amount(), any::<bool>()).prop_map(|(amount, per_hundred)| Price {
        amount,
        currency: Some("USD".to_owned()),
        basis: per_hundred.then(|| Quantity {
            value: "100".to_owned(),
            unit: "EA".to_owned(),
        }),
    })
}

fn each() -> Quantity {
    Quantity {
        value: "1".to_owned(),
        unit: "EA".to_owned(),
    }
}

fn order_line(number: usize) -> impl Strategy<Value = OrderLine> {
    let schedule = (count(), day()).prop_map(|(value, d)| ScheduleLine {
        quantity: Quantity {
            value,
            unit: "EA".to_owned(),
        },
        dates: vec![Dated {
            kind: DateKind::RequestedDelivery,
            value: d,
            qualifier: Some("002".to_owned()),
        }],
    });
    (
        item_ids(),
        proptest::option::of(text()),
        count(),
        proptest::option::of(price()),
        proptest::collection::vec(schedule, 0..3),
        proptest::collection::vec(dtm(), 0..2),
        references(),
        notes(),
    )
        .prop_map(
            move |(item_ids, description, value, price, schedule, dates, references, notes)| {
                OrderLine {
                    line_number: (number + 1).to_string(),
                    parent_line: None,
                    item_ids,
                    description,
                    quantity: Quantity {
                        value,
                        unit: each().unit,
                    },
                    price,
                    schedule,
                    dates,
                    references,
                    notes,
                    extensions: Vec::new(),
                }
            },
        )
}

fn lines<T: std::fmt::Debug>(
    make: impl Fn(usize) -> BoxedStrategy<T>,
) -> impl Strategy<Value = Vec<T>> {
    (1usize..5).prop_flat_map(move |n| (0..n).map(&make).collect::<Vec<_>>())
}

prop_compose! {
    fn purchase_order()(
        po_number in text(), order_type in "[A-Z]{2}", date in day(), dates in proptest::collection::vec(dtm(), 0..3),
        parties in proptest::collection::vec(party(), 0..3), references in references(), notes in notes(),
        payment_terms in proptest::option::of(text()), total in proptest::option::of(amount()),
        lines in lines(|i| order_line(i).boxed()),
    ) -> PurchaseOrder {
        PurchaseOrder {
            po_number, order_type: Some(order_type), currency: Some("USD".to_owned()),
            dates: std::iter::once(document_date(date)).chain(dates).collect(),
            parties, references, payment_terms, notes, lines, total: total.map(usd), extensions: Vec::new(),
        }
    }
}

fn line_response(number: usize) -> impl Strategy<Value = LineResponse> {
    (
        prop::sample::select(vec!["IA", "IB", "IR", "IQ", "IC", "ID"]),
        item_ids(),
        proptest::option::of(count()),
        proptest::option::of(price()),
        proptest::option::of(day()),
        notes(),
    )
        .prop_map(
            move |(code, item_ids, quantity, price, date, notes)| LineResponse {
                line_number: (number + 1).to_string(),
                status: codes::line_status(code),
                status_code: Some(code.to_owned()),
                item_ids,
                // A price per 100 needs the unit the ACK answers in.
                price: price.map(|mut p| {
                    if quantity.is_none() {
                        p.basis = None;
                    }
                    p
                }),
                quantity: quantity.map(|value| Quantity {
                    value,
                    unit: "EA".to_owned(),
                }),
                dates: date
                    .map(|value| Dated {
                        kind: DateKind::PromisedShip,
                        value,
                        qualifier: Some("068".to_owned()),
                    })
                    .into_iter()
                    .collect(),
                notes,
                extensions: Vec::new(),
            },
        )
}

prop_compose! {
    fn order_response()(
        change in proptest::option::of("[0-9]{1,3}"), code in prop::sample::select(vec!["AD", "AC", "RD", "RJ"]),
        response_number in proptest::option::of(text()), po_number in text(), date in day(), ordered in day(),
        parties in proptest::collection::vec(party(), 0..2), references in references(), notes in notes(),
        lines in lines(|i| line_response(i).boxed()),
    ) -> OrderResponse {
        OrderResponse {
            response_number, po_number, change_number: change, status: codes::response_status(code),
            status_code: Some(code.to_owned()), currency: Some("USD".to_owned()),
            dates: vec![document_date(date), po_date(ordered)], parties, references, notes, lines, extensions: Vec::new(),
        }
    }
}

prop_compose! {
    fn order_change()(
        change_number in proptest::option::of("[0-9]{1,3}"), kind in prop::sample::select(vec![ChangeKind::Update, ChangeKind::Cancel, ChangeKind::Replace]),
        po_number in text(), date in day(), ordered in day(), parties in proptest::collection::vec(party(), 0..2),
        references in references(), notes in notes(),
        lines in lines(|i| (prop::sample::select(vec!["AI", "DI", "QI", "QD", "PC", "CT", "NC", "CA"]), order_line(i))
            .prop_map(|(code, line)| LineChange { change: codes::line_change(code), change_code: Some(code.to_owned()), line }).boxed()),
    ) -> OrderChange {
        OrderChange {
            change_number, po_number, kind, revision: None, currency: Some("USD".to_owned()),
            dates: vec![document_date(date), po_date(ordered)], parties, references, notes, lines, extensions: Vec::new(),
        }
    }
}

prop_compose! {
    fn quality_notification()(
        notification_number in text(),
        action in prop::sample::select(vec![QualityAction::Hold, QualityAction::Release, QualityAction::Inform]),
        po_number in proptest::option::of(text()), item_ids in item_ids(),
        lots in proptest::collection::vec(text(), 0..3),
        quantity in proptest::option::of(count()),
        defects in proptest::collection::vec(
            ("[A-Z0-9][A-Z0-9-]{0,11}", proptest::option::of(text()), proptest::option::of(count()))
                .prop_map(|(code, description, quantity)| Defect {
                    code, description,
                    quantity: quantity.map(|value| Quantity { value, unit: "EA".to_owned() }),
                }),
            0..3),
        date in moment(), more_dates in proptest::collection::vec(dtm(), 0..3),
        parties in proptest::collection::vec(party(), 0..2), notes in notes(),
    ) -> QualityNotification {
        let mut dates = vec![document_date(date)];
        dates.extend(more_dates);
        QualityNotification {
            notification_number, action, po_number, item_ids, lots,
            quantity: quantity.map(|value| Quantity { value, unit: "EA".to_owned() }),
            defects, dates, parties, notes, extensions: Vec::new(),
        }
    }
}

#[path = "round_trip/more.rs"]
mod more;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    #[test]
    fn purchase_orders(po in purchase_order()) {
        let body = Document::PurchaseOrder(po);
        prop_assert_eq!(round_trip(body.clone()), body);
    }

    #[test]
    fn order_responses_855_and_865(response in order_response()) {
        let body = Document::OrderResponse(response);
        prop_assert_eq!(round_trip(body.clone()), body);
    }

    #[test]
    fn order_changes(change in order_change()) {
        let body = Document::OrderChange(change);
        prop_assert_eq!(round_trip(body.clone()), body);
    }

    #[test]
    fn ship_notices(notice in more::ship_notice()) {
        let body = Document::ShipNotice(notice);
        prop_assert_eq!(round_trip(body.clone()), body);
    }

    #[test]
    fn invoices(invoice in more::invoice()) {
        let body = Document::Invoice(invoice);
        prop_assert_eq!(round_trip(body.clone()), body);
    }

    #[test]
    fn quality_notifications_842(q in quality_notification()) {
        let body = Document::QualityNotification(q);
        prop_assert_eq!(round_trip(body.clone()), body);
    }

    #[test]
    fn functional_acks(ack in more::functional_ack()) {
        let body = Document::FunctionalAck(ack);
        prop_assert_eq!(round_trip(body.clone()), body);
    }
}
