//! A short campaign per decoder, so `cargo test --workspace` keeps the harness building and
//! catches a panic the goldens' nearest mutations reach. The long runs are `wharf-fuzz`'s
//! (see the README).

use std::time::Duration;

use wharf_fuzz::{Budget, Decoder, run, seeds};

#[test]
fn every_decoder_has_seeds() {
    for decoder in Decoder::ALL {
        assert!(seeds(decoder).len() >= 5, "{}", decoder.name());
    }
}

#[test]
fn a_short_campaign_per_decoder_finds_no_panic() {
    let out = std::env::temp_dir().join("wharf-fuzz-quick");
    for decoder in Decoder::ALL {
        let report = run(
            decoder,
            Budget {
                inputs: 2_000,
                duration: Some(Duration::from_secs(10)),
            },
            1,
            &out,
        );
        assert!(report.inputs > 0, "{}", decoder.name());
        assert_eq!(
            report.panics,
            0,
            "{} panicked: {:?}",
            decoder.name(),
            report.saved
        );
    }
}
