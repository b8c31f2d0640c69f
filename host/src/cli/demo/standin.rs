//! Stand-in partner endpoints on loopback: an ERP or a portal that records what Wharf delivers
//! to it, and can be told to fail, for the demo and the end-to-end tests.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use tokio::sync::{Mutex, Notify};

/// How a stand-in answers deliveries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// `200` every time.
    Accept,
    /// `503` for the first N requests, then `200`.
    FailFirst(u32),
    /// `500` every time.
    AlwaysFail,
    /// This status every time, and `200` once [`StandIn::heal`] is called.
    Status(u16),
    /// `429` with `Retry-After: seconds` for the first N requests, then `200`.
    RetryAfter { first: u32, seconds: u64 },
    /// Never answers (until the client gives up).
    Hang,
}

/// One request the stand-in accepted.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub at: Instant,
    pub content_type: Option<String>,
    /// The Standard Webhooks `webhook-id`: the same for every attempt at one delivery.
    pub delivery_id: Option<String>,
    pub timestamp: Option<String>,
    pub signature: Option<String>,
    pub body: Vec<u8>,
}

impl Delivery {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

#[derive(Debug)]
struct Shared {
    behaviour: Behaviour,
    healed: std::sync::atomic::AtomicBool,
    requests: AtomicU32,
    accepted: Mutex<Vec<Delivery>>,
    /// Every request with the status it got, accepted or not.
    seen: Mutex<Vec<(Delivery, u16)>>,
    arrived: Notify,
}

/// A running stand-in endpoint.
#[derive(Debug, Clone)]
pub struct StandIn {
    /// The URL to configure as an agreement's endpoint.
    pub url: String,
    shared: Arc<Shared>,
}

async fn receive(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let n = shared.requests.fetch_add(1, Ordering::SeqCst) + 1;
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let delivery = Delivery {
        at: Instant::now(),
        content_type: header("content-type"),
        delivery_id: header("webhook-id"),
        timestamp: header("webhook-timestamp"),
        signature: header("webhook-signature"),
        body: body.to_vec(),
    };
    let healed = shared.healed.load(Ordering::SeqCst);
    let (status, retry_after) = match shared.behaviour {
        _ if healed => (StatusCode::OK, None),
        Behaviour::Accept => (StatusCode::OK, None),
        Behaviour::FailFirst(k) if n <= k => (StatusCode::SERVICE_UNAVAILABLE, None),
        Behaviour::FailFirst(_) => (StatusCode::OK, None),
        Behaviour::AlwaysFail => (StatusCode::INTERNAL_SERVER_ERROR, None),
        Behaviour::Status(code) => (
            StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            None,
        ),
        Behaviour::RetryAfter { first, seconds } if n <= first => {
            (StatusCode::TOO_MANY_REQUESTS, Some(seconds))
        }
        Behaviour::RetryAfter { .. } => (StatusCode::OK, None),
        Behaviour::Hang => {
            shared.seen.lock().await.push((delivery, 0));
            shared.arrived.notify_waiters();
            tokio::time::sleep(Duration::from_secs(3600)).await;
            return StatusCode::GATEWAY_TIMEOUT.into_response();
        }
    };
    shared
        .seen
        .lock()
        .await
        .push((delivery.clone(), status.as_u16()));
    if status.is_success() {
        shared.accepted.lock().await.push(delivery);
    }
    shared.arrived.notify_waiters();
    let mut response = (status, format!("stand-in answered {}", status.as_u16())).into_response();
    if let Some(seconds) = retry_after
        && let Ok(value) = seconds.to_string().parse()
    {
        response
            .headers_mut()
            .insert(axum::http::header::RETRY_AFTER, value);
    }
    if status.is_redirection()
        && let Ok(value) = "http://127.0.0.1:9/elsewhere".parse()
    {
        response
            .headers_mut()
            .insert(axum::http::header::LOCATION, value);
    }
    response
}

impl StandIn {
    /// Starts a stand-in on `127.0.0.1` at a free port; it runs until the process ends.
    pub async fn start(behaviour: Behaviour) -> std::io::Result<StandIn> {
        Self::start_on("127.0.0.1:0", behaviour).await
    }

    /// Starts a stand-in on a given address (a test that needs the endpoint down, then up).
    pub async fn start_on(address: &str, behaviour: Behaviour) -> std::io::Result<StandIn> {
        let shared = Arc::new(Shared {
            behaviour,
            healed: std::sync::atomic::AtomicBool::new(false),
            requests: AtomicU32::new(0),
            accepted: Mutex::new(Vec::new()),
            seen: Mutex::new(Vec::new()),
            arrived: Notify::new(),
        });
        let app = Router::new()
            .route("/", post(receive))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind(address).await?;
        let url = format!("http://{}/", listener.local_addr()?);
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(StandIn { url, shared })
    }

    /// Requests received so far, failed ones included.
    pub fn requests(&self) -> u32 {
        self.shared.requests.load(Ordering::SeqCst)
    }

    /// Deliveries accepted so far.
    pub async fn deliveries(&self) -> Vec<Delivery> {
        self.shared.accepted.lock().await.clone()
    }

    /// Every request so far with the status it was answered (0: still hanging).
    pub async fn seen(&self) -> Vec<(Delivery, u16)> {
        self.shared.seen.lock().await.clone()
    }

    /// From now on every request is answered `200`.
    pub fn heal(&self) {
        self.shared.healed.store(true, Ordering::SeqCst);
    }

    /// Waits until `count` deliveries were accepted, or `timeout` passed; returns what arrived.
    pub async fn wait_for(&self, count: usize, timeout: Duration) -> Vec<Delivery> {
        let deadline = Instant::now() + timeout;
        loop {
            let arrived = self.shared.arrived.notified();
            let now = self.deliveries().await;
            if now.len() >= count || Instant::now() >= deadline {
                return now;
            }
            let _ = tokio::time::timeout(deadline - Instant::now(), arrived).await;
        }
    }
}
