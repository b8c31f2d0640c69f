//! Reading the data segments of a message, the layer every message mapping reads through.
//!
//! [`Seg`] hands out components (blank meaning absent), decimals and dates with errors located
//! at the exact segment, element and component, and remembers what the mapping used. What it
//! did not use becomes extensions through [`Seg::leftovers`]: `edifact.<SEG>.<element tag>`,
//! or `edifact.<SEG>[<qualifier>].<tag>` for a segment that repeats, whose value is the
//! element as written with the unused components only. A segment a mapping does not know at
//! all is kept whole by [`raw_extension`] as `edifact.<SEG>` (see [`crate::writer`] for the
//! way back).

use std::cell::RefCell;

use wharf_guest_sdk::canonical::{Dated, Extension};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::{decimal, error, text_extension};

use crate::codes;
use crate::interchange::{Context, Segment};
use crate::tags;

/// The canonical spelling of service characters inside extension values.
pub const CANONICAL: crate::syntax::Separators = crate::syntax::Separators::DEFAULT;

/// A data segment being read, with the record of which components the mapping used.
pub struct Seg<'a> {
    pub segment: &'a Segment,
    context: &'a Context,
    decimal: char,
    used: RefCell<Vec<Vec<bool>>>,
}

impl<'a> Seg<'a> {
    pub fn new(segment: &'a Segment, context: &'a Context, decimal: char) -> Self {
        let used = segment
            .elements
            .iter()
            .map(|e| vec![false; e.len()])
            .collect();
        Seg {
            segment,
            context,
            decimal,
            used: RefCell::new(used),
        }
    }

    pub fn tag(&self) -> &'a str {
        &self.segment.tag
    }

    /// Component `c` of element `e` (1-based), marking it used.
    pub fn get(&self, e: usize, c: usize) -> Option<&'a str> {
        if let Some(flag) = self
            .used
            .borrow_mut()
            .get_mut(e.wrapping_sub(1))
            .and_then(|el| el.get_mut(c.wrapping_sub(1)))
        {
            *flag = true;
        }
        self.segment.text(e, c)
    }

    /// Like [`Seg::get`], owned.
    pub fn string(&self, e: usize, c: usize) -> Option<String> {
        self.get(e, c).map(str::to_owned)
    }

    /// A component that must be present.
    pub fn require(&self, e: usize, c: usize, what: &str) -> Result<&'a str, AdapterError> {
        self.get(e, c).ok_or_else(|| {
            self.error(
                error::validation(format!("{} has no {what}", self.tag())),
                e,
                c,
            )
        })
    }

    /// Locates `err` at element `e`, component `c` of this segment.
    pub fn error(&self, err: AdapterError, e: usize, c: usize) -> AdapterError {
        err.at_segment(self.context.locate(
            self.segment,
            u32::try_from(e).ok(),
            u32::try_from(c).ok(),
        ))
    }

    /// Locates `err` at this segment as a whole.
    pub fn segment_error(&self, err: AdapterError) -> AdapterError {
        err.at_segment(self.context.locate(self.segment, None, None))
    }

    /// A decimal in canonical spelling; the interchange's decimal mark is expected, but the
    /// other one is accepted too since ISO 9735 lets senders use either.
    pub fn decimal(&self, e: usize, c: usize) -> Result<Option<String>, AdapterError> {
        let Some(text) = self.get(e, c) else {
            return Ok(None);
        };
        let other = if self.decimal == ',' { '.' } else { ',' };
        decimal::normalize_with_mark(text, self.decimal)
            .or_else(|_| decimal::normalize_with_mark(text, other))
            .map(Some)
            .map_err(|err| self.error(error::validation(err.to_string()), e, c))
    }

    /// A decimal that must be present.
    pub fn require_decimal(&self, e: usize, c: usize, what: &str) -> Result<String, AdapterError> {
        self.decimal(e, c)?.ok_or_else(|| {
            self.error(
                error::validation(format!("{} has no {what}", self.tag())),
                e,
                c,
            )
        })
    }

    /// A DTM segment as a canonical date; `Ok(None)` for a format code with no ISO form,
    /// which the caller keeps whole. A range (718) keeps its start as the value and the whole
    /// range as an extension.
    pub fn date(&self, extensions: &mut Vec<Extension>) -> Result<Option<Dated>, AdapterError> {
        let qualifier = self.require(1, 1, "date qualifier (2005)")?;
        let Some(text) = self.segment.text(1, 2) else {
            return Err(self.error(error::validation("DTM has no date (2380)"), 1, 2));
        };
        let format = self.segment.text(1, 3).unwrap_or("102");
        let Some(value) = codes::iso_date(text, format)
            .map_err(|reason| self.error(error::validation(reason), 1, 2))?
        else {
            return Ok(None);
        };
        self.get(1, 2);
        self.get(1, 3);
        if format == "718" {
            extensions.push(text_extension(
                format!("edifact.DTM[{qualifier}].718"),
                text,
            ));
        }
        Ok(Some(Dated {
            kind: codes::date_kind(qualifier),
            value,
            qualifier: Some(qualifier.to_owned()),
        }))
    }

    /// Every non-empty component the mapping did not use, as extensions under `prefix`
    /// (`edifact.BGM`, `edifact.NAD[BY]`).
    pub fn leftovers(&self, prefix: &str, extensions: &mut Vec<Extension>) {
        let used = self.used.borrow();
        for (e, element) in self.segment.elements.iter().enumerate() {
            let unused: Vec<String> = element
                .iter()
                .enumerate()
                .map(|(c, value)| {
                    let taken = used.get(e).and_then(|u| u.get(c)).copied().unwrap_or(false);
                    if taken {
                        String::new()
                    } else {
                        CANONICAL.escape(value)
                    }
                })
                .collect();
            let text = join_components(&unused);
            if !text.is_empty() {
                let key = format!("{prefix}.{}", tags::element_tag(self.tag(), e + 1));
                extensions.push(text_extension(key, text));
            }
        }
    }
}

/// Components joined with `:`, trailing empty ones dropped.
pub fn join_components(components: &[String]) -> String {
    let end = components
        .iter()
        .rposition(|c| !c.is_empty())
        .map_or(0, |i| i + 1);
    components[..end].join(":")
}

/// A whole segment the mapping has no place for, kept as `edifact.<SEG>` with its elements
/// written in the canonical service characters (`+`, `:`, `?`).
pub fn raw_extension(segment: &Segment) -> Extension {
    let elements: Vec<String> = segment
        .elements
        .iter()
        .map(|e| {
            let escaped: Vec<String> = e.iter().map(|c| CANONICAL.escape(c)).collect();
            join_components(&escaped)
        })
        .collect();
    let end = elements
        .iter()
        .rposition(|e| !e.is_empty())
        .map_or(0, |i| i + 1);
    text_extension(
        format!("edifact.{}", segment.tag),
        elements[..end].join("+"),
    )
}
