//! The SAP purchase order of the idoc adapter's golden case `orders05-standard`, written as
//! an 850 and read again, is the same order: what is format-specific by nature (extensions,
//! source qualifiers and role codes, the order type) is set aside and lists of facts are
//! compared without their order, as the host's `tests/cross_format.rs` does.

// The closures return the contract's `AdapterError`, whose size the WIT record fixes.
#![allow(clippy::result_large_err)]

use serde_json::Value;
use wharf_guest_sdk::Adapter;
use wharf_guest_sdk::canonical::{CanonicalDocument, Document};
use wharf_guest_sdk::contract::{EncodeContext, Encoded, Inbound};
use wharf_guest_sdk::testing::{business_content, call_context, json_differences, with_config};
use wharf_plugin_x12::X12Adapter;

const SETTINGS: [(&str, &str); 4] = [
    ("sender_qualifier", "ZZ"),
    ("sender_id", "ACME"),
    ("receiver_qualifier", "ZZ"),
    ("receiver_id", "SUPPLIER"),
];

fn sap_order() -> CanonicalDocument {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../idoc/tests/golden/orders05-standard.decode.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut decoded: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    let first = decoded["documents"][0].take();
    serde_json::from_value(first).unwrap_or_else(|e| panic!("documents[0]: {e}"))
}

/// The order without what is format-specific by nature.
fn business(document: &CanonicalDocument) -> Value {
    let Document::PurchaseOrder(po) = &document.body else {
        panic!("expected a purchase order");
    };
    let mut value = serde_json::to_value(po).unwrap_or_else(|e| panic!("{e}"));
    business_content(&mut value);
    value
}

/// `original` as the X12 adapter writes it under [`SETTINGS`], and as text.
fn written(original: &CanonicalDocument) -> (Encoded, String) {
    let context = EncodeContext {
        context: call_context(),
        control_number: "7".into(),
        timestamp: "2026-11-27T10:00:00+00:00".into(),
    };
    let encoded = with_config(&SETTINGS, || X12Adapter::encode(original.clone(), context))
        .unwrap_or_else(|e| panic!("encode: {}", wharf_guest_sdk::error::render(&e)));
    let text = String::from_utf8_lossy(&encoded.bytes).into_owned();
    (encoded, text)
}

#[test]
fn an_order_from_sap_reads_the_same_in_x12() {
    let original = sap_order();
    let (encoded, text) = written(&original);
    // The IDoc's PCE and KGM (Rec 20) are not X12 355 codes: PO103 and SCH02 get PC and KG.
    assert!(text.contains("PO1*00010*100*PC*"), "{text}");
    assert!(text.contains("PO1*00020*250.5*KG*"), "{text}");
    assert!(text.contains("SCH*100*PC*"), "{text}");
    assert!(!text.contains("PCE") && !text.contains("KGM"), "{text}");
    let decoded = with_config(&SETTINGS, || {
        X12Adapter::decode(Inbound {
            bytes: encoded.bytes.clone(),
            content_type: None,
            context: call_context(),
        })
    })
    .unwrap_or_else(|e| panic!("decode: {}\n{text}", wharf_guest_sdk::error::render(&e)));
    let again = decoded
        .documents
        .first()
        .unwrap_or_else(|| panic!("no document in\n{text}"));
    let diffs = json_differences("order", &business(&original), &business(again));
    assert!(
        diffs.is_empty(),
        "the order changed on its way through X12:\n  {}\n{text}",
        diffs.join("\n  ")
    );
}

/// The SAP delivery of the idoc adapter's golden case `desadv-pallet`, dated as a notice (a
/// DELVRY has no notice date, and BSN03 is mandatory).
fn sap_delivery() -> CanonicalDocument {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../idoc/tests/golden/desadv-pallet.decode.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut decoded: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    let mut first = decoded["documents"][0].take();
    first["body"]["ShipNotice"]["dates"]
        .as_array_mut()
        .expect("dates")
        .push(serde_json::json!({
            "kind": "Document",
            "value": "2026-02-12T16:10:00",
            "qualifier": null
        }));
    serde_json::from_value(first).unwrap_or_else(|e| panic!("documents[0]: {e}"))
}

#[test]
fn a_delivery_from_sap_keeps_its_split_items_numbers_and_no_foreign_mark_in_x12() {
    let original = sap_delivery();
    let (encoded, text) = written(&original);
    // Delivery item 900001 lies in two handling units: its second listing has a fresh HL01
    // and keeps its number in REF*LI. EXIDV2 HU-77120 is SAP's own mark: no MAN*ZZ.
    assert!(text.contains("REF*LI*900001~"), "{text}");
    assert!(!text.contains("HU-77120"), "{text}");
    let decoded = with_config(&SETTINGS, || {
        X12Adapter::decode(Inbound {
            bytes: encoded.bytes,
            content_type: None,
            context: call_context(),
        })
    })
    .unwrap_or_else(|e| panic!("decode: {}", wharf_guest_sdk::error::render(&e)));
    let compared = |document: &CanonicalDocument| {
        let mut value = serde_json::to_value(&document.body).unwrap_or_else(|e| panic!("{e}"));
        wharf_guest_sdk::testing::business_content_in("x12", &mut value);
        value
    };
    let diffs = json_differences(
        "ship_notice",
        &compared(&original),
        &compared(&decoded.documents[0]),
    );
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}
