//! [`AdapterFailure`]: an adapter's typed error in host terms, with the location it gave
//! (segment and element, XML path, or line and column), ready for the API and the store.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::bindings::{self, ErrorKind, Location};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    Syntax,
    Unsupported,
    Validation,
    Configuration,
}

impl FailureKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::Syntax => "syntax",
            FailureKind::Unsupported => "unsupported",
            FailureKind::Validation => "validation",
            FailureKind::Configuration => "configuration",
        }
    }
}

/// Where in the input an error is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorLocation {
    Segment {
        interchange: Option<String>,
        group: Option<String>,
        message: Option<String>,
        /// The message's type (X12 ST01, EDIFACT UNH 0065), when the adapter knows it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message_type: Option<String>,
        position: u32,
        segment_id: String,
        element: Option<u32>,
        component: Option<u32>,
    },
    XmlPath(String),
    Text {
        line: u32,
        column: u32,
    },
}

impl fmt::Display for ErrorLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorLocation::XmlPath(path) => f.write_str(path),
            ErrorLocation::Text { line, column } => write!(f, "line {line}, column {column}"),
            ErrorLocation::Segment {
                interchange,
                group,
                message,
                position,
                segment_id,
                element,
                component,
                ..
            } => {
                for (label, value) in [
                    ("interchange", interchange),
                    ("group", group),
                    ("message", message),
                ] {
                    if let Some(value) = value {
                        write!(f, "{label} {value}, ")?;
                    }
                }
                write!(f, "segment {position} ({segment_id})")?;
                if let Some(element) = element {
                    write!(f, ", element {element:02}")?;
                }
                if let Some(component) = component {
                    write!(f, ", component {component}")?;
                }
                Ok(())
            }
        }
    }
}

/// An error the adapter returned on purpose: the input is wrong, unsupported or the agreement's
/// configuration is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdapterFailure {
    pub kind: FailureKind,
    pub message: String,
    pub location: Option<ErrorLocation>,
}

impl fmt::Display for AdapterFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} error", self.kind.as_str())?;
        if let Some(location) = &self.location {
            write!(f, " at {location}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl From<bindings::AdapterError> for AdapterFailure {
    fn from(e: bindings::AdapterError) -> Self {
        AdapterFailure {
            kind: match e.kind {
                ErrorKind::Syntax => FailureKind::Syntax,
                ErrorKind::Unsupported => FailureKind::Unsupported,
                ErrorKind::Validation => FailureKind::Validation,
                ErrorKind::Configuration => FailureKind::Configuration,
            },
            message: e.message,
            location: e.location.map(|l| match l {
                Location::Segment(s) => ErrorLocation::Segment {
                    interchange: s.interchange,
                    group: s.group,
                    message: s.message,
                    message_type: s.message_type,
                    position: s.position,
                    segment_id: s.segment_id,
                    element: s.element,
                    component: s.component,
                },
                Location::XmlPath(path) => ErrorLocation::XmlPath(path),
                Location::Text(t) => ErrorLocation::Text {
                    line: t.line,
                    column: t.column,
                },
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_segment_locations_like_the_x12_issue_asks() {
        let failure = AdapterFailure {
            kind: FailureKind::Validation,
            message: "\"12.5X\" is not a decimal".into(),
            location: Some(ErrorLocation::Segment {
                interchange: None,
                group: None,
                message: Some("ST 0003".into()),
                message_type: Some("850".into()),
                position: 14,
                segment_id: "PO1".into(),
                element: Some(4),
                component: None,
            }),
        };
        assert_eq!(
            failure.to_string(),
            "validation error at message ST 0003, segment 14 (PO1), element 04: \"12.5X\" is not a decimal"
        );
        let json = serde_json::to_value(&failure).unwrap();
        assert_eq!(json["location"]["segment"]["segment_id"], "PO1");
    }
}
