//! Building [`AdapterError`]s that tell a partner what is wrong and exactly where.
//!
//! ```
//! use wharf_guest_sdk::error;
//! let e = error::validation("\"12.5X\" is not a decimal").at_xml("/ORDERS05/IDOC/E1EDP01[2]/MENGE");
//! assert_eq!(error::render(&e), "validation error at /ORDERS05/IDOC/E1EDP01[2]/MENGE: \"12.5X\" is not a decimal");
//! ```

use std::fmt;

use crate::contract::{AdapterError, ErrorKind, Location, SegmentLocation, TextLocation};

fn new(kind: ErrorKind, message: impl Into<String>) -> AdapterError {
    AdapterError {
        kind,
        message: message.into(),
        location: None,
    }
}

/// The bytes do not follow the standard's syntax.
pub fn syntax(message: impl Into<String>) -> AdapterError {
    new(ErrorKind::Syntax, message)
}

/// A message type, version or feature this adapter does not handle.
pub fn unsupported(message: impl Into<String>) -> AdapterError {
    new(ErrorKind::Unsupported, message)
}

/// Content that breaks a rule of the standard or the model.
pub fn validation(message: impl Into<String>) -> AdapterError {
    new(ErrorKind::Validation, message)
}

/// The agreement's configuration for the adapter is missing or wrong.
pub fn configuration(message: impl Into<String>) -> AdapterError {
    new(ErrorKind::Configuration, message)
}

impl AdapterError {
    /// Locates the error at an XML path such as `/cXML/Request/OrderRequest/ItemOut[3]/@quantity`.
    pub fn at_xml(mut self, path: impl Into<String>) -> Self {
        self.location = Some(Location::XmlPath(path.into()));
        self
    }

    /// Locates the error at a line and column of a text file (both 1-based).
    pub fn at_text(mut self, line: u32, column: u32) -> Self {
        self.location = Some(Location::Text(TextLocation { line, column }));
        self
    }

    /// Locates the error at a segment (and element) of a segment-based message.
    pub fn at_segment(mut self, segment: SegmentLocation) -> Self {
        self.location = Some(Location::Segment(segment));
        self
    }

    /// Keeps an existing location, or sets this one when there is none.
    pub fn or_at(mut self, location: Location) -> Self {
        if self.location.is_none() {
            self.location = Some(location);
        }
        self
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorKind::Syntax => "syntax",
            ErrorKind::Unsupported => "unsupported",
            ErrorKind::Validation => "validation",
            ErrorKind::Configuration => "configuration",
        })
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::XmlPath(path) => f.write_str(path),
            Location::Text(TextLocation { line, column }) => {
                write!(f, "line {line}, column {column}")
            }
            Location::Segment(s) => {
                let mut sep = "";
                for (label, value) in [
                    ("interchange", &s.interchange),
                    ("group", &s.group),
                    ("message", &s.message),
                ] {
                    if let Some(value) = value {
                        write!(f, "{sep}{label} {value}")?;
                        sep = ", ";
                    }
                }
                write!(f, "{sep}segment {} ({})", s.position, s.segment_id)?;
                if let Some(element) = s.element {
                    write!(f, ", element {element:02}")?;
                }
                if let Some(component) = s.component {
                    write!(f, ", component {component}")?;
                }
                Ok(())
            }
        }
    }
}

/// The error as one line for people: kind, location, message. (The bindings' own `Display`
/// shows the record's fields instead.)
pub fn render(error: &AdapterError) -> String {
    let mut out = format!("{} error", error.kind);
    if let Some(location) = &error.location {
        out.push_str(&format!(" at {location}"));
    }
    out.push_str(": ");
    out.push_str(&error.message);
    out
}
