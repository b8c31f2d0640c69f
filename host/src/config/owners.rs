//! `[exceptions]`: which team owns which type of exception, checked against the types the
//! model knows so a misspelt one is refused at start rather than silently owned by the default.

use super::ExceptionOwners;
use super::raw::RawExceptions;
use super::resolve::ConfigError;
use crate::model::ExceptionKind;

pub(super) fn resolve(raw: &RawExceptions) -> Result<ExceptionOwners, ConfigError> {
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
    Ok(ExceptionOwners {
        owners,
        default_owner: team("exceptions.default_owner", &raw.default_owner)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(text: &str) -> RawExceptions {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn each_type_is_owned_by_its_team_or_the_default() {
        let owners = resolve(&raw(r#"owners = { duplicate = "edi-team" }"#)).unwrap();
        assert_eq!(owners.owner(ExceptionKind::Duplicate), "edi-team");
        assert_eq!(owners.owner(ExceptionKind::UnknownOrder), "operations");
        let owners = resolve(&raw(r#"default_owner = "planning""#)).unwrap();
        assert_eq!(owners.owner(ExceptionKind::Mismatch), "planning");
    }

    #[test]
    fn a_misspelt_type_or_an_empty_team_is_refused() {
        let err = resolve(&raw(r#"owners = { duplicates = "edi-team" }"#)).unwrap_err();
        assert!(err.to_string().contains("\"duplicates\""), "{err}");
        let err = resolve(&raw(r#"owners = { overdue = " " }"#)).unwrap_err();
        assert!(
            err.to_string().contains("exceptions.owners.overdue"),
            "{err}"
        );
        assert!(toml::from_str::<RawExceptions>("owner = \"x\"").is_err());
    }
}
