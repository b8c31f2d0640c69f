//! Native test support for adapters: agreement configuration, golden cases, and the comparison
//! the cross-format tests share ([`business_content`], and [`business_content_in`] for a
//! document that crossed into a given standard).
//!
//! Golden cases live in a plugin's `tests/golden/` folder, one case per file stem:
//!
//! | files | what is checked |
//! | --- | --- |
//! | `NAME.decode.EXT` + `NAME.decode.json` | decoding the input gives exactly these documents |
//! | `NAME.decode.EXT` + `NAME.decode.error` | decoding fails with exactly this rendered error |
//! | `NAME.encode.json` + `NAME.encode.EXT` | encoding the canonical document gives these bytes |
//! | `NAME.encode.json` + `NAME.encode.error` | encoding fails with exactly this rendered error |
//! | `NAME.config` (optional) | `key=value` lines: the agreement's configuration for the case |
//!
//! Encoding uses control number `1` and timestamp `2026-01-02T03:04:05+00:00`, so outputs are
//! stable. Set `WHARF_BLESS=1` to write missing or changed expectations instead of failing, then
//! read every written file before committing it. Any other value blesses nothing, and with `CI`
//! set blessing is refused (the run fails): see [`blessing`], which every expected-file writer
//! asks.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::Adapter;
use crate::canonical::CanonicalDocument;
use crate::contract::{CallContext, Decoded, EncodeContext, Inbound};

mod business;
mod gaps;

pub use business::{business_content, json_differences};
pub use gaps::business_content_in;

thread_local! {
    static CONFIG: RefCell<BTreeMap<String, String>> = const { RefCell::new(BTreeMap::new()) };
}

pub(crate) fn config_value(key: &str) -> Option<String> {
    CONFIG.with(|c| c.borrow().get(key).cloned())
}

/// Runs `f` with `settings` as the agreement's configuration on this thread.
pub fn with_config<R>(settings: &[(&str, &str)], f: impl FnOnce() -> R) -> R {
    let map = settings
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let previous = CONFIG.with(|c| c.replace(map));
    let out = f();
    CONFIG.with(|c| c.replace(previous));
    out
}

/// The call context golden cases run with.
pub fn call_context() -> CallContext {
    CallContext {
        agreement: "golden".into(),
        partner: "golden-partner".into(),
        correlation_id: "golden-1".into(),
    }
}

/// The encode context golden cases run with.
pub fn encode_context() -> EncodeContext {
    EncodeContext {
        context: call_context(),
        control_number: "1".into(),
        timestamp: "2026-01-02T03:04:05+00:00".into(),
    }
}

/// Marsaglia's xorshift64: a deterministic generator for mutation tests, so a failure names a
/// reproducible input. Seed it with any non-zero value.
#[derive(Debug, Clone)]
pub struct XorShift(pub u64);

impl XorShift {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `n` (which must be above 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// One to five small damages at random places of `bytes`: a flipped bit, an `interesting`
    /// byte written over one or inserted, or a byte removed. Stops early if `bytes` empties.
    pub fn damage(&mut self, bytes: &mut Vec<u8>, interesting: &[u8]) {
        for _ in 0..=self.below(4) {
            if bytes.is_empty() {
                return;
            }
            let at = self.below(bytes.len());
            match self.below(4) {
                0 => bytes[at] ^= 1 << self.below(8),
                1 => bytes[at] = interesting[self.below(interesting.len())],
                2 => {
                    bytes.remove(at);
                }
                _ => bytes.insert(at, interesting[self.below(interesting.len())]),
            }
        }
    }
}

/// Whether expected files may be rewritten from what the code produced, as the environment
/// says: only with `WHARF_BLESS` exactly `1`, and never in CI. Panics, saying why, when both
/// `WHARF_BLESS=1` and `CI` are set: a CI run that blessed its goldens could not fail.
/// Every test that writes an expected file asks this.
pub fn blessing() -> bool {
    let bless = std::env::var("WHARF_BLESS").ok();
    let ci = std::env::var("CI").ok();
    bless_rule(bless.as_deref(), ci.as_deref()).unwrap_or_else(|refusal| panic!("{refusal}"))
}

/// The rule [`blessing`] applies to the values of `WHARF_BLESS` and `CI`. `CI` counts as set
/// unless it is empty or `false` (as CI services and the build scripts read it).
pub fn bless_rule(bless: Option<&str>, ci: Option<&str>) -> Result<bool, String> {
    let ci = ci.is_some_and(|v| !v.is_empty() && v != "false");
    match bless {
        Some("1") if ci => Err(
            "WHARF_BLESS=1 with CI set: CI checks the expected files and \
                                never rewrites them; unset WHARF_BLESS"
                .to_owned(),
        ),
        Some("1") => Ok(true),
        _ => Ok(false),
    }
}

/// What one golden case found, for the failure report.
#[derive(Debug)]
pub struct Mismatch {
    pub case: PathBuf,
    pub detail: String,
}

/// Runs every golden case in `dir` against adapter `A` and panics listing every mismatch.
/// Panics too when the folder has no cases: an adapter without golden cases is untested.
pub fn run_golden<A: Adapter>(dir: impl AsRef<Path>) {
    let dir = dir.as_ref();
    let bless = blessing();
    let mut inputs: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("golden folder {}: {e}", dir.display()))
        .map(|entry| entry.expect("readable golden entry").path())
        .filter(|p| {
            let name = file_name(p);
            (name.contains(".decode.") && !name.ends_with(".json") && !name.ends_with(".error"))
                || name.ends_with(".encode.json")
        })
        .collect();
    inputs.sort();
    assert!(
        !inputs.is_empty(),
        "{} holds no golden cases",
        dir.display()
    );
    let mut mismatches = Vec::new();
    for input in &inputs {
        if let Err(detail) = run_case::<A>(input, bless) {
            mismatches.push(Mismatch {
                case: input.clone(),
                detail,
            });
        }
    }
    if !mismatches.is_empty() {
        let report: Vec<String> = mismatches
            .iter()
            .map(|m| format!("{}:\n{}", m.case.display(), m.detail))
            .collect();
        panic!(
            "{} of {} golden cases failed:\n\n{}",
            mismatches.len(),
            inputs.len(),
            report.join("\n\n")
        );
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn case_config(input: &Path) -> Vec<(String, String)> {
    let name = file_name(input);
    let stem = name.split('.').next().unwrap_or_default();
    let path = input.with_file_name(format!("{stem}.config"));
    fs::read_to_string(path)
        .map(|text| {
            text.lines()
                .filter_map(|line| line.split_once('='))
                .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

fn run_case<A: Adapter>(input: &Path, bless: bool) -> Result<(), String> {
    let config = case_config(input);
    let settings: Vec<(&str, &str)> = config
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    with_config(&settings, || {
        let name = file_name(input);
        if name.ends_with(".encode.json") {
            encode_case::<A>(input, bless)
        } else {
            decode_case::<A>(input, bless)
        }
    })
}

fn decode_case<A: Adapter>(input: &Path, bless: bool) -> Result<(), String> {
    let bytes = fs::read(input).map_err(|e| e.to_string())?;
    let name = file_name(input);
    let stem = &name[..name.find(".decode.").unwrap_or(name.len())];
    let json_path = input.with_file_name(format!("{stem}.decode.json"));
    let error_path = input.with_file_name(format!("{stem}.decode.error"));
    let result = A::decode(Inbound {
        bytes,
        content_type: None,
        context: call_context(),
    });
    let (path, actual) = match &result {
        Ok(decoded) => (json_path, decoded_json(decoded)),
        Err(e) => (error_path, format!("{}\n", crate::error::render(e))),
    };
    compare(&path, &actual, bless)
}

fn encode_case<A: Adapter>(input: &Path, bless: bool) -> Result<(), String> {
    let document = read_document(input)?;
    let name = file_name(input);
    let stem = &name[..name.find(".encode.").unwrap_or(name.len())];
    let error_path = input.with_file_name(format!("{stem}.encode.error"));
    let expected = fs::read_dir(input.parent().unwrap_or(Path::new(".")))
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            let n = file_name(p);
            n.starts_with(&format!("{stem}.encode."))
                && !n.ends_with(".json")
                && !n.ends_with(".error")
        });
    match A::encode(document, encode_context()) {
        Ok(encoded) => {
            let path = expected.ok_or_else(|| {
                format!(
                    "encoding succeeded but no expected output exists; create {stem}.encode.<ext> \
                     (e.g. .xml or .edi), or bless with an empty one first"
                )
            })?;
            let actual = String::from_utf8(encoded.bytes)
                .map_err(|e| format!("output is not UTF-8: {e}"))?;
            compare(&path, &actual, bless)
        }
        Err(e) => compare(
            &error_path,
            &format!("{}\n", crate::error::render(&e)),
            bless,
        ),
    }
}

/// Reads a canonical document from JSON (the serde form of the generated types:
/// `{"envelope": {…}, "body": {"PurchaseOrder": {…}}}`).
pub fn read_document(path: &Path) -> Result<CanonicalDocument, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    document_from_json(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Parses a canonical document from JSON text.
pub fn document_from_json(text: &str) -> Result<CanonicalDocument, String> {
    serde_json::from_str(text).map_err(|e| format!("not a canonical document: {e}"))
}

/// A canonical document as pretty JSON, the form `.encode.json` inputs take.
pub fn document_json(document: &CanonicalDocument) -> String {
    let mut text = serde_json::to_string_pretty(document).expect("canonical types serialize");
    text.push('\n');
    text
}

/// Decoded documents as pretty JSON, the form golden files keep.
pub fn decoded_json(decoded: &Decoded) -> String {
    let mut text = serde_json::to_string_pretty(decoded).expect("canonical types serialize");
    text.push('\n');
    text
}

fn compare(path: &Path, actual: &str, bless: bool) -> Result<(), String> {
    match fs::read_to_string(path) {
        Ok(expected) if expected == actual => Ok(()),
        _ if bless => {
            fs::write(path, actual).map_err(|e| e.to_string())?;
            Ok(())
        }
        Ok(expected) => Err(first_difference(path, &expected, actual)),
        Err(_) => Err(format!(
            "expected {} is missing; the adapter produced:\n{actual}",
            path.display()
        )),
    }
}

fn first_difference(path: &Path, expected: &str, actual: &str) -> String {
    let line = expected
        .lines()
        .zip(actual.lines())
        .position(|(e, a)| e != a)
        .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
    format!(
        "{} differs at line {}:\n  expected: {}\n  actual:   {}",
        path.display(),
        line + 1,
        expected.lines().nth(line).unwrap_or("<end of file>"),
        actual.lines().nth(line).unwrap_or("<end of file>")
    )
}

#[cfg(test)]
mod tests {
    use super::bless_rule;

    #[test]
    fn only_wharf_bless_1_blesses() {
        assert_eq!(bless_rule(Some("1"), None), Ok(true));
        // Any other value was enough once, so no golden could fail; now none is.
        for other in ["0", "", "true", "yes", "01", " 1"] {
            assert_eq!(bless_rule(Some(other), None), Ok(false), "{other:?}");
        }
        assert_eq!(bless_rule(None, None), Ok(false));
    }

    #[test]
    fn ci_never_blesses_and_fails_when_asked_to() {
        for ci in ["true", "1", "yes"] {
            let refusal = bless_rule(Some("1"), Some(ci)).expect_err(ci);
            assert!(refusal.contains("CI"), "{refusal}");
            assert_eq!(bless_rule(Some("0"), Some(ci)), Ok(false));
            assert_eq!(bless_rule(None, Some(ci)), Ok(false));
        }
        assert_eq!(bless_rule(Some("1"), Some("false")), Ok(true));
        assert_eq!(bless_rule(Some("1"), Some("")), Ok(true));
    }
}
