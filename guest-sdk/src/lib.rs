//! The Wharf guest SDK: what an adapter author depends on.
//!
//! An adapter is a WebAssembly component that turns a partner's wire format into Wharf's
//! canonical documents and back. This crate owns the one `wit_bindgen::generate!` call for the
//! `wharf:adapter@0.1.0` world, so an adapter is a type implementing [`Adapter`] plus one
//! [`export_adapter!`] line.
//!
//! # Layout
//!
//! - [`canonical`]: the canonical model (`wharf:canonical@0.1.0`): documents, parties, money.
//! - [`contract`]: the adapter contract's own types: descriptor, errors, locations, contexts.
//! - [`error`]: building [`contract::AdapterError`]s that say what went wrong and where.
//! - [`decimal`], [`date`]: the number and date handling every text format needs.
//! - [`xml`]: a small element tree over quick-xml, with paths for located errors.
//! - [`units`]: units of measure between UN/ECE Rec 20 (canonical), X12 355 and SAP.
//! - [`schemes`]: reference and identifier schemes between X12 128, EDIFACT 1153, SAP QUALF
//!   and cXML domains.
//! - [`csv`]: delimited flat files read record by record, each knowing its line and columns,
//!   and written back; RFC 4180 on `csv-core`.
//! - [`segments`]: segment-based EDI (X12, EDIFACT): delimiters and release characters, a
//!   reader of segments, elements and components that borrows its input and locates errors,
//!   and a writer that escapes or refuses service characters.
//! - [`log`], [`config`], [`xref`]: the only host capabilities an adapter is granted.
//! - [`credential`]: reporting a secret a document carries, without passing it on.
//! - `testing` (native builds only): golden cases and configuration for an adapter's own tests.
//!
//! # A complete adapter
//!
//! ```
//! use wharf_guest_sdk::{Adapter, canonical::*, contract::*, error, export_adapter};
//!
//! struct Echo;
//!
//! impl Adapter for Echo {
//!     fn describe() -> Descriptor {
//!         wharf_guest_sdk::descriptor("echo", "0.1.0", &["none"], &[], &[])
//!     }
//!     fn decode(input: Inbound) -> Result<Decoded, AdapterError> {
//!         Err(error::unsupported(format!("{} bytes, and echo reads nothing", input.bytes.len())))
//!     }
//!     fn encode(_: CanonicalDocument, _: EncodeContext) -> Result<Encoded, AdapterError> {
//!         Err(error::unsupported("echo writes nothing"))
//!     }
//!     fn acknowledge(_: FunctionalAck, _: EncodeContext) -> Result<Option<Encoded>, AdapterError> {
//!         Ok(None)
//!     }
//! }
//!
//! export_adapter!(Echo);
//! ```
//!
//! Build it with `cargo build --release --target wasm32-wasip2` and install the `.wasm` with
//! `wharf plugin install`.

pub mod config;
pub mod credential;
pub mod csv;
pub mod date;
pub mod decimal;
pub mod error;
pub mod log;
pub mod schemes;
pub mod segments;
#[cfg(not(target_family = "wasm"))]
pub mod testing;
pub mod units;
pub mod xml;
pub mod xref;

#[doc(hidden)]
#[allow(clippy::too_many_arguments)]
pub mod bindings {
    wit_bindgen::generate!({
        path: ["../wit/canonical@0.1.0", "../wit/adapter@0.1.0"],
        world: "wharf:adapter/adapter@0.1.0",
        pub_export_macro: true,
        export_macro_name: "export_adapter_world",
        default_bindings_module: "wharf_guest_sdk::bindings",
        generate_all,
        additional_derives: [PartialEq, serde::Serialize, serde::Deserialize],
    });
}

/// Exports a type implementing [`Adapter`] as the component's adapter world.
///
/// Only a wasm build exports anything: native builds (an adapter's own tests, the host's
/// benchmarks) may link several adapters into one binary, where the world's exported symbols
/// would collide.
#[macro_export]
macro_rules! export_adapter {
    ($adapter:ident) => {
        #[cfg(target_family = "wasm")]
        $crate::bindings::export_adapter_world!($adapter);
    };
}

/// The trait an adapter implements: `describe`, `decode`, `encode` and `acknowledge`.
pub use bindings::Guest as Adapter;

/// The canonical model, `wharf:canonical@0.1.0`: the documents, and the building blocks they
/// share.
pub mod canonical {
    // Every item is named from the interface that defines it, and `documents` is not
    // glob-imported: wit-bindgen gives `documents` a type alias for each building block it
    // `use`s from `types`, and rustdoc shows an alias of a struct in the hidden `bindings`
    // module as `pub struct Quantity { /* private fields */ }`, without its fields or WIT docs.
    // Re-exported by name, the structs themselves are documented here.
    pub use crate::bindings::wharf::canonical::documents::{
        AckError, AckStatus, BankAccount, CanonicalDocument, Carrier, Certification, ChangeKind,
        ComplianceAttribute, Defect, DocType, Document, FunctionalAck, GoodsReceipt, Invoice,
        InvoiceKind, InvoiceLine, InvoiceTotals, LineChange, LineChangeKind, LineResponse,
        LineStatus, MessageAck, OrderChange, OrderLine, OrderResponse, Pack, PurchaseOrder,
        QualityAction, QualityNotification, ReceiptLine, ResponseStatus, ScheduleLine, ShipNotice,
        ShippedItem, ShippedOrder, Supplier,
    };
    pub use crate::bindings::wharf::canonical::types::{
        Address, AllowanceCharge, Contact, DateKind, Dated, Decimal, Envelope, Extension,
        ExtensionValue, Identifier, Money, Note, Party, PartyRole, Price, Quantity, Tax,
    };
}

/// The adapter contract's own types, `wharf:adapter/types@0.1.0`.
pub mod contract {
    pub use crate::bindings::wharf::adapter::types::{
        AdapterError, CallContext, ConfigKey, Decoded, Descriptor, Direction, EncodeContext,
        Encoded, ErrorKind, Inbound, Location, SegmentLocation, TextLocation,
    };
}

/// The decimal type [`decimal::parse`] returns, so adapters can name it without a dependency.
pub use rust_decimal::Decimal;

/// The contract version this SDK builds adapters against.
pub const CONTRACT_VERSION: &str = "0.1.0";

/// A descriptor for an adapter built with this SDK, acknowledging nothing and asking for no
/// configuration; adjust the fields for anything else.
pub fn descriptor(
    id: &str,
    version: &str,
    standards: &[&str],
    decodes: &[canonical::DocType],
    encodes: &[canonical::DocType],
) -> contract::Descriptor {
    contract::Descriptor {
        id: id.to_owned(),
        version: version.to_owned(),
        contract: CONTRACT_VERSION.to_owned(),
        standards: standards.iter().map(|s| (*s).to_owned()).collect(),
        decodes: decodes.to_vec(),
        encodes: encodes.to_vec(),
        acknowledges: false,
        config_keys: Vec::new(),
    }
}

/// An identifier in the given scheme.
pub fn id(scheme: impl Into<String>, value: impl Into<String>) -> canonical::Identifier {
    canonical::Identifier {
        scheme: scheme.into(),
        value: value.into(),
    }
}

/// An envelope for `standard`/`version` with every optional fact left empty.
pub fn envelope(standard: &str, version: &str) -> canonical::Envelope {
    canonical::Envelope {
        standard: standard.to_owned(),
        version: version.to_owned(),
        sender: Vec::new(),
        receiver: Vec::new(),
        interchange_control: None,
        group_control: None,
        message_control: None,
        message_type: None,
        test: false,
        created: None,
        raw_digest: None,
        adapter: None,
        extensions: Vec::new(),
    }
}

/// A text extension value under `key`.
pub fn text_extension(key: impl Into<String>, value: impl Into<String>) -> canonical::Extension {
    canonical::Extension {
        key: key.into(),
        value: canonical::ExtensionValue::Text(value.into()),
    }
}
