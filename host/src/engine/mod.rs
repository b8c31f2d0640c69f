//! The engine: what happens to a message between its arrival and its deliveries.
//!
//! [`Engine::process`] takes one stored message through the flow of DESIGN.md: the agreement
//! names the adapter; the sandbox decodes; the model's rules validate; the [`lifecycle`] decides
//! what each document does to its order; the routes decide where it goes; each destination's
//! adapter encodes; and the store writes documents, order state, outbox entries and audit
//! entries in one transaction. Any step that fails marks the message failed with a JSON error
//! that says what and where; the raw bytes stay stored. Where the agreement asks for them,
//! [`acknowledge`] sends functional acknowledgments of what was accepted or rejected.

pub mod acknowledge;
pub mod lifecycle;
mod pipeline;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use crate::config::Settings;
use crate::sandbox::AdapterRegistry;
use crate::store::{Store, StoreError};

/// Processes inbound messages; shared by the API (which wakes it) and the processor loop.
#[derive(Debug)]
pub struct Engine {
    pub(crate) settings: Arc<Settings>,
    pub(crate) store: Store,
    pub(crate) registry: Arc<AdapterRegistry>,
    inbound: Notify,
    /// Woken when outbox entries were written.
    pub(crate) outbound: Arc<Notify>,
}

/// How many messages one pass takes off the queue.
const BATCH: i64 = 16;

impl Engine {
    pub fn new(
        settings: Arc<Settings>,
        store: Store,
        registry: Arc<AdapterRegistry>,
        outbound: Arc<Notify>,
    ) -> Self {
        Engine {
            settings,
            store,
            registry,
            inbound: Notify::new(),
            outbound,
        }
    }

    /// Tells the processor a message is waiting.
    pub fn wake(&self) {
        self.inbound.notify_one();
    }

    /// Processes queued messages until `shutdown` resolves.
    pub async fn run(self: Arc<Self>, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        let idle = Duration::from_millis(self.settings.delivery.poll_interval_ms);
        loop {
            match self.drain().await {
                Ok(0) => {}
                Ok(_) => continue,
                Err(e) => tracing::error!(error = %e, "inbound queue unavailable"),
            }
            tokio::select! {
                _ = &mut shutdown => return,
                _ = self.inbound.notified() => {}
                _ = tokio::time::sleep(idle) => {}
            }
        }
    }

    /// Processes what is queued now; returns how many messages it took.
    pub async fn drain(&self) -> Result<usize, StoreError> {
        let batch = self.store.claim_received(BATCH).await?;
        let count = batch.len();
        for message in batch {
            let id = message.id.clone();
            if let Err(e) = self.process(message).await {
                // The store itself failed; the message stays in processing and is requeued at
                // the next start.
                tracing::error!(message_id = %id, error = %e, "could not record processing");
            }
        }
        Ok(count)
    }
}
