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
//!
//! Reading ISA and deciding the delimiters is X12's and stays here; splitting the segments
//! after ISA is the SDK's [`wharf_guest_sdk::segments::Reader`], with a layout for the blanks,
//! padding and wrapping above.

use wharf_guest_sdk::contract::{AdapterError, SegmentLocation};
use wharf_guest_sdk::error;
use wharf_guest_sdk::segments::{Layout, Reader};

/// The separators of one interchange: the SDK's, with no release character, since X12 has
/// none. ISA11 is the repetition separator from version 00403 on; before that it is the
/// standards identifier "U" and there is no repetition separator.
pub use wharf_guest_sdk::segments::Delimiters;

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
/// mark Ctrl-Z and NULs filling the last block. (A byte-order mark, U+FEFF, too.)
fn is_blank(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\r' | b'\n' | 0x0B | 0x0C | 0x1A | 0)
}

fn is_padding(byte: u8, _: &Delimiters) -> bool {
    is_blank(byte)
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// How the file's bytes are characters. X12 is ASCII in principle; partners send UTF-8 (with
/// non-breaking spaces in ISA, say) or Latin-1, so a file that is not UTF-8 is read one byte
/// per character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Utf8,
    Latin1,
}

impl Encoding {
    fn text(self, bytes: &[u8]) -> String {
        match self {
            Encoding::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
            Encoding::Latin1 => bytes.iter().map(|&b| char::from(b)).collect(),
        }
    }

    /// The characters of `bytes` with their byte offsets.
    fn chars(self, bytes: &[u8]) -> Vec<(usize, char)> {
        match self {
            Encoding::Utf8 => String::from_utf8_lossy(bytes).char_indices().collect(),
            Encoding::Latin1 => bytes
                .iter()
                .enumerate()
                .map(|(i, &b)| (i, char::from(b)))
                .collect(),
        }
    }

    /// The layout between segments: blanks, line breaks and padding, and in UTF-8 a
    /// byte-order mark; line breaks inside segments are wrapping.
    fn layout(self) -> Layout {
        Layout {
            padding: is_padding,
            byte_order_mark: self == Encoding::Utf8,
            skip_empty: true,
            line_breaks_are_layout: true,
        }
    }

    /// How many bytes of blanks `rest` starts with.
    fn blanks(self, rest: &[u8]) -> usize {
        let mut at = 0;
        loop {
            match rest.get(at) {
                Some(&b) if is_blank(b) => at += 1,
                Some(_) if self == Encoding::Utf8 && rest[at..].starts_with(BOM) => at += BOM.len(),
                _ => return at,
            }
        }
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

/// The ISA delimiters as characters: element, component, segment terminator, repetition.
struct IsaDelimiters {
    element: char,
    component: char,
    segment: char,
    repetition: Option<char>,
}

impl IsaDelimiters {
    /// The delimiters as bytes in `encoding`, or the first that is not one byte there.
    fn bytes(&self, encoding: Encoding) -> Result<Delimiters, char> {
        let byte = |c: char| match encoding {
            Encoding::Utf8 if c.is_ascii() => Ok(c as u8),
            Encoding::Latin1 => u8::try_from(u32::from(c)).map_err(|_| c),
            Encoding::Utf8 => Err(c),
        };
        Ok(Delimiters {
            element: byte(self.element)?,
            component: byte(self.component)?,
            repetition: self.repetition.map(byte).transpose()?,
            segment: byte(self.segment)?,
            release: None,
        })
    }
}

/// The ISA segment at the start of `rest`: its delimiters, its text without line breaks and
/// the byte length it takes in `rest` up to and including its segment terminator.
///
/// A file wrapped every 80 characters breaks ISA (106 characters) too, so line breaks before
/// ISA16 are skipped. After ISA16 a line break is the segment terminator, unless what follows
/// the breaks is not a segment id: then the file was wrapped right before its terminator.
fn read_isa(
    rest: &[u8],
    encoding: Encoding,
    position: u32,
) -> Result<(IsaDelimiters, String, usize), AdapterError> {
    let head = &rest[..rest.len().min(480 * 4)];
    let mut indexed = encoding.chars(head).into_iter().take(480).peekable();
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
    if element.is_ascii_alphanumeric()
        || element.is_ascii() && is_blank(element as u8) && element != '\t'
        || element == '\u{feff}'
    {
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
    let width = |c: char| match encoding {
        Encoding::Utf8 => c.len_utf8(),
        Encoding::Latin1 => 1,
    };
    let mut segment = first;
    let mut end = at + width(first);
    if is_line_break(first) {
        let breaks = rest[end..]
            .iter()
            .take_while(|&&b| is_line_break(char::from(b)))
            .count();
        let after = encoding.chars(&rest[end + breaks..(end + breaks + 4).min(rest.len())]);
        if let Some(&(_, c)) = after.first()
            && !c.is_ascii_uppercase()
            && !(c.is_ascii() && is_blank(c as u8) || c == '\u{feff}')
        {
            segment = c;
            end += breaks + width(c);
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
    let delimiters = IsaDelimiters {
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

/// A segment from its id and elements, once the id is checked.
fn segment_of(
    id: String,
    elements: Vec<String>,
    text: impl FnOnce() -> String,
    position: u32,
) -> Result<Segment, AdapterError> {
    let valid_id = (2..=3).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && id.as_bytes()[0].is_ascii_uppercase();
    if !valid_id {
        let shown: String = text().chars().take(20).collect();
        return Err(file_error(
            format!("{shown:?} does not start with a segment id"),
            position,
            id.get(..3).unwrap_or("?"),
        ));
    }
    Ok(Segment {
        id,
        elements,
        file_position: position,
    })
}

/// Every interchange in `bytes`, in file order.
pub fn tokenize(bytes: &[u8]) -> Result<Vec<RawInterchange>, AdapterError> {
    match std::str::from_utf8(bytes) {
        Ok(_) => tokenize_as(bytes, Encoding::Utf8),
        Err(_) => tokenize_as(bytes, Encoding::Latin1),
    }
}

fn tokenize_as(bytes: &[u8], encoding: Encoding) -> Result<Vec<RawInterchange>, AdapterError> {
    let mut reader = Reader::new(bytes, Delimiters::X12).with_layout(encoding.layout());
    let mut interchanges = Vec::new();
    loop {
        reader.advance(encoding.blanks(reader.rest()));
        let rest = reader.rest();
        if rest.is_empty() {
            break;
        }
        let position = reader.position() + 1;
        if !rest.starts_with(b"ISA") {
            let shown: String = encoding
                .text(&rest[..rest.len().min(80)])
                .chars()
                .take(20)
                .collect();
            let message = if interchanges.is_empty() {
                format!("an X12 file starts with an ISA segment, not {shown:?}")
            } else {
                format!("after IEA only another ISA may follow, not {shown:?}")
            };
            return Err(file_error(message, position, "ISA"));
        }
        let (isa_delimiters, isa, isa_end) = read_isa(rest, encoding, position)?;
        let delimiters = match isa_delimiters.bytes(encoding) {
            Ok(delimiters) => delimiters,
            Err(wide) => return reread_as_latin1(bytes, wide, position),
        };
        let isa_elements = isa.split(isa_delimiters.element);
        let isa_id = isa_elements.clone().next().unwrap_or("").to_owned();
        let isa_segment = segment_of(
            isa_id,
            isa_elements.skip(1).map(str::to_owned).collect(),
            || isa.clone(),
            position,
        )?;
        reader.consume(isa_end);
        reader.set_delimiters(delimiters);
        let mut segments = vec![isa_segment];
        let mut closed = false;
        for read in reader.by_ref() {
            let segment = segment_of(
                encoding.text(read.id()),
                read.elements().map(|e| encoding.text(e.raw())).collect(),
                || encoding.text(read.raw()),
                read.position(),
            )?;
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

/// A UTF-8 file whose ISA names a delimiter beyond ASCII (`§`, say) cannot be split byte by
/// byte as UTF-8; when every character of the file is Latin-1 it is read as Latin-1 bytes,
/// which gives the same characters.
fn reread_as_latin1(
    bytes: &[u8],
    wide: char,
    position: u32,
) -> Result<Vec<RawInterchange>, AdapterError> {
    let latin1: Option<Vec<u8>> = String::from_utf8_lossy(bytes)
        .chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect();
    match latin1 {
        Some(latin1) => tokenize_as(&latin1, Encoding::Latin1),
        None => Err(file_error(
            format!("ISA gives {wide:?} as a delimiter, which is not a single-byte character"),
            position,
            "ISA",
        )),
    }
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
        assert_eq!((d.element, d.component, d.segment), (b'*', b'>', b'~'));
        assert_eq!(d.repetition, None);
        assert_eq!(ics[0].segments[1].elements, ["PO", "A", "B"]);
    }

    #[test]
    fn bom_newline_terminator_and_indentation_are_tolerated() {
        let isa = ISA.replace('*', "|");
        let text = format!("\u{feff}{isa}\r\n\tGS|PO|A\r\n  IEA|0|000000001\r\n");
        let ics = tokenize(text.as_bytes()).unwrap();
        assert_eq!(ics[0].delimiters.segment, b'\r');
        let ids: Vec<&str> = ics[0].segments.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["ISA", "GS", "IEA"]);
        assert_eq!(ics[0].segments[1].raw(2), "A");
    }

    #[test]
    fn repetition_separator_from_00403() {
        let isa = ISA.replace("*U*00401*", "*^*00501*");
        let ics = tokenize(format!("{isa}~IEA*0*000000001~").as_bytes()).unwrap();
        assert_eq!(ics[0].delimiters.repetition, Some(b'^'));
    }

    #[test]
    fn several_interchanges_with_their_own_delimiters() {
        let second = ISA.replace('*', "+");
        let text = format!("{ISA}~IEA*0*000000001~\n{second}'IEA+0+000000001'");
        let ics = tokenize(text.as_bytes()).unwrap();
        assert_eq!(ics.len(), 2);
        assert_eq!(ics[1].delimiters.element, b'+');
        assert_eq!(ics[1].delimiters.segment, b'\'');
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
    fn a_latin1_file_keeps_its_characters() {
        let text = format!("{ISA}~N1*ST*K\u{e4}lte GmbH~IEA*0*000000001~");
        let latin1: Vec<u8> = text.chars().map(|c| c as u8).collect();
        let ics = tokenize(&latin1).unwrap();
        assert_eq!(ics[0].segments[1].raw(2), "K\u{e4}lte GmbH");
    }

    #[test]
    fn a_utf8_delimiter_beyond_ascii_reads_as_its_latin1_character() {
        // '§' is two bytes in UTF-8; as before, the file reads as if it were Latin-1.
        let isa = ISA.replace('*', "\u{a7}");
        let text = format!("{isa}~N1\u{a7}ST\u{a7}K\u{e4}lte~IEA\u{a7}0\u{a7}000000001~");
        let ics = tokenize(text.as_bytes()).unwrap();
        assert_eq!(ics[0].delimiters.element, 0xA7);
        assert_eq!(ics[0].segments[1].elements, ["ST", "K\u{e4}lte"]);
        // Beyond Latin-1 there is no byte to split on.
        let wide = format!(
            "{}~IEA\u{20ac}0\u{20ac}000000001~",
            ISA.replace('*', "\u{20ac}")
        );
        let err = tokenize(wide.as_bytes()).unwrap_err();
        assert!(err.message.contains("single-byte"), "{}", err.message);
    }

    #[test]
    fn a_bad_segment_id_is_located_at_its_position() {
        let text = format!("{ISA}~GS*PO~\r\n  g5*x~IEA*0*000000001~");
        let err = tokenize(text.as_bytes()).unwrap_err();
        assert_eq!(
            wharf_guest_sdk::error::render(&err),
            "syntax error at segment 3 (?): \"g5*x\" does not start with a segment id"
        );
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
