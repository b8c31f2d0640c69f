//! Delimited flat files (CSV): a reader whose every record knows where it stood, and a writer.
//!
//! Reading follows RFC 4180 and what partners' exports add to it: a UTF-8 byte-order mark,
//! CRLF, LF or CR line ends (mixed in one file too), any one-byte delimiter (`;` where the
//! decimal mark is a comma, tab), quoted fields holding delimiters, doubled quotes and line
//! breaks. Blank lines are skipped. The parsing itself is [`csv_core`]'s (the engine of the
//! `csv` crate, allocation-free and `no_std`, so it builds for `wasm32-wasip2` as is); this
//! module adds the locations and the errors. Files in ISO-8859-1 or Windows-1252 are read
//! through [`Encoding::to_utf8`] first and written back with [`Encoding::from_utf8`].
//!
//! A location is the line a record starts on (1-based, counting the file's own line breaks,
//! so a quoted field spanning lines moves the next record down) and the field's position in
//! the record (1-based), which is the column a spreadsheet shows. A problem in one record
//! does not stop the reader: the record comes back as an error and the next one is read.
//!
//! ```
//! use wharf_guest_sdk::csv::{Dialect, read};
//! use wharf_guest_sdk::error;
//!
//! let file = "\u{feff}PO;Qty\r\n4500001;\"12,5\"\r\n\r\n4500002;7\r\n";
//! let records: Vec<_> = read(file.as_bytes(), &Dialect::with_delimiter(b';'))
//!     .collect::<Result<_, _>>()
//!     .unwrap();
//! assert_eq!(records[1].get(1), Some("12,5"));
//! assert_eq!(records[2].line(), 4);
//! let e = records[2].error_at(1, error::validation("\"7\" is too few"));
//! assert_eq!(error::render(&e), "validation error at line 4, column 2: \"7\" is too few");
//! ```
//!
//! # A small CSV order adapter's decode
//!
//! What a partner's adapter for a fixed `PO,Line,Part,Qty,Unit` layout needs: each bad row is
//! reported where it is and the rest are read.
//!
//! ```
//! use wharf_guest_sdk::canonical::{OrderLine, Quantity};
//! use wharf_guest_sdk::contract::AdapterError;
//! use wharf_guest_sdk::csv::{Dialect, Record, read};
//! use wharf_guest_sdk::{decimal, error, id};
//!
//! fn line(row: &Record) -> Result<(String, OrderLine), AdapterError> {
//!     let cell = |i: usize| row.get(i).map(str::trim).filter(|t| !t.is_empty());
//!     let required = |i: usize, what: &str| {
//!         cell(i).ok_or_else(|| row.error_at(i, error::validation(format!("no {what}"))))
//!     };
//!     let qty = required(3, "quantity")?;
//!     let value = decimal::normalize(qty)
//!         .map_err(|e| row.error_at(3, error::validation(e.to_string())))?;
//!     Ok((required(0, "PO number")?.to_owned(), OrderLine {
//!         line_number: required(1, "line number")?.to_owned(),
//!         parent_line: None,
//!         item_ids: cell(2).map(|p| id("buyer", p)).into_iter().collect(),
//!         description: None,
//!         quantity: Quantity { value, unit: required(4, "unit")?.to_owned() },
//!         price: None,
//!         schedule: Vec::new(),
//!         dates: Vec::new(),
//!         references: Vec::new(),
//!         notes: Vec::new(),
//!         extensions: Vec::new(),
//!     }))
//! }
//!
//! let file = "PO,Line,Part,Qty,Unit\n4500001,10,M-1,5,EA\n4500001,20,M-2,1O,EA\n";
//! let (mut lines, mut rejected) = (Vec::new(), Vec::new());
//! for record in read(file.as_bytes(), &Dialect::default()).skip(1) {
//!     match record.map_err(AdapterError::from).and_then(|r| line(&r)) {
//!         Ok(line) => lines.push(line),
//!         Err(e) => rejected.push(error::render(&e)),
//!     }
//! }
//! assert_eq!(lines.len(), 1);
//! assert_eq!(rejected, ["validation error at line 3, column 4: \"1O\" is not a decimal number"]);
//! ```

mod encoding;

use csv_core::{ReadRecordResult, ReaderBuilder};

pub use encoding::Encoding;

use crate::contract::AdapterError;
use crate::error;

/// How a file is delimited and quoted, and which line end the writer uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    pub delimiter: u8,
    pub quote: u8,
    /// Written after each record; the reader accepts CRLF, LF and CR alike.
    pub line_ending: LineEnding,
}

/// The line end a writer puts after each record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnding {
    /// `\r\n`, as RFC 4180 says.
    CrLf,
    /// `\n`, as most Unix tools write.
    Lf,
}

impl LineEnding {
    fn as_str(self) -> &'static str {
        match self {
            LineEnding::CrLf => "\r\n",
            LineEnding::Lf => "\n",
        }
    }
}

impl Default for Dialect {
    /// RFC 4180: comma, double quote, CRLF.
    fn default() -> Self {
        Dialect {
            delimiter: b',',
            quote: b'"',
            line_ending: LineEnding::CrLf,
        }
    }
}

impl Dialect {
    /// RFC 4180 with another delimiter.
    pub fn with_delimiter(delimiter: u8) -> Self {
        Dialect {
            delimiter,
            ..Dialect::default()
        }
    }
}

/// One record of a file: its fields, unquoted, and the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    line: u32,
    fields: Vec<String>,
}

impl Record {
    /// A record built in memory (for writing, or for tests), said to start on `line`.
    pub fn new(line: u32, fields: Vec<String>) -> Self {
        Record { line, fields }
    }

    /// The 1-based line the record starts on.
    pub fn line(&self) -> u32 {
        self.line
    }

    /// The field at 0-based `index`, or `None` when the record is shorter.
    pub fn get(&self, index: usize) -> Option<&str> {
        self.fields.get(index).map(String::as_str)
    }

    /// Every field, in order.
    pub fn fields(&self) -> &[String] {
        &self.fields
    }

    /// How many fields the record has.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// True for a record with no fields (never returned by [`read`], which skips blank lines).
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// `error`, located at the field with 0-based `index` of this record.
    pub fn error_at(&self, index: usize, error: AdapterError) -> AdapterError {
        error.at_text(self.line, index as u32 + 1)
    }
}

/// A record that cannot be read as it stands: why, and its fields as far as they go (bytes
/// that are not UTF-8 replaced by `�`), so an adapter can still tell which document it
/// belonged to. `?` turns it into its error.
#[derive(Debug, Clone, PartialEq)]
pub struct BadRecord {
    pub error: AdapterError,
    pub lossy: Record,
}

impl From<BadRecord> for AdapterError {
    fn from(bad: BadRecord) -> Self {
        bad.error
    }
}

/// Reads `bytes` record by record; see the [module docs](self) for what is accepted.
pub fn read<'a>(bytes: &'a [u8], dialect: &Dialect) -> Records<'a> {
    let input = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    Records {
        parser: ReaderBuilder::new()
            .delimiter(dialect.delimiter)
            .quote(dialect.quote)
            .build(),
        input,
        position: 0,
        line: 1,
        delimiter: dialect.delimiter,
        quote: dialect.quote,
        done: false,
    }
}

/// The records of a file, from [`read`]. Each item is a record or a [`BadRecord`] with the
/// located reason it could not be read; reading goes on after one unless nothing is left.
pub struct Records<'a> {
    parser: csv_core::Reader,
    input: &'a [u8],
    position: usize,
    /// The line `position` is on.
    line: u32,
    delimiter: u8,
    quote: u8,
    done: bool,
}

impl Records<'_> {
    /// Parses the next record's fields as bytes, with the byte range of the input it used.
    fn next_raw(&mut self) -> Option<(Vec<Vec<u8>>, usize, usize)> {
        let start = self.position;
        let mut output = vec![0u8; 256];
        let mut ends = vec![0usize; 32];
        let (mut written, mut ended) = (0, 0);
        loop {
            // An empty slice tells csv-core the input has ended, so it completes the last record.
            let (result, read, out, end) = self.parser.read_record(
                &self.input[self.position..],
                &mut output[written..],
                &mut ends[ended..],
            );
            self.position += read;
            written += out;
            ended += end;
            match result {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => output.resize(output.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
                ReadRecordResult::Record => {
                    let mut fields = Vec::with_capacity(ended);
                    let mut from = 0;
                    for &to in &ends[..ended] {
                        fields.push(output[from..to].to_vec());
                        from = to;
                    }
                    return Some((fields, start, self.position));
                }
                ReadRecordResult::End => return None,
            }
        }
    }
}

impl Iterator for Records<'_> {
    type Item = Result<Record, BadRecord>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let Some((fields, start, end)) = self.next_raw() else {
            self.done = true;
            return None;
        };
        let raw = &self.input[start..end];
        // csv-core skips blank lines before a record; the record starts after them.
        let blank = raw
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        let line = self.line + line_breaks(self.input, start, start + blank);
        self.line += line_breaks(self.input, start, end);
        let lossy = |upto: usize| Record {
            line,
            fields: fields[..upto]
                .iter()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect(),
        };
        // csv-core reads an unclosed quote to the end of the input without complaint, so the
        // last record is checked again; the field that quote opened is the last one.
        if end == self.input.len() && ends_inside_quotes(raw, self.delimiter, self.quote) {
            self.done = true;
            return Some(Err(BadRecord {
                error: error::syntax(
                    "a quoted field opened here is never closed; the rest of the file is inside it",
                )
                .at_text(line, fields.len() as u32),
                // The field the quote opened holds the rest of the file, not a value.
                lossy: lossy(fields.len().saturating_sub(1)),
            }));
        }
        let mut text = Vec::with_capacity(fields.len());
        for (index, field) in fields.iter().enumerate() {
            match std::str::from_utf8(field) {
                Ok(field) => text.push(field.to_owned()),
                Err(e) => {
                    return Some(Err(BadRecord {
                        error: error::syntax(format!(
                            "the field is not UTF-8 text (byte {} of the field is invalid); export the file as UTF-8",
                            e.valid_up_to() + 1
                        ))
                        .at_text(line, index as u32 + 1),
                        lossy: lossy(fields.len()),
                    }));
                }
            }
        }
        Some(Ok(Record { line, fields: text }))
    }
}

/// Whether `raw` ends inside a quoted field, reading quotes as csv-core does: a quote opens a
/// quoted field only at the field's start, and inside one a doubled quote stands for itself.
fn ends_inside_quotes(raw: &[u8], delimiter: u8, quote: u8) -> bool {
    let (mut quoted, mut at_field_start) = (false, true);
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if quoted {
            if b == quote {
                if raw.get(i + 1) == Some(&quote) {
                    i += 1;
                } else {
                    quoted = false;
                }
            }
        } else if b == quote && at_field_start {
            quoted = true;
        }
        at_field_start = !quoted && (b == delimiter || matches!(b, b'\r' | b'\n'));
        i += 1;
    }
    quoted
}

/// Counts the line breaks in `input[from..to]` as the reader does: CRLF, LF and a lone CR
/// each end one line. The whole input is given because csv-core may end a record on the CR of
/// a CRLF and leave the LF to the next one.
fn line_breaks(input: &[u8], from: usize, to: usize) -> u32 {
    let mut count = 0;
    for i in from..to {
        if input[i] == b'\n' || (input[i] == b'\r' && input.get(i + 1) != Some(&b'\n')) {
            count += 1;
        }
    }
    count
}

/// Writes records in a [`Dialect`], quoting only the fields that need it.
#[derive(Debug, Clone)]
pub struct Writer {
    dialect: Dialect,
    out: String,
}

impl Writer {
    pub fn new(dialect: Dialect) -> Self {
        Writer {
            dialect,
            out: String::new(),
        }
    }

    /// Appends one record. A field is quoted when it holds the delimiter, the quote, a line
    /// break, or starts or ends with a blank (which some readers would trim).
    pub fn record<I, S>(&mut self, fields: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let delimiter = char::from(self.dialect.delimiter);
        let quote = char::from(self.dialect.quote);
        for (index, field) in fields.into_iter().enumerate() {
            if index > 0 {
                self.out.push(delimiter);
            }
            let field = field.as_ref();
            let needs_quotes = field
                .chars()
                .any(|c| c == delimiter || c == quote || c == '\r' || c == '\n')
                || field.starts_with(' ')
                || field.ends_with(' ');
            if needs_quotes {
                self.out.push(quote);
                for c in field.chars() {
                    if c == quote {
                        self.out.push(quote);
                    }
                    self.out.push(c);
                }
                self.out.push(quote);
            } else {
                self.out.push_str(field);
            }
        }
        self.out.push_str(self.dialect.line_ending.as_str());
    }

    /// The text written so far.
    pub fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
#[path = "csv_tests.rs"]
mod tests;
