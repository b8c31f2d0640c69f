//! Deadlines: E1EDT13 segments of a delivery to and from canonical dates.
//!
//! An E1EDT13 is one deadline (QUALF: 006 goods issue, 007 delivery, 003 loading, ...) with a
//! planned start NTANF/NTANZ and an actual start ISDD/ISDZ. Each gives a date: the planned one
//! keeps QUALF as its qualifier, the actual one `QUALF.ISDD`. Planned goods issue is when the
//! supplier ships ([`DateKind::Shipped`]), planned delivery when the goods are expected
//! ([`DateKind::ExpectedDelivery`]); actual goods issue is [`DateKind::Shipped`] too, actual
//! delivery [`DateKind::Delivered`]. Ends, time zones and the rest stay extensions under
//! `idoc.E1EDT13.<QUALF>`.

use wharf_guest_sdk::canonical::{DateKind, Dated, Extension};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::xml::Element;

use crate::codes::{Origin, is_three_digits};
use crate::output::{not_written, restore, segment, write_date};
use crate::segments::{Segment, occurrence_keys};

const NAME: &str = "E1EDT13";
/// Goods issue, and delivery to the customer.
const GOODS_ISSUE: &str = "006";
const DELIVERY: &str = "007";
/// The suffix of an actual (not planned) deadline's qualifier.
const ACTUAL: &str = ".ISDD";

fn planned_kind(qualf: &str) -> DateKind {
    match qualf {
        GOODS_ISSUE => DateKind::Shipped,
        DELIVERY => DateKind::ExpectedDelivery,
        _ => DateKind::Other,
    }
}

fn actual_kind(qualf: &str) -> DateKind {
    match qualf {
        GOODS_ISSUE => DateKind::Shipped,
        DELIVERY => DateKind::Delivered,
        _ => DateKind::Other,
    }
}

/// Reads the E1EDT13 segments under the delivery `parent`.
pub fn read(
    parent: &mut Segment<'_>,
    extensions: &mut Vec<Extension>,
) -> Result<Vec<Dated>, AdapterError> {
    let mut segments = parent.segments(NAME);
    let mut qualifiers = Vec::with_capacity(segments.len());
    for deadline in &mut segments {
        qualifiers.push(deadline.require("QUALF", "the deadline qualifier")?);
    }
    let keys = occurrence_keys(qualifiers.iter().copied());
    let mut dates = Vec::new();
    for ((mut deadline, qualf), key) in segments.into_iter().zip(qualifiers).zip(keys) {
        if let Some(value) = deadline.date("NTANF", "NTANZ")? {
            dates.push(Dated {
                kind: planned_kind(qualf),
                value,
                qualifier: Some(qualf.to_owned()),
            });
        }
        if let Some(value) = deadline.date("ISDD", "ISDZ")? {
            dates.push(Dated {
                kind: actual_kind(qualf),
                value,
                qualifier: Some(format!("{qualf}{ACTUAL}")),
            });
        }
        deadline.leftovers(&format!("idoc.{NAME}.{key}"), extensions);
    }
    Ok(dates)
}

/// Where a date is written: the deadline's QUALF and whether it is the actual date.
fn place(date: &Dated, origin: Origin) -> Option<(&str, bool)> {
    if origin.sap_codes
        && let Some(qualifier) = date.qualifier.as_deref()
    {
        let (qualf, actual) = match qualifier.strip_suffix(ACTUAL) {
            Some(qualf) => (qualf, true),
            None => (qualifier, false),
        };
        if is_three_digits(qualf) {
            return Some((qualf, actual));
        }
    }
    match date.kind {
        DateKind::Shipped | DateKind::PromisedShip | DateKind::RequestedShip => {
            Some((GOODS_ISSUE, false))
        }
        DateKind::ExpectedDelivery | DateKind::PromisedDelivery | DateKind::RequestedDelivery => {
            Some((DELIVERY, false))
        }
        DateKind::Delivered => Some((DELIVERY, true)),
        _ => None,
    }
}

/// Writes dates as E1EDT13 segments under the delivery at `parent_path`: a planned and an
/// actual date of the same deadline share one segment.
pub fn write(
    dates: &[Dated],
    parent_path: &str,
    extensions: &[Extension],
    origin: Origin,
) -> Result<Vec<Element>, AdapterError> {
    // (QUALF, planned, actual), in the order deadlines first appear.
    let mut planned: Vec<(&str, Option<&Dated>, Option<&Dated>)> = Vec::new();
    for date in dates {
        let Some((qualf, actual)) = place(date, origin) else {
            not_written(&format!(
                "the {:?} date {} of a delivery",
                date.kind, date.value
            ));
            continue;
        };
        let free = planned.iter_mut().find(|(q, plan, act)| {
            *q == qualf
                && if actual {
                    act.is_none()
                } else {
                    plan.is_none()
                }
        });
        match (free, actual) {
            (Some(slot), true) => slot.2 = Some(date),
            (Some(slot), false) => slot.1 = Some(date),
            (None, true) => planned.push((qualf, None, Some(date))),
            (None, false) => planned.push((qualf, Some(date), None)),
        }
    }
    let keys = occurrence_keys(planned.iter().map(|(qualf, _, _)| *qualf));
    let many = planned.len() > 1;
    let mut written = Vec::with_capacity(planned.len());
    for (index, ((qualf, plan, actual), key)) in planned.into_iter().zip(keys).enumerate() {
        let path = match many {
            true => format!("{parent_path}/{NAME}[{}]", index + 1),
            false => format!("{parent_path}/{NAME}"),
        };
        let mut deadline = segment(NAME).text_child("QUALF", qualf);
        for (date, day_field, time_field) in [(plan, "NTANF", "NTANZ"), (actual, "ISDD", "ISDZ")] {
            if let Some(date) = date {
                let (day, time) = write_date(&date.value, &format!("{path}/{day_field}"))?;
                deadline = deadline
                    .text_child(day_field, day)
                    .text_child_opt(time_field, time);
            }
        }
        restore(
            &mut deadline,
            extensions,
            &format!("idoc.{NAME}.{key}"),
            &[],
        );
        written.push(deadline);
    }
    Ok(written)
}
