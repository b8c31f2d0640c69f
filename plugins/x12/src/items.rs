//! What order, change, response and invoice lines share: product id pairs (PO106/PO107, …),
//! unit prices with their basis code, and the segments of a line loop (PID, SCH, DTM, REF,
//! NTE/MSG), read into a [`LineBody`] and written back from one.
//!
//! Product ids keep their meaning in the scheme (BP/IN buyer, VP/VN/VA supplier, UP/UK/EN
//! gtin, MG manufacturer, else `x12:<qualifier>`); a qualifier that is not the one the scheme
//! would be written with is kept as `x12.<SEG>.<NN>`, so the same pair comes back out.

use wharf_guest_sdk::canonical::{
    Dated, Extension, ExtensionValue, Identifier, Note, Price, Quantity, ScheduleLine,
};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::{error, id, log};

use crate::codes;
use crate::common;
use crate::reader::{Seg, text_extension};
use crate::writer::{Out, extension, raw_segments};

/// The line number in element 1 of `seg` (PO101, IT101: assigned identification, which the
/// standard makes optional), or the line's ordinal when it is absent, flagged as
/// `x12.<SEG>.01.absent` so that a writer leaves the element out again.
pub fn line_number(seg: Seg<'_>, ordinal: usize, extensions: &mut Vec<Extension>) -> String {
    match seg.owned(1) {
        Some(number) => number,
        None => {
            extensions.push(Extension {
                key: absent_key(seg.id()),
                value: ExtensionValue::Flag(true),
            });
            (ordinal + 1).to_string()
        }
    }
}

fn absent_key(segment: &str) -> String {
    format!("x12.{segment}.01.absent")
}

/// Whether a line read by [`line_number`] had no number of its own in `segment`.
pub fn line_number_absent(segment: &str, extensions: &[Extension]) -> bool {
    let key = absent_key(segment);
    extensions.iter().any(|e| e.key == key)
}

/// Reads the (qualifier, id) pairs from element `first` on; returns the elements used.
pub fn read_ids(
    seg: Seg<'_>,
    first: usize,
    prefix: &str,
    ids: &mut Vec<Identifier>,
    extensions: &mut Vec<Extension>,
) -> Vec<usize> {
    let mut used = Vec::new();
    let mut n = first;
    while n < seg.segment.elements.len() {
        if let (Some(qualifier), Some(value)) = (seg.text(n), seg.text(n + 1)) {
            let scheme = codes::item_scheme(qualifier);
            if codes::item_qualifier(&scheme, value).as_deref() != Some(qualifier) {
                extensions.push(text_extension(
                    format!("x12.{prefix}{}.{n:02}", seg.id()),
                    qualifier,
                ));
            }
            ids.push(id(scheme, value));
            used.extend([n, n + 1]);
        }
        n += 2;
    }
    used
}

/// Writes `ids` as pairs from element `first` on, at most up to element `last`.
pub fn write_ids(
    out: &mut Out,
    first: usize,
    last: usize,
    ids: &[Identifier],
    extensions: &[Extension],
    prefix: &str,
) {
    let mut n = first;
    for identifier in ids {
        let key = format!("x12.{prefix}{}.{n:02}", out.id);
        let qualifier = extension(extensions, &key)
            .or_else(|| codes::item_qualifier(&identifier.scheme, &identifier.value));
        let Some(qualifier) = qualifier else {
            log::warn(&format!(
                "{}: item id {}:{} has no X12 qualifier and is not written",
                out.id, identifier.scheme, identifier.value
            ));
            continue;
        };
        if n + 1 > last {
            log::warn(&format!(
                "{}: no room for item id {}:{}",
                out.id, identifier.scheme, identifier.value
            ));
            break;
        }
        out.set(n, qualifier).set(n + 1, identifier.value.clone());
        n += 2;
    }
}

/// Basis codes that price more than one unit.
const BASES: [(&str, &str); 2] = [("HP", "100"), ("TP", "1000")];

/// The unit price in element `amount` with its basis code in `basis`; the basis element is
/// reported used only when it says the price is for more than one unit.
pub fn read_price(
    seg: Seg<'_>,
    amount: usize,
    basis: usize,
    unit: &str,
    currency: Option<&String>,
    used: &mut Vec<usize>,
) -> Result<Option<Price>, AdapterError> {
    let Some(value) = seg.decimal(amount)? else {
        return Ok(None);
    };
    used.push(amount);
    let per = seg
        .text(basis)
        .and_then(|code| BASES.iter().find(|(c, _)| *c == code));
    if per.is_some() {
        used.push(basis);
    }
    Ok(Some(Price {
        amount: value,
        currency: currency.cloned(),
        basis: per.map(|(_, count)| Quantity {
            value: (*count).to_owned(),
            unit: unit.to_owned(),
        }),
    }))
}

pub fn write_price(
    out: &mut Out,
    amount: usize,
    basis: usize,
    price: &Price,
    path: &str,
) -> Result<(), AdapterError> {
    out.set(amount, price.amount.clone());
    if let Some(per) = &price.basis {
        let code = BASES
            .iter()
            .find(|(_, count)| *count == per.value)
            .map(|(code, _)| *code)
            .filter(|_| per.value != "1");
        match code {
            Some(code) => {
                out.set(basis, code);
            }
            None if per.value == "1" => {}
            None => {
                return Err(error::validation(format!(
                    "{path}.price.basis: a price per {} has no X12 basis code (HP is per 100, \
                     TP per 1000)",
                    per.value
                )));
            }
        }
    }
    Ok(())
}

/// The segments of a line loop after its first segment.
#[derive(Debug, Default)]
pub struct LineBody {
    /// The line record has no description, schedule or references (a line response): only
    /// dates and notes are mapped, PID, SCH and REF are kept whole.
    pub plain: bool,
    /// Notes are written as N9/MSG loops, as 005010's 850 has no NTE (see
    /// [`crate::notes_005010`]).
    pub notes_in_n9: bool,
    pub description: Option<String>,
    pub dates: Vec<Dated>,
    pub references: Vec<Identifier>,
    pub notes: Vec<Note>,
    pub schedule: Vec<ScheduleLine>,
    pub extensions: Vec<Extension>,
}

impl LineBody {
    /// Takes one segment of the loop; what has no place is kept whole.
    pub fn read(&mut self, seg: Seg<'_>) -> Result<(), AdapterError> {
        if self.plain && matches!(seg.id(), "PID" | "SCH" | "REF") {
            self.extensions.push(seg.raw_extension(""));
            return Ok(());
        }
        match seg.id() {
            "PID" if seg.text(1) == Some("F") && seg.text(5).is_some() => {
                let text = seg.text(5).unwrap_or("");
                self.description = Some(match self.description.take() {
                    Some(before) => format!("{before}\n{text}"),
                    None => {
                        seg.leftovers(&[1, 5], "", &mut self.extensions);
                        text.to_owned()
                    }
                });
            }
            "SCH" if seg.only_uses(&[1, 2, 5, 6, 7, 8, 9, 10]) && seg.text(1).is_some() => {
                let mut dates = Vec::new();
                for (qualifier, day, time) in [(5, 6, 7), (8, 9, 10)] {
                    if let (Some(code), Some(value)) =
                        (seg.text(qualifier), seg.date(day, Some(time))?)
                    {
                        dates.push(Dated {
                            kind: codes::date_kind(code),
                            value,
                            qualifier: Some(code.to_owned()),
                        });
                    }
                }
                self.schedule.push(ScheduleLine {
                    quantity: Quantity {
                        value: seg.decimal(1)?.unwrap_or_default(),
                        unit: codes::canonical_unit(seg.text(2).unwrap_or_default()),
                    },
                    dates,
                });
            }
            "DTM" => match common::read_dtm(seg)? {
                Some(dated) => self.dates.push(dated),
                None => self.extensions.push(seg.raw_extension("")),
            },
            "REF" => match common::read_ref(seg) {
                Some(reference) => self.references.push(reference),
                None => self.extensions.push(seg.raw_extension("")),
            },
            "NTE" | "MSG" => common::push_note(seg, &mut self.notes, &mut self.extensions),
            _ => self.extensions.push(seg.raw_extension("")),
        }
        Ok(())
    }

    /// Writes the loop's segments after its first: PID, kept segments, REF, DTM, notes, SCH.
    pub fn write(&self, out: &mut Vec<Out>, path: &str) -> Result<(), AdapterError> {
        if let Some(description) = &self.description {
            for (i, line) in description.split('\n').enumerate() {
                let pid = Out::new("PID").with(1, "F").with(5, line);
                out.push(if i == 0 {
                    pid.restore(&self.extensions, "")
                } else {
                    pid
                });
            }
        }
        out.extend(raw_segments(&self.extensions, ""));
        out.extend(self.references.iter().filter_map(common::write_ref));
        for (i, dated) in self.dates.iter().enumerate() {
            out.push(common::write_dtm(dated, &format!("{path}.dates[{i}]"))?);
        }
        if !self.notes_in_n9 {
            out.extend(self.notes.iter().flat_map(common::write_note));
        }
        for (i, schedule) in self.schedule.iter().enumerate() {
            let mut sch = Out::new("SCH")
                .with(1, schedule.quantity.value.clone())
                .with(2, codes::x12_unit(&schedule.quantity.unit));
            for (k, dated) in schedule.dates.iter().take(2).enumerate() {
                let where_ = format!("{path}.schedule[{i}].dates[{k}]");
                let qualifier = common::dtm_qualifier(dated, &where_);
                let (day, time, _) = common::compact(&dated.value, &where_)?;
                sch.set(5 + 3 * k, qualifier)
                    .set(6 + 3 * k, day)
                    .opt(7 + 3 * k, time);
            }
            out.push(sch);
        }
        // The PO1 loop's N9 loop comes after its SCH loop.
        if self.notes_in_n9 {
            out.extend(self.notes.iter().flat_map(crate::notes_005010::write));
        }
        Ok(())
    }
}
