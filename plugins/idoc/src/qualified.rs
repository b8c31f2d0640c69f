//! Segments keyed by a qualifier, at header and item level alike: dates (E1EDK03/E1EDP03,
//! IDDAT), references (E1EDK02/E1EDP02, QUALF) and item identifiers (E1EDP19, QUALF).
//!
//! Each keeps SAP's qualifier (as the date's `qualifier`; a reference in the canonical scheme
//! [`wharf_guest_sdk::schemes`] gives its QUALF, else in scheme `sap:<segment>:<QUALF>`); fields without a canonical
//! place become extensions under `idoc.<segment>.<qualifier>`.

use wharf_guest_sdk::canonical::{Dated, Extension, Identifier};
use wharf_guest_sdk::contract::AdapterError;
use wharf_guest_sdk::id;
use wharf_guest_sdk::schemes::{self, Standard};
use wharf_guest_sdk::xml::Element;

use crate::codes::{self, Origin};
use crate::output::{not_written, restore, segment, write_date};
use crate::segments::{Segment, occurrence_keys};

/// Reads the date segments `name` (E1EDK03 or E1EDP03) under `parent`. A segment without a
/// date carries nothing and is passed over; one without IDDAT is a date without meaning.
pub fn read_dates(
    parent: &mut Segment<'_>,
    name: &str,
    extensions: &mut Vec<Extension>,
) -> Result<Vec<Dated>, AdapterError> {
    let mut segments = parent.segments(name);
    let mut qualifiers = Vec::with_capacity(segments.len());
    for segment in &mut segments {
        qualifiers.push(segment.require("IDDAT", "the date qualifier")?);
    }
    let keys = occurrence_keys(qualifiers.iter().copied());
    let mut dates = Vec::new();
    for ((mut segment, iddat), key) in segments.into_iter().zip(qualifiers).zip(keys) {
        if let Some(value) = segment.date("DATUM", "UZEIT")? {
            dates.push(Dated {
                kind: codes::date_kind(iddat),
                value,
                qualifier: Some(iddat.to_owned()),
            });
        }
        segment.leftovers(&format!("idoc.{name}.{key}"), extensions);
    }
    Ok(dates)
}

/// Writes dates as segments `name` under the segment at `parent_path` (for error locations).
/// A date's own qualifier is used when it is SAP's, else the IDDAT of its kind.
pub fn write_dates<'d>(
    dates: impl IntoIterator<Item = &'d Dated>,
    name: &str,
    parent_path: &str,
    extensions: &[Extension],
    origin: Origin,
) -> Result<Vec<Element>, AdapterError> {
    let mut planned = Vec::new();
    for date in dates {
        match origin
            .sap_qualifier(date.qualifier.as_deref())
            .or_else(|| codes::iddat_for(date.kind))
        {
            Some(iddat) => planned.push((iddat, date)),
            None => not_written(&format!("the {:?} date {}", date.kind, date.value)),
        }
    }
    let keys = occurrence_keys(planned.iter().map(|(iddat, _)| *iddat));
    let mut written = Vec::with_capacity(planned.len());
    for (index, ((iddat, date), key)) in planned.into_iter().zip(keys).enumerate() {
        let path = format!("{parent_path}/{name}[{}]/DATUM", index + 1);
        let (day, time) = write_date(&date.value, &path)?;
        let mut segment = segment(name)
            .text_child("IDDAT", iddat)
            .text_child("DATUM", day)
            .text_child_opt("UZEIT", time);
        restore(&mut segment, extensions, &format!("idoc.{name}.{key}"), &[]);
        written.push(segment);
    }
    Ok(written)
}

/// The reference that names the document a message is about (E1EDK02 QUALF 001, the
/// purchase order), read apart from the others.
pub struct Primary {
    pub number: String,
    pub date: Option<String>,
}

/// Reads the reference segments `name` (E1EDK02 or E1EDP02) under `parent`. The first with
/// QUALF `primary` is returned apart; with `primary_date` its DATUM comes along, else DATUM
/// stays an extension. The others become identifiers `sap:<name>:<QUALF>`.
pub fn read_references(
    parent: &mut Segment<'_>,
    name: &str,
    primary: Option<&str>,
    primary_date: bool,
    extensions: &mut Vec<Extension>,
) -> Result<(Option<Primary>, Vec<Identifier>), AdapterError> {
    let mut segments = parent.segments(name);
    let mut qualifiers = Vec::with_capacity(segments.len());
    for segment in &mut segments {
        qualifiers.push(segment.require("QUALF", "the reference qualifier")?);
    }
    let keys = occurrence_keys(qualifiers.iter().copied());
    let mut found = None;
    let mut references = Vec::new();
    for ((mut segment, qualf), key) in segments.into_iter().zip(qualifiers).zip(keys) {
        let number = segment.require("BELNR", "the referenced document's number")?;
        if found.is_none() && primary == Some(qualf) {
            let date = if primary_date {
                segment.date("DATUM", "UZEIT")?
            } else {
                None
            };
            found = Some(Primary {
                number: number.to_owned(),
                date,
            });
        } else {
            references.push(id(reference_scheme(name, qualf), number));
        }
        segment.leftovers(&format!("idoc.{name}.{key}"), extensions);
    }
    Ok((found, references))
}

/// The scheme of a reference read from segment `name` with QUALF `qualf`: the canonical one
/// the scheme table ([`schemes`]) gives it, else `sap:<name>:<QUALF>`.
pub fn reference_scheme(name: &str, qualf: &str) -> String {
    schemes::from_code(Standard::Sap, qualf)
        .map_or_else(|| format!("sap:{name}:{qualf}"), str::to_owned)
}

/// Writes references as segments `name`: `primary` (QUALF, number) first, then every
/// identifier in a canonical scheme SAP has a QUALF for, or in scheme `sap:<name>:<QUALF>`.
pub fn write_references(
    primary: Option<(&str, &str)>,
    references: &[Identifier],
    name: &str,
    extensions: &[Extension],
) -> Vec<Element> {
    let scheme_prefix = format!("sap:{name}:");
    let mut planned: Vec<(&str, &str)> = primary.into_iter().collect();
    for reference in references {
        let qualf = schemes::to_code(Standard::Sap, &reference.scheme)
            .or_else(|| reference.scheme.strip_prefix(&scheme_prefix));
        match qualf {
            Some(qualf) if !qualf.is_empty() => planned.push((qualf, &reference.value)),
            _ => not_written(&format!(
                "reference {}:{}",
                reference.scheme, reference.value
            )),
        }
    }
    let keys = occurrence_keys(planned.iter().map(|(qualf, _)| *qualf));
    planned
        .into_iter()
        .zip(keys)
        .map(|((qualf, number), key)| {
            let mut segment = segment(name)
                .text_child("QUALF", qualf)
                .text_child("BELNR", number);
            restore(&mut segment, extensions, &format!("idoc.{name}.{key}"), &[]);
            segment
        })
        .collect()
}

/// The item id scheme of E1EDP19 MFRPN, the manufacturer's part number.
const MANUFACTURER: &str = "manufacturer";

/// Reads an item's E1EDP19 identifiers: IDTNR in the scheme of its QUALF, MFRPN as the
/// manufacturer's part number. With `describe`, the first KTEXT is the item's description;
/// any other KTEXT stays an extension.
pub fn read_item_ids(
    line: &mut Segment<'_>,
    describe: bool,
    extensions: &mut Vec<Extension>,
) -> Result<(Vec<Identifier>, Option<String>), AdapterError> {
    let mut segments = line.segments("E1EDP19");
    let mut qualifiers = Vec::with_capacity(segments.len());
    for segment in &mut segments {
        qualifiers.push(segment.require("QUALF", "the identification qualifier")?);
    }
    let keys = occurrence_keys(qualifiers.iter().copied());
    let mut ids = Vec::new();
    let mut description = None;
    for ((mut segment, qualf), key) in segments.into_iter().zip(qualifiers).zip(keys) {
        if let Some(number) = segment.text("IDTNR") {
            ids.push(id(codes::item_id_scheme(qualf), number));
        }
        if let Some(part) = segment.text("MFRPN") {
            ids.push(id(MANUFACTURER, part));
        }
        if describe && description.is_none() {
            description = segment.text("KTEXT").map(str::to_owned);
        }
        segment.leftovers(&format!("idoc.E1EDP19.{key}"), extensions);
    }
    Ok((ids, description))
}

/// The qualifier of a description-only E1EDP19: the text is the customer's wording.
const DESCRIPTION_ONLY: &str = "001";

/// Writes item identifiers as E1EDP19 segments, the description and the manufacturer's part
/// number (MFRPN, which has no QUALF of its own) in the first one.
pub fn write_item_ids(
    ids: &[Identifier],
    description: Option<&str>,
    extensions: &[Extension],
) -> Vec<Element> {
    let mut planned: Vec<(&str, Option<&str>)> = Vec::new();
    let mut manufacturer = None;
    for item_id in ids {
        if item_id.scheme == MANUFACTURER && manufacturer.is_none() {
            manufacturer = Some(item_id.value.as_str());
            continue;
        }
        match codes::item_id_qualifier(&item_id.scheme) {
            Some(qualf) if !qualf.is_empty() => planned.push((qualf, Some(&item_id.value))),
            _ => not_written(&format!(
                "item identifier {}:{}",
                item_id.scheme, item_id.value
            )),
        }
    }
    if planned.is_empty() && (description.is_some() || manufacturer.is_some()) {
        planned.push((DESCRIPTION_ONLY, None));
    }
    let keys = occurrence_keys(planned.iter().map(|(qualf, _)| *qualf));
    planned
        .into_iter()
        .zip(keys)
        .enumerate()
        .map(|(index, ((qualf, number), key))| {
            let mut segment = segment("E1EDP19")
                .text_child("QUALF", qualf)
                .text_child_opt("IDTNR", number)
                .text_child_opt("KTEXT", description.filter(|_| index == 0))
                .text_child_opt("MFRPN", manufacturer.filter(|_| index == 0));
            restore(
                &mut segment,
                extensions,
                &format!("idoc.E1EDP19.{key}"),
                &[],
            );
            segment
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_guest_sdk::canonical::DateKind;
    use wharf_guest_sdk::xml;

    #[test]
    fn a_manufacturer_part_number_is_e1edp19_mfrpn() {
        let ids = [id("supplier", "HZ-FL-2040"), id(MANUFACTURER, "FW-40-42CM")];
        let written = write_item_ids(&ids, None, &[]);
        assert_eq!(written.len(), 1, "MFRPN rides on the vendor's E1EDP19");
        assert_eq!(written[0].text_of("QUALF"), Some("002"));
        assert_eq!(written[0].text_of("MFRPN"), Some("FW-40-42CM"));
        let mut item = Element::new("E1EDP01");
        item.children.extend(written);
        let item = xml::parse(item.to_xml(None).as_bytes()).expect("parses");
        let (read, _) =
            read_item_ids(&mut Segment::new(&item), false, &mut Vec::new()).expect("reads");
        assert_eq!(read, ids);
        // Alone, it needs an E1EDP19 of its own.
        let alone = write_item_ids(&ids[1..], None, &[]);
        assert_eq!(alone[0].text_of("MFRPN"), Some("FW-40-42CM"));
        assert_eq!(alone[0].text_of("IDTNR"), None);
    }

    #[test]
    fn dates_keep_their_qualifier_and_meaning() {
        let idoc = xml::parse(
            b"<IDOC><E1EDK03 SEGMENT=\"1\"><IDDAT>012</IDDAT><DATUM>20260115</DATUM></E1EDK03>\
              <E1EDK03 SEGMENT=\"1\"><IDDAT>002</IDDAT><DATUM>20260216</DATUM><UZEIT>0800</UZEIT></E1EDK03>\
              <E1EDK03 SEGMENT=\"1\"><IDDAT>022</IDDAT><DATUM/></E1EDK03></IDOC>",
        )
        .expect("parses");
        let dates =
            read_dates(&mut Segment::new(&idoc), "E1EDK03", &mut Vec::new()).expect("reads");
        assert_eq!(dates.len(), 2);
        assert_eq!(dates[0].kind, DateKind::Document);
        assert_eq!(dates[1].kind, DateKind::RequestedDelivery);
        assert_eq!(dates[1].value, "2026-02-16T08:00:00");
        assert_eq!(dates[1].qualifier.as_deref(), Some("002"));
    }

    #[test]
    fn a_bad_date_is_located_at_its_segment() {
        let idoc = xml::parse(
            b"<IDOC><E1EDK03><IDDAT>012</IDDAT><DATUM>20260115</DATUM></E1EDK03>\
              <E1EDK03><IDDAT>002</IDDAT><DATUM>20260231</DATUM></E1EDK03></IDOC>",
        )
        .expect("parses");
        let err = read_dates(&mut Segment::new(&idoc), "E1EDK03", &mut Vec::new()).unwrap_err();
        assert_eq!(
            wharf_guest_sdk::error::render(&err),
            "validation error at /IDOC/E1EDK03[2]/DATUM: \"20260231\" is not a valid date: \
             day out of range for the month"
        );
    }

    #[test]
    fn foreign_qualifiers_give_way_to_the_kind() {
        let date = Dated {
            kind: DateKind::RequestedDelivery,
            value: "2026-03-01T10:00".into(),
            qualifier: Some("017".into()),
        };
        let written = write_dates([&date], "E1EDP03", "/X", &[], Origin { sap_codes: false })
            .expect("writes");
        assert_eq!(written[0].text_of("IDDAT"), Some("002"));
        assert_eq!(written[0].text_of("UZEIT"), Some("100000"));
        let err = write_dates(
            [&Dated {
                value: "2026-02-30".into(),
                ..date
            }],
            "E1EDP03",
            "/X",
            &[],
            Origin { sap_codes: true },
        )
        .unwrap_err();
        assert_eq!(
            err.location,
            Some(wharf_guest_sdk::contract::Location::XmlPath(
                "/X/E1EDP03[1]/DATUM".into()
            ))
        );
    }
}
