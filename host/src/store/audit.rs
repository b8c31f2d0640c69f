//! Appending to the hash-chained audit log inside a caller's transaction, and reading it back.

use sqlx::{Any, Row, Transaction};

use super::{Store, StoreError, now_ms};
use crate::audit::{AuditEntry, AuditEvent, chain};

/// Appends `event` in `tx`, chained to the last entry. The transaction holds the write lock,
/// so no other entry can slip in between reading the last hash and writing this one.
pub(crate) async fn append(
    tx: &mut Transaction<'static, Any>,
    event: &AuditEvent,
) -> Result<(), StoreError> {
    let prev: Option<String> = sqlx::query("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut **tx)
        .await?
        .map(|row| row.get(0));
    let prev = prev.unwrap_or_else(|| chain::GENESIS.to_owned());
    let at = now_ms();
    let detail = serde_json::to_string(&event.detail).unwrap_or_else(|_| "null".into());
    let hash = chain::entry_hash(
        &prev,
        at,
        &event.actor,
        event.action.as_str(),
        &event.subject,
        &detail,
    );
    sqlx::query(
        "INSERT INTO audit (at, actor, action, subject, detail, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(at)
    .bind(&event.actor)
    .bind(event.action.as_str())
    .bind(&event.subject)
    .bind(&detail)
    .bind(&prev)
    .bind(&hash)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn entry(row: &sqlx::any::AnyRow) -> Result<AuditEntry, StoreError> {
    let detail: String = row.try_get("detail")?;
    Ok(AuditEntry {
        seq: row.try_get("seq")?,
        at: row.try_get("at")?,
        actor: row.try_get("actor")?,
        action: row.try_get("action")?,
        subject: row.try_get("subject")?,
        detail: serde_json::from_str(&detail)
            .map_err(|e| StoreError::Corrupt(format!("audit detail: {e}")))?,
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

const COLUMNS: &str = "seq, at, actor, action, subject, detail, prev_hash, hash";

impl Store {
    /// Appends one event in its own transaction (for events that change nothing else).
    pub async fn audit(&self, event: &AuditEvent) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        append(&mut tx, event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The whole log in order.
    pub async fn audit_log(&self) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM audit ORDER BY seq"))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(entry).collect()
    }

    /// Entries about any of `subjects`, in order.
    pub async fn audit_for(&self, subjects: &[String]) -> Result<Vec<AuditEntry>, StoreError> {
        let mut all = Vec::new();
        for subject in subjects {
            let rows = sqlx::query(&format!(
                "SELECT {COLUMNS} FROM audit WHERE subject = $1 ORDER BY seq"
            ))
            .bind(subject)
            .fetch_all(self.pool())
            .await?;
            for row in &rows {
                all.push(entry(row)?);
            }
        }
        all.sort_by_key(|e| e.seq);
        Ok(all)
    }
}
