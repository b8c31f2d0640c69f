//! Handling units: E1EDL37 segments of a delivery to and from canonical [`Pack`]s.
//!
//! | E1EDL37 | pack |
//! | --- | --- |
//! | EXIDV | `pack_id`, and mark `("sscc", ..)` when it has an SSCC's shape |
//! | EXIDV2 | mark `("sap:EXIDV2", ..)` |
//! | VHILM (packaging material) | `packaging` |
//! | BRGEW + GWEIM | `weight` (E1EDL37 names its weight unit GWEIM) |
//! | E1EDL44 VELIN 1: POSNR, VEMNG/VEMEH | an item packed in it (see [`Content`]) |
//! | E1EDL44 VELIN 3: EXIDV | a handling unit packed in it: that unit's `parent_pack` |
//!
//! Other E1EDL37 fields stay ship notice extensions under `idoc.E1EDL37.<EXIDV>`; those of a
//! VELIN 3 entry under `idoc.E1EDL44.<inner EXIDV>`; those of a packed item go with the item
//! under `idoc.E1EDL44`.

use wharf_guest_sdk::canonical::{Extension, Pack, Quantity};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::xml::Element;
use wharf_guest_sdk::{error, id};

use crate::codes::canonical_unit;
use crate::output::{restore, segment, write_decimal};
use crate::segments::Segment;

pub const NAME: &str = "E1EDL37";
const CONTENT: &str = "E1EDL44";
/// E1EDL44 VELIN of a delivery item packed in the unit, and of a unit packed in it.
const ITEM: &str = "1";
const NESTED: &str = "3";
pub const SSCC: &str = "sscc";
const SECOND_ID: &str = "sap:EXIDV2";

/// A delivery item's quantity packed in a unit.
pub struct Content {
    pub posnr: String,
    pub value: String,
    /// VEMEH; blank when the unit leaves it to the delivery item's unit.
    pub unit: Option<String>,
    pub extensions: Vec<Extension>,
    /// Where the entry stands, for errors.
    pub path: String,
}

/// A handling unit read: the pack (without items yet) and what it holds.
pub struct Unit {
    pub pack: Pack,
    pub contents: Vec<Content>,
}

/// An SSCC: 18 digits, or 20 with the GS1 application identifier 00 in front.
pub fn is_sscc(exidv: &str) -> bool {
    let digits = exidv.bytes().all(|b| b.is_ascii_digit());
    digits && (exidv.len() == 18 || (exidv.len() == 20 && exidv.starts_with("00")))
}

/// Reads the E1EDL37 segments under the delivery `parent` of shipment `shipment_id`.
pub fn read(
    parent: &mut Segment<'_>,
    shipment_id: &str,
    extensions: &mut Vec<Extension>,
) -> Result<Vec<Unit>, AdapterError> {
    let mut units: Vec<Unit> = Vec::new();
    // (inner EXIDV, outer EXIDV, path of the entry naming it)
    let mut nesting: Vec<(String, String, String)> = Vec::new();
    for mut hu in parent.segments(NAME) {
        let exidv = hu
            .require("EXIDV", "the handling unit's identification")?
            .to_owned();
        if units.iter().any(|u| u.pack.pack_id == exidv) {
            return Err(error::validation(format!(
                "handling unit {exidv} appears twice in the delivery"
            ))
            .at_xml(hu.field_path("EXIDV")));
        }
        let mut marks = Vec::new();
        if is_sscc(&exidv) {
            marks.push(id(SSCC, exidv.as_str()));
        }
        if let Some(second) = hu.text("EXIDV2") {
            marks.push(id(SECOND_ID, second));
        }
        let packaging = hu.text("VHILM").map(str::to_owned);
        let weight = match hu.decimal("BRGEW")? {
            Some(value) => Some(Quantity {
                value,
                unit: canonical_unit(hu.require("GWEIM", "the unit of the weight BRGEW")?),
            }),
            None => None,
        };
        let mut contents = Vec::new();
        for mut entry in hu.segments(CONTENT) {
            if entry.peek("VELIN") == Some(NESTED) {
                entry.consume("VELIN");
                let inner = entry.require("EXIDV", "the handling unit packed in it")?;
                nesting.push((inner.to_owned(), exidv.clone(), entry.field_path("EXIDV")));
                entry.leftovers(&format!("idoc.{CONTENT}.{inner}"), extensions);
                continue;
            }
            if entry.peek("VELIN") == Some(ITEM) {
                entry.consume("VELIN");
            }
            if entry.peek("VBELN") == Some(shipment_id) {
                entry.consume("VBELN");
            }
            let posnr = entry
                .require("POSNR", "the delivery item packed")?
                .to_owned();
            let Some(value) = entry.decimal("VEMNG")? else {
                return Err(
                    error::validation("<E1EDL44> has no VEMNG (the quantity packed)")
                        .at_xml(entry.field_path("VEMNG")),
                );
            };
            let unit = entry.text("VEMEH").map(canonical_unit);
            let mut kept = Vec::new();
            entry.leftovers(&format!("idoc.{CONTENT}"), &mut kept);
            contents.push(Content {
                posnr,
                value,
                unit,
                extensions: kept,
                path: entry.path().to_owned(),
            });
        }
        hu.leftovers(&format!("idoc.{NAME}.{exidv}"), extensions);
        units.push(Unit {
            pack: Pack {
                pack_id: exidv,
                parent_pack: None,
                marks,
                packaging,
                weight,
                items: Vec::new(),
            },
            contents,
        });
    }
    for (inner, outer, path) in nesting {
        let Some(unit) = units.iter_mut().find(|u| u.pack.pack_id == inner) else {
            return Err(error::validation(format!(
                "handling unit {outer} holds handling unit {inner}, which the delivery does not have"
            ))
            .at_xml(path));
        };
        if unit.pack.parent_pack.is_some() {
            return Err(error::validation(format!(
                "handling unit {inner} is packed in two handling units"
            ))
            .at_xml(path));
        }
        unit.pack.parent_pack = Some(outer);
    }
    // Following parents from any unit must end within as many steps as there are units.
    let parents: Vec<Option<usize>> = units
        .iter()
        .map(|unit| {
            let parent = unit.pack.parent_pack.as_deref()?;
            units.iter().position(|u| u.pack.pack_id == parent)
        })
        .collect();
    for (start, unit) in units.iter().enumerate() {
        let mut at = Some(start);
        for _ in 0..=units.len() {
            at = at.and_then(|index| parents[index]);
        }
        if at.is_some() {
            return Err(error::validation(format!(
                "handling unit {} is packed, through others, in itself",
                unit.pack.pack_id
            ))
            .at_xml(parent.field_path(NAME)));
        }
    }
    Ok(units)
}

/// The EXIDV a pack is written with: its SSCC when it has one, else its id.
pub fn exidv(pack: &Pack) -> &str {
    pack.marks
        .iter()
        .find(|m| m.scheme == SSCC)
        .map_or(pack.pack_id.as_str(), |m| m.value.as_str())
}

/// One packed item to write: delivery item number, quantity and the item's extensions.
pub struct PackedOut<'a> {
    pub posnr: &'a str,
    pub quantity: &'a Quantity,
    pub extensions: &'a [Extension],
}

/// Writes one handling unit at `path`: `pack` holding `items` and the units `inner`
/// (their EXIDVs). `packaging` is VHILM when the pack's packaging may be written as one.
pub fn write(
    pack: &Pack,
    packaging: Option<&str>,
    items: &[PackedOut<'_>],
    inner: &[&str],
    shipment_id: &str,
    extensions: &[Extension],
    path: &str,
) -> Result<Element, AdapterError> {
    let exidv = exidv(pack);
    let mut hu = segment(NAME)
        .text_child("EXIDV", exidv)
        .text_child_opt(
            "EXIDV2",
            pack.marks
                .iter()
                .find(|m| m.scheme == SECOND_ID)
                .map(|m| m.value.clone()),
        )
        .text_child_opt("VHILM", packaging);
    if let Some(weight) = &pack.weight {
        hu = hu
            .text_child(
                "BRGEW",
                write_decimal(&weight.value, &format!("{path}/BRGEW"))?,
            )
            .text_child("GWEIM", weight.unit.trim());
    }
    for (index, item) in items.iter().enumerate() {
        let entry_path = format!("{path}/{CONTENT}[{}]/VEMNG", index + 1);
        let mut entry = segment(CONTENT)
            .text_child("VELIN", ITEM)
            .text_child("VBELN", shipment_id)
            .text_child("POSNR", item.posnr)
            .text_child("VEMNG", write_decimal(&item.quantity.value, &entry_path)?)
            .text_child("VEMEH", item.quantity.unit.trim());
        restore(&mut entry, item.extensions, &format!("idoc.{CONTENT}"), &[]);
        hu.children.push(entry);
    }
    for inner in inner {
        let mut entry = segment(CONTENT)
            .text_child("VELIN", NESTED)
            .text_child("EXIDV", *inner);
        restore(
            &mut entry,
            extensions,
            &format!("idoc.{CONTENT}.{inner}"),
            &[],
        );
        hu.children.push(entry);
    }
    restore(&mut hu, extensions, &format!("idoc.{NAME}.{exidv}"), &[]);
    Ok(hu)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sscc_shapes() {
        assert!(is_sscc("340123450000000018"));
        assert!(is_sscc("00340123450000000018"));
        assert!(!is_sscc("HU-0001"));
        assert!(!is_sscc("34012345000000001"));
    }
}
