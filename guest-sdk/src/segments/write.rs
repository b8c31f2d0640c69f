//! The writer: segments joined with an interchange's delimiters into text.

use super::Delimiters;
use crate::contract::{AdapterError, SegmentLocation};
use crate::error;

/// Joins segments into text with one interchange's delimiters.
///
/// Empty components at the end of an element, and empty elements at the end of a segment,
/// are left out. Text holding a service character is released with the release character;
/// without one it is refused with a validation error at the segment's position (counted since
/// the last [`Writer::restart_count`]), element and component, since changing the agreed
/// delimiters would break the partner's translator. Delimiters above ASCII are written as the
/// Latin-1 character of their byte.
#[derive(Debug, Clone)]
pub struct Writer {
    delimiters: Delimiters,
    line_breaks: bool,
    refuse_control: bool,
    text: String,
    count: u32,
}

impl Writer {
    /// A writer with `delimiters`, writing segments one after the other.
    pub fn new(delimiters: Delimiters) -> Self {
        Writer {
            delimiters,
            line_breaks: false,
            refuse_control: false,
            text: String::new(),
            count: 0,
        }
    }

    /// The same writer putting a line break after each terminator, for people reading files.
    pub fn with_line_breaks(mut self, line_breaks: bool) -> Self {
        self.line_breaks = line_breaks;
        self
    }

    /// The same writer refusing control characters in text too (X12 has no place for them).
    pub fn refusing_control_characters(mut self) -> Self {
        self.refuse_control = true;
        self
    }

    /// The delimiters segments are joined with.
    pub fn delimiters(&self) -> Delimiters {
        self.delimiters
    }

    /// What has been written so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Everything written.
    pub fn into_text(self) -> String {
        self.text
    }

    /// Segments written since the writer was made or the count restarted.
    pub fn count(&self) -> u32 {
        self.count
    }

    /// Counts segments from here on, as a message trailer counts them from its header.
    pub fn restart_count(&mut self) {
        self.count = 0;
    }

    /// Writes segment `id` whose `elements` are each a list of components (one for a simple
    /// element). On error nothing of the segment is written.
    pub fn write<E, C, S>(&mut self, id: &str, elements: E) -> Result<(), AdapterError>
    where
        E: IntoIterator<Item = C>,
        C: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let start = self.text.len();
        match self.write_elements(id, elements) {
            Ok(()) => {
                self.end_segment();
                Ok(())
            }
            Err(e) => {
                self.text.truncate(start);
                Err(e)
            }
        }
    }

    fn write_elements<E, C, S>(&mut self, id: &str, elements: E) -> Result<(), AdapterError>
    where
        E: IntoIterator<Item = C>,
        C: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let element = char::from(self.delimiters.element);
        let component = char::from(self.delimiters.component);
        self.text.push_str(id);
        // Separators are written when content follows them, so trailing empty elements and
        // components never are.
        let mut last_element = 0;
        for (e, components) in elements.into_iter().enumerate().map(|(i, c)| (i + 1, c)) {
            let mut components = components.into_iter().peekable();
            let mut last_component = 0;
            let mut c = 0;
            while let Some(value) = components.next() {
                c += 1;
                let value = value.as_ref();
                if value.is_empty() {
                    continue;
                }
                let composite = c > 1 || components.peek().is_some();
                let released = self
                    .released(value)
                    .map_err(|problem| self.refusal(id, problem, e, composite.then_some(c)))?;
                if last_component == 0 {
                    self.text
                        .extend(std::iter::repeat_n(element, e - last_element));
                    last_element = e;
                    last_component = 1;
                }
                self.text
                    .extend(std::iter::repeat_n(component, c - last_component));
                last_component = c;
                self.text.push_str(&released);
            }
        }
        Ok(())
    }

    /// `value` ready to be written, or what keeps it from being written.
    fn released<'v>(&self, value: &'v str) -> Result<std::borrow::Cow<'v, str>, String> {
        let d = self.delimiters;
        if d.release.is_none()
            && let Some(c) = value.chars().find(|&c| d.service_char(c))
        {
            return Err(format!(
                "{value:?} contains {c:?}, a delimiter of this interchange, and there is no \
                 release character to write it with"
            ));
        }
        if self.refuse_control && value.chars().any(char::is_control) {
            return Err(format!("{value:?} contains a control character"));
        }
        Ok(d.escape(value))
    }

    fn refusal(&self, id: &str, problem: String, e: usize, c: Option<usize>) -> AdapterError {
        let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        error::validation(format!("{id}{e:02} {problem}")).at_segment(SegmentLocation {
            interchange: None,
            group: None,
            message: None,
            message_type: None,
            position: self.count + 1,
            segment_id: id.to_owned(),
            element: Some(to_u32(e)),
            component: c.map(to_u32),
        })
    }

    /// Writes segment text that is already joined, such as X12's fixed-width ISA, adding the
    /// terminator and counting it.
    pub fn raw_segment(&mut self, text: &str) {
        self.text.push_str(text);
        self.end_segment();
    }

    /// Writes `text` as it is, without a terminator or counting it as a segment (EDIFACT's
    /// UNA, which announces the delimiters rather than using them).
    pub fn push_raw(&mut self, text: &str) {
        self.text.push_str(text);
    }

    fn end_segment(&mut self) {
        self.text.push(char::from(self.delimiters.segment));
        if self.line_breaks {
            self.text.push('\n');
        }
        self.count += 1;
    }
}
