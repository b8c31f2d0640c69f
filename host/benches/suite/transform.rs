//! Transform cost: X12 850 (→ `x12`) and ORDERS05 (→ `idoc`) of 10 and 100 lines, decoded to
//! the canonical model and on to a cXML OrderRequest (→ `cxml`), in the sandbox with a fresh
//! instance per call and natively (the same adapter code linked into this binary); and
//! node-x12 parsing the same X12 files into its segment tree. Medians per document.

use std::sync::Arc;
use std::time::{Duration, Instant};

use wharf_host::sandbox::{CallScope, SandboxEngine};

use crate::Size;
use crate::common::fixtures;
use crate::common::transform::{
    bundled_registry, cxml_scope, native_decode, native_to_cxml, sandboxed_to_cxml,
};
use crate::common::{median, peers};
use crate::table::{Peer, Table, ratio};

/// One document to measure.
struct Case {
    label: String,
    adapter: &'static str,
    bytes: Vec<u8>,
    /// The X12 file node-x12 parses too.
    x12: bool,
}

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for lines in [10, 100] {
        cases.push(Case {
            label: format!("{lines}-line X12 850"),
            adapter: "x12",
            bytes: fixtures::x12_850(lines).into_bytes(),
            x12: true,
        });
    }
    for lines in [10, 100] {
        cases.push(Case {
            label: format!("{lines}-line ORDERS05"),
            adapter: "idoc",
            bytes: fixtures::orders05(lines).into_bytes(),
            x12: false,
        });
    }
    cases
}

/// Times `$n` runs of `$body` (which may await), one sample each: the median.
macro_rules! sample {
    ($n:expr, $body:block) => {{
        let mut samples = Vec::with_capacity($n as usize);
        for _ in 0..$n {
            let started = Instant::now();
            $body
            samples.push(started.elapsed());
        }
        median(&mut samples)
    }};
}

fn us(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

fn per_s(d: Duration) -> f64 {
    1.0 / d.as_secs_f64()
}

/// node-x12's documents/s per file, parsing alone, or why it was not run.
fn node_x12(size: Size, files: &[(String, std::path::PathBuf)]) -> Result<Vec<f64>, String> {
    let module = peers::node_x12(size.offline())?;
    let iterations = size.pick(20, 2_000, 10_000).to_string();
    let output = std::process::Command::new("node")
        .arg(peers::peers_dir().join("node-x12-parse.js"))
        .arg(&iterations)
        .args(files.iter().map(|(_, path)| path))
        .env("NODE_X12", &module)
        .output()
        .map_err(|e| format!("cannot run node: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "node-x12-parse.js failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            serde_json::from_str::<serde_json::Value>(line)
                .ok()
                .and_then(|v| v["docs_per_s"].as_f64())
                .ok_or_else(|| format!("node-x12-parse.js printed {line:?}"))
        })
        .collect()
}

pub async fn run(size: Size, table: &mut Table) {
    eprintln!("suite: transform cost…");
    let n: u32 = size.pick(5, 300, 2_000);
    let engine = Arc::new(SandboxEngine::new().expect("the sandbox engine"));
    let registry = bundled_registry(engine, &["idoc", "cxml", "x12"]).await;
    let cxml = registry.resolve("cxml").expect("cxml installed");
    let cxml_scope = cxml_scope();

    let cases = cases();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let x12_files: Vec<(String, std::path::PathBuf)> = cases
        .iter()
        .filter(|c| c.x12)
        .map(|c| {
            let path = dir
                .path()
                .join(format!("{}.edi", c.label.replace(' ', "-")));
            std::fs::write(&path, &c.bytes).expect("the fixture is written");
            (c.label.clone(), path)
        })
        .collect();
    let node_x12 = node_x12(size, &x12_files);
    if let Err(why) = &node_x12 {
        eprintln!("suite: node-x12 not run: {why}");
    }

    table.section("transform cost, median per document (sandbox: a fresh instance per call)");
    let mut x12_index = 0;
    for case in &cases {
        let adapter = registry.resolve(case.adapter).expect("installed");
        // Warm up both paths.
        for _ in 0..size.pick(1, 20, 50) {
            let decoded = adapter
                .decode(CallScope::default(), case.bytes.clone(), None)
                .await
                .expect("the fixture decodes in the sandbox");
            assert!(
                !decoded.documents.is_empty(),
                "{} decodes to documents",
                case.label
            );
            native_to_cxml(case.adapter, &case.bytes);
        }
        let sandbox_decode = sample!(n, {
            let decoded = adapter
                .decode(CallScope::default(), case.bytes.clone(), None)
                .await
                .expect("decodes");
            std::hint::black_box(decoded);
        });
        let sandbox_both = sample!(n, {
            sandboxed_to_cxml(&adapter, &cxml, &cxml_scope, &case.bytes).await;
        });
        let native_decode_only = sample!(n, {
            std::hint::black_box(native_decode(case.adapter, &case.bytes));
        });
        let native_both = sample!(n, {
            native_to_cxml(case.adapter, &case.bytes);
        });

        let peer = if case.x12 {
            let figure = node_x12.as_ref().map(|all| all[x12_index]);
            x12_index += 1;
            match figure {
                Ok(docs) => Some(docs),
                Err(why) => {
                    table.row(
                        format!("{}: decode to canonical, sandbox (docs/s)", case.label),
                        format!("{} ({:.0}/s)", us(sandbox_decode), per_s(sandbox_decode)),
                        Peer::NotRun(format!("node-x12: {why}")),
                    );
                    None
                }
            }
        } else {
            None
        };
        match (case.x12, peer) {
            (true, Some(docs)) => table.row_with_ratio(
                format!("{}: decode to canonical, sandbox (docs/s)", case.label),
                format!("{} ({:.0}/s)", us(sandbox_decode), per_s(sandbox_decode)),
                Peer::Figure(format!(
                    "node-x12, segment tree only: {} ({docs:.0}/s)",
                    us(Duration::from_secs_f64(1.0 / docs))
                )),
                ratio(Some(per_s(sandbox_decode)), Some(docs), "node-x12's docs/s"),
            ),
            (true, None) => {}
            (false, _) => table.row(
                format!("{}: decode to canonical, sandbox", case.label),
                us(sandbox_decode),
                Peer::None,
            ),
        }
        table.row_with_ratio(
            format!("{}: decode to canonical, native", case.label),
            us(native_decode_only),
            Peer::None,
            ratio(
                Some(sandbox_decode.as_secs_f64()),
                Some(native_decode_only.as_secs_f64()),
                "sandbox / native",
            ),
        );
        table.row_with_ratio(
            format!("{}: decode + encode cXML, sandbox / native", case.label),
            format!("{} / {}", us(sandbox_both), us(native_both)),
            Peer::None,
            ratio(
                Some(sandbox_both.as_secs_f64()),
                Some(native_both.as_secs_f64()),
                "sandbox / native",
            ),
        );
    }
}
