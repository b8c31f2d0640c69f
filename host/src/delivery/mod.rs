//! Delivery: workers lease due outbox entries, POST them to their agreement's endpoint, and
//! record every attempt. A 2xx delivers; anything else retries with [`backoff`] until the
//! agreement's attempts run out, then dead-letters the entry with its last error (the payload
//! stays for replay). Entries live in the store, so a crash or `kill -9` loses none: on the
//! next start their leases expire and they are sent.

pub mod backoff;

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use tokio::sync::{Notify, Semaphore};
use tracing::Instrument;

use crate::config::DeliverySettings;
use crate::engine::lifecycle;
use crate::store::outbox::{AttemptRecord, LeasedEntry};
use crate::store::processing::NewOrderEvent;
use crate::store::{Store, now_ms};
use backoff::Backoff;

/// Deliveries in flight at once, across all endpoints.
const CONCURRENCY: usize = 16;

#[derive(Debug)]
pub struct DeliveryWorker {
    store: Store,
    settings: DeliverySettings,
    client: reqwest::Client,
    wake: Arc<Notify>,
    in_flight: Arc<Semaphore>,
}

impl DeliveryWorker {
    pub fn new(store: Store, settings: DeliverySettings, wake: Arc<Notify>) -> Self {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_millis(settings.timeout_ms))
            .user_agent(concat!("wharf/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        DeliveryWorker {
            store,
            settings,
            client,
            wake,
            in_flight: Arc::new(Semaphore::new(CONCURRENCY)),
        }
    }

    fn lease_ms(&self) -> i64 {
        // Long enough for the attempt and its bookkeeping; short enough that a crashed worker's
        // entries come back soon.
        (self.settings.timeout_ms * 2 + 5_000) as i64
    }

    /// Delivers due entries until `shutdown` resolves.
    pub async fn run(self: Arc<Self>, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        let idle = Duration::from_millis(self.settings.poll_interval_ms);
        loop {
            let free = self.in_flight.available_permits() as i64;
            let leased = if free > 0 {
                self.store.lease_due(free, self.lease_ms()).await
            } else {
                Ok(Vec::new())
            };
            match leased {
                Ok(entries) => {
                    for entry in entries {
                        let Ok(permit) = self.in_flight.clone().acquire_owned().await else {
                            return;
                        };
                        let worker = self.clone();
                        let span = tracing::info_span!("deliver", outbox_id = %entry.id,
                            message_id = %entry.message_id, agreement = %entry.agreement,
                            po_number = entry.po_number.as_deref().unwrap_or(""));
                        tokio::spawn(
                            async move {
                                worker.deliver(entry).await;
                                drop(permit);
                                worker.wake.notify_one();
                            }
                            .instrument(span),
                        );
                    }
                }
                Err(e) => tracing::error!(error = %e, "outbox unavailable"),
            }
            tokio::select! {
                _ = &mut shutdown => return,
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(idle) => {}
            }
        }
    }

    /// Makes one attempt at `entry` and records its outcome.
    pub async fn deliver(&self, entry: LeasedEntry) {
        let attempt_number = entry.attempts + 1;
        let started = Instant::now();
        let response = self
            .client
            .post(&entry.endpoint)
            .header(reqwest::header::CONTENT_TYPE, &entry.content_type)
            .header("Idempotency-Key", &entry.id)
            .header("X-Wharf-Delivery", &entry.id)
            .header("X-Wharf-Message", &entry.message_id)
            .header("X-Wharf-Control-Number", &entry.control_number)
            .body(entry.payload.clone())
            .send()
            .await;
        let duration_ms = started.elapsed().as_millis() as i64;
        let (status_code, error) = match response {
            Ok(r) if r.status().is_success() => (Some(r.status().as_u16()), None),
            Ok(r) => {
                let status = r.status();
                let body = r.text().await.unwrap_or_default();
                let body: String = body.chars().take(200).collect();
                (
                    Some(status.as_u16()),
                    Some(format!("endpoint answered {status}: {body}")),
                )
            }
            Err(e) => (None, Some(format!("request failed: {e}"))),
        };
        let record = AttemptRecord {
            attempt: attempt_number,
            duration_ms,
            status_code,
            error: error.clone(),
        };
        let outcome = match &error {
            None => {
                self.store
                    .delivered(&entry, &record, order_event(&entry))
                    .await
            }
            Some(_) if attempt_number >= i64::from(self.settings.max_attempts) => {
                tracing::warn!(attempts = attempt_number, error = ?error, "dead-lettered");
                self.store.dead_letter(&entry, &record).await
            }
            Some(e) => {
                let backoff = Backoff {
                    initial: Duration::from_millis(self.settings.initial_backoff_ms),
                    max: Duration::from_millis(self.settings.max_backoff_ms),
                };
                let delay = backoff.delay(attempt_number as u32, &mut rand::rng());
                tracing::info!(attempt = attempt_number, retry_in_ms = delay.as_millis() as u64,
                    error = %e, "delivery failed; will retry");
                self.store
                    .retry_later(&entry, &record, now_ms() + delay.as_millis() as i64)
                    .await
            }
        };
        match outcome {
            Ok(true) => {
                if error.is_none() {
                    tracing::info!(attempt = attempt_number, duration_ms, "delivered");
                }
            }
            Ok(false) => tracing::warn!(
                "lease lost before the outcome was recorded; another worker owns the entry"
            ),
            Err(e) => {
                tracing::error!(error = %e, "could not record the delivery outcome; the lease will expire and it is retried")
            }
        }
    }
}

/// The order history entry (and transition) a successful delivery makes.
fn order_event(entry: &LeasedEntry) -> Option<(NewOrderEvent, Option<(String, String)>)> {
    let po_number = entry.po_number.clone()?;
    let is_order = entry.doc_type == "purchase_order";
    let transition = is_order.then(|| (lifecycle::RELEASED.to_owned(), lifecycle::SENT.to_owned()));
    Some((
        NewOrderEvent {
            po_number,
            event: format!("{}_delivered", entry.doc_type),
            // The store fills in the order's status as it stands after the delivery.
            status: String::new(),
            document_id: None,
            detail: json!({"agreement": entry.agreement, "partner": entry.partner, "outbox_id": entry.id}),
        },
        transition,
    ))
}
