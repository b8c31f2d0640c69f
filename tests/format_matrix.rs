//! Every document type through every pair of formats it exists in, in the sandbox: a document
//! read from one format's golden file, written by another adapter and read back by it, carries
//! the same business content ([`business_content_in`]: what each standard says in its own
//! words, and what the target standard has no place for, is set aside), or the writer
//! refuses it with a located reason naming what the source lacks.

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde_json::Value;
use support::*;
use wharf_guest_sdk::testing::{business_content_in, json_differences};
use wharf_host::model::CanonicalDocument;
use wharf_host::sandbox::LoadedAdapter;

/// A format: its adapter's id, and the agreement settings it writes with.
struct Format {
    id: &'static str,
    settings: &'static [(&'static str, &'static str)],
}

const FORMATS: [Format; 4] = [
    Format {
        id: "cxml",
        settings: &[
            ("from_domain", "NetworkID"),
            ("from_identity", "ACME"),
            ("to_domain", "NetworkID"),
            ("to_identity", "SUPPLIER"),
            ("default_classification_value", "31160000"),
        ],
    },
    Format {
        id: "edifact",
        settings: &[
            ("sender_id", "4012345000009"),
            ("sender_qualifier", "14"),
            ("receiver_id", "4098765000002"),
            ("receiver_qualifier", "14"),
        ],
    },
    Format {
        id: "x12",
        settings: &[
            ("sender_qualifier", "ZZ"),
            ("sender_id", "ACME"),
            ("receiver_qualifier", "ZZ"),
            ("receiver_id", "SUPPLIER"),
        ],
    },
    Format {
        id: "idoc",
        settings: &[
            ("sender_partner", "WHARF"),
            ("sender_port", "WHARF"),
            ("receiver_partner", "ERPCLNT100"),
            ("receiver_port", "SAPERP"),
        ],
    },
];

/// The sources: one golden case per format and document type, as the adapter read it.
const SOURCES: [(&str, &str, &str); 19] = [
    ("purchase_order", "idoc", "orders05-standard"),
    ("purchase_order", "cxml", "order-request"),
    ("purchase_order", "edifact", "orders-d96a"),
    ("purchase_order", "x12", "po-two-orders"),
    ("order_change", "idoc", "ordchg-update"),
    ("order_change", "cxml", "order-change-update"),
    ("order_change", "x12", "change"),
    ("order_response", "idoc", "ordrsp-confirmation"),
    ("order_response", "cxml", "confirmation-detail"),
    ("order_response", "edifact", "ordrsp-changes"),
    ("order_response", "x12", "change-ack"),
    ("ship_notice", "idoc", "desadv-pallet"),
    ("ship_notice", "cxml", "ship-notice"),
    ("ship_notice", "edifact", "desadv-pallet"),
    ("ship_notice", "x12", "asn-two-orders"),
    ("invoice", "idoc", "invoic02-standard"),
    ("invoice", "cxml", "invoice"),
    ("invoice", "edifact", "invoic-credit"),
    ("invoice", "x12", "invoice"),
];

/// Pairs where the target's refusal is the right answer, because the source truly lacks what
/// the target requires (or the target adapter cannot write the document type yet): source
/// format and case, target, the text the refusal must contain, and why. Any other refusal is
/// a failure.
const ACCEPTED_REFUSALS: [(&str, &str, &str, &str); 11] = [
    (
        "x12/change",
        "cxml",
        "requires a BillTo party",
        "the 860 names no party at all (no N1 loop); cXML's OrderRequestHeader requires BillTo",
    ),
    (
        "x12/po-two-orders",
        "cxml",
        "lines[2].price: cXML requires a unit price",
        "line 3 is SLN 2.1, a sub-line included in line 2's price (SLN03 I) with no price of \
         its own; cXML's ItemDetail requires UnitPrice",
    ),
    (
        "idoc/ordchg-update",
        "cxml",
        "lines[1].price: cXML requires a unit price",
        "item 00020 is cancelled and its E1EDP01 gives no price; cXML's ItemDetail requires \
         UnitPrice even on a deleted line",
    ),
    (
        "edifact/desadv-pallet",
        "cxml",
        "parties[0].name: cXML requires a name",
        "NAD+SU and NAD+DP give a GLN only (no C080 name, no address); cXML's Contact requires \
         Name",
    ),
    (
        "edifact/ordrsp-changes",
        "cxml",
        "parties[0].name: cXML requires a name",
        "NAD+SU gives a GLN only; cXML's Contact requires Name",
    ),
    (
        "edifact/ordrsp-changes",
        "x12",
        "requires the purchase order's date (BAK04)",
        "RFF+ON names the order without a DTM for it; X12 855 BAK04 (purchase order date) is \
         mandatory",
    ),
    (
        "cxml/order-change-update",
        "x12",
        "requires the purchase order's date (BCH06)",
        "an OrderRequest update's orderDate is the update's own date and its DocumentReference \
         names the original order by payloadID only; X12 860 BCH06 (purchase order date) is \
         mandatory",
    ),
    (
        "idoc/ordrsp-confirmation",
        "cxml",
        "parties[2].name: cXML requires a name",
        "the RG (payer) E1EDKA1 gives its partner number only (no NAME1, no address); cXML's \
         Contact requires Name",
    ),
    (
        "idoc/desadv-pallet",
        "cxml",
        "cXML requires a notice date",
        "the DELVRY IDoc dates the shipment (E1EDT13 006 goods issue, 007 delivery) but not \
         the notice itself; cXML's ShipNoticeHeader requires noticeDate",
    ),
    (
        "idoc/desadv-pallet",
        "x12",
        "X12 requires a notice date (BSN03)",
        "the DELVRY IDoc dates the shipment (E1EDT13 006 goods issue, 007 delivery) but not \
         the notice itself; X12 856 (004010) BSN03, the date of the notice, is mandatory",
    ),
    (
        "edifact/invoic-credit",
        "cxml",
        "parties[1].name: cXML requires a name",
        "NAD+BY gives a GLN only; cXML's InvoicePartner Contact requires Name",
    ),
];

/// Why the refusal of `case` by `to` is the right answer, when it is.
fn accepted_refusal(from: &str, case: &str, to: &str, refusal: &str) -> Option<&'static str> {
    let source = format!("{from}/{case}");
    ACCEPTED_REFUSALS
        .iter()
        .find(|(s, t, text, _)| *s == source && *t == to && refusal.contains(text))
        .map(|(_, _, _, why)| *why)
}

/// What `document` says that the standard of adapter `to` can carry.
fn business(document: &CanonicalDocument, to: &str) -> Value {
    let mut value = serde_json::to_value(&document.body).unwrap();
    business_content_in(to, &mut value);
    value
}

fn source_document(format: &str, case: &str) -> CanonicalDocument {
    let path = repo_file(&format!("plugins/{format}/tests/golden/{case}.decode.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let mut decoded: Value = serde_json::from_str(&text).unwrap();
    serde_json::from_value(decoded["documents"][0].take()).unwrap()
}

async fn adapters() -> BTreeMap<&'static str, Arc<LoadedAdapter>> {
    let c = components();
    let paths: [(&str, &Path); 4] = [
        ("cxml", &c.cxml),
        ("edifact", &c.edifact),
        ("x12", &c.x12),
        ("idoc", &c.idoc),
    ];
    let mut loaded = BTreeMap::new();
    for (id, path) in paths {
        loaded.insert(id, standalone_adapter(path).await);
    }
    loaded
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_document_type_crosses_every_pair_of_formats() {
    let adapters = adapters().await;
    let mut report = Vec::new();
    let mut crossed = 0;
    let mut refused = Vec::new();
    for (doc_type, from, case) in SOURCES {
        let original = source_document(from, case);
        assert_eq!(
            original.body.doc_type().to_string(),
            doc_type,
            "{from}/{case}"
        );
        for to in FORMATS.iter().filter(|f| f.id != from) {
            let adapter = &adapters[to.id];
            let pair = format!("{doc_type} {from}/{case} → {}", to.id);
            let encoded = match adapter
                .encode(
                    scope(to.settings),
                    &original,
                    "7".into(),
                    "2026-11-27T10:00:00+00:00".into(),
                )
                .await
            {
                Ok(encoded) => encoded,
                Err(e) => match accepted_refusal(from, case, to.id, &e.to_string()) {
                    Some(why) => {
                        refused.push(format!("{pair}: refused, as it should be: {why}"));
                        continue;
                    }
                    None => {
                        report.push(format!("{pair}: refused: {e}"));
                        continue;
                    }
                },
            };
            let decoded = match adapter
                .decode(scope(to.settings), encoded.bytes.clone(), None)
                .await
            {
                Ok(decoded) => decoded,
                Err(e) => {
                    report.push(format!("{pair}: cannot read what it wrote: {e}"));
                    continue;
                }
            };
            let diffs = json_differences(
                doc_type,
                &business(&original, to.id),
                &business(&decoded.documents[0], to.id),
            );
            if diffs.is_empty() {
                crossed += 1;
            } else {
                report.push(format!("{pair}:\n  {}", diffs.join("\n  ")));
            }
        }
    }
    println!(
        "{crossed} pairs crossed unchanged, {} refused as they should be:\n  {}",
        refused.len(),
        refused.join("\n  ")
    );
    assert!(report.is_empty(), "{}", report.join("\n"));
}
