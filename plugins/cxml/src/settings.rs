//! The agreement's settings for writing cXML, read from the host's config and checked before
//! anything is written: who the document is from, to and sent by, the payloadID domain, the
//! deployment mode and the cXML version declared. Decoding needs none of them.

use wharf_guest_sdk::config;
use wharf_guest_sdk::contract::{AdapterError, ConfigKey};
use wharf_guest_sdk::error;

/// Used in payloadIDs when the agreement names no domain of its own.
const DEFAULT_PAYLOAD_DOMAIN: &str = "wharf";

/// The cXML version written when the agreement names none: the newest whose DTDs we validate
/// against (`../shared/schemas`), and one that defines every element this adapter writes
/// (`ScheduleLine`, `BuyerPartID`, `PriceBasisQuantity`, `IdReference` in `ShipTo`, which
/// older 1.2 releases such as 1.2.014 lack).
pub const DEFAULT_VERSION: &str = "1.2.063";

/// One `<Credential domain="..."><Identity>...</Identity></Credential>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    pub domain: String,
    pub identity: String,
}

/// Everything an encoder needs from the agreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub from: Credential,
    pub to: Credential,
    pub sender: Credential,
    pub payload_domain: String,
    /// `deploymentMode="test"` for every document of this agreement.
    pub test: bool,
    /// `cXML@version` and the version folder of the DOCTYPE's DTD.
    pub version: String,
}

/// The keys [`Settings::load`] reads, as the descriptor documents them.
pub fn config_keys() -> Vec<ConfigKey> {
    let key = |name: &str, required: bool, description: &str| ConfigKey {
        name: name.to_owned(),
        description: description.to_owned(),
        required,
    };
    vec![
        key(
            "from_domain",
            true,
            "Credential domain of the identity documents are sent from (NetworkID, DUNS, ...).",
        ),
        key("from_identity", true, "Identity documents are sent from."),
        key(
            "to_domain",
            true,
            "Credential domain of the partner documents are sent to.",
        ),
        key(
            "to_identity",
            true,
            "Identity of the partner documents are sent to.",
        ),
        key(
            "sender_domain",
            false,
            "Credential domain in <Sender>; defaults to from_domain.",
        ),
        key(
            "sender_identity",
            false,
            "Identity in <Sender>; defaults to from_identity. No SharedSecret is ever written: the host adds authentication.",
        ),
        key(
            "payload_domain",
            false,
            "Domain after the @ of every payloadID written; defaults to \"wharf\".",
        ),
        key(
            "deployment_mode",
            false,
            "\"production\" (default) or \"test\"; a document marked test is always sent as test.",
        ),
        key(
            "cxml_version",
            false,
            "cXML version declared in cXML@version and the DOCTYPE (1.2.NNN); defaults to 1.2.063. An older version the partner's validator holds may lack elements this adapter writes.",
        ),
        key(
            crate::classification::DOMAIN_KEY,
            false,
            "Classification domain written on lines that carry none (cXML requires one on every ItemDetail); defaults to UNSPSC.",
        ),
        key(
            crate::classification::VALUE_KEY,
            false,
            "Classification code written on lines that carry none, e.g. a UNSPSC commodity code; without it such a line is refused.",
        ),
    ]
}

impl Settings {
    /// Reads and checks the agreement's configuration.
    pub fn load() -> Result<Self, AdapterError> {
        let from = Credential {
            domain: required("from_domain")?,
            identity: required("from_identity")?,
        };
        let to = Credential {
            domain: required("to_domain")?,
            identity: required("to_identity")?,
        };
        let sender = Credential {
            domain: optional("sender_domain").unwrap_or_else(|| from.domain.clone()),
            identity: optional("sender_identity").unwrap_or_else(|| from.identity.clone()),
        };
        let test = match optional("deployment_mode").as_deref() {
            None | Some("production") => false,
            Some("test") => true,
            Some(other) => {
                return Err(error::configuration(format!(
                    "the adapter's `deployment_mode` is {other:?}; cXML knows \"production\" and \"test\""
                )));
            }
        };
        Ok(Settings {
            from,
            to,
            sender,
            payload_domain: optional("payload_domain")
                .unwrap_or_else(|| DEFAULT_PAYLOAD_DOMAIN.to_owned()),
            test,
            version: version()?,
        })
    }
}

/// The cXML version this agreement declares: `cxml_version`, else [`DEFAULT_VERSION`].
/// Checked as `1.2.NNN`, since it becomes a path in the DOCTYPE's system identifier.
pub fn version() -> Result<String, AdapterError> {
    let Some(version) = optional("cxml_version") else {
        return Ok(DEFAULT_VERSION.to_owned());
    };
    let release = version.strip_prefix("1.2.").unwrap_or_default();
    if release.is_empty() || !release.bytes().all(|b| b.is_ascii_digit()) {
        return Err(error::configuration(format!(
            "the adapter's `cxml_version` is {version:?}; cXML versions read 1.2.NNN (e.g. 1.2.063)"
        )));
    }
    Ok(version)
}

/// The domain of payloadIDs written, which needs no other setting (an acknowledgment).
pub fn payload_domain() -> String {
    optional("payload_domain").unwrap_or_else(|| DEFAULT_PAYLOAD_DOMAIN.to_owned())
}

/// A set, non-blank value; a blank one counts as unset so it cannot produce an empty identity.
pub(crate) fn optional(key: &str) -> Option<String> {
    config::get(key)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

fn required(key: &str) -> Result<String, AdapterError> {
    optional(key).ok_or_else(|| {
        error::configuration(format!("the agreement does not set the adapter's `{key}`"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_guest_sdk::testing::with_config;

    const IDENTITIES: [(&str, &str); 4] = [
        ("from_domain", "NetworkID"),
        ("from_identity", "AN01000000001"),
        ("to_domain", "DUNS"),
        ("to_identity", "123456789"),
    ];

    #[test]
    fn sender_defaults_to_from_and_mode_to_production() {
        let settings = with_config(&IDENTITIES, Settings::load).unwrap();
        assert_eq!(settings.sender, settings.from);
        assert_eq!(settings.payload_domain, "wharf");
        assert!(!settings.test);
        assert_eq!(settings.version, "1.2.063");
    }

    #[test]
    fn the_version_is_the_agreements_when_it_reads_as_one() {
        let mut settings = IDENTITIES.to_vec();
        settings.push(("cxml_version", "1.2.050"));
        assert_eq!(
            with_config(&settings, Settings::load).unwrap().version,
            "1.2.050"
        );
        for bad in ["1.2", "1.2.0x5", "2.0.001", "1.2.063/../x"] {
            settings.pop();
            settings.push(("cxml_version", bad));
            let err = with_config(&settings, Settings::load).unwrap_err();
            assert!(err.message.contains("1.2.NNN"), "{bad}: {err:?}");
        }
    }

    #[test]
    fn a_missing_identity_names_its_key() {
        let err = with_config(&IDENTITIES[..3], Settings::load).unwrap_err();
        assert_eq!(
            error::render(&err),
            "configuration error: the agreement does not set the adapter's `to_identity`"
        );
    }

    #[test]
    fn an_unknown_deployment_mode_is_refused() {
        let mut settings = IDENTITIES.to_vec();
        settings.push(("deployment_mode", "staging"));
        let err = with_config(&settings, Settings::load).unwrap_err();
        assert!(err.message.contains("\"staging\""), "{err:?}");
    }
}
