//! Code tables between EDIFACT codes and canonical meanings, both ways.
//!
//! The tables are the conventions every Wharf adapter follows, so the same order compares
//! equal whichever format it came through: DTM 2005 qualifiers to date kinds, NAD 3035 to party
//! roles, 3055 agencies to identifier schemes, 7143 item number types to item schemes.

use wharf_guest_sdk::canonical::{DateKind, PartyRole};
use wharf_guest_sdk::date;

/// DTM 2005 to what the date means.
pub fn date_kind(qualifier: &str) -> DateKind {
    match qualifier {
        "137" => DateKind::Document,
        "2" | "63" | "64" => DateKind::RequestedDelivery,
        "69" => DateKind::PromisedDelivery,
        "10" => DateKind::RequestedShip,
        "11" => DateKind::Shipped,
        "17" => DateKind::ExpectedDelivery,
        "35" => DateKind::Delivered,
        "50" => DateKind::Received,
        "3" => DateKind::Invoice,
        "13" => DateKind::Due,
        "7" => DateKind::Effective,
        "36" => DateKind::Expiry,
        _ => DateKind::Other,
    }
}

/// The DTM 2005 qualifier written for a date kind when the date has no qualifier of its own.
pub fn date_qualifier(kind: DateKind) -> Option<&'static str> {
    Some(match kind {
        DateKind::Document => "137",
        DateKind::RequestedDelivery => "2",
        DateKind::PromisedDelivery => "69",
        DateKind::RequestedShip => "10",
        DateKind::Shipped => "11",
        DateKind::ExpectedDelivery => "17",
        DateKind::Delivered => "35",
        DateKind::Received => "50",
        DateKind::Invoice => "3",
        DateKind::Due => "13",
        DateKind::Effective => "7",
        DateKind::Expiry => "36",
        DateKind::PromisedShip | DateKind::Other => return None,
    })
}

/// DTM 2380 in format 2379 as ISO 8601, `Ok(None)` for formats without an ISO form (weeks,
/// durations, partner codes), `Err` for a date its format says is impossible.
pub fn iso_date(text: &str, format: &str) -> Result<Option<String>, String> {
    let ascii_digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    let (date_part, time_part) = match format {
        "102" if text.len() == 8 => (text, None),
        "203" if text.len() == 12 => (&text[..8], Some(&text[8..])),
        "204" if text.len() == 14 => (&text[..8], Some(&text[8..])),
        "718" if text.len() == 17 && text.as_bytes().get(8) == Some(&b'-') => {
            let (start, end) = (&text[..8], &text[9..]);
            date::from_compact(end, None).map_err(|e| e.to_string())?;
            return date::from_compact(start, None)
                .map(Some)
                .map_err(|e| e.to_string());
        }
        "102" | "203" | "204" | "718" => {
            return Err(format!(
                "{text:?} does not have the length date format {format} requires"
            ));
        }
        _ => return Ok(None),
    };
    if !ascii_digits {
        return Err(format!(
            "{text:?} is not a date in format {format}: expected digits"
        ));
    }
    date::from_compact(date_part, time_part)
        .map(Some)
        .map_err(|e| e.to_string())
}

/// An ISO 8601 date as DTM 2380 and its format code 2379: 102 for a day, 203 for a time on
/// the minute, 204 with seconds.
pub fn compact_date(iso: &str) -> Result<(String, &'static str), String> {
    let (day, time) = date::to_compact(iso).map_err(|e| e.to_string())?;
    Ok(match time {
        None => (day, "102"),
        Some(time) if time.ends_with("00") => (format!("{day}{}", &time[..4]), "203"),
        Some(time) => (format!("{day}{time}"), "204"),
    })
}

/// NAD 3035 to a party role.
pub fn party_role(code: &str) -> PartyRole {
    match code {
        "BY" => PartyRole::Buyer,
        "SU" | "SE" => PartyRole::Supplier,
        "DP" | "ST" => PartyRole::ShipTo,
        "IV" | "BT" => PartyRole::BillTo,
        "SF" => PartyRole::ShipFrom,
        "CA" => PartyRole::Carrier,
        "PE" => PartyRole::RemitTo,
        "MF" => PartyRole::Manufacturer,
        "OB" => PartyRole::SoldTo,
        _ => PartyRole::Other,
    }
}

/// The NAD 3035 written for a role when the party has no role code of its own.
pub fn party_code(role: PartyRole) -> &'static str {
    match role {
        PartyRole::Buyer => "BY",
        PartyRole::Supplier => "SU",
        PartyRole::ShipTo => "DP",
        PartyRole::BillTo => "IV",
        PartyRole::ShipFrom => "SF",
        PartyRole::Carrier => "CA",
        PartyRole::RemitTo => "PE",
        PartyRole::Manufacturer => "MF",
        // Sold-to has no code of its own in 3035; the ordering buyer is the sold-to party.
        PartyRole::SoldTo => "OB",
        PartyRole::Other => "ZZZ",
    }
}

/// 3055 (the agency responsible for a code list) to an identifier scheme.
pub fn party_scheme(agency: Option<&str>) -> String {
    match agency {
        Some("9") => "gln".to_owned(),
        Some("16") => "duns".to_owned(),
        Some("91") => "supplier".to_owned(),
        Some("92") => "buyer".to_owned(),
        Some(other) => format!("edifact:{other}"),
        None => "edifact".to_owned(),
    }
}

/// An identifier scheme as 3055, or `None` for a scheme EDIFACT has no agency code for.
pub fn party_agency(scheme: &str) -> Option<&str> {
    match scheme {
        "gln" => Some("9"),
        "duns" => Some("16"),
        "supplier" => Some("91"),
        "buyer" => Some("92"),
        "edifact" => Some(""),
        other => other.strip_prefix("edifact:"),
    }
}

/// 7143 (item number type) to an item identifier scheme.
pub fn item_scheme(kind: Option<&str>) -> String {
    match kind {
        Some("EN" | "SRV") => "gtin".to_owned(),
        Some("BP") => "buyer".to_owned(),
        Some("SA" | "VN" | "VP") => "supplier".to_owned(),
        Some("MF") => "manufacturer".to_owned(),
        Some(other) => format!("edifact:{other}"),
        None => "edifact".to_owned(),
    }
}

/// An item identifier scheme as 7143, or `None` for a scheme EDIFACT cannot name.
pub fn item_kind(scheme: &str) -> Option<&str> {
    match scheme {
        "gtin" => Some("EN"),
        "buyer" => Some("BP"),
        "supplier" => Some("SA"),
        "manufacturer" => Some("MF"),
        "edifact" => Some(""),
        other => other.strip_prefix("edifact:"),
    }
}

/// Error codes (0085) of CONTRL, with the words that describe them.
pub fn syntax_error_text(code: &str) -> String {
    let text = match code {
        "2" => "syntax version or level not supported",
        "7" => "interchange recipient not actual recipient",
        "12" => "invalid value",
        "13" => "missing",
        "14" => "value not supported in this position",
        "15" => "not supported in this position",
        "16" => "too many constituents",
        "17" => "no agreement",
        "18" => "unspecified error",
        "19" => "invalid decimal notation",
        "20" => "character invalid as service character",
        "21" => "invalid character(s)",
        "22" => "invalid service character(s)",
        "23" => "unknown interchange sender",
        "25" => "test indicator not supported",
        "26" => "duplicate detected",
        "28" => "references do not match",
        "29" => "control count does not match number of instances received",
        "32" => "lower level empty",
        "35" => "too many repetitions",
        "36" => "too many segment group repetitions",
        "37" => "invalid type of character(s)",
        "39" => "data element too long",
        "40" => "data element too short",
        _ => return format!("syntax error {code}"),
    };
    text.to_owned()
}
