//! The end-to-end machinery the benches share (`e2e.rs`, `suite.rs`): the loopback sink that
//! timestamps each cXML it receives, the load generator (closed loop to saturation, open loop
//! at a fixed rate), the systems under load (`wharf serve` processes, the Node-RED flow) and
//! [`measure`], which runs saturation, half of saturation and, where the target has one, the
//! same beside a hostile adapter.
//!
//! The ERP's documents are the ORDERS05 golden fixture with a fresh PO number each; latency is
//! from the start of the POST to the sink's receipt of the cXML carrying that number.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use wharf_host::cli::bundled;

use super::percentile;

pub const ERP_KEY: &str = "bench-erp-key";
pub const STRANGER_KEY: &str = "bench-stranger-key";
pub const SIGNING_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// Starts the loopback sink on a free port: its URL and what it has received.
pub async fn start_sink() -> (String, Arc<Mutex<Arrivals>>) {
    let arrivals = Arc::new(Mutex::new(Arrivals::default()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port for the sink");
    let sink_url = format!("http://{}/", listener.local_addr().expect("its address"));
    let app = axum::Router::new()
        .route("/", post(sink))
        .with_state(arrivals.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (sink_url, arrivals)
}

#[derive(Default)]
pub struct Arrivals {
    pub at: HashMap<String, Instant>,
}

pub async fn sink(State(arrivals): State<Arc<Mutex<Arrivals>>>, body: Bytes) -> &'static str {
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

pub fn wharf_bin() -> PathBuf {
    std::env::var_os("WHARF_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_wharf")))
}

pub struct Load {
    /// Where to post; several replicas take turns, as behind a round-robin balancer.
    pub urls: Vec<String>,
    pub key: Option<&'static str>,
    pub client: reqwest::Client,
    pub idoc: Arc<String>,
    pub sent: Arc<Mutex<HashMap<String, Instant>>>,
}

impl Load {
    pub async fn post(&self, n: u64) -> bool {
        let po = format!("{:010}", 4_600_000_000u64 + n);
        let body = self.idoc.replace("4500012345", &po);
        let started = Instant::now();
        self.sent.lock().unwrap().insert(po, started);
        let mut request = self
            .client
            .post(&self.urls[n as usize % self.urls.len()])
            .header("content-type", "application/xml")
            .body(body);
        if let Some(key) = self.key {
            request = request.bearer_auth(key);
        }
        request.send().await.is_ok_and(|r| r.status() == 202)
    }
}

/// One system under load: its processes, where the ERP posts, and how it authenticates.
pub struct Target {
    pub name: &'static str,
    pub children: Vec<std::process::Child>,
    /// One per process.
    pub urls: Vec<String>,
    pub health: Vec<String>,
    pub key: Option<&'static str>,
    /// Where a partner's documents go to the hostile adapter, if this target has one.
    pub hostile: Option<String>,
}

impl Target {
    pub async fn ready(&self, client: &reqwest::Client) -> Result<(), String> {
        let started = Instant::now();
        for health in &self.health {
            while !client
                .get(health)
                .send()
                .await
                .is_ok_and(|r| r.status().as_u16() < 500)
            {
                if started.elapsed() > Duration::from_secs(60) {
                    return Err(format!("{} did not answer {health} within 60 s", self.name));
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        Ok(())
    }

    /// User plus system CPU seconds the processes have used so far (Linux `/proc`).
    pub fn cpu_seconds(&self) -> f64 {
        self.children.iter().map(cpu_seconds).sum()
    }
}

/// User plus system CPU seconds `child` has used so far.
pub fn cpu_seconds(child: &std::process::Child) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", child.id())).unwrap_or_default();
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
    (ticks(11) + ticks(12)) / 100.0
}

impl Drop for Target {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `replicas` Wharf processes, on SQLite in `dir` or all on `database_url`.
pub fn start_wharf(
    dir: &Path,
    sink_url: &str,
    database_url: Option<&str>,
    replicas: usize,
) -> Target {
    let components = bundled::build_packages(&[
        "wharf-plugin-idoc",
        "wharf-plugin-cxml",
        "wharf-test-hostile",
    ])
    .expect("the adapters build");
    let adapters = dir.join("adapters");
    std::fs::create_dir_all(&adapters).unwrap();
    for path in &components {
        std::fs::copy(path, adapters.join(path.file_name().unwrap())).unwrap();
    }
    let store = match database_url {
        Some(url) => format!("database_url = \"{url}\"\ndatabase_max_connections = 12\n"),
        None => String::new(),
    };
    let mut target = Target {
        name: "Wharf",
        children: Vec::new(),
        urls: Vec::new(),
        health: Vec::new(),
        key: Some(ERP_KEY),
        hostile: None,
    };
    for replica in 0..replicas {
        let port = free_port();
        let config = dir.join(format!("wharf-{replica}.toml"));
        std::fs::write(&config, wharf_config(port, replica, &store, sink_url)).unwrap();
        // `WHARF_BENCH_LOG` (a `RUST_LOG` filter) keeps Wharf's log in the system's temporary
        // folder (the run's own folder is removed with it), to see where the time goes: the
        // store writer's batches are at debug level.
        let log = std::env::var("WHARF_BENCH_LOG").ok();
        let mut command = std::process::Command::new(wharf_bin());
        command
            .args(["serve", "--config"])
            .arg(&config)
            .env("BENCH_ERP_KEY", ERP_KEY)
            .env("BENCH_STRANGER_KEY", STRANGER_KEY)
            .env("WHARF_SIGNING_SECRET", SIGNING_SECRET)
            .env("RUST_LOG", log.as_deref().unwrap_or("error"));
        if log.is_some() {
            let path = std::env::temp_dir().join(format!("wharf-bench-{replica}.log"));
            eprintln!("Wharf's log: {}", path.display());
            let file = std::fs::File::create(&path).unwrap();
            command.stdout(file.try_clone().unwrap()).stderr(file);
        }
        let child = command.spawn().expect("wharf starts");
        let base = format!("http://127.0.0.1:{port}");
        target.children.push(child);
        target
            .urls
            .push(format!("{base}/api/v1/inbound/erp-orders"));
        target.health.push(format!("{base}/healthz"));
        if replica == 0 {
            target.hostile = Some(format!("{base}/api/v1/inbound/stranger-feed"));
        }
    }
    target
}

/// One replica's configuration: its port and data folder, the store, the flow.
pub fn wharf_config(port: u16, replica: usize, store: &str, sink_url: &str) -> String {
    format!(
        r#"[server]
listen = "127.0.0.1:{port}"
data_dir = "wharf-data-{replica}"
{store}
[[partners]]
id = "erp"
api_key_envs = ["BENCH_ERP_KEY"]
# The plant's own ERP: its load is what is measured, not what a partner's rate limit allows.
rate_per_s = 1000000
burst = 1000000
[[partners]]
id = "portal"
[[partners]]
id = "stranger"
api_key_envs = ["BENCH_STRANGER_KEY"]
[adapter_limits.hostile]
memory_mib = 32
timeout_ms = 500
[[agreements]]
id = "stranger-feed"
partner = "stranger"
direction = "inbound"
adapter = "hostile"
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
    )
}

/// The Node-RED flow in `peers/`, with its HTTP request node pointed at the sink.
pub fn start_node_red(node_red: &Path, dir: &Path, sink_url: &str) -> Result<Target, String> {
    let flow = std::fs::read_to_string(
        bundled::workspace_root().join("host/benches/peers/node-red-flow.json"),
    )
    .unwrap()
    .replace("{{SINK_URL}}", sink_url);
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("flows.json"), flow).unwrap();
    std::fs::write(
        dir.join("settings.js"),
        "module.exports = { httpAdminRoot: false, logging: { console: { level: \"error\" } } };\n",
    )
    .unwrap();
    let port = free_port();
    let child = std::process::Command::new(node_red)
        .arg("-u")
        .arg(dir)
        .arg("-s")
        .arg(dir.join("settings.js"))
        .args(["-p", &port.to_string()])
        .arg(dir.join("flows.json"))
        .stdout(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", node_red.display()))?;
    let base = format!("http://127.0.0.1:{port}");
    Ok(Target {
        name: "Node-RED",
        children: vec![child],
        urls: vec![format!("{base}/inbound")],
        // Answers 404 to GET: the flow only takes POSTs, but the server is up.
        health: vec![format!("{base}/inbound")],
        key: None,
        hostile: None,
    })
}

/// Latency at a fixed, open-loop rate.
pub struct Latency {
    pub p50: Duration,
    pub p99: Duration,
    pub delivered: usize,
    pub total: u64,
}

impl Latency {
    pub fn cell(&self, rate: f64) -> String {
        format!(
            "{:.1} / {:.1} ms at {rate:.0}/s ({} of {} delivered)",
            self.p50.as_secs_f64() * 1e3,
            self.p99.as_secs_f64() * 1e3,
            self.delivered,
            self.total
        )
    }
}

/// What one target measured.
pub struct Figures {
    pub saturation: f64,
    pub accepted: u64,
    pub cpu: f64,
    pub rate: f64,
    pub latency: Latency,
    /// CPU seconds the target used per document delivered in the half-of-saturation phase:
    /// the cost of a document, where throughput at saturation also shows contention.
    pub cpu_per_document: f64,
    /// Phase 3, for Wharf: the same rate while a hostile adapter is fed.
    pub beside_hostile: Option<Latency>,
}

/// Open loop at `rate` for `phase`, numbering orders from `first`; waits up to a minute for
/// the last deliveries.
pub async fn latency(
    load: &Arc<Load>,
    arrivals: &Arc<Mutex<Arrivals>>,
    rate: f64,
    phase: Duration,
    first: u64,
) -> Latency {
    let interval = Duration::from_secs_f64(1.0 / rate);
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
    // As when draining: what has not arrived five seconds after the last arrival was dropped.
    let (mut seen, mut moved) = (0, Instant::now());
    while settle.elapsed() < Duration::from_secs(60) && moved.elapsed() < Duration::from_secs(5) {
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
        if latencies.len() != seen {
            (seen, moved) = (latencies.len(), Instant::now());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    latencies.sort();
    Latency {
        p50: percentile(&latencies, 0.50),
        p99: percentile(&latencies, 0.99),
        delivered: latencies.len(),
        total,
    }
}

/// A partner feeding the hostile adapter one document a second, alternately one that spins
/// until the deadline and one that hoards memory until the cap, until `stop` is set.
pub async fn hostile_partner(url: String, stop: Arc<std::sync::atomic::AtomicBool>) -> u64 {
    let client = reqwest::Client::new();
    let mut sent = 0u64;
    while !stop.load(std::sync::atomic::Ordering::SeqCst) {
        let body = if sent.is_multiple_of(2) {
            "spin"
        } else {
            "hoard"
        };
        let _ = client
            .post(&url)
            .bearer_auth(STRANGER_KEY)
            .header("Idempotency-Key", format!("hostile-{sent}"))
            .body(format!("{body} {sent}"))
            .send()
            .await;
        sent += 1;
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    sent
}

pub async fn measure(
    target: &Target,
    arrivals: &Arc<Mutex<Arrivals>>,
    idoc: &Arc<String>,
    phase: Duration,
) -> Result<Figures, String> {
    let client = reqwest::Client::new();
    target.ready(&client).await?;
    arrivals.lock().unwrap().at.clear();
    let load = Arc::new(Load {
        urls: target.urls.clone(),
        key: target.key,
        client,
        idoc: idoc.clone(),
        sent: Arc::new(Mutex::new(HashMap::new())),
    });
    let counter = Arc::new(std::sync::atomic::AtomicU64::new(0));

    // 1. Saturation: 32 clients, closed loop.
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
    let (count_start, at_start, cpu_start) = (
        arrivals.lock().unwrap().at.len(),
        Instant::now(),
        target.cpu_seconds(),
    );
    tokio::time::sleep(phase / 2).await;
    let (count_end, at_end, cpu_end) = (
        arrivals.lock().unwrap().at.len(),
        Instant::now(),
        target.cpu_seconds(),
    );
    while clients.join_next().await.is_some() {}
    let window = (at_end - at_start).as_secs_f64();
    let saturation = (count_end - count_start) as f64 / window;
    let cpu = (cpu_end - cpu_start) / window;
    let accepted = counter.load(std::sync::atomic::Ordering::SeqCst);
    // Let the backlog drain before the latency phase. A target without durability may have
    // dropped some documents for good: stop waiting once nothing arrived for five seconds.
    let drain = Instant::now();
    let (mut seen, mut moved) = (0, Instant::now());
    loop {
        let arrived = arrivals.lock().unwrap().at.len();
        if arrived >= load.sent.lock().unwrap().len()
            || drain.elapsed() > Duration::from_secs(300)
            || moved.elapsed() > Duration::from_secs(5)
        {
            break;
        }
        if arrived != seen {
            (seen, moved) = (arrived, Instant::now());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // 2. Half of saturation, open loop.
    let rate = (saturation / 2.0).max(1.0);
    let first = counter.load(std::sync::atomic::Ordering::SeqCst);
    let cpu_before = target.cpu_seconds();
    let plain = latency(&load, arrivals, rate, phase, first).await;
    let cpu_per_document = (target.cpu_seconds() - cpu_before) / plain.delivered.max(1) as f64;

    // 3. The same beside a hostile adapter, where the target has one.
    let beside_hostile = match &target.hostile {
        Some(url) => {
            let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
            let feeder = tokio::spawn(hostile_partner(url.clone(), stop.clone()));
            let first = first + plain.total;
            let figures = latency(&load, arrivals, rate, phase, first).await;
            stop.store(true, std::sync::atomic::Ordering::SeqCst);
            let _ = feeder.await;
            Some(figures)
        }
        None => None,
    };
    Ok(Figures {
        saturation,
        accepted,
        cpu,
        rate,
        latency: plain,
        cpu_per_document,
        beside_hostile,
    })
}
