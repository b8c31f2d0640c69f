//! Identifier forms a supplier record carries: GS1 keys with their mod-10 check digit (GLN,
//! GTIN, SSCC) and the D-U-N-S number, whose form alone can be checked.
//!
//! The D-U-N-S number has nine digits and no check digit anyone outside Dun & Bradstreet can
//! compute (its last digit is not a public checksum), so a well-formed but unassigned number
//! passes: only D&B's lookup could say more.

/// What is wrong with an identifier's form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentifierError {
    #[error("{value:?} is not {expected}")]
    Form {
        value: String,
        expected: &'static str,
    },
    #[error("{value:?} has check digit {found}, but its digits give {computed} (GS1 mod 10)")]
    CheckDigit {
        value: String,
        found: u32,
        computed: u32,
    },
}

/// The GS1 check digit of `data` (the key without its last digit): from the right, digits
/// weighted 3, 1, 3, …, the digit is what brings the sum up to a multiple of ten.
pub fn check_digit(data: &[u32]) -> u32 {
    let sum: u32 = data
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { d * 3 } else { *d })
        .sum();
    (10 - sum % 10) % 10
}

/// A GS1 key of one of `lengths` digits whose last digit is its check digit.
fn gs1_key(value: &str, lengths: &[usize], expected: &'static str) -> Result<(), IdentifierError> {
    let digits: Option<Vec<u32>> = value.chars().map(|c| c.to_digit(10)).collect();
    let Some(digits) = digits.filter(|d| lengths.contains(&d.len())) else {
        return Err(IdentifierError::Form {
            value: value.to_owned(),
            expected,
        });
    };
    let (last, data) = digits.split_last().unwrap_or((&0, &[]));
    let computed = check_digit(data);
    if computed != *last {
        return Err(IdentifierError::CheckDigit {
            value: value.to_owned(),
            found: *last,
            computed,
        });
    }
    Ok(())
}

/// A Global Location Number: 13 digits, the last a GS1 check digit.
pub fn gln(value: &str) -> Result<(), IdentifierError> {
    gs1_key(value, &[13], "a GLN (13 digits)")
}

/// A GTIN-8, -12, -13 or -14.
pub fn gtin(value: &str) -> Result<(), IdentifierError> {
    gs1_key(value, &[8, 12, 13, 14], "a GTIN (8, 12, 13 or 14 digits)")
}

/// A Serial Shipping Container Code: 18 digits.
pub fn sscc(value: &str) -> Result<(), IdentifierError> {
    gs1_key(value, &[18], "an SSCC (18 digits)")
}

/// A D-U-N-S number: nine digits (see the module doc for why nothing more is checked).
/// `duns+4` adds a four-digit suffix for a location of the same company.
pub fn duns(value: &str, plus_four: bool) -> Result<(), IdentifierError> {
    let (length, expected) = if plus_four {
        (13, "a DUNS+4 number (13 digits)")
    } else {
        (9, "a D-U-N-S number (9 digits)")
    };
    if value.len() == length && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(IdentifierError::Form {
            value: value.to_owned(),
            expected,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_gs1_keys_pass() {
        // GS1's own example company prefix 0614141 (GLN and GTIN-14), GS1's SSCC example,
        // and the EAN-13 and EAN-8 examples of the barcode's documentation.
        gln("0614141000005").unwrap();
        gln("4012345000009").unwrap();
        gtin("00614141000012").unwrap();
        gtin("4006381333931").unwrap();
        gtin("96385074").unwrap();
        sscc("376104250021234569").unwrap();
    }

    #[test]
    fn a_wrong_check_digit_says_which_it_should_be() {
        let err = gln("4012345000008").unwrap_err();
        assert_eq!(
            err,
            IdentifierError::CheckDigit {
                value: "4012345000008".into(),
                found: 8,
                computed: 9
            }
        );
        assert!(gtin("4006381333932").is_err());
    }

    #[test]
    fn forms_are_checked_before_digits() {
        for bad in ["401234500000", "40123450000099", "40123450000A9", ""] {
            assert!(
                matches!(gln(bad), Err(IdentifierError::Form { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn duns_is_nine_digits_and_nothing_more_is_claimed() {
        duns("150483782", false).unwrap();
        // Any nine digits pass: there is no public check digit to refuse them with.
        duns("123456789", false).unwrap();
        assert!(duns("15048378", false).is_err());
        assert!(duns("15-048-3782", false).is_err());
        duns("1504837820001", true).unwrap();
        assert!(duns("150483782", true).is_err());
    }
}
