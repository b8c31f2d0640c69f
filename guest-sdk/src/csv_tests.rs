//! What partners' CSV exports do, and where the reader says each field stood.

use proptest::prelude::*;

use super::*;
use crate::error::render;

fn records(text: &[u8], dialect: &Dialect) -> Vec<Result<Record, String>> {
    read(text, dialect)
        .map(|r| r.map_err(|bad| render(&bad.error)))
        .collect()
}

fn ok(text: &[u8], dialect: &Dialect) -> Vec<(u32, Vec<String>)> {
    records(text, dialect)
        .into_iter()
        .map(|r| {
            let r = r.unwrap();
            (r.line(), r.fields().to_vec())
        })
        .collect()
}

fn row(line: u32, fields: &[&str]) -> (u32, Vec<String>) {
    (line, fields.iter().map(|f| (*f).to_owned()).collect())
}

#[test]
fn byte_order_mark_and_mixed_line_ends() {
    let text = b"\xEF\xBB\xBFa,b\r\nc,d\ne,f\rg,h";
    assert_eq!(
        ok(text, &Dialect::default()),
        [
            row(1, &["a", "b"]),
            row(2, &["c", "d"]),
            row(3, &["e", "f"]),
            row(4, &["g", "h"])
        ]
    );
}

#[test]
fn quoted_fields_keep_delimiters_quotes_and_line_breaks() {
    let text = b"1;\"a;b\";\"say \"\"hi\"\"\"\r\n2;\"two\r\nlines\";x\r\n3;y;z\r\n";
    assert_eq!(
        ok(text, &Dialect::with_delimiter(b';')),
        [
            row(1, &["1", "a;b", "say \"hi\""]),
            row(2, &["2", "two\r\nlines", "x"]),
            // The quoted line break moved this record to line 4.
            row(4, &["3", "y", "z"]),
        ]
    );
}

#[test]
fn blank_lines_are_skipped_and_counted() {
    let text = b"a\n\n\r\nb\n\n";
    assert_eq!(
        ok(text, &Dialect::default()),
        [row(1, &["a"]), row(4, &["b"])]
    );
}

#[test]
fn tab_delimited_and_empty_fields() {
    assert_eq!(
        ok(b"a\t\tc\n", &Dialect::with_delimiter(b'\t')),
        [row(1, &["a", "", "c"])]
    );
}

#[test]
fn a_quote_inside_an_unquoted_field_is_text() {
    assert_eq!(
        ok(b"1,12\" pipe,3", &Dialect::default()),
        [row(1, &["1", "12\" pipe", "3"])]
    );
}

#[test]
fn an_unclosed_quote_is_located_where_it_opened() {
    let got = records(b"a,b\nc,\"d\ne,f\n", &Dialect::default());
    assert_eq!(got[0], Ok(Record::new(1, vec!["a".into(), "b".into()])));
    assert_eq!(
        got[1],
        Err("syntax error at line 2, column 2: a quoted field opened here is never closed; the rest of the file is inside it".into())
    );
    assert_eq!(got.len(), 2);
    // What came before the quote is still there; the swallowed field is not.
    let bad = read(b"a,b\nc,\"d\ne,f\n", &Dialect::default())
        .nth(1)
        .unwrap()
        .unwrap_err();
    assert_eq!(bad.lossy, Record::new(2, vec!["c".into()]));
}

#[test]
fn a_field_that_is_not_utf8_is_one_bad_record() {
    let got = records(b"a,b\nc,d\xFF\ne,f\n", &Dialect::default());
    assert_eq!(
        got[1],
        Err("syntax error at line 2, column 2: the field is not UTF-8 text (byte 2 of the field is invalid); export the file as UTF-8".into())
    );
    assert_eq!(got[2], Ok(Record::new(3, vec!["e".into(), "f".into()])));
    // The record's other fields stay readable, so its document can be told.
    let bad = read(b"a,b\nc,d\xFF\n", &Dialect::default())
        .nth(1)
        .unwrap()
        .unwrap_err();
    assert_eq!(
        bad.lossy,
        Record::new(2, vec!["c".into(), "d\u{FFFD}".into()])
    );
}

#[test]
fn the_writer_quotes_only_what_needs_it() {
    let mut writer = Writer::new(Dialect::with_delimiter(b';'));
    writer.record(["plain", "a;b", "say \"hi\"", " padded", "two\nlines", ""]);
    assert_eq!(
        writer.finish(),
        "plain;\"a;b\";\"say \"\"hi\"\"\";\" padded\";\"two\nlines\";\r\n"
    );
}

fn dialects() -> impl Strategy<Value = Dialect> {
    (
        prop::sample::select(vec![b',', b';', b'\t', b'|']),
        prop::bool::ANY,
    )
        .prop_map(|(delimiter, lf)| Dialect {
            delimiter,
            quote: b'"',
            line_ending: if lf { LineEnding::Lf } else { LineEnding::CrLf },
        })
}

proptest! {
    /// Whatever the writer writes, the reader reads back field for field, on the lines the
    /// written text says.
    #[test]
    fn written_records_read_back(
        dialect in dialects(),
        rows in prop::collection::vec(
            prop::collection::vec("[a-zA-Zäß0-9 ,;|\t\"\r\n.-]{0,8}", 1..5),
            1..6,
        ),
    ) {
        // A record of one empty field is a blank line, which readers skip by design.
        let rows: Vec<Vec<String>> = rows
            .into_iter()
            .filter(|r| !(r.len() == 1 && r[0].is_empty()))
            .collect();
        let mut writer = Writer::new(dialect);
        let mut expected_lines = Vec::new();
        let mut line = 1;
        for r in &rows {
            expected_lines.push(line);
            writer.record(r);
            let mut one = Writer::new(dialect);
            one.record(r);
            let one = one.finish();
            line += line_breaks(one.as_bytes(), 0, one.len());
        }
        let text = writer.finish();
        let read: Vec<Record> = read(text.as_bytes(), &dialect)
            .collect::<Result<_, _>>()
            .map_err(|bad| TestCaseError::fail(render(&bad.error)))?;
        let got: Vec<(u32, Vec<String>)> =
            read.into_iter().map(|r| (r.line(), r.fields().to_vec())).collect();
        let want: Vec<(u32, Vec<String>)> = expected_lines.into_iter().zip(rows).collect();
        prop_assert_eq!(got, want);
    }
}
