//! Third-party EDIFACT from `shared/corpus` (files nobody on this team wrote): ours decode with
//! the key fields the files show, other message types are refused as unsupported by name.
//! Ignored, saying why, when the corpus folder is absent (a fresh clone without it).

// `decode` returns the contract's `AdapterError`, whose size the WIT record fixes.
#![allow(clippy::result_large_err)]

use std::fs;
use std::path::{Path, PathBuf};

use wharf_guest_sdk::Adapter;
use wharf_guest_sdk::canonical::{Document, PartyRole};
use wharf_guest_sdk::contract::{AdapterError, Decoded, ErrorKind, Inbound};
use wharf_guest_sdk::error::render;
use wharf_guest_sdk::testing::{call_context, with_config};
use wharf_plugin_edifact::EdifactAdapter;

/// The third-party corpus, as the build script found it (`tests/corpus_cfg/corpus.rs`): tests
/// that read it are ignored, with the reason, where it is absent.
fn corpus() -> PathBuf {
    PathBuf::from(env!("WHARF_CORPUS_DIR"))
}

fn decode(dir: &Path, file: &str, settings: &[(&str, &str)]) -> Result<Decoded, AdapterError> {
    let bytes = fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    with_config(settings, || {
        EdifactAdapter::decode(Inbound {
            bytes,
            content_type: None,
            context: call_context(),
        })
    })
}

#[test]
#[cfg_attr(
    not(wharf_corpus),
    ignore = "no corpus at ../shared/corpus (set WHARF_CORPUS)"
)]
fn an_eancom_order_with_release_characters_decodes() {
    let dir = corpus();
    let file = "php-edifact/example_order_ok.edi";
    let decoded = decode(&dir, file, &[]).unwrap_or_else(|e| panic!("{file}: {}", render(&e)));
    assert_eq!(decoded.documents.len(), 1);
    let document = &decoded.documents[0];
    let envelope = &document.envelope;
    assert_eq!(envelope.version, "D01B");
    assert_eq!(envelope.interchange_control.as_deref(), Some("896"));
    assert_eq!(envelope.message_control.as_deref(), Some("2019265563"));
    assert!(envelope.test, "UNB 0035 is 1");
    let Document::PurchaseOrder(po) = &document.body else {
        panic!("{file} is an ORDERS");
    };
    assert_eq!(po.po_number, "2019265563");
    assert_eq!(po.lines.len(), 146);
    let buyer = po
        .parties
        .iter()
        .find(|p| p.role == PartyRole::Buyer)
        .expect("a buyer");
    assert_eq!(buyer.ids[0].value, "4250159300001");
    assert_eq!(buyer.ids[0].scheme, "gln");
    // `A?+A` is the release character keeping a `+` in the name.
    assert!(
        buyer
            .name
            .as_deref()
            .is_some_and(|n| n.starts_with("A+A K")),
        "{buyer:?}"
    );
    let first = &po.lines[0];
    assert_eq!(first.line_number, "1");
    assert_eq!(first.quantity.value, "2");
    assert_eq!(first.quantity.unit, "GBND");
    assert_eq!(first.description.as_deref(), Some("Butter 40x250g Alu"));
    assert_eq!(first.item_ids[0].value, "1001");
    assert_eq!(first.item_ids[1].scheme, "edifact:IN");
    assert_eq!(first.item_ids[1].value, "6001001");
}

#[test]
#[cfg_attr(
    not(wharf_corpus),
    ignore = "no corpus at ../shared/corpus (set WHARF_CORPUS)"
)]
fn a_despatch_advice_without_una_decodes() {
    let dir = corpus();
    let file = "php-edifact/D96ADESADV.edi";
    let decoded = decode(&dir, file, &[]).unwrap_or_else(|e| panic!("{file}: {}", render(&e)));
    let document = &decoded.documents[0];
    assert_eq!(document.envelope.message_control.as_deref(), Some("142"));
    let Document::ShipNotice(notice) = &document.body else {
        panic!("{file} is a DESADV");
    };
    assert_eq!(notice.shipment_id, "Y02197250");
    assert_eq!(notice.dates[0].value, "2016-07-26");
    assert_eq!(
        notice.orders.len(),
        2,
        "items name orders 6877871 and 6905456"
    );
    assert_eq!(notice.orders[0].po_number, "6877871");
    assert_eq!(notice.orders[0].items[0].line_number, "001");
    assert_eq!(notice.orders[0].items[0].quantity.value, "1");
    assert_eq!(
        notice.orders[0].items[0].description.as_deref(),
        Some("MUNCIE THE MIDDLE")
    );
    assert_eq!(notice.orders[1].po_number, "6905456");
    // The packaging id the file gives its only CPS is kept.
    assert!(
        notice
            .extensions
            .iter()
            .any(|e| e.key == "edifact.CPS.7164")
    );
}

#[test]
#[cfg_attr(
    not(wharf_corpus),
    ignore = "no corpus at ../shared/corpus (set WHARF_CORPUS)"
)]
fn an_order_response_with_wrong_counts_is_refused_unless_the_agreement_tolerates_it() {
    let dir = corpus();
    let file = "edi-net/edifact.ORDRSP.edi";
    // UNT says 17 segments of 31, which would refuse that message alone; the UNZ reference
    // that does not match UNB refuses the whole interchange.
    let err = decode(&dir, file, &[]).expect_err("UNZ names another interchange");
    assert!(
        render(&err).contains("segment 34 (UNZ)") && render(&err).contains("UNB 0020"),
        "{}",
        render(&err)
    );
    let decoded = decode(&dir, file, &[("strict_counts", "false")])
        .unwrap_or_else(|e| panic!("{file}: {}", render(&e)));
    assert_eq!(
        decoded.warnings.len(),
        3,
        "UNT count, UNT and UNZ references"
    );
    let document = &decoded.documents[0];
    assert_eq!(document.envelope.version, "D10A");
    let Document::OrderResponse(response) = &document.body else {
        panic!("{file} is an ORDRSP");
    };
    assert_eq!(response.po_number, "00001672");
    assert_eq!(
        response.response_number.as_deref(),
        Some("IM20U000000000CNF")
    );
    assert_eq!(response.currency.as_deref(), Some("EUR"));
    assert_eq!(response.lines.len(), 1);
    // QTY+145 is not a confirmed quantity (113 or 21): it is kept, not mistaken for one.
    let line = &response.lines[0];
    assert_eq!(line.quantity, None);
    assert!(line.extensions.iter().any(|e| e.key == "edifact.QTY"
        && e.value == wharf_guest_sdk::canonical::ExtensionValue::Text("145:1:PCS".into())));
    let ms = response
        .parties
        .iter()
        .find(|p| p.role_code.as_deref() == Some("MS"))
        .expect("NAD+MS");
    assert_eq!(ms.contacts[0].phone.as_deref(), Some("+49 123 45678 8652"));
}

#[test]
#[cfg_attr(
    not(wharf_corpus),
    ignore = "no corpus at ../shared/corpus (set WHARF_CORPUS)"
)]
fn other_message_types_are_unsupported_by_name() {
    let dir = corpus();
    for (file, named) in [
        ("edi-net/edifact.01.multi-message.edi", "QUOTES"),
        ("php-edifact/example_release_character.edi", "PAORES"),
    ] {
        let err = decode(&dir, file, &[]).expect_err(file);
        assert_eq!(err.kind, ErrorKind::Unsupported, "{file}: {}", render(&err));
        assert!(err.message.contains(named), "{file}: {}", err.message);
    }
}

#[test]
#[cfg_attr(
    not(wharf_corpus),
    ignore = "no corpus at ../shared/corpus (set WHARF_CORPUS)"
)]
fn every_edifact_file_in_the_corpus_is_answered() {
    let dir = corpus();
    for folder in ["php-edifact", "edi-net"] {
        for entry in fs::read_dir(dir.join(folder)).expect("corpus folder") {
            let path = entry.expect("entry").path();
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let is_edifact = name.ends_with(".edi") && !name.starts_with("x12");
            if !is_edifact {
                continue;
            }
            match decode(
                &dir,
                &format!("{folder}/{name}"),
                &[("strict_counts", "false")],
            ) {
                Ok(decoded) => assert!(!decoded.documents.is_empty(), "{name}: nothing decoded"),
                Err(e) => assert_eq!(e.kind, ErrorKind::Unsupported, "{name}: {}", render(&e)),
            }
        }
    }
}
