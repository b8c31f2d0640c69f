//! Bank account identifiers: the IBAN (ISO 13616: country, two check digits, the national
//! account number; length fixed per country; mod 97 of the rearranged number is 1) and the
//! BIC (ISO 9362: bank code, country, location, optional branch).

/// What is wrong with an IBAN or a BIC.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BankIdError {
    #[error("{0:?} is not an IBAN: two letters, two check digits, then letters and digits")]
    IbanForm(String),
    #[error("{iban:?}: {country:?} is not a country in the IBAN registry")]
    IbanCountry { iban: String, country: String },
    #[error("{iban:?} has {found} characters; an IBAN of {country} has {expected}")]
    IbanLength {
        iban: String,
        country: String,
        found: usize,
        expected: usize,
    },
    #[error("{0:?}: the check digits do not match the account (ISO 13616 mod 97)")]
    IbanChecksum(String),
    #[error(
        "{0:?} is not a BIC: 4 letters (bank), 2 letters (country), 2 letters or digits \
         (location), optionally 3 more (branch)"
    )]
    BicForm(String),
}

impl BankIdError {
    /// The rule broken, as the validation answer names it.
    pub fn rule(&self) -> &'static str {
        match self {
            BankIdError::IbanForm(_) => "iban.format",
            BankIdError::IbanCountry { .. } => "iban.country",
            BankIdError::IbanLength { .. } => "iban.length",
            BankIdError::IbanChecksum(_) => "iban.checksum",
            BankIdError::BicForm(_) => "bic.format",
        }
    }
}

/// IBAN length per country, from the SWIFT IBAN registry (ISO 13616).
#[rustfmt::skip]
const IBAN_LENGTHS: &[(&str, usize)] = &[
    ("AD", 24), ("AE", 23), ("AL", 28), ("AT", 20), ("AZ", 28), ("BA", 20), ("BE", 16),
    ("BG", 22), ("BH", 22), ("BI", 27), ("BR", 29), ("BY", 28), ("CH", 21), ("CR", 22),
    ("CY", 28), ("CZ", 24), ("DE", 22), ("DJ", 27), ("DK", 18), ("DO", 28), ("EE", 20),
    ("EG", 29), ("ES", 24), ("FI", 18), ("FK", 18), ("FO", 18), ("FR", 27), ("GB", 22),
    ("GE", 22), ("GI", 23), ("GL", 18), ("GR", 27), ("GT", 28), ("HR", 21), ("HU", 28),
    ("IE", 22), ("IL", 23), ("IQ", 23), ("IS", 26), ("IT", 27), ("JO", 30), ("KW", 30),
    ("KZ", 20), ("LB", 28), ("LC", 32), ("LI", 21), ("LT", 20), ("LU", 20), ("LV", 21),
    ("LY", 25), ("MC", 27), ("MD", 24), ("ME", 22), ("MK", 19), ("MN", 20), ("MR", 27),
    ("MT", 31), ("MU", 30), ("NI", 28), ("NL", 18), ("NO", 15), ("OM", 23), ("PK", 24),
    ("PL", 28), ("PS", 29), ("PT", 25), ("QA", 29), ("RO", 24), ("RS", 22), ("RU", 33),
    ("SA", 24), ("SC", 31), ("SD", 18), ("SE", 24), ("SI", 19), ("SK", 24), ("SM", 27),
    ("SO", 23), ("ST", 25), ("SV", 28), ("TL", 23), ("TN", 24), ("TR", 26), ("UA", 29),
    ("VA", 22), ("VG", 24), ("XK", 20), ("YE", 30),
];

/// The IBAN in its electronic form: spaces removed, letters upper case (the printed form
/// groups it in fours).
pub fn electronic(iban: &str) -> String {
    iban.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Checks an IBAN, printed or electronic.
pub fn iban(value: &str) -> Result<(), BankIdError> {
    let iban = electronic(value);
    let bytes = iban.as_bytes();
    let well_formed = bytes.len() >= 5
        && bytes[..2].iter().all(u8::is_ascii_uppercase)
        && bytes[2..4].iter().all(u8::is_ascii_digit)
        && bytes[4..].iter().all(u8::is_ascii_alphanumeric);
    if !well_formed {
        return Err(BankIdError::IbanForm(value.to_owned()));
    }
    let country = &iban[..2];
    let Some(&(_, expected)) = IBAN_LENGTHS.iter().find(|(c, _)| *c == country) else {
        return Err(BankIdError::IbanCountry {
            iban: value.to_owned(),
            country: country.to_owned(),
        });
    };
    if iban.len() != expected {
        return Err(BankIdError::IbanLength {
            iban: value.to_owned(),
            country: country.to_owned(),
            found: iban.len(),
            expected,
        });
    }
    // The first four characters move to the end, letters become 10..35, and the number
    // modulo 97 must be 1; computed digit by digit so it never overflows.
    let rearranged = iban[4..].chars().chain(iban[..4].chars());
    let remainder = rearranged.fold(0u32, |acc, c| {
        let value = c.to_digit(36).unwrap_or(0);
        if value < 10 {
            (acc * 10 + value) % 97
        } else {
            (acc * 100 + value) % 97
        }
    });
    if remainder != 1 {
        return Err(BankIdError::IbanChecksum(value.to_owned()));
    }
    Ok(())
}

/// Checks a BIC's form (ISO 9362). Its country need not be the IBAN's: banks serve accounts
/// abroad.
pub fn bic(value: &str) -> Result<(), BankIdError> {
    let b = value.trim().as_bytes();
    let well_formed = matches!(b.len(), 8 | 11)
        && b[..6].iter().all(u8::is_ascii_uppercase)
        && b[6..]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if well_formed {
        Ok(())
    } else {
        Err(BankIdError::BicForm(value.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_example_ibans_pass() {
        // The examples of ISO 13616 / the European Committee for Banking Standards, printed
        // and electronic.
        for valid in [
            "GB82 WEST 1234 5698 7654 32",
            "GB82WEST12345698765432",
            "DE89 3704 0044 0532 0130 00",
            "FR14 2004 1010 0505 0001 3M02 606",
            "NL91 ABNA 0417 1643 00",
            "BE68 5390 0754 7034",
            "CH93 0076 2011 6238 5295 7",
            "gb82 west 1234 5698 7654 32",
        ] {
            iban(valid).unwrap_or_else(|e| panic!("{valid}: {e}"));
        }
    }

    #[test]
    fn one_wrong_digit_fails_the_checksum() {
        assert_eq!(
            iban("GB82 WEST 1234 5698 7654 33").unwrap_err().rule(),
            "iban.checksum"
        );
        assert_eq!(
            iban("DE89 3704 0044 0532 0130 01").unwrap_err().rule(),
            "iban.checksum"
        );
        // Two digits swapped.
        assert_eq!(
            iban("GB28 WEST 1234 5698 7654 32").unwrap_err().rule(),
            "iban.checksum"
        );
    }

    #[test]
    fn length_country_and_form_are_named() {
        let err = iban("GB82 WEST 1234 5698 7654 3").unwrap_err();
        assert_eq!(err.rule(), "iban.length");
        assert!(err.to_string().contains("has 21 characters"), "{err}");
        assert!(err.to_string().contains("GB has 22"), "{err}");
        assert_eq!(iban("ZZ82 WEST 1234").unwrap_err().rule(), "iban.country");
        assert_eq!(iban("GBXX WEST").unwrap_err().rule(), "iban.format");
        assert_eq!(iban("GB82-WEST-1234").unwrap_err().rule(), "iban.format");
        assert_eq!(iban("").unwrap_err().rule(), "iban.format");
    }

    #[test]
    fn bic_forms() {
        for valid in ["DEUTDEFF", "DEUTDEFF500", "NWBKGB2L", "BNPAFRPPXXX"] {
            bic(valid).unwrap_or_else(|e| panic!("{valid}: {e}"));
        }
        for invalid in [
            "DEUTDEF",
            "DEUT1EFF",
            "DEUTDEFF50",
            "deutdeff",
            "DEUTDEFF5000",
        ] {
            assert!(bic(invalid).is_err(), "{invalid}");
        }
    }
}
