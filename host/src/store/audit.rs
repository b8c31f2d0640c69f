//! Appending to the hash-chained audit log inside a batch's transaction, and reading it back.

use sqlx::Row;

use super::packed;
use super::writer::{Batch, OpFuture, Tx, WriteOp};
use super::{Store, StoreError};
use crate::audit::anchor;
use crate::audit::verify::{self, AnchorState, StoredDigests, StoredEntry, Verdict};
use crate::audit::{AuditEntry, AuditEvent, chain};
use crate::store::digest;

/// Appends `event` in the batch's transaction, chained to the batch's head. The entry is
/// written with the batch's others just before it commits ([`flush`]); the transaction holds
/// the write lock, so no other entry can slip in between.
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
    let seq = batch.appends.next_seq;
    batch.appends.next_seq += 1;
    batch.appends.rows.push(AppendedEntry {
        seq,
        at,
        actor: record.actor,
        action: record.action,
        subject: record.subject,
        detail,
        prev_hash: std::mem::replace(&mut batch.head.hash, hash.clone()),
        hash,
    });
    batch.head.seq = seq;
    Ok(())
}

/// The entries a batch appended and has not written yet, and the sequence number of the next.
#[derive(Debug)]
pub(crate) struct Appends {
    pub(crate) next_seq: i64,
    rows: Vec<AppendedEntry>,
}

#[derive(Debug)]
struct AppendedEntry {
    seq: i64,
    at: i64,
    actor: String,
    action: &'static str,
    subject: String,
    detail: String,
    prev_hash: String,
    hash: String,
}

/// Where the appends stood, to go back to when an operation is rolled back.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AppendsMark {
    next_seq: i64,
    rows: usize,
}

impl Appends {
    /// Appends numbered from after `last_seq`.
    pub(crate) fn after(last_seq: i64) -> Appends {
        Appends {
            next_seq: last_seq + 1,
            rows: Vec::new(),
        }
    }

    pub(crate) fn mark(&self) -> AppendsMark {
        AppendsMark {
            next_seq: self.next_seq,
            rows: self.rows.len(),
        }
    }

    /// Forgets what was appended after `mark`.
    pub(crate) fn roll_back(&mut self, mark: AppendsMark) {
        self.next_seq = mark.next_seq;
        self.rows.truncate(mark.rows);
    }
}

/// Entries per INSERT: eight parameters each, well under both databases' limits.
const ROWS_PER_INSERT: usize = 200;

/// Writes what the batch appended, a few statements for the whole batch.
pub(crate) async fn flush(tx: &mut Tx, appends: &Appends) -> Result<(), StoreError> {
    for chunk in appends.rows.chunks(ROWS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO audit (seq, at, actor, action, subject, detail, prev_hash, hash) VALUES {}",
            super::values_list(chunk.len(), 8)
        );
        let mut query = sqlx::query(&sql);
        for e in chunk {
            query = query
                .bind(e.seq)
                .bind(e.at)
                .bind(&e.actor)
                .bind(e.action)
                .bind(&e.subject)
                .bind(&e.detail)
                .bind(&e.prev_hash)
                .bind(&e.hash);
        }
        query.execute(&mut **tx).await?;
    }
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

    /// Verifies the audit trail ([`crate::audit::verify`]): the chain, the head anchored in
    /// `anchor` (`None`: this log keeps no anchor), and the stored bytes the chain has digests
    /// of. The anchor is read first: the log only grows, so it holds at least what the anchor
    /// names even while the host keeps writing.
    pub async fn verify_audit(
        &self,
        anchor: Option<&std::path::Path>,
    ) -> Result<Verdict, StoreError> {
        let anchor = match anchor {
            None => AnchorState::NotKept,
            Some(path) => match anchor::read(path) {
                Ok(Some(anchor)) => AnchorState::Found(anchor),
                Ok(None) => AnchorState::Missing,
                Err(e) => AnchorState::Unreadable(e.to_string()),
            },
        };
        let entries = sqlx::query(&format!("SELECT {COLUMNS} FROM audit ORDER BY seq"))
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|row| {
                Ok(StoredEntry {
                    seq: row.try_get("seq")?,
                    at: row.try_get("at")?,
                    actor: row.try_get("actor")?,
                    action: row.try_get("action")?,
                    subject: row.try_get("subject")?,
                    detail: row.try_get("detail")?,
                    prev_hash: row.try_get("prev_hash")?,
                    hash: row.try_get("hash")?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let stored = StoredDigests {
            messages: self
                .digests("SELECT id, raw, raw_codec FROM messages WHERE pruned_at IS NULL", |row, id| {
                    packed::unpack(
                        row.try_get::<Option<String>, _>(2)?.as_deref(),
                        row.try_get(1)?,
                        &format!("message {id}"),
                    )
                })
                .await?,
            documents: self
                .digests("SELECT id, body, body_zstd FROM documents", |row, id| {
                    Ok(packed::document_body(row.try_get(1)?, row.try_get(2)?, id)?.into_bytes())
                })
                .await?,
            payloads: self
                .digests(
                    "SELECT id, payload, payload_codec FROM outbox WHERE rendered = 1 AND pruned_at IS NULL",
                    |row, id| {
                        packed::unpack(
                            row.try_get::<Option<String>, _>(2)?.as_deref(),
                            row.try_get(1)?,
                            &format!("outbox entry {id}"),
                        )
                    },
                )
                .await?,
        };
        Ok(verify::verify(&entries, &anchor, &stored))
    }

    /// The SHA-256 of each row's value by its id (the first column), a page at a time;
    /// `value` reads a row's value as it was before it was packed (a damaged one gets a
    /// digest no entry can hold).
    async fn digests(
        &self,
        select: &str,
        value: impl Fn(&sqlx::any::AnyRow, &str) -> Result<Vec<u8>, StoreError>,
    ) -> Result<std::collections::HashMap<String, String>, StoreError> {
        const PAGE: i64 = 256;
        let joiner = if select.contains(" WHERE ") {
            "AND"
        } else {
            "WHERE"
        };
        let sql = format!("{select} {joiner} id > $1 ORDER BY id LIMIT {PAGE}");
        let mut digests = std::collections::HashMap::new();
        let mut after = String::new();
        loop {
            let rows = sqlx::query(&sql)
                .bind(&after)
                .fetch_all(self.pool())
                .await?;
            for row in &rows {
                let id: String = row.try_get(0)?;
                // A value that cannot be unpacked any more is not the one chained: it breaks
                // the entry that chained it, not the whole verification.
                let hashed = match value(row, &id) {
                    Ok(value) => digest(&value),
                    Err(StoreError::Corrupt(why)) => format!("unreadable: {why}"),
                    Err(e) => return Err(e),
                };
                after = id.clone();
                digests.insert(id, hashed);
            }
            if (rows.len() as i64) < PAGE {
                return Ok(digests);
            }
        }
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
