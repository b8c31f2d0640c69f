//! Fuzzing every bundled adapter's decoder on the stable toolchain (nightly, and so
//! cargo-fuzz, is not available here): each decoder is fed structure-aware mutations of the
//! golden inputs, each input under its golden case's agreement configuration, and any panic
//! is caught with [`std::panic::catch_unwind`], counted and saved to a file.
//!
//! # Layout
//!
//! - [`Decoder`]: the six decoders, their golden folders and the bytes their formats give
//!   meaning to (delimiters, terminators).
//! - [`seeds`]: the golden inputs a decoder starts from, with their configuration.
//! - [`mutate`]: one mutation of a seed (byte flips, splices, truncations, delimiter swaps,
//!   repeated or dropped segments, numbers at the edges of what a decimal holds).
//! - [`run`]: a campaign for a number of inputs or a duration, reported as a [`Report`].

pub mod mutate;

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use wharf_guest_sdk::Adapter;
use wharf_guest_sdk::contract::Inbound;
use wharf_guest_sdk::testing::{XorShift, call_context, with_config};

/// A bundled adapter's decoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoder {
    X12,
    Edifact,
    Cxml,
    Idoc,
    PortalJson,
    Csv,
}

impl Decoder {
    pub const ALL: [Decoder; 6] = [
        Decoder::X12,
        Decoder::Edifact,
        Decoder::Cxml,
        Decoder::Idoc,
        Decoder::PortalJson,
        Decoder::Csv,
    ];

    /// The adapter's id, as the command line names it.
    pub fn name(self) -> &'static str {
        match self {
            Decoder::X12 => "x12",
            Decoder::Edifact => "edifact",
            Decoder::Cxml => "cxml",
            Decoder::Idoc => "idoc",
            Decoder::PortalJson => "portal-json",
            Decoder::Csv => "csv",
        }
    }

    pub fn from_name(name: &str) -> Option<Decoder> {
        Decoder::ALL.into_iter().find(|d| d.name() == name)
    }

    /// The bytes this format gives meaning to: a delimiter swap trades one for another, and
    /// the first is what ends a segment (a repeated or dropped segment ends at it).
    pub fn delimiters(self) -> &'static [u8] {
        match self {
            Decoder::X12 => b"~*>^:|\n",
            Decoder::Edifact => b"'+:?.,* \r\n\x1c\x1d\x1f",
            Decoder::Cxml | Decoder::Idoc => b">< /=\"'&;!?-[]",
            Decoder::PortalJson => b",{}[]:\"\\",
            Decoder::Csv => b"\n,;\"\t\r|",
        }
    }

    /// Decodes `bytes`; the outcome is not judged, only whether it comes back at all.
    pub fn decode(self, bytes: Vec<u8>) {
        let input = Inbound {
            bytes,
            content_type: None,
            context: call_context(),
        };
        let _ = match self {
            Decoder::X12 => wharf_plugin_x12::X12Adapter::decode(input).map(drop),
            Decoder::Edifact => wharf_plugin_edifact::EdifactAdapter::decode(input).map(drop),
            Decoder::Cxml => wharf_plugin_cxml::CxmlAdapter::decode(input).map(drop),
            Decoder::Idoc => wharf_plugin_idoc::IdocAdapter::decode(input).map(drop),
            Decoder::PortalJson => {
                wharf_plugin_portal_json::PortalJsonAdapter::decode(input).map(drop)
            }
            Decoder::Csv => wharf_plugin_csv::CsvAdapter::decode(input).map(drop),
        };
    }

    fn golden_dir(self) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../plugins")
            .join(self.name())
            .join("tests/golden")
    }
}

/// One starting input: a golden case's wire bytes and its agreement configuration.
#[derive(Debug, Clone)]
pub struct Seed {
    pub name: String,
    pub bytes: Vec<u8>,
    pub config: Vec<(String, String)>,
}

/// Every wire-format file among `decoder`'s golden cases (decode inputs and encode outputs),
/// each with its case's `NAME.config`.
pub fn seeds(decoder: Decoder) -> Vec<Seed> {
    let dir = decoder.golden_dir();
    let mut seeds: Vec<Seed> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter_map(|path| {
            let name = path.file_name()?.to_string_lossy().into_owned();
            let wire = (name.contains(".decode.") || name.contains(".encode."))
                && !name.ends_with(".json")
                && !name.ends_with(".error");
            if !wire {
                return None;
            }
            let stem = name.split('.').next()?.to_owned();
            let config = fs::read_to_string(path.with_file_name(format!("{stem}.config")))
                .map(|text| {
                    text.lines()
                        .filter_map(|line| line.split_once('='))
                        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                        .collect()
                })
                .unwrap_or_default();
            Some(Seed {
                bytes: fs::read(&path).ok()?,
                name,
                config,
            })
        })
        .collect();
    seeds.sort_by(|a, b| a.name.cmp(&b.name));
    seeds
}

/// What a campaign did.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub inputs: u64,
    pub panics: u64,
    pub elapsed: Duration,
    /// Where each panicking input was saved, with the panic's message.
    pub saved: Vec<(PathBuf, String)>,
}

/// How long a campaign runs: whichever limit comes first.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub inputs: u64,
    pub duration: Option<Duration>,
}

/// Feeds `decoder` mutations of its seeds until `budget` is spent. Panicking inputs are saved
/// under `out` as `<decoder>-<n>.bin` (with the seed's configuration beside them, as
/// `<decoder>-<n>.config`). Deterministic for a given `seed`.
pub fn run(decoder: Decoder, budget: Budget, seed: u64, out: &Path) -> Report {
    let seeds = seeds(decoder);
    assert!(!seeds.is_empty(), "{} has no golden inputs", decoder.name());
    let mut rng = XorShift(seed.max(1));
    let mut report = Report::default();
    let started = Instant::now();
    let last_panic = quiet_panics();
    while report.inputs < budget.inputs {
        // Checking the clock every input would cost more than some decodes.
        if report.inputs % 1024 == 0
            && budget
                .duration
                .is_some_and(|limit| started.elapsed() >= limit)
        {
            break;
        }
        let index = rng.below(seeds.len());
        let other = &seeds[rng.below(seeds.len())].bytes;
        let input = mutate::mutate(&seeds[index].bytes, other, decoder.delimiters(), &mut rng);
        let settings: Vec<(&str, &str)> = seeds[index]
            .config
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let kept = input.clone();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            with_config(&settings, || decoder.decode(input))
        }));
        report.inputs += 1;
        if outcome.is_err() {
            report.panics += 1;
            let message = last_panic.lock().map(|m| m.clone()).unwrap_or_default();
            let path = out.join(format!("{}-{}.bin", decoder.name(), report.panics));
            let saved = fs::create_dir_all(out)
                .and_then(|()| fs::write(&path, &kept))
                .and_then(|()| {
                    let config: String = seeds[index]
                        .config
                        .iter()
                        .map(|(k, v)| format!("{k}={v}\n"))
                        .collect();
                    fs::write(path.with_extension("config"), config)
                });
            if let Err(e) = saved {
                eprintln!("cannot save {}: {e}", path.display());
            }
            report.saved.push((path, message));
        }
    }
    report.elapsed = started.elapsed();
    let _ = std::panic::take_hook();
    report
}

/// Replaces the panic hook with one that keeps the last message instead of printing it:
/// a campaign may catch many.
fn quiet_panics() -> Arc<Mutex<String>> {
    let last = Arc::new(Mutex::new(String::new()));
    let keep = Arc::clone(&last);
    std::panic::set_hook(Box::new(move |info| {
        if let Ok(mut last) = keep.lock() {
            *last = info.to_string();
        }
    }));
    last
}
