//! Segment-based EDI (X12, EDIFACT, and the formats partners derive from them): the service
//! characters of an interchange, a reader that splits bytes into segments, elements and
//! components without copying them, and a writer that escapes or refuses service characters.
//!
//! - [`Delimiters`]: element, component and repetition separators, segment terminator and the
//!   optional release character, each one byte.
//! - [`Reader`] yields [`Segment`]s that borrow the input: a segment keeps the ranges of its
//!   elements, and [`Element`]s and [`Component`]s are views into it. Release characters are
//!   only removed when a value holds one ([`Component::unescaped`] is a `Cow`). [`Layout`]
//!   says what the file may carry between segments (line breaks, indentation, padding).
//! - [`Writer`] joins segments with the delimiters, drops trailing empty elements and
//!   components, and releases service characters in text, or, when there is no release
//!   character, refuses them with an error at the segment, element and component.
//!
//! What a standard decides stays with its adapter: where the delimiters are announced (X12's
//! ISA, EDIFACT's UNA), when they change, how text is encoded. A reader can be re-pointed at
//! new delimiters between segments ([`Reader::set_delimiters`]), and envelope segments the
//! adapter reads itself are stepped over with [`Reader::consume`], so positions stay right.
//!
//! Positions are 1-based and count segments from the start of the input; an adapter that
//! numbers segments within a message relocates errors with its own context.
//!
//! ```
//! use wharf_guest_sdk::segments::{Delimiters, Layout, Reader, Writer};
//! use wharf_guest_sdk::error;
//!
//! let d = Delimiters::EDIFACT;
//! let file = b"UNH+1+ORDERS:D:96A:UN'\r\nFTX+AAI+++DIN 933?: M8?+M10'\r\nQTY+21:1O'";
//! let segments: Vec<_> = Reader::new(file, d).with_layout(Layout::TOLERANT).collect();
//! assert_eq!(segments.len(), 3);
//!
//! // FTX's fourth element, its first component, with the release characters applied.
//! let ftx = &segments[1];
//! assert_eq!(ftx.id(), b"FTX");
//! assert_eq!(ftx.text(4, 1).unwrap().as_deref(), Some("DIN 933: M8+M10"));
//!
//! // Errors know where they are.
//! let qty = &segments[2];
//! let value = qty.text(1, 2).unwrap().unwrap_or_default();
//! let e = qty.error(error::validation(format!("{value:?} is not a number")), 1, Some(2));
//! assert_eq!(
//!     error::render(&e),
//!     "validation error at segment 3 (QTY), element 01, component 2: \"1O\" is not a number"
//! );
//!
//! // Writing releases the service characters again.
//! let mut out = Writer::new(d);
//! out.write("FTX", [vec!["AAI"], vec![], vec![], vec!["DIN 933: M8+M10", ""]]).unwrap();
//! assert_eq!(out.text(), "FTX+AAI+++DIN 933?: M8?+M10'");
//! ```

mod read;
mod write;

pub use read::{Component, Element, Reader, Segment};
pub use write::Writer;

use std::borrow::Cow;

/// The service characters of one interchange.
///
/// Each is one byte: X12 and ISO 9735 both take them from a single-byte repertoire, so a
/// reader splits the raw bytes before any character set is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delimiters {
    /// Between the elements of a segment (X12 `*`, EDIFACT `+`).
    pub element: u8,
    /// Between the components of a composite element (X12 `>`, EDIFACT `:`).
    pub component: u8,
    /// Between repetitions of an element (X12 `^` from 00403 on, EDIFACT `*` in version 4),
    /// when the interchange has one.
    pub repetition: Option<u8>,
    /// After each segment (X12 `~`, EDIFACT `'`).
    pub segment: u8,
    /// Makes the next character data rather than a service character (EDIFACT `?`); X12 has
    /// none, so a delimiter cannot appear in its text at all.
    pub release: Option<u8>,
}

impl Delimiters {
    /// The X12 delimiters most agreements use: `*`, `>`, `^`, `~`, no release character.
    pub const X12: Delimiters = Delimiters {
        element: b'*',
        component: b'>',
        repetition: Some(b'^'),
        segment: b'~',
        release: None,
    };

    /// ISO 9735 level A, what `UNA:+.? '` spells out: `+`, `:`, `'` and the release `?`.
    pub const EDIFACT: Delimiters = Delimiters {
        element: b'+',
        component: b':',
        repetition: None,
        segment: b'\'',
        release: Some(b'?'),
    };

    /// Whether `byte` is one of the separators, the terminator or the release character.
    pub fn is_service(&self, byte: u8) -> bool {
        byte == self.element
            || byte == self.component
            || byte == self.segment
            || Some(byte) == self.repetition
            || Some(byte) == self.release
    }

    /// Whether every role has a character of its own; a reader cannot tell two roles apart
    /// when they share one.
    pub fn are_distinct(&self) -> bool {
        let all = [
            Some(self.element),
            Some(self.component),
            Some(self.segment),
            self.repetition,
            self.release,
        ];
        all.iter()
            .enumerate()
            .all(|(i, a)| a.is_none() || !all[i + 1..].contains(a))
    }

    /// The service character `c` stands for, when it is one. Delimiters above ASCII are read
    /// as the Latin-1 characters of their byte, as a writer writes them.
    fn service_char(&self, c: char) -> bool {
        u8::try_from(u32::from(c)).is_ok_and(|b| self.is_service(b))
    }

    /// `text` with a release character before every service character in it, borrowed when
    /// there is none (or when there is no release character to write).
    pub fn escape<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let Some(release) = self.release else {
            return Cow::Borrowed(text);
        };
        if !text.chars().any(|c| self.service_char(c)) {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len() + 4);
        for c in text.chars() {
            if self.service_char(c) {
                out.push(char::from(release));
            }
            out.push(c);
        }
        Cow::Owned(out)
    }

    /// `raw` with its release characters removed, each keeping the byte after it as data;
    /// borrowed when it holds none. A release character at the very end releases nothing
    /// and is dropped.
    pub fn unescape<'r>(&self, raw: &'r [u8]) -> Cow<'r, [u8]> {
        let Some(release) = self.release else {
            return Cow::Borrowed(raw);
        };
        if !raw.contains(&release) {
            return Cow::Borrowed(raw);
        }
        let mut out = Vec::with_capacity(raw.len());
        let mut bytes = raw.iter();
        while let Some(&b) = bytes.next() {
            if b == release {
                out.extend(bytes.next());
            } else {
                out.push(b);
            }
        }
        Cow::Owned(out)
    }
}

/// What a file may carry around its segments, beyond the delimiters.
///
/// Real files arrive with line breaks after terminators, indented segments, a byte-order mark,
/// and end-of-file padding from DOS or mainframe transfers. [`Layout::EXACT`] reads none of
/// that; [`Layout::TOLERANT`] reads all of it; a standard with its own rules builds its own.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    /// Whether `byte` is skipped before a segment, given the delimiters in force (so a blank
    /// that is also a delimiter can keep that role). The segment terminator is never skipped.
    pub padding: fn(byte: u8, delimiters: &Delimiters) -> bool,
    /// Whether a UTF-8 byte-order mark before a segment is skipped as padding.
    pub byte_order_mark: bool,
    /// Whether a segment with nothing in it (two terminators in a row) is skipped rather than
    /// read as a segment with an empty id.
    pub skip_empty: bool,
    /// Whether CR and LF are layout, never data: at the end of a segment they belong to a
    /// newline terminator, and inside it (unless the terminator is itself a line break) they
    /// are the wrapping of a fixed-width file. Either way they are dropped.
    pub line_breaks_are_layout: bool,
}

fn no_padding(_: u8, _: &Delimiters) -> bool {
    false
}

/// Blanks, line breaks, and the Ctrl-Z and NUL padding transfers leave at the end of a file,
/// unless the interchange uses them as a delimiter.
fn blank_padding(byte: u8, delimiters: &Delimiters) -> bool {
    matches!(byte, b' ' | b'\t' | b'\r' | b'\n' | 0x0B | 0x0C | 0x1A | 0)
        && byte != delimiters.element
        && byte != delimiters.component
        && Some(byte) != delimiters.repetition
        && Some(byte) != delimiters.release
}

impl Layout {
    /// Segments follow each other with nothing in between, as the standards write them.
    pub const EXACT: Layout = Layout {
        padding: no_padding,
        byte_order_mark: false,
        skip_empty: false,
        line_breaks_are_layout: false,
    };

    /// What partners send: blanks, line breaks, byte-order marks and end-of-file padding
    /// between segments, empty segments, and line breaks wrapping a segment are all skipped.
    pub const TOLERANT: Layout = Layout {
        padding: blank_padding,
        byte_order_mark: true,
        skip_empty: true,
        line_breaks_are_layout: true,
    };
}

#[cfg(test)]
#[path = "segments_tests.rs"]
mod tests;
