//! Rendering an outbox entry: the adapter its agreement names encodes the canonical document
//! (or renders the functional acknowledgment) with the control number the processing
//! transaction allocated and the entry's creation time as the interchange time, so a render
//! repeated after a crash writes the same interchange.
//!
//! The document's own faults (the target format cannot say what it says) are final; a missing
//! adapter or a deadline hit under load pass, and the entry is tried again later.

use super::DeliveryWorker;
use crate::engine::deadlines;
use crate::model::{CanonicalDocument, FunctionalAck};
use crate::sandbox::{CallError, LimitBreach};
use crate::store::outbox::{LeasedEntry, Render, Rendered};

/// Why an entry could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenderFault {
    Transient(String),
    Final(String),
}

impl DeliveryWorker {
    pub(super) async fn render(&self, entry: &LeasedEntry) -> Result<Rendered, RenderFault> {
        if let Render::Notification(bytes) | Render::Prepared(bytes) = &entry.render {
            // Written ready to send; only a damaged row lacks its payload.
            return Ok(Rendered {
                bytes: bytes.clone(),
                content_type: "application/json".into(),
                adapter: String::new(),
                cost: None,
                sent: None,
            });
        }
        let agreement = self
            .settings
            .agreements
            .get(&entry.agreement)
            .ok_or_else(|| {
                RenderFault::Final(format!(
                    "agreement {} is no longer configured",
                    entry.agreement
                ))
            })?;
        let adapter = self.registry.resolve(&agreement.adapter).map_err(|e| {
            RenderFault::Transient(format!(
                "agreement {} names adapter {}: {e}",
                agreement.id, agreement.adapter
            ))
        })?;
        let scope = agreement.call_scope(&entry.message_id, &self.settings.xref);
        let timestamp = chrono::DateTime::from_timestamp_millis(entry.created_at)
            .unwrap_or_default()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let doing = format!("encoding for agreement {}", agreement.id);
        let mut sent = None;
        let encoded = match &entry.render {
            Render::Notification(_) | Render::Prepared(_) => {
                return Err(RenderFault::Final(
                    "a notification or a prepared document has nothing to render".into(),
                ));
            }
            Render::Encode => {
                let document = self.document(entry).await?;
                let encoded = adapter
                    .encode(scope, &document, entry.control_number.clone(), timestamp)
                    .await
                    .map_err(|e| fault(&doing, e))?;
                // What a 997/CONTRL will name; acknowledgments we send are not acknowledged.
                sent = deadlines::sent_controls(&encoded.envelope);
                encoded
            }
            Render::Acknowledge(ack) => {
                let ack: FunctionalAck = serde_json::from_str(ack).map_err(|e| {
                    RenderFault::Final(format!("the stored acknowledgment is damaged: {e}"))
                })?;
                adapter
                    .acknowledge(scope, &ack, entry.control_number.clone(), timestamp)
                    .await
                    .map_err(|e| fault(&doing, e))?
                    .ok_or_else(|| {
                        RenderFault::Final(format!(
                            "adapter {} renders no functional acknowledgments",
                            adapter.info.reference()
                        ))
                    })?
            }
        };
        Ok(Rendered {
            bytes: encoded.bytes,
            content_type: encoded.content_type,
            adapter: adapter.info.reference(),
            cost: Some(crate::store::processing::AdapterCost::from(encoded.cost)),
            sent,
        })
    }

    async fn document(&self, entry: &LeasedEntry) -> Result<CanonicalDocument, RenderFault> {
        let id = entry
            .document_id
            .as_deref()
            .ok_or_else(|| RenderFault::Final("the entry names no document".into()))?;
        let body = self
            .store
            .document_body(id)
            .await
            .map_err(|e| RenderFault::Transient(format!("store: {e}")))?
            .ok_or_else(|| RenderFault::Final(format!("document {id} is missing")))?;
        serde_json::from_str(&body)
            .map_err(|e| RenderFault::Final(format!("stored document {id} is damaged: {e}")))
    }
}

fn fault(doing: &str, error: CallError) -> RenderFault {
    let text = format!("{doing}: {error}");
    match error {
        CallError::Limit {
            breach: LimitBreach::Time { .. },
            ..
        } => RenderFault::Transient(text),
        _ => RenderFault::Final(text),
    }
}
