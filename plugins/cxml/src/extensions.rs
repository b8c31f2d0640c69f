//! What the canonical model has no field for, kept as `cxml.<where>` extensions so that nothing
//! a partner sent is dropped silently: `<Extrinsic name="X">` becomes `cxml.Extrinsic.X`, and
//! every attribute or child a mapping module did not read is flattened under its place
//! (`cxml.ItemOut.ItemDetail.Classification.domain`).
//!
//! Going out, only `cxml.Extrinsic.*` is written back; [`unwritten`] names the rest so the
//! encoder can log what the partner will not see.

use wharf_guest_sdk::canonical::{Extension, ExtensionValue};
use wharf_guest_sdk::text_extension;
use wharf_guest_sdk::xml::Element;

/// The prefix of every key this adapter writes.
pub const PREFIX: &str = "cxml";

const EXTRINSIC: &str = "cxml.Extrinsic.";

/// Keeps every attribute and child of `element` whose name is not in `mapped` under `base`
/// (`cxml.ItemOut`). Extrinsic children become `cxml.Extrinsic.<name>` wherever they stand.
pub fn keep_unmapped(element: &Element, base: &str, mapped: &[&str], out: &mut Vec<Extension>) {
    for (name, value) in &element.attributes {
        if !mapped.contains(&name.as_str()) {
            out.push(text_extension(format!("{base}.{name}"), value.clone()));
        }
    }
    let rest: Vec<&Element> = element
        .children
        .iter()
        .filter(|child| !mapped.contains(&child.name.as_str()))
        .collect();
    for (child, key) in rest.iter().zip(indexed_names(&rest)) {
        if child.name == "Extrinsic" {
            extrinsic(child, out);
        } else {
            flatten(child, &format!("{base}.{key}"), out);
        }
    }
}

/// Keeps a whole element (text, attributes, children) under `key`.
pub fn flatten(element: &Element, key: &str, out: &mut Vec<Extension>) {
    let before = out.len();
    if let Some(text) = element.trimmed() {
        out.push(text_extension(key, text));
    }
    for (name, value) in &element.attributes {
        out.push(text_extension(format!("{key}.{name}"), value.clone()));
    }
    let children: Vec<&Element> = element.children.iter().collect();
    for (child, name) in children.iter().zip(indexed_names(&children)) {
        flatten(child, &format!("{key}.{name}"), out);
    }
    if out.len() == before {
        // An empty element still says something by being there (`<Hazard/>`).
        out.push(Extension {
            key: key.to_owned(),
            value: ExtensionValue::Flag(true),
        });
    }
}

/// `<Extrinsic name="costCenter">4711</Extrinsic>` as `cxml.Extrinsic.costCenter`.
pub fn extrinsic(element: &Element, out: &mut Vec<Extension>) {
    match element.get("name") {
        Some(name) => {
            let key = format!("{EXTRINSIC}{name}");
            // Extrinsic content is free-form; a structured one keeps its inner elements too.
            let bare = Element {
                attributes: Vec::new(),
                ..element.clone()
            };
            flatten(&bare, &key, out);
        }
        None => flatten(element, &format!("{PREFIX}.Extrinsic"), out),
    }
}

/// Names of sibling elements, with `[N]` (1-based) on those that repeat, as in XML paths.
fn indexed_names(elements: &[&Element]) -> Vec<String> {
    let mut seen: Vec<(&str, usize)> = Vec::new();
    elements
        .iter()
        .map(|element| {
            let name = element.name.as_str();
            let total = elements.iter().filter(|e| e.name == name).count();
            let index = match seen.iter_mut().find(|(n, _)| *n == name) {
                Some((_, count)) => {
                    *count += 1;
                    *count
                }
                None => {
                    seen.push((name, 1));
                    1
                }
            };
            if total > 1 {
                format!("{name}[{index}]")
            } else {
                name.to_owned()
            }
        })
        .collect()
}

/// The text an extension value is written as.
pub fn value_text(value: &ExtensionValue) -> String {
    match value {
        ExtensionValue::Text(text) | ExtensionValue::Number(text) => text.clone(),
        ExtensionValue::Flag(flag) => flag.to_string(),
    }
}

/// The value of extension `key`, when present.
pub fn find<'a>(extensions: &'a [Extension], key: &str) -> Option<&'a ExtensionValue> {
    extensions.iter().find(|e| e.key == key).map(|e| &e.value)
}

/// `<Extrinsic>` elements for every `cxml.Extrinsic.<name>` extension, in order.
pub fn write_extrinsics(extensions: &[Extension]) -> Vec<Element> {
    extensions
        .iter()
        .filter_map(|e| {
            let name = e.key.strip_prefix(EXTRINSIC)?;
            Some(
                Element::new("Extrinsic")
                    .attr("name", name)
                    .with_text(value_text(&e.value)),
            )
        })
        .collect()
}

/// Takes out of `extensions` every text `cxml.Extrinsic.<prefix><rest>` that `read` turns
/// into a value (given `<rest>` and the text), and returns those values in order; what `read`
/// refuses stays an extension.
pub fn take_extrinsics<T>(
    extensions: &mut Vec<Extension>,
    prefix: &str,
    mut read: impl FnMut(&str, &str) -> Option<T>,
) -> Vec<T> {
    let mut taken = Vec::new();
    extensions.retain(|e| {
        let rest = e
            .key
            .strip_prefix(EXTRINSIC)
            .and_then(|name| name.strip_prefix(prefix));
        let value = match (&e.value, rest) {
            (ExtensionValue::Text(text), Some(rest)) => read(rest, text),
            _ => None,
        };
        match value {
            Some(value) => {
                taken.push(value);
                false
            }
            None => true,
        }
    });
    taken
}

/// An `<Extrinsic name="…">` holding `text`.
pub fn extrinsic_element(name: &str, text: &str) -> Element {
    Element::new("Extrinsic").attr("name", name).with_text(text)
}

/// Keys of `extensions` an encoder does not write: neither an Extrinsic nor one of `written`.
pub fn unwritten<'a>(extensions: &'a [Extension], written: &[&str]) -> Vec<&'a str> {
    extensions
        .iter()
        .map(|e| e.key.as_str())
        .filter(|key| !key.starts_with(EXTRINSIC) && !written.contains(key))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_guest_sdk::xml;

    fn keys_and_values(out: &[Extension]) -> Vec<(String, String)> {
        out.iter()
            .map(|e| (e.key.clone(), value_text(&e.value)))
            .collect()
    }

    #[test]
    fn unmapped_content_is_flattened_under_its_place() {
        let item = xml::parse(
            br#"<ItemDetail><UnitPrice/><Classification domain="UNSPSC">31161500</Classification><Classification domain="eClass">23-11</Classification><Extrinsic name="costCenter">4711</Extrinsic><Hazard/></ItemDetail>"#,
        )
        .unwrap();
        let mut out = Vec::new();
        keep_unmapped(&item, "cxml.ItemOut.ItemDetail", &["UnitPrice"], &mut out);
        assert_eq!(
            keys_and_values(&out),
            [
                ("cxml.ItemOut.ItemDetail.Classification[1]", "31161500"),
                ("cxml.ItemOut.ItemDetail.Classification[1].domain", "UNSPSC"),
                ("cxml.ItemOut.ItemDetail.Classification[2]", "23-11"),
                ("cxml.ItemOut.ItemDetail.Classification[2].domain", "eClass"),
                ("cxml.Extrinsic.costCenter", "4711"),
                ("cxml.ItemOut.ItemDetail.Hazard", "true"),
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
    }

    #[test]
    fn extrinsics_go_out_and_the_rest_is_named() {
        let extensions = vec![
            text_extension("cxml.Extrinsic.costCenter", "4711"),
            text_extension("idoc.E1EDK01.ZTERM", "0001"),
        ];
        let written = write_extrinsics(&extensions);
        assert_eq!(written.len(), 1);
        assert_eq!(written[0].get("name"), Some("costCenter"));
        assert_eq!(written[0].text, "4711");
        assert_eq!(unwritten(&extensions, &[]), ["idoc.E1EDK01.ZTERM"]);
    }
}
