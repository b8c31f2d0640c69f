//! The decoder answers every input with Ok or an Err, never a panic: partners send truncated
//! files and corrupted bytes. Inputs are the golden cases, cut and mutated, and arbitrary bytes.

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use proptest::prelude::*;
use wharf_guest_sdk::Adapter;
use wharf_guest_sdk::contract::Inbound;
use wharf_guest_sdk::testing::call_context;
use wharf_plugin_edifact::EdifactAdapter;

fn golden_inputs() -> Vec<(PathBuf, Vec<u8>)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden");
    let mut inputs: Vec<(PathBuf, Vec<u8>)> = fs::read_dir(dir)
        .expect("golden folder")
        .map(|entry| entry.expect("golden entry").path())
        .filter(|path| path.to_string_lossy().ends_with(".decode.edi"))
        .map(|path| {
            let bytes = fs::read(&path).expect("golden input");
            (path, bytes)
        })
        .collect();
    inputs.sort();
    assert!(
        inputs.len() >= 6,
        "expected the golden inputs, found {}",
        inputs.len()
    );
    inputs
}

fn survives(bytes: Vec<u8>, what: &str) {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let _ = EdifactAdapter::decode(Inbound {
            bytes,
            content_type: None,
            context: call_context(),
        });
    }));
    assert!(outcome.is_ok(), "the decoder panicked on {what}");
}

#[test]
fn every_prefix_of_every_golden_input_is_answered() {
    for (path, bytes) in golden_inputs() {
        for end in 0..=bytes.len() {
            survives(
                bytes[..end].to_vec(),
                &format!("the first {end} bytes of {}", path.display()),
            );
        }
    }
}

/// Bytes that change what EDIFACT means when they land in the wrong place.
const INTERESTING: &[u8] = b"'+:?*|! \n\r\x1c\x1d\x1f\x00\xff\xe4";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn mutated_golden_inputs_are_answered(
        pick in any::<prop::sample::Index>(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0..4u8, any::<u8>()), 1..6),
    ) {
        let inputs = golden_inputs();
        let (path, original) = &inputs[pick.index(inputs.len())];
        let mut bytes = original.clone();
        for (at, how, value) in edits {
            if bytes.is_empty() {
                break;
            }
            let at = at.index(bytes.len());
            match how {
                0 => bytes[at] = value,
                1 => bytes[at] = INTERESTING[usize::from(value) % INTERESTING.len()],
                2 => { bytes.remove(at); }
                _ => bytes.insert(at, INTERESTING[usize::from(value) % INTERESTING.len()]),
            }
        }
        survives(bytes, &format!("a mutation of {}", path.display()));
    }

    #[test]
    fn arbitrary_bytes_are_answered(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        survives(bytes, "arbitrary bytes");
    }

    #[test]
    fn arbitrary_segments_are_answered(text in "(UNA:\\+\\.\\? '|UNB\\+UNOC:3\\+A\\+B\\+260101:1200\\+1'|UNH\\+1\\+(ORDERS|ORDRSP|DESADV|INVOIC|CONTRL):D:96A:UN'|[A-Z]{3}(\\+[A-Z0-9:?.,]{0,8}){0,6}'|UNT\\+[0-9]\\+1'|UNZ\\+1\\+1'){0,14}") {
        survives(text.into_bytes(), "arbitrary segments");
    }
}
