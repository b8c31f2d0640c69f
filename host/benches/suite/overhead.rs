//! Host overhead: a trivial transform (1 KiB upper-cased) as a Wharf adapter
//! (`tests/adapters/echo`, a fresh instance per call, its output crossing into the canonical
//! model) and as an Extism plugin (`peers/extism/`, run by its own process): instantiation and
//! calls per second.

use std::sync::Arc;
use std::time::Instant;

use wharf_host::cli::bundled;
use wharf_host::sandbox::{AdapterRegistry, CallScope, RegistrySettings, SandboxEngine};

use crate::Size;
use crate::common::{median, peers};
use crate::table::{Peer, Table, ratio};

/// The transform's input: 1 KiB of lower-case letters, as the Extism runner makes it.
fn input() -> Vec<u8> {
    (0..1024u32).map(|i| b'a' + (i % 26) as u8).collect()
}

struct Extism {
    instantiate_us: f64,
    reused_calls_per_s: f64,
    fresh_calls_per_s: f64,
}

fn extism(size: Size) -> Result<Extism, String> {
    let (runner, plugin) = peers::extism(size.offline())?;
    let iterations = size.pick(10, 5_000, 20_000).to_string();
    let output = std::process::Command::new(&runner)
        .arg(&plugin)
        .arg(&iterations)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", runner.display()))?;
    if !output.status.success() {
        return Err(format!(
            "the Extism runner failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let figures: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("the Extism runner printed something else than its figures: {e}"))?;
    let figure = |key: &str| {
        figures[key]
            .as_f64()
            .ok_or_else(|| format!("the Extism runner did not report {key}"))
    };
    Ok(Extism {
        instantiate_us: figure("instantiate_us")?,
        reused_calls_per_s: figure("reused_calls_per_s")?,
        fresh_calls_per_s: figure("fresh_calls_per_s")?,
    })
}

pub async fn run(size: Size, table: &mut Table) {
    eprintln!("suite: host overhead…");
    let n: u32 = size.pick(10, 5_000, 20_000);
    let component = bundled::build_packages(&["wharf-test-echo"]).expect("the echo adapter builds");
    let engine = Arc::new(SandboxEngine::new().expect("the sandbox engine"));
    let registry = AdapterRegistry::new(engine, RegistrySettings::default());
    let info = registry
        .install_file(&component[0])
        .await
        .expect("the echo adapter installs");
    let echo = registry.resolve(&info.id).expect("installed");
    let input = input();
    let decoded = echo
        .decode(CallScope::default(), input.clone(), None)
        .await
        .expect("the echo adapter decodes");
    let echoed = serde_json::to_string(&decoded.documents).expect("documents serialize");
    assert!(
        echoed.contains(&String::from_utf8_lossy(&input).to_ascii_uppercase()),
        "the echo adapter upper-cases its input"
    );

    let mut instantiations = Vec::new();
    for _ in 0..n.min(2_000) {
        let started = Instant::now();
        echo.probe().await.expect("instantiates");
        instantiations.push(started.elapsed());
    }
    let instantiate = median(&mut instantiations);
    let started = Instant::now();
    for _ in 0..n {
        let decoded = echo
            .decode(CallScope::default(), input.clone(), None)
            .await
            .expect("decodes");
        std::hint::black_box(decoded);
    }
    let wharf_calls = f64::from(n) / started.elapsed().as_secs_f64();

    let peer = extism(size);
    if let Err(why) = &peer {
        eprintln!("suite: Extism not run: {why}");
    }
    table
        .section("host overhead: trivial 1 KiB → 1 KiB transform (Wharf adapter vs Extism plugin)");
    let instantiate_us = instantiate.as_secs_f64() * 1e6;
    match &peer {
        Ok(e) => {
            table.row_with_ratio(
                "instantiation, median (Wharf: fresh instance + describe)",
                format!("{instantiate_us:.1} µs"),
                Peer::Figure(format!(
                    "Extism, instance from compiled plugin: {:.1} µs",
                    e.instantiate_us
                )),
                ratio(
                    Some(instantiate_us),
                    Some(e.instantiate_us),
                    "Wharf / Extism",
                ),
            );
            table.row_with_ratio(
                "calls/s, a fresh instance per call",
                format!("{wharf_calls:.0}"),
                Peer::Figure(format!("Extism: {:.0}", e.fresh_calls_per_s)),
                ratio(
                    Some(wharf_calls),
                    Some(e.fresh_calls_per_s),
                    "Wharf / Extism",
                ),
            );
            table.row_with_ratio(
                "calls/s, Extism's usual way (one instance kept across calls)",
                "— (Wharf always instantiates afresh)",
                Peer::Figure(format!("Extism: {:.0}", e.reused_calls_per_s)),
                ratio(
                    Some(wharf_calls),
                    Some(e.reused_calls_per_s),
                    "Wharf fresh / Extism kept",
                ),
            );
        }
        Err(why) => {
            table.row(
                "instantiation, median (Wharf: fresh instance + describe)",
                format!("{instantiate_us:.1} µs"),
                Peer::NotRun(format!("Extism: {why}")),
            );
            table.row(
                "calls/s, a fresh instance per call",
                format!("{wharf_calls:.0}"),
                Peer::NotRun(format!("Extism: {why}")),
            );
        }
    }
}
