//! The store's one writer: every change goes through [`Writer::write`] as a [`WriteOp`], and a
//! single task applies them in batches, many operations to one transaction and one fsync.
//!
//! Group commit is what makes `synchronous=FULL` affordable: while one transaction commits,
//! the operations that arrive queue up, and the next transaction takes all of them. Nothing
//! waits on purpose, so a lone operation is committed at once.
//!
//! Each operation runs inside its own savepoint. An operation that fails on its own terms (a
//! lost lease, an order that moved underneath, a constraint) is rolled back to its savepoint
//! and answered with its error; the others in the batch still commit. If the commit itself
//! fails, every operation of the batch is answered with that failure and nothing was written.
//!
//! On PostgreSQL several replicas each run a writer on one database. Every batch takes one
//! transaction-scoped advisory lock ([`CHAIN_LOCK`]) before it reads the audit chain's head,
//! so the writers' batches commit one after the other: the chain stays one chain, its `seq`
//! rises in chain order, and control numbers rise in commit order across replicas (each is
//! taken under the counter's row lock too). Batches are short and never wait on I/O, so
//! serializing them costs little next to the fsync each one pays anyway.
//!
//! The writer runs on a thread of its own, with a connection of its own. A batch is a chain of
//! round trips to the database, each ending with the writer being woken; on the shared
//! runtime that wake waited for a worker thread to come free from an adapter call (up to one
//! 5 ms slice). Its own thread is scheduled by the kernel the moment the database answers.
//! The audit anchor is replaced on a thread of its own too ([`super::anchorer`]), so a batch
//! waits for one sync, its commit's, before its operations are answered.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;

use sqlx::{Any, AnyPool, Row, Transaction};
use tokio::sync::{mpsc, oneshot};

use super::anchorer::{Anchorer, Progress};
use super::audit::{self, Appends};
use super::{Backend, StoreError, connect};
use crate::audit::anchor;
use crate::audit::chain;

/// The transaction an operation runs in.
pub type Tx = Transaction<'static, Any>;

/// A boxed future borrowing the transaction.
pub type OpFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// The newest audit entry (its hash and sequence number), read once per batch and carried
/// from operation to operation, so appending an entry costs one insert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainHead {
    pub hash: String,
    /// 0 before the first entry.
    pub seq: i64,
}

/// What an operation sees while it runs.
pub struct Batch<'a> {
    pub tx: &'a mut Tx,
    pub head: &'a mut ChainHead,
    /// Audit entries appended in this batch, written together before it commits.
    pub(crate) appends: &'a mut Appends,
    pub now: i64,
    /// For the few statements that differ between databases.
    pub backend: Backend,
}

impl Batch<'_> {
    /// The same batch for an operation run inside another one.
    pub fn reborrow(&mut self) -> Batch<'_> {
        Batch {
            tx: &mut *self.tx,
            head: &mut *self.head,
            appends: &mut *self.appends,
            now: self.now,
            backend: self.backend,
        }
    }
}

/// The advisory lock key every PostgreSQL batch holds while it runs ("wharf" in ASCII): the
/// one writer across all replicas at any moment.
pub const CHAIN_LOCK: i64 = 0x0077_6861_7266;

/// One change to the store, applied inside a batch's transaction.
pub trait WriteOp: Send + 'static {
    type Output: Send + 'static;
    fn apply<'a>(&'a mut self, batch: Batch<'a>) -> OpFuture<'a, Self::Output>;
}

/// Operations per transaction at most; enough to amortize the fsync, few enough that a batch
/// never holds the write lock long.
const MAX_BATCH: usize = 128;

/// The handle every clone of the store shares.
#[derive(Debug, Clone)]
pub struct Writer {
    queue: mpsc::Sender<Box<dyn Queued>>,
    /// The writer's own connection, for closing it with the store.
    pool: AnyPool,
    /// How far the anchor has come, when the writer keeps one.
    anchored: Option<Arc<Progress>>,
}

impl Writer {
    /// Connects to `url` and starts the writer on a thread of its own; with `anchor`, it
    /// anchors the audit chain's head there after commits that appended entries
    /// ([`crate::audit::anchor`], [`super::anchorer`]). The thread ends when the last handle
    /// is dropped.
    pub async fn start(
        backend: Backend,
        url: String,
        anchor: Option<PathBuf>,
    ) -> Result<Writer, StoreError> {
        let (queue, incoming) = mpsc::channel::<Box<dyn Queued>>(4 * MAX_BATCH);
        let (ready, connected) = oneshot::channel();
        let unavailable = |e: std::io::Error| {
            StoreError::Unavailable(format!("cannot start the store's writer: {e}"))
        };
        std::thread::Builder::new()
            .name("wharf-store-writer".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(e) => {
                        let _ = ready.send(Err(unavailable(e)));
                        return;
                    }
                };
                runtime.block_on(async move {
                    // The connection is made here, so its I/O belongs to this thread's runtime.
                    let pool = match connect(backend, &url, 1).await {
                        Ok(pool) => pool,
                        Err(e) => {
                            let _ = ready.send(Err(e));
                            return;
                        }
                    };
                    let (anchor, last) = anchoring(&pool, anchor).await;
                    let anchorer = match anchor.map(Anchorer::start).transpose() {
                        Ok(anchorer) => anchorer,
                        Err(e) => {
                            let _ = ready.send(Err(e));
                            return;
                        }
                    };
                    let progress = anchorer.as_ref().map(Anchorer::progress);
                    if ready.send(Ok((pool.clone(), progress))).is_err() {
                        return;
                    }
                    run(pool.clone(), backend, anchorer, last, incoming).await;
                    pool.close().await;
                });
            })
            .map_err(unavailable)?;
        let (pool, anchored) = connected.await.map_err(|_| StoreError::Closed)??;
        Ok(Writer {
            queue,
            pool,
            anchored,
        })
    }

    /// Closes the writer's connection: writes from here on fail with [`StoreError::Closed`]
    /// or as not committed. Returns once what was committed is anchored.
    pub async fn close(&self) {
        self.pool.close().await;
        if let Some(anchored) = &self.anchored {
            anchored.settled().await;
        }
    }

    /// Applies `op` in the next batch and returns its result once the batch committed.
    pub async fn write<O: WriteOp>(&self, op: O) -> Result<O::Output, StoreError> {
        let (reply, answer) = oneshot::channel();
        let pending = Box::new(Pending {
            op,
            result: None,
            reply: Some(reply),
        });
        self.queue
            .send(pending)
            .await
            .map_err(|_| StoreError::Closed)?;
        answer.await.map_err(|_| StoreError::Closed)?
    }
}

/// An operation with its reply channel, type-erased for the queue.
trait Queued: Send {
    fn apply<'a>(&'a mut self, batch: Batch<'a>) -> OpFuture<'a, ()>;
    fn keep(&mut self, result: Result<(), StoreError>);
    fn answer(&mut self, committed: Result<(), String>);
}

struct Pending<O: WriteOp> {
    op: O,
    result: Option<Result<O::Output, StoreError>>,
    reply: Option<oneshot::Sender<Result<O::Output, StoreError>>>,
}

impl<O: WriteOp> Queued for Pending<O> {
    fn apply<'a>(&'a mut self, batch: Batch<'a>) -> OpFuture<'a, ()> {
        Box::pin(async move {
            let output = self.op.apply(batch).await?;
            self.result = Some(Ok(output));
            Ok(())
        })
    }

    fn keep(&mut self, result: Result<(), StoreError>) {
        if let Err(e) = result {
            self.result = Some(Err(e));
        }
    }

    fn answer(&mut self, committed: Result<(), String>) {
        let result = match (committed, self.result.take()) {
            (Ok(()), Some(result)) => result,
            (Ok(()), None) => Err(StoreError::Unavailable(
                "operation produced no result".into(),
            )),
            // An operation that failed on its own keeps its own error.
            (Err(_), Some(Err(e))) => Err(e),
            (Err(reason), _) => Err(StoreError::Unavailable(reason)),
        };
        if let Some(reply) = self.reply.take() {
            let _ = reply.send(result);
        }
    }
}

/// Whether this writer keeps the anchor, and the head it names: it keeps one when there is
/// one already, or when the log is empty (a new database). A log with entries and no anchor
/// means the anchor was removed (or the database comes from elsewhere): the writer does not
/// paper over that by writing a new one, and verification reports the log unanchored.
async fn anchoring(
    pool: &AnyPool,
    anchor: Option<PathBuf>,
) -> (Option<PathBuf>, Option<ChainHead>) {
    let Some(path) = anchor else {
        return (None, None);
    };
    match anchor::read(&path) {
        Ok(Some(anchor)) => {
            let head = ChainHead {
                hash: anchor.hash,
                seq: anchor.seq,
            };
            return (Some(path), Some(head));
        }
        Ok(None) => {}
        Err(e) => {
            tracing::error!(error = %e, "the audit anchor is unreadable; it is left as it is");
            return (None, None);
        }
    }
    match sqlx::query("SELECT 1 FROM audit LIMIT 1")
        .fetch_optional(pool)
        .await
    {
        Ok(None) => (Some(path), None),
        Ok(Some(_)) => {
            tracing::error!(anchor = %path.display(),
                "the audit log has entries but no anchor; it is not anchored from here on \
                 and verification will say so");
            (None, None)
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot read the audit log to anchor it");
            (None, None)
        }
    }
}

async fn run(
    pool: AnyPool,
    backend: Backend,
    anchorer: Option<Anchorer>,
    mut last: Option<ChainHead>,
    mut incoming: mpsc::Receiver<Box<dyn Queued>>,
) {
    while let Some(first) = incoming.recv().await {
        let mut ops = vec![first];
        // What queued while the last batch committed, without waiting for more.
        while ops.len() < MAX_BATCH {
            match incoming.try_recv() {
                Ok(op) => ops.push(op),
                Err(_) => break,
            }
        }
        let started = std::time::Instant::now();
        let committed = commit_batch(&pool, backend, &mut ops, &mut last).await;
        let commit_us = started.elapsed().as_micros() as u64;
        match &committed {
            Err(reason) => {
                tracing::error!(operations = ops.len(), error = %reason, "store batch not committed")
            }
            Ok(Some(head)) => {
                if let Some(anchorer) = &anchorer {
                    anchorer.hand_over(head.clone());
                }
            }
            Ok(None) => {}
        }
        tracing::debug!(
            operations = ops.len(),
            commit_us,
            waiting = incoming.len(),
            "store batch committed"
        );
        let committed = committed.map(|_| ());
        for op in &mut ops {
            op.answer(committed.clone());
        }
    }
}

/// Commits one batch; returns the chain's new head when the batch appended entries.
///
/// `last` is the newest entry this writer knows was committed (its own last append, or the
/// anchor's at start). If the log no longer holds it, the log was cut or rewritten underneath:
/// new entries then chain to `last`, not to whatever the table ends with now, so the cut stays
/// visible to verification instead of being covered by fresh entries and a fresh anchor.
async fn commit_batch(
    pool: &AnyPool,
    backend: Backend,
    ops: &mut [Box<dyn Queued>],
    last: &mut Option<ChainHead>,
) -> Result<Option<ChainHead>, String> {
    let mut tx = match backend {
        Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await,
        Backend::Postgres => pool.begin().await,
    }
    .map_err(|e| format!("cannot start a transaction: {e}"))?;
    if backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(CHAIN_LOCK)
            .execute(&mut *tx)
            .await
            .map_err(|e| format!("cannot take the writers' lock: {e}"))?;
    }
    let mut head = read_head(&mut tx)
        .await
        .map_err(|e| format!("cannot read the audit chain's head: {e}"))?;
    let table_head = head.seq;
    // The table's head being the entry this writer knows is proof enough that it holds it.
    if let Some(known) = last.as_ref()
        && head != *known
        && !holds(&mut tx, known)
            .await
            .map_err(|e| format!("cannot read the audit chain: {e}"))?
    {
        tracing::error!(
            seq = known.seq,
            table_head = head.seq,
            "the audit log lost an entry this host wrote; chaining on from it so the loss shows"
        );
        head = known.clone();
    }
    let start = head.clone();
    // Entries are numbered on from the newest the table holds, even when chaining on from a
    // lost one, so a number is never taken twice.
    let mut appends = Appends::after(head.seq.max(table_head));
    for (n, op) in ops.iter_mut().enumerate() {
        let before = head.clone();
        let mark = appends.mark();
        // Each operation in a savepoint of its own; releasing the last one and opening the
        // next is one round trip, and the commit releases the last.
        let open = if n == 0 {
            "SAVEPOINT wharf_op"
        } else {
            "RELEASE SAVEPOINT wharf_op; SAVEPOINT wharf_op"
        };
        savepoint(&mut tx, open).await.map_err(|e| e.to_string())?;
        let now = super::now_ms();
        let result = op
            .apply(Batch {
                tx: &mut tx,
                head: &mut head,
                appends: &mut appends,
                now,
                backend,
            })
            .await;
        if result.is_err() {
            savepoint(&mut tx, "ROLLBACK TO SAVEPOINT wharf_op")
                .await
                .map_err(|e| e.to_string())?;
            head = before;
            appends.roll_back(mark);
        }
        op.keep(result);
    }
    audit::flush(&mut tx, &appends)
        .await
        .map_err(|e| format!("cannot write the audit entries: {e}"))?;
    tx.commit()
        .await
        .map_err(|e| format!("cannot commit: {e}"))?;
    if head != start {
        *last = Some(head.clone());
        Ok(Some(head))
    } else {
        Ok(None)
    }
}

/// True when the log still holds `entry` as it was written.
async fn holds(tx: &mut Tx, entry: &ChainHead) -> Result<bool, StoreError> {
    let hash: Option<String> = sqlx::query("SELECT hash FROM audit WHERE seq = $1")
        .bind(entry.seq)
        .fetch_optional(&mut **tx)
        .await?
        .map(|row| row.get(0));
    Ok(hash.as_deref() == Some(entry.hash.as_str()))
}

/// Runs savepoint statements (one or several, `;`-separated) as one round trip.
async fn savepoint(tx: &mut Tx, statements: &'static str) -> Result<(), StoreError> {
    // A statement without arguments: SQLite runs every statement of the text, PostgreSQL
    // takes it as a simple query, which may hold several.
    sqlx::Executor::execute(&mut **tx, statements).await?;
    Ok(())
}

async fn read_head(tx: &mut Tx) -> Result<ChainHead, StoreError> {
    let row = sqlx::query("SELECT hash, seq FROM audit ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut **tx)
        .await?;
    Ok(match row {
        Some(row) => ChainHead {
            hash: row.try_get(0)?,
            seq: row.try_get(1)?,
        },
        None => ChainHead {
            hash: chain::GENESIS.to_owned(),
            seq: 0,
        },
    })
}
