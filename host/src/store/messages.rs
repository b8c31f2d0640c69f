//! Inbound messages: stored raw (with their digest) before anything else happens, recognised
//! when submitted again, queued for processing, and viewed by the partner who sent them (or by the operator, with
//! what decoding it cost).
//!
//! The queue is leased: a worker claims messages with a token and an expiry (or a message is
//! leased as it is stored, to be processed at once), and only the holder of a live lease can
//! record the outcome ([`super::processing`]). A lease that runs out (the worker died, or
//! stalled) is taken over by any worker of any process. A passing fault puts the message back
//! with a due time; a failed message can be reprocessed.

use serde::Serialize;
use sqlx::Row;

use super::cost::AdapterCost;
use super::packed::{self, Packed};
use super::wake::Work;
use super::writer::{Batch, OpFuture, WriteOp};
use super::{Store, StoreError, new_id};
use crate::audit::{Actor, AuditEvent};

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
    /// The failed message these bytes were sent before as, when this is a resend of it.
    pub resubmission_of: Option<String>,
}

/// A message leased for processing.
#[derive(Debug, Clone)]
pub struct QueuedMessage {
    pub id: String,
    pub partner: String,
    pub agreement: String,
    pub digest: String,
    pub content_type: Option<String>,
    pub raw: Vec<u8>,
    /// How often the message was claimed, this time included.
    pub attempts: i64,
    /// Fences every outcome: only the holder of the live lease can record one.
    pub lease_token: String,
}

/// Which failed messages to reprocess.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReprocessFilter {
    /// These messages (they must be failed).
    #[serde(default)]
    pub ids: Vec<String>,
    #[serde(default)]
    pub agreement: Option<String>,
    #[serde(default)]
    pub partner: Option<String>,
    /// The failure's code, e.g. `adapter.unavailable`.
    #[serde(default)]
    pub code: Option<String>,
    /// Received at or after, ms since the epoch.
    #[serde(default)]
    pub since: Option<i64>,
    #[serde(default)]
    pub until: Option<i64>,
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
    /// Why the last attempt did not finish, while the message waits to be tried again.
    pub waiting: Option<String>,
    pub resubmission_of: Option<String>,
    pub documents: Vec<DocumentSummary>,
    pub deliveries: Vec<SenderDeliveryView>,
    /// What decoding it cost: shown to the operator only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adapter_cost: Option<AdapterCost>,
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

/// What a partner may see of a delivery made on their behalf: never the receiving partner's
/// endpoint or its answers.
#[derive(Debug, Clone, Serialize)]
pub struct SenderDeliveryView {
    pub id: String,
    pub agreement: String,
    pub doc_type: String,
    pub status: String,
    pub attempts: i64,
    pub delivered_at: Option<i64>,
    /// What rendering it cost: shown to the operator only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub render_cost: Option<AdapterCost>,
}

/// A request refused at the edge: its metadata and a short prefix of its body.
#[derive(Debug, Clone)]
pub struct Rejection {
    pub path: String,
    /// The authenticated caller; `None` for a caller without a valid key, whose refusal is
    /// kept (within the caps) but not audited, so no one without a key can grow the audit log.
    pub partner: Option<String>,
    pub status_code: u16,
    pub reason: String,
    /// At most the configured prefix of the body.
    pub prefix: Vec<u8>,
    /// How many bytes the caller sent, or declared when the body was not read.
    pub size_bytes: u64,
    /// True when `prefix` is not the whole body.
    pub truncated: bool,
}

/// How much of the refusals is kept: together at most `max_bytes`, each at most
/// `retention_ms`; the oldest go first.
#[derive(Debug, Clone, Copy)]
pub struct RejectedKeep {
    pub max_bytes: i64,
    pub retention_ms: i64,
}

/// What a kept refusal weighs against the cap: its prefix, path and reason, ~100 bytes of ids
/// and times, all counted twice for the room SQLite's partly filled pages and the table's
/// indexes take, so that the cap bounds the space the refusals take on disk (measured: 45 KiB
/// of file for 32 KiB of rows counted once). Sums of it are cast to BIGINT, so that no
/// PostgreSQL widening (a sum of BIGINTs is NUMERIC, which the `Any` driver cannot read) ever
/// reaches the decoder.
const REJECTION_OVERHEAD: &str = "2 * (length(raw) + length(reason) + length(path) + 100)";

pub use super::digest;

/// A message to store, digested and packed before it reaches the writer, so that the one
/// writer spends its time on the database only.
struct Receive {
    message: NewMessage,
    digest: String,
    packed: Packed,
    /// Lease the new message for this long in the same insert ([`Store::receive_leased`]).
    lease_ms: Option<i64>,
}

impl Receive {
    fn new(message: NewMessage, lease_ms: Option<i64>) -> Receive {
        Receive {
            digest: digest(&message.raw),
            packed: packed::pack(&message.raw),
            message,
            lease_ms,
        }
    }
}

/// What storing a message gave: its receipt and, when it was stored new and leased in the
/// same write, the message to process.
struct Receipt {
    received: Received,
    leased: Option<QueuedMessage>,
}

impl WriteOp for Receive {
    type Output = Receipt;
    fn apply<'a>(&'a mut self, mut batch: Batch<'a>) -> OpFuture<'a, Receipt> {
        Box::pin(async move {
            let message = &self.message;
            let digest = self.digest.clone();
            if let Some(key) = &message.idempotency_key
                && let Some(row) = sqlx::query(
                    "SELECT digest FROM messages WHERE partner = $1 AND idempotency_key = $2",
                )
                .bind(&message.partner)
                .bind(key)
                .fetch_optional(&mut **batch.tx)
                .await?
            {
                let first: String = row.try_get(0)?;
                if first != digest {
                    return Err(StoreError::Refused(format!(
                        "Idempotency-Key {key:?} was used before for other bytes"
                    )));
                }
            }
            // The newest message with these bytes decides: one still queued or processed makes
            // this a duplicate; one that failed makes this a resend to process again.
            let latest = sqlx::query(
                "SELECT id, status FROM messages WHERE partner = $1 AND digest = $2 \
                 ORDER BY received_at DESC, id DESC LIMIT 1",
            )
            .bind(&message.partner)
            .bind(&digest)
            .fetch_optional(&mut **batch.tx)
            .await?;
            let mut resubmission_of = None;
            if let Some(row) = latest {
                let id: String = row.try_get("id")?;
                let status: String = row.try_get("status")?;
                if status != "failed" {
                    return Ok(Receipt {
                        received: Received {
                            id,
                            duplicate: true,
                            resubmission_of: None,
                        },
                        leased: None,
                    });
                }
                resubmission_of = Some(id);
            }
            // The key stays with the first message; a resend under it is found by its bytes.
            let idempotency_key = match resubmission_of {
                Some(_) => None,
                None => message.idempotency_key.clone(),
            };
            let id = new_id();
            // Leased here, the message counts its first attempt as a claim would.
            let lease = self
                .lease_ms
                .map(|lease_ms| (new_id(), batch.now + lease_ms));
            sqlx::query(
                "INSERT INTO messages (id, partner, agreement, received_at, digest, idempotency_key, \
                 content_type, raw, raw_codec, size_bytes, status, updated_at, next_attempt_at, \
                 resubmission_of, lease_token, lease_until, attempts) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $11, $9, 'received', $4, $4, $10, $12, \
                 $13, $14)",
            )
            .bind(&id)
            .bind(&message.partner)
            .bind(&message.agreement)
            .bind(batch.now)
            .bind(&digest)
            .bind(&idempotency_key)
            .bind(&message.content_type)
            .bind(&self.packed.bytes)
            .bind(message.raw.len() as i64)
            .bind(&resubmission_of)
            .bind(self.packed.codec)
            .bind(lease.as_ref().map(|(token, _)| token))
            .bind(lease.as_ref().map(|(_, until)| *until))
            .bind(i64::from(lease.is_some()))
            .execute(&mut **batch.tx)
            .await?;
            // A leased message is this process's already: no other worker needs waking.
            if lease.is_none() {
                super::wake::announce(&mut batch, Work::Messages).await?;
            }
            super::audit::append(
                &mut batch,
                &AuditEvent::MessageReceived {
                    message_id: id.clone(),
                    partner: message.partner.clone(),
                    agreement: message.agreement.clone(),
                    digest,
                    size_bytes: message.raw.len(),
                    idempotency_key: message.idempotency_key.clone(),
                    resubmission_of: resubmission_of.clone(),
                },
            )
            .await?;
            // The op runs once: its bytes go to the worker as they are, not copied on the
            // writer's thread.
            let leased = lease.map(|(lease_token, _)| QueuedMessage {
                id: id.clone(),
                partner: self.message.partner.clone(),
                agreement: self.message.agreement.clone(),
                digest: self.digest.clone(),
                content_type: self.message.content_type.clone(),
                raw: std::mem::take(&mut self.message.raw),
                attempts: 1,
                lease_token,
            });
            Ok(Receipt {
                received: Received {
                    id,
                    duplicate: false,
                    resubmission_of,
                },
                leased,
            })
        })
    }
}

struct Claim {
    limit: i64,
    lease_ms: i64,
}

impl WriteOp for Claim {
    type Output = Vec<QueuedMessage>;
    fn apply<'a>(&'a mut self, batch: Batch<'a>) -> OpFuture<'a, Vec<QueuedMessage>> {
        Box::pin(async move {
            let token = new_id();
            let sql = format!(
                "UPDATE messages SET lease_token = $1, lease_until = $2, attempts = attempts + 1, \
                 updated_at = $3 WHERE id IN \
                 (SELECT id FROM messages WHERE status = 'received' AND next_attempt_at <= $3 \
                  AND (lease_until IS NULL OR lease_until < $3) \
                  ORDER BY next_attempt_at, received_at, id LIMIT $4 {}) \
                 RETURNING id, partner, agreement, digest, content_type, raw, raw_codec, attempts, \
                 lease_token",
                batch.backend.skip_locked()
            );
            let rows = sqlx::query(&sql)
                .bind(&token)
                .bind(batch.now + self.lease_ms)
                .bind(batch.now)
                .bind(self.limit)
                .fetch_all(&mut **batch.tx)
                .await?;
            let mut messages = rows
                .iter()
                .map(|row| {
                    let id: String = row.try_get("id")?;
                    let raw = packed::unpack(
                        row.try_get::<Option<String>, _>("raw_codec")?.as_deref(),
                        row.try_get("raw")?,
                        &format!("message {id}"),
                    )?;
                    Ok(QueuedMessage {
                        id,
                        partner: row.try_get("partner")?,
                        agreement: row.try_get("agreement")?,
                        digest: row.try_get("digest")?,
                        content_type: row.try_get("content_type")?,
                        raw,
                        attempts: row.try_get("attempts")?,
                        lease_token: row.try_get("lease_token")?,
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            messages.sort_by(|a, b| a.id.cmp(&b.id));
            Ok(messages)
        })
    }
}

struct Requeue {
    id: String,
    token: String,
    fault: String,
    due: i64,
}

impl WriteOp for Requeue {
    type Output = ();
    fn apply<'a>(&'a mut self, mut batch: Batch<'a>) -> OpFuture<'a, ()> {
        Box::pin(async move {
            let moved = sqlx::query(
                "UPDATE messages SET lease_token = NULL, lease_until = NULL, next_attempt_at = $1, \
                 last_fault = $2, updated_at = $3 \
                 WHERE id = $4 AND lease_token = $5 AND status = 'received'",
            )
            .bind(self.due)
            .bind(&self.fault)
            .bind(batch.now)
            .bind(&self.id)
            .bind(&self.token)
            .execute(&mut **batch.tx)
            .await?;
            if moved.rows_affected() != 1 {
                return Err(StoreError::LeaseLost(format!("message {}", self.id)));
            }
            super::audit::append(
                &mut batch,
                &AuditEvent::MessageRequeued {
                    message_id: self.id.clone(),
                    fault: self.fault.clone(),
                    next_attempt_at: self.due,
                },
            )
            .await
        })
    }
}

pub(crate) struct Reprocess {
    pub(crate) filter: ReprocessFilter,
    pub(crate) actor: Actor,
    pub(crate) reason: Option<String>,
}

impl WriteOp for Reprocess {
    type Output = Vec<String>;
    fn apply<'a>(&'a mut self, mut batch: Batch<'a>) -> OpFuture<'a, Vec<String>> {
        Box::pin(async move {
            let f = &self.filter;
            let rows = sqlx::query(
                "SELECT id, error FROM messages WHERE status = 'failed' \
                 AND ($1 IS NULL OR agreement = $1) AND ($2 IS NULL OR partner = $2) \
                 AND ($3 IS NULL OR received_at >= $3) AND ($4 IS NULL OR received_at <= $4) \
                 ORDER BY received_at, id",
            )
            .bind(&f.agreement)
            .bind(&f.partner)
            .bind(f.since)
            .bind(f.until)
            .fetch_all(&mut **batch.tx)
            .await?;
            let mut chosen = Vec::new();
            for row in &rows {
                let id: String = row.try_get("id")?;
                let error: Option<String> = row.try_get("error")?;
                if !f.ids.is_empty() && !f.ids.contains(&id) {
                    continue;
                }
                if let Some(code) = &f.code {
                    let stored = error
                        .as_deref()
                        .and_then(|e| serde_json::from_str::<serde_json::Value>(e).ok())
                        .and_then(|e| e["code"].as_str().map(str::to_owned));
                    if stored.as_deref() != Some(code) {
                        continue;
                    }
                }
                chosen.push(id);
            }
            for id in &chosen {
                sqlx::query(
                    "UPDATE messages SET status = 'received', next_attempt_at = $1, lease_token = NULL, \
                     lease_until = NULL, attempts = 0, updated_at = $1 WHERE id = $2",
                )
                .bind(batch.now)
                .bind(id)
                .execute(&mut **batch.tx)
                .await?;
                super::audit::append(
                    &mut batch,
                    &AuditEvent::MessageReprocessed {
                        message_id: id.clone(),
                        actor: self.actor.clone(),
                        reason: self.reason.clone(),
                    },
                )
                .await?;
            }
            if !chosen.is_empty() {
                super::wake::announce(&mut batch, Work::Messages).await?;
            }
            Ok(chosen)
        })
    }
}

struct Reject(Rejection, RejectedKeep);

impl WriteOp for Reject {
    type Output = String;
    fn apply<'a>(&'a mut self, mut batch: Batch<'a>) -> OpFuture<'a, String> {
        Box::pin(async move {
            let rejection = &self.0;
            let id = new_id();
            sqlx::query(
                "INSERT INTO rejected_requests (id, at, path, partner, status_code, reason, raw, \
                 truncated, size_bytes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(&id)
            .bind(batch.now)
            .bind(&rejection.path)
            .bind(&rejection.partner)
            .bind(i64::from(rejection.status_code))
            .bind(&rejection.reason)
            .bind(&rejection.prefix)
            .bind(i64::from(rejection.truncated))
            .bind(i64::try_from(rejection.size_bytes).unwrap_or(i64::MAX))
            .execute(&mut **batch.tx)
            .await?;
            prune_rejected(&mut batch, self.1).await?;
            if rejection.partner.is_some() {
                super::audit::append(
                    &mut batch,
                    &AuditEvent::AccessDenied {
                        request_id: id.clone(),
                        partner: rejection.partner.clone(),
                        path: rejection.path.clone(),
                        status: rejection.status_code,
                        reason: rejection.reason.clone(),
                        size_bytes: usize::try_from(rejection.size_bytes).unwrap_or(usize::MAX),
                    },
                )
                .await?;
            }
            Ok(id)
        })
    }
}

/// Drops refusals older than the retention, then the oldest until the rest fit the cap.
async fn prune_rejected(batch: &mut Batch<'_>, keep: RejectedKeep) -> Result<u64, StoreError> {
    let mut dropped = sqlx::query("DELETE FROM rejected_requests WHERE at < $1")
        .bind(batch.now - keep.retention_ms)
        .execute(&mut **batch.tx)
        .await?
        .rows_affected();
    loop {
        let row = sqlx::query(&format!(
            "SELECT CAST(SUM({REJECTION_OVERHEAD}) AS BIGINT), \
             CAST(MIN({REJECTION_OVERHEAD}) AS BIGINT) FROM rejected_requests"
        ))
        .fetch_one(&mut **batch.tx)
        .await?;
        let total: Option<i64> = row.try_get(0)?;
        let lightest: Option<i64> = row.try_get(1)?;
        let excess = total.unwrap_or(0) - keep.max_bytes;
        if excess <= 0 {
            return Ok(dropped);
        }
        // Enough of the oldest to cover the excess even if they are the lightest; a few more
        // than needed is fine, fewer means another round.
        let count = 1 + excess / lightest.unwrap_or(1).max(1);
        let removed = sqlx::query(
            "DELETE FROM rejected_requests WHERE id IN \
             (SELECT id FROM rejected_requests ORDER BY at, id LIMIT $1)",
        )
        .bind(count.min(1_000))
        .execute(&mut **batch.tx)
        .await?
        .rows_affected();
        if removed == 0 {
            return Ok(dropped);
        }
        dropped += removed;
    }
}

struct PruneRejected(RejectedKeep);

impl WriteOp for PruneRejected {
    type Output = u64;
    fn apply<'a>(&'a mut self, mut batch: Batch<'a>) -> OpFuture<'a, u64> {
        Box::pin(async move { prune_rejected(&mut batch, self.0).await })
    }
}

impl Store {
    /// Stores a submitted message, or returns the id it was stored under before: the same
    /// idempotency key, or the same bytes, from the same partner. Bytes of a message that
    /// failed are stored again, linked to it, and processed anew. The same idempotency key
    /// with other bytes is refused.
    pub async fn receive(&self, message: NewMessage) -> Result<Received, StoreError> {
        Ok(self.write(Receive::new(message, None)).await?.received)
    }

    /// [`Store::receive`], leasing a newly stored message for `lease_ms` in the same write,
    /// as a claim would: the message comes back to be processed at once, and no worker has
    /// to find it. A duplicate comes back without one.
    pub async fn receive_leased(
        &self,
        message: NewMessage,
        lease_ms: i64,
    ) -> Result<(Received, Option<QueuedMessage>), StoreError> {
        let receipt = self.write(Receive::new(message, Some(lease_ms))).await?;
        Ok((receipt.received, receipt.leased))
    }

    /// Leases up to `limit` due messages for `lease_ms`, oldest first.
    pub async fn claim_received(
        &self,
        limit: i64,
        lease_ms: i64,
    ) -> Result<Vec<QueuedMessage>, StoreError> {
        self.write(Claim { limit, lease_ms }).await
    }

    /// Gives a leased message back to the queue after a passing fault, due again at `due`.
    pub async fn requeue(
        &self,
        message: &QueuedMessage,
        fault: &str,
        due: i64,
    ) -> Result<(), StoreError> {
        self.write(Requeue {
            id: message.id.clone(),
            token: message.lease_token.clone(),
            fault: fault.to_owned(),
            due,
        })
        .await
    }

    /// Puts failed messages matching `filter` back on the queue; returns their ids.
    pub async fn reprocess(
        &self,
        filter: ReprocessFilter,
        actor: Actor,
        reason: Option<String>,
    ) -> Result<Vec<String>, StoreError> {
        self.write(Reprocess {
            filter,
            actor,
            reason,
        })
        .await
    }

    /// Keeps a request refused at the edge, within `keep`.
    pub async fn reject(
        &self,
        rejection: &Rejection,
        keep: RejectedKeep,
    ) -> Result<String, StoreError> {
        self.write(Reject(rejection.clone(), keep)).await
    }

    /// Drops refusals past their retention or beyond the cap; returns how many.
    pub async fn prune_rejected(&self, keep: RejectedKeep) -> Result<u64, StoreError> {
        self.write(PruneRejected(keep)).await
    }

    /// How many received messages are due for processing at `now` (those waiting for a
    /// later retry are not): the backlog intake is paced by.
    pub async fn due_backlog(&self, now: i64) -> Result<i64, StoreError> {
        let count: i64 = sqlx::query(
            "SELECT COUNT(*) FROM messages WHERE status = 'received' AND next_attempt_at <= $1",
        )
        .bind(now)
        .fetch_one(self.pool())
        .await?
        .try_get(0)?;
        Ok(count)
    }

    /// Bytes the kept refusals weigh, as the cap counts them.
    pub async fn rejected_bytes(&self) -> Result<i64, StoreError> {
        let total: Option<i64> = sqlx::query(&format!(
            "SELECT CAST(SUM({REJECTION_OVERHEAD}) AS BIGINT) FROM rejected_requests"
        ))
        .fetch_one(self.pool())
        .await?
        .try_get(0)?;
        Ok(total.unwrap_or(0))
    }

    /// The raw bytes of a refused request.
    pub async fn rejected_raw(&self, id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let row = sqlx::query("SELECT raw FROM rejected_requests WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|r| r.get(0)))
    }

    /// The raw bytes of a message; `None` when there is no such message, or when retention
    /// removed them ([`super::retention`]).
    pub async fn message_raw(&self, id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let row =
            sqlx::query("SELECT raw, raw_codec FROM messages WHERE id = $1 AND pruned_at IS NULL")
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
        row.map(|r| {
            packed::unpack(
                r.try_get::<Option<String>, _>(1)?.as_deref(),
                r.try_get(0)?,
                &format!("message {id}"),
            )
        })
        .transpose()
    }

    /// A message with its documents and deliveries, if `partner` sent it.
    pub async fn message_view(
        &self,
        id: &str,
        partner: &str,
    ) -> Result<Option<MessageView>, StoreError> {
        self.view_message(id, Some(partner)).await
    }

    /// A message as the operator sees it: any partner's, with what its adapter call cost.
    pub async fn operator_message_view(&self, id: &str) -> Result<Option<MessageView>, StoreError> {
        self.view_message(id, None).await
    }

    async fn view_message(
        &self,
        id: &str,
        partner: Option<&str>,
    ) -> Result<Option<MessageView>, StoreError> {
        let Some(row) = sqlx::query(
            "SELECT id, partner, agreement, status, received_at, digest, size_bytes, error, \
             last_fault, resubmission_of, adapter_fuel, adapter_epoch_ticks, adapter_wall_us, \
             adapter_memory_bytes \
             FROM messages WHERE id = $1 AND ($2 IS NULL OR partner = $2)",
        )
        .bind(id)
        .bind(partner)
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        // What adapter calls cost is the operator's to see.
        let operator = partner.is_none();
        let adapter_cost = match operator {
            true => AdapterCost::from_row(&row, "adapter")?,
            false => None,
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
        // A team's notification about the message is the operator's business, not the
        // sender's.
        let deliveries = sqlx::query(
            "SELECT id, agreement, doc_type, status, attempts, delivered_at, render_fuel, \
             render_epoch_ticks, render_wall_us, render_memory_bytes \
             FROM outbox WHERE message_id = $1 AND ($2 = 1 OR doc_type <> $3) \
             ORDER BY created_at, id",
        )
        .bind(id)
        .bind(i64::from(operator))
        .bind(crate::engine::notify::NOTIFICATION)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(SenderDeliveryView {
                id: r.try_get("id")?,
                agreement: r.try_get("agreement")?,
                doc_type: r.try_get("doc_type")?,
                status: r.try_get("status")?,
                attempts: r.try_get("attempts")?,
                delivered_at: r.try_get("delivered_at")?,
                render_cost: match operator {
                    true => AdapterCost::from_row(r, "render")?,
                    false => None,
                },
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        let status: String = row.try_get("status")?;
        let waiting = match status.as_str() {
            "received" => row.try_get("last_fault")?,
            _ => None,
        };
        Ok(Some(MessageView {
            id: row.try_get("id")?,
            partner: row.try_get("partner")?,
            agreement: row.try_get("agreement")?,
            status,
            received_at: row.try_get("received_at")?,
            digest: row.try_get("digest")?,
            size_bytes: row.try_get("size_bytes")?,
            error: error.and_then(|e| serde_json::from_str(&e).ok()),
            waiting,
            resubmission_of: row.try_get("resubmission_of")?,
            documents,
            deliveries,
            adapter_cost,
        }))
    }
}
