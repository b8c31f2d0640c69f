//! Writing IDoc segments: new segments, canonical values spelled as SAP fields (with errors
//! located at the field being written), extensions written back where they were read, and a
//! log line for every canonical value an IDoc has no place for.

use wharf_guest_sdk::canonical::{Extension, ExtensionValue};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::xml::Element;
use wharf_guest_sdk::{date, decimal, error, log};

use crate::segments::{SEGMENT_MARK, is_field};

/// Tells the host's log that a canonical value has no place in the IDoc being written. Encoding
/// goes on: refusing a whole order over, say, a DUNS number SAP has no field for would help
/// no one, and the operator sees what was left out.
pub fn not_written(what: &str) {
    log::warn(&format!(
        "{what} has no place in the IDoc being written and is left out"
    ));
}

/// Checks and spells a canonical decimal for a field, or a validation error at `path`.
pub fn write_decimal(value: &str, path: &str) -> Result<String, AdapterError> {
    decimal::normalize(value).map_err(|e| error::validation(e.to_string()).at_xml(path))
}

/// An ISO 8601 date or date-time as SAP's `CCYYMMDD` and `HHMMSS`. Offsets are dropped: SAP
/// dates carry none.
pub fn compact_date(iso: &str) -> Result<(String, Option<String>), date::DateError> {
    // The SDK's date functions slice the text at fixed byte positions, which panics inside a
    // multi-byte character; no ISO 8601 date has one, so such text is refused first.
    if !iso.is_ascii() {
        return Err(date::DateError {
            text: iso.to_owned(),
            reason: "expected YYYY-MM-DD",
        });
    }
    // normalize_iso first: to_compact slices seconds and cannot take `HH:MM`.
    date::normalize_iso(iso).and_then(|iso| date::to_compact(&iso))
}

/// [`compact_date`], or a validation error at `path`, the date field being written.
pub fn write_date(iso: &str, path: &str) -> Result<(String, Option<String>), AdapterError> {
    compact_date(iso).map_err(|e| error::validation(e.to_string()).at_xml(path))
}

/// A new, empty segment marked as SAP marks segments.
pub fn segment(name: &str) -> Element {
    Element::new(name).attr(SEGMENT_MARK, "1")
}

/// The text an extension value is written as; `None` for a false flag (SAP leaves it blank).
pub fn extension_text(value: &ExtensionValue) -> Option<String> {
    match value {
        ExtensionValue::Text(text) | ExtensionValue::Number(text) => Some(text.clone()),
        ExtensionValue::Flag(true) => Some("X".to_owned()),
        ExtensionValue::Flag(false) => None,
    }
}

/// Writes back every extension whose key starts with `prefix` + `.` into `element`: the rest of
/// the key names the field, through child segments (`E1EDP20[2].AMENG`). Keys whose first step
/// is one of `claimed` belong to a mapping that writes them itself (segments keyed by a
/// qualifier) and are left alone. Fields the mapping has already written win over extensions.
pub fn restore(element: &mut Element, extensions: &[Extension], prefix: &str, claimed: &[&str]) {
    let prefix = format!("{prefix}.");
    for extension in extensions {
        let Some(rest) = extension.key.strip_prefix(&prefix) else {
            continue;
        };
        let first = rest.split(['.', '[']).next().unwrap_or_default();
        if claimed.contains(&first) {
            continue;
        }
        if let Some(value) = extension_text(&extension.value) {
            restore_one(element, rest, value);
        }
    }
}

fn restore_one(element: &mut Element, rest: &str, value: String) {
    match rest.split_once('.') {
        None => {
            if !rest.is_empty() && !element.children.iter().any(|c| c.name == rest) {
                element.children.push(Element::new(rest).with_text(value));
            }
        }
        Some((step, deeper)) => {
            let (name, position) = parse_step(step);
            if name.is_empty() {
                return;
            }
            let mut count = element
                .children
                .iter()
                .filter(|c| c.name == name && !is_field(c))
                .count();
            while count < position {
                element.children.push(segment(name));
                count += 1;
            }
            if let Some(child) = element
                .children
                .iter_mut()
                .filter(|c| c.name == name && !is_field(c))
                .nth(position - 1)
            {
                restore_one(child, deeper, value);
            }
        }
    }
}

/// `E1EDP20[2]` into (`E1EDP20`, 2); a bare name is position 1.
fn parse_step(step: &str) -> (&str, usize) {
    if let Some((name, tail)) = step.split_once('[')
        && let Some(Ok(position)) = tail.strip_suffix(']').map(str::parse::<usize>)
        && position >= 1
    {
        return (name, position);
    }
    (step, 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_guest_sdk::text_extension;

    #[test]
    fn dates_to_write_never_panic() {
        assert_eq!(
            compact_date("2026-11-27T10:00-05:00").unwrap(),
            ("20261127".to_owned(), Some("100000".to_owned()))
        );
        for bad in [
            "2026-01-0\u{e9}",
            "2026-01-01T1\u{e9}:00",
            "\u{e9}",
            "2026-02-30",
        ] {
            assert!(compact_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn extensions_are_written_back_where_they_came_from() {
        let mut line = segment("E1EDP01")
            .text_child("NETWR", "1")
            .child(segment("E1EDP20"));
        let extensions = vec![
            text_extension("idoc.E1EDP01.NETWR", "ignored, already written"),
            text_extension("idoc.E1EDP01.MATKL", "M01"),
            text_extension("idoc.E1EDP01.E1EDP20[2].AMENG", "5"),
            text_extension("idoc.E1EDP01.E1EDP05.KSCHL", "PB00"),
            text_extension("idoc.OTHER.X", "not ours"),
            text_extension("idoc.E1EDP01.E1EDP19.002.KTEXT", "claimed"),
        ];
        restore(&mut line, &extensions, "idoc.E1EDP01", &["E1EDP19"]);
        let xml = line.to_xml(None);
        assert!(xml.contains("<NETWR>1</NETWR>"), "{xml}");
        assert!(xml.contains("<MATKL>M01</MATKL>"), "{xml}");
        assert_eq!(line.all("E1EDP20").count(), 2);
        assert_eq!(
            line.all("E1EDP20").nth(1).and_then(|s| s.text_of("AMENG")),
            Some("5")
        );
        assert_eq!(
            line.descend("E1EDP05/KSCHL").map(|k| k.text.as_str()),
            Some("PB00")
        );
        assert!(!xml.contains("not ours"));
        assert!(!xml.contains("claimed"));
    }
}
