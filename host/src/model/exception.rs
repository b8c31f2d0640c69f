//! Exceptions as the domain names them: what went wrong ([`ExceptionKind`]), where its
//! handling stands ([`ExceptionState`]), and what an operator may do about it
//! ([`ExceptionAction`]). The names are stable snake_case: they are stored, configured
//! (`[exceptions] owners`) and filtered on through the admin API.
//!
//! ```text
//! open ──acknowledge──▶ acknowledged ──resolve | override──▶ resolved
//!   └──────────────────resolve | override───────────────────────▲
//! ```

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What kind of thing needs someone's attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExceptionKind {
    /// A business document (invoice, ship notice, order response) that arrived before under
    /// other control numbers; held, not processed twice.
    Duplicate,
    /// A later document names an order its sender has none under.
    UnknownOrder,
    /// A document that breaks the model's rules.
    Validation,
    /// A delivery that ran out of attempts.
    DeliveryFailed,
    /// A partner rejected what was sent (a functional acknowledgment, an order response).
    Rejected,
    /// An acknowledgment or response that did not come in time.
    Overdue,
    /// An invoice that does not match its order and receipts.
    Mismatch,
    /// A document names a line its order lacks, one rejected or cancelled, or counts it in
    /// another unit.
    LineMismatch,
    /// More shipped than is due, beyond the delivery tolerance.
    OverShipment,
    /// More received than was shipped, beyond the delivery tolerance.
    OverReceipt,
    /// A receipt or an invoice under a quality hold: its deliveries wait for the release.
    QualityHold,
    /// A supplier record that breaks the onboarding rules: an expired or missing
    /// certification, a bad identifier or bank account (see `suppliers::rules`).
    SupplierCompliance,
    /// A functional acknowledgment (997, CONTRL) answering nothing Wharf sent to its sender.
    UnmatchedAck,
}

impl ExceptionKind {
    pub const ALL: [ExceptionKind; 13] = [
        ExceptionKind::Duplicate,
        ExceptionKind::UnknownOrder,
        ExceptionKind::Validation,
        ExceptionKind::DeliveryFailed,
        ExceptionKind::Rejected,
        ExceptionKind::Overdue,
        ExceptionKind::Mismatch,
        ExceptionKind::LineMismatch,
        ExceptionKind::OverShipment,
        ExceptionKind::OverReceipt,
        ExceptionKind::QualityHold,
        ExceptionKind::SupplierCompliance,
        ExceptionKind::UnmatchedAck,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ExceptionKind::Duplicate => "duplicate",
            ExceptionKind::UnknownOrder => "unknown_order",
            ExceptionKind::Validation => "validation",
            ExceptionKind::DeliveryFailed => "delivery_failed",
            ExceptionKind::Rejected => "rejected",
            ExceptionKind::Overdue => "overdue",
            ExceptionKind::Mismatch => "mismatch",
            ExceptionKind::LineMismatch => "line_mismatch",
            ExceptionKind::OverShipment => "over_shipment",
            ExceptionKind::OverReceipt => "over_receipt",
            ExceptionKind::QualityHold => "quality_hold",
            ExceptionKind::SupplierCompliance => "supplier_compliance",
            ExceptionKind::UnmatchedAck => "unmatched_ack",
        }
    }

    /// What may be done about an exception of this kind besides acknowledging it. Retrying
    /// makes sense where the cause may go away (the order arrives, the endpoint recovers);
    /// releasing and overriding where something is held on purpose.
    pub fn actions(self) -> &'static [ExceptionAction] {
        use ExceptionAction::*;
        match self {
            ExceptionKind::Duplicate => &[Override, Resolve],
            ExceptionKind::UnknownOrder | ExceptionKind::Validation => &[Retry, Resolve],
            ExceptionKind::DeliveryFailed => &[Retry, Resolve],
            ExceptionKind::Rejected | ExceptionKind::Overdue => &[Resolve],
            ExceptionKind::UnmatchedAck => &[Retry, Resolve],
            ExceptionKind::Mismatch => &[Release, Override, Resolve],
            ExceptionKind::LineMismatch
            | ExceptionKind::OverShipment
            | ExceptionKind::OverReceipt
            | ExceptionKind::QualityHold => &[Resolve],
            // The record is stored as it came; someone renews the certificate or corrects
            // the record, or accepts it as it is.
            ExceptionKind::SupplierCompliance => &[Override, Resolve],
        }
    }
}

impl fmt::Display for ExceptionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not one of the exception kinds.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown exception type {0:?}; expected one of {kinds}", kinds = kind_names())]
pub struct UnknownExceptionKind(pub String);

fn kind_names() -> String {
    ExceptionKind::ALL.map(ExceptionKind::as_str).join(", ")
}

impl FromStr for ExceptionKind {
    type Err = UnknownExceptionKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ExceptionKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownExceptionKind(s.to_owned()))
    }
}

/// Where an exception's handling stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExceptionState {
    Open,
    /// Someone owns it and is on it.
    Acknowledged,
    Resolved,
}

impl ExceptionState {
    pub const ALL: [ExceptionState; 3] = [
        ExceptionState::Open,
        ExceptionState::Acknowledged,
        ExceptionState::Resolved,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ExceptionState::Open => "open",
            ExceptionState::Acknowledged => "acknowledged",
            ExceptionState::Resolved => "resolved",
        }
    }

    pub fn parse(text: &str) -> Option<ExceptionState> {
        ExceptionState::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The state after an operator's `action`, or why it is not allowed now. An override must
    /// say why: it is the one action that goes against what Wharf decided.
    pub fn after(
        self,
        kind: ExceptionKind,
        action: ExceptionAction,
        reason: Option<&str>,
    ) -> Result<ExceptionState, ActionRefused> {
        if self == ExceptionState::Resolved {
            return Err(ActionRefused::Resolved);
        }
        if action != ExceptionAction::Acknowledge && !kind.actions().contains(&action) {
            return Err(ActionRefused::NotForKind { kind, action });
        }
        if action == ExceptionAction::Override && reason.is_none_or(|r| r.trim().is_empty()) {
            return Err(ActionRefused::ReasonRequired);
        }
        match (self, action) {
            (ExceptionState::Acknowledged, ExceptionAction::Acknowledge) => {
                Err(ActionRefused::AlreadyAcknowledged)
            }
            (_, ExceptionAction::Acknowledge) => Ok(ExceptionState::Acknowledged),
            // Releasing lets what was held go: nothing is left to do about it.
            (
                _,
                ExceptionAction::Resolve | ExceptionAction::Override | ExceptionAction::Release,
            ) => Ok(ExceptionState::Resolved),
            // Retrying acts on the documents; the exception stays where it is until someone
            // resolves it (a retry that fails again raises a new one).
            (state, ExceptionAction::Retry) => Ok(state),
        }
    }
}

impl fmt::Display for ExceptionState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an operator does about an exception.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExceptionAction {
    Acknowledge,
    /// Process the documents involved again.
    Retry,
    /// Let a held document go on.
    Release,
    /// Accept what Wharf refused, with a reason.
    Override,
    Resolve,
}

impl ExceptionAction {
    pub fn as_str(self) -> &'static str {
        match self {
            ExceptionAction::Acknowledge => "acknowledge",
            ExceptionAction::Retry => "retry",
            ExceptionAction::Release => "release",
            ExceptionAction::Override => "override",
            ExceptionAction::Resolve => "resolve",
        }
    }
}

/// Why an action is not allowed on an exception as it stands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActionRefused {
    #[error("the exception is resolved already")]
    Resolved,
    #[error("the exception is acknowledged already")]
    AlreadyAcknowledged,
    #[error("a {kind} exception cannot be given {}", action.as_str())]
    NotForKind {
        kind: ExceptionKind,
        action: ExceptionAction,
    },
    #[error("an override needs a reason")]
    ReasonRequired,
    #[error(
        "the message is not failed, nor the delivery dead, any more; there is nothing to retry"
    )]
    NothingToRetry,
    #[error("no invoice line waits on its match any more; there is nothing to release")]
    NothingToRelease,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_states_round_trip_through_their_names() {
        for kind in ExceptionKind::ALL {
            assert_eq!(kind.as_str().parse::<ExceptionKind>().unwrap(), kind);
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
        }
        assert!("unknown-order".parse::<ExceptionKind>().is_err());
        for state in ExceptionState::ALL {
            assert_eq!(ExceptionState::parse(state.as_str()), Some(state));
        }
    }

    #[test]
    fn an_exception_is_acknowledged_then_resolved_and_then_left_alone() {
        use ExceptionAction::*;
        let kind = ExceptionKind::Duplicate;
        let open = ExceptionState::Open;
        let acknowledged = open.after(kind, Acknowledge, None).unwrap();
        assert_eq!(acknowledged, ExceptionState::Acknowledged);
        assert_eq!(
            acknowledged.after(kind, Acknowledge, None),
            Err(ActionRefused::AlreadyAcknowledged)
        );
        let resolved = acknowledged.after(kind, Resolve, None).unwrap();
        assert_eq!(resolved, ExceptionState::Resolved);
        assert_eq!(
            resolved.after(kind, Resolve, None),
            Err(ActionRefused::Resolved)
        );
        // Straight from open, too.
        assert_eq!(
            open.after(kind, Resolve, None),
            Ok(ExceptionState::Resolved)
        );
    }

    #[test]
    fn an_override_needs_a_reason_and_a_kind_that_allows_it() {
        use ExceptionAction::*;
        let open = ExceptionState::Open;
        assert_eq!(
            open.after(ExceptionKind::Duplicate, Override, Some("  ")),
            Err(ActionRefused::ReasonRequired)
        );
        assert_eq!(
            open.after(
                ExceptionKind::Duplicate,
                Override,
                Some("a real second invoice")
            ),
            Ok(ExceptionState::Resolved)
        );
        assert!(matches!(
            open.after(ExceptionKind::UnknownOrder, Override, Some("because")),
            Err(ActionRefused::NotForKind { .. })
        ));
    }
}
