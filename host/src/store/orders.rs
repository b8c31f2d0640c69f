//! Orders: their status, who may see them and their history, as the engine and the API read
//! them, and the writes the engine decides ([`OrderWrite`], [`NewOrderEvent`]), applied inside
//! a batch. The store applies a transition only from the status the engine saw, so a decision
//! made on stale state is a conflict, never a silent overwrite.
//!
//! An order is named by its [`OrderKey`]: the buyer that released it and its PO number. Two
//! buyers may use the same number; a partner reads only the orders it is a party of.

use serde::Serialize;
use sqlx::Row;

pub use crate::model::OrderKey;

use super::writer::Tx;
use super::{Store, StoreError};

/// A change to an order the engine decided.
#[derive(Debug, Clone, PartialEq)]
pub enum OrderWrite {
    /// A new order, visible to `parties`.
    Create {
        key: OrderKey,
        status: String,
        document_id: String,
        parties: Vec<String>,
    },
    /// Moves an order from `from` to `to`; a conflict when another change got there first.
    Transition {
        key: OrderKey,
        from: String,
        to: String,
    },
    /// Moves an order from `from` to `to` if it still is `from`, and otherwise leaves it: for
    /// facts that matter only while the order has not moved on (a delivery marking it sent).
    Advance {
        key: OrderKey,
        from: String,
        to: String,
    },
    /// Lets another partner see the order.
    Share { key: OrderKey, partner: String },
}

/// One entry of an order's history.
#[derive(Debug, Clone, PartialEq)]
pub struct NewOrderEvent {
    pub order: OrderKey,
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
            key,
            status,
            document_id,
            parties,
        } => {
            let inserted = sqlx::query(
                "INSERT INTO orders (buyer, po_number, status, document_id, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (buyer, po_number) DO NOTHING",
            )
            .bind(&key.buyer)
            .bind(&key.po_number)
            .bind(status)
            .bind(document_id)
            .bind(now)
            .execute(&mut **tx)
            .await?;
            if inserted.rows_affected() == 0 {
                return Err(StoreError::Conflict(format!("order {key} already exists")));
            }
            share(tx, key, parties).await?;
        }
        OrderWrite::Transition { key, from, to } => {
            if move_status(tx, key, from, to, now).await? == 0 {
                return Err(StoreError::Conflict(format!(
                    "order {key} is no longer {from}"
                )));
            }
        }
        OrderWrite::Advance { key, from, to } => {
            move_status(tx, key, from, to, now).await?;
        }
        OrderWrite::Share { key, partner } => share(tx, key, std::slice::from_ref(partner)).await?,
    }
    Ok(())
}

async fn move_status(
    tx: &mut Tx,
    key: &OrderKey,
    from: &str,
    to: &str,
    now: i64,
) -> Result<u64, StoreError> {
    let moved = sqlx::query(
        "UPDATE orders SET status = $1, updated_at = $2 \
         WHERE buyer = $3 AND po_number = $4 AND status = $5",
    )
    .bind(to)
    .bind(now)
    .bind(&key.buyer)
    .bind(&key.po_number)
    .bind(from)
    .execute(&mut **tx)
    .await?;
    Ok(moved.rows_affected())
}

/// Lets `partners` see the order, in one statement.
async fn share(tx: &mut Tx, key: &OrderKey, partners: &[String]) -> Result<(), StoreError> {
    if partners.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO order_parties (buyer, po_number, partner) VALUES {} \
         ON CONFLICT (buyer, po_number, partner) DO NOTHING",
        super::values_list(partners.len(), 3)
    );
    let mut query = sqlx::query(&sql);
    for partner in partners {
        query = query.bind(&key.buyer).bind(&key.po_number).bind(partner);
    }
    query.execute(&mut **tx).await?;
    Ok(())
}

/// Events of an order's history per INSERT: eight parameters each.
const EVENTS_PER_INSERT: usize = 100;

/// Adds `events` to their orders' histories, in as few statements as their number allows. An
/// event without a status takes its order's status as this transaction has it now.
pub(crate) async fn insert_events(
    tx: &mut Tx,
    events: &[NewOrderEvent],
    message_id: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    let mut current: Vec<(&OrderKey, String)> = Vec::new();
    let mut statuses = Vec::with_capacity(events.len());
    for e in events {
        if !e.status.is_empty() {
            statuses.push(e.status.clone());
            continue;
        }
        if let Some((_, status)) = current.iter().find(|(key, _)| **key == e.order) {
            statuses.push(status.clone());
            continue;
        }
        let status: String =
            sqlx::query("SELECT status FROM orders WHERE buyer = $1 AND po_number = $2")
                .bind(&e.order.buyer)
                .bind(&e.order.po_number)
                .fetch_optional(&mut **tx)
                .await?
                .map(|row| row.try_get(0))
                .transpose()?
                .unwrap_or_default();
        current.push((&e.order, status.clone()));
        statuses.push(status);
    }
    let rows: Vec<(&NewOrderEvent, String)> = events.iter().zip(statuses).collect();
    for chunk in rows.chunks(EVENTS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO order_events \
             (buyer, po_number, at, event, status, message_id, document_id, detail) VALUES {}",
            super::values_list(chunk.len(), 8)
        );
        let mut query = sqlx::query(&sql);
        for (e, status) in chunk {
            query = query
                .bind(&e.order.buyer)
                .bind(&e.order.po_number)
                .bind(now)
                .bind(&e.event)
                .bind(status)
                .bind(message_id)
                .bind(&e.document_id)
                .bind(e.detail.to_string());
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// What the engine needs to decide a transition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderState {
    pub key: OrderKey,
    pub status: String,
    pub parties: Vec<String>,
    /// Rises with every write to the lines; a line write is fenced on it.
    pub version: i64,
    pub lines: crate::engine::lines::Lines,
    /// Its invoice lines waiting on their match.
    pub held: Vec<super::lines::HeldMatch>,
}

impl OrderState {
    /// An order as a document about to open it leaves it: no lines yet, version 0.
    pub fn new(key: OrderKey, status: impl Into<String>, parties: Vec<String>) -> OrderState {
        OrderState {
            key,
            status: status.into(),
            parties,
            version: 0,
            lines: Default::default(),
            held: Vec::new(),
        }
    }
}

impl OrderState {
    /// Whether `partner` may see the order and attach documents to it.
    pub fn is_party(&self, partner: &str) -> bool {
        self.key.buyer == partner || self.parties.iter().any(|p| p == partner)
    }
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

/// An order with its canonical document, its timeline per line and its history.
#[derive(Debug, Clone, Serialize)]
pub struct OrderView {
    pub po_number: String,
    pub status: String,
    pub buyer: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub document: serde_json::Value,
    /// Per line: what was ordered, confirmed, shipped, received, invoiced and matched.
    pub lines: Vec<LineTimeline>,
    /// Every invoice line's match, with why.
    pub matches: Vec<super::lines::MatchView>,
    /// The exceptions about the order still open or acknowledged.
    pub exceptions: Vec<OpenException>,
    pub history: Vec<OrderEventView>,
}

/// One line of the order's timeline. Quantities are in the line's unit.
#[derive(Debug, Clone, Serialize)]
pub struct LineTimeline {
    pub line_number: String,
    pub stage: crate::engine::lines::LineStage,
    pub unit: String,
    pub ordered: String,
    pub price: Option<String>,
    pub confirmation: Option<crate::engine::lines::Confirmation>,
    pub confirmed: Option<String>,
    pub shipped: String,
    pub received: String,
    pub rejected: String,
    pub invoiced: String,
    pub matched: String,
    pub lots: Vec<String>,
}

impl From<&crate::engine::lines::LineState> for LineTimeline {
    fn from(l: &crate::engine::lines::LineState) -> Self {
        let text = |d: rust_decimal::Decimal| d.normalize().to_string();
        LineTimeline {
            line_number: l.line_number.clone(),
            stage: l.stage(),
            unit: l.unit.clone(),
            ordered: text(l.ordered),
            price: l.agreed_price().map(text),
            confirmation: l.confirmation,
            confirmed: l.confirmed.map(text),
            shipped: text(l.shipped),
            received: text(l.received),
            rejected: text(l.rejected),
            invoiced: text(l.invoiced),
            matched: text(l.matched),
            lots: l.lots.clone(),
        }
    }
}

/// An exception about the order someone still has to act on.
#[derive(Debug, Clone, Serialize)]
pub struct OpenException {
    pub id: String,
    pub kind: String,
    pub state: String,
    pub lines: serde_json::Value,
    pub explanation: String,
}

impl Store {
    /// The order `key`, whoever may see it (the engine's read).
    pub async fn order_state(&self, key: &OrderKey) -> Result<Option<OrderState>, StoreError> {
        let Some(row) =
            sqlx::query("SELECT status FROM orders WHERE buyer = $1 AND po_number = $2")
                .bind(&key.buyer)
                .bind(&key.po_number)
                .fetch_optional(self.pool())
                .await?
        else {
            return Ok(None);
        };
        self.order_state_from(key.clone(), row.try_get("status")?)
            .await
            .map(Some)
    }

    /// Every order numbered `po_number` that `partner` is a party of (the buyer is one of its
    /// parties), in buyer order. Orders of other buyers under the same number are not there.
    pub async fn orders_named(
        &self,
        po_number: &str,
        partner: &str,
    ) -> Result<Vec<OrderState>, StoreError> {
        let rows = sqlx::query(
            "SELECT o.buyer, o.status FROM orders o JOIN order_parties p \
             ON p.buyer = o.buyer AND p.po_number = o.po_number \
             WHERE o.po_number = $1 AND p.partner = $2 ORDER BY o.buyer",
        )
        .bind(po_number)
        .bind(partner)
        .fetch_all(self.pool())
        .await?;
        let mut orders = Vec::with_capacity(rows.len());
        for row in rows {
            let key = OrderKey::new(row.try_get::<String, _>("buyer")?, po_number);
            orders.push(self.order_state_from(key, row.try_get("status")?).await?);
        }
        Ok(orders)
    }

    async fn order_state_from(
        &self,
        key: OrderKey,
        status: String,
    ) -> Result<OrderState, StoreError> {
        let (version, lines) = self.order_lines(&key).await?;
        Ok(OrderState {
            parties: self.parties(&key).await?,
            held: self.held_matches(&key).await?,
            key,
            status,
            version,
            lines,
        })
    }

    async fn parties(&self, key: &OrderKey) -> Result<Vec<String>, StoreError> {
        sqlx::query(
            "SELECT partner FROM order_parties WHERE buyer = $1 AND po_number = $2 \
             ORDER BY partner",
        )
        .bind(&key.buyer)
        .bind(&key.po_number)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| r.try_get::<String, _>(0).map_err(StoreError::from))
        .collect()
    }

    /// The order `key`, if `partner` is one of those who may see it; `None` otherwise, so
    /// callers cannot tell an order they may not see from one that does not exist.
    pub async fn order_view(
        &self,
        key: &OrderKey,
        partner: &str,
    ) -> Result<Option<OrderView>, StoreError> {
        let Some(row) = sqlx::query(
            "SELECT o.po_number, o.status, o.buyer, o.created_at, o.updated_at, d.id AS document_id, \
             d.body, d.body_zstd \
             FROM orders o JOIN order_parties p ON p.buyer = o.buyer AND p.po_number = o.po_number \
             JOIN documents d ON d.id = o.document_id \
             WHERE o.buyer = $1 AND o.po_number = $2 AND p.partner = $3",
        )
        .bind(&key.buyer)
        .bind(&key.po_number)
        .bind(partner)
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        let body = super::packed::document_body(
            row.try_get("body")?,
            row.try_get("body_zstd")?,
            &row.try_get::<String, _>("document_id")?,
        )?;
        let history = sqlx::query(
            "SELECT at, event, status, message_id, document_id, detail FROM order_events \
             WHERE buyer = $1 AND po_number = $2 ORDER BY id",
        )
        .bind(&key.buyer)
        .bind(&key.po_number)
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
        let (_, lines) = self.order_lines(key).await?;
        let exceptions = sqlx::query(
            "SELECT id, kind, state, lines, explanation FROM exceptions \
             WHERE order_buyer = $1 AND po_number = $2 AND state <> 'resolved' \
             ORDER BY created_at, id",
        )
        .bind(&key.buyer)
        .bind(&key.po_number)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            let lines: String = r.try_get("lines")?;
            Ok(OpenException {
                id: r.try_get("id")?,
                kind: r.try_get("kind")?,
                state: r.try_get("state")?,
                lines: serde_json::from_str(&lines).unwrap_or(serde_json::Value::Null),
                explanation: r.try_get("explanation")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Some(OrderView {
            lines: lines.values().map(LineTimeline::from).collect(),
            matches: self.order_matches(key).await?,
            exceptions,
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
