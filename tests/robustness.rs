//! Arbitrary and damaged input through the sandbox never harms the host: every bundled
//! adapter gets truncated and byte-mutated versions of its golden inputs, and each call ends
//! in documents or a typed error — never a trap, never a hang past the limits, and the host
//! keeps answering.

mod support;

use std::path::PathBuf;
use std::sync::Arc;
use wharf_guest_sdk::testing::XorShift;

use wharf_host::cli::bundled;
use wharf_host::sandbox::{AdapterRegistry, CallError, CallScope, RegistrySettings, SandboxEngine};

fn mutations(input: &[u8], rng: &mut XorShift, count: usize) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for cut in [input.len() / 3, input.len() / 2, input.len() * 9 / 10] {
        out.push(input[..cut].to_vec());
    }
    let specials = [
        b'*', b'~', b'+', b':', b'\'', b'?', b'<', b'>', b'&', b'"', 0, 0xff, b'\n',
    ];
    for _ in 0..count {
        let mut bytes = input.to_vec();
        for _ in 0..1 + rng.next_u64() % 4 {
            if bytes.is_empty() {
                break;
            }
            let at = (rng.next_u64() as usize) % bytes.len();
            match rng.next_u64() % 3 {
                0 => bytes[at] = specials[(rng.next_u64() as usize) % specials.len()],
                1 => {
                    bytes.remove(at);
                }
                _ => bytes.insert(at, (rng.next_u64() & 0xff) as u8),
            }
        }
        out.push(bytes);
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn damaged_input_never_traps_any_adapter() {
    let ids = bundled::bundled_ids();
    let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let components = bundled::build_adapters(&id_refs).expect("bundled adapters build");
    let registry = AdapterRegistry::new(
        Arc::new(SandboxEngine::new().unwrap()),
        RegistrySettings::default(),
    );
    let mut rng = XorShift(0x5eed_cafe_f00d_d00d);
    let mut calls = 0;
    let mut traps = Vec::new();
    for (id, component) in ids.iter().zip(&components) {
        registry.install_file(component).await.unwrap();
        let adapter = registry.resolve(id).unwrap();
        let dir = support::repo_file(&format!("plugins/{id}/tests/golden"));
        let mut inputs: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let n = p.file_name().unwrap().to_string_lossy().into_owned();
                n.contains(".decode.") && !n.ends_with(".json") && !n.ends_with(".error")
            })
            .collect();
        inputs.sort();
        for input in inputs {
            let bytes = std::fs::read(&input).unwrap();
            for damaged in mutations(&bytes, &mut rng, 40) {
                calls += 1;
                match adapter
                    .decode(CallScope::default(), damaged.clone(), None)
                    .await
                {
                    Ok(_) | Err(CallError::Rejected(_)) => {}
                    Err(other) => traps.push(format!("{}: {other}", input.display())),
                }
            }
        }
    }
    assert!(calls > 1000, "only {calls} calls");
    assert!(
        traps.is_empty(),
        "{} of {calls} calls trapped:\n{}",
        traps.len(),
        traps.join("\n")
    );
}
