//! The one write that records what the engine decided about a message: its canonical
//! documents, the orders' new state and history, the outbox entries for every destination
//! (with control numbers allocated here), the audit entries, the exceptions the decision raised,
//! the business documents it claims as first of their identity, the supplier records it makes
//! current, and the message's outcome —
//! all or nothing, and only while the worker still holds the message's lease.

use super::business::BusinessClaim;
pub use super::cost::AdapterCost;
use super::deadlines::DeadlineWrite;
use super::exceptions::NewException;
use super::orders::{NewOrderEvent, OrderWrite, apply_write, insert_events};
use super::outbox::NewOutboxEntry;
use super::packed::{self, Packed};
use super::suppliers::SupplierRecord;
use super::writer::{Batch, OpFuture, WriteOp};
use super::{Store, StoreError};
use crate::audit::AuditEvent;

/// A decoded document to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDocument {
    pub id: String,
    pub position: i64,
    pub doc_type: String,
    pub business_key: Option<String>,
    /// The canonical document as JSON.
    pub body: String,
}

/// How the message ends.
#[derive(Debug, Clone, PartialEq)]
pub enum MessageOutcome {
    Processed,
    /// The document's own fault, with the JSON error shown to the partner.
    Failed(serde_json::Value),
}

/// Everything the engine decided about one message.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcessingCommit {
    pub message_id: String,
    /// The lease the decision was made under; the write is refused if it was lost.
    pub lease_token: String,
    pub partner: String,
    pub outcome: MessageOutcome,
    pub documents: Vec<NewDocument>,
    pub orders: Vec<OrderWrite>,
    /// Order lines, invoice matches and quality holds, applied after `orders`.
    pub lines: Vec<super::lines::LineWrite>,
    pub order_events: Vec<NewOrderEvent>,
    pub outbox: Vec<NewOutboxEntry>,
    pub audit: Vec<AuditEvent>,
    /// What decoding it cost, when an adapter ran.
    pub adapter_cost: Option<AdapterCost>,
    /// Exceptions raised by the decision, for the owning teams.
    pub exceptions: Vec<NewException>,
    /// Business documents processed here as the first of their identity.
    pub claims: Vec<BusinessClaim>,
    /// Supplier records the message makes its sender's current ones.
    pub suppliers: Vec<SupplierRecord>,
    /// Deliveries answered and deadlines met by the message ([`super::deadlines`]).
    pub deadlines: Vec<DeadlineWrite>,
}

/// A processing decision with its documents' bodies packed, done before it reaches the
/// writer.
struct Record(ProcessingCommit, Vec<Packed>);

impl Record {
    fn new(commit: ProcessingCommit) -> Record {
        let bodies = commit
            .documents
            .iter()
            .map(|d| packed::pack(d.body.as_bytes()))
            .collect();
        Record(commit, bodies)
    }
}

impl WriteOp for Record {
    type Output = ();
    fn apply<'a>(&'a mut self, mut batch: Batch<'a>) -> OpFuture<'a, ()> {
        Box::pin(async move {
            let commit = &mut self.0;
            let (status, error) = match &commit.outcome {
                MessageOutcome::Processed => ("processed", None),
                MessageOutcome::Failed(error) => ("failed", Some(error.to_string())),
            };
            // The fence first: a worker whose lease ran out writes nothing at all.
            let cost = commit.adapter_cost;
            let fenced = sqlx::query(
                "UPDATE messages SET status = $1, error = $2, last_fault = NULL, lease_token = NULL, \
                 lease_until = NULL, updated_at = $3, adapter_fuel = $6, adapter_wall_us = $7, \
                 adapter_memory_bytes = $8, adapter_epoch_ticks = $9 \
                 WHERE id = $4 AND lease_token = $5 AND status = 'received'",
            )
            .bind(status)
            .bind(&error)
            .bind(batch.now)
            .bind(&commit.message_id)
            .bind(&commit.lease_token)
            .bind(cost.and_then(|c| c.fuel))
            .bind(cost.map(|c| c.wall_us))
            .bind(cost.map(|c| c.memory_bytes))
            .bind(cost.map(|c| c.epoch_ticks))
            .execute(&mut **batch.tx)
            .await?;
            if fenced.rows_affected() != 1 {
                return Err(StoreError::LeaseLost(format!(
                    "message {}",
                    commit.message_id
                )));
            }
            for (d, body) in commit.documents.iter().zip(&self.1) {
                // Packed, the JSON goes to body_zstd and body keeps ''.
                let (text, frame) = match body.codec {
                    Some(_) => ("", Some(&body.bytes)),
                    None => (d.body.as_str(), None),
                };
                sqlx::query(
                    "INSERT INTO documents (id, message_id, position, doc_type, business_key, \
                     partner, body, body_zstd, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $9, $8)",
                )
                .bind(&d.id)
                .bind(&commit.message_id)
                .bind(d.position)
                .bind(&d.doc_type)
                .bind(&d.business_key)
                .bind(&commit.partner)
                .bind(text)
                .bind(batch.now)
                .bind(frame)
                .execute(&mut **batch.tx)
                .await?;
            }
            for claim in &commit.claims {
                super::business::claim(&mut batch, &commit.partner, &commit.message_id, claim)
                    .await?;
            }
            for write in &commit.orders {
                apply_write(batch.tx, write, batch.now).await?;
            }
            for write in &commit.lines {
                super::lines::apply(&mut batch, write).await?;
            }
            insert_events(
                batch.tx,
                &commit.order_events,
                Some(&commit.message_id),
                batch.now,
            )
            .await?;
            for event in &commit.audit {
                super::audit::append(&mut batch, event).await?;
            }
            for exception in &commit.exceptions {
                super::exceptions::insert(&mut batch, exception).await?;
            }
            for record in &commit.suppliers {
                super::suppliers::upsert(&mut batch, &commit.partner, &commit.message_id, record)
                    .await?;
            }
            for write in &commit.deadlines {
                super::deadlines::apply(&mut batch, write).await?;
            }
            for entry in &mut commit.outbox {
                super::outbox::enqueue(&mut batch, entry).await?;
            }
            Ok(())
        })
    }
}

impl Store {
    /// Records a processing decision in the writer's next batch. Fails with
    /// [`StoreError::LeaseLost`] when the lease ran out, and [`StoreError::Conflict`] when an
    /// order moved since the decision read it; nothing is written then.
    pub async fn record_processing(&self, commit: ProcessingCommit) -> Result<(), StoreError> {
        self.write(Record::new(commit)).await
    }
}
