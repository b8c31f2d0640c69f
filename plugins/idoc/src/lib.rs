//! The `idoc` reference adapter: SAP IDoc XML to and from Wharf's canonical documents:
//! ORDERS05 (purchase orders, ORDCHG order changes, ORDRSP order responses), DELVRY07 (DESADV
//! ship notices), INVOIC02 (invoices) and MBGMCR03 (goods receipts).
//!
//! A file holds one or more `<IDOC BEGIN="1">` under a root named for the basic type
//! (`<ORDERS05>`); each IDoc is one document. Its control record EDI_DC40 gives the envelope
//! and says which message it is (see [`control`]).
//! Whatever the model has no field for is kept as `idoc.…` extensions and written back, so an
//! IDoc read and written again keeps its content.
//!
//! # Layout
//!
//! - [`control`]: EDI_DC40 and the interchange frame, to and from the envelope.
//! - `flat`: flat (fixed-width) IDoc files as SAP's file port writes them (ORDERS05, INVOIC02
//!   and DELVRY; not yet MBGMCR), read into the same tree as the XML, with errors located at
//!   line and column.
//! - `message_type`: customer message types (`ZORDERS`, `/ACME/…`) read by their basic type.
//! - `orders`, `ordchg`, `ordrsp`, `desadv`, `invoice`, `receipt`: the messages, read and
//!   written.
//! - `header`, `items`, `parties`, `qualified`, `texts`, `keyed`: segments they share.
//! - `codes`: the code tables between SAP qualifiers and canonical meanings.
//! - `segments`, `output`, `layout`: reading fields with located errors and keeping leftovers;
//!   writing fields and extensions back; putting written segments in SAP's order.

// Every fallible function here ends in the contract's `AdapterError`, whose size the WIT
// record fixes; boxing it at each step would only be unboxed again at the boundary.
#![allow(
    clippy::result_large_err,
    reason = "AdapterError is the contract's own type"
)]

mod codes;
mod control;
mod desadv;
mod flat;
mod header;
mod invoice;
mod items;
mod keyed;
mod layout;
mod message_type;
mod ordchg;
mod orders;
mod ordrsp;
mod output;
mod parties;
mod qualified;
mod receipt;
mod segments;
mod texts;

use wharf_guest_sdk::canonical::{CanonicalDocument, DocType, Document, FunctionalAck};
use wharf_guest_sdk::contract::{
    AdapterError, ConfigKey, Decoded, Descriptor, EncodeContext, Encoded, Inbound,
};
use wharf_guest_sdk::xml::{self, Element};
use wharf_guest_sdk::{Adapter, error, export_adapter};

use crate::control::Message;
use crate::segments::Segment;

pub const ADAPTER_ID: &str = "idoc";
pub const ADAPTER_VERSION: &str = "0.1.0";

/// The agreement settings the adapter reads: the control record of what it writes, how
/// customer message types are read, and where the fields of customer segments sit in flat files.
const CONFIG_KEYS: [(&str, &str, bool); 8] = [
    (
        message_type::CONFIG_KEY,
        "Which standard message type each customer message type stands for, as CUSTOM=STANDARD \
         pairs separated by commas (e.g. ZORDERS=ORDERS, /ACME/POCONF=ORDRSP). Without an entry a \
         customer type is read by its name (ZORDRSP as ORDRSP), else as its basic type's own \
         message (ORDERS for ORDERS05), with a warning either way.",
        false,
    ),
    (
        flat::CONFIG_KEY,
        "Field layouts of customer segments in flat (file-port) IDoc files, which name no \
         fields: SEGMENT=FIELD:WIDTH,... entries separated by semicolons, widths in characters \
         as the segment's definition (WE31) gives them (e.g. Z1KESQM=ZPRUEFPLAN:20,ZZEUGNIS:10). \
         A flat file with a customer segment not laid out here is refused.",
        false,
    ),
    (
        "sender_partner",
        "Partner number written as SNDPRN (e.g. the supplier's logical system or vendor number). \
         Needed unless the document's envelope has a sender in scheme sap:<partner type>.",
        false,
    ),
    (
        "sender_partner_type",
        "Partner type written as SNDPRT: LS (logical system, the default), LI (vendor), KU (customer).",
        false,
    ),
    (
        "sender_port",
        "Port written as SNDPOR, the sending system's port as the receiving SAP knows it.",
        false,
    ),
    (
        "receiver_partner",
        "Partner number written as RCVPRN, the receiving SAP system's logical system. \
         Needed unless the document's envelope has a receiver in scheme sap:<partner type>.",
        false,
    ),
    (
        "receiver_partner_type",
        "Partner type written as RCVPRT; LS (logical system) by default.",
        false,
    ),
    (
        "receiver_port",
        "Port written as RCVPOR, e.g. SAP<SID> for the receiving system.",
        false,
    ),
];

/// The documents read and written alike.
const HANDLED: &[DocType] = &[
    DocType::PurchaseOrder,
    DocType::OrderChange,
    DocType::OrderResponse,
    DocType::ShipNotice,
    DocType::Invoice,
    DocType::GoodsReceipt,
];

/// The `idoc` adapter.
pub struct IdocAdapter;

impl Adapter for IdocAdapter {
    fn describe() -> Descriptor {
        let mut descriptor = wharf_guest_sdk::descriptor(
            ADAPTER_ID,
            ADAPTER_VERSION,
            &[
                "SAP IDoc XML ORDERS05",
                "SAP IDoc XML DELVRY07",
                "SAP IDoc XML INVOIC02",
                "SAP IDoc XML MBGMCR03",
            ],
            HANDLED,
            HANDLED,
        );
        descriptor.config_keys = CONFIG_KEYS
            .iter()
            .map(|(name, description, required)| ConfigKey {
                name: (*name).to_owned(),
                description: (*description).to_owned(),
                required: *required,
            })
            .collect();
        descriptor
    }

    fn decode(input: Inbound) -> Result<Decoded, AdapterError> {
        if flat::is_flat(&input.bytes) {
            return flat::decode(&input.bytes, decode_idoc);
        }
        let mut root = xml::parse(&input.bytes)?;
        // SAP's IDoc XML schema leaves elements unqualified; middleware that qualifies them
        // all (`<ns0:IDOC>`) sends the same IDoc.
        root.strip_prefixes();
        let idocs: Vec<&Element> = if root.name == "IDOC" {
            vec![&root]
        } else {
            root.all("IDOC").collect()
        };
        if idocs.is_empty() {
            return Err(
                error::validation(format!("<{}> holds no <IDOC>", root.name))
                    .at_xml(format!("{}/IDOC", root.path)),
            );
        }
        let mut warnings = Vec::new();
        let documents = idocs
            .into_iter()
            .map(|idoc| decode_idoc(idoc, &mut warnings))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Decoded {
            documents,
            warnings,
            rejected: Vec::new(),
        })
    }

    fn encode(
        document: CanonicalDocument,
        context: EncodeContext,
    ) -> Result<Encoded, AdapterError> {
        let envelope = &document.envelope;
        let (message, data, layout) = match &document.body {
            Document::PurchaseOrder(po) => (
                Message::Orders,
                orders::write(po, envelope)?,
                &layout::ORDERS,
            ),
            Document::OrderResponse(response) => (
                Message::Ordrsp,
                ordrsp::write(response, envelope)?,
                &layout::ORDERS,
            ),
            Document::OrderChange(change) => (
                Message::Ordchg,
                ordchg::write(change, envelope)?,
                &layout::ORDERS,
            ),
            Document::ShipNotice(notice) => (
                Message::Desadv,
                desadv::write(notice, envelope)?,
                &desadv::LAYOUT,
            ),
            Document::Invoice(bill) => (
                Message::Invoice,
                invoice::write(bill, envelope)?,
                &invoice::LAYOUT,
            ),
            Document::GoodsReceipt(receipt) => (
                Message::GoodsReceipt,
                receipt::write(receipt, envelope)?,
                &receipt::LAYOUT,
            ),
            other => {
                return Err(error::unsupported(format!(
                    "{ADAPTER_ID} {ADAPTER_VERSION} writes purchase orders, order changes, \
                     order responses, ship notices, invoices and goods receipts, not {}",
                    document_name(other)
                )));
            }
        };
        let (text, envelope) = control::frame(message, envelope, &context, data, layout)?;
        Ok(Encoded {
            bytes: text.into_bytes(),
            content_type: "application/xml".to_owned(),
            envelope,
        })
    }

    fn acknowledge(
        _ack: FunctionalAck,
        _context: EncodeContext,
    ) -> Result<Option<Encoded>, AdapterError> {
        // IDoc exchanges acknowledge through ALE status (ALEAUD), not a functional
        // acknowledgment this contract models, so there is nothing to render.
        Ok(None)
    }
}

fn decode_idoc(
    element: &Element,
    warnings: &mut Vec<AdapterError>,
) -> Result<CanonicalDocument, AdapterError> {
    let mut idoc = Segment::new(element);
    let (message, envelope, warning) = control::read(&mut idoc)?;
    warnings.extend(warning);
    match message {
        Message::Orders => orders::read(idoc, envelope),
        Message::Ordrsp => ordrsp::read(idoc, envelope),
        Message::Ordchg => ordchg::read(idoc, envelope),
        Message::Desadv => desadv::read(idoc, envelope),
        Message::Invoice => invoice::read(idoc, envelope),
        Message::GoodsReceipt => receipt::read(idoc, envelope),
    }
}

fn document_name(document: &Document) -> &'static str {
    match document {
        Document::PurchaseOrder(_) => "purchase orders",
        Document::OrderResponse(_) => "order responses",
        Document::OrderChange(_) => "order changes",
        Document::ShipNotice(_) => "ship notices",
        Document::GoodsReceipt(_) => "goods receipts",
        Document::Invoice(_) => "invoices",
        Document::QualityNotification(_) => "quality notifications",
        Document::Supplier(_) => "supplier master data",
        Document::FunctionalAck(_) => "functional acknowledgments",
    }
}

export_adapter!(IdocAdapter);
