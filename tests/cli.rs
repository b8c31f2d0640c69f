//! The `wharf` command's offline tools: `decode` prints canonical JSON or fails with the
//! adapter's located error; `encode` prints wire bytes.

mod support;

use std::process::{Command, Output};

use support::*;

fn wharf(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wharf"))
        .args(args)
        .current_dir(tempfile::tempdir().unwrap().path())
        // Compiled adapters are cached between runs; keep the tests' cache out of $HOME.
        .env(
            "XDG_CACHE_HOME",
            std::env::temp_dir().join("wharf-test-cache"),
        )
        .output()
        .expect("wharf runs")
}

/// The third-party sample documents beside the project (`../shared/corpus`, or
/// `WHARF_CORPUS`), as the build script found them: the test reading them is ignored, with the
/// reason, where they are absent.
fn corpus() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("WHARF_CORPUS_DIR"))
}

/// Which bundled adapter reads a corpus file, and the settings it needs for real partners'
/// files: some carry trailer counts that do not match, which lenient agreements accept with a
/// warning.
fn reader_for(path: &std::path::Path) -> Option<(&'static str, Vec<&'static str>)> {
    let name = path.file_name()?.to_string_lossy().to_lowercase();
    let folder = path.parent()?.file_name()?.to_string_lossy().to_lowercase();
    if name.ends_with(".xml") {
        Some(("cxml", vec![]))
    } else if name.ends_with(".edi") && (folder == "node-x12" || name.starts_with("x12")) {
        Some(("x12", vec!["--set", "strictness=lenient"]))
    } else if name.ends_with(".edi") {
        Some(("edifact", vec!["--set", "strict_counts=false"]))
    } else {
        None
    }
}

#[test]
#[cfg_attr(
    not(wharf_corpus),
    ignore = "no corpus at ../shared/corpus (set WHARF_CORPUS)"
)]
fn decode_prints_canonical_json_for_every_corpus_file() {
    let corpus = corpus();
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&corpus)
        .unwrap()
        .filter_map(|d| d.ok())
        .filter(|d| d.path().is_dir())
        .flat_map(|d| {
            std::fs::read_dir(d.path())
                .unwrap()
                .filter_map(|f| f.ok().map(|f| f.path()))
        })
        .filter(|p| reader_for(p).is_some())
        .collect();
    files.sort();
    assert!(files.len() >= 19, "{files:?}");
    let (mut decoded, mut unsupported) = (0, Vec::new());
    for file in &files {
        let (adapter, settings) = reader_for(file).unwrap();
        let mut args = vec!["decode", "--adapter", adapter];
        args.extend(settings);
        args.push(file.to_str().unwrap());
        let out = wharf(&args);
        if out.status.success() {
            let documents: serde_json::Value = serde_json::from_slice(&out.stdout)
                .unwrap_or_else(|e| panic!("{}: stdout is not JSON: {e}", file.display()));
            let documents = documents.as_array().unwrap();
            assert!(!documents.is_empty(), "{}: no documents", file.display());
            for d in documents {
                assert!(
                    d["body"].is_object() && d["envelope"]["raw_digest"].is_string(),
                    "{}",
                    file.display()
                );
            }
            decoded += 1;
        } else {
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                stderr.contains("unsupported"),
                "{}: {stderr}",
                file.display()
            );
            unsupported.push(file.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    // Of the third-party files only these carry message types Wharf does not map: a QUOTES
    // interchange and a PAORES (airline) message.
    unsupported.sort();
    assert_eq!(
        unsupported,
        [
            "edifact.01.multi-message.edi",
            "example_release_character.edi"
        ],
        "decoded {decoded}"
    );
}

#[test]
fn decode_prints_canonical_json_for_a_component_path_or_a_bundled_id() {
    let file = repo_file("plugins/cxml/tests/golden/confirmation-detail.decode.xml");
    let cxml = components().cxml.display().to_string();
    for adapter in [cxml.as_str(), "cxml"] {
        let out = wharf(&["decode", "--adapter", adapter, file.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let documents: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let body = &documents[0]["body"]["OrderResponse"];
        assert!(body["po_number"].is_string(), "{documents}");
        assert_eq!(documents[0]["envelope"]["adapter"], "cxml@0.1.0");
        assert_eq!(
            documents[0]["envelope"]["raw_digest"]
                .as_str()
                .unwrap()
                .len(),
            64
        );
    }
}

#[test]
fn decode_fails_with_the_adapters_located_error() {
    let file = repo_file("plugins/cxml/tests/golden/bad-quantity.decode.xml");
    let expected = std::fs::read_to_string(repo_file(
        "plugins/cxml/tests/golden/bad-quantity.decode.error",
    ))
    .unwrap();
    let cxml = components().cxml.display().to_string();
    let out = wharf(&["decode", "--adapter", &cxml, file.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(expected.trim()), "{stderr}");
    assert!(stderr.contains("/cXML/"), "the error names where: {stderr}");
}

#[test]
fn encode_prints_wire_bytes() {
    let file = repo_file("plugins/cxml/tests/golden/purchase-order.encode.json");
    let cxml = components().cxml.display().to_string();
    let out = wharf(&[
        "encode",
        "--adapter",
        &cxml,
        "--doc-type",
        "purchase_order",
        "--set",
        "from_domain=NetworkID",
        "--set",
        "from_identity=ACME",
        "--set",
        "to_domain=NetworkID",
        "--set",
        "to_identity=PORTAL",
        "--set",
        "default_classification_value=31160000",
        file.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let xml = String::from_utf8(out.stdout).unwrap();
    assert!(xml.contains("<OrderRequest>"), "{xml}");
    let wrong = wharf(&[
        "encode",
        "--adapter",
        &cxml,
        "--doc-type",
        "invoice",
        file.to_str().unwrap(),
    ]);
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("not invoice"));
}
