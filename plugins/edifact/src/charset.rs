//! Character repertoires named by the UNB syntax identifier (S001 0001), bytes to text and back.
//!
//! UNOA and UNOB are subsets of ASCII, UNOC is ISO 8859-1 (Latin-1), UNOW and UNOY are UTF-8.
//! Reading is forgiving the way partners need: a file that says UNOA/B/C but is valid UTF-8 is
//! read as UTF-8 (many senders declare UNOC and write UTF-8), anything else byte by byte as
//! Latin-1, so "K\xE4lte" becomes "Kälte". Writing is exact: UNOC text becomes Latin-1 bytes,
//! and a character the repertoire lacks is refused rather than replaced.

/// How the text of one interchange is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    /// UNOA, UNOB: ASCII letters, digits and punctuation.
    Ascii,
    /// UNOC: ISO 8859-1.
    Latin1,
    /// UNOW, UNOY: UTF-8.
    Utf8,
}

impl Charset {
    /// The repertoire a syntax identifier names, or `None` for one this adapter does not know
    /// (UNOD..UNOK, IATA's IATB, ...).
    pub fn from_syntax(identifier: &str) -> Option<Charset> {
        match identifier {
            "UNOA" | "UNOB" => Some(Charset::Ascii),
            "UNOC" => Some(Charset::Latin1),
            "UNOW" | "UNOY" => Some(Charset::Utf8),
            _ => None,
        }
    }

    /// Decodes one component's bytes; `None` when a UTF-8 interchange holds invalid UTF-8.
    pub fn decode(self, bytes: &[u8]) -> Option<String> {
        if let Ok(text) = std::str::from_utf8(bytes) {
            return Some(text.to_owned());
        }
        match self {
            Charset::Utf8 => None,
            Charset::Ascii | Charset::Latin1 => {
                Some(bytes.iter().map(|b| char::from(*b)).collect())
            }
        }
    }

    /// Encodes text for the wire, or returns the first character the repertoire cannot carry.
    pub fn encode(self, text: &str) -> Result<Vec<u8>, char> {
        match self {
            Charset::Utf8 => Ok(text.as_bytes().to_vec()),
            Charset::Latin1 => text
                .chars()
                .map(|c| u8::try_from(u32::from(c)).map_err(|_| c))
                .collect(),
            Charset::Ascii => text
                .chars()
                .map(|c| if c.is_ascii() { Ok(c as u8) } else { Err(c) })
                .collect(),
        }
    }

    /// The first character of `text` this repertoire cannot carry.
    pub fn unwritable(self, text: &str) -> Option<char> {
        self.encode(text).err()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_bytes_become_utf8_and_back() {
        let text = Charset::Latin1.decode(b"K\xE4lte Stra\xDFe").unwrap();
        assert_eq!(text, "Kälte Straße");
        assert_eq!(
            Charset::Latin1.encode(&text).unwrap(),
            b"K\xE4lte Stra\xDFe"
        );
        assert_eq!(Charset::Latin1.encode("€"), Err('€'));
    }

    #[test]
    fn utf8_declared_as_unoc_is_read_as_utf8() {
        assert_eq!(Charset::Latin1.decode("Kälte".as_bytes()).unwrap(), "Kälte");
        assert_eq!(Charset::Utf8.decode(b"\xE4"), None);
        assert_eq!(Charset::Ascii.encode("ä"), Err('ä'));
    }
}
