//! Installing is bounded and refuses what is not an adapter, and the compiled-code cache
//! loads nothing this host did not write: each hostile upload fails its own installation with
//! a reason naming the limit, and the host goes on serving.

mod support;

use std::sync::Arc;

use support::handmade;
use support::*;
use wharf_host::sandbox::cache::CompiledCache;
use wharf_host::sandbox::{
    AdapterRegistry, CallScope, InstallError, Limits, RegistrySettings, SandboxEngine,
};

fn registry(settings: RegistrySettings) -> AdapterRegistry {
    AdapterRegistry::new(Arc::new(SandboxEngine::new().unwrap()), settings)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_uploads_are_refused_with_the_limit_they_break() {
    let registry = registry(RegistrySettings::default());
    let fifty_mb = vec![0u8; 50 * 1024 * 1024];
    // The pooling allocator refuses too many memories or tables while compiling; without it
    // (on-demand allocation) the registry's own check does, in its words.
    let cases: Vec<(&str, Vec<u8>, &[&str])> = vec![
        (
            "50 MB upload",
            fifty_mb,
            &["the limit is 16 MiB (max_component_mib)"],
        ),
        (
            "malformed bytes",
            handmade::malformed(),
            &["not a valid wasm component"],
        ),
        (
            "not wasm at all",
            b"MZ\x90\x00 not a component".to_vec(),
            &["not a valid wasm component"],
        ),
        (
            "many memories",
            handmade::with_memories_and_tables(5, 0),
            &[
                "declares 5 linear memories; at most 2 are allowed",
                "memories count of 5 exceeds the per-instance limit of 2",
            ],
        ),
        (
            "many tables",
            handmade::with_memories_and_tables(0, 40),
            &[
                "declares 40 tables; at most 8 are allowed",
                "tables count of 40 exceeds the per-instance limit of 8",
            ],
        ),
        (
            "wrong world",
            handmade::wrong_world(),
            &["is not a wharf:adapter/adapter@0.1.0 adapter"],
        ),
        (
            "network import",
            handmade::importing("wasi:sockets/tcp@0.2.0"),
            &[
                "needs imports this host does not grant",
                "wasi:sockets/tcp@0.2.0",
            ],
        ),
    ];
    for (what, bytes, reasons) in cases {
        let error = registry.install(bytes).await.unwrap_err().to_string();
        assert!(reasons.iter().any(|r| error.contains(r)), "{what}: {error}");
    }
    assert!(registry.list().is_empty());

    // The host is still up: a real adapter installs and runs.
    let info = registry.install_file(&components().hostile).await.unwrap();
    let adapter = registry.resolve(&info.reference()).unwrap();
    let decoded = adapter
        .decode(CallScope::default(), b"PO-9".to_vec(), None)
        .await
        .unwrap();
    assert_eq!(decoded.documents.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compiling_past_its_deadline_is_refused() {
    let registry = registry(RegistrySettings {
        default_limits: Limits {
            compile_timeout_ms: 1,
            ..Limits::default()
        },
        ..RegistrySettings::default()
    });
    let error = registry
        .install_file(&components().hostile)
        .await
        .unwrap_err();
    assert!(
        matches!(error, InstallError::CompileTimeout { limit_ms: 1 }),
        "{error}"
    );
    assert!(error.to_string().contains("compile_timeout_ms"), "{error}");
}

/// A 50 MB upload and a malformed one through the admin API: refused, the host keeps serving.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_api_refuses_hostile_uploads_and_stays_up() {
    let config = format!(
        r#"
[server]
max_body_kib = 65536
{PARTNERS}
[[agreements]]
id = "steady"
partner = "erp"
direction = "inbound"
adapter = "hostile"
"#
    );
    let host = TestHost::start(&config, &[&components().hostile]).await;
    for (bytes, reason) in [
        (vec![7u8; 50 * 1024 * 1024], "max_component_mib"),
        (handmade::malformed(), "not a valid wasm component"),
        (handmade::wrong_world(), "is not a wharf:adapter"),
    ] {
        let response = host
            .client
            .post(format!("{}/admin/v1/adapters", host.base))
            .bearer_auth(ADMIN_TOKEN)
            .body(bytes)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body: serde_json::Value = response.json().await.unwrap_or_default();
        // The edge may refuse an oversized body before the registry sees it (413).
        if status != 413 {
            assert_eq!(status, 422, "{body}");
            assert!(body.to_string().contains(reason), "{body}");
        }
    }
    let (status, receipt) = host.post("steady", ERP_KEY, "PO-UP").await;
    assert_eq!(status, 202);
    let view = host
        .settled(receipt["tracking_id"].as_str().unwrap(), ERP_KEY)
        .await;
    assert_eq!(view["status"], "processed", "{view}");
}

/// Regression for issue 8: the cache was loaded with `deserialize_file`, trusting whatever
/// `data_dir` held. Compiled code put there by someone else must never be loaded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampered_or_substituted_cache_entry_is_recompiled_never_loaded() {
    let data = tempfile::tempdir().unwrap();
    let cache_dir = data.path().join("compiled");
    let settings = RegistrySettings {
        cache_dir: Some(cache_dir.clone()),
        ..RegistrySettings::default()
    };
    let engine = Arc::new(SandboxEngine::new().unwrap());
    let first = AdapterRegistry::new(engine.clone(), settings.clone());
    let hostile = first.install_file(&components().hostile).await.unwrap();
    let cache = CompiledCache::open(&cache_dir, &engine.fingerprint()).unwrap();
    let entry = cache.entry_path(&hostile.digest);
    assert!(entry.exists(), "the compiled hostile adapter is cached");
    assert!(cache.load(&hostile.digest).is_some());

    // Substitute: another component's compiled code (one for another world, which would fail
    // the installation if it were loaded), cached by another host under its own key, put
    // under the hostile adapter's name.
    let elsewhere = tempfile::tempdir().unwrap();
    let other = AdapterRegistry::new(
        engine.clone(),
        RegistrySettings {
            cache_dir: Some(elsewhere.path().to_owned()),
            ..RegistrySettings::default()
        },
    );
    let stranger = handmade::wrong_world();
    assert!(other.install(stranger.clone()).await.is_err());
    let forged = CompiledCache::open(elsewhere.path(), &engine.fingerprint())
        .unwrap()
        .entry_path(&hex::encode(<sha2::Sha256 as sha2::Digest>::digest(
            &stranger,
        )));
    assert!(forged.exists(), "the other host cached its compiled code");
    std::fs::copy(&forged, &entry).unwrap();
    let substituted = std::fs::read(&entry).unwrap();

    let second = AdapterRegistry::new(engine.clone(), settings.clone());
    let info = second.install_file(&components().hostile).await.unwrap();
    assert_eq!(info.id, "hostile", "the substituted code was not loaded");
    assert_ne!(
        std::fs::read(&entry).unwrap(),
        substituted,
        "the entry was rewritten"
    );

    // Flip one byte of the code: refused too, and recompiled.
    let mut bytes = std::fs::read(&entry).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    std::fs::write(&entry, &bytes).unwrap();
    let third = AdapterRegistry::new(engine, settings);
    let info = third.install_file(&components().hostile).await.unwrap();
    assert_eq!(info.id, "hostile");
    let adapter = third.resolve(&info.reference()).unwrap();
    let decoded = adapter
        .decode(CallScope::default(), b"PO-CACHE".to_vec(), None)
        .await
        .unwrap();
    assert_eq!(decoded.documents.len(), 1);
    assert!(
        cache.load(&hostile.digest).is_some(),
        "a good entry was written again"
    );
}

/// Issue 12: a restart registers the adapters directory from the descriptions the compiled
/// cache keeps, and loads an adapter's code on its first call: from the cache, or compiled again
/// from its file when the cache lost it; a file that changed meanwhile is refused, not run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_loads_each_adapters_code_on_its_first_call() {
    let data = tempfile::tempdir().unwrap();
    let settings = RegistrySettings {
        adapters_dir: Some(data.path().join("adapters")),
        cache_dir: Some(data.path().join("compiled")),
        ..RegistrySettings::default()
    };
    let engine = Arc::new(SandboxEngine::new().unwrap());
    let first = AdapterRegistry::new(engine.clone(), settings.clone());
    let installed = first.install_file(&components().hostile).await.unwrap();
    assert!(first.resolve("hostile").unwrap().code_loaded());
    let file = data
        .path()
        .join("adapters")
        .join(format!("{}.wasm", installed.reference()));
    assert!(file.exists());

    let decode = |registry: Arc<AdapterRegistry>| async move {
        registry
            .resolve("hostile")
            .unwrap()
            .decode(CallScope::default(), b"PO-LAZY".to_vec(), None)
            .await
    };

    // From the cache's description: listed as installed, its code not loaded until called.
    let second = Arc::new(AdapterRegistry::new(engine.clone(), settings.clone()));
    let loaded = second.load_dir().await;
    assert_eq!(loaded.len(), 1);
    assert_eq!(loaded[0].1.as_ref().unwrap(), &installed);
    assert_eq!(second.list(), vec![installed.clone()]);
    let adapter = second.resolve("hostile").unwrap();
    assert!(!adapter.code_loaded());
    assert_eq!(decode(second.clone()).await.unwrap().documents.len(), 1);
    assert!(adapter.code_loaded());

    // The compiled code gone after the start: compiled again from the file on the first call.
    let cache = CompiledCache::open(&data.path().join("compiled"), &engine.fingerprint()).unwrap();
    let third = Arc::new(AdapterRegistry::new(engine.clone(), settings.clone()));
    third.load_dir().await;
    assert!(!third.resolve("hostile").unwrap().code_loaded());
    std::fs::remove_file(cache.entry_path(&installed.digest)).unwrap();
    assert_eq!(decode(third.clone()).await.unwrap().documents.len(), 1);
    assert!(cache.load(&installed.digest).is_some(), "cached again");

    // The compiled code gone before the start: installed as new, compiled at once.
    std::fs::remove_file(cache.entry_path(&installed.digest)).unwrap();
    let again = AdapterRegistry::new(engine.clone(), settings.clone());
    assert_eq!(again.load_dir().await[0].1.as_ref().unwrap(), &installed);
    assert!(again.resolve("hostile").unwrap().code_loaded());

    // Registered lazily, then the code lost and the file changed: the call is refused with the
    // reason, nothing runs.
    let fourth = Arc::new(AdapterRegistry::new(engine, settings));
    fourth.load_dir().await;
    std::fs::remove_file(cache.entry_path(&installed.digest)).unwrap();
    let mut bytes = std::fs::read(&file).unwrap();
    bytes.extend_from_slice(b"\0");
    std::fs::write(&file, &bytes).unwrap();
    let refused = decode(fourth).await.unwrap_err().to_string();
    assert!(refused.contains("changed since it was loaded"), "{refused}");
}
