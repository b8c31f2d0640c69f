//! What the sandbox costs, with a fresh instance for every call, against the same adapter code
//! compiled natively into this binary:
//! - an ORDERS05 decoded by `idoc` and the purchase order encoded as a cXML OrderRequest by
//!   `cxml`, per message;
//! - a 50-line X12 850 (`common::fixtures`) decoded by `x12`, in documents per second;
//! - instantiating an adapter and calling it with no work;
//! - the same decodes with fuel metering on (the default) and off, for what counting each
//!   call's cost costs;
//! - the fuel (wasm instructions) one decode of each document burns: a count that, unlike the
//!   timings, holds still on a busy or noisy machine.
//!
//! Run with `cargo bench -p wharf-host --bench sandbox`.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::fixtures::ORDERS05_GOLDEN as FIXTURE;
use common::transform::{
    bundled_registry, cxml_scope, native_decode, native_to_cxml, sandboxed_to_cxml,
};
use wharf_host::cli::bundled;
use wharf_host::sandbox::{CallScope, EngineOptions, SandboxEngine};

fn report(label: &str, total: Duration, n: u32) {
    let per = total / n;
    println!(
        "{label:<48} {:>9.1} µs/message  {:>9.0} messages/s",
        per.as_secs_f64() * 1e6,
        f64::from(n) / total.as_secs_f64()
    );
}

fn native(orders05: &[u8], n: u32) -> Duration {
    let started = Instant::now();
    for _ in 0..n {
        native_to_cxml("idoc", orders05);
    }
    started.elapsed()
}

fn native_x12(input: &[u8], n: u32) -> Duration {
    let started = Instant::now();
    for _ in 0..n {
        std::hint::black_box(native_decode("x12", input));
    }
    started.elapsed()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let orders05 = std::fs::read(bundled::workspace_root().join(FIXTURE)).expect("fixture");
    let engine = Arc::new(SandboxEngine::new().expect("engine"));
    println!("pooling allocator: {}", engine.pooling());
    let registry = bundled_registry(engine, &["idoc", "cxml", "x12"]).await;
    let idoc = registry.resolve("idoc").unwrap();
    let cxml = registry.resolve("cxml").unwrap();
    let cxml_scope = cxml_scope();

    // Warm up both paths once.
    native(&orders05, 50);
    let n: u32 = 2_000;

    let started = Instant::now();
    for _ in 0..n {
        idoc.probe().await.expect("probe");
    }
    report(
        "instantiate + describe (fresh instance)",
        started.elapsed(),
        n,
    );

    let started = Instant::now();
    for _ in 0..n {
        let decoded = idoc
            .decode(CallScope::default(), orders05.clone(), None)
            .await
            .expect("decodes");
        std::hint::black_box(decoded);
    }
    report("sandbox: decode ORDERS05", started.elapsed(), n);

    let started = Instant::now();
    for _ in 0..n {
        sandboxed_to_cxml(&idoc, &cxml, &cxml_scope, &orders05).await;
    }
    let sandboxed = started.elapsed();
    report(
        "sandbox: decode ORDERS05 + encode OrderRequest",
        sandboxed,
        n,
    );

    let natively = native(&orders05, n);
    report(
        "native:  decode ORDERS05 + encode OrderRequest",
        natively,
        n,
    );
    println!(
        "sandbox / native: {:.1}×",
        sandboxed.as_secs_f64() / natively.as_secs_f64()
    );

    let x12 = registry.resolve("x12").unwrap();
    let order = common::fixtures::x12_850(50).into_bytes();
    native_x12(&order, 50);
    let started = Instant::now();
    for _ in 0..n {
        let decoded = x12
            .decode(CallScope::default(), order.clone(), None)
            .await
            .expect("the 850 decodes");
        assert_eq!(decoded.documents.len(), 1);
        std::hint::black_box(decoded);
    }
    let sandboxed = started.elapsed();
    report("sandbox: decode 50-line X12 850", sandboxed, n);
    let natively = native_x12(&order, n);
    report("native:  decode 50-line X12 850", natively, n);
    println!(
        "sandbox / native: {:.1}×",
        sandboxed.as_secs_f64() / natively.as_secs_f64()
    );

    fuel_overhead(&orders05, &order, n).await;

    // Fuel counts the wasm instructions a call ran: unlike time, it does not move with the
    // machine's load, so it tells two builds of an adapter apart where timings cannot.
    println!();
    for (label, adapter, input) in [
        ("decode ORDERS05 (golden)", &idoc, orders05.clone()),
        (
            "decode 10-line ORDERS05",
            &idoc,
            common::fixtures::orders05(10).into_bytes(),
        ),
        (
            "decode 100-line ORDERS05",
            &idoc,
            common::fixtures::orders05(100).into_bytes(),
        ),
        ("decode 50-line X12 850", &x12, order.clone()),
    ] {
        let decoded = adapter
            .decode(CallScope::default(), input, None)
            .await
            .expect("decodes");
        let fuel = decoded
            .cost
            .fuel
            .map_or("not metered".to_owned(), |f| f.to_string());
        println!("fuel: {label:<40} {fuel:>12} instructions");
    }
}

/// Decodes with fuel metering on and off, alternating rounds so both see the same machine.
async fn fuel_overhead(orders05: &[u8], x12_850: &[u8], n: u32) {
    let mut registries = Vec::new();
    for meter_fuel in [true, false] {
        let engine =
            Arc::new(SandboxEngine::with_options(EngineOptions { meter_fuel }).expect("engine"));
        let registry = bundled_registry(engine, &["idoc", "x12"]).await;
        registries.push((meter_fuel, registry));
    }
    for (label, adapter, input) in [
        ("ORDERS05", "idoc", orders05),
        ("50-line 850", "x12", x12_850),
    ] {
        let mut totals = [Duration::ZERO; 2];
        for _round in 0..3 {
            for (i, (_, registry)) in registries.iter().enumerate() {
                let adapter = registry.resolve(adapter).unwrap();
                let started = Instant::now();
                for _ in 0..n / 3 {
                    let decoded = adapter
                        .decode(CallScope::default(), input.to_vec(), None)
                        .await
                        .expect("decodes");
                    std::hint::black_box(decoded);
                }
                totals[i] += started.elapsed();
            }
        }
        for (i, (meter_fuel, _)) in registries.iter().enumerate() {
            let fuel = if *meter_fuel { "fuel on " } else { "fuel off" };
            report(&format!("{fuel}: decode {label}"), totals[i], n / 3 * 3);
        }
        println!(
            "fuel metering overhead on {label}: {:+.1}%",
            (totals[0].as_secs_f64() / totals[1].as_secs_f64() - 1.0) * 100.0
        );
    }
}
