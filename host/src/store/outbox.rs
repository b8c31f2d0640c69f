//! The outbox: documents waiting for delivery. An entry is written by the processing
//! transaction with its control number and what to render (a canonical document to encode, or
//! a functional acknowledgment); delivery workers lease due entries (a token and an expiry),
//! render them on their first attempt, and settle every attempt fenced by the token, so an
//! entry whose lease ran out and was taken by another worker is never completed twice.
//!
//! An order's later documents (changes, ship notices, invoices) are not leased for an
//! agreement while that agreement's copy of the purchase order itself is undelivered.

use std::collections::HashMap;

use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;

use super::cost::AdapterCost;
use super::deadlines::{NewDeadline, SentControls};
use super::exceptions::NewException;
use super::orders::{NewOrderEvent, OrderKey, OrderWrite, apply_write, insert_events};
use super::packed::{self, Packed};
use super::wake::Work;
use super::writer::{Batch, OpFuture, WriteOp};
use super::{Store, StoreError, new_id};
use crate::audit::{Actor, AuditEvent};

/// What a delivery worker renders for an entry.
#[derive(Debug, Clone, PartialEq)]
pub enum Render {
    /// Encode the canonical document the entry names.
    Encode,
    /// Render this functional acknowledgment (canonical JSON).
    Acknowledge(String),
    /// Nothing to render: these JSON bytes are sent as they are (a team's notification),
    /// signed with `[exceptions]`' secrets.
    Notification(Vec<u8>),
    /// Nothing to render: these JSON bytes, written by the engine, are sent as they are to
    /// the entry's agreement, signed with its secrets (a match result for finance).
    Prepared(Vec<u8>),
}

/// An entry to enqueue.
#[derive(Debug, Clone, PartialEq)]
pub struct NewOutboxEntry {
    pub id: String,
    pub message_id: String,
    pub document_id: Option<String>,
    pub doc_type: String,
    pub agreement: String,
    pub partner: String,
    pub endpoint: String,
    pub render: Render,
    /// The order the document is attached to: a later document for it waits until the order
    /// itself has been delivered through the same agreement.
    pub order: Option<OrderKey>,
    /// The audit entry recording the route; the store fills in the control number.
    pub routed: AuditEvent,
    /// What holds the entry back from delivery ([`super::lines::match_hold`],
    /// [`super::lines::quality_hold`]); it is inserted `held` and becomes pending when the
    /// last of them is lifted.
    pub holds: Vec<String>,
}

/// An entry leased for delivery.
#[derive(Debug, Clone)]
pub struct LeasedEntry {
    pub id: String,
    pub message_id: String,
    pub document_id: Option<String>,
    pub doc_type: String,
    pub agreement: String,
    pub partner: String,
    pub endpoint: String,
    pub render: Render,
    /// The wire bytes once rendered.
    pub payload: Option<Rendered>,
    pub control_number: String,
    /// The control numbers an earlier attempt's rendering wrote, if any.
    pub sent: Option<SentControls>,
    pub order: Option<OrderKey>,
    pub attempts: i64,
    pub created_at: i64,
    /// When the current series of attempts began.
    pub retry_from: i64,
    pub lease_token: String,
}

/// Wire bytes an adapter rendered.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub content_type: String,
    pub adapter: String,
    /// What the adapter call cost, when this attempt rendered it (`None` when read back).
    pub cost: Option<AdapterCost>,
    /// The control numbers the adapter wrote, when this attempt rendered it and they are
    /// X12's or EDIFACT's (kept on the entry with the bytes).
    pub sent: Option<SentControls>,
}

/// One delivery attempt's result.
#[derive(Debug, Clone, Serialize)]
pub struct AttemptRecord {
    pub attempt: i64,
    pub duration_ms: i64,
    pub status_code: Option<u16>,
    pub error: Option<String>,
}

/// How an attempt ends an entry's lease.
// One value per attempt, moved once into the writer: boxing would only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Settlement {
    /// Delivered; with the order's history entry (and advance) the delivery makes.
    Delivered {
        order: Option<(NewOrderEvent, Option<OrderWrite>)>,
        /// What the partner owes back now, and by when.
        deadlines: Vec<NewDeadline>,
    },
    /// Try again at this time.
    Retry { next_attempt_at: i64 },
    /// Given up: the payload (if any) stays for replay.
    Dead,
}

/// A dead letter as the admin API lists it.
#[derive(Debug, Clone, Serialize)]
pub struct DeadLetter {
    pub id: String,
    pub message_id: String,
    pub agreement: String,
    pub endpoint: String,
    pub doc_type: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
}

/// Which dead letters to replay.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplayFilter {
    #[serde(default)]
    pub ids: Vec<String>,
    #[serde(default)]
    pub agreement: Option<String>,
    #[serde(default)]
    pub partner: Option<String>,
    #[serde(default)]
    pub doc_type: Option<String>,
    /// Created at or after, ms since the epoch.
    #[serde(default)]
    pub since: Option<i64>,
    #[serde(default)]
    pub until: Option<i64>,
}

/// Inserts an entry with the agreement's next control number; returns the number.
pub(crate) async fn insert(batch: &mut Batch<'_>, e: &NewOutboxEntry) -> Result<i64, StoreError> {
    let control = super::control::allocate(batch.tx, &e.agreement).await?;
    let (render, ack, payload) = match &e.render {
        Render::Encode => ("encode", None, None),
        Render::Acknowledge(ack) => ("acknowledge", Some(ack.as_str()), None),
        Render::Notification(bytes) => ("notification", None, Some(packed::pack(bytes))),
        Render::Prepared(bytes) => ("prepared", None, Some(packed::pack(bytes))),
    };
    let content_type = if payload.is_some() {
        "application/json"
    } else {
        ""
    };
    let rendered = i64::from(payload.is_some());
    sqlx::query(
        "INSERT INTO outbox (id, message_id, document_id, doc_type, agreement, partner, endpoint, \
         content_type, payload, control_number, po_number, order_buyer, status, attempts, \
         next_attempt_at, created_at, render, ack, rendered, retry_from, payload_codec) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $15, $8, $9, $10, $11, $17, 0, $12, $12, $13, \
         $14, $16, $12, $18)",
    )
    .bind(&e.id)
    .bind(&e.message_id)
    .bind(&e.document_id)
    .bind(&e.doc_type)
    .bind(&e.agreement)
    .bind(&e.partner)
    .bind(&e.endpoint)
    .bind(
        payload
            .as_ref()
            .map(|p| p.bytes.as_slice())
            .unwrap_or_default(),
    )
    .bind(control.to_string())
    .bind(e.order.as_ref().map(|o| &o.po_number))
    .bind(e.order.as_ref().map(|o| &o.buyer))
    .bind(batch.now)
    .bind(render)
    .bind(ack)
    .bind(content_type)
    .bind(rendered)
    .bind(if e.holds.is_empty() {
        "pending"
    } else {
        "held"
    })
    .bind(payload.as_ref().and_then(|p| p.codec))
    .execute(&mut **batch.tx)
    .await?;
    if !e.holds.is_empty() {
        super::lines::hold_entry(batch.tx, &e.id, &e.holds).await?;
        return Ok(control);
    }
    super::wake::announce(batch, Work::Deliveries).await?;
    Ok(control)
}

/// Inserts `entry` and its route's audit entry, with the control number allocated.
pub(crate) async fn enqueue(
    batch: &mut Batch<'_>,
    entry: &mut NewOutboxEntry,
) -> Result<(), StoreError> {
    let control = insert(batch, entry).await?;
    if let AuditEvent::DocumentRouted { control_number, .. } = &mut entry.routed {
        *control_number = Some(control.to_string());
    }
    super::audit::append(batch, &entry.routed).await
}

/// How many entries of each agreement one lease may take: its endpoint's free slots.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointRoom {
    /// Agreements with a limit of their own; 0 leaves the agreement out.
    pub limited: HashMap<String, usize>,
    /// The limit of every other agreement; `None`: only the lease's overall limit.
    pub otherwise: Option<usize>,
}

impl EndpointRoom {
    /// How many entries of `agreement` may be leased; `None` when there is no limit.
    pub fn of(&self, agreement: &str) -> Option<usize> {
        self.limited.get(agreement).copied().or(self.otherwise)
    }

    fn closed(&self) -> Vec<&str> {
        let mut closed: Vec<&str> = self
            .limited
            .iter()
            .filter(|(_, room)| **room == 0)
            .map(|(agreement, _)| agreement.as_str())
            .collect();
        closed.sort_unstable();
        closed
    }
}

struct LeaseDue {
    limit: i64,
    lease_ms: i64,
    room: EndpointRoom,
}

impl WriteOp for LeaseDue {
    type Output = Vec<LeasedEntry>;
    fn apply<'a>(&'a mut self, batch: Batch<'a>) -> OpFuture<'a, Vec<LeasedEntry>> {
        Box::pin(async move {
            // The due entries in order, leaving out the agreements with no room; then as many
            // of each agreement's as its endpoint has room for. The others stay untouched for
            // a later round: leased, they would only be given back.
            let closed = self.room.closed();
            let excluded = if closed.is_empty() {
                String::new()
            } else {
                let marks: Vec<String> = (0..closed.len()).map(|i| format!("${}", i + 3)).collect();
                format!("AND o.agreement NOT IN ({})", marks.join(", "))
            };
            let sql = format!(
                "SELECT o.id, o.agreement FROM outbox o WHERE o.status = 'pending' \
                 AND o.next_attempt_at <= $1 AND (o.lease_until IS NULL OR o.lease_until < $1) \
                 {excluded} \
                 AND NOT (o.doc_type <> 'purchase_order' AND o.po_number IS NOT NULL AND EXISTS \
                   (SELECT 1 FROM outbox p WHERE p.po_number = o.po_number \
                    AND p.order_buyer = o.order_buyer AND p.agreement = o.agreement AND p.doc_type = 'purchase_order' \
                    AND p.status IN ('pending', 'dead'))) \
                 ORDER BY o.next_attempt_at, o.id LIMIT $2 {skip_locked}",
                skip_locked = batch.backend.skip_locked()
            );
            let mut query = sqlx::query(&sql).bind(batch.now).bind(self.limit);
            for agreement in &closed {
                query = query.bind(*agreement);
            }
            let due = query.fetch_all(&mut **batch.tx).await?;
            let mut taken: HashMap<String, usize> = HashMap::new();
            let mut chosen = Vec::new();
            for row in &due {
                let id: String = row.try_get("id")?;
                let agreement: String = row.try_get("agreement")?;
                let count = taken.entry(agreement.clone()).or_default();
                if self.room.of(&agreement).is_none_or(|room| *count < room) {
                    *count += 1;
                    chosen.push(id);
                }
            }
            if chosen.is_empty() {
                return Ok(Vec::new());
            }
            let marks: Vec<String> = (0..chosen.len()).map(|i| format!("${}", i + 3)).collect();
            let sql = format!(
                "UPDATE outbox SET lease_token = $1, lease_until = $2 WHERE id IN ({}) \
                 RETURNING id, message_id, document_id, doc_type, agreement, partner, endpoint, \
                 content_type, payload, payload_codec, rendered, render, ack, adapter, \
                 control_number, po_number, order_buyer, attempts, created_at, retry_from, \
                 lease_token, standard, interchange_control, group_control, message_control, message_type",
                marks.join(", ")
            );
            let mut query = sqlx::query(&sql)
                .bind(new_id())
                .bind(batch.now + self.lease_ms);
            for id in &chosen {
                query = query.bind(id);
            }
            let mut entries = query
                .fetch_all(&mut **batch.tx)
                .await?
                .iter()
                .map(leased)
                .collect::<Result<Vec<_>, _>>()?;
            // In the order they came due.
            let order: HashMap<&str, usize> = chosen
                .iter()
                .enumerate()
                .map(|(i, id)| (id.as_str(), i))
                .collect();
            entries.sort_by_key(|e| order.get(e.id.as_str()).copied());
            Ok(entries)
        })
    }
}

fn leased(r: &sqlx::any::AnyRow) -> Result<LeasedEntry, StoreError> {
    let id: String = r.try_get("id")?;
    let stored_payload = || {
        packed::unpack(
            r.try_get::<Option<String>, _>("payload_codec")?.as_deref(),
            r.try_get("payload")?,
            &format!("outbox entry {id}"),
        )
    };
    let rendered: i64 = r.try_get("rendered")?;
    let render: String = r.try_get("render")?;
    let render = match render.as_str() {
        "acknowledge" => {
            Render::Acknowledge(r.try_get::<Option<String>, _>("ack")?.ok_or_else(|| {
                StoreError::Corrupt("an acknowledgment entry without its ack".into())
            })?)
        }
        "notification" => Render::Notification(stored_payload()?),
        "prepared" => Render::Prepared(stored_payload()?),
        _ => Render::Encode,
    };
    let payload = if rendered == 1 {
        Some(Rendered {
            bytes: stored_payload()?,
            content_type: r.try_get("content_type")?,
            adapter: r
                .try_get::<Option<String>, _>("adapter")?
                .unwrap_or_default(),
            cost: None,
            sent: None,
        })
    } else {
        None
    };
    let sent = match r.try_get::<Option<String>, _>("standard")? {
        Some(standard) => Some(SentControls {
            standard,
            interchange_control: r.try_get("interchange_control")?,
            group_control: r.try_get("group_control")?,
            message_control: r.try_get("message_control")?,
            message_type: r.try_get("message_type")?,
        }),
        None => None,
    };
    let created_at: i64 = r.try_get("created_at")?;
    Ok(LeasedEntry {
        id,
        message_id: r.try_get("message_id")?,
        document_id: r.try_get("document_id")?,
        doc_type: r.try_get("doc_type")?,
        agreement: r.try_get("agreement")?,
        partner: r.try_get("partner")?,
        endpoint: r.try_get("endpoint")?,
        render,
        payload,
        control_number: r.try_get("control_number")?,
        sent,
        order: match (
            r.try_get::<Option<String>, _>("order_buyer")?,
            r.try_get::<Option<String>, _>("po_number")?,
        ) {
            (Some(buyer), Some(po_number)) => Some(OrderKey { buyer, po_number }),
            _ => None,
        },
        attempts: r.try_get("attempts")?,
        created_at,
        retry_from: r
            .try_get::<Option<i64>, _>("retry_from")?
            .unwrap_or(created_at),
        lease_token: r.try_get("lease_token")?,
    })
}

struct Settle {
    entry: LeasedEntry,
    /// Wire bytes rendered for this attempt, kept with its outcome.
    rendered: Option<Rendered>,
    attempt: AttemptRecord,
    settlement: Settlement,
    /// Raised with the outcome (a dead letter's `delivery_failed`), with its notification.
    exception: Option<(NewException, Option<NewOutboxEntry>)>,
    /// The rendered bytes as stored, packed before the op reaches the writer.
    packed: Option<Packed>,
    /// SHA-256 of the bytes delivered (rendered now, or before), lower-case hex.
    payload_digest: Option<String>,
}

impl WriteOp for Settle {
    type Output = ();
    fn apply<'a>(&'a mut self, mut batch: Batch<'a>) -> OpFuture<'a, ()> {
        Box::pin(async move {
            let entry = &self.entry;
            let (status, delivered_at, next_attempt_at) = match &self.settlement {
                Settlement::Delivered { .. } => ("delivered", Some(batch.now), batch.now),
                Settlement::Retry { next_attempt_at } => ("pending", None, *next_attempt_at),
                Settlement::Dead => ("dead", None, batch.now),
            };
            // The outcome, and the bytes when this attempt rendered them, in one statement.
            let rendering = self
                .rendered
                .as_ref()
                .map(|r| (r, r.cost.unwrap_or_default()));
            let sql = if rendering.is_some() {
                "UPDATE outbox SET status = $1, attempts = $2, last_error = $3, delivered_at = $4, \
                 next_attempt_at = $5, lease_token = NULL, lease_until = NULL, payload = $8, \
                 content_type = $9, adapter = $10, rendered = 1, render_fuel = $11, \
                 render_epoch_ticks = $12, render_wall_us = $13, render_memory_bytes = $14, \
                 payload_codec = $15 \
                 WHERE id = $6 AND lease_token = $7 AND status = 'pending'"
            } else {
                "UPDATE outbox SET status = $1, attempts = $2, last_error = $3, delivered_at = $4, \
                 next_attempt_at = $5, lease_token = NULL, lease_until = NULL \
                 WHERE id = $6 AND lease_token = $7 AND status = 'pending'"
            };
            let mut update = sqlx::query(sql)
                .bind(status)
                .bind(self.attempt.attempt)
                .bind(&self.attempt.error)
                .bind(delivered_at)
                .bind(next_attempt_at)
                .bind(&entry.id)
                .bind(&entry.lease_token);
            if let Some(((rendered, cost), packed)) = rendering.zip(self.packed.as_ref()) {
                update = update
                    .bind(&packed.bytes)
                    .bind(&rendered.content_type)
                    .bind(&rendered.adapter)
                    .bind(cost.fuel)
                    .bind(cost.epoch_ticks)
                    .bind(cost.wall_us)
                    .bind(cost.memory_bytes)
                    .bind(packed.codec);
            }
            let updated = update.execute(&mut **batch.tx).await?;
            if updated.rows_affected() != 1 {
                return Err(StoreError::LeaseLost(format!("outbox entry {}", entry.id)));
            }
            if let Some(rendered) = &self.rendered {
                if let Some(sent) = &rendered.sent {
                    super::deadlines::record_sent(&mut batch, &entry.id, sent).await?;
                }
                super::audit::append(
                    &mut batch,
                    &AuditEvent::Rendered {
                        outbox_id: entry.id.clone(),
                        adapter: rendered.adapter.clone(),
                        bytes: rendered.bytes.len(),
                        digest: self.payload_digest.clone().unwrap_or_default(),
                    },
                )
                .await?;
            }
            let a = &self.attempt;
            sqlx::query(
                "INSERT INTO delivery_attempts (outbox_id, attempt, at, duration_ms, status_code, error) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&entry.id)
            .bind(a.attempt)
            .bind(batch.now)
            .bind(a.duration_ms)
            .bind(a.status_code.map(i64::from))
            .bind(&a.error)
            .execute(&mut **batch.tx)
            .await?;
            let event = match &self.settlement {
                Settlement::Delivered { order, deadlines } => {
                    if let Some((event, advance)) = order {
                        if let Some(write) = advance {
                            apply_write(batch.tx, write, batch.now).await?;
                        }
                        let events = std::slice::from_ref(event);
                        insert_events(batch.tx, events, Some(&entry.message_id), batch.now).await?;
                    }
                    for deadline in deadlines {
                        super::deadlines::insert(&mut batch, deadline).await?;
                    }
                    AuditEvent::Delivered {
                        outbox_id: entry.id.clone(),
                        message_id: entry.message_id.clone(),
                        agreement: entry.agreement.clone(),
                        doc_type: entry.doc_type.clone(),
                        order: entry.order.clone(),
                        attempt: a.attempt,
                        status_code: a.status_code,
                        duration_ms: a.duration_ms,
                        payload_digest: self.payload_digest.clone().unwrap_or_default(),
                    }
                }
                Settlement::Retry { next_attempt_at } => AuditEvent::DeliveryAttempted {
                    outbox_id: entry.id.clone(),
                    attempt: a.attempt,
                    status_code: a.status_code,
                    error: a.error.clone(),
                    next_attempt_at: Some(*next_attempt_at),
                },
                Settlement::Dead => AuditEvent::DeadLettered {
                    outbox_id: entry.id.clone(),
                    message_id: entry.message_id.clone(),
                    agreement: entry.agreement.clone(),
                    attempts: a.attempt,
                    last_error: a.error.clone(),
                },
            };
            super::audit::append(&mut batch, &event).await?;
            if let Some((exception, notification)) = &mut self.exception {
                super::exceptions::insert(&mut batch, exception).await?;
                if let Some(notification) = notification {
                    enqueue(&mut batch, notification).await?;
                }
            }
            Ok(())
        })
    }
}

struct Release {
    id: String,
    token: String,
}

impl WriteOp for Release {
    type Output = ();
    fn apply<'a>(&'a mut self, batch: Batch<'a>) -> OpFuture<'a, ()> {
        Box::pin(async move {
            sqlx::query(
                "UPDATE outbox SET lease_token = NULL, lease_until = NULL \
                 WHERE id = $1 AND lease_token = $2",
            )
            .bind(&self.id)
            .bind(&self.token)
            .execute(&mut **batch.tx)
            .await?;
            Ok(())
        })
    }
}

pub(crate) struct Replay {
    pub(crate) filter: ReplayFilter,
    pub(crate) actor: Actor,
}

impl WriteOp for Replay {
    type Output = Vec<String>;
    fn apply<'a>(&'a mut self, mut batch: Batch<'a>) -> OpFuture<'a, Vec<String>> {
        Box::pin(async move {
            let f = &self.filter;
            let rows = sqlx::query(
                "SELECT id FROM outbox WHERE status = 'dead' \
                 AND ($1 IS NULL OR agreement = $1) AND ($2 IS NULL OR partner = $2) \
                 AND ($3 IS NULL OR doc_type = $3) AND ($4 IS NULL OR created_at >= $4) \
                 AND ($5 IS NULL OR created_at <= $5) ORDER BY created_at, id",
            )
            .bind(&f.agreement)
            .bind(&f.partner)
            .bind(&f.doc_type)
            .bind(f.since)
            .bind(f.until)
            .fetch_all(&mut **batch.tx)
            .await?;
            let mut replayed = Vec::new();
            for row in &rows {
                let id: String = row.try_get(0)?;
                if !f.ids.is_empty() && !f.ids.contains(&id) {
                    continue;
                }
                // The same id goes out again: to the receiver it is the same effect
                // (`webhook-id`), so a replay never doubles one.
                sqlx::query(
                    "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = $1, \
                     retry_from = $1, lease_token = NULL, lease_until = NULL WHERE id = $2",
                )
                .bind(batch.now)
                .bind(&id)
                .execute(&mut **batch.tx)
                .await?;
                super::audit::append(
                    &mut batch,
                    &AuditEvent::Replayed {
                        outbox_id: id.clone(),
                        actor: self.actor.clone(),
                    },
                )
                .await?;
                replayed.push(id);
            }
            if !replayed.is_empty() {
                super::wake::announce(&mut batch, Work::Deliveries).await?;
            }
            Ok(replayed)
        })
    }
}

impl Store {
    /// Leases up to `limit` due entries for `lease_ms`, of each agreement no more than its
    /// endpoint has `room` for.
    pub async fn lease_due(
        &self,
        limit: i64,
        lease_ms: i64,
        room: EndpointRoom,
    ) -> Result<Vec<LeasedEntry>, StoreError> {
        self.write(LeaseDue {
            limit,
            lease_ms,
            room,
        })
        .await
    }

    /// Records an attempt and its outcome, with the bytes rendered for it and the exception
    /// the outcome raises (with its team's notification). Fails with [`StoreError::LeaseLost`] (writing nothing) when another
    /// worker owns the entry now.
    pub async fn settle(
        &self,
        entry: LeasedEntry,
        rendered: Option<Rendered>,
        attempt: AttemptRecord,
        settlement: Settlement,
        exception: Option<(NewException, Option<NewOutboxEntry>)>,
    ) -> Result<(), StoreError> {
        let payload = rendered.as_ref().or(entry.payload.as_ref());
        let payload_digest = payload.map(|p| hex::encode(Sha256::digest(&p.bytes)));
        let packed = rendered.as_ref().map(|r| packed::pack(&r.bytes));
        self.write(Settle {
            entry,
            rendered,
            attempt,
            settlement,
            exception,
            packed,
            payload_digest,
        })
        .await
    }

    /// Gives a leased entry back untried, for another worker or a later round.
    pub async fn release(&self, entry: &LeasedEntry) -> Result<(), StoreError> {
        self.write(Release {
            id: entry.id.clone(),
            token: entry.lease_token.clone(),
        })
        .await
    }

    /// Puts dead letters matching `filter` back in the queue for a fresh series of attempts.
    pub async fn replay(
        &self,
        filter: ReplayFilter,
        actor: Actor,
    ) -> Result<Vec<String>, StoreError> {
        self.write(Replay { filter, actor }).await
    }

    /// Dead letters, newest first.
    pub async fn dead_letters(&self) -> Result<Vec<DeadLetter>, StoreError> {
        sqlx::query(
            "SELECT id, message_id, agreement, endpoint, doc_type, attempts, last_error, created_at \
             FROM outbox WHERE status = 'dead' ORDER BY created_at DESC",
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
                doc_type: r.try_get("doc_type")?,
                attempts: r.try_get("attempts")?,
                last_error: r.try_get("last_error")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
    }

    /// Attempts made on one entry, in order.
    pub async fn attempts(&self, outbox_id: &str) -> Result<Vec<AttemptRecord>, StoreError> {
        sqlx::query(
            "SELECT attempt, duration_ms, status_code, error FROM delivery_attempts \
             WHERE outbox_id = $1 ORDER BY id",
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

    /// The canonical document an entry encodes, as stored JSON.
    pub async fn document_body(&self, document_id: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT body, body_zstd FROM documents WHERE id = $1")
            .bind(document_id)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| super::packed::document_body(r.try_get(0)?, r.try_get(1)?, document_id))
            .transpose()
    }
}
