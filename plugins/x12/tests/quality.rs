//! The 842 both ways: a partner's nonconformance report read, written back and read again to
//! the same notification; the hold/release/inform table of `quality`'s module doc; the codes a
//! partner chose kept; what the canonical notification cannot hold refused where it is.

// The closures return the contract's `AdapterError`, whose size the WIT record fixes.
#![allow(clippy::result_large_err)]

use wharf_guest_sdk::Adapter;
use wharf_guest_sdk::canonical::*;
use wharf_guest_sdk::contract::Inbound;
use wharf_guest_sdk::testing::{call_context, encode_context, with_config};
use wharf_guest_sdk::{envelope, id};
use wharf_plugin_x12::X12Adapter;

fn decode(bytes: &[u8]) -> Result<QualityNotification, String> {
    let decoded = X12Adapter::decode(Inbound {
        bytes: bytes.to_vec(),
        content_type: None,
        context: call_context(),
    })
    .map_err(|e| wharf_guest_sdk::error::render(&e))?;
    if let Some(refusal) = decoded.rejected.first() {
        return Err(wharf_guest_sdk::error::render(refusal));
    }
    match decoded.documents.into_iter().next().map(|d| d.body) {
        Some(Document::QualityNotification(q)) => Ok(q),
        other => Err(format!("not a quality notification: {other:?}")),
    }
}

fn encode(q: QualityNotification) -> String {
    let mut env = envelope("x12", "004010");
    env.sender = vec![id("x12:ZZ", "SENDER")];
    env.receiver = vec![id("x12:ZZ", "RECEIVER")];
    let encoded = with_config(&[("line_break", "true")], || {
        X12Adapter::encode(
            CanonicalDocument {
                envelope: env,
                body: Document::QualityNotification(q),
            },
            encode_context(),
        )
    })
    .unwrap_or_else(|e| panic!("encode: {}", wharf_guest_sdk::error::render(&e)));
    String::from_utf8(encoded.bytes).expect("X12 text")
}

fn golden_hold() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/quality-hold.decode.edi"
    ))
    .expect("the golden 842")
}

fn notification(action: QualityAction) -> QualityNotification {
    QualityNotification {
        notification_number: "QN-1".into(),
        action,
        po_number: Some("PO-9".into()),
        item_ids: vec![id("buyer", "PART-1")],
        lots: vec!["L1".into()],
        quantity: Some(Quantity {
            value: "10".into(),
            unit: "EA".into(),
        }),
        defects: vec![Defect {
            code: "SCRATCH".into(),
            description: Some("Scratched surface".into()),
            quantity: Some(Quantity {
                value: "2".into(),
                unit: "EA".into(),
            }),
        }],
        dates: vec![Dated {
            kind: DateKind::Document,
            value: "2026-03-09".into(),
            qualifier: None,
        }],
        parties: Vec::new(),
        notes: vec![Note {
            kind: Some("GEN".into()),
            text: "first line\nsecond line".into(),
        }],
        extensions: Vec::new(),
    }
}

/// An 842 as a partner wrote it (`|` elements, `!` terminators, CR LF, padded text) comes back
/// the same after being written in the agreement's delimiters and read again.
#[test]
fn a_partners_842_survives_writing_and_reading_again() {
    let first = decode(&golden_hold()).unwrap();
    let written = encode(first.clone());
    let again = decode(written.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{written}"));
    assert_eq!(again, first, "{written}");
    // The defect loops as the module doc says: NCD01 52, ordinal, ZZ agency, code, text.
    assert!(
        written.contains("NCD*52**1**ZZ*POROSITY*Porosity in casting wall~"),
        "{written}"
    );
    assert!(written.contains("QTY*86*35*EA~"), "{written}");
    assert!(
        written.contains("LIN*1*BP*PUMP-HOUSING-7*VP*LC-7731~"),
        "{written}"
    );
}

#[test]
fn every_action_travels_in_bnr_and_comes_back() {
    for (action, bnr) in [
        (QualityAction::Hold, "BNR*00*QN-1*20260309**OD~"),
        (QualityAction::Release, "BNR*00*QN-1*20260309**CL~"),
        (QualityAction::Inform, "BNR*22*QN-1*20260309~"),
    ] {
        let q = notification(action);
        let written = encode(q.clone());
        assert!(written.contains(bnr), "{action:?}: {written}");
        assert_eq!(decode(written.as_bytes()).unwrap(), q, "{written}");
    }
}

fn with_bnr(bnr: &str) -> String {
    String::from_utf8(golden_hold())
        .unwrap()
        .replace("BNR|00|NCR-2026-0042|20260305|1410|OD", bnr)
}

#[test]
fn a_partners_own_status_codes_are_read_for_their_meaning_and_kept() {
    // OC: open, waiting for the cause and corrective action report: still a hold.
    let q = decode(with_bnr("BNR|00|NCR-1|20260305||OC").as_bytes()).unwrap();
    assert_eq!(q.action, QualityAction::Hold);
    assert!(encode(q).contains("BNR*00*NCR-1*20260305**OC~"));
    // FI, final, releases; BNR01 05 (replace) is kept.
    let q = decode(with_bnr("BNR|05|NCR-1|20260305||FI").as_bytes()).unwrap();
    assert_eq!(q.action, QualityAction::Release);
    assert!(encode(q).contains("BNR*05*NCR-1*20260305**FI~"));
    // 22, information copy, informs whatever the status says.
    let q = decode(with_bnr("BNR|22|NCR-1|20260305||CL").as_bytes()).unwrap();
    assert_eq!(q.action, QualityAction::Inform);
}

#[test]
fn kept_codes_that_contradict_the_action_give_way_to_it() {
    // Read as a release (CL), then turned into a hold by the host: CL must not be written,
    // or the partner would read a release.
    let mut q = decode(with_bnr("BNR|00|NCR-1|20260305||FI").as_bytes()).unwrap();
    q.action = QualityAction::Hold;
    let written = encode(q);
    assert!(written.contains("BNR*00*NCR-1*20260305**OD~"), "{written}");
}

#[test]
fn a_defect_coded_in_ncd04_is_written_back_there() {
    let text = String::from_utf8(golden_hold())
        .unwrap()
        .replace("NCD|52||2||ZZ|DIM-BORE|", "NCD|52||2|DIM||| ");
    let q = decode(text.as_bytes()).unwrap();
    assert_eq!(q.defects[1].code, "DIM");
    let written = encode(q.clone());
    assert!(
        written.contains("NCD*52**2*DIM***Bore diameter out of tolerance~"),
        "{written}"
    );
    assert_eq!(decode(written.as_bytes()).unwrap(), q);
}

#[test]
fn a_second_item_is_refused_where_it_is() {
    let text = String::from_utf8(golden_hold())
        .unwrap()
        .replace("REF|LT|LOT-26-0114!", "LIN||BP|OTHER-PART!");
    let error = decode(text.as_bytes()).unwrap_err();
    // ST 1, BNR 2, REF 3, DTM 4, N1 5 and 6, HL 7, the first LIN 8, REF 9, this LIN 10.
    assert!(error.contains("segment 10 (LIN)"), "{error}");
    assert!(error.contains("named one at segment 8"), "{error}");
    assert!(error.contains("a second item"), "{error}");
}

#[test]
fn a_missing_report_number_is_named() {
    let error = decode(with_bnr("BNR|00||20260305").as_bytes()).unwrap_err();
    assert!(error.contains("segment 2 (BNR), element 02"), "{error}");
    assert!(
        error.contains("BNR02, the nonconformance report number, is missing"),
        "{error}"
    );
}

#[test]
fn ncd_without_attribute_or_determination_breaks_r0102() {
    let text = String::from_utf8(golden_hold())
        .unwrap()
        .replace("NCD|52||2||ZZ|", "NCD|||2||ZZ|");
    let error = decode(text.as_bytes()).unwrap_err();
    assert!(error.contains("(NCD)"), "{error}");
}
