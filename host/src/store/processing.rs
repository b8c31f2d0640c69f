//! The one transaction that records what processing a message produced: its canonical
//! documents, the orders' new state and history, the outbox entries for every destination and
//! the audit entries, all or nothing.

use sqlx::{Any, Transaction};

use super::outbox::NewOutboxEntry;
use super::{Store, StoreError, now_ms};
use crate::audit::AuditEvent;

/// A decoded document to store.
#[derive(Debug, Clone)]
pub struct NewDocument {
    pub id: String,
    pub position: i64,
    pub doc_type: String,
    pub business_key: Option<String>,
    pub body: serde_json::Value,
}

/// A change to an order's lifecycle.
#[derive(Debug, Clone)]
pub enum OrderWrite {
    /// A new order, visible to `parties`.
    Create {
        po_number: String,
        buyer: String,
        status: String,
        document_id: String,
        parties: Vec<String>,
    },
    /// Moves an order from `from` to `to`; fails with a conflict when another change got there
    /// first, so the engine re-reads and decides again.
    Transition {
        po_number: String,
        from: String,
        to: String,
    },
    /// Lets another partner see the order.
    Share { po_number: String, partner: String },
}

#[derive(Debug, Clone)]
pub struct NewOrderEvent {
    pub po_number: String,
    pub event: String,
    pub status: String,
    pub document_id: Option<String>,
    pub detail: serde_json::Value,
}

/// Everything processing one message produced.
#[derive(Debug, Clone, Default)]
pub struct ProcessingCommit {
    pub message_id: String,
    pub documents: Vec<NewDocument>,
    pub partner: String,
    pub orders: Vec<OrderWrite>,
    pub order_events: Vec<NewOrderEvent>,
    pub outbox: Vec<NewOutboxEntry>,
    pub audit: Vec<AuditEvent>,
}

impl Store {
    /// Applies a processing result in one transaction and marks the message processed.
    pub async fn commit_processing(&self, commit: &ProcessingCommit) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let now = now_ms();
        for d in &commit.documents {
            sqlx::query(
                "INSERT INTO documents (id, message_id, position, doc_type, business_key, partner, body, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&d.id)
            .bind(&commit.message_id)
            .bind(d.position)
            .bind(&d.doc_type)
            .bind(&d.business_key)
            .bind(&commit.partner)
            .bind(d.body.to_string())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        for write in &commit.orders {
            apply_order_write(&mut tx, write, now).await?;
        }
        for e in &commit.order_events {
            insert_order_event(&mut tx, e, Some(&commit.message_id), now).await?;
        }
        for entry in &commit.outbox {
            super::outbox::insert(&mut tx, entry, now).await?;
        }
        for event in &commit.audit {
            super::audit::append(&mut tx, event).await?;
        }
        sqlx::query(
            "UPDATE messages SET status = 'processed', error = NULL, updated_at = $1 WHERE id = $2",
        )
        .bind(now)
        .bind(&commit.message_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

async fn apply_order_write(
    tx: &mut Transaction<'static, Any>,
    write: &OrderWrite,
    now: i64,
) -> Result<(), StoreError> {
    match write {
        OrderWrite::Create {
            po_number,
            buyer,
            status,
            document_id,
            parties,
        } => {
            let inserted = sqlx::query(
                "INSERT INTO orders (po_number, buyer, status, document_id, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (po_number) DO NOTHING",
            )
            .bind(po_number)
            .bind(buyer)
            .bind(status)
            .bind(document_id)
            .bind(now)
            .execute(&mut **tx)
            .await?;
            if inserted.rows_affected() == 0 {
                return Err(StoreError::Conflict(format!(
                    "order {po_number} already exists"
                )));
            }
            for partner in parties {
                share(tx, po_number, partner).await?;
            }
        }
        OrderWrite::Transition {
            po_number,
            from,
            to,
        } => {
            let moved = sqlx::query(
                "UPDATE orders SET status = $1, updated_at = $2 WHERE po_number = $3 AND status = $4",
            )
            .bind(to)
            .bind(now)
            .bind(po_number)
            .bind(from)
            .execute(&mut **tx)
            .await?;
            if moved.rows_affected() == 0 {
                return Err(StoreError::Conflict(format!(
                    "order {po_number} is no longer {from}"
                )));
            }
        }
        OrderWrite::Share { po_number, partner } => share(tx, po_number, partner).await?,
    }
    Ok(())
}

async fn share(
    tx: &mut Transaction<'static, Any>,
    po_number: &str,
    partner: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO order_parties (po_number, partner) VALUES ($1, $2) \
         ON CONFLICT (po_number, partner) DO NOTHING",
    )
    .bind(po_number)
    .bind(partner)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub(crate) async fn insert_order_event(
    tx: &mut Transaction<'static, Any>,
    e: &NewOrderEvent,
    message_id: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO order_events (po_number, at, event, status, message_id, document_id, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&e.po_number)
    .bind(now)
    .bind(&e.event)
    .bind(&e.status)
    .bind(message_id)
    .bind(&e.document_id)
    .bind(e.detail.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
