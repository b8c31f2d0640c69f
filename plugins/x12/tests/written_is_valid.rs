//! What this adapter writes keeps the standard's syntax notes, whatever format a document came
//! from: every document the other reference adapters' golden cases decode is written as X12
//! and read back strictly, and must be read without a refusal. A document the writer cannot
//! express must be refused with a reason instead (never written invalid).

// The closures return the contract's `AdapterError`, whose size the WIT record fixes.
#![allow(clippy::result_large_err)]

use wharf_guest_sdk::Adapter;
use wharf_guest_sdk::canonical::CanonicalDocument;
use wharf_guest_sdk::contract::Inbound;
use wharf_guest_sdk::testing::{call_context, encode_context, with_config};
use wharf_plugin_x12::X12Adapter;

const SETTINGS: [(&str, &str); 4] = [
    ("sender_qualifier", "ZZ"),
    ("sender_id", "KESSLERUS"),
    ("receiver_qualifier", "ZZ"),
    ("receiver_id", "SUPPLIER"),
];

/// Every document the sibling adapters' decode goldens hold, with where it came from.
fn foreign_documents() -> Vec<(String, CanonicalDocument)> {
    let mut found = Vec::new();
    for adapter in ["edifact", "cxml", "idoc"] {
        let dir = format!("{}/../{adapter}/tests/golden", env!("CARGO_MANIFEST_DIR"));
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            let Some(name) = name.filter(|n| n.ends_with(".decode.json")) else {
                continue;
            };
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let decoded: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            let documents = decoded["documents"].as_array().cloned().unwrap_or_default();
            for (i, value) in documents.into_iter().enumerate() {
                if let Ok(document) = serde_json::from_value::<CanonicalDocument>(value) {
                    found.push((format!("{adapter}/{name}[{i}]"), document));
                }
            }
        }
    }
    found
}

#[test]
fn documents_from_other_formats_are_written_as_x12_that_reads_back_strictly() {
    let documents = foreign_documents();
    assert!(!documents.is_empty(), "no sibling golden cases found");
    let mut written = 0;
    let mut failures = Vec::new();
    for (source, document) in documents {
        let encoded = with_config(&SETTINGS, || X12Adapter::encode(document, encode_context()));
        let Ok(encoded) = encoded else {
            // Refused with a reason: allowed, the point is never to write invalid X12.
            continue;
        };
        written += 1;
        let text = String::from_utf8_lossy(&encoded.bytes).into_owned();
        let decoded = with_config(&[], || {
            X12Adapter::decode(Inbound {
                bytes: encoded.bytes.clone(),
                content_type: None,
                context: call_context(),
            })
        });
        match decoded {
            Ok(decoded) if decoded.rejected.is_empty() => {}
            Ok(decoded) => failures.push(format!(
                "{source}: {}\n{text}",
                wharf_guest_sdk::error::render(&decoded.rejected[0])
            )),
            Err(e) => failures.push(format!(
                "{source}: {}\n{text}",
                wharf_guest_sdk::error::render(&e)
            )),
        }
    }
    assert!(written > 0, "nothing was written");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
