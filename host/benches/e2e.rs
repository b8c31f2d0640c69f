//! End to end, as a plant would load it: a real `wharf serve` (the release build), the ERP
//! posting ORDERS05 IDocs over HTTP on loopback, the idoc adapter decoding, the route to the
//! portal, the cxml adapter encoding, the durable outbox, and a signed HTTP delivery to a
//! loopback sink that answers 200 at once.
//!
//! 1. Saturation: many clients post as fast as Wharf accepts, for a while; documents/s is what
//!    the sink receives per second once the run is warm (ingest alone is faster and would
//!    only build a backlog).
//! 2. Half of saturation: an open-loop load at half that rate; latency is from the start of
//!    the POST to the sink's receipt of the cXML, p50 and p99.
//! 3. The same again while another partner's documents go to a hostile adapter
//!    (`tests/adapters/hostile`), one a second, alternately spinning until its deadline and
//!    hoarding memory until its cap: the ERP's p50 and p99 beside those of phase 2.
//!
//! The same load, in the same run, goes to the peer a plant would otherwise use: a Node-RED
//! flow doing HTTP in → XML parse → map → HTTP out (`peers/node-red-flow.json`, no
//! durability: it answers 202 before it sends). Install it once outside the repository with
//! `npm install --prefix ~/node-red node-red@4` and point `WHARF_NODE_RED` at
//! `~/node-red/node_modules/.bin/node-red`; without it only Wharf is measured, and the table
//! says so.
//!
//! Run with `cargo bench -p wharf-host --bench e2e` (cargo builds the `wharf` binary beside
//! it). `WHARF_E2E_SECONDS` sets each phase's length (default 20), `WHARF_BIN` another binary.
//! The machinery is shared with the suite (`common/e2e.rs`); the suite (`suite.rs`) also
//! installs Node-RED itself.
//!
//! With `WHARF_E2E_POSTGRES` set to a PostgreSQL admin URL
//! (`postgres://postgres@127.0.0.1:5432/postgres`), the bench instead measures phases 1 and 2
//! on 1, 2 and 3 replicas sharing one database (`WHARF_E2E_REPLICAS`, default `1,2,3`), the
//! ERP's posts spread over them round-robin, and prints a row per replica count.

mod common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::e2e::{Arrivals, Figures, measure, start_node_red, start_wharf};
use common::fixtures::ORDERS05_GOLDEN as FIXTURE;
use wharf_host::cli::bundled;

#[tokio::main]
async fn main() {
    let seconds: u64 = std::env::var("WHARF_E2E_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let phase = Duration::from_secs(seconds);
    let (sink_url, arrivals) = common::e2e::start_sink().await;
    let idoc = Arc::new(std::fs::read_to_string(bundled::workspace_root().join(FIXTURE)).unwrap());
    let dir = tempfile::tempdir().unwrap();

    if let Ok(admin) = std::env::var("WHARF_E2E_POSTGRES") {
        replicas_on_postgres(&admin, dir.path(), &sink_url, &arrivals, &idoc, phase).await;
        return;
    }
    let wharf = start_wharf(&dir.path().join("wharf"), &sink_url, None, 1);
    let wharf_figures = measure(&wharf, &arrivals, &idoc, phase)
        .await
        .expect("Wharf serves");
    drop(wharf);
    let node_red = std::env::var_os("WHARF_NODE_RED").map(PathBuf::from);
    let peer_figures = match &node_red {
        Some(bin) => {
            let peer = start_node_red(bin, &dir.path().join("node-red"), &sink_url)
                .expect("Node-RED starts");
            Some(
                measure(&peer, &arrivals, &idoc, phase)
                    .await
                    .expect("Node-RED serves"),
            )
        }
        None => None,
    };

    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    println!("end to end: ORDERS05 IDoc → idoc → route → cxml → durable outbox → signed HTTP");
    println!("machine: {cores} cores; SQLite (WAL, synchronous=FULL); {seconds} s per phase");
    let peer_column = if peer_figures.is_some() {
        "Node-RED flow (no durability)"
    } else {
        "Node-RED: not measured (WHARF_NODE_RED unset)"
    };
    println!("| measure | Wharf | {peer_column} |");
    println!("| --- | --- | --- |");
    let row = |what: &str, cell: &dyn Fn(&Figures) -> String| {
        println!(
            "| {what} | {} | {} |",
            cell(&wharf_figures),
            peer_figures.as_ref().map(cell).unwrap_or_default()
        );
    };
    row("documents/s at saturation (delivered)", &|f| {
        format!("{:.0}", f.saturation)
    });
    row("requests accepted in the saturation phase", &|f| {
        f.accepted.to_string()
    });
    row("CPU at saturation (cores busy)", &|f| {
        format!("{:.2}", f.cpu)
    });
    row("CPU per document delivered at half of saturation", &|f| {
        format!("{:.1} ms", f.cpu_per_document * 1e3)
    });
    row("latency at half of saturation, p50 / p99", &|f| {
        f.latency.cell(f.rate)
    });
    row(
        "the same beside a hostile adapter (1 document/s, spinning or hoarding)",
        &|f| {
            f.beside_hostile
                .as_ref()
                .map(|l| l.cell(f.rate))
                .unwrap_or_else(|| "—".into())
        },
    );
}

/// The same load on 1, 2, 3… replicas sharing one PostgreSQL database (a fresh one per count,
/// created on the server `admin` names and dropped afterwards), without the hostile phase.
async fn replicas_on_postgres(
    admin: &str,
    dir: &Path,
    sink_url: &str,
    arrivals: &Arc<Mutex<Arrivals>>,
    idoc: &Arc<String>,
    phase: Duration,
) {
    use sqlx::{Connection, Executor};
    let counts: Vec<usize> = std::env::var("WHARF_E2E_REPLICAS")
        .unwrap_or_else(|_| "1,2,3".into())
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect();
    let mut rows = Vec::new();
    for &replicas in &counts {
        let name = format!("wharf_bench_{}_{replicas}", std::process::id());
        let mut server = sqlx::PgConnection::connect(admin)
            .await
            .expect("the PostgreSQL server WHARF_E2E_POSTGRES names answers");
        server
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .unwrap();
        let url = match admin.rsplit_once('/') {
            Some((server, _)) => format!("{server}/{name}"),
            None => panic!("WHARF_E2E_POSTGRES is a URL naming a database: {admin}"),
        };
        let mut wharf = start_wharf(
            &dir.join(format!("replicas-{replicas}")),
            sink_url,
            Some(&url),
            replicas,
        );
        wharf.hostile = None;
        let figures = measure(&wharf, arrivals, idoc, phase)
            .await
            .expect("Wharf serves");
        drop(wharf);
        server
            .execute(format!("DROP DATABASE {name} WITH (FORCE)").as_str())
            .await
            .unwrap();
        rows.push((replicas, figures));
    }
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    println!("end to end on PostgreSQL: ORDERS05 IDoc → idoc → route → cxml → outbox → HTTP");
    println!(
        "machine: {cores} cores shared by the replicas, PostgreSQL, the load generator and the \
         sink; {} s per phase; the ERP's posts go round-robin over the replicas",
        phase.as_secs()
    );
    println!("| replicas | documents/s at saturation | Wharf CPU (cores) | p50 / p99 at half |");
    println!("| --- | --- | --- | --- |");
    for (replicas, f) in rows {
        println!(
            "| {replicas} | {:.0} | {:.2} | {} |",
            f.saturation,
            f.cpu,
            f.latency.cell(f.rate)
        );
    }
}
