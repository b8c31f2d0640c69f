//! Orders: their status, who may see them and their history, as the engine and the API read
//! them, and the writes the engine decides ([`OrderWrite`], [`NewOrderEvent`]), applied inside
//! a batch. The store applies a transition only from the status the engine saw, so a decision
//! made on stale state is a conflict, never a silent overwrite.

use serde::Serialize;
use sqlx::Row;

use super::writer::Tx;
use super::{Store, StoreError};

/// A change to an order the engine decided.
#[derive(Debug, Clone, PartialEq)]
pub enum OrderWrite {
    /// A new order, visible to `parties`.
    Create {
        po_number: String,
        buyer: String,
        status: String,
        document_id: String,
        parties: Vec<String>,
    },
    /// Moves an order from `from` to `to`; a conflict when another change got there first.
    Transition {
        po_number: String,
        from: String,
        to: String,
    },
    /// Moves an order from `from` to `to` if it still is `from`, and otherwise leaves it: for
    /// facts that matter only while the order has not moved on (a delivery marking it sent).
    Advance {
        po_number: String,
        from: String,
        to: String,
    },
    /// Lets another partner see the order.
    Share { po_number: String, partner: String },
}

/// One entry of an order's history.
#[derive(Debug, Clone, PartialEq)]
pub struct NewOrderEvent {
    pub po_number: String,
    pub event: String,
    /// The order's status after the event; empty means "as it stands after this write".
    pub status: String,
    pub document_id: Option<String>,
    pub detail: serde_json::Value,
}

pub(crate) async fn apply_write(
    tx: &mut Tx,
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
            if move_status(tx, po_number, from, to, now).await? == 0 {
                return Err(StoreError::Conflict(format!(
                    "order {po_number} is no longer {from}"
                )));
            }
        }
        OrderWrite::Advance {
            po_number,
            from,
            to,
        } => {
            move_status(tx, po_number, from, to, now).await?;
        }
        OrderWrite::Share { po_number, partner } => share(tx, po_number, partner).await?,
    }
    Ok(())
}

async fn move_status(
    tx: &mut Tx,
    po_number: &str,
    from: &str,
    to: &str,
    now: i64,
) -> Result<u64, StoreError> {
    let moved = sqlx::query(
        "UPDATE orders SET status = $1, updated_at = $2 WHERE po_number = $3 AND status = $4",
    )
    .bind(to)
    .bind(now)
    .bind(po_number)
    .bind(from)
    .execute(&mut **tx)
    .await?;
    Ok(moved.rows_affected())
}

async fn share(tx: &mut Tx, po_number: &str, partner: &str) -> Result<(), StoreError> {
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

pub(crate) async fn insert_event(
    tx: &mut Tx,
    e: &NewOrderEvent,
    message_id: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    let mut status = e.status.clone();
    if status.is_empty()
        && let Some(row) = sqlx::query("SELECT status FROM orders WHERE po_number = $1")
            .bind(&e.po_number)
            .fetch_optional(&mut **tx)
            .await?
    {
        status = row.try_get(0)?;
    }
    sqlx::query(
        "INSERT INTO order_events (po_number, at, event, status, message_id, document_id, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&e.po_number)
    .bind(now)
    .bind(&e.event)
    .bind(&status)
    .bind(message_id)
    .bind(&e.document_id)
    .bind(e.detail.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What the engine needs to decide a transition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderState {
    pub po_number: String,
    pub buyer: String,
    pub status: String,
    pub parties: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OrderEventView {
    pub at: i64,
    pub event: String,
    pub status: String,
    pub message_id: Option<String>,
    pub document_id: Option<String>,
    pub detail: serde_json::Value,
}

/// An order with its canonical document and its history.
#[derive(Debug, Clone, Serialize)]
pub struct OrderView {
    pub po_number: String,
    pub status: String,
    pub buyer: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub document: serde_json::Value,
    pub history: Vec<OrderEventView>,
}

impl Store {
    pub async fn order_state(&self, po_number: &str) -> Result<Option<OrderState>, StoreError> {
        let Some(row) =
            sqlx::query("SELECT po_number, buyer, status FROM orders WHERE po_number = $1")
                .bind(po_number)
                .fetch_optional(self.pool())
                .await?
        else {
            return Ok(None);
        };
        let parties =
            sqlx::query("SELECT partner FROM order_parties WHERE po_number = $1 ORDER BY partner")
                .bind(po_number)
                .fetch_all(self.pool())
                .await?
                .iter()
                .map(|r| r.try_get::<String, _>(0))
                .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(OrderState {
            po_number: row.try_get("po_number")?,
            buyer: row.try_get("buyer")?,
            status: row.try_get("status")?,
            parties,
        }))
    }

    /// The order, if `partner` is one of those who may see it; `None` otherwise, so callers
    /// cannot tell an order they may not see from one that does not exist.
    pub async fn order_view(
        &self,
        po_number: &str,
        partner: &str,
    ) -> Result<Option<OrderView>, StoreError> {
        let Some(row) = sqlx::query(
            "SELECT o.po_number, o.status, o.buyer, o.created_at, o.updated_at, d.body \
             FROM orders o JOIN order_parties p ON p.po_number = o.po_number \
             JOIN documents d ON d.id = o.document_id \
             WHERE o.po_number = $1 AND p.partner = $2",
        )
        .bind(po_number)
        .bind(partner)
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        let body: String = row.try_get("body")?;
        let history = sqlx::query(
            "SELECT at, event, status, message_id, document_id, detail FROM order_events \
             WHERE po_number = $1 ORDER BY id",
        )
        .bind(po_number)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            let detail: Option<String> = r.try_get("detail")?;
            Ok(OrderEventView {
                at: r.try_get("at")?,
                event: r.try_get("event")?,
                status: r.try_get("status")?,
                message_id: r.try_get("message_id")?,
                document_id: r.try_get("document_id")?,
                detail: detail
                    .and_then(|d| serde_json::from_str(&d).ok())
                    .unwrap_or(serde_json::Value::Null),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Some(OrderView {
            po_number: row.try_get("po_number")?,
            status: row.try_get("status")?,
            buyer: row.try_get("buyer")?,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
            document: serde_json::from_str(&body)
                .map_err(|e| StoreError::Corrupt(format!("order document: {e}")))?,
            history,
        }))
    }
}
