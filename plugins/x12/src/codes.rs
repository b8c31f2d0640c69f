//! Code tables between X12 codes and canonical meanings, both directions.
//!
//! Every mapping keeps the X12 code itself next to its meaning (`role_code`, `status_code`,
//! a date's `qualifier`), so writing a decoded document back gives the partner's own code;
//! the tables are only consulted for documents that came from elsewhere.

use wharf_guest_sdk::canonical::{DateKind, LineChangeKind, LineStatus, PartyRole, ResponseStatus};
use wharf_guest_sdk::units;

/// N101 entity identifier → party role.
pub fn party_role(code: &str) -> PartyRole {
    match code {
        "BY" => PartyRole::Buyer,
        "SE" | "VN" | "SU" => PartyRole::Supplier,
        "ST" => PartyRole::ShipTo,
        "BT" => PartyRole::BillTo,
        "SF" => PartyRole::ShipFrom,
        "RI" => PartyRole::RemitTo,
        "SO" => PartyRole::SoldTo,
        "CA" => PartyRole::Carrier,
        "MF" => PartyRole::Manufacturer,
        _ => PartyRole::Other,
    }
}

/// Party role → the N101 code written for it when the document brings no X12 code.
pub fn party_code(role: PartyRole) -> &'static str {
    match role {
        PartyRole::Buyer => "BY",
        PartyRole::Supplier => "SU",
        PartyRole::ShipTo => "ST",
        PartyRole::BillTo => "BT",
        PartyRole::ShipFrom => "SF",
        PartyRole::RemitTo => "RI",
        PartyRole::SoldTo => "SO",
        PartyRole::Carrier => "CA",
        PartyRole::Manufacturer => "MF",
        PartyRole::Other => "ZZ",
    }
}

/// Element 66, identification code qualifier (N103, TD502) → identifier scheme.
pub fn party_scheme(qualifier: &str) -> String {
    match qualifier {
        "1" => "duns".to_owned(),
        "2" => "scac".to_owned(),
        "9" => "duns+4".to_owned(),
        "UL" => "gln".to_owned(),
        "92" => "buyer".to_owned(),
        "91" => "supplier".to_owned(),
        other => format!("x12:{other}"),
    }
}

/// Identifier scheme → element 66 qualifier (N103, TD502), for schemes X12 can express.
pub fn party_qualifier(scheme: &str) -> Option<String> {
    match scheme {
        "duns" => Some("1".to_owned()),
        "scac" => Some("2".to_owned()),
        "duns+4" => Some("9".to_owned()),
        "gln" => Some("UL".to_owned()),
        "buyer" => Some("92".to_owned()),
        "supplier" => Some("91".to_owned()),
        other => other
            .strip_prefix("x12:")
            .filter(|q| is_code(q))
            .map(str::to_owned),
    }
}

/// Product/service id qualifier (PO106, LIN02, IT106, …) → item id scheme.
pub fn item_scheme(qualifier: &str) -> String {
    match qualifier {
        "BP" | "IN" => "buyer".to_owned(),
        "VP" | "VN" | "VA" => "supplier".to_owned(),
        "UP" | "UK" | "EN" => "gtin".to_owned(),
        "MG" => "manufacturer".to_owned(),
        // "Vendor's Supplemental Item Number", cXML's SupplierPartAuxiliaryID.
        "VS" => "supplier-aux".to_owned(),
        other => format!("x12:{other}"),
    }
}

/// Item id scheme → the qualifier written when the document keeps none of its own.
/// A GTIN's qualifier follows its length: 14 digits UK, 13 EN, otherwise UP.
pub fn item_qualifier(scheme: &str, value: &str) -> Option<String> {
    match scheme {
        "buyer" => Some("BP".to_owned()),
        "supplier" => Some("VP".to_owned()),
        "gtin" => Some(
            match value.len() {
                14 => "UK",
                13 => "EN",
                _ => "UP",
            }
            .to_owned(),
        ),
        "manufacturer" => Some("MG".to_owned()),
        "supplier-aux" => Some("VS".to_owned()),
        other => other
            .strip_prefix("x12:")
            .filter(|q| is_code(q))
            .map(str::to_owned),
    }
}

/// DTM01 (and other date qualifiers) → date kind.
pub fn date_kind(qualifier: &str) -> DateKind {
    match qualifier {
        "002" | "106" => DateKind::RequestedDelivery,
        "010" => DateKind::RequestedShip,
        "011" => DateKind::Shipped,
        "017" => DateKind::ExpectedDelivery,
        "067" => DateKind::PromisedDelivery,
        "068" => DateKind::PromisedShip,
        "035" => DateKind::Delivered,
        "050" => DateKind::Received,
        "003" => DateKind::Invoice,
        "814" => DateKind::Due,
        "007" => DateKind::Effective,
        "036" => DateKind::Expiry,
        "097" => DateKind::Document,
        _ => DateKind::Other,
    }
}

/// Date kind → the DTM01 qualifier written when the date keeps none.
pub fn date_qualifier(kind: DateKind) -> Option<&'static str> {
    Some(match kind {
        DateKind::RequestedDelivery => "002",
        DateKind::RequestedShip => "010",
        DateKind::Shipped => "011",
        DateKind::ExpectedDelivery => "017",
        DateKind::PromisedDelivery => "067",
        DateKind::PromisedShip => "068",
        DateKind::Delivered => "035",
        DateKind::Received => "050",
        DateKind::Invoice => "003",
        DateKind::Due => "814",
        DateKind::Effective => "007",
        DateKind::Expiry => "036",
        DateKind::Document => "097",
        DateKind::Other => return None,
    })
}

/// BAK02 / BCA02 acknowledgment type → response status.
pub fn response_status(code: &str) -> ResponseStatus {
    match code {
        "AD" | "AK" | "AP" | "AT" => ResponseStatus::Accepted,
        "AC" | "AE" => ResponseStatus::AcceptedWithChanges,
        "RD" | "RF" | "RJ" | "RO" | "RV" | "RZ" => ResponseStatus::Rejected,
        _ => ResponseStatus::Pending,
    }
}

/// Response status → BAK02 / BCA02 when the document brings no X12 code.
pub fn response_code(status: ResponseStatus) -> &'static str {
    match status {
        ResponseStatus::Accepted => "AD",
        ResponseStatus::AcceptedWithChanges => "AC",
        ResponseStatus::Rejected => "RD",
        ResponseStatus::Pending => "ZZ",
    }
}

/// ACK01 line item status → line status.
pub fn line_status(code: &str) -> LineStatus {
    match code {
        "IA" | "AC" | "AR" | "IE" => LineStatus::Accepted,
        "IC" | "IP" | "IQ" | "IS" | "DR" => LineStatus::Changed,
        "IR" | "R1" | "R2" | "R3" | "R4" | "R5" => LineStatus::Rejected,
        "IB" | "BP" => LineStatus::Backordered,
        "ID" => LineStatus::Deleted,
        _ => LineStatus::Pending,
    }
}

/// Line status → ACK01 when the document brings no X12 code.
pub fn line_status_code(status: LineStatus) -> &'static str {
    match status {
        LineStatus::Accepted => "IA",
        LineStatus::Changed => "IC",
        LineStatus::Rejected => "IR",
        LineStatus::Backordered => "IB",
        LineStatus::Pending => "IH",
        LineStatus::Deleted => "ID",
    }
}

/// POC02 change or response type → line change kind.
pub fn line_change(code: &str) -> LineChangeKind {
    match code {
        "AI" => LineChangeKind::Add,
        "DI" => LineChangeKind::Cancel,
        "QD" | "QI" => LineChangeKind::ChangeQuantity,
        "PC" => LineChangeKind::ChangePrice,
        "CT" | "RS" => LineChangeKind::ChangeDates,
        "NC" => LineChangeKind::Unchanged,
        _ => LineChangeKind::Change,
    }
}

/// Line change kind → POC02 when the document brings no X12 code.
pub fn line_change_code(kind: LineChangeKind) -> &'static str {
    match kind {
        LineChangeKind::Add => "AI",
        LineChangeKind::Cancel => "DI",
        LineChangeKind::ChangeQuantity => "QI",
        LineChangeKind::ChangePrice => "PC",
        LineChangeKind::ChangeDates => "CT",
        LineChangeKind::Change => "CA",
        LineChangeKind::Unchanged => "NC",
    }
}

/// A plausible X12 code: one to three upper-case letters or digits. Codes from other
/// standards ("supplierAccount", SAP "LF" happens to pass) are only used when they also agree
/// with the canonical meaning, which each caller checks.
pub fn is_code(text: &str) -> bool {
    (1..=3).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// The source's code when it is an X12 code with the same meaning, else the table's code.
pub fn keep_or<T: PartialEq>(
    code: Option<&str>,
    meaning: T,
    read: impl Fn(&str) -> T,
    default: &str,
) -> String {
    match code {
        Some(code) if is_code(code) && read(code) == meaning => code.to_owned(),
        _ => default.to_owned(),
    }
}

/// The canonical (UN/ECE Rec 20) unit for an X12 355 code, through the canonical table
/// ([`wharf_guest_sdk::units`]): `EA` stays `EA`, `PC` is `H87`, `LB` is `LBR`. A code the
/// table does not hold passes unchanged: an agreement may use units of its own.
pub fn canonical_unit(code: &str) -> String {
    let code = code.trim();
    units::from_x12(code).unwrap_or(code).to_owned()
}

/// The X12 355 code for a canonical unit: an IDoc's `PCE` is `PC`, `KGM` is `KG`. A unit the
/// table has no X12 code for is written as it is.
pub fn x12_unit(code: &str) -> String {
    let code = code.trim();
    units::to_x12(code).unwrap_or(code).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_supplier_s_auxiliary_part_id_is_a_vendor_s_supplemental_item_number() {
        // cXML SupplierPartAuxiliaryID was dropped by PO1 (issue 9's matrix).
        assert_eq!(
            item_qualifier("supplier-aux", "rev C").as_deref(),
            Some("VS")
        );
        assert_eq!(item_scheme("VS"), "supplier-aux");
        assert_eq!(party_qualifier("scac").as_deref(), Some("2"));
        assert_eq!(party_scheme("2"), "scac");
    }
}
