//! Wharf's adapter for supplier portals that speak the canonical model as JSON: schema
//! `wharf.portal/1`, documented field by field in this crate's README. Purchase orders, order
//! changes, order responses (confirmations), ship notices, invoices, quality notifications and
//! supplier master data, in both directions.
//!
//! # Layout
//!
//! - [`json`]: reading objects with the JSON path of every value, writing them in key order.
//! - [`common`]: identifiers, quantities, money, dates, parties and the other shared records.
//! - [`order`], [`response`], [`ship_notice`], [`invoice`], [`quality`], [`supplier`]: one
//!   document each.
//! - [`envelope`]: the `schema`, `type` and `envelope` fields that frame every document.
//!
//! Every error names where it happened as a JSON path, `$.lines[3].quantity.value: "12,5" is
//! not a decimal`; a body that is not JSON at all is located by line and column. A JSON array
//! of documents is read document by document: one that fails is put in `rejected` and the
//! others are returned.

// Every fallible function returns the contract's `AdapterError`, whose size the WIT record
// fixes; boxing it would only be unboxed again at the component boundary.
#![allow(clippy::result_large_err)]

pub mod common;
pub mod envelope;
pub mod invoice;
pub mod json;
pub mod order;
pub mod quality;
pub mod response;
pub mod ship_notice;
pub mod supplier;

use serde_json::Value;
use wharf_guest_sdk::canonical::{CanonicalDocument, DocType, FunctionalAck};
use wharf_guest_sdk::contract::{
    AdapterError, Decoded, Descriptor, EncodeContext, Encoded, Inbound,
};
use wharf_guest_sdk::{Adapter, error, export_adapter};

/// The adapter's id, as agreements name it.
pub const ADAPTER_ID: &str = "portal-json";

/// The portal JSON adapter.
pub struct PortalJsonAdapter;

const DOCUMENTS: [DocType; 7] = [
    DocType::PurchaseOrder,
    DocType::OrderChange,
    DocType::OrderResponse,
    DocType::ShipNotice,
    DocType::Invoice,
    DocType::QualityNotification,
    DocType::Supplier,
];

impl Adapter for PortalJsonAdapter {
    fn describe() -> Descriptor {
        wharf_guest_sdk::descriptor(
            ADAPTER_ID,
            "0.1.0",
            &[envelope::SCHEMA],
            &DOCUMENTS,
            &DOCUMENTS,
        )
    }

    fn decode(input: Inbound) -> Result<Decoded, AdapterError> {
        let bytes = input
            .bytes
            .strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or(&input.bytes);
        let value: Value = serde_json::from_slice(bytes).map_err(|e| {
            error::syntax(format!("not JSON: {}", bare_message(&e)))
                .at_text(e.line() as u32, e.column() as u32)
        })?;
        let mut decoded = Decoded {
            documents: Vec::new(),
            warnings: Vec::new(),
            rejected: Vec::new(),
        };
        match &value {
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    match envelope::read(item, format!("$[{index}]")) {
                        Ok(document) => decoded.documents.push(document),
                        Err(e) => decoded.rejected.push(e),
                    }
                }
                if decoded.documents.is_empty() {
                    return Err(nothing_usable(decoded.rejected));
                }
            }
            single => decoded
                .documents
                .push(envelope::read(single, "$".to_owned())?),
        }
        Ok(decoded)
    }

    fn encode(
        document: CanonicalDocument,
        context: EncodeContext,
    ) -> Result<Encoded, AdapterError> {
        envelope::write(&document, &context)
    }

    fn acknowledge(_: FunctionalAck, _: EncodeContext) -> Result<Option<Encoded>, AdapterError> {
        // A portal answers over HTTP; the schema has no functional acknowledgment of its own.
        Ok(None)
    }
}

/// serde_json's message without its own " at line L column C" suffix, which the location
/// already says.
fn bare_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// The error for an array none of whose documents could be read: the first reason, and how
/// many more there were.
fn nothing_usable(mut rejected: Vec<AdapterError>) -> AdapterError {
    if rejected.is_empty() {
        return error::validation("the list holds no documents").at_xml("$");
    }
    let more = rejected.len() - 1;
    let mut first = rejected.swap_remove(0);
    if more > 0 {
        first.message = format!("{} (and {more} more documents refused)", first.message);
    }
    first
}

export_adapter!(PortalJsonAdapter);
