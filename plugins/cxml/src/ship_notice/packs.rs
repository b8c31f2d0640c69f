//! Handling units both ways: cXML describes them per item (`ShipNoticeItem/Packaging`), the
//! model as a tree of [`Pack`]s holding items.
//!
//! | `Packaging` | pack |
//! | --- | --- |
//! | `ShippingContainerSerialCode` (SSCC) | `pack_id`, mark `("sscc", ..)` |
//! | `ShippingContainerSerialCodeReference` | `parent_pack` (the SSCC of the pallet a carton is on) |
//! | `PackagingCode` | `packaging` |
//! | `Dimension type="grossWeight"` (or `weight`) + `UnitOfMeasure` | `weight` |
//!
//! An item belongs to the innermost pack its Packaging elements name: the one no other names as
//! its parent. The same SSCC on several items is one pack. A Packaging without SSCC names no
//! pack; the item stays loose and the Packaging is kept in its extensions.

use wharf_guest_sdk::canonical::{Extension, Identifier, Pack, Quantity};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::xml::Element;
use wharf_guest_sdk::{id, log};

use crate::extensions::{flatten, keep_unmapped};
use crate::values::{decimal_at, decimal_attr};

/// The mark scheme of a Serial Shipping Container Code.
pub const SSCC: &str = "sscc";

const WEIGHT_TYPES: &[&str] = &["grossWeight", "weight"];

/// Reads an item's `<Packaging>` elements into `packs` (adding packs not seen before) and
/// returns the index of the pack the item goes in, if any. Unmapped content is kept under
/// `base` (`cxml.ShipNoticeItem`).
pub fn read_packaging(
    item: &Element,
    packs: &mut Vec<Pack>,
    base: &str,
    out: &mut Vec<Extension>,
) -> Result<Option<usize>, AdapterError> {
    let all: Vec<&Element> = item.all("Packaging").collect();
    let mut named: Vec<(String, Option<String>)> = Vec::new();
    for (n, packaging) in all.iter().enumerate() {
        let key = match all.len() {
            1 => format!("{base}.Packaging"),
            _ => format!("{base}.Packaging[{}]", n + 1),
        };
        let Some(sscc) = packaging.text_of("ShippingContainerSerialCode") else {
            flatten(packaging, &key, out);
            continue;
        };
        let parent = packaging
            .text_of("ShippingContainerSerialCodeReference")
            .map(str::to_owned);
        if !packs.iter().any(|p| p.pack_id == sscc) {
            packs.push(read_pack(packaging, sscc, parent.clone(), &key, out)?);
        }
        named.push((sscc.to_owned(), parent));
    }
    let innermost = named
        .iter()
        .find(|(sscc, _)| {
            !named
                .iter()
                .any(|(_, parent)| parent.as_deref() == Some(sscc))
        })
        .map(|(sscc, _)| sscc.as_str());
    Ok(innermost.and_then(|sscc| packs.iter().position(|p| p.pack_id == sscc)))
}

fn read_pack(
    packaging: &Element,
    sscc: &str,
    parent_pack: Option<String>,
    base: &str,
    out: &mut Vec<Extension>,
) -> Result<Pack, AdapterError> {
    let mut weight = None;
    for dimension in packaging.all("Dimension") {
        let kind = dimension.get("type").unwrap_or_default();
        if weight.is_none() && WEIGHT_TYPES.contains(&kind) {
            let unit = dimension.require_text("UnitOfMeasure")?;
            weight = Some(Quantity {
                value: decimal_attr(dimension, "quantity")?,
                unit: unit.to_owned(),
            });
        } else {
            flatten(dimension, &format!("{base}.Dimension.{kind}"), out);
        }
    }
    let codes: Vec<&str> = packaging
        .all("PackagingCode")
        .filter_map(Element::trimmed)
        .collect();
    for extra in codes.iter().skip(1) {
        out.push(wharf_guest_sdk::text_extension(
            format!("{base}.PackagingCode"),
            *extra,
        ));
    }
    keep_unmapped(
        packaging,
        base,
        &[
            "PackagingCode",
            "Dimension",
            "ShippingContainerSerialCode",
            "ShippingContainerSerialCodeReference",
        ],
        out,
    );
    Ok(Pack {
        pack_id: sscc.to_owned(),
        parent_pack,
        marks: vec![id(SSCC, sscc)],
        packaging: codes.first().map(|c| (*c).to_owned()),
        weight,
        items: Vec::new(),
    })
}

/// The SSCC of `pack`: its `sscc` mark.
pub fn sscc(pack: &Pack) -> Option<&str> {
    pack.marks
        .iter()
        .find(|m| m.scheme == SSCC)
        .map(|m| m.value.as_str())
}

/// The `<Packaging>` elements for an item in `packs[index]`: its ancestors outermost first,
/// then the pack itself, so a reader meets a pallet before the cartons on it.
pub fn write_packaging(
    packs: &[Pack],
    index: usize,
    at: &str,
) -> Result<Vec<Element>, AdapterError> {
    let mut chain = vec![index];
    while let Some(parent) = packs[chain[chain.len() - 1]].parent_pack.as_deref() {
        match packs.iter().position(|p| p.pack_id == parent) {
            Some(next) if !chain.contains(&next) => chain.push(next),
            Some(_) => break,
            None => {
                log::warn(&format!(
                    "{at}: parent pack {parent} is not among the order's packs; written as a reference only"
                ));
                break;
            }
        }
    }
    chain
        .iter()
        .rev()
        .map(|&i| write_pack(&packs[i], packs, i))
        .collect()
}

fn write_pack(pack: &Pack, packs: &[Pack], i: usize) -> Result<Element, AdapterError> {
    let at = format!("packs[{i}]");
    let mut packaging = Element::new("Packaging");
    // Fulfill.dtd opens every Packaging with a PackagingCode or a Dimension. A pack known
    // only by its SSCC (an X12 pack level with MAN alone) gets an empty code, which reads back
    // as no packaging, rather than losing the SSCC or inventing a code.
    if pack.packaging.is_some() || pack.weight.is_none() {
        packaging = packaging.child(
            Element::new("PackagingCode")
                .attr("xml:lang", "en")
                .with_text(pack.packaging.as_deref().unwrap_or_default()),
        );
    }
    if let Some(weight) = &pack.weight {
        let value = decimal_at(&weight.value, &format!("{at}.weight.value"))?;
        packaging = packaging.child(
            Element::new("Dimension")
                .attr("quantity", value)
                .attr("type", "grossWeight")
                .text_child("UnitOfMeasure", weight.unit.as_str()),
        );
    }
    let sscc = sscc(pack);
    if sscc.is_none() {
        log::warn(&format!(
            "{at}: pack {} has no SSCC mark; its items are written without a container code",
            pack.pack_id
        ));
    }
    let parent_sscc = pack.parent_pack.as_deref().map(|parent| {
        packs
            .iter()
            .find(|p| p.pack_id == parent)
            .and_then(self::sscc)
            .unwrap_or(parent)
    });
    warn_unwritten_marks(&pack.marks, &at);
    Ok(packaging
        .text_child_opt("ShippingContainerSerialCode", sscc)
        .text_child_opt("ShippingContainerSerialCodeReference", parent_sscc))
}

fn warn_unwritten_marks(marks: &[Identifier], at: &str) {
    let other: Vec<String> = marks
        .iter()
        .filter(|m| m.scheme != SSCC)
        .map(|m| format!("{}:{}", m.scheme, m.value))
        .collect();
    if !other.is_empty() {
        log::warn(&format!(
            "{at}: marks {} have no place in cXML Packaging; not written",
            other.join(", ")
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_guest_sdk::xml;

    #[test]
    fn an_item_goes_in_the_innermost_pack_named() {
        let item = xml::parse(
            br#"<ShipNoticeItem><Packaging><PackagingCode>pallet</PackagingCode><ShippingContainerSerialCode>P1</ShippingContainerSerialCode></Packaging><Packaging><PackagingCode>box</PackagingCode><ShippingContainerSerialCode>C1</ShippingContainerSerialCode><ShippingContainerSerialCodeReference>P1</ShippingContainerSerialCodeReference></Packaging></ShipNoticeItem>"#,
        )
        .unwrap();
        let mut packs = Vec::new();
        let mut out = Vec::new();
        let at = read_packaging(&item, &mut packs, "cxml.ShipNoticeItem", &mut out).unwrap();
        assert_eq!(at, Some(1));
        assert_eq!(packs[1].parent_pack.as_deref(), Some("P1"));
        assert_eq!(packs[0].packaging.as_deref(), Some("pallet"));
        assert!(out.is_empty(), "{out:?}");
        let written = write_packaging(&packs, 1, "orders[0]").unwrap();
        assert_eq!(written.len(), 2);
        assert_eq!(
            written[0].text_of("ShippingContainerSerialCode"),
            Some("P1")
        );
    }
}
