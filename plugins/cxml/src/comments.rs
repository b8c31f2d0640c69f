//! `<Comments>` both ways: the text becomes a [`Note`] whose kind is the `type` attribute.
//!
//! cXML allows one `<Comments>` per header or item, so several notes are written as one,
//! separated by blank lines.

use wharf_guest_sdk::canonical::{Extension, Note};
use wharf_guest_sdk::log;
use wharf_guest_sdk::xml::Element;

use crate::extensions::keep_unmapped;

/// The note a `<Comments>` holds, if it has text; attachments and the like are kept under
/// `base`.
pub fn read_comments(comments: &Element, base: &str, out: &mut Vec<Extension>) -> Option<Note> {
    keep_unmapped(comments, base, &["type", "xml:lang"], out);
    comments.trimmed().map(|text| Note {
        kind: comments.get("type").map(str::to_owned),
        text: text.to_owned(),
    })
}

/// One `<Comments>` for `notes`, or none when there are none.
pub fn write_comments(notes: &[Note], at: &str) -> Option<Element> {
    let first = notes.first()?;
    let text = notes
        .iter()
        .map(|n| n.text.as_str())
        .collect::<Vec<_>>()
        .join("\n\n");
    if notes.iter().any(|n| n.kind != first.kind) {
        log::warn(&format!(
            "{at}: notes of different kinds share one cXML <Comments>; only the first kind was written"
        ));
    }
    Some(
        Element::new("Comments")
            .attr("xml:lang", "en")
            .attr_opt("type", first.kind.as_deref())
            .with_text(text),
    )
}
