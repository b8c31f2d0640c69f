//! The `x12` reference adapter: ANSI ASC X12 (004010, and 004060/005010 where they differ)
//! for 850, 855, 856, 860, 865, 810, 842 and 997, in both directions, and reads 999s.
//!
//! A file may hold several interchanges, each with several functional groups, each with
//! several transaction sets; every transaction set becomes one canonical document, its
//! envelope naming ISA13, GS06 and ST02. Delimiters are read from each ISA, never assumed.
//! A set that fails (its content, a syntax note, or in strict mode its SE) is returned in
//! `rejected` with its location while the others are read; only an envelope that cannot be
//! followed, or an interchange with no usable set, fails the whole decode.
//!
//! # Layout
//!
//! - [`syntax`]: bytes into segments, delimiters from ISA; [`envelope`]: ISA/GS/ST nesting and
//!   trailer checks (strict or lenient); [`control`]: the canonical envelope, read and written.
//! - [`reader`], [`writer`]: located element reading and extensions kept; building segments.
//! - [`syntax_notes`]: the standard's P/R/E/C/L relations between elements, checked on read.
//! - [`codes`]: code tables; [`common`], [`parties`], [`items`]: segments the sets share.
//! - One module per transaction set: [`purchase_order`] (850, with [`notes_005010`] for
//!   005010's N9/MSG notes), [`order_response`] (855, 865), [`order_change`] (860),
//!   [`ship_notice`] (856), [`invoice`] (810), [`quality`] (842, the nonconformance report as
//!   a quality notification), [`functional_ack`] (997, and 999 read as one).
//! - [`settings`]: the agreement's configuration keys.

// Every fallible function returns the contract's `AdapterError`, whose size the WIT record
// fixes; boxing it would only be unboxed again at the component boundary.
#![allow(clippy::result_large_err)]

pub mod codes;
pub mod common;
pub mod control;
pub mod envelope;
pub mod functional_ack;
pub mod invoice;
pub mod items;
pub mod notes_005010;
pub mod order_change;
pub mod order_response;
pub mod parties;
pub mod purchase_order;
pub mod quality;
pub mod reader;
pub mod settings;
pub mod ship_notice;
pub mod syntax;
pub mod syntax_notes;
pub mod writer;

use wharf_guest_sdk::canonical::{CanonicalDocument, DocType, Document, FunctionalAck};
use wharf_guest_sdk::contract::{
    AdapterError, Decoded, Descriptor, EncodeContext, Encoded, Inbound, Location,
};
use wharf_guest_sdk::{Adapter, date, error, export_adapter};

use crate::envelope::{Checks, Transaction};
use crate::reader::{Place, Seg};
use crate::settings::Settings;

pub const ADAPTER_ID: &str = "x12";
pub const ADAPTER_VERSION: &str = "0.1.0";
pub const CONTENT_TYPE: &str = "application/edi-x12";

/// The `x12` adapter.
pub struct X12Adapter;

impl Adapter for X12Adapter {
    fn describe() -> Descriptor {
        let documents = [
            DocType::PurchaseOrder,
            DocType::OrderResponse,
            DocType::OrderChange,
            DocType::ShipNotice,
            DocType::Invoice,
            DocType::QualityNotification,
            DocType::FunctionalAck,
        ];
        let mut descriptor = wharf_guest_sdk::descriptor(
            ADAPTER_ID,
            ADAPTER_VERSION,
            &[
                "ANSI ASC X12 004010",
                "ANSI ASC X12 004060",
                "ANSI ASC X12 005010",
            ],
            &documents,
            &documents,
        );
        descriptor.acknowledges = true;
        descriptor.config_keys = settings::config_keys();
        descriptor
    }

    fn decode(input: Inbound) -> Result<Decoded, AdapterError> {
        let mut checks = Checks {
            strict: settings::strict()?,
            warnings: Vec::new(),
        };
        let mut documents = Vec::new();
        let mut rejected = Vec::new();
        for raw in syntax::tokenize(&input.bytes)? {
            let interchange = envelope::structure(raw, &mut checks)?;
            for group in &interchange.groups {
                control::check_version(&interchange, group)?;
                for transaction in &group.transactions {
                    let envelope = control::read(&interchange, group, transaction)?;
                    let place = Place {
                        interchange: interchange.control().to_owned(),
                        group: group.control().to_owned(),
                        message: transaction.control().to_owned(),
                        set_id: transaction.set_id().to_owned(),
                        component: char::from(interchange.delimiters.component),
                        version: control::version_of(&interchange, group),
                        strict: checks.strict,
                        warnings: Default::default(),
                    };
                    let body = match &transaction.refused {
                        Some(refusal) => Err(refusal.clone()),
                        None => read_transaction(transaction, &place),
                    };
                    checks.warnings.append(&mut place.warnings.borrow_mut());
                    match body {
                        Ok(body) => documents.push(CanonicalDocument { envelope, body }),
                        // One set's content does not spoil the others: the host answers it
                        // with AK5*R and processes the rest. Syntax that breaks the envelope
                        // has already failed the whole decode above.
                        Err(refusal) => rejected.push(at_its_set(refusal, transaction, &place)),
                    }
                }
            }
        }
        if documents.is_empty() && !rejected.is_empty() {
            return Err(nothing_usable(rejected));
        }
        Ok(Decoded {
            documents,
            warnings: checks.warnings,
            rejected,
        })
    }

    fn encode(
        document: CanonicalDocument,
        context: EncodeContext,
    ) -> Result<Encoded, AdapterError> {
        let today = date::to_compact(&context.timestamp)
            .map_err(|e| error::validation(format!("the interchange timestamp: {e}")))?
            .0;
        let (set_id, segments) = match &document.body {
            Document::PurchaseOrder(po) => {
                let version = settings::version_of(Some(&document.envelope));
                ("850", purchase_order::write(po, &today, &version)?)
            }
            Document::OrderResponse(response) => {
                let set = order_response::Set::for_document(response, &document.envelope);
                (set.id(), order_response::write(response, set)?)
            }
            Document::OrderChange(change) => ("860", order_change::write(change)?),
            Document::ShipNotice(notice) => ("856", ship_notice::write::write(notice)?),
            Document::Invoice(invoice) => ("810", invoice::write::write(invoice)?),
            Document::QualityNotification(q) => ("842", quality::write(q, &today)?),
            Document::FunctionalAck(ack) => ("997", functional_ack::write(ack)?),
            other => {
                return Err(error::unsupported(format!(
                    "{ADAPTER_ID} {ADAPTER_VERSION} writes 850, 855, 856, 860, 865, 810, 842 \
                     and 997, not {}",
                    document_name(other)
                )));
            }
        };
        // Settings are checked after the document, so a bad document is reported as such
        // even where the agreement is incomplete too.
        let settings = Settings::load(Some(&document.envelope))?;
        encoded(&settings, &context, set_id, segments)
    }

    fn acknowledge(
        ack: FunctionalAck,
        context: EncodeContext,
    ) -> Result<Option<Encoded>, AdapterError> {
        let segments = functional_ack::write(&ack)?;
        let settings = Settings::load(None)?;
        encoded(&settings, &context, "997", segments).map(Some)
    }
}

fn encoded(
    settings: &Settings,
    context: &EncodeContext,
    set_id: &str,
    segments: Vec<writer::Out>,
) -> Result<Encoded, AdapterError> {
    let (text, envelope) = control::frame(settings, context, set_id, |w| w.put_all(&segments))?;
    Ok(Encoded {
        bytes: text.into_bytes(),
        content_type: CONTENT_TYPE.to_owned(),
        envelope,
    })
}

fn read_transaction(transaction: &Transaction, place: &Place) -> Result<Document, AdapterError> {
    let segments = &transaction.segments;
    for (i, segment) in segments.iter().enumerate() {
        syntax_notes::check(Seg {
            segment,
            position: i as u32 + 1,
            place,
            previous: None,
        })?;
    }
    Ok(match transaction.set_id() {
        "850" => Document::PurchaseOrder(purchase_order::read(segments, place)?),
        "855" => Document::OrderResponse(order_response::read(
            segments,
            place,
            order_response::Set::Order,
        )?),
        "865" => Document::OrderResponse(order_response::read(
            segments,
            place,
            order_response::Set::Change,
        )?),
        "860" => Document::OrderChange(order_change::read(segments, place)?),
        "856" => Document::ShipNotice(ship_notice::read::read(segments, place)?),
        "810" => Document::Invoice(invoice::read::read(segments, place)?),
        "842" => Document::QualityNotification(quality::read(segments, place)?),
        "997" | "999" => Document::FunctionalAck(functional_ack::read(segments, place)?),
        other => {
            let st = segments
                .first()
                .ok_or_else(|| error::syntax("a transaction set without ST"))?;
            let seg = Seg {
                segment: st,
                position: 1,
                place,
                previous: None,
            };
            return Err(error::unsupported(format!(
                "transaction set {other:?} is not supported; the adapter reads 850, 855, 856, \
                 860, 865, 810, 842, 997 and 999"
            ))
            .at_segment(seg.location(Some(1))));
        }
    })
}

/// A refusal names the set it refuses, so the host can answer it with AK5: one without a
/// location of its own is placed at the set's ST.
fn at_its_set(refusal: AdapterError, transaction: &Transaction, place: &Place) -> AdapterError {
    match transaction.segments.first() {
        Some(st) => {
            let at = Seg {
                segment: st,
                position: 1,
                place,
                previous: None,
            };
            refusal.or_at(Location::Segment(at.location(None)))
        }
        None => refusal,
    }
}

/// The decode error when every transaction set was refused: the refusal itself when there
/// was one set, else the first with how many there were.
fn nothing_usable(mut rejected: Vec<AdapterError>) -> AdapterError {
    let count = rejected.len();
    let mut first = rejected.swap_remove(0);
    if count > 1 {
        first.message = format!(
            "all {count} transaction sets were refused; the first: {}",
            first.message
        );
    }
    first
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

export_adapter!(X12Adapter);
