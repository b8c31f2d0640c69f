//! Round trips through the adapter: what it reads it writes back with the same content, and
//! what it writes it reads back as the same document.

use std::fs;
use std::path::PathBuf;

use wharf_guest_sdk::Adapter;
use wharf_guest_sdk::canonical::{CanonicalDocument, Document};
use wharf_guest_sdk::contract::{Decoded, Inbound};
use wharf_guest_sdk::testing::{call_context, encode_context, with_config};
use wharf_plugin_idoc::IdocAdapter;

fn golden(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

fn decode(bytes: Vec<u8>) -> Decoded {
    IdocAdapter::decode(Inbound {
        bytes,
        content_type: Some("application/xml".into()),
        context: call_context(),
    })
    .unwrap_or_else(|e| panic!("decodes: {}", wharf_guest_sdk::error::render(&e)))
}

fn encode(document: CanonicalDocument) -> Vec<u8> {
    IdocAdapter::encode(document, encode_context())
        .unwrap_or_else(|e| panic!("encodes: {}", wharf_guest_sdk::error::render(&e)))
        .bytes
}

fn config_of(case: &str) -> Vec<(String, String)> {
    fs::read_to_string(golden(&format!("{case}.config")))
        .map(|text| {
            text.lines()
                .filter_map(|l| l.split_once('='))
                .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn every_decoded_idoc_encodes_back_to_the_same_document() {
    for case in [
        "orders05-standard.decode.xml",
        "orders05-two-idocs.decode.xml",
        "orders05-extension-latin1.decode.xml",
        "ordrsp-confirmation.decode.xml",
    ] {
        let bytes = fs::read(golden(case)).expect("golden input");
        for original in decode(bytes).documents {
            // No agreement settings: the partners come from the envelope's sap: ids.
            let written = encode(original.clone());
            let again = decode(written).documents;
            assert_eq!(again.len(), 1, "{case}");
            assert_eq!(
                again[0].body, original.body,
                "{case}: body changed in the round trip"
            );
            assert_eq!(again[0].envelope.sender, original.envelope.sender, "{case}");
            assert_eq!(
                again[0].envelope.receiver, original.envelope.receiver,
                "{case}"
            );
            assert_eq!(again[0].envelope.test, original.envelope.test, "{case}");
            let extension_type = |d: &CanonicalDocument| {
                d.envelope
                    .extensions
                    .iter()
                    .find(|e| e.key == "idoc.EDI_DC40.CIMTYP")
                    .cloned()
            };
            assert_eq!(
                extension_type(&again[0]),
                extension_type(&original),
                "{case}"
            );
        }
    }
}

#[test]
fn what_the_adapter_writes_it_writes_again_unchanged() {
    for case in ["ordrsp-from-portal", "ordrsp-relay", "orders-from-x12"] {
        let input = fs::read_to_string(golden(&format!("{case}.encode.json"))).expect("input");
        let document: CanonicalDocument = serde_json::from_str(&input).expect("canonical JSON");
        let config = config_of(case);
        let settings: Vec<(&str, &str)> = config
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        with_config(&settings, || {
            let first = encode(document);
            let read = decode(first.clone()).documents;
            let second = encode(read[0].clone());
            assert_eq!(
                String::from_utf8_lossy(&second),
                String::from_utf8_lossy(&first),
                "{case}: the written IDoc is not a fixed point"
            );
        });
    }
}

#[test]
fn a_purchase_order_from_another_standard_keeps_its_business_content() {
    let input = fs::read_to_string(golden("orders-from-x12.encode.json")).expect("input");
    let document: CanonicalDocument = serde_json::from_str(&input).expect("canonical JSON");
    let Document::PurchaseOrder(sent) = &document.body else {
        panic!("the case is a purchase order");
    };
    let config = config_of("orders-from-x12");
    let settings: Vec<(&str, &str)> = config
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let written = with_config(&settings, || encode(document.clone()));
    let read = decode(written).documents;
    let Document::PurchaseOrder(received) = &read[0].body else {
        panic!("reads back as a purchase order");
    };
    assert_eq!(received.po_number, sent.po_number);
    assert_eq!(received.currency, sent.currency);
    assert_eq!(
        received.total,
        Some(wharf_guest_sdk::canonical::Money {
            amount: "449".into(),
            currency: Some("USD".into()),
        })
    );
    assert_eq!(received.lines.len(), sent.lines.len());
    for (got, want) in received.lines.iter().zip(&sent.lines) {
        assert_eq!(got.line_number, want.line_number);
        assert_eq!(got.quantity, want.quantity);
        assert_eq!(got.description, want.description);
        assert_eq!(got.schedule.len(), want.schedule.len());
        for (g, w) in got.schedule.iter().zip(&want.schedule) {
            assert_eq!(g.quantity, w.quantity);
        }
    }
    let price = received.lines[1]
        .price
        .as_ref()
        .expect("line 2 has a price");
    assert_eq!(price.amount, "118");
    assert_eq!(price.basis.as_ref().map(|b| b.value.as_str()), Some("1000"));
}
