//! decode(encode(doc)) == doc for generated documents of every type the adapter writes:
//! purchase orders, order changes, order responses, ship notices, invoices and goods receipts.
//!
//! The generators make documents in the form the decoder produces, restricted to what an IDoc
//! holds exactly: SAP codes (IDDAT, PARVW, text IDs) are trusted because the envelope's
//! standard is `idoc`; each generator module says what else it leaves out and why.

// The closures return the contract's `AdapterError`, whose size the WIT record fixes.
#![allow(clippy::result_large_err)]

mod billing;
mod common;
mod orders;
mod responses;
mod shipping;

use proptest::prelude::*;
use wharf_guest_sdk::Adapter;
use wharf_guest_sdk::canonical::{CanonicalDocument, Document};
use wharf_guest_sdk::contract::Inbound;
use wharf_guest_sdk::error::render;
use wharf_guest_sdk::testing::{call_context, encode_context, with_config};
use wharf_plugin_idoc::IdocAdapter;

/// The agreement the golden encode cases use.
const PARTNERS: [(&str, &str); 3] = [
    ("sender_partner", "WHARF"),
    ("receiver_partner", "ERPCLNT100"),
    ("receiver_port", "SAPPRD"),
];

fn round_trip(body: Document, basic_type: &str) -> Result<Document, String> {
    let document = CanonicalDocument {
        envelope: wharf_guest_sdk::envelope("idoc", basic_type),
        body,
    };
    let encoded = with_config(&PARTNERS, || {
        IdocAdapter::encode(document, encode_context())
    })
    .map_err(|e| format!("encodes: {}", render(&e)))?;
    let mut decoded = IdocAdapter::decode(Inbound {
        bytes: encoded.bytes,
        content_type: None,
        context: call_context(),
    })
    .map_err(|e| format!("decodes: {}", render(&e)))?;
    if decoded.documents.len() != 1 {
        return Err(format!("{} documents read back", decoded.documents.len()));
    }
    Ok(decoded.documents.remove(0).body)
}

fn check(body: Document, basic_type: &str) -> Result<(), TestCaseError> {
    let again = round_trip(body.clone(), basic_type).map_err(TestCaseError::fail)?;
    prop_assert_eq!(again, body);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn purchase_orders(po in orders::purchase_order()) {
        check(Document::PurchaseOrder(po), "ORDERS05")?;
    }

    #[test]
    fn order_changes(change in orders::order_change()) {
        check(Document::OrderChange(change), "ORDERS05")?;
    }

    #[test]
    fn order_responses(response in responses::order_response()) {
        check(Document::OrderResponse(response), "ORDERS05")?;
    }

    #[test]
    fn ship_notices(notice in shipping::ship_notice()) {
        check(Document::ShipNotice(notice), "DELVRY07")?;
    }

    #[test]
    fn invoices(invoice in billing::invoice()) {
        check(Document::Invoice(invoice), "INVOIC02")?;
    }

    #[test]
    fn goods_receipts(receipt in billing::goods_receipt()) {
        check(Document::GoodsReceipt(receipt), "MBGMCR03")?;
    }
}
