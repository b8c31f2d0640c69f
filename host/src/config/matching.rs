//! `[matching]`: the three-way match's tolerances per supplier and material group, what each
//! breach does, how far deliveries may exceed what is due, and which outbound agreements
//! receive an invoice only once it matched. Checked at start: a rule naming an unknown
//! partner or agreement, or a negative limit, is refused.

use std::collections::BTreeSet;

use rust_decimal::Decimal;

pub use super::raw::BreachAction;
use super::raw::{RawMatching, RawTolerance};
use super::resolve::ConfigError;

/// One tolerance rule, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToleranceRule {
    /// Its name in explanations: `matching.tolerances[N]`, or `default` for the built-in one.
    pub name: String,
    pub supplier: Option<String>,
    pub material_group: Option<String>,
    /// Limits on how far an invoice's unit price may exceed the order's; a limit left out
    /// does not constrain, and with neither given any increase is a breach.
    pub price_percent: Option<Decimal>,
    pub price_absolute: Option<Decimal>,
    /// How far the invoiced quantity may exceed the quantity received and kept.
    pub quantity_percent: Decimal,
    pub on_price: BreachAction,
    pub on_quantity: BreachAction,
}

impl ToleranceRule {
    /// The rule used where none is configured: exact prices and quantities, breaches held.
    pub fn strict() -> ToleranceRule {
        ToleranceRule {
            name: "default".into(),
            supplier: None,
            material_group: None,
            price_percent: None,
            price_absolute: None,
            quantity_percent: Decimal::ZERO,
            on_price: BreachAction::Hold,
            on_quantity: BreachAction::Hold,
        }
    }

    fn specificity(&self) -> u8 {
        u8::from(self.supplier.is_some()) * 2 + u8::from(self.material_group.is_some())
    }
}

/// The three-way match's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchSettings {
    pub rules: Vec<ToleranceRule>,
    /// How far shipped and received quantities may exceed what is due, in percent.
    pub delivery_tolerance_percent: Decimal,
    /// Outbound agreements that receive an invoice only once it matched or was released.
    pub finance_agreements: BTreeSet<String>,
}

impl Default for MatchSettings {
    fn default() -> Self {
        MatchSettings {
            rules: Vec::new(),
            delivery_tolerance_percent: Decimal::ZERO,
            finance_agreements: BTreeSet::new(),
        }
    }
}

impl MatchSettings {
    /// The most specific rule for a supplier's line in a material group: supplier and group,
    /// then supplier, then group, then a rule naming neither, then [`ToleranceRule::strict`].
    pub fn rule_for(&self, supplier: &str, material_group: Option<&str>) -> ToleranceRule {
        self.rules
            .iter()
            .filter(|r| r.supplier.as_deref().is_none_or(|s| s == supplier))
            .filter(|r| {
                r.material_group
                    .as_deref()
                    .is_none_or(|g| Some(g) == material_group)
            })
            .max_by_key(|r| r.specificity())
            .cloned()
            .unwrap_or_else(ToleranceRule::strict)
    }
}

pub(super) fn resolve(
    raw: &RawMatching,
    is_partner: impl Fn(&str) -> bool,
    is_outbound: impl Fn(&str) -> bool,
) -> Result<MatchSettings, ConfigError> {
    let mut rules = Vec::new();
    for (n, t) in raw.tolerances.iter().enumerate() {
        let name = format!("matching.tolerances[{n}]");
        if let Some(supplier) = &t.supplier
            && !is_partner(supplier)
        {
            return Err(ConfigError::Invalid(format!(
                "{name}.supplier names no partner: {supplier:?}"
            )));
        }
        rules.push(rule(&name, t)?);
    }
    for agreement in &raw.finance_agreements {
        if !is_outbound(agreement) {
            return Err(ConfigError::Invalid(format!(
                "matching.finance_agreements names no outbound agreement: {agreement:?}"
            )));
        }
    }
    Ok(MatchSettings {
        rules,
        delivery_tolerance_percent: limit(
            "matching.delivery_tolerance_percent",
            raw.delivery_tolerance_percent,
        )?,
        finance_agreements: raw.finance_agreements.iter().cloned().collect(),
    })
}

fn rule(name: &str, t: &RawTolerance) -> Result<ToleranceRule, ConfigError> {
    let optional = |key: &str, value: Option<f64>| {
        value
            .map(|v| limit(&format!("{name}.{key}"), v))
            .transpose()
    };
    Ok(ToleranceRule {
        name: name.to_owned(),
        supplier: t.supplier.clone(),
        material_group: t.material_group.clone(),
        price_percent: optional("price_percent", t.price_percent)?,
        price_absolute: optional("price_absolute", t.price_absolute)?,
        quantity_percent: limit(&format!("{name}.quantity_percent"), t.quantity_percent)?,
        on_price: t.on_price_breach,
        on_quantity: t.on_quantity_breach,
    })
}

fn limit(key: &str, value: f64) -> Result<Decimal, ConfigError> {
    match Decimal::try_from(value) {
        Ok(d) if d >= Decimal::ZERO => Ok(d.normalize()),
        _ => Err(ConfigError::Invalid(format!(
            "{key} must be a number of at least 0, not {value}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(text: &str) -> Result<MatchSettings, ConfigError> {
        let raw: RawMatching = toml::from_str(text).unwrap();
        resolve(
            &raw,
            |p| p == "acme" || p == "zeta",
            |a| a == "erp-invoices",
        )
    }

    #[test]
    fn the_most_specific_rule_applies() {
        let s = settings(
            r#"
            [[tolerances]]
            price_percent = 1.0
            [[tolerances]]
            supplier = "acme"
            price_percent = 2.0
            [[tolerances]]
            supplier = "acme"
            material_group = "STEEL"
            price_percent = 5.0
            on_price_breach = "block"
            [[tolerances]]
            material_group = "STEEL"
            price_percent = 3.0
            "#,
        )
        .unwrap();
        let percent = |s: &MatchSettings, supplier: &str, group: Option<&str>| {
            s.rule_for(supplier, group)
                .price_percent
                .unwrap()
                .to_string()
        };
        assert_eq!(percent(&s, "acme", Some("STEEL")), "5");
        assert_eq!(
            s.rule_for("acme", Some("STEEL")).on_price,
            BreachAction::Block
        );
        assert_eq!(percent(&s, "acme", Some("WOOD")), "2");
        assert_eq!(percent(&s, "zeta", Some("STEEL")), "3");
        assert_eq!(percent(&s, "zeta", None), "1");
        let none = settings("").unwrap();
        assert_eq!(none.rule_for("acme", None), ToleranceRule::strict());
    }

    #[test]
    fn unknown_names_and_negative_limits_are_refused() {
        let err = settings("[[tolerances]]\nsupplier = \"nobody\"").unwrap_err();
        assert!(
            err.to_string().contains("matching.tolerances[0].supplier"),
            "{err}"
        );
        let err = settings("[[tolerances]]\nquantity_percent = -1.0").unwrap_err();
        assert!(
            err.to_string()
                .contains("matching.tolerances[0].quantity_percent"),
            "{err}"
        );
        let err = settings("finance_agreements = [\"nowhere\"]").unwrap_err();
        assert!(err.to_string().contains("\"nowhere\""), "{err}");
        assert!(toml::from_str::<RawMatching>("[[tolerances]]\nprice = 1.0").is_err());
    }
}
