//! Where each segment of a flat IDoc came from, so an error the mappings locate at an XML path
//! (`/ORDERS05/IDOC/E1EDP01[2]/MENGE`) can be told at the line and column a partner sees in
//! the file (`line 7, column 75`, `E1EDP01.MENGE: …`).

use wharf_guest_sdk::contract::{AdapterError, Location};

use super::widths::Layout;

/// One segment read from a flat file.
pub(super) struct Place {
    /// The path the segment's element has in the tree, as the XML reader would give it.
    pub path: String,
    /// The segment type (`E1EDP01`, `EDI_DC40`), as errors name it.
    pub segment: String,
    pub line: u32,
    /// The column (1-based) where the record's fields start: 1 for the control record, 64 for
    /// the data part of a data record.
    pub first_column: usize,
    pub layout: Layout,
}

/// Every segment of one flat IDoc, in file order.
#[derive(Default)]
pub struct Places {
    pub(super) segments: Vec<Place>,
}

impl Places {
    /// `error` located at the line and column its XML path stands for, its message led by the
    /// segment and field (`E1EDP01.MENGE: "12,5X" is not a decimal number`). Errors located
    /// otherwise, or at a path no segment of this IDoc explains, are returned as they are.
    pub fn relocate(&self, error: AdapterError) -> AdapterError {
        let Some(Location::XmlPath(path)) = &error.location else {
            return error;
        };
        let place = self
            .segments
            .iter()
            .filter(|place| {
                path.strip_prefix(place.path.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            })
            .max_by_key(|place| place.path.len());
        let Some(place) = place else {
            return error;
        };
        let rest = path[place.path.len()..].trim_start_matches('/');
        let (column, label) = if rest.is_empty() {
            (1, place.segment.clone())
        } else {
            let column = place
                .layout
                .position(rest)
                .map_or(1, |(offset, _)| place.first_column + offset);
            (column, format!("{}.{rest}", place.segment))
        };
        AdapterError {
            kind: error.kind,
            message: format!("{label}: {}", error.message),
            location: None,
        }
        .at_text(place.line, column_number(column))
    }
}

/// A column as the contract's `u32`; a flat record is at most 1063 characters long.
pub(super) fn column_number(column: usize) -> u32 {
    u32::try_from(column).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_guest_sdk::error;

    fn places() -> Places {
        Places {
            segments: vec![
                Place {
                    path: "/ORDERS05/IDOC/E1EDP01[1]".to_owned(),
                    segment: "E1EDP01".to_owned(),
                    line: 5,
                    first_column: 64,
                    layout: Layout::Standard(super::super::widths::segment("E1EDP01").unwrap()),
                },
                Place {
                    path: "/ORDERS05/IDOC/E1EDP01[10]".to_owned(),
                    segment: "E1EDP01".to_owned(),
                    line: 40,
                    first_column: 64,
                    layout: Layout::Standard(super::super::widths::segment("E1EDP01").unwrap()),
                },
            ],
        }
    }

    #[test]
    fn a_field_path_becomes_its_line_and_column() {
        let e = error::validation("\"12,5X\" is not a decimal number")
            .at_xml("/ORDERS05/IDOC/E1EDP01[10]/MENGE");
        // MENGE follows POSEX 6, ACTION 3, PSTYP 1 and KZABS 1 in the data part at column 64.
        assert_eq!(
            error::render(&places().relocate(e)),
            "validation error at line 40, column 75: E1EDP01.MENGE: \"12,5X\" is not a decimal number"
        );
    }

    #[test]
    fn a_segment_path_is_its_line_and_other_locations_stay() {
        let e = error::validation("no items").at_xml("/ORDERS05/IDOC/E1EDP01[1]");
        assert_eq!(
            error::render(&places().relocate(e)),
            "validation error at line 5, column 1: E1EDP01: no items"
        );
        let e = error::validation("elsewhere").at_xml("/ORDERS05/IDOC/E1EDP01[1]X/MENGE");
        assert_eq!(
            error::render(&places().relocate(e)),
            "validation error at /ORDERS05/IDOC/E1EDP01[1]X/MENGE: elsewhere"
        );
        let e = error::validation("unplaced").at_text(3, 4);
        assert_eq!(
            error::render(&places().relocate(e)),
            "validation error at line 3, column 4: unplaced"
        );
    }
}
