//! Retention of closed orders' content: once an order is closed or cancelled and has not moved
//! for the configured time, the raw bytes of the messages that touched it and the payloads
//! delivered for it are removed. What the order is (its status, history, canonical documents,
//! lines) stays, and so do the digests the audit log chained; one `content_pruned` audit entry
//! per sweep names every message and payload it emptied, which is how verification tells
//! retention from tampering.
//!
//! A message that carried several orders keeps its bytes until every one of them is closed
//! long enough. Messages and payloads that belong to no order (functional acknowledgments,
//! supplier records, notifications) are not touched.

use std::collections::BTreeSet;

use sqlx::Row;

use super::writer::{Batch, OpFuture, WriteOp};
use super::{Store, StoreError};
use crate::audit::AuditEvent;

/// The order states whose content retention may remove: nothing more happens to such an order.
const FINAL_STATES: &str = "('closed', 'cancelled')";

/// What one sweep removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    /// Closed orders whose content was looked at (and is now marked as pruned).
    pub orders: usize,
    /// Messages whose raw bytes were removed.
    pub messages: usize,
    /// Delivered payloads removed.
    pub payloads: usize,
}

struct PruneClosed {
    /// Orders that last moved before this (ms since the epoch) are old enough.
    closed_before: i64,
    /// How many orders one sweep takes, so that one batch stays short.
    limit: i64,
}

impl WriteOp for PruneClosed {
    type Output = Pruned;
    fn apply<'a>(&'a mut self, mut batch: Batch<'a>) -> OpFuture<'a, Pruned> {
        Box::pin(async move {
            let orders: Vec<(String, String)> = sqlx::query(&format!(
                "SELECT buyer, po_number FROM orders WHERE status IN {FINAL_STATES} \
                 AND updated_at < $1 AND content_pruned_at IS NULL \
                 ORDER BY updated_at, buyer, po_number LIMIT $2"
            ))
            .bind(self.closed_before)
            .bind(self.limit)
            .fetch_all(&mut **batch.tx)
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<Result<_, StoreError>>()?;
            if orders.is_empty() {
                return Ok(Pruned::default());
            }
            let mut candidates = BTreeSet::new();
            let mut payloads = Vec::new();
            for (buyer, po_number) in &orders {
                let rows = sqlx::query(
                    "SELECT DISTINCT message_id FROM order_events \
                     WHERE buyer = $1 AND po_number = $2 AND message_id IS NOT NULL",
                )
                .bind(buyer)
                .bind(po_number)
                .fetch_all(&mut **batch.tx)
                .await?;
                for row in &rows {
                    candidates.insert(row.try_get::<String, _>(0)?);
                }
                let emptied = sqlx::query(
                    "UPDATE outbox SET payload = $1, payload_codec = NULL, pruned_at = $2 \
                     WHERE order_buyer = $3 AND po_number = $4 AND status = 'delivered' \
                     AND pruned_at IS NULL RETURNING id",
                )
                .bind(Vec::<u8>::new())
                .bind(batch.now)
                .bind(buyer)
                .bind(po_number)
                .fetch_all(&mut **batch.tx)
                .await?;
                for row in &emptied {
                    payloads.push(row.try_get::<String, _>(0)?);
                }
                sqlx::query(
                    "UPDATE orders SET content_pruned_at = $1 WHERE buyer = $2 AND po_number = $3",
                )
                .bind(batch.now)
                .bind(buyer)
                .bind(po_number)
                .execute(&mut **batch.tx)
                .await?;
            }
            let mut messages = Vec::new();
            for message_id in candidates {
                // Kept while any order it touched is still open or closed too recently.
                let open = sqlx::query(&format!(
                    "SELECT 1 FROM order_events e JOIN orders o \
                     ON o.buyer = e.buyer AND o.po_number = e.po_number \
                     WHERE e.message_id = $1 \
                     AND (o.status NOT IN {FINAL_STATES} OR o.updated_at >= $2) LIMIT 1"
                ))
                .bind(&message_id)
                .bind(self.closed_before)
                .fetch_optional(&mut **batch.tx)
                .await?;
                if open.is_some() {
                    continue;
                }
                let emptied = sqlx::query(
                    "UPDATE messages SET raw = $1, raw_codec = NULL, pruned_at = $2 \
                     WHERE id = $3 AND status = 'processed' AND pruned_at IS NULL",
                )
                .bind(Vec::<u8>::new())
                .bind(batch.now)
                .bind(&message_id)
                .execute(&mut **batch.tx)
                .await?;
                if emptied.rows_affected() == 1 {
                    messages.push(message_id);
                }
            }
            let pruned = Pruned {
                orders: orders.len(),
                messages: messages.len(),
                payloads: payloads.len(),
            };
            if !messages.is_empty() || !payloads.is_empty() {
                super::audit::append(
                    &mut batch,
                    &AuditEvent::ContentPruned {
                        closed_before: self.closed_before,
                        orders: orders.iter().map(|(b, po)| format!("{b}/{po}")).collect(),
                        messages,
                        payloads,
                    },
                )
                .await?;
            }
            Ok(pruned)
        })
    }
}

impl Store {
    /// Removes the raw bytes and delivered payloads of up to `limit` orders closed or
    /// cancelled before `closed_before` (ms since the epoch), oldest first. Call it again while
    /// it finds orders.
    pub async fn prune_closed_content(
        &self,
        closed_before: i64,
        limit: i64,
    ) -> Result<Pruned, StoreError> {
        self.write(PruneClosed {
            closed_before,
            limit,
        })
        .await
    }
}
