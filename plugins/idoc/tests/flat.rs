//! Flat IDoc files read as the same canonical documents as the IDoc XML they were written
//! from. The files in `tests/flat/` hold the IDocs of XML goldens laid out record by record in
//! SAP's file-port format (EDI_DC40 control records of 524 characters, EDI_DD40 data records
//! with segment definitions such as `E2EDP01007` as SEGNAM), so each test compares the flat
//! reading with the XML reading of the very same IDoc.

use std::fs;
use std::path::PathBuf;

use wharf_guest_sdk::Adapter;
use wharf_guest_sdk::contract::{AdapterError, Decoded, Inbound};
use wharf_guest_sdk::error;
use wharf_guest_sdk::testing::{call_context, with_config};
use wharf_plugin_idoc::IdocAdapter;

fn fixture(path: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(path);
    fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn decode(bytes: Vec<u8>) -> Result<Decoded, AdapterError> {
    IdocAdapter::decode(Inbound {
        bytes,
        content_type: None,
        context: call_context(),
    })
}

fn decoded(bytes: Vec<u8>) -> Decoded {
    decode(bytes).unwrap_or_else(|e| panic!("decodes: {}", error::render(&e)))
}

fn with_crlf(bytes: &[u8]) -> Vec<u8> {
    String::from_utf8(bytes.to_vec())
        .unwrap()
        .replace('\n', "\r\n")
        .into_bytes()
}

fn trimmed_lines(bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    text.split('\n')
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .into_bytes()
}

#[test]
fn a_flat_orders05_reads_as_its_xml() {
    let flat = fixture("flat/orders05-standard.idoc");
    let xml = decoded(fixture("golden/orders05-standard.decode.xml"));
    assert!(
        flat.split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .all(|l| l.len() == 524 || l.len() == 1063),
        "the fixture keeps SAP's full record widths"
    );
    let read = decoded(flat.clone());
    assert_eq!(read.documents.len(), 1);
    assert_eq!(read.documents, xml.documents);
    assert!(read.warnings.is_empty() && xml.warnings.is_empty());
    // The same file with CRLF line ends and every trailing blank trimmed reads alike.
    assert_eq!(
        decoded(with_crlf(&trimmed_lines(&flat))).documents,
        xml.documents
    );
}

#[test]
fn a_flat_file_with_two_idocs_reads_as_two_documents() {
    // Written with CRLF and trailing blanks trimmed, as files often arrive after a transfer.
    let flat = fixture("flat/orders05-two-idocs.idoc");
    assert!(flat.windows(2).any(|w| w == b"\r\n"));
    let first = decoded(fixture("golden/orders05-standard.decode.xml"));
    let second = decoded(fixture("golden/orders05-two-idocs.decode.xml"));
    let read = decoded(flat);
    assert_eq!(read.documents.len(), 2);
    assert_eq!(read.documents[0], first.documents[0]);
    assert_eq!(read.documents[1], second.documents[1]);
    assert_eq!(
        read.documents[1].envelope.interchange_control.as_deref(),
        Some("0000000000123461")
    );
}

#[test]
fn order_responses_and_order_changes_read_as_their_xml() {
    for case in ["ordrsp-confirmation", "ordchg-update"] {
        let xml = decoded(fixture(&format!("golden/{case}.decode.xml")));
        let read = decoded(fixture(&format!("flat/{case}.idoc")));
        assert!(!read.documents.is_empty(), "{case}");
        assert_eq!(read.documents, xml.documents, "{case}");
        assert_eq!(read.warnings.len(), xml.warnings.len(), "{case}");
    }
}

#[test]
fn a_customer_message_type_is_read_like_the_xml_and_warned_at_its_column() {
    // ZORDERS in MESTYP: TABNAM..TEST take 39 characters, IDOCTYP and CIMTYP 30 each, so
    // MESTYP starts at column 100 of the control record.
    let flat = String::from_utf8(fixture("flat/orders05-standard.idoc")).unwrap();
    let at = 99;
    assert_eq!(&flat[at..at + 6], "ORDERS");
    let custom = format!("{}ZORDERS{}", &flat[..at], &flat[at + 7..]);
    let xml = decoded(fixture("golden/orders05-custom-z.decode.xml"));
    let read = decoded(custom.into_bytes());
    assert_eq!(read.documents, xml.documents);
    let warnings: Vec<_> = read.warnings.iter().map(error::render).collect();
    assert_eq!(
        warnings,
        [
            "unsupported error at line 1, column 100: EDI_DC40.MESTYP: customer message type \
          ZORDERS on basic type ORDERS05 is read as ORDERS, by its name; set \
          custom_message_types to read it otherwise"
        ]
    );
}

#[test]
fn a_mapping_error_names_the_line_and_column_of_the_field() {
    // The first item's POSEX (column 64 of line 20) blanked: the mapping needs it.
    let flat = String::from_utf8(fixture("flat/orders05-standard.idoc")).unwrap();
    let mut lines: Vec<String> = flat.split('\n').map(str::to_owned).collect();
    assert!(lines[19].starts_with("E2EDP01007") && &lines[19][63..68] == "00010");
    lines[19].replace_range(63..69, "      ");
    let err = decode(lines.join("\n").into_bytes()).expect_err("an item without POSEX");
    let rendered = error::render(&err);
    assert!(
        rendered.starts_with("validation error at line 20, column 64: E1EDP01.POSEX: "),
        "{rendered}"
    );
}

#[test]
fn a_customer_segment_laid_out_by_the_agreement_reads_as_its_xml() {
    // ISO-8859-1 text (ß, ü) and a customer segment Z1KESQM (written Z2KESQM000) under an
    // item, with the extension type ZORDERS05KES in CIMTYP.
    let flat = fixture("flat/orders05-extension-latin1.idoc");
    assert!(
        std::str::from_utf8(&flat).is_err(),
        "the fixture is Latin-1"
    );
    let xml = decoded(fixture("golden/orders05-extension-latin1.decode.xml"));
    let layout = [("flat_segments", "Z1KESQM=ZPRUEFPLAN:20,ZZEUGNIS:10")];
    let read = with_config(&layout, || decoded(flat.clone()));
    assert_eq!(read.documents, xml.documents);
    // Without the layout the segment cannot be read, and the error says how to lay it out.
    let err = decode(flat).expect_err("Z1KESQM is not laid out");
    let rendered = error::render(&err);
    assert!(
        rendered.starts_with("unsupported error at line 9, column 1: segment Z2KESQM000: ")
            && rendered.ends_with("lay out customer segments in the agreement's flat_segments"),
        "{rendered}"
    );
    // A faulty layout is the agreement's fault, said before any record is read.
    let faulty = [("flat_segments", "Z1KESQM=ZPRUEFPLAN")];
    let err = with_config(&faulty, || {
        decode(fixture("flat/orders05-extension-latin1.idoc"))
    })
    .expect_err("faulty layout");
    assert_eq!(
        error::render(&err),
        "configuration error: flat_segments: Z1KESQM: \"ZPRUEFPLAN\" is not FIELD:WIDTH"
    );
}

#[test]
fn an_unknown_segment_is_refused_at_its_line() {
    let flat = String::from_utf8(fixture("flat/orders05-standard.idoc")).unwrap();
    let mut lines: Vec<String> = flat.split('\n').map(str::to_owned).collect();
    // Line 2 is E1EDK01 (E2EDK01005); a customer segment in its place has no known layout.
    lines[1].replace_range(0..10, "Z2ACMEK001");
    let err = decode(lines.join("\n").into_bytes()).expect_err("unknown layout");
    assert!(
        error::render(&err)
            .starts_with("unsupported error at line 2, column 1: segment Z2ACMEK001: "),
        "{}",
        error::render(&err)
    );
}

/// Decodes `bytes`; `Ok` says whether it decoded, `Err` carries a panic's message.
fn survives(bytes: Vec<u8>) -> Result<bool, String> {
    std::panic::catch_unwind(|| decode(bytes).is_ok()).map_err(|panic| {
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default()
    })
}

#[test]
fn every_prefix_of_a_flat_file_is_handled() {
    let bytes = fixture("flat/orders05-two-idocs.idoc");
    let failures: Vec<String> = (0..bytes.len())
        .filter_map(|len| {
            survives(bytes[..len].to_vec())
                .err()
                .map(|m| format!("prefix {len}: {m}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn mutated_flat_files_are_handled() {
    // Bytes that matter to fixed-width records: blanks, digits, line ends, signs, separators,
    // segment name letters, and bytes that are not UTF-8 on their own.
    const INTERESTING: &[u8] = b" 0123456789\r\n-.,EZ12\xff\xc3";
    let mut failures = Vec::new();
    let mut decoded = 0;
    for name in [
        "orders05-standard",
        "orders05-two-idocs",
        "ordrsp-confirmation",
        "ordchg-update",
    ] {
        let original = fixture(&format!("flat/{name}.idoc"));
        for seed in 1..=300u64 {
            let mut rng =
                wharf_guest_sdk::testing::XorShift(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
            let mut bytes = original.clone();
            rng.damage(&mut bytes, INTERESTING);
            match survives(bytes) {
                Ok(true) => decoded += 1,
                Ok(false) => {}
                Err(message) => failures.push(format!("{name} seed {seed}: {message}")),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Most of a record is blank padding, so many mutations still decode and reach the mappings.
    assert!(decoded > 100, "only {decoded} mutated files decoded");
}
