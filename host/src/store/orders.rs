//! Orders as the engine and the API read them: current status, who may see them, history.

use serde::Serialize;
use sqlx::Row;

use super::{Store, StoreError};

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
