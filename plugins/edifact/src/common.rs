//! Segments every message shares, read and written: DTM dates, RFF references, FTX notes,
//! CUX currency and MOA amounts, plus the text chunking EDIFACT's short elements need.
//!
//! References are identifiers in the canonical scheme of their 1153 (`contract` for `CT`,
//! see [`wharf_guest_sdk::schemes`]), else in scheme `edifact:<1153>`;
//! notes keep FTX 4451 as their kind; a date in a format without an ISO form (weeks, periods)
//! is kept whole as an `edifact.DTM` extension.

use wharf_guest_sdk::canonical::{Dated, Extension, Identifier, Note};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::schemes::{self, Standard};
use wharf_guest_sdk::{date, error, id};

use crate::codes;
use crate::interchange::{Message, Segment};
use crate::reader::{Seg, raw_extension};
use crate::writer::{Kept, Out};

/// A reader for one segment of `message`.
pub fn seg<'a>(message: &'a Message, segment: &'a Segment) -> Seg<'a> {
    Seg::new(segment, &message.context, message.decimal)
}

/// A DTM into `dates`, or kept whole in `extensions` when its format has no ISO form.
pub fn read_date(
    s: &Seg<'_>,
    dates: &mut Vec<Dated>,
    extensions: &mut Vec<Extension>,
) -> Result<(), AdapterError> {
    match s.date(extensions)? {
        Some(date) => dates.push(date),
        None => extensions.push(raw_extension(s.segment)),
    }
    Ok(())
}

/// Canonical dates as DTM segments; `path` names them in errors (`lines[2].dates`).
pub fn write_dates(dates: &[Dated], kept: &mut Kept, path: &str) -> Result<Vec<Out>, AdapterError> {
    let mut out = Vec::with_capacity(dates.len());
    for (i, date) in dates.iter().enumerate() {
        let at = format!("{path}[{}]", i + 1);
        // A qualifier is the source's own code; it is written as a DTM 2005 code only when it
        // means the same date in EDIFACT (an SAP IDDAT "012" is not EDIFACT's "012"). The
        // date of the order a document refers to, under any standard's qualifier for it
        // (X12 "004"), is 2005 "4", order date/time.
        let qualifier = match date
            .qualifier
            .as_ref()
            .filter(|q| codes::date_kind(q) == date.kind)
        {
            _ if date::is_order_date(date) => date::EDIFACT_ORDER_DATE.to_owned(),
            Some(q) => q.clone(),
            None => codes::date_qualifier(date.kind)
                .ok_or_else(|| {
                    error::validation(format!(
                        "EDIFACT has no DTM qualifier for a {:?} date; give it a qualifier (2005)",
                        date.kind
                    ))
                    .at_xml(at.clone())
                })?
                .to_owned(),
        };
        let (text, format) = codes::compact_date(&date.value)
            .map_err(|e| error::validation(e).at_xml(format!("{at}.value")))?;
        let range = kept
            .take(&format!("edifact.DTM[{qualifier}].718"))
            .filter(|r| r.get(..8) == Some(&text[..8]));
        let segment = match range {
            Some(range) => Out::new("DTM").el(&[qualifier.as_str(), range.as_str(), "718"]),
            None => Out::new("DTM").el(&[qualifier.as_str(), text.as_str(), format]),
        };
        out.push(segment);
    }
    Ok(out)
}

/// The scheme of a reference whose 1153 is `qualifier`: the canonical one the scheme table
/// ([`schemes`]) gives it, else `edifact:<1153>`.
pub fn reference_scheme(qualifier: &str) -> String {
    schemes::from_code(Standard::Edifact, qualifier)
        .map_or_else(|| format!("edifact:{qualifier}"), str::to_owned)
}

/// The 1153 a reference of `scheme` is written with, when EDIFACT has one.
pub fn reference_qualifier(scheme: &str) -> Option<&str> {
    schemes::to_code(Standard::Edifact, scheme).or_else(|| scheme.strip_prefix("edifact:"))
}

/// RFF as a reference in the scheme [`reference_scheme`] gives its 1153.
pub fn read_reference(s: &Seg<'_>) -> Result<Identifier, AdapterError> {
    let qualifier = s.require(1, 1, "reference qualifier (1153)")?;
    let value = s.get(1, 2).unwrap_or_default();
    Ok(id(reference_scheme(qualifier), value))
}

/// References as RFF segments, where their scheme has a 1153 ([`reference_qualifier`]);
/// others have no RFF qualifier and are left to the formats that name them.
pub fn write_references(references: &[Identifier]) -> Vec<Out> {
    references
        .iter()
        .filter_map(|r| {
            let qualifier = reference_qualifier(&r.scheme)?;
            Some(Out::new("RFF").el(&[qualifier, r.value.as_str()]))
        })
        .collect()
}

/// The 4451 subject written for a note without a kind: AAI, "general information". 4451 is
/// mandatory in FTX, so a kindless note needs one; reading it back as no kind keeps a note's
/// kind what its source said.
const GENERAL_INFORMATION: &str = "AAI";

/// 4451 subjects that have a word of their own in the canonical model, the word another
/// format's note kind uses for them (cXML's Comments@type "delivery"): DEL, "delivery
/// information".
const SUBJECT_WORDS: [(&str, &str); 1] = [("DEL", "delivery")];

/// Whether `kind` can be written as 4451 as it is: a code of up to three letters or digits.
fn is_subject_code(kind: &str) -> bool {
    (1..=3).contains(&kind.len())
        && kind
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// The 4451 a note of `kind` is written with: AAI without a kind, the code of a kind's word,
/// the kind itself when it is a 4451 code; any other kind (4451 is an..3) is logged and
/// written as general information.
fn subject(kind: Option<&str>) -> &str {
    let Some(kind) = kind else {
        return GENERAL_INFORMATION;
    };
    if let Some((code, _)) = SUBJECT_WORDS.iter().find(|(_, word)| *word == kind) {
        return code;
    }
    if is_subject_code(kind) {
        return kind;
    }
    wharf_guest_sdk::log::warn(&format!(
        "note kind {kind:?} is no FTX 4451 subject; written as AAI, general information"
    ));
    GENERAL_INFORMATION
}

/// FTX as a note: 4451 is its kind (none for AAI, general information; the word of a subject
/// that has one), the C108 lines its text.
pub fn read_note(s: &Seg<'_>) -> Note {
    let lines: Vec<&str> = (1..=5).filter_map(|c| s.get(4, c)).collect();
    let kind = s.string(1, 1).filter(|kind| kind != GENERAL_INFORMATION);
    Note {
        kind: kind.map(|code| {
            SUBJECT_WORDS
                .iter()
                .find(|(c, _)| *c == code)
                .map_or(code.clone(), |(_, word)| (*word).to_owned())
        }),
        text: lines.join(" "),
    }
}

/// Notes as FTX segments of up to five 70-character lines each.
pub fn write_notes(notes: &[Note]) -> Vec<Out> {
    let mut out = Vec::new();
    for note in notes {
        let kind = subject(note.kind.as_deref());
        for lines in chunks(&note.text, 70).chunks(5) {
            out.push(Out::new("FTX").el(&[kind]).el(&[""]).el(&[""]).el(lines));
        }
    }
    out
}

/// CUX: the reference currency (C504 6345 of the first element).
pub fn read_currency(s: &Seg<'_>) -> Option<String> {
    s.get(1, 1);
    // 9 (order currency) is what the adapter writes; any other usage code is kept.
    if s.segment.text(1, 3) == Some("9") {
        s.get(1, 3);
    }
    s.string(1, 2)
}

/// CUX+2:<currency>:9, the reference currency of an order or invoice.
pub fn write_currency(currency: Option<&str>) -> Option<Out> {
    currency.map(|c| Out::new("CUX").el(&["2", c, "9"]))
}

/// Text cut into pieces of at most `max` characters at spaces, so that joining the pieces with
/// one space gives it back; a word longer than `max` is cut where it must be.
pub fn chunks(text: &str, max: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split(' ') {
        let needed = if current.is_empty() { 0 } else { 1 } + word.chars().count();
        if !current.is_empty() && current.chars().count() + needed > max {
            out.push(std::mem::take(&mut current));
        } else if !current.is_empty() {
            current.push(' ');
        }
        let mut rest: Vec<char> = word.chars().collect();
        while current.chars().count() + rest.len() > max {
            let room = max - current.chars().count();
            current.extend(rest.drain(..room));
            out.push(std::mem::take(&mut current));
        }
        current.extend(rest);
    }
    if !current.is_empty() || out.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::chunks;

    #[test]
    fn a_note_kind_is_a_4451_subject_of_three_characters_at_most() {
        // A cXML Comments type "delivery" was written into FTX 4451 as it stood (an..3).
        assert_eq!(super::subject(Some("delivery")), "DEL");
        assert_eq!(super::subject(Some("ZZZ")), "ZZZ");
        assert_eq!(super::subject(None), "AAI");
        assert_eq!(super::subject(Some("receiving dock")), "AAI");
        assert_eq!(super::subject(Some("GEN")), "GEN");
    }

    #[test]
    fn chunks_join_back_with_spaces() {
        let text = "Deliver to gate 4 between seven and nine in the morning only";
        let pieces = chunks(text, 20);
        assert!(pieces.iter().all(|p| p.chars().count() <= 20));
        assert_eq!(pieces.join(" "), text);
        assert_eq!(chunks("", 35), vec![String::new()]);
        assert_eq!(chunks("abcdef", 4), vec!["abcd", "ef"]);
    }
}
