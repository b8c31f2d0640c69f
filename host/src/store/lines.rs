//! Order lines, invoice matches, quality holds and what holds an outbox entry back: the rows
//! behind the order's life after its acknowledgment ([`crate::engine::lines`],
//! [`crate::engine::matching`]). The engine decides [`LineWrite`]s; they are applied inside
//! the processing batch (or an operator's action), so a line, its match and the delivery it
//! releases move together or not at all.
//!
//! Every write to an order's lines is fenced on the order's `version` as the engine read it:
//! a replica that decided on lines another one has moved since gets a conflict and decides
//! again, never overwrites.

use serde::Serialize;
use sqlx::Row;

use super::writer::{Batch, Tx};
use super::{Store, StoreError};
use crate::engine::lines::{LineState, Lines};
use crate::engine::matching::{LineMatch, MatchResult};
use crate::model::OrderKey;

/// A write about order lines, matches or holds the engine decided.
#[derive(Debug, Clone, PartialEq)]
pub enum LineWrite {
    /// The order's lines after a document, and its status; conflicts unless the order is
    /// still at `version`.
    Lines {
        key: OrderKey,
        version: i64,
        status: String,
        lines: Vec<LineState>,
    },
    /// An invoice's match results for one order.
    Matches {
        order: OrderKey,
        document_id: String,
        partner: String,
        invoice_number: String,
        matches: Vec<LineMatch>,
    },
    /// A held invoice line that now matches (a receipt closed the gap, or an operator
    /// released it); the invoice's deliveries go once none of its lines waits.
    Cleared {
        document_id: String,
        matched: LineMatch,
    },
    /// A held or blocked invoice line an operator released: it counts as matched, and the
    /// invoice's deliveries go once none of its lines waits. The exception is the
    /// operator's action to settle, not this write's.
    Released {
        document_id: String,
        released: LineMatch,
    },
    /// A quality hold placed by `placed_by`'s notification.
    PlaceHold(QualityHold),
    /// Every active hold `placed_by`'s notification `notification` placed is released, and
    /// what they held back goes.
    ReleaseHolds {
        placed_by: String,
        notification: String,
        released_by: String,
    },
}

/// A quality hold on a part, a lot or a supplier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QualityHold {
    pub id: String,
    pub placed_by: String,
    pub notification: String,
    /// `part`, `lot` or `supplier`.
    pub scope: String,
    pub value: String,
    pub message_id: String,
    pub placed_at: i64,
    pub released_at: Option<i64>,
}

/// A line of an invoice waiting on its match, as the engine reads it for the order: a line
/// still waiting, or one of the same invoice that matched already.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldMatch {
    pub document_id: String,
    pub partner: String,
    pub invoice_number: String,
    pub line: LineMatch,
}

/// The hold an unmatched invoice puts on its deliveries to finance.
pub fn match_hold(document_id: &str) -> String {
    format!("match:{document_id}")
}

/// The hold a quality hold puts on the deliveries it blocks.
pub fn quality_hold(hold_id: &str) -> String {
    format!("quality:{hold_id}")
}

pub(crate) async fn apply(batch: &mut Batch<'_>, write: &LineWrite) -> Result<(), StoreError> {
    let now = batch.now;
    match write {
        LineWrite::Lines {
            key,
            version,
            status,
            lines,
        } => {
            let moved = sqlx::query(
                "UPDATE orders SET version = version + 1, status = $1, updated_at = $2 \
                 WHERE buyer = $3 AND po_number = $4 AND version = $5",
            )
            .bind(status)
            .bind(now)
            .bind(&key.buyer)
            .bind(&key.po_number)
            .bind(version)
            .execute(&mut **batch.tx)
            .await?;
            if moved.rows_affected() == 0 {
                return Err(StoreError::Conflict(format!(
                    "order {key}'s lines moved since version {version}"
                )));
            }
            upsert_lines(batch.tx, key, lines, now).await?;
        }
        LineWrite::Matches {
            order,
            document_id,
            partner,
            invoice_number,
            matches,
        } => {
            for m in matches {
                sqlx::query(
                    "INSERT INTO invoice_matches (document_id, invoice_line, partner, \
                     invoice_number, buyer, po_number, order_line, result, explanation, \
                     created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
                )
                .bind(document_id)
                .bind(&m.invoice_line)
                .bind(partner)
                .bind(invoice_number)
                .bind(&order.buyer)
                .bind(&order.po_number)
                .bind(&m.order_line)
                .bind(m.result.as_str())
                .bind(explanation(m)?)
                .bind(now)
                .execute(&mut **batch.tx)
                .await?;
            }
        }
        LineWrite::Cleared {
            document_id,
            matched,
        } => {
            if settle(batch, document_id, matched).await? {
                resolve_mismatch(batch, document_id).await?;
            }
        }
        LineWrite::Released {
            document_id,
            released,
        } => {
            settle(batch, document_id, released).await?;
        }
        LineWrite::PlaceHold(hold) => {
            sqlx::query(
                "INSERT INTO quality_holds (id, placed_by, notification, scope, value, \
                 message_id, placed_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&hold.id)
            .bind(&hold.placed_by)
            .bind(&hold.notification)
            .bind(&hold.scope)
            .bind(&hold.value)
            .bind(&hold.message_id)
            .bind(now)
            .execute(&mut **batch.tx)
            .await?;
        }
        LineWrite::ReleaseHolds {
            placed_by,
            notification,
            released_by,
        } => {
            let ids: Vec<String> = sqlx::query(
                "UPDATE quality_holds SET released_at = $1, released_by = $2 \
                 WHERE placed_by = $3 AND notification = $4 AND released_at IS NULL \
                 RETURNING id",
            )
            .bind(now)
            .bind(released_by)
            .bind(placed_by)
            .bind(notification)
            .fetch_all(&mut **batch.tx)
            .await?
            .iter()
            .map(|r| r.try_get::<String, _>(0))
            .collect::<Result<_, _>>()?;
            for id in ids {
                release(batch.tx, &quality_hold(&id), now).await?;
            }
        }
    }
    Ok(())
}

/// Records a waiting invoice line's new result; when none of the invoice's lines waits any
/// more its deliveries go. Returns whether the invoice stopped waiting.
async fn settle(
    batch: &mut Batch<'_>,
    document_id: &str,
    line: &LineMatch,
) -> Result<bool, StoreError> {
    let now = batch.now;
    let moved = sqlx::query(
        "UPDATE invoice_matches SET result = $1, explanation = $2, updated_at = $3 \
         WHERE document_id = $4 AND invoice_line = $5 AND result IN ('held', 'blocked')",
    )
    .bind(line.result.as_str())
    .bind(explanation(line)?)
    .bind(now)
    .bind(document_id)
    .bind(&line.invoice_line)
    .execute(&mut **batch.tx)
    .await?;
    if moved.rows_affected() == 0 {
        return Err(StoreError::Conflict(format!(
            "invoice line {} of {document_id} no longer waits",
            line.invoice_line
        )));
    }
    let waiting: i64 = sqlx::query(
        "SELECT COUNT(*) FROM invoice_matches WHERE document_id = $1 \
         AND result IN ('held', 'blocked')",
    )
    .bind(document_id)
    .fetch_one(&mut **batch.tx)
    .await?
    .try_get(0)?;
    if waiting > 0 {
        return Ok(false);
    }
    release(batch.tx, &match_hold(document_id), now).await?;
    Ok(true)
}

/// The match exception of the invoice `document_id` is resolved: a receipt closed its gap.
async fn resolve_mismatch(batch: &mut Batch<'_>, document_id: &str) -> Result<(), StoreError> {
    let Some(row) = sqlx::query("SELECT message_id, business_key FROM documents WHERE id = $1")
        .bind(document_id)
        .fetch_optional(&mut **batch.tx)
        .await?
    else {
        return Ok(());
    };
    let message_id: String = row.try_get(0)?;
    let invoice_number: Option<String> = row.try_get(1)?;
    let reason = "a goods receipt closed the gap the invoice waited on";
    let open = sqlx::query(
        "SELECT id, state FROM exceptions WHERE message_id = $1 AND kind = 'mismatch' \
         AND state <> 'resolved' AND ($2 IS NULL OR business_key = $2)",
    )
    .bind(&message_id)
    .bind(&invoice_number)
    .fetch_all(&mut **batch.tx)
    .await?;
    for row in open {
        let (id, from): (String, String) = (row.try_get(0)?, row.try_get(1)?);
        sqlx::query(
            "UPDATE exceptions SET state = 'resolved', last_action = 'receipt', reason = $1, \
             updated_at = $2 WHERE id = $3",
        )
        .bind(reason)
        .bind(batch.now)
        .bind(&id)
        .execute(&mut **batch.tx)
        .await?;
        super::audit::append(
            batch,
            &crate::audit::AuditEvent::ExceptionActed {
                exception_id: id,
                actor: crate::audit::Actor::Wharf,
                action: "receipt".into(),
                from,
                to: "resolved".into(),
                reason: Some(reason.into()),
            },
        )
        .await?;
    }
    Ok(())
}

fn explanation(m: &LineMatch) -> Result<String, StoreError> {
    serde_json::to_string(m).map_err(|e| StoreError::Corrupt(format!("invoice match: {e}")))
}

/// Holds `outbox_id` back with each of `holds` (the entry was inserted `held`).
pub(crate) async fn hold_entry(
    tx: &mut Tx,
    outbox_id: &str,
    holds: &[String],
) -> Result<(), StoreError> {
    for hold in holds {
        sqlx::query(
            "INSERT INTO outbox_holds (outbox_id, hold) VALUES ($1, $2) \
             ON CONFLICT (outbox_id, hold) DO NOTHING",
        )
        .bind(outbox_id)
        .bind(hold)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Lifts `hold` from every entry it holds; an entry nothing else holds becomes due now.
pub(crate) async fn release(tx: &mut Tx, hold: &str, now: i64) -> Result<(), StoreError> {
    let entries: Vec<String> =
        sqlx::query("DELETE FROM outbox_holds WHERE hold = $1 RETURNING outbox_id")
            .bind(hold)
            .fetch_all(&mut **tx)
            .await?
            .iter()
            .map(|r| r.try_get::<String, _>(0))
            .collect::<Result<_, _>>()?;
    for id in entries {
        sqlx::query(
            "UPDATE outbox SET status = 'pending', next_attempt_at = $1, retry_from = $1 \
             WHERE id = $2 AND status = 'held' \
             AND NOT EXISTS (SELECT 1 FROM outbox_holds h WHERE h.outbox_id = $2)",
        )
        .bind(now)
        .bind(&id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

fn hold_from(row: &sqlx::any::AnyRow) -> Result<QualityHold, StoreError> {
    Ok(QualityHold {
        id: row.try_get("id")?,
        placed_by: row.try_get("placed_by")?,
        notification: row.try_get("notification")?,
        scope: row.try_get("scope")?,
        value: row.try_get("value")?,
        message_id: row.try_get("message_id")?,
        placed_at: row.try_get("placed_at")?,
        released_at: row.try_get("released_at")?,
    })
}

const HOLD_COLUMNS: &str =
    "id, placed_by, notification, scope, value, message_id, placed_at, released_at";

/// One invoice line's match as the timeline shows it.
#[derive(Debug, Clone, Serialize)]
pub struct MatchView {
    pub invoice_number: String,
    pub document_id: String,
    pub result: String,
    #[serde(flatten)]
    pub detail: LineMatch,
}

/// A stored invoice line match with the partner whose invoice it is.
struct StoredMatch {
    partner: String,
    view: MatchView,
}

impl Store {
    /// The order's version and lines (the engine's read).
    pub async fn order_lines(&self, key: &OrderKey) -> Result<(i64, Lines), StoreError> {
        let version: i64 =
            sqlx::query("SELECT version FROM orders WHERE buyer = $1 AND po_number = $2")
                .bind(&key.buyer)
                .bind(&key.po_number)
                .fetch_optional(self.pool())
                .await?
                .map(|r| r.try_get(0))
                .transpose()?
                .unwrap_or(0);
        let rows = sqlx::query(
            "SELECT state FROM order_lines WHERE buyer = $1 AND po_number = $2 \
             ORDER BY line_number",
        )
        .bind(&key.buyer)
        .bind(&key.po_number)
        .fetch_all(self.pool())
        .await?;
        let mut lines = Lines::new();
        for row in rows {
            let state: String = row.try_get(0)?;
            let line: LineState = serde_json::from_str(&state)
                .map_err(|e| StoreError::Corrupt(format!("order line of {key}: {e}")))?;
            lines.insert(line.line_number.clone(), line);
        }
        Ok((version, lines))
    }

    /// Every line of the order's invoices that still wait on their match (the lines that
    /// matched included, so what finance is told of such an invoice is whole).
    pub async fn held_matches(&self, key: &OrderKey) -> Result<Vec<HeldMatch>, StoreError> {
        Ok(self
            .matches(key, true)
            .await?
            .into_iter()
            .map(|m| HeldMatch {
                document_id: m.view.document_id,
                partner: m.partner,
                invoice_number: m.view.invoice_number,
                line: m.view.detail,
            })
            .collect())
    }

    /// Every invoice line's match on the order, oldest first.
    pub async fn order_matches(&self, key: &OrderKey) -> Result<Vec<MatchView>, StoreError> {
        Ok(self
            .matches(key, false)
            .await?
            .into_iter()
            .map(|m| m.view)
            .collect())
    }

    /// The order's invoice line matches, oldest first; only those of invoices with a line
    /// still waiting when `waiting_invoices` is set.
    async fn matches(
        &self,
        key: &OrderKey,
        waiting_invoices: bool,
    ) -> Result<Vec<StoredMatch>, StoreError> {
        let rows = sqlx::query(
            "SELECT document_id, partner, invoice_number, result, explanation \
             FROM invoice_matches m WHERE buyer = $1 AND po_number = $2 \
             AND ($3 = 0 OR EXISTS (SELECT 1 FROM invoice_matches w \
                 WHERE w.document_id = m.document_id AND w.result IN ('held', 'blocked'))) \
             ORDER BY created_at, document_id, invoice_line",
        )
        .bind(&key.buyer)
        .bind(&key.po_number)
        .bind(i64::from(waiting_invoices))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let explanation: String = r.try_get("explanation")?;
                Ok(StoredMatch {
                    partner: r.try_get("partner")?,
                    view: MatchView {
                        invoice_number: r.try_get("invoice_number")?,
                        document_id: r.try_get("document_id")?,
                        result: r.try_get("result")?,
                        detail: serde_json::from_str(&explanation)
                            .map_err(|e| StoreError::Corrupt(format!("invoice match: {e}")))?,
                    },
                })
            })
            .collect()
    }

    /// Quality holds still in force.
    pub async fn active_holds(&self) -> Result<Vec<QualityHold>, StoreError> {
        sqlx::query(&format!(
            "SELECT {HOLD_COLUMNS} FROM quality_holds WHERE released_at IS NULL \
             ORDER BY placed_at, id"
        ))
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(hold_from)
        .collect()
    }

    /// Every quality hold `partner` placed or that concerns it, released ones included.
    pub async fn holds_placed_by(
        &self,
        partners: &[String],
    ) -> Result<Vec<QualityHold>, StoreError> {
        let mut holds = Vec::new();
        for partner in partners {
            let rows = sqlx::query(&format!(
                "SELECT {HOLD_COLUMNS} FROM quality_holds WHERE placed_by = $1 \
                 ORDER BY placed_at, id"
            ))
            .bind(partner)
            .fetch_all(self.pool())
            .await?;
            for row in &rows {
                holds.push(hold_from(row)?);
            }
        }
        Ok(holds)
    }
}

/// Whether `result` keeps an invoice from finance.
pub fn is_waiting(result: &str) -> bool {
    MatchResult::parse(result).is_some_and(MatchResult::is_waiting)
}

/// Order lines per statement: eight parameters each.
const LINES_PER_INSERT: usize = 100;

/// Writes `lines` as the order's, several to a statement. Line numbers are unique within an
/// order's lines; should two ever repeat, they go one by one, the later winning, since one
/// statement may not update a row twice.
async fn upsert_lines(
    tx: &mut Tx,
    key: &OrderKey,
    lines: &[LineState],
    now: i64,
) -> Result<(), StoreError> {
    let mut numbers = std::collections::HashSet::new();
    let unique = lines.iter().all(|l| numbers.insert(l.line_number.as_str()));
    let per_statement = if unique { LINES_PER_INSERT } else { 1 };
    for chunk in lines.chunks(per_statement) {
        let sql = format!(
            "INSERT INTO order_lines (buyer, po_number, line_number, state, stage, \
             shipped, received, updated_at) VALUES {} \
             ON CONFLICT (buyer, po_number, line_number) DO UPDATE SET \
             state = excluded.state, stage = excluded.stage, \
             shipped = excluded.shipped, received = excluded.received, \
             updated_at = excluded.updated_at",
            super::values_list(chunk.len(), 8)
        );
        let mut query = sqlx::query(&sql);
        for line in chunk {
            let state = serde_json::to_string(line)
                .map_err(|e| StoreError::Corrupt(format!("order line: {e}")))?;
            query = query
                .bind(&key.buyer)
                .bind(&key.po_number)
                .bind(&line.line_number)
                .bind(state)
                .bind(line.stage().as_str())
                .bind(line.shipped.normalize().to_string())
                .bind(line.received.normalize().to_string())
                .bind(now);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}
