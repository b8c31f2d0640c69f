//! CONTRL, the syntax and service report: rendered by `acknowledge`, read into a functional
//! acknowledgment.
//!
//! UCI answers the interchange (0020 its reference, 0083 the action: 7 accepted, 4 rejected,
//! 8 only received), UCF a group, UCM each message (0062, S009 type, 0083). An error is UCS
//! (0096 the segment position, 0085 the code) with UCD (0085, S011 element and component)
//! when an element is at fault, or UCM 0085 for the message as a whole. CONTRL carries codes
//! only, so descriptions are the code's meaning and segment tags are not carried.

use wharf_guest_sdk::canonical::{AckError, AckStatus, FunctionalAck, MessageAck};
use wharf_guest_sdk::contract::{AdapterError, EncodeContext, Encoded};
use wharf_guest_sdk::{error, text_extension};

use crate::codes::syntax_error_text;
use crate::common::seg;
use crate::envelope::{self, Frame};
use crate::interchange::Message;
use crate::reader::raw_extension;
use crate::settings::{self, Settings};
use crate::writer::Out;

fn ack_error(code: Option<&str>, position: Option<u32>, element: Option<u32>) -> AckError {
    AckError {
        segment_id: None,
        segment_position: position,
        element_position: element,
        code: code.map(str::to_owned),
        description: code.map_or_else(|| "error".to_owned(), syntax_error_text),
    }
}

fn number(text: Option<&str>) -> Option<u32> {
    text.and_then(|t| t.parse().ok())
}

/// Reads a CONTRL message.
pub fn read(message: &Message) -> Result<FunctionalAck, AdapterError> {
    let mut ack = FunctionalAck {
        interchange_control: None,
        group_control: None,
        group_type: None,
        status: AckStatus::Accepted,
        messages: Vec::new(),
        extensions: Vec::new(),
    };
    let mut action = None;
    let mut position = None;
    for segment in &message.body {
        let s = seg(message, segment);
        match segment.tag.as_str() {
            "UCI" => {
                ack.interchange_control = s.string(1, 1);
                // The acknowledged interchange's parties are this CONTRL's, reversed.
                for c in 1..=4 {
                    s.get(2, c);
                    s.get(3, c);
                }
                action = s.string(4, 1);
                if action.as_deref() == Some("8") {
                    ack.extensions.push(text_extension("edifact.UCI.0083", "8"));
                }
                s.leftovers("edifact.UCI", &mut ack.extensions);
            }
            "UCF" if ack.group_control.is_none() => {
                ack.group_control = s.string(1, 1);
                // UCF 0083 restates the action of UCI, as `acknowledge` writes it; only an
                // action of its own is news, kept as an extension.
                if s.segment.text(4, 1) == action.as_deref() {
                    s.get(4, 1);
                }
                s.leftovers("edifact.UCF", &mut ack.extensions);
            }
            "UCM" => {
                let control = s.require(1, 1, "message reference (0062)")?.to_owned();
                for c in 2..=5 {
                    s.get(2, c);
                }
                let message_type = s.string(2, 1);
                let rejected = s.get(3, 1) == Some("4");
                let mut errors = Vec::new();
                if let Some(code) = s.get(4, 1) {
                    errors.push(ack_error(Some(code), None, None));
                }
                s.leftovers(&format!("edifact.UCM[{control}]"), &mut ack.extensions);
                ack.messages.push(MessageAck {
                    message_control: control,
                    message_type,
                    status: if rejected {
                        AckStatus::Rejected
                    } else {
                        AckStatus::Accepted
                    },
                    errors,
                });
                position = None;
            }
            "UCS" => {
                position = number(s.get(1, 1));
                if let (Some(code), Some(last)) = (s.get(2, 1), ack.messages.last_mut()) {
                    last.errors.push(ack_error(Some(code), position, None));
                }
            }
            "UCD" => {
                if let Some(last) = ack.messages.last_mut() {
                    last.errors
                        .push(ack_error(s.get(1, 1), position, number(s.get(2, 1))));
                }
            }
            _ => ack.extensions.push(raw_extension(segment)),
        }
    }
    for m in &mut ack.messages {
        if m.status == AckStatus::Accepted && !m.errors.is_empty() {
            m.status = AckStatus::AcceptedWithErrors;
        }
    }
    ack.status = match action.as_deref() {
        Some("4") => AckStatus::Rejected,
        _ if ack.messages.iter().any(|m| m.status == AckStatus::Rejected) => {
            AckStatus::PartiallyAccepted
        }
        _ if ack.messages.iter().any(|m| !m.errors.is_empty()) => AckStatus::AcceptedWithErrors,
        _ => AckStatus::Accepted,
    };
    Ok(ack)
}

fn action_code(status: AckStatus) -> &'static str {
    match status {
        AckStatus::Rejected => "4",
        AckStatus::Accepted | AckStatus::AcceptedWithErrors | AckStatus::PartiallyAccepted => "7",
    }
}

/// Renders a functional acknowledgment as a CONTRL interchange.
pub fn acknowledge(ack: &FunctionalAck, context: &EncodeContext) -> Result<Encoded, AdapterError> {
    let settings = Settings::load()?;
    let (sender, receiver) = settings::partners(&wharf_guest_sdk::envelope("", ""))?;
    let Some(acknowledged) = ack.interchange_control.as_deref() else {
        return Err(error::validation(
            "CONTRL answers an interchange: give its control reference (UNB 0020)",
        )
        .at_xml("interchange_control"));
    };
    let received_only = ack.extensions.iter().any(|e| e.key == "edifact.UCI.0083");
    let action = if received_only {
        "8"
    } else {
        action_code(ack.status)
    };
    let mut body = vec![
        Out::new("UCI")
            .el(&[acknowledged])
            .el(&[receiver.id.as_str(), receiver.qualifier.as_str()])
            .el(&[sender.id.as_str(), sender.qualifier.as_str()])
            .el(&[action]),
    ];
    if let Some(group) = &ack.group_control {
        body.push(
            Out::new("UCF")
                .el(&[group.as_str()])
                .el(&[""])
                .el(&[""])
                .el(&[action]),
        );
    }
    let (version, release) = (settings.version.0.as_str(), settings.version.1.as_str());
    for (i, message) in ack.messages.iter().enumerate() {
        let path = format!("messages[{}]", i + 1);
        let Some(kind) = message.message_type.as_deref() else {
            return Err(error::validation("UCM names the message type (S009 0065)")
                .at_xml(format!("{path}.message_type")));
        };
        let whole: Vec<&AckError> = message
            .errors
            .iter()
            .filter(|e| e.segment_position.is_none())
            .collect();
        let mut ucm = Out::new("UCM")
            .el(&[message.message_control.as_str()])
            .el(&[kind, version, release, settings.agency.as_str()])
            .el(&[action_code(message.status)]);
        if let Some(code) = whole.first().and_then(|e| e.code.as_deref()) {
            ucm = ucm.el(&[code]);
        }
        body.push(ucm);
        for err in message
            .errors
            .iter()
            .filter(|e| e.segment_position.is_some())
        {
            let position = err.segment_position.unwrap_or_default().to_string();
            let code = err.code.as_deref().unwrap_or("18");
            match err.element_position {
                None => body.push(Out::new("UCS").el(&[position.as_str()]).el(&[code])),
                Some(element) => {
                    body.push(Out::new("UCS").el(&[position.as_str()]));
                    body.push(Out::new("UCD").el(&[code]).el(&[element.to_string()]));
                }
            }
        }
    }
    let contrl_version = if settings.syntax.1 == "4" {
        ("4", "1")
    } else {
        ("D", "3")
    };
    let frame = Frame {
        settings: &settings,
        sender: &sender,
        receiver: &receiver,
        message_type: "CONTRL",
        version: contrl_version,
        association_code: None,
        test: settings.test,
    };
    let (bytes, envelope) = envelope::write(&frame, context, body)?;
    Ok(Encoded {
        bytes,
        content_type: "application/EDIFACT".to_owned(),
        envelope,
    })
}
