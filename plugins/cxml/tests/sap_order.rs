//! An SAP purchase order (the IDoc adapter's ORDERS05 golden decode) survives a trip through
//! cXML: encoded as an `OrderRequest` and decoded again it is the same order, apart from what
//! each standard keeps in its own words (extensions, qualifiers, role codes, the order type)
//! and the order of lists whose order means nothing. The host's `tests/cross_format.rs` makes
//! the same check through the built component.

use serde_json::Value;
use wharf_guest_sdk::Adapter;
use wharf_guest_sdk::canonical::{CanonicalDocument, Document};
use wharf_guest_sdk::contract::{EncodeContext, Inbound};
use wharf_guest_sdk::testing::{business_content, call_context, json_differences, with_config};
use wharf_plugin_cxml::CxmlAdapter;

const SAP_ORDER: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../idoc/tests/golden/orders05-standard.decode.json"
);

const SETTINGS: &[(&str, &str)] = &[
    ("from_domain", "NetworkID"),
    ("from_identity", "ACME"),
    ("to_domain", "NetworkID"),
    ("to_identity", "SUPPLIER"),
    // An SAP order names no commodity code; cXML requires one on every item.
    ("default_classification_value", "31162800"),
];

fn sap_order() -> CanonicalDocument {
    let text = std::fs::read_to_string(SAP_ORDER).expect("the IDoc golden decode");
    let mut decoded: Value = serde_json::from_str(&text).expect("JSON");
    serde_json::from_value(decoded["documents"][0].take()).expect("a canonical document")
}

/// The purchase order of `document` without what is format-specific by nature.
fn business(document: &CanonicalDocument) -> Value {
    let Document::PurchaseOrder(po) = &document.body else {
        panic!("expected a purchase order, got {:?}", document.body);
    };
    let mut value = serde_json::to_value(po).expect("serializable");
    business_content(&mut value);
    value
}

#[test]
fn an_sap_order_survives_cxml() {
    let original = sap_order();
    let context = EncodeContext {
        context: call_context(),
        control_number: "7".into(),
        timestamp: "2026-11-27T10:00:00+00:00".into(),
    };
    let encoded = with_config(SETTINGS, || CxmlAdapter::encode(original.clone(), context))
        .expect("the SAP order encodes");
    let decoded = CxmlAdapter::decode(Inbound {
        bytes: encoded.bytes.clone(),
        content_type: None,
        context: call_context(),
    })
    .expect("the cXML decodes");
    let diffs = json_differences(
        "order",
        &business(&original),
        &business(&decoded.documents[0]),
    );
    assert!(
        diffs.is_empty(),
        "the order changed through cXML:\n{}\n\n{}",
        diffs.join("\n"),
        String::from_utf8_lossy(&encoded.bytes)
    );
}
