//! The crash soak's parts: a faulty sink that counts effects, the run (posting, killing,
//! faulting the store) and the checks at the end.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::Row;
use tokio::io::AsyncWriteExt;

use crate::support::postgres::TestDatabase;
use crate::support::*;

/// Which faults the run injects.
#[derive(Debug, Clone, Copy)]
pub struct Faults {
    /// Share of sink requests answered badly, in percent.
    pub sink_percent: u32,
    /// How many times the store is faulted.
    pub store_faults: usize,
}

/// What the sink took: per `webhook-id`, the PO number and how often it answered 2xx.
#[derive(Debug, Default)]
struct Seen {
    effects: BTreeMap<String, (String, u32)>,
    /// Per control number (the cXML payloadID's first part), the webhook-ids it came under.
    controls: BTreeMap<String, BTreeSet<String>>,
    bad_signatures: u32,
}

/// A loopback endpoint that answers a share of requests with 5xx, too late, or not at all.
pub struct Sink {
    pub url: String,
    seen: Arc<Mutex<Seen>>,
    requests: Arc<AtomicU64>,
    faulted: Arc<AtomicU64>,
}

impl Sink {
    pub async fn start(seed: u64, fault_percent: u32) -> Sink {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Seen::default()));
        let requests = Arc::new(AtomicU64::new(0));
        let faulted = Arc::new(AtomicU64::new(0));
        let rng = Arc::new(Mutex::new(StdRng::seed_from_u64(seed ^ 0x5151)));
        let (s, r, f) = (seen.clone(), requests.clone(), faulted.clone());
        tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    continue;
                };
                let (s, r, f, rng) = (s.clone(), r.clone(), f.clone(), rng.clone());
                tokio::spawn(async move {
                    let _ = serve(socket, s, r, f, rng, fault_percent).await;
                });
            }
        });
        Sink {
            url,
            seen,
            requests,
            faulted,
        }
    }

    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::SeqCst)
    }

    pub fn faulted(&self) -> u64 {
        self.faulted.load(Ordering::SeqCst)
    }
}

/// One request on one connection (Wharf's client may keep it alive; the sink closes it).
async fn serve(
    mut socket: tokio::net::TcpStream,
    seen: Arc<Mutex<Seen>>,
    requests: Arc<AtomicU64>,
    faulted: Arc<AtomicU64>,
    rng: Arc<Mutex<StdRng>>,
    fault_percent: u32,
) -> std::io::Result<()> {
    let Some(request) = SinkRequest::read(&mut socket).await? else {
        return Ok(());
    };
    requests.fetch_add(1, Ordering::SeqCst);
    let roll: u32 = rng.lock().unwrap().random_range(0..100 * 3);
    let fault = if roll < fault_percent * 3 {
        Some(roll % 3)
    } else {
        None
    };
    let delivery = StandInDelivery {
        at: Instant::now(),
        content_type: request.header("content-type"),
        delivery_id: request.header("webhook-id"),
        timestamp: request.header("webhook-timestamp"),
        signature: request.header("webhook-signature"),
        body: request.body,
    };
    match fault {
        // Dropped: the connection closes with no answer.
        Some(0) => {
            faulted.fetch_add(1, Ordering::SeqCst);
            return Ok(());
        }
        // 5xx: not taken.
        Some(1) => {
            faulted.fetch_add(1, Ordering::SeqCst);
            let answer = b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 4\r\nconnection: close\r\n\r\nbusy";
            socket.write_all(answer).await?;
            return Ok(());
        }
        _ => {}
    }
    // Taken: the effect happens now, whether or not Wharf hears the answer in time.
    record(&seen, &delivery);
    if fault == Some(2) {
        faulted.fetch_add(1, Ordering::SeqCst);
        // Answers after Wharf's delivery timeout: Wharf retries the same webhook-id.
        tokio::time::sleep(Duration::from_millis(1_500)).await;
    }
    socket
        .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")
        .await?;
    Ok(())
}

fn record(seen: &Mutex<Seen>, delivery: &StandInDelivery) {
    let mut seen = seen.lock().unwrap();
    if !signature_verifies(SIGNING_SECRET, delivery) {
        seen.bad_signatures += 1;
    }
    let id = delivery.delivery_id.clone().unwrap_or_default();
    let text = delivery.text();
    let po = attribute(&text, "orderID").unwrap_or_default();
    let control = attribute(&text, "payloadID")
        .and_then(|id| id.split('.').next().map(str::to_owned))
        .unwrap_or_default();
    seen.controls.entry(control).or_default().insert(id.clone());
    let entry = seen.effects.entry(id).or_insert((po, 0));
    entry.1 += 1;
}

/// The value of the first `name="…"` in `text`.
fn attribute(text: &str, name: &str) -> Option<String> {
    let start = text.find(&format!("{name}=\""))? + name.len() + 2;
    let end = text[start..].find('"')?;
    Some(text[start..start + end].to_owned())
}

/// The run's figures.
#[derive(Debug, Default)]
pub struct Report {
    /// Document number → tracking id of its 202.
    pub accepted: BTreeMap<usize, String>,
    pub kills: usize,
    pub kills_during_ingest: usize,
    pub store_faults: Vec<String>,
}

/// How the store ended.
#[derive(Debug, Default)]
pub struct Settled {
    pub processed: usize,
    pub failed: usize,
    pub delivered: usize,
    pub dead: usize,
    pub unsettled: usize,
}

/// What the checks found.
#[derive(Debug, Default)]
pub struct Verdict {
    pub effects: usize,
    /// webhook-ids the sink took more than once (a retry after a lost answer; one effect).
    pub duplicate_ids: usize,
    pub pos_under_two_ids: usize,
    /// Control numbers sent under more than one webhook-id (to the partner, one number used
    /// for two interchanges).
    pub controls_under_two_ids: usize,
    pub missing_at_sink: usize,
    pub unknown_effects: usize,
    pub bad_signatures: u32,
    pub audit_entries: usize,
    pub audit_intact: bool,
}

/// Where the replicas keep their state.
pub enum SoakDatabase {
    /// One replica on SQLite in its data folder (on a tmpfs of its own when one can be
    /// mounted, so the disk can be filled without touching the machine's).
    Sqlite,
    /// Replicas sharing one PostgreSQL database; `restart` is a shell command that restarts
    /// the server (run once, halfway through the kills), when the run may do that.
    Postgres {
        database: TestDatabase,
        restart: Option<String>,
    },
}

/// One `wharf serve` of the run: its own port, configuration and data folder.
struct Replica {
    port: u16,
    config: PathBuf,
    child: Option<std::process::Child>,
}

impl Replica {
    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    async fn launch(&mut self) {
        let child = std::process::Command::new(wharf_bin())
            .arg("serve")
            .arg("--config")
            .arg(&self.config)
            .envs(secrets())
            .env("RUST_LOG", "error")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("wharf starts");
        self.child = Some(child);
        let client = reqwest::Client::new();
        let base = self.base();
        eventually("wharf to answer /healthz", || {
            let request = client.get(format!("{base}/healthz")).send();
            async move { request.await.is_ok_and(|r| r.status().is_success()) }
        })
        .await;
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// `wharf serve` replicas under fire.
pub struct Soak {
    dir: tempfile::TempDir,
    /// The SQLite replica's data folder.
    data: PathBuf,
    tmpfs: Option<PathBuf>,
    database: SoakDatabase,
    replicas: Vec<Replica>,
    rng: StdRng,
}

fn wharf_bin() -> PathBuf {
    std::env::var_os("WHARF_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_wharf")))
}

impl Soak {
    /// Starts `replicas` hosts on `database` (SQLite takes one), delivering to `sink_url`.
    pub async fn start(sink_url: &str, seed: u64, database: SoakDatabase, replicas: usize) -> Soak {
        let dir = tempfile::tempdir().unwrap();
        let (tmpfs, data) = match &database {
            SoakDatabase::Sqlite => {
                assert_eq!(replicas, 1, "replicas share a database on PostgreSQL only");
                let mount = dir.path().join("disk");
                std::fs::create_dir_all(&mount).unwrap();
                let tmpfs = std::process::Command::new("mount")
                    .args(["-t", "tmpfs", "-o", "size=1500m", "tmpfs"])
                    .arg(&mount)
                    .status()
                    .is_ok_and(|s| s.success())
                    .then(|| mount.clone());
                let data = match &tmpfs {
                    Some(mount) => mount.join("wharf-data"),
                    None => dir.path().join("wharf-data"),
                };
                (tmpfs, data)
            }
            SoakDatabase::Postgres { .. } => (None, dir.path().join("r0").join("wharf-data")),
        };
        let mut members = Vec::new();
        for i in 0..replicas {
            let home = dir.path().join(format!("r{i}"));
            let adapters = home.join("adapters");
            std::fs::create_dir_all(&adapters).unwrap();
            std::fs::copy(&components().cxml, adapters.join("cxml.wasm")).unwrap();
            let data = match &database {
                SoakDatabase::Sqlite => data.clone(),
                SoakDatabase::Postgres { .. } => home.join("wharf-data"),
            };
            let store = match &database {
                SoakDatabase::Sqlite => String::new(),
                SoakDatabase::Postgres { database, .. } => format!(
                    "database_url = \"{}\"\ndatabase_max_connections = 8\n",
                    database.url()
                ),
            };
            let port = free_port();
            let config = home.join("wharf.toml");
            std::fs::write(
                &config,
                cxml_order_flow(sink_url)
                    .processing("lease_ms", 3000)
                    .processing("retry_initial_ms", 100)
                    .processing("retry_max_ms", 2000)
                    .processing("poll_interval_ms", 200)
                    .delivery("initial_backoff_ms", 100)
                    .delivery("max_backoff_ms", 2000)
                    .delivery("timeout_ms", 1000)
                    .delivery("poll_interval_ms", 200)
                    // The sink's faults open the breaker now and then; on a busy machine its
                    // probes time out too, and the default cooldown (10 s, up to 100 s) would
                    // outlast the settle window.
                    .delivery("breaker_cooldown_ms", 500)
                    // The default: retried for 24 hours, however many attempts that takes.
                    .delivery("max_attempts", 0)
                    .raw(&format!(
                        "[server]\nlisten = \"127.0.0.1:{port}\"\ndata_dir = \"{}\"\n{store}",
                        data.display()
                    ))
                    .toml(),
            )
            .unwrap();
            members.push(Replica {
                port,
                config,
                child: None,
            });
        }
        let mut soak = Soak {
            dir,
            data,
            tmpfs,
            database,
            replicas: members,
            rng: StdRng::seed_from_u64(seed),
        };
        for replica in &mut soak.replicas {
            replica.launch().await;
        }
        soak
    }

    /// Where the replicas' store is.
    fn url(&self) -> String {
        match &self.database {
            SoakDatabase::Sqlite => format!("sqlite://{}", self.data.join("wharf.db").display()),
            SoakDatabase::Postgres { database, .. } => database.url().to_owned(),
        }
    }

    async fn pool(&self) -> sqlx::AnyPool {
        sqlx::any::install_default_drivers();
        sqlx::AnyPool::connect(&self.url()).await.unwrap()
    }

    /// Posts `docs` documents with four clients spread over the replicas while killing one at
    /// random `kills` times (and faulting the store), then keeps killing during processing and
    /// delivery until the kills are done. On PostgreSQL with a restart command, the server
    /// is restarted once, halfway through the kills.
    pub async fn run(&mut self, docs: usize, kills: usize, faults: &Faults) -> Report {
        let mut report = Report::default();
        let next = Arc::new(AtomicU64::new(0));
        let accepted = Arc::new(Mutex::new(BTreeMap::new()));
        let bases: Arc<Vec<String>> = Arc::new(self.replicas.iter().map(Replica::base).collect());
        let mut posters = tokio::task::JoinSet::new();
        for _ in 0..4 {
            let (next, accepted, bases) = (next.clone(), accepted.clone(), bases.clone());
            posters.spawn(async move { post_all(docs, next, accepted, bases).await });
        }
        let mut store_faults_left = faults.store_faults;
        let mut restart = match &self.database {
            SoakDatabase::Postgres { restart, .. } => restart.clone(),
            SoakDatabase::Sqlite => None,
        };
        let pause = |rng: &mut StdRng| Duration::from_millis(rng.random_range(300..2_000));
        while report.kills < kills || !posters.is_empty() {
            let wait = pause(&mut self.rng);
            let deadline = Instant::now() + wait;
            while Instant::now() < deadline {
                tokio::select! {
                    _ = tokio::time::sleep_until(deadline.into()) => {}
                    done = posters.join_next(), if !posters.is_empty() => {
                        if done.is_none() { tokio::time::sleep_until(deadline.into()).await; }
                    }
                }
            }
            let ingesting = !posters.is_empty();
            if report.kills < kills {
                let victim = self.rng.random_range(0..self.replicas.len());
                self.replicas[victim].kill();
                report.kills += 1;
                if ingesting {
                    report.kills_during_ingest += 1;
                }
                self.replicas[victim].launch().await;
            }
            if report.kills * 2 >= kills
                && let Some(command) = restart.take()
            {
                report.store_faults.push(restart_postgres(&command).await);
            }
            if store_faults_left > 0 && self.rng.random_range(0..4) == 0 {
                store_faults_left -= 1;
                let fault = self.fault_store(report.store_faults.len()).await;
                report.store_faults.push(fault);
            }
            if report.kills >= kills && posters.is_empty() {
                break;
            }
        }
        if let Some(command) = restart.take() {
            report.store_faults.push(restart_postgres(&command).await);
        }
        while store_faults_left > 0 {
            store_faults_left -= 1;
            let fault = self.fault_store(report.store_faults.len()).await;
            report.store_faults.push(fault);
        }
        report.accepted = std::mem::take(&mut *accepted.lock().unwrap());
        report
    }

    /// SQLite: locks the database past Wharf's busy timeout, or fills its disk, for a few
    /// seconds. PostgreSQL: ends every replica's connections, as a failover would.
    async fn fault_store(&mut self, n: usize) -> String {
        if let SoakDatabase::Postgres { database, .. } = &self.database {
            database.terminate_connections().await;
            return "every connection terminated".into();
        }
        let database = self.data.join("wharf.db");
        if n % 2 == 1
            && let Some(mount) = &self.tmpfs
        {
            let ballast = mount.join("ballast");
            let _ = std::process::Command::new("fallocate")
                .args(["-l", "1500m"])
                .arg(&ballast)
                .status();
            // fallocate stops at the size left; the disk is now full.
            tokio::time::sleep(Duration::from_secs(3)).await;
            let _ = std::fs::remove_file(&ballast);
            return "disk full for 3 s".into();
        }
        let url = format!("sqlite://{}", database.display());
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        let mut conn = pool.acquire().await.unwrap();
        let locked = sqlx::query("BEGIN EXCLUSIVE")
            .execute(&mut *conn)
            .await
            .is_ok();
        if locked {
            // Past the 10 s busy timeout, so writes fail rather than wait.
            tokio::time::sleep(Duration::from_secs(11)).await;
            let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
        }
        drop(conn);
        pool.close().await;
        if locked {
            "database locked for 11 s".into()
        } else {
            "database lock not taken".into()
        }
    }

    /// Waits until nothing is queued or pending, and counts how it ended.
    pub async fn settle(&mut self, limit: Duration) -> Settled {
        let deadline = Instant::now() + limit;
        let pool = self.pool().await;
        loop {
            let count = |sql: &'static str| {
                let pool = pool.clone();
                async move {
                    sqlx::query(sql)
                        .fetch_one(&pool)
                        .await
                        .map(|r| r.get::<i64, _>(0) as usize)
                        .unwrap_or(usize::MAX)
                }
            };
            let settled = Settled {
                processed: count("SELECT COUNT(*) FROM messages WHERE status = 'processed'").await,
                failed: count("SELECT COUNT(*) FROM messages WHERE status = 'failed'").await,
                delivered: count("SELECT COUNT(*) FROM outbox WHERE status = 'delivered'").await,
                dead: count("SELECT COUNT(*) FROM outbox WHERE status = 'dead'").await,
                unsettled: count(
                    "SELECT (SELECT COUNT(*) FROM messages WHERE status = 'received') + \
                     (SELECT COUNT(*) FROM outbox WHERE status = 'pending')",
                )
                .await,
            };
            if settled.unsettled == 0 || Instant::now() >= deadline {
                pool.close().await;
                return settled;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// Compares what Wharf recorded with what the sink saw.
    pub async fn verify(&mut self, sink: &Sink, report: &Report) -> Verdict {
        let _ = report;
        let pool = self.pool().await;
        let ids = |sql: &'static str| {
            let pool = pool.clone();
            async move {
                sqlx::query(sql)
                    .fetch_all(&pool)
                    .await
                    .unwrap()
                    .iter()
                    .map(|r| r.get::<String, _>(0))
                    .collect::<BTreeSet<String>>()
            }
        };
        let delivered = ids("SELECT id FROM outbox WHERE status = 'delivered'").await;
        let known = ids("SELECT id FROM outbox").await;
        pool.close().await;
        let store = wharf_host::store::Store::open(&self.url()).await.unwrap();
        let log = store.audit_log().await.unwrap();
        let audit = wharf_host::audit::chain::verify(&log);
        let seen = sink.seen.lock().unwrap();
        let mut ids_per_po: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for (id, (po, _)) in &seen.effects {
            ids_per_po.entry(po).or_default().insert(id);
        }
        Verdict {
            effects: seen.effects.len(),
            duplicate_ids: seen.effects.values().filter(|(_, n)| *n > 1).count(),
            pos_under_two_ids: ids_per_po.values().filter(|ids| ids.len() > 1).count(),
            controls_under_two_ids: seen.controls.values().filter(|ids| ids.len() > 1).count(),
            missing_at_sink: delivered
                .iter()
                .filter(|id| !seen.effects.contains_key(*id))
                .count(),
            unknown_effects: seen
                .effects
                .keys()
                .filter(|id| !known.contains(*id))
                .count(),
            bad_signatures: seen.bad_signatures,
            audit_entries: log.len(),
            audit_intact: audit.is_ok(),
        }
    }
}

impl Drop for Soak {
    fn drop(&mut self) {
        for replica in &mut self.replicas {
            replica.kill();
        }
        if let Some(mount) = &self.tmpfs {
            let _ = std::process::Command::new("umount").arg(mount).status();
        }
    }
}

/// Restarts the PostgreSQL server with `command` and waits until it answers again.
async fn restart_postgres(command: &str) -> String {
    let started = Instant::now();
    let status = std::process::Command::new("sh")
        .args(["-c", command])
        .status();
    assert!(
        status.as_ref().is_ok_and(|s| s.success()),
        "restarting PostgreSQL with {command:?} failed: {status:?}"
    );
    format!(
        "PostgreSQL restarted ({:.1} s)",
        started.elapsed().as_secs_f64()
    )
}

/// Posts documents until all are accepted, each under its own idempotency key, retrying
/// through kills and store faults (and on another replica, where there are several).
async fn post_all(
    docs: usize,
    next: Arc<AtomicU64>,
    accepted: Arc<Mutex<BTreeMap<usize, String>>>,
    bases: Arc<Vec<String>>,
) {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
        .unwrap();
    loop {
        let n = next.fetch_add(1, Ordering::SeqCst) as usize;
        if n >= docs {
            return;
        }
        let po = format!("48{n:08}");
        let body = cxml_order(&po);
        // Each document starts at its own replica and moves on to the next when refused, as a
        // load balancer would.
        for turn in n.. {
            let base = &bases[turn % bases.len()];
            let answer = client
                .post(format!("{base}/api/v1/inbound/erp-orders"))
                .bearer_auth(ERP_KEY)
                .header("Idempotency-Key", format!("soak-{n}"))
                .body(body.clone())
                .send()
                .await;
            if let Ok(response) = answer
                && response.status() == 202
                && let Ok(json) = response.json::<serde_json::Value>().await
                && let Some(id) = json["tracking_id"].as_str()
            {
                accepted.lock().unwrap().insert(n, id.to_owned());
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}
