//! Wharf's reference adapter for cXML 1.2, every document in both directions: purchase orders
//! and order changes (`OrderRequest`), order confirmations (`ConfirmationRequest`), ship
//! notices (`ShipNoticeRequest`), invoices (`InvoiceDetailRequest`), and the answers
//! (`StatusUpdateRequest`, `Response`) as functional acknowledgments.
//!
//! # Layout
//!
//! - [`envelope`]: the `<cXML>`/`<Header>`/`<Request>` wrapper against the canonical envelope.
//! - [`order_request`]: `<OrderRequest>`, new against a purchase order, update and delete
//!   against an order change.
//! - [`confirmation`]: `<ConfirmationRequest>` against an order response, with its code tables.
//! - [`ship_notice`]: `<ShipNoticeRequest>` against a ship notice, with its packs.
//! - [`invoice`]: `<InvoiceDetailRequest>` against an invoice: lines, summary, payment terms.
//! - [`status`]: `<StatusUpdateRequest>` and `<Response>` against a functional acknowledgment.
//! - [`classification`]: the `<Classification>` every `ItemDetail` requires.
//! - [`address`], [`addressee`], [`contact_role`], [`phone`], [`money`], [`tax`], [`item`],
//!   [`comments`], [`order_reference`]: pieces the documents share.
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
pub mod addressee;
pub mod classification;
pub mod comments;
pub mod confirmation;
pub mod contact_role;
pub mod envelope;
pub mod extensions;
pub mod invoice;
pub mod item;
pub mod money;
pub mod order_reference;
pub mod order_request;
pub mod phone;
pub mod references;
pub mod settings;
pub mod ship_notice;
pub mod status;
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
            DocType::FunctionalAck,
        ];
        let mut descriptor =
            wharf_guest_sdk::descriptor("cxml", "0.1.0", &["cXML 1.2"], &documents, &documents);
        descriptor.config_keys = settings::config_keys();
        descriptor.acknowledges = true;
        descriptor
    }

    fn decode(input: Inbound) -> Result<Decoded, AdapterError> {
        let root = xml::parse(&input.bytes)?;
        if root.name == "cXML"
            && let Some(response) = root.first("Response")
        {
            let envelope = envelope::read_response(&root, &input.bytes)?;
            let payload_id = envelope.interchange_control.clone().unwrap_or_default();
            let ack = status::decode_response(response, &payload_id)?;
            return Ok(Decoded {
                documents: vec![CanonicalDocument {
                    envelope,
                    body: Document::FunctionalAck(ack),
                }],
                warnings: Vec::new(),
                rejected: Vec::new(),
            });
        }
        let request = envelope::request_of(&root)?;
        let mut warnings = Vec::new();
        let body = match request.name.as_str() {
            "OrderRequest" => order_request::decode_document(request)?,
            "ConfirmationRequest" => {
                Document::OrderResponse(confirmation::decode::decode(request)?)
            }
            "ShipNoticeRequest" => Document::ShipNotice(ship_notice::decode::decode(request)?),
            "StatusUpdateRequest" => Document::FunctionalAck(status::decode_update(request)?),
            "InvoiceDetailRequest" => {
                let (invoice, tolerated) = invoice::decode::decode(request)?;
                warnings = tolerated;
                Document::Invoice(invoice)
            }
            other => {
                return Err(error::unsupported(format!(
                    "cXML <{other}> is not handled by this adapter; it reads OrderRequest, ConfirmationRequest, ShipNoticeRequest, InvoiceDetailRequest and StatusUpdateRequest"
                ))
                .at_xml(request.path.clone()));
            }
        };
        let envelope = envelope::read(&root, &input.bytes)?;
        Ok(Decoded {
            documents: vec![CanonicalDocument { envelope, body }],
            warnings,
            rejected: Vec::new(),
        })
    }

    fn encode(
        document: CanonicalDocument,
        context: EncodeContext,
    ) -> Result<Encoded, AdapterError> {
        // An acknowledgment that arrived as (or is meant as) a StatusUpdateRequest is sent as
        // one; any other is the Response a receiver returns.
        let status_update =
            document.envelope.message_type.as_deref() == Some("StatusUpdateRequest");
        if let Document::FunctionalAck(ack) = &document.body
            && !status_update
        {
            return status::encode(ack, &context);
        }
        let request = match &document.body {
            Document::FunctionalAck(ack) => status::write_update(ack)?,
            Document::PurchaseOrder(po) => order_request::encode::encode(po)?,
            Document::OrderResponse(response) => confirmation::encode::encode(response)?,
            Document::OrderChange(change) => order_request::change::encode(change)?,
            Document::ShipNotice(notice) => ship_notice::encode::encode(notice)?,
            Document::Invoice(invoice) => invoice::encode::encode(invoice)?,
            other => {
                return Err(error::unsupported(format!(
                    "this adapter does not write {} as cXML",
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
        ack: FunctionalAck,
        context: EncodeContext,
    ) -> Result<Option<Encoded>, AdapterError> {
        // cXML's acknowledgment is the <Response><Status> a receiver returns.
        status::encode(&ack, &context).map(Some)
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
