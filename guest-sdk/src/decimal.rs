//! Decimal numbers as the canonical model carries them: text, never floating point.
//!
//! [`normalize`] turns what partners write (`" 10.000"`, `"+5"`, `"1,5"` where the decimal mark is a
//! comma, `".5"`) into one canonical spelling (`"10"`, `"5"`, `"1.5"`, `"0.5"`), so the same
//! quantity compares equal whichever format it came through.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

/// Why a text is not a decimal number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecimalError {
    pub text: String,
}

impl fmt::Display for DecimalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not a decimal number", self.text)
    }
}

impl std::error::Error for DecimalError {}

/// Parses a decimal written with `.` as the decimal mark; surrounding blanks and a leading `+`
/// are allowed, exponents and thousands separators are not.
pub fn parse(text: &str) -> Result<Decimal, DecimalError> {
    parse_with_mark(text, '.')
}

/// Parses a decimal written with `mark` as its decimal mark (EDIFACT's UNA may make it `,`).
pub fn parse_with_mark(text: &str, mark: char) -> Result<Decimal, DecimalError> {
    let err = || DecimalError {
        text: text.to_owned(),
    };
    let trimmed = text.trim();
    let unsigned = trimmed.strip_prefix(['+', '-']).unwrap_or(trimmed);
    let mut marks = 0;
    let mut digits = 0;
    for c in unsigned.chars() {
        if c == mark {
            marks += 1;
        } else if c.is_ascii_digit() {
            digits += 1;
        } else {
            return Err(err());
        }
    }
    if digits == 0 || marks > 1 {
        return Err(err());
    }
    let sign = if trimmed.starts_with('-') { "-" } else { "" };
    let mut plain = format!("{sign}{}", unsigned.replace(mark, "."));
    if plain.ends_with('.') {
        plain.pop();
    }
    Decimal::from_str(&plain).map_err(|_| err())
}

/// The canonical spelling of a decimal: no exponent, no trailing fraction zeros, `-` only when
/// negative.
pub fn format(value: Decimal) -> String {
    let normal = value.normalize();
    if normal.is_zero() {
        "0".to_owned()
    } else {
        normal.to_string()
    }
}

/// Parses and re-spells `text` canonically.
pub fn normalize(text: &str) -> Result<String, DecimalError> {
    parse(text).map(format)
}

/// Like [`normalize`] for a decimal written with `mark` as its decimal mark.
pub fn normalize_with_mark(text: &str, mark: char) -> Result<String, DecimalError> {
    parse_with_mark(text, mark).map(format)
}

/// The sum of `values`, or `None` when it overflows what a [`Decimal`] holds (about 7.9e28).
/// Partners' files can state any number of digits; `+` and `Iterator::sum` would panic.
pub fn checked_sum(values: impl IntoIterator<Item = Decimal>) -> Option<Decimal> {
    values
        .into_iter()
        .try_fold(Decimal::ZERO, |sum, value| sum.checked_add(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sum_too_large_for_a_decimal_is_none_not_a_panic() {
        let huge = parse("79228162514264337593543950335").unwrap();
        assert_eq!(checked_sum([huge, Decimal::ONE]), None);
        assert_eq!(
            checked_sum([huge, -Decimal::ONE]).map(format),
            Some("79228162514264337593543950334".to_owned())
        );
        assert_eq!(checked_sum([]), Some(Decimal::ZERO));
    }

    #[test]
    fn partner_spellings_normalize_to_one_form() {
        for (text, want) in [
            (" 10.000", "10"),
            ("+5", "5"),
            (".5", "0.5"),
            ("5.", "5"),
            ("-0.00", "0"),
            ("0012.50", "12.5"),
            ("-3.25", "-3.25"),
        ] {
            assert_eq!(normalize(text).unwrap(), want, "{text:?}");
        }
        assert_eq!(normalize_with_mark("1,5", ',').unwrap(), "1.5");
    }

    #[test]
    fn garbage_is_rejected_with_the_text() {
        for text in ["", " ", "12.5X", "1.2.3", "1e5", "1,000.00", "--1", "."] {
            let err = normalize(text).unwrap_err();
            assert_eq!(err.text, text);
        }
    }
}
