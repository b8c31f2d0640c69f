//! End to end: ORDERS05 over HTTP → decode → route → encode → outbox → HTTP delivery to the
//! loopback sink, at saturation and at half of it, Wharf on SQLite (durable) against the
//! Node-RED flow in `peers/` (not durable: it answers before it sends), with the same load
//! generator and sink (`common::e2e`).

use std::sync::Arc;
use std::time::Duration;

use wharf_host::cli::bundled;

use crate::Size;
use crate::common::e2e::{self, Figures};
use crate::common::{fixtures, peers};
use crate::table::{Peer, Table, ratio};

pub async fn run(size: Size, table: &mut Table) {
    eprintln!("suite: end to end…");
    let phase = Duration::from_secs(size.pick(2, 8, 20));
    let (sink_url, arrivals) = e2e::start_sink().await;
    let idoc = Arc::new(
        std::fs::read_to_string(bundled::workspace_root().join(fixtures::ORDERS05_GOLDEN))
            .expect("the ORDERS05 fixture"),
    );
    let dir = tempfile::tempdir().expect("a temporary folder");
    let wharf = e2e::start_wharf(&dir.path().join("wharf"), &sink_url, None, 1);
    let wharf_figures = e2e::measure(&wharf, &arrivals, &idoc, phase)
        .await
        .expect("Wharf serves");
    drop(wharf);

    let peer = match peers::node_red(size.offline()) {
        Ok(bin) => match e2e::start_node_red(&bin, &dir.path().join("node-red"), &sink_url) {
            Ok(target) => e2e::measure(&target, &arrivals, &idoc, phase).await,
            Err(why) => Err(why),
        },
        Err(why) => Err(why),
    };
    if let Err(why) = &peer {
        eprintln!("suite: Node-RED not run: {why}");
    }

    table.section(&format!(
        "end to end: ORDERS05 over HTTP → cXML to a loopback sink, {} s per phase; Wharf on \
         SQLite (durable) vs Node-RED flow (not durable)",
        phase.as_secs()
    ));
    let cell = |f: &Figures| format!("{:.0}", f.saturation);
    let peer_cell = |what: &dyn Fn(&Figures) -> String| match &peer {
        Ok(f) => Peer::Figure(format!("Node-RED, not durable: {}", what(f))),
        Err(why) => Peer::NotRun(format!("Node-RED: {why}")),
    };
    table.row_with_ratio(
        "documents/s at saturation (delivered)",
        cell(&wharf_figures),
        peer_cell(&cell),
        ratio(
            Some(wharf_figures.saturation),
            peer.as_ref().ok().map(|f| f.saturation),
            "Wharf / Node-RED",
        ),
    );
    let cpu = |f: &Figures| format!("{:.2}", f.cpu);
    table.row(
        "CPU at saturation (cores busy)",
        cpu(&wharf_figures),
        peer_cell(&cpu),
    );
    let latency = |f: &Figures| f.latency.cell(f.rate);
    table.row_with_ratio(
        "latency at half of saturation, p50 / p99",
        latency(&wharf_figures),
        peer_cell(&latency),
        ratio(
            Some(wharf_figures.latency.p99.as_secs_f64()),
            peer.as_ref().ok().map(|f| f.latency.p99.as_secs_f64()),
            "p99 Wharf / Node-RED",
        ),
    );
    if let Some(hostile) = &wharf_figures.beside_hostile {
        table.row(
            "the same beside a hostile adapter (1 document/s, spinning or hoarding)",
            hostile.cell(wharf_figures.rate),
            Peer::None,
        );
    }
}
