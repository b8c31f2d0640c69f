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
        // 11, "despatch date and/or time": when goods "are or are expected to be despatched"
        // (UNTDID 2005, D96A on); a response's promised ship date reads back as promised, see
        // `ordrsp::promised`. 69 is a promised *delivery*, 10 a despatch the buyer requests.
        DateKind::Shipped | DateKind::PromisedShip => "11",
        DateKind::ExpectedDelivery => "17",
        DateKind::Delivered => "35",
        DateKind::Received => "50",
        DateKind::Invoice => "3",
        DateKind::Due => "13",
        DateKind::Effective => "7",
        DateKind::Expiry => "36",
        DateKind::Other => return None,
    })
}

/// DTM 2380 in format 2379 as ISO 8601, `Ok(None)` for formats without an ISO form (weeks,
/// durations, partner codes), `Err` for a date its format says is impossible.
pub fn iso_date(text: &str, format: &str) -> Result<Option<String>, String> {
    if let Some(clock) = match format {
        "303" | "205" => Some(12),
        "304" => Some(14),
        _ => None,
    } {
        return zoned_date(text, format, clock);
    }
    let ascii_digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    // The formats below are cut at byte offsets, which only ASCII text makes safe; a date
    // with any other character is no date in them, whatever its length.
    let cut_by_offset = matches!(format, "102" | "203" | "204" | "718");
    if cut_by_offset && !text.is_ascii() {
        return Err(format!(
            "{text:?} is not a date in format {format}: expected digits"
        ));
    }
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

/// A date and time with its zone (2379 303 `CCYYMMDDHHMMZZZ`, 304 `CCYYMMDDHHMMSSZZZ`, and
/// 205 `CCYYMMDDHHMMZHHMM` from D01A on) as ISO 8601 with its offset. The directory leaves
/// ZZZ's form open; read are `UTC`, `GMT` and `Z`, a signed hour `+01` and a signed `+0530`.
/// A zone named otherwise (`CET`) has no fixed offset: `Ok(None)`, the date is kept whole.
fn zoned_date(text: &str, format: &str, clock: usize) -> Result<Option<String>, String> {
    let split = text
        .get(..clock)
        .filter(|d| d.bytes().all(|b| b.is_ascii_digit()));
    let (Some(digits), zone) = (split, text.get(clock..).unwrap_or_default()) else {
        return Err(format!(
            "{text:?} is not a date in format {format}: expected {clock} digits and a time zone"
        ));
    };
    let offset = match zone.as_bytes() {
        b"" => {
            return Err(format!(
                "{text:?} is not a date in format {format}: no time zone"
            ));
        }
        b"UTC" | b"GMT" | b"Z" => "Z".to_owned(),
        [sign @ (b'+' | b'-'), rest @ ..]
            if matches!(rest.len(), 2 | 4) && rest.iter().all(u8::is_ascii_digit) =>
        {
            let minutes = zone.get(3..).filter(|m| !m.is_empty()).unwrap_or("00");
            format!("{}{}:{minutes}", char::from(*sign), &zone[1..3])
        }
        _ => return Ok(None),
    };
    let iso = date::from_compact(&digits[..8], Some(&digits[8..])).map_err(|e| e.to_string())?;
    let iso = format!("{iso}{offset}");
    date::check_iso(&iso).map_err(|e| e.to_string())?;
    Ok(Some(iso))
}

/// An ISO 8601 date as DTM 2380 and its format code 2379: 102 for a day, 203 for a time on
/// the minute, 204 with seconds; a time with an offset is 303 or 304 with the zone as ZZZ
/// ("See 203 plus Z = Time zone", in every directory from D93A on, so D96A too): `+01` for a
/// whole hour, `UTC` for `Z`, and `+0530` for the rare offset three characters cannot say.
pub fn compact_date(iso: &str) -> Result<(String, &'static str), String> {
    let (day, time) = date::to_compact(iso).map_err(|e| e.to_string())?;
    let normal = date::normalize_iso(iso).map_err(|e| e.to_string())?;
    let zone = match normal.get(19..).unwrap_or_default() {
        "" => None,
        offset => Some(match offset.find(['Z', '+', '-']).map(|at| &offset[at..]) {
            Some("Z") => "UTC".to_owned(),
            Some(signed) if signed.ends_with(":00") => signed[..3].to_owned(),
            Some(signed) => signed.replace(':', ""),
            None => String::new(),
        }),
    };
    Ok(match (time, zone) {
        (None, _) => (day, "102"),
        (Some(time), Some(zone)) if time.ends_with("00") => {
            (format!("{day}{}{zone}", &time[..4]), "303")
        }
        (Some(time), Some(zone)) => (format!("{day}{time}{zone}"), "304"),
        (Some(time), None) if time.ends_with("00") => (format!("{day}{}", &time[..4]), "203"),
        (Some(time), None) => (format!("{day}{time}"), "204"),
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
        // "US, Standard Carrier Alpha Code (Motor)"
        Some("182") => "scac".to_owned(),
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
        "scac" => Some("182"),
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
        // "Vendor's supplemental item number", cXML's SupplierPartAuxiliaryID.
        Some("VS") => "supplier-aux".to_owned(),
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
        "supplier-aux" => Some("VS"),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_supplier_s_auxiliary_part_id_is_a_vendor_s_supplemental_item_number() {
        // cXML SupplierPartAuxiliaryID was dropped by PIA (issue 9's matrix).
        assert_eq!(item_kind("supplier-aux"), Some("VS"));
        assert_eq!(item_scheme(Some("VS")), "supplier-aux");
    }

    #[test]
    fn a_scac_is_agency_182_both_ways() {
        // A cXML CarrierIdentifier domain="SCAC" and an X12 TD502 2 came back as edifact:ZZZ.
        assert_eq!(party_agency("scac"), Some("182"));
        assert_eq!(party_scheme(Some("182")), "scac");
        assert_eq!(party_scheme(Some("ZZZ")), "edifact:ZZZ");
    }

    #[test]
    fn a_time_with_an_offset_keeps_its_zone_both_ways() {
        // A cXML delivery date at +01:00 came back from EDIFACT without it (issue 9's matrix).
        for (iso, text, format) in [
            ("2026-03-02T00:00:00+01:00", "202603020000+01", "303"),
            ("2026-02-11T15:10:30-05:00", "20260211151030-05", "304"),
            ("2026-02-11T15:10:00Z", "202602111510UTC", "303"),
            ("2026-02-11T15:10:00+05:30", "202602111510+0530", "303"),
            ("2026-02-11T15:10:00", "202602111510", "203"),
            ("2026-02-11", "20260211", "102"),
        ] {
            assert_eq!(
                compact_date(iso).unwrap(),
                (text.to_owned(), format),
                "{iso}"
            );
            assert_eq!(
                iso_date(text, format).unwrap().as_deref(),
                Some(iso),
                "{text}"
            );
        }
        assert_eq!(
            iso_date("202603020000+0100", "205").unwrap().as_deref(),
            Some("2026-03-02T00:00:00+01:00")
        );
        assert_eq!(
            iso_date("202603020000GMT", "303").unwrap().as_deref(),
            Some("2026-03-02T00:00:00Z")
        );
        // A zone without a fixed offset, or not one the adapter can read, keeps the DTM whole.
        assert_eq!(iso_date("202603020000CET", "303"), Ok(None));
        assert_eq!(iso_date("202603020000+1", "303"), Ok(None));
        for (text, format) in [
            ("202603020000", "303"),
            ("2026030200+01", "304"),
            ("202602300000+01", "303"),
        ] {
            assert!(iso_date(text, format).is_err(), "{text} {format}");
        }
    }

    /// Found by the fuzz harness: a 12-byte 203 date whose eighth byte starts a two-byte
    /// character was cut inside that character, which panicked.
    #[test]
    fn a_date_with_a_non_ascii_character_is_refused_not_cut() {
        for (text, format) in [
            ("2026022\u{c3}528", "203"),
            ("2060224\u{b1}500", "203"),
            ("2026030\u{e9}", "102"),
            ("2026030\u{e9}12000", "204"),
            ("2026030\u{e9}-20260310", "718"),
        ] {
            let refused = iso_date(text, format).expect_err(text);
            assert!(refused.contains("expected digits"), "{refused}");
        }
    }
}
