//! The retention sweep: every replica runs one when `[retention] closed_order_content_days`
//! is set. It asks the store to remove the raw bytes and delivered payloads of orders closed
//! or cancelled longer ago than that ([`crate::store::retention`]), a few orders per write so
//! that processing is never held up behind it, every `retention.sweep_ms` and at once when a
//! manual clock moves. Two replicas sweeping at once find the same orders marked by whichever
//! committed first.

use std::time::Duration;

use crate::clock::Clock;
use crate::config::RetentionSettings;
use crate::store::retention::Pruned;
use crate::store::{Store, StoreError};

/// Orders taken per write.
const ORDERS_PER_WRITE: i64 = 64;

/// Removes the content of long-closed orders.
#[derive(Debug, Clone)]
pub struct RetentionSweep {
    store: Store,
    keep_ms: i64,
    every: Duration,
    clock: Clock,
}

impl RetentionSweep {
    /// The sweep `settings` ask for, or `None` when content is kept for good.
    pub fn new(store: Store, settings: RetentionSettings, clock: Clock) -> Option<Self> {
        Some(RetentionSweep {
            store,
            keep_ms: settings.closed_order_content_ms?,
            every: Duration::from_millis(settings.sweep_ms),
            clock,
        })
    }

    /// Sweeps until `shutdown` resolves.
    pub async fn run(self, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        let mut moves = self.clock.moves();
        loop {
            match self.sweep().await {
                Ok(p) if p == Pruned::default() => {}
                Ok(p) => tracing::info!(
                    orders = p.orders,
                    messages = p.messages,
                    payloads = p.payloads,
                    "closed orders' content removed"
                ),
                Err(e) => tracing::warn!(error = %e, "could not sweep closed orders' content"),
            }
            tokio::select! {
                _ = &mut shutdown => return,
                _ = tokio::time::sleep(self.every) => {}
                _ = moves.changed() => {}
            }
        }
    }

    /// One sweep over every order old enough now; returns what it removed in all.
    pub async fn sweep(&self) -> Result<Pruned, StoreError> {
        let closed_before = self.clock.now_ms() - self.keep_ms;
        let mut total = Pruned::default();
        loop {
            let pruned = self
                .store
                .prune_closed_content(closed_before, ORDERS_PER_WRITE)
                .await?;
            total.orders += pruned.orders;
            total.messages += pruned.messages;
            total.payloads += pruned.payloads;
            if pruned.orders < ORDERS_PER_WRITE as usize {
                return Ok(total);
            }
        }
    }
}
