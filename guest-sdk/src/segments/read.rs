//! The reader: bytes into [`Segment`]s that borrow them, and the views into a segment.

use std::borrow::Cow;
use std::ops::Range;

use super::{Delimiters, Layout};
use crate::contract::{AdapterError, SegmentLocation};
use crate::error;

const BOM: &[u8] = b"\xEF\xBB\xBF";

fn is_line_break(byte: u8) -> bool {
    matches!(byte, b'\r' | b'\n')
}

/// Splits input into segments, one at a time; an [`Iterator`] of [`Segment`]s.
///
/// The reader never fails: what a standard makes of an odd segment (an id that is not one, a
/// last segment without its terminator) is for the adapter to judge, with the segment's
/// location at hand.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    delimiters: Delimiters,
    layout: Layout,
    position: u32,
}

impl<'a> Reader<'a> {
    /// A reader of `bytes` with `delimiters` and [`Layout::EXACT`].
    pub fn new(bytes: &'a [u8], delimiters: Delimiters) -> Self {
        Reader {
            bytes,
            at: 0,
            delimiters,
            layout: Layout::EXACT,
            position: 0,
        }
    }

    /// The same reader with another layout.
    pub fn with_layout(mut self, layout: Layout) -> Self {
        self.layout = layout;
        self
    }

    /// The delimiters segments are split with.
    pub fn delimiters(&self) -> Delimiters {
        self.delimiters
    }

    /// Splits the segments from here on with `delimiters` (an X12 file's next ISA, an EDIFACT
    /// file's next UNA).
    pub fn set_delimiters(&mut self, delimiters: Delimiters) {
        self.delimiters = delimiters;
    }

    /// The byte offset of what has not been read yet.
    pub fn offset(&self) -> usize {
        self.at
    }

    /// What has not been read yet.
    pub fn rest(&self) -> &'a [u8] {
        &self.bytes[self.at..]
    }

    /// The position of the last segment read, 0 before the first.
    pub fn position(&self) -> u32 {
        self.position
    }

    /// Steps over `len` bytes that are not a segment (padding the adapter judged itself).
    pub fn advance(&mut self, len: usize) {
        self.at = (self.at + len).min(self.bytes.len());
    }

    /// Steps over `len` bytes the adapter read as one segment itself (an envelope segment
    /// with rules of its own, such as X12's ISA or EDIFACT's UNA), and returns the position
    /// that segment has.
    pub fn consume(&mut self, len: usize) -> u32 {
        self.advance(len);
        self.position = self.position.saturating_add(1);
        self.position
    }

    /// Skips the layout's padding before the next segment and returns what follows, for an
    /// adapter to look at before the segment is read (is it a UNA?).
    pub fn skip_padding(&mut self) -> &'a [u8] {
        loop {
            let rest = &self.bytes[self.at..];
            match rest.first() {
                Some(&b)
                    if b != self.delimiters.segment
                        && (self.layout.padding)(b, &self.delimiters) =>
                {
                    self.at += 1
                }
                Some(_) if self.layout.byte_order_mark && rest.starts_with(BOM) => {
                    self.at += BOM.len()
                }
                _ => return rest,
            }
        }
    }

    /// The end of the segment starting at `start`: the index of its terminator (or of the end
    /// of the input) and whether it has one. A released terminator is data.
    fn segment_end(&self, start: usize) -> (usize, bool) {
        let d = &self.delimiters;
        if d.release.is_none() {
            // Without a release character the terminator is the first one: one tight scan.
            return match self.bytes[start..].iter().position(|&b| b == d.segment) {
                Some(i) => (start + i, true),
                None => (self.bytes.len(), false),
            };
        }
        let mut at = start;
        while let Some(&b) = self.bytes.get(at) {
            if Some(b) == d.release {
                at += 2;
            } else if b == d.segment {
                return (at, true);
            } else {
                at += 1;
            }
        }
        (self.bytes.len(), false)
    }

    /// The segment's text once the layout's line-break rule is applied.
    fn segment_text(&self, start: usize, end: usize) -> Cow<'a, [u8]> {
        let mut text = &self.bytes[start..end];
        if !self.layout.line_breaks_are_layout {
            return Cow::Borrowed(text);
        }
        while let Some((&last, before)) = text.split_last()
            && is_line_break(last)
        {
            text = before;
        }
        if is_line_break(self.delimiters.segment) || !text.iter().copied().any(is_line_break) {
            return Cow::Borrowed(text);
        }
        Cow::Owned(
            text.iter()
                .copied()
                .filter(|&b| !is_line_break(b))
                .collect(),
        )
    }
}

impl<'a> Iterator for Reader<'a> {
    type Item = Segment<'a>;

    fn next(&mut self) -> Option<Segment<'a>> {
        loop {
            self.skip_padding();
            if self.at >= self.bytes.len() {
                return None;
            }
            let start = self.at;
            let (end, terminated) = self.segment_end(start);
            self.at = if terminated { end + 1 } else { end };
            let text = self.segment_text(start, end);
            if text.is_empty() && self.layout.skip_empty {
                continue;
            }
            self.position = self.position.saturating_add(1);
            return Some(Segment::new(
                text,
                self.delimiters,
                self.position,
                start,
                terminated,
            ));
        }
    }
}

/// Splits `raw` at every `separator` that is not released (nowhere when there is none).
fn split(raw: &[u8], separator: Option<u8>, release: Option<u8>) -> impl Iterator<Item = &[u8]> {
    let mut start = 0;
    let mut at = 0;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        while let Some(&b) = raw.get(at) {
            if Some(b) == release {
                at += 2;
            } else if Some(b) == separator {
                let piece = &raw[start..at];
                at += 1;
                start = at;
                return Some(piece);
            } else {
                at += 1;
            }
        }
        done = true;
        Some(&raw[start.min(raw.len())..])
    })
}

/// One segment: its text, where its elements are in it, and where it is in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment<'a> {
    text: Cow<'a, [u8]>,
    /// Element 0 (the id) first; one range per element, empty ones included.
    elements: Vec<Range<usize>>,
    delimiters: Delimiters,
    position: u32,
    offset: usize,
    terminated: bool,
}

impl<'a> Segment<'a> {
    fn new(
        text: Cow<'a, [u8]>,
        delimiters: Delimiters,
        position: u32,
        offset: usize,
        terminated: bool,
    ) -> Self {
        let mut elements = Vec::with_capacity(16);
        let mut start = 0;
        for piece in split(&text, Some(delimiters.element), delimiters.release) {
            elements.push(start..start + piece.len());
            start += piece.len() + 1;
        }
        Segment {
            text,
            elements,
            delimiters,
            position,
            offset,
            terminated,
        }
    }

    /// The segment's id as written: everything before the first element separator.
    pub fn id(&self) -> &[u8] {
        self.element(0).map_or(&[], |e| e.raw())
    }

    /// The id as text, for messages and locations (bytes that are not UTF-8 replaced).
    pub fn id_text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(self.id())
    }

    /// The whole segment as written, without its terminator.
    pub fn raw(&self) -> &[u8] {
        &self.text
    }

    /// How many elements follow the id, trailing empty ones included.
    pub fn len(&self) -> usize {
        self.elements.len().saturating_sub(1)
    }

    /// Whether the segment has no element after its id.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Element `n` (1-based; 0 is the id), when the segment has it.
    pub fn element(&self, n: usize) -> Option<Element<'_>> {
        let range = self.elements.get(n)?.clone();
        Some(Element {
            raw: &self.text[range],
            delimiters: self.delimiters,
        })
    }

    /// The elements after the id, in order.
    pub fn elements(&self) -> impl ExactSizeIterator<Item = Element<'_>> {
        self.elements.iter().skip(1).map(|range| Element {
            raw: &self.text[range.clone()],
            delimiters: self.delimiters,
        })
    }

    /// Component `c` of element `n` (both 1-based) as UTF-8 text, release characters applied;
    /// `None` when absent or empty, and a syntax error located there when not UTF-8.
    pub fn text(&self, n: usize, c: usize) -> Result<Option<Cow<'_, str>>, AdapterError> {
        let Some(component) = self.element(n).and_then(|e| e.component(c)) else {
            return Ok(None);
        };
        if component.raw().is_empty() {
            return Ok(None);
        }
        component
            .text()
            .map(Some)
            .map_err(|_| self.error(error::syntax("the text is not valid UTF-8"), n, Some(c)))
    }

    /// 1-based position of the segment in the input.
    pub fn position(&self) -> u32 {
        self.position
    }

    /// Byte offset in the input where the segment starts.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Whether a terminator ends the segment; false for a last segment the input cuts off.
    pub fn is_terminated(&self) -> bool {
        self.terminated
    }

    /// The location of element `element` (0 for the segment as a whole) and optionally one of
    /// its components; interchange, group and message are the adapter's to add.
    pub fn locate(&self, element: usize, component: Option<usize>) -> SegmentLocation {
        SegmentLocation {
            interchange: None,
            group: None,
            message: None,
            message_type: None,
            position: self.position,
            segment_id: self.id_text().into_owned(),
            element: (element > 0).then(|| u32::try_from(element).unwrap_or(u32::MAX)),
            component: component.map(|c| u32::try_from(c).unwrap_or(u32::MAX)),
        }
    }

    /// `error` located at element `element` (0 for the whole segment) and `component`.
    pub fn error(
        &self,
        error: AdapterError,
        element: usize,
        component: Option<usize>,
    ) -> AdapterError {
        error.at_segment(self.locate(element, component))
    }
}

/// One element of a segment, as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Element<'s> {
    raw: &'s [u8],
    delimiters: Delimiters,
}

impl<'s> Element<'s> {
    /// The element as written, separators and release characters included.
    pub fn raw(&self) -> &'s [u8] {
        self.raw
    }

    /// Whether nothing is written in the element.
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }

    /// The element's components (one for a simple element), release characters still in.
    pub fn components(&self) -> impl Iterator<Item = Component<'s>> + use<'s> {
        let d = self.delimiters;
        split(self.raw, Some(d.component), d.release)
            .map(move |raw| Component { raw, delimiters: d })
    }

    /// Component `c` (1-based), when the element has it.
    pub fn component(&self, c: usize) -> Option<Component<'s>> {
        self.components().nth(c.checked_sub(1)?)
    }

    /// The element's repetitions (itself alone when the interchange has no repetition
    /// separator).
    pub fn repetitions(&self) -> impl Iterator<Item = Element<'s>> + use<'s> {
        let d = self.delimiters;
        split(self.raw, d.repetition, d.release).map(move |raw| Element { raw, delimiters: d })
    }

    /// The element with release characters applied (component separators stay in).
    pub fn unescaped(&self) -> Cow<'s, [u8]> {
        self.delimiters.unescape(self.raw)
    }
}

/// One component of an element, as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Component<'s> {
    raw: &'s [u8],
    delimiters: Delimiters,
}

impl<'s> Component<'s> {
    /// The component as written, release characters included.
    pub fn raw(&self) -> &'s [u8] {
        self.raw
    }

    /// Whether nothing is written in the component.
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }

    /// The component's bytes with release characters applied; borrowed when it has none.
    pub fn unescaped(&self) -> Cow<'s, [u8]> {
        self.delimiters.unescape(self.raw)
    }

    /// The component as UTF-8 text with release characters applied; borrowed when it has none.
    pub fn text(&self) -> Result<Cow<'s, str>, std::str::Utf8Error> {
        Ok(match self.unescaped() {
            Cow::Borrowed(bytes) => Cow::Borrowed(std::str::from_utf8(bytes)?),
            Cow::Owned(bytes) => Cow::Owned(String::from_utf8(bytes).map_err(|e| e.utf8_error())?),
        })
    }
}
