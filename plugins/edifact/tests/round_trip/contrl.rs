//! decode(acknowledge(ack)) == ack for functional acknowledgments: `acknowledge` renders a
//! CONTRL and decoding it gives the acknowledgment back. (`encode` does not write functional
//! acknowledgments; `acknowledge` does.) The generators stay within what CONTRL carries:
//!
//! - CONTRL carries codes only: an error's description is the meaning the 0085 code table
//!   gives its code (`syntax_error_text`, "syntax error NN" for codes the table lacks), its
//!   segment tag is not generated, and every error has a code (one without is written 18);
//! - an error of the message as a whole (no segment position) is UCM 0085, which holds one
//!   code and no element position, so a message has at most one, listed first;
//! - UCF holds no group type (0038), so `group_type` is none;
//! - a message's status is its UCM 0083: rejected, or accepted (with errors when it has
//!   some); the interchange's is UCI 0083, rejected, or else what its messages add up to;
//!   only received (0083 8, kept as the `edifact.UCI.0083` extension) says nothing of the
//!   status, so it is again what the messages add up to.

use proptest::prelude::*;
use wharf_guest_sdk::Adapter;
use wharf_guest_sdk::canonical::*;
use wharf_guest_sdk::testing::{encode_context, with_config};
use wharf_plugin_edifact::EdifactAdapter;

use super::{PARTIES, decode};

/// 0085 codes: most of the syntax error table, and one it does not name.
const CODES: &[(&str, &str)] = &[
    ("2", "syntax version or level not supported"),
    ("12", "invalid value"),
    ("13", "missing"),
    ("14", "value not supported in this position"),
    ("15", "not supported in this position"),
    ("16", "too many constituents"),
    ("18", "unspecified error"),
    ("21", "invalid character(s)"),
    ("26", "duplicate detected"),
    ("28", "references do not match"),
    (
        "29",
        "control count does not match number of instances received",
    ),
    ("35", "too many repetitions"),
    ("37", "invalid type of character(s)"),
    ("39", "data element too long"),
    ("40", "data element too short"),
    ("45", "syntax error 45"),
];

fn reference() -> impl Strategy<Value = String> {
    "[A-Z0-9]{1,14}"
}

fn error(position: Option<u32>, element: Option<u32>) -> impl Strategy<Value = AckError> {
    prop::sample::select(CODES).prop_map(move |(code, description)| AckError {
        segment_id: None,
        segment_position: position,
        element_position: element,
        code: Some(code.to_owned()),
        description: description.to_owned(),
    })
}

fn positioned_error() -> impl Strategy<Value = AckError> {
    (1u32..1000, prop::option::of(1u32..100))
        .prop_flat_map(|(position, element)| error(Some(position), element))
}

fn message() -> impl Strategy<Value = MessageAck> {
    (
        reference(),
        prop::sample::select(vec!["ORDERS", "ORDRSP", "DESADV", "INVOIC", "ORDCHG"]),
        any::<bool>(),
        prop::option::of(error(None, None)),
        prop::collection::vec(positioned_error(), 0..3),
    )
        .prop_map(|(control, kind, rejected, whole, positioned)| {
            let errors: Vec<AckError> = whole.into_iter().chain(positioned).collect();
            MessageAck {
                message_control: control,
                message_type: Some(kind.to_owned()),
                status: if rejected {
                    AckStatus::Rejected
                } else if errors.is_empty() {
                    AckStatus::Accepted
                } else {
                    AckStatus::AcceptedWithErrors
                },
                errors,
            }
        })
}

fn functional_ack() -> impl Strategy<Value = FunctionalAck> {
    (
        reference(),
        prop::option::of(reference()),
        // UCI 0083: rejected, accepted, or only received.
        prop::sample::select(vec!["4", "7", "8"]),
        prop::collection::vec(message(), 0..4),
    )
        .prop_map(|(interchange, group, action, messages)| {
            let status = if action == "4" {
                AckStatus::Rejected
            } else if messages.iter().any(|m| m.status == AckStatus::Rejected) {
                AckStatus::PartiallyAccepted
            } else if messages.iter().any(|m| !m.errors.is_empty()) {
                AckStatus::AcceptedWithErrors
            } else {
                AckStatus::Accepted
            };
            let extensions = if action == "8" {
                vec![wharf_guest_sdk::text_extension("edifact.UCI.0083", "8")]
            } else {
                Vec::new()
            };
            FunctionalAck {
                interchange_control: Some(interchange),
                group_control: group,
                group_type: None,
                status,
                messages,
                extensions,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn functional_acks_read_back_as_acknowledged(ack in functional_ack()) {
        let encoded = with_config(&PARTIES, || {
            EdifactAdapter::acknowledge(ack.clone(), encode_context())
        })
        .map_err(|e| TestCaseError::fail(format!("renders: {}", wharf_guest_sdk::error::render(&e))))?
        .ok_or_else(|| TestCaseError::fail("no CONTRL"))?;
        let Document::FunctionalAck(again) = decode(encoded.bytes).body else {
            return Err(TestCaseError::fail("not read as a CONTRL"));
        };
        prop_assert_eq!(again, ack);
    }
}
