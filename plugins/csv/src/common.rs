//! What the three batch types share: document dates and parties read from the rows, item
//! identifiers from a row, and the cells a written row is made of.

use wharf_guest_sdk::canonical::{DateKind, Dated, Identifier, Party};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::id;

use crate::batch::{document_row, document_text, keep};
use crate::layout::{Kind, Level};
use crate::rows::{Row, write_decimal};
use crate::settings::Settings;

/// A document-level date, as the canonical date of `kind`.
pub fn document_date(
    rows: &[Row],
    field: &str,
    kind: DateKind,
    errors: &mut Vec<AdapterError>,
) -> Option<Dated> {
    document_text(rows, field, errors)?;
    let value = keep(document_row(rows, field)?.date(field), errors)??;
    Some(dated(kind, value))
}

pub fn dated(kind: DateKind, value: String) -> Dated {
    Dated {
        kind,
        value,
        qualifier: None,
    }
}

/// The document's parties: one per party field the rows give, identified in the field's scheme.
pub fn parties(rows: &[Row], errors: &mut Vec<AdapterError>) -> Vec<Party> {
    let settings = rows[0].settings;
    let mut parties = Vec::new();
    for field in settings.batch.fields() {
        let Kind::Party(role) = field.kind else {
            continue;
        };
        if let Some(value) = document_text(rows, field.name, errors) {
            parties.push(Party {
                role,
                role_code: None,
                ids: vec![id(settings.scheme_of(field), value)],
                name: None,
                address: None,
                contacts: Vec::new(),
            });
        }
    }
    parties
}

/// The row's item identifiers, each in its field's scheme.
pub fn item_ids(row: &Row) -> Vec<Identifier> {
    row.settings
        .batch
        .fields()
        .iter()
        .filter(|f| f.level == Level::Row && matches!(f.kind, Kind::Id(_)))
        .filter_map(|f| Some(id(row.settings.scheme_of(f), row.text(f.name)?)))
        .collect()
}

/// The dates of `kind` among `dates`, for writing the first.
pub fn date_of(dates: &[Dated], kind: DateKind) -> Option<&str> {
    dates
        .iter()
        .find(|d| d.kind == kind)
        .map(|d| d.value.as_str())
}

/// The cells of one written row, by field name.
#[derive(Debug, Clone, Default)]
pub struct Cells(pub Vec<(&'static str, String)>);

impl Cells {
    pub fn text(&mut self, field: &'static str, value: Option<&str>) {
        if let Some(value) = value {
            self.0.push((field, value.to_owned()));
        }
    }

    pub fn decimal(&mut self, field: &'static str, value: Option<&str>, settings: &Settings) {
        self.text(field, value.map(|v| write_decimal(v, settings)).as_deref());
    }

    pub fn date(&mut self, field: &'static str, value: Option<&str>, settings: &Settings) {
        self.text(
            field,
            value.map(|v| settings.date_format.write(v)).as_deref(),
        );
    }

    /// The party fields, each the id of its role in the field's scheme (or its first id).
    pub fn parties(&mut self, parties: &[Party], settings: &Settings) {
        for field in settings.batch.fields() {
            let Kind::Party(role) = field.kind else {
                continue;
            };
            let scheme = settings.scheme_of(field);
            let value = parties
                .iter()
                .filter(|p| p.role == role)
                .find_map(|p| pick(&p.ids, &scheme));
            self.text(field.name, value);
        }
    }

    /// The item fields, each the id in the field's scheme.
    pub fn items(&mut self, ids: &[Identifier], settings: &Settings) {
        for field in settings.batch.fields() {
            if let (Level::Row, Kind::Id(_)) = (field.level, field.kind) {
                let scheme = settings.scheme_of(field);
                let value = ids
                    .iter()
                    .find(|i| i.scheme == scheme)
                    .map(|i| i.value.as_str());
                self.text(field.name, value);
            }
        }
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(name, _)| *name == field)
            .map(|(_, value)| value.as_str())
    }
}

fn pick<'a>(ids: &'a [Identifier], scheme: &str) -> Option<&'a str> {
    ids.iter()
        .find(|i| i.scheme == scheme)
        .or_else(|| ids.first())
        .map(|i| i.value.as_str())
}
