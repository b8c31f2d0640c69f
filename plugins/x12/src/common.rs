//! Segments every transaction set shares: DTM dates, REF references, NTE/MSG notes, and the
//! header segments CUR and ITD.
//!
//! A note is written one NTE (or MSG) per line of its text, and consecutive segments of one
//! kind are read back as one note, its lines joined with `\n`; see [`write_note`].
//!
//! A repeating segment maps to a canonical record only when all its elements have a place;
//! otherwise it is kept whole as an `x12.<SEG>` extension and written back as it came, so
//! nothing is split between a record and a leftover that could not be put back together.

use wharf_guest_sdk::canonical::{Dated, Extension, Identifier, Note};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::schemes::{self, Standard};
use wharf_guest_sdk::{date, error, id, log};

use crate::codes;
use crate::reader::Seg;
use crate::writer::Out;

/// DTM04 time codes (element 623) named for a zone with a fixed offset from UTC.
const ZONES: [(&str, &str); 12] = [
    ("UT", "Z"),
    ("GM", "Z"),
    ("ED", "-04:00"),
    ("ES", "-05:00"),
    ("CD", "-05:00"),
    ("CS", "-06:00"),
    ("MD", "-06:00"),
    ("MS", "-07:00"),
    ("PD", "-07:00"),
    ("PS", "-08:00"),
    ("AD", "-03:00"),
    ("HS", "-10:00"),
];

/// The offset a DTM04 time code stands for. Besides the named zones, element 623 numbers the
/// whole-hour offsets ISO 8601 writes with a sign, since `+` is restricted in X12: `01`–`12`
/// are "equivalent to ISO P01"–"P12" (east of UTC), `13`–`24` to "M12" down to "M01".
fn zone_offset(code: &str) -> Option<String> {
    if let Some((_, offset)) = ZONES.iter().find(|(c, _)| *c == code) {
        return Some((*offset).to_owned());
    }
    let number: u8 = code.parse().ok().filter(|_| code.len() == 2)?;
    match number {
        1..=12 => Some(format!("+{number:02}:00")),
        13..=24 => Some(format!("-{:02}:00", 25 - number)),
        _ => None,
    }
}

/// The DTM04 time code for an ISO 8601 offset: a zone's own code where 623 names one
/// (standard time, as the table's first entry for the offset), otherwise the numbered code for
/// a whole-hour offset (`+01:00` is `01`, `-03:00` is `22`); `None` for an offset 623 cannot
/// say (half hours, `+00:00` but for `Z`).
fn zone_code(offset: &str) -> Option<String> {
    if let Some((code, _)) = ZONES
        .iter()
        .find(|(c, o)| *o == offset && !matches!(*c, "GM" | "CD" | "MD" | "PD"))
    {
        return Some((*code).to_owned());
    }
    let (sign, clock) = offset.split_at_checked(1)?;
    let hours: u8 = clock.strip_suffix(":00")?.parse().ok()?;
    match (sign, hours) {
        ("+", 1..=12) => Some(format!("{hours:02}")),
        ("-", 1..=12) => Some(format!("{:02}", 25 - hours)),
        _ => None,
    }
}

/// DTM: qualifier, date, time and time code; `None` when it uses elements beyond those
/// (a date range in DTM05/DTM06) or a time code without a fixed offset.
pub fn read_dtm(seg: Seg<'_>) -> Result<Option<Dated>, AdapterError> {
    let zone = match seg.text(4) {
        None => String::new(),
        Some(code) => match zone_offset(code) {
            Some(offset) => offset,
            None => return Ok(None),
        },
    };
    if !seg.only_uses(&[1, 2, 3, 4]) || seg.text(1).is_none() {
        return Ok(None);
    }
    let Some(value) = seg.date(2, Some(3))? else {
        return Ok(None);
    };
    let qualifier = seg.text(1).unwrap_or("");
    let value = if zone.is_empty() || value.len() == 10 {
        value
    } else {
        format!("{value}{zone}")
    };
    Ok(Some(Dated {
        kind: codes::date_kind(qualifier),
        value,
        qualifier: Some(qualifier.to_owned()),
    }))
}

/// Splits an ISO date into CCYYMMDD, HHMMSS and a DTM04 code for its offset.
pub fn compact(
    value: &str,
    path: &str,
) -> Result<(String, Option<String>, Option<String>), AdapterError> {
    let (day, time) =
        date::to_compact(value).map_err(|e| error::validation(format!("{path}: {e}")))?;
    let normal = date::normalize_iso(value).unwrap_or_default();
    let offset = normal.get(19..).unwrap_or("");
    let offset = offset.find(['Z', '+', '-']).map_or("", |at| &offset[at..]);
    let code = if offset.is_empty() {
        None
    } else if let Some(code) = zone_code(offset) {
        Some(code)
    } else {
        log::warn(&format!(
            "{path}: offset {offset} has no X12 time code; the local time is written without it"
        ));
        None
    };
    Ok((day, time, code))
}

/// The DTM01 (or SCH) qualifier for `dated`: its own when X12 reads that code as the same
/// kind of date, otherwise the table's for its kind. A qualifier from another standard is no
/// X12 code even when it looks like one (SAP's IDDAT "011" is not X12's 011, Shipped). A date
/// of kind `Other` that brings no such code is written as ZZZ, mutually defined, which reads
/// back as `Other`.
pub fn dtm_qualifier(dated: &Dated, path: &str) -> String {
    let own = dated
        .qualifier
        .as_deref()
        .filter(|q| codes::is_code(q) && codes::date_kind(q) == dated.kind);
    if let Some(own) = own.or_else(|| codes::date_qualifier(dated.kind)) {
        return own.to_owned();
    }
    log::warn(&format!(
        "{path}: a date of kind Other without an X12 qualifier is written as ZZZ (mutually defined)"
    ));
    "ZZZ".to_owned()
}

/// A DTM for `dated`, its qualifier chosen by [`dtm_qualifier`].
pub fn write_dtm(dated: &Dated, path: &str) -> Result<Out, AdapterError> {
    let qualifier = dtm_qualifier(dated, path);
    let (day, time, zone) = compact(&dated.value, path)?;
    Ok(Out::new("DTM")
        .with(1, qualifier)
        .with(2, day)
        .with_opt(3, time)
        .with_opt(4, zone))
}

/// The scheme of a reference whose REF01 is `qualifier`: the canonical one the scheme table
/// ([`schemes`]) gives it, else `x12:<REF01>`.
pub fn reference_scheme(qualifier: &str) -> String {
    schemes::from_code(Standard::X12, qualifier)
        .map_or_else(|| format!("x12:{qualifier}"), str::to_owned)
}

/// The REF01 a reference of `scheme` is written with: the scheme table's code for a
/// canonical scheme, the qualifier itself for `x12:<REF01>`.
pub fn reference_qualifier(scheme: &str) -> Option<&str> {
    schemes::to_code(Standard::X12, scheme)
        .or_else(|| scheme.strip_prefix("x12:").filter(|q| codes::is_code(q)))
}

/// REF: a reference in the scheme [`reference_scheme`] gives REF01, when that is all it says.
pub fn read_ref(seg: Seg<'_>) -> Option<Identifier> {
    let (qualifier, value) = (seg.text(1)?, seg.text(2)?);
    seg.only_uses(&[1, 2])
        .then(|| id(reference_scheme(qualifier), value))
}

/// A REF for a reference whose scheme has a REF qualifier ([`reference_qualifier`]).
pub fn write_ref(reference: &Identifier) -> Option<Out> {
    match reference_qualifier(&reference.scheme) {
        Some(q) => Some(Out::new("REF").with(1, q).with(2, reference.value.clone())),
        None => {
            log::warn(&format!(
                "reference {}:{} has no X12 qualifier and is not written",
                reference.scheme, reference.value
            ));
            None
        }
    }
}

/// NTE (kind NTE01, text NTE02) or MSG (kind "MSG", text MSG01): one line of a note.
pub fn read_note(seg: Seg<'_>) -> Option<Note> {
    match seg.id() {
        "NTE" if seg.only_uses(&[1, 2]) => Some(Note {
            kind: seg.owned(1),
            text: seg.owned(2)?,
        }),
        "MSG" if seg.only_uses(&[1]) => Some(Note {
            kind: Some("MSG".to_owned()),
            text: seg.owned(1)?,
        }),
        _ => None,
    }
}

/// Takes the note segment `seg` into `notes`, or keeps it whole when it says more than a
/// note. A segment right after a note segment of the same id and kind (NTE01) continues that
/// note on a new line: its text is appended after a `\n`. This is the reverse of
/// [`write_note`].
pub fn push_note(seg: Seg<'_>, notes: &mut Vec<Note>, extensions: &mut Vec<Extension>) {
    let Some(note) = read_note(seg) else {
        extensions.push(seg.raw_extension(""));
        return;
    };
    let before = seg.previous.and_then(|segment| {
        read_note(Seg {
            segment,
            position: seg.position.saturating_sub(1),
            place: seg.place,
            previous: None,
        })
    });
    match notes.last_mut() {
        Some(last) if before.is_some_and(|b| b.kind == note.kind) && last.kind == note.kind => {
            last.text.push('\n');
            last.text.push_str(&note.text);
        }
        _ => notes.push(note),
    }
}

/// The longest text NTE02 (80) and MSG01 (264) hold.
const NTE_WIDTH: usize = 80;
const MSG_WIDTH: usize = 264;

/// A note as NTE segments (MSG for kind "MSG"), all of its kind, one per line of its text.
///
/// X12 text elements cannot hold a line break, so each line of the note is a segment of its
/// own and [`push_note`] joins consecutive segments of one kind with `\n` again. Two notes of
/// the same kind written one after the other therefore read back as one note. A line longer
/// than the element (80 characters in NTE02, 264 in MSG01) is wrapped at its last space
/// within that width, or cut there when it has none; the parts are lines like any other and
/// so read back joined with `\n` too, where the space (if any) was. Lines are trimmed, as
/// every element is when read, and blank lines are left out, since an element cannot be
/// empty.
pub fn write_note(note: &Note) -> Vec<Out> {
    let msg = note.kind.as_deref() == Some("MSG");
    let width = if msg { MSG_WIDTH } else { NTE_WIDTH };
    let mut lines = Vec::new();
    for line in note.text.lines() {
        wrap(line.trim(), width, &mut lines);
    }
    if lines.len() > note.text.lines().count() {
        log::warn(&format!(
            "a note line is longer than the {width} characters X12 holds; it is wrapped and \
             reads back as several lines"
        ));
    }
    lines
        .into_iter()
        .map(|line| {
            if msg {
                Out::new("MSG").with(1, line)
            } else {
                Out::new("NTE").with_opt(1, note.kind.clone()).with(2, line)
            }
        })
        .collect()
}

/// Splits `line` into trimmed, non-empty parts of at most `width` characters, breaking at
/// the last space that fits when there is one.
fn wrap(line: &str, width: usize, out: &mut Vec<String>) {
    let mut rest = line.trim();
    while !rest.is_empty() {
        let end = rest
            .char_indices()
            .nth(width)
            .map_or(rest.len(), |(at, _)| at);
        if end == rest.len() {
            out.push(rest.to_owned());
            return;
        }
        let head = &rest[..end];
        let cut = match head.rfind(' ') {
            // A space right after the part breaks there just as well.
            _ if rest[end..].starts_with(' ') => end,
            Some(at) if at > 0 => at,
            _ => end,
        };
        out.push(rest[..cut].trim_end().to_owned());
        rest = rest[cut..].trim_start();
    }
}

/// The header segments every set reads alike. Returns whether `seg` was one of them.
pub struct Header<'h> {
    pub currency: &'h mut Option<String>,
    pub dates: &'h mut Vec<Dated>,
    pub references: &'h mut Vec<Identifier>,
    pub notes: &'h mut Vec<Note>,
    pub payment_terms: Option<&'h mut Option<String>>,
    pub extensions: &'h mut Vec<Extension>,
    /// CUR01 written when a document keeps none: BY for the buyer's sets, SE for the seller's.
    pub entity: &'static str,
}

impl Header<'_> {
    pub fn read(&mut self, seg: Seg<'_>) -> Result<bool, AdapterError> {
        match seg.id() {
            "CUR" if self.currency.is_none() => {
                *self.currency = seg.owned(2);
                let used: &[usize] = if seg.text(1) == Some(self.entity) {
                    &[1, 2]
                } else {
                    &[2]
                };
                seg.leftovers(used, "", self.extensions);
            }
            "DTM" => match read_dtm(seg)? {
                Some(dated) => self.dates.push(dated),
                None => self.extensions.push(seg.raw_extension("")),
            },
            "REF" => match read_ref(seg) {
                Some(reference) => self.references.push(reference),
                None => self.extensions.push(seg.raw_extension("")),
            },
            "NTE" | "MSG" => push_note(seg, self.notes, self.extensions),
            // Terms are structured (ITD01..ITD11); their description ITD12 is the canonical
            // payment terms, and the whole segment is kept when it says more than that.
            "ITD" => {
                let terms = self.payment_terms.as_deref_mut();
                match terms {
                    Some(terms) if terms.is_none() && seg.text(12).is_some() => {
                        *terms = seg.owned(12);
                        if !seg.only_uses(&[12]) {
                            self.extensions.push(seg.raw_extension(""));
                        }
                    }
                    _ => self.extensions.push(seg.raw_extension("")),
                }
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// CUR for the document currency, with CUR01 as kept (default BY, the buyer's).
pub fn write_cur(
    currency: Option<&String>,
    extensions: &[Extension],
    default_entity: &str,
) -> Option<Out> {
    let currency = currency?;
    let cur = Out::new("CUR")
        .with(2, currency.clone())
        .restore(extensions, "");
    Some(if cur.has(1) {
        cur
    } else {
        cur.with(1, default_entity)
    })
}

/// ITD for payment terms unless a kept ITD already says them.
pub fn write_terms(terms: Option<&String>, kept: &[Out]) -> Option<Out> {
    let terms = terms?;
    let said = kept
        .iter()
        .any(|o| o.id == "ITD" && crate::writer::element(o, 12) == Some(terms.as_str()));
    (!said).then(|| Out::new("ITD").with(12, terms.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_hour_offsets_use_the_numbered_time_codes() {
        // A cXML date at +01:00 lost its offset on the way through X12 (issue 9's matrix).
        let (_, _, code) = compact("2026-03-02T00:00:00+01:00", "dates[0]").unwrap();
        assert_eq!(code.as_deref(), Some("01"));
        assert_eq!(zone_offset("01").as_deref(), Some("+01:00"));
        assert_eq!(zone_offset("12").as_deref(), Some("+12:00"));
        assert_eq!(zone_offset("13").as_deref(), Some("-12:00"));
        assert_eq!(zone_offset("24").as_deref(), Some("-01:00"));
        assert_eq!(zone_code("-03:00").as_deref(), Some("AD"));
        assert_eq!(zone_code("-09:00").as_deref(), Some("16"));
        assert_eq!(zone_code("-05:00").as_deref(), Some("ES"));
        for code in ["00", "25", "99", "1"] {
            assert_eq!(zone_offset(code), None, "{code}");
        }
        for offset in ["+05:30", "+13:00", "+00:00"] {
            assert_eq!(zone_code(offset), None, "{offset}");
        }
        for hours in 1..=12 {
            for sign in ["+", "-"] {
                let offset = format!("{sign}{hours:02}:00");
                let code = zone_code(&offset).unwrap();
                assert_eq!(zone_offset(&code).as_deref(), Some(offset.as_str()));
            }
        }
    }
}
