//! Reference and identifier schemes across standards, through one table every adapter maps
//! through, so that a contract number read from an X12 `REF*CT` is the same reference as
//! EDIFACT's `RFF+CT` and SAP's E1EDK02 `QUALF 005`, not three schemes nobody else can write.
//!
//! A canonical [`Identifier`](crate::canonical::Identifier) in a document's or line's
//! `references` (or a party's `ids`, for [`VAT`]) carries the canonical scheme of this table
//! (`contract`, `invoice`, `vat`, …). A code the table does not hold stays in the adapter's own
//! scheme (`x12:<REF01>`, `edifact:<1153>`, `sap:<segment>:<QUALF>`), written back only by
//! that standard.
//!
//! | standard | element |
//! | --- | --- |
//! | X12 | 128 Reference Identification Qualifier (`REF01`) |
//! | EDIFACT | 1153 Reference code qualifier (`RFF` C506) |
//! | SAP IDoc | E1EDK02 / E1EDP02 `QUALF` (domain EDI_QUALFR) |
//! | cXML | `IdReference@domain` (party identifiers only) |
//!
//! Each row was checked against the code list of each standard it names: a standard without a
//! code of the same meaning has none in the table (SAP has no bill of lading qualifier), rather
//! than the nearest code.

/// The canonical scheme of a party's VAT registration number.
pub const VAT: &str = "vat";

/// The canonical scheme of the id of an earlier message a document refers to (a cXML
/// `DocumentReference@payloadID`, EDIFACT `RFF+ACW`).
pub const PREVIOUS_MESSAGE: &str = "previous-message";

/// A standard whose reference codes the table holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standard {
    /// X12 element 128.
    X12,
    /// EDIFACT element 1153.
    Edifact,
    /// SAP IDoc QUALF of E1EDK02 / E1EDP02.
    Sap,
    /// cXML `IdReference@domain`.
    Cxml,
}

/// One row: a canonical scheme and its code in each standard that has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scheme {
    /// The canonical scheme.
    pub scheme: &'static str,
    pub x12: Option<&'static str>,
    pub edifact: Option<&'static str>,
    pub sap: Option<&'static str>,
    pub cxml: Option<&'static str>,
    /// What the reference is.
    pub name: &'static str,
}

const fn row(
    scheme: &'static str,
    x12: Option<&'static str>,
    edifact: Option<&'static str>,
    sap: Option<&'static str>,
    cxml: Option<&'static str>,
    name: &'static str,
) -> Scheme {
    Scheme {
        scheme,
        x12,
        edifact,
        sap,
        cxml,
        name,
    }
}

/// The table. X12 128, EDIFACT 1153 (D.96A–D.01B) and SAP EDI_QUALFR codes.
pub const TABLE: &[Scheme] = &[
    // X12 CT "Contract Number"; 1153 CT "Contract number"; SAP 005 "Customer contract
    // number": the buyer's contract, the one a purchase order cites.
    row(
        "contract",
        Some("CT"),
        Some("CT"),
        Some("005"),
        None,
        "contract number",
    ),
    // X12 PO "Purchase Order Number"; 1153 ON "Order number (buyer)"; SAP 001 "Customer
    // purchase order".
    row(
        "purchase-order",
        Some("PO"),
        Some("ON"),
        Some("001"),
        None,
        "the buyer's order number",
    ),
    // X12 VN "Vendor Order Number"; 1153 VN "Order number (supplier)"; SAP 002 "Supplier
    // order".
    row(
        "supplier-order",
        Some("VN"),
        Some("VN"),
        Some("002"),
        None,
        "the supplier's order number",
    ),
    // X12 IV "Seller's Invoice Number"; 1153 IV "Invoice number"; SAP 009 "Invoice number".
    row(
        "invoice",
        Some("IV"),
        Some("IV"),
        Some("009"),
        None,
        "invoice number",
    ),
    // X12 PK "Packing List Number"; 1153 DQ "Delivery note number"; SAP 012 "Delivery note
    // number": the paper that travels with the goods.
    row(
        "delivery-note",
        Some("PK"),
        Some("DQ"),
        Some("012"),
        None,
        "delivery note number",
    ),
    // X12 IA "Internal Vendor Number"; 1153 IA "Internal vendor number".
    row(
        "internal-vendor",
        Some("IA"),
        Some("IA"),
        None,
        None,
        "the buyer's number for the vendor",
    ),
    // X12 BM "Bill of Lading Number"; 1153 BM "Bill of lading number".
    row(
        "bill-of-lading",
        Some("BM"),
        Some("BM"),
        None,
        None,
        "bill of lading number",
    ),
    // X12 CN "Carrier's Reference Number (PRO/Invoice)"; 1153 CN "Carrier's reference number".
    row(
        "carrier-reference",
        Some("CN"),
        Some("CN"),
        None,
        None,
        "the carrier's reference (PRO number)",
    ),
    // 1153 ACW "Reference number to previous message"; cXML DocumentReference@payloadID,
    // the payloadID of the document this one answers (the OrderRequest a confirmation, ship
    // notice or invoice refers to). X12 and SAP have no code of that meaning.
    row(
        PREVIOUS_MESSAGE,
        None,
        Some("ACW"),
        None,
        None,
        "the id of the message this one refers to",
    ),
    // X12 VX "Value-Added Tax Registration Number (Europe)"; 1153 VA "VAT registration
    // number"; cXML IdReference domain "vatID".
    row(
        VAT,
        Some("VX"),
        Some("VA"),
        None,
        Some("vatID"),
        "VAT registration number",
    ),
];

fn code(row: &Scheme, standard: Standard) -> Option<&'static str> {
    match standard {
        Standard::X12 => row.x12,
        Standard::Edifact => row.edifact,
        Standard::Sap => row.sap,
        Standard::Cxml => row.cxml,
    }
}

/// The canonical scheme `standard`'s reference code stands for, when the table holds it.
pub fn from_code(standard: Standard, reference_code: &str) -> Option<&'static str> {
    let reference_code = reference_code.trim();
    TABLE
        .iter()
        .find(|row| code(row, standard) == Some(reference_code))
        .map(|row| row.scheme)
}

/// The code `standard` writes a reference of canonical `scheme` with, when it has one.
pub fn to_code(standard: Standard, scheme: &str) -> Option<&'static str> {
    TABLE
        .iter()
        .find(|row| row.scheme == scheme)
        .and_then(|row| code(row, standard))
}

/// Whether `scheme` is one of the table's canonical schemes.
pub fn is_canonical(scheme: &str) -> bool {
    TABLE.iter().any(|row| row.scheme == scheme)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_as_its_scheme_and_no_code_is_used_twice() {
        for standard in [
            Standard::X12,
            Standard::Edifact,
            Standard::Sap,
            Standard::Cxml,
        ] {
            let mut seen = std::collections::BTreeSet::new();
            for row in TABLE {
                if let Some(c) = code(row, standard) {
                    assert!(seen.insert(c), "{standard:?} {c} twice");
                    assert_eq!(from_code(standard, c), Some(row.scheme));
                    assert_eq!(to_code(standard, row.scheme), Some(c));
                }
            }
        }
    }

    #[test]
    fn a_contract_is_one_reference_in_every_standard() {
        assert_eq!(from_code(Standard::X12, "CT"), Some("contract"));
        assert_eq!(from_code(Standard::Edifact, "CT"), Some("contract"));
        assert_eq!(from_code(Standard::Sap, "005"), Some("contract"));
        assert_eq!(to_code(Standard::Edifact, "vat"), Some("VA"));
        assert_eq!(to_code(Standard::X12, "vat"), Some("VX"));
        assert_eq!(to_code(Standard::Sap, "bill-of-lading"), None);
        assert_eq!(from_code(Standard::X12, "DP"), None);
    }
}
