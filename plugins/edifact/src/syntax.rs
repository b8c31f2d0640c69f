//! EDIFACT syntax below the envelope: service characters and splitting bytes into segments.
//!
//! [`Separators`] come from a service string advice (`UNA:+.? '`) or, without one, from the
//! defaults of ISO 9735 (level A characters, or the level B control characters when the UNB
//! that follows is written with them). [`tokenize`] turns a whole file into [`RawSegment`]s of
//! still-undecoded bytes: character sets are only known once UNB is read. It tolerates what
//! real files carry between segments (byte-order mark, CR/LF, indentation) and starts over with
//! default separators after each UNZ, so several interchanges in one file each get their own UNA.

use wharf_guest_sdk::contract::{AdapterError, SegmentLocation};
use wharf_guest_sdk::error;

/// The service characters of one interchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Separators {
    pub component: u8,
    pub element: u8,
    pub decimal: char,
    pub release: Option<u8>,
    pub terminator: u8,
}

impl Separators {
    /// ISO 9735 level A defaults, what `UNA:+.? '` spells out.
    pub const DEFAULT: Separators = Separators {
        component: b':',
        element: b'+',
        decimal: '.',
        release: Some(b'?'),
        terminator: b'\'',
    };

    /// Level B defaults (UNOB without UNA): information separators IS1, IS3, IS4, no release.
    pub const LEVEL_B: Separators = Separators {
        component: 0x1F,
        element: 0x1D,
        decimal: '.',
        release: None,
        terminator: 0x1C,
    };

    /// The six characters after `UNA`, as this set is advised.
    pub fn una(&self) -> String {
        let release = self.release.map_or(' ', char::from);
        format!(
            "UNA{}{}{}{} {}",
            char::from(self.component),
            char::from(self.element),
            self.decimal,
            release,
            char::from(self.terminator)
        )
    }

    fn special(&self, byte: u8) -> bool {
        byte == self.component
            || byte == self.element
            || byte == self.terminator
            || Some(byte) == self.release
    }

    /// `text` with every service character released, ready to be written as a component.
    pub fn escape(&self, text: &str) -> String {
        let Some(release) = self.release else {
            return text.to_owned();
        };
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            if c.is_ascii() && self.special(c as u8) {
                out.push(char::from(release));
            }
            out.push(c);
        }
        out
    }
}

/// One segment as split from the file: elements of components of raw bytes.
#[derive(Debug, Clone)]
pub struct RawSegment {
    pub elements: Vec<Vec<Vec<u8>>>,
    /// The decimal mark in force where the segment was read.
    pub decimal: char,
    /// False for a last segment the file cuts off before its terminator.
    pub terminated: bool,
    /// 1-based position of the segment in the file.
    pub file_position: u32,
}

impl RawSegment {
    /// The segment tag as written (first component of the first element).
    pub fn tag(&self) -> String {
        self.elements
            .first()
            .and_then(|e| e.first())
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .unwrap_or_default()
    }
}

fn is_blank(byte: u8, separators: &Separators) -> bool {
    matches!(byte, b' ' | b'\t' | b'\r' | b'\n')
        && byte != separators.component
        && byte != separators.element
        && byte != separators.terminator
}

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

/// Reads the service string advice starting at `bytes[at]` (the `U` of `UNA`).
fn read_una(bytes: &[u8], at: usize, position: u32) -> Result<Separators, AdapterError> {
    let Some(advice) = bytes.get(at + 3..at + 9) else {
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
    let separators = Separators {
        component: *component,
        element: *element,
        decimal,
        // ISO 9735 lets a space stand for "no release character".
        release: (*release != b' ').then_some(*release),
        terminator: *terminator,
    };
    let distinct = [
        separators.component,
        separators.element,
        separators.terminator,
    ];
    if distinct[0] == distinct[1]
        || distinct[0] == distinct[2]
        || distinct[1] == distinct[2]
        || separators.release.is_some_and(|r| distinct.contains(&r))
    {
        return Err(una_error(
            position,
            "UNA gives the same character to two different service roles",
        ));
    }
    Ok(separators)
}

/// Splits a whole file into segments, reading every UNA it meets.
pub fn tokenize(bytes: &[u8]) -> Result<Vec<RawSegment>, AdapterError> {
    let mut at = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    let mut separators = Separators::DEFAULT;
    let mut advised = false;
    let mut segments = Vec::new();
    let mut position: u32 = 0;
    loop {
        while bytes.get(at).is_some_and(|b| is_blank(*b, &separators)) {
            at += 1;
        }
        if at >= bytes.len() {
            break;
        }
        position = position.saturating_add(1);
        if bytes[at..].starts_with(b"UNA") {
            separators = read_una(bytes, at, position)?;
            advised = true;
            at += 9;
            continue;
        }
        if !advised && bytes[at..].starts_with(b"UNB") && bytes.get(at + 3) == Some(&0x1D) {
            separators = Separators::LEVEL_B;
        }
        let (segment, next) = split_segment(bytes, at, &separators, position);
        at = next;
        let ends_interchange = segment.tag() == "UNZ";
        segments.push(segment);
        if ends_interchange {
            separators = Separators::DEFAULT;
            advised = false;
        }
    }
    Ok(segments)
}

/// Reads one segment from `bytes[start..]`; returns it and where the next one starts.
fn split_segment(
    bytes: &[u8],
    start: usize,
    separators: &Separators,
    position: u32,
) -> (RawSegment, usize) {
    let mut elements = vec![vec![Vec::new()]];
    let mut at = start;
    let mut terminated = false;
    while let Some(&byte) = bytes.get(at) {
        at += 1;
        if Some(byte) == separators.release {
            if let Some(&next) = bytes.get(at) {
                push_byte(&mut elements, next);
                at += 1;
            }
        } else if byte == separators.terminator {
            terminated = true;
            break;
        } else if byte == separators.element {
            elements.push(vec![Vec::new()]);
        } else if byte == separators.component {
            if let Some(element) = elements.last_mut() {
                element.push(Vec::new());
            }
        } else {
            push_byte(&mut elements, byte);
        }
    }
    let segment = RawSegment {
        elements,
        decimal: separators.decimal,
        terminated,
        file_position: position,
    };
    (segment, at)
}

fn push_byte(elements: &mut [Vec<Vec<u8>>], byte: u8) {
    if let Some(component) = elements.last_mut().and_then(|e| e.last_mut()) {
        component.push(byte);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(segment: &RawSegment) -> Vec<Vec<String>> {
        segment
            .elements
            .iter()
            .map(|e| {
                e.iter()
                    .map(|c| String::from_utf8_lossy(c).into_owned())
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
        assert!(segments[1].terminated);
    }

    #[test]
    fn a_cut_off_last_segment_is_marked() {
        let segments = tokenize(b"UNB+UNOA:3'UNZ+1").unwrap();
        assert!(!segments[1].terminated);
        assert!(tokenize(b"UNA:+").is_err());
    }
}
