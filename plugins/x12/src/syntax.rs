//! The tokenizer: raw bytes into interchanges of segments, with each interchange's delimiters
//! read from its own ISA segment.
//!
//! X12 names its delimiters in the ISA header rather than fixing them: the element separator is
//! the fourth byte, the component separator is ISA16, the segment terminator is the character
//! right after ISA16, and from version 00403 on ISA11 is the repetition separator. ISA is meant
//! to be fixed-width, but partner files pad it with other blanks or not at all, so ISA is read by
//! counting element separators, never by byte offsets.
//!
//! Partner files are messy: a byte-order mark, CR/LF or blanks after terminators, indented
//! segments, a newline used as the terminator, several interchanges (each with its own
//! delimiters) in one file. All of that is accepted here; [`Segment`]s come out clean.

use wharf_guest_sdk::contract::{AdapterError, SegmentLocation};
use wharf_guest_sdk::error;

/// The separators of one interchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delimiters {
    pub element: char,
    pub component: char,
    pub segment: char,
    /// ISA11 from version 00403 on; before that ISA11 is the standards identifier "U".
    pub repetition: Option<char>,
}

/// One segment: its id and its elements, `elements[0]` being element 01.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub id: String,
    pub elements: Vec<String>,
    /// 1-based position of the segment in the file.
    pub file_position: u32,
}

impl Segment {
    /// Element `n` (1-based) as written, or "" when absent.
    pub fn raw(&self, n: usize) -> &str {
        n.checked_sub(1)
            .and_then(|i| self.elements.get(i))
            .map_or("", String::as_str)
    }
}

/// One interchange's segments, ISA first, as they appear in the file.
#[derive(Debug, Clone)]
pub struct RawInterchange {
    pub delimiters: Delimiters,
    pub segments: Vec<Segment>,
}

/// Blanks that may sit between segments (after a terminator, before an indented segment),
/// and the padding DOS and mainframe transfers leave at the end of a file: the end-of-file
/// mark Ctrl-Z and NULs filling the last block.
fn is_blank(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\r' | '\n' | '\u{0b}' | '\u{0c}' | '\u{feff}' | '\u{1a}' | '\u{0}'
    )
}

/// The text of the file. X12 is ASCII in principle; partners send UTF-8 (with non-breaking
/// spaces in ISA, say) or Latin-1, so bytes that are not UTF-8 are read one byte per character.
pub fn text_of(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

fn file_error(message: String, position: u32, segment_id: &str) -> AdapterError {
    error::syntax(message).at_segment(SegmentLocation {
        interchange: None,
        group: None,
        message: None,
        message_type: None,
        position,
        segment_id: segment_id.to_owned(),
        element: None,
        component: None,
    })
}

/// Whether `c` is a line break, which is data nowhere in X12: inside a segment it can only be
/// the wrapping of a fixed-width file.
fn is_line_break(c: char) -> bool {
    matches!(c, '\r' | '\n')
}

/// The ISA segment at the start of `text`: its delimiters, its text without line breaks and
/// the byte length it takes in `text` up to and including its segment terminator.
///
/// A file wrapped every 80 characters breaks ISA (106 characters) too, so line breaks before
/// ISA16 are skipped. After ISA16 a line break is the segment terminator, unless what follows
/// the breaks is not a segment id: then the file was wrapped right before its terminator.
fn read_isa(text: &str, position: u32) -> Result<(Delimiters, String, usize), AdapterError> {
    let mut indexed = text.char_indices().take(480).peekable();
    let mut chars: Vec<char> = Vec::new();
    while chars.len() < 4 {
        match indexed.next() {
            Some((_, c)) if is_line_break(c) && chars.len() == 3 => {}
            Some((_, c)) => chars.push(c),
            None => break,
        }
    }
    let Some(&element) = chars.get(3) else {
        return Err(file_error(
            "the file ends inside the ISA header".to_owned(),
            position,
            "ISA",
        ));
    };
    if element.is_ascii_alphanumeric() || is_blank(element) && element != '\t' {
        return Err(file_error(
            format!("ISA is followed by {element:?}, which cannot be an element separator"),
            position,
            "ISA",
        ));
    }
    // ISA has sixteen elements; ISA16 is the one character after the sixteenth separator and
    // the segment terminator follows it directly.
    let mut seen = 1;
    let component = loop {
        match indexed.next() {
            Some((_, c)) if is_line_break(c) => {}
            Some((_, c)) if seen == 16 => break c,
            Some((_, c)) => {
                if c == element {
                    seen += 1;
                }
                chars.push(c);
            }
            None => {
                return Err(file_error(
                    format!(
                        "the ISA header has {} of its 16 elements (element separator {element:?})",
                        seen.min(16)
                    ),
                    position,
                    "ISA",
                ));
            }
        }
    };
    let Some((at, first)) = indexed.next() else {
        return Err(file_error(
            "the file ends before ISA16 and the segment terminator".to_owned(),
            position,
            "ISA",
        ));
    };
    let mut segment = first;
    let mut end = at + first.len_utf8();
    if is_line_break(first) {
        let after: String = text[end..]
            .trim_start_matches(is_line_break)
            .chars()
            .take(1)
            .collect();
        if let Some(c) = after.chars().next()
            && !c.is_ascii_uppercase()
            && !is_blank(c)
        {
            segment = c;
            end = text.len() - text[end..].trim_start_matches(is_line_break).len() + c.len_utf8();
        }
    }
    if segment.is_ascii_alphanumeric()
        || segment == element
        || component == element
        || component == segment
    {
        return Err(file_error(
            format!(
                "ISA16 {component:?} followed by {segment:?} does not give a component separator \
                 and a segment terminator"
            ),
            position,
            "ISA",
        ));
    }
    chars.push(component);
    let fields: String = chars.iter().collect();
    let isa11 = fields.split(element).nth(11).unwrap_or("");
    let isa12 = fields.split(element).nth(12).unwrap_or("");
    let repetition = repetition_separator(isa11, isa12, [element, component, segment]);
    let delimiters = Delimiters {
        element,
        component,
        segment,
        repetition,
    };
    Ok((delimiters, fields, end))
}

/// ISA11 is a repetition separator from interchange version 00403 on, when it is a single
/// character that is not a letter, digit or another delimiter.
fn repetition_separator(isa11: &str, isa12: &str, others: [char; 3]) -> Option<char> {
    let version: u32 = isa12.trim().parse().ok()?;
    let mut chars = isa11.chars();
    let c = chars.next()?;
    (version >= 403 && chars.next().is_none() && !c.is_ascii_alphanumeric() && !others.contains(&c))
        .then_some(c)
}

/// Splits one segment's text into id and elements.
fn segment_of(text: &str, delimiters: &Delimiters, position: u32) -> Result<Segment, AdapterError> {
    let mut parts = text.split(delimiters.element);
    let id = parts.next().unwrap_or("").to_owned();
    let valid_id = (2..=3).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && id.as_bytes()[0].is_ascii_uppercase();
    if !valid_id {
        let shown: String = text.chars().take(20).collect();
        return Err(file_error(
            format!("{shown:?} does not start with a segment id"),
            position,
            id.get(..3).unwrap_or("?"),
        ));
    }
    Ok(Segment {
        id,
        elements: parts.map(str::to_owned).collect(),
        file_position: position,
    })
}

/// Every interchange in `bytes`, in file order.
pub fn tokenize(bytes: &[u8]) -> Result<Vec<RawInterchange>, AdapterError> {
    let text = text_of(bytes);
    let mut rest: &str = &text;
    let mut position: u32 = 0;
    let mut interchanges = Vec::new();
    loop {
        rest = rest.trim_start_matches(is_blank);
        if rest.is_empty() {
            break;
        }
        position += 1;
        if !rest.starts_with("ISA") {
            let shown: String = rest.chars().take(20).collect();
            let message = if interchanges.is_empty() {
                format!("an X12 file starts with an ISA segment, not {shown:?}")
            } else {
                format!("after IEA only another ISA may follow, not {shown:?}")
            };
            return Err(file_error(message, position, "ISA"));
        }
        let (delimiters, isa, isa_end) = read_isa(rest, position)?;
        let mut segments = vec![segment_of(&isa, &delimiters, position)?];
        rest = &rest[isa_end..];
        // Line breaks inside a segment are the wrapping of a fixed-width file, unless a line
        // break is the terminator itself.
        let wrapped = !is_line_break(delimiters.segment);
        let mut closed = false;
        while !rest.is_empty() {
            let (piece, after) = match rest.find(delimiters.segment) {
                Some(i) => (&rest[..i], &rest[i + delimiters.segment.len_utf8()..]),
                None => (rest, ""),
            };
            rest = after;
            // Blanks before a segment are indentation or the line break after the previous
            // terminator; CR/LF at its end belong to a newline terminator, never to data.
            let piece = piece
                .trim_start_matches(is_blank)
                .trim_end_matches(is_line_break);
            let unwrapped;
            let piece = if wrapped && piece.contains(is_line_break) {
                unwrapped = piece.replace(is_line_break, "");
                unwrapped.as_str()
            } else {
                piece
            };
            if piece.is_empty() {
                continue;
            }
            position += 1;
            let segment = segment_of(piece, &delimiters, position)?;
            let is_iea = segment.id == "IEA";
            segments.push(segment);
            if is_iea {
                closed = true;
                break;
            }
        }
        interchanges.push(RawInterchange {
            delimiters,
            segments,
        });
        if !closed {
            break;
        }
    }
    if interchanges.is_empty() {
        return Err(file_error(
            "the file holds no X12 interchange".to_owned(),
            1,
            "ISA",
        ));
    }
    Ok(interchanges)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISA: &str = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       \
                       *260102*0304*U*00401*000000001*0*P*>";

    #[test]
    fn delimiters_come_from_isa() {
        let text = format!("{ISA}~GS*PO*A*B~IEA*0*000000001~");
        let ics = tokenize(text.as_bytes()).unwrap();
        assert_eq!(ics.len(), 1);
        let d = ics[0].delimiters;
        assert_eq!((d.element, d.component, d.segment), ('*', '>', '~'));
        assert_eq!(d.repetition, None);
        assert_eq!(ics[0].segments[1].elements, ["PO", "A", "B"]);
    }

    #[test]
    fn bom_newline_terminator_and_indentation_are_tolerated() {
        let isa = ISA.replace('*', "|");
        let text = format!("\u{feff}{isa}\r\n\tGS|PO|A\r\n  IEA|0|000000001\r\n");
        let ics = tokenize(text.as_bytes()).unwrap();
        assert_eq!(ics[0].delimiters.segment, '\r');
        let ids: Vec<&str> = ics[0].segments.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["ISA", "GS", "IEA"]);
        assert_eq!(ics[0].segments[1].raw(2), "A");
    }

    #[test]
    fn repetition_separator_from_00403() {
        let isa = ISA.replace("*U*00401*", "*^*00501*");
        let ics = tokenize(format!("{isa}~IEA*0*000000001~").as_bytes()).unwrap();
        assert_eq!(ics[0].delimiters.repetition, Some('^'));
    }

    #[test]
    fn several_interchanges_with_their_own_delimiters() {
        let second = ISA.replace('*', "+");
        let text = format!("{ISA}~IEA*0*000000001~\n{second}'IEA+0+000000001'");
        let ics = tokenize(text.as_bytes()).unwrap();
        assert_eq!(ics.len(), 2);
        assert_eq!(ics[1].delimiters.element, '+');
        assert_eq!(ics[1].delimiters.segment, '\'');
        assert_eq!(ics[1].segments[1].file_position, 4);
    }

    /// Segment ids and elements of every segment, for comparing two readings.
    fn shape(text: &str) -> Vec<(String, Vec<String>)> {
        let ics = tokenize(text.as_bytes()).unwrap_or_else(|e| panic!("{}", e.message));
        ics.iter()
            .flat_map(|ic| ic.segments.iter())
            .map(|s| (s.id.clone(), s.elements.clone()))
            .collect()
    }

    #[test]
    fn a_file_wrapped_at_any_width_reads_as_unwrapped() {
        let flat = format!(
            "{ISA}~GS*PO*A*B*20260102*0304*1*X*004010~ST*850*0001~\
             BEG*00*SA*4500017799**20260102~PID*F****Hex bolt, zinc plated~SE*4*0001~\
             GE*1*1~IEA*1*000000001~"
        );
        let expected = shape(&flat);
        let chars: Vec<char> = flat.chars().collect();
        for width in 4..=140 {
            for newline in ["\n", "\r\n"] {
                let wrapped: Vec<String> = chars
                    .chunks(width)
                    .map(|line| line.iter().collect())
                    .collect();
                let text = wrapped.join(newline);
                assert_eq!(
                    shape(&text),
                    expected,
                    "wrapped at {width} with {newline:?}"
                );
            }
        }
    }

    #[test]
    fn dos_end_of_file_mark_and_nul_padding_after_iea_are_ignored() {
        let text = format!("{ISA}~IEA*0*000000001~\r\n\u{1a}\u{0}\u{0}");
        assert_eq!(tokenize(text.as_bytes()).unwrap().len(), 1);
    }

    #[test]
    fn short_or_foreign_input_is_a_syntax_error() {
        for text in ["", "ISA", "ISA*00*", "UNA:+.? '", "ISA*00~GS"] {
            let err = tokenize(text.as_bytes()).unwrap_err();
            assert_eq!(
                err.kind,
                wharf_guest_sdk::contract::ErrorKind::Syntax,
                "{text}"
            );
        }
    }
}
