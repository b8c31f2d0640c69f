//! Scale of the host:
//! - start-up (from spawning `wharf serve` until `/healthz` answers) and resident memory
//!   (`VmRSS`) with 1, 100 and 1,000 installed adapters: a restart, from the compiled cache
//!   and the database that recorded them (the first start on a new database, which records
//!   each adapter's bytes, is reported beside it, and the very first, which compiles them
//!   all, on its own row);
//! - install time of one adapter through the admin API (`POST /admin/v1/adapters`, compiling);
//! - storage per processed message: the database's growth per ORDERS05 taken in, routed and
//!   delivered, beside the document's own size.
//!
//! The adapters are copies of `tests/adapters/echo` whose id marker is rewritten in the bytes
//! (`bench-echo-000000` → `bench-echo-000042`): each is a distinct adapter with its own id and
//! digest, compiled and cached on its own, as a thousand partners' adapters would be.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqlx::{Connection, SqliteConnection};
use wharf_host::cli::bundled;

use crate::Size;
use crate::common::e2e::{self, Load};
use crate::common::{fixtures, median, resident_bytes};
use crate::table::{Peer, Table, ratio};

const MARKER: &[u8] = b"bench-echo-000000";
const ADMIN_TOKEN: &str = "bench-admin-token";

/// The echo component with its id marker rewritten to `bench-echo-{n:06}`.
fn copy(component: &[u8], n: usize) -> Vec<u8> {
    let mut bytes = component.to_vec();
    let id = format!("bench-echo-{n:06}");
    let mut found = 0;
    let mut at = 0;
    while let Some(i) = bytes[at..].windows(MARKER.len()).position(|w| w == MARKER) {
        bytes[at + i..at + i + MARKER.len()].copy_from_slice(id.as_bytes());
        at += i + MARKER.len();
        found += 1;
    }
    assert!(found > 0, "the echo component carries its id marker");
    bytes
}

/// A `wharf serve` with no flows, its adapters in `dir/adapters`, its data in `dir/data`.
struct Host {
    child: Child,
    base: String,
}

impl Drop for Host {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts a host in `dir` and waits for `/healthz`: the host and how long that took.
async fn start(dir: &Path, client: &reqwest::Client) -> (Host, Duration) {
    let port = e2e::free_port();
    let config = dir.join("wharf.toml");
    std::fs::write(
        &config,
        format!(
            "[server]\nlisten = \"127.0.0.1:{port}\"\ndata_dir = \"data\"\n\
             admin_token_env = \"BENCH_ADMIN_TOKEN\"\n"
        ),
    )
    .expect("the configuration is written");
    let started = Instant::now();
    let child = Command::new(e2e::wharf_bin())
        .args(["serve", "--config"])
        .arg(&config)
        .env("BENCH_ADMIN_TOKEN", ADMIN_TOKEN)
        .env("RUST_LOG", "error")
        .spawn()
        .expect("wharf starts");
    let host = Host {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    let health = format!("{}/healthz", host.base);
    while !client
        .get(&health)
        .send()
        .await
        .is_ok_and(|r| r.status().is_success())
    {
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "wharf did not answer {health} within 10 minutes"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    (host, started.elapsed())
}

/// A folder with the first `count` copies in its adapters folder and `compiled` as its cache.
fn prepare(dir: &Path, copies: &[PathBuf], count: usize, compiled: &Path) {
    let adapters = dir.join("adapters");
    std::fs::create_dir_all(&adapters).expect("the adapters folder");
    for path in &copies[..count] {
        std::fs::hard_link(path, adapters.join(path.file_name().expect("a name")))
            .or_else(|_| {
                std::fs::copy(path, adapters.join(path.file_name().expect("a name"))).map(|_| ())
            })
            .expect("the adapter is placed");
    }
    std::fs::create_dir_all(dir.join("data")).expect("the data folder");
    std::os::unix::fs::symlink(compiled, dir.join("data/compiled")).expect("the cache is shared");
}

/// How many adapters the host says it has loaded (`/readyz`).
async fn loaded(client: &reqwest::Client, host: &Host) -> u64 {
    match client.get(format!("{}/readyz", host.base)).send().await {
        Ok(response) => response
            .json::<serde_json::Value>()
            .await
            .ok()
            .and_then(|v| v["adapters"].as_u64())
            .unwrap_or(0),
        Err(_) => 0,
    }
}

fn mib(bytes: u64) -> String {
    format!("{:.0} MiB", bytes as f64 / 1024.0 / 1024.0)
}

pub async fn run(size: Size, table: &mut Table) {
    eprintln!("suite: scale of the host…");
    let counts: Vec<usize> = size.pick(vec![1, 5, 10], vec![1, 100, 1_000], vec![1, 100, 1_000]);
    let most = *counts.last().expect("counts");
    let component = bundled::build_packages(&["wharf-test-echo"]).expect("the echo adapter builds");
    let component = std::fs::read(&component[0]).expect("the echo component");
    let root = tempfile::tempdir().expect("a temporary folder");
    let copies_dir = root.path().join("copies");
    std::fs::create_dir_all(&copies_dir).expect("a folder");
    let copies: Vec<PathBuf> = (0..most)
        .map(|n| {
            let path = copies_dir.join(format!("bench-echo-{n:06}.wasm"));
            std::fs::write(&path, copy(&component, n)).expect("the copy is written");
            path
        })
        .collect();
    let compiled = root.path().join("compiled");
    std::fs::create_dir_all(&compiled).expect("the cache folder");
    let client = reqwest::Client::new();

    table.section(&format!(
        "scale of the host: `wharf serve` with n adapters ({} KiB component each)",
        component.len() / 1024
    ));
    // The first start compiles every adapter and fills the cache the others start from.
    let cold = root.path().join("cold");
    prepare(&cold, &copies, most, &compiled);
    let (host, took) = start(&cold, &client).await;
    let installed = loaded(&client, &host).await;
    drop(host);
    table.row(
        format!("first start with {most} adapters, compiling them (empty cache)"),
        format!("{:.2} s ({installed} adapters loaded)", took.as_secs_f64()),
        Peer::None,
    );
    let mut last_host = None;
    for &count in &counts {
        let dir = root.path().join(format!("warm-{count}"));
        prepare(&dir, &copies, count, &compiled);
        // The first start on a new database records every adapter's bytes there for the other
        // replicas; a restart (what an operator does) finds them recorded.
        let (first, recorded) = start(&dir, &client).await;
        drop(first);
        let (host, took) = start(&dir, &client).await;
        // Settled: what it holds once up, not while it was still allocating.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let rss = resident_bytes(host.child.id()).unwrap_or(0);
        let installed = loaded(&client, &host).await;
        table.row(
            format!(
                "{count} adapters: restart to /healthz from the compiled cache; resident memory"
            ),
            format!(
                "{:.0} ms; {} ({installed} adapters loaded; the first start on a new database, \
                 recording them, {:.0} ms)",
                took.as_secs_f64() * 1e3,
                mib(rss),
                recorded.as_secs_f64() * 1e3
            ),
            Peer::None,
        );
        last_host = Some(host);
    }

    // Installing into the host with the most adapters, each a new one (compiled on install).
    let host = last_host.expect("a host");
    let installs = size.pick(3, 10, 30);
    let mut times = Vec::new();
    for n in 0..installs {
        let bytes = copy(&component, 900_000 + n);
        let started = Instant::now();
        let response = client
            .post(format!("{}/admin/v1/adapters", host.base))
            .bearer_auth(ADMIN_TOKEN)
            .header("content-type", "application/wasm")
            .body(bytes)
            .send()
            .await
            .expect("the admin API answers");
        assert!(
            response.status().is_success(),
            "the install was refused: {}",
            response.text().await.unwrap_or_default()
        );
        times.push(started.elapsed());
    }
    drop(host);
    table.row(
        format!("install one adapter through the admin API (compiles it), median of {installs}"),
        format!("{:.0} ms", median(&mut times).as_secs_f64() * 1e3),
        Peer::None,
    );
}

/// Deliveries the host in `data_dir` has recorded.
async fn delivered(data_dir: &Path) -> u64 {
    let url = format!("sqlite://{}", data_dir.join("wharf.db").display());
    let mut db = SqliteConnection::connect(&url)
        .await
        .expect("the host's database opens");
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE status = 'delivered'")
        .fetch_one(&mut db)
        .await
        .expect("deliveries are counted");
    db.close().await.expect("the database closes");
    count as u64
}

/// Prints, per message, the bytes each table and index of the database in `data_dir` takes
/// (SQLite's `dbstat`), largest first: where to look next. Says so when this SQLite lacks
/// `dbstat`.
async fn where_the_bytes_go(data_dir: &Path, messages: u64) {
    let url = format!("sqlite://{}", data_dir.join("wharf.db").display());
    let mut db = SqliteConnection::connect(&url)
        .await
        .expect("the host's database opens");
    let sizes: Result<Vec<(String, i64)>, _> = sqlx::query_as(
        "SELECT name, CAST(SUM(pgsize) AS INTEGER) FROM dbstat GROUP BY name ORDER BY 2 DESC",
    )
    .fetch_all(&mut db)
    .await;
    match sizes {
        Ok(sizes) => {
            eprintln!("storage: bytes per message by table or index (dbstat):");
            for (name, size) in sizes
                .iter()
                .filter(|(_, size)| *size as u64 >= messages * 100)
            {
                eprintln!("  {name:<32} {:>8.0}", *size as f64 / messages as f64);
            }
        }
        Err(e) => eprintln!("storage: no per-table breakdown ({e})"),
    }
    db.close().await.expect("the database closes");
}

/// Bytes of the SQLite database in `data_dir` once its write-ahead log is folded in.
async fn database_bytes(data_dir: &Path) -> u64 {
    let path = data_dir.join("wharf.db");
    let url = format!("sqlite://{}", path.display());
    let mut db = SqliteConnection::connect(&url)
        .await
        .expect("the host's database opens");
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&mut db)
        .await
        .expect("the log is checkpointed");
    db.close().await.expect("the database closes");
    ["wharf.db", "wharf.db-wal"]
        .iter()
        .filter_map(|f| std::fs::metadata(data_dir.join(f)).ok())
        .map(|m| m.len())
        .sum()
}

/// The database's growth per ORDERS05 taken in and delivered, against the document's size: a
/// host that took none is the baseline, a second takes `messages` and delivers them all.
pub async fn storage(size: Size, table: &mut Table) {
    let root = tempfile::tempdir().expect("a scratch directory");
    let root = root.path();
    let messages: u64 = size.pick(5, 200, 1_000);
    let (sink_url, arrivals) = e2e::start_sink().await;
    let idoc = Arc::new(
        std::fs::read_to_string(bundled::workspace_root().join(fixtures::ORDERS05_GOLDEN))
            .expect("the ORDERS05 fixture"),
    );
    let client = reqwest::Client::new();
    let mut bytes = Vec::new();
    for (run, count) in [("storage-idle", 0), ("storage-busy", messages)] {
        let dir = root.join(run);
        let target = e2e::start_wharf(&dir, &sink_url, None, 1);
        target.ready(&client).await.expect("Wharf serves");
        arrivals.lock().expect("arrivals").at.clear();
        let load = Arc::new(Load {
            urls: target.urls.clone(),
            key: target.key,
            client: client.clone(),
            idoc: idoc.clone(),
            sent: Arc::new(Mutex::new(std::collections::HashMap::new())),
        });
        let mut posts = tokio::task::JoinSet::new();
        for worker in 0..8u64 {
            let load = load.clone();
            posts.spawn(async move {
                let mut n = worker;
                while n < count {
                    assert!(load.post(n).await, "the document is accepted");
                    n += 8;
                }
            });
        }
        while posts.join_next().await.is_some() {}
        let waited = Instant::now();
        while (arrivals.lock().expect("arrivals").at.len() as u64) < count
            && waited.elapsed() < Duration::from_secs(300)
        {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // Deliveries are recorded just after the sink answers.
        let data_dir = dir.join("wharf-data-0");
        while delivered(&data_dir).await < count && waited.elapsed() < Duration::from_secs(300) {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        drop(target);
        bytes.push(database_bytes(&dir.join("wharf-data-0")).await);
        if count > 0 {
            where_the_bytes_go(&dir.join("wharf-data-0"), count).await;
        }
    }
    let per_message = bytes[1].saturating_sub(bytes[0]) as f64 / messages as f64;
    let raw = idoc.len() as f64;
    table.row_with_ratio(
        format!("storage per ORDERS05 processed (database growth over {messages} messages)"),
        format!(
            "{:.1} KB per {:.1} KB document",
            per_message / 1e3,
            raw / 1e3
        ),
        Peer::None,
        ratio(Some(per_message), Some(raw), "of the raw size"),
    );
}
