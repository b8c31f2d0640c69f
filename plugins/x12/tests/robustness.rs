//! The decoder answers every input with Ok or a located Err, never a panic: partners send
//! truncated files, corrupted bytes and other formats. Inputs are the golden X12 files, cut
//! and mutated, plus arbitrary bytes behind a valid ISA.

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use proptest::prelude::*;
use wharf_guest_sdk::Adapter;
use wharf_guest_sdk::contract::Inbound;
use wharf_guest_sdk::testing::{XorShift, call_context, with_config};
use wharf_plugin_x12::X12Adapter;

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
        inputs.len() >= 7,
        "expected the golden inputs, found {}",
        inputs.len()
    );
    inputs
}

/// Decodes `bytes` strictly and leniently, failing the test with `what` on a panic.
fn survives(bytes: &[u8], what: &str) {
    for strictness in ["strict", "lenient"] {
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            with_config(&[("strictness", strictness)], || {
                let _ = X12Adapter::decode(Inbound {
                    bytes: bytes.to_vec(),
                    content_type: None,
                    context: call_context(),
                });
            })
        }));
        assert!(
            outcome.is_ok(),
            "the decoder panicked on {what} ({strictness})"
        );
    }
}

#[test]
fn every_prefix_of_every_golden_file_is_answered() {
    for (path, bytes) in golden_inputs() {
        for end in 0..=bytes.len() {
            survives(
                &bytes[..end],
                &format!("the first {end} bytes of {}", path.display()),
            );
        }
    }
}

/// Bytes that change X12 structure when they land in the wrong place.
const INTERESTING: &[u8] = b"*~>^|:\n\r 0123456789ISAGSTEHL\x00\xff\xc3";

#[test]
fn mutated_golden_files_are_answered() {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    for (path, original) in golden_inputs() {
        for round in 0..400 {
            let mut bytes = original.clone();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(bytes.len());
                match rng.below(5) {
                    0 => bytes[at] ^= 1 << rng.below(8),
                    1 => bytes[at] = INTERESTING[rng.below(INTERESTING.len())],
                    2 => {
                        bytes.remove(at);
                    }
                    3 => {
                        let from = rng.below(bytes.len());
                        let piece: Vec<u8> = bytes[from..bytes.len().min(from + 40)].to_vec();
                        bytes.splice(at..at, piece);
                    }
                    _ => {
                        bytes.splice(at..at + 1, "é".bytes());
                    }
                }
            }
            survives(&bytes, &format!("mutation {round} of {}", path.display()));
        }
    }
}

const ISA: &str = "ISA*00*          *00*          *ZZ*A              *ZZ*B              \
                   *260102*0304*U*00401*000000001*0*P*>~";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_are_answered(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        survives(&bytes, "arbitrary bytes");
    }

    #[test]
    fn arbitrary_segments_behind_a_valid_isa_are_answered(
        body in proptest::collection::vec(
            prop_oneof![
                Just("GS*PO*A*B*20260102*0304*1*X*004010~".to_owned()),
                Just("ST*850*0001~".to_owned()),
                Just("ST*856*0001~".to_owned()),
                Just("ST*997*0001~".to_owned()),
                Just("SE*3*0001~".to_owned()),
                Just("GE*1*1~".to_owned()),
                Just("IEA*1*000000001~".to_owned()),
                "(BEG|PO1|HL|AK3|AK4|BSN|N1|SLN|ACK|POC|IT1|TDS|CTT|DTM|PRF|MAN|SN1|LIN)\\*[A-Z0-9*>. -]{0,30}~",
            ],
            0..30,
        )
    ) {
        let text = format!("{ISA}{}", body.concat());
        survives(text.as_bytes(), &text);
    }
}

/// Regression: an 850 whose PO102 quantities sum beyond what a decimal holds panicked
/// ("Addition overflowed") while CTT02, their hash total, was checked.
#[test]
fn quantities_summing_beyond_a_decimal_do_not_panic() {
    let huge = "79228162514264337593543950335";
    let bytes = format!(
        "ISA*00*          *00*          *ZZ*NORTHWIND      *ZZ*KESSLERUS      *260303*1015*U*00401*000005110*0*P*>~\
         GS*PO*NORTHWIND*KESSLERUS*20260303*1015*5110*X*004010~\
         ST*850*0001~BEG*00*SA*4500017736**20260303~\
         PO1*1*{huge}*EA*2.5**BP*A-100~PO1*2*{huge}*EA*2.5**BP*A-200~CTT*2*5~SE*6*0001~\
         GE*1*5110~IEA*1*000005110~"
    );
    let decoded = X12Adapter::decode(Inbound {
        bytes: bytes.into_bytes(),
        content_type: None,
        context: call_context(),
    })
    .unwrap_or_else(|e| panic!("{}", wharf_guest_sdk::error::render(&e)));
    assert_eq!(decoded.documents.len(), 1);
}
