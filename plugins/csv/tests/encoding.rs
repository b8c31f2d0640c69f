//! Batches in the 8-bit encodings ERP exports still use: read into UTF-8 text, written back
//! byte for byte, and a character the encoding lacks refused by name. (The golden runner
//! compares text, so the written bytes are checked here.)

// The closures return the contract's `AdapterError`, whose size the WIT record fixes.
#![allow(clippy::result_large_err)]

use wharf_guest_sdk::Adapter;
use wharf_guest_sdk::canonical::{CanonicalDocument, Document};
use wharf_guest_sdk::contract::Inbound;
use wharf_guest_sdk::error::render;
use wharf_guest_sdk::testing::{call_context, encode_context, with_config};
use wharf_plugin_csv::CsvAdapter;

const CONFIG: [(&str, &str); 8] = [
    ("document", "purchase_order"),
    ("encoding", "windows-1252"),
    ("delimiter", ";"),
    ("decimal_mark", ","),
    ("columns.po_number", "Bestellung"),
    ("columns.line_number", "Pos"),
    ("columns.description", "Text"),
    ("columns.quantity", "Menge"),
];

/// Windows-1252: „ 0x84, “ 0x93, – 0x96, ü 0xFC, € 0x80.
const FILE: &[u8] = b"Bestellung;Pos;Text;Menge\r\n\
4500017010;10;Dichtring \x84Typ A\x93 \x96 gr\xfcn;2,5\r\n\
4500017010;20;Pr\xfcfzeugnis \x80 inkl.;1\r\n";

fn decode(config: &[(&str, &str)], bytes: &[u8]) -> Document {
    let decoded = with_config(config, || {
        CsvAdapter::decode(Inbound {
            bytes: bytes.to_vec(),
            content_type: None,
            context: call_context(),
        })
    })
    .unwrap_or_else(|e| panic!("{}", render(&e)));
    assert!(decoded.rejected.is_empty(), "{:?}", decoded.rejected);
    decoded.documents.into_iter().next().unwrap().body
}

#[test]
fn a_windows_1252_export_reads_and_writes_back_byte_for_byte() {
    let mut config = CONFIG.to_vec();
    config.push(("defaults.unit", "ST"));
    let body = decode(&config, FILE);
    let Document::PurchaseOrder(po) = &body else {
        panic!("a purchase order batch");
    };
    assert_eq!(
        po.lines[0].description.as_deref(),
        Some("Dichtring „Typ A“ – grün")
    );
    assert_eq!(
        po.lines[1].description.as_deref(),
        Some("Prüfzeugnis € inkl.")
    );
    assert_eq!(po.lines[0].quantity.value, "2.5");

    let document = CanonicalDocument {
        envelope: wharf_guest_sdk::envelope("csv", "RFC 4180"),
        body,
    };
    let encoded = with_config(&config, || CsvAdapter::encode(document, encode_context()))
        .unwrap_or_else(|e| panic!("{}", render(&e)));
    assert_eq!(encoded.bytes, FILE);
}

#[test]
fn a_character_the_encoding_lacks_is_refused_by_name() {
    let mut config = CONFIG.to_vec();
    config.push(("defaults.unit", "ST"));
    let body = decode(&config, FILE);
    config[1] = ("encoding", "iso-8859-1");
    let document = CanonicalDocument {
        envelope: wharf_guest_sdk::envelope("csv", "RFC 4180"),
        body,
    };
    let error = with_config(&config, || CsvAdapter::encode(document, encode_context()))
        .expect_err("ISO-8859-1 has no „");
    assert_eq!(
        render(&error),
        "validation error: '„' cannot be written in iso-8859-1, the agreement's `encoding`"
    );
}

#[test]
fn a_utf8_byte_order_mark_outweighs_the_configured_encoding() {
    let mut config = CONFIG.to_vec();
    config.push(("defaults.unit", "ST"));
    let file = "\u{feff}Bestellung;Pos;Text;Menge\r\n4500017010;10;Dichtring grün;2\r\n";
    let Document::PurchaseOrder(po) = decode(&config, file.as_bytes()) else {
        panic!("a purchase order batch");
    };
    assert_eq!(po.lines[0].description.as_deref(), Some("Dichtring grün"));
}
