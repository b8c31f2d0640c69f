//! The rules a supplier record must meet to be onboarded, and that a supplier document is
//! checked against when it flows through: [`check`] answers every [`SupplierViolation`], each
//! naming its rule, the JSON path of the field and what is wrong.
//!
//! Rules, by name:
//!
//! - `required`: a name and at least one identifier.
//! - `gln.check_digit` / `gln.format`, `gtin.*`, `sscc.*`: GS1 keys (on the supplier and on its
//!   parties) have their form and mod-10 check digit. `duns.format`: nine digits (thirteen for
//!   `duns+4`); the D-U-N-S number has no public check digit, so only its form is checked.
//! - `iban.format`, `iban.country`, `iban.length`, `iban.checksum` (ISO 13616), `bic.format`
//!   (ISO 9362), and `bank_account.identifier`: an account names an IBAN or an account number.
//! - `certification.required`: each certification the configuration requires is present (by
//!   name, ignoring case and surrounding space); `certification.expired`: a certification
//!   whose `valid_until` is before the day checked on; `certification.date`: a `valid_until`
//!   that is not an ISO 8601 date.

use chrono::NaiveDate;
use serde::Serialize;

use super::SupplierRules;
use super::gs1::{self, IdentifierError};
use super::iban;
use crate::model::{Identifier, Supplier};

/// One rule a supplier record breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SupplierViolation {
    pub rule: String,
    /// Where, as a JSON path into the record (`$.bank_accounts[0].iban`).
    pub field: String,
    pub message: String,
}

impl SupplierViolation {
    fn new(rule: &str, field: impl Into<String>, message: impl Into<String>) -> Self {
        SupplierViolation {
            rule: rule.to_owned(),
            field: field.into(),
            message: message.into(),
        }
    }

    /// Whether this violation is about a certification's expiry.
    pub fn is_expiry(&self) -> bool {
        self.rule == "certification.expired"
    }
}

/// Every rule `supplier` breaks, judged on the day `today`.
pub fn check(
    supplier: &Supplier,
    rules: &SupplierRules,
    today: NaiveDate,
) -> Vec<SupplierViolation> {
    let mut out = Vec::new();
    if supplier.name.trim().is_empty() {
        out.push(SupplierViolation::new(
            "required",
            "$.name",
            "a supplier needs a name",
        ));
    }
    if supplier.ids.is_empty() {
        out.push(SupplierViolation::new(
            "required",
            "$.ids",
            "a supplier needs at least one identifier (GLN, DUNS, a buyer-assigned number…)",
        ));
    }
    identifiers(&supplier.ids, "$.ids", &mut out);
    for (p, party) in supplier.parties.iter().enumerate() {
        identifiers(&party.ids, &format!("$.parties[{p}].ids"), &mut out);
    }
    bank_accounts(supplier, &mut out);
    certifications(supplier, rules, today, &mut out);
    out
}

fn identifiers(ids: &[Identifier], path: &str, out: &mut Vec<SupplierViolation>) {
    for (i, id) in ids.iter().enumerate() {
        let value = id.value.trim();
        let (family, result) = match id.scheme.as_str() {
            "gln" => ("gln", gs1::gln(value)),
            "gtin" => ("gtin", gs1::gtin(value)),
            "sscc" => ("sscc", gs1::sscc(value)),
            "duns" => ("duns", gs1::duns(value, false)),
            "duns+4" => ("duns", gs1::duns(value, true)),
            _ => continue,
        };
        if let Err(e) = result {
            let rule = match e {
                IdentifierError::Form { .. } => "format",
                IdentifierError::CheckDigit { .. } => "check_digit",
            };
            out.push(SupplierViolation::new(
                &format!("{family}.{rule}"),
                format!("{path}[{i}].value"),
                e.to_string(),
            ));
        }
    }
}

fn bank_accounts(supplier: &Supplier, out: &mut Vec<SupplierViolation>) {
    for (i, account) in supplier.bank_accounts.iter().enumerate() {
        let path = format!("$.bank_accounts[{i}]");
        let iban_text = account.iban.as_deref().filter(|v| !v.trim().is_empty());
        let number = account
            .account_number
            .as_deref()
            .filter(|v| !v.trim().is_empty());
        if iban_text.is_none() && number.is_none() {
            out.push(SupplierViolation::new(
                "bank_account.identifier",
                path.clone(),
                "a bank account needs an IBAN or an account number",
            ));
        }
        if let Some(Err(e)) = iban_text.map(iban::iban) {
            out.push(SupplierViolation::new(
                e.rule(),
                format!("{path}.iban"),
                e.to_string(),
            ));
        }
        let bic_text = account.bic.as_deref().filter(|v| !v.trim().is_empty());
        if let Some(Err(e)) = bic_text.map(iban::bic) {
            out.push(SupplierViolation::new(
                e.rule(),
                format!("{path}.bic"),
                e.to_string(),
            ));
        }
    }
}

/// The day an ISO 8601 date or date-time falls on, as written (its offset is not applied:
/// certificates state a day).
pub fn day_of(value: &str) -> Option<NaiveDate> {
    let value = value.trim();
    let day = value.get(..10)?;
    let rest = &value[10..];
    if !(rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ')) {
        return None;
    }
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
}

fn same_name(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

fn certifications(
    supplier: &Supplier,
    rules: &SupplierRules,
    today: NaiveDate,
    out: &mut Vec<SupplierViolation>,
) {
    for required in &rules.required_certifications {
        if !supplier
            .certifications
            .iter()
            .any(|c| same_name(&c.name, required))
        {
            out.push(SupplierViolation::new(
                "certification.required",
                "$.certifications",
                format!("the certification {required:?} is required and missing"),
            ));
        }
    }
    for (i, cert) in supplier.certifications.iter().enumerate() {
        let Some(until) = cert.valid_until.as_deref() else {
            continue;
        };
        let path = format!("$.certifications[{i}].valid_until");
        match day_of(until) {
            None => out.push(SupplierViolation::new(
                "certification.date",
                path,
                format!("{until:?} is not an ISO 8601 date (YYYY-MM-DD)"),
            )),
            Some(day) if day < today => out.push(SupplierViolation::new(
                "certification.expired",
                path,
                format!(
                    "{} expired on {day} (checked on {today})",
                    cert_label(&cert.name, cert.number.as_deref())
                ),
            )),
            Some(_) => {}
        }
    }
}

fn cert_label(name: &str, number: Option<&str>) -> String {
    match number {
        Some(number) => format!("{name} ({number})"),
        None => name.to_owned(),
    }
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
