//! Why processing a message did not succeed, and whether that is the document's fault or a
//! passing one.
//!
//! A [`Failure`] is the document's own fault (syntax, validation, unsupported, an order it may
//! not touch): the message is failed with it, located, until someone reprocesses it. A
//! [`Fault::Transient`] is the world's (store busy, adapter not installed, a deadline hit while
//! the host was overloaded): the message goes back to the queue and is tried again.

use serde::Serialize;

use crate::model::validate::Violation;
use crate::sandbox::{CallError, ErrorLocation, LimitBreach, LoadedAdapter};

/// A message's own fault, as stored on it and shown by the API.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Failure {
    /// Stable code: `adapter.syntax`, `adapter.limit`, `document.invalid`, `order.unknown`, …
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<ErrorLocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adapter: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub violations: Vec<Violation>,
}

impl Failure {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Failure {
            code: code.into(),
            message: message.into(),
            location: None,
            adapter: None,
            violations: Vec::new(),
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_else(|_| serde_json::json!({"code": self.code}))
    }
}

/// How processing stopped short.
// One value per failed call, moved once: boxing the failure would only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// The document's own fault: fail the message.
    Document(Failure),
    /// A passing fault: try again later.
    Transient(String),
}

/// Times a message may run into its adapter's deadline before the deadline counts as the
/// document's fault rather than the host's load.
pub const DEADLINE_RETRIES: i64 = 3;

impl Fault {
    /// Classifies an adapter call's error. `attempts` is how often the message was claimed.
    pub fn from_call(error: CallError, adapter: &LoadedAdapter, attempts: i64) -> Fault {
        let reference = adapter.info.reference();
        let mut failure = match &error {
            CallError::Rejected(f) => {
                let mut failure =
                    Failure::new(format!("adapter.{}", f.kind.as_str()), f.message.clone());
                failure.location = f.location.clone();
                failure
            }
            // A deadline hit under load says nothing about the document; one hit again and
            // again does.
            CallError::Limit {
                breach: LimitBreach::Time { .. },
                ..
            } if attempts < DEADLINE_RETRIES => {
                return Fault::Transient(error.to_string());
            }
            // The host's fault, not the document's: the operator restores the adapter.
            CallError::Unavailable { .. } => return Fault::Transient(error.to_string()),
            CallError::Limit { .. } => Failure::new("adapter.limit", error.to_string()),
            CallError::Trap { .. } => Failure::new("adapter.trap", error.to_string()),
            CallError::BadOutput { .. } => Failure::new("adapter.output", error.to_string()),
        };
        failure.adapter = Some(reference);
        Fault::Document(failure)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_serialize_without_empty_parts() {
        let json = Failure::new("order.unknown", "no such order").to_json();
        assert_eq!(
            json,
            serde_json::json!({"code": "order.unknown", "message": "no such order"})
        );
    }
}
