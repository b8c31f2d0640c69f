//! Writing segments: building them from canonical values, putting kept extensions back, and
//! rendering them with the agreement's service characters and repertoire.
//!
//! [`Out`] is a segment under construction (plain text components). [`Kept`] holds a
//! document's `edifact.*` extensions: [`Kept::restore`] merges `edifact.<SEG>[..].<tag>`
//! leftovers into the segment they came from, [`Kept::raw_segments`] turns `edifact.<SEG>`
//! back into whole segments. [`render`] joins them with the SDK's segment writer, which escapes
//! with the release character, and encodes them in the agreement's repertoire.

use wharf_guest_sdk::canonical::{Extension, ExtensionValue};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::segments::Writer;
use wharf_guest_sdk::{decimal, error};

use crate::charset::Charset;
use crate::syntax::{Separators, tokenize};
use crate::tags;

/// A segment being written.
#[derive(Debug, Clone, PartialEq)]
pub struct Out {
    pub tag: String,
    pub elements: Vec<Vec<String>>,
}

impl Out {
    pub fn new(tag: &str) -> Self {
        Out {
            tag: tag.to_owned(),
            elements: Vec::new(),
        }
    }

    /// Appends an element of the given components.
    pub fn el<S: AsRef<str>>(mut self, components: &[S]) -> Self {
        self.elements
            .push(components.iter().map(|c| c.as_ref().to_owned()).collect());
        self
    }

    /// Appends an element of one optional component.
    pub fn opt(self, value: Option<&str>) -> Self {
        self.el(&[value.unwrap_or_default()])
    }

    /// Sets component `c` of element `e` (1-based), growing the segment as needed.
    pub fn set(&mut self, e: usize, c: usize, value: &str) {
        if e == 0 || c == 0 {
            return;
        }
        while self.elements.len() < e {
            self.elements.push(Vec::new());
        }
        let element = &mut self.elements[e - 1];
        while element.len() < c {
            element.push(String::new());
        }
        element[c - 1] = value.to_owned();
    }
}

/// A decimal in canonical spelling written with `mark`, or a validation error at `path`.
pub fn number(value: &str, mark: char, path: &str) -> Result<String, AdapterError> {
    let canonical = decimal::normalize(value)
        .map_err(|e| error::validation(e.to_string()).at_xml(path.to_owned()))?;
    Ok(if mark == '.' {
        canonical
    } else {
        canonical.replace('.', &mark.to_string())
    })
}

/// The `edifact.*` extensions of one level of a document, consumed as they are written.
pub struct Kept {
    items: Vec<(String, String, bool)>,
}

impl Kept {
    pub fn new(extensions: &[Extension]) -> Self {
        let items = extensions
            .iter()
            .filter(|e| e.key.starts_with("edifact."))
            .map(|e| {
                let value = match &e.value {
                    ExtensionValue::Text(t) | ExtensionValue::Number(t) => t.clone(),
                    ExtensionValue::Flag(f) => f.to_string(),
                };
                (e.key.clone(), value, false)
            })
            .collect();
        Kept { items }
    }

    /// Takes the value of `key`, once.
    pub fn take(&mut self, key: &str) -> Option<String> {
        let item = self
            .items
            .iter_mut()
            .find(|(k, _, used)| k == key && !used)?;
        item.2 = true;
        Some(item.1.clone())
    }

    /// Merges leftovers kept under `prefix` (`edifact.NAD[BY]`) into `out`: components the
    /// mapping wrote win, the kept ones fill the gaps.
    pub fn restore(&mut self, prefix: &str, out: &mut Out) {
        let start = format!("{prefix}.");
        for (key, value, used) in &mut self.items {
            let Some(tag) = key.strip_prefix(&start) else {
                continue;
            };
            let Some(position) = tags::element_position(&out.tag, tag) else {
                continue;
            };
            if *used {
                continue;
            }
            *used = true;
            for (c, component) in split_components(value).into_iter().enumerate() {
                let free = out
                    .elements
                    .get(position - 1)
                    .and_then(|e| e.get(c))
                    .is_none_or(String::is_empty);
                if !component.is_empty() && free {
                    out.set(position, c + 1, &component);
                }
            }
        }
    }

    /// Every unused `edifact.<SEG>` extension as the segment it keeps.
    pub fn raw_segments(&mut self) -> Vec<Out> {
        let mut out = Vec::new();
        for (key, value, used) in &mut self.items {
            let Some(tag) = key.strip_prefix("edifact.") else {
                continue;
            };
            let is_tag = tag.len() == 3
                && tag
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
            if *used || !is_tag || tag.starts_with("UN") {
                continue;
            }
            *used = true;
            out.push(parse_raw(tag, value));
        }
        out
    }
}

/// Components of an element written in the canonical service characters.
fn split_components(text: &str) -> Vec<String> {
    parse_raw("XXX", text)
        .elements
        .into_iter()
        .next()
        .unwrap_or_default()
}

/// A segment from its tag and its elements in the canonical service characters.
fn parse_raw(tag: &str, text: &str) -> Out {
    let bytes = format!("{tag}+{text}'");
    let elements = tokenize(bytes.as_bytes())
        .ok()
        .and_then(|mut segments| segments.pop())
        .map(|raw| {
            raw.segment
                .elements()
                .map(|e| {
                    e.components()
                        .map(|c| String::from_utf8_lossy(&c.unescaped()).into_owned())
                        .collect()
                })
                .collect()
        })
        .unwrap_or_default();
    Out {
        tag: tag.to_owned(),
        elements,
    }
}

/// Segments as wire bytes: released service characters, trailing empty elements and
/// components left out, one segment per line.
pub fn render(
    segments: &[Out],
    separators: &Separators,
    charset: Charset,
) -> Result<Vec<u8>, AdapterError> {
    let mut writer = Writer::new(separators.delimiters).with_line_breaks(true);
    for segment in segments {
        writer.write(&segment.tag, &segment.elements)?;
    }
    charset.encode(writer.text()).map_err(|c| {
        error::validation(format!(
            "{c:?} cannot be written in the agreement's character repertoire; \
             set syntax to UNOC (Latin-1) or UNOW (UTF-8)"
        ))
    })
}
