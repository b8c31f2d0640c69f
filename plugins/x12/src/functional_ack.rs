//! 997 Functional Acknowledgment against the canonical functional ack, both ways: a received
//! 997 becomes a [`FunctionalAck`] the host matches to the group it sent (AK1: GS01, GS06;
//! AK2: ST01, ST02), and `acknowledge` renders one for a group the host received.
//!
//! A received 999 Implementation Acknowledgment (005010X231) reads the same way: its IK3,
//! IK4 and IK5 stand where a 997 has AK3, AK4 and AK5, with the same elements, and their
//! implementation codes (`I4` … `I13`, `23` … `27`) are described too. Wharf answers with 997s.
//!
//! AK5/AK9 codes A, E, P, R are the four statuses (M, W, X are rejections, their code kept as
//! `x12.AK9.01`). AK3 reports a segment (id, position, error code), AK4 an element in it;
//! an AK3 with code 8 ("segment has data element errors") and AK4s under it is carried by
//! those element errors alone. AK5 error codes without a segment become errors without one.

use wharf_guest_sdk::canonical::{AckError, AckStatus, FunctionalAck, MessageAck};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::error;

use crate::purchase_order::expect;
use crate::reader::{Body, Place, Seg, text_extension};
use crate::syntax::Segment;
use crate::writer::{Out, extension};

fn status(code: &str) -> AckStatus {
    match code {
        "A" => AckStatus::Accepted,
        "E" => AckStatus::AcceptedWithErrors,
        "P" => AckStatus::PartiallyAccepted,
        _ => AckStatus::Rejected,
    }
}

fn status_code(status: AckStatus) -> &'static str {
    match status {
        AckStatus::Accepted => "A",
        AckStatus::AcceptedWithErrors => "E",
        AckStatus::PartiallyAccepted => "P",
        AckStatus::Rejected => "R",
    }
}

/// AK304 segment syntax error codes.
fn segment_error(code: &str) -> &'static str {
    match code {
        "1" => "Unrecognized segment ID",
        "2" => "Unexpected segment",
        "3" => "Mandatory segment missing",
        "4" => "Loop occurs over maximum times",
        "5" => "Segment exceeds maximum use",
        "6" => "Segment not in defined transaction set",
        "7" => "Segment not in proper sequence",
        "8" => "Segment has data element errors",
        "I4" => "Implementation \"Not Used\" segment present",
        "I6" => "Implementation dependent segment missing",
        "I7" => "Implementation loop occurs under minimum times",
        "I8" => "Implementation segment below minimum use",
        "I9" => "Implementation dependent \"Not Used\" segment present",
        _ => "Segment error",
    }
}

/// AK403 data element syntax error codes.
fn element_error(code: &str) -> &'static str {
    match code {
        "1" => "Mandatory data element missing",
        "2" => "Conditional required data element missing",
        "3" => "Too many data elements",
        "4" => "Data element too short",
        "5" => "Data element too long",
        "6" => "Invalid character in data element",
        "7" => "Invalid code value",
        "8" => "Invalid date",
        "9" => "Invalid time",
        "10" => "Exclusion condition violated",
        "12" => "Too many repetitions",
        "13" => "Too many components",
        "I6" => "Code value not used in implementation",
        "I9" => "Implementation dependent data element missing",
        "I10" => "Implementation \"Not Used\" data element present",
        "I11" => "Implementation too few repetitions",
        "I12" => "Implementation pattern match failure",
        "I13" => "Implementation dependent \"Not Used\" data element present",
        _ => "Data element error",
    }
}

/// AK502..AK506 transaction set syntax error codes.
fn set_error(code: &str) -> &'static str {
    match code {
        "1" => "Transaction set not supported",
        "2" => "Transaction set trailer missing",
        "3" => "Transaction set control number in header and trailer do not match",
        "4" => "Number of included segments does not match actual count",
        "5" => "One or more segments in error",
        "6" => "Missing or invalid transaction set identifier",
        "7" => "Missing or invalid transaction set control number",
        "23" => "Transaction set control number not unique within the functional group",
        "24" => "S3E security end segment missing for S3S security start segment",
        "25" => "S3S security start segment missing for S3E security end segment",
        "26" => "S4E security end segment missing for S4S security start segment",
        "27" => "S4S security start segment missing for S4E security end segment",
        "I5" => "Implementation one or more segments in error",
        "I6" => "Implementation convention not supported",
        _ => "Transaction set error",
    }
}

fn number(seg: Seg<'_>, n: usize) -> Result<Option<u32>, AdapterError> {
    seg.text(n)
        .map(|t| {
            t.parse::<u32>()
                .map_err(|_| seg.invalid(n, format!("{t:?} is not a position")))
        })
        .transpose()
}

pub fn read(segments: &[Segment], place: &Place) -> Result<FunctionalAck, AdapterError> {
    let mut body = Body::new(segments, place);
    let ak1 = expect(&mut body, "AK1", segments, place)?;
    let mut ack = FunctionalAck {
        interchange_control: None,
        group_control: Some(
            ak1.require(2, "AK102, the group control number,")?
                .to_owned(),
        ),
        group_type: Some(
            ak1.require(1, "AK101, the functional identifier,")?
                .to_owned(),
        ),
        status: AckStatus::Accepted,
        messages: Vec::new(),
        extensions: Vec::new(),
    };
    ak1.leftovers(&[1, 2], "", &mut ack.extensions);
    let mut segment: Option<(Option<String>, Option<u32>)> = None;
    let mut pending: Option<AckError> = None;
    while let Some(seg) = body.next_seg() {
        let message = ack.messages.last_mut();
        // A 999's implementation segments carry what a 997's syntax segments do.
        let id = match seg.id() {
            "IK3" => "AK3",
            "IK4" => "AK4",
            "IK5" => "AK5",
            other => other,
        };
        match (id, message) {
            ("AK2", _) => {
                ack.messages.push(MessageAck {
                    message_control: seg
                        .require(2, "AK202, the transaction set control number,")?
                        .to_owned(),
                    message_type: seg.owned(1),
                    status: AckStatus::Accepted,
                    errors: Vec::new(),
                });
            }
            ("AK3", Some(message)) => {
                message.errors.extend(pending.take());
                let id = seg.owned(1);
                let position = number(seg, 2)?;
                segment = Some((id.clone(), position));
                let code = seg.owned(4);
                let description = segment_error(code.as_deref().unwrap_or("")).to_owned();
                pending = Some(AckError {
                    segment_id: id,
                    segment_position: position,
                    element_position: None,
                    code,
                    description,
                });
            }
            ("AK4", Some(message)) => {
                // The AK3 above only said "data element errors"; its AK4s say which.
                if let Some(before) = pending.take()
                    && before.code.as_deref() != Some("8")
                {
                    message.errors.push(before);
                }
                let (id, position) = segment.clone().unwrap_or((None, None));
                let element = seg
                    .component(1, 1)
                    .map(|e| {
                        e.parse::<u32>()
                            .map_err(|_| seg.invalid(1, format!("{e:?} is not a position")))
                    })
                    .transpose()?;
                let code = seg.owned(3);
                let mut description = element_error(code.as_deref().unwrap_or("")).to_owned();
                if let Some(bad) = seg.text(4) {
                    description = format!("{description}: {bad:?}");
                }
                message.errors.push(AckError {
                    segment_id: id,
                    segment_position: position,
                    element_position: element,
                    code,
                    description,
                });
            }
            ("AK5", Some(message)) => {
                message.errors.extend(pending.take());
                segment = None;
                message.status =
                    status(seg.require(1, "AK501/IK501, the transaction set status,")?);
                for n in 2..=6 {
                    if let Some(code) = seg.owned(n) {
                        message.errors.push(AckError {
                            segment_id: None,
                            segment_position: None,
                            element_position: None,
                            description: set_error(&code).to_owned(),
                            code: Some(code),
                        });
                    }
                }
            }
            ("AK9", _) => {
                let code = seg.require(1, "AK901, the group status,")?;
                ack.status = status(code);
                if !matches!(code, "A" | "E" | "P" | "R") {
                    ack.extensions.push(text_extension("x12.AK9.01", code));
                }
                seg.leftovers(&[1, 2, 3, 4], "", &mut ack.extensions);
            }
            ("AK3" | "AK4" | "AK5", None) => {
                return Err(seg.invalid(0, format!("{} before any AK2", seg.id())));
            }
            _ => ack.extensions.push(seg.raw_extension("")),
        }
    }
    if let (Some(error), Some(message)) = (pending, ack.messages.last_mut()) {
        message.errors.push(error);
    }
    Ok(ack)
}

pub fn write(ack: &FunctionalAck) -> Result<Vec<Out>, AdapterError> {
    // A host that acknowledges what it decoded knows each transaction's set id (ST01) but not
    // always GS01; for the sets this adapter reads, one follows from the other.
    let derived = || {
        ack.messages
            .iter()
            .find_map(|m| m.message_type.as_deref())
            .map(crate::control::functional_id)
            .filter(|id| *id != "FA")
            .map(str::to_owned)
    };
    let group_type = ack.group_type.clone().or_else(derived).ok_or_else(|| {
        error::validation(
            "group_type: the acknowledged group's functional identifier (GS01, AK101) is missing",
        )
    })?;
    let group_control = ack.group_control.clone().ok_or_else(|| {
        error::validation(
            "group_control: the acknowledged group's control number (GS06, AK102) is missing",
        )
    })?;
    let mut out = vec![
        Out::new("AK1")
            .with(1, group_type)
            .with(2, group_control)
            .restore(&ack.extensions, ""),
    ];
    for (i, message) in ack.messages.iter().enumerate() {
        let path = format!("messages[{i}]");
        out.push(
            Out::new("AK2")
                .with_opt(1, message.message_type.clone())
                .with(2, message.message_control.clone()),
        );
        let mut set_codes = Vec::new();
        let mut errors = message.errors.iter().peekable();
        while let Some(first) = errors.next() {
            let Some(segment_id) = &first.segment_id else {
                let code = first.code.clone().ok_or_else(|| {
                    error::validation(format!(
                        "{path}.errors: an error without segment needs its AK5 code"
                    ))
                })?;
                set_codes.push(code);
                continue;
            };
            let position = first.segment_position.ok_or_else(|| {
                error::validation(format!(
                    "{path}.errors: segment {segment_id} needs its position (AK302)"
                ))
            })?;
            let same = |e: &&AckError| {
                e.segment_id.as_ref() == Some(segment_id) && e.segment_position == Some(position)
            };
            let mut elements = Vec::new();
            let mut segment_code = None;
            for error in std::iter::once(first).chain(std::iter::from_fn(|| errors.next_if(same))) {
                match error.element_position {
                    Some(element) => elements.push((
                        element,
                        error.code.clone().unwrap_or_else(|| "1".to_owned()),
                    )),
                    None => segment_code = segment_code.or_else(|| error.code.clone()),
                }
            }
            out.push(
                Out::new("AK3")
                    .with(1, segment_id.clone())
                    .with(2, position.to_string())
                    .with(4, segment_code.unwrap_or_else(|| "8".to_owned())),
            );
            for (element, code) in elements {
                out.push(Out::new("AK4").with(1, element.to_string()).with(3, code));
            }
        }
        let mut ak5 = Out::new("AK5").with(1, status_code(message.status));
        for (k, code) in set_codes.iter().take(5).enumerate() {
            ak5.set(2 + k, code.clone());
        }
        out.push(ak5);
    }
    let accepted = ack
        .messages
        .iter()
        .filter(|m| {
            matches!(
                m.status,
                AckStatus::Accepted | AckStatus::AcceptedWithErrors
            )
        })
        .count();
    let count = ack.messages.len().to_string();
    let code = extension(&ack.extensions, "x12.AK9.01")
        .unwrap_or_else(|| status_code(ack.status).to_owned());
    out.push(
        Out::new("AK9")
            .with(1, code)
            .with(2, count.clone())
            .with(3, count)
            .with(4, accepted.to_string())
            .restore(&ack.extensions, ""),
    );
    Ok(out)
}
