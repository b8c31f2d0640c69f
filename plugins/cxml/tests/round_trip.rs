//! Decoding and encoding are inverse: what the encoder writes, the decoder reads back to the
//! same canonical document, and the same document is written to the same bytes.

// The closures return the contract's `AdapterError`, whose size the WIT record fixes.
#![allow(clippy::result_large_err)]

use std::fs;

use wharf_guest_sdk::Adapter;
use wharf_guest_sdk::canonical::{
    Address, CanonicalDocument, Contact, DateKind, Dated, Document, Extension, ExtensionValue,
    LineResponse, LineStatus, Note, OrderResponse, Party, PartyRole, Price, Quantity,
    ResponseStatus,
};
use wharf_guest_sdk::contract::Inbound;
use wharf_guest_sdk::testing::{call_context, encode_context, with_config};
use wharf_plugin_cxml::CxmlAdapter;

const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden");

fn read(name: &str) -> String {
    fs::read_to_string(format!("{GOLDEN}/{name}")).expect("golden file")
}

/// The agreement's settings of a golden case; a case without a config file has none.
fn config(name: &str) -> Vec<(String, String)> {
    fs::read_to_string(format!("{GOLDEN}/{name}"))
        .unwrap_or_default()
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn decode(bytes: &[u8]) -> CanonicalDocument {
    let mut decoded = CxmlAdapter::decode(Inbound {
        bytes: bytes.to_vec(),
        content_type: None,
        context: call_context(),
    })
    .expect("the encoder's output decodes");
    assert_eq!(decoded.documents.len(), 1);
    decoded.documents.remove(0)
}

fn encode(document: CanonicalDocument, config_file: &str) -> Vec<u8> {
    let settings = config(config_file);
    let settings: Vec<(&str, &str)> = settings
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    with_config(&settings, || {
        CxmlAdapter::encode(document, encode_context())
    })
    .expect("the document encodes")
    .bytes
}

fn text(key: &str, value: &str) -> Extension {
    Extension {
        key: key.to_owned(),
        value: ExtensionValue::Text(value.to_owned()),
    }
}

fn number(key: &str, value: &str) -> Extension {
    Extension {
        key: key.to_owned(),
        value: ExtensionValue::Number(value.to_owned()),
    }
}

fn dated(kind: DateKind, value: &str, qualifier: &str) -> Dated {
    Dated {
        kind,
        value: value.to_owned(),
        qualifier: Some(qualifier.to_owned()),
    }
}

fn quantity(value: &str, unit: &str) -> Quantity {
    Quantity {
        value: value.to_owned(),
        unit: unit.to_owned(),
    }
}

/// A response using everything the encoder writes back: a split delivery, a changed quantity,
/// a price per 100, a contact, the order's payloadID and the header total.
fn split_confirmation() -> OrderResponse {
    let line = |number: &str, status: LineStatus, code: &str| LineResponse {
        line_number: number.to_owned(),
        status,
        status_code: Some(code.to_owned()),
        item_ids: Vec::new(),
        quantity: None,
        price: None,
        dates: Vec::new(),
        notes: Vec::new(),
        extensions: Vec::new(),
    };
    OrderResponse {
        response_number: Some("CNF-913".to_owned()),
        po_number: "4500012390".to_owned(),
        change_number: None,
        status: ResponseStatus::AcceptedWithChanges,
        status_code: Some("backordered".to_owned()),
        currency: Some("EUR".to_owned()),
        dates: vec![
            dated(DateKind::Document, "2026-02-06T14:00:00Z", "noticeDate"),
            dated(DateKind::Other, "2026-02-03", "orderDate"),
        ],
        parties: vec![Party {
            role: PartyRole::Supplier,
            role_code: Some("supplierAccount".to_owned()),
            ids: vec![wharf_guest_sdk::id("buyer", "S-341")],
            name: Some("Kessler Guss KG".to_owned()),
            address: Some(Address {
                street: vec!["Gießereiweg 4".to_owned()],
                city: Some("Aalen".to_owned()),
                region: None,
                postal_code: Some("73430".to_owned()),
                country: Some("DE".to_owned()),
            }),
            contacts: vec![Contact {
                role: Some("orders".to_owned()),
                name: None,
                phone: Some("+49 7361 9920 x31".to_owned()),
                email: None,
            }],
        }],
        references: vec![wharf_guest_sdk::id(
            "previous-message",
            "1770110000.9@buyer.example.com",
        )],
        notes: vec![Note {
            kind: Some("general".to_owned()),
            text: "Second batch after the furnace relining.".to_owned(),
        }],
        lines: vec![
            LineResponse {
                quantity: Some(quantity("30", "EA")),
                item_ids: vec![
                    wharf_guest_sdk::id("supplier", "KG-GH-77"),
                    wharf_guest_sdk::id("manufacturer", "GH77-B"),
                ],
                price: Some(Price {
                    amount: "845.5".to_owned(),
                    currency: Some("EUR".to_owned()),
                    basis: Some(quantity("100", "EA")),
                }),
                dates: vec![
                    dated(DateKind::PromisedDelivery, "2026-03-02", "deliveryDate"),
                    dated(
                        DateKind::PromisedShip,
                        "2026-02-27T12:00:00+01:00",
                        "shipmentDate",
                    ),
                ],
                notes: vec![Note {
                    kind: None,
                    text: "First batch".to_owned(),
                }],
                extensions: vec![
                    number("cxml.ConfirmationItem.quantity", "50"),
                    text(
                        "cxml.ItemIn.ItemDetail.Description",
                        "Gehäuse GH77, EN-GJS-400",
                    ),
                    text("cxml.Classification.UNSPSC", "31101600"),
                    // The first status's own Extrinsics come before the further statuses.
                    text("cxml.Extrinsic.Batch", "2"),
                    text("cxml.ConfirmationStatus[2].type", "backordered"),
                    number("cxml.ConfirmationStatus[2].quantity", "20"),
                    text("cxml.ConfirmationStatus[2].UnitOfMeasure", "EA"),
                    text("cxml.ConfirmationStatus[2].deliveryDate", "2026-04-15"),
                    text(
                        "cxml.ConfirmationStatus[2].shipmentDate",
                        "2026-04-13T16:00:00",
                    ),
                ],
                ..line("0010", LineStatus::Accepted, "accept")
            },
            LineResponse {
                quantity: Some(quantity("12", "EA")),
                dates: vec![dated(
                    DateKind::PromisedDelivery,
                    "2026-04-30",
                    "deliveryDate",
                )],
                ..line("0020", LineStatus::Backordered, "backordered")
            },
            LineResponse {
                quantity: Some(quantity("0", "EA")),
                ..line("0030", LineStatus::Pending, "unknown")
            },
        ],
        extensions: vec![
            number("cxml.ConfirmationHeader.Total", "25365"),
            text("cxml.Extrinsic.SupplierOrderNumber", "VA-913"),
        ],
    }
}

#[test]
fn an_order_response_reads_back_as_written() {
    let mut envelope = wharf_guest_sdk::envelope("portal-json", "1");
    envelope.test = true;
    let written = CanonicalDocument {
        envelope,
        body: Document::OrderResponse(split_confirmation()),
    };
    let bytes = encode(written.clone(), "order-response.config");
    let read_back = decode(&bytes);
    assert!(read_back.envelope.test);
    assert_eq!(read_back.body, written.body);
    assert_eq!(encode(read_back, "order-response.config"), bytes);
}

#[test]
fn the_order_response_golden_output_reads_back_and_writes_the_same_bytes() {
    let wire = read("order-response.encode.xml");
    let response = decode(wire.as_bytes());
    let again = encode(response.clone(), "order-response.config");
    assert_eq!(String::from_utf8_lossy(&again), wire);
    assert_eq!(decode(&again).body, response.body);
}

#[test]
fn a_purchase_order_reads_back_as_written_and_writes_the_same_bytes() {
    let wire = read("purchase-order.encode.xml");
    let order = decode(wire.as_bytes());
    let Document::PurchaseOrder(po) = &order.body else {
        panic!("an OrderRequest decodes to a purchase order");
    };
    assert_eq!(po.total.as_ref().map(|t| t.amount.as_str()), Some("2429.5"));
    // The order's requested delivery is OrderRequestHeader@requestedDeliveryDate, not a copy
    // on each item that has none of its own (line 30).
    assert!(po.dates.contains(&dated(
        DateKind::RequestedDelivery,
        "2026-02-27",
        "requestedDeliveryDate"
    )));
    assert_eq!(po.lines[2].line_number, "30");
    assert!(po.lines[2].dates.is_empty(), "{:?}", po.lines[2].dates);
    let again = encode(order.clone(), "purchase-order.config");
    assert_eq!(String::from_utf8_lossy(&again), wire);
    assert_eq!(decode(&again).body, order.body);
}

#[test]
fn an_encoded_envelope_says_what_was_written() {
    let mut order = decode(read("purchase-order.encode.xml").as_bytes());
    order.envelope.test = true;
    let settings = config("purchase-order-test-mode.config");
    let settings: Vec<(&str, &str)> = settings
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let encoded = with_config(&settings, || CxmlAdapter::encode(order, encode_context()))
        .expect("the document encodes");
    let envelope = encoded.envelope;
    assert_eq!(envelope.standard, "cxml");
    assert_eq!(
        envelope.version,
        wharf_plugin_cxml::settings::DEFAULT_VERSION
    );
    assert!(envelope.test, "a document marked test is sent as test");
    assert_eq!(envelope.message_type.as_deref(), Some("OrderRequest"));
    assert_eq!(
        envelope.interchange_control.as_deref(),
        Some("1.20260102030405@wharf")
    );
    assert_eq!(
        envelope.sender,
        [wharf_guest_sdk::id("networkid", "AN01000000147")]
    );
    assert_eq!(
        envelope.receiver,
        [wharf_guest_sdk::id("networkid", "AN02000000388")]
    );
    assert_eq!(
        envelope.created.as_deref(),
        Some("2026-01-02T03:04:05+00:00")
    );
    let read_back = decode(&encoded.bytes).envelope;
    assert_eq!(read_back.interchange_control, envelope.interchange_control);
    assert_eq!(read_back.sender, envelope.sender);
    assert!(read_back.test);
}

/// The golden case `name`: its canonical input reads back from the cXML written for it, and
/// that cXML, read and written again, gives the same bytes.
fn golden_case_round_trips(name: &str) {
    let input = wharf_guest_sdk::testing::read_document(std::path::Path::new(&format!(
        "{GOLDEN}/{name}.encode.json"
    )))
    .expect("golden input");
    let wire = read(&format!("{name}.encode.xml"));
    let written = decode(wire.as_bytes());
    assert_eq!(
        written.body, input.body,
        "{name}: decode(encode(doc)) differs"
    );
    let again = encode(written, &format!("{name}.config"));
    assert_eq!(String::from_utf8_lossy(&again), wire, "{name}");
}

#[test]
fn a_ship_notice_reads_back_as_written() {
    golden_case_round_trips("ship-notice");
}

#[test]
fn an_invoice_reads_back_as_written() {
    golden_case_round_trips("invoice");
}

#[test]
fn an_order_change_reads_back_as_written() {
    golden_case_round_trips("order-change");
}

#[test]
fn an_acknowledgment_reads_back_as_written() {
    golden_case_round_trips("acknowledgment");
}
