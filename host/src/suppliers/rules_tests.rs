use super::*;
use crate::model::{BankAccount, Certification};

fn id(scheme: &str, value: &str) -> Identifier {
    Identifier {
        scheme: scheme.into(),
        value: value.into(),
    }
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn rules() -> SupplierRules {
    SupplierRules {
        required_certifications: vec!["ISO 9001".into()],
    }
}

fn valid() -> Supplier {
    Supplier {
        ids: vec![id("gln", "4012345000009"), id("duns", "150483782")],
        name: "Lakeshore Castings".into(),
        status: None,
        tax_ids: vec![],
        parties: vec![],
        certifications: vec![Certification {
            name: "ISO 9001".into(),
            number: Some("Q-118".into()),
            issuer: Some("TÜV".into()),
            valid_until: Some("2027-06-30".into()),
        }],
        bank_accounts: vec![BankAccount {
            holder: None,
            iban: Some("GB82 WEST 1234 5698 7654 32".into()),
            bic: Some("NWBKGB2L".into()),
            account_number: None,
            bank_code: None,
            bank_name: None,
            currency: None,
        }],
        compliance: vec![],
        extensions: vec![],
    }
}

fn rules_broken(s: &Supplier, on: &str) -> Vec<(String, String)> {
    check(s, &rules(), day(on))
        .into_iter()
        .map(|v| (v.rule, v.field))
        .collect()
}

#[test]
fn a_complete_record_breaks_nothing() {
    assert_eq!(rules_broken(&valid(), "2026-03-01"), vec![]);
}

#[test]
fn each_broken_rule_is_named_at_its_field() {
    let mut s = valid();
    s.ids[0].value = "4012345000008".into();
    s.ids[1].value = "15048378".into();
    s.bank_accounts[0].iban = Some("GB82 WEST 1234 5698 7654 33".into());
    s.bank_accounts[0].bic = Some("NWBK GB2L".into());
    assert_eq!(
        rules_broken(&s, "2026-03-01"),
        vec![
            ("gln.check_digit".into(), "$.ids[0].value".into()),
            ("duns.format".into(), "$.ids[1].value".into()),
            ("iban.checksum".into(), "$.bank_accounts[0].iban".into()),
            ("bic.format".into(), "$.bank_accounts[0].bic".into()),
        ]
    );
}

#[test]
fn a_certification_expires_after_its_last_valid_day() {
    let s = valid();
    assert_eq!(rules_broken(&s, "2027-06-30"), vec![]);
    let broken = check(&s, &rules(), day("2027-07-01"));
    assert_eq!(broken.len(), 1);
    assert_eq!(broken[0].rule, "certification.expired");
    assert_eq!(broken[0].field, "$.certifications[0].valid_until");
    assert_eq!(
        broken[0].message,
        "ISO 9001 (Q-118) expired on 2027-06-30 (checked on 2027-07-01)"
    );
}

#[test]
fn a_required_certification_is_matched_by_name_ignoring_case() {
    let mut s = valid();
    s.certifications[0].name = " iso 9001 ".into();
    assert_eq!(rules_broken(&s, "2026-03-01"), vec![]);
    s.certifications[0].name = "IATF 16949".into();
    assert_eq!(
        rules_broken(&s, "2026-03-01"),
        vec![("certification.required".into(), "$.certifications".into())]
    );
}

#[test]
fn missing_name_identifiers_and_account_numbers() {
    let mut s = valid();
    s.name = " ".into();
    s.ids.clear();
    s.bank_accounts[0].iban = None;
    s.bank_accounts[0].bic = None;
    s.certifications[0].valid_until = Some("30.06.2027".into());
    assert_eq!(
        rules_broken(&s, "2026-03-01"),
        vec![
            ("required".into(), "$.name".into()),
            ("required".into(), "$.ids".into()),
            (
                "bank_account.identifier".into(),
                "$.bank_accounts[0]".into()
            ),
            (
                "certification.date".into(),
                "$.certifications[0].valid_until".into()
            ),
        ]
    );
}

#[test]
fn party_gs1_keys_are_checked_too_and_other_schemes_are_not() {
    let mut s = valid();
    s.ids.push(id("buyer", "V-1"));
    s.parties.push(crate::model::Party {
        role: crate::model::PartyRole::ShipFrom,
        role_code: None,
        ids: vec![id("gln", "0614141000006")],
        name: None,
        address: None,
        contacts: vec![],
    });
    assert_eq!(
        rules_broken(&s, "2026-03-01"),
        vec![("gln.check_digit".into(), "$.parties[0].ids[0].value".into())]
    );
}

#[test]
fn days_are_read_from_dates_and_date_times() {
    assert_eq!(day_of("2027-06-30"), Some(day("2027-06-30")));
    assert_eq!(day_of("2027-06-30T23:59:59+02:00"), Some(day("2027-06-30")));
    assert_eq!(day_of("2027-06-31"), None);
    assert_eq!(day_of("2027-06-3012"), None);
}
