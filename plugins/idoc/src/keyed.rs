//! Segments SAP keys by a qualifier (E1EDS01 SUMID, E1EDP26 QUALF, E1EDP02 QUALF) of which a
//! mapping reads only some: the rest live only in extensions keyed `PREFIX.<QUAL>` (or
//! `PREFIX.<QUAL>[n]` when a qualifier repeats), and [`write`] rebuilds every one of them.

use wharf_guest_sdk::canonical::Extension;
use wharf_guest_sdk::xml::Element;

use crate::output::{restore, segment};

/// The position in `QUAL[n]`, 1 for a bare qualifier.
fn occurrence(key: &str) -> usize {
    key.split_once('[')
        .and_then(|(_, n)| n.strip_suffix(']'))
        .and_then(|n| n.parse().ok())
        .unwrap_or(1)
}

fn qualifier(key: &str) -> &str {
    key.split('[').next().unwrap_or_default()
}

/// Writes segments `name` keyed by `qualifier_field`: the `mapped` ones (qualifier and the
/// segment with its mapped fields, each the first of its qualifier) and one for every other
/// key the extensions under `prefix` name, all in qualifier order as SAP writes them, each
/// with its extensions restored.
pub fn write(
    name: &str,
    qualifier_field: &str,
    mapped: Vec<(&str, Element)>,
    extensions: &[Extension],
    prefix: &str,
) -> Vec<Element> {
    let lead = format!("{prefix}.");
    let mut keys: Vec<String> = Vec::new();
    for extension in extensions {
        if let Some(key) = extension
            .key
            .strip_prefix(&lead)
            .and_then(|rest| rest.split('.').next())
            && !key.is_empty()
            && !keys.iter().any(|k| k == key)
        {
            keys.push(key.to_owned());
        }
    }
    // A segment read as the first of several same qualifiers was kept as `QUAL[1]`.
    let mut placed: Vec<(String, Element)> = Vec::new();
    for (qual, element) in mapped {
        let key = if keys.iter().any(|k| k.starts_with(&format!("{qual}["))) {
            format!("{qual}[1]")
        } else {
            qual.to_owned()
        };
        if !keys.contains(&key) {
            keys.push(key.clone());
        }
        placed.push((key, element));
    }
    keys.sort_by(|a, b| (qualifier(a), occurrence(a)).cmp(&(qualifier(b), occurrence(b))));
    keys.into_iter()
        .map(|key| {
            let position = placed.iter().position(|(k, _)| *k == key);
            let mut element = match position {
                Some(position) => placed.swap_remove(position).1,
                None => segment(name).text_child(qualifier_field, qualifier(&key)),
            };
            restore(&mut element, extensions, &format!("{prefix}.{key}"), &[]);
            element
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_guest_sdk::text_extension;

    #[test]
    fn kept_and_mapped_segments_come_back_in_qualifier_order() {
        let extensions = [
            text_extension("idoc.E1EDS01.011.SUMME", "119"),
            text_extension("idoc.E1EDS01.002[2].SUMME", "5"),
            text_extension("idoc.E1EDS01.002[1].SUNIT", "EUR"),
        ];
        let mapped = segment("E1EDS01")
            .text_child("SUMID", "002")
            .text_child("SUMME", "100");
        let written = write(
            "E1EDS01",
            "SUMID",
            vec![("002", mapped)],
            &extensions,
            "idoc.E1EDS01",
        );
        let summary: Vec<_> = written
            .iter()
            .map(|s| (s.text_of("SUMID"), s.text_of("SUMME"), s.text_of("SUNIT")))
            .collect();
        assert_eq!(
            summary,
            [
                (Some("002"), Some("100"), Some("EUR")),
                (Some("002"), Some("5"), None),
                (Some("011"), Some("119"), None)
            ]
        );
    }
}
