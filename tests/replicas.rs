//! Replicas sharing one PostgreSQL database: a replica paused (`SIGSTOP`) while it delivers
//! loses the entry to another once its lease runs out, and when it resumes it cannot complete
//! what it no longer owns.
//!
//! Two real `wharf serve` processes on one database of their own (dropped afterwards), and a
//! sink that holds the first request for a `webhook-id` unanswered until the test lets it go,
//! so the paused replica is caught in the middle of its attempt.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqlx::Row;
use support::postgres::TestDatabase;
use support::*;
use tokio::io::AsyncWriteExt;
use tokio::sync::watch;

/// A sink that answers a `webhook-id`'s first request only once released, and every later
/// one at once.
struct HoldingSink {
    url: String,
    /// Requests per `webhook-id`.
    requests: Arc<Mutex<BTreeMap<String, u32>>>,
    release: watch::Sender<bool>,
}

impl HoldingSink {
    async fn start() -> HoldingSink {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(BTreeMap::new()));
        let (release, released) = watch::channel(false);
        let seen = requests.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let (seen, released) = (seen.clone(), released.clone());
                tokio::spawn(async move {
                    let _ = answer(socket, seen, released).await;
                });
            }
        });
        HoldingSink {
            url,
            requests,
            release,
        }
    }

    fn requests(&self) -> BTreeMap<String, u32> {
        self.requests.lock().unwrap().clone()
    }
}

async fn answer(
    mut socket: tokio::net::TcpStream,
    seen: Arc<Mutex<BTreeMap<String, u32>>>,
    mut released: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let Some(request) = SinkRequest::read(&mut socket).await? else {
        return Ok(());
    };
    let id = request.header("webhook-id").unwrap_or_default();
    let first = {
        let mut seen = seen.lock().unwrap();
        let count = seen.entry(id).or_insert(0);
        *count += 1;
        *count == 1
    };
    if first {
        let _ = released.wait_for(|released| *released).await;
    }
    socket
        .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")
        .await
}

/// A `wharf serve` whose log is kept in a file, so the test can read what it reported.
struct Replica {
    child: std::process::Child,
    base: String,
    log: PathBuf,
}

impl Replica {
    async fn start(dir: &Path, database_url: &str, sink_url: &str) -> Replica {
        std::fs::create_dir_all(dir.join("adapters")).unwrap();
        std::fs::copy(&components().cxml, dir.join("adapters/cxml.wasm")).unwrap();
        let port = free_port();
        let config = dir.join("wharf.toml");
        std::fs::write(
            &config,
            cxml_order_flow(sink_url)
                .processing("poll_interval_ms", 200)
                // A delivery's lease is twice this plus ten seconds: 12 s.
                .delivery("timeout_ms", 1000)
                .delivery("poll_interval_ms", 200)
                .raw(&format!(
                    "[server]\nlisten = \"127.0.0.1:{port}\"\ndata_dir = \"{}\"\n\
                     database_url = \"{database_url}\"\ndatabase_max_connections = 4\n",
                    dir.join("wharf-data").display()
                ))
                .toml(),
        )
        .unwrap();
        let log = dir.join("wharf.log");
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_wharf"))
            .arg("serve")
            .arg("--config")
            .arg(&config)
            .envs(secrets())
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("wharf starts");
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        eventually("wharf to answer /healthz", || {
            let request = client.get(format!("{base}/healthz")).send();
            async move { request.await.is_ok_and(|r| r.status().is_success()) }
        })
        .await;
        Replica { child, base, log }
    }

    fn signal(&self, signal: &str) {
        let status = std::process::Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.child.id().to_string())
            .status()
            .unwrap();
        assert!(status.success(), "kill -{signal} failed");
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        // A stopped process must be continued to die by anything but SIGKILL; kill is SIGKILL.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `check` until it gives a value or `limit` passes.
async fn within<T, F, Fut>(what: &str, limit: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + limit;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(wharf_postgres),
    ignore = "no PostgreSQL answered at build time (WHARF_TEST_POSTGRES, default \
              127.0.0.1:5432); CI runs it"
)]
async fn a_paused_replica_loses_its_delivery_and_cannot_complete_it_when_resumed() {
    let database = TestDatabase::create().await;
    let sink = HoldingSink::start().await;
    let dir = tempfile::tempdir().unwrap();
    let first = Replica::start(&dir.path().join("a"), database.url(), &sink.url).await;

    // The order goes in through the first replica, which processes it and starts delivering.
    let answer = reqwest::Client::new()
        .post(format!("{}/api/v1/inbound/erp-orders", first.base))
        .bearer_auth(ERP_KEY)
        .body(cxml_order("4800000001"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 202);
    let outbox_id = within(
        "the first replica's attempt to reach the sink",
        Duration::from_secs(60),
        || {
            let requests = sink.requests();
            async move { requests.into_keys().next() }
        },
    )
    .await;

    // Paused mid-attempt, its lease held; a second replica starts on the same database.
    first.signal("STOP");
    let second = Replica::start(&dir.path().join("b"), database.url(), &sink.url).await;
    let pool = sqlx::PgPool::connect(database.url()).await.unwrap();
    let status = |pool: sqlx::PgPool, id: String| async move {
        sqlx::query("SELECT status FROM outbox WHERE id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap()
            .get::<String, _>(0)
    };
    // Once the lease runs out (12 s), the second replica takes the entry over and delivers it.
    within(
        "the second replica to deliver the entry",
        Duration::from_secs(90),
        || {
            let (pool, id) = (pool.clone(), outbox_id.clone());
            async move { (status(pool, id).await == "delivered").then_some(()) }
        },
    )
    .await;
    assert_eq!(
        sink.requests().get(&outbox_id),
        Some(&2),
        "the paused replica's request and the second replica's, under one webhook-id"
    );
    let attempts_before =
        sqlx::query("SELECT COUNT(*) FROM delivery_attempts WHERE outbox_id = $1")
            .bind(&outbox_id)
            .fetch_one(&pool)
            .await
            .unwrap()
            .get::<i64, _>(0);
    assert_eq!(
        attempts_before, 1,
        "the second replica's attempt is recorded"
    );

    // The held request is answered and the first replica resumes: its attempt ends (answered,
    // or past its timeout) and it tries to record it, which the fence refuses.
    sink.release.send(true).unwrap();
    first.signal("CONT");
    within(
        "the resumed replica to find its lease lost",
        Duration::from_secs(60),
        || {
            let log = first.log();
            async move { log.contains("lease lost").then_some(()) }
        },
    )
    .await;
    let client = reqwest::Client::new();
    let healthy = client
        .get(format!("{}/healthz", first.base))
        .send()
        .await
        .is_ok_and(|r| r.status().is_success());
    assert!(healthy, "the resumed replica carries on");

    // What the second replica recorded stands; nothing of the first replica's attempt was
    // written.
    assert_eq!(status(pool.clone(), outbox_id.clone()).await, "delivered");
    let attempts = sqlx::query(
        "SELECT attempt, status_code FROM delivery_attempts WHERE outbox_id = $1 ORDER BY id",
    )
    .bind(&outbox_id)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(attempts.len(), 1, "only the owner's attempt is recorded");
    assert_eq!(attempts[0].get::<Option<i64>, _>("status_code"), Some(200));
    let store = wharf_host::store::Store::open(database.url())
        .await
        .unwrap();
    let log = store.audit_log().await.unwrap();
    let delivered = log
        .iter()
        .filter(|e| e.action == "delivered" && e.subject == format!("outbox:{outbox_id}"))
        .count();
    assert_eq!(delivered, 1, "one delivery in the audit trail");
    assert!(
        wharf_host::audit::chain::verify(&log).is_ok(),
        "the audit chain written by both replicas verifies"
    );
    drop(second);
    pool.close().await;
}
