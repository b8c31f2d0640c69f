//! One message through decode → validate → lifecycle → route → encode → commit.

use serde::Serialize;
use serde_json::json;
use tracing::Instrument;

use super::Engine;
use super::{acknowledge, lifecycle};
use crate::audit::{AuditAction, AuditEvent};
use crate::config::{Agreement, Mode};
use crate::governance::{self, CredentialError};
use crate::model::validate::{self, Violation};
use crate::model::{CanonicalDocument, Document};
use crate::sandbox::{CallError, CallScope, ErrorLocation, LoadedAdapter};
use crate::store::messages::QueuedMessage;
use crate::store::outbox::NewOutboxEntry;
use crate::store::processing::{NewDocument, NewOrderEvent, OrderWrite, ProcessingCommit};
use crate::store::{StoreError, new_id};

/// Why a message could not be processed, as stored on it and shown by the API.
#[derive(Debug, Clone, Serialize)]
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
    fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Failure {
            code: code.into(),
            message: message.into(),
            location: None,
            adapter: None,
            violations: Vec::new(),
        }
    }

    fn from_call(error: CallError, adapter: &LoadedAdapter, doing: &str) -> Self {
        let mut failure = match &error {
            CallError::Rejected(f) => {
                let mut failure =
                    Failure::new(format!("adapter.{}", f.kind.as_str()), f.message.clone());
                failure.location = f.location.clone();
                failure
            }
            CallError::Limit { .. } => Failure::new("adapter.limit", error.to_string()),
            CallError::Trap { .. } => Failure::new("adapter.trap", error.to_string()),
            CallError::BadOutput { .. } => Failure::new("adapter.output", error.to_string()),
        };
        if !doing.is_empty() {
            failure.message = format!("{doing}: {}", failure.message);
        }
        failure.adapter = Some(adapter.info.reference());
        failure
    }
}

/// Attempts at committing before a message whose order keeps changing underneath is failed.
const COMMIT_ATTEMPTS: usize = 3;

impl Engine {
    /// Processes one stored message to its end: processed with its deliveries queued, or
    /// failed with a reason. Errs only when the store itself cannot record either.
    pub async fn process(&self, message: QueuedMessage) -> Result<(), StoreError> {
        let span = tracing::info_span!("process", message_id = %message.id,
            partner = %message.partner, agreement = %message.agreement);
        self.process_in_span(message).instrument(span).await
    }

    async fn process_in_span(&self, message: QueuedMessage) -> Result<(), StoreError> {
        for attempt in 1..=COMMIT_ATTEMPTS {
            let commit = match self.plan(&message).await {
                Ok(commit) => commit,
                Err(failure) => return self.reject(&message, failure).await,
            };
            match self.store.commit_processing(&commit).await {
                Ok(()) => {
                    tracing::info!(
                        documents = commit.documents.len(),
                        deliveries = commit.outbox.len(),
                        "message processed"
                    );
                    if !commit.outbox.is_empty() {
                        self.outbound.notify_one();
                    }
                    return Ok(());
                }
                Err(StoreError::Conflict(reason)) if attempt < COMMIT_ATTEMPTS => {
                    tracing::info!(%reason, "order changed while processing; deciding again");
                }
                Err(StoreError::Conflict(reason)) => {
                    return self
                        .fail(&message, Failure::new("order.conflict", reason))
                        .await;
                }
                Err(e) => {
                    // Record why instead of leaving the message in processing; if even that
                    // fails the store is down and the message is requeued at the next start.
                    tracing::error!(error = %e, "could not commit processing");
                    let failure =
                        Failure::new("store.commit", format!("could not record the result: {e}"));
                    return self.fail(&message, failure).await;
                }
            }
        }
        Ok(())
    }

    /// Fails a message whose content was refused and, when its adapter located the fault in
    /// a message of an interchange, sends the partner a rejecting functional acknowledgment.
    async fn reject(&self, message: &QueuedMessage, failure: Failure) -> Result<(), StoreError> {
        let rejection = failure
            .code
            .starts_with("adapter.")
            .then(|| acknowledge::rejecting(&failure.message, failure.location.as_ref()))
            .flatten();
        let (outbox, events) = match (rejection, self.settings.agreements.get(&message.agreement)) {
            (Some(ack), Some(agreement)) => self.render_acks(message, agreement, vec![ack]).await,
            _ => (Vec::new(), Vec::new()),
        };
        self.fail_with(message, failure, &outbox, &events).await
    }

    async fn fail(&self, message: &QueuedMessage, failure: Failure) -> Result<(), StoreError> {
        self.fail_with(message, failure, &[], &[]).await
    }

    async fn fail_with(
        &self,
        message: &QueuedMessage,
        failure: Failure,
        outbox: &[NewOutboxEntry],
        events: &[AuditEvent],
    ) -> Result<(), StoreError> {
        tracing::warn!(code = %failure.code, error = %failure.message, "message failed");
        let error =
            serde_json::to_value(&failure).unwrap_or_else(|_| json!({"code": failure.code}));
        let event = AuditEvent::new(
            "wharf",
            AuditAction::MessageFailed,
            format!("message:{}", message.id),
            error.clone(),
        );
        for event in events {
            self.store.audit(event).await?;
        }
        self.store
            .fail_message(&message.id, &error, &event, outbox)
            .await?;
        if !outbox.is_empty() {
            self.outbound.notify_one();
        }
        Ok(())
    }

    /// For agreements whose documents carry their own credential (cXML `SharedSecret`): decodes
    /// the bytes now and checks every document's presented secret, so a wrong one is refused
    /// before the message is accepted. Bytes that do not decode pass here and fail, located,
    /// in processing.
    pub async fn check_credentials(
        &self,
        agreement: &Agreement,
        raw: &[u8],
        content_type: Option<String>,
    ) -> Result<(), CredentialError> {
        let Some(expected) = &agreement.shared_secret else {
            return Ok(());
        };
        let Ok(adapter) = self.adapter(agreement) else {
            return Ok(());
        };
        let Ok(decoded) = adapter
            .decode(
                self.scope(agreement, "credential-check"),
                raw.to_vec(),
                content_type,
            )
            .await
        else {
            return Ok(());
        };
        for document in &decoded.documents {
            governance::check_presented_secret(expected, &document.envelope)?;
        }
        Ok(())
    }

    fn agreement(&self, id: &str) -> Result<std::sync::Arc<Agreement>, Failure> {
        self.settings.agreements.get(id).cloned().ok_or_else(|| {
            Failure::new(
                "agreement.unknown",
                format!("agreement {id} is not configured"),
            )
        })
    }

    pub(super) fn adapter(
        &self,
        agreement: &Agreement,
    ) -> Result<std::sync::Arc<LoadedAdapter>, Failure> {
        self.registry.resolve(&agreement.adapter).map_err(|e| {
            Failure::new(
                "adapter.unavailable",
                format!(
                    "agreement {} names adapter {}: {e}",
                    agreement.id, agreement.adapter
                ),
            )
        })
    }

    pub(super) fn scope(&self, agreement: &Agreement, correlation_id: &str) -> CallScope {
        CallScope {
            agreement: agreement.id.clone(),
            partner: agreement.partner.clone(),
            correlation_id: correlation_id.to_owned(),
            config: agreement.config.clone(),
            xref: self.settings.xref.clone(),
        }
    }

    async fn plan(&self, message: &QueuedMessage) -> Result<ProcessingCommit, Failure> {
        let agreement = self.agreement(&message.agreement)?;
        let adapter = self.adapter(&agreement)?;
        let decoded = adapter
            .decode(
                self.scope(&agreement, &message.id),
                message.raw.clone(),
                message.content_type.clone(),
            )
            .await
            .map_err(|e| Failure::from_call(e, &adapter, ""))?;
        if decoded.documents.is_empty() {
            return Err(Failure::new(
                "adapter.empty",
                "the adapter found no documents in the message",
            ));
        }
        let mut commit = ProcessingCommit {
            message_id: message.id.clone(),
            partner: message.partner.clone(),
            ..ProcessingCommit::default()
        };
        let acks = match agreement.acknowledge_to {
            Some(_) => acknowledge::accepting(&decoded.documents),
            None => Vec::new(),
        };
        let mut summaries = Vec::new();
        for (position, mut document) in decoded.documents.into_iter().enumerate() {
            document.envelope.raw_digest = Some(message.digest.clone());
            document.envelope.adapter = Some(adapter.info.reference());
            self.check(&agreement, position, &document.body)?;
            let document_id = new_id();
            summaries.push(json!({
                "document_id": document_id,
                "doc_type": document.body.doc_type(),
                "business_key": document.body.business_key(),
            }));
            self.plan_document(message, &document, &document_id, &mut commit)
                .await?;
            commit.documents.push(NewDocument {
                id: document_id,
                position: position as i64,
                doc_type: document.body.doc_type().to_string(),
                business_key: document.body.business_key().map(str::to_owned),
                body: serde_json::to_value(&document).unwrap_or_default(),
            });
        }
        let (ack_entries, ack_events) = self.render_acks(message, &agreement, acks).await;
        commit.outbox.extend(ack_entries);
        commit.audit.extend(ack_events);
        let warnings: Vec<String> = decoded.warnings.iter().map(|w| w.to_string()).collect();
        commit.audit.insert(
            0,
            AuditEvent::new(
                "wharf",
                AuditAction::MessageDecoded,
                format!("message:{}", message.id),
                json!({"adapter": adapter.info.reference(), "documents": summaries, "warnings": warnings}),
            ),
        );
        Ok(commit)
    }

    fn check(
        &self,
        agreement: &Agreement,
        position: usize,
        body: &Document,
    ) -> Result<(), Failure> {
        let doc_type = body.doc_type();
        if !agreement.doc_types.is_empty() && !agreement.doc_types.contains(&doc_type) {
            return Err(Failure::new(
                "agreement.doc_type",
                format!(
                    "agreement {} does not carry {doc_type} documents",
                    agreement.id
                ),
            ));
        }
        let violations = validate::check(body);
        if violations.is_empty() {
            return Ok(());
        }
        let mut failure = Failure::new(
            "document.invalid",
            format!(
                "document {} ({doc_type}) breaks {} rule(s): {}",
                position + 1,
                violations.len(),
                violations[0].message
            ),
        );
        failure.violations = violations
            .into_iter()
            .map(|v| Violation {
                path: format!("documents[{position}].{}", v.path),
                message: v.message,
            })
            .collect();
        Err(failure)
    }

    async fn plan_document(
        &self,
        message: &QueuedMessage,
        document: &CanonicalDocument,
        document_id: &str,
        commit: &mut ProcessingCommit,
    ) -> Result<(), Failure> {
        let po_numbers: Vec<String> = document
            .body
            .po_numbers()
            .into_iter()
            .map(str::to_owned)
            .collect();
        let state = match po_numbers.first() {
            Some(po) => self
                .store
                .order_state(po)
                .await
                .map_err(|e| Failure::new("store.unavailable", e.to_string()))?,
            None => None,
        };
        // Test traffic never changes the state of production orders.
        let test = document.envelope.test;
        let effect = if test {
            lifecycle::Effect::default()
        } else {
            lifecycle::apply(
                &document.body,
                document_id,
                &message.partner,
                state.as_ref(),
            )
            .map_err(|e| Failure::new(e.code(), e.to_string()))?
        };
        if let Some((from, to, po)) = &effect.transition {
            commit.audit.push(AuditEvent::new(
                &message.partner,
                AuditAction::OrderTransition,
                format!("order:{po}"),
                json!({"from": from, "to": to, "message_id": message.id, "document_id": document_id}),
            ));
        }
        let order_opened = effect
            .writes
            .iter()
            .any(|w| matches!(w, OrderWrite::Create { .. }));
        let status_after = effect
            .transition
            .as_ref()
            .map(|(_, to, _)| to.clone())
            .or_else(|| state.as_ref().map(|s| s.status.clone()));
        commit.orders.extend(effect.writes);
        commit.order_events.extend(effect.events);

        let doc_type = document.body.doc_type();
        let document_mode = if test { Mode::Test } else { Mode::Production };
        for destination in self.settings.destinations(doc_type, &message.partner) {
            if destination.mode != document_mode {
                commit.audit.push(AuditEvent::new(
                    "wharf",
                    AuditAction::RouteSkipped,
                    format!("message:{}", message.id),
                    json!({
                        "document_id": document_id,
                        "agreement": destination.id,
                        "reason": format!(
                            "a {document_mode:?} document is not sent to the {:?} agreement {}",
                            destination.mode, destination.id
                        ),
                    }),
                ));
                continue;
            }
            let adapter = self.adapter(&destination)?;
            let control = self
                .store
                .next_control_number(&destination.id)
                .await
                .map_err(|e| Failure::new("store.unavailable", e.to_string()))?;
            let encoded = adapter
                .encode(
                    self.scope(&destination, &message.id),
                    document,
                    control.to_string(),
                    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                )
                .await
                .map_err(|e| {
                    Failure::from_call(
                        e,
                        &adapter,
                        &format!("encoding for agreement {}", destination.id),
                    )
                })?;
            let outbox_id = new_id();
            let po_number = po_numbers.first().cloned();
            // Share the order with the destination only when there is one: it exists, or this
            // document opens it (test documents open none).
            let order_exists = state.is_some() || order_opened;
            if let Some(po) = &po_number
                && order_exists
            {
                commit.orders.push(OrderWrite::Share {
                    po_number: po.clone(),
                    partner: destination.partner.clone(),
                });
                commit.order_events.push(NewOrderEvent {
                    po_number: po.clone(),
                    event: format!("{doc_type}_routed"),
                    status: status_after.clone().unwrap_or_default(),
                    document_id: Some(document_id.to_owned()),
                    detail: json!({"agreement": destination.id, "partner": destination.partner,
                        "outbox_id": outbox_id, "control_number": control}),
                });
            }
            commit.audit.push(AuditEvent::new(
                "wharf",
                AuditAction::DocumentRouted,
                format!("message:{}", message.id),
                json!({
                    "document_id": document_id,
                    "doc_type": doc_type,
                    "agreement": destination.id,
                    "partner": destination.partner,
                    "adapter": adapter.info.reference(),
                    "outbox_id": outbox_id,
                    "control_number": control,
                    "bytes": encoded.bytes.len(),
                }),
            ));
            commit.outbox.push(NewOutboxEntry {
                id: outbox_id,
                message_id: message.id.clone(),
                document_id: Some(document_id.to_owned()),
                doc_type: doc_type.to_string(),
                agreement: destination.id.clone(),
                partner: destination.partner.clone(),
                endpoint: destination.endpoint.clone().unwrap_or_default(),
                content_type: encoded.content_type,
                payload: encoded.bytes,
                control_number: control.to_string(),
                po_number,
            });
        }
        Ok(())
    }
}
