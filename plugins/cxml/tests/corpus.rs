//! Third-party cXML from `shared/corpus` (documents nobody on this team wrote): the orders
//! decode, everything else is refused as unsupported by name, and no SharedSecret leaks.
//! Skipped, saying so, when the corpus folder is absent (a fresh clone without it).

// `decode` returns the contract's `AdapterError`, whose size the WIT record fixes.
#![allow(clippy::result_large_err)]

use std::fs;
use std::path::{Path, PathBuf};

use wharf_guest_sdk::Adapter;
use wharf_guest_sdk::canonical::Document;
use wharf_guest_sdk::contract::{AdapterError, Decoded, ErrorKind, Inbound};
use wharf_guest_sdk::testing::{call_context, decoded_json};
use wharf_plugin_cxml::CxmlAdapter;

fn corpus() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus"
    ));
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: no corpus at {}", dir.display());
        None
    }
}

fn decode(dir: &Path, file: &str) -> Result<Decoded, AdapterError> {
    let bytes = fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    CxmlAdapter::decode(Inbound {
        bytes,
        content_type: None,
        context: call_context(),
    })
}

#[test]
fn third_party_orders_decode_without_their_secret() {
    let Some(dir) = corpus() else { return };
    for (file, secret, po_number, lines, test) in [
        ("cxml-php/OrderRequest.xml", "coyote", "DO1234", 2, true),
        (
            "officeluv-cxml/order_request.xml",
            "alsdkfjalksdjflaksjdfklj",
            "3309",
            2,
            false,
        ),
    ] {
        let decoded = decode(&dir, file)
            .unwrap_or_else(|e| panic!("{file}: {}", wharf_guest_sdk::error::render(&e)));
        let json = decoded_json(&decoded);
        assert!(!json.contains(secret), "{file} leaked its SharedSecret");
        assert!(json.contains("cxml.Sender.SharedSecret.present"), "{file}");
        let document = &decoded.documents[0];
        let Document::PurchaseOrder(po) = &document.body else {
            panic!("{file} is an OrderRequest");
        };
        assert_eq!(po.po_number, po_number, "{file}");
        assert_eq!(po.lines.len(), lines, "{file}");
        assert_eq!(document.envelope.test, test, "{file}");
        assert!(
            po.lines
                .iter()
                .all(|l| l.price.as_ref().is_some_and(|p| p.currency.is_some())),
            "{file}: every line price has its currency"
        );
    }
}

#[test]
fn other_third_party_documents_are_unsupported_by_name() {
    let Some(dir) = corpus() else { return };
    for (file, named) in [
        ("cxml-php/ShipNoticeRequest.xml", "ShipNoticeRequest"),
        ("cxml-php/StatusUpdateRequest.xml", "StatusUpdateRequest"),
        (
            "officeluv-cxml/invoice_taxes_at_line.xml",
            "InvoiceDetailRequest",
        ),
        (
            "officeluv-cxml/invoice_backed_by_multiple_pos.xml",
            "InvoiceDetailRequest",
        ),
        ("officeluv-cxml/response_status_200.xml", "Response"),
    ] {
        let err = decode(&dir, file).expect_err(file);
        assert_eq!(err.kind, ErrorKind::Unsupported, "{file}");
        assert!(
            err.message.contains(&format!("<{named}>")),
            "{file}: {}",
            err.message
        );
    }
}
