//! The decoder must answer every input with Ok or a located Err, never a panic: partners send
//! truncated bodies and corrupted bytes. Inputs are the golden cases, cut and
//! mutated (configuration is read as for the CSV adapter, though this adapter takes none).

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use wharf_guest_sdk::Adapter;
use wharf_guest_sdk::contract::Inbound;
use wharf_guest_sdk::testing::{XorShift, call_context, with_config};
use wharf_plugin_portal_json::PortalJsonAdapter;

/// An agreement's configuration, as `key = value` pairs.
type Config = Vec<(String, String)>;

/// Each golden input with its configuration.
fn golden_inputs() -> Vec<(PathBuf, Vec<u8>, Config)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden");
    let mut inputs: Vec<_> = fs::read_dir(dir)
        .expect("golden folder")
        .map(|entry| entry.expect("golden entry").path())
        .filter(|path| path.to_string_lossy().ends_with(".decode.portal-json"))
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let stem = name.split('.').next().unwrap().to_owned();
            let config = fs::read_to_string(path.with_file_name(format!("{stem}.config")))
                .unwrap_or_default()
                .lines()
                .filter_map(|l| l.split_once('='))
                .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                .collect();
            let bytes = fs::read(&path).expect("golden input");
            (path, bytes, config)
        })
        .collect();
    inputs.sort();
    assert!(
        inputs.len() >= 10,
        "expected the golden inputs, found {}",
        inputs.len()
    );
    inputs
}

/// Decodes `bytes` under `config`, failing the test with `what` if the decoder panics.
fn survives(bytes: Vec<u8>, config: &[(String, String)], what: &str) {
    let config: Vec<(&str, &str)> = config
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        with_config(&config, || {
            let _ = PortalJsonAdapter::decode(Inbound {
                bytes,
                content_type: None,
                context: call_context(),
            });
        })
    }));
    assert!(outcome.is_ok(), "the decoder panicked on {what}");
}

#[test]
fn every_prefix_of_every_document_is_answered() {
    for (path, bytes, config) in golden_inputs() {
        for end in 0..=bytes.len() {
            let what = format!("the first {end} bytes of {}", path.display());
            survives(bytes[..end].to_vec(), &config, &what);
        }
    }
}

/// Bytes that change what JSON means when they land in the wrong place.
const INTERESTING: &[u8] = b"{}[]:,\"\\ \n0-.e\x00\xff\xc3";

#[test]
fn mutated_documents_are_answered() {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    for (path, original, config) in golden_inputs() {
        for round in 0..300 {
            let mut bytes = original.clone();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(bytes.len());
                match rng.below(4) {
                    0 => bytes[at] ^= 1 << rng.below(8),
                    1 => bytes[at] = INTERESTING[rng.below(INTERESTING.len())],
                    2 => {
                        bytes.remove(at);
                        if bytes.is_empty() {
                            break;
                        }
                    }
                    _ => {
                        bytes.splice(at..at + 1, "é".bytes());
                    }
                }
            }
            survives(
                bytes,
                &config,
                &format!("mutation {round} of {}", path.display()),
            );
        }
    }
}
