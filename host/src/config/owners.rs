//! `[exceptions]`: which team owns which type of exception, checked against the types the
//! model knows so a misspelt one is refused at start rather than silently owned by the default;
//! and where each team is notified (`webhooks`), signed with the default delivery secret.

use super::raw::RawExceptions;
use super::resolve::ConfigError;
use super::{ExceptionOwners, SigningSecret};
use crate::model::ExceptionKind;

pub(super) fn resolve(
    raw: &RawExceptions,
    default_signing: Option<&str>,
    default_signing_name: &str,
) -> Result<ExceptionOwners, ConfigError> {
    let team = |key: &str, team: &str| {
        if team.trim().is_empty() {
            Err(ConfigError::Invalid(format!("{key} names no team")))
        } else {
            Ok(team.to_owned())
        }
    };
    let mut owners = std::collections::BTreeMap::new();
    for (kind, owner) in &raw.owners {
        let kind: ExceptionKind = kind
            .parse()
            .map_err(|e| ConfigError::Invalid(format!("exceptions.owners: {e}")))?;
        owners.insert(kind, team(&format!("exceptions.owners.{kind}"), owner)?);
    }
    let mut webhooks = std::collections::BTreeMap::new();
    for (name, url) in &raw.webhooks {
        let key = format!("exceptions.webhooks.{name}");
        reqwest::Url::parse(url)
            .map_err(|e| ConfigError::Invalid(format!("{key}: {url:?}: {e}")))?;
        webhooks.insert(team(&key, name)?, url.clone());
    }
    let signing_secrets = match (webhooks.is_empty(), default_signing) {
        (true, _) => Vec::new(),
        (false, Some(text)) => vec![
            SigningSecret::parse(text)
                .map_err(|e| ConfigError::Invalid(format!("{default_signing_name}: {e}")))?,
        ],
        (false, None) => {
            return Err(ConfigError::Invalid(format!(
                "exceptions.webhooks: notifications are signed; set the {default_signing_name} \
                 environment variable"
            )));
        }
    };
    Ok(ExceptionOwners {
        owners,
        default_owner: team("exceptions.default_owner", &raw.default_owner)?,
        webhooks,
        signing_secrets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(text: &str) -> RawExceptions {
        toml::from_str(text).unwrap()
    }

    fn resolve_plain(raw: &RawExceptions) -> Result<ExceptionOwners, ConfigError> {
        resolve(raw, None, "WHARF_SIGNING_SECRET")
    }

    #[test]
    fn team_webhooks_are_checked_and_signed_with_the_default_secret() {
        let text = r#"webhooks = { planning = "http://127.0.0.1:9/hook" }"#;
        let owners = resolve(&raw(text), Some("a-signing-secret-of-length"), "S").unwrap();
        assert_eq!(owners.webhooks["planning"], "http://127.0.0.1:9/hook");
        assert_eq!(owners.signing_secrets.len(), 1);
        let err = resolve_plain(&raw(text)).unwrap_err();
        assert!(err.to_string().contains("WHARF_SIGNING_SECRET"), "{err}");
        let err = resolve(
            &raw(r#"webhooks = { planning = "not a url" }"#),
            Some("x"),
            "S",
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("exceptions.webhooks.planning"),
            "{err}"
        );
    }

    #[test]
    fn each_type_is_owned_by_its_team_or_the_default() {
        let owners = resolve_plain(&raw(r#"owners = { duplicate = "edi-team" }"#)).unwrap();
        assert_eq!(owners.owner(ExceptionKind::Duplicate), "edi-team");
        assert_eq!(owners.owner(ExceptionKind::UnknownOrder), "operations");
        let owners = resolve_plain(&raw(r#"default_owner = "planning""#)).unwrap();
        assert_eq!(owners.owner(ExceptionKind::Mismatch), "planning");
    }

    #[test]
    fn a_misspelt_type_or_an_empty_team_is_refused() {
        let err = resolve_plain(&raw(r#"owners = { duplicates = "edi-team" }"#)).unwrap_err();
        assert!(err.to_string().contains("\"duplicates\""), "{err}");
        let err = resolve_plain(&raw(r#"owners = { overdue = " " }"#)).unwrap_err();
        assert!(
            err.to_string().contains("exceptions.owners.overdue"),
            "{err}"
        );
        assert!(toml::from_str::<RawExceptions>("owner = \"x\"").is_err());
    }
}
