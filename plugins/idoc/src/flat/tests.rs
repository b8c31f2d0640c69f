//! Records laid out by hand from EDI_DC40 / EDI_DD40 and the segment widths, so the reader's
//! offsets are checked against an independent reading of the layout.

use super::record::segment_type;
use super::*;

/// A control record: TABNAM 10, MANDT 3, DOCNUM 16, DOCREL 4, STATUS 2, DIRECT 1, OUTMOD 1,
/// EXPRSS 1, TEST 1, IDOCTYP 30, CIMTYP 30, MESTYP 30, then the rest left blank.
fn control_record(docnum: &str, mestyp: &str) -> String {
    format!(
        "{:<10}{:<3}{:<16}{:<4}{:<2}{:<1}{:<1}{:<1}{:<1}{:<30}{:<30}{:<30}",
        "EDI_DC40", "100", docnum, "758", "30", "1", "", "", "", "ORDERS05", "", mestyp
    )
}

/// A data record header: SEGNAM 30, MANDT 3, DOCNUM 16, SEGNUM 6, PSGNUM 6, HLEVEL 2.
fn header(segnam: &str, docnum: &str, segnum: &str, psgnum: &str, hlevel: &str) -> String {
    format!(
        "{segnam:<30}{:<3}{docnum:<16}{segnum:<6}{psgnum:<6}{hlevel:<2}",
        "100"
    )
}

/// E1EDP01 data: POSEX 6, ACTION 3, PSTYP 1, KZABS 1, MENGE 15, MENEE 3.
fn item(posex: &str, menge: &str, menee: &str) -> String {
    format!(
        "{posex:<6}{:<3}{:<1}{:<1}{menge:<15}{menee:<3}",
        "", "0", ""
    )
}

const DOCNUM: &str = "0000000000123456";

fn read_text(text: &str) -> Result<(Vec<FlatIdoc>, Vec<AdapterError>), AdapterError> {
    let mut warnings = Vec::new();
    read(text, &CustomSegments::default(), &mut warnings).map(|idocs| (idocs, warnings))
}

fn rendered(result: Result<(Vec<FlatIdoc>, Vec<AdapterError>), AdapterError>) -> String {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(e) => error::render(&e),
    }
}

#[test]
fn flat_files_are_told_from_xml_by_their_first_characters() {
    assert!(is_flat(b"EDI_DC40  100"));
    assert!(is_flat(b"\xEF\xBB\xBF\r\n  EDI_DC40"));
    assert!(is_flat(
        b"EDI_DC    old release, refused later with a reason"
    ));
    assert!(!is_flat(b"<?xml version=\"1.0\"?><ORDERS05/>"));
    assert!(!is_flat(b"  \n<ORDERS05>EDI_DC40</ORDERS05>"));
    assert!(!is_flat(b""));
}

#[test]
fn segment_definitions_are_read_as_their_segment_types() {
    let custom = CustomSegments::parse("Z1KESQM=ZPRUEFPLAN:20").unwrap();
    let read = |segnam: &str| segment_type(segnam, &custom).map(|(name, _)| name);
    assert_eq!(read("E2EDP01007").as_deref(), Some("E1EDP01"));
    assert_eq!(read("E2EDK14").as_deref(), Some("E1EDK14"));
    assert_eq!(read("E1EDKA1").as_deref(), Some("E1EDKA1"));
    assert_eq!(read("Z2KESQM000").as_deref(), Some("Z1KESQM"));
    assert_eq!(read("Z1KESQM").as_deref(), Some("Z1KESQM"));
    assert_eq!(read("E2EDP01X07"), None);
    assert_eq!(read("Z2ACME001"), None);
    assert_eq!(read("Ä2EDP01007"), None);
}

#[test]
fn records_become_the_tree_the_xml_reader_builds() {
    let text = [
        control_record(DOCNUM, "ORDERS"),
        format!(
            "{}{}",
            header("E2EDP01007", DOCNUM, "000001", "000000", "02"),
            item("00010", "12.000", "PCE")
        ),
        // A schedule line under the item: WMENG 15, AMENG 15, EDATU 8.
        format!(
            "{}{:<15}{:<15}{}",
            header("E2EDP20001", DOCNUM, "000002", "000001", "03"),
            "12.000",
            "",
            "20260216"
        ),
        format!(
            "{}{}",
            header("E2EDP01007", DOCNUM, "000003", "000000", "02"),
            item("00020", "4", "EA")
        ),
    ]
    .join("\r\n");
    let (idocs, warnings) = read_text(&text).unwrap();
    assert!(warnings.is_empty());
    let [idoc] = idocs.as_slice() else {
        panic!("one IDoc")
    };
    let idoc = &idoc.element;
    assert_eq!(idoc.path, "/ORDERS05/IDOC");
    assert_eq!(idoc.get("BEGIN"), Some("1"));
    let names: Vec<_> = idoc.children.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(
        names,
        [
            "/ORDERS05/IDOC/EDI_DC40",
            "/ORDERS05/IDOC/E1EDP01[1]",
            "/ORDERS05/IDOC/E1EDP01[2]"
        ]
    );
    let control = &idoc.children[0];
    assert_eq!(control.text_of("MESTYP"), Some("ORDERS"));
    assert_eq!(control.text_of("DOCREL"), Some("758"));
    assert_eq!(control.first("OUTMOD"), None, "blank fields are left out");
    let first = &idoc.children[1];
    assert_eq!(first.get(SEGMENT_MARK), Some("1"));
    assert_eq!(first.text_of("POSEX"), Some("00010"));
    assert_eq!(first.text_of("MENGE"), Some("12.000"));
    assert_eq!(first.text_of("MENEE"), Some("PCE"));
    assert_eq!(first.first("ACTION"), None);
    let schedule = first
        .first("E1EDP20")
        .expect("E1EDP20 sits under its parent");
    assert_eq!(schedule.path, "/ORDERS05/IDOC/E1EDP01[1]/E1EDP20");
    assert_eq!(schedule.text_of("EDATU"), Some("20260216"));
    assert_eq!(
        schedule.first("WMENG").map(|f| f.path.as_str()),
        Some("/ORDERS05/IDOC/E1EDP01[1]/E1EDP20/WMENG")
    );
    assert_eq!(idoc.children[2].text_of("MENEE"), Some("EA"));
}

#[test]
fn leading_blanks_of_a_value_are_kept_and_trailing_ones_dropped() {
    // E1EDKT2: TDLINE 70, TDFORMAT 2; a continued text line starts with a blank.
    let text = [
        control_record(DOCNUM, "ORDERS"),
        format!(
            "{}{:<70}{:<2}",
            header("E2EDKT2001", DOCNUM, "000001", "000000", "02"),
            " documents.",
            "="
        ),
    ]
    .join("\n");
    let (idocs, _) = read_text(&text).unwrap();
    let line = &idocs[0].element.children[1];
    assert_eq!(
        line.first("TDLINE").map(|f| f.text.as_str()),
        Some(" documents.")
    );
    assert_eq!(line.text_of("TDFORMAT"), Some("="));
}

#[test]
fn each_control_record_opens_an_idoc() {
    let text = [
        control_record("0000000000000001", "ORDERS"),
        format!(
            "{}{}",
            header("E2EDP01007", "0000000000000001", "000001", "000000", "02"),
            item("00010", "1", "EA")
        ),
        String::new(),
        control_record("0000000000000002", "ORDRSP"),
        format!(
            "{}{}",
            header("E2EDP01007", "0000000000000002", "000001", "000000", "02"),
            item("00020", "2", "EA")
        ),
    ]
    .join("\n");
    let (idocs, _) = read_text(&text).unwrap();
    let summary: Vec<_> = idocs
        .iter()
        .map(|i| {
            (
                i.element.children[0].text_of("MESTYP"),
                i.element.children[1].text_of("POSEX"),
                i.places.segments[1].line,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (Some("ORDERS"), Some("00010"), 2),
            (Some("ORDRSP"), Some("00020"), 5)
        ]
    );
}

#[test]
fn a_record_cut_inside_its_header_is_located_where_it_ends() {
    let full = header("E2EDP01007", DOCNUM, "000001", "000000", "02");
    // Cut after 52 characters: SEGNAM 30 + MANDT 3 + DOCNUM 16 = 49, then 3 of SEGNUM.
    let text = format!("{}\n{}", control_record(DOCNUM, "ORDERS"), &full[..52]);
    assert_eq!(
        rendered(read_text(&text)),
        "syntax error at line 2, column 53: the data record ends after 52 characters, inside \
         SEGNUM; its header (SEGNAM, MANDT, DOCNUM, SEGNUM, PSGNUM, HLEVEL) takes 63"
    );
}

#[test]
fn structural_faults_are_located() {
    let control = control_record(DOCNUM, "ORDERS");
    let cases = [
        (
            format!(
                "{}{}",
                header("E2EDP01007", DOCNUM, "000001", "000000", "02"),
                item("1", "1", "EA")
            ),
            "syntax error at line 1, column 1: a data record before any control record EDI_DC40",
            false,
        ),
        (
            format!(
                "{}{}",
                header("Z2ACME001", DOCNUM, "000001", "000000", "02"),
                "x"
            ),
            "unsupported error at line 2, column 1: segment Z2ACME001: the flat reader knows the field positions of",
            true,
        ),
        (
            format!(
                "{}{}",
                header("E2EDP20001", DOCNUM, "000001", "000007", "03"),
                "1"
            ),
            "syntax error at line 2, column 56: PSGNUM 7 names no segment before this one in the IDoc",
            true,
        ),
        (
            format!(
                "{}{}",
                header("E2EDP01007", DOCNUM, "00000A", "000000", "02"),
                "1"
            ),
            "syntax error at line 2, column 50: SEGNUM \"00000A\" is not a number",
            true,
        ),
        (
            format!(
                "{}{}",
                header("E2EDP01007", "0000000000999999", "000001", "000000", "02"),
                "1"
            ),
            "syntax error at line 2, column 34: the data record belongs to IDoc 0000000000999999, \
             but the control record before it opens IDoc 0000000000123456",
            true,
        ),
    ];
    for (record, expected, with_control) in cases {
        let text = if with_control {
            format!("{control}\n{record}")
        } else {
            record
        };
        let got = rendered(read_text(&text));
        assert!(got.starts_with(expected), "{got}");
    }
    let old = "EDI_DC    100";
    assert!(rendered(read_text(old)).starts_with(
        "unsupported error at line 1, column 1: this is a control record of SAP release 3.x"
    ));
}

#[test]
fn data_past_the_known_fields_is_a_warning_not_silence() {
    // E1EDS01 is SUMID 3, SUMME 18, SUNIT 3, WAERQ 3: 27 characters, so column 64 + 27 = 91.
    let text = format!(
        "{}\n{}{:<3}{:<18}{:<3}{:<3}NEWFIELD",
        control_record(DOCNUM, "ORDERS"),
        header("E2EDS01", DOCNUM, "000001", "000000", "02"),
        "002",
        "10.00",
        "EUR",
        ""
    );
    let (_, warnings) = read_text(&text).unwrap();
    let rendered: Vec<_> = warnings.iter().map(error::render).collect();
    assert_eq!(
        rendered,
        [
            "unsupported error at line 2, column 91: E1EDS01 carries data past WAERQ, the last \
          field this adapter knows for it; that data is not read"
        ]
    );
}

#[test]
fn without_psgnum_the_level_places_a_segment() {
    // PSGNUM zero throughout, as some non-SAP writers leave it; HLEVEL 03 goes under the last
    // level-02 segment, and a level 03 with no level 02 before it is an error.
    let text = [
        control_record(DOCNUM, "ORDERS"),
        format!(
            "{}{}",
            header("E2EDP01007", DOCNUM, "000001", "000000", "02"),
            item("00010", "1", "EA")
        ),
        format!(
            "{}{:<15}",
            header("E2EDP20001", DOCNUM, "000002", "000000", "03"),
            "1"
        ),
        format!(
            "{}{}",
            header("E2EDP01007", DOCNUM, "000003", "000000", "02"),
            item("00020", "2", "EA")
        ),
        format!(
            "{}{:<15}",
            header("E2EDP20001", DOCNUM, "000004", "000000", "03"),
            "2"
        ),
    ]
    .join("\n");
    let (idocs, _) = read_text(&text).unwrap();
    let items: Vec<_> = idocs[0].element.children[1..]
        .iter()
        .map(|item| {
            let schedules: Vec<_> = item
                .all("E1EDP20")
                .filter_map(|s| s.text_of("WMENG"))
                .collect();
            (item.text_of("POSEX"), schedules)
        })
        .collect();
    assert_eq!(
        items,
        [(Some("00010"), vec!["1"]), (Some("00020"), vec!["2"])]
    );

    let orphan = format!(
        "{}\n{}{:<15}",
        control_record(DOCNUM, "ORDERS"),
        header("E2EDP20001", DOCNUM, "000001", "000000", "03"),
        "1"
    );
    assert!(rendered(read_text(&orphan)).starts_with(
        "syntax error at line 2, column 62: HLEVEL 3 puts the segment under one at level 2"
    ));
}
