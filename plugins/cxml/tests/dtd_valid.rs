//! What the adapter writes is valid where it lands: every cXML document it writes declares the
//! DTD and version it belongs to and validates against that DTD (`xmllint --dtdvalid`, see
//! `dtd/mod.rs`). Checked on every encode golden and on every decode golden written back out;
//! generated documents are checked in `round_trip_prop.rs`.
//!
//! Reported as ignored where xmllint or `../shared/schemas` is missing, except under `CI`,
//! where the build script makes them run and fail (see `build.rs`).

// The closures return the contract's `AdapterError`, whose size the WIT record fixes.
#![allow(clippy::result_large_err)]

mod dtd;

use std::fs;
use std::path::PathBuf;

use wharf_guest_sdk::Adapter;
use wharf_guest_sdk::contract::Inbound;
use wharf_guest_sdk::error::render;
use wharf_guest_sdk::testing::{call_context, encode_context, with_config};
use wharf_plugin_cxml::CxmlAdapter;

const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden");

/// An agreement with everything writing needs, the default classification included.
const AGREEMENT: [(&str, &str); 5] = [
    ("from_domain", "NetworkID"),
    ("from_identity", "AN01000000147"),
    ("to_domain", "DUNS"),
    ("to_identity", "313995148"),
    ("default_classification_value", "31162800"),
];

fn golden_files(suffix: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(GOLDEN)
        .expect("the golden folder")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.to_string_lossy().ends_with(suffix))
        .collect();
    files.sort();
    files
}

fn name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn assert_valid(documents: &[(String, String)]) {
    let failures = dtd::failures(documents);
    assert!(
        failures.is_empty(),
        "{} of {} documents are not valid cXML:\n\n{}",
        failures.len(),
        documents.len(),
        failures.join("\n\n")
    );
}

#[test]
#[cfg_attr(
    cxml_dtd_unavailable,
    ignore = "needs xmllint (apt-get install libxml2-utils) and ../shared/schemas; CI runs it"
)]
fn every_encode_golden_is_valid_against_its_dtd() {
    let documents: Vec<(String, String)> = golden_files(".encode.xml")
        .iter()
        .map(|path| (name(path), fs::read_to_string(path).expect("a golden file")))
        .collect();
    assert!(documents.len() >= 8, "the encode goldens are gone");
    assert_valid(&documents);
}

#[test]
#[cfg_attr(
    cxml_dtd_unavailable,
    ignore = "needs xmllint (apt-get install libxml2-utils) and ../shared/schemas; CI runs it"
)]
fn every_decode_golden_written_back_is_valid_against_its_dtd() {
    let mut documents = Vec::new();
    for path in golden_files(".decode.xml") {
        let bytes = fs::read(&path).expect("a golden file");
        let Ok(mut decoded) = CxmlAdapter::decode(Inbound {
            bytes,
            content_type: None,
            context: call_context(),
        }) else {
            continue; // an error case: nothing to write back
        };
        let document = decoded.documents.remove(0);
        let encoded = with_config(&AGREEMENT, || {
            CxmlAdapter::encode(document, encode_context())
        })
        .unwrap_or_else(|e| panic!("{}: {}", name(&path), render(&e)));
        let xml = String::from_utf8(encoded.bytes).expect("UTF-8 output");
        documents.push((name(&path), xml));
    }
    assert!(documents.len() >= 8, "the decode goldens are gone");
    assert_valid(&documents);
}

#[test]
fn the_agreement_sets_the_version_every_document_declares() {
    let mut agreement = AGREEMENT.to_vec();
    agreement.push(("cxml_version", "1.2.050"));
    let input = wharf_guest_sdk::testing::read_document(&PathBuf::from(format!(
        "{GOLDEN}/ship-notice.encode.json"
    )))
    .expect("the golden input");
    let encoded = with_config(&agreement, || CxmlAdapter::encode(input, encode_context()))
        .expect("the ship notice encodes");
    let xml = String::from_utf8(encoded.bytes).expect("UTF-8 output");
    assert!(
        xml.contains(
            r#"<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.050/Fulfill.dtd">"#
        ),
        "{xml}"
    );
    assert!(xml.contains(r#" version="1.2.050""#), "{xml}");
    assert_eq!(encoded.envelope.version, "1.2.050");
}

#[test]
#[cfg_attr(
    any(cxml_dtd_unavailable, not(wharf_corpus)),
    ignore = "needs xmllint, ../shared/schemas and ../shared/corpus (set WHARF_CORPUS); CI runs it"
)]
fn third_party_documents_written_back_are_valid_against_their_dtd() {
    let corpus = env!("WHARF_CORPUS_DIR");
    let mut documents = Vec::new();
    for file in [
        "cxml-php/OrderRequest.xml",
        "cxml-php/ShipNoticeRequest.xml",
        "cxml-php/StatusUpdateRequest.xml",
        "officeluv-cxml/order_request.xml",
        "officeluv-cxml/invoice_backed_by_multiple_pos.xml",
        "officeluv-cxml/invoice_taxes_at_line.xml",
        "officeluv-cxml/response_status_200.xml",
    ] {
        let bytes = fs::read(format!("{corpus}/{file}")).unwrap_or_else(|e| panic!("{file}: {e}"));
        let mut decoded = CxmlAdapter::decode(Inbound {
            bytes,
            content_type: None,
            context: call_context(),
        })
        .unwrap_or_else(|e| panic!("{file}: {}", render(&e)));
        let document = decoded.documents.remove(0);
        let encoded = with_config(&AGREEMENT, || {
            CxmlAdapter::encode(document, encode_context())
        })
        .unwrap_or_else(|e| panic!("{file}: {}", render(&e)));
        let xml = String::from_utf8(encoded.bytes).expect("UTF-8 output");
        documents.push((file.to_owned(), xml));
    }
    assert_valid(&documents);
}

/// The check is not vacuous: an ItemDetail without Classification, declared as 1.2.014, fails
/// twice (the DOCTYPE names another version than cXML@version, and the DTD refuses it).
#[test]
#[cfg_attr(
    cxml_dtd_unavailable,
    ignore = "needs xmllint (apt-get install libxml2-utils) and ../shared/schemas; CI runs it"
)]
fn the_check_refuses_what_the_dtd_refuses() {
    let golden = fs::read_to_string(format!("{GOLDEN}/purchase-order-test-mode.encode.xml"))
        .expect("a golden file");
    let broken = golden
        .replace("/1.2.063/cXML.dtd", "/1.2.014/cXML.dtd")
        .lines()
        .filter(|line| !line.contains("<Classification"))
        .collect::<Vec<_>>()
        .join("\n");
    let failures = dtd::failures(&[("broken".to_owned(), broken)]);
    assert_eq!(failures.len(), 2, "{failures:#?}");
    assert!(failures[0].contains("must declare"), "{}", failures[0]);
    assert!(failures[1].contains("Classification+"), "{}", failures[1]);
}
