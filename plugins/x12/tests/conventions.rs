//! What X12 has no single place for, written and read by convention (see `common.rs` and
//! `parties.rs`): a note line per NTE, long lines wrapped, further party identifiers in
//! `REF*ZZ`, and dates whose qualifier comes from another standard.

// The closures return the contract's `AdapterError`, whose size the WIT record fixes.
#![allow(clippy::result_large_err)]

use wharf_guest_sdk::Adapter;
use wharf_guest_sdk::canonical::{CanonicalDocument, Document, Note, PurchaseOrder};
use wharf_guest_sdk::contract::Inbound;
use wharf_guest_sdk::testing::{call_context, encode_context, with_config};
use wharf_plugin_x12::X12Adapter;

const SETTINGS: [(&str, &str); 4] = [
    ("sender_qualifier", "ZZ"),
    ("sender_id", "ACME"),
    ("receiver_qualifier", "ZZ"),
    ("receiver_id", "SUPPLIER"),
];

/// The SAP order of the idoc adapter's golden case `orders05-standard`.
fn sap_order() -> CanonicalDocument {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../idoc/tests/golden/orders05-standard.decode.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut decoded: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    let first = decoded["documents"][0].take();
    serde_json::from_value(first).unwrap_or_else(|e| panic!("documents[0]: {e}"))
}

fn order(document: &mut CanonicalDocument) -> &mut PurchaseOrder {
    match &mut document.body {
        Document::PurchaseOrder(po) => po,
        _ => panic!("expected a purchase order"),
    }
}

/// The 850 written for `document`, and the order read back from it.
fn through(document: CanonicalDocument) -> (String, CanonicalDocument) {
    let encoded = with_config(&SETTINGS, || X12Adapter::encode(document, encode_context()))
        .unwrap_or_else(|e| panic!("encode: {}", wharf_guest_sdk::error::render(&e)));
    let text = String::from_utf8_lossy(&encoded.bytes).into_owned();
    let decoded = with_config(&SETTINGS, || {
        X12Adapter::decode(Inbound {
            bytes: encoded.bytes.clone(),
            content_type: None,
            context: call_context(),
        })
    })
    .unwrap_or_else(|e| panic!("decode: {}\n{text}", wharf_guest_sdk::error::render(&e)));
    let again = decoded.documents.into_iter().next();
    let again = again.unwrap_or_else(|| panic!("no document in\n{text}"));
    (text, again)
}

fn note(kind: &str, text: &str) -> Note {
    Note {
        kind: Some(kind.to_owned()),
        text: text.to_owned(),
    }
}

#[test]
fn a_note_is_one_nte_per_line_and_long_lines_wrap_at_a_space() {
    let long = "Deliveries are accepted on weekdays between six and two at gate three, \
                never on public holidays.";
    assert!(long.len() > 80);
    let mut document = sap_order();
    order(&mut document).notes = vec![
        note("GEN", &format!("First line\r\n\n{long}\nLast line")),
        note("ZZZ", "Another kind"),
        note("MSG", "A message\nover two lines"),
    ];
    let (text, mut again) = through(document);
    let expected = "NTE*GEN*First line~\
        NTE*GEN*Deliveries are accepted on weekdays between six and two at gate three, never on~\
        NTE*GEN*public holidays.~\
        NTE*GEN*Last line~\
        NTE*ZZZ*Another kind~\
        MSG*A message~MSG*over two lines~";
    assert!(text.contains(expected), "{text}");
    assert_eq!(
        order(&mut again).notes,
        vec![
            note(
                "GEN",
                "First line\nDeliveries are accepted on weekdays between six and two at \
                 gate three, never on\npublic holidays.\nLast line"
            ),
            note("ZZZ", "Another kind"),
            note("MSG", "A message\nover two lines"),
        ]
    );
}

#[test]
fn two_notes_of_one_kind_in_a_row_read_back_as_one() {
    let mut document = sap_order();
    order(&mut document).notes = vec![note("GEN", "one"), note("GEN", "two")];
    let (_, mut again) = through(document);
    assert_eq!(order(&mut again).notes, vec![note("GEN", "one\ntwo")]);
}

#[test]
fn a_second_party_id_and_foreign_date_qualifiers_keep_their_meaning() {
    let (text, _) = through(sap_order());
    // The ship-to's GLN after its buyer-assigned number in N1.
    assert!(
        text.contains(
            "N1*ST*Kessler Antriebstechnik GmbH*92*1000~N3*Industriestrasse 12*Gate 3~\
             N4*Augsburg*09*86167*DE~REF*ZZ*4012345000009*UL~"
        ),
        "{text}"
    );
    // SAP's IDDAT 012 document date is BEG05; its 011 (not X12's 011, Shipped) is ZZZ.
    assert!(text.contains("BEG*00*NB*4500012345**20260115~"), "{text}");
    assert!(text.contains("DTM*ZZZ*20260115*093012~"), "{text}");
}

#[test]
fn a_line_without_spaces_is_cut_at_80_characters() {
    let word = "X".repeat(100);
    let mut document = sap_order();
    order(&mut document).notes = vec![note("GEN", &word)];
    let (text, mut again) = through(document);
    let (head, tail) = word.split_at(80);
    assert!(
        text.contains(&format!("NTE*GEN*{head}~NTE*GEN*{tail}~")),
        "{text}"
    );
    assert_eq!(
        order(&mut again).notes,
        vec![note("GEN", &format!("{head}\n{tail}"))]
    );
}
