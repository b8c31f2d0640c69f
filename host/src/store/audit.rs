//! Appending to the hash-chained audit log inside a batch's transaction, and reading it back.

use sqlx::Row;

use super::writer::{Batch, OpFuture, WriteOp};
use super::{Store, StoreError};
use crate::audit::{AuditEntry, AuditEvent, chain};

/// Appends `event` in the batch's transaction, chained to the batch's head. The transaction
/// holds the write lock, so no other entry can slip in between.
pub(crate) async fn append(batch: &mut Batch<'_>, event: &AuditEvent) -> Result<(), StoreError> {
    let record = event.record();
    let detail = serde_json::to_string(&record.detail).unwrap_or_else(|_| "null".into());
    let at = batch.now;
    let hash = chain::entry_hash(
        &batch.head.hash,
        at,
        &record.actor,
        record.action,
        &record.subject,
        &detail,
    );
    sqlx::query(
        "INSERT INTO audit (at, actor, action, subject, detail, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(at)
    .bind(&record.actor)
    .bind(record.action)
    .bind(&record.subject)
    .bind(&detail)
    .bind(&batch.head.hash)
    .bind(&hash)
    .execute(&mut **batch.tx)
    .await?;
    batch.head.hash = hash;
    Ok(())
}

/// Appends events that change nothing else.
struct AppendEvents(Vec<AuditEvent>);

impl WriteOp for AppendEvents {
    type Output = ();
    fn apply<'a>(&'a mut self, mut batch: Batch<'a>) -> OpFuture<'a, ()> {
        Box::pin(async move {
            for event in &self.0 {
                append(&mut batch, event).await?;
            }
            Ok(())
        })
    }
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
    /// Appends one event (for events that change nothing else).
    pub async fn audit(&self, event: AuditEvent) -> Result<(), StoreError> {
        self.write(AppendEvents(vec![event])).await
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
