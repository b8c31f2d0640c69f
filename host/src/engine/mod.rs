//! The engine: what happens to a message between its arrival and its deliveries.
//!
//! Workers claim received messages with a lease ([`crate::store::messages`]) and take each
//! through three steps ([`process`]): I/O first (the sandbox decodes, outside any
//! transaction), then a pure [`decide`] step (validation, the order [`lifecycle`], routing,
//! functional acknowledgments), then one short write, fenced by the lease and batched with
//! other messages' writes. A conflict reruns only the decision. The document's own faults fail
//! the message, located ([`failure`]); passing faults put it back on the queue. Some refusals
//! raise an exception a team owns ([`exceptions`]); a business document sent again under new
//! control numbers is held as a duplicate ([`duplicates`]). A returning 997/CONTRL is matched
//! to what was sent ([`acks`]); deliveries set deadlines ([`deadlines`]) that arriving answers
//! meet and a [`sweep`] finds overdue. The content of long-closed orders goes by the
//! [`retention`] sweep.
//!
//! The API takes new messages in no faster than they are processed ([`intake`]). An arrival
//! that finds a slot free and nobody queued before it is leased as it is stored and processed
//! at once ([`Engine::take_in`]); otherwise it joins the queue and wakes a worker. Polling is
//! only the safety net that finds expired leases and retries that came due.

pub mod acknowledge;
pub mod acks;
pub mod deadlines;
pub mod decide;
#[cfg(test)]
mod decide_tests;
pub mod duplicates;
pub mod exceptions;
pub mod failure;
pub mod intake;
pub mod lifecycle;
pub mod lines;
pub mod match_result;
pub mod matching;
pub mod notify;
mod process;
pub mod release;
pub mod retention;
pub mod supplier_compliance;
pub mod sweep;
pub mod workflow;
#[cfg(test)]
mod workflow_props;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::{Notify, Semaphore};

use crate::audit::Actor;
use crate::clock::Clock;
use crate::config::Settings;
use crate::model::ExceptionAction;
use crate::sandbox::AdapterRegistry;
use crate::store::exceptions::{ActionOutcome, ExceptionView, ReleaseWrites};
use crate::store::messages::{NewMessage, QueuedMessage, Received};
use crate::store::{Store, StoreError};

pub use failure::{Failure, Fault};

/// Processes inbound messages; shared by the API (which wakes it) and the workers.
#[derive(Debug)]
pub struct Engine {
    pub(crate) settings: Arc<Settings>,
    pub(crate) store: Store,
    pub(crate) registry: Arc<AdapterRegistry>,
    inbound: Notify,
    /// Paces the API's intake by the backlog ([`intake`]).
    intake: intake::Intake,
    /// The messages this process processes at once, however each came: claimed by a worker
    /// or handed over as it was received ([`Engine::take_in`]).
    slots: Arc<Semaphore>,
    /// How many slots there are: every worker's claims together.
    slot_count: usize,
    /// Whether received messages may be waiting in the queue for a worker. While they may,
    /// a new one joins them rather than being handed over ahead of them.
    queued: AtomicBool,
    /// Woken when outbox entries were written.
    pub(crate) outbound: Arc<Notify>,
    /// What deadlines set while deciding are measured by.
    pub(crate) clock: Clock,
}

impl Engine {
    pub fn new(
        settings: Arc<Settings>,
        store: Store,
        registry: Arc<AdapterRegistry>,
        outbound: Arc<Notify>,
    ) -> Self {
        let intake = intake::Intake::new(
            settings.processing.max_backlog,
            Duration::from_millis(settings.processing.intake_wait_ms),
        );
        let slot_count =
            settings.processing.workers.max(1) * settings.processing.claim_batch.max(1) as usize;
        Engine {
            settings,
            store,
            registry,
            inbound: Notify::new(),
            intake,
            slots: Arc::new(Semaphore::new(slot_count)),
            slot_count,
            // A process starts with whatever an earlier one left in the queue.
            queued: AtomicBool::new(true),
            outbound,
            clock: Clock::system(),
        }
    }

    /// Measures the deadlines its decisions set by `clock` (a test's manual one).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Returns once the API may take in another message ([`intake`]).
    pub async fn admit(&self) -> Result<(), intake::IntakeRefusal> {
        self.intake.admit(&self.store).await
    }

    /// Tells a worker a message is waiting.
    pub fn wake(&self) {
        self.inbound.notify_one();
    }

    /// Stores a new message ([`Store::receive`]) for a worker to claim. When this process has
    /// a slot free and no message waits in the queue before this one, the message is leased in
    /// the same write and processed at once instead: no claim to commit, no worker to wake.
    /// Either way, nothing is processed before it is stored.
    pub async fn take_in(self: &Arc<Self>, message: NewMessage) -> Result<Received, StoreError> {
        let slot = if self.queued.load(Ordering::Acquire) {
            None
        } else {
            self.slots.clone().try_acquire_owned().ok()
        };
        let Some(slot) = slot else {
            let received = self.store.receive(message).await?;
            if !received.duplicate {
                self.queued.store(true, Ordering::Release);
                self.wake();
            }
            return Ok(received);
        };
        let lease_ms = self.settings.processing.lease_ms as i64;
        let (received, leased) = self.store.receive_leased(message, lease_ms).await?;
        if let Some(message) = leased {
            let engine = self.clone();
            tokio::spawn(async move {
                engine.process(message).await;
                drop(slot);
                // A worker this slot kept from claiming may claim now.
                if engine.queued.load(Ordering::Acquire) {
                    engine.wake();
                }
            });
        }
        Ok(received)
    }

    /// Runs the configured number of workers until `shutdown` resolves.
    pub async fn run(self: Arc<Self>, shutdown: impl std::future::Future<Output = ()>) {
        let workers = self.settings.processing.workers;
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let mut handles = Vec::new();
        for worker in 0..workers {
            let engine = self.clone();
            let mut stopped = stopped.clone();
            handles.push(tokio::spawn(async move {
                engine
                    .work(worker, async move {
                        let _ = stopped.wait_for(|s| *s).await;
                    })
                    .await
            }));
        }
        shutdown.await;
        let _ = stop.send(true);
        for handle in handles {
            let _ = handle.await;
        }
        // No more hand-overs; the ones under way finish, as the workers' claims did.
        self.queued.store(true, Ordering::Release);
        if let Ok(all) = self.slots.acquire_many(self.slot_count as u32).await {
            all.forget();
        }
    }

    /// One worker: keeps up to `claim_batch` messages in process at once. Whenever half of
    /// them have finished it claims more, so a slow message never holds up the others and
    /// the next claim's commit overlaps the work still running.
    async fn work(self: Arc<Self>, worker: usize, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        let processing = &self.settings.processing;
        let idle = Duration::from_millis(processing.poll_interval_ms);
        let capacity = processing.claim_batch.max(1) as usize;
        let mut running = tokio::task::JoinSet::new();
        let mut outage = Outage::default();
        let mut paused_until = None;
        loop {
            // This worker's room, as far as the process has slots free: hand-overs hold some.
            let room = (capacity - running.len()).min(self.slots.available_permits());
            let may_claim = paused_until.is_none_or(|until| tokio::time::Instant::now() >= until);
            let due = may_claim && room > 0 && (running.is_empty() || room * 2 >= capacity);
            let slots = if due {
                self.slots.clone().try_acquire_many_owned(room as u32).ok()
            } else {
                None
            };
            if let Some(mut slots) = slots {
                paused_until = None;
                match self.claim(room).await {
                    Ok(claimed) => {
                        if outage.over() {
                            tracing::info!(worker, "inbound queue available again");
                        }
                        let full = claimed.len() == room;
                        if !full {
                            // The queue is empty: new messages may be handed over.
                            self.queued.store(false, Ordering::Release);
                        }
                        for message in claimed {
                            let engine = self.clone();
                            let slot = slots.split(1);
                            running.spawn(async move {
                                engine.process(message).await;
                                drop(slot);
                            });
                        }
                        if full {
                            // More may be waiting: another worker may take them meanwhile.
                            self.inbound.notify_one();
                        }
                    }
                    Err(e) => {
                        // The database is gone (or busy): claim nothing until it answers
                        // again, asking less and less often; what is running finishes.
                        let pause = outage.failed(idle);
                        if outage.first() {
                            tracing::error!(worker, error = %e, "inbound queue unavailable");
                        }
                        paused_until = Some(tokio::time::Instant::now() + pause);
                    }
                }
            }
            let wait = paused_until.map_or(idle, |until| {
                until.saturating_duration_since(tokio::time::Instant::now())
            });
            tokio::select! {
                _ = &mut shutdown => break,
                Some(_) = running.join_next(), if !running.is_empty() => {}
                _ = self.inbound.notified(), if paused_until.is_none() => {}
                _ = tokio::time::sleep(wait) => {}
            }
        }
        // Stopping: what was claimed is finished, nothing more is taken.
        while running.join_next().await.is_some() {}
    }

    /// Leases up to `room` due messages.
    async fn claim(&self, room: usize) -> Result<Vec<QueuedMessage>, StoreError> {
        let processing = &self.settings.processing;
        self.store
            .claim_received(room as i64, processing.lease_ms as i64)
            .await
    }
}

impl Engine {
    /// An operator's `action` on exception `exception_id`, for the audit trail by `by`. A
    /// release is decided here ([`release`]) from the order as read and written with the
    /// action; an order that moved meanwhile reruns the decision.
    pub async fn take_action(
        &self,
        exception_id: &str,
        action: ExceptionAction,
        by: Actor,
        reason: Option<String>,
    ) -> Result<ActionOutcome, StoreError> {
        let store = &self.store;
        if action != ExceptionAction::Release {
            return store
                .act_on_exception(exception_id, action, by, reason, None)
                .await;
        }
        let mut attempts = 0;
        loop {
            let Some(exception) = store.exception(exception_id).await? else {
                return Ok(ActionOutcome::Unknown);
            };
            let writes = self
                .decide_release(&exception, &by, reason.as_deref())
                .await?;
            match store
                .act_on_exception(exception_id, action, by.clone(), reason.clone(), writes)
                .await
            {
                Err(StoreError::Conflict(_)) if attempts < RELEASE_ATTEMPTS => attempts += 1,
                outcome => {
                    if matches!(outcome, Ok(ActionOutcome::Done(_))) {
                        self.outbound.notify_one();
                    }
                    return outcome;
                }
            }
        }
    }

    async fn decide_release(
        &self,
        exception: &ExceptionView,
        actor: &Actor,
        reason: Option<&str>,
    ) -> Result<Option<ReleaseWrites>, StoreError> {
        let (Some(order), Some(message_id)) = (&exception.order, exception.message_ids.first())
        else {
            return Ok(None);
        };
        let Some(state) = self.store.order_state(order).await? else {
            return Ok(None);
        };
        let documents = self
            .store
            .invoice_documents(message_id, exception.business_key.as_deref())
            .await?;
        let by = release::Releasing {
            actor,
            reason: reason.map(str::trim).filter(|r| !r.is_empty()),
            message_id,
        };
        Ok(release::decide(&self.settings, &state, &documents, by))
    }
}

/// How often a release is decided again when the order keeps moving under it.
const RELEASE_ATTEMPTS: u32 = 5;

/// Consecutive failures to reach the store, and how long to wait after each: the poll
/// interval, doubling up to five seconds.
#[derive(Debug, Default)]
pub(crate) struct Outage {
    failures: u32,
}

impl Outage {
    /// Counts a failure; returns the pause before trying again.
    pub(crate) fn failed(&mut self, idle: Duration) -> Duration {
        self.failures = self.failures.saturating_add(1);
        let doubled = idle.saturating_mul(1 << self.failures.min(16));
        doubled.min(Duration::from_secs(5)).max(idle)
    }

    /// True right after the first failure of an outage (to log it once).
    pub(crate) fn first(&self) -> bool {
        self.failures == 1
    }

    /// Ends an outage; true if there was one.
    pub(crate) fn over(&mut self) -> bool {
        std::mem::take(&mut self.failures) > 0
    }
}
