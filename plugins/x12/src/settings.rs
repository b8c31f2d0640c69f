//! The agreement's configuration: documented keys, read and checked before anything is
//! written, so a wrong delimiter or a missing sender id is reported as configuration.

use wharf_guest_sdk::canonical::Envelope;
use wharf_guest_sdk::contract::{AdapterError, ConfigKey};
use wharf_guest_sdk::{config, error};

use crate::syntax::Delimiters;

/// Every key the adapter reads: name, description, required.
pub const KEYS: [(&str, &str, bool); 14] = [
    (
        "sender_qualifier",
        "ISA05, the qualifier of our interchange id (ZZ, 01, 12, …). Needed to write unless the document's envelope has a sender in scheme x12:<qualifier>.",
        false,
    ),
    (
        "sender_id",
        "ISA06, our interchange id (padded to 15 characters). Needed to write unless the document's envelope has a sender in scheme x12:<qualifier>.",
        false,
    ),
    (
        "receiver_qualifier",
        "ISA07, the qualifier of the partner's interchange id. Needed like sender_qualifier.",
        false,
    ),
    (
        "receiver_id",
        "ISA08, the partner's interchange id. Needed like sender_id.",
        false,
    ),
    (
        "version",
        "GS08 written, default the document's own X12 version, else 004010 (ISA12 is its first five digits, 00401). 004060 and 005010 are written the same way except that 005010's 850 carries notes in N9/MSG. Versions before 004010 are read but not written.",
        false,
    ),
    (
        "element_separator",
        "Element separator written, default `*`.",
        false,
    ),
    (
        "component_separator",
        "Component separator written as ISA16, default `>`.",
        false,
    ),
    (
        "segment_terminator",
        "Segment terminator written, default `~`.",
        false,
    ),
    (
        "repetition_separator",
        "Repetition separator written as ISA11 for versions 00403 and later, default `^`.",
        false,
    ),
    (
        "line_break",
        "`true` writes a line break after each segment terminator; default `false`.",
        false,
    ),
    (
        "usage",
        "ISA15: P (production) or T (test); default T for documents marked test, else P.",
        false,
    ),
    (
        "strictness",
        "`strict` (default): a transaction set whose SE01/SE02 disagree, that breaks an X12 syntax note (P, R, E, C, L) or lacks BSN02 is rejected (the others are read), and GE/IEA counts or control numbers that disagree fail the decode. `lenient`: all of these become located warnings on the decoded documents.",
        false,
    ),
    (
        "application_sender",
        "GS02, default the document's own GS02 or else our interchange id.",
        false,
    ),
    (
        "application_receiver",
        "GS03, default the document's own GS03 or else the partner's interchange id.",
        false,
    ),
];

pub fn config_keys() -> Vec<ConfigKey> {
    KEYS.iter()
        .map(|(name, description, required)| ConfigKey {
            name: (*name).to_owned(),
            description: (*description).to_owned(),
            required: *required,
        })
        .collect()
}

/// A configuration value, blank counting as unset.
fn setting(key: &str) -> Option<String> {
    config::get(key)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// Whether envelope mismatches fail a decode.
pub fn strict() -> Result<bool, AdapterError> {
    match setting("strictness").as_deref() {
        None | Some("strict") => Ok(true),
        Some("lenient") => Ok(false),
        Some(other) => Err(error::configuration(format!(
            "`strictness` is {other:?}; use `strict` or `lenient`"
        ))),
    }
}

/// The oldest version written: before 004010 dates are YYMMDD (DT 6/6), which the writer does
/// not produce. Older versions are read (see [`crate::reader::with_century`]).
pub const OLDEST_WRITTEN: &str = "004010";

/// GS08 to write: the agreement's `version`, else the document's own X12 version when the
/// writer can produce it, else 004010.
pub fn version_of(document: Option<&Envelope>) -> String {
    let x12 = document.filter(|e| e.standard.eq_ignore_ascii_case("x12"));
    let own = x12
        .map(|e| e.version.trim().to_owned())
        .filter(|v| v.as_str() >= OLDEST_WRITTEN);
    setting("version")
        .or(own)
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| OLDEST_WRITTEN.to_owned())
}

/// One end of the interchange: ISA qualifier and id.
#[derive(Debug, Clone)]
pub struct Party {
    pub qualifier: String,
    pub id: String,
}

/// Everything needed to write an envelope.
#[derive(Debug, Clone)]
pub struct Settings {
    pub sender: Party,
    pub receiver: Party,
    pub version: String,
    pub delimiters: Delimiters,
    pub line_break: bool,
    pub test: bool,
    pub application_sender: String,
    pub application_receiver: String,
}

/// A delimiter setting as the byte it is written as; a character beyond ASCII is written as
/// its Latin-1 character, so one beyond Latin-1 cannot be a delimiter.
fn delimiter(key: &str, default: u8) -> Result<u8, AdapterError> {
    let Some(text) = config::get(key) else {
        return Ok(default);
    };
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if !c.is_ascii_alphanumeric() && c != ' ' => u8::try_from(u32::from(c))
            .map_err(|_| {
                error::configuration(format!(
                    "`{key}` is {text:?}; a delimiter must be a single-byte (Latin-1) character"
                ))
            }),
        _ => Err(error::configuration(format!(
            "`{key}` is {text:?}; it must be one character that is not a letter, digit or space"
        ))),
    }
}

/// The x12 id of one end from the document's envelope: (qualifier, id).
fn from_envelope(ids: &[wharf_guest_sdk::canonical::Identifier]) -> Option<Party> {
    ids.iter().find_map(|i| {
        let qualifier = i.scheme.strip_prefix("x12:")?.trim();
        let id = i.value.trim();
        (!qualifier.is_empty() && !id.is_empty()).then(|| Party {
            qualifier: qualifier.to_owned(),
            id: id.to_owned(),
        })
    })
}

fn end(qualifier_key: &str, id_key: &str, document: Option<Party>) -> Result<Party, AdapterError> {
    match (setting(qualifier_key), setting(id_key), document) {
        (Some(qualifier), Some(id), _) => Ok(Party { qualifier, id }),
        (qualifier, None, Some(party)) => Ok(Party {
            qualifier: qualifier.unwrap_or(party.qualifier),
            id: party.id,
        }),
        (None, Some(id), Some(party)) => Ok(Party {
            qualifier: party.qualifier,
            id,
        }),
        (None, _, None) => Err(error::configuration(format!(
            "the agreement does not set `{qualifier_key}` and the document's envelope names no \
             x12 id (scheme x12:<qualifier>) to use instead"
        ))),
        (Some(_), None, None) => Err(error::configuration(format!(
            "the agreement does not set `{id_key}` and the document's envelope names no x12 id \
             (scheme x12:<qualifier>) to use instead"
        ))),
    }
}

fn check_width(key: &str, value: &str, max: usize) -> Result<(), AdapterError> {
    if value.chars().count() > max {
        return Err(error::configuration(format!(
            "`{key}` {value:?} is longer than the {max} characters ISA allows"
        )));
    }
    Ok(())
}

impl Settings {
    /// The settings for writing `document` (`None` for an acknowledgment, which has no
    /// envelope of its own to fall back on).
    pub fn load(document: Option<&Envelope>) -> Result<Settings, AdapterError> {
        let x12 = document.filter(|e| e.standard.eq_ignore_ascii_case("x12"));
        let sender = end(
            "sender_qualifier",
            "sender_id",
            document.and_then(|e| from_envelope(&e.sender)),
        )?;
        let receiver = end(
            "receiver_qualifier",
            "receiver_id",
            document.and_then(|e| from_envelope(&e.receiver)),
        )?;
        check_width("sender_qualifier", &sender.qualifier, 2)?;
        check_width("receiver_qualifier", &receiver.qualifier, 2)?;
        check_width("sender_id", &sender.id, 15)?;
        check_width("receiver_id", &receiver.id, 15)?;
        let version = version_of(document);
        let digits = version
            .get(..6)
            .filter(|v| v.bytes().all(|b| b.is_ascii_digit()));
        if digits.is_none() || version.len() > 12 {
            return Err(error::configuration(format!(
                "`version` {version:?} is not an X12 version such as 004010"
            )));
        }
        if version.as_str() < OLDEST_WRITTEN {
            return Err(error::configuration(format!(
                "`version` {version:?} cannot be written: before {OLDEST_WRITTEN} X12 dates are \
                 YYMMDD, and the adapter writes 004010 and later"
            )));
        }
        let interchange_version: u32 = version[..5].parse().unwrap_or(0);
        let element = delimiter("element_separator", b'*')?;
        let component = delimiter("component_separator", b'>')?;
        let segment = delimiter("segment_terminator", b'~')?;
        let repetition = delimiter("repetition_separator", b'^')?;
        let repetition = (interchange_version >= 403).then_some(repetition);
        let mut all = vec![element, component, segment];
        all.extend(repetition);
        for (i, c) in all.iter().enumerate() {
            if all[..i].contains(c) {
                return Err(error::configuration(format!(
                    "the delimiters must differ, but {:?} is configured twice",
                    char::from(*c)
                )));
            }
        }
        let test = match setting("usage").as_deref() {
            Some("P") => false,
            Some("T") => true,
            None => document.is_some_and(|e| e.test),
            Some(other) => {
                return Err(error::configuration(format!(
                    "`usage` is {other:?}; use P (production) or T (test)"
                )));
            }
        };
        let kept = |key: &str| {
            x12.and_then(|e| e.extensions.iter().find(|x| x.key == key))
                .map(|x| crate::writer::extension_text(&x.value))
        };
        let line_break = match setting("line_break").as_deref() {
            None | Some("false") => false,
            Some("true") => true,
            Some(other) => {
                return Err(error::configuration(format!(
                    "`line_break` is {other:?}; use true or false"
                )));
            }
        };
        Ok(Settings {
            application_sender: setting("application_sender")
                .or_else(|| kept("x12.GS02"))
                .unwrap_or_else(|| sender.id.clone()),
            application_receiver: setting("application_receiver")
                .or_else(|| kept("x12.GS03"))
                .unwrap_or_else(|| receiver.id.clone()),
            sender,
            receiver,
            version,
            delimiters: Delimiters {
                element,
                component,
                segment,
                repetition,
                release: None,
            },
            line_break,
            test,
        })
    }

    /// ISA12, the interchange control version: the first five digits of the version.
    pub fn interchange_version(&self) -> &str {
        self.version.get(..5).unwrap_or("00401")
    }
}
