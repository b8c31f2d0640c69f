//! What partners' translators send beyond our own goldens: an interchange where one message is
//! bad among good ones (the good ones are read, the bad one is answered with UCM 4), and the
//! same order under every service string a partner may choose (an unusual UNA, none, a
//! segment per CRLF line, level B separators, the release character inside text, UNOB, UNOC
//! and UNOW). The fixtures in `tests/fixtures` were written here for these cases.

// The closures return the contract's `AdapterError`, whose size the WIT record fixes.
#![allow(clippy::result_large_err)]

use std::fs;

use wharf_guest_sdk::Adapter;
use wharf_guest_sdk::canonical::{
    AckError, AckStatus, Document, FunctionalAck, MessageAck, PartyRole, PurchaseOrder,
};
use wharf_guest_sdk::contract::{AdapterError, Decoded, Inbound, Location};
use wharf_guest_sdk::error::render;
use wharf_guest_sdk::testing::{call_context, encode_context, with_config};
use wharf_plugin_edifact::EdifactAdapter;

fn decode(bytes: Vec<u8>, settings: &[(&str, &str)]) -> Result<Decoded, AdapterError> {
    with_config(settings, || {
        EdifactAdapter::decode(Inbound {
            bytes,
            content_type: None,
            context: call_context(),
        })
    })
}

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn partial() -> Vec<u8> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/partial-interchange.decode.edi"
    );
    fs::read(path).expect("the partial interchange golden")
}

/// The acknowledgment the host builds from a decode: each document accepted, each refusal
/// rejected at the segment and element it names.
fn acknowledgment(decoded: &Decoded) -> FunctionalAck {
    let mut messages: Vec<MessageAck> = decoded
        .documents
        .iter()
        .map(|d| MessageAck {
            message_control: d.envelope.message_control.clone().expect("UNH 0062"),
            message_type: d.envelope.message_type.clone(),
            status: AckStatus::Accepted,
            errors: Vec::new(),
        })
        .collect();
    for refusal in &decoded.rejected {
        let Some(Location::Segment(at)) = &refusal.location else {
            panic!("a refusal names its message: {}", render(refusal));
        };
        messages.push(MessageAck {
            message_control: at.message.clone().expect("the refused message"),
            message_type: at.message_type.clone(),
            status: AckStatus::Rejected,
            errors: vec![AckError {
                segment_id: Some(at.segment_id.clone()),
                segment_position: Some(at.position),
                element_position: at.element,
                code: None,
                description: refusal.message.clone(),
            }],
        });
    }
    messages.sort_by(|a, b| a.message_control.cmp(&b.message_control));
    FunctionalAck {
        interchange_control: Some("PART1".into()),
        group_control: None,
        group_type: None,
        status: AckStatus::PartiallyAccepted,
        messages,
        extensions: Vec::new(),
    }
}

#[test]
fn one_bad_message_among_good_ones_is_rejected_alone() {
    let decoded = decode(partial(), &[]).unwrap_or_else(|e| panic!("{}", render(&e)));
    let read: Vec<&str> = decoded
        .documents
        .iter()
        .map(|d| match &d.body {
            Document::PurchaseOrder(po) => po.po_number.as_str(),
            other => panic!("an ORDERS message read as {other:?}"),
        })
        .collect();
    assert_eq!(read, ["PO-9101", "PO-9104"]);
    let refused: Vec<String> = decoded.rejected.iter().map(render).collect();
    assert_eq!(
        refused,
        [
            "validation error at interchange PART1, message M2, segment 7 (QTY), element 01, \
             component 2: \"1x5\" is not a decimal number",
            "validation error at interchange PART1, message M3, segment 9 (UNT), element 01, \
             component 1: UNT counts \"7\", but there are 9 segments in the message, UNH and \
             UNT included",
        ]
    );

    let contrl = with_config(
        &[
            ("sender_id", "4098765000002"),
            ("sender_qualifier", "14"),
            ("receiver_id", "4012345000009"),
            ("receiver_qualifier", "14"),
        ],
        || EdifactAdapter::acknowledge(acknowledgment(&decoded), encode_context()),
    )
    .unwrap_or_else(|e| panic!("{}", render(&e)))
    .expect("CONTRL is rendered");
    // Written a segment per line; the checks read it as one string.
    let text = String::from_utf8(contrl.bytes)
        .expect("CONTRL text")
        .replace('\n', "");
    for expected in [
        "UCI+PART1+4012345000009:14+4098765000002:14+7'",
        "UCM+M1+ORDERS:D:96A:UN+7'",
        "UCM+M2+ORDERS:D:96A:UN+4'UCS+7'UCD+18+1'",
        "UCM+M3+ORDERS:D:96A:UN+4'UCS+9'UCD+18+1'",
        "UCM+M4+ORDERS:D:96A:UN+7'",
    ] {
        assert!(text.contains(expected), "{expected} in\n{text}");
    }
}

#[test]
fn a_lenient_agreement_reads_the_miscounted_message_with_a_warning() {
    let decoded = decode(partial(), &[("strict_counts", "false")])
        .unwrap_or_else(|e| panic!("{}", render(&e)));
    assert_eq!(decoded.documents.len(), 3, "M1, M3 and M4");
    assert_eq!(decoded.rejected.len(), 1, "M2's quantity is still wrong");
    assert_eq!(decoded.warnings.len(), 1);
    assert!(render(&decoded.warnings[0]).contains("message M3, segment 9 (UNT)"));
}

#[test]
fn every_message_refused_fails_the_decode_naming_the_first() {
    let text = String::from_utf8(partial()).expect("ASCII");
    let all_bad = text
        .replace("QTY+21:10:", "QTY+21:1y0:")
        .replace("QTY+21:40:", "QTY+21:4z0:");
    let err = decode(all_bad.into_bytes(), &[]).expect_err("nothing usable");
    assert!(
        render(&err).contains("all 4 messages were refused; the first: ")
            && render(&err).contains("message M1, segment 7 (QTY)"),
        "{}",
        render(&err)
    );
}

fn the_order(file: &str) -> PurchaseOrder {
    let decoded = decode(fixture(file), &[]).unwrap_or_else(|e| panic!("{file}: {}", render(&e)));
    assert!(decoded.rejected.is_empty(), "{file}");
    assert!(
        decoded.warnings.is_empty(),
        "{file}: {:?}",
        decoded.warnings.iter().map(render).collect::<Vec<_>>()
    );
    assert_eq!(decoded.documents.len(), 1, "{file}");
    match &decoded.documents[0].body {
        Document::PurchaseOrder(po) => po.clone(),
        other => panic!("{file}: {other:?}"),
    }
}

#[test]
fn the_same_order_reads_the_same_under_every_service_string() {
    let ascii_name = "Kessler+Sohn: Bolts 'n' Nuts?";
    let ascii_text = "Bolt M8:40, 'zinc' + washer?";
    let unusual_text = "Bolt M8:40, 'zinc' + washer? *>~!";
    let latin_name = "Kälte+Söhne: Schrauben 'n' Muttern?";
    for (file, name, description) in [
        // UNA>*,! ~: the level A characters are plain text there; its own are released.
        ("una-unusual.edi", ascii_name, unusual_text),
        ("no-una-defaults.edi", ascii_name, ascii_text),
        ("segment-per-line-crlf.edi", ascii_name, ascii_text),
        ("unob.edi", ascii_name, ascii_text),
        // UNOB without UNA, written with the level B separators (IS1, IS3, IS4).
        ("unob-level-b.edi", ascii_name, ascii_text),
        (
            "unoc-latin1.edi",
            latin_name,
            "Schraube M8:40, 'verzinkt' + Scheibe?",
        ),
        (
            "unow-utf8.edi",
            latin_name,
            "Schraube M8:40 für 12 € + Scheibe? 'ø 8'",
        ),
    ] {
        let po = the_order(file);
        assert_eq!(po.po_number, "PO-9001", "{file}");
        let buyer = po
            .parties
            .iter()
            .find(|p| p.role == PartyRole::Buyer)
            .unwrap_or_else(|| panic!("{file}: NAD+BY"));
        assert_eq!(buyer.name.as_deref(), Some(name), "{file}");
        assert_eq!(buyer.ids[0].value, "4012345000009", "{file}");
        assert_eq!(po.lines.len(), 1, "{file}");
        let line = &po.lines[0];
        assert_eq!(line.description.as_deref(), Some(description), "{file}");
        // 100,5 under the UNA's decimal comma, 100.5 elsewhere.
        assert_eq!(line.quantity.value, "100.5", "{file}");
        assert_eq!(line.quantity.unit, "PCE", "{file}");
    }
}
