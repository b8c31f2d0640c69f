//! The 8-bit encodings ERP and spreadsheet exports are still written in, to and from UTF-8:
//! ISO-8859-1 and Windows-1252 (what Excel and many German and US ERPs write as "ANSI").
//! Decoding never fails, since every byte stands for a character; encoding names the first
//! character the encoding has no byte for.

use std::borrow::Cow;

/// A file's character encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// ISO-8859-1: each byte is the Unicode character of the same number.
    Latin1,
    /// Windows-1252: ISO-8859-1 with printable characters (€, „, “, –, Š, …) in 0x80–0x9F.
    Windows1252,
}

impl Encoding {
    /// The encoding a configuration names: `utf-8`, `iso-8859-1` (or `latin-1`),
    /// `windows-1252` (or `cp1252`), in any case.
    pub fn from_name(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" => Some(Encoding::Utf8),
            "iso-8859-1" | "latin-1" | "latin1" => Some(Encoding::Latin1),
            "windows-1252" | "cp1252" => Some(Encoding::Windows1252),
            _ => None,
        }
    }

    /// `bytes` as UTF-8, for [`super::read`]. Line breaks and delimiters are ASCII in every
    /// encoding here, so lines and columns stay where they were.
    pub fn to_utf8(self, bytes: &[u8]) -> Cow<'_, [u8]> {
        match self {
            Encoding::Utf8 => Cow::Borrowed(bytes),
            Encoding::Latin1 | Encoding::Windows1252 => {
                let text: String = bytes.iter().map(|&b| self.char_of(b)).collect();
                Cow::Owned(text.into_bytes())
            }
        }
    }

    /// `text` in this encoding, or the first character it cannot write.
    pub fn from_utf8(self, text: &str) -> Result<Vec<u8>, char> {
        match self {
            Encoding::Utf8 => Ok(text.as_bytes().to_vec()),
            Encoding::Latin1 | Encoding::Windows1252 => {
                text.chars().map(|c| self.byte_of(c).ok_or(c)).collect()
            }
        }
    }

    fn char_of(self, byte: u8) -> char {
        match (self, byte) {
            (Encoding::Windows1252, 0x80..=0x9F) => {
                let c = WINDOWS_1252_HIGH[usize::from(byte - 0x80)];
                // The five bytes Windows-1252 leaves undefined read as the C1 controls of the
                // same number, as browsers read them.
                if c == '\0' { char::from(byte) } else { c }
            }
            _ => char::from(byte),
        }
    }

    fn byte_of(self, c: char) -> Option<u8> {
        let code = u32::from(c);
        if self == Encoding::Windows1252 {
            if let Some(at) = WINDOWS_1252_HIGH.iter().position(|&w| w == c && c != '\0') {
                return u8::try_from(0x80 + at).ok();
            }
            if (0x80..=0x9F).contains(&code) {
                let defined = WINDOWS_1252_HIGH[(code - 0x80) as usize] != '\0';
                return (!defined).then_some(code as u8);
            }
        }
        u8::try_from(code).ok()
    }
}

/// Windows-1252's characters for 0x80–0x9F; `'\0'` where it defines none.
const WINDOWS_1252_HIGH: [char; 32] = [
    '€', '\0', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\0', 'Ž', '\0', //
    '\0', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\0', 'ž', 'Ÿ',
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_reads_and_writes_its_own_characters() {
        let bytes = b"Gr\xfc\xdfe \x80 \x84quoted\x93 \x96 \x8a\x81";
        let text = String::from_utf8(Encoding::Windows1252.to_utf8(bytes).into_owned()).unwrap();
        assert_eq!(text, "Grüße € „quoted“ – Š\u{81}");
        assert_eq!(Encoding::Windows1252.from_utf8(&text).unwrap(), bytes);
    }

    #[test]
    fn latin1_is_byte_for_character() {
        let all: Vec<u8> = (0..=255).collect();
        let text = String::from_utf8(Encoding::Latin1.to_utf8(&all).into_owned()).unwrap();
        assert_eq!(text.chars().count(), 256);
        assert_eq!(Encoding::Latin1.from_utf8(&text).unwrap(), all);
    }

    #[test]
    fn what_an_encoding_cannot_write_is_named() {
        assert_eq!(Encoding::Latin1.from_utf8("5 €"), Err('€'));
        assert_eq!(Encoding::Windows1252.from_utf8("Łódź"), Err('Ł'));
        assert_eq!(Encoding::Windows1252.from_utf8("\u{80}"), Err('\u{80}'));
    }
}
