//! Notes of an 850 as 005010 writes them, in the header and in each PO1 loop: that version's
//! 850 has no NTE, and notes go into the N9 loop instead, one `N9*L1*<kind>` (reference qualifier L1, letters or notes,
//! with the note's kind as N902) followed by one MSG per line of its text (MSG01 holds 264).
//!
//! Every version's 850 has the N9 loop, so [`read`] takes an `N9*L1` loop as a note whatever
//! the version; NTE stays the form for 004010 and 004060.

use wharf_guest_sdk::canonical::Note;

use crate::common;
use crate::reader::{Body, Seg};
use crate::writer::Out;

/// N901 of an N9 that opens a note.
const NOTES: &str = "L1";

/// The kind N902 names when a note has none.
const GENERAL: &str = "GEN";

/// Whether 850 header notes are N9/MSG loops in `version` (GS08): from 005010 on.
pub fn notes_in_n9(version: &str) -> bool {
    version.get(..6).is_some_and(|v| v >= "005010")
}

/// The note an `N9*L1*<kind>` opens, with the MSG lines after it; `None` (nothing taken)
/// when the N9 says more than a note kind.
pub fn read(n9: Seg<'_>, body: &mut Body<'_>) -> Option<Note> {
    if n9.text(1) != Some(NOTES) || !n9.only_uses(&[1, 2]) {
        return None;
    }
    let mut lines = Vec::new();
    while let Some(msg) = body.peek().filter(|s| s.id() == "MSG" && s.only_uses(&[1])) {
        body.next_seg();
        lines.extend(msg.owned(1));
    }
    Some(Note {
        kind: n9.owned(2),
        text: lines.join("\n"),
    })
}

/// A note as one N9 loop.
pub fn write(note: &Note) -> Vec<Out> {
    let kind = note.kind.clone().unwrap_or_else(|| GENERAL.to_owned());
    let as_msg = Note {
        kind: Some("MSG".to_owned()),
        text: note.text.clone(),
    };
    let mut out = vec![Out::new("N9").with(1, NOTES).with(2, kind)];
    out.extend(common::write_note(&as_msg));
    out
}
