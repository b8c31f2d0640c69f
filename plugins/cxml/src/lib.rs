//! Wharf's reference adapter for cXML 1.2: purchase orders (`OrderRequest`) and order
//! confirmations (`ConfirmationRequest`) in both directions.
//!
//! # Layout
//!
//! - [`envelope`]: the `<cXML>`/`<Header>`/`<Request>` wrapper against the canonical envelope.
//! - [`order_request`]: `<OrderRequest type="new">` against a purchase order.
//! - [`confirmation`]: `<ConfirmationRequest>` against an order response, with its code tables.
//! - [`address`], [`phone`], [`money`], [`item`], [`comments`]: pieces both documents share.
//! - [`extensions`]: what the model has no field for, kept as `cxml.*` extensions.
//! - [`values`]: decimals, dates and required attributes, read with their location.
//! - [`settings`]: the agreement's configuration for writing (identities, deployment mode).
//!
//! Every error names where it happened: an XML path such as
//! `/cXML/Request/ConfirmationRequest/ConfirmationItem[2]/ConfirmationStatus/@quantity` when
//! reading, a path into the canonical document such as `lines[2].price` when writing.

// Every fallible function returns the contract's `AdapterError`, whose size the WIT record
// fixes; boxing it would only be unboxed again at the component boundary.
#![allow(clippy::result_large_err)]

pub mod address;
pub mod comments;
pub mod confirmation;
pub mod envelope;
pub mod extensions;
pub mod invoice;
pub mod item;
pub mod money;
pub mod order_reference;
pub mod order_request;
pub mod phone;
pub mod settings;
pub mod ship_notice;
pub mod tax;
pub mod values;

use wharf_guest_sdk::canonical::{CanonicalDocument, DocType, Document, FunctionalAck};
use wharf_guest_sdk::contract::{
    AdapterError, Decoded, Descriptor, EncodeContext, Encoded, Inbound,
};
use wharf_guest_sdk::{Adapter, error, export_adapter, xml};

pub use wharf_guest_sdk::canonical::Identifier;

/// The cXML adapter.
pub struct CxmlAdapter;

impl Adapter for CxmlAdapter {
    fn describe() -> Descriptor {
        let documents = [
            DocType::PurchaseOrder,
            DocType::OrderResponse,
            DocType::OrderChange,
            DocType::ShipNotice,
            DocType::Invoice,
        ];
        let mut descriptor =
            wharf_guest_sdk::descriptor("cxml", "0.1.0", &["cXML 1.2"], &documents, &documents);
        descriptor.config_keys = settings::config_keys();
        descriptor
    }

    fn decode(input: Inbound) -> Result<Decoded, AdapterError> {
        let root = xml::parse(&input.bytes)?;
        let request = envelope::request_of(&root)?;
        let mut warnings = Vec::new();
        let body = match request.name.as_str() {
            "OrderRequest" => order_request::decode_document(request)?,
            "ConfirmationRequest" => {
                Document::OrderResponse(confirmation::decode::decode(request)?)
            }
            "ShipNoticeRequest" => Document::ShipNotice(ship_notice::decode::decode(request)?),
            "InvoiceDetailRequest" => {
                let (invoice, tolerated) = invoice::decode::decode(request)?;
                warnings = tolerated;
                Document::Invoice(invoice)
            }
            other => {
                return Err(error::unsupported(format!(
                    "cXML <{other}> is not handled by this adapter; it reads OrderRequest and ConfirmationRequest"
                ))
                .at_xml(request.path.clone()));
            }
        };
        let envelope = envelope::read(&root, &input.bytes)?;
        Ok(Decoded {
            documents: vec![CanonicalDocument { envelope, body }],
            warnings,
        })
    }

    fn encode(
        document: CanonicalDocument,
        context: EncodeContext,
    ) -> Result<Encoded, AdapterError> {
        let request = match &document.body {
            Document::PurchaseOrder(po) => order_request::encode::encode(po)?,
            Document::OrderResponse(response) => confirmation::encode::encode(response)?,
            Document::OrderChange(change) => order_request::change::encode(change)?,
            Document::ShipNotice(notice) => ship_notice::encode::encode(notice)?,
            Document::Invoice(invoice) => invoice::encode::encode(invoice)?,
            other => {
                return Err(error::unsupported(format!(
                    "this adapter writes purchase orders and order responses, not {}",
                    document_name(other)
                )));
            }
        };
        // Settings are checked after the document so a bad document is reported as such
        // even where the agreement is incomplete too.
        let settings = settings::Settings::load()?;
        Ok(envelope::write(
            request,
            document.envelope.test,
            &settings,
            &context,
        ))
    }

    fn acknowledge(
        _ack: FunctionalAck,
        _context: EncodeContext,
    ) -> Result<Option<Encoded>, AdapterError> {
        // cXML answers a request with a synchronous <Response><Status>, which the host's
        // transport sends; there is no functional acknowledgment document to render.
        Ok(None)
    }
}

fn document_name(document: &Document) -> &'static str {
    match document {
        Document::PurchaseOrder(_) => "a purchase order",
        Document::OrderResponse(_) => "an order response",
        Document::OrderChange(_) => "an order change",
        Document::ShipNotice(_) => "a ship notice",
        Document::GoodsReceipt(_) => "a goods receipt",
        Document::Invoice(_) => "an invoice",
        Document::QualityNotification(_) => "a quality notification",
        Document::Supplier(_) => "supplier master data",
        Document::FunctionalAck(_) => "a functional acknowledgment",
    }
}

export_adapter!(CxmlAdapter);
