//! PO1 lines with every pattern of present and absent elements 02–09, against the 004010
//! syntax notes of PO1 as the standard states them (C0302, C0504, P0607, P0809), written out
//! here independently of `src/syntax_notes.rs`: strict refuses exactly the lines that break
//! one, naming it; lenient reads them with one warning per broken note.

use proptest::prelude::*;
use wharf_guest_sdk::Adapter;
use wharf_guest_sdk::contract::{Decoded, Inbound};
use wharf_guest_sdk::testing::{call_context, with_config};
use wharf_plugin_x12::X12Adapter;

/// Values for PO102..PO109 (quantity, unit, price, basis, qualifier, id, qualifier, id).
const VALUES: [&str; 8] = ["5", "EA", "2.5", "PE", "BP", "A-100", "VP", "NW-1"];

/// The notes a PO1 with elements `present` (index 0 is PO102) breaks, as codes.
fn broken(present: [bool; 8]) -> Vec<&'static str> {
    let has = |n: usize| present[n - 2];
    let mut notes = Vec::new();
    if has(3) && !has(2) {
        notes.push("C0302");
    }
    if has(5) && !has(4) {
        notes.push("C0504");
    }
    if has(6) != has(7) {
        notes.push("P0607");
    }
    if has(8) != has(9) {
        notes.push("P0809");
    }
    notes
}

fn interchange(present: [bool; 8]) -> Vec<u8> {
    let elements: Vec<&str> = VALUES
        .iter()
        .zip(present)
        .map(|(value, on)| if on { *value } else { "" })
        .collect();
    let po1 = format!("PO1*1*{}", elements.join("*"));
    let po1 = po1.trim_end_matches('*');
    format!(
        "ISA*00*          *00*          *ZZ*NORTHWIND      *ZZ*KESSLERUS      *260303*1015*U*00401*000005150*0*P*>~\
         GS*PO*NORTHWIND*KESSLERUS*20260303*1015*5150*X*004010~ST*850*0001~\
         BEG*00*SA*4500017760**20260303~{po1}~SE*4*0001~GE*1*5150~IEA*1*000005150~"
    )
    .into_bytes()
}

fn decode(bytes: Vec<u8>, strictness: &str) -> Result<Decoded, String> {
    with_config(&[("strictness", strictness)], || {
        X12Adapter::decode(Inbound {
            bytes,
            content_type: None,
            context: call_context(),
        })
    })
    .map_err(|e| e.message)
}

proptest! {
    #[test]
    fn po1_syntax_notes_are_checked_as_the_standard_states_them(present in any::<[bool; 8]>()) {
        let notes = broken(present);
        let quantity = present[0];
        match decode(interchange(present), "strict") {
            Ok(decoded) => prop_assert!(notes.is_empty() && quantity, "{notes:?} read: {decoded:?}"),
            Err(message) => match notes.first() {
                Some(first) => prop_assert!(message.contains(first), "{message} for {notes:?}"),
                None => prop_assert!(!quantity && message.contains("PO102"), "{message}"),
            },
        }
        let lenient = decode(interchange(present), "lenient");
        match lenient {
            Ok(decoded) => {
                prop_assert!(quantity);
                prop_assert_eq!(decoded.warnings.len(), notes.len());
            }
            Err(message) => prop_assert!(!quantity && message.contains("PO102"), "{message}"),
        }
    }
}
