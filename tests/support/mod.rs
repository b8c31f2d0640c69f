//! Shared by the end-to-end tests: the adapters built to wasm (once per test binary), a host
//! running in-process on `127.0.0.1:0` with a configuration written for the test, and a client
//! that speaks its API as a partner or an operator.

// Each test binary uses a different part of this module.
#![allow(dead_code, unused_imports)]

pub mod handmade;
pub mod postgres;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;
use wharf_host::cli::bundled;
use wharf_host::clock::Clock;
use wharf_host::config::{RawConfig, Settings};
use wharf_host::server::Host;
use wharf_host::store::Store;

pub use wharf_host::cli::demo::standin::{Behaviour, StandIn};

mod flow;
pub use flow::{ERP_IDOC, Flow, PORTAL_CXML};

/// The wasm components the tests use, built once per test binary.
#[derive(Debug, Clone)]
pub struct Components {
    pub idoc: PathBuf,
    pub cxml: PathBuf,
    pub x12: PathBuf,
    pub edifact: PathBuf,
    pub portal_json: PathBuf,
    pub csv: PathBuf,
    pub hostile: PathBuf,
}

pub fn components() -> &'static Components {
    static BUILT: OnceLock<Components> = OnceLock::new();
    BUILT.get_or_init(|| {
        let paths = bundled::build_packages(&[
            "wharf-plugin-idoc",
            "wharf-plugin-cxml",
            "wharf-plugin-x12",
            "wharf-plugin-edifact",
            "wharf-plugin-portal-json",
            "wharf-plugin-csv",
            "wharf-test-hostile",
        ])
        .expect("the adapters build for wasm32-wasip2");
        Components {
            idoc: paths[0].clone(),
            cxml: paths[1].clone(),
            x12: paths[2].clone(),
            edifact: paths[3].clone(),
            portal_json: paths[4].clone(),
            csv: paths[5].clone(),
            hostile: paths[6].clone(),
        }
    })
}

/// A file of the repository.
pub fn repo_file(relative: &str) -> PathBuf {
    bundled::workspace_root().join(relative)
}

pub const ERP_KEY: &str = "erp-test-key";
pub const PORTAL_KEY: &str = "portal-test-key";
pub const OTHER_KEY: &str = "other-test-key";
pub const WAREHOUSE_KEY: &str = "warehouse-test-key";
pub const ADMIN_TOKEN: &str = "operator-test-token";
/// The Standard Webhooks secret deliveries are signed with unless an agreement names its own.
pub const SIGNING_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// A second secret, for rotation tests.
pub const NEW_SIGNING_SECRET: &str = "whsec_c2Vjb25kLXNpZ25pbmcta2V5LWZvci10ZXN0cw==";

/// The cXML order fixture under another PO number (and payload id), so many can be sent.
pub fn cxml_order(po_number: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(repo_file(
        "plugins/cxml/tests/golden/order-request.decode.xml",
    ))
    .expect("the cXML order fixture");
    text.replace("4500012345", po_number)
        .replace("1770024600.4711@", &format!("{po_number}.4711@"))
        .into_bytes()
}

pub fn secrets() -> BTreeMap<String, String> {
    [
        ("ERP_KEY", ERP_KEY),
        ("PORTAL_KEY", PORTAL_KEY),
        ("OTHER_KEY", OTHER_KEY),
        ("WAREHOUSE_KEY", WAREHOUSE_KEY),
        ("WHARF_ADMIN_TOKEN", ADMIN_TOKEN),
        ("PORTAL_CXML_SECRET", "welcome-2026"),
        ("STALE_CXML_SECRET", "last-years-secret"),
        ("WHARF_SIGNING_SECRET", SIGNING_SECRET),
        ("NEW_SIGNING_SECRET", NEW_SIGNING_SECRET),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

/// The partners every test configuration starts from: an ERP, a portal and a stranger.
pub const PARTNERS: &str = r#"
[[partners]]
id = "erp"
api_key_envs = ["ERP_KEY"]
[[partners]]
id = "portal"
api_key_envs = ["PORTAL_KEY"]
[[partners]]
id = "other"
api_key_envs = ["OTHER_KEY"]
"#;

/// The ERP ⇄ portal flow of the seed problem: ORDERS05 IDocs to the portal as cXML, the
/// portal's cXML confirmations back to the ERP as IDocs.
pub fn order_flow(portal_url: &str, erp_url: &str) -> Flow {
    Flow::new()
        .inbound("erp-orders", "erp", "idoc", "")
        .portal_orders(portal_url)
        .inbound("portal-confirmations", "portal", "cxml", "")
        .erp_responses(erp_url)
        .route("purchase_order", "erp", "portal-orders")
        .route("order_response", "portal", "erp-responses")
}

/// Purchase orders from the ERP as cXML to the portal as cXML: one adapter is enough to
/// exercise processing and delivery.
pub fn cxml_order_flow(portal_url: &str) -> Flow {
    Flow::new()
        .inbound("erp-orders", "erp", "cxml", "")
        .portal_orders(portal_url)
        .route("purchase_order", "erp", "portal-orders")
}

/// A call scope carrying these agreement settings, as a host would hand them to an adapter.
pub fn scope(settings: &[(&str, &str)]) -> wharf_host::sandbox::CallScope {
    wharf_host::sandbox::CallScope {
        config: std::sync::Arc::new(
            settings
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<BTreeMap<_, _>>(),
        ),
        ..Default::default()
    }
}

/// An adapter loaded on its own, outside any host, to read what a stand-in received.
pub async fn standalone_adapter(
    component: &Path,
) -> std::sync::Arc<wharf_host::sandbox::LoadedAdapter> {
    use wharf_host::sandbox::{AdapterRegistry, RegistrySettings, SandboxEngine};
    let registry = AdapterRegistry::new(
        std::sync::Arc::new(SandboxEngine::new().expect("engine")),
        RegistrySettings::default(),
    );
    let info = registry
        .install_file(component)
        .await
        .expect("adapter installs");
    registry.resolve(&info.reference()).expect("installed")
}

/// The database the end-to-end tests' hosts use unless a test names one: SQLite in the host's
/// folder, or, with `WHARF_TEST_DATABASE=postgres` (`.ci/run`'s second pass), a fresh
/// PostgreSQL database of the test's own on the server the build probed, dropped with it.
pub struct TestBackend {
    postgres: Option<postgres::TestDatabase>,
}

impl TestBackend {
    /// The backend `WHARF_TEST_DATABASE` asks for (`sqlite`, the default, or `postgres`).
    pub async fn from_env() -> TestBackend {
        match std::env::var("WHARF_TEST_DATABASE").as_deref() {
            Err(_) | Ok("") | Ok("sqlite") => TestBackend { postgres: None },
            Ok("postgres") => {
                // Not `assert!(cfg!(…))`: clippy refuses an assertion whose value the build
                // fixes (assertions_on_constants), and here the build is what decides.
                if !cfg!(wharf_postgres) {
                    panic!(
                        "WHARF_TEST_DATABASE=postgres, but no PostgreSQL answered when the tests \
                         were built (WHARF_TEST_POSTGRES, default 127.0.0.1:5432)"
                    );
                }
                TestBackend {
                    postgres: Some(postgres::TestDatabase::create().await),
                }
            }
            Ok(other) => panic!("WHARF_TEST_DATABASE={other}: expected sqlite or postgres"),
        }
    }

    /// The URL a host's `server.database_url` takes (`None`: SQLite in its folder).
    pub fn database_url(&self) -> Option<&str> {
        self.postgres.as_ref().map(|db| db.url())
    }

    /// Whether the hosts run on PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }
}

/// A host running in this process, stopped when dropped.
pub struct TestHost {
    pub base: String,
    pub store: Store,
    pub dir: tempfile::TempDir,
    pub client: reqwest::Client,
    /// What the host measures deadlines by: the system clock unless the test gave its own.
    pub clock: Clock,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    /// Declared last: the database outlives the host using it.
    backend: Option<TestBackend>,
}

impl TestHost {
    /// Starts a host on `config` with the given adapters installed in its adapters folder, on
    /// the database [`TestBackend::from_env`] chooses.
    pub async fn start(config: &str, adapters: &[&Path]) -> TestHost {
        let backend = TestBackend::from_env().await;
        let dir = tempfile::tempdir().expect("temp dir");
        let mut host = Self::start_in_on(dir, backend.database_url(), config, adapters).await;
        host.backend = Some(backend);
        host
    }

    /// Starts a host on SQLite in its folder whatever the environment asks: for tests that
    /// reach into the SQLite file itself (fault injection, tampering).
    pub async fn start_sqlite(config: &str, adapters: &[&Path]) -> TestHost {
        let dir = tempfile::tempdir().expect("temp dir");
        Self::start_in(dir, config, adapters).await
    }

    /// Starts a host whose data lives in `dir` (a second host on the same database, or a
    /// restart on it).
    pub async fn start_in(dir: tempfile::TempDir, config: &str, adapters: &[&Path]) -> TestHost {
        Self::start_in_on(dir, None, config, adapters).await
    }

    /// Starts a host whose store is the database at `database_url` (`None`: SQLite in its
    /// folder), as `server.database_url` in the file would.
    pub async fn start_on(
        database_url: Option<&str>,
        config: &str,
        adapters: &[&Path],
    ) -> TestHost {
        let dir = tempfile::tempdir().expect("temp dir");
        Self::start_in_on(dir, database_url, config, adapters).await
    }

    /// Starts a host on `backend` whose deadlines are measured by `clock` (a manual one the
    /// test moves).
    pub async fn start_with_clock(
        backend: TestBackend,
        config: &str,
        adapters: &[&Path],
        clock: Clock,
    ) -> TestHost {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut host = Self::start_full(dir, backend.database_url(), config, adapters, clock).await;
        host.backend = Some(backend);
        host
    }

    async fn start_in_on(
        dir: tempfile::TempDir,
        database_url: Option<&str>,
        config: &str,
        adapters: &[&Path],
    ) -> TestHost {
        Self::start_full(dir, database_url, config, adapters, Clock::system()).await
    }

    async fn start_full(
        dir: tempfile::TempDir,
        database_url: Option<&str>,
        config: &str,
        adapters: &[&Path],
        clock: Clock,
    ) -> TestHost {
        let adapters_dir = dir.path().join("adapters");
        std::fs::create_dir_all(&adapters_dir).unwrap();
        for path in adapters {
            std::fs::copy(path, adapters_dir.join(path.file_name().unwrap())).unwrap();
        }
        let mut raw: RawConfig = toml::from_str(config).expect("test config parses");
        if let Some(url) = database_url {
            raw.server.database_url = url.to_owned();
        }
        let settings =
            Settings::from_raw(raw, dir.path(), &secrets()).expect("test config resolves");
        let host = Host::start_with_clock(settings, clock.clone())
            .await
            .expect("host starts");
        let store = host.state.store.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(host.serve(listener, async {
            let _ = stopped.await;
        }));
        TestHost {
            base,
            store,
            dir,
            client: reqwest::Client::new(),
            clock,
            stop: Some(stop),
            backend: None,
        }
    }

    /// Posts `body` to an inbound agreement as the partner holding `key`.
    pub async fn post(
        &self,
        agreement: &str,
        key: &str,
        body: impl Into<reqwest::Body>,
    ) -> (u16, Value) {
        self.post_with(agreement, key, body, None).await
    }

    pub async fn post_with(
        &self,
        agreement: &str,
        key: &str,
        body: impl Into<reqwest::Body>,
        idempotency_key: Option<&str>,
    ) -> (u16, Value) {
        let mut request = self
            .client
            .post(format!("{}/api/v1/inbound/{agreement}", self.base))
            .bearer_auth(key)
            .body(body);
        if let Some(k) = idempotency_key {
            request = request.header("Idempotency-Key", k);
        }
        let response = request.send().await.expect("host answers");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str, key: &str) -> (u16, Value) {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(key)
            .send()
            .await
            .expect("host answers");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Posts JSON to the admin API with the operator token.
    pub async fn admin_get(&self, path: &str) -> (u16, Value) {
        let response = self
            .client
            .get(format!("{}/admin/v1{path}", self.base))
            .bearer_auth(ADMIN_TOKEN)
            .send()
            .await
            .expect("host answers");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn admin_post(&self, path: &str, body: Value) -> (u16, Value) {
        let response = self
            .client
            .post(format!("{}/admin/v1{path}", self.base))
            .bearer_auth(ADMIN_TOKEN)
            .json(&body)
            .send()
            .await
            .expect("host answers");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// The path of the host's SQLite database (a host started on PostgreSQL has none).
    pub fn database(&self) -> PathBuf {
        assert!(
            !self.backend.as_ref().is_some_and(TestBackend::is_postgres),
            "this host runs on PostgreSQL; start it with TestHost::start_sqlite to reach into \
             its SQLite file"
        );
        self.dir.path().join("wharf-data").join("wharf.db")
    }

    /// Polls a message until it leaves `received`/`processing`, and returns its view.
    pub async fn settled(&self, tracking_id: &str, key: &str) -> Value {
        wait_for_message(&self.client, &self.base, tracking_id, key).await
    }
}

impl Drop for TestHost {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Polls `GET /api/v1/messages/{id}` until the message is processed or failed.
pub async fn wait_for_message(client: &reqwest::Client, base: &str, id: &str, key: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let view: Value = client
            .get(format!("{base}/api/v1/messages/{id}"))
            .bearer_auth(key)
            .send()
            .await
            .expect("host answers")
            .json()
            .await
            .unwrap_or(Value::Null);
        let status = view["status"].as_str().unwrap_or_default();
        if status == "processed" || status == "failed" {
            return view;
        }
        assert!(
            Instant::now() < deadline,
            "message {id} did not settle: {view}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Polls until `check` holds or a minute passes.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(60);
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// A `wharf serve` process, killed when dropped.
pub struct WharfProcess {
    pub child: std::process::Child,
    pub base: String,
    pub config: PathBuf,
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl WharfProcess {
    /// Writes `config` (with `[server]` pointing at `dir`) and starts `wharf serve` on it.
    pub async fn start(dir: &Path, config: &str) -> WharfProcess {
        Self::start_named(dir, "wharf.toml", config).await
    }

    /// Like [`WharfProcess::start`] with its own config file name, so several processes can
    /// share one folder (and so one database).
    pub async fn start_named(dir: &Path, name: &str, config: &str) -> WharfProcess {
        Self::start_on(dir, name, None, config).await
    }

    /// Like [`WharfProcess::start_named`] with the store at `database_url` (`None`: SQLite in
    /// `dir`), as a [`TestBackend`] gives it.
    pub async fn start_on(
        dir: &Path,
        name: &str,
        database_url: Option<&str>,
        config: &str,
    ) -> WharfProcess {
        let port = free_port();
        let path = dir.join(name);
        let database = database_url
            .map(|url| format!("database_url = \"{url}\"\n"))
            .unwrap_or_default();
        std::fs::write(
            &path,
            format!("[server]\nlisten = \"127.0.0.1:{port}\"\n{database}{config}"),
        )
        .unwrap();
        Self::start_existing(path, port).await
    }

    /// Starts `wharf serve` again on a config written before.
    pub async fn start_existing(config: PathBuf, port: u16) -> WharfProcess {
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_wharf"))
            .arg("serve")
            .arg("--config")
            .arg(&config)
            .envs(secrets())
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("wharf starts");
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        eventually("wharf to answer /healthz", || {
            let request = client.get(format!("{base}/healthz")).send();
            async move { request.await.is_ok_and(|r| r.status().is_success()) }
        })
        .await;
        WharfProcess {
            child,
            base,
            config,
        }
    }

    pub fn port(&self) -> u16 {
        self.base
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or(0)
    }

    /// `kill -9`: no chance to finish anything.
    pub fn kill_hard(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for WharfProcess {
    fn drop(&mut self) {
        self.kill_hard();
    }
}

/// Verifies a delivery's `webhook-signature` the way a receiver following the Standard
/// Webhooks description would, independently of the host's signing code: the secret is the
/// base64 after `whsec_`, the signed content is `{webhook-id}.{webhook-timestamp}.{body}`, the
/// signature HMAC-SHA256 in base64, and the header a space-separated list of `v1,<signature>`
/// of which one matching is enough.
pub fn signature_verifies(secret: &str, delivery: &StandInDelivery) -> bool {
    use base64::Engine as _;
    use hmac::Mac as _;
    let (Some(id), Some(timestamp), Some(header)) = (
        delivery.delivery_id.as_deref(),
        delivery.timestamp.as_deref(),
        delivery.signature.as_deref(),
    ) else {
        return false;
    };
    let key = base64::engine::general_purpose::STANDARD
        .decode(secret.trim_start_matches("whsec_"))
        .expect("test secrets are base64");
    let mut content = format!("{id}.{timestamp}.").into_bytes();
    content.extend_from_slice(&delivery.body);
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    mac.update(&content);
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    header
        .split(' ')
        .filter_map(|entry| entry.strip_prefix("v1,"))
        .any(|signature| signature == expected)
}

pub use wharf_host::cli::demo::standin::Delivery as StandInDelivery;

/// One HTTP/1.1 request as a hand-written sink reads it off its socket.
pub struct SinkRequest {
    head: String,
    pub body: Vec<u8>,
}

impl SinkRequest {
    /// Reads one request (head and a `content-length` body); `None` when the peer closes
    /// first.
    pub async fn read(socket: &mut tokio::net::TcpStream) -> std::io::Result<Option<SinkRequest>> {
        use tokio::io::AsyncReadExt;
        let mut buffer = Vec::new();
        let mut chunk = [0u8; 16 * 1024];
        let header_end = loop {
            let n = socket.read(&mut chunk).await?;
            if n == 0 {
                return Ok(None);
            }
            buffer.extend_from_slice(&chunk[..n]);
            if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
        };
        let mut request = SinkRequest {
            head: String::from_utf8_lossy(&buffer[..header_end]).to_string(),
            body: Vec::new(),
        };
        let length: usize = request
            .header("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        while buffer.len() < header_end + length {
            let n = socket.read(&mut chunk).await?;
            if n == 0 {
                return Ok(None);
            }
            buffer.extend_from_slice(&chunk[..n]);
        }
        request.body = buffer[header_end..header_end + length].to_vec();
        Ok(Some(request))
    }

    /// A header's value; names compare without case.
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    }
}
