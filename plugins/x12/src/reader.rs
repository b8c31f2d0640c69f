//! Reading elements with their location: every value a transaction set mapper takes from a
//! segment comes through [`Seg`], so an error names interchange, group, transaction, segment
//! position and element (`message 0003, segment 14 (PO1), element 04: "12.5X" is not a decimal`).
//!
//! It also keeps what the model has no field for: [`Seg::leftovers`] turns the elements a
//! mapper did not take into `x12.<SEG>.<NN>` extensions, and [`Seg::raw_extension`] keeps a
//! whole segment as `x12.<SEG>` when it has no canonical place at all.

use std::cell::RefCell;

use wharf_guest_sdk::canonical::{Extension, ExtensionValue};
use wharf_guest_sdk::contract::{AdapterError, SegmentLocation};
use wharf_guest_sdk::{date, decimal, error};

use crate::syntax::Segment;

/// The envelope around the segments being read.
#[derive(Debug, Clone)]
pub struct Place {
    pub interchange: String,
    pub group: String,
    pub message: String,
    /// ST01, the transaction set id.
    pub set_id: String,
    pub component: char,
    /// GS08, the X12 version the set is written in ("004010", "005010").
    pub version: String,
    /// The agreement's strictness: whether what the standard forbids but a reader can
    /// still make sense of (a missing BSN02, a broken syntax note) fails the set.
    pub strict: bool,
    /// What a lenient read tolerated, each with its location.
    pub warnings: RefCell<Vec<AdapterError>>,
}

impl Place {
    /// `problem` fails the read when the agreement is strict, and is kept as a warning when
    /// it is lenient.
    pub fn tolerate(&self, problem: AdapterError) -> Result<(), AdapterError> {
        if self.strict {
            return Err(problem);
        }
        self.warnings.borrow_mut().push(problem);
        Ok(())
    }
}

/// A segment of a transaction set, with its 1-based position in it (ST = 1).
#[derive(Clone, Copy)]
pub struct Seg<'a> {
    pub segment: &'a Segment,
    pub position: u32,
    pub place: &'a Place,
    /// The segment right before this one in its set, when it has one (notes continue across
    /// consecutive NTE segments, see [`crate::common::push_note`]).
    pub previous: Option<&'a Segment>,
}

/// Separator used in the text of whole segments kept as extensions, whatever the file used.
pub const RAW_SEPARATOR: char = '*';

impl<'a> Seg<'a> {
    pub fn id(&self) -> &'a str {
        &self.segment.id
    }

    pub fn location(&self, element: Option<usize>) -> SegmentLocation {
        SegmentLocation {
            interchange: Some(self.place.interchange.clone()),
            group: Some(self.place.group.clone()),
            message: Some(self.place.message.clone()),
            message_type: Some(self.place.set_id.clone()),
            position: self.position,
            segment_id: self.segment.id.clone(),
            element: element.map(|e| e as u32),
            component: None,
        }
    }

    /// A validation error at element `n` (or the whole segment when `n` is 0).
    pub fn invalid(&self, n: usize, message: impl Into<String>) -> AdapterError {
        error::validation(message).at_segment(self.location((n > 0).then_some(n)))
    }

    /// Element `n` trimmed, or `None` when absent or blank.
    pub fn text(&self, n: usize) -> Option<&'a str> {
        let value = self.segment.raw(n).trim();
        (!value.is_empty()).then_some(value)
    }

    /// Element `n` as an owned string, when present.
    pub fn owned(&self, n: usize) -> Option<String> {
        self.text(n).map(str::to_owned)
    }

    /// Component `c` (1-based) of composite element `n`, trimmed, when present.
    pub fn component(&self, n: usize, c: usize) -> Option<&'a str> {
        let value = self.segment.raw(n);
        let part = value
            .split(self.place.component)
            .nth(c.checked_sub(1)?)?
            .trim();
        (!part.is_empty()).then_some(part)
    }

    /// Element `n`, which the standard makes mandatory.
    pub fn require(&self, n: usize, what: &str) -> Result<&'a str, AdapterError> {
        self.text(n)
            .ok_or_else(|| self.invalid(n, format!("{what} is missing")))
    }

    /// Element `n` as a canonical decimal.
    pub fn decimal(&self, n: usize) -> Result<Option<String>, AdapterError> {
        self.text(n)
            .map(|text| {
                decimal::normalize(text)
                    .map_err(|_| self.invalid(n, format!("{text:?} is not a decimal")))
            })
            .transpose()
    }

    /// Element `n` of type N2 (two implied decimal places, "19998" for 199.98).
    pub fn implied_cents(&self, n: usize) -> Result<Option<String>, AdapterError> {
        self.text(n)
            .map(|text| {
                let digits = text.strip_prefix('-').unwrap_or(text);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(self.invalid(
                        n,
                        format!("{text:?} is not a whole number of cents (type N2)"),
                    ));
                }
                let value = decimal::parse(text)
                    .map_err(|_| self.invalid(n, format!("{text:?} is not a number")))?;
                Ok(decimal::format(
                    value / wharf_guest_sdk::Decimal::ONE_HUNDRED,
                ))
            })
            .transpose()
    }

    /// Date element `n` (CCYYMMDD) with the optional time element `time`, as ISO 8601.
    pub fn date(&self, n: usize, time: Option<usize>) -> Result<Option<String>, AdapterError> {
        let Some(day) = self.text(n) else {
            return Ok(None);
        };
        let clock = time.and_then(|t| self.text(t));
        date::from_compact(&with_century(day), clock)
            .map(Some)
            .map_err(|e| {
                // The error names the text it failed on: the time, or else the date.
                let element = match time {
                    Some(t) if clock == Some(e.text.as_str()) => t,
                    _ => n,
                };
                self.invalid(
                    element,
                    format!("{:?} is not a valid date: {}", e.text, e.reason),
                )
            })
    }

    /// Whether every present element is one of `used`.
    pub fn only_uses(&self, used: &[usize]) -> bool {
        (1..=self.segment.elements.len()).all(|n| used.contains(&n) || self.text(n).is_none())
    }

    /// The elements not in `used` as `x12.<prefix><SEG>.<NN>` extensions.
    pub fn leftovers(&self, used: &[usize], prefix: &str, out: &mut Vec<Extension>) {
        for n in 1..=self.segment.elements.len() {
            if used.contains(&n) {
                continue;
            }
            if let Some(value) = self.text(n) {
                out.push(text_extension(
                    format!("x12.{prefix}{}.{n:02}", self.segment.id),
                    value,
                ));
            }
        }
    }

    /// The whole segment as one `x12.<prefix><SEG>` extension, elements joined by `*`.
    pub fn raw_extension(&self, prefix: &str) -> Extension {
        let mut elements: Vec<&str> = self.segment.elements.iter().map(|e| e.trim()).collect();
        while elements.last().is_some_and(|e| e.is_empty()) {
            elements.pop();
        }
        text_extension(
            format!("x12.{prefix}{}", self.segment.id),
            elements.join(&RAW_SEPARATOR.to_string()),
        )
    }
}

/// A date as CCYYMMDD. Versions before 004010 write dates YYMMDD (type DT 6/6); their
/// century follows the POSIX rule for two-digit years (69–99 are 1969–1999, 00–68 are
/// 2000–2068), so a 003040 order of 991231 is not read as a date in 2099.
pub fn with_century(day: &str) -> std::borrow::Cow<'_, str> {
    let two_digit_year = day.len() == 6 && day.bytes().all(|b| b.is_ascii_digit());
    match day.get(..2).and_then(|yy| yy.parse::<u32>().ok()) {
        Some(yy) if two_digit_year => {
            let century = if yy >= 69 { "19" } else { "20" };
            format!("{century}{day}").into()
        }
        _ => day.into(),
    }
}

pub fn text_extension(key: impl Into<String>, value: impl Into<String>) -> Extension {
    Extension {
        key: key.into(),
        value: ExtensionValue::Text(value.into()),
    }
}

/// A transaction set's segments after ST and before SE, read in order.
pub struct Body<'a> {
    segments: Vec<Seg<'a>>,
    next: usize,
}

impl<'a> Body<'a> {
    /// The segments between ST (position 1) and SE.
    pub fn new(all: &'a [Segment], place: &'a Place) -> Self {
        let inner = all.len().saturating_sub(1);
        let segments = all
            .iter()
            .enumerate()
            .take(inner)
            .skip(1)
            .map(|(i, segment)| Seg {
                segment,
                position: i as u32 + 1,
                place,
                previous: i.checked_sub(1).and_then(|p| all.get(p)),
            })
            .collect();
        Body { segments, next: 0 }
    }

    pub fn peek(&self) -> Option<Seg<'a>> {
        self.segments.get(self.next).copied()
    }

    pub fn peek_id(&self) -> Option<&'a str> {
        self.peek().map(|s| s.id())
    }

    pub fn next_seg(&mut self) -> Option<Seg<'a>> {
        let seg = self.peek()?;
        self.next += 1;
        Some(seg)
    }

    /// The next segment when its id is one of `ids`.
    pub fn next_if(&mut self, ids: &[&str]) -> Option<Seg<'a>> {
        let seg = self.peek().filter(|s| ids.contains(&s.id()))?;
        self.next += 1;
        Some(seg)
    }
}
