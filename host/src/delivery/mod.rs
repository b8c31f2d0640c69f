//! Delivery: workers lease due outbox entries, render them on their first attempt (the
//! destination's adapter encodes, outside any transaction), sign and POST them to their
//! agreement's endpoint, and settle every attempt. Entries live in the store, so a crash or
//! `kill -9` loses none: their leases run out and any worker sends them.
//!
//! - [`breaker`]: per-endpoint caps and circuit breakers, so one partner cannot hold the slots.
//! - [`ahead`]: entries leased ahead of a free slot, taken the moment the endpoint answers.
//! - [`send`]: one HTTP attempt and what its answer means (delivered, retryable, final).
//! - [`signing`]: Standard Webhooks signatures.
//! - [`render`]: encoding an entry with the adapter its agreement names.
//! - [`backoff`]: retry timing.
//!
//! Retries back off exponentially with jitter, no sooner than a `Retry-After`, until the
//! agreement's retry period (24 hours by default) runs out; then the entry is dead-lettered
//! with its last answer, payload kept for replay.

mod ahead;
pub mod backoff;
pub mod breaker;
mod render;
pub mod send;
pub mod signing;

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};
use tracing::Instrument;

use crate::clock::Clock;
use crate::config::Settings;
use crate::engine::{Outage, deadlines, exceptions, lifecycle, notify};
use crate::sandbox::AdapterRegistry;
use crate::store::outbox::{AttemptRecord, LeasedEntry, Render, Rendered, Settlement};
use crate::store::{Store, StoreError, now_ms};
use ahead::Ahead;
use backoff::Backoff;
use breaker::Admission;
use render::RenderFault;
use send::Answer;

#[derive(Debug)]
pub struct DeliveryWorker {
    store: Store,
    settings: Arc<Settings>,
    registry: Arc<AdapterRegistry>,
    client: reqwest::Client,
    wake: Arc<Notify>,
    in_flight: Arc<Semaphore>,
    admission: Admission,
    ahead: Ahead,
    /// What deadlines set on delivery are measured by.
    clock: Clock,
}

impl DeliveryWorker {
    pub fn new(
        store: Store,
        settings: Arc<Settings>,
        registry: Arc<AdapterRegistry>,
        wake: Arc<Notify>,
    ) -> Self {
        let d = settings.delivery;
        DeliveryWorker {
            client: send::client(Duration::from_millis(d.timeout_ms)),
            in_flight: Arc::new(Semaphore::new(d.max_in_flight as usize)),
            admission: Admission::new(
                d.max_in_flight_per_endpoint,
                // As many waiting as in flight: a slot that frees finds its next entry here.
                d.max_in_flight_per_endpoint,
                d.breaker_failures,
                Duration::from_millis(d.breaker_cooldown_ms),
            ),
            // An entry still has an attempt's timeout and some bookkeeping left of its lease.
            ahead: Ahead::new(Duration::from_millis(d.timeout_ms + 5_000)),
            store,
            settings,
            registry,
            wake,
            clock: Clock::system(),
        }
    }

    /// The same worker setting deadlines by `clock`.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Tells the worker entries are due (another replica committed some).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    fn lease_ms(&self) -> i64 {
        // Long enough for waiting ahead ([`ahead`]), rendering, the attempt and its
        // bookkeeping; short enough that a crashed worker's entries come back soon.
        (self.settings.delivery.timeout_ms * 2 + 10_000) as i64
    }

    /// Delivers due entries until `shutdown` resolves.
    pub async fn run(self: Arc<Self>, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        let idle = Duration::from_millis(self.settings.delivery.poll_interval_ms);
        let mut outage = Outage::default();
        loop {
            self.send_waiting();
            let free = self.in_flight.available_permits() as i64;
            if free > 0 {
                let room = self.admission.room(Instant::now(), &self.ahead.waiting());
                // Up to the free slots, and as many again to wait ahead for a slot.
                let limit = free + i64::from(self.settings.delivery.max_in_flight);
                match self.store.lease_due(limit, self.lease_ms(), room).await {
                    Ok(entries) => {
                        if outage.over() {
                            tracing::info!("outbox available again");
                        }
                        let leased = Instant::now();
                        for entry in entries {
                            self.ahead.push(entry, leased);
                        }
                        self.send_waiting();
                    }
                    Err(e) => {
                        // Lease nothing until the database answers again (see the engine's
                        // workers); wakes are ignored meanwhile.
                        let pause = outage.failed(idle);
                        if outage.first() {
                            tracing::error!(error = %e, "outbox unavailable");
                        }
                        tokio::select! {
                            _ = &mut shutdown => break,
                            _ = tokio::time::sleep(pause) => {}
                        }
                        continue;
                    }
                }
            }
            tokio::select! {
                _ = &mut shutdown => break,
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(idle) => {}
            }
        }
        // Entries still waiting go back untried; what is in flight finishes on its own.
        for entry in self.ahead.drain() {
            self.release_early(entry).await;
        }
    }

    /// Sends waiting entries of every endpoint with a free slot.
    fn send_waiting(self: &Arc<Self>) {
        for agreement in self.ahead.agreements() {
            self.send_waiting_for(&agreement);
        }
    }

    /// Sends `agreement`'s waiting entries while it has free slots (and the process has).
    fn send_waiting_for(self: &Arc<Self>, agreement: &str) {
        loop {
            let Ok(permit) = self.in_flight.clone().try_acquire_owned() else {
                return;
            };
            if !self.admission.admit(agreement) {
                return;
            }
            let (next, stale) = self.ahead.next(agreement, Instant::now());
            self.give_back(stale);
            let Some(entry) = next else {
                self.admission.release(agreement, None, Instant::now());
                return;
            };
            self.spawn_delivery(entry, permit);
        }
    }

    /// Gives `entries` back to the store untried, in the background.
    fn give_back(self: &Arc<Self>, entries: Vec<LeasedEntry>) {
        if entries.is_empty() {
            return;
        }
        let worker = self.clone();
        tokio::spawn(async move {
            for entry in entries {
                worker.release_early(entry).await;
            }
        });
    }

    /// Delivers `entry`, whose endpoint slot and process `permit` are taken.
    fn spawn_delivery(self: &Arc<Self>, entry: LeasedEntry, permit: OwnedSemaphorePermit) {
        let worker = self.clone();
        let span = tracing::info_span!("deliver", outbox_id = %entry.id,
            message_id = %entry.message_id, agreement = %entry.agreement,
            po_number = entry.order.as_ref().map(|o| o.po_number.as_str()).unwrap_or(""));
        tokio::spawn(
            async move {
                let slot = Slot {
                    worker: &worker,
                    agreement: entry.agreement.clone(),
                    given_back: false,
                };
                worker.deliver(entry, slot).await;
                drop(permit);
                worker.wake.notify_one();
            }
            .instrument(span),
        );
    }

    async fn release_early(&self, entry: LeasedEntry) {
        if let Err(e) = self.store.release(&entry).await {
            tracing::debug!(error = %e, "entry released by its lease instead");
        }
    }

    /// Makes one attempt at `entry` and records its outcome. The endpoint's `slot` is given
    /// back as soon as the endpoint answered, with what the answer says about its health, so
    /// the endpoint's next request does not wait for this one's bookkeeping.
    async fn deliver(self: &Arc<Self>, entry: LeasedEntry, slot: Slot<'_>) {
        let attempt_number = entry.attempts + 1;
        let (payload, fresh) = match &entry.payload {
            Some(payload) => (payload.clone(), None),
            None => match self.render(&entry).await {
                Ok(rendered) => (rendered.clone(), Some(rendered)),
                Err(fault) => {
                    drop(slot);
                    self.settle_render_fault(entry, attempt_number, fault).await;
                    return;
                }
            },
        };
        // A team's notification has no agreement: it is signed with the default secret.
        let secrets = match &entry.render {
            Render::Notification(_) => self.settings.exceptions.signing_secrets.clone(),
            _ => self
                .settings
                .agreements
                .get(&entry.agreement)
                .map(|a| a.signing_secrets.clone())
                .unwrap_or_default(),
        };
        let signature = signing::sign(&secrets, &entry.id, now_ms() / 1000, &payload.bytes);
        let (answer, took) = send::attempt(
            &self.client,
            send::Request {
                endpoint: &entry.endpoint,
                content_type: &payload.content_type,
                body: payload.bytes.clone(),
                signature,
                message_id: &entry.message_id,
                control_number: &entry.control_number,
            },
        )
        .await;
        let record = AttemptRecord {
            attempt: attempt_number,
            duration_ms: took.as_millis() as i64,
            status_code: answer.status(),
            error: answer.error(),
        };
        let (settlement, healthy) = match &answer {
            Answer::Delivered { .. } => {
                let order = entry.order.as_ref().map(|order| {
                    lifecycle::delivered(
                        &entry.doc_type,
                        order,
                        json!({"agreement": entry.agreement, "partner": entry.partner,
                            "outbox_id": entry.id}),
                    )
                });
                let sent = fresh
                    .as_ref()
                    .and_then(|r| r.sent.as_ref())
                    .or(entry.sent.as_ref());
                let deadlines =
                    deadlines::on_delivery(&self.settings, &entry, sent, self.clock.now_ms());
                (Settlement::Delivered { order, deadlines }, Some(true))
            }
            Answer::Final { .. } => (Settlement::Dead, Some(false)),
            Answer::Retryable { retry_after, .. } => (
                self.retry_or_give_up(&entry, attempt_number, *retry_after),
                Some(false),
            ),
        };
        match &settlement {
            Settlement::Delivered { .. } => {
                tracing::info!(
                    attempt = attempt_number,
                    duration_ms = record.duration_ms,
                    "delivered"
                )
            }
            Settlement::Dead => {
                tracing::warn!(attempts = attempt_number, error = ?record.error, "dead-lettered")
            }
            Settlement::Retry { next_attempt_at } => tracing::info!(
                attempt = attempt_number,
                retry_in_ms = next_attempt_at - now_ms(),
                error = ?record.error,
                "delivery failed; will retry"
            ),
        }
        // The endpoint's next entry goes out now, before this one's bookkeeping; after a
        // failure, what waited for it goes back to the store rather than wait out a breaker.
        let agreement = entry.agreement.clone();
        slot.give_back(healthy);
        if healthy == Some(false) {
            self.give_back(self.ahead.take_all(&agreement));
        } else {
            self.send_waiting_for(&agreement);
        }
        self.record(entry, fresh, record, settlement).await;
    }

    /// The next attempt's time, or dead when the series is over.
    fn retry_or_give_up(
        &self,
        entry: &LeasedEntry,
        attempt_number: i64,
        retry_after: Option<Duration>,
    ) -> Settlement {
        let d = &self.settings.delivery;
        let backoff = Backoff {
            initial: Duration::from_millis(d.initial_backoff_ms),
            max: Duration::from_millis(d.max_backoff_ms),
        };
        let delay = backoff
            .delay(attempt_number as u32, &mut rand::rng())
            .max(retry_after.unwrap_or_default());
        let next_attempt_at = now_ms() + delay.as_millis() as i64;
        let out_of_attempts = d.max_attempts > 0 && attempt_number >= i64::from(d.max_attempts);
        let out_of_time = next_attempt_at > entry.retry_from + d.retry_for_ms as i64;
        if out_of_attempts || out_of_time {
            Settlement::Dead
        } else {
            Settlement::Retry { next_attempt_at }
        }
    }

    async fn settle_render_fault(&self, entry: LeasedEntry, attempt: i64, fault: RenderFault) {
        let (error, settlement) = match fault {
            RenderFault::Final(error) => {
                tracing::warn!(%error, "not rendered; dead-lettered");
                (error, Settlement::Dead)
            }
            RenderFault::Transient(error) => {
                tracing::warn!(%error, "not rendered yet; will retry");
                let settlement = self.retry_or_give_up(&entry, attempt, None);
                (error, settlement)
            }
        };
        let record = AttemptRecord {
            attempt,
            duration_ms: 0,
            status_code: None,
            error: Some(error),
        };
        self.record(entry, None, record, settlement).await;
    }

    async fn record(
        &self,
        entry: LeasedEntry,
        rendered: Option<Rendered>,
        record: AttemptRecord,
        settlement: Settlement,
    ) {
        // A dead letter is an exception for the team that owns failed deliveries, raised
        // in the write that gives up.
        let exception = matches!(settlement, Settlement::Dead).then(|| {
            let exception = exceptions::delivery_failed(&self.settings, &entry, &record);
            let notification = notify::notification(&self.settings, &exception, None);
            (exception, notification)
        });
        match self
            .store
            .settle(entry, rendered, record, settlement, exception)
            .await
        {
            Ok(()) => {}
            Err(StoreError::LeaseLost(_)) => tracing::warn!(
                "lease lost before the outcome was recorded; another worker owns the entry"
            ),
            Err(e) => tracing::error!(error = %e,
                "could not record the delivery outcome; the lease will run out and it is retried"),
        }
    }
}

/// An endpoint slot taken by [`Admission::admit`] for one attempt. Given back with what the
/// attempt said about the endpoint's health; dropped, it is given back saying nothing.
struct Slot<'a> {
    worker: &'a DeliveryWorker,
    agreement: String,
    given_back: bool,
}

impl Slot<'_> {
    fn give_back(mut self, healthy: Option<bool>) {
        self.hand_over(healthy);
    }

    fn hand_over(&mut self, healthy: Option<bool>) {
        if !std::mem::replace(&mut self.given_back, true) {
            self.worker
                .admission
                .release(&self.agreement, healthy, Instant::now());
            self.worker.wake.notify_one();
        }
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.hand_over(None);
    }
}
