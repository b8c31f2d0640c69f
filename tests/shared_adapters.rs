//! Installed adapters shared by replicas of one database: an adapter installed through one
//! host's admin API serves messages on another without a restart, a removal on either reaches
//! both, and a recorded component whose bytes do not match their digest is installed nowhere.
//!
//! On PostgreSQL the hosts poll the record only every ten minutes, so what reaches the other
//! host is the database's announcement; on SQLite (two hosts on one file) polling carries it.

mod support;

use serde_json::Value;
use support::*;
use wharf_host::store::adapters::AdapterComponent;

fn config(sync_ms: u64) -> String {
    format!(
        r#"
[server]
adapters_sync_ms = {sync_ms}
{PARTNERS}
[[agreements]]
id = "portal-confirmations"
partner = "portal"
direction = "inbound"
adapter = "cxml"
"#
    )
}

const CXML: &str = "cxml@0.1.0";

/// Polled only every ten minutes: within a test, only an announcement can wake a host.
const ANNOUNCED_ONLY_MS: u64 = 600_000;

fn order() -> Vec<u8> {
    std::fs::read(repo_file(
        "plugins/cxml/tests/golden/order-request.decode.xml",
    ))
    .unwrap()
}

/// The references a host lists as installed, and those it refused.
async fn adapters(host: &TestHost) -> (Vec<String>, Vec<String>) {
    let (status, body) = host.admin_get("/adapters").await;
    assert_eq!(status, 200, "{body}");
    let references = |key: &str, field: &str| -> Vec<String> {
        body[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| match field {
                "reference" => a["reference"].as_str().unwrap().to_owned(),
                _ => format!(
                    "{}@{}",
                    a["id"].as_str().unwrap(),
                    a["version"].as_str().unwrap()
                ),
            })
            .collect()
    };
    (
        references("adapters", "id"),
        references("refused", "reference"),
    )
}

fn installed_file(host: &TestHost) -> std::path::PathBuf {
    host.dir
        .path()
        .join("adapters")
        .join(format!("{CXML}.wasm"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(wharf_postgres),
    ignore = "no PostgreSQL answered at build time (WHARF_TEST_POSTGRES, default \
              127.0.0.1:5432); CI runs it"
)]
async fn an_install_on_one_replica_serves_on_another_on_postgresql() {
    let database = postgres::TestDatabase::create().await;
    install_here_serve_there(database.url(), ANNOUNCED_ONLY_MS).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_install_on_one_host_serves_on_another_on_sqlite() {
    let shared = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", shared.path().join("wharf.db").display());
    install_here_serve_there(&url, 100).await;
}

async fn install_here_serve_there(database_url: &str, sync_ms: u64) {
    let a = TestHost::start_on(Some(database_url), &config(sync_ms), &[]).await;
    let b = TestHost::start_on(Some(database_url), &config(sync_ms), &[]).await;
    assert_eq!(adapters(&b).await.0, Vec::<String>::new());

    let installed = a
        .client
        .post(format!("{}/admin/v1/adapters", a.base))
        .bearer_auth(ADMIN_TOKEN)
        .body(std::fs::read(&components().cxml).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(installed.status(), 201);

    eventually("the other host to install the adapter", || async {
        adapters(&b).await.0 == [CXML]
    })
    .await;
    assert!(installed_file(&b).exists(), "kept for B's next start");
    let (status, receipt) = b.post("portal-confirmations", PORTAL_KEY, order()).await;
    assert_eq!(status, 202, "{receipt}");
    let view = b
        .settled(receipt["tracking_id"].as_str().unwrap(), PORTAL_KEY)
        .await;
    assert_eq!(view["status"], "processed", "{view}");

    let removed: Value = b
        .client
        .delete(format!("{}/admin/v1/adapters/{CXML}", b.base))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(removed["removed"][0]["id"], "cxml", "{removed}");
    eventually("the first host to remove the adapter", || async {
        adapters(&a).await.0.is_empty()
    })
    .await;
    assert!(
        !installed_file(&a).exists(),
        "a restart must not bring it back"
    );
    assert!(a.store.recorded_adapters().await.unwrap().is_empty());

    // One install, one removal, each audited once in the shared chain.
    let steps: Vec<String> = a
        .store
        .audit_log()
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .filter(|action| action.starts_with("adapter_"))
        .collect();
    assert_eq!(steps, ["adapter_installed", "adapter_removed"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(wharf_postgres),
    ignore = "no PostgreSQL answered at build time (WHARF_TEST_POSTGRES, default \
              127.0.0.1:5432); CI runs it"
)]
async fn a_recorded_component_whose_bytes_do_not_match_its_digest_is_refused() {
    let database = postgres::TestDatabase::create().await;
    let host = TestHost::start_on(Some(database.url()), &config(ANNOUNCED_ONLY_MS), &[]).await;
    // The genuine component, recorded under the digest of other bytes: what a row edited in
    // the database, or damaged, looks like.
    host.store
        .record_adapter(
            AdapterComponent {
                id: "cxml".into(),
                version: "0.1.0".into(),
                digest: wharf_host::store::digest(b"the component that was approved"),
                bytes: std::fs::read(&components().cxml).unwrap(),
            },
            None,
        )
        .await
        .unwrap();
    eventually("the host to refuse the recorded component", || async {
        adapters(&host).await.1 == [CXML]
    })
    .await;
    assert_eq!(adapters(&host).await.0, Vec::<String>::new());
    assert!(!installed_file(&host).exists());

    // A replica starting later refuses it too.
    let later = TestHost::start_on(Some(database.url()), &config(ANNOUNCED_ONLY_MS), &[]).await;
    assert_eq!(adapters(&later).await, (Vec::new(), vec![CXML.to_owned()]));
}

/// A component placed in the adapters directory under a name of its own is recorded at start,
/// and removing it deletes that file and the record, so the next start does not bring it back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removed_adapter_leaves_nothing_a_restart_would_load() {
    let host = TestHost::start(&config(ANNOUNCED_ONLY_MS), &[&components().cxml]).await;
    let recorded = host.store.recorded_adapters().await.unwrap();
    assert_eq!(
        recorded
            .iter()
            .map(|r| r.reference.as_str())
            .collect::<Vec<_>>(),
        [CXML]
    );
    let adapters_dir = host.dir.path().join("adapters");
    let wasm_files = || {
        std::fs::read_dir(&adapters_dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "wasm"))
            .collect::<Vec<_>>()
    };
    assert_eq!(wasm_files().len(), 1);
    assert_ne!(
        wasm_files()[0],
        installed_file(&host),
        "loaded under its own name"
    );

    let removed = host
        .client
        .delete(format!("{}/admin/v1/adapters/cxml", host.base))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), 200);
    assert_eq!(wasm_files(), Vec::<std::path::PathBuf>::new());
    assert!(host.store.recorded_adapters().await.unwrap().is_empty());
    let again = host
        .client
        .delete(format!("{}/admin/v1/adapters/cxml", host.base))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 404);
}

/// A replica away while an adapter was removed still has it in its adapters directory: at
/// its next start it neither records it again (which would bring it back on every replica)
/// nor keeps it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_adapter_removed_while_a_replica_was_away_stays_removed() {
    let shared = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", shared.path().join("wharf.db").display());
    let bytes = std::fs::read(&components().cxml).unwrap();
    let store = wharf_host::store::Store::open(&url).await.unwrap();
    store
        .record_adapter(
            AdapterComponent {
                id: "cxml".into(),
                version: "0.1.0".into(),
                digest: wharf_host::store::digest(&bytes),
                bytes,
            },
            None,
        )
        .await
        .unwrap();
    assert!(store.forget_adapter(CXML, None).await.unwrap());
    store.close().await;

    let away = TestHost::start_on(Some(&url), &config(100), &[&components().cxml]).await;
    eventually(
        "the returning replica to drop the removed adapter",
        || async { adapters(&away).await.0.is_empty() },
    )
    .await;
    assert!(away.store.recorded_adapters().await.unwrap().is_empty());
    let left: Vec<_> = std::fs::read_dir(away.dir.path().join("adapters"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "wasm"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
