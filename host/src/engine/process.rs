//! One leased message through I/O → decision → write.
//!
//! The adapter runs once, before anything is written. The decision is then made on the orders
//! as read, and written in one step fenced by the lease; if an order moved in between, the
//! write is refused as a conflict and only the decision is made again. A passing fault (store,
//! missing adapter, deadline under load) gives the message back to the queue with backoff.

use std::time::Duration;

use tracing::Instrument;

use super::Engine;
use super::acks::{self, SentForAcks};
use super::deadlines;
use super::decide::{self, Inbound, World};
use super::duplicates;
use super::failure::{Failure, Fault};
use super::lifecycle::VisibleOrders;
use super::notify;
use crate::config::Agreement;
use crate::delivery::backoff::Backoff;
use crate::governance::{self, CredentialError};
use crate::model::Document;
use crate::sandbox::{CallCost, CallScope, DecodeOutcome};
use crate::store::business::SeenDocuments;
use crate::store::lines::QualityHold;
use crate::store::messages::QueuedMessage;
use crate::store::processing::AdapterCost;
use crate::store::{StoreError, now_ms};

/// Decisions tried before an order that keeps moving sends the message back to the queue.
const DECISION_ATTEMPTS: usize = 5;

impl Engine {
    /// Processes one leased message to its end: processed with its deliveries queued, failed
    /// with a located reason, or back on the queue after a passing fault.
    pub async fn process(&self, message: QueuedMessage) {
        let span = tracing::info_span!("process", message_id = %message.id,
            partner = %message.partner, agreement = %message.agreement);
        self.process_in_span(message).instrument(span).await
    }

    async fn process_in_span(&self, message: QueuedMessage) {
        let Some(agreement) = self.settings.agreements.get(&message.agreement).cloned() else {
            let failure = Failure::new(
                "agreement.unknown",
                format!("agreement {} is not configured", message.agreement),
            );
            return self.record_failure(&message, failure, None).await;
        };
        let (decoded, cost) = self.decode(&message, &agreement).await;
        let (adapter, decoded) = match decoded {
            Ok(decoded) => decoded,
            Err(Fault::Transient(fault)) => return self.requeue(&message, &fault).await,
            Err(Fault::Document(failure)) => {
                return self.record_failure(&message, failure, cost).await;
            }
        };
        let inbound = Inbound {
            message_id: &message.id,
            lease_token: &message.lease_token,
            partner: &message.partner,
            digest: &message.digest,
        };
        for _ in 0..DECISION_ATTEMPTS {
            let read = async {
                let orders = self.read_orders(&message.partner, &decoded).await?;
                let seen = self.read_seen(&message.partner, &decoded).await?;
                let holds = self.read_holds(&decoded).await?;
                let sent = self.read_sent(&message.partner, &decoded).await?;
                Ok::<_, StoreError>((orders, seen, holds, sent))
            };
            let (orders, seen, holds, sent) = match read.await {
                Ok(read) => read,
                Err(e) => return self.requeue(&message, &format!("store: {e}")).await,
            };
            let renders_acks = |a: &Agreement| self.renders_acks(a);
            let mut commit = {
                let world = World {
                    settings: &self.settings,
                    orders: &orders,
                    seen: &seen,
                    renders_acks: &renders_acks,
                    holds: &holds,
                    now_ms: self.clock.now_ms(),
                };
                let decided = decide::decide(&inbound, &agreement, &adapter, &decoded, &world);
                let mut commit =
                    acks::reconcile(decided, &inbound, &agreement, &decoded, &sent, &world);
                if commit.outcome == crate::store::processing::MessageOutcome::Processed {
                    commit
                        .deadlines
                        .extend(deadlines::responses_arrived(&commit));
                }
                commit
            };
            commit.adapter_cost = cost;
            // Each exception raised tells its team, in the same write.
            let notifications = notify::for_exceptions(&self.settings, &commit.exceptions);
            commit.outbox.extend(notifications);
            let deliveries = commit.outbox.len();
            let documents = commit.documents.len();
            let failed = !matches!(
                commit.outcome,
                crate::store::processing::MessageOutcome::Processed
            );
            match self.store.record_processing(commit).await {
                Ok(()) => {
                    if failed {
                        tracing::warn!("message failed");
                    } else {
                        tracing::info!(documents, deliveries, "message processed");
                    }
                    if deliveries > 0 {
                        self.outbound.notify_one();
                    }
                    return;
                }
                Err(StoreError::Conflict(reason)) => {
                    tracing::info!(%reason, "an order moved while deciding; deciding again");
                }
                Err(StoreError::LeaseLost(_)) => {
                    tracing::warn!("lease lost while processing; another worker has the message");
                    return;
                }
                Err(e) => return self.requeue(&message, &format!("store: {e}")).await,
            }
        }
        self.requeue(&message, "its order kept changing while it was decided")
            .await
    }

    /// The I/O step: the agreement's adapter decodes the bytes. Returns what the call cost
    /// too (nothing when no adapter ran), whatever its outcome.
    async fn decode(
        &self,
        message: &QueuedMessage,
        agreement: &Agreement,
    ) -> (Result<(String, DecodeOutcome), Fault>, Option<AdapterCost>) {
        let adapter = match self.registry.resolve(&agreement.adapter) {
            Ok(adapter) => adapter,
            Err(e) => {
                let fault = Fault::Transient(format!(
                    "agreement {} names adapter {}: {e}",
                    agreement.id, agreement.adapter
                ));
                return (Err(fault), None);
            }
        };
        let (decoded, cost) = adapter
            .decode_metered(
                self.scope(agreement, &message.id),
                message.raw.clone(),
                message.content_type.clone(),
            )
            .await;
        tracing::debug!(fuel = ?cost.fuel, ticks = cost.epoch_ticks, wall_us = cost.wall_us, "adapter call cost");
        let decoded = decoded
            .map(|d| (adapter.info.reference(), d))
            .map_err(|e| Fault::from_call(e, &adapter, message.attempts));
        (decoded, Some(AdapterCost::from(cost)))
    }

    /// The orders under every PO number the documents name that `partner` may see: each
    /// document's sender must be a party of what it names.
    async fn read_orders(
        &self,
        partner: &str,
        decoded: &DecodeOutcome,
    ) -> Result<VisibleOrders, StoreError> {
        let mut orders = VisibleOrders::new();
        for document in &decoded.documents {
            for po in document.body.po_numbers() {
                if !orders.contains_key(po) {
                    orders.insert(po.to_owned(), self.store.orders_named(po, partner).await?);
                }
            }
        }
        Ok(orders)
    }

    /// The quality holds in force, when a document may be under one or release one.
    async fn read_holds(&self, decoded: &DecodeOutcome) -> Result<Vec<QualityHold>, StoreError> {
        let concerned = decoded.documents.iter().any(|d| {
            matches!(
                d.body,
                Document::GoodsReceipt(_) | Document::Invoice(_) | Document::QualityNotification(_)
            )
        });
        if concerned {
            self.store.active_holds().await
        } else {
            Ok(Vec::new())
        }
    }

    /// Which of the documents' business identities their sender sent before, and where.
    async fn read_seen(
        &self,
        partner: &str,
        decoded: &DecodeOutcome,
    ) -> Result<SeenDocuments, StoreError> {
        let identities: Vec<_> = decoded
            .documents
            .iter()
            .filter(|d| !d.envelope.test)
            .filter_map(|d| duplicates::identity(&d.body))
            .collect();
        self.store
            .first_business_documents(partner, &identities)
            .await
    }

    /// The deliveries to `partner` each functional acknowledgment in the message may answer.
    async fn read_sent(
        &self,
        partner: &str,
        decoded: &DecodeOutcome,
    ) -> Result<SentForAcks, StoreError> {
        let mut sent = SentForAcks::new();
        for (position, document) in decoded.documents.iter().enumerate() {
            if let Some((standard, interchange, group)) = acks::lookup(document) {
                let found = self
                    .store
                    .sent_matching(partner, &standard, interchange.as_deref(), group.as_deref())
                    .await?;
                sent.insert(position, found);
            }
        }
        Ok(sent)
    }

    fn renders_acks(&self, agreement: &Agreement) -> Option<bool> {
        self.registry
            .resolve(&agreement.adapter)
            .ok()
            .map(|a| a.info.acknowledges)
    }

    async fn record_failure(
        &self,
        message: &QueuedMessage,
        failure: Failure,
        cost: Option<AdapterCost>,
    ) {
        tracing::warn!(code = %failure.code, error = %failure.message, "message failed");
        let agreement = self.settings.agreements.get(&message.agreement).cloned();
        let inbound = Inbound {
            message_id: &message.id,
            lease_token: &message.lease_token,
            partner: &message.partner,
            digest: &message.digest,
        };
        let orders = VisibleOrders::new();
        let seen = SeenDocuments::new();
        let renders_acks = |a: &Agreement| self.renders_acks(a);
        let mut commit = {
            let world = World {
                settings: &self.settings,
                orders: &orders,
                seen: &seen,
                renders_acks: &renders_acks,
                holds: &[],
                now_ms: self.clock.now_ms(),
            };
            decide::fail(&inbound, agreement.as_deref(), failure, &[], &world)
        };
        commit.adapter_cost = cost;
        let notifications = notify::for_exceptions(&self.settings, &commit.exceptions);
        commit.outbox.extend(notifications);
        let deliveries = commit.outbox.len();
        match self.store.record_processing(commit).await {
            Ok(()) => {
                if deliveries > 0 {
                    self.outbound.notify_one();
                }
            }
            Err(StoreError::LeaseLost(_)) => {
                tracing::warn!("lease lost before the failure was recorded")
            }
            Err(e) => self.requeue(message, &format!("store: {e}")).await,
        }
    }

    /// Gives the message back to the queue, due again after a backoff that grows with its
    /// attempts. If even that cannot be written, its lease runs out and it is taken again.
    async fn requeue(&self, message: &QueuedMessage, fault: &str) {
        let processing = &self.settings.processing;
        let backoff = Backoff {
            initial: Duration::from_millis(processing.retry_initial_ms),
            max: Duration::from_millis(processing.retry_max_ms),
        };
        let delay = backoff.delay(message.attempts.max(1) as u32, &mut rand::rng());
        let due = now_ms() + delay.as_millis() as i64;
        tracing::warn!(%fault, retry_in_ms = delay.as_millis() as u64, "message requeued");
        if let Err(e) = self.store.requeue(message, fault, due).await {
            tracing::error!(error = %e, "could not requeue; the lease will run out instead");
        }
    }

    fn scope(&self, agreement: &Agreement, correlation_id: &str) -> CallScope {
        agreement.call_scope(correlation_id, &self.settings.xref)
    }

    /// For agreements whose documents carry their own credential (cXML `SharedSecret`): decodes
    /// the bytes now and checks every document's presented secret, so a wrong one is refused
    /// before the message is accepted. Fails closed: bytes that cannot be decoded now (no
    /// adapter, a syntax error, a timeout) cannot show a secret and are refused too.
    pub async fn check_credentials(
        &self,
        agreement: &Agreement,
        raw: &[u8],
        content_type: Option<String>,
    ) -> Result<(), CredentialError> {
        let Some(expected) = &agreement.shared_secret else {
            return Ok(());
        };
        let adapter = self
            .registry
            .resolve(&agreement.adapter)
            .map_err(|_| CredentialError::Unverifiable)?;
        let decoded = adapter
            .decode(
                self.scope(agreement, "credential-check"),
                raw.to_vec(),
                content_type,
            )
            .await
            .map_err(|_| CredentialError::Unverifiable)?;
        if decoded.documents.is_empty() {
            return Err(CredentialError::Missing);
        }
        for document in &decoded.documents {
            governance::check_presented_secret(expected, &document.envelope)?;
        }
        Ok(())
    }
}

/// A sandbox call's cost as the store records it (counts past `i64::MAX` are clamped).
impl From<CallCost> for AdapterCost {
    fn from(cost: CallCost) -> AdapterCost {
        let clamp = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        AdapterCost {
            fuel: cost.fuel.map(clamp),
            epoch_ticks: clamp(cost.epoch_ticks),
            wall_us: clamp(cost.wall_us),
            memory_bytes: clamp(cost.memory_bytes),
        }
    }
}
