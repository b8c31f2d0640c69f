//! The adapter never panics on damaged input: every prefix of a real IDoc and a few thousand
//! deterministic byte mutations of the golden inputs either decode or fail with an error, and
//! whatever still decodes also encodes or fails cleanly.

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use wharf_guest_sdk::Adapter;
use wharf_guest_sdk::contract::Inbound;
use wharf_guest_sdk::testing::{XorShift, call_context, encode_context};
use wharf_plugin_idoc::IdocAdapter;

/// Bytes that matter to XML and to the IDoc mapping, favoured over plain noise.
const INTERESTING: &[u8] = b"<>/&;\"'= \n-.0123456789X\x00\xff\xc3";

fn golden_inputs() -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut inputs: Vec<(String, Vec<u8>)> = fs::read_dir(&dir)
        .expect("golden folder")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.to_string_lossy().ends_with(".decode.xml"))
        .map(|path| {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            (
                name.unwrap_or_default(),
                fs::read(&path).expect("readable input"),
            )
        })
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 3, "expected the golden inputs");
    inputs
}

/// Decodes `bytes` and encodes whatever decodes; `Ok` says whether it decoded, `Err` carries
/// a panic's message.
fn survives(bytes: Vec<u8>) -> Result<bool, String> {
    catch_unwind(AssertUnwindSafe(|| {
        let decoded = IdocAdapter::decode(Inbound {
            bytes,
            content_type: None,
            context: call_context(),
        });
        let Ok(decoded) = decoded else {
            return false;
        };
        for document in decoded.documents {
            // Partners come from the decoded envelope's sap: ids, when it still has them.
            let _ = IdocAdapter::encode(document, encode_context());
        }
        true
    }))
    .map_err(|panic| {
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default()
    })
}

#[test]
fn every_prefix_of_an_idoc_is_handled() {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/orders05-standard.decode.xml");
    let bytes = fs::read(path).expect("golden input");
    let failures: Vec<String> = (0..bytes.len())
        .filter_map(|len| {
            survives(bytes[..len].to_vec())
                .err()
                .map(|m| format!("prefix {len}: {m}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn mutated_idocs_are_handled() {
    let mut failures = Vec::new();
    let mut decoded = 0;
    for (name, original) in golden_inputs() {
        for seed in 1..=300u64 {
            let mut rng = XorShift(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
            let mut bytes = original.clone();
            rng.damage(&mut bytes, INTERESTING);
            match survives(bytes) {
                Ok(true) => decoded += 1,
                Ok(false) => {}
                Err(message) => failures.push(format!("{name} seed {seed}: {message}")),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Mutations that only ever break the XML would never reach the mappings.
    assert!(decoded > 100, "only {decoded} mutated inputs decoded");
}

#[test]
fn field_values_that_are_not_what_sap_writes_are_handled() {
    // Targeted damage where a mapping reads values: decimals, dates, qualifiers, text lines.
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/orders05-standard.decode.xml");
    let text = fs::read_to_string(path).expect("golden input");
    let long = "x".repeat(300);
    let odd_values = [
        "",
        " ",
        "-",
        "--1",
        "1-",
        "0",
        "00000000",
        "99999999",
        "2026",
        "20261301",
        "2400",
        "\u{00e9}\u{00e9}\u{00e9}",
        "1e5",
        "1.2.3",
        "0.",
        ".5",
        "[2]",
        "A.B",
        long.as_str(),
    ];
    let mut failures = Vec::new();
    let mut tried = 0;
    for field in [
        "MENGE", "MENEE", "VPREI", "PEINH", "PMENE", "WMENG", "EDATU", "EZEIT", "DATUM", "UZEIT",
        "IDDAT", "QUALF", "PARVW", "POSEX", "TDID", "TDLINE", "SUMME", "SUMID", "CREDAT", "CRETIM",
        "DOCNUM", "SNDPRT", "SNDPRN", "UEPOS", "BELNR",
    ] {
        for value in odd_values {
            let open = format!("<{field}>");
            let close = format!("</{field}>");
            let mut out = String::new();
            let mut rest = text.as_str();
            while let Some(start) = rest.find(&open) {
                let Some(end) = rest[start..].find(&close) else {
                    break;
                };
                out.push_str(&rest[..start + open.len()]);
                out.push_str(value);
                out.push_str(&close);
                rest = &rest[start + end + close.len()..];
            }
            out.push_str(rest);
            if let Err(message) = survives(out.into_bytes()) {
                failures.push(format!("{field}={value:?}: {message}"));
            }
            tried += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(tried > 400);
}

/// Regression: packed quantities whose sum is beyond what a decimal holds panicked
/// ("Addition overflowed") where a DESADV's packs are set against its items.
#[test]
fn packed_quantities_summing_beyond_a_decimal_do_not_panic() {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/desadv-pallet.decode.xml");
    let text = fs::read_to_string(path).expect("the DESADV golden");
    let huge = "79228162514264337593543950335";
    let bytes = text
        .replace("<VEMNG>60.000</VEMNG>", &format!("<VEMNG>{huge}</VEMNG>"))
        .replace("<VEMNG>40.000</VEMNG>", &format!("<VEMNG>{huge}</VEMNG>"))
        .replace("<LFIMG>120.000</LFIMG>", &format!("<LFIMG>{huge}</LFIMG>"))
        .into_bytes();
    // Decoded or refused, but answered.
    let _ = IdocAdapter::decode(Inbound {
        bytes,
        content_type: None,
        context: call_context(),
    });
}
