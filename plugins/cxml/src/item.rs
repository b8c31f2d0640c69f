//! Item identifiers both ways: `<ItemID>` (plus `ItemDetail/ManufacturerPartID`) against the
//! canonical `(scheme, value)` list, with the schemes every adapter shares.
//!
//! | cXML | scheme |
//! | --- | --- |
//! | `SupplierPartID` | `supplier` |
//! | `SupplierPartAuxiliaryID` | `supplier-aux` |
//! | `BuyerPartID` | `buyer` |
//! | `ManufacturerPartID` | `manufacturer` |
//! | `ItemDetail/Extrinsic name="ItemID.<scheme>"` | any other scheme (`gtin`) |
//!
//! cXML requires a SupplierPartID: without a supplier id the buyer's stands in, so a
//! SupplierPartID equal to the BuyerPartID reads back as the buyer id alone.

use wharf_guest_sdk::canonical::{Extension, Identifier};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::xml::Element;
use wharf_guest_sdk::{error, id, log};

use crate::extensions::{extrinsic_element, keep_unmapped, take_extrinsics};

/// The Extrinsic name prefix of item ids that `<ItemID>` has no element for.
pub const EXTRINSIC_ID_PREFIX: &str = "ItemID.";

/// `<ItemID>` children and their schemes, in the order the DTD wants them.
const ITEM_ID_SCHEMES: &[(&str, &str)] = &[
    ("SupplierPartID", "supplier"),
    ("SupplierPartAuxiliaryID", "supplier-aux"),
    ("BuyerPartID", "buyer"),
];

/// The scheme of `ItemDetail/ManufacturerPartID`.
pub const MANUFACTURER: &str = "manufacturer";

/// The ids an `<ItemID>` holds; what else it holds is kept under `base`.
pub fn read_item_id(item_id: &Element, base: &str, out: &mut Vec<Extension>) -> Vec<Identifier> {
    let buyer = item_id.text_of("BuyerPartID");
    let ids = ITEM_ID_SCHEMES
        .iter()
        .filter(|(element, _)| *element != "SupplierPartID" || item_id.text_of(element) != buyer)
        .filter_map(|(element, scheme)| item_id.text_of(element).map(|value| id(*scheme, value)))
        .collect();
    let mapped: Vec<&str> = ITEM_ID_SCHEMES
        .iter()
        .map(|(element, _)| *element)
        .collect();
    keep_unmapped(item_id, base, &mapped, out);
    ids
}

/// The manufacturer's part number an `<ItemDetail>` names.
pub fn read_manufacturer_part(detail: &Element) -> Option<Identifier> {
    detail
        .text_of("ManufacturerPartID")
        .map(|value| id(MANUFACTURER, value))
}

/// `<ItemID>` for a line's ids. The DTD requires a SupplierPartID: without a supplier id the
/// buyer's stands in, and without either the line cannot be written.
pub fn write_item_id(ids: &[Identifier], at: &str) -> Result<Element, AdapterError> {
    let value = |scheme: &str| {
        ids.iter()
            .find(|i| i.scheme == scheme)
            .map(|i| i.value.as_str())
    };
    let supplier = value("supplier")
        .or_else(|| value("buyer"))
        .ok_or_else(|| {
            error::validation("cXML requires a supplier part number (or a buyer one to stand in)")
                .at_xml(format!("{at}.item_ids"))
        })?;
    if value("supplier").is_none() && value("buyer").is_some() {
        log::info(&format!(
            "{at}: no supplier part number; the buyer's is written as SupplierPartID"
        ));
    }
    Ok(Element::new("ItemID")
        .text_child("SupplierPartID", supplier)
        .text_child_opt("SupplierPartAuxiliaryID", value("supplier-aux"))
        .text_child_opt("BuyerPartID", value("buyer")))
}

/// `<Extrinsic name="ItemID.<scheme>">` for each id `<ItemID>` and `ManufacturerPartID` have
/// no element for, to close an `<ItemDetail>`.
pub fn write_other_ids(ids: &[Identifier]) -> Vec<Element> {
    ids.iter()
        .filter(|i| {
            i.scheme != MANUFACTURER && !ITEM_ID_SCHEMES.iter().any(|(_, s)| *s == i.scheme)
        })
        .map(|i| extrinsic_element(&format!("{EXTRINSIC_ID_PREFIX}{}", i.scheme), &i.value))
        .collect()
}

/// Takes the `ItemID.<scheme>` Extrinsics out of a line's extensions as item ids.
pub fn take_other_ids(extensions: &mut Vec<Extension>) -> Vec<Identifier> {
    take_extrinsics(extensions, EXTRINSIC_ID_PREFIX, |scheme, value| {
        let value = value.trim();
        (!scheme.is_empty() && !value.is_empty()).then(|| id(scheme, value))
    })
}

/// The manufacturer's part number of a line, for `ItemDetail/ManufacturerPartID`.
pub fn manufacturer_part(ids: &[Identifier]) -> Option<&str> {
    ids.iter()
        .find(|i| i.scheme == MANUFACTURER)
        .map(|i| i.value.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_guest_sdk::xml;

    #[test]
    fn item_ids_take_the_shared_schemes() {
        let item = xml::parse(
            b"<ItemID><SupplierPartID>A-100</SupplierPartID><SupplierPartAuxiliaryID>rev B</SupplierPartAuxiliaryID><BuyerPartID>4711</BuyerPartID><IdReference domain=\"x\" identifier=\"y\"/></ItemID>",
        )
        .unwrap();
        let mut out = Vec::new();
        let ids = read_item_id(&item, "cxml.ItemOut.ItemID", &mut out);
        assert_eq!(
            ids,
            [
                id("supplier", "A-100"),
                id("supplier-aux", "rev B"),
                id("buyer", "4711")
            ]
        );
        assert_eq!(out[0].key, "cxml.ItemOut.ItemID.IdReference.domain");
    }

    #[test]
    fn other_ids_are_extrinsics() {
        let ids = [id("buyer", "5530-0088"), id("gtin", "4006825531237")];
        let written = write_other_ids(&ids);
        assert_eq!(written.len(), 1);
        assert_eq!(written[0].get("name"), Some("ItemID.gtin"));
        let mut extensions = vec![wharf_guest_sdk::text_extension(
            "cxml.Extrinsic.ItemID.gtin",
            "4006825531237",
        )];
        assert_eq!(
            take_other_ids(&mut extensions),
            [id("gtin", "4006825531237")]
        );
        assert!(extensions.is_empty());
    }

    #[test]
    fn the_buyer_part_stands_in_for_a_missing_supplier_part() {
        let written = write_item_id(&[id("buyer", "4711")], "lines[0]").unwrap();
        assert_eq!(written.text_of("SupplierPartID"), Some("4711"));
        assert_eq!(written.text_of("BuyerPartID"), Some("4711"));
        let parsed = xml::parse(written.to_xml(None).as_bytes()).unwrap();
        assert_eq!(
            read_item_id(&parsed, "cxml.ItemOut.ItemID", &mut Vec::new()),
            [id("buyer", "4711")]
        );
        let err = write_item_id(&[id("gtin", "4006381333931")], "lines[2]").unwrap_err();
        assert_eq!(
            error::render(&err),
            "validation error at lines[2].item_ids: cXML requires a supplier part number (or a buyer one to stand in)"
        );
    }
}
