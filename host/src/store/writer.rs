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

use std::future::Future;
use std::pin::Pin;

use sqlx::{Any, AnyPool, Row, Transaction};
use tokio::sync::{mpsc, oneshot};

use super::{Backend, StoreError};
use crate::audit::chain;

/// The transaction an operation runs in.
pub type Tx = Transaction<'static, Any>;

/// A boxed future borrowing the transaction.
pub type OpFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// The hash of the newest audit entry, read once per batch and carried from operation to
/// operation, so appending an entry costs one insert.
#[derive(Debug, Clone)]
pub struct ChainHead {
    pub hash: String,
}

/// What an operation sees while it runs.
pub struct Batch<'a> {
    pub tx: &'a mut Tx,
    pub head: &'a mut ChainHead,
    pub now: i64,
}

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
}

impl Writer {
    /// Starts the writer task on `pool`.
    pub fn start(pool: AnyPool, backend: Backend) -> Writer {
        let (queue, incoming) = mpsc::channel::<Box<dyn Queued>>(4 * MAX_BATCH);
        tokio::spawn(run(pool, backend, incoming));
        Writer { queue }
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

async fn run(pool: AnyPool, backend: Backend, mut incoming: mpsc::Receiver<Box<dyn Queued>>) {
    while let Some(first) = incoming.recv().await {
        let mut ops = vec![first];
        // Give the producers woken by the last commit a moment to enqueue, then take what is
        // there without waiting for more.
        tokio::task::yield_now().await;
        while ops.len() < MAX_BATCH {
            match incoming.try_recv() {
                Ok(op) => ops.push(op),
                Err(_) => break,
            }
        }
        let committed = commit_batch(&pool, backend, &mut ops).await;
        if let Err(reason) = &committed {
            tracing::error!(operations = ops.len(), error = %reason, "store batch not committed");
        }
        for op in &mut ops {
            op.answer(committed.clone());
        }
    }
}

async fn commit_batch(
    pool: &AnyPool,
    backend: Backend,
    ops: &mut [Box<dyn Queued>],
) -> Result<(), String> {
    let mut tx = match backend {
        Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await,
        Backend::Postgres => pool.begin().await,
    }
    .map_err(|e| format!("cannot start a transaction: {e}"))?;
    let mut head = read_head(&mut tx)
        .await
        .map_err(|e| format!("cannot read the audit chain's head: {e}"))?;
    for op in ops.iter_mut() {
        let before = head.clone();
        savepoint(&mut tx, "SAVEPOINT wharf_op")
            .await
            .map_err(|e| e.to_string())?;
        let now = super::now_ms();
        let result = op
            .apply(Batch {
                tx: &mut tx,
                head: &mut head,
                now,
            })
            .await;
        if result.is_err() {
            savepoint(&mut tx, "ROLLBACK TO SAVEPOINT wharf_op")
                .await
                .map_err(|e| e.to_string())?;
            head = before;
        }
        savepoint(&mut tx, "RELEASE SAVEPOINT wharf_op")
            .await
            .map_err(|e| e.to_string())?;
        op.keep(result);
    }
    tx.commit().await.map_err(|e| format!("cannot commit: {e}"))
}

async fn savepoint(tx: &mut Tx, statement: &str) -> Result<(), StoreError> {
    sqlx::query(statement).execute(&mut **tx).await?;
    Ok(())
}

async fn read_head(tx: &mut Tx) -> Result<ChainHead, StoreError> {
    let hash: Option<String> = sqlx::query("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut **tx)
        .await?
        .map(|row| row.get(0));
    Ok(ChainHead {
        hash: hash.unwrap_or_else(|| chain::GENESIS.to_owned()),
    })
}
