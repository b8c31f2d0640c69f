//! The deadline sweep: every replica runs one. It leases open deadlines due by the host's
//! clock (`FOR UPDATE SKIP LOCKED` on PostgreSQL, like the outbox), decides what missing each
//! raises ([`super::deadlines::missed`]) and writes it fenced by the lease token, so a deadline
//! is missed exactly once however many replicas sweep, and one met meanwhile is left alone.
//! It looks every `processing.deadline_sweep_ms`, and at once when a manual clock moves.

use std::sync::Arc;
use std::time::Duration;

use super::deadlines;
use crate::clock::Clock;
use crate::config::Settings;
use crate::store::{Store, StoreError};

/// Deadlines leased per round.
const CLAIM: i64 = 32;
/// How long a lease holds: deciding and writing one round takes milliseconds.
const LEASE_MS: i64 = 30_000;

/// Finds overdue deadlines and raises their exceptions.
#[derive(Debug, Clone)]
pub struct DeadlineSweep {
    store: Store,
    settings: Arc<Settings>,
    clock: Clock,
}

impl DeadlineSweep {
    pub fn new(store: Store, settings: Arc<Settings>, clock: Clock) -> Self {
        DeadlineSweep {
            store,
            settings,
            clock,
        }
    }

    /// Sweeps until `shutdown` resolves.
    pub async fn run(self, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        let every = Duration::from_millis(self.settings.processing.deadline_sweep_ms);
        let mut moves = self.clock.moves();
        loop {
            match self.sweep().await {
                Ok(0) => {}
                Ok(missed) => tracing::info!(missed, "overdue deadlines raised"),
                Err(e) => tracing::warn!(error = %e, "could not sweep deadlines"),
            }
            tokio::select! {
                _ = &mut shutdown => return,
                _ = tokio::time::sleep(every) => {}
                _ = moves.changed() => {}
            }
        }
    }

    /// One sweep: every deadline due now is missed. Returns how many this replica recorded.
    pub async fn sweep(&self) -> Result<usize, StoreError> {
        let mut recorded = 0;
        loop {
            let now = self.clock.now_ms();
            let due = self.store.claim_overdue(now, CLAIM, LEASE_MS).await?;
            let claimed = due.len();
            for deadline in due {
                let id = deadline.id.clone();
                match self
                    .store
                    .record_missed(deadlines::missed(&self.settings, deadline, now))
                    .await
                {
                    Ok(()) => {
                        tracing::warn!(deadline = %id, "deadline missed");
                        recorded += 1;
                    }
                    Err(StoreError::LeaseLost(_)) => {
                        tracing::info!(deadline = %id, "deadline met or taken meanwhile")
                    }
                    Err(e) => return Err(e),
                }
            }
            if claimed < CLAIM as usize {
                return Ok(recorded);
            }
        }
    }
}
