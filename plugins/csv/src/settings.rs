//! The agreement's configuration for a CSV batch, read and checked before any row is: which
//! document the rows make, how the file is delimited, how numbers and dates are written, and
//! which column holds which field. Every key is listed in [`config_keys`] and the README.

use wharf_guest_sdk::config;
use wharf_guest_sdk::contract::{AdapterError, ConfigKey};
use wharf_guest_sdk::csv::{Dialect, Encoding, LineEnding};
use wharf_guest_sdk::error;

use crate::dates::DateFormat;
use crate::layout::{Batch, Field, Kind};

/// Where a field's value stands in a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column {
    /// Under the header of this name (compared ignoring case and surrounding blanks).
    Named(String),
    /// At this 0-based position (the setting counts from 1).
    Position(usize),
}

/// A field the agreement maps to a column.
#[derive(Debug, Clone)]
pub struct Mapped {
    pub field: &'static Field,
    pub column: Column,
}

/// The validated settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub batch: Batch,
    pub dialect: Dialect,
    /// The first row names the columns.
    pub header: bool,
    pub decimal_mark: char,
    pub date_format: DateFormat,
    /// The file's character encoding, and its name as configured.
    pub encoding: (Encoding, String),
    /// The mapped fields, in the order they are written.
    pub columns: Vec<Mapped>,
}

impl Settings {
    pub fn load() -> Result<Self, AdapterError> {
        let document = config::require("document")?;
        let batch = Batch::ALL
            .iter()
            .find(|(name, _)| *name == document)
            .map(|(_, batch)| *batch)
            .ok_or_else(|| {
                error::configuration(format!(
                    "`document` is {document:?}; expected purchase_order, ship_notice, invoice or supplier"
                ))
            })?;
        let header = match config::get_or("header", "true").as_str() {
            "true" => true,
            "false" => false,
            other => {
                return Err(error::configuration(format!(
                    "`header` is {other:?}; expected true or false"
                )));
            }
        };
        let dialect = Dialect {
            delimiter: one_byte("delimiter", ",")?,
            quote: one_byte("quote", "\"")?,
            line_ending: match config::get_or("line_ending", "crlf").as_str() {
                "crlf" => LineEnding::CrLf,
                "lf" => LineEnding::Lf,
                other => {
                    return Err(error::configuration(format!(
                        "`line_ending` is {other:?}; expected crlf or lf"
                    )));
                }
            },
        };
        let decimal_mark = match config::get_or("decimal_mark", ".").as_str() {
            "." => '.',
            "," => ',',
            other => {
                return Err(error::configuration(format!(
                    "`decimal_mark` is {other:?}; expected . or ,"
                )));
            }
        };
        let date_format = DateFormat::new(&config::get_or("date_format", "YYYY-MM-DD"))
            .map_err(|why| error::configuration(format!("`date_format`: {why}")))?;
        let encoding_name = config::get_or("encoding", "utf-8");
        let encoding = Encoding::from_name(&encoding_name).ok_or_else(|| {
            error::configuration(format!(
                "`encoding` is {encoding_name:?}; expected utf-8, iso-8859-1 or windows-1252"
            ))
        })?;
        let columns = columns(batch, header)?;
        Ok(Settings {
            encoding: (encoding, encoding_name),
            batch,
            dialect,
            header,
            decimal_mark,
            date_format,
            columns,
        })
    }

    /// The value rows without this field's column take (`defaults.<field>`).
    pub fn default_of(&self, field: &str) -> Option<String> {
        config::get(&format!("defaults.{field}")).filter(|v| !v.trim().is_empty())
    }

    /// The identifier scheme of an id or party field (`schemes.<field>`).
    pub fn scheme_of(&self, field: &Field) -> String {
        let default = match field.kind {
            Kind::Id(scheme) => scheme,
            _ => "buyer",
        };
        config::get_or(&format!("schemes.{}", field.name), default)
    }
}

fn one_byte(key: &str, default: &str) -> Result<u8, AdapterError> {
    let value = config::get_or(key, default);
    let value = match value.as_str() {
        "tab" | "\\t" => "\t",
        other => other,
    };
    match value.as_bytes() {
        [b] if b.is_ascii() && !matches!(b, b'\r' | b'\n') => Ok(*b),
        _ => Err(error::configuration(format!(
            "`{key}` is {value:?}; expected one ASCII character (or `tab`)"
        ))),
    }
}

/// `columns.<field>` for every field of the batch; when the agreement sets none, every field
/// under its own name (or, without a header, at its place in the table).
fn columns(batch: Batch, header: bool) -> Result<Vec<Mapped>, AdapterError> {
    let mut mapped = Vec::new();
    for field in batch.fields() {
        let key = format!("columns.{}", field.name);
        let Some(value) = config::get(&key) else {
            continue;
        };
        let value = value.trim().to_owned();
        let column = if header {
            if value.is_empty() {
                return Err(error::configuration(format!("`{key}` is empty")));
            }
            Column::Named(value)
        } else {
            match value.parse::<usize>() {
                Ok(position) if position >= 1 => Column::Position(position - 1),
                _ => {
                    return Err(error::configuration(format!(
                        "`{key}` is {value:?}; without a header row a column is its position, counted from 1"
                    )));
                }
            }
        };
        mapped.push(Mapped { field, column });
    }
    if mapped.is_empty() {
        mapped = batch
            .fields()
            .iter()
            .enumerate()
            .map(|(index, field)| Mapped {
                field,
                column: if header {
                    Column::Named(field.name.to_owned())
                } else {
                    Column::Position(index)
                },
            })
            .collect();
    }
    for (i, a) in mapped.iter().enumerate() {
        if let Some(b) = mapped[i + 1..]
            .iter()
            .find(|b| same_column(&a.column, &b.column))
        {
            return Err(error::configuration(format!(
                "`columns.{}` and `columns.{}` name the same column",
                a.field.name, b.field.name
            )));
        }
    }
    if !header {
        mapped.sort_by_key(|m| match m.column {
            Column::Position(p) => p,
            Column::Named(_) => usize::MAX,
        });
    }
    Ok(mapped)
}

fn same_column(a: &Column, b: &Column) -> bool {
    match (a, b) {
        (Column::Named(a), Column::Named(b)) => a.eq_ignore_ascii_case(b),
        (Column::Position(a), Column::Position(b)) => a == b,
        _ => false,
    }
}

/// The keys the adapter reads, for its descriptor.
pub fn config_keys() -> Vec<ConfigKey> {
    let key = |name: &str, required: bool, description: &str| ConfigKey {
        name: name.to_owned(),
        description: description.to_owned(),
        required,
    };
    vec![
        key(
            "document",
            true,
            "what the rows are: purchase_order, ship_notice, invoice or supplier",
        ),
        key(
            "header",
            false,
            "true (default) when the first row names the columns",
        ),
        key(
            "delimiter",
            false,
            "one character, default `,`; `tab` for tab",
        ),
        key("quote", false, "the quoting character, default `\"`"),
        key("decimal_mark", false, "`.` (default) or `,`"),
        key(
            "date_format",
            false,
            "YYYY-MM-DD (default, ISO 8601 with time allowed), or a pattern of YYYY, MM, DD and separators such as DD.MM.YYYY or YYYYMMDD",
        ),
        key(
            "line_ending",
            false,
            "what encode ends rows with: crlf (default) or lf",
        ),
        key(
            "columns.<field>",
            false,
            "the column holding <field>: its header text, or its position from 1 without a header; when none is set, every field under its own name",
        ),
        key(
            "defaults.<field>",
            false,
            "the value of <field> where its column is absent or empty, e.g. defaults.unit = PCE",
        ),
        key(
            "schemes.<field>",
            false,
            "the identifier scheme of an item, party or supplier id field (item: buyer, supplier_item: supplier, tax_id: vat, others: buyer)",
        ),
    ]
}
