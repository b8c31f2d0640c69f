//! The outbox: encoded documents waiting for delivery. Workers lease due entries (a lease token
//! and an expiry), and every completion is fenced by that token, so an entry whose lease ran
//! out and was taken by another worker cannot be completed twice.

use serde::Serialize;
use sqlx::{Any, Row, Transaction};

use super::processing::{NewOrderEvent, insert_order_event};
use super::{Store, StoreError, new_id, now_ms};
use crate::audit::{AuditAction, AuditEvent};

/// An entry to enqueue.
#[derive(Debug, Clone)]
pub struct NewOutboxEntry {
    pub id: String,
    pub message_id: String,
    pub document_id: Option<String>,
    pub doc_type: String,
    pub agreement: String,
    pub partner: String,
    pub endpoint: String,
    pub content_type: String,
    pub payload: Vec<u8>,
    pub control_number: String,
    pub po_number: Option<String>,
}

/// An entry leased for delivery.
#[derive(Debug, Clone)]
pub struct LeasedEntry {
    pub id: String,
    pub message_id: String,
    pub doc_type: String,
    pub agreement: String,
    pub partner: String,
    pub endpoint: String,
    pub content_type: String,
    pub payload: Vec<u8>,
    pub control_number: String,
    pub po_number: Option<String>,
    pub attempts: i64,
    pub lease_token: String,
}

/// One delivery attempt's result.
#[derive(Debug, Clone, Serialize)]
pub struct AttemptRecord {
    pub attempt: i64,
    pub duration_ms: i64,
    pub status_code: Option<u16>,
    pub error: Option<String>,
}

/// A dead letter as the admin API lists it.
#[derive(Debug, Clone, Serialize)]
pub struct DeadLetter {
    pub id: String,
    pub message_id: String,
    pub agreement: String,
    pub endpoint: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
}

pub(crate) async fn insert(
    tx: &mut Transaction<'static, Any>,
    e: &NewOutboxEntry,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO outbox (id, message_id, document_id, doc_type, agreement, partner, endpoint, \
         content_type, payload, control_number, po_number, status, attempts, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'pending', 0, $12, $12)",
    )
    .bind(&e.id)
    .bind(&e.message_id)
    .bind(&e.document_id)
    .bind(&e.doc_type)
    .bind(&e.agreement)
    .bind(&e.partner)
    .bind(&e.endpoint)
    .bind(&e.content_type)
    .bind(&e.payload)
    .bind(&e.control_number)
    .bind(&e.po_number)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn record_attempt(
    tx: &mut Transaction<'static, Any>,
    id: &str,
    attempt: &AttemptRecord,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO delivery_attempts (outbox_id, attempt, at, duration_ms, status_code, error) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(attempt.attempt)
    .bind(now_ms())
    .bind(attempt.duration_ms)
    .bind(attempt.status_code.map(i64::from))
    .bind(&attempt.error)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Moves a leased entry to `status` and records the attempt that decided it, or reports that
/// its lease was lost (another worker owns it now) by returning false, writing nothing.
async fn settle(
    tx: &mut Transaction<'static, Any>,
    entry: &LeasedEntry,
    status: &str,
    attempt: &AttemptRecord,
    delivered_at: Option<i64>,
    next_attempt_at: i64,
) -> Result<bool, StoreError> {
    let updated = sqlx::query(
        "UPDATE outbox SET status = $1, attempts = $2, last_error = $3, delivered_at = $4, \
         next_attempt_at = $5, lease_token = NULL, lease_until = NULL \
         WHERE id = $6 AND lease_token = $7 AND status = 'pending'",
    )
    .bind(status)
    .bind(attempt.attempt)
    .bind(&attempt.error)
    .bind(delivered_at)
    .bind(next_attempt_at)
    .bind(&entry.id)
    .bind(&entry.lease_token)
    .execute(&mut **tx)
    .await?;
    if updated.rows_affected() != 1 {
        return Ok(false);
    }
    record_attempt(tx, &entry.id, attempt).await?;
    Ok(true)
}

impl Store {
    /// Hands out the next interchange control number for an outbound agreement.
    pub async fn next_control_number(&self, agreement: &str) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "INSERT INTO control_numbers (agreement, last) VALUES ($1, 1) \
             ON CONFLICT (agreement) DO UPDATE SET last = control_numbers.last + 1 RETURNING last",
        )
        .bind(agreement)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(row.try_get(0)?)
    }

    /// Leases up to `limit` due entries for `lease_ms`.
    pub async fn lease_due(
        &self,
        limit: i64,
        lease_ms: i64,
    ) -> Result<Vec<LeasedEntry>, StoreError> {
        let now = now_ms();
        let token = new_id();
        let mut tx = self.begin_write().await?;
        let rows = sqlx::query(
            "UPDATE outbox SET lease_token = $1, lease_until = $2 WHERE id IN \
             (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $3 \
              AND (lease_until IS NULL OR lease_until < $3) ORDER BY next_attempt_at, id LIMIT $4) \
             RETURNING id, message_id, doc_type, agreement, partner, endpoint, content_type, payload, \
             control_number, po_number, attempts, lease_token",
        )
        .bind(&token)
        .bind(now + lease_ms)
        .bind(now)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        rows.iter()
            .map(|r| {
                Ok(LeasedEntry {
                    id: r.try_get("id")?,
                    message_id: r.try_get("message_id")?,
                    doc_type: r.try_get("doc_type")?,
                    agreement: r.try_get("agreement")?,
                    partner: r.try_get("partner")?,
                    endpoint: r.try_get("endpoint")?,
                    content_type: r.try_get("content_type")?,
                    payload: r.try_get("payload")?,
                    control_number: r.try_get("control_number")?,
                    po_number: r.try_get("po_number")?,
                    attempts: r.try_get("attempts")?,
                    lease_token: r.try_get("lease_token")?,
                })
            })
            .collect()
    }

    /// Records a successful delivery. Returns false when the lease was lost (another worker
    /// owns the entry now), in which case nothing was written.
    pub async fn delivered(
        &self,
        entry: &LeasedEntry,
        attempt: &AttemptRecord,
        order: Option<(NewOrderEvent, Option<(String, String)>)>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let now = now_ms();
        if !settle(&mut tx, entry, "delivered", attempt, Some(now), now).await? {
            return Ok(false);
        }
        if let Some((event, transition)) = order {
            if let Some((from, to)) = transition {
                sqlx::query(
                    "UPDATE orders SET status = $1, updated_at = $2 WHERE po_number = $3 AND status = $4",
                )
                .bind(&to)
                .bind(now_ms())
                .bind(&event.po_number)
                .bind(&from)
                .execute(&mut *tx)
                .await?;
            }
            // Record the status the order really has now: a response may have overtaken this
            // delivery's bookkeeping.
            let mut event = event;
            if let Some(row) = sqlx::query("SELECT status FROM orders WHERE po_number = $1")
                .bind(&event.po_number)
                .fetch_optional(&mut *tx)
                .await?
            {
                event.status = row.try_get(0)?;
            }
            insert_order_event(&mut tx, &event, Some(&entry.message_id), now_ms()).await?;
        }
        super::audit::append(
            &mut tx,
            &AuditEvent::new(
                "wharf",
                AuditAction::Delivered,
                format!("outbox:{}", entry.id),
                serde_json::json!({
                    "message_id": entry.message_id,
                    "agreement": entry.agreement,
                    "endpoint": entry.endpoint,
                    "doc_type": entry.doc_type,
                    "po_number": entry.po_number,
                    "attempt": attempt.attempt,
                    "status_code": attempt.status_code,
                    "duration_ms": attempt.duration_ms,
                }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Records a failed attempt and when to try again.
    pub async fn retry_later(
        &self,
        entry: &LeasedEntry,
        attempt: &AttemptRecord,
        next_attempt_at: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        if !settle(&mut tx, entry, "pending", attempt, None, next_attempt_at).await? {
            return Ok(false);
        }
        super::audit::append(
            &mut tx,
            &AuditEvent::new(
                "wharf",
                AuditAction::DeliveryAttempted,
                format!("outbox:{}", entry.id),
                serde_json::json!({
                    "attempt": attempt.attempt,
                    "status_code": attempt.status_code,
                    "error": attempt.error,
                    "next_attempt_at": next_attempt_at,
                }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Gives up on an entry after its last attempt; the payload stays for replay.
    pub async fn dead_letter(
        &self,
        entry: &LeasedEntry,
        attempt: &AttemptRecord,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        if !settle(&mut tx, entry, "dead", attempt, None, now_ms()).await? {
            return Ok(false);
        }
        super::audit::append(
            &mut tx,
            &AuditEvent::new(
                "wharf",
                AuditAction::DeadLettered,
                format!("outbox:{}", entry.id),
                serde_json::json!({
                    "message_id": entry.message_id,
                    "agreement": entry.agreement,
                    "attempts": attempt.attempt,
                    "last_error": attempt.error,
                }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Dead letters, newest first.
    pub async fn dead_letters(&self) -> Result<Vec<DeadLetter>, StoreError> {
        sqlx::query(
            "SELECT id, message_id, agreement, endpoint, attempts, last_error, created_at FROM outbox \
             WHERE status = 'dead' ORDER BY created_at DESC",
        )
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(DeadLetter {
                id: r.try_get("id")?,
                message_id: r.try_get("message_id")?,
                agreement: r.try_get("agreement")?,
                endpoint: r.try_get("endpoint")?,
                attempts: r.try_get("attempts")?,
                last_error: r.try_get("last_error")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
    }

    /// Puts a dead letter back in the queue for a fresh series of attempts.
    pub async fn replay(&self, id: &str, actor: &str) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = $1 \
             WHERE id = $2 AND status = 'dead'",
        )
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Ok(false);
        }
        super::audit::append(
            &mut tx,
            &AuditEvent::new(
                actor,
                AuditAction::Replayed,
                format!("outbox:{id}"),
                serde_json::json!({}),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Attempts made on one entry, in order.
    pub async fn attempts(&self, outbox_id: &str) -> Result<Vec<AttemptRecord>, StoreError> {
        sqlx::query(
            "SELECT attempt, duration_ms, status_code, error FROM delivery_attempts \
             WHERE outbox_id = $1 ORDER BY attempt",
        )
        .bind(outbox_id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            let code: Option<i64> = r.try_get("status_code")?;
            Ok(AttemptRecord {
                attempt: r.try_get("attempt")?,
                duration_ms: r.try_get("duration_ms")?,
                status_code: code.and_then(|c| u16::try_from(c).ok()),
                error: r.try_get("error")?,
            })
        })
        .collect()
    }

    /// Entries not yet delivered or dead.
    pub async fn pending_deliveries(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) FROM outbox WHERE status = 'pending'")
            .fetch_one(self.pool())
            .await?;
        Ok(row.try_get(0)?)
    }
}
