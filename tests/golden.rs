//! Every bundled adapter's golden cases, run again through the real sandbox: the compiled
//! component must give exactly what the adapter's native tests expect. A plugin without
//! golden cases fails this test.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;
use wharf_host::cli::bundled;
use wharf_host::model::CanonicalDocument;
use wharf_host::sandbox::{
    AdapterRegistry, CallError, CallScope, LoadedAdapter, RegistrySettings, SandboxEngine,
};

/// What `wharf_guest_sdk::testing` uses for encode cases.
const CONTROL_NUMBER: &str = "1";
const TIMESTAMP: &str = "2026-01-02T03:04:05+00:00";

fn scope(case: &Path) -> CallScope {
    let name = case.file_name().unwrap().to_string_lossy().into_owned();
    let stem = name.split('.').next().unwrap();
    let config: BTreeMap<String, String> =
        std::fs::read_to_string(case.with_file_name(format!("{stem}.config")))
            .map(|text| {
                text.lines()
                    .filter_map(|l| l.split_once('='))
                    .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                    .collect()
            })
            .unwrap_or_default();
    CallScope {
        agreement: "golden".into(),
        partner: "golden-partner".into(),
        correlation_id: "golden-1".into(),
        config: Arc::new(config),
        xref: Arc::default(),
    }
}

fn sibling(case: &Path, stem: &str, suffix: &str) -> Option<PathBuf> {
    std::fs::read_dir(case.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.starts_with(&format!("{stem}.{suffix}"))
                && !n.ends_with(".json")
                && !n.ends_with(".error")
        })
}

async fn run_case(adapter: &LoadedAdapter, case: &Path) -> Result<(), String> {
    let name = case.file_name().unwrap().to_string_lossy().into_owned();
    let stem = name.split('.').next().unwrap().to_owned();
    if name.ends_with(".encode.json") {
        let document: CanonicalDocument =
            serde_json::from_str(&std::fs::read_to_string(case).unwrap())
                .map_err(|e| format!("input: {e}"))?;
        let outcome = adapter
            .encode(
                scope(case),
                &document,
                CONTROL_NUMBER.into(),
                TIMESTAMP.into(),
            )
            .await;
        let encoded = match outcome {
            Ok(encoded) => encoded,
            Err(CallError::Rejected(failure)) => {
                let error = case.with_file_name(format!("{stem}.encode.error"));
                let expected = std::fs::read_to_string(&error).map_err(|_| {
                    format!(
                        "encode failed with {failure}, and {} does not exist",
                        error.display()
                    )
                })?;
                return if failure.to_string() == expected.trim_end() {
                    Ok(())
                } else {
                    Err(format!("encode error {failure} != {expected:?}"))
                };
            }
            Err(other) => return Err(format!("the sandbox failed: {other}")),
        };
        let expected_path = sibling(case, &stem, "encode.").ok_or("no expected output")?;
        let expected = std::fs::read(&expected_path).unwrap();
        return if encoded.bytes == expected {
            Ok(())
        } else {
            Err(format!("output differs from {}", expected_path.display()))
        };
    }
    let bytes = std::fs::read(case).unwrap();
    let outcome = adapter.decode(scope(case), bytes, None).await;
    let json = case.with_file_name(format!("{stem}.decode.json"));
    let error = case.with_file_name(format!("{stem}.decode.error"));
    match outcome {
        Ok(decoded) => {
            let expected: Value = serde_json::from_str(
                &std::fs::read_to_string(&json)
                    .map_err(|_| format!("decoded, but {} does not exist", json.display()))?,
            )
            .unwrap();
            let actual = serde_json::to_value(&decoded.documents).unwrap();
            if actual != expected["documents"] {
                return Err("documents differ from the golden JSON".into());
            }
            let warnings: Vec<&str> = decoded
                .warnings
                .iter()
                .map(|w| w.message.as_str())
                .collect();
            let expected_warnings: Vec<&str> = expected["warnings"]
                .as_array()
                .map(|a| a.iter().filter_map(|w| w["message"].as_str()).collect())
                .unwrap_or_default();
            if warnings != expected_warnings {
                return Err(format!("warnings {warnings:?} != {expected_warnings:?}"));
            }
            Ok(())
        }
        Err(CallError::Rejected(failure)) => {
            let expected = std::fs::read_to_string(&error).map_err(|_| {
                format!(
                    "failed with {failure}, but {} does not exist",
                    error.display()
                )
            })?;
            if failure.to_string() == expected.trim_end() {
                Ok(())
            } else {
                Err(format!("error {failure:?} != {expected:?}"))
            }
        }
        Err(other) => Err(format!("the sandbox failed: {other}")),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_plugin_passes_its_golden_cases_inside_the_sandbox() {
    let ids = bundled::bundled_ids();
    assert!(ids.len() >= 2, "bundled adapters: {ids:?}");
    let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let components = bundled::build_adapters(&id_refs).expect("bundled adapters build");
    let registry = AdapterRegistry::new(
        Arc::new(SandboxEngine::new().unwrap()),
        RegistrySettings::default(),
    );
    let mut failures = Vec::new();
    for (id, component) in ids.iter().zip(&components) {
        let info = registry.install_file(component).await.unwrap();
        assert_eq!(&info.id, id, "plugins/{id} describes itself as {}", info.id);
        let adapter = registry.resolve(id).unwrap();
        let dir = support::repo_file(&format!("plugins/{id}/tests/golden"));
        let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|_| panic!("plugins/{id} has no tests/golden folder"))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let n = p.file_name().unwrap().to_string_lossy().into_owned();
                (n.contains(".decode.") && !n.ends_with(".json") && !n.ends_with(".error"))
                    || n.ends_with(".encode.json")
            })
            .collect();
        cases.sort();
        assert!(!cases.is_empty(), "plugins/{id} has no golden cases");
        for case in &cases {
            if let Err(e) = run_case(&adapter, case).await {
                failures.push(format!("{}: {e}", case.display()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "golden cases failing in the sandbox:\n{}",
        failures.join("\n")
    );
}
