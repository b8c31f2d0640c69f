//! What the benches in `host/benches/` share, so that none copies another:
//! - [`fixtures`]: the documents measured (the golden ORDERS05 and X12 850 grown to n lines);
//! - [`e2e`]: the sink, the load generator and the systems under load, end to end;
//! - [`peers`]: installing and building the peers (Node-RED, node-x12, Extism) on demand;
//! - [`transform`]: the decode and encode calls timed, in the sandbox and natively;
//! - here: statistics and the machine's description.
//!
//! Each bench uses part of this module, so what one bench leaves unused is not dead code.
#![allow(dead_code)]

pub mod e2e;
pub mod fixtures;
pub mod peers;
pub mod transform;

use std::time::Duration;

/// The value at quantile `p` (0–1) of `sorted`, nearest rank; zero when there is none.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

/// The median of `samples` (sorted here).
pub fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    percentile(samples, 0.5)
}

/// Cores, CPU model and memory, as the table's heading states them.
pub fn machine() -> String {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, m)| m.trim().to_owned())
        .unwrap_or_else(|| "unknown CPU".into());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map(|kib| format!(", {:.0} GiB memory", kib as f64 / 1024.0 / 1024.0))
        .unwrap_or_default();
    format!("{cores} cores, {model}{memory}")
}

/// Resident memory of process `pid` in bytes (`VmRSS` in `/proc/<pid>/status`).
pub fn resident_bytes(pid: u32) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map(|kib| kib * 1024)
}
