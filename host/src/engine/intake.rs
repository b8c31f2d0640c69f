//! Intake pacing: a new message is taken in only while the backlog of received messages due
//! for processing is under `processing.max_backlog`. Over it, the POST waits for the workers
//! to catch up, up to `processing.intake_wait_ms`, and is then refused with 503 and
//! `Retry-After`, nothing kept: the sender still holds the document and sends it again.
//!
//! Without it, a flood is taken in faster than it is processed: the cores go to accepting
//! documents that then wait, every document's latency grows with the backlog, and fewer are
//! delivered per second. Holding the request costs its sender only time, and a sender that
//! waits sends no faster than Wharf processes. The backlog is counted in the store, so every
//! replica paces by the same queue; the count is reused for a few milliseconds so a burst of
//! requests asks once.

use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use crate::store::{Store, StoreError, now_ms};

/// How long a counted backlog is reused.
const FRESH_FOR: Duration = Duration::from_millis(10);
/// How long a waiting request sleeps between looks at the backlog.
const LOOK_EVERY: Duration = Duration::from_millis(20);

/// Why a message was not taken in.
#[derive(Debug, thiserror::Error)]
pub enum IntakeRefusal {
    #[error("{backlog} messages are waiting to be processed (the limit is {limit}); retry later")]
    Busy { backlog: i64, limit: i64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The pacing state of one process.
#[derive(Debug)]
pub struct Intake {
    limit: i64,
    wait: Duration,
    counted: Mutex<Option<(Instant, i64)>>,
}

impl Intake {
    /// Paced at `max_backlog` due messages (0: no limit), a request waiting at most `wait`.
    pub fn new(max_backlog: u64, wait: Duration) -> Self {
        Intake {
            limit: i64::try_from(max_backlog).unwrap_or(i64::MAX),
            wait,
            counted: Mutex::new(None),
        }
    }

    /// Returns once a new message may be taken in; refuses it when the backlog stayed over
    /// the limit for the whole wait.
    pub async fn admit(&self, store: &Store) -> Result<(), IntakeRefusal> {
        if self.limit == 0 {
            return Ok(());
        }
        let started = Instant::now();
        loop {
            let backlog = self.backlog(store).await?;
            if backlog < self.limit {
                return Ok(());
            }
            if started.elapsed() >= self.wait {
                tracing::warn!(
                    backlog,
                    limit = self.limit,
                    "intake refused: backlog over its limit"
                );
                return Err(IntakeRefusal::Busy {
                    backlog,
                    limit: self.limit,
                });
            }
            tokio::time::sleep(LOOK_EVERY).await;
        }
    }

    async fn backlog(&self, store: &Store) -> Result<i64, StoreError> {
        let mut counted = self.counted.lock().await;
        if let Some((at, backlog)) = *counted
            && at.elapsed() < FRESH_FOR
        {
            return Ok(backlog);
        }
        let backlog = store.due_backlog(now_ms()).await?;
        *counted = Some((Instant::now(), backlog));
        Ok(backlog)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::messages::NewMessage;

    async fn store_with(messages: u32) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("w.db").display());
        let store = Store::open(&url).await.unwrap();
        for n in 0..messages {
            store
                .receive(NewMessage {
                    partner: "erp".into(),
                    agreement: "erp-orders".into(),
                    idempotency_key: None,
                    content_type: None,
                    raw: format!("message {n}").into_bytes(),
                })
                .await
                .unwrap();
        }
        (dir, store)
    }

    #[tokio::test]
    async fn under_the_limit_a_message_is_taken_in_at_once() {
        let (_dir, store) = store_with(2).await;
        Intake::new(3, Duration::ZERO).admit(&store).await.unwrap();
        Intake::new(0, Duration::ZERO).admit(&store).await.unwrap();
    }

    #[tokio::test]
    async fn at_the_limit_a_message_is_refused_after_the_wait() {
        let (_dir, store) = store_with(2).await;
        let refused = Intake::new(2, Duration::from_millis(50))
            .admit(&store)
            .await;
        assert!(
            matches!(
                refused,
                Err(IntakeRefusal::Busy {
                    backlog: 2,
                    limit: 2
                })
            ),
            "{refused:?}"
        );
    }

    #[tokio::test]
    async fn a_waiting_message_is_taken_in_once_the_workers_catch_up() {
        let (_dir, store) = store_with(2).await;
        let intake = Intake::new(2, Duration::from_secs(600));
        let waiting = intake.admit(&store);
        tokio::pin!(waiting);
        // Still waiting after several looks at the backlog.
        for _ in 0..3 {
            tokio::select! {
                biased;
                admitted = &mut waiting => panic!("taken in over the limit: {admitted:?}"),
                _ = tokio::time::sleep(LOOK_EVERY) => {}
            }
        }
        // A worker takes one message off the queue (a retry not yet due no longer counts).
        let claimed = store.claim_received(1, 60_000).await.unwrap();
        store
            .requeue(&claimed[0], "later", now_ms() + 600_000)
            .await
            .unwrap();
        waiting.await.unwrap();
    }
}
