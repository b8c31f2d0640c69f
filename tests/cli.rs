//! The `wharf` command's offline tools: `decode` prints canonical JSON or fails with the
//! adapter's located error; `encode` prints wire bytes.

mod support;

use std::process::{Command, Output};

use support::*;

fn wharf(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wharf"))
        .args(args)
        .current_dir(tempfile::tempdir().unwrap().path())
        .output()
        .expect("wharf runs")
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
