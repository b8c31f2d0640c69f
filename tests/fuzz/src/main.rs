//! `wharf-fuzz`: feeds the bundled adapters' decoders mutated golden inputs and reports, per
//! decoder, the inputs tried and the panics found (each saved to a file). Exits 1 on a panic.
//!
//! ```text
//! cargo run -p wharf-fuzz --profile fuzz -- [--decoder NAME]... [--inputs N] [--seconds S]
//!     [--seed N] [--out DIR]
//! ```
//!
//! `--decoder` is one of x12, edifact, cxml, idoc, portal-json, csv (all when not given);
//! the campaign for each stops after `--inputs` (default 100000) or `--seconds`, whichever
//! comes first. Panicking inputs go to `--out` (default `fuzz-crashes`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use wharf_fuzz::{Budget, Decoder, run};

struct Options {
    decoders: Vec<Decoder>,
    budget: Budget,
    seed: u64,
    out: PathBuf,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        decoders: Vec::new(),
        budget: Budget {
            inputs: 100_000,
            duration: None,
        },
        seed: 0x5eed_f00d,
        out: PathBuf::from("fuzz-crashes"),
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        let number = |text: String| {
            text.replace('_', "")
                .parse::<u64>()
                .map_err(|e| format!("{flag} {text}: {e}"))
        };
        match flag.as_str() {
            "--decoder" => {
                let name = value()?;
                let decoder = Decoder::from_name(&name).ok_or_else(|| {
                    format!("no decoder {name:?}: x12, edifact, cxml, idoc, portal-json, csv")
                })?;
                options.decoders.push(decoder);
            }
            "--inputs" => options.budget.inputs = number(value()?)?,
            "--seconds" => {
                options.budget.duration = Some(Duration::from_secs(number(value()?)?));
                if options.budget.inputs == 100_000 {
                    options.budget.inputs = u64::MAX;
                }
            }
            "--seed" => options.seed = number(value()?)?,
            "--out" => options.out = PathBuf::from(value()?),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if options.decoders.is_empty() {
        options.decoders = Decoder::ALL.to_vec();
    }
    Ok(options)
}

fn main() -> ExitCode {
    let options = match options() {
        Ok(options) => options,
        Err(problem) => {
            eprintln!("wharf-fuzz: {problem}");
            return ExitCode::from(2);
        }
    };
    let mut panics = 0;
    for decoder in options.decoders {
        let report = run(decoder, options.budget, options.seed, &options.out);
        let seconds = report.elapsed.as_secs_f64();
        println!(
            "{}: {} inputs, {} panics, {seconds:.1} s ({:.0} inputs/s)",
            decoder.name(),
            report.inputs,
            report.panics,
            report.inputs as f64 / seconds.max(f64::EPSILON)
        );
        for (path, message) in report.saved.iter().take(5) {
            println!("  {}: {message}", path.display());
        }
        panics += report.panics;
    }
    if panics > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
