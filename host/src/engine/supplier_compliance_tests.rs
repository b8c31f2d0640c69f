//! Supplier documents through the whole decision: stored as the sender's record, checked, an
//! exception raised for the owning team when a rule is broken, nothing for test traffic.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::json;

use super::*;
use crate::config::RawConfig;
use crate::engine::decide::{World, decide};
use crate::engine::lifecycle::VisibleOrders;
use crate::model::{CanonicalDocument, Identifier};
use crate::sandbox::DecodeOutcome;
use crate::store::business::SeenDocuments;
use crate::store::processing::{MessageOutcome, ProcessingCommit};

fn supplier(ids: &[(&str, &str)]) -> Supplier {
    Supplier {
        ids: ids
            .iter()
            .map(|(s, v)| Identifier {
                scheme: (*s).into(),
                value: (*v).into(),
            })
            .collect(),
        name: "Lakeshore Castings".into(),
        status: None,
        tax_ids: vec![],
        parties: vec![],
        certifications: vec![],
        bank_accounts: vec![],
        compliance: vec![],
        extensions: vec![],
    }
}

#[test]
fn a_record_is_kept_under_its_gln_then_duns_then_first_id() {
    let both = supplier(&[
        ("buyer", "V-1"),
        ("duns", "150483782"),
        ("gln", "4012345000009"),
    ]);
    assert_eq!(supplier_key(&both), "gln:4012345000009");
    let duns = supplier(&[("buyer", "V-1"), ("duns", "150483782")]);
    assert_eq!(supplier_key(&duns), "duns:150483782");
    assert_eq!(supplier_key(&supplier(&[("buyer", "V-1")])), "buyer:V-1");
    assert_eq!(supplier_key(&supplier(&[])), "name:Lakeshore Castings");
}

fn settings() -> Settings {
    let text = r#"
[exceptions]
owners = { supplier_compliance = "supplier-quality" }
[suppliers]
required_certifications = ["ISO 9001"]
[[partners]]
id = "portal"
[[agreements]]
id = "supplier-master"
partner = "portal"
direction = "inbound"
adapter = "csv"
"#;
    let raw: RawConfig = toml::from_str(text).unwrap();
    let secrets: BTreeMap<String, String> = [(
        "WHARF_SIGNING_SECRET".to_owned(),
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_owned(),
    )]
    .into();
    Settings::from_raw(raw, Path::new("/srv/wharf"), &secrets).unwrap()
}

/// A supplier document whose ISO 9001 certificate is valid until `until`.
fn document(until: &str, test: bool) -> CanonicalDocument {
    serde_json::from_value(json!({
        "envelope": {"standard": "csv", "version": "1", "sender": [], "receiver": [],
            "interchange_control": null, "group_control": null, "message_control": null,
            "message_type": null, "test": test, "created": null, "raw_digest": null,
            "adapter": null, "extensions": []},
        "body": {"Supplier": {
            "ids": [{"scheme": "gln", "value": "4012345000009"}],
            "name": "Lakeshore Castings", "status": null, "tax_ids": [], "parties": [],
            "certifications": [{"name": "ISO 9001", "number": "Q-118", "issuer": null,
                "valid_until": until}],
            "bank_accounts": [], "compliance": [], "extensions": []}}
    }))
    .unwrap()
}

fn decided(settings: &Settings, document: CanonicalDocument) -> ProcessingCommit {
    let inbound = Inbound {
        message_id: "m1",
        lease_token: "t",
        partner: "portal",
        digest: "d",
    };
    let decoded = DecodeOutcome {
        documents: vec![document],
        warnings: Vec::new(),
        rejected: Vec::new(),
        cost: Default::default(),
    };
    let orders = VisibleOrders::new();
    let seen = SeenDocuments::new();
    let world = World {
        settings,
        orders: &orders,
        seen: &seen,
        renders_acks: &|_: &Agreement| Some(false),
        holds: &[],
        now_ms: crate::store::now_ms(),
    };
    let agreement = settings.agreements["supplier-master"].clone();
    decide(&inbound, &agreement, "csv@0.1.0", &decoded, &world)
}

#[test]
fn an_expired_certificate_is_stored_and_raises_an_exception_for_the_owning_team() {
    let settings = settings();
    let commit = decided(&settings, document("2020-01-31", false));
    assert_eq!(commit.outcome, MessageOutcome::Processed);
    assert_eq!(commit.documents.len(), 1);
    assert_eq!(commit.suppliers.len(), 1);
    let record = &commit.suppliers[0];
    assert_eq!(record.supplier_key, "gln:4012345000009");
    assert_eq!(record.document_id, commit.documents[0].id);
    assert!(!record.valid);
    assert!(
        record.violations.contains("certification.expired"),
        "{}",
        record.violations
    );
    assert_eq!(commit.exceptions.len(), 1);
    let exception = &commit.exceptions[0];
    assert_eq!(exception.kind, ExceptionKind::SupplierCompliance);
    assert_eq!(exception.owner, "supplier-quality");
    assert_eq!(exception.business_key.as_deref(), Some("gln:4012345000009"));
    assert!(
        exception
            .explanation
            .contains("(an expired certification): certification.expired at"),
        "{}",
        exception.explanation
    );
}

#[test]
fn a_compliant_record_is_stored_valid_and_raises_nothing() {
    let commit = decided(&settings(), document("2999-12-31", false));
    assert_eq!(commit.suppliers.len(), 1);
    assert!(commit.suppliers[0].valid);
    assert_eq!(commit.suppliers[0].violations, "[]");
    assert!(commit.exceptions.is_empty());
}

#[test]
fn test_traffic_is_not_master_data() {
    let commit = decided(&settings(), document("2020-01-31", true));
    assert_eq!(commit.outcome, MessageOutcome::Processed);
    assert!(commit.suppliers.is_empty());
    assert!(commit.exceptions.is_empty());
}
