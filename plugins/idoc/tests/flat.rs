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

/// The flat file's records as lines, without their line ends.
fn lines_of(bytes: &[u8]) -> Vec<String> {
    String::from_utf8(bytes.to_vec())
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Decodes a flat fixture and its XML golden and checks they are the same documents, also
/// with CRLF line ends and every trailing blank trimmed.
fn reads_as_its_xml(case: &str) {
    let flat = fixture(&format!("flat/{case}.idoc"));
    assert!(
        lines_of(&flat)
            .iter()
            .all(|l| l.len() == 524 || l.len() == 1063),
        "{case}: the fixture keeps SAP's full record widths"
    );
    let xml = decoded(fixture(&format!("golden/{case}.decode.xml")));
    let read = decoded(flat.clone());
    assert!(!read.documents.is_empty(), "{case}");
    assert_eq!(read.documents, xml.documents, "{case}");
    assert_eq!(read.warnings, xml.warnings, "{case}");
    assert_eq!(
        decoded(with_crlf(&trimmed_lines(&flat))).documents,
        xml.documents,
        "{case}: CRLF and trimmed"
    );
}

#[test]
fn a_flat_invoic02_reads_as_its_xml() {
    reads_as_its_xml("invoic02-standard");
    // Checked by hand against the INVOIC02 schema: E1EDK04 is MWSKZ 7, MSATZ 17, MWSBT 18,
    // TXJCD 15, KTEXT 50, so the tax amount starts at column 64 + 24 = 88 and the text at 121;
    // E1EDP26 is QUALF 3, BETRG 18.
    let lines = lines_of(&fixture("flat/invoic02-standard.idoc"));
    let tax = lines.iter().find(|l| l.starts_with("E2EDK04")).unwrap();
    assert_eq!(&tax[63..70], "VAT    ");
    assert_eq!(tax[87..105].trim_end(), "828.40");
    assert_eq!(tax[120..170].trim_end(), "Output tax 19%");
    let amount = lines.iter().find(|l| l.starts_with("E2EDP26")).unwrap();
    assert_eq!(&amount[63..66], "001");
    assert_eq!(amount[66..84].trim_end(), "1500.00");
}

#[test]
fn flat_delvry07_ship_notices_read_as_their_xml() {
    for case in ["desadv-pallet", "desadv-serials-texts"] {
        reads_as_its_xml(case);
    }
    // Checked by hand against the flat DELVRY XSLT's substring offsets (1-based): E1EDL20
    // BOLNR at 213 for 35, E1EDL24 LFIMG at 240 for 15, E1ADRM1 CITY1 at 608 for 40, E1EDT13
    // ISDZ at 133 for 6.
    let lines = lines_of(&fixture("flat/desadv-pallet.idoc"));
    let cut = |prefix: &str, column: usize, width: usize| -> String {
        let line = lines.iter().find(|l| l.starts_with(prefix)).unwrap();
        line[column - 1..column - 1 + width].trim_end().to_owned()
    };
    assert_eq!(cut("E2EDL20", 213, 35), "FRB-2026-0212-07");
    assert_eq!(cut("E2EDL24", 240, 15), "120.000");
    assert_eq!(cut("E2ADRM1", 608, 40), "Hagen");
    assert_eq!(cut("E2EDT13", 133, 6), "153000");
    // E1EDL37 (DELVRY03 schema): EXIDV 20, TARAG 17, GWEIT 3, BRGEW 17.
    assert_eq!(cut("E2EDL37", 64, 20), "340123450000000018");
    assert_eq!(cut("E2EDL37", 104, 17), "412.800");
}

/// `bytes` with the field at `column` (1-based) of the `index`-th line starting with `prefix`
/// overwritten by `value`, padded to `width`.
fn with_field(
    bytes: &[u8],
    prefix: &str,
    index: usize,
    column: usize,
    width: usize,
    value: &str,
) -> (Vec<u8>, usize) {
    let mut lines = lines_of(bytes);
    let line = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.starts_with(prefix))
        .map(|(n, _)| n)
        .nth(index)
        .unwrap();
    lines[line].replace_range(column - 1..column - 1 + width, &format!("{value:<width$}"));
    (lines.join("\n").into_bytes(), line + 1)
}

#[test]
fn a_bad_tax_amount_in_a_flat_invoice_names_its_line_and_column() {
    let flat = fixture("flat/invoic02-standard.idoc");
    let (bad, line) = with_field(&flat, "E2EDK04", 0, 88, 18, "828,4X");
    let err = decode(bad).expect_err("MWSBT is not a number");
    assert_eq!(
        error::render(&err),
        format!(
            "validation error at line {line}, column 88: E1EDK04.MWSBT: \"828,4X\" is not a \
             decimal number"
        )
    );
}

#[test]
fn a_bad_quantity_in_a_flat_ship_notice_names_its_line_and_column() {
    // The second item's LFIMG, as in the XML golden error-desadv-bad-quantity.
    let flat = fixture("flat/desadv-pallet.idoc");
    let (bad, line) = with_field(&flat, "E2EDL24", 1, 240, 15, "150,000");
    let err = decode(bad).expect_err("LFIMG is not a number");
    let xml = decode(fixture("golden/error-desadv-bad-quantity.decode.xml")).unwrap_err();
    assert_eq!(xml.message, "\"150,000\" is not a decimal number");
    assert_eq!(
        error::render(&err),
        format!(
            "validation error at line {line}, column 240: E1EDL24.LFIMG: {}",
            xml.message
        )
    );
}

#[test]
fn a_flat_goods_movement_is_refused_at_its_first_segment() {
    // MBGMCR's segments are not laid out (see flat/widths.rs): the file is refused where the
    // first of them stands, not guessed at.
    let control = format!(
        "{:<10}{:<3}{:<16}{:<4}{:<2}{:<1}{:<1}{:<1}{:<1}{:<30}{:<30}{:<30}",
        "EDI_DC40", "100", "0000000000451230", "", "", "1", "", "", "", "MBGMCR03", "", "MBGMCR"
    );
    let record = format!(
        "{:<30}{:<3}{:<16}{}{}{}X",
        "E2MBGMCR", "100", "0000000000451230", "000001", "000000", "02"
    );
    let err = decode(format!("{control}\n{record}\n").into_bytes()).expect_err("not laid out");
    let rendered = error::render(&err);
    assert!(
        rendered.starts_with("unsupported error at line 2, column 1: segment E2MBGMCR: "),
        "{rendered}"
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
        "invoic02-standard",
        "desadv-pallet",
        "desadv-serials-texts",
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
