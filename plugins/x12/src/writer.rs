//! Writing segments: [`Out`] builds one segment element by element, fills in the elements a
//! decode kept as `x12.<SEG>.<NN>` extensions, and [`Writer`] joins segments with the
//! agreement's delimiters.
//!
//! X12 has no release character, so text that contains one of the agreement's delimiters
//! (element, component, segment terminator, repetition) cannot be written. The writer refuses
//! it with a validation error located at the segment and element, rather than choosing other
//! delimiters: the delimiters are the agreement's, and partners' translators are often set up
//! for exactly those. Lowercase and non-ASCII text (written as UTF-8) pass through as given;
//! control characters are refused like delimiters.

use wharf_guest_sdk::canonical::{Extension, ExtensionValue};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::segments;

use crate::reader::RAW_SEPARATOR;
use crate::syntax::Delimiters;

/// One segment being built.
#[derive(Debug, Clone)]
pub struct Out {
    pub id: String,
    elements: Vec<String>,
}

impl Out {
    pub fn new(id: &str) -> Self {
        Out {
            id: id.to_owned(),
            elements: Vec::new(),
        }
    }

    /// Sets element `n` (1-based).
    pub fn set(&mut self, n: usize, value: impl Into<String>) -> &mut Self {
        if self.elements.len() < n {
            self.elements.resize(n, String::new());
        }
        if let Some(slot) = n.checked_sub(1).and_then(|i| self.elements.get_mut(i)) {
            *slot = value.into();
        }
        self
    }

    /// Sets element `n` when there is a value.
    pub fn opt(&mut self, n: usize, value: Option<impl Into<String>>) -> &mut Self {
        if let Some(value) = value {
            self.set(n, value);
        }
        self
    }

    pub fn with(mut self, n: usize, value: impl Into<String>) -> Self {
        self.set(n, value);
        self
    }

    pub fn with_opt(mut self, n: usize, value: Option<impl Into<String>>) -> Self {
        self.opt(n, value);
        self
    }

    /// Sets element `n` unless it already holds a value.
    pub fn with_default(mut self, n: usize, value: &str) -> Self {
        if !self.has(n) {
            self.set(n, value);
        }
        self
    }

    /// Whether element `n` holds a value.
    pub fn has(&self, n: usize) -> bool {
        n.checked_sub(1)
            .and_then(|i| self.elements.get(i))
            .is_some_and(|e| !e.is_empty())
    }

    /// Fills empty elements from `x12.<prefix><SEG>.<NN>` extensions, as a decode left them.
    pub fn restore(mut self, extensions: &[Extension], prefix: &str) -> Self {
        let head = format!("x12.{prefix}{}.", self.id);
        for extension in extensions {
            let Some(n) = extension
                .key
                .strip_prefix(&head)
                .and_then(|n| n.parse::<usize>().ok())
            else {
                continue;
            };
            if n > 0 && !self.has(n) {
                self.set(n, extension_text(&extension.value));
            }
        }
        self
    }

    /// A segment kept whole as `x12.<SEG>` text, elements separated by `*`.
    pub fn from_raw(id: &str, text: &str) -> Self {
        Out {
            id: id.to_owned(),
            elements: text.split(RAW_SEPARATOR).map(str::to_owned).collect(),
        }
    }
}

/// Element `n` of a segment being built, when set.
pub fn element(out: &Out, n: usize) -> Option<&str> {
    n.checked_sub(1)
        .and_then(|i| out.elements.get(i))
        .map(String::as_str)
        .filter(|e| !e.is_empty())
}

/// An extension value as text.
pub fn extension_text(value: &ExtensionValue) -> String {
    match value {
        ExtensionValue::Text(text) | ExtensionValue::Number(text) => text.clone(),
        ExtensionValue::Flag(flag) => if *flag { "Y" } else { "N" }.to_owned(),
    }
}

/// The extension `key`'s text, when present.
pub fn extension(extensions: &[Extension], key: &str) -> Option<String> {
    extensions
        .iter()
        .find(|e| e.key == key)
        .map(|e| extension_text(&e.value))
}

/// Whole segments kept as `x12.<prefix><SEG>` extensions (a two- or three-character id right
/// after the prefix, nothing after it), in the order they were kept.
pub fn raw_segments(extensions: &[Extension], prefix: &str) -> Vec<Out> {
    let head = format!("x12.{prefix}");
    extensions
        .iter()
        .filter_map(|e| {
            let id = e.key.strip_prefix(&head)?;
            let is_id = (2..=3).contains(&id.len())
                && id
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
            is_id.then(|| Out::from_raw(id, &extension_text(&e.value)))
        })
        .collect()
}

/// Segments joined into text with one interchange's delimiters: the SDK's segment writer,
/// refusing delimiters (X12 has no release character) and control characters.
pub struct Writer {
    segments: segments::Writer,
}

impl Writer {
    pub fn new(delimiters: Delimiters, line_break: bool) -> Self {
        Writer {
            segments: segments::Writer::new(delimiters)
                .with_line_breaks(line_break)
                .refusing_control_characters(),
        }
    }

    /// Writes one segment, dropping trailing empty elements.
    pub fn put(&mut self, out: &Out) -> Result<(), AdapterError> {
        self.segments
            .write(&out.id, out.elements.iter().map(std::slice::from_ref))
    }

    /// Writes segment text that is already joined (ISA, whose fields are fixed-width).
    pub fn raw(&mut self, text: &str) {
        self.segments.raw_segment(text);
    }

    /// Writes several segments.
    pub fn put_all<'a>(
        &mut self,
        outs: impl IntoIterator<Item = &'a Out>,
    ) -> Result<(), AdapterError> {
        for out in outs {
            self.put(out)?;
        }
        Ok(())
    }

    /// Segments written since ST (or since the writer began), for SE01.
    pub fn count(&self) -> u32 {
        self.segments.count()
    }

    /// Counts segments from ST on.
    pub fn restart_count(&mut self) {
        self.segments.restart_count();
    }

    /// Everything written.
    pub fn into_text(self) -> String {
        self.segments.into_text()
    }
}
