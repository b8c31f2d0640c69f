//! The agreement's configuration, read and checked before anything is written.
//!
//! [`CONFIG_KEYS`] documents every key for the descriptor; [`Settings::load`] resolves them
//! into separators, repertoire, directory version and parties. Sender and receiver may be left
//! out when the document being written came in over EDIFACT: its envelope's ids are reversed.

use wharf_guest_sdk::canonical::{Envelope, Identifier};
use wharf_guest_sdk::contract::{AdapterError, ConfigKey};
use wharf_guest_sdk::{config, error};

use crate::charset::Charset;
use crate::syntax::Separators;

/// Every configuration key, its description, and whether it is required.
pub const CONFIG_KEYS: [(&str, &str, bool); 12] = [
    (
        "sender_id",
        "Our interchange id written in UNB S002 (e.g. our GLN). Needed unless the document came in over EDIFACT, whose receiver id is then used.",
        false,
    ),
    (
        "sender_qualifier",
        "Code qualifier of sender_id in UNB S002 (14 = GLN, ZZZ = mutually defined, the default).",
        false,
    ),
    (
        "receiver_id",
        "The partner's interchange id written in UNB S003. Needed unless the document came in over EDIFACT, whose sender id is then used.",
        false,
    ),
    (
        "receiver_qualifier",
        "Code qualifier of receiver_id in UNB S003; ZZZ by default.",
        false,
    ),
    (
        "syntax",
        "Syntax identifier and version written in UNB S001: UNOA:3, UNOB:3, UNOC:3 (the default, Latin-1), UNOW:4 or UNOY:4 (UTF-8).",
        false,
    ),
    (
        "version",
        "Directory written in UNH S009: D96A (the default) or D01B.",
        false,
    ),
    (
        "agency",
        "Controlling agency written in UNH S009 (0051); UN by default.",
        false,
    ),
    (
        "association_code",
        "Association assigned code written in UNH S009 (0057), e.g. EAN008 for EANCOM; none by default.",
        false,
    ),
    (
        "decimal_mark",
        "Decimal mark of written numbers and the UNA: '.' (the default) or ','.",
        false,
    ),
    (
        "write_una",
        "Whether to open interchanges with the service string advice UNA: true (the default) or false.",
        false,
    ),
    (
        "test",
        "1 marks every written interchange as a test (UNB 0035); 0, the default, only those whose document is marked test.",
        false,
    ),
    (
        "strict_counts",
        "When reading: true (the default) refuses interchanges whose UNT/UNE/UNZ counts or references do not match; false accepts them with a warning.",
        false,
    ),
];

/// The descriptor's list of configuration keys.
pub fn config_keys() -> Vec<ConfigKey> {
    CONFIG_KEYS
        .iter()
        .map(|(name, description, required)| ConfigKey {
            name: (*name).to_owned(),
            description: (*description).to_owned(),
            required: *required,
        })
        .collect()
}

/// An interchange party: id and code qualifier.
#[derive(Debug, Clone, PartialEq)]
pub struct Partner {
    pub id: String,
    pub qualifier: String,
}

/// Everything the agreement decides about what is written.
#[derive(Debug, Clone)]
pub struct Settings {
    pub separators: Separators,
    pub charset: Charset,
    /// Syntax identifier and version, `UNOC` and `3`.
    pub syntax: (String, String),
    /// Directory version and release, `D` and `96A`.
    pub version: (String, String),
    pub agency: String,
    pub association_code: Option<String>,
    pub write_una: bool,
    pub test: bool,
}

/// Whether reading refuses count mismatches (the default) or only warns.
pub fn strict_counts() -> bool {
    config::get("strict_counts").is_none_or(|v| v.trim() != "false")
}

fn invalid(key: &str, value: &str, expected: &str) -> AdapterError {
    error::configuration(format!(
        "the agreement sets `{key}` to {value:?}; expected {expected}"
    ))
}

impl Settings {
    pub fn load() -> Result<Settings, AdapterError> {
        let syntax_text = config::get_or("syntax", "UNOC:3");
        let (identifier, syntax_version) = syntax_text
            .split_once(':')
            .unwrap_or((syntax_text.as_str(), "3"));
        let charset = Charset::from_syntax(identifier).ok_or_else(|| {
            invalid(
                "syntax",
                &syntax_text,
                "UNOA:3, UNOB:3, UNOC:3, UNOW:4 or UNOY:4",
            )
        })?;
        if !matches!(syntax_version, "1" | "2" | "3" | "4") {
            return Err(invalid("syntax", &syntax_text, "a syntax version 1 to 4"));
        }
        let version_text = config::get_or("version", "D96A");
        let version = match version_text.as_str() {
            "D96A" | "D01B" => ("D".to_owned(), version_text[1..].to_owned()),
            _ => return Err(invalid("version", &version_text, "D96A or D01B")),
        };
        let mark = config::get_or("decimal_mark", ".");
        let decimal = match mark.as_str() {
            "." => '.',
            "," => ',',
            _ => return Err(invalid("decimal_mark", &mark, "'.' or ','")),
        };
        let write_una = match config::get_or("write_una", "true").as_str() {
            "true" => true,
            "false" => false,
            other => return Err(invalid("write_una", other, "true or false")),
        };
        let test = match config::get_or("test", "0").as_str() {
            "1" => true,
            "0" => false,
            other => return Err(invalid("test", other, "0 or 1")),
        };
        let separators = Separators {
            decimal,
            ..Separators::DEFAULT
        };
        Ok(Settings {
            separators,
            charset,
            syntax: (identifier.to_owned(), syntax_version.to_owned()),
            version,
            agency: config::get_or("agency", "UN"),
            association_code: config::get("association_code").filter(|v| !v.is_empty()),
            write_una,
            test,
        })
    }
}

fn edifact_partner(ids: &[Identifier]) -> Option<Partner> {
    ids.iter().find_map(|i| {
        let qualifier = i.scheme.strip_prefix("edifact:")?;
        Some(Partner {
            id: i.value.clone(),
            qualifier: qualifier.to_owned(),
        })
    })
}

/// Our side and the partner's: from the agreement, or the reverse of the envelope a document
/// came in with.
pub fn partners(received: &Envelope) -> Result<(Partner, Partner), AdapterError> {
    let side =
        |id_key: &str, qualifier_key: &str, reversed: Option<Partner>| match config::get(id_key) {
            Some(id) => Ok(Partner {
                id,
                qualifier: config::get_or(qualifier_key, "ZZZ"),
            }),
            None => reversed.ok_or_else(|| {
                error::configuration(format!(
                    "the agreement does not set the adapter's `{id_key}`, and the document did not \
                 come in over EDIFACT with an id to answer"
                ))
            }),
        };
    let from_edifact = received.standard == "edifact";
    let sender = side(
        "sender_id",
        "sender_qualifier",
        from_edifact
            .then(|| edifact_partner(&received.receiver))
            .flatten(),
    )?;
    let receiver = side(
        "receiver_id",
        "receiver_qualifier",
        from_edifact
            .then(|| edifact_partner(&received.sender))
            .flatten(),
    )?;
    Ok((sender, receiver))
}
