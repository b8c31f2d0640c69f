//! Texts: E1EDKT1/E1EDKT2 at the header and E1EDPT1/E1EDPT2 at an item (a delivery's
//! E1TXTH8/E1TXTP8 alike), to and from notes.
//!
//! A text is a text ID (TDID, the note's kind) and lines of at most 70 characters (TDLINE).
//! A line whose format TDFORMAT is `=` continues the line before it; any other format starts a
//! new line, so a note's text is its lines joined with `\n`. Writing, a longer line is cut into
//! 70-character pieces, the pieces after the first marked `=`, so it reads back whole.

use wharf_guest_sdk::canonical::{Extension, Note};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::xml::Element;

use crate::output::{restore, segment};
use crate::segments::{Segment, occurrence_keys};

/// The longest TDLINE SAP holds.
const LINE_LENGTH: usize = 70;
/// TDFORMAT of a line that continues the previous one without a break.
const CONTINUED: &str = "=";
/// TDFORMAT of a line that starts a paragraph (SAPscript's default paragraph).
const NEW_LINE: &str = "*";
/// The text ID written when a note's kind is not SAP's own, and read as a note without a kind.
const DEFAULT_TEXT_ID: &str = "0001";

/// The segment names of texts at one level: (E1EDKT1, E1EDKT2) or (E1EDPT1, E1EDPT2).
#[derive(Clone, Copy)]
pub struct Level {
    pub text: &'static str,
    pub line: &'static str,
}

pub const HEADER: Level = Level {
    text: "E1EDKT1",
    line: "E1EDKT2",
};
/// A delivery's header texts (DELVRY E1TXTH8 and E1TXTP8, whose TDLINE holds 132 characters;
/// the 70 written fit).
pub const DELIVERY_HEADER: Level = Level {
    text: "E1TXTH8",
    line: "E1TXTP8",
};
pub const ITEM: Level = Level {
    text: "E1EDPT1",
    line: "E1EDPT2",
};

/// Reads the texts under `parent` into notes; the rest of each text segment (its language,
/// say) becomes extensions under `idoc.<text segment>.<TDID>`.
pub fn read(
    parent: &mut Segment<'_>,
    level: Level,
    extensions: &mut Vec<Extension>,
) -> Result<Vec<Note>, AdapterError> {
    let mut texts = parent.segments(level.text);
    let mut ids = Vec::with_capacity(texts.len());
    for text in &mut texts {
        ids.push(text.require("TDID", "the text ID")?);
    }
    let keys = occurrence_keys(ids.iter().copied());
    let mut notes = Vec::with_capacity(texts.len());
    for ((mut text, id), key) in texts.into_iter().zip(ids).zip(keys) {
        let prefix = format!("idoc.{}.{key}", level.text);
        let mut body = String::new();
        for (index, mut line) in text.segments(level.line).into_iter().enumerate() {
            let content = line.text_line("TDLINE").unwrap_or_default();
            if index > 0 && line.text("TDFORMAT") != Some(CONTINUED) {
                body.push('\n');
            }
            line.consume("TDFORMAT");
            body.push_str(content);
            line.leftovers(&format!("{prefix}.{}", line.key_name()), extensions);
        }
        text.leftovers(&prefix, extensions);
        notes.push(Note {
            // The text ID written for a note without a kind of its own reads back as none, so
            // a kindless note does not come back with SAP's first text ID as its kind.
            kind: (id != DEFAULT_TEXT_ID).then(|| id.to_owned()),
            text: body,
        });
    }
    Ok(notes)
}

/// Cuts one line of a note into TDLINE pieces, preferring to cut before a blank so the
/// continuation starts with it (leading blanks of a TDLINE are kept on reading).
fn pieces(line: &str) -> Vec<String> {
    let chars: Vec<char> = line.trim_end().chars().collect();
    if chars.is_empty() {
        return vec![String::new()];
    }
    let mut out = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        let mut end = (start + LINE_LENGTH).min(chars.len());
        if end < chars.len() {
            if let Some(blank) = (start + 1..end).rev().find(|&i| chars[i] == ' ') {
                end = blank;
            }
            // A piece must not end in blanks: they would be trimmed on reading.
            while end > start + 1 && chars[end - 1] == ' ' {
                end -= 1;
            }
        }
        out.push(chars[start..end].iter().collect());
        start = end;
    }
    out
}

/// Writes notes as text segments. A note's kind is its TDID when the document came from SAP
/// (`sap_codes`); otherwise the kind is another standard's code and SAP's first text ID is used.
pub fn write(
    notes: &[Note],
    level: Level,
    extensions: &[Extension],
    sap_codes: bool,
) -> Vec<Element> {
    let ids: Vec<&str> = notes
        .iter()
        .map(|note| {
            note.kind
                .as_deref()
                .map(str::trim)
                .filter(|kind| sap_codes && !kind.is_empty())
                .unwrap_or(DEFAULT_TEXT_ID)
        })
        .collect();
    let keys = occurrence_keys(ids.iter().copied());
    notes
        .iter()
        .zip(ids)
        .zip(keys)
        .map(|((note, id), key)| {
            let mut text = segment(level.text).text_child("TDID", id);
            for source_line in note.text.split('\n') {
                for (index, piece) in pieces(source_line).into_iter().enumerate() {
                    let format = if index == 0 { NEW_LINE } else { CONTINUED };
                    text = text.child(
                        segment(level.line)
                            .text_child("TDLINE", piece)
                            .text_child("TDFORMAT", format),
                    );
                }
            }
            restore(
                &mut text,
                extensions,
                &format!("idoc.{}.{key}", level.text),
                &[],
            );
            text
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_guest_sdk::xml;

    fn round_trip(text: &str) -> String {
        let note = Note {
            kind: Some("F01".into()),
            text: text.into(),
        };
        let parent = Element::new("IDOC");
        let mut parent = parent;
        parent.children = write(&[note], HEADER, &[], true);
        let parsed = xml::parse(parent.to_xml(None).as_bytes()).expect("written XML parses");
        let mut extensions = Vec::new();
        let notes = read(&mut Segment::new(&parsed), HEADER, &mut extensions).expect("reads");
        assert!(extensions.is_empty(), "{extensions:?}");
        assert_eq!(notes[0].kind.as_deref(), Some("F01"));
        notes[0].text.clone()
    }

    #[test]
    fn long_lines_are_cut_and_read_back_whole() {
        let long = "Deliver to gate 4 between 06:00 and 14:00 only. Pallets must not exceed \
                    1.2 m in height and must carry an SSCC label on two adjacent sides. Delivery notes \
                    quote our PO number and item.";
        assert!(long.chars().count() > 2 * LINE_LENGTH);
        let text = format!("{long}\n\n  indented second paragraph");
        assert_eq!(round_trip(&text), text);
        let unbroken = "x".repeat(150);
        assert_eq!(round_trip(&unbroken), unbroken);
        for piece in pieces(long) {
            assert!(piece.chars().count() <= LINE_LENGTH);
        }
    }

    #[test]
    fn a_text_without_its_id_is_located() {
        let parsed =
            xml::parse(b"<IDOC><E1EDKT1 SEGMENT=\"1\"><TSSPRAS>E</TSSPRAS></E1EDKT1></IDOC>")
                .expect("parses");
        let err = read(&mut Segment::new(&parsed), HEADER, &mut Vec::new()).unwrap_err();
        assert_eq!(
            wharf_guest_sdk::error::render(&err),
            "validation error at /IDOC/E1EDKT1/TDID: <E1EDKT1> has no TDID (the text ID)"
        );
    }
}
