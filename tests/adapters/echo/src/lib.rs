//! The benchmark suite's trivial adapter (`host/benches/suite.rs`): `decode` upper-cases its
//! input into the text of one note of one purchase order, so a 1 KiB input gives 1 KiB out and
//! what a call costs is the host's work, not the adapter's. The Extism peer
//! (`host/benches/peers/extism/`) does the same to the same bytes.
//!
//! [`ID`] is a fixed-width marker: the suite's scale measure installs a thousand copies of this
//! component, each with the marker's digits rewritten in the bytes, so each is a distinct
//! adapter with its own id and digest.

use wharf_guest_sdk::canonical::{CanonicalDocument, DocType, Document, Note, PurchaseOrder};
use wharf_guest_sdk::contract::{
    AdapterError, Decoded, Descriptor, EncodeContext, Encoded, Inbound,
};
use wharf_guest_sdk::{Adapter, envelope, error, export_adapter};

/// The id this component reports; the suite rewrites its last six digits per copy.
pub const ID: &str = "bench-echo-000000";

pub struct Echo;

impl Adapter for Echo {
    fn describe() -> Descriptor {
        wharf_guest_sdk::descriptor(ID, "0.1.0", &["bench echo"], &[DocType::PurchaseOrder], &[])
    }

    fn decode(input: Inbound) -> Result<Decoded, AdapterError> {
        let text = String::from_utf8_lossy(&input.bytes).to_ascii_uppercase();
        let order = PurchaseOrder {
            po_number: "ECHO".into(),
            order_type: None,
            currency: None,
            dates: Vec::new(),
            parties: Vec::new(),
            references: Vec::new(),
            payment_terms: None,
            notes: vec![Note { kind: None, text }],
            lines: Vec::new(),
            total: None,
            extensions: Vec::new(),
        };
        Ok(Decoded {
            documents: vec![CanonicalDocument {
                envelope: envelope("bench-echo", "1"),
                body: Document::PurchaseOrder(order),
            }],
            warnings: Vec::new(),
            rejected: Vec::new(),
        })
    }

    fn encode(_: CanonicalDocument, _: EncodeContext) -> Result<Encoded, AdapterError> {
        Err(error::unsupported("the echo adapter encodes nothing"))
    }

    fn acknowledge(
        _: wharf_guest_sdk::canonical::FunctionalAck,
        _: EncodeContext,
    ) -> Result<Option<Encoded>, AdapterError> {
        Ok(None)
    }
}

export_adapter!(Echo);
