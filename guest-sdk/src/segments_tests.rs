use super::*;
use crate::contract::{ErrorKind, Location};
use crate::error::render;

/// Every segment's elements, each a list of its components with release characters applied.
fn shape(bytes: &[u8], d: Delimiters, layout: Layout) -> Vec<Vec<Vec<String>>> {
    Reader::new(bytes, d)
        .with_layout(layout)
        .map(|s| {
            (0..=s.len())
                .map(|n| {
                    s.element(n)
                        .unwrap()
                        .components()
                        .map(|c| String::from_utf8(c.unescaped().into_owned()).unwrap())
                        .collect()
                })
                .collect()
        })
        .collect()
}

fn v(parts: &[&[&str]]) -> Vec<Vec<String>> {
    parts
        .iter()
        .map(|e| e.iter().map(|c| (*c).to_owned()).collect())
        .collect()
}

#[test]
fn released_service_characters_are_data() {
    let got = shape(
        b"FTX+AAI+++NO ?'MORE?: ?+ ???? OK'",
        Delimiters::EDIFACT,
        Layout::EXACT,
    );
    assert_eq!(
        got,
        [v(&[
            &["FTX"],
            &["AAI"],
            &[""],
            &[""],
            &["NO 'MORE: + ?? OK"]
        ])]
    );
}

#[test]
fn unreleased_values_are_borrowed_and_released_ones_owned() {
    let segments: Vec<_> = Reader::new(b"RFF+ON:45?:01'", Delimiters::EDIFACT).collect();
    let rff = segments[0].element(1).unwrap();
    assert!(matches!(
        rff.component(1).unwrap().unescaped(),
        Cow::Borrowed(b"ON")
    ));
    assert!(matches!(
        rff.component(2).unwrap().unescaped(),
        Cow::Owned(ref b) if b == b"45:01"
    ));
}

#[test]
fn a_release_character_at_the_end_of_an_element_releases_the_separator() {
    // "AB?" followed by "+" makes the plus data: one element "AB+C", not two.
    let got = shape(b"FTX+AB?+C'", Delimiters::EDIFACT, Layout::EXACT);
    assert_eq!(got, [v(&[&["FTX"], &["AB+C"]])]);
    // At the end of the input it releases nothing and is dropped.
    let segments: Vec<_> = Reader::new(b"FTX+AB?", Delimiters::EDIFACT).collect();
    assert_eq!(segments[0].text(1, 1).unwrap().as_deref(), Some("AB"));
    assert!(!segments[0].is_terminated());
}

#[test]
fn empty_and_trailing_elements_and_components_are_kept_when_reading() {
    let got = shape(b"NAD+BY++::9+'", Delimiters::EDIFACT, Layout::EXACT);
    assert_eq!(got, [v(&[&["NAD"], &["BY"], &[""], &["", "", "9"], &[""]])]);
    let segments: Vec<_> = Reader::new(b"NAD+BY++::9+'", Delimiters::EDIFACT).collect();
    assert_eq!(segments[0].len(), 4);
    assert_eq!(segments[0].text(2, 1).unwrap(), None);
    assert_eq!(segments[0].text(3, 3).unwrap().as_deref(), Some("9"));
    assert_eq!(segments[0].text(3, 4).unwrap(), None);
    assert_eq!(segments[0].text(9, 1).unwrap(), None);
}

#[test]
fn tolerant_layout_skips_what_partners_put_between_segments() {
    let file = b"\xEF\xBB\xBFISA*1~\r\n\tGS*A*\r\nB~~\r\n  GE*1~\r\n\x1a\x00\x00";
    let got = shape(file, Delimiters::X12, Layout::TOLERANT);
    assert_eq!(
        got,
        [
            v(&[&["ISA"], &["1"]]),
            v(&[&["GS"], &["A"], &["B"]]),
            v(&[&["GE"], &["1"]])
        ]
    );
    let positions: Vec<u32> = Reader::new(file, Delimiters::X12)
        .with_layout(Layout::TOLERANT)
        .map(|s| s.position())
        .collect();
    assert_eq!(positions, [1, 2, 3]);
}

#[test]
fn exact_layout_reads_empty_segments_and_keeps_line_breaks() {
    let got = shape(b"A*1~~\nB~", Delimiters::X12, Layout::EXACT);
    assert_eq!(got, [v(&[&["A"], &["1"]]), v(&[&[""]]), v(&[&["\nB"]])]);
}

#[test]
fn a_newline_terminator_keeps_its_carriage_return_out_of_the_data() {
    let d = Delimiters {
        segment: b'\n',
        ..Delimiters::X12
    };
    let got = shape(b"ST*850\r\nBEG*00\r\n", d, Layout::TOLERANT);
    assert_eq!(got, [v(&[&["ST"], &["850"]]), v(&[&["BEG"], &["00"]])]);
}

#[test]
fn repetitions_split_only_with_a_repetition_separator() {
    let segments: Vec<_> = Reader::new(b"EQ*A^B>1~", Delimiters::X12).collect();
    let element = segments[0].element(1).unwrap();
    let reps: Vec<&[u8]> = element.repetitions().map(|r| r.raw()).collect();
    assert_eq!(reps, [&b"A"[..], b"B>1"]);
    assert_eq!(
        element
            .repetitions()
            .nth(1)
            .unwrap()
            .component(2)
            .unwrap()
            .raw(),
        b"1"
    );
    let none = Delimiters {
        repetition: None,
        ..Delimiters::X12
    };
    let segments: Vec<_> = Reader::new(b"EQ*A^B~", none).collect();
    assert_eq!(segments[0].element(1).unwrap().repetitions().count(), 1);
}

#[test]
fn delimiters_can_change_between_segments() {
    let mut reader = Reader::new(b"UNA:+.? 'UNB+A'UNZ|1~", Delimiters::EDIFACT);
    assert_eq!(reader.consume(9), 1);
    assert_eq!(reader.next().unwrap().id(), b"UNB");
    reader.set_delimiters(Delimiters {
        element: b'|',
        segment: b'~',
        ..Delimiters::EDIFACT
    });
    let unz = reader.next().unwrap();
    assert_eq!(
        (unz.id(), unz.position(), unz.offset()),
        (&b"UNZ"[..], 3, 15)
    );
    assert!(reader.next().is_none());
}

#[test]
fn read_errors_are_located_at_segment_element_and_component() {
    let segments: Vec<_> =
        Reader::new(b"UNB+UNOC:3'NAD+BY+4\xE4:9'", Delimiters::EDIFACT).collect();
    let err = segments[1].text(2, 1).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Syntax);
    assert_eq!(
        render(&err),
        "syntax error at segment 2 (NAD), element 02, component 1: the text is not valid UTF-8"
    );
    let whole = segments[1].error(crate::error::validation("no party"), 0, None);
    assert_eq!(
        render(&whole),
        "validation error at segment 2 (NAD): no party"
    );
}

#[test]
fn escaping_releases_every_service_character_and_borrows_otherwise() {
    let d = Delimiters::EDIFACT;
    assert_eq!(d.escape("A+B:C'D?E"), "A?+B?:C?'D??E");
    assert!(matches!(d.escape("plain"), Cow::Borrowed("plain")));
    assert!(matches!(
        Delimiters::X12.escape("A*B"),
        Cow::Borrowed("A*B")
    ));
    assert_eq!(
        d.unescape(d.escape("A+B:C'D?E").as_bytes()),
        &b"A+B:C'D?E"[..]
    );
}

#[test]
fn delimiters_must_be_distinct() {
    assert!(Delimiters::X12.are_distinct());
    assert!(Delimiters::EDIFACT.are_distinct());
    let clash = Delimiters {
        release: Some(b'+'),
        ..Delimiters::EDIFACT
    };
    assert!(!clash.are_distinct());
    assert!(clash.is_service(b'+') && !clash.is_service(b'A'));
}

#[test]
fn writing_drops_trailing_empties_and_releases_text() {
    let mut w = Writer::new(Delimiters::EDIFACT).with_line_breaks(true);
    w.write(
        "NAD",
        [vec!["BY"], vec!["", "", ""], vec!["", "x:y", ""], vec![""]],
    )
    .unwrap();
    w.write("UNS", [["S"]]).unwrap();
    w.write("CNT", Vec::<Vec<&str>>::new()).unwrap();
    assert_eq!(w.text(), "NAD+BY++:x?:y'\nUNS+S'\nCNT'\n");
    assert_eq!(w.count(), 3);
}

#[test]
fn writing_a_delimiter_without_a_release_character_is_refused_where_it_is() {
    let mut w = Writer::new(Delimiters::X12);
    w.write("ST", [["850"], ["0001"]]).unwrap();
    let err = w.write("N1", [vec!["BY"], vec!["ACME*CO"]]).unwrap_err();
    assert_eq!(
        render(&err),
        "validation error at segment 2 (N1), element 02: N102 \"ACME*CO\" contains '*', a \
         delimiter of this interchange, and there is no release character to write it with"
    );
    let err = w.write("SLN", [vec!["1"], vec!["EA", "B~"]]).unwrap_err();
    let Some(Location::Segment(at)) = err.location else {
        panic!("no location")
    };
    assert_eq!((at.element, at.component), (Some(2), Some(2)));
    // Nothing of a refused segment is written.
    assert_eq!(w.text(), "ST*850*0001~");
    w.restart_count();
    assert_eq!(w.count(), 0);
}

#[test]
fn control_characters_are_refused_only_when_asked() {
    let mut lenient = Writer::new(Delimiters::X12);
    lenient.write("MSG", [["a\tb"]]).unwrap();
    let mut strict = Writer::new(Delimiters::X12).refusing_control_characters();
    let err = strict.write("MSG", [["a\tb"]]).unwrap_err();
    assert!(err.message.contains("control character"), "{}", err.message);
}

#[test]
fn what_is_written_reads_back() {
    let texts = ["plain", "a+b", "c:d", "it's", "why?", "?'+:", ""];
    let mut w = Writer::new(Delimiters::EDIFACT);
    for text in texts {
        w.write("FTX", [["AAI"], [text]]).unwrap();
    }
    let read: Vec<String> = Reader::new(w.text().as_bytes(), Delimiters::EDIFACT)
        .map(|s| s.text(2, 1).unwrap().unwrap_or_default().into_owned())
        .collect();
    assert_eq!(read, texts);
}

proptest::proptest! {
    #[test]
    fn any_text_written_with_a_release_character_reads_back(
        texts in proptest::collection::vec("[a-z+:'? \u{e4}\n]{0,12}", 1..5),
    ) {
        let mut w = Writer::new(Delimiters::EDIFACT);
        w.write("FTX", [vec!["AAI".to_owned()], texts.clone()]).unwrap();
        let segments: Vec<_> = Reader::new(w.text().as_bytes(), Delimiters::EDIFACT).collect();
        proptest::prop_assert_eq!(segments.len(), 1);
        let element = segments[0].element(2);
        let read: Vec<String> = element
            .iter()
            .flat_map(|e| e.components())
            .map(|c| c.text().unwrap().into_owned())
            .collect();
        // Trailing empty components are not written, so they do not come back.
        let end = texts.iter().rposition(|t| !t.is_empty()).map_or(0, |i| i + 1);
        let expected = if end == 0 { Vec::new() } else { texts[..end].to_vec() };
        proptest::prop_assert_eq!(read, expected);
    }
}
