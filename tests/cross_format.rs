//! One purchase order through every format: decoded from SAP ORDERS05, encoded as cXML
//! OrderRequest, EDIFACT ORDERS and X12 850, and decoded again, it is the same order each
//! time. What each standard keeps in its own words (extensions, source qualifiers and role
//! codes, the envelope) is set aside; the business content must match exactly.

mod support;

use serde_json::Value;
use support::*;
use wharf_guest_sdk::testing::{business_content, json_differences};
use wharf_host::model::{CanonicalDocument, Document, PurchaseOrder};
use wharf_host::sandbox::{CallScope, LoadedAdapter};

/// The order without what is format-specific by nature.
fn business(po: &PurchaseOrder) -> Value {
    let mut value = serde_json::to_value(po).unwrap();
    business_content(&mut value);
    value
}

fn purchase_order(document: &CanonicalDocument) -> &PurchaseOrder {
    match &document.body {
        Document::PurchaseOrder(po) => po,
        other => panic!("expected a purchase order, got {}", other.doc_type()),
    }
}

async fn through(
    adapter: &LoadedAdapter,
    settings: &[(&str, &str)],
    document: &CanonicalDocument,
) -> Result<PurchaseOrder, String> {
    let encoded = adapter
        .encode(
            scope(settings),
            document,
            "7".into(),
            "2026-11-27T10:00:00+00:00".into(),
        )
        .await
        .map_err(|e| format!("cannot encode the order: {e}"))?;
    let decoded = adapter
        .decode(scope(settings), encoded.bytes.clone(), None)
        .await
        .map_err(|e| {
            format!(
                "cannot read its own order: {e}\n{}",
                String::from_utf8_lossy(&encoded.bytes)
            )
        })?;
    Ok(purchase_order(&decoded.documents[0]).clone())
}

/// An adapter's name, its component, and the agreement settings it encodes with.
type Format<'a> = (&'a str, &'a std::path::Path, Vec<(&'a str, &'a str)>);

/// The differences each of `formats` makes to the SAP order, one report line per format.
async fn round_trips(formats: &[&str]) -> Vec<String> {
    let c = components();
    let idoc = standalone_adapter(&c.idoc).await;
    let orders05 = std::fs::read(repo_file(
        "plugins/idoc/tests/golden/orders05-standard.decode.xml",
    ))
    .unwrap();
    let decoded = idoc
        .decode(CallScope::default(), orders05, None)
        .await
        .unwrap();
    let original = &decoded.documents[0];
    let expected = business(purchase_order(original));
    let all: [Format; 3] = [
        (
            "cxml",
            &c.cxml,
            vec![
                ("from_domain", "NetworkID"),
                ("from_identity", "ACME"),
                ("to_domain", "NetworkID"),
                ("to_identity", "SUPPLIER"),
                ("default_classification_value", "31160000"),
            ],
        ),
        (
            "edifact",
            &c.edifact,
            vec![
                ("sender_id", "4012345000009"),
                ("sender_qualifier", "14"),
                ("receiver_id", "4098765000002"),
                ("receiver_qualifier", "14"),
            ],
        ),
        (
            "x12",
            &c.x12,
            vec![
                ("sender_qualifier", "ZZ"),
                ("sender_id", "ACME"),
                ("receiver_qualifier", "ZZ"),
                ("receiver_id", "SUPPLIER"),
            ],
        ),
    ];
    let mut report = Vec::new();
    for (name, component, settings) in all.into_iter().filter(|(n, _, _)| formats.contains(n)) {
        let adapter = standalone_adapter(component).await;
        let again = match through(&adapter, &settings, original).await {
            Ok(again) => again,
            Err(e) => {
                report.push(format!("{name}: {e}"));
                continue;
            }
        };
        let diffs = json_differences("order", &expected, &business(&again));
        if !diffs.is_empty() {
            report.push(format!("{name}:\n  {}", diffs.join("\n  ")));
        }
    }
    report
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_from_sap_reads_the_same_in_cxml_edifact_and_x12() {
    let report = round_trips(&["cxml", "edifact", "x12"]).await;
    assert!(
        report.is_empty(),
        "the order changed on its way through:\n{}",
        report.join("\n")
    );
}
