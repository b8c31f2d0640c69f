//! Functional acknowledgments of what partners send: one per interchange and group, accepted
//! for what decoded, rejected (with the segment and element at fault) for what did not. The
//! agreement's `acknowledge_to` names the outbound agreement whose adapter renders them (997,
//! CONTRL, cXML Status) and whose endpoint receives them.

use serde_json::json;

use super::Engine;
use crate::audit::{AuditAction, AuditEvent};
use crate::config::Agreement;
use crate::model::{AckError, AckStatus, CanonicalDocument, Document, FunctionalAck, MessageAck};
use crate::sandbox::ErrorLocation;
use crate::store::messages::QueuedMessage;
use crate::store::new_id;
use crate::store::outbox::NewOutboxEntry;

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

impl Engine {
    /// Renders `acks` through the agreement's `acknowledge_to` and returns the outbox entries
    /// and audit events for them. An acknowledgment that cannot be rendered is logged and
    /// skipped: it must never stop the message it acknowledges.
    pub(super) async fn render_acks(
        &self,
        message: &QueuedMessage,
        inbound: &Agreement,
        acks: Vec<FunctionalAck>,
    ) -> (Vec<NewOutboxEntry>, Vec<AuditEvent>) {
        let mut entries = Vec::new();
        let mut events = Vec::new();
        let Some(target) = inbound
            .acknowledge_to
            .as_ref()
            .and_then(|id| self.settings.agreements.get(id))
        else {
            return (entries, events);
        };
        let Ok(adapter) = self.adapter(target) else {
            tracing::warn!(agreement = %target.id, "no adapter to render acknowledgments");
            return (entries, events);
        };
        for ack in acks {
            let control = match self.store.next_control_number(&target.id).await {
                Ok(control) => control,
                Err(e) => {
                    tracing::error!(error = %e, "no control number for an acknowledgment");
                    continue;
                }
            };
            let timestamp = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            let rendered = adapter
                .acknowledge(
                    self.scope(target, &message.id),
                    &ack,
                    control.to_string(),
                    timestamp,
                )
                .await;
            let encoded = match rendered {
                Ok(Some(encoded)) => encoded,
                Ok(None) => continue,
                Err(e) => {
                    tracing::warn!(error = %e, agreement = %target.id, "acknowledgment not rendered");
                    continue;
                }
            };
            let id = new_id();
            events.push(AuditEvent::new(
                "wharf",
                AuditAction::DocumentRouted,
                format!("message:{}", message.id),
                json!({
                    "doc_type": "functional_ack",
                    "agreement": target.id,
                    "partner": target.partner,
                    "adapter": adapter.info.reference(),
                    "outbox_id": id,
                    "control_number": control,
                    "status": ack.status,
                    "acknowledges": ack.interchange_control,
                }),
            ));
            entries.push(NewOutboxEntry {
                id,
                message_id: message.id.clone(),
                document_id: None,
                doc_type: "functional_ack".into(),
                agreement: target.id.clone(),
                partner: target.partner.clone(),
                endpoint: target.endpoint.clone().unwrap_or_default(),
                content_type: encoded.content_type,
                payload: encoded.bytes,
                control_number: control.to_string(),
                po_number: None,
            });
        }
        (entries, events)
    }
}
