//! The decoder must answer every input with Ok or a located Err, never a panic: partners send
//! truncated files and corrupted bytes. Inputs are the golden cases, cut and mutated.

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use wharf_guest_sdk::Adapter;
use wharf_guest_sdk::contract::Inbound;
use wharf_guest_sdk::testing::{XorShift, call_context};
use wharf_plugin_cxml::CxmlAdapter;

fn golden_inputs() -> Vec<(PathBuf, Vec<u8>)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden");
    let mut inputs: Vec<(PathBuf, Vec<u8>)> = fs::read_dir(dir)
        .expect("golden folder")
        .map(|entry| entry.expect("golden entry").path())
        .filter(|path| path.to_string_lossy().ends_with(".xml"))
        .map(|path| {
            let bytes = fs::read(&path).expect("golden input");
            (path, bytes)
        })
        .collect();
    inputs.sort();
    assert!(
        inputs.len() >= 5,
        "expected the golden inputs, found {}",
        inputs.len()
    );
    inputs
}

/// Decodes `bytes`, failing the test with `what` if the decoder panics.
fn survives(bytes: Vec<u8>, what: &str) {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let _ = CxmlAdapter::decode(Inbound {
            bytes,
            content_type: None,
            context: call_context(),
        });
    }));
    assert!(outcome.is_ok(), "the decoder panicked on {what}");
}

#[test]
fn every_prefix_of_a_confirmation_is_answered() {
    let (path, bytes) = golden_inputs()
        .into_iter()
        .find(|(path, _)| path.ends_with("confirmation-detail.decode.xml"))
        .expect("the detail confirmation");
    for end in 0..=bytes.len() {
        survives(
            bytes[..end].to_vec(),
            &format!("the first {end} bytes of {}", path.display()),
        );
    }
}

/// Bytes that make XML mean something else when they land in the wrong place.
const INTERESTING: &[u8] = b"<>&;\"'=/![]?- \n\x00\xff\xc3";

#[test]
fn mutated_documents_are_answered() {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    for (path, original) in golden_inputs() {
        for round in 0..300 {
            let mut bytes = original.clone();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(bytes.len());
                match rng.below(4) {
                    0 => bytes[at] ^= 1 << rng.below(8),
                    1 => bytes[at] = INTERESTING[rng.below(INTERESTING.len())],
                    2 => bytes[at] = b'0' + rng.below(10) as u8,
                    // A well-formed two-byte character where the adapter expects ASCII.
                    _ => {
                        bytes.splice(at..at + 1, "é".bytes());
                    }
                }
            }
            survives(bytes, &format!("mutation {round} of {}", path.display()));
        }
    }
}

/// Regression: a summary without NetAmount whose subtotal and tax sum beyond what a decimal
/// holds panicked ("Addition overflowed") while the total was derived; it is now refused.
#[test]
fn a_summary_summing_beyond_a_decimal_is_refused_not_a_panic() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/invoice.decode.xml"
    );
    let text = fs::read_to_string(path).expect("the invoice golden");
    let summary = text.find("<InvoiceDetailSummary>").expect("a summary");
    let (head, tail) = text.split_at(summary);
    let tail = tail
        .replacen(
            "<Money currency=\"EUR\">2629.00</Money>",
            "<Money currency=\"EUR\">79228162514264337593543950335</Money>",
            1,
        )
        .replace(
            "<GrossAmount>\n          <Money currency=\"EUR\">3218.05</Money>\n        </GrossAmount>",
            "",
        )
        .replace(
            "<NetAmount>\n          <Money currency=\"EUR\">3218.05</Money>\n        </NetAmount>",
            "",
        );
    assert!(!tail.contains("NetAmount") && !tail.contains("GrossAmount"));
    let err = CxmlAdapter::decode(Inbound {
        bytes: format!("{head}{tail}").into_bytes(),
        content_type: None,
        context: call_context(),
    })
    .expect_err("no total can be derived");
    let rendered = wharf_guest_sdk::error::render(&err);
    assert!(rendered.contains("sum beyond any amount"), "{rendered}");
}
