//! `<ConfirmationRequest>` against the canonical [`OrderResponse`](wharf_guest_sdk::canonical::OrderResponse):
//! the code tables both directions share, with [`decode`] and [`encode`] beside them.
//!
//! | `ConfirmationHeader@type` | response status |
//! | --- | --- |
//! | `accept` | Accepted |
//! | `reject` | Rejected |
//! | `detail`, `allDetail`, `except`, `backordered`, `replace` | AcceptedWithChanges |
//!
//! | `ConfirmationStatus@type` | line status |
//! | --- | --- |
//! | `accept` | Accepted |
//! | `reject` | Rejected |
//! | `detail` | Changed |
//! | `backordered` | Backordered |
//! | `unknown` | Pending |
//!
//! The source's code is kept as `status_code`; an encoder writes it back when it still means
//! the status, else the first code of the status in the table.

pub mod decode;
pub mod encode;
pub mod line;

use wharf_guest_sdk::canonical::{LineStatus, ResponseStatus};

const HEADER_TYPES: &[(&str, ResponseStatus)] = &[
    ("accept", ResponseStatus::Accepted),
    ("reject", ResponseStatus::Rejected),
    ("detail", ResponseStatus::AcceptedWithChanges),
    ("allDetail", ResponseStatus::AcceptedWithChanges),
    ("except", ResponseStatus::AcceptedWithChanges),
    ("backordered", ResponseStatus::AcceptedWithChanges),
    ("replace", ResponseStatus::AcceptedWithChanges),
];

const STATUS_TYPES: &[(&str, LineStatus)] = &[
    ("accept", LineStatus::Accepted),
    ("reject", LineStatus::Rejected),
    ("detail", LineStatus::Changed),
    ("backordered", LineStatus::Backordered),
    ("unknown", LineStatus::Pending),
];

/// The response status a `ConfirmationHeader@type` stands for.
pub fn response_status(code: &str) -> Option<ResponseStatus> {
    HEADER_TYPES
        .iter()
        .find(|(name, _)| *name == code)
        .map(|(_, status)| *status)
}

/// The line status a `ConfirmationStatus@type` stands for.
pub fn line_status(code: &str) -> Option<LineStatus> {
    STATUS_TYPES
        .iter()
        .find(|(name, _)| *name == code)
        .map(|(_, status)| *status)
}

/// The `ConfirmationHeader@type` to write: `code` when it means `status`, else the table's
/// first for it. Pending has none: cXML confirms decisions, not their absence.
pub fn header_type(status: ResponseStatus, code: Option<&str>) -> Option<&str> {
    code.filter(|c| response_status(c) == Some(status))
        .or_else(|| {
            HEADER_TYPES
                .iter()
                .find(|(_, s)| *s == status)
                .map(|(name, _)| *name)
        })
}

/// The `ConfirmationStatus@type` to write, by the same rule. A deleted line is confirmed as
/// rejected, the nearest cXML has.
pub fn status_type(status: LineStatus, code: Option<&str>) -> &str {
    let status = if status == LineStatus::Deleted {
        LineStatus::Rejected
    } else {
        status
    };
    code.filter(|c| line_status(c) == Some(status))
        .or_else(|| {
            STATUS_TYPES
                .iter()
                .find(|(_, s)| *s == status)
                .map(|(name, _)| *name)
        })
        .unwrap_or("unknown")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_header_type_maps_and_writes_back() {
        for (code, status) in HEADER_TYPES {
            assert_eq!(response_status(code), Some(*status));
            assert_eq!(header_type(*status, Some(code)), Some(*code));
        }
        assert_eq!(response_status("requestToPay"), None);
        assert_eq!(
            header_type(ResponseStatus::AcceptedWithChanges, None),
            Some("detail")
        );
        assert_eq!(
            header_type(ResponseStatus::Accepted, Some("detail")),
            Some("accept")
        );
        assert_eq!(header_type(ResponseStatus::Pending, None), None);
    }

    #[test]
    fn every_status_type_maps_and_writes_back() {
        for (code, status) in STATUS_TYPES {
            assert_eq!(line_status(code), Some(*status));
            assert_eq!(status_type(*status, Some(code)), *code);
        }
        assert_eq!(line_status("except"), None);
        assert_eq!(status_type(LineStatus::Changed, Some("ZZ")), "detail");
        assert_eq!(status_type(LineStatus::Deleted, None), "reject");
    }
}
