//! The benchmark suite (issue 12): one command measures Wharf beside the tools a plant would
//! otherwise use and prints one table. It owns the run: the size, the order of the measures,
//! and the table; each measure lives in `suite/`:
//! - `transform`: X12 850 and ORDERS05 of 10 and 100 lines to the canonical model and on to
//!   cXML, in the sandbox (a fresh instance per call) and natively, and node-x12 parsing the
//!   same X12;
//! - `overhead`: a trivial 1 KiB → 1 KiB transform as a Wharf adapter and as an Extism plugin;
//! - `end_to_end`: `wharf serve` on SQLite against the Node-RED flow, same load, same sink;
//! - `scale`: start-up and resident memory with 1, 100 and 1,000 adapters, install time;
//!   `storage`: what the database keeps per message (in `scale.rs`).
//!
//! `cargo bench -p wharf-host --bench suite` (full), `… -- --quick` (under five minutes), and
//! `WHARF_BENCH_SIZE=tiny` (a handful of iterations, peers only if already installed: what CI
//! runs on the debug build). `… -- --only scale,end_to_end` runs only the measures named.
//! See `host/benches/BENCHMARKS.md`.

mod common;
#[path = "suite/end_to_end.rs"]
mod end_to_end;
#[path = "suite/overhead.rs"]
mod overhead;
#[path = "suite/scale.rs"]
mod scale;
#[path = "suite/table.rs"]
mod table;
#[path = "suite/transform.rs"]
mod transform;

use std::time::Instant;

use table::Table;

/// How much of each measure a run does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// A handful of iterations; peers only where already installed (CI).
    Tiny,
    /// Enough for stable medians in under five minutes.
    Quick,
    Full,
}

impl Size {
    fn from_args() -> Size {
        let quick = std::env::args().any(|a| a == "--quick");
        match std::env::var("WHARF_BENCH_SIZE").ok().as_deref() {
            Some("tiny") => Size::Tiny,
            Some("quick") => Size::Quick,
            Some("full") => Size::Full,
            Some(other) => {
                eprintln!("suite: WHARF_BENCH_SIZE={other:?} is not tiny, quick or full");
                std::process::exit(2);
            }
            None if quick => Size::Quick,
            None => Size::Full,
        }
    }

    /// Picks the figure for this size.
    pub fn pick<T>(self, tiny: T, quick: T, full: T) -> T {
        match self {
            Size::Tiny => tiny,
            Size::Quick => quick,
            Size::Full => full,
        }
    }

    /// Peers are downloaded and built on demand except at the tiny size.
    pub fn offline(self) -> bool {
        self == Size::Tiny
    }

    fn name(self) -> &'static str {
        self.pick("tiny", "quick", "full")
    }
}

/// The measures `--only a,b` names; every measure without it.
struct Only(Option<Vec<String>>);

impl Only {
    const MEASURES: [&str; 5] = ["transform", "overhead", "end_to_end", "scale", "storage"];

    fn from_args() -> Only {
        let args: Vec<String> = std::env::args().collect();
        let Some(at) = args.iter().position(|a| a == "--only") else {
            return Only(None);
        };
        let names: Vec<String> = args
            .get(at + 1)
            .map(|list| list.split(',').map(str::to_owned).collect())
            .unwrap_or_default();
        if names.is_empty() || names.iter().any(|n| !Self::MEASURES.contains(&n.as_str())) {
            eprintln!(
                "suite: --only takes a comma-separated list of {}",
                Self::MEASURES.join(", ")
            );
            std::process::exit(2);
        }
        Only(Some(names))
    }

    fn runs(&self, measure: &str) -> bool {
        self.0
            .as_ref()
            .is_none_or(|names| names.iter().any(|n| n == measure))
    }
}

#[tokio::main]
async fn main() {
    let size = Size::from_args();
    let started = Instant::now();
    let build = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    let mut table = Table::default();
    let only = Only::from_args();
    eprintln!("suite: {} size, {build} build", size.name());
    if only.runs("transform") {
        transform::run(size, &mut table).await;
    }
    if only.runs("overhead") {
        overhead::run(size, &mut table).await;
    }
    if only.runs("end_to_end") {
        end_to_end::run(size, &mut table).await;
    }
    if only.runs("scale") {
        scale::run(size, &mut table).await;
    }
    if only.runs("storage") {
        scale::storage(size, &mut table).await;
    }
    println!();
    println!(
        "Wharf benchmark suite: {} size, {build} build, {:.0} s; machine: {}",
        size.name(),
        started.elapsed().as_secs_f64(),
        common::machine()
    );
    println!();
    table.print();
}
