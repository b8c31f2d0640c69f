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
}

/// One request the stand-in accepted.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub at: Instant,
    pub content_type: Option<String>,
    pub delivery_id: Option<String>,
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
    requests: AtomicU32,
    accepted: Mutex<Vec<Delivery>>,
    arrived: Notify,
}

/// A running stand-in endpoint.
#[derive(Debug, Clone)]
pub struct StandIn {
    /// The URL to configure as an agreement's endpoint.
    pub url: String,
    shared: Arc<Shared>,
}

async fn receive(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let n = shared.requests.fetch_add(1, Ordering::SeqCst) + 1;
    let fail = match shared.behaviour {
        Behaviour::Accept => false,
        Behaviour::FailFirst(k) => n <= k,
        Behaviour::AlwaysFail => true,
    };
    if fail {
        return if shared.behaviour == Behaviour::AlwaysFail {
            StatusCode::INTERNAL_SERVER_ERROR
        } else {
            StatusCode::SERVICE_UNAVAILABLE
        };
    }
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    shared.accepted.lock().await.push(Delivery {
        at: Instant::now(),
        content_type: header("content-type"),
        delivery_id: header("x-wharf-delivery"),
        body: body.to_vec(),
    });
    shared.arrived.notify_waiters();
    StatusCode::OK
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
            requests: AtomicU32::new(0),
            accepted: Mutex::new(Vec::new()),
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
