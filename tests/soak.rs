//! Crash soak: documents over HTTP into a real `wharf serve` (on SQLite; and three replicas
//! sharing one PostgreSQL database), `kill -9` at random moments of ingest, processing and
//! delivery, a sink that fails a share of requests (5xx, answers too late, dropped
//! connections), and the store faulted now and then (SQLite: the database locked past the busy
//! timeout, the disk full where a tmpfs can be mounted; PostgreSQL: every connection ended).
//! At the end every `202` is delivered or dead-lettered, the sink saw no effect twice (counted
//! by `webhook-id`, and no PO under two ids, no control number under two), every signature
//! verified, and the audit trail agrees with the sink.
//!
//! The suite runs a small soak. The full one is run on purpose:
//!
//! ```sh
//! cargo build --release
//! WHARF_SOAK_DOCS=10000 WHARF_SOAK_KILLS=50 WHARF_BIN=target/release/wharf \
//!   cargo test -p wharf-host --test soak -- --nocapture
//! ```
//!
//! Parameters (environment): `WHARF_SOAK_DOCS`, `WHARF_SOAK_KILLS`, `WHARF_SOAK_SEED`,
//! `WHARF_SOAK_SINK_FAULTS` (percent, default 10), `WHARF_SOAK_STORE_FAULTS` (how many, default
//! 2), `WHARF_BIN` (the `wharf` to run; default the one built with the tests). On PostgreSQL
//! also `WHARF_SOAK_REPLICAS` (default 3), `WHARF_SOAK_POSTGRES` (the admin URL of the server
//! the run's database is created on; default the one the build probed) and
//! `WHARF_SOAK_RESTART_POSTGRES` (a shell command that restarts that server, run once halfway
//! through the kills; a server of its own is best, so other tests are not disturbed):
//!
//! ```sh
//! pg_createcluster 15 soak --port 5433 --start -- --auth-local=trust --auth-host=trust
//! WHARF_SOAK_DOCS=10000 WHARF_SOAK_KILLS=30 WHARF_BIN=target/release/wharf \
//!   WHARF_SOAK_POSTGRES=postgres://postgres@127.0.0.1:5433/postgres \
//!   WHARF_SOAK_RESTART_POSTGRES="pg_ctlcluster --skip-systemctl-redirect 15 soak restart" \
//!   cargo test -p wharf-host --test soak crash_soak_on_postgresql -- --nocapture
//! ```

mod soak_support;
mod support;

use std::time::{Duration, Instant};

use soak_support::{Faults, Sink, Soak, SoakDatabase};

fn env<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_soak() {
    soak(SoakDatabase::Sqlite, 1, 300).await;
}

/// Three replicas sharing one PostgreSQL database, killed at random; the store is faulted by
/// ending every connection (and, with `WHARF_SOAK_RESTART_POSTGRES`, by restarting the server
/// once).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(wharf_postgres),
    ignore = "no PostgreSQL answered at build time (WHARF_TEST_POSTGRES, default \
              127.0.0.1:5432); CI runs it"
)]
async fn crash_soak_on_postgresql_with_replicas() {
    let admin = std::env::var("WHARF_SOAK_POSTGRES")
        .unwrap_or_else(|_| support::postgres::admin_url().to_owned());
    let database = SoakDatabase::Postgres {
        database: support::postgres::TestDatabase::create_on(&admin).await,
        restart: std::env::var("WHARF_SOAK_RESTART_POSTGRES").ok(),
    };
    soak(database, env("WHARF_SOAK_REPLICAS", 3), 200).await;
}

async fn soak(database: SoakDatabase, replicas: usize, default_docs: usize) {
    let docs: usize = env("WHARF_SOAK_DOCS", default_docs);
    let kills: usize = env("WHARF_SOAK_KILLS", 6);
    let seed: u64 = env("WHARF_SOAK_SEED", 20261130);
    let faults = Faults {
        sink_percent: env("WHARF_SOAK_SINK_FAULTS", 10),
        store_faults: env("WHARF_SOAK_STORE_FAULTS", 2),
    };
    let backend = match &database {
        SoakDatabase::Sqlite => "SQLite",
        SoakDatabase::Postgres { .. } => "PostgreSQL",
    };
    let started = Instant::now();
    let sink = Sink::start(seed, faults.sink_percent).await;
    let mut soak = Soak::start(&sink.url, seed, database, replicas).await;
    let report = soak.run(docs, kills, &faults).await;
    let settled = soak.settle(Duration::from_secs(600)).await;
    let verdict = soak.verify(&sink, &report).await;
    println!(
        "crash soak on {backend}, {replicas} replica(s): {docs} documents, {} accepted (202), \
         {} kills ({} during ingest), {} store faults ({}), sink: {} requests, {} faulted, {} \
         effects; messages: {} processed, {} failed; deliveries: {} delivered, {} dead; \
         webhook-ids taken again after a lost answer (one effect each): {}; POs under two ids: \
         {}; control numbers under two ids: {}; bad signatures: {}; audit chain: {} entries \
         intact; {:.1} s",
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
        verdict.controls_under_two_ids,
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
    assert_eq!(
        verdict.controls_under_two_ids, 0,
        "a control number sent for two interchanges"
    );
    assert_eq!(verdict.bad_signatures, 0);
    assert!(verdict.audit_intact, "the audit chain verifies");
}
