//! The Extism peer: loads the plugin in `guest/` (path in the first argument), then measures,
//! on a 1 KiB input, what the suite measures of Wharf's trivial adapter:
//! - instantiation: a plugin instance made from the compiled plugin, median;
//! - calls on one instance kept across calls (Extism's usual way), per second;
//! - calls each on a fresh instance (Wharf's way), per second.
//!
//! Usage: `wharf-bench-extism <plugin.wasm> <iterations>`; prints one JSON object on stdout,
//! which the suite reads.

use std::time::{Duration, Instant};

use extism::{CompiledPlugin, Plugin, PluginBuilder};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() -> Result<(), extism::Error> {
    let mut args = std::env::args().skip(1);
    let wasm = std::fs::read(args.next().expect("the plugin's path"))?;
    let iterations: u32 = args.next().and_then(|n| n.parse().ok()).unwrap_or(2_000);
    let input: Vec<u8> = (0..1024u32).map(|i| b'a' + (i % 26) as u8).collect();

    let compiled = CompiledPlugin::new(PluginBuilder::new(wasm).with_wasi(false))?;
    let mut instantiations = Vec::new();
    for _ in 0..iterations.min(500) {
        let started = Instant::now();
        let plugin = Plugin::new_from_compiled(&compiled)?;
        instantiations.push(started.elapsed());
        std::hint::black_box(plugin);
    }

    let mut plugin = Plugin::new_from_compiled(&compiled)?;
    let check: Vec<u8> = plugin.call::<&[u8], Vec<u8>>("transform", &input)?;
    assert_eq!(check, input.to_ascii_uppercase(), "the plugin transforms");
    let started = Instant::now();
    for _ in 0..iterations {
        let out: &[u8] = plugin.call("transform", &input)?;
        std::hint::black_box(out);
    }
    let reused = started.elapsed();

    let fresh_iterations = iterations.min(2_000);
    let started = Instant::now();
    for _ in 0..fresh_iterations {
        let mut plugin = Plugin::new_from_compiled(&compiled)?;
        let out: &[u8] = plugin.call("transform", &input)?;
        std::hint::black_box(out);
    }
    let fresh = started.elapsed();

    println!(
        "{{\"instantiate_us\": {:.3}, \"reused_calls_per_s\": {:.1}, \"fresh_calls_per_s\": {:.1}}}",
        median(instantiations).as_secs_f64() * 1e6,
        f64::from(iterations) / reused.as_secs_f64(),
        f64::from(fresh_iterations) / fresh.as_secs_f64(),
    );
    Ok(())
}
