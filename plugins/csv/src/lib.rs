//! Wharf's adapter for flat-file batches (CSV): purchase-order lines, ship-notice lines,
//! invoice lines and supplier master data, in both directions, laid out as the agreement's configuration says.
//!
//! # Layout
//!
//! - [`settings`]: the agreement's configuration (document type, delimiter, header or
//!   positions, decimal mark, date format, `columns.<field>`), validated before any row.
//! - [`layout`]: the fields each batch type has, and its key.
//! - [`rows`]: one row through the column mapping, each value read with its line and column.
//! - [`batch`]: rows grouped into documents by their key; a bad row refuses its document and
//!   no other.
//! - [`purchase_order`], [`ship_notice`], [`invoice`], [`supplier`]: rows into documents and
//!   back.
//! - [`common`], [`dates`]: parties, item identifiers, dates, the cells of a written row.
//!
//! Files are read with [`wharf_guest_sdk::csv`]. A bad row goes to `decoded.rejected`, located
//! at its line and the column (field position, from 1) of the bad value; the documents of the
//! good rows are returned.

// Every fallible function returns the contract's `AdapterError`, whose size the WIT record
// fixes; boxing it would only be unboxed again at the component boundary.
#![allow(clippy::result_large_err)]

pub mod batch;
pub mod common;
pub mod dates;
pub mod invoice;
pub mod layout;
pub mod purchase_order;
pub mod rows;
pub mod settings;
pub mod ship_notice;
pub mod supplier;

use wharf_guest_sdk::canonical::{CanonicalDocument, DocType, Document, FunctionalAck};
use wharf_guest_sdk::contract::{
    AdapterError, Decoded, Descriptor, EncodeContext, Encoded, Inbound,
};
use wharf_guest_sdk::csv::Writer;
use wharf_guest_sdk::{Adapter, error, export_adapter};

use crate::common::Cells;
use crate::layout::Batch;
use crate::settings::{Column, Settings};

/// The adapter's id, as agreements name it.
pub const ADAPTER_ID: &str = "csv";

/// The standard named in the envelopes this adapter makes.
pub const STANDARD: &str = "csv";

/// The version named in those envelopes: the file syntax, since the layout is the agreement's.
pub const VERSION: &str = "RFC 4180";

/// The CSV batch adapter.
pub struct CsvAdapter;

const DOCUMENTS: [DocType; 3] = [
    DocType::PurchaseOrder,
    DocType::ShipNotice,
    DocType::Invoice,
];

impl Adapter for CsvAdapter {
    fn describe() -> Descriptor {
        let mut descriptor = wharf_guest_sdk::descriptor(
            ADAPTER_ID,
            "0.1.0",
            &["CSV (RFC 4180)"],
            &DOCUMENTS,
            &DOCUMENTS,
        );
        descriptor.config_keys = settings::config_keys();
        descriptor
    }

    fn decode(input: Inbound) -> Result<Decoded, AdapterError> {
        let settings = Settings::load()?;
        // A UTF-8 byte-order mark says more about the file than the agreement can.
        let bytes = if input.bytes.starts_with(b"\xEF\xBB\xBF") {
            std::borrow::Cow::Borrowed(input.bytes.as_slice())
        } else {
            settings.encoding.0.to_utf8(&input.bytes)
        };
        let read = batch::read(&bytes, &settings)?;
        let documents = read
            .documents
            .into_iter()
            .map(|body| {
                let mut envelope = wharf_guest_sdk::envelope(STANDARD, VERSION);
                envelope.message_type = Some(settings.batch.name().to_owned());
                CanonicalDocument { envelope, body }
            })
            .collect();
        Ok(Decoded {
            documents,
            warnings: Vec::new(),
            rejected: read.rejected,
        })
    }

    fn encode(
        document: CanonicalDocument,
        context: EncodeContext,
    ) -> Result<Encoded, AdapterError> {
        let settings = Settings::load()?;
        let rows = match (&document.body, settings.batch) {
            (Document::PurchaseOrder(po), Batch::PurchaseOrder) => {
                purchase_order::write(po, &settings)
            }
            (Document::ShipNotice(notice), Batch::ShipNotice) => {
                ship_notice::write(notice, &settings)
            }
            (Document::Invoice(invoice), Batch::Invoice) => invoice::write(invoice, &settings),
            (Document::Supplier(supplier), Batch::Supplier) => supplier::write(supplier, &settings),
            (_, batch) => {
                return Err(error::unsupported(format!(
                    "this agreement's CSV layout is for {} batches (`document` = {}); it cannot carry this document",
                    batch.words(),
                    batch.name()
                )));
            }
        };
        if rows.is_empty() {
            return Err(error::validation(format!(
                "the {} has no lines, and a CSV batch is one row per line",
                settings.batch.words()
            )));
        }
        check_required_columns(&settings)?;
        let mut envelope = wharf_guest_sdk::envelope(STANDARD, VERSION);
        envelope.message_type = Some(settings.batch.name().to_owned());
        envelope.interchange_control = Some(context.control_number);
        let text = write(&rows, &settings);
        let bytes = settings.encoding.0.from_utf8(&text).map_err(|c| {
            error::validation(format!(
                "{c:?} cannot be written in {}, the agreement's `encoding`",
                settings.encoding.1
            ))
        })?;
        Ok(Encoded {
            bytes,
            content_type: "text/csv".to_owned(),
            envelope,
        })
    }

    fn acknowledge(_: FunctionalAck, _: EncodeContext) -> Result<Option<Encoded>, AdapterError> {
        // Flat files have no functional acknowledgment.
        Ok(None)
    }
}

/// A file written without a column decode needs could not be read back.
fn check_required_columns(settings: &Settings) -> Result<(), AdapterError> {
    for field in settings.batch.fields().iter().filter(|f| f.required) {
        let mapped = settings.columns.iter().any(|m| m.field.name == field.name);
        if !mapped && settings.default_of(field.name).is_none() {
            return Err(error::configuration(format!(
                "`columns.{}` is not set, and every row needs {}",
                field.name, field.name
            )));
        }
    }
    Ok(())
}

/// The rows in the agreement's layout: a header row when it has one, each mapped field in its
/// column, empty cells in the positions no field maps.
fn write(rows: &[Cells], settings: &Settings) -> String {
    let mut writer = Writer::new(settings.dialect);
    let place = |index: usize, m: &settings::Mapped| match &m.column {
        Column::Position(p) => *p,
        Column::Named(_) => index,
    };
    let width = settings
        .columns
        .iter()
        .enumerate()
        .map(|(i, m)| place(i, m) + 1)
        .max()
        .unwrap_or(0);
    let line = |value: &dyn Fn(&settings::Mapped) -> String| {
        let mut cells = vec![String::new(); width];
        for (i, m) in settings.columns.iter().enumerate() {
            cells[place(i, m)] = value(m);
        }
        cells
    };
    if settings.header {
        writer.record(line(&|m| match &m.column {
            Column::Named(label) => label.clone(),
            Column::Position(_) => m.field.name.to_owned(),
        }));
    }
    for row in rows {
        writer.record(line(&|m| {
            row.get(m.field.name).unwrap_or_default().to_owned()
        }));
    }
    writer.finish()
}

export_adapter!(CsvAdapter);
