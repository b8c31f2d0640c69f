//! One row of a batch seen through the agreement's column mapping: each field's text, read as
//! text, decimal or date, with errors located at the row's line and the field's column.

use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::csv::Record;
use wharf_guest_sdk::{decimal, error};

use crate::settings::{Column, Settings};

/// Where each mapped field is in this file's rows, once the header (if any) is read.
#[derive(Debug, Clone)]
pub struct Columns {
    /// `(field name, 0-based index, label for messages)`.
    found: Vec<(&'static str, usize, String)>,
    /// How many fields the header has, when there is one.
    pub width: Option<usize>,
}

impl Columns {
    /// Finds the mapped columns in `header` (or takes their positions). A required field with
    /// neither a column nor a default stops the whole batch: no row could be read.
    pub fn resolve(settings: &Settings, header: Option<&Record>) -> Result<Self, AdapterError> {
        let mut found = Vec::new();
        for mapped in &settings.columns {
            let name = mapped.field.name;
            let at = match (&mapped.column, header) {
                (Column::Named(label), Some(header)) => header
                    .fields()
                    .iter()
                    .position(|h| h.trim().eq_ignore_ascii_case(label))
                    .map(|index| (index, label.clone())),
                (Column::Position(index), _) => Some((*index, format!("column {}", index + 1))),
                (Column::Named(_), None) => None,
            };
            match at {
                Some((index, label)) => found.push((name, index, label)),
                None if mapped.field.required && settings.default_of(name).is_none() => {
                    let Column::Named(label) = &mapped.column else {
                        unreachable!("positions are always found")
                    };
                    return Err(error::validation(format!(
                        "the header has no column {label:?} for {name} (columns.{name}), which every row needs"
                    ))
                    .at_text(header.map_or(1, Record::line), 1));
                }
                None => {}
            }
        }
        Ok(Columns {
            found,
            width: header.map(Record::len),
        })
    }

    fn of(&self, field: &str) -> Option<(usize, &str)> {
        self.found
            .iter()
            .find(|(name, _, _)| *name == field)
            .map(|(_, index, label)| (*index, label.as_str()))
    }
}

/// A record with the batch's columns and settings.
#[derive(Clone, Copy)]
pub struct Row<'a> {
    pub record: &'a Record,
    pub columns: &'a Columns,
    pub settings: &'a Settings,
}

impl Row<'_> {
    /// The field's text, trimmed; its default where the column is absent or the cell empty.
    pub fn text(&self, field: &str) -> Option<String> {
        self.columns
            .of(field)
            .and_then(|(index, _)| self.record.get(index))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .or_else(|| self.settings.default_of(field))
    }

    /// `error` located at the field's column (or the row's first, when it has none).
    pub fn error_at(&self, field: &str, error: AdapterError) -> AdapterError {
        let index = self.columns.of(field).map_or(0, |(index, _)| index);
        self.record.error_at(index, error)
    }

    fn label(&self, field: &str) -> String {
        match self.columns.of(field) {
            Some((_, label)) if !label.eq_ignore_ascii_case(field) => {
                format!("{field} (column {label:?})")
            }
            _ => field.to_owned(),
        }
    }

    pub fn required(&self, field: &str) -> Result<String, AdapterError> {
        self.text(field).ok_or_else(|| {
            self.error_at(
                field,
                error::validation(format!("{} is empty", self.label(field))),
            )
        })
    }

    /// A decimal written with the agreement's decimal mark, in its canonical spelling.
    pub fn decimal(&self, field: &str) -> Result<Option<String>, AdapterError> {
        let Some(text) = self.text(field) else {
            return Ok(None);
        };
        decimal::normalize_with_mark(&text, self.settings.decimal_mark)
            .map(Some)
            .map_err(|_| {
                self.error_at(
                    field,
                    error::validation(format!(
                        "{}: {text:?} is not a decimal with {:?} as decimal mark",
                        self.label(field),
                        self.settings.decimal_mark
                    )),
                )
            })
    }

    pub fn required_decimal(&self, field: &str) -> Result<String, AdapterError> {
        self.required(field)?;
        Ok(self.decimal(field)?.unwrap_or_default())
    }

    /// A date in the agreement's date format, as ISO 8601.
    pub fn date(&self, field: &str) -> Result<Option<String>, AdapterError> {
        let Some(text) = self.text(field) else {
            return Ok(None);
        };
        self.settings
            .date_format
            .read(&text)
            .map(Some)
            .map_err(|why| {
                self.error_at(
                    field,
                    error::validation(format!("{}: {why}", self.label(field))),
                )
            })
    }

    /// A row with more fields than the header most often holds an unquoted delimiter (a
    /// decimal comma in a comma-separated file); reading it by position would shift values
    /// into the wrong fields.
    pub fn check_width(&self) -> Result<(), AdapterError> {
        match self.columns.width {
            Some(width) if self.record.len() > width => Err(self.record.error_at(
                width,
                error::validation(format!(
                    "the row has {} fields where the header has {width}; a value holding the delimiter must be quoted",
                    self.record.len()
                )),
            )),
            _ => Ok(()),
        }
    }
}

/// A decimal in the canonical spelling, written with the agreement's decimal mark.
pub fn write_decimal(value: &str, settings: &Settings) -> String {
    if settings.decimal_mark == '.' {
        value.to_owned()
    } else {
        value.replace('.', &settings.decimal_mark.to_string())
    }
}
