//! Dates as a batch writes them: ISO 8601 (the default, times and offsets allowed) or a fixed
//! pattern of `YYYY`, `MM`, `DD` and separators (`DD.MM.YYYY`, `YYYYMMDD`, `MM/DD/YYYY`), read
//! into ISO 8601 and written back from it.

use wharf_guest_sdk::date;

/// A validated `date_format`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateFormat {
    Iso,
    Pattern {
        pattern: String,
        year: usize,
        month: usize,
        day: usize,
    },
}

impl DateFormat {
    /// Checks a pattern: each of `YYYY`, `MM` and `DD` exactly once, anything else ASCII.
    pub fn new(pattern: &str) -> Result<Self, String> {
        if pattern == "YYYY-MM-DD" {
            return Ok(DateFormat::Iso);
        }
        let find = |token: &str| match pattern.match_indices(token).count() {
            1 => pattern.find(token).ok_or_else(String::new),
            _ => Err(format!("{pattern:?} must hold {token} once")),
        };
        if !pattern.is_ascii() {
            return Err(format!("{pattern:?} is not ASCII"));
        }
        let year = find("YYYY")?;
        // The month's `MM` is looked for outside the year's `YYYY`, which holds no M.
        let month = find("MM")?;
        let day = find("DD")?;
        Ok(DateFormat::Pattern {
            pattern: pattern.to_owned(),
            year,
            month,
            day,
        })
    }

    /// The ISO 8601 date `text` stands for, or why it does not fit.
    pub fn read(&self, text: &str) -> Result<String, String> {
        match self {
            DateFormat::Iso => date::normalize_iso(text)
                .map(|_| text.trim().to_owned())
                .map_err(|e| format!("{text:?} is not an ISO 8601 date ({})", e.reason)),
            DateFormat::Pattern {
                pattern,
                year,
                month,
                day,
            } => {
                let text = text.trim();
                let fits = text.len() == pattern.len()
                    && text.is_ascii()
                    && text
                        .bytes()
                        .zip(pattern.bytes())
                        .enumerate()
                        .all(|(i, (t, p))| {
                            let in_token = (*year..year + 4).contains(&i)
                                || (*month..month + 2).contains(&i)
                                || (*day..day + 2).contains(&i);
                            if in_token { t.is_ascii_digit() } else { t == p }
                        });
                if !fits {
                    return Err(format!("{text:?} does not fit the date format {pattern}"));
                }
                let iso = format!(
                    "{}-{}-{}",
                    &text[*year..year + 4],
                    &text[*month..month + 2],
                    &text[*day..day + 2]
                );
                date::check_iso(&iso)
                    .map(|_| iso)
                    .map_err(|e| format!("{text:?} is not a date ({})", e.reason))
            }
        }
    }

    /// `iso` written in this format; a pattern keeps only the date of a date-time.
    pub fn write(&self, iso: &str) -> String {
        match self {
            DateFormat::Iso => iso.to_owned(),
            DateFormat::Pattern {
                pattern,
                year,
                month,
                day,
            } => {
                if iso.len() < 10 {
                    return iso.to_owned();
                }
                let mut out = pattern.clone().into_bytes();
                out[*year..year + 4].copy_from_slice(&iso.as_bytes()[0..4]);
                out[*month..month + 2].copy_from_slice(&iso.as_bytes()[5..7]);
                out[*day..day + 2].copy_from_slice(&iso.as_bytes()[8..10]);
                String::from_utf8(out).unwrap_or_else(|_| iso.to_owned())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_read_and_write_iso_dates() {
        for pattern in ["DD.MM.YYYY", "YYYYMMDD", "MM/DD/YYYY"] {
            let format = DateFormat::new(pattern).unwrap();
            let written = format.write("2026-03-07");
            assert_eq!(format.read(&written).unwrap(), "2026-03-07", "{pattern}");
        }
        let german = DateFormat::new("DD.MM.YYYY").unwrap();
        assert_eq!(german.read("07.03.2026").unwrap(), "2026-03-07");
        assert_eq!(
            german.read("2026-03-07").unwrap_err(),
            "\"2026-03-07\" does not fit the date format DD.MM.YYYY"
        );
        assert_eq!(
            german.read("31.02.2026").unwrap_err(),
            "\"31.02.2026\" is not a date (day out of range for the month)"
        );
    }

    #[test]
    fn a_pattern_needs_each_part_once() {
        assert!(DateFormat::new("DD.MM.YY").is_err());
        assert!(DateFormat::new("DD.DD.YYYY").is_err());
        assert_eq!(DateFormat::new("YYYY-MM-DD").unwrap(), DateFormat::Iso);
    }
}
