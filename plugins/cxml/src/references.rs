//! A document's references (a contract, a delivery note, the buyer's number for the vendor)
//! as header `<IdReference identifier=".." domain="..">` elements, the identifier/domain pair
//! cXML gives `OrderRequestHeader` and `InvoiceDetailRequestHeader` for ids it has no element
//! of its own for. The domain is the reference's canonical scheme (`contract`,
//! `delivery-note`, or another standard's own, `x12:DP`), so it reads back as the same
//! reference. The payloadID of the document referred to is not among them: it is a
//! `DocumentReference`.

use wharf_guest_sdk::canonical::{Extension, Identifier};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::id;
use wharf_guest_sdk::xml::Element;

use crate::extensions::keep_unmapped;
use crate::order_reference::PAYLOAD_ID_SCHEME;
use crate::values::required_attr;

/// The element a reference is written as.
pub const ID_REFERENCE: &str = "IdReference";

/// `<IdReference>` elements for `references`, but for the payloadID of a document referred to.
pub fn write(references: &[Identifier]) -> Vec<Element> {
    references
        .iter()
        .filter(|r| r.scheme != PAYLOAD_ID_SCHEME)
        .map(|r| {
            Element::new(ID_REFERENCE)
                .attr("identifier", r.value.as_str())
                .attr("domain", r.scheme.as_str())
        })
        .collect()
}

/// The references of `header`'s `<IdReference>` children; what else they hold is kept under
/// `base` (`cxml.OrderRequestHeader.IdReference`).
pub fn read(
    header: &Element,
    base: &str,
    extensions: &mut Vec<Extension>,
) -> Result<Vec<Identifier>, AdapterError> {
    let mut references = Vec::new();
    for reference in header.all(ID_REFERENCE) {
        references.push(id(
            required_attr(reference, "domain")?,
            required_attr(reference, "identifier")?,
        ));
        keep_unmapped(reference, base, &["domain", "identifier"], extensions);
    }
    Ok(references)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_guest_sdk::xml;

    #[test]
    fn a_reference_reads_back_and_a_payload_id_is_not_one() {
        let references = [
            id("contract", "K-2026-07"),
            id("x12:DP", "038"),
            id(PAYLOAD_ID_SCHEME, "1.2@buyer.example"),
        ];
        let mut header = Element::new("OrderRequestHeader");
        header.children.extend(write(&references));
        let parsed = xml::parse(header.to_xml(None).as_bytes()).unwrap();
        let mut extensions = Vec::new();
        let read_back = read(&parsed, "cxml.IdReference", &mut extensions).unwrap();
        assert_eq!(read_back, references[..2]);
        assert!(extensions.is_empty());
    }
}
