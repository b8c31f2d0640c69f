//! Reading IDoc segments, the layer every mapping module reads through.
//!
//! [`Segment`] hands out a segment's fields (trimmed, blank meaning absent) with errors located
//! at the exact element, and remembers which fields and child segments the mapping used.
//! Whatever it did not use becomes extensions through [`Segment::leftovers`], so a field the
//! canonical model has no place for is carried, not dropped; [`crate::output::restore`] puts
//! them back on the way out.
//!
//! Extension keys follow the element nesting: `idoc.E1EDK17.LKOND` is field LKOND of segment
//! E1EDK17; a repeated segment carries its position, `idoc.E1EDP20[2].AMENG`, exactly as its
//! XML path does.

use wharf_guest_sdk::canonical::Extension;
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::xml::Element;
use wharf_guest_sdk::{date, decimal, error, text_extension};

/// Attribute SAP puts on every segment of an XML IDoc.
pub const SEGMENT_MARK: &str = "SEGMENT";

/// A segment being read, with the record of what the mapping has used.
pub struct Segment<'a> {
    element: &'a Element,
    used: Vec<bool>,
}

impl<'a> Segment<'a> {
    pub fn new(element: &'a Element) -> Self {
        Segment {
            element,
            used: vec![false; element.children.len()],
        }
    }

    pub fn path(&self) -> &'a str {
        &self.element.path
    }

    /// The path of one of this segment's fields, for error locations.
    pub fn field_path(&self, field: &str) -> String {
        format!("{}/{field}", self.element.path)
    }

    /// The segment's own name with its position among same-named siblings, as in its path
    /// (`E1EDP20[2]`, or `E1EDK01` when it is the only one).
    pub fn key_name(&self) -> &'a str {
        let path = self.element.path.as_str();
        match path.rfind('/') {
            Some(at) if !path[at + 1..].is_empty() => &path[at + 1..],
            _ => &self.element.name,
        }
    }

    fn field_index(&self, field: &str) -> Option<usize> {
        self.element
            .children
            .iter()
            .position(|c| c.name == field && is_field(c))
    }

    /// The trimmed value of `field`, `None` when it is absent or blank. Marks it used.
    pub fn text(&mut self, field: &str) -> Option<&'a str> {
        let index = self.field_index(field)?;
        self.used[index] = true;
        self.element.children[index].trimmed()
    }

    /// The trimmed value of `field` without marking it used, for values a mapping takes only
    /// in some cases (see [`Segment::consume`]).
    pub fn peek(&self, field: &str) -> Option<&'a str> {
        let element = self.element;
        self.field_index(field)
            .and_then(|index| element.children[index].trimmed())
    }

    /// Marks `field` used without reading it.
    pub fn consume(&mut self, field: &str) {
        if let Some(index) = self.field_index(field) {
            self.used[index] = true;
        }
    }

    /// Like [`Segment::text`], but trims only the end: leading blanks of a text line are
    /// content (indentation, or the space a continued line starts with).
    pub fn text_line(&mut self, field: &str) -> Option<&'a str> {
        let index = self.field_index(field)?;
        self.used[index] = true;
        Some(self.element.children[index].text.trim_end()).filter(|t| !t.is_empty())
    }

    /// The value of `field`, or a validation error at the field saying what it is for.
    pub fn require(&mut self, field: &str, meaning: &str) -> Result<&'a str, AdapterError> {
        self.text(field).ok_or_else(|| {
            error::validation(format!(
                "<{}> has no {field} ({meaning})",
                self.element.name
            ))
            .at_xml(self.field_path(field))
        })
    }

    /// The decimal in `field`, normalized; SAP's trailing minus (`12.50-`) is understood.
    pub fn decimal(&mut self, field: &str) -> Result<Option<String>, AdapterError> {
        match self.text(field) {
            None => Ok(None),
            Some(text) => sap_decimal(text)
                .map(Some)
                .map_err(|e| error::validation(e.to_string()).at_xml(self.field_path(field))),
        }
    }

    /// The date in `date_field` (`CCYYMMDD`) with the time in `time_field` (`HHMMSS`), as ISO
    /// 8601. SAP's initial date `00000000` counts as absent.
    pub fn date(
        &mut self,
        date_field: &str,
        time_field: &str,
    ) -> Result<Option<String>, AdapterError> {
        let day = self.text(date_field);
        let time = self.text(time_field);
        let Some(day) = day.filter(|d| d.bytes().any(|b| b != b'0')) else {
            return Ok(None);
        };
        date::from_compact(day, None)
            .map_err(|e| error::validation(e.to_string()).at_xml(self.field_path(date_field)))?;
        date::from_compact(day, time)
            .map(Some)
            .map_err(|e| error::validation(e.to_string()).at_xml(self.field_path(time_field)))
    }

    /// Every child segment named `name`, in document order. Marks them used.
    pub fn segments(&mut self, name: &str) -> Vec<Segment<'a>> {
        let element = self.element;
        let mut found = Vec::new();
        for (index, child) in element.children.iter().enumerate() {
            if child.name == name && !is_field(child) {
                self.used[index] = true;
                found.push(Segment::new(child));
            }
        }
        found
    }

    /// Keeps every field and child segment the mapping did not use as a text extension under
    /// `prefix`: `PREFIX.FIELD`, `PREFIX.CHILD.FIELD`, `PREFIX.CHILD[2].FIELD`.
    pub fn leftovers(&self, prefix: &str, out: &mut Vec<Extension>) {
        for (child, used) in self.element.children.iter().zip(&self.used) {
            if *used {
                continue;
            }
            if is_field(child) {
                if let Some(value) = child.trimmed() {
                    out.push(text_extension(format!("{prefix}.{}", child.name), value));
                }
            } else {
                let nested = Segment::new(child);
                nested.leftovers(&format!("{prefix}.{}", nested.key_name()), out);
            }
        }
    }
}

/// A field is a leaf element; a segment has children or carries SAP's SEGMENT mark.
pub fn is_field(element: &Element) -> bool {
    element.children.is_empty() && element.get(SEGMENT_MARK).is_none()
}

/// Normalizes a decimal as SAP writes it, sign possibly trailing (`1250.00-`).
pub fn sap_decimal(text: &str) -> Result<String, decimal::DecimalError> {
    let trimmed = text.trim();
    match trimmed.strip_suffix('-') {
        Some(unsigned) if !unsigned.starts_with(['-', '+']) => {
            decimal::normalize(&format!("-{unsigned}")).map_err(|_| decimal::DecimalError {
                text: text.to_owned(),
            })
        }
        _ => decimal::normalize(trimmed),
    }
}

/// Builds the text key part for each of a run of qualifiers: the qualifier itself, or
/// `QUAL[n]` when the same qualifier occurs more than once, so keys stay unique and decoding
/// and encoding number the same segments alike.
pub fn occurrence_keys<'q>(qualifiers: impl IntoIterator<Item = &'q str>) -> Vec<String> {
    let qualifiers: Vec<&str> = qualifiers.into_iter().collect();
    let mut seen: Vec<(&str, usize)> = Vec::new();
    qualifiers
        .iter()
        .map(|q| {
            let total = qualifiers.iter().filter(|o| *o == q).count();
            let count = match seen.iter_mut().find(|(s, _)| s == q) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    seen.push((q, 1));
                    1
                }
            };
            if total > 1 {
                format!("{q}[{count}]")
            } else {
                (*q).to_owned()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_guest_sdk::xml;

    fn parsed(text: &str) -> Element {
        xml::parse(text.as_bytes()).expect("test XML parses")
    }

    #[test]
    fn unused_fields_and_segments_become_extensions() {
        let root = parsed(
            "<E1EDP01 SEGMENT=\"1\"><POSEX>00010</POSEX><NETWR> 12.50 </NETWR><EMPTY/>\
             <E1EDP20 SEGMENT=\"1\"><WMENG>1</WMENG></E1EDP20>\
             <E1EDP20 SEGMENT=\"1\"><WMENG>2</WMENG><AMENG>2</AMENG></E1EDP20>\
             <E1EDP05 SEGMENT=\"1\"><KSCHL>PB00</KSCHL></E1EDP05></E1EDP01>",
        );
        let mut line = Segment::new(&root);
        assert_eq!(line.text("POSEX"), Some("00010"));
        let mut schedules = line.segments("E1EDP20");
        assert_eq!(schedules[1].key_name(), "E1EDP20[2]");
        assert_eq!(schedules[1].text("WMENG"), Some("2"));
        let mut out = Vec::new();
        schedules[1].leftovers("idoc.E1EDP01.E1EDP20[2]", &mut out);
        line.leftovers("idoc.E1EDP01", &mut out);
        let keys: Vec<_> = out.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "idoc.E1EDP01.E1EDP20[2].AMENG",
                "idoc.E1EDP01.NETWR",
                "idoc.E1EDP01.E1EDP05.KSCHL"
            ]
        );
    }

    #[test]
    fn bad_values_are_located_at_their_field() {
        let root = parsed(
            "<E1EDP01><MENGE>12.5X</MENGE><DATUM>20261301</DATUM><D2>20260101</D2><T2>2599</T2></E1EDP01>",
        );
        let mut line = Segment::new(&root);
        let err = line.decimal("MENGE").unwrap_err();
        assert_eq!(
            error::render(&err),
            "validation error at /E1EDP01/MENGE: \"12.5X\" is not a decimal number"
        );
        let err = line.date("DATUM", "UZEIT").unwrap_err();
        assert!(error::render(&err).starts_with("validation error at /E1EDP01/DATUM:"));
        let err = line.date("D2", "T2").unwrap_err();
        assert!(error::render(&err).starts_with("validation error at /E1EDP01/T2:"));
    }

    #[test]
    fn sap_signs_and_initial_dates() {
        assert_eq!(sap_decimal(" 1250.00-").unwrap(), "-1250");
        assert_eq!(sap_decimal("10.000").unwrap(), "10");
        assert!(sap_decimal("1-2-").is_err());
        assert!(sap_decimal("--1").is_err());
        let root = parsed("<K><DATUM>00000000</DATUM></K>");
        assert_eq!(Segment::new(&root).date("DATUM", "UZEIT").unwrap(), None);
    }

    #[test]
    fn repeated_qualifiers_are_numbered() {
        assert_eq!(
            occurrence_keys(["AG", "WE", "WE", "LF"]),
            ["AG", "WE[1]", "WE[2]", "LF"]
        );
    }
}
