//! Reading a batch: records into rows, rows grouped into documents by their key, and each
//! document built or refused as a whole. A bad row never hides the good documents: it goes to
//! `rejected` with its line and column, and takes down only the document it belongs to.

use std::collections::HashMap;

use wharf_guest_sdk::canonical::Document;
use wharf_guest_sdk::contract::{AdapterError, Location};
use wharf_guest_sdk::csv::{self, Record};
use wharf_guest_sdk::error;

use crate::layout::Batch;
use crate::rows::{Columns, Row};
use crate::settings::Settings;
use crate::{invoice, purchase_order, ship_notice, supplier};

/// What a batch held: its documents, and every refused row with the reason.
pub struct Read {
    pub documents: Vec<Document>,
    pub rejected: Vec<AdapterError>,
}

/// Reads the batch in `bytes`. Fails as a whole only when no row can be read: a bad header,
/// a required column missing, or no good document at all.
pub fn read(bytes: &[u8], settings: &Settings) -> Result<Read, AdapterError> {
    let mut records = csv::read(bytes, &settings.dialect);
    let header = if settings.header {
        match records.next() {
            Some(header) => Some(header?),
            None => return Err(error::validation("the file is empty").at_text(1, 1)),
        }
    } else {
        None
    };
    let columns = Columns::resolve(settings, header.as_ref())?;
    let mut rejected = Vec::new();
    // A record that cannot be read (not UTF-8, an unclosed quote) still tells, in its lossy
    // form, which document it belonged to, so that document is refused with it.
    let mut read: Vec<(Record, Option<AdapterError>)> = Vec::new();
    for record in records {
        match record {
            Ok(record) => read.push((record, None)),
            Err(bad) => read.push((bad.lossy, Some(bad.error))),
        }
    }
    let key = settings.batch.key();
    // Documents keep the order their first rows have in the file.
    let mut groups: Vec<Group> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (record, unreadable) in &read {
        let row = Row {
            record,
            columns: &columns,
            settings,
        };
        let value = match row.required(key) {
            Ok(value) => value,
            Err(e) => {
                rejected.push(unreadable.clone().unwrap_or_else(|| {
                    let mut e = e;
                    e.message = format!(
                        "{}, so the row belongs to no {}",
                        e.message,
                        settings.batch.words()
                    );
                    e
                }));
                continue;
            }
        };
        let at = *index.entry(value.clone()).or_insert_with(|| {
            groups.push(Group {
                key: value,
                rows: Vec::new(),
                unreadable: Vec::new(),
            });
            groups.len() - 1
        });
        match unreadable {
            None => groups[at].rows.push(row),
            Some(e) => groups[at].unreadable.push(e.clone()),
        }
    }
    let mut documents = Vec::new();
    for group in &groups {
        match build(settings.batch, group) {
            Ok(document) => documents.push(document),
            Err(errors) => rejected.extend(errors.into_iter().map(|mut e| {
                e.message = format!(
                    "{}; {} {} is refused as a whole",
                    e.message,
                    settings.batch.words(),
                    group.key
                );
                e
            })),
        }
    }
    // The report reads top to bottom, as the partner's file does.
    rejected.sort_by_key(|e| match &e.location {
        Some(Location::Text(at)) => (at.line, at.column),
        _ => (0, 0),
    });
    if documents.is_empty() {
        return Err(nothing_usable(rejected));
    }
    Ok(Read {
        documents,
        rejected,
    })
}

/// The rows of one document, and the reasons of those that could not be read.
struct Group<'a> {
    key: String,
    rows: Vec<Row<'a>>,
    unreadable: Vec<AdapterError>,
}

fn build(batch: Batch, group: &Group) -> Result<Document, Vec<AdapterError>> {
    let rows = group.rows.as_slice();
    let mut errors = group.unreadable.clone();
    if rows.is_empty() {
        return Err(errors);
    }
    for row in rows {
        if let Err(e) = row.check_width() {
            errors.push(e);
        }
    }
    let document = match batch {
        Batch::PurchaseOrder => {
            purchase_order::read(rows, &mut errors).map(Document::PurchaseOrder)
        }
        Batch::ShipNotice => ship_notice::read(rows, &mut errors).map(Document::ShipNotice),
        Batch::Invoice => invoice::read(rows, &mut errors).map(Document::Invoice),
        Batch::Supplier => supplier::read(rows, &mut errors).map(Document::Supplier),
    };
    match document {
        Some(document) if errors.is_empty() => Ok(document),
        _ => Err(errors),
    }
}

fn nothing_usable(mut rejected: Vec<AdapterError>) -> AdapterError {
    if rejected.is_empty() {
        return error::validation("the file has no rows").at_text(1, 1);
    }
    let more = rejected.len() - 1;
    let mut first = rejected.swap_remove(0);
    if more > 0 {
        first.message = format!("{} (and {more} more rows refused)", first.message);
    }
    first
}

/// Collects a row's result, keeping its error for the report.
pub fn keep<T>(result: Result<T, AdapterError>, errors: &mut Vec<AdapterError>) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
}

/// A document-level field: the first row that gives a value gives it to the document; a later
/// row giving another value is an error at that row, since it cannot say which is meant.
pub fn document_text(rows: &[Row], field: &str, errors: &mut Vec<AdapterError>) -> Option<String> {
    let mut first: Option<(String, u32)> = None;
    for row in rows {
        let Some(value) = row.text(field) else {
            continue;
        };
        match &first {
            None => first = Some((value, row.record.line())),
            Some((seen, line)) if *seen != value => errors.push(row.error_at(
                field,
                error::validation(format!(
                    "{field} {value:?} differs from {seen:?} on line {line} of the same document"
                )),
            )),
            Some(_) => {}
        }
    }
    first.map(|(value, _)| value)
}

/// The row that gives a document-level field its value, to read it as a date or decimal.
pub fn document_row<'a>(rows: &[Row<'a>], field: &str) -> Option<Row<'a>> {
    rows.iter().find(|row| row.text(field).is_some()).copied()
}

/// Line numbers must be unique within a document (the host refuses a document that repeats
/// one); a repeat is an error at the row that repeats it, where the partner can fix it.
pub fn unique_line_numbers(rows: &[Row], errors: &mut Vec<AdapterError>) {
    let mut seen: HashMap<String, u32> = HashMap::new();
    for row in rows {
        let Some(number) = row.text("line_number") else {
            continue;
        };
        if let Some(first) = seen.get(&number) {
            errors.push(row.error_at(
                "line_number",
                error::validation(format!(
                    "line number {number:?} appears twice in the same document (first on line {first})"
                )),
            ));
        } else {
            seen.insert(number, row.record.line());
        }
    }
}
