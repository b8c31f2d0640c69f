//! End to end, as a plant would load it: a real `wharf serve` (the release build), the ERP
//! posting ORDERS05 IDocs over HTTP on loopback, the idoc adapter decoding, the route to the
//! portal, the cxml adapter encoding, the durable outbox, and a signed HTTP delivery to a
//! loopback sink that answers 200 at once.
//!
//! 1. Saturation: many clients post as fast as Wharf accepts, for a while; documents/s is what
//!    the sink receives per second once the run is warm (ingest alone is faster and would
//!    only build a backlog).
//! 2. Half of saturation: an open-loop load at half that rate; latency is from the start of
//!    the POST to the sink's receipt of the cXML, p50 and p99.
//!
//! Run with `cargo build --release -p wharf-host && cargo bench -p wharf-host --bench e2e`.
//! `WHARF_E2E_SECONDS` sets each phase's length (default 20), `WHARF_BIN` the binary.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use wharf_host::cli::bundled;

const ERP_KEY: &str = "bench-erp-key";
const FIXTURE: &str = "plugins/idoc/tests/golden/orders05-standard.decode.xml";

#[derive(Default)]
struct Arrivals {
    at: HashMap<String, Instant>,
}

async fn sink(State(arrivals): State<Arc<Mutex<Arrivals>>>, body: Bytes) -> &'static str {
    let text = String::from_utf8_lossy(&body);
    if let Some(start) = text.find("orderID=\"").map(|i| i + 9)
        && let Some(end) = text[start..].find('"')
    {
        arrivals
            .lock()
            .unwrap()
            .at
            .entry(text[start..start + end].to_owned())
            .or_insert_with(Instant::now);
    }
    "ok"
}

fn wharf_bin() -> PathBuf {
    std::env::var_os("WHARF_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| bundled::workspace_root().join("target/release/wharf"))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

struct Load {
    base: String,
    client: reqwest::Client,
    idoc: Arc<String>,
    sent: Arc<Mutex<HashMap<String, Instant>>>,
}

impl Load {
    async fn post(&self, n: u64) -> bool {
        let po = format!("{:010}", 4_600_000_000u64 + n);
        let body = self.idoc.replace("4500012345", &po);
        let started = Instant::now();
        self.sent.lock().unwrap().insert(po, started);
        self.client
            .post(format!("{}/api/v1/inbound/erp-orders", self.base))
            .bearer_auth(ERP_KEY)
            .body(body)
            .send()
            .await
            .is_ok_and(|r| r.status() == 202)
    }
}

#[tokio::main]
async fn main() {
    let seconds: u64 = std::env::var("WHARF_E2E_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let components = bundled::build_packages(&["wharf-plugin-idoc", "wharf-plugin-cxml"])
        .expect("the adapters build");
    let arrivals = Arc::new(Mutex::new(Arrivals::default()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let sink_url = format!("http://{}/", listener.local_addr().unwrap());
    let app = axum::Router::new()
        .route("/", post(sink))
        .with_state(arrivals.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let dir = tempfile::tempdir().unwrap();
    let adapters = dir.path().join("adapters");
    std::fs::create_dir_all(&adapters).unwrap();
    for path in &components {
        std::fs::copy(path, adapters.join(path.file_name().unwrap())).unwrap();
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = dir.path().join("wharf.toml");
    std::fs::write(
        &config,
        format!(
            r#"[server]
listen = "127.0.0.1:{port}"
[[partners]]
id = "erp"
api_key_envs = ["BENCH_ERP_KEY"]
[[partners]]
id = "portal"
[[agreements]]
id = "erp-orders"
partner = "erp"
direction = "inbound"
adapter = "idoc"
[[agreements]]
id = "portal-orders"
partner = "portal"
direction = "outbound"
adapter = "cxml"
endpoint = "{sink_url}"
[agreements.config]
from_domain = "NetworkID"
from_identity = "ACME"
to_domain = "NetworkID"
to_identity = "PORTAL"
default_classification_value = "31160000"
[[routes]]
doc_type = "purchase_order"
from = "erp"
to = "portal-orders"
"#
        ),
    )
    .unwrap();
    let mut child = std::process::Command::new(wharf_bin())
        .args(["serve", "--config"])
        .arg(&config)
        .env("BENCH_ERP_KEY", ERP_KEY)
        .env(
            "WHARF_SIGNING_SECRET",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        )
        .env("RUST_LOG", "error")
        .spawn()
        .expect("wharf starts");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let ready = Instant::now();
    while !client
        .get(format!("{base}/healthz"))
        .send()
        .await
        .is_ok_and(|r| r.status().is_success())
    {
        assert!(
            ready.elapsed() < Duration::from_secs(60),
            "wharf did not start"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let load = Arc::new(Load {
        base,
        client,
        idoc: Arc::new(std::fs::read_to_string(bundled::workspace_root().join(FIXTURE)).unwrap()),
        sent: Arc::new(Mutex::new(HashMap::new())),
    });
    let counter = Arc::new(std::sync::atomic::AtomicU64::new(0));

    // 1. Saturation: 32 clients, closed loop.
    let phase = Duration::from_secs(seconds);
    let stop_at = Instant::now() + phase;
    let mut clients = tokio::task::JoinSet::new();
    for _ in 0..32 {
        let (load, counter) = (load.clone(), counter.clone());
        clients.spawn(async move {
            while Instant::now() < stop_at {
                let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                load.post(n).await;
            }
        });
    }
    // Measure what the sink receives in the second half of the phase, when the run is warm.
    tokio::time::sleep(phase / 2).await;
    let (count_start, at_start) = (arrivals.lock().unwrap().at.len(), Instant::now());
    tokio::time::sleep(phase / 2).await;
    let (count_end, at_end) = (arrivals.lock().unwrap().at.len(), Instant::now());
    while clients.join_next().await.is_some() {}
    let saturation = (count_end - count_start) as f64 / (at_end - at_start).as_secs_f64();
    let accepted = counter.load(std::sync::atomic::Ordering::SeqCst);
    // Let the backlog drain before the latency phase.
    let drain = Instant::now();
    while arrivals.lock().unwrap().at.len() < load.sent.lock().unwrap().len()
        && drain.elapsed() < Duration::from_secs(300)
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // 2. Half of saturation, open loop.
    let rate = (saturation / 2.0).max(1.0);
    let interval = Duration::from_secs_f64(1.0 / rate);
    let first = counter.load(std::sync::atomic::Ordering::SeqCst);
    let total = (rate * phase.as_secs_f64()) as u64;
    let started = Instant::now();
    let mut senders = tokio::task::JoinSet::new();
    for i in 0..total {
        let due = started + interval.mul_f64(i as f64);
        tokio::time::sleep_until(due.into()).await;
        let load = load.clone();
        senders.spawn(async move { load.post(first + i).await });
    }
    while senders.join_next().await.is_some() {}
    let settle = Instant::now();
    let mut latencies = Vec::new();
    while settle.elapsed() < Duration::from_secs(60) {
        latencies.clear();
        {
            let sent = load.sent.lock().unwrap();
            let arrived = arrivals.lock().unwrap();
            for i in first..first + total {
                let po = format!("{:010}", 4_600_000_000u64 + i);
                if let (Some(s), Some(a)) = (sent.get(&po), arrived.at.get(&po)) {
                    latencies.push(a.duration_since(*s));
                }
            }
        }
        if latencies.len() as u64 == total {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    latencies.sort();
    let _ = child.kill();
    let _ = child.wait();
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    println!("end to end: ORDERS05 IDoc → idoc → route → cxml → durable outbox → signed HTTP");
    println!("machine: {cores} cores; SQLite (WAL, synchronous=FULL); {seconds} s per phase");
    println!("| measure | Wharf |");
    println!("| --- | --- |");
    println!("| documents/s at saturation (delivered) | {saturation:.0} |");
    println!("| requests accepted in the saturation phase | {accepted} |");
    println!(
        "| latency at half of saturation ({rate:.0}/s), p50 / p99 | {:.1} / {:.1} ms ({} of {total} delivered) |",
        percentile(&latencies, 0.50).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        latencies.len()
    );
}
