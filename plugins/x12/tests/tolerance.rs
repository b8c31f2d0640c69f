//! What the standard allows and partners send, pinned on this team's own fixtures in
//! `tests/golden` (each also a golden case): the expected values below come from the X12
//! 004010 element definitions, not from what the adapter printed.

use wharf_guest_sdk::Adapter;
use wharf_guest_sdk::canonical::Document;
use wharf_guest_sdk::contract::{AdapterError, Decoded, Inbound, Location, SegmentLocation};
use wharf_guest_sdk::testing::{call_context, with_config};
use wharf_plugin_x12::X12Adapter;

fn decode(fixture: &str, strictness: &str) -> Result<Decoded, AdapterError> {
    let path = format!("{}/tests/golden/{fixture}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    with_config(&[("strictness", strictness)], || {
        X12Adapter::decode(Inbound {
            bytes,
            content_type: None,
            context: call_context(),
        })
    })
}

fn read(fixture: &str, strictness: &str) -> Decoded {
    decode(fixture, strictness)
        .unwrap_or_else(|e| panic!("{fixture}: {}", wharf_guest_sdk::error::render(&e)))
}

fn at(error: &AdapterError) -> &SegmentLocation {
    match &error.location {
        Some(Location::Segment(at)) => at,
        other => panic!("{}: no segment location: {other:?}", error.message),
    }
}

/// (message, message type, position, segment, element) of a located error.
fn place(error: &AdapterError) -> (Option<&str>, Option<&str>, u32, &str, Option<u32>) {
    let at = at(error);
    (
        at.message.as_deref(),
        at.message_type.as_deref(),
        at.position,
        at.segment_id.as_str(),
        at.element,
    )
}

#[test]
fn po101_may_be_absent_and_stays_absent() {
    let decoded = read("po-no-line-ids.decode.edi", "strict");
    let Document::PurchaseOrder(po) = &decoded.documents[0].body else {
        panic!("850")
    };
    let numbers: Vec<&str> = po.lines.iter().map(|l| l.line_number.as_str()).collect();
    assert_eq!(numbers, ["1", "2"], "the ordinal stands in for PO101");
    assert_eq!(po.lines[1].quantity.value, "250");
}

#[test]
fn it101_may_be_absent_and_the_totals_are_derived() {
    let decoded = read("invoice-no-line-ids.decode.edi", "strict");
    let Document::Invoice(invoice) = &decoded.documents[0].body else {
        panic!("810")
    };
    let amounts: Vec<Option<&str>> = invoice
        .lines
        .iter()
        .map(|l| l.amount.as_ref().map(|m| m.amount.as_str()))
        .collect();
    // 12 × 2.50, and 250 × 18.40 per hundred (PO105/IT105 HP).
    assert_eq!(amounts, [Some("30"), Some("46")]);
    let subtotal = invoice.totals.subtotal.as_ref().map(|m| m.amount.as_str());
    assert_eq!(subtotal, Some("76"));
    // TDS01 is type N2: 8150 is 81.50, the subtotal and the 5.50 SAC charge.
    assert_eq!(invoice.totals.total.amount, "81.5");
}

#[test]
fn bsn02_absent_is_a_located_warning_when_lenient_and_refused_when_strict() {
    let decoded = read("asn-no-shipment-id.decode.edi", "lenient");
    let Document::ShipNotice(notice) = &decoded.documents[0].body else {
        panic!("856")
    };
    assert_eq!(
        notice.shipment_id, "BOL-77120",
        "the bill of lading stands in"
    );
    assert_eq!(decoded.warnings.len(), 1);
    assert_eq!(
        place(&decoded.warnings[0]),
        (Some("0001"), Some("856"), 2, "BSN", Some(2))
    );
    let refused = decode("error-asn-no-shipment-id.decode.edi", "strict").unwrap_err();
    assert_eq!(
        place(&refused),
        (Some("0001"), Some("856"), 2, "BSN", Some(2))
    );
}

#[test]
fn bill_of_lading_and_pro_number_are_tracking_numbers() {
    let decoded = read("asn-no-shipment-id.decode.edi", "lenient");
    let Document::ShipNotice(notice) = &decoded.documents[0].body else {
        panic!("856")
    };
    let carrier = notice.carrier.as_ref().expect("TD5 and REF give a carrier");
    assert_eq!(carrier.tracking_numbers, ["BOL-77120", "PRO-5531"]);
}

#[test]
fn a_file_wrapped_every_80_characters_reads_like_the_unwrapped_one() {
    let decoded = read("wrapped-80.decode.edi", "strict");
    let Document::PurchaseOrder(po) = &decoded.documents[0].body else {
        panic!("850")
    };
    assert_eq!(
        decoded.documents[0].envelope.created.as_deref(),
        Some("2026-03-03T10:15:00")
    );
    assert_eq!(po.po_number, "4500017732");
    assert_eq!(
        po.lines[0].description.as_deref(),
        Some("Hex bolt M8 x 40, zinc plated, boxes of fifty")
    );
    let Some(party) = po.parties.first() else {
        panic!("N1")
    };
    assert_eq!(
        party.name.as_deref(),
        Some("Kessler Antriebstechnik Plant 2")
    );
}

#[test]
fn one_bad_set_is_rejected_with_its_location_and_the_good_one_is_read() {
    let decoded = read("partial-interchange.decode.edi", "strict");
    assert_eq!(decoded.documents.len(), 1);
    assert_eq!(
        decoded.documents[0].envelope.message_control.as_deref(),
        Some("0001")
    );
    assert_eq!(decoded.rejected.len(), 1);
    let rejected = &decoded.rejected[0];
    assert_eq!(at(rejected).interchange.as_deref(), Some("000005105"));
    assert_eq!(at(rejected).group.as_deref(), Some("5105"));
    assert_eq!(
        place(rejected),
        (Some("0002"), Some("850"), 3, "PO1", Some(4))
    );
}

#[test]
fn a_strict_se_mismatch_rejects_its_set_alone() {
    let decoded = read("strict-se-count-rejects-one-set.decode.edi", "strict");
    assert_eq!(decoded.documents.len(), 1);
    assert_eq!(
        place(&decoded.rejected[0]),
        (Some("0002"), Some("850"), 5, "SE", Some(1))
    );
    let lenient = read("strict-se-count-rejects-one-set.decode.edi", "lenient");
    assert_eq!((lenient.documents.len(), lenient.warnings.len()), (2, 1));
}

#[test]
fn iea_mismatches_are_warnings_when_lenient_and_refuse_the_interchange_when_strict() {
    let decoded = read("lenient-iea.decode.edi", "lenient");
    let elements: Vec<Option<u32>> = decoded.warnings.iter().map(|w| at(w).element).collect();
    assert_eq!(elements, [Some(1), Some(2)]);
    let refused = decode("error-strict-iea.decode.edi", "strict").unwrap_err();
    assert_eq!(at(&refused).segment_id, "IEA");
}

#[test]
fn an_850_in_005010_carries_its_notes_in_n9_msg_and_reads_them_back() {
    let path = format!(
        "{}/tests/golden/po-005010-notes.encode.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let document = wharf_guest_sdk::testing::read_document(std::path::Path::new(&path))
        .unwrap_or_else(|e| panic!("{e}"));
    let Document::PurchaseOrder(po) = &document.body else {
        panic!("850")
    };
    let notes = po.notes.clone();
    let line_notes = po.lines[0].notes.clone();
    assert!(!line_notes.is_empty());
    let encoded = with_config(&[], || {
        X12Adapter::encode(document, wharf_guest_sdk::testing::encode_context())
    })
    .unwrap_or_else(|e| panic!("{}", wharf_guest_sdk::error::render(&e)));
    let text = String::from_utf8_lossy(&encoded.bytes).into_owned();
    assert!(!text.contains("NTE"), "005010's 850 has no NTE:\n{text}");
    assert!(text.contains("N9*L1*GEN~MSG*Ship complete."), "{text}");
    let decoded = with_config(&[], || {
        X12Adapter::decode(Inbound {
            bytes: encoded.bytes.clone(),
            content_type: None,
            context: call_context(),
        })
    })
    .unwrap_or_else(|e| panic!("{}", wharf_guest_sdk::error::render(&e)));
    let Document::PurchaseOrder(again) = &decoded.documents[0].body else {
        panic!("850")
    };
    assert_eq!(again.notes, notes);
    assert_eq!(again.lines[0].notes, line_notes, "a line's N9 loop");
}

#[test]
fn a_broken_syntax_note_refuses_its_set_when_strict_and_warns_when_lenient() {
    let decoded = read("syntax-notes-strict.decode.edi", "strict");
    assert_eq!(decoded.documents.len(), 1);
    let places: Vec<_> = decoded.rejected.iter().map(place).collect();
    assert_eq!(
        places,
        [
            (Some("0002"), Some("850"), 3, "PO1", Some(7)),
            (Some("0003"), Some("850"), 3, "N1", Some(4)),
            (Some("0004"), Some("850"), 3, "REF", Some(2)),
            (Some("0005"), Some("850"), 3, "DTM", Some(2)),
            (Some("0006"), Some("850"), 3, "PO1", Some(2)),
        ]
    );
    assert!(decoded.rejected[0].message.contains("P0607"));
    let lenient = read("syntax-notes-lenient.decode.edi", "lenient");
    // The last set lacks the quantity the order line needs, so it is refused even so.
    assert_eq!((lenient.documents.len(), lenient.rejected.len()), (5, 1));
    assert_eq!(lenient.warnings.len(), 5);
}

#[test]
fn two_digit_years_of_003xxx_files_take_the_posix_century() {
    let decoded = read("po-003040-two-digit-years.decode.edi", "strict");
    let document = &decoded.documents[0];
    assert_eq!(
        document.envelope.created.as_deref(),
        Some("1999-12-30T10:15:00")
    );
    let Document::PurchaseOrder(po) = &document.body else {
        panic!("850")
    };
    let dates: Vec<&str> = po.dates.iter().map(|d| d.value.as_str()).collect();
    assert_eq!(dates, ["1999-12-31", "2000-01-15"]);
}

#[test]
fn a_dos_end_of_file_mark_and_nul_padding_are_not_another_interchange() {
    let decoded = read("dos-eof-padding.decode.edi", "strict");
    assert_eq!((decoded.documents.len(), decoded.warnings.len()), (1, 0));
}

/// The first document of `fixture`, written again with the adapter's defaults.
fn written_again(fixture: &str) -> String {
    let decoded = read(fixture, "strict");
    let document = decoded.documents.into_iter().next().expect("one document");
    let settings = [
        ("sender_qualifier", "ZZ"),
        ("sender_id", "KESSLERUS"),
        ("receiver_qualifier", "ZZ"),
        ("receiver_id", "NORTHWIND"),
    ];
    let encoded = with_config(&settings, || {
        X12Adapter::encode(document, wharf_guest_sdk::testing::encode_context())
    })
    .unwrap_or_else(|e| panic!("{fixture}: {}", wharf_guest_sdk::error::render(&e)));
    String::from_utf8_lossy(&encoded.bytes).into_owned()
}

#[test]
fn an_absent_assigned_identification_stays_absent_in_every_set_that_has_one() {
    for (fixture, expected) in [
        (
            "po-no-line-ids.decode.edi",
            "~PO1**10*EA*4.25**BP*A-100*VP*NW-88120~",
        ),
        (
            "invoice-no-line-ids.decode.edi",
            "~IT1**12*EA*2.5**BP*A-100~",
        ),
        (
            "change-no-line-ids.decode.edi",
            "~POC**CQ*12*10*EA*4.25**BP*A-100~",
        ),
        (
            "response-no-line-ids.decode.edi",
            "~PO1**10*EA*4.25**BP*A-100~",
        ),
    ] {
        let text = written_again(fixture);
        assert!(text.contains(expected), "{fixture}:\n{text}");
    }
}

#[test]
fn a_response_line_without_po101_keeps_its_answers_together() {
    let decoded = read("response-no-line-ids.decode.edi", "strict");
    let Document::OrderResponse(response) = &decoded.documents[0].body else {
        panic!("855")
    };
    let lines: Vec<(&str, Option<&str>)> = response
        .lines
        .iter()
        .map(|l| (l.line_number.as_str(), l.status_code.as_deref()))
        .collect();
    assert_eq!(
        lines,
        [("1", Some("IA")), ("1", Some("IB")), ("2", Some("IA"))]
    );
}

#[test]
fn a_ge02_mismatch_is_a_warning_when_lenient_and_refuses_the_interchange_when_strict() {
    let decoded = read("lenient-ge02.decode.edi", "lenient");
    assert_eq!(decoded.documents.len(), 1);
    let warned: Vec<_> = decoded.warnings.iter().map(at).collect();
    assert_eq!(warned.len(), 1);
    assert_eq!(
        (
            warned[0].segment_id.as_str(),
            warned[0].element,
            warned[0].group.as_deref()
        ),
        ("GE", Some(2), Some("5170"))
    );
    let refused = decode("error-strict-ge02.decode.edi", "strict").unwrap_err();
    assert_eq!(
        (at(&refused).segment_id.as_str(), at(&refused).element),
        ("GE", Some(2))
    );
}
