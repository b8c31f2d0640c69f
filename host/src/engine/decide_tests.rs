//! The decision on business duplicates and unknown orders, without a store or an adapter:
//! what was read goes in, the commit comes out.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::json;

use super::decide::{Inbound, World, decide};
use super::lifecycle::{LifecycleError, VisibleOrders};
use crate::config::{RawConfig, Settings};
use crate::model::{CanonicalDocument, ExceptionKind};
use crate::sandbox::DecodeOutcome;
use crate::store::business::{BusinessKey, FirstSeen, SeenDocuments};
use crate::store::processing::{MessageOutcome, ProcessingCommit};

fn settings(unknown_orders: &str) -> Settings {
    let text = format!(
        r#"
[exceptions]
owners = {{ duplicate = "edi-team" }}
[[partners]]
id = "portal"
[[partners]]
id = "erp"
[[agreements]]
id = "supplier-edi"
partner = "portal"
direction = "inbound"
adapter = "x12"
unknown_orders = "{unknown_orders}"
[[agreements]]
id = "erp-in"
partner = "erp"
direction = "outbound"
adapter = "x12"
endpoint = "http://127.0.0.1:9/"
[[routes]]
doc_type = "invoice"
from = "portal"
to = "erp-in"
[[routes]]
doc_type = "ship_notice"
from = "portal"
to = "erp-in"
"#
    );
    let raw: RawConfig = toml::from_str(&text).unwrap();
    let secrets: BTreeMap<String, String> = [(
        "WHARF_SIGNING_SECRET".to_owned(),
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_owned(),
    )]
    .into();
    Settings::from_raw(raw, Path::new("/srv/wharf"), &secrets).unwrap()
}

fn envelope(interchange: &str, test: bool) -> serde_json::Value {
    json!({"standard": "x12", "version": "004010", "sender": [], "receiver": [],
        "interchange_control": interchange, "group_control": null, "message_control": null,
        "message_type": null, "test": test, "created": null, "raw_digest": null,
        "adapter": null, "extensions": []})
}

fn invoice(number: &str, interchange: &str, test: bool) -> CanonicalDocument {
    serde_json::from_value(
        json!({"envelope": envelope(interchange, test), "body": {"Invoice": {
            "invoice_number": number, "kind": "Invoice", "po_numbers": ["4500000001"],
            "currency": null, "dates": [], "parties": [], "references": [],
            "payment_terms": null, "lines": [], "taxes": [], "allowances_charges": [],
            "totals": {"subtotal": null, "tax": null, "allowances_charges": null,
                "total": {"amount": "10.00", "currency": "EUR"}, "due": null},
            "notes": [], "extensions": []
        }}}),
    )
    .unwrap()
}

fn notice(po_number: &str) -> CanonicalDocument {
    serde_json::from_value(
        json!({"envelope": envelope("000000001", false), "body": {"ShipNotice": {
            "shipment_id": "ASN-1", "structure": null, "purpose": "00", "dates": [],
            "parties": [], "references": [], "carrier": null, "gross_weight": null,
            "package_count": null, "notes": [], "extensions": [],
            "orders": [{"po_number": po_number, "references": [], "dates": [], "packs": [],
                "items": []}]
        }}}),
    )
    .unwrap()
}

fn decided(
    settings: &Settings,
    documents: Vec<CanonicalDocument>,
    seen: &SeenDocuments,
) -> ProcessingCommit {
    let inbound = Inbound {
        message_id: "m2",
        lease_token: "t",
        partner: "portal",
        digest: "d",
    };
    let decoded = DecodeOutcome {
        documents,
        warnings: Vec::new(),
        rejected: Vec::new(),
        cost: Default::default(),
    };
    let orders = VisibleOrders::new();
    let world = World {
        settings,
        orders: &orders,
        seen,
        renders_acks: &|_: &crate::config::Agreement| Some(false),
        holds: &[],
        now_ms: crate::store::now_ms(),
    };
    let agreement = settings.agreements["supplier-edi"].clone();
    decide(&inbound, &agreement, "x12@0.1.0", &decoded, &world)
}

fn code(commit: &ProcessingCommit) -> Option<&str> {
    match &commit.outcome {
        MessageOutcome::Processed => None,
        MessageOutcome::Failed(error) => error["code"].as_str(),
    }
}

fn inv(number: &str) -> BusinessKey {
    BusinessKey {
        doc_type: "invoice".into(),
        key: number.into(),
    }
}

#[test]
fn a_first_invoice_is_routed_and_claims_its_number() {
    let settings = settings("route");
    let commit = decided(
        &settings,
        vec![invoice("INV-1", "000000901", false)],
        &SeenDocuments::new(),
    );
    assert_eq!(code(&commit), None);
    assert_eq!(commit.outbox.len(), 1);
    assert_eq!(commit.claims.len(), 1);
    assert_eq!(commit.claims[0].identity, inv("INV-1"));
    assert_eq!(commit.claims[0].document_id, commit.documents[0].id);
    assert!(commit.exceptions.is_empty());
}

#[test]
fn an_invoice_seen_before_is_held_and_linked_to_the_first() {
    let settings = settings("route");
    let seen: SeenDocuments = [(
        inv("INV-1"),
        FirstSeen {
            message_id: "m1".into(),
            document_id: "d1".into(),
        },
    )]
    .into();
    let commit = decided(&settings, vec![invoice("INV-1", "000000902", false)], &seen);
    assert_eq!(code(&commit), Some("document.duplicate"));
    assert!(commit.outbox.is_empty(), "held: routed nowhere");
    assert!(commit.documents.is_empty() && commit.orders.is_empty() && commit.claims.is_empty());
    let [exception] = commit.exceptions.as_slice() else {
        panic!("one exception: {:?}", commit.exceptions);
    };
    assert_eq!(exception.kind, ExceptionKind::Duplicate);
    assert_eq!(exception.owner, "edi-team");
    assert_eq!(exception.message_id, "m2");
    assert_eq!(exception.related_message_id.as_deref(), Some("m1"));
    assert_eq!(exception.po_number.as_deref(), Some("4500000001"));
    assert!(
        exception.explanation.contains("interchange 000000902"),
        "{}",
        exception.explanation
    );
    // Another number from the same sender is not held.
    let other = decided(&settings, vec![invoice("INV-2", "000000903", false)], &seen);
    assert_eq!(code(&other), None);
}

#[test]
fn the_same_invoice_twice_in_one_message_is_held_too() {
    let settings = settings("route");
    let twice = vec![
        invoice("INV-1", "000000901", false),
        invoice("INV-1", "000000901", false),
    ];
    let commit = decided(&settings, twice, &SeenDocuments::new());
    assert_eq!(code(&commit), Some("document.duplicate"));
    assert_eq!(
        commit.exceptions[0].related_message_id.as_deref(),
        Some("m2")
    );
}

#[test]
fn test_traffic_neither_claims_nor_is_held() {
    let settings = settings("route");
    let seen: SeenDocuments = [(
        inv("INV-1"),
        FirstSeen {
            message_id: "m1".into(),
            document_id: "d1".into(),
        },
    )]
    .into();
    let commit = decided(&settings, vec![invoice("INV-1", "000000902", true)], &seen);
    assert_eq!(code(&commit), None);
    assert!(commit.claims.is_empty());
}

#[test]
fn an_unknown_order_is_refused_as_before_and_raises_an_exception() {
    let settings = settings("refuse");
    let commit = decided(&settings, vec![notice("4500000099")], &SeenDocuments::new());
    let MessageOutcome::Failed(error) = &commit.outcome else {
        panic!("refused");
    };
    assert_eq!(
        error,
        &json!({"code": "order.unknown",
            "message": LifecycleError::UnknownOrder("4500000099".into()).to_string()})
    );
    let [exception] = commit.exceptions.as_slice() else {
        panic!("one exception: {:?}", commit.exceptions);
    };
    assert_eq!(exception.kind, ExceptionKind::UnknownOrder);
    assert_eq!(exception.owner, "operations");
    assert_eq!(exception.po_number.as_deref(), Some("4500000099"));
    assert_eq!(exception.business_key.as_deref(), Some("ASN-1"));
    assert_eq!(exception.order, None);
    // Routing unknown orders raises nothing: the agreement expects them.
    let routed = decided(
        &settings_route(),
        vec![notice("4500000099")],
        &SeenDocuments::new(),
    );
    assert_eq!(code(&routed), None);
    assert!(routed.exceptions.is_empty());
}

fn settings_route() -> Settings {
    settings("route")
}
