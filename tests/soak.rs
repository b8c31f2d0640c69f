//! Crash soak: documents over HTTP into a real `wharf serve`, `kill -9` at random moments of
//! ingest, processing and delivery, a sink that fails a share of requests (5xx, answers too
//! late, dropped connections), and the store faulted now and then (the database locked past
//! the busy timeout; the disk full, where a tmpfs can be mounted). At the end every `202` is
//! delivered or dead-lettered, the sink saw no effect twice (counted by `webhook-id`, and no PO
//! under two ids), every signature verified, and the audit trail agrees with the sink.
//!
//! The suite runs a small soak. The full one is run on purpose:
//!
//! ```sh
//! cargo build --release -p wharf-host
//! WHARF_SOAK_DOCS=10000 WHARF_SOAK_KILLS=50 WHARF_BIN=target/release/wharf \
//!   cargo test -p wharf-host --test soak -- --nocapture
//! ```
//!
//! Parameters (environment): `WHARF_SOAK_DOCS`, `WHARF_SOAK_KILLS`, `WHARF_SOAK_SEED`,
//! `WHARF_SOAK_SINK_FAULTS` (percent, default 10), `WHARF_SOAK_STORE_FAULTS` (how many, default
//! 2), `WHARF_BIN` (the `wharf` to run; default the one built with the tests).

mod soak_support;
mod support;

use std::time::{Duration, Instant};

use soak_support::{Faults, Sink, Soak};

fn env<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_soak() {
    let docs: usize = env("WHARF_SOAK_DOCS", 300);
    let kills: usize = env("WHARF_SOAK_KILLS", 6);
    let seed: u64 = env("WHARF_SOAK_SEED", 20261130);
    let faults = Faults {
        sink_percent: env("WHARF_SOAK_SINK_FAULTS", 10),
        store_faults: env("WHARF_SOAK_STORE_FAULTS", 2),
    };
    let started = Instant::now();
    let sink = Sink::start(seed, faults.sink_percent).await;
    let mut soak = Soak::start(&sink.url, seed).await;
    let report = soak.run(docs, kills, &faults).await;
    let settled = soak.settle(Duration::from_secs(600)).await;
    let verdict = soak.verify(&sink, &report).await;
    println!(
        "crash soak: {docs} documents, {} accepted (202), {} kills ({} during ingest), {} store \
         faults ({}), sink: {} requests, {} faulted, {} effects; messages: {} processed, {} failed; \
         deliveries: {} delivered, {} dead; webhook-ids taken again after a lost answer (one \
         effect each): {}; POs under two ids: {}; \
         bad signatures: {}; audit chain: {} entries intact; {:.1} s",
        report.accepted.len(),
        report.kills,
        report.kills_during_ingest,
        report.store_faults.len(),
        report.store_faults.join(", "),
        sink.requests(),
        sink.faulted(),
        verdict.effects,
        settled.processed,
        settled.failed,
        settled.delivered,
        settled.dead,
        verdict.duplicate_ids,
        verdict.pos_under_two_ids,
        verdict.bad_signatures,
        verdict.audit_entries,
        started.elapsed().as_secs_f64()
    );
    assert_eq!(report.accepted.len(), docs, "every document was accepted");
    assert!(report.kills >= kills, "{} kills of {kills}", report.kills);
    assert_eq!(
        settled.unsettled, 0,
        "messages or deliveries left unsettled"
    );
    assert_eq!(
        settled.processed, docs,
        "every accepted document was processed"
    );
    assert_eq!(settled.delivered + settled.dead, docs);
    assert_eq!(
        verdict.missing_at_sink, 0,
        "delivered entries the sink never took"
    );
    assert_eq!(
        verdict.unknown_effects, 0,
        "effects at the sink Wharf has no delivery for"
    );
    assert_eq!(verdict.pos_under_two_ids, 0);
    assert_eq!(verdict.bad_signatures, 0);
    assert!(verdict.audit_intact, "the audit chain verifies");
}
