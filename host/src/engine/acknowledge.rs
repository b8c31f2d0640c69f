//! Functional acknowledgments of what partners send: one per interchange and group, accepted
//! for what decoded, rejected (with the segment and element at fault) for what did not. The
//! agreement's `acknowledge_to` names the outbound agreement whose adapter renders them (997,
//! CONTRL, cXML Status) when they are sent, and whose endpoint receives them. Everything here
//! is a pure function of what was decoded.

use crate::audit::AuditEvent;
use crate::config::{Agreement, Settings};
use crate::model::{AckError, AckStatus, CanonicalDocument, Document, FunctionalAck, MessageAck};
use crate::sandbox::ErrorLocation;
use crate::store::new_id;
use crate::store::outbox::{NewOutboxEntry, Render};

/// Acknowledgments accepting every decoded document, grouped by interchange and group.
/// Received acknowledgments are not themselves acknowledged.
pub fn accepting(documents: &[CanonicalDocument]) -> Vec<FunctionalAck> {
    let mut acks: Vec<FunctionalAck> = Vec::new();
    for document in documents {
        if matches!(document.body, Document::FunctionalAck(_)) {
            continue;
        }
        let envelope = &document.envelope;
        let Some(message_control) = envelope.message_control.clone() else {
            continue;
        };
        let key = (
            envelope.interchange_control.clone(),
            envelope.group_control.clone(),
        );
        let index = match acks
            .iter()
            .position(|a| (a.interchange_control.clone(), a.group_control.clone()) == key)
        {
            Some(i) => i,
            None => {
                acks.push(FunctionalAck {
                    interchange_control: key.0,
                    group_control: key.1,
                    group_type: None,
                    status: AckStatus::Accepted,
                    messages: Vec::new(),
                    extensions: Vec::new(),
                });
                acks.len() - 1
            }
        };
        acks[index].messages.push(MessageAck {
            message_control,
            message_type: envelope.message_type.clone(),
            status: AckStatus::Accepted,
            errors: Vec::new(),
        });
    }
    acks
}

/// An acknowledgment rejecting the message an adapter error points into, when the error
/// names its interchange, group and message.
pub fn rejecting(message: &str, location: Option<&ErrorLocation>) -> Option<FunctionalAck> {
    let Some(ErrorLocation::Segment {
        interchange: Some(interchange),
        group,
        message: Some(message_control),
        message_type,
        position,
        segment_id,
        element,
        ..
    }) = location
    else {
        return None;
    };
    Some(FunctionalAck {
        interchange_control: Some(interchange.clone()),
        group_control: group.clone(),
        group_type: None,
        status: AckStatus::Rejected,
        messages: vec![MessageAck {
            message_control: message_control.clone(),
            message_type: message_type.clone(),
            status: AckStatus::Rejected,
            errors: vec![AckError {
                segment_id: Some(segment_id.clone()),
                segment_position: Some(*position),
                element_position: *element,
                code: None,
                description: message.to_owned(),
            }],
        }],
        extensions: Vec::new(),
    })
}

/// Outbox entries carrying `acks` through the inbound agreement's `acknowledge_to`, rendered
/// by that agreement's adapter when they are sent. None when the agreement asks for no
/// acknowledgments, or its adapter is known to render none.
pub fn entries(
    settings: &Settings,
    message_id: &str,
    inbound: &Agreement,
    acks: Vec<FunctionalAck>,
    renders_acks: impl Fn(&Agreement) -> Option<bool>,
) -> Vec<NewOutboxEntry> {
    let Some(target) = inbound
        .acknowledge_to
        .as_ref()
        .and_then(|id| settings.agreements.get(id))
    else {
        return Vec::new();
    };
    // An adapter that is not installed yet may render them by the time they are sent.
    if renders_acks(target) == Some(false) {
        return Vec::new();
    }
    acks.into_iter()
        .map(|ack| {
            let id = new_id();
            NewOutboxEntry {
                id: id.clone(),
                message_id: message_id.to_owned(),
                document_id: None,
                doc_type: "functional_ack".into(),
                agreement: target.id.clone(),
                partner: target.partner.clone(),
                endpoint: target.endpoint.clone().unwrap_or_default(),
                render: Render::Acknowledge(
                    serde_json::to_string(&ack).unwrap_or_else(|_| "null".into()),
                ),
                order: None,
                routed: AuditEvent::DocumentRouted {
                    message_id: message_id.to_owned(),
                    document_id: None,
                    doc_type: "functional_ack".into(),
                    agreement: target.id.clone(),
                    partner: target.partner.clone(),
                    outbox_id: id,
                    control_number: None,
                },
                holds: Vec::new(),
            }
        })
        .collect()
}
