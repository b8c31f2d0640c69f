//! EDIFACT syntax below the envelope: service characters and splitting bytes into segments.
//!
//! [`Separators`] come from a service string advice (`UNA:+.? '`) or, without one, from the
//! defaults of ISO 9735 (level A characters, or the level B control characters when the UNB
//! that follows is written with them). [`tokenize`] turns a whole file into [`RawSegment`]s of
//! still-undecoded bytes: character sets are only known once UNB is read. It tolerates what
//! real files carry between segments (byte-order mark, CR/LF, indentation) and starts over with
//! default separators after each UNZ, so several interchanges in one file each get their own UNA.
//! The splitting itself, release characters included, is the SDK's
//! [`wharf_guest_sdk::segments::Reader`]; what is EDIFACT's (UNA, level B, UNZ) stays here.

use wharf_guest_sdk::contract::{AdapterError, SegmentLocation};
use wharf_guest_sdk::error;
use wharf_guest_sdk::segments::{Delimiters, Layout, Reader, Segment};

/// The service characters of one interchange: its delimiters and its decimal mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Separators {
    pub delimiters: Delimiters,
    pub decimal: char,
}

impl Separators {
    /// ISO 9735 level A defaults, what `UNA:+.? '` spells out.
    pub const DEFAULT: Separators = Separators {
        delimiters: Delimiters::EDIFACT,
        decimal: '.',
    };

    /// Level B defaults (UNOB without UNA): information separators IS1, IS3, IS4, no release.
    pub const LEVEL_B: Separators = Separators {
        delimiters: Delimiters {
            element: 0x1D,
            component: 0x1F,
            repetition: None,
            segment: 0x1C,
            release: None,
        },
        decimal: '.',
    };

    /// The six characters after `UNA`, as this set is advised.
    pub fn una(&self) -> String {
        let d = &self.delimiters;
        let release = d.release.map_or(' ', char::from);
        format!(
            "UNA{}{}{}{} {}",
            char::from(d.component),
            char::from(d.element),
            self.decimal,
            release,
            char::from(d.segment)
        )
    }

    /// `text` with every service character released, ready to be written as a component.
    pub fn escape(&self, text: &str) -> String {
        self.delimiters.escape(text).into_owned()
    }
}

/// One segment as split from the file, its components still undecoded bytes.
#[derive(Debug, Clone)]
pub struct RawSegment<'a> {
    pub segment: Segment<'a>,
    /// The decimal mark in force where the segment was read.
    pub decimal: char,
}

impl RawSegment<'_> {
    /// The segment tag as written (first component of the first element).
    pub fn tag(&self) -> String {
        self.segment
            .element(0)
            .and_then(|e| e.component(1))
            .map(|c| String::from_utf8_lossy(&c.unescaped()).into_owned())
            .unwrap_or_default()
    }

    /// False for a last segment the file cuts off before its terminator.
    pub fn terminated(&self) -> bool {
        self.segment.is_terminated()
    }

    /// 1-based position of the segment in the file.
    pub fn file_position(&self) -> u32 {
        self.segment.position()
    }
}

/// Blanks between segments, unless the interchange uses them as a separator.
fn is_blank(byte: u8, delimiters: &Delimiters) -> bool {
    matches!(byte, b' ' | b'\t' | b'\r' | b'\n')
        && byte != delimiters.component
        && byte != delimiters.element
        && byte != delimiters.segment
}

/// What EDIFACT files carry between segments: blanks and line breaks, nothing inside them.
const LAYOUT: Layout = Layout {
    padding: is_blank,
    byte_order_mark: false,
    skip_empty: false,
    line_breaks_are_layout: false,
};

fn una_error(position: u32, message: &str) -> AdapterError {
    error::syntax(message.to_owned()).at_segment(SegmentLocation {
        interchange: None,
        group: None,
        message: None,
        message_type: None,
        position,
        segment_id: "UNA".to_owned(),
        element: None,
        component: None,
    })
}

/// Reads the service string advice at the start of `bytes` (the `U` of `UNA`).
fn read_una(bytes: &[u8], position: u32) -> Result<Separators, AdapterError> {
    let Some(advice) = bytes.get(3..9) else {
        return Err(una_error(
            position,
            "the service string advice UNA needs six characters after its tag",
        ));
    };
    let [
        component,
        element,
        decimal,
        release,
        _repetition,
        terminator,
    ] = advice
    else {
        return Err(una_error(position, "UNA is cut short"));
    };
    let decimal = match decimal {
        b'.' | b',' => char::from(*decimal),
        _ => {
            return Err(una_error(
                position,
                "UNA gives a decimal mark other than '.' or ','",
            ));
        }
    };
    let delimiters = Delimiters {
        element: *element,
        component: *component,
        // The repetition separator of syntax version 4 is not read: versions 1 to 3 reserve
        // the position, and this adapter splits no repetitions.
        repetition: None,
        segment: *terminator,
        // ISO 9735 lets a space stand for "no release character".
        release: (*release != b' ').then_some(*release),
    };
    if !delimiters.are_distinct() {
        return Err(una_error(
            position,
            "UNA gives the same character to two different service roles",
        ));
    }
    Ok(Separators {
        delimiters,
        decimal,
    })
}

/// Splits a whole file into segments, reading every UNA it meets.
pub fn tokenize(bytes: &[u8]) -> Result<Vec<RawSegment<'_>>, AdapterError> {
    let mut separators = Separators::DEFAULT;
    let mut reader = Reader::new(bytes, separators.delimiters).with_layout(LAYOUT);
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        reader.advance(3);
    }
    let mut advised = false;
    let mut segments = Vec::new();
    loop {
        let rest = reader.skip_padding();
        if rest.is_empty() {
            break;
        }
        if rest.starts_with(b"UNA") {
            separators = read_una(rest, reader.position().saturating_add(1))?;
            reader.consume(9);
            reader.set_delimiters(separators.delimiters);
            advised = true;
            continue;
        }
        if !advised && rest.starts_with(b"UNB") && rest.get(3) == Some(&0x1D) {
            separators = Separators::LEVEL_B;
            reader.set_delimiters(separators.delimiters);
        }
        let Some(segment) = reader.next() else {
            break;
        };
        let segment = RawSegment {
            segment,
            decimal: separators.decimal,
        };
        let ends_interchange = segment.tag() == "UNZ";
        segments.push(segment);
        if ends_interchange {
            separators = Separators::DEFAULT;
            reader.set_delimiters(separators.delimiters);
            advised = false;
        }
    }
    Ok(segments)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(segment: &RawSegment) -> Vec<Vec<String>> {
        (0..=segment.segment.len())
            .filter_map(|n| segment.segment.element(n))
            .map(|e| {
                e.components()
                    .map(|c| String::from_utf8_lossy(&c.unescaped()).into_owned())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn release_character_keeps_separators_as_data() {
        let segments = tokenize(b"UNA:+.? 'FTX+AAI+++NO ?'MORE?: ?+ ???? OK'").unwrap();
        assert_eq!(segments.len(), 1);
        assert_eq!(texts(&segments[0])[4], vec!["NO 'MORE: + ?? OK".to_owned()]);
    }

    #[test]
    fn una_changes_separators_until_the_interchange_ends() {
        let segments =
            tokenize(b"\xEF\xBB\xBFUNA|*,! ~\r\nUNB*UNOC|3~\n\tUNZ*0~UNB+UNOA:2'").unwrap();
        assert_eq!(texts(&segments[0])[1], vec!["UNOC", "3"]);
        assert_eq!(segments[0].decimal, ',');
        assert_eq!(texts(&segments[2])[1], vec!["UNOA", "2"]);
        assert_eq!(segments[2].decimal, '.');
    }

    #[test]
    fn level_b_separators_are_recognised_without_una() {
        let segments = tokenize(b"UNB\x1DUNOB\x1F3\x1CUNZ\x1D0\x1C").unwrap();
        assert_eq!(texts(&segments[0])[1], vec!["UNOB", "3"]);
        assert!(segments[1].terminated());
    }

    #[test]
    fn a_cut_off_last_segment_is_marked() {
        let segments = tokenize(b"UNB+UNOA:3'UNZ+1").unwrap();
        assert!(!segments[1].terminated());
        assert!(tokenize(b"UNA:+").is_err());
    }
}
