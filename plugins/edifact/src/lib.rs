//! The `edifact` reference adapter: UN/EDIFACT D.96A and D.01B ORDERS, ORDCHG, ORDRSP, DESADV
//! and INVOIC to and from Wharf's canonical documents, and CONTRL as functional acknowledgment.
//!
//! A file may hold several interchanges (each with its own UNA), an interchange several
//! messages, optionally in UNG groups; every message becomes one canonical document. Whatever
//! the model has no field for is kept as `edifact.*` extensions and written back. A message
//! that fails (its content, or in strict mode its UNT) is returned in `rejected` with its
//! location while the others are read; only framing that cannot be followed, or a file with
//! no usable message, fails the whole decode.
//!
//! # Layout
//!
//! - [`syntax`]: service characters (UNA or defaults), release character, splitting segments.
//! - [`charset`]: UNOA/UNOB/UNOC/UNOW/UNOY bytes to text and back.
//! - [`interchange`], [`segment`]: UNB/UNG/UNH framing with counts and references checked;
//!   decoded segments and their location context.
//! - [`envelope`]: the canonical envelope read from, and written as, the service segments.
//! - `orders`, `ordchg`, `ordrsp`, `desadv`, `invoic`, `contrl`: one module per message.
//! - `header`, `items`, `parties`, `common`: segment groups the messages share.
//! - [`reader`], [`writer`], [`tags`], [`codes`]: located reading with leftovers, writing with
//!   kept extensions, element tags, code tables.
//! - [`settings`]: the agreement's configuration.
//!
//! Errors in input are located: interchange (UNB 0020), group, message (UNH 0062), the
//! segment's position within its message (UNH = 1), element and component.

// Every fallible function here ends in the contract's `AdapterError`, whose size the WIT
// record fixes; boxing it at each step would only be unboxed again at the boundary.
#![allow(
    clippy::result_large_err,
    reason = "AdapterError is the contract's own type"
)]

mod charges;
pub mod charset;
pub mod codes;
mod common;
mod contrl;
mod desadv;
pub mod envelope;
mod header;
pub mod interchange;
mod invoic;
mod items;
mod ordchg;
mod orders;
mod ordrsp;
mod parties;
pub mod reader;
pub mod segment;
pub mod settings;
pub mod syntax;
pub mod tags;
pub mod writer;

use wharf_guest_sdk::canonical::{CanonicalDocument, DocType, Document, FunctionalAck};
use wharf_guest_sdk::contract::{
    AdapterError, Decoded, Descriptor, EncodeContext, Encoded, Inbound, Location,
};
use wharf_guest_sdk::{Adapter, error, export_adapter};

use crate::interchange::{Interchange, Message, MessageKind};
use crate::settings::Settings;

pub const ADAPTER_ID: &str = "edifact";
pub const ADAPTER_VERSION: &str = "0.1.0";

/// The `edifact` adapter.
pub struct EdifactAdapter;

impl Adapter for EdifactAdapter {
    fn describe() -> Descriptor {
        let documents = [
            DocType::PurchaseOrder,
            DocType::OrderChange,
            DocType::OrderResponse,
            DocType::ShipNotice,
            DocType::Invoice,
            DocType::FunctionalAck,
        ];
        let mut descriptor = wharf_guest_sdk::descriptor(
            ADAPTER_ID,
            ADAPTER_VERSION,
            &["UN/EDIFACT D.96A", "UN/EDIFACT D.01B"],
            &documents,
            &documents[..5],
        );
        descriptor.acknowledges = true;
        descriptor.config_keys = settings::config_keys();
        descriptor
    }

    fn decode(input: Inbound) -> Result<Decoded, AdapterError> {
        let raw = syntax::tokenize(&input.bytes)?;
        let (interchanges, warnings) = interchange::read(&raw, settings::strict_counts())?;
        let mut documents = Vec::new();
        let mut rejected = Vec::new();
        for interchange in &interchanges {
            for message in &interchange.messages {
                let document = match &message.refused {
                    Some(refusal) => Err(refusal.clone()),
                    None => decode_message(interchange, message),
                };
                match document {
                    Ok(document) => documents.push(document),
                    // One message's content does not spoil the others: the host answers it
                    // with UCM 4 and processes the rest. Framing that cannot be followed has
                    // already failed the whole decode above.
                    Err(refusal) => rejected.push(at_its_message(refusal, message)),
                }
            }
        }
        if documents.is_empty() && !rejected.is_empty() {
            return Err(nothing_usable(rejected));
        }
        Ok(Decoded {
            documents,
            warnings,
            rejected,
        })
    }

    fn encode(
        document: CanonicalDocument,
        context: EncodeContext,
    ) -> Result<Encoded, AdapterError> {
        let settings = Settings::load()?;
        let mark = settings.separators.decimal;
        let (kind, body) = match &document.body {
            Document::PurchaseOrder(po) => (MessageKind::Orders, orders::write(po, mark)?),
            Document::OrderChange(change) => (MessageKind::Ordchg, ordchg::write(change, mark)?),
            Document::OrderResponse(response) => {
                (MessageKind::Ordrsp, ordrsp::write(response, mark)?)
            }
            Document::ShipNotice(notice) => (MessageKind::Desadv, desadv::write(notice, mark)?),
            Document::Invoice(invoice) => (MessageKind::Invoic, invoic::write(invoice, mark)?),
            other => {
                return Err(error::unsupported(format!(
                    "{ADAPTER_ID} {ADAPTER_VERSION} writes purchase orders (ORDERS), order \
                     changes (ORDCHG), order responses (ORDRSP), ship notices (DESADV) and invoices (INVOIC), not {}; \
                     functional acknowledgments are written by acknowledge",
                    document_name(other)
                )));
            }
        };
        let (sender, receiver) = settings::partners(&document.envelope)?;
        let frame = envelope::Frame {
            settings: &settings,
            sender: &sender,
            receiver: &receiver,
            message_type: kind.code(),
            version: (&settings.version.0, &settings.version.1),
            association_code: settings.association_code.as_deref(),
            test: settings.test || document.envelope.test,
        };
        let (bytes, envelope) = envelope::write(&frame, &context, body)?;
        Ok(Encoded {
            bytes,
            content_type: "application/EDIFACT".to_owned(),
            envelope,
        })
    }

    fn acknowledge(
        ack: FunctionalAck,
        context: EncodeContext,
    ) -> Result<Option<Encoded>, AdapterError> {
        contrl::acknowledge(&ack, &context).map(Some)
    }
}

fn decode_message(
    interchange: &Interchange,
    message: &Message,
) -> Result<CanonicalDocument, AdapterError> {
    let envelope = envelope::read(interchange, message)?;
    let body = match message.kind {
        MessageKind::Orders => Document::PurchaseOrder(orders::read(message)?),
        MessageKind::Ordchg => Document::OrderChange(ordchg::read(message)?),
        MessageKind::Ordrsp => Document::OrderResponse(ordrsp::read(message)?),
        MessageKind::Desadv => Document::ShipNotice(desadv::read(message)?),
        MessageKind::Invoic => Document::Invoice(invoic::read(message)?),
        MessageKind::Contrl => Document::FunctionalAck(contrl::read(message)?),
    };
    Ok(CanonicalDocument { envelope, body })
}

/// A refusal names the message it refuses, so the host can answer it with UCM: one without a
/// location of its own is placed at the message's UNH.
fn at_its_message(refusal: AdapterError, message: &Message) -> AdapterError {
    let at = message.context.locate(&message.unh, None, None);
    refusal.or_at(Location::Segment(at))
}

/// The decode error when every message was refused: the refusal itself when there was one
/// message, else the first with how many there were.
fn nothing_usable(mut rejected: Vec<AdapterError>) -> AdapterError {
    let count = rejected.len();
    let mut first = rejected.swap_remove(0);
    if count > 1 {
        first.message = format!(
            "all {count} messages were refused; the first: {}",
            first.message
        );
    }
    first
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

export_adapter!(EdifactAdapter);
