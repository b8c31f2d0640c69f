//! Inbound messages: stored raw (with their digest) before anything else happens, recognised
//! when submitted again, queued for processing, and viewed by the partner who sent them.

use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;

use super::{Store, StoreError, new_id, now_ms};
use crate::audit::{AuditAction, AuditEvent};

/// A message as a partner submitted it.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub partner: String,
    pub agreement: String,
    pub idempotency_key: Option<String>,
    pub content_type: Option<String>,
    pub raw: Vec<u8>,
}

/// The tracking id of a stored message, and whether it was stored before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub id: String,
    pub duplicate: bool,
}

/// A message taken off the queue for processing.
#[derive(Debug, Clone)]
pub struct QueuedMessage {
    pub id: String,
    pub partner: String,
    pub agreement: String,
    pub digest: String,
    pub content_type: Option<String>,
    pub raw: Vec<u8>,
}

/// What the API shows about a message.
#[derive(Debug, Clone, Serialize)]
pub struct MessageView {
    pub id: String,
    pub partner: String,
    pub agreement: String,
    pub status: String,
    pub received_at: i64,
    pub digest: String,
    pub size_bytes: i64,
    pub error: Option<serde_json::Value>,
    pub documents: Vec<DocumentSummary>,
    pub deliveries: Vec<DeliverySummary>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocumentSummary {
    pub id: String,
    pub doc_type: String,
    pub business_key: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeliverySummary {
    pub id: String,
    pub agreement: String,
    pub partner: String,
    pub endpoint: String,
    pub doc_type: String,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub delivered_at: Option<i64>,
}

/// A request refused at the edge, kept with its bytes.
#[derive(Debug, Clone)]
pub struct Rejection {
    pub path: String,
    pub partner: Option<String>,
    pub status_code: u16,
    pub reason: String,
    pub raw: Vec<u8>,
    pub truncated: bool,
}

pub fn digest(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl Store {
    /// Stores a submitted message, or returns the id it was stored under before: the same
    /// idempotency key, or the same bytes, from the same partner.
    pub async fn receive(&self, message: NewMessage) -> Result<Received, StoreError> {
        let digest = digest(&message.raw);
        let mut tx = self.begin_write().await?;
        let existing = match &message.idempotency_key {
            Some(key) => {
                sqlx::query("SELECT id FROM messages WHERE partner = $1 AND idempotency_key = $2")
                    .bind(&message.partner)
                    .bind(key)
                    .fetch_optional(&mut *tx)
                    .await?
            }
            None => None,
        };
        let existing = match existing {
            Some(row) => Some(row),
            None => {
                sqlx::query(
                    "SELECT id FROM messages WHERE partner = $1 AND digest = $2 \
                     ORDER BY received_at LIMIT 1",
                )
                .bind(&message.partner)
                .bind(&digest)
                .fetch_optional(&mut *tx)
                .await?
            }
        };
        if let Some(row) = existing {
            return Ok(Received {
                id: row.try_get("id")?,
                duplicate: true,
            });
        }
        let id = new_id();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO messages (id, partner, agreement, received_at, digest, idempotency_key, \
             content_type, raw, size_bytes, status, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'received', $4)",
        )
        .bind(&id)
        .bind(&message.partner)
        .bind(&message.agreement)
        .bind(now)
        .bind(&digest)
        .bind(&message.idempotency_key)
        .bind(&message.content_type)
        .bind(&message.raw)
        .bind(message.raw.len() as i64)
        .execute(&mut *tx)
        .await?;
        super::audit::append(
            &mut tx,
            &AuditEvent::new(
                &message.partner,
                AuditAction::MessageReceived,
                format!("message:{id}"),
                serde_json::json!({
                    "agreement": message.agreement,
                    "digest": digest,
                    "size_bytes": message.raw.len(),
                    "idempotency_key": message.idempotency_key,
                }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(Received {
            id,
            duplicate: false,
        })
    }

    /// Takes up to `limit` received messages off the queue, oldest first.
    pub async fn claim_received(&self, limit: i64) -> Result<Vec<QueuedMessage>, StoreError> {
        let mut tx = self.begin_write().await?;
        let rows = sqlx::query(
            "UPDATE messages SET status = 'processing', updated_at = $1 WHERE id IN \
             (SELECT id FROM messages WHERE status = 'received' ORDER BY received_at LIMIT $2) \
             RETURNING id, partner, agreement, digest, content_type, raw",
        )
        .bind(now_ms())
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let mut messages = rows
            .iter()
            .map(|row| {
                Ok(QueuedMessage {
                    id: row.try_get("id")?,
                    partner: row.try_get("partner")?,
                    agreement: row.try_get("agreement")?,
                    digest: row.try_get("digest")?,
                    content_type: row.try_get("content_type")?,
                    raw: row.try_get("raw")?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        messages.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(messages)
    }

    /// Puts messages a crashed run was processing back on the queue. Single-node only: the
    /// PostgreSQL backend leases messages instead.
    pub async fn requeue_interrupted(&self) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE messages SET status = 'received', updated_at = $1 WHERE status = 'processing'",
        )
        .bind(now_ms())
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected())
    }

    /// Marks a message failed with a JSON error, audited in the same transaction.
    /// `outbox` carries what must still go out about the failure (a rejecting functional
    /// acknowledgment), written in the same transaction.
    pub async fn fail_message(
        &self,
        id: &str,
        error: &serde_json::Value,
        event: &AuditEvent,
        outbox: &[super::outbox::NewOutboxEntry],
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        for entry in outbox {
            super::outbox::insert(&mut tx, entry, now_ms()).await?;
        }
        sqlx::query(
            "UPDATE messages SET status = 'failed', error = $1, updated_at = $2 WHERE id = $3",
        )
        .bind(error.to_string())
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        super::audit::append(&mut tx, event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Keeps a request refused at the edge.
    pub async fn reject(&self, rejection: &Rejection) -> Result<String, StoreError> {
        let id = new_id();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO rejected_requests (id, at, path, partner, status_code, reason, raw, truncated) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(now_ms())
        .bind(&rejection.path)
        .bind(&rejection.partner)
        .bind(i64::from(rejection.status_code))
        .bind(&rejection.reason)
        .bind(&rejection.raw)
        .bind(i64::from(rejection.truncated))
        .execute(&mut *tx)
        .await?;
        super::audit::append(
            &mut tx,
            &AuditEvent::new(
                rejection
                    .partner
                    .clone()
                    .unwrap_or_else(|| "anonymous".into()),
                AuditAction::AccessDenied,
                format!("request:{id}"),
                serde_json::json!({
                    "path": rejection.path,
                    "status": rejection.status_code,
                    "reason": rejection.reason,
                    "size_bytes": rejection.raw.len(),
                    "truncated": rejection.truncated,
                }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The raw bytes of a refused request.
    pub async fn rejected_raw(&self, id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let row = sqlx::query("SELECT raw FROM rejected_requests WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|r| r.get(0)))
    }

    /// The raw bytes of a message.
    pub async fn message_raw(&self, id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let row = sqlx::query("SELECT raw FROM messages WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|r| r.get(0)))
    }

    /// A message with its documents and deliveries, if `partner` sent it.
    pub async fn message_view(
        &self,
        id: &str,
        partner: &str,
    ) -> Result<Option<MessageView>, StoreError> {
        let Some(row) = sqlx::query(
            "SELECT id, partner, agreement, status, received_at, digest, size_bytes, error \
             FROM messages WHERE id = $1 AND partner = $2",
        )
        .bind(id)
        .bind(partner)
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        let error: Option<String> = row.try_get("error")?;
        let documents = sqlx::query(
            "SELECT id, doc_type, business_key FROM documents WHERE message_id = $1 ORDER BY position",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(DocumentSummary {
                id: r.try_get("id")?,
                doc_type: r.try_get("doc_type")?,
                business_key: r.try_get("business_key")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        let deliveries = sqlx::query(
            "SELECT id, agreement, partner, endpoint, doc_type, status, attempts, last_error, delivered_at \
             FROM outbox WHERE message_id = $1 ORDER BY created_at, id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(DeliverySummary {
                id: r.try_get("id")?,
                agreement: r.try_get("agreement")?,
                partner: r.try_get("partner")?,
                endpoint: r.try_get("endpoint")?,
                doc_type: r.try_get("doc_type")?,
                status: r.try_get("status")?,
                attempts: r.try_get("attempts")?,
                last_error: r.try_get("last_error")?,
                delivered_at: r.try_get("delivered_at")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Some(MessageView {
            id: row.try_get("id")?,
            partner: row.try_get("partner")?,
            agreement: row.try_get("agreement")?,
            status: row.try_get("status")?,
            received_at: row.try_get("received_at")?,
            digest: row.try_get("digest")?,
            size_bytes: row.try_get("size_bytes")?,
            error: error.and_then(|e| serde_json::from_str(&e).ok()),
            documents,
            deliveries,
        }))
    }
}
