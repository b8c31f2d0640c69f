//! Dates as the canonical model carries them: ISO 8601 text that keeps the source's precision
//! and its offset when it gives one.
//!
//! Segment formats write dates compactly (`20261127`, time `1430`); XML formats write ISO 8601
//! already. [`from_compact`] and [`to_compact`] convert between the two; [`check_iso`] accepts
//! what XML partners send.

use std::fmt;

use crate::canonical::{DateKind, Dated};

/// The qualifiers under which each standard states the date of the purchase order a document
/// answers, changes, ships or bills: X12 `004` (BAK04, BCH06, BIG03, PRF04), EDIFACT
/// [`EDIFACT_ORDER_DATE`] (DTM 2005), cXML `orderDate`
/// (`OrderReference@orderDate`), SAP [`SAP_ORDER_DATE`] (E1EDK02 QUALF 001 DATUM) and SAP
/// `BSTDT` (a delivery's E1EDL41). The model 0.1.0 has no date kind for it, so it is a date of
/// kind Other under one of these, and every adapter writes any of them in its own place for
/// it.
pub const ORDER_DATE_QUALIFIERS: [&str; 5] = [
    "004",
    EDIFACT_ORDER_DATE,
    "orderDate",
    SAP_ORDER_DATE,
    "BSTDT",
];

/// EDIFACT DTM 2005 `4`, "Order date/time": the date the order was issued.
pub const EDIFACT_ORDER_DATE: &str = "4";

/// The qualifier of the purchase order's date an IDoc gives in E1EDK02 QUALF 001 DATUM.
pub const SAP_ORDER_DATE: &str = "E1EDK02.001";

/// Whether `dated` is the date of the purchase order the document refers to
/// ([`ORDER_DATE_QUALIFIERS`]).
pub fn is_order_date(dated: &Dated) -> bool {
    dated.kind == DateKind::Other
        && dated
            .qualifier
            .as_deref()
            .is_some_and(|q| ORDER_DATE_QUALIFIERS.contains(&q))
}

/// Why a text is not a date the adapter can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError {
    pub text: String,
    pub reason: &'static str,
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not a valid date: {}", self.text, self.reason)
    }
}

impl std::error::Error for DateError {}

fn fail(text: &str, reason: &'static str) -> DateError {
    DateError {
        text: text.to_owned(),
        reason,
    }
}

fn digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 31,
    }
}

fn check_ymd(original: &str, year: u32, month: u32, day: u32) -> Result<(), DateError> {
    if !(1..=12).contains(&month) {
        return Err(fail(original, "month out of range"));
    }
    if day == 0 || day > days_in_month(year, month) {
        return Err(fail(original, "day out of range for the month"));
    }
    Ok(())
}

/// `CCYYMMDD` (or `YYMMDD`, read as 20YY) plus an optional `HHMM[SS[d..]]` time into ISO 8601:
/// `2026-11-27` or `2026-11-27T14:30:00`.
pub fn from_compact(date: &str, time: Option<&str>) -> Result<String, DateError> {
    let date = date.trim();
    // `digits` below admits only ASCII, so the byte slicing that follows is safe.
    if !digits(date) {
        return Err(fail(date, "expected digits CCYYMMDD"));
    }
    let full = match date.len() {
        8 => date.to_owned(),
        6 => format!("20{date}"),
        _ => return Err(fail(date, "expected CCYYMMDD or YYMMDD")),
    };
    let year: u32 = full[0..4].parse().map_err(|_| fail(date, "bad year"))?;
    let month: u32 = full[4..6].parse().map_err(|_| fail(date, "bad month"))?;
    let day: u32 = full[6..8].parse().map_err(|_| fail(date, "bad day"))?;
    check_ymd(date, year, month, day)?;
    let mut out = format!("{}-{}-{}", &full[0..4], &full[4..6], &full[6..8]);
    if let Some(time) = time.map(str::trim).filter(|t| !t.is_empty()) {
        if !digits(time) || time.len() < 4 {
            return Err(fail(time, "expected a time HHMM or HHMMSS"));
        }
        let hour: u32 = time[0..2].parse().map_err(|_| fail(time, "bad hour"))?;
        let minute: u32 = time[2..4].parse().map_err(|_| fail(time, "bad minute"))?;
        let second: u32 = if time.len() >= 6 {
            time[4..6].parse().map_err(|_| fail(time, "bad second"))?
        } else {
            0
        };
        if hour > 23 || minute > 59 || second > 60 {
            return Err(fail(time, "time out of range"));
        }
        out.push_str(&format!("T{hour:02}:{minute:02}:{second:02}"));
    }
    Ok(out)
}

/// An ISO 8601 date or date-time split into `CCYYMMDD` and, when it has one, `HHMMSS`.
/// The offset, if any, is dropped: segment formats carry it separately if at all.
pub fn to_compact(iso: &str) -> Result<(String, Option<String>), DateError> {
    // Normalizing gives every time seconds, so the slices below always exist.
    let iso = normalize_iso(iso)?;
    let date = iso[0..10].replace('-', "");
    let time = (iso.len() > 10).then(|| iso[11..19].replace(':', ""));
    Ok((date, time))
}

/// Checks `YYYY-MM-DD`, optionally followed by `THH:MM[:SS[.fff]]` and `Z` or `±HH:MM`.
pub fn check_iso(text: &str) -> Result<(), DateError> {
    // Everything below slices by byte; a date is ASCII, and anything else is not a date.
    if !text.is_ascii() {
        return Err(fail(text, "expected ASCII digits, '-', ':' and 'T'"));
    }
    let b = text.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(fail(text, "expected YYYY-MM-DD"));
    }
    let (y, m, d) = (&text[0..4], &text[5..7], &text[8..10]);
    if !(digits(y) && digits(m) && digits(d)) {
        return Err(fail(text, "expected YYYY-MM-DD"));
    }
    check_ymd(
        text,
        y.parse().unwrap_or(0),
        m.parse().unwrap_or(0),
        d.parse().unwrap_or(0),
    )?;
    if b.len() == 10 {
        return Ok(());
    }
    let rest = &text[10..];
    let Some(time) = rest.strip_prefix('T').or_else(|| rest.strip_prefix(' ')) else {
        return Err(fail(text, "expected T between date and time"));
    };
    let (clock, zone) = match time.find(['Z', '+', '-']) {
        Some(at) => time.split_at(at),
        None => (time, ""),
    };
    let clock_ok = clock.len() >= 5
        && clock.as_bytes()[2] == b':'
        && digits(&clock[0..2])
        && digits(&clock[3..5])
        && (clock.len() == 5
            || (clock.as_bytes()[5] == b':'
                && clock.len() >= 8
                && digits(&clock[6..8])
                && (clock.len() == 8 || (clock.as_bytes()[8] == b'.' && digits(&clock[9..])))));
    let zone_ok = zone.is_empty()
        || zone == "Z"
        || (zone.len() == 6
            && zone.as_bytes()[3] == b':'
            && digits(&zone[1..3])
            && digits(&zone[4..6]));
    if clock_ok && zone_ok {
        Ok(())
    } else {
        Err(fail(text, "expected THH:MM:SS with an optional offset"))
    }
}

/// Normalizes an ISO 8601 date-time to seconds precision (`HH:MM` gains `:00`), keeping the offset.
pub fn normalize_iso(text: &str) -> Result<String, DateError> {
    let text = text.trim();
    check_iso(text)?;
    if text.len() == 10 {
        return Ok(text.to_owned());
    }
    let time = &text[11..];
    let split = time.find(['Z', '+', '-']).unwrap_or(time.len());
    let (clock, zone) = time.split_at(split);
    let clock = if clock.len() == 5 {
        format!("{clock}:00")
    } else {
        clock.to_owned()
    };
    Ok(format!("{}T{clock}{zone}", &text[0..10]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_dates_become_iso() {
        assert_eq!(from_compact("20261127", None).unwrap(), "2026-11-27");
        assert_eq!(from_compact("261127", None).unwrap(), "2026-11-27");
        assert_eq!(
            from_compact("20240229", Some("1430")).unwrap(),
            "2024-02-29T14:30:00"
        );
        assert_eq!(
            to_compact("2026-11-27T14:30:05+01:00").unwrap(),
            ("20261127".to_owned(), Some("143005".to_owned()))
        );
        assert_eq!(
            to_compact("2026-11-27T14:30").unwrap(),
            ("20261127".to_owned(), Some("143000".to_owned()))
        );
    }

    #[test]
    fn impossible_dates_are_refused() {
        for (date, time) in [
            ("20230229", None),
            ("20261301", None),
            ("2026112", None),
            ("2026-11-27", None),
            ("20261127", Some("2460")),
            ("20261127", Some("12")),
        ] {
            assert!(from_compact(date, time).is_err(), "{date} {time:?}");
        }
    }

    #[test]
    fn iso_forms_partners_send() {
        for ok in [
            "2026-11-27",
            "2026-11-27T10:00:00Z",
            "2026-11-27T10:00:00-08:00",
            "2026-11-27T10:00",
            "2026-11-27T10:00:00.123+05:30",
        ] {
            check_iso(ok).unwrap();
        }
        for bad in [
            "2026-11-31",
            "27.11.2026",
            "2026-11-27T1000",
            "2026-11-27T10:00:00+0800",
        ] {
            assert!(check_iso(bad).is_err(), "{bad}");
        }
        assert_eq!(
            normalize_iso("2026-11-27T10:00-08:00").unwrap(),
            "2026-11-27T10:00:00-08:00"
        );
    }
}
